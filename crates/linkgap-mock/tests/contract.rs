//! Contract suite: the API crate's client against the mock over loopback, every endpoint, with
//! the numbers checked against plain loops over the same world rows (or, with `LINKGAP_LIVE=1`,
//! against the real service or the sandbox with shape and consistency checks only).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use chrono::{Months, NaiveDate, Utc};
use futures::TryStreamExt;
use linkgap_dataforseo::{
    AnchorsRequest, BacklinksRequest, Budget, BulkBacklinksRequest, BulkNewLostBacklinksRequest,
    BulkNewLostReferringDomainsRequest, BulkPagesSummaryRequest, BulkRanksRequest,
    BulkReferringDomainsRequest, BulkSpamScoreRequest, Client, CompetitorsRequest,
    DomainIntersectionRequest, DomainPagesRequest, DomainPagesSummaryRequest, Endpoint, Error,
    ErrorsRequest, Filter, FilterFields, HistoryRequest, IdListRequest, Mode, NetworkAddressType,
    OrderBy, PageIntersectionRequest, PageOptions, ReferringDomainsRequest,
    ReferringNetworksRequest, RetryPolicy, SANDBOX_URL, SummaryRequest,
    TimeseriesNewLostSummaryRequest, TimeseriesSummaryRequest, collect_pages,
};
use linkgap_mock::{MockConfig, MockServer, RunningServer};
use linkgap_world::{
    Compression, GenConfig, World, WorldBacklink, demo_truth, demo_world, generate,
};
use serde_json::{Value, json};

// ----- the world, computed independently of the engine -----

/// Multi-level public suffixes and hosted-blog platforms the generator uses: under them the
/// registrable domain has three labels.
const THREE_LABEL_SUFFIXES: [&str; 9] = [
    "co.uk",
    "org.uk",
    "com.au",
    "co.nz",
    "blogspot.com",
    "wixsite.com",
    "github.io",
    "netlify.app",
    "pages.dev",
];

const TARGET: &str = "trailpeak.com";

static DEMO: LazyLock<World> = LazyLock::new(demo_world);

fn competitors() -> Vec<String> {
    demo_truth().competitors
}

fn main_domain(host: &str) -> String {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n <= 2 {
        return host.to_owned();
    }
    let last_two = labels[n - 2..].join(".");
    let keep = if THREE_LABEL_SUFFIXES.contains(&last_two.as_str()) { 3 } else { 2 };
    labels[n.saturating_sub(keep)..].join(".")
}

fn within(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// Live rows to `domain` or its subdomains, internal links excluded (the default scope).
fn live_rows<'w>(world: &'w World, domain: &str) -> Vec<&'w WorldBacklink> {
    world
        .backlinks
        .iter()
        .filter(|link| {
            !link.is_lost && within(&link.domain_to, domain) && !within(&link.domain_from, domain)
        })
        .collect()
}

/// Rows to `domain` or its subdomains under any status, internal links excluded.
fn all_rows<'w>(world: &'w World, domain: &str) -> Vec<&'w WorldBacklink> {
    world
        .backlinks
        .iter()
        .filter(|link| within(&link.domain_to, domain) && !within(&link.domain_from, domain))
        .collect()
}

fn count_by<'w>(
    rows: &[&'w WorldBacklink],
    key: impl Fn(&'w WorldBacklink) -> String,
) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for row in rows {
        *counts.entry(key(row)).or_insert(0) += 1;
    }
    counts
}

fn distinct<'w>(rows: &[&'w WorldBacklink], key: impl Fn(&'w WorldBacklink) -> String) -> usize {
    rows.iter().map(|row| key(row)).collect::<BTreeSet<_>>().len()
}

/// The latest date in the world (the mock's "today").
fn world_today(world: &World) -> NaiveDate {
    world
        .backlinks
        .iter()
        .flat_map(|link| [link.first_seen_at(), link.last_seen_at()])
        .flatten()
        .max()
        .expect("the world has dates")
        .date_naive()
}

/// `$0.02 + $0.00003 × items`: the price of one live call (reference §9).
fn formula(items: usize) -> f64 {
    0.02 + 0.000_03 * items as f64
}

fn assert_usd(actual: f64, expected: f64, what: &str) {
    assert!((actual - expected).abs() < 1e-9, "{what}: cost {actual} but expected {expected}");
}

// ----- harness: loopback, or live when asked for explicitly -----

/// Where the suite runs.
struct Harness {
    client: Client,
    /// The loopback server and its world; `None` in live mode.
    loopback: Option<(RunningServer, World)>,
    mode: String,
    /// Our site (the demo target on loopback).
    target: String,
    /// Its competitors (the demo competitors on loopback).
    competitors: Vec<String>,
}

impl Harness {
    fn world(&self) -> Option<&World> {
        self.loopback.as_ref().map(|(_, world)| world)
    }

    /// On loopback, `cost` is the §9 formula for `items`; live prices are only checked for sign
    /// (the sandbox charges nothing, and real prices may change).
    fn assert_price(&self, cost: f64, items: usize, what: &str) {
        if self.world().is_some() {
            assert_usd(cost, formula(items), what);
        } else {
            assert!(cost >= 0.0, "{what}: negative cost {cost}");
        }
    }

    fn server(&self) -> Option<&RunningServer> {
        self.loopback.as_ref().map(|(server, _)| server)
    }
}

/// `(login, password, base URL)` when `LINKGAP_LIVE=1` and both credentials are set.
#[expect(
    clippy::disallowed_methods,
    reason = "the live mode of the contract suite is opted into from the environment"
)]
fn live_settings() -> Option<(String, String, String)> {
    if std::env::var("LINKGAP_LIVE").ok().as_deref() != Some("1") {
        return None;
    }
    let login = std::env::var("DATAFORSEO_LOGIN").ok().filter(|value| !value.is_empty())?;
    let password = std::env::var("DATAFORSEO_PASSWORD").ok().filter(|value| !value.is_empty())?;
    let base = std::env::var("LINKGAP_LIVE_BASE")
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| SANDBOX_URL.to_owned());
    Some((login, password, base))
}

async fn start_loopback(world: World) -> RunningServer {
    MockServer::start(MockConfig::new(world)).await.expect("the mock starts on loopback")
}

fn loopback_client(server: &RunningServer) -> Client {
    Client::builder()
        .base_url(server.url())
        .credentials("demo", "demo")
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("a loopback client builds")
}

/// The demo world over loopback, or the live service when configured.
async fn harness() -> Harness {
    if let Some((login, password, base)) = live_settings() {
        let client = Client::builder()
            .base_url(base.clone())
            .credentials(login, password)
            .build()
            .expect("a live client builds");
        return Harness {
            client,
            loopback: None,
            mode: format!("live ({base})"),
            target: "dataforseo.com".to_owned(),
            competitors: ["semrush.com", "ahrefs.com", "moz.com", "majestic.com", "serpstat.com"]
                .map(str::to_owned)
                .to_vec(),
        };
    }
    loopback_harness().await
}

/// The demo world over loopback, whatever the environment (for tests that need the world).
async fn loopback_harness() -> Harness {
    let world = DEMO.clone();
    let server = start_loopback(world.clone()).await;
    let client = loopback_client(&server);
    let mode = if live_settings().is_some() {
        "loopback (this test needs the world's rows, so it runs on loopback even in live mode)"
    } else {
        "loopback (set LINKGAP_LIVE=1 with DATAFORSEO_LOGIN/DATAFORSEO_PASSWORD for live)"
    };
    Harness {
        client,
        loopback: Some((server, world)),
        mode: mode.to_owned(),
        target: TARGET.to_owned(),
        competitors: competitors(),
    }
}

