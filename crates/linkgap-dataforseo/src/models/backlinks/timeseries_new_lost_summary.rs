//! `POST /v3/backlinks/timeseries_new_lost_summary/live`: new and lost links and domains per period (reference §7.13).

use chrono::NaiveDate;
use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::models::GroupRange;
use crate::models::Timestamp;
use crate::models::backlinks::timeseries_summary::{check_timeseries, timeseries_rows};
use crate::request::{ApiRequest, InvalidRequest};

/// Request of `timeseries_new_lost_summary/live` (no `rank_scale`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TimeseriesNewLostSummaryRequest {
    /// A domain, without scheme or `www.`.
    pub target: String,
    /// First date, at least 2019-01-30.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_from: Option<NaiveDate>,
    /// Last date (default today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_to: Option<NaiveDate>,
    /// `day`, `week`, `month` (default) or `year`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_range: Option<GroupRange>,
    /// Count links to subdomains (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_subdomains: Option<bool>,
    /// Echoed in `data.tag`, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl TimeseriesNewLostSummaryRequest {
    /// A request for the domain `target`.
    pub fn new(target: impl Into<String>) -> TimeseriesNewLostSummaryRequest {
        TimeseriesNewLostSummaryRequest {
            target: target.into(),
            ..TimeseriesNewLostSummaryRequest::default()
        }
    }
}

impl ApiRequest for TimeseriesNewLostSummaryRequest {
    const ENDPOINT: Endpoint = Endpoint::TimeseriesNewLostSummary;
    type Result = TimeseriesNewLostSummaryResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_timeseries(
            &self.target,
            self.date_from,
            self.date_to,
            self.group_range,
            self.tag.as_deref(),
        )
    }

    fn max_billed_rows(&self) -> u64 {
        timeseries_rows(self.date_from, self.date_to, self.group_range)
    }

    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

wire_model! {
    /// `result[0]` of `timeseries_new_lost_summary/live`.
    pub struct TimeseriesNewLostSummaryResult {
        /// The target as sent.
        target: String,
        /// First date.
        date_from: NaiveDate,
        /// Last date.
        date_to: NaiveDate,
        /// The grouping used.
        group_range: GroupRange,
        /// Rows in the result.
        items_count: u64,
        /// One row per period.
        items: Vec<TimeseriesNewLostSummaryItem>,
    }
}

impl TimeseriesNewLostSummaryResult {
    /// The periods; a `null` list reads as empty.
    pub fn items(&self) -> &[TimeseriesNewLostSummaryItem] {
        self.items.as_deref().unwrap_or_default()
    }
}

wire_model! {
    /// New and lost counts of one period.
    pub struct TimeseriesNewLostSummaryItem {
        /// `backlinks_timeseries_new_lost_summary`.
        r#type: String,
        /// End of the period.
        date: Timestamp,
        /// New backlinks.
        new_backlinks: u64,
        /// Lost backlinks.
        lost_backlinks: u64,
        /// New referring domains.
        #[serde(alias = "new_reffering_domains")]
        new_referring_domains: u64,
        /// Lost referring domains.
        #[serde(alias = "lost_reffering_domains")]
        lost_referring_domains: u64,
        /// New referring main domains.
        new_referring_main_domains: u64,
        /// Lost referring main domains.
        lost_referring_main_domains: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes() {
        let result: TimeseriesNewLostSummaryResult =
            fixture_result("timeseries_new_lost_summary", "ok").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.new_backlinks, Some(120));
        assert_eq!(item.lost_referring_main_domains, Some(2));
        assert_eq!(result.items()[1].new_referring_domains, Some(9), "misspelled key accepted");
    }

    #[test]
    fn request_sends_no_rank_scale_and_unset_fields() {
        let request = TimeseriesNewLostSummaryRequest {
            group_range: Some(GroupRange::Week),
            ..TimeseriesNewLostSummaryRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "group_range": "week"})
        );
        request.validate().unwrap();
        let bad = TimeseriesNewLostSummaryRequest { tag: Some("x".repeat(256)), ..request };
        assert_eq!(bad.validate().unwrap_err().field, "tag");
    }
}
