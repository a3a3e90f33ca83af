//! `POST /v3/backlinks/anchors/live`: anchor texts with aggregates (reference §7.4).

use crate::models::Timestamp;

target_list_request! {
    /// Request of `anchors/live`.
    pub struct AnchorsRequest => Anchors, AnchorsResult, Anchors {
        /// Include links through redirects and canonicals (default true).
        include_indirect_links: bool,
    }
}

wire_model! {
    /// `result[0]` of `anchors/live`.
    pub struct AnchorsResult {
        /// The target as sent.
        target: String,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<AnchorsItem>,
    }
}

paged_result!(AnchorsResult, AnchorsItem);

aggregates_model! {
    /// One anchor text with the aggregates of the links using it.
    pub struct AnchorsItem {
        /// Row type (`backlinks_anchor`, unconfirmed).
        r#type: String,
        /// The anchor text; `""` or `null` for empty and image anchors.
        anchor: String,
        /// Rank passed to the target by links with this anchor.
        rank: u64,
        /// Backlinks with this anchor.
        backlinks: u64,
        /// First time a link with this anchor was found.
        first_seen: Timestamp,
        /// When the last link with this anchor was lost.
        lost_date: Timestamp,
        /// Average spam score of these links.
        backlinks_spam_score: u64,
        /// Of these, links to 4xx/5xx target pages.
        broken_backlinks: u64,
        /// Broken target pages these links point to.
        broken_pages: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::filter::{Filter, OrderBy};
    use crate::models::test_support::fixture_result;
    use crate::request::{ApiRequest, PagedRequest};

    #[test]
    fn ok_fixture_decodes() {
        let result: AnchorsResult = fixture_result("anchors", "ok").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.anchor.as_deref(), Some("example tools"));
        assert_eq!(item.referring_links_attributes, None);
        assert_eq!(item.referring_pages, Some(300));
        assert_eq!(result.total_count, Some(2));
    }

    #[test]
    fn null_anchor_and_null_items_decode() {
        let result: AnchorsResult = fixture_result("anchors", "quirks").unwrap();
        assert_eq!(result.items()[0].anchor, None);
        assert_eq!(result.items()[1].anchor.as_deref(), Some(""));
        let empty: AnchorsResult = fixture_result("anchors", "empty").unwrap();
        assert!(empty.items().is_empty());
    }

    #[test]
    fn unset_fields_are_not_sent_and_limits_checked() {
        let request = AnchorsRequest::new("example.com");
        assert_eq!(serde_json::to_value(&request).unwrap(), json!({"target": "example.com"}));
        let request = AnchorsRequest {
            order_by: Some(OrderBy::desc("backlinks")),
            filters: Some(Filter::field("anchor").like("%casino%")),
            include_indirect_links: Some(false),
            ..AnchorsRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "order_by": ["backlinks,desc"],
                   "filters": ["anchor", "like", "%casino%"], "include_indirect_links": false})
        );
        request.validate().unwrap();
        let field_of = |request: AnchorsRequest| request.validate().unwrap_err().field;
        assert_eq!(field_of(AnchorsRequest { limit: Some(1001), ..request.clone() }), "limit");
        assert_eq!(field_of(AnchorsRequest { limit: Some(0), ..request.clone() }), "limit");
        assert_eq!(
            field_of(AnchorsRequest { internal_list_limit: Some(2000), ..request.clone() }),
            "internal_list_limit"
        );
        assert_eq!(
            field_of(AnchorsRequest { order_by: Some(OrderBy::asc("domain")), ..request.clone() }),
            "order_by"
        );
        assert_eq!(PagedRequest::limit(&request), 100);
        assert_eq!(request.max_billed_rows(), 100);
    }
}
