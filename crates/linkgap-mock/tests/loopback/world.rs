//! The server over a real engine and a tiny world: wiring, costs and engine errors.

use std::path::Path;

use linkgap_mock::{MockConfig, RunningServer};
use linkgap_world::{Compression, World};
use serde_json::json;

use crate::support::{REFERRING_DOMAINS, get, post, start};

const WORLD: &str = r#"{"domain_from":"blog.alpha.org","url_from":"https://blog.alpha.org/a","domain_to":"target.com","url_to":"https://target.com/","first_seen":"2026-01-05 10:00:00 +00:00","last_seen":"2026-03-01 10:00:00 +00:00"}
{"domain_from":"www.beta.net","url_from":"https://www.beta.net/b","domain_to":"target.com","url_to":"https://target.com/x","dofollow":false,"first_seen":"2026-02-05 10:00:00 +00:00","last_seen":"2026-03-01 10:00:00 +00:00"}
{"domain_from":"gamma.co.uk","url_from":"https://gamma.co.uk/c","domain_to":"target.com","url_to":"https://target.com/","first_seen":"2026-02-15 10:00:00 +00:00","last_seen":"2026-03-01 10:00:00 +00:00"}
{"domain_from":"gamma.co.uk","url_from":"https://gamma.co.uk/d","domain_to":"rival.com","url_to":"https://rival.com/","first_seen":"2026-02-15 10:00:00 +00:00","last_seen":"2026-03-01 10:00:00 +00:00"}
"#;

async fn world_server() -> RunningServer {
    let backlinks =
        World::parse_backlinks(WORLD.as_bytes(), Compression::None, Path::new("inline"))
            .expect("the test world parses");
    start(MockConfig::new(World { backlinks, domains: Vec::new() })).await
}

#[tokio::test]
async fn referring_domains_come_from_the_world_and_cost_per_item() {
    let server = world_server().await;
    let answer =
        post(&server, REFERRING_DOMAINS, r#"[{"target": "target.com", "tag": "t"}]"#).await.json();
    let task = &answer["tasks"][0];
    assert_eq!(task["status_code"], 20000, "{task}");
    assert_eq!(task["data"]["tag"], "t");
    let result = &task["result"][0];
    let items = result["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{result}");
    assert_eq!(result["items_count"], 3);
    let expected_cost = json!((2000.0 + 3.0 * items.len() as f64) / 100_000.0);
    assert_eq!(task["cost"], expected_cost);
    assert_eq!(answer["cost"], expected_cost);
}

#[tokio::test]
async fn engine_validation_errors_are_task_errors() {
    let server = world_server().await;
    let task = post(&server, REFERRING_DOMAINS, r#"[{"target": "target.com", "limit": 5000}]"#)
        .await
        .task();
    assert_eq!(task["status_code"], 40501);
    assert_eq!(task["status_message"], "Invalid Field: 'limit'.");
    assert_eq!(task["cost"], json!(0.0));
}

#[tokio::test]
async fn index_and_available_filters_are_free() {
    let server = world_server().await;
    for path in ["/v3/backlinks/index", "/v3/backlinks/available_filters"] {
        let answer = get(&server, path).await.json();
        assert_eq!(answer["tasks"][0]["status_code"], 20000, "{path}");
        assert_eq!(answer["cost"], json!(0.0), "{path}");
        assert_eq!(answer["tasks"][0]["result_count"], 1, "{path}");
    }
}
