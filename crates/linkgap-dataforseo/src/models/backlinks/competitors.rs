//! `POST /v3/backlinks/competitors/live`: domains whose backlink profiles overlap the target's (reference §7.9).

use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::filter::{Filter, FilterFields, OrderBy, validate_filters};
use crate::models::{DEFAULT_LIMIT, RankScale, check_limit, check_tag, check_target};
use crate::request::{ApiRequest, InvalidRequest};

/// Request of `competitors/live`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CompetitorsRequest {
    /// Domain, subdomain or page URL.
    pub target: String,
    /// Rows per call, 1..=1000 (default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Rows to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Filters on `target`, `rank`, `intersections`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filter>,
    /// Sort rules (at most 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by: Option<OrderBy>,
    /// Use only the main domain of the target (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_domain: Option<bool>,
    /// Leave out giants such as google.com (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_large_domains: Option<bool>,
    /// Drop links from the target's own subdomains (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_internal_backlinks: Option<bool>,
    /// `one_hundred` or `one_thousand` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_scale: Option<RankScale>,
    /// Echoed in `data.tag`, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl CompetitorsRequest {
    /// A request for the competitors of `target` with every option at its server default.
    pub fn new(target: impl Into<String>) -> CompetitorsRequest {
        CompetitorsRequest { target: target.into(), ..CompetitorsRequest::default() }
    }
}

impl ApiRequest for CompetitorsRequest {
    const ENDPOINT: Endpoint = Endpoint::Competitors;
    type Result = CompetitorsResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_target("target", &self.target)?;
        check_limit(self.limit)?;
        check_tag(self.tag.as_deref())?;
        validate_filters(self.filters.as_ref(), self.order_by.as_ref(), FilterFields::Competitors)
    }

    fn max_billed_rows(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

paged_request!(CompetitorsRequest, DEFAULT_LIMIT, None);

wire_model! {
    /// `result[0]` of `competitors/live` (the schema has no `target`; it may still appear).
    pub struct CompetitorsResult {
        /// The target, if the API echoes it.
        target: String,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<CompetitorsItem>,
    }
}

paged_result!(CompetitorsResult, CompetitorsItem);

wire_model! {
    /// One competing domain.
    pub struct CompetitorsItem {
        /// `backlinks_competitors`.
        r#type: String,
        /// The competitor domain.
        target: String,
        /// Its domain rank.
        rank: u64,
        /// Shared backlink sources (unit unconfirmed: domains or links).
        intersections: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes_without_target() {
        let result: CompetitorsResult = fixture_result("competitors", "ok").unwrap();
        assert_eq!(result.target, None);
        assert_eq!(result.items()[0].target.as_deref(), Some("rival.com"));
        assert_eq!(result.items()[0].intersections, Some(842));
    }

    #[test]
    fn unset_fields_are_not_sent_and_filters_checked() {
        let request = CompetitorsRequest {
            order_by: Some(OrderBy::desc("intersections")),
            main_domain: Some(false),
            ..CompetitorsRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "order_by": ["intersections,desc"], "main_domain": false})
        );
        request.validate().unwrap();
        let bad = CompetitorsRequest { filters: Some(Filter::field("domain").eq("x")), ..request };
        assert_eq!(bad.validate().unwrap_err().field, "filters");
    }
}
