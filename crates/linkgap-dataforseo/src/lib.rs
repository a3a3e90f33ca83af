//! Typed async client for the `DataForSEO` Backlinks API.
//!
//! Every endpoint of the Backlinks API (and `appendix/user_data`) has a typed request and response
//! model; one [`Client`] sends them all, and takes care of the API's quirks and of your money:
//!
//! - **Status handling**: the HTTP status, the request-level and every task-level `status_code` are
//!   checked and mapped to one [`Error`], classified by [`ErrorClass`] (retryable, fatal for the
//!   whole run, client bug). `result: null` with status 20000 is a success without data.
//! - **Retries** with exponential backoff and jitter on transport errors, HTTP 429/5xx and the
//!   retryable codes, with a longer pause after the rate limit (40202); see [`RetryPolicy`].
//! - **Throughput limits** shared by every clone: at most 8 requests in flight (configurable up
//!   to 30) and 1,000 requests per minute (up to 2,000).
//! - **Cost control**: the [`Ledger`] adds up the reported `cost` of every response, retries and
//!   failures included; a [`Budget`] refuses a request whose worst-case price (§9 formula, see
//!   [`PriceTable`]) exceeds what is left; [`Client::estimate`] is a dry run.
//! - **Response cache**: any [`ResponseCache`] (normally the `SQLite` cache of `linkgap-store`),
//!   keyed by endpoint and canonical request body; hits are free and marked `cached`. A
//!   [`CacheMode`] says what may be read: a [`CacheMode::Refresh`] run fetches fresh data yet
//!   resumes after an interruption from what it stored itself.
//! - **Pagination and batching**: `*_stream` methods walk every page; `bulk_*_all` methods split
//!   any number of targets into calls of at most 1,000.
//!
//! Start from [`Client::builder`], then call an endpoint through [`Client::backlinks`] (or any
//! request through [`Client::execute`]). The library never reads the environment and never shows
//! the credentials: they live in [`Credentials`], whose `Debug` output is redacted.
//!
//! # Example
//!
//! ```no_run
//! use std::path::Path;
//! use std::sync::Arc;
//!
//! use linkgap_dataforseo::{Budget, Client, Filter, OrderBy, ReferringDomainsRequest};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let cache = linkgap_store::Cache::open(Path::new("linkgap-cache.sqlite"))?;
//! let client = Client::builder()
//!     .credentials("login@example.com", "api-password")
//!     .budget(Budget::new(2.0))
//!     .cache(Arc::new(cache))
//!     .build()?;
//!
//! let mut request = ReferringDomainsRequest::new("example.com");
//! request.limit = Some(100);
//! request.filters = Some(Filter::field("rank").gt(100));
//! request.order_by = Some(OrderBy::desc("rank"));
//!
//! // Worst case of this call: $0.02 + 100 rows × $0.00003.
//! let estimate = client.estimate(&request)?;
//! assert_eq!(estimate.calls, 1);
//!
//! let reply = client.backlinks().referring_domains(&request).await?;
//! let domains: Vec<&str> = reply
//!     .results
//!     .iter()
//!     .flat_map(|result| result.items())
//!     .filter_map(|item| item.domain.as_deref())
//!     .collect();
//! tracing::info!(n_domains = domains.len(), cost = reply.cost, cached = reply.cached, "fetched");
//!
//! let ledger = client.ledger();
//! tracing::info!(calls = ledger.calls, spent = ledger.total_cost, "done");
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod auth;
mod backlinks;
mod cache;
mod client;
mod endpoint;
mod error;
mod filter;
mod ledger;
mod limits;
mod models;
mod request;
mod retry;
mod timefmt;

