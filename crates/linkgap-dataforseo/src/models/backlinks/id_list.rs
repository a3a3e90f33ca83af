//! `POST /v3/backlinks/id_list`: ids and metadata of your past Backlinks tasks (reference §7.22).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::models::{MAX_LIMIT, Timestamp, check_limit};
use crate::request::{ApiRequest, InvalidRequest};
use crate::timefmt::serialize_timestamp;

/// `sort` of `id_list`: by execution time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Sort {
    /// Oldest first (the API default).
    Asc,
    /// Newest first.
    Desc,
}

/// Request of `id_list`. Free (unconfirmed).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IdListRequest {
    /// Start of the window (at most 1 month back with metadata, 6 months without).
    #[serde(serialize_with = "serialize_timestamp")]
    pub datetime_from: Timestamp,
    /// End of the window, not in the future.
    #[serde(serialize_with = "serialize_timestamp")]
    pub datetime_to: Timestamp,
    /// Rows per call, 1..=1000 (default 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Rows to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// `asc` (default) or `desc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sort>,
    /// Include each task's original request parameters (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_metadata: Option<bool>,
}

impl IdListRequest {
    /// A request for the tasks between `datetime_from` and `datetime_to`.
    pub fn new(datetime_from: Timestamp, datetime_to: Timestamp) -> IdListRequest {
        IdListRequest {
            datetime_from,
            datetime_to,
            limit: None,
            offset: None,
            sort: None,
            include_metadata: None,
        }
    }
}

impl ApiRequest for IdListRequest {
    const ENDPOINT: Endpoint = Endpoint::IdList;
    type Result = IdListItem;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_limit(self.limit)?;
        if self.datetime_from > self.datetime_to {
            return Err(InvalidRequest::new("datetime_to", "is before `datetime_from`"));
        }
        Ok(())
    }

    fn max_billed_rows(&self) -> u64 {
        0
    }
}

impl IdListRequest {
    /// Rows per call as sent (default 1000).
    pub fn page_size(&self) -> u64 {
        self.limit.unwrap_or(MAX_LIMIT)
    }
}

wire_model! {
    /// One past task (`result[]` is the list itself).
    pub struct IdListItem {
        /// Task id.
        id: String,
        /// The called URL.
        url: String,
        /// When the task was posted.
        datetime_posted: Timestamp,
        /// When it finished.
        datetime_done: Timestamp,
        /// Status message.
        status: String,
        /// USD charged.
        cost: f64,
        /// The original request parameters (only with `include_metadata`).
        metadata: Value,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_results;
    use crate::timefmt::parse_timestamp;

    #[test]
    fn ok_fixture_decodes_the_list() {
        let items: Vec<IdListItem> = fixture_results("id_list", "ok");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].cost, Some(0.02015));
        assert_eq!(items[1].cost, Some(0.0), "integer cost");
        assert_eq!(items[0].metadata.as_ref().unwrap()["target"], "example.com");
        assert_eq!(
            items[1].url.as_deref(),
            Some("https://api.dataforseo.com/v3/backlinks/summary/live")
        );
    }

    #[test]
    fn request_writes_timestamps_in_the_api_format() {
        let from = parse_timestamp("2024-03-01 00:00:00 +00:00").unwrap();
        let to = parse_timestamp("2024-03-26 02:46:50 +00:00").unwrap();
        let request = IdListRequest::new(from, to);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"datetime_from": "2024-03-01 00:00:00 +00:00", "datetime_to": "2024-03-26 02:46:50 +00:00"})
        );
        request.validate().unwrap();
        assert_eq!(IdListRequest::new(to, from).validate().unwrap_err().field, "datetime_to");
        let big = IdListRequest { limit: Some(1001), ..request };
        assert_eq!(big.validate().unwrap_err().field, "limit");
    }
}
