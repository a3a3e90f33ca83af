//! `POST /v3/backlinks/summary/live`: whole-profile totals for one target (reference §7.1).

use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::filter::{Filter, validate_backlinks_filters};
use crate::models::{
    BacklinksStatusType, RankScale, TargetInfo, Timestamp, check_internal_list_limit, check_tag,
    check_target,
};
use crate::request::{ApiRequest, InvalidRequest};

/// Request of `summary/live`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SummaryRequest {
    /// Domain, subdomain or page URL.
    pub target: String,
    /// Count links to subdomains as links to the target (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_subdomains: Option<bool>,
    /// Include links through redirects and canonicals (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_indirect_links: Option<bool>,
    /// Drop links from the target's own subdomains (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_internal_backlinks: Option<bool>,
    /// Keys per `referring_links_*` map, 1..=1000 (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_list_limit: Option<u64>,
    /// `all`, `live` (default) or `lost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlinks_status_type: Option<BacklinksStatusType>,
    /// Filters on backlink rows applied before aggregation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlinks_filters: Option<Filter>,
    /// `one_hundred` or `one_thousand` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_scale: Option<RankScale>,
    /// Echoed in `data.tag`, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl SummaryRequest {
    /// A summary request for `target` with every option at its server default.
    pub fn new(target: impl Into<String>) -> SummaryRequest {
        SummaryRequest { target: target.into(), ..SummaryRequest::default() }
    }
}

impl ApiRequest for SummaryRequest {
    const ENDPOINT: Endpoint = Endpoint::Summary;
    type Result = SummaryResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_target("target", &self.target)?;
        check_internal_list_limit(self.internal_list_limit)?;
        check_tag(self.tag.as_deref())?;
        validate_backlinks_filters(self.backlinks_filters.as_ref())
    }

    fn max_billed_rows(&self) -> u64 {
        1
    }

    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

aggregates_model! {
    /// `result[0]` of `summary/live`: the whole summary (there is no `items`).
    pub struct SummaryResult {
        /// The target as sent.
        target: String,
        /// First time a backlink of the target was found.
        first_seen: Timestamp,
        /// When the target's last backlink was lost; `None` while live.
        lost_date: Timestamp,
        /// Target rank.
        rank: u64,
        /// Total backlinks (per `backlinks_status_type`).
        backlinks: u64,
        /// Spam score of the target's backlinks.
        backlinks_spam_score: u64,
        /// Pages of the target they crawled.
        crawled_pages: u64,
        /// Server, CMS, country and spam score of the target.
        info: TargetInfo,
        /// Internal links over the target's crawled pages.
        internal_links_count: u64,
        /// External links over the target's crawled pages.
        external_links_count: u64,
        /// Backlinks pointing to 4xx/5xx pages of the target.
        broken_backlinks: u64,
        /// Broken target pages (also from the sitemap).
        broken_pages: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::{fixture_result, fixture_results};

    #[test]
    fn ok_fixture_decodes_every_field() {
        let summary: SummaryResult = fixture_result("summary", "ok").unwrap();
        assert_eq!(summary.target.as_deref(), Some("example.com"));
        assert_eq!(summary.rank, Some(412));
        assert_eq!(summary.lost_date, None);
        assert_eq!(
            summary.info.as_ref().unwrap().platform_type.as_deref(),
            Some(&["cms".to_owned(), "blogs".to_owned()][..])
        );
        assert_eq!(summary.referring_links_countries.as_ref().unwrap()[""], 3000);
        assert_eq!(summary.referring_links_semantic_locations.as_ref().unwrap()["article"], 9000);
        assert_eq!(summary.crawled_pages, Some(950));
    }

    #[test]
    fn null_result_is_no_data() {
        assert!(fixture_results::<SummaryResult>("summary", "empty").is_empty());
    }

    #[test]
    fn null_maps_and_missing_fields_decode() {
        let summary: SummaryResult = fixture_result("summary", "quirks").unwrap();
        assert_eq!(summary.referring_links_attributes, None);
        assert_eq!(summary.info.as_ref().unwrap().cms, None);
        assert_eq!(summary.backlinks, Some(18234));
    }

    #[test]
    fn unset_fields_are_not_sent() {
        assert_eq!(
            serde_json::to_value(SummaryRequest::new("example.com")).unwrap(),
            json!({"target": "example.com"})
        );
        let request = SummaryRequest {
            backlinks_filters: Some(Filter::field("dofollow").eq(true)),
            rank_scale: Some(RankScale::OneThousand),
            backlinks_status_type: Some(BacklinksStatusType::Live),
            ..SummaryRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "backlinks_filters": ["dofollow", "=", true],
                   "rank_scale": "one_thousand", "backlinks_status_type": "live"})
        );
    }

    #[test]
    fn limits_are_checked() {
        let base = SummaryRequest::new("example.com");
        let field_of = |request: SummaryRequest| request.validate().unwrap_err().field;
        assert_eq!(
            field_of(SummaryRequest { internal_list_limit: Some(1001), ..base.clone() }),
            "internal_list_limit"
        );
        assert_eq!(field_of(SummaryRequest { tag: Some("t".repeat(300)), ..base.clone() }), "tag");
        let filter = Filter::field("rank").gt(1).and(Filter::field("domain").eq("x"));
        assert_eq!(
            field_of(SummaryRequest { backlinks_filters: Some(filter), ..base.clone() }),
            "backlinks_filters"
        );
        assert_eq!(base.max_billed_rows(), 1);
    }
}
