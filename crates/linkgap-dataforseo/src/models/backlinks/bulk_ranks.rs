//! `POST /v3/backlinks/bulk_ranks/live`: rank of up to 1,000 targets (reference §7.14).

use crate::models::{BulkExtra, RankScale};

bulk_request! {
    /// Request of `bulk_ranks/live`.
    pub struct BulkRanksRequest => BulkRanks, BulkRanksResult, max_domains = [None] {
        /// `one_hundred` or `one_thousand` (default).
        rank_scale: RankScale,
    }
}

impl BulkExtra for BulkRanksRequest {}

bulk_result! {
    /// `result[0]` of `bulk_ranks/live`.
    pub struct BulkRanksResult => BulkRanksItem
}

wire_model! {
    /// The rank of one target.
    pub struct BulkRanksItem {
        /// The target exactly as sent.
        target: String,
        /// Rank, real-time as of the request.
        rank: u64,
    }
}

bulk_item_by_target!(BulkRanksItem);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;
    use crate::request::{ApiRequest, BulkItem, BulkRequest};

    #[test]
    fn ok_fixture_decodes_keyed_by_target() {
        let result: BulkRanksResult = fixture_result("bulk_ranks", "ok").unwrap();
        let items = result.items();
        assert_eq!(items.len(), 3);
        assert_eq!(items[2].target(), Some("https://www.apple.com/iphone/"));
        assert_eq!(items[2].rank, Some(71));
        assert_eq!(result.total_count, None);
    }

    #[test]
    fn request_serialises_and_checks_target_count() {
        let request = BulkRanksRequest {
            rank_scale: Some(RankScale::OneHundred),
            ..BulkRanksRequest::new(["forbes.com", "cnn.com"])
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"targets": ["forbes.com", "cnn.com"], "rank_scale": "one_hundred"})
        );
        assert_eq!(request.max_billed_rows(), 2);
        let too_many = BulkRanksRequest::new((0..1001).map(|n| format!("s{n}.com")));
        assert!(too_many.validate().unwrap_err().reason.contains("1001"));
        BulkRanksRequest::new((0..1000).map(|n| format!("s{n}.com"))).validate().unwrap();
        assert_eq!(
            BulkRanksRequest::new(Vec::<String>::new()).validate().unwrap_err().field,
            "targets"
        );
        assert_eq!(
            request.with_targets(vec!["x.com".into()]).rank_scale,
            Some(RankScale::OneHundred)
        );
    }
}
