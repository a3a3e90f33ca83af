//! The HTTP side of the mock: configuration, routing, authentication, limits, faults and the
//! running server handle.

use std::{
    fmt,
    io::{self, Write as _},
    net::{Ipv4Addr, SocketAddr},
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::Response,
};
use base64::Engine as _;
use chrono::{NaiveDate, Utc};
use flate2::{Compression, write::GzEncoder};
use futures::StreamExt;
use serde_json::{Map, Value};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use crate::{
    account::{Account, TaskRecord},
    engine::{Engine, EngineConfig, Execution, TaskError},
    envelope::{Cost, Envelope, TaskEnvelope, TaskFailure, TaskIds, TaskResults, raw},
    error::Error,
    faults::{BodyFault, Decision, FaultProfile, task_fault_message},
};

/// Computes the results of data tasks. [`Engine`] is the real one; tests may plug in others.
pub trait Backend: Send + Sync + 'static {
    /// Runs one task of `function` (`"summary"`, `"index"`, ...). The task holds the posted
    /// fields (empty for GET endpoints).
    fn execute(&self, function: &str, task: &Map<String, Value>) -> Result<Execution, TaskError>;
}

impl Backend for Engine {
    fn execute(&self, function: &str, task: &Map<String, Value>) -> Result<Execution, TaskError> {
        Engine::execute(self, function, task)
    }
}

/// Where the answers of the data endpoints come from.
pub enum DataSource {
    /// A world; the server builds its [`Engine`] at start.
    World(linkgap_world::World),
    /// A ready backend (an [`Engine`] built elsewhere, or a test double).
    Backend(Arc<dyn Backend>),
}

impl fmt::Debug for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataSource::World(world) => f
                .debug_struct("World")
                .field("backlinks", &world.backlinks.len())
                .field("domains", &world.domains.len())
                .finish(),
            DataSource::Backend(_) => f.write_str("Backend(..)"),
        }
    }
}

/// Everything [`MockServer::start`] needs.
pub struct MockConfig {
    /// The data behind the data endpoints.
    pub source: DataSource,
    /// Address to bind; `127.0.0.1:0` picks a free port.
    pub listen: SocketAddr,
    /// Basic-auth login (default `demo`).
    pub login: String,
    /// Basic-auth password (default `demo`).
    pub password: String,
    /// Faults and throughput limits (default: no faults, 2000 calls/min, 30 in flight).
    pub faults: FaultProfile,
    /// Starting balance in USD (default 100.0).
    pub balance: f64,
    /// When false, every endpoint but `appendix/user_data` answers 40104 with HTTP 403.
    pub verified: bool,
    /// The day the world is seen from; `None` (the default) takes the latest date in the world,
    /// so answers do not change with the wall clock. Request dates are still accepted up to the
    /// wall clock (see [`EngineConfig::clock`]).
    pub today: Option<NaiveDate>,
}

impl MockConfig {
    /// The defaults over a world.
    pub fn new(world: linkgap_world::World) -> MockConfig {
        MockConfig::with_source(DataSource::World(world))
    }

    /// The defaults over a ready backend.
    pub fn with_backend(backend: Arc<dyn Backend>) -> MockConfig {
        MockConfig::with_source(DataSource::Backend(backend))
    }

    fn with_source(source: DataSource) -> MockConfig {
        MockConfig {
            source,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            login: "demo".to_owned(),
            password: "demo".to_owned(),
            faults: FaultProfile::default(),
            balance: 100.0,
            verified: true,
            today: None,
        }
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("source", &self.source)
            .field("listen", &self.listen)
            .field("login", &self.login)
            .field("password", &"[redacted]")
            .field("faults", &self.faults)
            .field("balance", &self.balance)
            .field("verified", &self.verified)
            .field("today", &self.today)
            .finish()
    }
}

/// The loopback `DataForSEO` server. Start it with [`MockServer::start`].
#[derive(Debug)]
pub struct MockServer {
    _private: (),
}

