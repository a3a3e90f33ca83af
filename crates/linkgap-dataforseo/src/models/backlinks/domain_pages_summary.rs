//! `POST /v3/backlinks/domain_pages_summary/live`: backlink aggregates per page of the target (reference §7.6).

use crate::models::Timestamp;

target_list_request! {
    /// Request of `domain_pages_summary/live`.
    pub struct DomainPagesSummaryRequest => DomainPagesSummary, DomainPagesSummaryResult, DomainPagesSummary {
        /// Include links through redirects and canonicals (default true).
        include_indirect_links: bool,
    }
}

wire_model! {
    /// `result[0]` of `domain_pages_summary/live`.
    pub struct DomainPagesSummaryResult {
        /// The target as sent.
        target: String,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<PageSummaryItem>,
    }
}

paged_result!(DomainPagesSummaryResult, PageSummaryItem);

aggregates_model! {
    /// Backlink aggregates of one page (`backlinks_page_summary`); also the item of `bulk_pages_summary`.
    pub struct PageSummaryItem {
        /// `backlinks_page_summary`.
        r#type: String,
        /// The page URL (on `bulk_pages_summary`, the target as sent).
        url: String,
        /// Page rank.
        rank: u64,
        /// Rank of the page's main domain (`bulk_pages_summary` only).
        main_domain_rank: u64,
        /// Backlinks to the page.
        backlinks: u64,
        /// First backlink found.
        first_seen: Timestamp,
        /// When the last backlink was lost.
        lost_date: Timestamp,
        /// Average spam score of its backlinks.
        backlinks_spam_score: u64,
        /// Backlinks to 4xx/5xx pages.
        broken_backlinks: u64,
        /// Broken pages receiving backlinks.
        broken_pages: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;
    use crate::request::ApiRequest;

    #[test]
    fn ok_fixture_decodes() {
        let result: DomainPagesSummaryResult =
            fixture_result("domain_pages_summary", "ok").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.url.as_deref(), Some("https://example.com/tools"));
        assert_eq!(item.backlinks, Some(120));
        assert_eq!(item.main_domain_rank, None);
    }

    #[test]
    fn unset_fields_are_not_sent_and_offset_has_no_cap() {
        let request = DomainPagesSummaryRequest {
            offset: Some(50_000),
            ..DomainPagesSummaryRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "offset": 50_000})
        );
        request.validate().unwrap();
    }
}