fn raw_client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("a plain HTTP client builds")
}

// ----- the world helpers agree with the generator's own truth -----

#[test]
fn independent_main_domain_counting_agrees_with_the_generator_truth() {
    eprintln!("contract mode: loopback (world-only check of the test's own reference computation)");
    let world = &*DEMO;
    let truth = demo_truth();
    assert_eq!(truth.target, TARGET);
    for site in &truth.sites {
        let mains: BTreeSet<String> = live_rows(world, &site.domain)
            .iter()
            .map(|link| main_domain(&link.domain_from))
            .collect();
        let expected: BTreeSet<String> = site.referring_domains.iter().cloned().collect();
        assert_eq!(mains, expected, "referring main domains of `{}`", site.domain);
    }
}

// ----- referring domains -----

#[tokio::test]
async fn referring_domains_total_count_counts_live_main_domains() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    for site in std::iter::once(main_target.clone()).chain(h.competitors.clone()) {
        let mut request = ReferringDomainsRequest::new(site.clone());
        request.limit = Some(1000);
        request.tag = Some(format!("rd-{site}"));
        let reply = h.client.backlinks().referring_domains(&request).await.unwrap();
        let result = reply.results.first().expect("one result");
        let items = result.items();
        h.assert_price(reply.cost, items.len(), "referring_domains");
        let Some(world) = h.world() else {
            assert!(result.total_count.is_some());
            assert!(items.len() <= 1000);
            continue;
        };
        let rows = live_rows(world, &site);
        let mains = distinct(&rows, |link| main_domain(&link.domain_from));
        assert_eq!(result.total_count, Some(mains as u64), "total_count of `{site}`");
        assert_eq!(result.target.as_deref(), Some(site.as_str()));
        let expected = count_by(&rows, |link| link.domain_from.clone());
        let got: BTreeMap<String, u64> = items
            .iter()
            .map(|item| (item.domain.clone().unwrap(), item.backlinks.unwrap()))
            .collect();
        assert_eq!(got, expected, "referring hosts and their backlinks for `{site}`");
        // Default order: rank descending.
        let ranks: Vec<u64> = items.iter().map(|item| item.rank.unwrap()).collect();
        assert!(ranks.windows(2).all(|pair| pair[0] >= pair[1]), "rank order for `{site}`");
    }
}

/// Pages through every referring domain of the target and returns the hosts, checking that none
/// repeats and that the ledger and the page costs agree.
async fn page_referring_hosts(h: &Harness, page_size: u64) -> (Vec<String>, usize) {
    let main_target = h.target.clone();
    let calls_before = h.client.ledger().calls;
    let cost_before = h.client.ledger().total_cost;
    let pages = h.client.backlinks().referring_domains_stream(
        ReferringDomainsRequest::new(main_target.as_str()),
        PageOptions::new().page_size(page_size).max_items(5000),
    );
    let collected = collect_pages(pages).await.expect("the pages arrive");
    let hosts: Vec<String> =
        collected.items.iter().map(|item| item.domain.clone().expect("a host")).collect();
    let unique: BTreeSet<&String> = hosts.iter().collect();
    assert_eq!(unique.len(), hosts.len(), "a host came twice");
    let ledger = h.client.ledger();
    assert_eq!(ledger.calls - calls_before, collected.pages as u64);
    assert_usd(ledger.total_cost - cost_before, collected.cost, "ledger of the pages");
    if h.world().is_some() {
        // Every page is billed for its own rows plus the request fee.
        let expected = 0.02 * collected.pages as f64 + 0.000_03 * hosts.len() as f64;
        assert_usd(collected.cost, expected, "pages");
    }
    (hosts, collected.pages)
}

#[tokio::test]
async fn paging_through_referring_domains_yields_every_host_exactly_once() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let (hosts, pages) = page_referring_hosts(&h, 25).await;
    let Some(world) = h.world() else { return };
    let rows = live_rows(world, main_target.as_str());
    let expected: BTreeSet<String> = rows.iter().map(|link| link.domain_from.clone()).collect();
    assert!(pages > 2, "the demo target needs several pages");
    assert_eq!(hosts.into_iter().collect::<BTreeSet<_>>(), expected, "every host exactly once");

    // `total_count` counts referring *main* domains while the rows are hosts (reference §7.7),
    // so there are more rows than `total_count`.
    let mains = distinct(&rows, |link| main_domain(&link.domain_from));
    assert!(mains < expected.len(), "the demo target has subdomain referrers");
    // Pages of exactly `total_count` rows: the pager must not stop when the rows reach
    // `total_count` (it counts main domains), only on a short page, so no host is dropped.
    let (hosts, pages) = page_referring_hosts(&h, mains as u64).await;
    assert!(pages >= 2, "the pager went on past `total_count` rows");
    assert_eq!(hosts.into_iter().collect::<BTreeSet<_>>(), expected, "every host exactly once");
}

// ----- summary -----

#[tokio::test]
async fn summary_totals_match_the_world_rows() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    for site in std::iter::once(main_target.clone()).chain(h.competitors.clone()) {
        let reply = h.client.backlinks().summary(&SummaryRequest::new(site.clone())).await.unwrap();
        h.assert_price(reply.cost, 1, "summary");
        let Some(world) = h.world() else {
            // Live: a target without data answers `result: null` (still billed).
            if let Some(summary) = reply.results.first() {
                assert!(summary.backlinks.is_some());
            }
            continue;
        };
        let summary = reply.results.first().expect("a summary");
        let rows = live_rows(world, &site);
        assert_eq!(summary.backlinks, Some(rows.len() as u64), "backlinks of `{site}`");
        let hosts = distinct(&rows, |link| link.domain_from.clone());
        let mains = distinct(&rows, |link| main_domain(&link.domain_from));
        let pages = distinct(&rows, |link| link.url_from.clone());
        let nofollow: Vec<&WorldBacklink> =
            rows.iter().copied().filter(|link| !link.dofollow).collect();
        assert_eq!(summary.referring_domains, Some(hosts as u64), "hosts of `{site}`");
        assert_eq!(summary.referring_main_domains, Some(mains as u64), "mains of `{site}`");
        assert_eq!(summary.referring_pages, Some(pages as u64), "pages of `{site}`");
        assert_eq!(
            summary.referring_domains_nofollow,
            Some(distinct(&nofollow, |link| link.domain_from.clone()) as u64)
        );
        assert_eq!(
            summary.referring_main_domains_nofollow,
            Some(distinct(&nofollow, |link| main_domain(&link.domain_from)) as u64)
        );
        let broken = rows.iter().filter(|link| link.is_broken).count();
        assert_eq!(summary.broken_backlinks, Some(broken as u64));
        let types = count_by(&rows, |link| link.item_type_or_default().to_owned());
        let got_types = summary.referring_links_types.clone().unwrap_or_default();
        for (kind, count) in &got_types {
            assert_eq!(types.get(kind), Some(count), "links of type `{kind}` to `{site}`");
        }
    }
    if h.world().is_some() {
        // A target nothing links to: `result: null`, still billed for one item.
        let reply = h
            .client
            .backlinks()
            .summary(&SummaryRequest::new("nobody-links-here.example"))
            .await
            .unwrap();
        assert!(reply.results.is_empty());
        assert_usd(reply.cost, formula(1), "summary without data");
    }
}

// ----- anchors, networks, pages -----

