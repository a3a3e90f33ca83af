//! `GET /v3/backlinks/index`: size of the backlink index and its 12-month history (reference §7.21).

use chrono::NaiveDate;
use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::request::{ApiRequest, InvalidRequest};

/// Request of `index` (a GET without body).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IndexRequest;

impl ApiRequest for IndexRequest {
    const ENDPOINT: Endpoint = Endpoint::Index;
    type Result = IndexResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }

    fn max_billed_rows(&self) -> u64 {
        0
    }
}

wire_model! {
    /// `result[0]` of `index`.
    pub struct IndexResult {
        /// Backlinks in the index.
        total_backlinks: u64,
        /// Pages in the index.
        total_pages: u64,
        /// Domains in the index (seen in some mirrors only; unconfirmed).
        total_domains: u64,
        /// The last 12 months.
        index_history: Vec<IndexHistoryItem>,
    }
}

impl IndexResult {
    /// The monthly history; a `null` list reads as empty.
    pub fn index_history(&self) -> &[IndexHistoryItem] {
        self.index_history.as_deref().unwrap_or_default()
    }
}

wire_model! {
    /// The index size on one date.
    pub struct IndexHistoryItem {
        /// The date.
        date: NaiveDate,
        /// Backlinks in the index.
        total_backlinks: u64,
        /// Pages in the index.
        total_pages: u64,
        /// Domains in the index (unconfirmed).
        total_domains: u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes_large_totals() {
        let result: IndexResult = fixture_result("index", "ok").unwrap();
        assert_eq!(result.total_backlinks, Some(2_400_000_000_000));
        assert_eq!(result.total_domains, None);
        assert_eq!(result.index_history()[0].date, NaiveDate::from_ymd_opt(2024, 11, 1));
        assert_eq!(IndexRequest.max_billed_rows(), 0);
    }
}
