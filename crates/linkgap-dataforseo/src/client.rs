//! The client: configuration ([`ClientBuilder`]) and [`Client::execute`], which validates, prices,
//! caches, limits, sends, retries and decodes one request.

use std::fmt;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use backon::Retryable;
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde::de::{DeserializeOwned, IgnoredAny};
use url::Url;

use crate::auth::Credentials;
use crate::cache::{CacheLayer, CacheMode, DEFAULT_CACHE_TTL, ResponseCache, cache_key};
use crate::endpoint::{Endpoint, Method};
use crate::error::{Error, ErrorClass, STATUS_OK};
use crate::ledger::{Budget, Estimate, Ledger, LedgerCell, PriceTable};
use crate::limits::{
    DEFAULT_MAX_IN_FLIGHT, DEFAULT_REQUESTS_PER_MINUTE, Limits, MAX_IN_FLIGHT,
    MAX_REQUESTS_PER_MINUTE,
};
use crate::models::envelope::Response;
use crate::request::{ApiRequest, InvalidRequest};
use crate::retry::RetryPolicy;

/// The production API.
pub const PRODUCTION_URL: &str = "https://api.dataforseo.com";
/// The sandbox: same paths, free, fixed dummy data (reference §1).
pub const SANDBOX_URL: &str = "https://sandbox.dataforseo.com";
/// Default timeout of one request: intersections have been seen to take 15 s (reference §1).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_mins(2);
/// Default timeout for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Characters of a body kept in [`Error::Decode`].
const BODY_EXCERPT_CHARS: usize = 300;

/// The answer to one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<T> {
    /// `tasks[0].result`; empty when it is `null` (a success with no data).
    pub results: Vec<T>,
    /// The top-level `cost` the API charged, in USD; 0 for a cache hit. Failed attempts before
    /// this one are in the [`Ledger`], not here.
    pub cost: f64,
    /// `tasks[0].id`.
    pub task_id: Option<String>,
    /// Whether the reply came from the response cache.
    pub cached: bool,
}

