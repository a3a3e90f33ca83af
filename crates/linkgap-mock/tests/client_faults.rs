//! Client fault suite: every fault the mock injects, seen through the API crate's client, with the
//! client's reaction asserted (retried, gave up with the right error, cost counted).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use futures::future::join_all;
use linkgap_dataforseo::{
    Client, Endpoint, Error, ErrorClass, ReferringDomainsRequest, Reply, RetryPolicy,
    SummaryRequest,
};
use linkgap_mock::{
    Backend, Engine, EngineConfig, Execution, FaultProfile, MockConfig, MockServer, RunningServer,
    TaskError,
};
use linkgap_world::{World, WorldBacklink};
use serde_json::{Map, Value};

const TARGET: &str = "example.com";
const PASSWORD: &str = "s3cret-Pa55word-do-not-print";

/// Five live links to `example.com`.
fn tiny_world() -> World {
    let backlinks = ["a.org", "b.org", "www.c.net", "d.co.uk", "e.io"]
        .iter()
        .enumerate()
        .map(|(n, host)| WorldBacklink {
            domain_from: (*host).to_owned(),
            url_from: format!("https://{host}/post-{n}"),
            domain_to: TARGET.to_owned(),
            url_to: format!("https://{TARGET}/"),
            first_seen: Some(format!("2026-01-0{} 00:00:00 +00:00", n + 1)),
            ..WorldBacklink::default()
        })
        .collect();
    World { backlinks, domains: Vec::new() }
}

fn profile(json: &str) -> FaultProfile {
    FaultProfile::from_json(json).expect("the test profile is valid")
}

async fn server_with(faults: FaultProfile) -> RunningServer {
    let mut config = MockConfig::new(tiny_world());
    config.faults = faults;
    MockServer::start(config).await.expect("the mock starts on loopback")
}

/// Retries with pauses of a millisecond or two, so the suite stays fast.
fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(max_retries)
        .with_delays(Duration::from_millis(1), Duration::from_millis(2))
        .with_rate_limit_delay(Duration::from_millis(3))
        .with_jitter(false)
}

fn client(server: &RunningServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.url())
        .credentials("demo", "demo")
        .retry_policy(retry)
        .build()
        .expect("a loopback client builds")
}

fn rd_request() -> ReferringDomainsRequest {
    ReferringDomainsRequest::new(TARGET)
}

fn assert_usd(actual: f64, expected: f64, what: &str) {
    assert!((actual - expected).abs() < 1e-9, "{what}: {actual} but expected {expected}");
}

/// The price of a successful `referring_domains` call on the tiny world (5 rows).
const FIVE_ROWS: f64 = 0.02 + 5.0 * 0.000_03;
/// The worst-case price of `rd_request()` (default limit 100), booked for a call whose cost is unreadable.
const WORST_CASE: f64 = 0.02 + 100.0 * 0.000_03;

#[tokio::test]
async fn http_error_statuses_are_retried_until_success_and_counted() {
    eprintln!("fault mode: loopback");
    let server = server_with(profile(
        r#"{"http_errors": [{"status": 500, "on_requests": [1]}, {"status": 502, "on_requests": [2]},
                            {"status": 503, "on_requests": [3]}, {"status": 504, "on_requests": [4]},
                            {"status": 429, "on_requests": [5]}]}"#,
    ))
    .await;
    let client = client(&server, quick_retries(5));
    let reply = client.backlinks().referring_domains(&rd_request()).await.unwrap();
    assert_eq!(reply.results[0].items().len(), 5);
    assert_usd(reply.cost, FIVE_ROWS, "the successful attempt");
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (6, 5, 0));
    let entry = ledger.endpoint(Endpoint::ReferringDomains);
    assert_eq!((entry.calls, entry.retries), (6, 5));
    // The failed attempts reported no cost and were not charged: spend is the last attempt's.
    assert_usd(ledger.total_cost, FIVE_ROWS, "ledger");
    assert_usd(100.0 - server.balance(), FIVE_ROWS, "server balance");
    assert_eq!(server.requests(), 6);
}