impl MockServer {
    /// Builds the engine (for a world), binds `config.listen` and serves in the background on
    /// the current tokio runtime until [`RunningServer::shutdown`] or until the handle is dropped.
    pub async fn start(config: MockConfig) -> Result<RunningServer, Error> {
        config.faults.validate()?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| Error::Bind { addr: config.listen, source })?;
        let addr =
            listener.local_addr().map_err(|source| Error::Bind { addr: config.listen, source })?;
        let (backend, today): (Arc<dyn Backend>, NaiveDate) = match config.source {
            DataSource::World(world) => {
                // `NaiveDate::MIN` asks the engine for the latest date in the world.
                let today = config.today.unwrap_or(NaiveDate::MIN);
                let engine = Engine::new(world, EngineConfig { today, ..EngineConfig::default() });
                let today = engine.today();
                (Arc::new(engine), today)
            }
            DataSource::Backend(backend) => {
                (backend, config.today.unwrap_or_else(|| Utc::now().date_naive()))
            }
        };
        let shared = Arc::new(Shared {
            backend,
            account: Account::new(config.login.clone(), Cost::from_usd(config.balance)),
            login: config.login,
            password: config.password,
            faults: config.faults,
            verified: config.verified,
            today,
            base_url: format!("http://{addr}"),
            task_ids: TaskIds::default(),
            requests: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        });
        let router = Router::new().fallback(handle).with_state(Arc::clone(&shared));
        let (shutdown_sender, shutdown_receiver) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    // Both a signal and a dropped handle start the shutdown.
                    let _ = shutdown_receiver.await;
                })
                .await
        });
        tracing::debug!(%addr, "mock server listening");
        Ok(RunningServer { addr, shared, shutdown: Some(shutdown_sender), task })
    }
}

/// A started server. Dropping it starts a graceful shutdown in the background.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
}

impl RunningServer {
    /// The bound address (with the real port when `:0` was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL to give a client: `http://127.0.0.1:PORT` (paths start with `/v3/`).
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Balance left in USD.
    pub fn balance(&self) -> f64 {
        self.shared.account.balance().usd()
    }

    /// Requests received on known paths so far (the numbering faults use).
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits until done.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        if let Some(sender) = self.shutdown.take() {
            let _ = sender.send(());
        }
        self.join().await
    }

    /// Serves until `signal` completes (for example Ctrl-C), then shuts down gracefully.
    pub async fn serve_until(self, signal: impl Future<Output = ()>) -> Result<(), Error> {
        let mut server = self;
        tokio::select! {
            () = signal => server.shutdown().await,
            result = &mut server.task => flatten(result),
        }
    }

    async fn join(&mut self) -> Result<(), Error> {
        flatten((&mut self.task).await)
    }
}

fn flatten(result: Result<io::Result<()>, tokio::task::JoinError>) -> Result<(), Error> {
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(source)) => Err(Error::Serve(source)),
        Err(join_error) => Err(Error::Serve(io::Error::other(join_error))),
    }
}

