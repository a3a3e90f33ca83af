//! Paging streams against a loopback server that simulates offset and token paging.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use futures::{Stream, TryStreamExt};
use linkgap_dataforseo::{
    AnchorsRequest, BacklinksRequest, BulkBacklinksRequest, BulkNewLostBacklinksRequest,
    BulkNewLostReferringDomainsRequest, BulkPagesSummaryRequest, BulkRanksRequest,
    BulkReferringDomainsRequest, BulkSpamScoreRequest, Client, CompetitorsRequest,
    DomainIntersectionRequest, DomainPagesRequest, DomainPagesSummaryRequest, Endpoint, Error,
    ErrorsRequest, HistoryRequest, IdListRequest, Method as HttpMethod, Page,
    PageIntersectionRequest, PageOptions, ReferringDomainsItem, ReferringDomainsRequest,
    ReferringNetworksRequest, SummaryRequest, TimeseriesNewLostSummaryRequest,
    TimeseriesSummaryRequest, collect_pages, parse_timestamp,
};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::support::{LOGIN, PASSWORD, fast_retries, ok_envelope};

/// What the simulator answers for one task: `result[0]` and the cost, or a whole envelope.
pub(crate) enum Answer {
    /// A successful task with this `result[0]` (`null` for no result), charged this much.
    Result(Value, f64),
    /// A complete response body.
    Envelope(Value),
}

type Responder = dyn Fn(Endpoint, &Value) -> Answer + Send + Sync;

struct SimState {
    responder: Box<Responder>,
    tasks: Mutex<Vec<Value>>,
    calls: Mutex<Vec<(String, Endpoint)>>,
}

/// A loopback server that computes every answer from the request (unlike the scripted mock).
pub(crate) struct Simulator {
    url: String,
    state: Arc<SimState>,
    task: JoinHandle<()>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Simulator {
    pub(crate) async fn start(
        responder: impl Fn(Endpoint, &Value) -> Answer + Send + Sync + 'static,
    ) -> Simulator {
        let state = Arc::new(SimState {
            responder: Box::new(responder),
            tasks: Mutex::new(Vec::new()),
            calls: Mutex::new(Vec::new()),
        });
        let listener =
            tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let url =
            format!("http://{}", listener.local_addr().expect("a bound socket has an address"));
        let app = Router::new().fallback(simulate).with_state(Arc::clone(&state));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the simulator runs");
        });
        Simulator { url, state, task }
    }

    pub(crate) fn client(&self) -> Client {
        Client::builder()
            .credentials(LOGIN, PASSWORD)
            .base_url(self.url.clone())
            .retry_policy(fast_retries())
            .build()
            .expect("a valid test client")
    }

    /// The HTTP method and endpoint of every request received, in order of arrival.
    pub(crate) fn calls(&self) -> Vec<(String, Endpoint)> {
        self.state.calls.lock().expect("lock").clone()
    }

    /// The task object of every request received, in order of arrival.
    pub(crate) fn tasks(&self) -> Vec<Value> {
        self.state.tasks.lock().expect("lock").clone()
    }
}

async fn simulate(
    State(state): State<Arc<SimState>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::from_path(uri.path()).expect("a known endpoint path");
    state.calls.lock().expect("lock").push((method.to_string(), endpoint));
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let task = body.get(0).cloned().unwrap_or(Value::Null);
    state.tasks.lock().expect("lock").push(task.clone());
    let envelope = match (state.responder)(endpoint, &task) {
        Answer::Result(Value::Null, cost) => ok_envelope(endpoint, &Value::Null, cost),
        Answer::Result(result, cost) => ok_envelope(endpoint, &json!([result]), cost),
        Answer::Envelope(envelope) => envelope,
    };
    ([("content-type", "application/json")], envelope.to_string()).into_response()
}

/// The documented price: $0.02 per call plus $0.00003 per row.
pub(crate) fn price(rows: usize) -> f64 {
    0.02 + 0.000_03 * rows as f64
}

fn field(task: &Value, name: &str) -> Option<u64> {
    task.get(name).and_then(Value::as_u64)
}

