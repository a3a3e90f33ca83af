//! `POST /v3/backlinks/bulk_pages_summary/live`: full aggregates for up to 1,000 pages or domains
//! from at most 100 distinct domains (reference §7.14–7.19).

use crate::models::backlinks::domain_pages_summary::PageSummaryItem;
use crate::models::{BulkExtra, MAX_BULK_PAGES_DOMAINS, RankScale};
use crate::request::BulkItem;

bulk_request! {
    /// Request of `bulk_pages_summary/live`.
    pub struct BulkPagesSummaryRequest => BulkPagesSummary, BulkPagesSummaryResult, max_domains = [Some(MAX_BULK_PAGES_DOMAINS)] {
        /// Count links to subdomains (default true).
        include_subdomains: bool,
        /// `one_hundred` or `one_thousand` (default).
        rank_scale: RankScale,
    }
}

impl BulkExtra for BulkPagesSummaryRequest {}

bulk_result! {
    /// `result[0]` of `bulk_pages_summary/live`.
    pub struct BulkPagesSummaryResult => PageSummaryItem
}

/// `bulk_pages_summary` echoes the target in `url`.
impl BulkItem for PageSummaryItem {
    fn target(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::fixture_result;
    use crate::request::ApiRequest;

    #[test]
    fn ok_fixture_decodes() {
        let result: BulkPagesSummaryResult = fixture_result("bulk_pages_summary", "ok").unwrap();
        assert_eq!(result.total_count, Some(2));
        let item = &result.items()[1];
        assert_eq!(item.target(), Some("https://example.com/tools"));
        assert_eq!(item.main_domain_rank, Some(412));
        assert_eq!(item.referring_links_types.as_ref().unwrap()["anchor"], 110);
    }

    #[test]
    fn more_than_100_distinct_domains_are_rejected() {
        let hundred =
            (0..100).flat_map(|n| [format!("https://www.site{n}.com/a"), format!("site{n}.com")]);
        BulkPagesSummaryRequest::new(hundred).validate().unwrap();
        let error = BulkPagesSummaryRequest::new((0..101).map(|n| format!("https://site{n}.com/")))
            .validate()
            .unwrap_err();
        assert_eq!(error.field, "targets");
        assert!(error.reason.contains("101"), "{error}");
    }
}
