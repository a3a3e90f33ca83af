//! `POST /v3/backlinks/bulk_spam_score/live`: spam score of up to 1,000 targets (reference §7.16).

use crate::models::BulkExtra;

bulk_request! {
    /// Request of `bulk_spam_score/live`.
    pub struct BulkSpamScoreRequest => BulkSpamScore, BulkSpamScoreResult, max_domains = [None] {}
}

impl BulkExtra for BulkSpamScoreRequest {}

bulk_result! {
    /// `result[0]` of `bulk_spam_score/live`.
    pub struct BulkSpamScoreResult => BulkSpamScoreItem
}

wire_model! {
    /// The spam score of one target.
    pub struct BulkSpamScoreItem {
        /// `backlinks_bulk_spam_score`.
        r#type: String,
        /// The target exactly as sent.
        target: String,
        /// Spam score, 0–100.
        spam_score: u64,
    }
}

bulk_item_by_target!(BulkSpamScoreItem);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes() {
        let result: BulkSpamScoreResult = fixture_result("bulk_spam_score", "ok").unwrap();
        assert_eq!(result.items()[0].r#type.as_deref(), Some("backlinks_bulk_spam_score"));
        assert_eq!(result.items()[0].spam_score, Some(12));
    }
}