/// Configuration of a [`Client`]. Start from [`Client::builder`].
///
/// The library never reads the environment: credentials and every setting come from the caller.
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    max_in_flight: usize,
    requests_per_minute: u32,
    retry: RetryPolicy,
    cache: Option<Arc<dyn ResponseCache>>,
    cache_ttl: Duration,
    cache_mode: CacheMode,
    budget: Option<Budget>,
    prices: PriceTable,
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            credentials: None,
            base_url: PRODUCTION_URL.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("linkgap-dataforseo/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            requests_per_minute: DEFAULT_REQUESTS_PER_MINUTE,
            retry: RetryPolicy::default(),
            cache: None,
            cache_ttl: DEFAULT_CACHE_TTL,
            cache_mode: CacheMode::ReadWrite,
            budget: None,
            prices: PriceTable::default(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_in_flight", &self.max_in_flight)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("retry", &self.retry)
            .field("cache", &self.cache.is_some())
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the defaults: production URL, 120 s timeout, 8 requests in flight,
    /// 1,000 requests per minute, 3 retries, no cache, no budget.
    pub fn new() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API login and API password (required).
    pub fn credentials(mut self, login: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::new(login, password));
        self
    }

    /// Credentials already wrapped in [`Credentials`] (required, or use [`Self::credentials`]).
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Any base URL, for example a loopback mock (`http://127.0.0.1:4321`). It must be `http` or
    /// `https`, carry no user name, password, query or fragment, and no `.ai` path (reference §1.1).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The sandbox (`https://sandbox.dataforseo.com`): free, dummy data.
    pub fn sandbox(self) -> Self {
        self.base_url(SANDBOX_URL)
    }

    /// Timeout of one request, response body included (default 120 s; the API needs at least 60).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default 30 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Cap on requests in flight, shared by every clone (default 8, at most 30).
    pub fn max_in_flight(mut self, max_in_flight: usize) -> Self {
        self.max_in_flight = max_in_flight;
        self
    }

    /// Requests per minute, shared by every clone (default 1,000, at most 2,000).
    pub fn requests_per_minute(mut self, requests_per_minute: u32) -> Self {
        self.requests_per_minute = requests_per_minute;
        self
    }

    /// The retry policy (default: 3 retries, exponential backoff from 500 ms with jitter).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// A response cache, for example an `Arc<linkgap_store::Cache>`. Only successful responses
    /// are stored, under the endpoint path and the canonical JSON of the request.
    pub fn cache(mut self, cache: Arc<dyn ResponseCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// How old a cached response may be to be used (default 24 h).
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// Skip cache lookups (always fetch) while still storing fresh responses: the same as
    /// [`CacheMode::WriteOnly`] when `true`, [`CacheMode::ReadWrite`] when `false`.
    pub fn bypass_cache(self, bypass: bool) -> Self {
        self.cache_mode(if bypass { CacheMode::WriteOnly } else { CacheMode::ReadWrite })
    }

    /// Which stored responses may answer a request (default [`CacheMode::ReadWrite`]); see
    /// [`CacheMode::Refresh`] for a run that must fetch fresh data yet resume after an interruption.
    pub fn cache_mode(mut self, mode: CacheMode) -> Self {
        self.cache_mode = mode;
        self
    }

    /// A spending limit checked before every request.
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The price table for worst-case checks and estimates (default: reference §9 formula).
    pub fn prices(mut self, prices: PriceTable) -> Self {
        self.prices = prices;
        self
    }

    /// Checks the configuration and builds the client (and its one HTTP client).
    pub fn build(self) -> Result<Client, Error> {
        let config = |reason: String| Error::Config { reason };
        let credentials = self.credentials.ok_or_else(|| config("missing credentials".into()))?;
        let base_url = validate_base_url(&self.base_url).map_err(config)?;
        if self.max_in_flight == 0 || self.max_in_flight > MAX_IN_FLIGHT {
            return Err(config(format!(
                "`max_in_flight` must be between 1 and {MAX_IN_FLIGHT}, not `{}`",
                self.max_in_flight
            )));
        }
        let requests_per_minute = NonZeroU32::new(self.requests_per_minute)
            .filter(|rate| rate.get() <= MAX_REQUESTS_PER_MINUTE)
            .ok_or_else(|| {
                config(format!(
                    "`requests_per_minute` must be between 1 and {MAX_REQUESTS_PER_MINUTE}, not `{}`",
                    self.requests_per_minute
                ))
            })?;
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .gzip(true)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .build()
            .map_err(|error| config(format!("cannot build the HTTP client: {error}")))?;
        let cache = self.cache.map(|cache| CacheLayer {
            cache,
            ttl: self.cache_ttl,
            mode: self.cache_mode,
        });
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials,
                user_agent: self.user_agent,
                timeout: self.timeout,
                limits: Limits::new(self.max_in_flight, requests_per_minute),
                retry: self.retry,
                cache,
                budget: self.budget,
                prices: RwLock::new(self.prices),
                ledger: LedgerCell::default(),
            }),
        })
    }
}

/// Checks a base URL and returns it without a trailing slash.
fn validate_base_url(base_url: &str) -> Result<String, String> {
    let url = Url::parse(base_url).map_err(|error| format!("invalid base URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the base URL scheme must be `http` or `https`, not `{}`",
            url.scheme()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the base URL must not carry credentials; use `credentials`".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("the base URL must not have a query or fragment".to_owned());
    }
    let is_ai = |segment: &str| {
        Path::new(segment).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("ai"))
    };
    if url.path_segments().into_iter().flatten().any(is_ai) {
        return Err(
            "`.ai` endpoints drop `cost` and `false` fields; use the plain paths".to_owned()
        );
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// An async client for the Backlinks API of `DataForSEO`.
///
/// Cheap to clone: clones share the HTTP connection pool, the throughput limits, the ledger, the
/// budget and the cache. Its `Debug` output never shows the credentials.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    user_agent: String,
    timeout: Duration,
    limits: Arc<Limits>,
    retry: RetryPolicy,
    cache: Option<CacheLayer>,
    budget: Option<Budget>,
    prices: RwLock<PriceTable>,
    ledger: LedgerCell,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.base_url)
            .field("credentials", &inner.credentials)
            .field("user_agent", &inner.user_agent)
            .field("timeout", &inner.timeout)
            .field("max_in_flight", &inner.limits.max_in_flight())
            .field("requests_per_minute", &inner.limits.requests_per_minute())
            .field("retry", &inner.retry)
            .field("cache", &inner.cache)
            .field("budget", &inner.budget)
            .finish_non_exhaustive()
    }
}