/// A page of referring domains `offset..offset+limit` out of `total`.
fn domains_page(task: &Value, total: u64) -> Answer {
    let offset = field(task, "offset").unwrap_or(0);
    let limit = field(task, "limit").unwrap_or(100);
    let end = total.min(offset + limit);
    let items: Vec<Value> = (offset..end)
        .map(|n| json!({"type": "backlinks_referring_domain", "domain": format!("d{n}.com")}))
        .collect();
    let count = items.len();
    Answer::Result(
        json!({"target": "example.com", "total_count": total, "items_count": count, "items": items}),
        price(count),
    )
}

fn domains(items: &[ReferringDomainsItem]) -> Vec<String> {
    items.iter().map(|item| item.domain.clone().unwrap_or_default()).collect()
}

#[tokio::test]
async fn offset_paging_walks_every_page_and_reports_each_cost() {
    let server = Simulator::start(|_, task| domains_page(task, 2500)).await;
    let client = server.client();
    let stream = client
        .backlinks()
        .referring_domains_stream(ReferringDomainsRequest::new("example.com"), PageOptions::new());
    let pages: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(
        pages.iter().map(|page| page.offset).collect::<Vec<_>>(),
        [Some(0), Some(1000), Some(2000)]
    );
    assert_eq!(pages.iter().map(|page| page.items.len()).collect::<Vec<_>>(), [1000, 1000, 500]);
    assert!((pages[2].cost - price(500)).abs() < 1e-9);
    let tasks = server.tasks();
    assert_eq!(tasks.iter().map(|task| field(task, "limit")).collect::<Vec<_>>(), [Some(1000); 3]);
    let all: Vec<_> = pages.into_iter().flat_map(|page| page.items).collect();
    assert_eq!(domains(&all), (0..2500).map(|n| format!("d{n}.com")).collect::<Vec<_>>());
}

/// A stream whose client is local to the function that returns it: this compiles only because
/// the `*_stream` methods capture neither the handler nor the client borrow (`use<>`).
fn referring_domains_of_a_client_built_here(
    url: &str,
) -> impl Stream<Item = Result<Page<ReferringDomainsItem>, Error>> + Send + 'static {
    let client = Client::builder()
        .credentials(LOGIN, PASSWORD)
        .base_url(url)
        .retry_policy(fast_retries())
        .build()
        .expect("a valid test client");
    client
        .backlinks()
        .referring_domains_stream(ReferringDomainsRequest::new("example.com"), PageOptions::new())
}

#[tokio::test]
async fn streams_outlive_the_handler_and_the_client_that_made_them() {
    let server = Simulator::start(|_, task| domains_page(task, 1200)).await;
    let client = server.client();
    let request = || ReferringDomainsRequest::new("example.com");
    // Two streams from temporary handlers, held while the client is used and then moved away.
    let first = client.backlinks().referring_domains_stream(request(), PageOptions::new());
    let second = client.backlinks().referring_domains_stream(request(), PageOptions::new());
    assert_eq!(client.ledger().calls, 0, "streams are lazy");
    let moved = client;
    drop(moved);
    let third = referring_domains_of_a_client_built_here(&server.url);
    let (first, second, third) =
        tokio::join!(collect_pages(first), collect_pages(second), collect_pages(third));
    let pages: Vec<usize> =
        [first, second, third].into_iter().map(|collected| collected.unwrap().pages).collect();
    assert_eq!(pages, [2, 2, 2]);
    assert_eq!(server.tasks().len(), 6);
}

#[tokio::test]
async fn collect_pages_sums_items_and_cost() {
    let server = Simulator::start(|_, task| domains_page(task, 1200)).await;
    let client = server.client();
    let collected =
        collect_pages(client.backlinks().referring_domains_stream(
            ReferringDomainsRequest::new("example.com"),
            PageOptions::new(),
        ))
        .await
        .unwrap();
    assert_eq!(collected.items.len(), 1200);
    assert_eq!(collected.pages, 2);
    assert_eq!(collected.total_count, Some(1200));
    assert!((collected.cost - (price(1000) + price(200))).abs() < 1e-9);
}