/// State shared by every request of one server.
struct Shared {
    backend: Arc<dyn Backend>,
    account: Account,
    login: String,
    password: String,
    faults: FaultProfile,
    verified: bool,
    today: NaiveDate,
    base_url: String,
    task_ids: TaskIds,
    requests: AtomicU64,
    in_flight: AtomicUsize,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("base_url", &self.base_url)
            .field("login", &self.login)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

/// One endpoint the mock serves.
#[derive(Clone, Copy, Debug)]
struct Route {
    path: &'static str,
    api: &'static str,
    function: &'static str,
    method: Verb,
    /// Free endpoints cost nothing and work with an empty balance.
    free: bool,
}

const fn live(path: &'static str, function: &'static str) -> Route {
    Route { path, api: "backlinks", function, method: Verb::Post, free: false }
}

const fn free(
    path: &'static str,
    api: &'static str,
    function: &'static str,
    method: Verb,
) -> Route {
    Route { path, api, function, method, free: true }
}

/// The catalogue of reference §6 plus `appendix/user_data` (same mapping as the API crate's
/// `Endpoint`). `.ai` variants are deliberately absent and answer 404.
const ROUTES: [Route; 25] = [
    live("/v3/backlinks/summary/live", "summary"),
    live("/v3/backlinks/history/live", "history"),
    live("/v3/backlinks/backlinks/live", "backlinks"),
    live("/v3/backlinks/anchors/live", "anchors"),
    live("/v3/backlinks/domain_pages/live", "domain_pages"),
    live("/v3/backlinks/domain_pages_summary/live", "domain_pages_summary"),
    live("/v3/backlinks/referring_domains/live", "referring_domains"),
    live("/v3/backlinks/referring_networks/live", "referring_networks"),
    live("/v3/backlinks/competitors/live", "competitors"),
    live("/v3/backlinks/domain_intersection/live", "domain_intersection"),
    live("/v3/backlinks/page_intersection/live", "page_intersection"),
    live("/v3/backlinks/timeseries_summary/live", "timeseries_summary"),
    live("/v3/backlinks/timeseries_new_lost_summary/live", "timeseries_new_lost_summary"),
    live("/v3/backlinks/bulk_ranks/live", "bulk_ranks"),
    live("/v3/backlinks/bulk_backlinks/live", "bulk_backlinks"),
    live("/v3/backlinks/bulk_spam_score/live", "bulk_spam_score"),
    live("/v3/backlinks/bulk_referring_domains/live", "bulk_referring_domains"),
    live("/v3/backlinks/bulk_new_lost_backlinks/live", "bulk_new_lost_backlinks"),
    live("/v3/backlinks/bulk_new_lost_referring_domains/live", "bulk_new_lost_referring_domains"),
    live("/v3/backlinks/bulk_pages_summary/live", "bulk_pages_summary"),
    free("/v3/backlinks/index", "backlinks", "index", Verb::Get),
    free("/v3/backlinks/available_filters", "backlinks", "available_filters", Verb::Get),
    free("/v3/backlinks/id_list", "backlinks", "id_list", Verb::Post),
    free("/v3/backlinks/errors", "backlinks", "errors", Verb::Post),
    free("/v3/appendix/user_data", "appendix", "user_data", Verb::Get),
];

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verb {
    Get,
    Post,
}

impl Verb {
    fn as_http(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
        }
    }
}

/// Decrements the in-flight count when a request is done.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn enter(counter: &'a AtomicUsize, max: u32) -> Option<InFlight<'a>> {
        let before = counter.fetch_add(1, Ordering::SeqCst);
        if before >= max as usize {
            counter.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(InFlight(counter))
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

const RATE_LIMIT_MESSAGE: &str = "The rate-limit per minute has been exceeded.";

/// Answers every request: the router has a single fallback so that routing, 404 and 405 follow
/// the API rather than the framework.
async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let Some(route) = ROUTES.iter().find(|route| route.path == uri.path()) else {
        return json_response(
            StatusCode::NOT_FOUND,
            &Envelope::request_error(40400, "Not Found.", started.elapsed()),
        );
    };
    if method != route.method.as_http() {
        let mut response = json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &Envelope::request_error(40402, "Invalid Path.", started.elapsed()),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(route.method.as_str()));
        return response;
    }
    let request_no = shared.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let decision = shared.faults.decide(request_no);
    let response = respond(&shared, route, &headers, &body, decision, started).await;
    finish(response, decision.body, accepts_gzip(&headers)).await
}

/// Everything after routing, before body faults.
async fn respond(
    shared: &Shared,
    route: &Route,
    headers: &HeaderMap,
    body: &[u8],
    decision: Decision,
    started: Instant,
) -> Response {
    if let Some(status) = decision.http_error {
        return http_fault(status, started);
    }
    if !authorized(headers, &shared.login, &shared.password) {
        return json_response(
            StatusCode::UNAUTHORIZED,
            &Envelope::request_error(
                40100,
                "You are not authorized to access this resource. Check your login and password.",
                started.elapsed(),
            ),
        );
    }
    if !shared.verified && route.function != "user_data" {
        return json_response(
            StatusCode::FORBIDDEN,
            &Envelope::request_error(
                40104,
                "Please verify your account before using the API.",
                started.elapsed(),
            ),
        );
    }
    let Some(_in_flight) = InFlight::enter(&shared.in_flight, shared.faults.max_in_flight) else {
        return rate_limited(started);
    };
    if decision.throttle || !shared.account.admit_call(shared.faults.per_minute, Instant::now()) {
        return rate_limited(started);
    }
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    if !route.free && shared.account.balance() < Cost::PER_REQUEST {
        return json_response(
            StatusCode::PAYMENT_REQUIRED,
            &Envelope::request_error(40200, "Payment Required.", started.elapsed()),
        );
    }
    let tasks = if route.method == Verb::Get {
        vec![Map::new()]
    } else {
        match parse_tasks(body) {
            Ok(tasks) => tasks,
            Err((code, message)) => {
                return json_response(
                    StatusCode::OK,
                    &Envelope::request_error(code, message, started.elapsed()),
                );
            }
        }
    };
    let envelope = run_tasks(shared, route, tasks, decision.task_error, started).await;
    json_response(StatusCode::OK, &envelope)
}

