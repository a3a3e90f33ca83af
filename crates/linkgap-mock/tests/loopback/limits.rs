//! The throughput rules of reference §3.3: calls per minute and requests in flight.

use std::sync::Arc;

use linkgap_mock::{Latency, MockConfig};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::support::{Gate, OpenOnDrop, REFERRING_DOMAINS, get, post, start, stub_config};

#[tokio::test]
async fn calls_above_the_per_minute_rate_get_40202() {
    let mut config = stub_config();
    config.faults.per_minute = 3;
    let server = start(config).await;
    let body = r#"[{"target": "example.com"}]"#;
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(post(&server, REFERRING_DOMAINS, body).await.code());
    }
    let throttled = post(&server, REFERRING_DOMAINS, body).await;
    assert_eq!(throttled.status, StatusCode::OK);
    codes.push(throttled.code());
    // Every endpoint counts against the same account-wide limit.
    codes.push(get(&server, "/v3/backlinks/index").await.code());
    assert_eq!(codes, [20000, 20000, 20000, 40202, 40202]);
    let json = throttled.json();
    assert_eq!(json["status_message"], "The rate-limit per minute has been exceeded.");
    assert!(json["tasks"].is_null());
    assert!((server.balance() - (100.0 - 3.0 * 0.02015)).abs() < 1e-9);
}

#[tokio::test]
async fn requests_above_the_in_flight_cap_get_40202() {
    let gate = Arc::new(Gate::default());
    let _open_on_failure = OpenOnDrop(Arc::clone(&gate));
    let server = start(MockConfig::with_backend(gate.clone())).await;
    let url = format!("{}{REFERRING_DOMAINS}", server.url());
    let (sender, mut receiver) = mpsc::unbounded_channel();
    for n in 0..40 {
        let sender = sender.clone();
        let url = url.clone();
        tokio::spawn(async move {
            let response = reqwest::Client::builder()
                .build()
                .unwrap()
                .post(url)
                .basic_auth("demo", Some("demo"))
                .body(format!(r#"[{{"target": "site{n}.com"}}]"#))
                .send()
                .await
                .unwrap();
            let json: Value = response.json().await.unwrap();
            sender.send(json["status_code"].as_u64().unwrap()).unwrap();
        });
    }
    drop(sender);
    // The default cap admits 30 requests, which wait in the backend; the other 10 come back at
    // once. Only then does the gate open.
    let mut early = Vec::new();
    for _ in 0..10 {
        early.push(receiver.recv().await.unwrap());
    }
    assert_eq!(early, [40202; 10]);
    gate.until_waiting(30).await;
    assert_eq!(gate.waiting(), 30);
    gate.open();
    let mut late = Vec::new();
    while let Some(code) = receiver.recv().await {
        late.push(code);
    }
    assert_eq!(late, [20000; 30]);
    // Once the requests are done, the slots are free again.
    assert_eq!(post(&server, REFERRING_DOMAINS, r#"[{"target": "a.com"}]"#).await.code(), 20000);
}

#[tokio::test]
async fn injected_latency_keeps_requests_in_flight() {
    let mut config = stub_config();
    config.faults.max_in_flight = 1;
    config.faults.latency = Some(Latency::Fixed { fixed_ms: 400 });
    let server = start(config).await;
    let calls = (0..6).map(|_| post(&server, REFERRING_DOMAINS, r#"[{"target": "a.com"}]"#));
    let codes: Vec<u64> =
        futures::future::join_all(calls).await.iter().map(crate::support::Answer::code).collect();
    assert!(codes.contains(&20000), "{codes:?}");
    assert!(codes.contains(&40202), "{codes:?}");
}