#[tokio::test]
async fn anchors_count_the_backlinks_of_each_anchor_text() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let pages = h.client.backlinks().anchors_stream(
        AnchorsRequest::new(main_target.as_str()),
        PageOptions::new().max_items(5000),
    );
    let collected = collect_pages(pages).await.unwrap();
    let Some(world) = h.world() else {
        assert!(collected.total_count.is_some());
        return;
    };
    let rows = live_rows(world, main_target.as_str());
    let expected = count_by(&rows, |link| format!("{:?}", link.anchor));
    let got: BTreeMap<String, u64> = collected
        .items
        .iter()
        .map(|item| (format!("{:?}", item.anchor), item.backlinks.unwrap()))
        .collect();
    assert_eq!(collected.items.len(), got.len(), "an anchor came twice");
    assert_eq!(collected.total_count, Some(expected.len() as u64));
    assert_eq!(got, expected);
    let counts: Vec<u64> = collected.items.iter().map(|item| item.backlinks.unwrap()).collect();
    assert!(counts.windows(2).all(|pair| pair[0] >= pair[1]), "default order is backlinks desc");
}

#[tokio::test]
async fn referring_networks_group_rows_by_ip_and_by_subnet() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    for kind in [NetworkAddressType::Ip, NetworkAddressType::Subnet] {
        let mut request = ReferringNetworksRequest::new(main_target.as_str());
        request.limit = Some(1000);
        request.network_address_type = Some(kind);
        let reply = h.client.backlinks().referring_networks(&request).await.unwrap();
        let result = reply.results.first().expect("one result");
        h.assert_price(reply.cost, result.items().len(), "referring_networks");
        let Some(world) = h.world() else { continue };
        let rows: Vec<&WorldBacklink> = live_rows(world, main_target.as_str())
            .into_iter()
            .filter(|link| link.domain_from_ip.is_some())
            .collect();
        let key = |link: &WorldBacklink| {
            let ip = link.domain_from_ip.clone().unwrap();
            if kind == NetworkAddressType::Subnet {
                let parts: Vec<&str> = ip.split('.').collect();
                format!("{}.{}.{}.0", parts[0], parts[1], parts[2])
            } else {
                ip
            }
        };
        let expected = count_by(&rows, key);
        let got: BTreeMap<String, u64> = result
            .items()
            .iter()
            .map(|item| (item.network_address.clone().unwrap(), item.backlinks.unwrap()))
            .collect();
        assert_eq!(result.total_count, Some(expected.len() as u64), "{kind:?}");
        assert_eq!(got, expected, "{kind:?}");
    }
}

#[tokio::test]
async fn domain_pages_and_page_summaries_count_links_per_linked_page() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let site = h.competitors[0].clone();
    let mut pages_request = DomainPagesRequest::new(site.clone());
    pages_request.limit = Some(1000);
    let pages = h.client.backlinks().domain_pages(&pages_request).await.unwrap();
    let pages_result = pages.results.first().expect("one result");
    h.assert_price(pages.cost, pages_result.items().len(), "domain_pages");
    let mut summary_request = DomainPagesSummaryRequest::new(site.clone());
    summary_request.limit = Some(1000);
    let summaries = h.client.backlinks().domain_pages_summary(&summary_request).await.unwrap();
    let summary_result = summaries.results.first().expect("one result");
    h.assert_price(summaries.cost, summary_result.items().len(), "domain_pages_summary");
    let Some(world) = h.world() else { return };
    let rows = live_rows(world, &site);
    let expected = count_by(&rows, |link| link.url_to.clone());
    let got_pages: BTreeMap<String, u64> = pages_result
        .items()
        .iter()
        .map(|item| {
            let summary = item.page_summary.as_ref().expect("a page summary");
            (item.page.clone().unwrap(), summary.backlinks.unwrap())
        })
        .collect();
    let got_summaries: BTreeMap<String, u64> = summary_result
        .items()
        .iter()
        .map(|item| (item.url.clone().unwrap(), item.backlinks.unwrap()))
        .collect();
    assert_eq!(pages_result.total_count, Some(expected.len() as u64));
    assert_eq!(summary_result.total_count, Some(expected.len() as u64));
    assert_eq!(got_pages, expected);
    assert_eq!(got_summaries, expected);
}

// ----- backlinks -----

#[tokio::test]
async fn backlinks_rows_and_one_per_domain_match_the_world() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let mut request = BacklinksRequest::new(main_target.as_str());
    request.limit = Some(1000);
    let reply = h.client.backlinks().backlinks(&request).await.unwrap();
    let result = reply.results.first().expect("one result");
    h.assert_price(reply.cost, result.items().len(), "backlinks");
    request.mode = Some(Mode::OnePerDomain);
    let collapsed = h.client.backlinks().backlinks(&request).await.unwrap();
    let collapsed = collapsed.results.first().expect("one result");
    let Some(world) = h.world() else { return };
    let rows = live_rows(world, main_target.as_str());
    assert_eq!(result.total_count, Some(rows.len() as u64));
    let expected: BTreeSet<(String, String)> =
        rows.iter().map(|link| (link.url_from.clone(), link.url_to.clone())).collect();
    let got: BTreeSet<(String, String)> = result
        .items()
        .iter()
        .map(|item| (item.url_from.clone().unwrap(), item.url_to.clone().unwrap()))
        .collect();
    assert_eq!(got, expected);
    let hosts = count_by(&rows, |link| link.domain_from.clone());
    assert_eq!(collapsed.total_count, Some(hosts.len() as u64));
    for item in collapsed.items() {
        let host = item.domain_from.as_deref().unwrap();
        assert_eq!(item.group_count, Some(hosts[host]), "group_count of `{host}`");
    }
}

/// A world with `n` live rows to `big-target.com`, each from its own page.
fn big_world(n: usize) -> World {
    let backlinks = (0..n)
        .map(|i| WorldBacklink {
            domain_from: format!("site{}.org", i % 1500),
            url_from: format!("https://site{}.org/page-{i}", i % 1500),
            domain_to: "big-target.com".to_owned(),
            url_to: format!("https://big-target.com/p{}", i % 40),
            // Equal ranks keep the default `rank,desc` sort cheap (the rows are already in order).
            first_seen: Some("2026-01-01 00:00:00 +00:00".to_owned()),
            ..WorldBacklink::default()
        })
        .collect();
    World { backlinks, domains: Vec::new() }
}

#[tokio::test]
async fn backlinks_paging_continues_with_the_token_past_the_offset_cap() {
    eprintln!(
        "contract mode: loopback (a generated world with more than 20,000 rows to one target)"
    );
    let dir = tempfile::tempdir().unwrap();
    big_world(21_500).write(dir.path(), Compression::None).unwrap();
    let world = World::load(dir.path()).unwrap();
    let server = start_loopback(world).await;
    let client = loopback_client(&server);
    let pages = client
        .backlinks()
        .backlinks_stream(BacklinksRequest::new("big-target.com"), PageOptions::new());
    let mut pages = std::pin::pin!(pages);
    let mut urls = BTreeSet::new();
    let (mut offset_pages, mut token_pages, mut cost) = (0, 0, 0.0);
    while let Some(page) = pages.try_next().await.unwrap() {
        match page.offset {
            Some(offset) => {
                assert!(offset <= 20_000, "offset {offset} above the cap was sent");
                offset_pages += 1;
            }
            None => token_pages += 1,
        }
        assert_usd(page.cost, formula(page.items.len()), "backlinks page");
        cost += page.cost;
        for item in page.items {
            assert!(urls.insert(item.url_from.unwrap()), "a row came twice");
        }
    }
    assert_eq!(urls.len(), 21_500, "every row exactly once");
    assert_eq!(offset_pages, 21, "offsets 0, 1000, ..., 20000");
    assert!(token_pages >= 1, "the rows past 21,000 come through `search_after_token`");
    let ledger = client.ledger();
    assert_eq!(ledger.calls, offset_pages + token_pages);
    assert_usd(ledger.total_cost, cost, "ledger");
    assert_usd(100.0 - server.balance(), cost, "server balance");
}