/// `backlinks/live` rows `0..total`: offsets above 20,000 are refused as the API does; tokens
/// (`"pos:N"`) continue anywhere.
fn backlinks_page(task: &Value, total: u64) -> Answer {
    let limit = field(task, "limit").unwrap_or(100);
    let start =
        match (field(task, "offset"), task.get("search_after_token").and_then(Value::as_str)) {
            (Some(_), Some(_)) => return Answer::Envelope(invalid_field("offset")),
            (Some(offset), None) if offset > 20_000 => {
                return Answer::Envelope(invalid_field("offset"));
            }
            (offset, None) => offset.unwrap_or(0),
            (None, Some(token)) => token
                .strip_prefix("pos:")
                .and_then(|pos| pos.parse().ok())
                .expect("a token we issued"),
        };
    let end = total.min(start + limit);
    let items: Vec<Value> = (start..end)
        .map(|n| json!({"type": "backlink", "url_from": format!("https://s{n}.org/")}))
        .collect();
    let count = items.len();
    Answer::Result(
        json!({"target": "example.com", "mode": "as_is", "total_count": total, "items_count": count,
               "items": items, "search_after_token": format!("pos:{end}")}),
        price(count),
    )
}

fn invalid_field(name: &str) -> Value {
    json!({"version": "0.1", "status_code": 20000, "status_message": "Ok.", "time": "0 sec.", "cost": 0,
           "tasks_count": 1, "tasks_error": 1,
           "tasks": [{"id": "t", "status_code": 40501, "status_message": format!("Invalid Field: '{name}'."),
                      "time": "0 sec.", "cost": 0, "result_count": 0, "result": null}]})
}

#[tokio::test]
async fn backlinks_switch_to_search_after_token_past_20000_rows() {
    let server = Simulator::start(|_, task| backlinks_page(task, 23_500)).await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .backlinks_stream(BacklinksRequest::new("example.com"), PageOptions::new())
        .try_collect()
        .await
        .unwrap();
    let urls: Vec<String> = pages
        .iter()
        .flat_map(|page| &page.items)
        .map(|item| item.url_from.clone().unwrap())
        .collect();
    assert_eq!(urls.len(), 23_500);
    assert_eq!(urls, (0..23_500).map(|n| format!("https://s{n}.org/")).collect::<Vec<_>>());
    let tasks = server.tasks();
    assert_eq!(tasks.len(), 24);
    let offsets: Vec<Option<u64>> = tasks.iter().map(|task| field(task, "offset")).collect();
    assert_eq!(offsets[..21], (0..=20).map(|n| Some(n * 1000)).collect::<Vec<_>>()[..]);
    for task in &tasks[21..] {
        assert_eq!(task.get("offset"), None, "a token request carries no offset");
        assert!(task["search_after_token"].as_str().unwrap().starts_with("pos:"));
        assert_eq!(task["target"], "example.com", "the rest of the request is identical");
    }
    assert_eq!(pages[21].offset, None);
}

#[tokio::test]
async fn a_missing_token_past_the_cap_ends_the_stream() {
    let server = Simulator::start(|_, task| {
        let Answer::Result(mut result, cost) = backlinks_page(task, 50_000) else { unreachable!() };
        result["search_after_token"] = Value::Null;
        Answer::Result(result, cost)
    })
    .await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .backlinks_stream(BacklinksRequest::new("example.com"), PageOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 21, "offset pages up to 20,000, then no token to go on");
    assert_eq!(server.tasks().len(), 21);
}

#[tokio::test]
async fn a_short_page_stops_even_when_total_count_says_more() {
    let server = Simulator::start(|_, task| {
        let Answer::Result(mut result, cost) = domains_page(task, 300) else { unreachable!() };
        result["total_count"] = json!(5000);
        Answer::Result(result, cost)
    })
    .await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .referring_domains_stream(ReferringDomainsRequest::new("example.com"), PageOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].items.len(), 300);
    assert_eq!(server.tasks().len(), 1);
}

