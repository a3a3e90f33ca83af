//! Engine benchmark: indexing a generated world of about 1,000,000 backlinks (timed once), and
//! 1,000-row pages of every heavy endpoint (criterion).
//!
//! The world comes from the deterministic generator (`linkgap_world::generate`), sized so that it holds
//! about a million rows; nothing is read from disk or the network.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use linkgap_mock::{Engine, EngineConfig};
use linkgap_world::{GenConfig, World, generate};
use serde_json::{Map, Value, json};

/// Generator sites for about 1,000,000 rows (about 4 rows per site).
const SITES: usize = 250_000;

#[expect(clippy::print_stderr, reason = "the bench reports generation time on stderr")]
fn world() -> World {
    let started = Instant::now();
    let world = generate(&GenConfig { size: SITES, ..GenConfig::default() }).world;
    eprintln!("generated {} backlinks in {:.2?}", world.backlinks.len(), started.elapsed());
    world
}

fn task(value: Value) -> Map<String, Value> {
    let Value::Object(map) = value else { unreachable!("the bench tasks are objects") };
    map
}

#[expect(clippy::print_stderr, reason = "the bench reports world size and index time on stderr")]
fn bench_engine(criterion: &mut Criterion) {
    let world = world();
    let config = GenConfig::default();
    let target = config.target.clone();
    let rivals = config.competitors.clone();
    // Indexing a million rows takes seconds, too long for criterion's ten samples on a shared
    // machine: it is timed once here (the clone of the world is not counted).
    let started = Instant::now();
    let engine = Engine::new(world, EngineConfig::default());
    eprintln!("indexed {} backlinks in {:.2?}", engine.backlink_count(), started.elapsed());
    let cases = [
        ("backlinks_1000", "backlinks", json!({"target": target, "limit": 1000})),
        (
            "backlinks_1000_filtered",
            "backlinks",
            json!({"target": target, "limit": 1000, "filters": [["dofollow", "=", true], "and", ["anchor", "ilike", "%gear%"]],
                   "order_by": ["domain_from_rank,desc", "first_seen,asc"]}),
        ),
        (
            "backlinks_one_per_domain_1000",
            "backlinks",
            json!({"target": target, "limit": 1000, "mode": "one_per_domain"}),
        ),
        (
            "backlinks_1000_offset_5000",
            "backlinks",
            json!({"target": target, "limit": 1000, "offset": 5000}),
        ),
        ("referring_domains_1000", "referring_domains", json!({"target": target, "limit": 1000})),
        (
            "referring_domains_1000_by_backlinks",
            "referring_domains",
            json!({"target": target, "limit": 1000, "order_by": ["backlinks,desc"]}),
        ),
        ("anchors_1000", "anchors", json!({"target": target, "limit": 1000})),
        ("domain_pages_1000", "domain_pages", json!({"target": target, "limit": 1000})),
        (
            "domain_pages_summary_1000",
            "domain_pages_summary",
            json!({"target": target, "limit": 1000}),
        ),
        ("summary", "summary", json!({"target": target})),
        (
            "domain_intersection_1000",
            "domain_intersection",
            json!({"targets": {"1": rivals[0], "2": rivals[1], "3": rivals[2]}, "exclude_targets": [target], "limit": 1000}),
        ),
        // Ten-row pages: the same selection work with little JSON to write, which shows how much of a
        // 1,000-row call is writing its items rather than finding the rows.
        ("backlinks_10", "backlinks", json!({"target": target, "limit": 10})),
        ("referring_domains_10", "referring_domains", json!({"target": target, "limit": 10})),
        ("domain_pages_10", "domain_pages", json!({"target": target, "limit": 10})),
        (
            "domain_intersection_10",
            "domain_intersection",
            json!({"targets": {"1": rivals[0], "2": rivals[1], "3": rivals[2]}, "exclude_targets": [target], "limit": 10}),
        ),
        (
            "referring_domains_1000_filtered",
            "referring_domains",
            json!({"target": target, "limit": 1000, "filters": ["backlinks", ">", 1],
                   "order_by": ["first_seen,asc"]}),
        ),
        (
            "anchors_by_referring_domains",
            "anchors",
            json!({"target": target, "limit": 1000, "order_by": ["referring_domains,desc"]}),
        ),
        (
            "domain_pages_summary_1000_by_first_seen",
            "domain_pages_summary",
            json!({"target": target, "limit": 1000, "order_by": ["first_seen,asc"]}),
        ),
        ("competitors", "competitors", json!({"target": target, "limit": 1000})),
        (
            "competitors_filtered",
            "competitors",
            json!({"target": target, "limit": 1000, "filters": ["intersections", ">", 10],
                   "order_by": ["rank,desc"]}),
        ),
        ("timeseries_month", "timeseries_summary", json!({"target": target})),
        ("timeseries_day", "timeseries_summary", json!({"target": target, "group_range": "day"})),
        ("timeseries_new_lost_month", "timeseries_new_lost_summary", json!({"target": target})),
        ("history", "history", json!({"target": target})),
        ("bulk_ranks_1000", "bulk_ranks", json!({"targets": vec![target.clone(); 1000]})),
    ];
    let mut group = criterion.benchmark_group("query");
    group.sample_size(10);
    for (name, function, body) in cases {
        let body = task(body);
        let started = Instant::now();
        let result = engine.execute(function, &body).expect("the bench queries are valid");
        let elapsed = started.elapsed();
        eprintln!("{name}: {} billed items, first call {elapsed:.2?}", result.billed_items);
        group.bench_function(name, |bencher| {
            bencher.iter(|| black_box(engine.execute(function, &body)));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_engine);
criterion_main!(benches);
