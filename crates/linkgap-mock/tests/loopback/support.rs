//! Shared helpers: a stub backend, server start-up and a raw HTTP client.

use std::sync::{Arc, Condvar, Mutex, atomic::AtomicUsize, atomic::Ordering};

use linkgap_mock::{Backend, Execution, MockConfig, MockServer, RunningServer, TaskError};
use reqwest::StatusCode;
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

/// Answers every data function with `limit` (default 5) made-up items; `nodata.com` gives
/// `result: null` billed for one item; the target `bad` fails with 40501.
#[derive(Debug, Default)]
pub(crate) struct Stub;

impl Backend for Stub {
    fn execute(&self, function: &str, task: &Map<String, Value>) -> Result<Execution, TaskError> {
        if function == "index" {
            return Ok(Execution::new(Some(json!({"total_backlinks": 7})), 0));
        }
        let target = task.get("target").and_then(Value::as_str).unwrap_or("example.com");
        if target == "bad" {
            return Err(TaskError { code: 40501, message: "Invalid Field: 'target'.".to_owned() });
        }
        if target == "nodata.com" {
            return Ok(Execution::new(None, 1));
        }
        let limit = task.get("limit").and_then(Value::as_u64).unwrap_or(5);
        let items: Vec<Value> =
            (0..limit).map(|n| json!({"domain": format!("d{n}.org")})).collect();
        Ok(Execution::new(
            Some(json!({
                "target": target, "total_count": 100, "items_count": limit, "items": items,
            })),
            limit,
        ))
    }
}

/// Blocks every call until opened, counting the calls that wait.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
    waiting: AtomicUsize,
    arrived: Notify,
}

impl Gate {
    pub(crate) fn open(&self) {
        *self.open.lock().expect("no test thread panics holding the gate") = true;
        self.opened.notify_all();
    }

    /// Waits until `n` calls wait at the gate.
    pub(crate) async fn until_waiting(&self, n: usize) {
        while self.waiting.load(Ordering::SeqCst) < n {
            self.arrived.notified().await;
        }
    }

    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

/// Opens the gate when dropped, so that a failing test does not leave blocked threads behind
/// (the runtime would wait for them forever).
pub(crate) struct OpenOnDrop(pub(crate) Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

impl Backend for Gate {
    fn execute(&self, function: &str, task: &Map<String, Value>) -> Result<Execution, TaskError> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        self.arrived.notify_one();
        let mut open = self.open.lock().expect("no test thread panics holding the gate");
        while !*open {
            open = self.opened.wait(open).expect("no test thread panics holding the gate");
        }
        drop(open);
        Stub.execute(function, task)
    }
}

pub(crate) fn stub_config() -> MockConfig {
    MockConfig::with_backend(Arc::new(Stub))
}

pub(crate) async fn start(config: MockConfig) -> RunningServer {
    MockServer::start(config).await.expect("the mock server starts on loopback")
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("a default client builds")
}

/// A raw answer: status, headers and body bytes.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!("body is not JSON ({error}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    pub(crate) fn code(&self) -> u64 {
        self.json()["status_code"].as_u64().expect("every envelope has a status code")
    }

    pub(crate) fn task(&self) -> Value {
        self.json()["tasks"][0].clone()
    }
}

pub(crate) async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the request reaches the mock");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("the body arrives whole").to_vec();
    Answer { status, headers, body }
}

pub(crate) async fn post(server: &RunningServer, path: &str, body: &str) -> Answer {
    send(
        client()
            .post(format!("{}{path}", server.url()))
            .basic_auth("demo", Some("demo"))
            .header("content-type", "application/json")
            .body(body.to_owned()),
    )
    .await
}

pub(crate) async fn get(server: &RunningServer, path: &str) -> Answer {
    send(client().get(format!("{}{path}", server.url())).basic_auth("demo", Some("demo"))).await
}

pub(crate) const REFERRING_DOMAINS: &str = "/v3/backlinks/referring_domains/live";
