//! Injected faults, seen by a raw client: HTTP errors, task codes, truncated bodies, resets,
//! forced 40202, and determinism for a seed.

use linkgap_mock::{FaultProfile, RunningServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{REFERRING_DOMAINS, client, post, start, stub_config};

async fn with_faults(profile: &str) -> RunningServer {
    let mut config = stub_config();
    config.faults = FaultProfile::from_json(profile).expect("the test profile is valid");
    start(config).await
}

fn raw_post(server: &RunningServer) -> reqwest::RequestBuilder {
    client()
        .post(format!("{}{REFERRING_DOMAINS}", server.url()))
        .basic_auth("demo", Some("demo"))
        .body(r#"[{"target": "example.com"}]"#)
}

#[tokio::test]
async fn http_errors_fire_on_the_listed_requests() {
    let server = with_faults(
        r#"{"http_errors": [{"status": 500, "on_requests": [1]}, {"status": 502, "on_requests": [2]},
                            {"status": 503, "on_requests": [3]}]}"#,
    )
    .await;
    let first = post(&server, REFERRING_DOMAINS, "[{}]").await;
    assert_eq!(first.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(first.code(), 50000);
    let second = post(&server, REFERRING_DOMAINS, "[{}]").await;
    assert_eq!(second.status, StatusCode::BAD_GATEWAY);
    assert!(String::from_utf8_lossy(&second.body).contains("502 Bad Gateway"));
    assert!(serde_json::from_slice::<Value>(&second.body).is_err());
    let third = post(&server, REFERRING_DOMAINS, "[{}]").await;
    assert_eq!(third.status, StatusCode::SERVICE_UNAVAILABLE);
    let fourth = post(&server, REFERRING_DOMAINS, "[{}]").await;
    assert_eq!((fourth.status, fourth.code()), (StatusCode::OK, 20000));
    // Failed calls are not charged.
    assert!((server.balance() - (100.0 - 0.02015)).abs() < 1e-9);
}

#[tokio::test]
async fn task_level_faults_fail_the_task_for_free() {
    let server = with_faults(
        r#"{"task_errors": [{"code": 50000, "on_requests": [1]}, {"code": 50401, "on_requests": [2]},
                            {"code": 40103, "on_requests": [3]}]}"#,
    )
    .await;
    for (code, message) in [
        (50000, "Internal Error."),
        (50401, "Internal Error - Timeout."),
        (40103, "Task execution failed, please try to resubmit the task."),
    ] {
        let answer = post(&server, REFERRING_DOMAINS, r#"[{"target": "example.com"}]"#).await;
        assert_eq!(answer.status, StatusCode::OK);
        let body = answer.json();
        assert_eq!(body["status_code"], 20000);
        assert_eq!(body["tasks_error"], 1);
        assert_eq!(body["cost"], json!(0.0));
        let task = &body["tasks"][0];
        assert_eq!(task["status_code"], code);
        assert_eq!(task["status_message"], message);
        assert!(task["result"].is_null());
    }
    assert!((server.balance() - 100.0).abs() < 1e-9);
}

#[tokio::test]
async fn a_truncated_body_arrives_whole_but_is_not_json() {
    let server = with_faults(r#"{"truncate": {"on_requests": [1, 3]}}"#).await;
    let plain = reqwest::Client::builder().no_gzip().build().unwrap();
    let request = plain
        .post(format!("{}{REFERRING_DOMAINS}", server.url()))
        .basic_auth("demo", Some("demo"))
        .body(r#"[{"target": "example.com"}]"#);
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let declared = response.content_length();
    let body = response.bytes().await.expect("the short body is complete");
    assert_eq!(declared, Some(body.len() as u64));
    assert!(body.starts_with(b"{\"version\""));
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    // The next request is whole again.
    assert_eq!(post(&server, REFERRING_DOMAINS, "[{}]").await.code(), 20000);
    // With gzip, the compressed stream is complete and decodes to the cut JSON.
    let body = raw_post(&server).send().await.unwrap().bytes().await.expect("gzip decodes");
    assert!(body.starts_with(b"{\"version\""));
    assert!(serde_json::from_slice::<Value>(&body).is_err());
}

#[tokio::test]
async fn a_reset_mid_body_is_a_transport_error() {
    let server = with_faults(r#"{"reset": {"on_requests": [1]}}"#).await;
    let response = raw_post(&server).send().await.expect("the status line arrives");
    assert_eq!(response.status(), StatusCode::OK);
    let error = response.bytes().await.expect_err("the connection drops mid-body");
    assert!(error.is_body() || error.is_decode() || error.is_request(), "{error:?}");
    assert_eq!(post(&server, REFERRING_DOMAINS, "[{}]").await.code(), 20000);
}

#[tokio::test]
async fn forced_throttling_answers_40202() {
    let server = with_faults(r#"{"throttle": {"on_requests": [2]}}"#).await;
    let codes = [
        post(&server, REFERRING_DOMAINS, "[{}]").await.code(),
        post(&server, REFERRING_DOMAINS, "[{}]").await.code(),
        post(&server, REFERRING_DOMAINS, "[{}]").await.code(),
    ];
    assert_eq!(codes, [20000, 40202, 20000]);
}

/// What a raw client observes for each of `n` sequential requests.
async fn observe(server: &RunningServer, n: usize) -> Vec<String> {
    let mut seen = Vec::with_capacity(n);
    for _ in 0..n {
        let response = raw_post(server).send().await.expect("the status line arrives");
        let status = response.status();
        let outcome = match response.bytes().await {
            Err(_) => "reset".to_owned(),
            Ok(body) => match serde_json::from_slice::<Value>(&body) {
                Err(_) => format!("{status} unparsable"),
                Ok(json) => {
                    format!("{status} {} {}", json["status_code"], json["tasks"][0]["status_code"])
                }
            },
        };
        seen.push(outcome);
    }
    seen
}

#[tokio::test]
async fn the_same_seed_injects_the_same_faults() {
    let profile = |seed: u64| {
        format!(
            r#"{{"seed": {seed}, "http_errors": [{{"status": 503, "probability": 0.15}}],
                "task_errors": [{{"code": 50000, "probability": 0.15}}],
                "truncate": {{"probability": 0.15}}, "reset": {{"probability": 0.1}}}}"#
        )
    };
    let first = observe(&with_faults(&profile(11)).await, 40).await;
    let second = observe(&with_faults(&profile(11)).await, 40).await;
    assert_eq!(first, second);
    let kinds: std::collections::BTreeSet<&str> =
        first.iter().map(|outcome| outcome.split(' ').next_back().unwrap()).collect();
    assert!(kinds.len() >= 3, "{first:?}");
    let other = observe(&with_faults(&profile(12)).await, 40).await;
    assert_ne!(first, other);
}
