//! `POST /v3/backlinks/errors`: your Backlinks tasks that failed in the last 7 days (reference §7.23).

use serde::Serialize;

use crate::endpoint::Endpoint;
use crate::models::{MAX_LIMIT, Timestamp, check_limit};
use crate::request::{ApiRequest, InvalidRequest};
use crate::timefmt::serialize_opt_timestamp;

/// Request of `errors`. Free (unconfirmed).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ErrorsRequest {
    /// Rows per call, 1..=1000 (default 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Rows to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Only errors of this function (`"backlinks/live"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filtered_function: Option<String>,
    /// Start of the window (within the last 7 days).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "serialize_opt_timestamp")]
    pub datetime_from: Option<Timestamp>,
    /// End of the window.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "serialize_opt_timestamp")]
    pub datetime_to: Option<Timestamp>,
}

impl ErrorsRequest {
    /// A request for all recent errors.
    pub fn new() -> ErrorsRequest {
        ErrorsRequest::default()
    }

    /// Rows per call as sent (default 1000).
    pub fn page_size(&self) -> u64 {
        self.limit.unwrap_or(MAX_LIMIT)
    }
}

impl ApiRequest for ErrorsRequest {
    const ENDPOINT: Endpoint = Endpoint::Errors;
    type Result = ErrorsItem;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_limit(self.limit)?;
        if let (Some(from), Some(to)) = (self.datetime_from, self.datetime_to)
            && from > to
        {
            return Err(InvalidRequest::new("datetime_to", "is before `datetime_from`"));
        }
        Ok(())
    }

    fn max_billed_rows(&self) -> u64 {
        0
    }
}

wire_model! {
    /// One failed task (`result[]` is the list itself).
    pub struct ErrorsItem {
        /// Task id.
        id: String,
        /// When it failed.
        datetime: Timestamp,
        /// The function (`backlinks/live`).
        function: String,
        /// Status code.
        error_code: i64,
        /// Message, or the URL that failed.
        error_message: String,
        /// The called URL.
        http_url: String,
        /// HTTP method.
        http_method: String,
        /// HTTP status.
        http_code: u64,
        /// Seconds the HTTP call took.
        http_time: f64,
        /// The response body.
        http_response: String,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_results;

    #[test]
    fn ok_fixture_decodes_the_list() {
        let items: Vec<ErrorsItem> = fixture_results("errors", "ok");
        assert_eq!(items[0].error_code, Some(40501));
        assert_eq!(items[0].http_time, Some(0.05));
        assert_eq!(
            items[0].http_url.as_deref(),
            Some("https://api.dataforseo.com/v3/backlinks/backlinks/live")
        );
        assert!(fixture_results::<ErrorsItem>("errors", "empty").is_empty());
    }

    #[test]
    fn unset_fields_are_not_sent() {
        assert_eq!(serde_json::to_value(ErrorsRequest::new()).unwrap(), json!({}));
        let request = ErrorsRequest {
            filtered_function: Some("backlinks/live".into()),
            limit: Some(10),
            ..ErrorsRequest::new()
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"filtered_function": "backlinks/live", "limit": 10})
        );
        assert_eq!(
            ErrorsRequest { limit: Some(5000), ..request }.validate().unwrap_err().field,
            "limit"
        );
    }
}