/// The outcome of one attempt: the reply and the raw body (for the cache), or the error.
type Attempt<T> = Result<(Reply<T>, Vec<u8>), Error>;

impl Client {
    /// A [`ClientBuilder`] with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A snapshot of calls, cache hits, retries, errors and reported cost, per endpoint and in
    /// total, over every clone of this client.
    pub fn ledger(&self) -> Ledger {
        self.inner.ledger.snapshot()
    }

    /// The budget, if one was configured.
    pub fn budget(&self) -> Option<&Budget> {
        self.inner.budget.as_ref()
    }

    /// A copy of the price table used for worst-case checks and estimates.
    pub fn prices(&self) -> PriceTable {
        self.inner.prices.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Replaces the price table, for example with one read from `appendix/user_data`
    /// ([`PriceTable::from_user_data`]); every clone sees the change.
    pub fn set_prices(&self, prices: PriceTable) {
        *self.inner.prices.write().unwrap_or_else(PoisonError::into_inner) = prices;
    }

    /// The worst-case price of `request` (reference §9 formula with its `max_billed_rows`).
    pub fn worst_case_price<R: ApiRequest>(&self, request: &R) -> f64 {
        self.inner.prices.read().unwrap_or_else(PoisonError::into_inner).worst_case(request)
    }

    /// Dry run: validates `request` and returns its estimate (one call at its worst-case price)
    /// without sending anything. Add estimates up with [`Estimate::add`].
    pub fn estimate<R: ApiRequest>(&self, request: &R) -> Result<Estimate, Error> {
        request
            .validate()
            .map_err(|source| Error::InvalidRequest { endpoint: R::ENDPOINT, source })?;
        Ok(Estimate::single(R::ENDPOINT, self.worst_case_price(request)))
    }

    /// Sends one request and returns its results.
    ///
    /// In order: validates the request (an invalid one costs nothing); checks its worst-case price
    /// against the budget; answers from the cache if it can (free, `cached: true`); sends the
    /// request as a one-element JSON array (GET without body for GET endpoints) within the
    /// throughput limits; checks the HTTP status, the request-level and every task-level
    /// `status_code`; retries retryable errors with backoff; records every response's cost in the
    /// ledger; stores successful responses in the cache.
    ///
    /// A retryable error that outlasts the retries comes back as [`Error::RetriesExhausted`] with
    /// the attempts and the elapsed time. A cache that cannot be read fails the call with
    /// [`Error::Cache`] (nothing is sent); a cache that cannot be written only logs a warning,
    /// since the response is already paid for.
    pub async fn execute<R: ApiRequest>(&self, request: &R) -> Result<Reply<R::Result>, Error> {
        let endpoint = R::ENDPOINT;
        request.validate().map_err(|source| Error::InvalidRequest { endpoint, source })?;
        let worst_case = self.worst_case_price(request);
        let task = serde_json::to_value(request).map_err(|error| Error::InvalidRequest {
            endpoint,
            source: InvalidRequest::new("body", format!("cannot serialize the request: {error}")),
        })?;
        let body = match endpoint.method() {
            Method::Get => None,
            Method::Post => {
                Some(serde_json::to_vec(&[&task]).expect("a JSON value always serializes to bytes"))
            }
        };
        let key = self.inner.cache.as_ref().map(|_| cache_key(endpoint, &task));

        if let (Some(cache), Some(key)) = (&self.inner.cache, &key)
            && let Some(entry) = cache.get(endpoint, key).await?
        {
            match decode::<R::Result>(endpoint, &entry.body).and_then(|response| {
                let cost = response.total_cost();
                into_reply(endpoint, response, cost)
            }) {
                Ok(mut reply) => {
                    self.inner.ledger.record_cache_hit(endpoint);
                    reply.cost = 0.0;
                    reply.cached = true;
                    return Ok(reply);
                }
                Err(error) => {
                    tracing::debug!(%endpoint, error = %ErrorChain(&error), "ignoring unreadable cache entry");
                }
            }
        }

        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let policy = &self.inner.retry;
        let outcome = (|| async {
            attempts.fetch_add(1, Ordering::Relaxed);
            self.attempt::<R::Result>(endpoint, body.as_deref(), worst_case).await
        })
        .retry(policy.backoff())
        .when(Error::is_retryable)
        .adjust(|error, pause| pause.map(|pause| policy.pause_after(error, pause)))
        .notify(|error, pause| {
            self.inner.ledger.record_retry(endpoint);
            tracing::debug!(
                %endpoint,
                attempt = attempts.load(Ordering::Relaxed),
                pause_ms = pause.as_millis(),
                error = %ErrorChain(error),
                "retrying"
            );
        })
        .await;

        match outcome {
            Ok((reply, raw)) => {
                if let (Some(cache), Some(key)) = (&self.inner.cache, &key)
                    && let Err(error) = cache.put(endpoint, key, raw, reply.cost).await
                {
                    // A paid response is worth more than its cache entry: report and go on.
                    tracing::warn!(%endpoint, error = %ErrorChain(&error), "cannot store the response in the cache");
                }
                Ok(reply)
            }
            Err(error) => {
                self.inner.ledger.record_error(endpoint);
                tracing::debug!(%endpoint, error = %ErrorChain(&error), "request failed");
                let attempts = attempts.load(Ordering::Relaxed);
                if error.is_retryable() && attempts > 1 {
                    Err(Error::RetriesExhausted {
                        endpoint,
                        attempts,
                        elapsed: started.elapsed(),
                        last: Box::new(error),
                    })
                } else {
                    Err(error)
                }
            }
        }
    }

    /// One attempt: reserve the worst case, wait for the limits, send, read, record, interpret.
    async fn attempt<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        body: Option<&[u8]>,
        worst_case: f64,
    ) -> Attempt<T> {
        let inner = &self.inner;
        let _reservation = match &inner.budget {
            Some(budget) => Some(budget.reserve(worst_case).map_err(|remaining| {
                Error::BudgetExceeded { endpoint, needed: worst_case, remaining }
            })?),
            None => None,
        };
        let url = format!("{}{}", inner.base_url, endpoint.path());
        let request = match body {
            None => inner.http.get(url),
            Some(body) => {
                inner.http.post(url).header(CONTENT_TYPE, "application/json").body(body.to_vec())
            }
        };
        let request = inner.credentials.apply(request);

        let permit = inner.limits.acquire().await;
        let sent = request.send().await;
        // A body that breaks off after a success status belongs to a call the server ran and most
        // likely charged, though its `cost` is unreadable: it is booked at the worst-case price so
        // that the ledger and the budget never undercount spend.
        let mut answered = false;
        let received = match sent {
            Ok(response) => {
                let status = response.status();
                answered = status.is_success();
                response.bytes().await.map(|bytes| (status, bytes))
            }
            Err(error) => Err(error),
        };
        drop(permit);

        let (status, bytes) = match received {
            Ok(received) => received,
            Err(source) => {
                let cost = if answered { worst_case } else { 0.0 };
                inner.ledger.record_call(endpoint, cost);
                if let Some(budget) = &inner.budget {
                    budget.spend(cost);
                }
                return Err(Error::Transport { endpoint, source });
            }
        };
        let (outcome, cost) = interpret::<T>(endpoint, status, &bytes, worst_case);
        tracing::debug!(%endpoint, status = status.as_u16(), cost, ok = outcome.is_ok(), "response");
        inner.ledger.record_call(endpoint, cost);
        if let Some(budget) = &inner.budget {
            budget.spend(cost);
        }
        outcome.map(|reply| (reply, bytes.to_vec()))
    }
}