// ----- competitors and the link gap -----

#[tokio::test]
async fn competitors_intersections_count_shared_referring_main_domains() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let mut request = CompetitorsRequest::new(main_target.as_str());
    request.limit = Some(1000);
    let reply = h.client.backlinks().competitors(&request).await.unwrap();
    let result = reply.results.first().expect("one result");
    h.assert_price(reply.cost, result.items().len(), "competitors");
    let Some(world) = h.world() else { return };
    let ours: BTreeSet<String> = live_rows(world, main_target.as_str())
        .iter()
        .map(|link| main_domain(&link.domain_from))
        .collect();
    let got: BTreeMap<String, u64> = result
        .items()
        .iter()
        .map(|item| (item.target.clone().unwrap(), item.intersections.unwrap()))
        .collect();
    for competitor in h.competitors.clone() {
        let shared: BTreeSet<String> = world
            .backlinks
            .iter()
            .filter(|link| !link.is_lost && main_domain(&link.domain_to) == competitor)
            .map(|link| main_domain(&link.domain_from))
            .filter(|main| *main != competitor && ours.contains(main))
            .collect();
        assert_eq!(got.get(&competitor), Some(&(shared.len() as u64)), "`{competitor}`");
    }
    assert!(!got.contains_key(main_target.as_str()), "the target is not its own competitor");
}

/// The link gap computed from the rows: referrer hosts linking (live) to at least two of
/// `competitors` and never (live or lost) to `target`, with their backlinks per target key.
fn expected_link_gap(
    world: &World,
    target: &str,
    competitors: &[String],
) -> BTreeMap<String, BTreeMap<String, u64>> {
    let excluded: BTreeSet<&str> = world
        .backlinks
        .iter()
        .filter(|link| within(&link.domain_to, target))
        .map(|link| link.domain_from.as_str())
        .collect();
    let mut expected: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (position, competitor) in competitors.iter().enumerate() {
        for link in live_rows(world, competitor) {
            if excluded.contains(link.domain_from.as_str()) {
                continue;
            }
            *expected
                .entry(link.domain_from.clone())
                .or_default()
                .entry((position + 1).to_string())
                .or_insert(0) += 1;
        }
    }
    expected.retain(|_, per_target| per_target.len() >= 2);
    expected
}

/// Rows of a domain intersection as referrer host → backlinks per target key.
fn gap_rows(
    items: &[linkgap_dataforseo::DomainIntersectionItem],
) -> BTreeMap<String, BTreeMap<String, u64>> {
    items
        .iter()
        .map(|item| {
            let per_target = item
                .domain_intersection
                .iter()
                .map(|(key, stats)| (key.clone(), stats.backlinks.expect("backlinks")))
                .collect();
            (item.referring_domain().expect("a referrer").to_owned(), per_target)
        })
        .collect()
}

#[tokio::test]
async fn link_gap_domain_intersection_rows_match_the_world() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let competitors = h.competitors.clone();
    let request = DomainIntersectionRequest {
        exclude_targets: Some(vec![main_target.clone()]),
        filters: Some(Filter::field("intersections_count").ge(2)),
        order_by: Some(OrderBy::desc("intersections_count").then_desc("1.rank")),
        ..DomainIntersectionRequest::new(competitors.clone())
    };
    let pages = h
        .client
        .backlinks()
        .domain_intersection_stream(request, PageOptions::new().page_size(50).max_items(5000));
    let collected = collect_pages(pages).await.unwrap();
    let counts: Vec<u64> = collected
        .items
        .iter()
        .map(linkgap_dataforseo::DomainIntersectionItem::intersections_count)
        .collect();
    assert!(counts.iter().all(|&count| count >= 2), "the filter holds");
    assert!(counts.windows(2).all(|pair| pair[0] >= pair[1]), "sorted by intersections_count");
    for item in &collected.items {
        assert_eq!(item.intersections_count(), item.domain_intersection.len() as u64);
    }
    let Some(world) = h.world() else { return };
    let expected = expected_link_gap(world, main_target.as_str(), &competitors);
    assert!(!expected.is_empty(), "the demo world has a link gap");
    let got = gap_rows(&collected.items);
    assert_eq!(got.len(), collected.items.len(), "a referrer came twice");
    assert_eq!(collected.total_count, Some(expected.len() as u64));
    assert_eq!(got, expected);
}

#[tokio::test]
async fn page_intersection_rows_match_the_world() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let competitors = h.competitors.clone();
    let request = PageIntersectionRequest {
        filters: Some(Filter::field("intersections_count").ge(2)),
        limit: Some(1000),
        ..PageIntersectionRequest::new(competitors.clone())
    };
    let reply = h.client.backlinks().page_intersection(&request).await.unwrap();
    let result = reply.results.first().expect("one result");
    h.assert_price(reply.cost, result.items().len(), "page_intersection");
    let Some(world) = h.world() else { return };
    let mut expected: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (position, competitor) in competitors.iter().enumerate() {
        for link in live_rows(world, competitor) {
            *expected
                .entry(link.url_from.clone())
                .or_default()
                .entry((position + 1).to_string())
                .or_insert(0) += 1;
        }
    }
    expected.retain(|_, per_target| per_target.len() >= 2);
    assert!(!expected.is_empty(), "the demo world shares pages between competitors");
    let got: BTreeMap<String, BTreeMap<String, usize>> = result
        .items()
        .iter()
        .map(|item| {
            let per_target = item
                .page_intersection
                .iter()
                .map(|(key, rows)| (key.clone(), rows.len()))
                .collect();
            (item.url_from().unwrap().to_owned(), per_target)
        })
        .collect();
    assert_eq!(result.total_count, Some(expected.len() as u64));
    assert_eq!(got, expected);
}

#[tokio::test]
async fn a_small_generated_world_gives_the_same_answers_as_its_rows() {
    eprintln!("contract mode: loopback (a freshly generated world)");
    let generated = generate(&GenConfig { seed: 7, size: 150, ..GenConfig::default() });
    let world = generated.world;
    let truth = generated.truth;
    let server = start_loopback(world.clone()).await;
    let client = loopback_client(&server);
    for site in &truth.sites {
        let mut request = ReferringDomainsRequest::new(site.domain.clone());
        request.limit = Some(1000);
        let reply = client.backlinks().referring_domains(&request).await.unwrap();
        let result = &reply.results[0];
        assert_eq!(
            result.total_count,
            Some(site.referring_domains.len() as u64),
            "`{}`",
            site.domain
        );
        let hosts = distinct(&live_rows(&world, &site.domain), |link| link.domain_from.clone());
        assert_eq!(result.items().len(), hosts, "`{}`", site.domain);
        assert_usd(reply.cost, formula(hosts), "referring_domains");
    }
    let request = DomainIntersectionRequest {
        exclude_targets: Some(vec![truth.target.clone()]),
        filters: Some(Filter::field("intersections_count").ge(2)),
        limit: Some(1000),
        ..DomainIntersectionRequest::new(truth.competitors.clone())
    };
    let reply = client.backlinks().domain_intersection(&request).await.unwrap();
    let result = &reply.results[0];
    let expected = expected_link_gap(&world, &truth.target, &truth.competitors);
    assert!(!expected.is_empty(), "the generated world has a link gap");
    assert_eq!(result.total_count, Some(expected.len() as u64));
    assert_eq!(gap_rows(result.items()), expected);
    let ledger = client.ledger();
    assert_usd(100.0 - server.balance(), ledger.total_cost, "server and client agree on spend");
}

