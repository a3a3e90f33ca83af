//! The traits every request model implements, so that one client can send, validate, price,
//! page and batch all of them.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::endpoint::Endpoint;

/// A request that fails validation on the client: nothing was sent and nothing was charged.
///
/// `field` is the request field at fault, named as the API names it (`limit`, `filters`,
/// `targets`, ...), so the message reads like the server's own `40501 Invalid Field: 'limit'.`
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid field `{field}`: {reason}")]
pub struct InvalidRequest {
    /// The request field at fault.
    pub field: String,
    /// Why it is rejected, with the limit it breaks.
    pub reason: String,
}

impl InvalidRequest {
    /// A new validation error for `field`.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> InvalidRequest {
        InvalidRequest { field: field.into(), reason: reason.into() }
    }
}

/// A request model for one endpoint.
///
/// `Serialize` must produce the task object (the client wraps it in a one-element array) and must
/// leave out every field that is `None`, so that server-side defaults apply.
pub trait ApiRequest: Serialize + Send + Sync {
    /// The endpoint this request is sent to.
    const ENDPOINT: Endpoint;
    /// The element type of `tasks[0].result[]` for this endpoint.
    type Result: DeserializeOwned + Send + 'static;

    /// Checks every limit of reference §8 that applies to this request. The client calls it before
    /// anything is sent, so an invalid request costs nothing.
    fn validate(&self) -> Result<(), InvalidRequest>;

    /// The most result rows this request can be billed for: `limit` (default 100) for paginated
    /// endpoints, the number of targets for bulk endpoints, 1 for `summary`, 0 for free endpoints.
    /// The budget prices a request at `per_request + per_row * max_billed_rows()` before sending it.
    fn max_billed_rows(&self) -> u64;

    /// The `tag` field, if one is set, for correlating requests in logs.
    fn tag(&self) -> Option<&str> {
        None
    }
}

/// A result wrapper with a page of items (`total_count`, `items_count`, `items[]`).
pub trait PagedResult {
    /// One row of the page.
    type Item: Send + 'static;
    /// `total_count`: matching rows in the index, independent of limit and offset. May change between
    /// pages because the live index moves.
    fn total_count(&self) -> Option<u64>;
    /// The cursor for the next page (`backlinks/live` only).
    fn search_after_token(&self) -> Option<&str> {
        None
    }
    /// The rows of this page; a `null` list reads as empty.
    fn into_items(self) -> Vec<Self::Item>;
}

/// A request to an offset-paginated endpoint.
pub trait PagedRequest: ApiRequest<Result: PagedResult> + Clone {
    /// Rows per page as it will be sent (the API default, 100, when unset).
    fn limit(&self) -> u64;
    /// Sets `limit`.
    fn set_limit(&mut self, limit: u64);
    /// `offset` as it will be sent (0 when unset).
    fn offset(&self) -> u64;
    /// Sets `offset`; `None` leaves the field out of the body.
    fn set_offset(&mut self, offset: Option<u64>);
    /// The highest offset the endpoint accepts, if it has a documented cap (20,000 on `backlinks/live`).
    fn offset_cap(&self) -> Option<u64> {
        None
    }
    /// Sets `search_after_token`. Only `backlinks/live` supports the cursor; the default does nothing
    /// and the pager never calls it unless [`PagedRequest::supports_search_after`] is true.
    fn set_search_after_token(&mut self, _token: Option<String>) {}
    /// Whether `total_count` counts the rows this endpoint pages through. It does not on
    /// `referring_domains`, where it counts main domains while the rows are hosts (reference §2.1),
    /// so the pager must not stop when the rows reach `total_count` there, only on a short page.
    fn total_count_counts_rows(&self) -> bool {
        true
    }
    /// Whether the endpoint supports `search_after_token`.
    fn supports_search_after(&self) -> bool {
        false
    }
}

/// A request to a bulk endpoint (`targets: [..]`, at most 1,000 per call).
pub trait BulkRequest: ApiRequest<Result: PagedResult<Item: BulkItem>> + Clone {
    /// The targets of this request.
    fn targets(&self) -> &[String];
    /// A copy of this request with other targets (one batch).
    #[must_use]
    fn with_targets(&self, targets: Vec<String>) -> Self;
    /// The most targets one call may carry.
    fn max_targets_per_call(&self) -> usize {
        1000
    }
    /// The most distinct domains one call may carry (`bulk_pages_summary`: 100), if limited.
    fn max_domains_per_call(&self) -> Option<usize> {
        None
    }
}

/// A bulk result item, keyed by the target string it echoes.
pub trait BulkItem {
    /// The `target` echoed by the API, exactly as sent (`url` on `bulk_pages_summary`).
    fn target(&self) -> Option<&str>;
}
