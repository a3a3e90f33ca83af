//! `POST /v3/backlinks/domain_pages/live`: pages of a domain with page meta and backlink summary (reference §7.5).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::models::{ProfileAggregates, Timestamp};

target_list_request! {
    /// Request of `domain_pages/live`. The target is a domain or subdomain.
    pub struct DomainPagesRequest => DomainPages, DomainPagesResult, DomainPages {}
}

wire_model! {
    /// `result[0]` of `domain_pages/live`.
    pub struct DomainPagesResult {
        /// The target as sent.
        target: String,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<DomainPagesItem>,
    }
}

paged_result!(DomainPagesResult, DomainPagesItem);

wire_model! {
    /// One page of the domain.
    pub struct DomainPagesItem {
        /// `backlinks_domain_page`.
        r#type: String,
        /// Main (root) domain.
        main_domain: String,
        /// Host of the page.
        domain: String,
        /// TLD.
        tld: String,
        /// The page URL.
        page: String,
        /// IP of the host.
        ip: String,
        /// First crawl of the page.
        first_visited: Timestamp,
        /// The crawl before the latest.
        prev_visited: Timestamp,
        /// Latest crawl.
        fetch_time: Timestamp,
        /// HTTP status of the page.
        status_code: u64,
        /// Redirect `Location` header, if any.
        location: String,
        /// Page size in bytes.
        size: u64,
        /// Encoded (transfer) size in bytes.
        encoded_size: u64,
        /// `Content-Encoding`.
        content_encoding: String,
        /// Media type (`text/html`).
        media_type: String,
        /// `Server` header.
        server: String,
        /// Page meta data.
        meta: PageMeta,
        /// Backlink aggregates of the page.
        page_summary: ProfileAggregates,
    }
}

wire_model! {
    /// `PageMeta` (§7.5): on-page data of a domain page.
    pub struct PageMeta {
        /// `<title>`.
        title: String,
        /// Canonical URL.
        canonical: String,
        /// Internal links on the page.
        internal_links_count: u64,
        /// External links on the page.
        external_links_count: u64,
        /// Images on the page.
        images_count: u64,
        /// Words on the page.
        words_count: u64,
        /// Spam score of the page, 0–100.
        page_spam_score: u64,
        /// Social media meta tags (`og:title` → text).
        social_media_tags: BTreeMap<String, String>,
        /// `<h1>` texts.
        h1: Vec<String>,
        /// `<h2>` texts.
        h2: Vec<String>,
        /// `<h3>` texts.
        h3: Vec<String>,
        /// Image alt texts.
        images_alt: Vec<String>,
        /// `X-Powered-By` and similar.
        powered_by: Vec<String>,
        /// Page language.
        language: String,
        /// Page charset.
        charset: String,
        /// Platform types.
        platform_type: Vec<String>,
        /// Detected technologies (free-form).
        technologies: Value,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::filter::{Filter, OrderBy};
    use crate::models::test_support::fixture_result;
    use crate::request::ApiRequest;

    #[test]
    fn ok_fixture_decodes_meta_and_page_summary() {
        let result: DomainPagesResult = fixture_result("domain_pages", "ok").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.page.as_deref(), Some("https://example.com/"));
        let meta = item.meta.as_ref().unwrap();
        assert_eq!(meta.h1.as_deref(), Some(&["Example".to_owned()][..]));
        assert_eq!(meta.social_media_tags.as_ref().unwrap()["og:title"], "Example");
        assert_eq!(item.page_summary.as_ref().unwrap().backlinks, Some(340));
        assert_eq!(item.location, None);
    }

    #[test]
    fn nested_filter_paths_validate() {
        let request = DomainPagesRequest {
            filters: Some(
                Filter::field("meta.internal_links_count")
                    .gt(1)
                    .and(Filter::field("page_summary.backlinks").gt(5)),
            ),
            order_by: Some(OrderBy::desc("page_summary.backlinks")),
            ..DomainPagesRequest::new("example.com")
        };
        request.validate().unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap()["order_by"],
            json!(["page_summary.backlinks,desc"])
        );
        let bad = DomainPagesRequest {
            filters: Some(Filter::field("meta.nope").gt(1)),
            ..request.clone()
        };
        assert!(bad.validate().unwrap_err().reason.contains("`meta.nope`"));
    }
}
