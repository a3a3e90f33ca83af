//! Test support: a loopback HTTP server with scripted responses, envelopes, and test requests.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use linkgap_dataforseo::{
    ApiRequest, Client, ClientBuilder, Endpoint, InvalidRequest, RetryPolicy,
};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// The login every test client uses.
pub(crate) const LOGIN: &str = "login-7f3a@example.test";
/// The password every test client uses.
pub(crate) const PASSWORD: &str = "pw-Zq81-secret";

/// One scripted answer.
#[derive(Clone, Debug)]
pub(crate) struct Scripted {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Duration,
}

impl Scripted {
    /// A JSON body with a status.
    pub(crate) fn json(status: u16, body: &Value) -> Scripted {
        Scripted {
            status,
            body: serde_json::to_vec(body).expect("JSON values serialize"),
            delay: Duration::ZERO,
        }
    }

    /// A raw body with a status.
    pub(crate) fn raw(status: u16, body: &str) -> Scripted {
        Scripted { status, body: body.as_bytes().to_vec(), delay: Duration::ZERO }
    }

    /// The same answer, held back for `delay` before it is sent.
    pub(crate) fn delayed(mut self, delay: Duration) -> Scripted {
        self.delay = delay;
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub(crate) struct Recorded {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: Vec<u8>,
}

impl Recorded {
    /// The body as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }
}

#[derive(Default)]
struct Script {
    queue: VecDeque<Scripted>,
    fallback: Option<Scripted>,
}

#[derive(Default)]
struct ServerState {
    scripts: Mutex<BTreeMap<String, Script>>,
    requests: Mutex<Vec<Recorded>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// Decrements the in-flight counter when a handler finishes (or is cancelled).
struct InFlight<'state>(&'state ServerState);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A loopback server on `127.0.0.1:0`; stops when dropped.
pub(crate) struct MockServer {
    addr: SocketAddr,
    state: Arc<ServerState>,
    task: JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Starts a server with no scripts (every path answers 404).
    pub(crate) async fn start() -> MockServer {
        let state = Arc::new(ServerState::default());
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let addr = listener.local_addr().expect("a bound socket has an address");
        let app = Router::new().fallback(handle).with_state(Arc::clone(&state));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the mock server runs");
        });
        MockServer { addr, state, task }
    }

    /// The base URL of the server.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues an answer for `endpoint`, served once, after the ones queued before it.
    pub(crate) fn enqueue(&self, endpoint: Endpoint, answer: Scripted) {
        let mut scripts = self.state.scripts.lock().expect("lock");
        scripts.entry(endpoint.path().to_owned()).or_default().queue.push_back(answer);
    }

    /// The answer for `endpoint` once its queue is empty.
    pub(crate) fn always(&self, endpoint: Endpoint, answer: Scripted) {
        let mut scripts = self.state.scripts.lock().expect("lock");
        scripts.entry(endpoint.path().to_owned()).or_default().fallback = Some(answer);
    }

    /// Every request received so far, in order of arrival.
    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").clone()
    }

    /// How many requests arrived.
    pub(crate) fn request_count(&self) -> usize {
        self.state.requests.lock().expect("lock").len()
    }

    /// The most requests that were being handled at the same time.
    pub(crate) fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

async fn handle(
    State(state): State<Arc<ServerState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _guard = InFlight(&state);
    let path = uri.path().to_owned();
    state.requests.lock().expect("lock").push(Recorded {
        method: method.to_string(),
        path: path.clone(),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
            })
            .collect(),
        body: body.to_vec(),
    });
    let answer = {
        let mut scripts = state.scripts.lock().expect("lock");
        scripts
            .get_mut(&path)
            .and_then(|script| script.queue.pop_front().or(script.fallback.clone()))
    };
    let Some(answer) = answer else {
        return (StatusCode::NOT_FOUND, "no script for this path").into_response();
    };
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    let status = StatusCode::from_u16(answer.status).expect("scripted statuses are valid");
    (status, [("content-type", "application/json")], answer.body).into_response()
}