#[tokio::test]
async fn a_persistent_503_ends_in_retries_exhausted_with_the_attempts() {
    eprintln!("fault mode: loopback");
    let server =
        server_with(profile(r#"{"http_errors": [{"status": 503, "probability": 1.0}]}"#)).await;
    let client = client(&server, quick_retries(2));
    let error = client.backlinks().referring_domains(&rd_request()).await.unwrap_err();
    let Error::RetriesExhausted { attempts, ref last, endpoint, .. } = error else {
        panic!("expected RetriesExhausted, got {error:?}");
    };
    assert_eq!(attempts, 3);
    assert_eq!(endpoint, Endpoint::ReferringDomains);
    assert!(matches!(**last, Error::Http { status: 503, .. }), "{last:?}");
    assert!(!error.is_fatal());
    assert!(!error.is_retryable(), "the client already retried it");
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (3, 2, 1));
    assert_usd(ledger.total_cost, 0.0, "nothing was charged");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn every_injected_task_level_code_is_retried_and_free() {
    eprintln!("fault mode: loopback");
    let codes = [40103, 50000, 50001, 50301, 50302, 50303, 50304, 50401];
    let faults: Vec<String> = codes
        .iter()
        .enumerate()
        .map(|(n, code)| format!(r#"{{"code": {code}, "on_requests": [{}]}}"#, n + 1))
        .collect();
    let server =
        server_with(profile(&format!(r#"{{"task_errors": [{}]}}"#, faults.join(",")))).await;
    let client = client(&server, quick_retries(8));
    let reply = client.backlinks().referring_domains(&rd_request()).await.unwrap();
    assert_eq!(reply.results[0].items().len(), 5);
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (9, 8, 0));
    assert_usd(ledger.total_cost, FIVE_ROWS, "failed tasks cost nothing");
    assert_usd(100.0 - server.balance(), FIVE_ROWS, "server balance");
}

#[tokio::test]
async fn a_task_code_that_persists_gives_up_with_that_code() {
    eprintln!("fault mode: loopback");
    let server =
        server_with(profile(r#"{"task_errors": [{"code": 50401, "probability": 1.0}]}"#)).await;
    let client = client(&server, quick_retries(1));
    let error = client.backlinks().referring_domains(&rd_request()).await.unwrap_err();
    assert!(matches!(error, Error::RetriesExhausted { attempts: 2, .. }), "{error:?}");
    assert_eq!(error.code(), Some(50401));
    let Error::RetriesExhausted { last, .. } = &error else { unreachable!() };
    assert!(matches!(**last, Error::Api { code: 50401, task_id: Some(_), .. }), "{last:?}");
    assert_eq!(client.ledger().retries, 1);
}

#[tokio::test]
async fn forced_40202_is_retried_and_the_per_minute_limit_gives_up_as_rate_limited() {
    eprintln!("fault mode: loopback");
    let server =
        server_with(profile(r#"{"per_minute": 3, "throttle": {"on_requests": [1]}}"#)).await;
    let policy = quick_retries(1);
    let client = client(&server, policy.clone());
    // Request 1 is throttled, its retry is accepted (calls in the window: 1).
    let reply = client.backlinks().referring_domains(&rd_request()).await.unwrap();
    assert_usd(reply.cost, FIVE_ROWS, "after the 40202");
    assert_eq!(client.ledger().retries, 1);
    // Two more calls fill the window of three; the fourth is refused, and so is its retry.
    client.backlinks().referring_domains(&rd_request()).await.unwrap();
    client.backlinks().referring_domains(&rd_request()).await.unwrap();
    let error = client.backlinks().referring_domains(&rd_request()).await.unwrap_err();
    let Error::RetriesExhausted { attempts, ref last, .. } = error else {
        panic!("expected RetriesExhausted, got {error:?}");
    };
    assert_eq!(attempts, 2);
    assert_eq!(error.code(), Some(40202));
    assert!(last.is_rate_limited(), "{last:?}");
    // The pause after the server's 40202 is the backoff plus the rate-limit extra.
    assert_eq!(policy.pause_after(last, Duration::ZERO), Duration::from_millis(3));
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (6, 2, 1));
    assert_usd(ledger.total_cost, 3.0 * FIVE_ROWS, "only accepted calls cost");
    assert_usd(100.0 - server.balance(), 3.0 * FIVE_ROWS, "server balance");
}

/// The engine behind a gate: the first call waits until the gate opens; counts calls in progress
/// and the most seen at once.
struct Gated {
    engine: Engine,
    hold_first: bool,
    open: Mutex<bool>,
    opened: Condvar,
    calls: AtomicUsize,
    running: AtomicUsize,
    most_running: AtomicUsize,
}

impl Gated {
    fn new(hold_first: bool) -> Arc<Gated> {
        Arc::new(Gated {
            engine: Engine::new(tiny_world(), EngineConfig::default()),
            hold_first,
            open: Mutex::new(false),
            opened: Condvar::new(),
            calls: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            most_running: AtomicUsize::new(0),
        })
    }

    fn release(&self) {
        *self.open.lock().expect("no test thread panics holding the gate") = true;
        self.opened.notify_all();
    }
}

impl Backend for Gated {
    fn execute(&self, function: &str, task: &Map<String, Value>) -> Result<Execution, TaskError> {
        let running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_running.fetch_max(running, Ordering::SeqCst);
        if self.calls.fetch_add(1, Ordering::SeqCst) == 0 && self.hold_first {
            let mut open = self.open.lock().expect("no test thread panics holding the gate");
            while !*open {
                open = self.opened.wait(open).expect("no test thread panics holding the gate");
            }
        }
        let result = self.engine.execute(function, task);
        self.running.fetch_sub(1, Ordering::SeqCst);
        result
    }
}

/// Opens the gate when dropped, so a failing test leaves no blocked thread behind.
struct ReleaseOnDrop(Arc<Gated>);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        self.0.release();
    }
}

#[tokio::test]
async fn the_server_in_flight_cap_answers_40202_and_the_client_retries_until_a_slot_frees() {
    eprintln!("fault mode: loopback");
    let gate = Gated::new(true);
    let _release = ReleaseOnDrop(Arc::clone(&gate));
    let mut config = MockConfig::with_backend(gate.clone());
    config.faults = profile(r#"{"max_in_flight": 1}"#);
    let server = MockServer::start(config).await.unwrap();
    let client = Client::builder()
        .base_url(server.url())
        .credentials("demo", "demo")
        .max_in_flight(2)
        .retry_policy(quick_retries(500))
        .build()
        .unwrap();
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.backlinks().referring_domains(&rd_request()).await }
    });
    // Wait until the first request holds the server's only slot.
    while gate.calls.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }
    let second = tokio::spawn({
        let client = client.clone();
        async move { client.backlinks().referring_domains(&rd_request()).await }
    });
    // Once the second request has been refused at least once, free the slot.
    while server.requests() < 3 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    gate.release();
    let first: Reply<_> = first.await.unwrap().unwrap();
    let second: Reply<_> = second.await.unwrap().unwrap();
    assert_usd(first.cost + second.cost, 2.0 * FIVE_ROWS, "both succeeded");
    let ledger = client.ledger();
    assert!(ledger.retries >= 1, "the 40202 of the in-flight cap was retried");
    assert_eq!(ledger.calls, 2 + ledger.retries);
    assert_eq!(ledger.errors, 0);
    assert_usd(ledger.total_cost, 2.0 * FIVE_ROWS, "refusals are free");
}

#[tokio::test]
async fn with_latency_the_client_never_exceeds_its_in_flight_cap() {
    eprintln!("fault mode: loopback");
    let gate = Gated::new(false);
    let mut config = MockConfig::with_backend(gate.clone());
    // The server's cap equals the client's: any excess would come back as 40202.
    config.faults =
        profile(r#"{"seed": 5, "max_in_flight": 3, "latency": {"min_ms": 5, "max_ms": 15}}"#);
    let server = MockServer::start(config).await.unwrap();
    let client = Client::builder()
        .base_url(server.url())
        .credentials("demo", "demo")
        .max_in_flight(3)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let calls = (0..12).map(|_| {
        let client = client.clone();
        async move { client.backlinks().referring_domains(&rd_request()).await }
    });
    for outcome in join_all(calls).await {
        outcome.expect("no request was refused for being over the in-flight cap");
    }
    assert!(gate.most_running.load(Ordering::SeqCst) <= 3);
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (12, 0, 0));
    assert_eq!(server.requests(), 12);
}

#[tokio::test]
async fn an_exhausted_balance_is_fatal_and_not_retried() {
    eprintln!("fault mode: loopback");
    let mut config = MockConfig::new(tiny_world());
    config.balance = 0.03;
    let server = MockServer::start(config).await.unwrap();
    let client = client(&server, quick_retries(3));
    let first = client.backlinks().summary(&SummaryRequest::new(TARGET)).await.unwrap();
    assert_usd(first.cost, 0.020_03, "summary");
    let error = client.backlinks().summary(&SummaryRequest::new(TARGET)).await.unwrap_err();
    assert!(matches!(error, Error::Http { status: 402, code: Some(40200), .. }), "{error:?}");
    assert!(error.is_fatal());
    assert_eq!(error.class(), ErrorClass::Fatal);
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (2, 0, 1));
    assert_eq!(server.requests(), 2);
    // Free endpoints still answer with an empty balance.
    let user = client.appendix().user_data().await.unwrap();
    let balance = user.results[0].money.as_ref().unwrap().balance.unwrap();
    assert_usd(balance, 0.03 - 0.020_03, "balance left");
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_and_is_not_retried() {
    eprintln!("fault mode: loopback");
    let server = server_with(profile(r#"{"truncate": {"on_requests": [1]}}"#)).await;
    let client = client(&server, quick_retries(3));
    let error = client.backlinks().referring_domains(&rd_request()).await.unwrap_err();
    let Error::Decode { ref body_excerpt, endpoint, .. } = error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(endpoint, Endpoint::ReferringDomains);
    assert!(body_excerpt.starts_with("{\"version\""), "{body_excerpt}");
    // Not retried: the task ran and was charged, so a retry would pay twice.
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (1, 0, 1));
    assert_eq!(server.requests(), 1);
    // The server charged the call and the cut body hides its `cost`: the client books the
    // worst-case price (the default limit of 100 rows), so spend is never undercounted.
    assert_usd(100.0 - server.balance(), FIVE_ROWS, "server charged");
    assert_usd(ledger.total_cost, WORST_CASE, "ledger");
    // The next call goes through.
    client.backlinks().referring_domains(&rd_request()).await.unwrap();
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error_and_is_retried() {
    eprintln!("fault mode: loopback");
    let server = server_with(profile(r#"{"reset": {"on_requests": [1]}}"#)).await;
    let client = client(&server, quick_retries(3));
    let reply = client.backlinks().referring_domains(&rd_request()).await.unwrap();
    assert_eq!(reply.results[0].items().len(), 5);
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (2, 1, 0));
    // Both attempts ran on the server and were charged; the reset one is booked at its worst-case
    // price (the default limit of 100 rows), so the ledger never shows less than the server.
    assert_usd(100.0 - server.balance(), 2.0 * FIVE_ROWS, "server charged both attempts");
    assert_usd(ledger.total_cost, WORST_CASE + FIVE_ROWS, "ledger");

    // Without retries the reset surfaces as a transport error, which is retryable.
    let server = server_with(profile(r#"{"reset": {"on_requests": [1]}}"#)).await;
    let client = self::client(&server, RetryPolicy::never());
    let error = client.backlinks().referring_domains(&rd_request()).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn wrong_credentials_are_fatal_not_retried_and_never_shown() {
    eprintln!("fault mode: loopback");
    let server = server_with(FaultProfile::default()).await;
    let client = Client::builder()
        .base_url(server.url())
        .credentials("demo", PASSWORD)
        .retry_policy(quick_retries(3))
        .build()
        .unwrap();
    let error = client.backlinks().referring_domains(&rd_request()).await.unwrap_err();
    assert!(matches!(error, Error::Http { status: 401, code: Some(40100), .. }), "{error:?}");
    assert!(error.is_fatal());
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.retries, ledger.errors), (1, 0, 1));
    assert_eq!(server.requests(), 1);
    let mut texts = vec![error.to_string(), format!("{error:?}"), format!("{client:?}")];
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        texts.push(cause.to_string());
        source = cause.source();
    }
    for text in texts {
        assert!(!text.contains(PASSWORD), "the password leaked: {text}");
    }
}

#[tokio::test]
async fn the_same_seed_injects_the_same_faults() {
    eprintln!("fault mode: loopback");
    let text = r#"{"seed": 11, "http_errors": [{"status": 500, "probability": 0.3}],
                   "task_errors": [{"code": 50000, "probability": 0.2}],
                   "reset": {"probability": 0.1}, "truncate": {"probability": 0.1}}"#;
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let server = server_with(profile(text)).await;
        let client = client(&server, quick_retries(2));
        let mut kinds = Vec::new();
        for _ in 0..12 {
            let outcome = client.backlinks().referring_domains(&rd_request()).await;
            kinds.push(match outcome {
                Ok(_) => "ok".to_owned(),
                Err(error) => format!("{:?}/{:?}", error.class(), error.code()),
            });
        }
        let ledger = client.ledger();
        outcomes.push((kinds, ledger.calls, ledger.retries, ledger.errors, server.requests()));
    }
    assert_eq!(outcomes[0], outcomes[1]);
    let (kinds, calls, retries, _, _) = &outcomes[0];
    assert!(*retries > 0 && *calls > 12, "the profile injected faults: {kinds:?}");
}

#[tokio::test]
async fn an_unverified_account_is_fatal_and_not_retried() {
    eprintln!("fault mode: loopback");
    let mut config = MockConfig::new(tiny_world());
    config.verified = false;
    let server = MockServer::start(config).await.unwrap();
    let client = client(&server, quick_retries(3));
    let error = client.backlinks().referring_domains(&rd_request()).await.unwrap_err();
    assert!(matches!(error, Error::Http { status: 403, code: Some(40104), .. }), "{error:?}");
    assert!(error.is_fatal());
    assert_eq!(client.ledger().retries, 0);
    assert_eq!(server.requests(), 1);
    // The account endpoint still answers, so the user can see why.
    client.appendix().user_data().await.unwrap();
}