// ----- filters: both sides agree on the filterable fields -----

/// Sends `filters` (and `order_by`, when given) to the list endpoint named as in `available_filters`.
async fn send_filtered(
    client: &Client,
    endpoint: &str,
    filters: Filter,
    order_by: Option<OrderBy>,
    targets: &[String],
) -> Result<(), Error> {
    let b = client.backlinks();
    let filters = Some(filters);
    let target = targets[0].clone();
    macro_rules! list {
        ($request:ident, $method:ident) => {{
            let mut request = $request::new(target);
            request.limit = Some(1);
            request.filters = filters;
            request.order_by = order_by;
            b.$method(&request).await.map(|_| ())
        }};
    }
    match endpoint {
        "backlinks" => list!(BacklinksRequest, backlinks),
        "anchors" => list!(AnchorsRequest, anchors),
        "domain_pages" => list!(DomainPagesRequest, domain_pages),
        "domain_pages_summary" => list!(DomainPagesSummaryRequest, domain_pages_summary),
        "referring_domains" => list!(ReferringDomainsRequest, referring_domains),
        "referring_networks" => list!(ReferringNetworksRequest, referring_networks),
        "competitors" => list!(CompetitorsRequest, competitors),
        "domain_intersection" => {
            let request = DomainIntersectionRequest {
                limit: Some(1),
                filters,
                order_by,
                ..DomainIntersectionRequest::new(targets.to_vec())
            };
            b.domain_intersection(&request).await.map(|_| ())
        }
        "page_intersection" => {
            let request = PageIntersectionRequest {
                limit: Some(1),
                filters,
                order_by,
                ..PageIntersectionRequest::new(targets.to_vec())
            };
            b.page_intersection(&request).await.map(|_| ())
        }
        other => panic!("`available_filters` lists an unknown endpoint `{other}`"),
    }
}

fn filter_fields(endpoint: &str) -> FilterFields {
    match endpoint {
        "backlinks" => FilterFields::Backlinks,
        "anchors" => FilterFields::Anchors,
        "domain_pages" => FilterFields::DomainPages,
        "domain_pages_summary" => FilterFields::DomainPagesSummary,
        "referring_domains" => FilterFields::ReferringDomains,
        "referring_networks" => FilterFields::ReferringNetworks,
        "competitors" => FilterFields::Competitors,
        "domain_intersection" => FilterFields::DomainIntersection,
        "page_intersection" => FilterFields::PageIntersection,
        other => panic!("unknown endpoint `{other}`"),
    }
}

#[tokio::test]
async fn every_field_the_server_lists_in_available_filters_is_accepted_by_both_sides() {
    eprintln!("contract mode: loopback (a small generated world; the mock's own filter table)");
    let generated = generate(&GenConfig { seed: 3, size: 30, ..GenConfig::default() });
    let server = start_loopback(generated.world).await;
    let client = Client::builder()
        .base_url(server.url())
        .credentials("demo", "demo")
        .requests_per_minute(2000)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let mut targets = vec![generated.truth.target.clone()];
    targets.extend(generated.truth.competitors.iter().take(2).cloned());
    let table = client.backlinks().available_filters().await.unwrap();
    let table = &table.results[0];
    assert_eq!(table.endpoints.len(), 9, "{:?}", table.endpoints.keys());
    let mut problems = Vec::new();
    let mut checked = 0;
    for (endpoint, fields) in &table.endpoints {
        for (field, type_name) in fields {
            let server_type = table.field_type(endpoint, field);
            let client_type = filter_fields(endpoint).field_type(field);
            if server_type != client_type {
                problems.push(format!(
                    "{endpoint} `{field}`: server type {type_name}, client type {client_type:?}"
                ));
                continue;
            }
            let condition = Filter::field(field.clone());
            let (filter, sortable) = match type_name.as_str() {
                "num" => (condition.ge(0), true),
                "str" => (condition.like("%"), true),
                "bool" => (condition.eq(true), true),
                "time" => (condition.gt("2019-01-01 00:00:00 +00:00"), true),
                _ => (condition.has("x"), false),
            };
            let order_by = sortable.then(|| OrderBy::desc(field.clone()));
            if let Err(error) = send_filtered(&client, endpoint, filter, order_by, &targets).await {
                problems.push(format!("{endpoint} `{field}` ({type_name}): {error}"));
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} fields checked");
    assert!(problems.is_empty(), "{} disagreements:\n{}", problems.len(), problems.join("\n"));
}

// ----- bulk -----

#[tokio::test]
async fn bulk_endpoints_answer_once_per_target_with_world_counts() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let mut targets: Vec<String> =
        std::iter::once(main_target.clone()).chain(h.competitors.clone()).collect();
    targets.push("nobody-links-here.example".to_owned());
    let n = targets.len();
    let backlinks = h.client.backlinks();

    let ranks = backlinks.bulk_ranks_all(&BulkRanksRequest::new(targets.clone())).await.unwrap();
    let counts =
        backlinks.bulk_backlinks_all(&BulkBacklinksRequest::new(targets.clone())).await.unwrap();
    let domains = backlinks
        .bulk_referring_domains_all(&BulkReferringDomainsRequest::new(targets.clone()))
        .await
        .unwrap();
    let spam =
        backlinks.bulk_spam_score_all(&BulkSpamScoreRequest::new(targets.clone())).await.unwrap();
    let new_lost = backlinks
        .bulk_new_lost_backlinks_all(&BulkNewLostBacklinksRequest::new(targets.clone()))
        .await
        .unwrap();
    let new_lost_domains = backlinks
        .bulk_new_lost_referring_domains_all(&BulkNewLostReferringDomainsRequest::new(
            targets.clone(),
        ))
        .await
        .unwrap();
    let page_targets: Vec<String> =
        targets.iter().map(|target| format!("https://{target}/")).collect();
    let pages = backlinks
        .bulk_pages_summary_all(&BulkPagesSummaryRequest::new(page_targets.clone()))
        .await
        .unwrap();
    for (name, cost, calls, answered, missing) in [
        ("bulk_ranks", ranks.cost, ranks.calls, ranks.items.len(), ranks.missing.len()),
        ("bulk_backlinks", counts.cost, counts.calls, counts.items.len(), counts.missing.len()),
        (
            "bulk_referring_domains",
            domains.cost,
            domains.calls,
            domains.items.len(),
            domains.missing.len(),
        ),
        ("bulk_spam_score", spam.cost, spam.calls, spam.items.len(), spam.missing.len()),
        (
            "bulk_new_lost_backlinks",
            new_lost.cost,
            new_lost.calls,
            new_lost.items.len(),
            new_lost.missing.len(),
        ),
        (
            "bulk_new_lost_referring_domains",
            new_lost_domains.cost,
            new_lost_domains.calls,
            new_lost_domains.items.len(),
            new_lost_domains.missing.len(),
        ),
        ("bulk_pages_summary", pages.cost, pages.calls, pages.items.len(), pages.missing.len()),
    ] {
        assert_eq!(calls, 1, "{name}");
        assert_eq!((answered, missing), (n, 0), "{name}: one item per target");
        h.assert_price(cost, n, name);
    }
    let Some(world) = h.world() else { return };
    let domain_table = world.domain_table();
    let since = world_today(world) - Months::new(1);
    for target in &targets {
        let rows = live_rows(world, target);
        assert_eq!(
            counts.items[target].backlinks,
            Some(rows.len() as u64),
            "bulk_backlinks `{target}`"
        );
        let item = &domains.items[target];
        assert_eq!(
            item.referring_domains,
            Some(distinct(&rows, |link| link.domain_from.clone()) as u64)
        );
        assert_eq!(
            item.referring_main_domains,
            Some(distinct(&rows, |link| main_domain(&link.domain_from)) as u64)
        );
        let rank = ranks.items[target].rank.unwrap();
        assert!(rank <= 1000);
        if let Some(known) = domain_table.get(target).and_then(|row| row.rank) {
            assert_eq!(rank, u64::from(known), "bulk_ranks `{target}` from domains.jsonl");
        }
        let every = all_rows(world, target);
        let new = every
            .iter()
            .filter(|link| link.first_seen_at().is_some_and(|seen| seen.date_naive() >= since))
            .count();
        let lost = every
            .iter()
            .filter(|link| link.is_lost)
            .filter(|link| link.last_seen_at().is_some_and(|seen| seen.date_naive() >= since))
            .count();
        let item = &new_lost.items[target];
        assert_eq!(
            item.new_backlinks,
            Some(new as u64),
            "new backlinks of `{target}` since {since}"
        );
        assert_eq!(
            item.lost_backlinks,
            Some(lost as u64),
            "lost backlinks of `{target}` since {since}"
        );
    }
    assert_eq!(counts.items["nobody-links-here.example"].backlinks, Some(0));
    let ledger = h.client.ledger();
    assert_eq!(ledger.calls, 7);
    assert_usd(ledger.total_cost, 7.0 * formula(n), "ledger of the bulk calls");
}

// Issue 3: the client checks bulk `date_from` against the wall clock while the mock checked it
// against the world's latest date, so `linkgap bulk` (default `--since`: wall clock - 30 days)
// got 40501 from the mock whenever the world's "today" lay in the past.
#[tokio::test]
async fn bulk_new_lost_accepts_a_date_from_a_month_before_the_wall_clock() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let since = Utc::now().date_naive() - chrono::Days::new(30);
    let mut request = BulkNewLostBacklinksRequest::new(vec![h.target.clone()]);
    request.date_from = Some(since);
    let reply = h.client.backlinks().bulk_new_lost_backlinks_all(&request).await.unwrap();
    assert_eq!((reply.items.len(), reply.missing.len()), (1, 0));
    let mut request = BulkNewLostReferringDomainsRequest::new(vec![h.target.clone()]);
    request.date_from = Some(since);
    let domains = h.client.backlinks().bulk_new_lost_referring_domains_all(&request).await.unwrap();
    assert_eq!((domains.items.len(), domains.missing.len()), (1, 0));
    let Some(world) = h.world() else { return };
    let new = all_rows(world, &h.target)
        .iter()
        .filter(|link| link.first_seen_at().is_some_and(|seen| seen.date_naive() >= since))
        .count();
    assert_eq!(reply.items[&h.target].new_backlinks, Some(new as u64));
}