/// Maps a received response to a reply or an error, and reads the cost it reports.
///
/// A success status whose envelope cannot be read (a truncated body) is booked at `worst_case`: the
/// server ran the call and may have charged it, and the real cost is unreadable.
fn interpret<T: DeserializeOwned>(
    endpoint: Endpoint,
    status: StatusCode,
    body: &[u8],
    worst_case: f64,
) -> (Result<Reply<T>, Error>, f64) {
    if !status.is_success() {
        let head = serde_json::from_slice::<Response<IgnoredAny>>(body).ok();
        let cost = head.as_ref().map_or(0.0, Response::total_cost);
        let code = head
            .as_ref()
            .and_then(|head| head.status_code)
            .or_else(|| ErrorClass::code_for_http_status(status.as_u16()));
        let message = head
            .and_then(|head| head.status_message)
            .or_else(|| status.canonical_reason().map(str::to_owned))
            .unwrap_or_default();
        let error = Error::Http { status: status.as_u16(), code, message, endpoint, cost };
        return (Err(error), cost);
    }
    match decode::<T>(endpoint, body) {
        Ok(response) => {
            let cost = response.total_cost();
            let reply = into_reply(endpoint, response, cost).map_err(|error| match error {
                Error::Decode { endpoint, path, message, .. } => {
                    Error::Decode { endpoint, path, message, body_excerpt: excerpt(body) }
                }
                other => other,
            });
            (reply, cost)
        }
        Err(error) => {
            // The envelope may still be readable when only the results do not fit the model.
            let cost = serde_json::from_slice::<Response<IgnoredAny>>(body)
                .map_or(worst_case, |head| head.total_cost());
            (Err(error), cost)
        }
    }
}

