//! Cost control: budget refusals, spend tracking, price tables and dry-run estimates.

use std::time::Duration;

use futures::future::join_all;
use linkgap_dataforseo::{Budget, Endpoint, Error, Estimate, Price, PriceTable};
use serde_json::json;

use crate::support::{DomainsRequest, IndexRequest, MockServer, builder, client, ok};

#[tokio::test]
async fn a_request_over_budget_is_refused_before_sending() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let client = builder(&server).budget(Budget::new(0.01)).build().unwrap();

    let error = client.execute(&DomainsRequest::new("a.com").limit(100)).await.unwrap_err();

    let Error::BudgetExceeded { endpoint, needed, remaining } = &error else {
        panic!("expected a budget refusal, got {error:?}");
    };
    assert_eq!(*endpoint, Endpoint::ReferringDomains);
    assert!((needed - 0.023).abs() < 1e-12, "0.02 + 100 × 0.00003");
    assert!((remaining - 0.01).abs() < 1e-12);
    assert!(error.is_fatal());
    assert_eq!(server.request_count(), 0);
    assert_eq!(client.ledger().calls, 0);
}

#[tokio::test]
async fn the_budget_follows_reported_spend() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02015));
    let budget = Budget::new(0.05);
    let client = builder(&server).budget(budget.clone()).build().unwrap();
    let request = DomainsRequest::new("a.com").limit(5); // worst case 0.02015

    client.execute(&request).await.unwrap();
    client.execute(&request).await.unwrap();
    let third = client.execute(&request).await.unwrap_err();

    assert!(matches!(third, Error::BudgetExceeded { .. }), "{third:?}");
    assert_eq!(server.request_count(), 2);
    assert!((budget.spent() - 0.0403).abs() < 1e-12);
    assert!(budget.reserved().abs() < 1e-12);
    assert!((budget.remaining() - 0.0097).abs() < 1e-12);
}

#[tokio::test]
async fn concurrent_requests_never_overspend() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        ok(Endpoint::ReferringDomains, &json!([]), 0.02).delayed(Duration::from_millis(2)),
    );
    let budget = Budget::new(0.1);
    let client = builder(&server).budget(budget.clone()).max_in_flight(8).build().unwrap();
    let request = DomainsRequest::new("a.com"); // worst case 0.023

    let outcomes = join_all((0..16).map(|_| client.execute(&request))).await;

    let sent = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    assert!(
        outcomes.iter().all(|outcome| matches!(outcome, Ok(_) | Err(Error::BudgetExceeded { .. })))
    );
    // Worst cases are reserved while in flight, so spend can never pass the limit.
    assert!(sent <= 5, "{sent} requests sent");
    assert!(sent >= 1);
    assert_eq!(server.request_count(), sent);
    assert!(budget.spent() <= 0.1 + 1e-12);
    assert!(budget.reserved().abs() < 1e-12);
}

#[tokio::test]
async fn a_price_table_overrides_the_default_formula() {
    let server = MockServer::start().await;
    let prices = PriceTable::default()
        .with_price(Endpoint::ReferringDomains, Price { per_request: 1.0, per_row: 0.0 });
    let client = builder(&server).budget(Budget::new(0.5)).prices(prices).build().unwrap();

    let error = client.execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    assert!(matches!(error, Error::BudgetExceeded { needed, .. } if (needed - 1.0).abs() < 1e-12));
    assert_eq!(server.request_count(), 0);

    client.set_prices(PriceTable::default());
    assert!((client.worst_case_price(&DomainsRequest::new("a.com")) - 0.023).abs() < 1e-12);
}

#[tokio::test]
async fn a_dry_run_sends_nothing() {
    let server = MockServer::start().await;
    let client = client(&server);

    let mut plan = Estimate::default();
    for limit in [1000, 1000, 500] {
        plan.add(&client.estimate(&DomainsRequest::new("a.com").limit(limit)).unwrap());
    }
    plan.add(&client.estimate(&IndexRequest).unwrap());

    assert_eq!(plan.calls, 4);
    // 3 × $0.02 + 2,500 rows × $0.00003; `index` is free.
    assert!((plan.worst_case_usd - 0.135).abs() < 1e-12, "{plan:?}");
    assert_eq!(plan.per_endpoint[&Endpoint::ReferringDomains].0, 3);
    assert_eq!(plan.per_endpoint[&Endpoint::Index].0, 1);
    assert!(plan.per_endpoint[&Endpoint::Index].1.abs() < 1e-12);
    assert!(client.estimate(&DomainsRequest::new("a.com").limit(0)).is_err());
    assert_eq!(server.request_count(), 0);
    assert_eq!(client.ledger().calls, 0);
}