pub use auth::Credentials;
pub use backlinks::{
    Appendix, Backlinks, BulkItemOf, BulkReply, Collected, Page, PageOptions, PagedItem, bulk_all,
    collect_pages, pages, split_targets,
};
pub use cache::{CacheError, CacheMode, CachedEntry, DEFAULT_CACHE_TTL, ResponseCache};
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, PRODUCTION_URL, Reply,
    SANDBOX_URL,
};
pub use endpoint::{Endpoint, Method};
pub use error::{Error, ErrorClass, STATUS_OK, STATUS_RATE_LIMITED};
pub use filter::{
    Condition, Direction, FieldRef, FieldType, Filter, FilterFields, Logic, MAX_FILTER_CONDITIONS,
    MAX_INTERSECTION_TARGETS, MAX_ORDER_RULES, MAX_REGEX_LEN, Operator, OrderBy, SortRule,
};
pub use ledger::{Budget, EndpointLedger, Estimate, Ledger, Price, PriceTable};
pub use limits::{
    DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUESTS_PER_MINUTE, MAX_IN_FLIGHT, MAX_REQUESTS_PER_MINUTE,
};
pub use models::appendix::user_data::{
    EndpointPrice, UserDataRequest, UserDataResult, UserMoney, UserRates,
};
pub use models::backlinks::anchors::{AnchorsItem, AnchorsRequest, AnchorsResult};
pub use models::backlinks::available_filters::{AvailableFiltersRequest, AvailableFiltersResult};
pub use models::backlinks::backlinks::{
    BacklinkItem, BacklinksRequest, BacklinksResult, CustomMode, CustomModeField, Mode,
};
pub use models::backlinks::bulk_backlinks::{
    BulkBacklinksItem, BulkBacklinksRequest, BulkBacklinksResult,
};
pub use models::backlinks::bulk_new_lost_backlinks::{
    BulkNewLostBacklinksItem, BulkNewLostBacklinksRequest, BulkNewLostBacklinksResult,
};
pub use models::backlinks::bulk_new_lost_referring_domains::{
    BulkNewLostReferringDomainsItem, BulkNewLostReferringDomainsRequest,
    BulkNewLostReferringDomainsResult,
};
pub use models::backlinks::bulk_pages_summary::{BulkPagesSummaryRequest, BulkPagesSummaryResult};
pub use models::backlinks::bulk_ranks::{BulkRanksItem, BulkRanksRequest, BulkRanksResult};
pub use models::backlinks::bulk_referring_domains::{
    BulkReferringDomainsItem, BulkReferringDomainsRequest, BulkReferringDomainsResult,
};
pub use models::backlinks::bulk_spam_score::{
    BulkSpamScoreItem, BulkSpamScoreRequest, BulkSpamScoreResult,
};
pub use models::backlinks::competitors::{CompetitorsItem, CompetitorsRequest, CompetitorsResult};
pub use models::backlinks::domain_intersection::{
    DomainIntersectionItem, DomainIntersectionRequest, DomainIntersectionResult,
    DomainIntersectionTarget,
};
pub use models::backlinks::domain_pages::{
    DomainPagesItem, DomainPagesRequest, DomainPagesResult, PageMeta,
};
pub use models::backlinks::domain_pages_summary::{
    DomainPagesSummaryRequest, DomainPagesSummaryResult, PageSummaryItem,
};
pub use models::backlinks::errors::{ErrorsItem, ErrorsRequest};
pub use models::backlinks::history::{HISTORY_START, HistoryItem, HistoryRequest, HistoryResult};
pub use models::backlinks::id_list::{IdListItem, IdListRequest, Sort};
pub use models::backlinks::index::{IndexHistoryItem, IndexRequest, IndexResult};
pub use models::backlinks::page_intersection::{
    PageIntersectionItem, PageIntersectionRequest, PageIntersectionResult, PageIntersectionRow,
};
pub use models::backlinks::referring_domains::{
    ReferringDomainsItem, ReferringDomainsRequest, ReferringDomainsResult,
};
pub use models::backlinks::referring_networks::{
    NetworkAddressType, ReferringNetworksItem, ReferringNetworksRequest, ReferringNetworksResult,
};
pub use models::backlinks::summary::{SummaryRequest, SummaryResult};
pub use models::backlinks::timeseries_new_lost_summary::{
    TimeseriesNewLostSummaryItem, TimeseriesNewLostSummaryRequest, TimeseriesNewLostSummaryResult,
};
pub use models::backlinks::timeseries_summary::{
    TIMESERIES_START, TimeseriesSummaryItem, TimeseriesSummaryRequest, TimeseriesSummaryResult,
};
pub use models::envelope::{Response, Task};
pub use models::{
    BacklinksStatusType, CountMap, DEFAULT_LIMIT, GroupRange, IndirectLinkHop, IntersectionMode,
    IntersectionSummary, MAX_BACKLINKS_OFFSET, MAX_BULK_PAGES_DOMAINS, MAX_BULK_TARGETS,
    MAX_EXCLUDE_TARGETS, MAX_INTERNAL_LIST_LIMIT, MAX_LIMIT, MAX_TAG_LEN, ProfileAggregates,
    RankScale, RankedKeywordsInfo, TargetInfo, Timestamp,
};
pub use request::{ApiRequest, BulkItem, BulkRequest, InvalidRequest, PagedRequest, PagedResult};
pub use retry::RetryPolicy;
pub use timefmt::{format_timestamp, parse_date, parse_seconds, parse_timestamp};
