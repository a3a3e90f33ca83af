//! `POST /v3/backlinks/timeseries_summary/live`: a domain's totals per day, week, month or year (reference §7.12).

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::models::{GroupRange, RankScale, Timestamp, check_date_bounds, check_tag, check_target};
use crate::request::{ApiRequest, InvalidRequest};

/// The documented first date of the timeseries endpoints.
pub const TIMESERIES_START: NaiveDate = NaiveDate::from_ymd_opt(2019, 1, 30).expect("a valid date");

/// Request of `timeseries_summary/live`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TimeseriesSummaryRequest {
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
    /// `one_hundred` or `one_thousand` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_scale: Option<RankScale>,
    /// Echoed in `data.tag`, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl TimeseriesSummaryRequest {
    /// A request for the domain `target`.
    pub fn new(target: impl Into<String>) -> TimeseriesSummaryRequest {
        TimeseriesSummaryRequest { target: target.into(), ..TimeseriesSummaryRequest::default() }
    }
}

/// Checks a timeseries request's target, dates, group range and tag.
pub(crate) fn check_timeseries(
    target: &str,
    date_from: Option<NaiveDate>,
    date_to: Option<NaiveDate>,
    group_range: Option<GroupRange>,
    tag: Option<&str>,
) -> Result<(), InvalidRequest> {
    check_target("target", target)?;
    if target.contains("://") {
        return Err(InvalidRequest::new(
            "target",
            format!("`{target}` must be a domain, not a URL"),
        ));
    }
    if group_range == Some(GroupRange::Unknown) {
        return Err(InvalidRequest::new("group_range", "unknown group range"));
    }
    check_tag(tag)?;
    check_date_bounds(date_from, date_to, TIMESERIES_START)
}

/// The most buckets a timeseries request can return: whole periods from `date_from` to `date_to`,
/// plus one for the period the range is expanded into.
pub(crate) fn timeseries_rows(
    date_from: Option<NaiveDate>,
    date_to: Option<NaiveDate>,
    group_range: Option<GroupRange>,
) -> u64 {
    let to = date_to.unwrap_or_else(|| Utc::now().date_naive());
    // Without `date_from` the API picks its own start; assume one month back.
    let from = date_from.unwrap_or_else(|| to - chrono::Days::new(31));
    let days = u64::try_from((to - from).num_days()).unwrap_or(0) + 1;
    let period = match group_range.unwrap_or(GroupRange::Month) {
        GroupRange::Day => 1,
        GroupRange::Week => 7,
        GroupRange::Month | GroupRange::Unknown => 28,
        GroupRange::Year => 365,
    };
    days.div_ceil(period) + 1
}

impl ApiRequest for TimeseriesSummaryRequest {
    const ENDPOINT: Endpoint = Endpoint::TimeseriesSummary;
    type Result = TimeseriesSummaryResult;

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
    /// `result[0]` of `timeseries_summary/live`.
    pub struct TimeseriesSummaryResult {
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
        /// One row per period, dated at the period's last day (can pass `date_to`).
        items: Vec<TimeseriesSummaryItem>,
    }
}

impl TimeseriesSummaryResult {
    /// The periods; a `null` list reads as empty.
    pub fn items(&self) -> &[TimeseriesSummaryItem] {
        self.items.as_deref().unwrap_or_default()
    }
}

wire_model! {
    /// The totals of one period.
    pub struct TimeseriesSummaryItem {
        /// `backlinks_timeseries_summary`.
        r#type: String,
        /// End of the period.
        date: Timestamp,
        /// Target rank.
        rank: u64,
        /// Backlinks.
        backlinks: u64,
        /// Nofollow backlinks.
        backlinks_nofollow: u64,
        /// Referring pages.
        referring_pages: u64,
        /// Referring pages with nofollow links.
        referring_pages_nofollow: u64,
        /// Referring domains.
        referring_domains: u64,
        /// Referring domains with nofollow links.
        referring_domains_nofollow: u64,
        /// Referring main domains.
        referring_main_domains: u64,
        /// Referring main domains with nofollow links.
        referring_main_domains_nofollow: u64,
        /// Referring IPs.
        referring_ips: u64,
        /// Referring subnets.
        referring_subnets: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes() {
        let result: TimeseriesSummaryResult = fixture_result("timeseries_summary", "ok").unwrap();
        assert_eq!(result.group_range, Some(GroupRange::Month));
        assert_eq!(result.items().len(), 3);
        assert_eq!(result.items()[0].backlinks_nofollow, Some(2250));
        assert_eq!(result.items()[2].date.unwrap().to_rfc3339(), "2024-03-31T00:00:00+00:00");
    }

    #[test]
    fn unknown_group_range_decodes_as_unknown() {
        let value = json!({"group_range": "fortnight", "items": null});
        let result: TimeseriesSummaryResult = serde_json::from_value(value).unwrap();
        assert_eq!(result.group_range, Some(GroupRange::Unknown));
        assert!(result.items().is_empty());
    }

    #[test]
    fn request_serialises_and_checks_dates() {
        let request = TimeseriesSummaryRequest {
            date_from: NaiveDate::from_ymd_opt(2024, 1, 1),
            date_to: NaiveDate::from_ymd_opt(2024, 3, 31),
            group_range: Some(GroupRange::Month),
            ..TimeseriesSummaryRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "date_from": "2024-01-01", "date_to": "2024-03-31", "group_range": "month"})
        );
        request.validate().unwrap();
        assert!(request.max_billed_rows() >= 3);
        let early = TimeseriesSummaryRequest {
            date_from: NaiveDate::from_ymd_opt(2019, 1, 29),
            ..request.clone()
        };
        assert_eq!(early.validate().unwrap_err().field, "date_from");
        let day = TimeseriesSummaryRequest { group_range: Some(GroupRange::Day), ..request };
        assert!(day.max_billed_rows() >= 91);
    }
}