/// Runs the first task, fails the others with 40000, charges the account and logs the tasks.
async fn run_tasks(
    shared: &Shared,
    route: &Route,
    tasks: Vec<Map<String, Value>>,
    injected: Option<u32>,
    started: Instant,
) -> Envelope {
    let posted = Utc::now();
    let mut envelopes = Vec::with_capacity(tasks.len());
    let mut records = Vec::with_capacity(tasks.len());
    let mut total = Cost::ZERO;
    for (index, task) in tasks.into_iter().enumerate() {
        let task_started = Instant::now();
        let outcome = if index > 0 {
            Err(TaskFailure {
                code: 40000,
                message: "You can set only one task at a time.".to_owned(),
            })
        } else if let Some(code) = injected {
            let message = task_fault_message(code).unwrap_or("Internal Error.");
            Err(TaskFailure { code, message: message.to_owned() })
        } else {
            execute(shared, route, &task).await
        };
        let cost = match &outcome {
            Ok((_, cost)) => *cost,
            Err(_) => Cost::ZERO,
        };
        total = total.saturating_add(cost);
        let mut data = Map::new();
        data.insert("api".to_owned(), Value::String(route.api.to_owned()));
        data.insert("function".to_owned(), Value::String(route.function.to_owned()));
        for (key, value) in &task {
            if key != "api" && key != "function" {
                data.insert(key.clone(), value.clone());
            }
        }
        let envelope = TaskEnvelope::new(
            shared.task_ids.next(),
            route.path,
            data,
            outcome,
            task_started.elapsed(),
        );
        if route.api == "backlinks" && !matches!(route.function, "id_list" | "errors") {
            records.push(TaskRecord {
                id: envelope.id.clone(),
                function: route.path.trim_start_matches("/v3/backlinks/").to_owned(),
                url: format!("{}{}", shared.base_url, route.path),
                http_method: route.method.as_str(),
                http_code: 200,
                posted,
                done: Utc::now(),
                status_code: envelope.status_code,
                status_message: envelope.status_message.clone(),
                cost,
                metadata: task,
            });
        }
        envelopes.push(envelope);
    }
    shared.account.settle(total, records);
    Envelope::ok(envelopes, total, started.elapsed())
}

/// The outcome of one task: its result and cost, or its failure.
async fn execute(
    shared: &Shared,
    route: &Route,
    task: &Map<String, Value>,
) -> Result<(TaskResults, Cost), TaskFailure> {
    let result = match route.function {
        "id_list" => shared.account.id_list(task)?,
        "errors" => shared.account.errors(task, Utc::now())?,
        "user_data" => vec![shared.account.user_data(shared.faults.per_minute, shared.today)],
        function => {
            let backend = Arc::clone(&shared.backend);
            let task = task.clone();
            // Queries over a big world take milliseconds of CPU: keep them off the IO threads.
            let joined =
                tokio::task::spawn_blocking(move || backend.execute(function, &task)).await;
            let execution = match joined {
                Ok(Ok(execution)) => execution,
                Ok(Err(error)) => {
                    return Err(TaskFailure { code: error.code, message: error.message });
                }
                Err(join_error) => {
                    tracing::error!(%join_error, function, "the engine panicked");
                    return Err(TaskFailure { code: 50000, message: "Internal Error.".to_owned() });
                }
            };
            let cost =
                if route.free { Cost::ZERO } else { Cost::live_task(execution.billed_items) };
            // The engine gives `result[0]`; a live call has exactly 0 or 1 result.
            return Ok((execution.result.map(|result| vec![result]), cost));
        }
    };
    Ok((Some(result.iter().map(raw).collect()), Cost::ZERO))
}