#[tokio::test]
async fn bulk_page_targets_count_the_links_to_that_page() {
    let h = loopback_harness().await;
    eprintln!("contract mode: {}", h.mode);
    let world = h.world().unwrap();
    let rows = live_rows(world, TARGET);
    let by_page = count_by(&rows, |link| link.url_to.clone());
    let (busiest, links) = by_page.iter().max_by_key(|(_, count)| **count).unwrap();
    // The page as crawled, and as a user types it (no `www.`, other trailing slash).
    let typed = busiest.replacen("://www.", "://", 1);
    let typed = typed.strip_suffix('/').map_or_else(|| format!("{typed}/"), str::to_owned);
    let targets = vec![busiest.clone(), typed.clone()];
    let backlinks = h.client.backlinks();
    let counts =
        backlinks.bulk_backlinks_all(&BulkBacklinksRequest::new(targets.clone())).await.unwrap();
    let domains = backlinks
        .bulk_referring_domains_all(&BulkReferringDomainsRequest::new(targets.clone()))
        .await
        .unwrap();
    let page_rows: Vec<&WorldBacklink> =
        rows.iter().copied().filter(|link| &link.url_to == busiest).collect();
    for target in &targets {
        assert_eq!(counts.items[target].backlinks, Some(*links), "bulk_backlinks `{target}`");
        assert_eq!(
            domains.items[target].referring_domains,
            Some(distinct(&page_rows, |link| link.domain_from.clone()) as u64),
            "bulk_referring_domains `{target}`"
        );
    }
}

#[tokio::test]
async fn bulk_helpers_split_long_target_lists_into_calls_the_server_accepts() {
    let h = loopback_harness().await;
    eprintln!("contract mode: {}", h.mode);
    let server = h.server().unwrap();
    let targets: Vec<String> = (0..1500).map(|n| format!("site{n}.example")).collect();
    let ranks = h.client.backlinks().bulk_ranks_all(&BulkRanksRequest::new(targets)).await.unwrap();
    assert_eq!((ranks.calls, ranks.items.len(), ranks.missing.len()), (2, 1500, 0));
    assert_usd(ranks.cost, 2.0 * 0.02 + 1500.0 * 0.000_03, "two bulk_ranks calls");
    // 150 hosts: at most 100 distinct domains per `bulk_pages_summary` call.
    let pages: Vec<String> = (0..150).map(|n| format!("https://site{n}.example/page")).collect();
    let summaries = h
        .client
        .backlinks()
        .bulk_pages_summary_all(&BulkPagesSummaryRequest::new(pages))
        .await
        .unwrap();
    assert_eq!((summaries.calls, summaries.items.len(), summaries.missing.len()), (2, 150, 0));
    assert_usd(summaries.cost, 2.0 * 0.02 + 150.0 * 0.000_03, "two bulk_pages_summary calls");
    assert_eq!(server.requests(), 4);
    assert_usd(100.0 - server.balance(), h.client.ledger().total_cost, "spend agrees");
}

#[tokio::test]
async fn the_budget_reserves_the_worst_case_and_spends_the_reported_cost() {
    eprintln!("contract mode: loopback (spending limits are checked against the mock's charges)");
    let server = start_loopback(DEMO.clone()).await;
    let budget = Budget::new(0.06);
    let client = Client::builder()
        .base_url(server.url())
        .credentials("demo", "demo")
        .budget(budget.clone())
        .build()
        .unwrap();
    let mut request = ReferringDomainsRequest::new(TARGET);
    request.limit = Some(1000);
    // Worst case $0.05: allowed; it is charged for the rows it returned.
    let reply = client.backlinks().referring_domains(&request).await.unwrap();
    let rows = reply.results[0].items().len();
    assert!(rows < 1000);
    assert_usd(budget.spent(), formula(rows), "budget spent");
    assert_usd(budget.reserved(), 0.0, "reservation released");
    // Another worst case of $0.05 no longer fits: refused before sending.
    let error = client.backlinks().referring_domains(&request).await.unwrap_err();
    assert!(matches!(error, Error::BudgetExceeded { .. }), "{error:?}");
    assert!(error.is_fatal());
    assert_eq!(server.requests(), 1);
    // A smaller page still fits.
    request.limit = Some(10);
    client.backlinks().referring_domains(&request).await.unwrap();
    assert_usd(budget.spent(), 100.0 - server.balance(), "budget and server agree");
}

// ----- history and timeseries -----

