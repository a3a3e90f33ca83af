//! Status handling: HTTP statuses, request-level and task-level codes, decoding, request shape.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use linkgap_dataforseo::{Endpoint, Error, ErrorClass};
use serde_json::json;

use crate::support::{
    DomainsRequest, IndexRequest, LOGIN, MockServer, PASSWORD, Scripted, StrictRequest, client, ok,
    request_error, task_error,
};

#[tokio::test]
async fn success_returns_the_first_task_results_and_cost() {
    let server = MockServer::start().await;
    let result = json!([{ "target": "example.com", "total_count": 131, "items_count": 5 }]);
    server.enqueue(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &result, 0.02015));

    let reply = client(&server).execute(&DomainsRequest::new("example.com")).await.unwrap();

    assert_eq!(reply.results, result.as_array().unwrap().clone());
    assert!((reply.cost - 0.02015).abs() < 1e-12);
    assert_eq!(reply.task_id.as_deref(), Some("task-ok-1"));
    assert!(!reply.cached);
}

#[tokio::test]
async fn request_body_is_a_one_element_array_with_basic_auth() {
    let server = MockServer::start().await;
    server.enqueue(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));

    client(&server).execute(&DomainsRequest::new("example.com").limit(5)).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/backlinks/referring_domains/live");
    assert_eq!(request.json(), json!([{ "target": "example.com", "limit": 5 }]));
    assert_eq!(request.headers["content-type"], "application/json");
    let expected = format!("{LOGIN}:{PASSWORD}");
    let authorization = &request.headers["authorization"];
    let encoded = authorization.strip_prefix("Basic ").unwrap();
    let decoded = STANDARD.decode(encoded).unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), expected);
}

#[tokio::test]
async fn get_endpoints_are_sent_without_body() {
    let server = MockServer::start().await;
    let result = json!([{ "total_backlinks": 1, "total_pages": 2 }]);
    server.enqueue(Endpoint::Index, ok(Endpoint::Index, &result, 0.0));

    let reply = client(&server).execute(&IndexRequest).await.unwrap();

    assert_eq!(reply.results.len(), 1);
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v3/backlinks/index");
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn null_result_with_20000_is_a_success_without_data() {
    let server = MockServer::start().await;
    server
        .enqueue(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!(null), 0.02003));

    let reply = client(&server).execute(&DomainsRequest::new("empty.example")).await.unwrap();

    assert!(reply.results.is_empty());
    assert!((reply.cost - 0.02003).abs() < 1e-12);
}

#[tokio::test]
async fn http_401_is_fatal_with_code_40100() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        request_error(401, 40100, "You are not authorized to access this resource.", 0.0),
    );

    let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    assert!(
        matches!(&error, Error::Http { status: 401, code: Some(40100), endpoint: Endpoint::ReferringDomains, message, .. } if message.contains("not authorized")),
        "{error:?}"
    );
    assert!(error.is_fatal());
    assert_eq!(server.request_count(), 1, "fatal errors are not retried");
}

#[tokio::test]
async fn http_402_without_body_maps_to_40200() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, Scripted::raw(402, ""));

    let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    assert_eq!(error.code(), Some(40200));
    assert!(error.is_fatal());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn http_403_with_40104_is_fatal() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        request_error(403, 40104, "Please verify your account before using the API.", 0.0),
    );

    let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    assert!(matches!(error, Error::Http { status: 403, code: Some(40104), .. }), "{error:?}");
    assert!(error.is_fatal());
}

