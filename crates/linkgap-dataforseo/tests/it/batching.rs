//! Bulk helpers: splitting any number of targets into calls the API accepts, and merging by target.

use std::collections::BTreeSet;

use linkgap_dataforseo::{BulkPagesSummaryRequest, BulkRanksRequest, Endpoint, Error};
use serde_json::{Value, json};

use crate::paging::{Answer, Simulator, price};

fn targets_of(task: &Value) -> Vec<String> {
    let targets = task["targets"].as_array().expect("bulk tasks carry `targets`");
    targets.iter().map(|target| target.as_str().expect("targets are strings").to_owned()).collect()
}

/// Host of a target as the API groups them (scheme and `www.` dropped).
fn host(target: &str) -> String {
    let rest = target.split("://").nth(1).unwrap_or(target);
    let host = rest.split('/').next().unwrap_or(rest);
    host.trim_start_matches("www.").to_owned()
}

#[tokio::test]
async fn twenty_five_hundred_targets_go_out_as_three_calls_and_merge_by_target() {
    let server = Simulator::start(|endpoint, task| {
        assert_eq!(endpoint, Endpoint::BulkRanks);
        let targets = targets_of(task);
        let items: Vec<Value> =
            targets.iter().map(|target| json!({"target": target, "rank": target.len()})).collect();
        Answer::Result(json!({"items_count": items.len(), "items": items}), price(targets.len()))
    })
    .await;
    let client = server.client();
    let targets: Vec<String> = (0..2500).map(|n| format!("site{n}.com")).collect();
    let reply =
        client.backlinks().bulk_ranks_all(&BulkRanksRequest::new(targets.clone())).await.unwrap();
    assert_eq!(reply.calls, 3);
    assert_eq!(reply.items.len(), 2500);
    assert!(reply.missing.is_empty());
    assert_eq!(reply.items["site1234.com"].rank, Some(12));
    assert!((reply.cost - (2.0 * price(1000) + price(500))).abs() < 1e-9);
    let mut sizes: Vec<usize> = server.tasks().iter().map(|task| targets_of(task).len()).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [500, 1000, 1000]);
    let sent: BTreeSet<String> = server.tasks().iter().flat_map(targets_of).collect();
    assert_eq!(sent, targets.into_iter().collect::<BTreeSet<_>>());
}

#[tokio::test]
async fn targets_without_an_item_are_reported_missing() {
    let server = Simulator::start(|_, task| {
        let items: Vec<Value> = targets_of(task)
            .into_iter()
            .filter(|target| !target.starts_with("gone"))
            .map(|target| json!({"target": target, "rank": 1}))
            .collect();
        Answer::Result(json!({"items_count": items.len(), "items": items}), price(1))
    })
    .await;
    let client = server.client();
    let request = BulkRanksRequest::new(["a.com", "gone.com", "b.com", "a.com"]);
    let reply = client.backlinks().bulk_ranks_all(&request).await.unwrap();
    assert_eq!(reply.items.keys().collect::<Vec<_>>(), ["a.com", "b.com"]);
    assert_eq!(reply.missing, ["gone.com"]);
    assert_eq!(
        targets_of(&server.tasks()[0]),
        ["a.com", "gone.com", "b.com"],
        "duplicates are sent once"
    );
}

#[tokio::test]
async fn bulk_pages_summary_groups_by_domain_at_most_100_per_call() {
    let server = Simulator::start(|endpoint, task| {
        assert_eq!(endpoint, Endpoint::BulkPagesSummary);
        let targets = targets_of(task);
        let hosts: BTreeSet<String> = targets.iter().map(|target| host(target)).collect();
        assert!(hosts.len() <= 100, "a call carried {} domains", hosts.len());
        assert!(targets.len() <= 1000);
        let items: Vec<Value> = targets
            .iter()
            .map(|target| json!({"type": "backlinks_page_summary", "url": target, "backlinks": 7}))
            .collect();
        Answer::Result(
            json!({"total_count": items.len(), "items_count": items.len(), "items": items}),
            price(targets.len()),
        )
    })
    .await;
    let client = server.client();
    let targets: Vec<String> = (0..250)
        .flat_map(|site| (0..3).map(move |page| format!("https://www.site{site}.com/p{page}")))
        .collect();
    let reply = client
        .backlinks()
        .bulk_pages_summary_all(&BulkPagesSummaryRequest::new(targets.clone()))
        .await
        .unwrap();
    assert_eq!(reply.calls, 3);
    assert_eq!(reply.items.len(), 750);
    assert_eq!(reply.items["https://www.site7.com/p2"].backlinks, Some(7));
    for task in server.tasks() {
        // Every page of one site travels in the same call.
        let hosts: BTreeSet<String> = targets_of(&task).iter().map(|target| host(target)).collect();
        assert_eq!(targets_of(&task).len(), hosts.len() * 3);
    }
}

#[tokio::test]
async fn a_single_call_over_the_limit_is_refused_before_sending() {
    let server = Simulator::start(|_, _| Answer::Result(Value::Null, 0.0)).await;
    let client = server.client();
    let request = BulkRanksRequest::new((0..1001).map(|n| format!("s{n}.com")));
    let error = client.backlinks().bulk_ranks(&request).await.unwrap_err();
    let Error::InvalidRequest { source, .. } = error else {
        panic!("expected an invalid request, got {error}")
    };
    assert_eq!(source.field, "targets");
    assert!(server.tasks().is_empty());
}
