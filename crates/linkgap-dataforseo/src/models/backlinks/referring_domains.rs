//! `POST /v3/backlinks/referring_domains/live`: referring domains with aggregates (reference §7.7).

use crate::models::Timestamp;

target_list_request! {
    /// Request of `referring_domains/live`.
    pub struct ReferringDomainsRequest => ReferringDomains, ReferringDomainsResult, ReferringDomains {
        /// Include links through redirects and canonicals (default true).
        include_indirect_links: bool,
    }
}

wire_model! {
    /// `result[0]` of `referring_domains/live`.
    pub struct ReferringDomainsResult {
        /// The target as sent.
        target: String,
        /// Matching **main** domains in the index (`blog.x.com` and `x.com` count once).
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<ReferringDomainsItem>,
    }
}

paged_result!(ReferringDomainsResult, ReferringDomainsItem);

aggregates_model! {
    /// One referring domain (subdomains appear separately) with its aggregates.
    pub struct ReferringDomainsItem {
        /// `backlinks_referring_domain`.
        r#type: String,
        /// The referring host.
        domain: String,
        /// Rank of the referring domain.
        rank: u64,
        /// Backlinks from this domain.
        backlinks: u64,
        /// First link from this domain found.
        first_seen: Timestamp,
        /// When the last link from this domain was lost.
        lost_date: Timestamp,
        /// Average spam score of its links.
        backlinks_spam_score: u64,
        /// Its links to 4xx/5xx target pages.
        broken_backlinks: u64,
        /// Broken target pages it links to.
        broken_pages: u64,
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
    fn ok_fixture_decodes() {
        let result: ReferringDomainsResult = fixture_result("referring_domains", "ok").unwrap();
        assert_eq!(result.total_count, Some(131));
        let item = &result.items()[0];
        assert_eq!(item.domain.as_deref(), Some("semrush.com"));
        assert_eq!(item.referring_links_countries.as_ref().unwrap()[""], 4);
        assert_eq!(item.first_seen.unwrap().to_rfc3339(), "2019-09-17T05:41:24+00:00");
    }

    #[test]
    fn quirks_fixture_decodes_null_maps_and_cost_zero() {
        let result: ReferringDomainsResult = fixture_result("referring_domains", "quirks").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.referring_links_platform_types, None);
        assert_eq!(item.backlinks, Some(5), "a number sent as a string is read");
        assert_eq!(item.lost_date.unwrap().to_rfc3339(), "2024-02-01T00:00:00+00:00");
    }

    #[test]
    fn request_serialises_the_reference_example() {
        let request = ReferringDomainsRequest {
            limit: Some(1000),
            offset: Some(0),
            order_by: Some(OrderBy::desc("rank")),
            filters: Some(Filter::field("backlinks").gt(1)),
            backlinks_filters: Some(Filter::field("dofollow").eq(true)),
            exclude_internal_backlinks: Some(true),
            ..ReferringDomainsRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "limit": 1000, "offset": 0, "order_by": ["rank,desc"],
                   "filters": ["backlinks", ">", 1], "backlinks_filters": ["dofollow", "=", true],
                   "exclude_internal_backlinks": true})
        );
        request.validate().unwrap();
        assert_eq!(
            serde_json::to_value(ReferringDomainsRequest::new("a.com")).unwrap(),
            json!({"target": "a.com"})
        );
    }
}
