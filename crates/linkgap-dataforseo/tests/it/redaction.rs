//! Credentials never appear in debug output, errors or the cache.

use std::fmt::Write;
use std::process::Command;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use linkgap_dataforseo::{Budget, Client, Endpoint, Error};
use linkgap_store::Cache;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::{
    DomainsRequest, LOGIN, MockServer, PASSWORD, Scripted, StrictRequest, builder, ok,
    request_error, task_error,
};

fn assert_no_secret(text: &str) {
    let basic = STANDARD.encode(format!("{LOGIN}:{PASSWORD}"));
    for secret in [LOGIN, PASSWORD, basic.as_str()] {
        assert!(!text.contains(secret), "`{secret}` leaked into: {text}");
    }
}

/// The error, its chain of causes, and its debug form.
fn describe(error: &Error) -> String {
    let mut text = format!("{error} / {error:?} / {error:#?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        write!(text, " / {cause} / {cause:?}").expect("writing to a string cannot fail");
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn client_debug_output_hides_credentials() {
    let server = MockServer::start().await;
    let builder = builder(&server).budget(Budget::new(1.0));
    assert_no_secret(&format!("{builder:?}"));
    let client = builder.build().unwrap();

    let debug = format!("{client:?} {client:#?}");

    assert_no_secret(&debug);
    assert!(debug.contains("redacted"));
    assert!(debug.contains(&server.url()));
}

#[tokio::test]
async fn no_error_shows_credentials() {
    let server = MockServer::start().await;
    server.enqueue(Endpoint::ReferringDomains, request_error(401, 40100, "Not authorized.", 0.0));
    server.enqueue(Endpoint::ReferringDomains, task_error(40501, "Invalid Field: 'target'.", 0.0));
    server.enqueue(Endpoint::ReferringDomains, request_error(200, 40200, "Payment Required.", 0.0));
    server.always(Endpoint::ReferringDomains, Scripted::raw(500, "down"));
    server.always(Endpoint::Summary, Scripted::raw(200, "{\"status_code\": 20000, \"tasks\": ["));
    // Enough for a default request (worst case $0.023), not for 1,000 rows ($0.05).
    let client = builder(&server).budget(Budget::new(0.03)).build().unwrap();
    let request = DomainsRequest::new("a.com");

    let mut errors = Vec::new();
    for _ in 0..4 {
        errors.push(client.execute(&request).await.unwrap_err());
    }
    errors.push(client.execute(&StrictRequest { target: "a.com".into() }).await.unwrap_err());
    errors.push(client.execute(&request.clone().limit(0)).await.unwrap_err());
    errors.push(client.execute(&request.clone().limit(1000)).await.unwrap_err());
    let unreachable = Client::builder()
        .credentials(LOGIN, PASSWORD)
        .base_url("http://127.0.0.1:1")
        .retry_policy(linkgap_dataforseo::RetryPolicy::never())
        .build()
        .unwrap();
    errors.push(unreachable.execute(&request).await.unwrap_err());
    errors
        .push(Client::builder().credentials(LOGIN, PASSWORD).base_url("nope").build().unwrap_err());
    errors.push(
        Client::builder().credentials(LOGIN, PASSWORD).max_in_flight(99).build().unwrap_err(),
    );

    let kinds: Vec<&str> = errors
        .iter()
        .map(|error| match error {
            Error::Http { .. } => "http",
            Error::Api { .. } => "api",
            Error::RetriesExhausted { .. } => "exhausted",
            Error::Decode { .. } => "decode",
            Error::InvalidRequest { .. } => "invalid",
            Error::BudgetExceeded { .. } => "budget",
            Error::Transport { .. } => "transport",
            Error::Config { .. } => "config",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "http",
            "api",
            "api",
            "exhausted",
            "decode",
            "invalid",
            "budget",
            "transport",
            "config",
            "config"
        ]
    );
    for error in &errors {
        assert_no_secret(&describe(error));
    }
}

#[tokio::test]
async fn cached_responses_hold_no_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        ok(Endpoint::ReferringDomains, &json!([{ "target": "a.com" }]), 0.02),
    );
    let cache = Arc::new(Cache::open(&path).unwrap());
    let client = builder(&server).cache(cache.clone()).build().unwrap();

    client.execute(&DomainsRequest::new("a.com")).await.unwrap();
    drop(client);
    drop(cache);

    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        stored.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(stored.contains("referring_domains"), "the entry was written");
    assert_no_secret(&stored);
    // The credentials did reach the server, in the Authorization header only.
    let authorization = &server.requests()[0].headers["authorization"];
    assert!(authorization.starts_with("Basic "));
    assert!(!String::from_utf8_lossy(&server.requests()[0].body).contains(LOGIN));
}

/// A subscriber that writes every event, at every level, into one string.
#[derive(Clone, Default)]
struct LogRecorder {
    text: Arc<Mutex<String>>,
}

struct FieldWriter<'text>(&'text mut String);

impl Visit for FieldWriter<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        write!(self.0, " {}={value:?}", field.name()).expect("writing to a string cannot fail");
    }
}

impl Subscriber for LogRecorder {
    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut text = self.text.lock().expect("lock");
        span.record(&mut FieldWriter(&mut text));
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, values: &Record<'_>) {
        values.record(&mut FieldWriter(&mut self.text.lock().expect("lock")));
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = self.text.lock().expect("lock");
        text.push('\n');
        event.record(&mut FieldWriter(&mut text));
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// Set in the child process of [`log_lines_hold_no_credentials`].
const LOG_CHILD_ENV: &str = "LINKGAP_TEST_LOG_CHILD";

/// Runs [`record_logs_of_a_failing_call`] alone in a child process: tracing caches which callsites
/// are enabled process-wide, and tests running in parallel without a subscriber would race with it.
#[test]
fn log_lines_hold_no_credentials() {
    if std::env::var_os(LOG_CHILD_ENV).is_some() {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(record_logs_of_a_failing_call());
        return;
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["redaction::log_lines_hold_no_credentials", "--exact", "--nocapture"])
        .env(LOG_CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("1 passed"), "{stdout}");
}

async fn record_logs_of_a_failing_call() {
    let recorder = LogRecorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let server = MockServer::start().await;
    server.enqueue(Endpoint::ReferringDomains, Scripted::raw(500, "down"));
    server.enqueue(Endpoint::ReferringDomains, request_error(401, 40100, "Not authorized.", 0.0));
    let client = builder(&server).build().expect("a valid client");

    let error =
        client.execute(&DomainsRequest::new("a.com")).await.expect_err("the server refuses");

    assert!(error.is_fatal());
    let logs = recorder.text.lock().expect("lock").clone();
    assert!(logs.contains("retrying"), "the retry was logged: {logs}");
    assert!(logs.contains("40100"), "the failure was logged: {logs}");
    assert_no_secret(&logs);
}
