//! Retries: backoff on transient failures, give-up, rate limits, and the cost of every attempt.

use std::time::Duration;

use linkgap_dataforseo::{Client, Endpoint, Error, ErrorClass, RetryPolicy};
use serde_json::json;

use crate::support::{
    DomainsRequest, LOGIN, MockServer, PASSWORD, Scripted, builder, client, fast_retries, ok,
    request_error, task_error,
};

#[tokio::test]
async fn transient_failures_are_retried_until_success() {
    let server = MockServer::start().await;
    server.enqueue(Endpoint::ReferringDomains, Scripted::raw(500, "oops"));
    server.enqueue(Endpoint::ReferringDomains, request_error(200, 50000, "Internal Error.", 0.0));
    server.enqueue(Endpoint::ReferringDomains, task_error(50401, "Internal Error - Timeout.", 0.0));
    server.enqueue(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([1]), 0.02));
    let client = client(&server);

    let reply = client.execute(&DomainsRequest::new("a.com")).await.unwrap();

    assert_eq!(reply.results, [json!(1)]);
    assert_eq!(server.request_count(), 4);
    let ledger = client.ledger();
    assert_eq!(ledger.calls, 4);
    assert_eq!(ledger.retries, 3);
    assert_eq!(ledger.errors, 0);
}

#[tokio::test]
async fn giving_up_reports_attempts_and_the_last_error() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, Scripted::raw(503, "busy"));
    let client = builder(&server).retry_policy(fast_retries().with_max_retries(2)).build().unwrap();

    let error = client.execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    let Error::RetriesExhausted { endpoint, attempts, elapsed, last } = &error else {
        panic!("expected give-up, got {error:?}");
    };
    assert_eq!(*endpoint, Endpoint::ReferringDomains);
    assert_eq!(*attempts, 3);
    assert!(*elapsed > Duration::ZERO);
    assert!(matches!(**last, Error::Http { status: 503, .. }), "{last:?}");
    assert!(!error.is_retryable(), "the client already retried");
    assert_eq!(server.request_count(), 3);
    assert!(error.to_string().contains("3 attempts"));
}

#[tokio::test]
async fn the_cost_of_every_attempt_is_counted() {
    let server = MockServer::start().await;
    server.enqueue(Endpoint::ReferringDomains, task_error(40103, "Task execution failed.", 0.011));
    server.enqueue(Endpoint::ReferringDomains, request_error(500, 50000, "Internal Error.", 0.007));
    server.enqueue(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let client = client(&server);

    let reply = client.execute(&DomainsRequest::new("a.com")).await.unwrap();

    assert!((reply.cost - 0.02).abs() < 1e-12);
    let ledger = client.ledger();
    assert!((ledger.total_cost - 0.038).abs() < 1e-12, "{ledger:?}");
    assert!((ledger.endpoint(Endpoint::ReferringDomains).cost - 0.038).abs() < 1e-12);
    assert_eq!(ledger.retries, 2);
}

#[tokio::test]
async fn rate_limit_40202_is_retried_after_a_longer_pause() {
    let server = MockServer::start().await;
    server.enqueue(Endpoint::ReferringDomains, request_error(200, 40202, "Rate limit.", 0.0));
    server.enqueue(Endpoint::ReferringDomains, Scripted::raw(429, ""));
    server.enqueue(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let client = client(&server);

    client.execute(&DomainsRequest::new("a.com")).await.unwrap();

    assert_eq!(server.request_count(), 3);
    // The pause itself is a property of the policy, not of wall time.
    let policy = RetryPolicy::default();
    let rate_limited = Error::Api {
        code: 40202,
        message: String::new(),
        task_id: None,
        endpoint: Endpoint::ReferringDomains,
        cost: 0.0,
        class: ErrorClass::of_code(40202),
    };
    let server_error = Error::Api {
        code: 50000,
        message: String::new(),
        task_id: None,
        endpoint: Endpoint::ReferringDomains,
        cost: 0.0,
        class: ErrorClass::of_code(50000),
    };
    assert!(rate_limited.is_rate_limited());
    let backoff = policy.min_delay;
    assert!(
        policy.pause_after(&rate_limited, backoff) > policy.pause_after(&server_error, backoff)
    );
    assert!(policy.pause_after(&rate_limited, backoff) >= policy.rate_limit_delay);
}

#[tokio::test]
async fn fatal_and_client_bug_codes_are_not_retried() {
    for code in [40200, 40204, 40210, 40000, 40501, 40506] {
        let server = MockServer::start().await;
        server.always(Endpoint::ReferringDomains, task_error(code, "no", 0.0));

        let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

        assert_eq!(error.code(), Some(code));
        assert!(!error.is_retryable());
        assert_eq!(server.request_count(), 1, "code {code}");
    }
}

#[tokio::test]
async fn transport_errors_are_retried_then_reported() {
    // A port that was just free: connecting to it is refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder()
        .credentials(LOGIN, PASSWORD)
        .base_url(url)
        .retry_policy(fast_retries().with_max_retries(1))
        .build()
        .unwrap();

    let error = client.execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    let Error::RetriesExhausted { attempts: 2, last, .. } = &error else {
        panic!("expected give-up after 2 attempts, got {error:?}");
    };
    assert!(matches!(**last, Error::Transport { endpoint: Endpoint::ReferringDomains, .. }));
    assert_eq!(client.ledger().calls, 2);
}

#[tokio::test]
async fn no_retries_when_disabled() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, Scripted::raw(500, ""));
    let client = builder(&server).retry_policy(RetryPolicy::never()).build().unwrap();

    let error = client.execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    assert!(matches!(error, Error::Http { status: 500, .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(server.request_count(), 1);
}
