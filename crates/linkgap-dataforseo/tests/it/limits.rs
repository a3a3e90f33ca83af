//! Throughput: the in-flight cap holds under load and is shared by clones.

use std::time::Duration;

use futures::future::join_all;
use linkgap_dataforseo::{Client, Endpoint, Error, MAX_IN_FLIGHT};
use serde_json::json;

use crate::support::{DomainsRequest, LOGIN, MockServer, PASSWORD, builder, ok};

#[tokio::test]
async fn in_flight_cap_is_never_exceeded() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        ok(Endpoint::ReferringDomains, &json!([]), 0.02).delayed(Duration::from_millis(5)),
    );
    let client = builder(&server).max_in_flight(3).build().unwrap();
    let request = DomainsRequest::new("a.com");

    let replies = join_all((0..24).map(|_| client.execute(&request))).await;

    assert!(replies.iter().all(Result::is_ok));
    assert_eq!(server.request_count(), 24);
    assert!(server.max_in_flight() <= 3, "saw {} in flight", server.max_in_flight());
    assert!(server.max_in_flight() >= 1);
}

#[tokio::test]
async fn clones_share_one_cap_and_one_ledger() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        ok(Endpoint::ReferringDomains, &json!([]), 0.02).delayed(Duration::from_millis(5)),
    );
    let client = builder(&server).max_in_flight(2).build().unwrap();
    let request = DomainsRequest::new("a.com");

    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let client = client.clone();
            let request = request.clone();
            tokio::spawn(async move { client.execute(&request).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    assert!(server.max_in_flight() <= 2, "saw {} in flight", server.max_in_flight());
    assert_eq!(client.ledger().calls, 12);
    assert!((client.ledger().total_cost - 0.24).abs() < 1e-9);
}

#[test]
fn limits_above_the_api_caps_are_rejected() {
    let builder = || Client::builder().credentials(LOGIN, PASSWORD);
    assert!(builder().max_in_flight(MAX_IN_FLIGHT).build().is_ok());
    assert!(matches!(
        builder().max_in_flight(MAX_IN_FLIGHT + 1).build(),
        Err(Error::Config { .. })
    ));
    assert!(matches!(builder().requests_per_minute(2_001).build(), Err(Error::Config { .. })));
    assert!(matches!(builder().requests_per_minute(0).build(), Err(Error::Config { .. })));
}

#[test]
fn client_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Client>();
}