#[tokio::test]
async fn an_empty_or_null_page_stops() {
    let server = Simulator::start(|_, _| {
        Answer::Result(
            json!({"target": "example.com", "total_count": 10, "items_count": 0, "items": null}),
            price(0),
        )
    })
    .await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .referring_domains_stream(
            ReferringDomainsRequest::new("example.com"),
            PageOptions::new().page_size(5),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].items.is_empty());
    assert!((pages[0].cost - 0.02).abs() < 1e-9, "the empty page's cost is still reported");

    let no_result = Simulator::start(|_, _| Answer::Result(Value::Null, 0.02003)).await;
    let pages: Vec<_> = no_result
        .client()
        .backlinks()
        .referring_domains_stream(ReferringDomainsRequest::new("example.com"), PageOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].total_count, None);
}

#[tokio::test]
async fn the_item_cap_cuts_the_last_page_and_asks_for_no_more_rows() {
    let server = Simulator::start(|_, task| domains_page(task, 10_000)).await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .referring_domains_stream(
            ReferringDomainsRequest::new("example.com"),
            PageOptions::new().max_items(1500),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|page| page.items.len()).sum::<usize>(), 1500);
    let limits: Vec<_> = server.tasks().iter().map(|task| field(task, "limit")).collect();
    assert_eq!(limits, [Some(1000), Some(500)]);
}

#[tokio::test]
async fn the_cost_cap_stops_before_the_next_page() {
    let server = Simulator::start(|_, task| domains_page(task, 10_000)).await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .referring_domains_stream(
            ReferringDomainsRequest::new("example.com"),
            PageOptions::new().max_cost(0.1),
        )
        .try_collect()
        .await
        .unwrap();
    // Each page of 1000 costs $0.05: after two pages $0.10 is spent and no third is sent.
    assert_eq!(pages.len(), 2);
    assert_eq!(server.tasks().len(), 2);
}

#[tokio::test]
async fn a_growing_total_count_is_followed_to_the_new_end() {
    let calls = AtomicUsize::new(0);
    let server = Simulator::start(move |_, task| {
        let total = if calls.fetch_add(1, Ordering::SeqCst) == 0 { 2000 } else { 2600 };
        domains_page(task, total)
    })
    .await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .referring_domains_stream(ReferringDomainsRequest::new("example.com"), PageOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|page| page.total_count).collect::<Vec<_>>(),
        [Some(2000), Some(2600), Some(2600)]
    );
    assert_eq!(pages.iter().map(|page| page.items.len()).sum::<usize>(), 2600);
}

#[tokio::test]
async fn a_shrinking_total_count_stops_early_without_error() {
    let calls = AtomicUsize::new(0);
    let server = Simulator::start(move |_, task| {
        let total = if calls.fetch_add(1, Ordering::SeqCst) == 0 { 5000 } else { 1000 };
        domains_page(task, total)
    })
    .await;
    let client = server.client();
    let pages: Vec<_> = client
        .backlinks()
        .referring_domains_stream(ReferringDomainsRequest::new("example.com"), PageOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2, "the second page comes back empty and ends the walk");
    assert_eq!(pages[1].items.len(), 0);
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    let server = Simulator::start(|_, task| {
        if field(task, "offset") == Some(1000) {
            return Answer::Envelope(invalid_field("target"));
        }
        domains_page(task, 5000)
    })
    .await;
    let client = server.client();
    let results: Vec<Result<_, Error>> =
        futures::StreamExt::collect(client.backlinks().referring_domains_stream(
            ReferringDomainsRequest::new("example.com"),
            PageOptions::new(),
        ))
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(results[1].as_ref().unwrap_err().code(), Some(40501));
}

