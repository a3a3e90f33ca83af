//! Balance, verification, `appendix/user_data`, `id_list` and `errors`.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{REFERRING_DOMAINS, get, post, start, stub_config};

fn timestamp(offset: Duration) -> String {
    (Utc::now() + offset).format("%Y-%m-%d %H:%M:%S +00:00").to_string()
}

#[tokio::test]
async fn an_exhausted_balance_answers_402_but_free_endpoints_still_work() {
    let mut config = stub_config();
    config.balance = 0.05;
    let server = start(config).await;
    let body = r#"[{"target": "example.com"}]"#;
    for _ in 0..2 {
        assert_eq!(post(&server, REFERRING_DOMAINS, body).await.code(), 20000);
    }
    // 0.05 - 2 x 0.02015 leaves 0.0097, less than one request.
    let refused = post(&server, REFERRING_DOMAINS, body).await;
    assert_eq!(refused.status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(refused.code(), 40200);
    assert_eq!(refused.json()["cost"], json!(0.0));
    let user_data = get(&server, "/v3/appendix/user_data").await;
    assert_eq!(user_data.status, StatusCode::OK);
    assert_eq!(user_data.task()["result"][0]["money"]["balance"], json!(0.0097));
    assert_eq!(get(&server, "/v3/backlinks/index").await.code(), 20000);
    assert!((server.balance() - 0.0097).abs() < 1e-9);
}

#[tokio::test]
async fn an_unverified_account_gets_403_except_on_user_data() {
    let mut config = stub_config();
    config.verified = false;
    let server = start(config).await;
    let answer = post(&server, REFERRING_DOMAINS, r#"[{"target": "example.com"}]"#).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.code(), 40104);
    assert!(answer.json()["tasks"].is_null());
    let user_data = get(&server, "/v3/appendix/user_data").await;
    assert_eq!((user_data.status, user_data.code()), (StatusCode::OK, 20000));
}

#[tokio::test]
async fn user_data_reports_login_limits_money_and_prices() {
    let mut config = stub_config();
    config.balance = 10.0;
    config.faults.per_minute = 500;
    config.today = Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap());
    let server = start(config).await;
    post(&server, REFERRING_DOMAINS, r#"[{"target": "example.com", "limit": 10}]"#).await;
    let answer = get(&server, "/v3/appendix/user_data").await.json();
    assert_eq!(answer["cost"], json!(0.0));
    let task = &answer["tasks"][0];
    assert_eq!(task["data"], json!({"api": "appendix", "function": "user_data"}));
    assert_eq!(task["path"], json!(["v3", "appendix", "user_data"]));
    let user = &task["result"][0];
    assert_eq!(user["login"], "demo");
    assert_eq!(user["timezone"], "UTC");
    assert_eq!(user["rates"]["limits"]["minute"], 500);
    assert_eq!(user["money"]["total"], json!(10.0));
    assert_eq!(user["money"]["balance"], json!(9.9797));
    assert_eq!(user["backlinks_subscription_expiry_date"], "2026-04-15 00:00:00 +00:00");
    for function in ["summary", "referring_domains", "domain_intersection", "bulk_ranks"] {
        assert_eq!(
            user["price"]["backlinks"][function]["live"]["priority_normal"],
            json!([{"cost_type": "per_request", "cost": 0.02},
                   {"cost_type": "per_result", "cost": 0.00003}]),
            "{function}"
        );
    }
}

/// Runs one successful and one failed task and returns their ids.
async fn two_tasks(server: &linkgap_mock::RunningServer) -> (Value, Value) {
    let ok = post(server, REFERRING_DOMAINS, r#"[{"target": "ok.com", "tag": "first"}]"#).await;
    let failed = post(server, "/v3/backlinks/summary/live", r#"[{"target": "bad"}]"#).await;
    (ok.task()["id"].clone(), failed.task()["id"].clone())
}

#[tokio::test]
async fn id_list_lists_past_tasks_with_metadata_and_sorting() {
    let server = start(stub_config()).await;
    let (ok_id, failed_id) = two_tasks(&server).await;
    let from = timestamp(Duration::hours(-1));
    let to = timestamp(Duration::hours(1));
    let body = format!(
        r#"[{{"datetime_from": "{from}", "datetime_to": "{to}", "include_metadata": true}}]"#
    );
    let answer = post(&server, "/v3/backlinks/id_list", &body).await.json();
    assert_eq!(answer["cost"], json!(0.0));
    let items = answer["tasks"][0]["result"].as_array().unwrap().clone();
    let ids: Vec<&Value> = items.iter().map(|item| &item["id"]).collect();
    assert_eq!(ids, [&ok_id, &failed_id]);
    assert_eq!(items[0]["url"], format!("{}{REFERRING_DOMAINS}", server.url()));
    assert_eq!(items[0]["cost"], json!(0.02015));
    assert_eq!(items[0]["status"], "Ok.");
    assert_eq!(items[0]["metadata"], json!({"target": "ok.com", "tag": "first"}));
    assert_eq!(items[1]["status"], "Invalid Field: 'target'.");
    assert_eq!(answer["tasks"][0]["result_count"], 2);

    let body = format!(
        r#"[{{"datetime_from": "{from}", "datetime_to": "{to}", "sort": "desc", "limit": 1}}]"#
    );
    let items = post(&server, "/v3/backlinks/id_list", &body).await.task()["result"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["id"], failed_id);
    assert!(items[0].get("metadata").is_none());

    let later = timestamp(Duration::hours(2));
    let body = format!(r#"[{{"datetime_from": "{to}", "datetime_to": "{later}"}}]"#);
    let task = post(&server, "/v3/backlinks/id_list", &body).await.task();
    assert_eq!(task["result"], json!([]));
}

#[tokio::test]
async fn id_list_requires_its_datetimes() {
    let server = start(stub_config()).await;
    let task = post(&server, "/v3/backlinks/id_list", r#"[{"limit": 10}]"#).await.task();
    assert_eq!(task["status_code"], 40501);
    assert_eq!(task["status_message"], "Invalid Field: 'datetime_from'.");
}

#[tokio::test]
async fn errors_lists_failed_tasks_and_filters_by_function() {
    let server = start(stub_config()).await;
    let (_, failed_id) = two_tasks(&server).await;
    let answer = post(&server, "/v3/backlinks/errors", "[{}]").await.json();
    assert_eq!(answer["cost"], json!(0.0));
    let items = answer["tasks"][0]["result"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    let error = &items[0];
    assert_eq!(error["id"], failed_id);
    assert_eq!(error["function"], "summary/live");
    assert_eq!(error["error_code"], 40501);
    assert_eq!(error["error_message"], "Invalid Field: 'target'.");
    assert_eq!(error["http_method"], "POST");
    assert_eq!(error["http_url"], format!("{}/v3/backlinks/summary/live", server.url()));

    let filtered = r#"[{"filtered_function": "backlinks/live"}]"#;
    let task = post(&server, "/v3/backlinks/errors", filtered).await.task();
    assert_eq!(task["result"], json!([]));
    let filtered = r#"[{"filtered_function": "summary/live"}]"#;
    let task = post(&server, "/v3/backlinks/errors", filtered).await.task();
    assert_eq!(task["result"].as_array().unwrap().len(), 1);
}
