//! `POST /v3/backlinks/bulk_new_lost_backlinks/live`: new and lost backlinks since a date for up to
//! 1,000 targets (reference §7.18).

use chrono::{Days, NaiveDate, Utc};

use crate::models::BulkExtra;
use crate::request::InvalidRequest;

bulk_request! {
    /// Request of `bulk_new_lost_backlinks/live`.
    pub struct BulkNewLostBacklinksRequest => BulkNewLostBacklinks, BulkNewLostBacklinksResult, max_domains = [None] {
        /// Count from this date (default today − 1 month; at most one year back).
        date_from: NaiveDate,
    }
}

/// Checks a bulk new/lost `date_from`: not in the future and at most one year back.
pub(crate) fn check_new_lost_date_from(date_from: Option<NaiveDate>) -> Result<(), InvalidRequest> {
    let Some(date_from) = date_from else { return Ok(()) };
    let today = Utc::now().date_naive();
    if date_from > today {
        return Err(InvalidRequest::new("date_from", format!("`{date_from}` is in the future")));
    }
    if let Some(earliest) = today.checked_sub_days(Days::new(366))
        && date_from < earliest
    {
        return Err(InvalidRequest::new(
            "date_from",
            format!("`{date_from}` is more than one year back"),
        ));
    }
    Ok(())
}

impl BulkExtra for BulkNewLostBacklinksRequest {
    fn check(&self) -> Result<(), InvalidRequest> {
        check_new_lost_date_from(self.date_from)
    }
}

bulk_result! {
    /// `result[0]` of `bulk_new_lost_backlinks/live`.
    pub struct BulkNewLostBacklinksResult => BulkNewLostBacklinksItem
}

wire_model! {
    /// New and lost backlinks of one target since `date_from`.
    pub struct BulkNewLostBacklinksItem {
        /// The target exactly as sent.
        target: String,
        /// New backlinks.
        new_backlinks: u64,
        /// Lost backlinks.
        lost_backlinks: u64,
    }
}

bulk_item_by_target!(BulkNewLostBacklinksItem);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;
    use crate::request::ApiRequest;

    #[test]
    fn ok_fixture_decodes() {
        let result: BulkNewLostBacklinksResult =
            fixture_result("bulk_new_lost_backlinks", "ok").unwrap();
        assert_eq!(result.items()[0].new_backlinks, Some(31));
        assert_eq!(result.items()[0].lost_backlinks, Some(0));
    }

    #[test]
    fn date_from_is_sent_as_a_date_and_bounded() {
        let today = Utc::now().date_naive();
        let month_ago = today.checked_sub_days(Days::new(30)).unwrap();
        let request = BulkNewLostBacklinksRequest {
            date_from: Some(month_ago),
            ..BulkNewLostBacklinksRequest::new(["a.com"])
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"targets": ["a.com"], "date_from": month_ago.format("%Y-%m-%d").to_string()})
        );
        request.validate().unwrap();
        let old = BulkNewLostBacklinksRequest {
            date_from: today.checked_sub_days(Days::new(400)),
            ..request.clone()
        };
        assert_eq!(old.validate().unwrap_err().field, "date_from");
        let future = BulkNewLostBacklinksRequest {
            date_from: today.checked_add_days(Days::new(2)),
            ..request
        };
        assert_eq!(future.validate().unwrap_err().field, "date_from");
    }
}