/// The task array of a POST body, or the request-level code and message for a bad body.
fn parse_tasks(body: &[u8]) -> Result<Vec<Map<String, Value>>, (u32, &'static str)> {
    const EMPTY: (u32, &str) = (40502, "POST Data Is Empty.");
    const INVALID: (u32, &str) = (40503, "POST Data Is Invalid.");
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(EMPTY);
    }
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(body) else {
        return Err(INVALID);
    };
    if items.is_empty() {
        return Err(EMPTY);
    }
    items
        .into_iter()
        .map(|item| match item {
            Value::Object(task) => Ok(task),
            _ => Err(INVALID),
        })
        .collect()
}

fn authorized(headers: &HeaderMap, login: &str, password: &str) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let Some(encoded) = value.strip_prefix("Basic ") else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{login}:{password}");
    decoded == expected.as_bytes()
}

fn rate_limited(started: Instant) -> Response {
    json_response(
        StatusCode::OK,
        &Envelope::request_error(40202, RATE_LIMIT_MESSAGE, started.elapsed()),
    )
}

/// An injected HTTP error: 500 and 429 carry a JSON envelope, gateway errors an HTML page as a
/// proxy in front of the API would send.
fn http_fault(status: u16, started: Instant) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match status {
        StatusCode::INTERNAL_SERVER_ERROR => json_response(
            status,
            &Envelope::request_error(50000, "Internal Error.", started.elapsed()),
        ),
        StatusCode::TOO_MANY_REQUESTS => json_response(
            status,
            &Envelope::request_error(40202, RATE_LIMIT_MESSAGE, started.elapsed()),
        ),
        _ => {
            let reason = status.canonical_reason().unwrap_or("Error");
            let page = format!(
                "<html><head><title>{code} {reason}</title></head><body><h1>{code} {reason}</h1>\
                 </body></html>\n",
                code = status.as_u16()
            );
            let mut response = Response::new(Body::from(page));
            *response.status_mut() = status;
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            response
        }
    }
}

fn json_response(status: StatusCode, envelope: &Envelope) -> Response {
    let mut response = Response::new(Body::from(envelope.to_bytes()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    response
}

/// Applies the body fault, then gzip when the client accepts it (as the real API does, §1). A
/// truncation cuts the JSON before compression, so the body still decodes but does not parse;
/// a reset cuts the bytes on the wire.
async fn finish(response: Response, fault: BodyFault, gzip: bool) -> Response {
    if fault == BodyFault::None && !gzip {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    if fault == BodyFault::Truncate {
        // A short body with a matching length: the transfer succeeds, the JSON does not parse.
        bytes = bytes.slice(..bytes.len() / 2);
    }
    if gzip {
        bytes = gzip_bytes(&bytes);
        parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    let body = match fault {
        BodyFault::None | BodyFault::Truncate => Body::from(bytes),
        BodyFault::Reset => {
            let half = bytes.slice(..bytes.len() / 2);
            let first = futures::stream::once(async move { Ok::<Bytes, io::Error>(half) });
            let failure = futures::stream::once(async {
                // Give the first half time to reach the socket before the connection drops.
                tokio::time::sleep(Duration::from_millis(20)).await;
                Err(io::Error::new(io::ErrorKind::ConnectionReset, "injected connection reset"))
            });
            Body::from_stream(first.chain(failure))
        }
    };
    Response::from_parts(parts, body)
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()).any(
        |value| {
            value.split(',').any(|coding| {
                let mut parts = coding.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|param| matches!(param.trim(), "q=0" | "q=0.0" | "q=0.00"));
                name.eq_ignore_ascii_case("gzip") && !refused
            })
        },
    )
}

fn gzip_bytes(bytes: &[u8]) -> Bytes {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    encoder.write_all(bytes).expect("writing to a Vec cannot fail");
    Bytes::from(encoder.finish().expect("writing to a Vec cannot fail"))
}