#[tokio::test]
async fn list_endpoints_page_until_a_short_page() {
    let server = Simulator::start(|endpoint, task| {
        assert_eq!(endpoint, Endpoint::Errors);
        let offset = field(task, "offset").unwrap_or(0);
        let end = 2300.min(offset + field(task, "limit").unwrap_or(1000));
        let items: Vec<Value> = (offset..end)
            .map(|n| json!({"id": format!("task-{n}"), "error_code": 40501}))
            .collect();
        Answer::Envelope(crate::support::ok_envelope(Endpoint::Errors, &json!(items), 0.0))
    })
    .await;
    let client = server.client();
    let collected =
        collect_pages(client.backlinks().errors_stream(ErrorsRequest::new(), PageOptions::new()))
            .await
            .unwrap();
    assert_eq!(collected.items.len(), 2300);
    assert_eq!(collected.pages, 3);
    assert_eq!(collected.items[2299].id.as_deref(), Some("task-2299"));
    let offsets: Vec<_> = server.tasks().iter().map(|task| field(task, "offset")).collect();
    assert_eq!(offsets, [Some(0), Some(1000), Some(2000)]);
}

#[tokio::test]
async fn every_handler_method_calls_its_own_endpoint() {
    let server = Simulator::start(|_, _| Answer::Result(Value::Null, 0.0)).await;
    let client = server.client();
    let api = client.backlinks();
    let now = parse_timestamp("2024-03-26 02:46:50 +00:00").unwrap();
    assert!(api.summary(&SummaryRequest::new("a.com")).await.unwrap().results.is_empty());
    api.history(&HistoryRequest::new("a.com")).await.unwrap();
    api.backlinks(&BacklinksRequest::new("a.com")).await.unwrap();
    api.anchors(&AnchorsRequest::new("a.com")).await.unwrap();
    api.domain_pages(&DomainPagesRequest::new("a.com")).await.unwrap();
    api.domain_pages_summary(&DomainPagesSummaryRequest::new("a.com")).await.unwrap();
    api.referring_domains(&ReferringDomainsRequest::new("a.com")).await.unwrap();
    api.referring_networks(&ReferringNetworksRequest::new("a.com")).await.unwrap();
    api.competitors(&CompetitorsRequest::new("a.com")).await.unwrap();
    api.domain_intersection(&DomainIntersectionRequest::new(["a.com"])).await.unwrap();
    api.page_intersection(&PageIntersectionRequest::new(["a.com"])).await.unwrap();
    api.timeseries_summary(&TimeseriesSummaryRequest::new("a.com")).await.unwrap();
    api.timeseries_new_lost_summary(&TimeseriesNewLostSummaryRequest::new("a.com")).await.unwrap();
    api.bulk_ranks(&BulkRanksRequest::new(["a.com"])).await.unwrap();
    api.bulk_backlinks(&BulkBacklinksRequest::new(["a.com"])).await.unwrap();
    api.bulk_spam_score(&BulkSpamScoreRequest::new(["a.com"])).await.unwrap();
    api.bulk_referring_domains(&BulkReferringDomainsRequest::new(["a.com"])).await.unwrap();
    api.bulk_new_lost_backlinks(&BulkNewLostBacklinksRequest::new(["a.com"])).await.unwrap();
    api.bulk_new_lost_referring_domains(&BulkNewLostReferringDomainsRequest::new(["a.com"]))
        .await
        .unwrap();
    api.bulk_pages_summary(&BulkPagesSummaryRequest::new(["a.com"])).await.unwrap();
    api.index().await.unwrap();
    api.available_filters().await.unwrap();
    api.id_list(&IdListRequest::new(now, now)).await.unwrap();
    api.errors(&ErrorsRequest::new()).await.unwrap();
    client.appendix().user_data().await.unwrap();

    let calls = server.calls();
    assert_eq!(calls.iter().map(|(_, endpoint)| *endpoint).collect::<Vec<_>>(), Endpoint::ALL);
    for (method, endpoint) in calls {
        let expected = if endpoint.method() == HttpMethod::Get { "GET" } else { "POST" };
        assert_eq!(method, expected, "{endpoint}");
    }
    for task in server.tasks().iter().filter(|task| !task.is_null()) {
        assert!(task.is_object(), "each POST body is a one-element array of one task object");
    }
}