#[tokio::test]
async fn http_404_is_a_client_bug_and_not_retried() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, Scripted::raw(404, "Not Found"));

    let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    assert!(matches!(error, Error::Http { status: 404, code: None, .. }), "{error:?}");
    assert_eq!(error.class(), ErrorClass::ClientBug);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn request_level_error_keeps_code_message_and_cost() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        request_error(200, 40203, "The cost limit has been exceeded.", 0.0),
    );

    let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    let Error::Api { code, message, task_id, endpoint, class, .. } = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(*code, 40203);
    assert_eq!(message, "The cost limit has been exceeded.");
    assert_eq!(*task_id, None);
    assert_eq!(*endpoint, Endpoint::ReferringDomains);
    assert_eq!(*class, ErrorClass::Fatal);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn task_level_error_keeps_task_id_and_cost() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, task_error(40501, "Invalid Field: 'target'.", 0.001));
    let client = client(&server);

    let error = client.execute(&DomainsRequest::new("http//bad")).await.unwrap_err();

    let Error::Api { code, message, task_id, cost, class, .. } = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(*code, 40501);
    assert_eq!(message, "Invalid Field: 'target'.");
    assert_eq!(task_id.as_deref(), Some("task-failed-1"));
    assert!((cost - 0.001).abs() < 1e-12);
    assert_eq!(*class, ErrorClass::ClientBug);
    assert!(error.to_string().contains("task-failed-1"));
    let ledger = client.ledger();
    assert_eq!(ledger.errors, 1);
    assert!((ledger.total_cost - 0.001).abs() < 1e-12, "a failed task's cost is still counted");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_naming_the_endpoint() {
    let server = MockServer::start().await;
    let full = serde_json::to_string(&crate::support::ok_envelope(
        Endpoint::ReferringDomains,
        &json!([{ "total_count": 3 }]),
        0.02,
    ))
    .unwrap();
    server.always(Endpoint::ReferringDomains, Scripted::raw(200, &full[..full.len() / 2]));

    let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    let Error::Decode { endpoint, body_excerpt, .. } = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(*endpoint, Endpoint::ReferringDomains);
    assert!(!body_excerpt.is_empty() && full.starts_with(body_excerpt.as_str()));
    assert!(error.to_string().contains("/v3/backlinks/referring_domains/live"));
    assert_eq!(server.request_count(), 1, "decode errors are not retried");
}

#[tokio::test]
async fn a_result_that_does_not_fit_the_model_names_the_json_path() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::Summary,
        ok(Endpoint::Summary, &json!([{ "total_count": "many" }]), 0.02003),
    );
    let client = client(&server);

    let error = client.execute(&StrictRequest { target: "a.com".into() }).await.unwrap_err();

    let Error::Decode { endpoint, path, .. } = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(*endpoint, Endpoint::Summary);
    assert_eq!(path, "tasks[0].result[0].total_count");
    assert!((client.ledger().total_cost - 0.02003).abs() < 1e-12, "the envelope's cost is counted");
}

#[tokio::test]
async fn an_invalid_request_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);

    let error = client.execute(&DomainsRequest::new("a.com").limit(5000)).await.unwrap_err();

    assert!(
        matches!(&error, Error::InvalidRequest { endpoint: Endpoint::ReferringDomains, source } if source.field == "limit"),
        "{error:?}"
    );
    assert_eq!(error.class(), ErrorClass::ClientBug);
    assert_eq!(server.request_count(), 0);
    assert_eq!(client.ledger().calls, 0);
}

#[tokio::test]
async fn a_body_without_status_code_is_a_decode_error() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, Scripted::raw(200, r#"{"tasks": []}"#));

    let error = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    let Error::Decode { path, body_excerpt, .. } = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(path, "status_code");
    assert_eq!(body_excerpt, r#"{"tasks": []}"#);
}

#[tokio::test]
async fn an_empty_task_list_is_a_success_without_data() {
    let server = MockServer::start().await;
    server.always(
        Endpoint::ReferringDomains,
        Scripted::raw(200, r#"{"status_code": 20000, "cost": 0, "tasks": null}"#),
    );

    let reply = client(&server).execute(&DomainsRequest::new("a.com")).await.unwrap();

    assert!(reply.results.is_empty());
    assert_eq!(reply.task_id, None);
}