/// A successful envelope with one task holding `results`, charged `cost`.
pub(crate) fn ok_envelope(endpoint: Endpoint, results: &Value, cost: f64) -> Value {
    json!({
        "version": "0.1.20250101", "status_code": 20000, "status_message": "Ok.",
        "time": "0.0100 sec.", "cost": cost, "tasks_count": 1, "tasks_error": 0,
        "tasks": [{
            "id": "task-ok-1", "status_code": 20000, "status_message": "Ok.", "time": "0.0090 sec.",
            "cost": cost, "result_count": 1,
            "path": endpoint.path().trim_start_matches('/').split('/').collect::<Vec<_>>(),
            "data": { "api": "backlinks", "function": endpoint.function() },
            "result": results,
        }],
    })
}

/// A successful answer with `results`, charged `cost`.
pub(crate) fn ok(endpoint: Endpoint, results: &Value, cost: f64) -> Scripted {
    Scripted::json(200, &ok_envelope(endpoint, results, cost))
}

/// An HTTP 200 answer whose only task failed with `code`.
pub(crate) fn task_error(code: u32, message: &str, cost: f64) -> Scripted {
    Scripted::json(
        200,
        &json!({
            "version": "0.1.20250101", "status_code": 20000, "status_message": "Ok.",
            "time": "0.0300 sec.", "cost": cost, "tasks_count": 1, "tasks_error": 1,
            "tasks": [{
                "id": "task-failed-1", "status_code": code, "status_message": message,
                "time": "0 sec.", "cost": cost, "result_count": 0, "result": null,
            }],
        }),
    )
}

/// An answer whose request-level status is `code`, with HTTP `status`.
pub(crate) fn request_error(status: u16, code: u32, message: &str, cost: f64) -> Scripted {
    Scripted::json(
        status,
        &json!({
            "status_code": code, "status_message": message, "time": "0 sec.", "cost": cost,
            "tasks_count": 0, "tasks_error": 0, "tasks": null,
        }),
    )
}

/// A retry policy that pauses a few milliseconds at most.
pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_delays(Duration::from_millis(1), Duration::from_millis(4))
        .with_rate_limit_delay(Duration::from_millis(2))
}

/// A client builder for `server` with the test credentials and fast retries.
pub(crate) fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .credentials(LOGIN, PASSWORD)
        .base_url(server.url())
        .retry_policy(fast_retries())
}

/// A client for `server` with the test credentials and fast retries.
pub(crate) fn client(server: &MockServer) -> Client {
    builder(server).build().expect("a valid test client")
}

/// A paginated-endpoint request for the tests (`referring_domains/live`), results as raw JSON.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct DomainsRequest {
    pub(crate) target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) limit: Option<u64>,
}

impl DomainsRequest {
    pub(crate) fn new(target: &str) -> DomainsRequest {
        DomainsRequest { target: target.to_owned(), limit: None }
    }

    pub(crate) fn limit(mut self, limit: u64) -> DomainsRequest {
        self.limit = Some(limit);
        self
    }
}

impl ApiRequest for DomainsRequest {
    const ENDPOINT: Endpoint = Endpoint::ReferringDomains;
    type Result = Value;

    fn validate(&self) -> Result<(), InvalidRequest> {
        match self.limit {
            Some(limit) if !(1..=1000).contains(&limit) => {
                Err(InvalidRequest::new("limit", format!("must be 1..=1000, not `{limit}`")))
            }
            _ => Ok(()),
        }
    }

    fn max_billed_rows(&self) -> u64 {
        self.limit.unwrap_or(100)
    }
}

/// A GET request (`index`), free.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct IndexRequest;

impl ApiRequest for IndexRequest {
    const ENDPOINT: Endpoint = Endpoint::Index;
    type Result = Value;

    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }

    fn max_billed_rows(&self) -> u64 {
        0
    }
}

/// A strictly typed result, to provoke decode errors.
#[derive(Debug, serde::Deserialize)]
#[expect(dead_code, reason = "only the field's type matters: a string must fail to decode")]
pub(crate) struct StrictResult {
    pub(crate) total_count: u64,
}

/// A request whose result model is [`StrictResult`].
#[derive(Clone, Debug, Serialize)]
pub(crate) struct StrictRequest {
    pub(crate) target: String,
}

impl ApiRequest for StrictRequest {
    const ENDPOINT: Endpoint = Endpoint::Summary;
    type Result = StrictResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }

    fn max_billed_rows(&self) -> u64 {
        1
    }
}