#[tokio::test]
async fn history_and_timeseries_are_consistent_with_the_world() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let backlinks = h.client.backlinks();
    let history = backlinks.history(&HistoryRequest::new(main_target.as_str())).await.unwrap();
    let history_result = history.results.first().expect("one result");
    h.assert_price(history.cost, history_result.items().len(), "history");
    let series = backlinks
        .timeseries_summary(&TimeseriesSummaryRequest::new(main_target.as_str()))
        .await
        .unwrap();
    let series_result = series.results.first().expect("one result");
    h.assert_price(series.cost, series_result.items().len(), "timeseries_summary");
    let new_lost = backlinks
        .timeseries_new_lost_summary(&TimeseriesNewLostSummaryRequest::new(main_target.as_str()))
        .await
        .unwrap();
    let new_lost_result = new_lost.results.first().expect("one result");
    h.assert_price(new_lost.cost, new_lost_result.items().len(), "timeseries_new_lost_summary");
    for dates in [
        history_result.items().iter().map(|item| item.date).collect::<Vec<_>>(),
        series_result.items().iter().map(|item| item.date).collect(),
        new_lost_result.items().iter().map(|item| item.date).collect(),
    ] {
        assert!(!dates.is_empty());
        assert!(dates.windows(2).all(|pair| pair[0] < pair[1]), "dates ascend");
    }
    let Some(world) = h.world() else { return };
    // The last period ends at the world's today: its backlink total is today's live count.
    let live = live_rows(world, main_target.as_str()).len() as u64;
    let last = series_result.items().last().unwrap();
    assert_eq!(last.backlinks, Some(live), "timeseries backlinks on the last period");
    let total_new: u64 =
        new_lost_result.items().iter().map(|item| item.new_backlinks.unwrap_or(0)).sum();
    assert!(total_new <= all_rows(world, main_target.as_str()).len() as u64);
}

// ----- every endpoint: costs, ledger, balance -----

#[tokio::test]
async fn every_endpoint_answers_and_the_ledger_adds_up_the_formula_costs() {
    let h = harness().await;
    eprintln!("contract mode: {}", h.mode);
    let main_target = h.target.clone();
    let client = &h.client;
    let b = client.backlinks();
    let competitors = h.competitors.clone();
    let mut expected_cost = 0.0;
    let mut seen = BTreeSet::new();
    let live = h.world().is_none();
    let mut check = |endpoint: Endpoint, cost: f64, items: usize| {
        let expected = if live {
            cost
        } else if endpoint.is_free() {
            0.0
        } else {
            formula(items)
        };
        assert_usd(cost, expected, endpoint.function());
        expected_cost += expected;
        seen.insert(endpoint);
    };
    let r = b.summary(&SummaryRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::Summary, r.cost, 1);
    let r = b.history(&HistoryRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::History, r.cost, r.results[0].items().len());
    let r = b.backlinks(&BacklinksRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::Backlinks, r.cost, r.results[0].items().len());
    let r = b.anchors(&AnchorsRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::Anchors, r.cost, r.results[0].items().len());
    let r = b.domain_pages(&DomainPagesRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::DomainPages, r.cost, r.results[0].items().len());
    let r = b
        .domain_pages_summary(&DomainPagesSummaryRequest::new(main_target.as_str()))
        .await
        .unwrap();
    check(Endpoint::DomainPagesSummary, r.cost, r.results[0].items().len());
    let r = b.referring_domains(&ReferringDomainsRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::ReferringDomains, r.cost, r.results[0].items().len());
    let r =
        b.referring_networks(&ReferringNetworksRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::ReferringNetworks, r.cost, r.results[0].items().len());
    let r = b.competitors(&CompetitorsRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::Competitors, r.cost, r.results[0].items().len());
    let r =
        b.domain_intersection(&DomainIntersectionRequest::new(competitors.clone())).await.unwrap();
    check(Endpoint::DomainIntersection, r.cost, r.results[0].items().len());
    let r = b.page_intersection(&PageIntersectionRequest::new(competitors.clone())).await.unwrap();
    check(Endpoint::PageIntersection, r.cost, r.results[0].items().len());
    let r =
        b.timeseries_summary(&TimeseriesSummaryRequest::new(main_target.as_str())).await.unwrap();
    check(Endpoint::TimeseriesSummary, r.cost, r.results[0].items().len());
    let r = b
        .timeseries_new_lost_summary(&TimeseriesNewLostSummaryRequest::new(main_target.as_str()))
        .await
        .unwrap();
    check(Endpoint::TimeseriesNewLostSummary, r.cost, r.results[0].items().len());
    let two = [main_target.clone(), competitors[0].clone()];
    let r = b.bulk_ranks(&BulkRanksRequest::new(two.clone())).await.unwrap();
    check(Endpoint::BulkRanks, r.cost, 2);
    let r = b.bulk_backlinks(&BulkBacklinksRequest::new(two.clone())).await.unwrap();
    check(Endpoint::BulkBacklinks, r.cost, 2);
    let r = b.bulk_spam_score(&BulkSpamScoreRequest::new(two.clone())).await.unwrap();
    check(Endpoint::BulkSpamScore, r.cost, 2);
    let r = b.bulk_referring_domains(&BulkReferringDomainsRequest::new(two.clone())).await.unwrap();
    check(Endpoint::BulkReferringDomains, r.cost, 2);
    let r =
        b.bulk_new_lost_backlinks(&BulkNewLostBacklinksRequest::new(two.clone())).await.unwrap();
    check(Endpoint::BulkNewLostBacklinks, r.cost, 2);
    let r = b
        .bulk_new_lost_referring_domains(&BulkNewLostReferringDomainsRequest::new(two.clone()))
        .await
        .unwrap();
    check(Endpoint::BulkNewLostReferringDomains, r.cost, 2);
    let r = b
        .bulk_pages_summary(&BulkPagesSummaryRequest::new([format!("https://{main_target}/")]))
        .await
        .unwrap();
    check(Endpoint::BulkPagesSummary, r.cost, 1);
    let r = b.index().await.unwrap();
    assert!(r.results[0].total_backlinks.is_some());
    check(Endpoint::Index, r.cost, 0);
    let r = b.available_filters().await.unwrap();
    check(Endpoint::AvailableFilters, r.cost, 0);
    let now = Utc::now().fixed_offset();
    let r = b
        .id_list(&IdListRequest::new(
            now - chrono::Duration::hours(1),
            now + chrono::Duration::hours(1),
        ))
        .await
        .unwrap();
    check(Endpoint::IdList, r.cost, 0);
    let r = b.errors(&ErrorsRequest::new()).await.unwrap();
    check(Endpoint::Errors, r.cost, 0);
    let r = client.appendix().user_data().await.unwrap();
    check(Endpoint::UserData, r.cost, 0);
    let user = &r.results[0];

    assert_eq!(seen.len(), Endpoint::ALL.len(), "every endpoint of the catalogue was called");
    let ledger = client.ledger();
    assert_eq!(ledger.calls, Endpoint::ALL.len() as u64);
    assert_eq!((ledger.retries, ledger.errors), (0, 0));
    assert_usd(ledger.total_cost, expected_cost, "ledger total");
    let per_endpoint: f64 = ledger.per_endpoint.values().map(|entry| entry.cost).sum();
    assert_usd(per_endpoint, expected_cost, "sum of the per-endpoint ledgers");
    let Some(server) = h.server() else { return };
    assert_usd(100.0 - server.balance(), expected_cost, "server balance");
    let money = user.money.as_ref().expect("money");
    assert_usd(money.balance.unwrap(), server.balance(), "user_data balance");
    assert_eq!(user.login.as_deref(), Some("demo"));
}