/// Decodes a body, naming the JSON path of the first value that does not fit.
fn decode<T: DeserializeOwned>(endpoint: Endpoint, body: &[u8]) -> Result<Response<T>, Error> {
    let decode_error = |path: String, message: String| Error::Decode {
        endpoint,
        path,
        message,
        body_excerpt: excerpt(body),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let response: Response<T> = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| decode_error(error.path().to_string(), error.inner().to_string()))?;
    deserializer.end().map_err(|error| decode_error(".".to_owned(), error.to_string()))?;
    Ok(response)
}

/// The start of a body, for error messages.
fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(BODY_EXCERPT_CHARS).collect()
}

/// Checks the request-level and every task-level status and extracts the first task's results.
fn into_reply<T>(endpoint: Endpoint, response: Response<T>, cost: f64) -> Result<Reply<T>, Error> {
    let missing = |path: String| Error::Decode {
        endpoint,
        path,
        message: "missing `status_code`".to_owned(),
        body_excerpt: String::new(),
    };
    match response.status_code {
        Some(STATUS_OK) => {}
        Some(code) => {
            return Err(Error::Api {
                code,
                message: response.status_message.unwrap_or_default(),
                task_id: None,
                endpoint,
                cost,
                class: ErrorClass::of_code(code),
            });
        }
        None => return Err(missing("status_code".to_owned())),
    }
    let mut tasks = response.tasks.unwrap_or_default();
    for (idx, task) in tasks.iter_mut().enumerate() {
        match task.status_code {
            Some(STATUS_OK) => {}
            Some(code) => {
                return Err(Error::Api {
                    code,
                    message: task.status_message.take().unwrap_or_default(),
                    task_id: task.id.take(),
                    endpoint,
                    cost,
                    class: ErrorClass::of_code(code),
                });
            }
            None => return Err(missing(format!("tasks[{idx}].status_code"))),
        }
    }
    let Some(first) = tasks.into_iter().next() else {
        return Ok(Reply { results: Vec::new(), cost, task_id: None, cached: false });
    };
    let task_id = first.id.clone();
    Ok(Reply { results: first.into_result(), cost, task_id, cached: false })
}

/// Displays an error with its chain of causes, for log lines.
struct ErrorChain<'error>(&'error Error);

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = std::error::Error::source(self.0);
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_validation() {
        assert_eq!(validate_base_url("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(validate_base_url(PRODUCTION_URL).unwrap(), PRODUCTION_URL);
        assert!(
            validate_base_url("https://api.dataforseo.com/v3/backlinks/backlinks/live.ai").is_err()
        );
        assert!(validate_base_url("https://user:pw@api.dataforseo.com").is_err());
        assert!(validate_base_url("ftp://api.dataforseo.com").is_err());
        assert!(validate_base_url("not a url").is_err());
    }

    #[test]
    fn limits_are_bounded() {
        let builder = || Client::builder().credentials("l", "p");
        assert!(builder().build().is_ok());
        assert!(builder().max_in_flight(30).requests_per_minute(2000).build().is_ok());
        assert!(matches!(builder().max_in_flight(31).build(), Err(Error::Config { .. })));
        assert!(matches!(builder().max_in_flight(0).build(), Err(Error::Config { .. })));
        assert!(matches!(builder().requests_per_minute(2001).build(), Err(Error::Config { .. })));
        assert!(matches!(Client::builder().build(), Err(Error::Config { .. })));
    }

    #[test]
    fn sandbox_and_production_urls() {
        let client = Client::builder().credentials("l", "p").build().unwrap();
        assert_eq!(client.base_url(), PRODUCTION_URL);
        let client = Client::builder().credentials("l", "p").sandbox().build().unwrap();
        assert_eq!(client.base_url(), SANDBOX_URL);
    }
}
