//! `POST /v3/backlinks/bulk_backlinks/live`: backlink counts of up to 1,000 targets (reference §7.15).

use crate::models::BulkExtra;

bulk_request! {
    /// Request of `bulk_backlinks/live`.
    pub struct BulkBacklinksRequest => BulkBacklinks, BulkBacklinksResult, max_domains = [None] {}
}

impl BulkExtra for BulkBacklinksRequest {}

bulk_result! {
    /// `result[0]` of `bulk_backlinks/live`.
    pub struct BulkBacklinksResult => BulkBacklinksItem
}

wire_model! {
    /// The backlink count of one target (a domain counts its subdomains).
    pub struct BulkBacklinksItem {
        /// The target exactly as sent.
        target: String,
        /// All live backlinks, any rel attribute.
        backlinks: u64,
    }
}

bulk_item_by_target!(BulkBacklinksItem);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes() {
        let result: BulkBacklinksResult = fixture_result("bulk_backlinks", "ok").unwrap();
        assert_eq!(result.items()[0].backlinks, Some(18_234_001));
        assert_eq!(result.items_count, Some(2));
    }

    #[test]
    fn unset_tag_is_not_sent() {
        assert_eq!(
            serde_json::to_value(BulkBacklinksRequest::new(["a.com"])).unwrap(),
            json!({"targets": ["a.com"]})
        );
    }
}
