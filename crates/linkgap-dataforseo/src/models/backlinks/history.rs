//! `POST /v3/backlinks/history/live`: monthly history of a domain's totals since 2019-01 (reference §7.2).

use chrono::{Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::models::{RankScale, TargetInfo, Timestamp, check_date_bounds, check_tag, check_target};
use crate::request::{ApiRequest, InvalidRequest};

/// The first month with history data.
pub const HISTORY_START: NaiveDate = NaiveDate::from_ymd_opt(2019, 1, 1).expect("a valid date");

/// Request of `history/live`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HistoryRequest {
    /// A domain, without scheme or `www.`.
    pub target: String,
    /// First month, at least 2019-01-01 (the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_from: Option<NaiveDate>,
    /// Last month (default today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_to: Option<NaiveDate>,
    /// `one_hundred` or `one_thousand` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_scale: Option<RankScale>,
    /// Echoed in `data.tag`, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl HistoryRequest {
    /// A history request for the domain `target`.
    pub fn new(target: impl Into<String>) -> HistoryRequest {
        HistoryRequest { target: target.into(), ..HistoryRequest::default() }
    }
}

/// Months from `from` to `to`, both included (0 if `to` is earlier).
pub(crate) fn months_between(from: NaiveDate, to: NaiveDate) -> u64 {
    let months = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    u64::try_from(months + 1).unwrap_or(0)
}

impl ApiRequest for HistoryRequest {
    const ENDPOINT: Endpoint = Endpoint::History;
    type Result = HistoryResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_target("target", &self.target)?;
        if self.target.contains("://") {
            return Err(InvalidRequest::new(
                "target",
                format!("`{}` must be a domain, not a URL", self.target),
            ));
        }
        check_tag(self.tag.as_deref())?;
        check_date_bounds(self.date_from, self.date_to, HISTORY_START)
    }

    /// One row per month in the range (the per-row charge here is unconfirmed).
    fn max_billed_rows(&self) -> u64 {
        let from = self.date_from.unwrap_or(HISTORY_START);
        let to = self.date_to.unwrap_or_else(|| Utc::now().date_naive());
        months_between(from, to)
    }

    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

wire_model! {
    /// `result[0]` of `history/live`.
    pub struct HistoryResult {
        /// The target as sent.
        target: String,
        /// First month.
        date_from: NaiveDate,
        /// Last month.
        date_to: NaiveDate,
        /// Rows in the result.
        items_count: u64,
        /// One row per month.
        items: Vec<HistoryItem>,
    }
}

impl HistoryResult {
    /// The months; a `null` list reads as empty.
    pub fn items(&self) -> &[HistoryItem] {
        self.items.as_deref().unwrap_or_default()
    }
}

aggregates_model! {
    /// The totals of the target on the first day of one month.
    pub struct HistoryItem {
        /// `backlinks_history`.
        r#type: String,
        /// The month (first day).
        date: Timestamp,
        /// Target rank.
        rank: u64,
        /// Backlinks.
        backlinks: u64,
        /// New backlinks since the previous month (0 before May 2021).
        new_backlinks: u64,
        /// Lost backlinks since the previous month (0 before May 2021).
        lost_backlinks: u64,
        /// New referring domains (also read from the misspelled `new_reffering_domains`).
        #[serde(alias = "new_reffering_domains")]
        new_referring_domains: u64,
        /// Lost referring domains (also read from the misspelled `lost_reffering_domains`).
        #[serde(alias = "lost_reffering_domains")]
        lost_referring_domains: u64,
        /// Crawled pages of the target.
        crawled_pages: u64,
        /// Server, CMS, country and spam score of the target.
        info: TargetInfo,
        /// Internal links over crawled pages.
        internal_links_count: u64,
        /// External links over crawled pages.
        external_links_count: u64,
        /// Backlinks to 4xx/5xx target pages.
        broken_backlinks: u64,
        /// Broken target pages.
        broken_pages: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes() {
        let result: HistoryResult = fixture_result("history", "ok").unwrap();
        assert_eq!(result.date_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        let item = &result.items()[0];
        assert_eq!(item.new_referring_domains, Some(40));
        assert_eq!(item.info.as_ref().unwrap().cms, None);
        assert_eq!(item.date.unwrap().to_rfc3339(), "2024-01-01T00:00:00+00:00");
    }

    #[test]
    fn misspelled_keys_are_accepted() {
        let result: HistoryResult = fixture_result("history", "misspelled").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.new_referring_domains, Some(7));
        assert_eq!(item.lost_referring_domains, Some(3));
    }

    #[test]
    fn request_serialises_dates_and_checks_bounds() {
        let request = HistoryRequest {
            date_from: NaiveDate::from_ymd_opt(2024, 1, 1),
            date_to: NaiveDate::from_ymd_opt(2024, 6, 30),
            rank_scale: Some(RankScale::OneHundred),
            ..HistoryRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "date_from": "2024-01-01", "date_to": "2024-06-30", "rank_scale": "one_hundred"})
        );
        assert_eq!(request.max_billed_rows(), 6);
        let early =
            HistoryRequest { date_from: NaiveDate::from_ymd_opt(2018, 12, 31), ..request.clone() };
        assert_eq!(early.validate().unwrap_err().field, "date_from");
        let reversed =
            HistoryRequest { date_to: NaiveDate::from_ymd_opt(2023, 1, 1), ..request.clone() };
        assert_eq!(reversed.validate().unwrap_err().field, "date_to");
        assert_eq!(
            HistoryRequest::new("https://example.com/").validate().unwrap_err().field,
            "target"
        );
        assert_eq!(
            serde_json::to_value(HistoryRequest::new("a.com")).unwrap(),
            json!({"target": "a.com"})
        );
    }
}