#[tokio::test]
async fn id_list_and_errors_report_the_tasks_of_this_session() {
    let h = loopback_harness().await;
    eprintln!("contract mode: {}", h.mode);
    let server = h.server().unwrap();
    let mut task_ids = BTreeSet::new();
    for target in [TARGET, "summitgear.co.uk"] {
        let reply = h.client.backlinks().summary(&SummaryRequest::new(target)).await.unwrap();
        task_ids.insert(reply.task_id.unwrap());
    }
    // A task the server refuses (client validation bypassed): it shows up in `errors`.
    let answer: Value = raw_client()
        .post(format!("{}/v3/backlinks/referring_domains/live", server.url()))
        .basic_auth("demo", Some("demo"))
        .json(&json!([{ "target": TARGET, "limit": 1001 }]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let failed_id = answer["tasks"][0]["id"].as_str().unwrap().to_owned();
    let now = Utc::now().fixed_offset();
    let listed = h
        .client
        .backlinks()
        .id_list(&IdListRequest::new(
            now - chrono::Duration::hours(1),
            now + chrono::Duration::hours(1),
        ))
        .await
        .unwrap();
    let listed_ids: BTreeSet<String> =
        listed.results.iter().map(|item| item.id.clone().unwrap()).collect();
    assert!(task_ids.is_subset(&listed_ids), "{task_ids:?} in {listed_ids:?}");
    assert!(listed_ids.contains(&failed_id));
    let paid: f64 = listed.results.iter().map(|item| item.cost.unwrap_or(0.0)).sum();
    assert_usd(paid, 2.0 * formula(1), "id_list costs");
    let errors = h.client.backlinks().errors(&ErrorsRequest::new()).await.unwrap();
    assert_eq!(errors.results.len(), 1, "only the refused task failed");
    let error = &errors.results[0];
    assert_eq!(error.id.as_deref(), Some(failed_id.as_str()));
    assert_eq!(error.error_code, Some(40501));
    assert_eq!(error.function.as_deref(), Some("referring_domains/live"));
}

// ----- limits: refused by the client, and by the server when sent raw -----

#[tokio::test]
async fn over_limit_requests_are_refused_by_the_client_before_sending() {
    let h = loopback_harness().await;
    eprintln!("contract mode: {}", h.mode);
    let b = h.client.backlinks();
    let field = |error: Error| match error {
        Error::InvalidRequest { source, .. } => source.field,
        other => panic!("expected a validation error, got {other:?}"),
    };
    let mut nine = Filter::field("rank").gt(0);
    for n in 1..9 {
        nine = nine.and(Filter::field("backlinks").gt(n));
    }
    let four = OrderBy::desc("rank")
        .then_desc("backlinks")
        .then_desc("first_seen")
        .then_desc("referring_pages");
    let mut request = ReferringDomainsRequest::new(TARGET);
    request.limit = Some(1001);
    assert_eq!(field(b.referring_domains(&request).await.unwrap_err()), "limit");
    let mut request = ReferringDomainsRequest::new(TARGET);
    request.filters = Some(nine);
    assert_eq!(field(b.referring_domains(&request).await.unwrap_err()), "filters");
    let mut request = ReferringDomainsRequest::new(TARGET);
    request.order_by = Some(four);
    assert_eq!(field(b.referring_domains(&request).await.unwrap_err()), "order_by");
    let mut request = ReferringDomainsRequest::new(TARGET);
    request.internal_list_limit = Some(1001);
    assert_eq!(field(b.referring_domains(&request).await.unwrap_err()), "internal_list_limit");
    let mut request = SummaryRequest::new(TARGET);
    request.tag = Some("x".repeat(256));
    assert_eq!(field(b.summary(&request).await.unwrap_err()), "tag");
    let mut request = BacklinksRequest::new(TARGET);
    request.offset = Some(20_001);
    assert_eq!(field(b.backlinks(&request).await.unwrap_err()), "offset");
    let many: Vec<String> = (0..21).map(|n| format!("site{n}.com")).collect();
    let request = DomainIntersectionRequest::new(many.clone());
    assert_eq!(field(b.domain_intersection(&request).await.unwrap_err()), "targets");
    let request = DomainIntersectionRequest {
        exclude_targets: Some(many[..11].to_vec()),
        ..DomainIntersectionRequest::new(["a.com", "b.com"])
    };
    assert_eq!(field(b.domain_intersection(&request).await.unwrap_err()), "exclude_targets");
    let request = BulkRanksRequest::new((0..1001).map(|n| format!("site{n}.com")));
    assert_eq!(field(b.bulk_ranks(&request).await.unwrap_err()), "targets");
    let request = BulkPagesSummaryRequest::new((0..101).map(|n| format!("https://site{n}.com/")));
    assert_eq!(field(b.bulk_pages_summary(&request).await.unwrap_err()), "targets");

    let server = h.server().unwrap();
    assert_eq!(server.requests(), 0, "nothing reached the server");
    assert_eq!(h.client.ledger().calls, 0);
    assert_usd(server.balance(), 100.0, "nothing was charged");
}

#[tokio::test]
async fn the_server_answers_40501_naming_the_field_when_validation_is_bypassed() {
    let h = loopback_harness().await;
    eprintln!("contract mode: {}", h.mode);
    let server = h.server().unwrap();
    let many: Vec<String> = (0..21).map(|n| format!("site{n}.com")).collect();
    let keyed: serde_json::Map<String, Value> =
        many.iter().enumerate().map(|(n, target)| ((n + 1).to_string(), json!(target))).collect();
    let nine: Vec<Value> =
        (0..9).flat_map(|n| [json!(["backlinks", ">", n]), json!("and")]).take(17).collect();
    let cases = [
        ("referring_domains/live", json!({ "target": TARGET, "limit": 1001 }), "limit"),
        ("referring_domains/live", json!({ "target": TARGET, "filters": nine }), "filters"),
        (
            "referring_domains/live",
            json!({ "target": TARGET, "order_by": ["rank,desc", "backlinks,desc", "first_seen,asc", "referring_pages,desc"] }),
            "order_by",
        ),
        (
            "referring_domains/live",
            json!({ "target": TARGET, "internal_list_limit": 1001 }),
            "internal_list_limit",
        ),
        ("backlinks/live", json!({ "target": TARGET, "offset": 20_001 }), "offset"),
        ("summary/live", json!({ "target": TARGET, "tag": "x".repeat(256) }), "tag"),
        ("domain_intersection/live", json!({ "targets": keyed }), "targets"),
        (
            "domain_intersection/live",
            json!({ "targets": { "1": "a.com" }, "exclude_targets": many[..11] }),
            "exclude_targets",
        ),
        (
            "bulk_ranks/live",
            json!({ "targets": (0..1001).map(|n| format!("s{n}.com")).collect::<Vec<_>>() }),
            "targets",
        ),
        (
            "bulk_pages_summary/live",
            json!({ "targets": (0..101).map(|n| format!("https://s{n}.com/")).collect::<Vec<_>>() }),
            "targets",
        ),
        ("backlinks/live", json!({ "target": TARGET, "mode": "one_per_page" }), "mode"),
    ];
    for (path, task, field) in cases {
        let answer: Value = raw_client()
            .post(format!("{}/v3/backlinks/{path}", server.url()))
            .basic_auth("demo", Some("demo"))
            .json(&json!([task]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["status_code"], 20000, "{path} {field}: request level");
        let task = &answer["tasks"][0];
        assert_eq!(task["status_code"], 40501, "{path} {field}: {task}");
        assert_eq!(task["status_message"], format!("Invalid Field: '{field}'."), "{path}");
        assert_eq!(answer["cost"], json!(0.0), "{path} {field}: a refused task is free");
    }
    assert_usd(server.balance(), 100.0, "nothing was charged");
}
