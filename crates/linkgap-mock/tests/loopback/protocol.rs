//! Routing, authentication, the envelope, task echo, costs and bad bodies.

use std::io::Read as _;

use regex::Regex;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{REFERRING_DOMAINS, client, get, post, send, start, stub_config};

fn assert_time_string(value: &serde_json::Value) {
    let time_pattern = Regex::new(r"^\d+\.\d{4} sec\.$").expect("valid pattern");
    let text = value.as_str().unwrap_or_else(|| panic!("time is not a string: {value}"));
    assert!(time_pattern.is_match(text), "{text}");
}

#[tokio::test]
async fn a_live_call_answers_the_full_envelope() {
    let server = start(stub_config()).await;
    let answer = post(
        &server,
        REFERRING_DOMAINS,
        r#"[{"target": "example.com", "limit": 5, "tag": "job-42"}]"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    let body = answer.json();
    assert!(body["version"].as_str().unwrap().starts_with("0.1."));
    assert_eq!(body["status_code"], 20000);
    assert_eq!(body["status_message"], "Ok.");
    assert_time_string(&body["time"]);
    assert_eq!(body["cost"], json!(0.02015));
    assert_eq!((body["tasks_count"].as_u64(), body["tasks_error"].as_u64()), (Some(1), Some(0)));
    let task = &body["tasks"][0];
    let id_pattern =
        Regex::new(r"^[0-9]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$").unwrap();
    assert!(id_pattern.is_match(task["id"].as_str().unwrap()), "{}", task["id"]);
    assert_eq!(task["status_code"], 20000);
    assert_time_string(&task["time"]);
    assert_eq!(task["cost"], json!(0.02015));
    assert_eq!(task["result_count"], 1);
    assert_eq!(task["path"], json!(["v3", "backlinks", "referring_domains", "live"]));
    assert_eq!(
        task["data"],
        json!({"api": "backlinks", "function": "referring_domains", "target": "example.com",
               "limit": 5, "tag": "job-42"})
    );
    assert_eq!(task["result"][0]["items_count"], 5);
    assert_eq!(task["result"][0]["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn cost_is_per_request_plus_per_item() {
    let server = start(stub_config()).await;
    for (limit, cost) in [(0, json!(0.02)), (1, json!(0.02003)), (1000, json!(0.05))] {
        let body = format!(r#"[{{"target": "example.com", "limit": {limit}}}]"#);
        let answer = post(&server, REFERRING_DOMAINS, &body).await.json();
        assert_eq!(answer["cost"], cost, "limit {limit}");
        assert_eq!(answer["tasks"][0]["cost"], cost, "limit {limit}");
    }
}

#[tokio::test]
async fn a_target_without_data_is_a_charged_success_with_null_result() {
    let server = start(stub_config()).await;
    let task =
        post(&server, "/v3/backlinks/summary/live", r#"[{"target": "nodata.com"}]"#).await.task();
    assert_eq!(task["status_code"], 20000);
    assert!(task["result"].is_null());
    assert_eq!(task["result_count"], 0);
    assert_eq!(task["cost"], json!(0.02003));
}

#[tokio::test]
async fn a_failed_task_is_reported_inside_http_200_and_costs_nothing() {
    let server = start(stub_config()).await;
    let answer = post(&server, REFERRING_DOMAINS, r#"[{"target": "bad"}]"#).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(
        (body["status_code"].as_u64(), body["tasks_error"].as_u64()),
        (Some(20000), Some(1))
    );
    assert_eq!(body["cost"], json!(0.0));
    let task = &body["tasks"][0];
    assert_eq!(task["status_code"], 40501);
    assert_eq!(task["status_message"], "Invalid Field: 'target'.");
    assert!(task["result"].is_null());
    assert_eq!(task["data"]["target"], "bad");
}

#[tokio::test]
async fn only_the_first_of_several_tasks_runs() {
    let server = start(stub_config()).await;
    let body = r#"[{"target": "a.com", "limit": 2}, {"target": "b.com"}, {"target": "c.com"}]"#;
    let answer = post(&server, REFERRING_DOMAINS, body).await.json();
    assert_eq!(answer["status_code"], 20000);
    assert_eq!(
        (answer["tasks_count"].as_u64(), answer["tasks_error"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(answer["cost"], json!(0.02006));
    let tasks = answer["tasks"].as_array().unwrap();
    assert_eq!(tasks[0]["status_code"], 20000);
    for (task, target) in tasks[1..].iter().zip(["b.com", "c.com"]) {
        assert_eq!(task["status_code"], 40000);
        assert_eq!(task["status_message"], "You can set only one task at a time.");
        assert_eq!(task["cost"], json!(0.0));
        assert_eq!(task["data"]["target"], target);
        assert!(task["result"].is_null());
    }
    assert_ne!(tasks[0]["id"], tasks[1]["id"]);
}

#[tokio::test]
async fn get_endpoints_are_free_and_echo_only_api_and_function() {
    let server = start(stub_config()).await;
    let answer = get(&server, "/v3/backlinks/index").await.json();
    assert_eq!(answer["cost"], json!(0.0));
    let task = &answer["tasks"][0];
    assert_eq!(task["data"], json!({"api": "backlinks", "function": "index"}));
    assert_eq!(task["path"], json!(["v3", "backlinks", "index"]));
    assert_eq!(task["result"][0]["total_backlinks"], 7);
}

#[tokio::test]
async fn missing_or_wrong_credentials_get_http_401() {
    let server = start(stub_config()).await;
    let url = format!("{}{REFERRING_DOMAINS}", server.url());
    let body = r#"[{"target": "example.com"}]"#;
    for request in [
        client().post(&url).body(body),
        client().post(&url).basic_auth("demo", Some("wrong")).body(body),
        client().post(&url).basic_auth("other", Some("demo")).body(body),
        client().post(&url).header("authorization", "Bearer demo").body(body),
    ] {
        let answer = send(request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        let json = answer.json();
        assert_eq!(json["status_code"], 40100);
        assert!(json["tasks"].is_null());
        assert_eq!(json["cost"], json!(0.0));
    }
    assert!((server.balance() - 100.0).abs() < 1e-9);
}

#[tokio::test]
async fn configured_credentials_replace_the_demo_ones() {
    let mut config = stub_config();
    config.login = "alice".to_owned();
    config.password = "s3cret".to_owned();
    let server = start(config).await;
    let url = format!("{}/v3/backlinks/index", server.url());
    assert_eq!(send(client().get(&url).basic_auth("demo", Some("demo"))).await.status, 401);
    let answer = send(client().get(&url).basic_auth("alice", Some("s3cret"))).await;
    assert_eq!((answer.status, answer.code()), (StatusCode::OK, 20000));
}

#[tokio::test]
async fn unknown_paths_and_ai_variants_are_404() {
    let server = start(stub_config()).await;
    for path in [
        "/v3/backlinks/nope/live",
        "/v3/backlinks/referring_domains/live.ai",
        "/v3/backlinks/referring_domains",
        "/",
    ] {
        let answer = post(&server, path, r#"[{"target": "example.com"}]"#).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.code(), 40400, "{path}");
    }
}

#[tokio::test]
async fn the_wrong_method_is_405() {
    let server = start(stub_config()).await;
    let answer = get(&server, REFERRING_DOMAINS).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.headers["allow"], "POST");
    let answer = post(&server, "/v3/appendix/user_data", "[{}]").await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.headers["allow"], "GET");
}

#[tokio::test]
async fn empty_bodies_are_40502_and_invalid_ones_40503() {
    let server = start(stub_config()).await;
    for (body, code) in [
        ("", 40502),
        ("  \n", 40502),
        ("[]", 40502),
        ("{", 40503),
        (r#"{"target": "example.com"}"#, 40503),
        ("[1]", 40503),
        (r#"[{"target": "a.com"}, "b.com"]"#, 40503),
    ] {
        let answer = post(&server, REFERRING_DOMAINS, body).await;
        assert_eq!(answer.status, StatusCode::OK, "{body:?}");
        let json = answer.json();
        assert_eq!(json["status_code"], code, "{body:?}");
        assert!(json["tasks"].is_null(), "{body:?}");
        assert_eq!(json["tasks_count"], 0, "{body:?}");
    }
    assert!((server.balance() - 100.0).abs() < 1e-9);
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let server = start(stub_config()).await;
    let url = format!("{}/v3/backlinks/index", server.url());
    assert_eq!(get(&server, "/v3/backlinks/index").await.status, StatusCode::OK);
    server.shutdown().await.unwrap();
    let error = client().get(&url).basic_auth("demo", Some("demo")).send().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

#[tokio::test]
async fn bodies_are_gzipped_only_for_clients_that_accept_it() {
    let server = start(stub_config()).await;
    let plain = reqwest::Client::builder().no_gzip().build().unwrap();
    let url = format!("{}/v3/backlinks/index", server.url());
    let answer = send(plain.get(&url).basic_auth("demo", Some("demo"))).await;
    assert!(answer.headers.get("content-encoding").is_none());
    assert_eq!(answer.code(), 20000);

    let request =
        plain.get(&url).basic_auth("demo", Some("demo")).header("accept-encoding", "gzip");
    let answer = send(request).await;
    assert_eq!(answer.headers["content-encoding"], "gzip");
    let mut json = String::new();
    flate2::read::GzDecoder::new(answer.body.as_slice()).read_to_string(&mut json).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["tasks"][0]["result"][0]["total_backlinks"], 7);
}

#[test]
fn the_config_debug_output_hides_the_password() {
    let mut config = stub_config();
    config.password = "hunter2-secret".to_owned();
    let debug = format!("{config:?}");
    assert!(!debug.contains("hunter2-secret"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
}
