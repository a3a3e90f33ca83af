//! Engine tests over a small hand-written world whose expected values are worked out by hand.
//!
//! The world: `target.com` (with `blog.target.com`), `rival.com`, `other.co.uk`.
//!
//! | # | source host → page | linked URL | notes |
//! |---|---|---|---|
//! | 1 | blog.alpha.com/post | target.com/ | "best tools", rank 100, dfr 400, ip 10.0.0.1, 2025-01-10 |
//! | 2 | www.alpha.com/p2 | target.com/page | "Target", nofollow, rank 50, ip 10.0.0.2, 2025-02-05 |
//! | 3 | news.beta.co.uk/a | target.com/ | "best tools", rank 200, dfr 600, ip 10.0.1.5, 2025-03-01 |
//! | 4 | me.blogspot.com/x | blog.target.com/post | "casino bonus", rank 10, ugc, spam 90, ip 10.0.1.6, 2025-01-20 |
//! | 5 | you.blogspot.com/i | target.com/ | image, no anchor, lost 2025-04-01, first 2025-02-15 |
//! | 6 | blog.target.com/self | target.com/ | internal |
//! | 7 | blog.alpha.com/post | rival.com/ | 2025-01-15 |
//! | 8 | news.beta.co.uk/b | rival.com/ | 2025-03-05 |
//! | 9 | gamma.org/z | rival.com/ | 2025-02-01 |
//! | 10 | gamma.org/z | other.co.uk/x | 2025-02-02 |
//! | 11 | news.beta.co.uk/a | other.co.uk/ | 2025-03-06 |
//! | 12 | delta.net/y | target.com/page | "Target", rank 300, dfr 700, broken, ip 10.0.0.3, 2025-04-10 |

use chrono::{Datelike, NaiveDate};
use linkgap_world::{World, WorldBacklink, WorldDomain};
use serde_json::{Map, Value, json};

use super::aggregate::{Group, GroupItem, GroupView, group_rows};
use super::backlinks::BacklinkItem;
use super::intersection::{DomainIntersectionItem, InterView, Referrer, item_json};
use super::profile::{PageGroup, PageSources, domain_page};
use super::{
    Agg, AggOutput, BacklinkView, Engine, EngineConfig, RankFrom, Scale, Scope, Scratch, Status,
    Target, TaskError, target_rows,
};

#[expect(clippy::too_many_arguments, reason = "one table row of the test world per call")]
fn link(
    from: &str,
    page: &str,
    to_url: &str,
    anchor: Option<&str>,
    rank: u32,
    domain_from_rank: u32,
    ip: Option<&str>,
    first_seen: &str,
) -> WorldBacklink {
    let domain_to = crate::index::url_host(to_url).unwrap();
    WorldBacklink {
        domain_from: from.to_owned(),
        url_from: format!("https://{from}/{page}"),
        domain_to,
        url_to: to_url.to_owned(),
        anchor: anchor.map(str::to_owned),
        rank,
        domain_from_rank,
        page_from_rank: rank,
        domain_from_ip: ip.map(str::to_owned),
        first_seen: Some(format!("{first_seen} 12:00:00 +00:00")),
        last_seen: Some("2025-04-20 08:00:00 +00:00".to_owned()),
        ..WorldBacklink::default()
    }
}

fn world() -> World {
    let mut rows = vec![
        link(
            "blog.alpha.com",
            "post",
            "https://target.com/",
            Some("best tools"),
            100,
            400,
            Some("10.0.0.1"),
            "2025-01-10",
        ),
        WorldBacklink {
            dofollow: false,
            attributes: Some(vec!["nofollow".into()]),
            backlink_spam_score: 20,
            ..link(
                "www.alpha.com",
                "p2",
                "https://target.com/page",
                Some("Target"),
                50,
                400,
                Some("10.0.0.2"),
                "2025-02-05",
            )
        },
        link(
            "news.beta.co.uk",
            "a",
            "https://target.com/",
            Some("best tools"),
            200,
            600,
            Some("10.0.1.5"),
            "2025-03-01",
        ),
        WorldBacklink {
            attributes: Some(vec!["ugc".into()]),
            backlink_spam_score: 90,
            ..link(
                "me.blogspot.com",
                "x",
                "https://blog.target.com/post",
                Some("casino bonus"),
                10,
                50,
                Some("10.0.1.6"),
                "2025-01-20",
            )
        },
        WorldBacklink {
            is_lost: true,
            item_type: Some("image".into()),
            last_seen: Some("2025-04-01 00:00:00 +00:00".into()),
            ..link(
                "you.blogspot.com",
                "i",
                "https://target.com/",
                None,
                30,
                100,
                Some("10.0.2.1"),
                "2025-02-15",
            )
        },
        link(
            "blog.target.com",
            "self",
            "https://target.com/",
            Some("home"),
            5,
            200,
            Some("10.9.9.9"),
            "2025-01-01",
        ),
        link(
            "blog.alpha.com",
            "post",
            "https://rival.com/",
            Some("rival"),
            90,
            400,
            Some("10.0.0.1"),
            "2025-01-15",
        ),
        link(
            "news.beta.co.uk",
            "b",
            "https://rival.com/",
            Some("rival"),
            150,
            600,
            Some("10.0.1.5"),
            "2025-03-05",
        ),
        link(
            "gamma.org",
            "z",
            "https://rival.com/",
            Some("rival"),
            80,
            300,
            Some("10.0.3.1"),
            "2025-02-01",
        ),
        link(
            "gamma.org",
            "z",
            "https://other.co.uk/x",
            Some("other"),
            70,
            300,
            Some("10.0.3.1"),
            "2025-02-02",
        ),
        link(
            "news.beta.co.uk",
            "a",
            "https://other.co.uk/",
            Some("other"),
            150,
            600,
            Some("10.0.1.5"),
            "2025-03-06",
        ),
        WorldBacklink {
            is_broken: true,
            ..link(
                "delta.net",
                "y",
                "https://target.com/page",
                Some("Target"),
                300,
                700,
                Some("10.0.0.3"),
                "2025-04-10",
            )
        },
    ];
    rows[0].semantic_location = Some("article".into());
    let domains = vec![WorldDomain {
        domain: "target.com".into(),
        rank: Some(456),
        spam_score: Some(3),
        server: Some("nginx".into()),
        ..WorldDomain::default()
    }];
    World { backlinks: rows, domains }
}

fn engine() -> Engine {
    let today = NaiveDate::from_ymd_opt(2025, 4, 30).unwrap();
    Engine::new(world(), EngineConfig { today, clock: Some(today) })
}

fn task(value: Value) -> Map<String, Value> {
    let Value::Object(map) = value else { panic!("a task is a JSON object") };
    map
}

fn run(engine: &Engine, function: &str, body: Value) -> Value {
    engine.execute(function, &task(body)).unwrap().value().unwrap()
}

fn fail(engine: &Engine, function: &str, body: Value) -> TaskError {
    engine.execute(function, &task(body)).unwrap_err()
}

fn strings(items: &Value, field: &str) -> Vec<String> {
    items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap_or("<null>").to_owned())
        .collect()
}

#[test]
fn referring_domains_total_counts_main_domains() {
    let engine = engine();
    let result = run(&engine, "referring_domains", json!({"target": "target.com"}));
    assert_eq!(result["items_count"], 5);
    assert_eq!(result["total_count"], 4, "alpha.com's two hosts count once");
    let mut domains = strings(&result, "domain");
    domains.sort();
    assert_eq!(
        domains,
        ["blog.alpha.com", "delta.net", "me.blogspot.com", "news.beta.co.uk", "www.alpha.com"]
    );
    let all = run(
        &engine,
        "referring_domains",
        json!({"target": "target.com", "backlinks_status_type": "all"}),
    );
    assert_eq!((all["items_count"].as_u64(), all["total_count"].as_u64()), (Some(6), Some(5)));
    let lost = run(
        &engine,
        "referring_domains",
        json!({"target": "target.com", "backlinks_status_type": "lost"}),
    );
    assert_eq!(strings(&lost, "domain"), ["you.blogspot.com"]);
    assert!(lost["items"][0]["lost_date"].as_str().unwrap().starts_with("2025-04-01"));
    let no_subdomains = run(
        &engine,
        "referring_domains",
        json!({"target": "target.com", "include_subdomains": false}),
    );
    assert_eq!(no_subdomains["total_count"], 3, "the blog.target.com link is left out");
    let internal = run(
        &engine,
        "referring_domains",
        json!({"target": "target.com", "exclude_internal_backlinks": false, "order_by": ["domain,asc"]}),
    );
    assert_eq!(strings(&internal, "domain")[0], "blog.alpha.com");
    assert!(strings(&internal, "domain").contains(&"blog.target.com".to_owned()));
}

#[test]
fn referring_domain_rows_carry_their_aggregates() {
    let engine = engine();
    let result = run(
        &engine,
        "referring_domains",
        json!({"target": "target.com", "order_by": ["rank,desc"]}),
    );
    let first = &result["items"][0];
    assert_eq!(first["domain"], "delta.net");
    assert_eq!(first["rank"], 700);
    assert_eq!(first["type"], "backlinks_referring_domain");
    assert_eq!(first["broken_backlinks"], 1);
    assert_eq!(first["referring_pages"], 1);
    let www = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["domain"] == "www.alpha.com")
        .unwrap();
    assert_eq!(www["referring_domains_nofollow"], 1);
    assert_eq!(www["referring_links_attributes"], json!({"nofollow": 1}));
    assert_eq!(www["backlinks_spam_score"], 20);
    let filtered = run(
        &engine,
        "referring_domains",
        json!({"target": "target.com", "filters": [["referring_links_attributes.ugc", ">", 0]]}),
    );
    assert_eq!(strings(&filtered, "domain"), ["me.blogspot.com"]);
}

#[test]
fn single_aggregate_fields_equal_the_full_aggregates() {
    let engine = Engine::new(linkgap_world::demo_world(), EngineConfig::default());
    let index = &engine.index;
    let rows = target_rows(index, &Target::Domain("trailpeak.com".into()), Scope::DEFAULT);
    let mut lost = target_rows(
        index,
        &Target::Domain("trailpeak.com".into()),
        Scope { status: super::Status::Lost, ..Scope::DEFAULT },
    );
    lost.truncate(3);
    let mut ids = Vec::new();
    let mut groups: Vec<&[u32]> = rows.chunks(7).collect();
    groups.extend([&lost[..], &rows[..1], &rows[..]]);
    for group in groups {
        for rank_from in [RankFrom::Passed, RankFrom::SourceDomain] {
            let agg = Agg::compute(index, group, rank_from, &mut Scratch::default());
            for scale in [Scale::Thousand, Scale::Hundred] {
                for (path, _) in super::fields::AGGREGATE_FIELDS {
                    let alone = Agg::field_value(index, group, rank_from, path, scale, &mut ids);
                    let alone = format!("{:?}", alone.expect("a head or count field"));
                    assert_eq!(alone, format!("{:?}", agg.value(index, path, scale)), "{path}");
                }
                assert!(
                    Agg::field_value(
                        index,
                        group,
                        rank_from,
                        "referring_links_tld.com",
                        scale,
                        &mut ids
                    )
                    .is_none()
                );
            }
        }
    }
}

#[test]
fn backlink_items_written_as_text_match_their_json_values() {
    let engine = engine();
    for row in 0..u32::try_from(engine.backlink_count()).unwrap() {
        for (scale, group_count) in [(Scale::Thousand, 0), (Scale::Hundred, 3)] {
            let view = BacklinkView { index: &engine.index, row, scale, group_count };
            let text = serde_json::to_string(&BacklinkItem(view)).unwrap();
            let value = serde_json::to_string(&view.to_json("backlink", None)).unwrap();
            assert_eq!(text, value, "row {row}");
        }
    }
}

#[test]
fn group_items_written_as_text_match_their_json_values() {
    let engine = engine();
    let index = &engine.index;
    let rows: Vec<u32> = (0..u32::try_from(engine.backlink_count()).unwrap()).collect();
    let keys: [fn(&crate::index::Row) -> u32; 2] = [|row| row.from_host, |row| row.anchor];
    for key in keys {
        let groups =
            group_rows(index, &rows, |row| key(&index.rows[row as usize]), None, RankFrom::Passed);
        assert!(groups.len() > 3);
        for group in &groups {
            for (scale, list_limit, with_spam) in
                [(Scale::Thousand, 10, true), (Scale::Hundred, 1, false)]
            {
                let view =
                    || GroupView { index, group, key_field: "domain", item_type: "x", scale };
                let options = AggOutput { scale, list_limit, with_spam };
                let text = serde_json::to_string(&GroupItem { view: view(), options }).unwrap();
                let value = serde_json::to_string(&view().to_json(&options)).unwrap();
                assert_eq!(text, value);
            }
        }
    }
}

#[test]
fn domain_page_items_written_as_text_match_their_json_values() {
    let mut world = world();
    world.backlinks.push(WorldBacklink {
        page_from_title: Some("Our \"page\"".into()),
        page_from_language: Some("en".into()),
        page_from_encoding: Some("utf-8".into()),
        page_from_internal_links: Some(12),
        alt: Some("logo".into()),
        ..link("target.com", "page", "https://rival.com/", None, 1, 1, None, "2025-01-05")
    });
    world.domains[0].cms = Some("WordPress".into());
    world.domains[0].platform_type = Some(vec!["ecommerce".into(), "blogs".into()]);
    let mut longest_map = 0;
    for world in [world, linkgap_world::demo_world()] {
        let engine = Engine::new(world, EngineConfig::default());
        let index = &engine.index;
        let rows: Vec<u32> = (0..u32::try_from(engine.backlink_count()).unwrap()).collect();
        let mut groups =
            group_rows(index, &rows, |row| index.rows[row as usize].url_to, None, RankFrom::Passed);
        assert!(groups.len() > 3);
        // One more group of every row, whose breakdown maps are long.
        let every_row = Agg::compute(index, &rows, RankFrom::Passed, &mut Scratch::default());
        longest_map = longest_map.max(every_row.maps.iter().map(Vec::len).max().unwrap());
        let all = Group { key: groups[0].key, rows: rows.clone(), agg: every_row };
        groups.push(all);
        let mut sources = PageSources::default();
        for group in &groups {
            for (scale, list_limit) in
                [(Scale::Thousand, 10), (Scale::Hundred, 1), (Scale::Thousand, 1000)]
            {
                let output = AggOutput { scale, list_limit, with_spam: true };
                for visits in [None, Some((Some(1_700_000_000), None))] {
                    let group = PageGroup { key: group.key, rows: &group.rows, agg: &group.agg };
                    let page = domain_page(index, group, output, &mut sources, visits);
                    let text = serde_json::to_string(&page).unwrap();
                    let value = serde_json::to_string(&page.to_json()).unwrap();
                    assert_eq!(text, value);
                }
            }
        }
    }
    assert!(longest_map > 16, "a breakdown map too long to sort on the stack is covered");
}

#[test]
fn domain_intersection_items_written_as_text_match_their_json_values() {
    let demo = ["trailpeak.com", "summitgear.co.uk", "ridgeline-outdoors.com"];
    let small = ["target.com", "rival.com", "other.co.uk"];
    // Keys whose text order ("10" < "3" < "7") differs from their numeric order.
    let keys = [3, 10, 7];
    for (world, targets) in [(world(), small), (linkgap_world::demo_world(), demo)] {
        let engine = Engine::new(world, EngineConfig::default());
        let index = &engine.index;
        let mut tuples: Vec<(u32, usize, u32)> = Vec::new();
        for (position, target) in targets.iter().enumerate() {
            let target = Target::Domain((*target).to_owned());
            for row in target_rows(index, &target, Scope::DEFAULT) {
                tuples.push((index.rows[row as usize].from_host, position, row));
            }
        }
        tuples.sort_unstable();
        let mut shared = 0;
        for chunk in tuples.chunk_by(|left, right| left.0 == right.0) {
            let per_target: Vec<(usize, Vec<u32>)> = chunk
                .chunk_by(|left, right| left.1 == right.1)
                .map(|part| (part[0].1, part.iter().map(|(_, _, row)| *row).collect()))
                .collect();
            shared += usize::from(per_target.len() > 1);
            let mut scratch = Scratch::default();
            let aggs: Vec<Agg> = per_target
                .iter()
                .map(|(_, rows)| Agg::compute(index, rows, RankFrom::Passed, &mut scratch))
                .collect();
            for aggs in [Vec::new(), aggs] {
                let referrer = Referrer { key: chunk[0].0, per_target: per_target.clone(), aggs };
                for (scale, list_limit) in
                    [(Scale::Thousand, 10), (Scale::Hundred, 1), (Scale::Thousand, 1000)]
                {
                    let output = AggOutput { scale, list_limit, with_spam: true };
                    let view = InterView {
                        index,
                        referrer: &referrer,
                        keys: &keys,
                        scale,
                        by_page: false,
                    };
                    let item =
                        DomainIntersectionItem::new(index, &referrer, &keys, output, &mut scratch);
                    let text = serde_json::to_string(&item).unwrap();
                    let value = serde_json::to_string(&item_json(&view, &output)).unwrap();
                    assert_eq!(text, value);
                }
            }
        }
        assert!(shared > 0, "some referring hosts link to two targets");
    }
}

#[test]
fn results_written_as_text_have_the_key_order_of_json_values() {
    let engine = Engine::new(linkgap_world::demo_world(), EngineConfig::default());
    let calls = [
        ("domain_pages", json!({"target": "trailpeak.com", "limit": 20})),
        ("domain_pages", json!({"target": "trailpeak.com", "order_by": ["page,asc"]})),
        (
            "domain_intersection",
            json!({"targets": {"3": "summitgear.co.uk", "10": "ridgeline-outdoors.com"},
                   "exclude_targets": ["trailpeak.com"], "limit": 20}),
        ),
        (
            "domain_intersection",
            json!({"targets": {"3": "summitgear.co.uk", "10": "ridgeline-outdoors.com"},
                   "order_by": ["10.backlinks,desc"]}),
        ),
        ("competitors", json!({"target": "trailpeak.com", "limit": 20})),
        (
            "competitors",
            json!({"target": "trailpeak.com", "filters": ["intersections", ">", 1],
                   "order_by": ["rank,desc"], "exclude_large_domains": false}),
        ),
    ];
    for (function, body) in calls {
        let execution = engine.execute(function, &task(body.clone())).unwrap();
        let text = execution.result.as_ref().unwrap().get();
        let value = execution.value().unwrap();
        assert!(value["items_count"].as_u64().unwrap() > 0, "{function} {body}");
        assert_eq!(text, serde_json::to_string(&value).unwrap(), "{function} {body}");
    }
}

#[test]
fn backlinks_results_read_back_as_the_written_json() {
    let engine = engine();
    let execution =
        engine.execute("backlinks", &task(json!({"target": "target.com", "limit": 2}))).unwrap();
    let text = execution.result.as_ref().unwrap().get();
    let value = execution.value().unwrap();
    assert_eq!(text, serde_json::to_string(&value).unwrap());
    assert_eq!(value["items_count"], 2);
    assert_eq!(value["items"][0]["type"], "backlink");
    assert!(value["search_after_token"].is_string());
}

#[test]
fn rank_scale_divides_ranks_and_rank_filters() {
    let engine = engine();
    let hundred = run(
        &engine,
        "backlinks",
        json!({"target": "target.com", "rank_scale": "one_hundred", "filters": ["rank", ">", 25]}),
    );
    assert_eq!(hundred["total_count"], 1);
    assert_eq!(hundred["items"][0]["rank"], 30);
    assert_eq!(hundred["items"][0]["domain_from_rank"], 70);
    let thousand =
        run(&engine, "backlinks", json!({"target": "target.com", "filters": ["rank", ">", 25]}));
    assert_eq!(thousand["total_count"], 4);
    let summary =
        run(&engine, "summary", json!({"target": "target.com", "rank_scale": "one_hundred"}));
    assert_eq!(summary["rank"], 46);
}

#[test]
fn backlinks_order_modes_and_group_counts() {
    let engine = engine();
    let result = run(&engine, "backlinks", json!({"target": "target.com"}));
    let ranks: Vec<u64> = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, [300, 200, 100, 50, 10], "default order is rank desc");
    assert_eq!(result["mode"], "as_is");
    assert_eq!(result["custom_mode"], Value::Null);
    assert_eq!(result["items"][0]["group_count"], 0);
    let per_anchor =
        run(&engine, "backlinks", json!({"target": "target.com", "mode": "one_per_anchor"}));
    assert_eq!(per_anchor["total_count"], 3);
    assert_eq!(per_anchor["items"][0]["anchor"], "Target");
    assert_eq!(per_anchor["items"][0]["rank"], 300);
    assert_eq!(per_anchor["items"][0]["group_count"], 2);
    let per_domain = run(
        &engine,
        "backlinks",
        json!({"target": "target.com", "mode": "one_per_domain", "backlinks_status_type": "all",
               "exclude_internal_backlinks": false}),
    );
    assert_eq!(per_domain["total_count"], 7);
    let custom = run(
        &engine,
        "backlinks",
        json!({"target": "target.com", "custom_mode": {"field": "anchor", "value": 1}, "order_by": ["rank,asc"]}),
    );
    assert_eq!(custom["total_count"], 3);
    assert_eq!(custom["items"][0]["anchor"], "casino bonus");
    assert_eq!(custom["custom_mode"]["field"], "anchor");
    let ordered = run(
        &engine,
        "backlinks",
        json!({"target": "target.com", "order_by": ["anchor,asc", "rank,asc"], "limit": 2, "offset": 1}),
    );
    assert_eq!(strings(&ordered, "anchor"), ["Target", "best tools"]);
    assert_eq!(ordered["items"][0]["rank"], 300);
}

#[test]
fn page_targets_match_the_exact_url() {
    let engine = engine();
    let result = run(&engine, "backlinks", json!({"target": "https://target.com/page"}));
    assert_eq!(result["total_count"], 2);
    let summary = run(&engine, "summary", json!({"target": "https://target.com/page"}));
    assert_eq!(summary["backlinks"], 2);
    assert_eq!(summary["rank"], 300);
    assert_eq!(summary["broken_backlinks"], 1);
}

#[test]
fn search_after_token_covers_every_row_once() {
    let engine = engine();
    let query = json!({"target": "target.com", "backlinks_status_type": "all", "exclude_internal_backlinks": false,
                       "limit": 2});
    let mut seen = Vec::new();
    let mut body = query.clone();
    let mut pages = 0;
    loop {
        let result = run(&engine, "backlinks", body.clone());
        pages += 1;
        seen.extend(strings(&result, "url_from").into_iter().zip(strings(&result, "url_to")));
        match result["search_after_token"].as_str() {
            Some(token) => {
                body = query.clone();
                body["search_after_token"] = json!(token);
            }
            None => break,
        }
        assert!(pages < 10);
    }
    assert_eq!(pages, 4);
    assert_eq!(seen.len(), 7);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 7);
    let first = run(&engine, "backlinks", query.clone());
    let mut other = json!({"target": "rival.com", "limit": 2});
    other["search_after_token"] = first["search_after_token"].clone();
    assert_eq!(fail(&engine, "backlinks", other).message, "Invalid Field: 'search_after_token'.");
}

#[test]
fn anchors_group_rows_and_filter_by_like() {
    let engine = engine();
    let result =
        run(&engine, "anchors", json!({"target": "target.com", "order_by": ["anchor,asc"]}));
    assert_eq!(strings(&result, "anchor"), ["Target", "best tools", "casino bonus"]);
    assert_eq!(result["items"][1]["backlinks"], 2);
    assert_eq!(result["items"][1]["referring_main_domains"], 2);
    let filtered = run(
        &engine,
        "anchors",
        json!({"target": "target.com", "filters": ["anchor", "like", "%tools"]}),
    );
    assert_eq!(strings(&filtered, "anchor"), ["best tools"]);
    let dofollow_only = run(
        &engine,
        "anchors",
        json!({"target": "target.com", "backlinks_filters": [["dofollow", "=", false]]}),
    );
    assert_eq!(strings(&dofollow_only, "anchor"), ["Target"]);
    assert_eq!(dofollow_only["items"][0]["backlinks"], 1);
}

#[test]
fn referring_networks_by_ip_and_subnet() {
    let engine = engine();
    let ips = run(&engine, "referring_networks", json!({"target": "target.com"}));
    assert_eq!(ips["total_count"], 5);
    let subnets = run(
        &engine,
        "referring_networks",
        json!({"target": "target.com", "network_address_type": "subnet", "order_by": ["network_address,asc"]}),
    );
    assert_eq!(strings(&subnets, "network_address"), ["10.0.0.0", "10.0.1.0"]);
    assert_eq!(subnets["items"][0]["referring_domains"], 3);
    assert!(subnets["items"][0].get("backlinks_spam_score").is_none());
}

#[test]
fn pages_endpoints_group_by_linked_url() {
    let engine = engine();
    let summary = run(
        &engine,
        "domain_pages_summary",
        json!({"target": "target.com", "order_by": ["url,asc"]}),
    );
    assert_eq!(
        strings(&summary, "url"),
        ["https://blog.target.com/post", "https://target.com/", "https://target.com/page"]
    );
    let pages = run(
        &engine,
        "domain_pages",
        json!({"target": "target.com", "filters": ["page_summary.backlinks", ">", 1]}),
    );
    assert_eq!(pages["total_count"], 2);
    assert_eq!(pages["items"][0]["page_summary"]["backlinks"], 2);
    assert_eq!(pages["items"][0]["main_domain"], "target.com");
    assert_eq!(
        fail(&engine, "domain_pages", json!({"target": "https://target.com/"})).message,
        "Invalid Field: 'target'."
    );
}

#[test]
fn summary_totals_and_null_for_unknown_targets() {
    let engine = engine();
    let summary = run(&engine, "summary", json!({"target": "target.com"}));
    assert_eq!(summary["backlinks"], 5);
    assert_eq!(summary["referring_domains"], 5);
    assert_eq!(summary["referring_main_domains"], 4);
    assert_eq!(summary["referring_domains_nofollow"], 1);
    assert_eq!(summary["broken_pages"], 1);
    assert_eq!(summary["referring_ips"], 5);
    assert_eq!(summary["referring_subnets"], 2);
    assert_eq!(summary["rank"], 456);
    assert_eq!(summary["info"]["server"], "nginx");
    assert_eq!(summary["first_seen"], "2025-01-10 12:00:00 +00:00");
    assert_eq!(summary["referring_links_types"], json!({"anchor": 5}));
    assert_eq!(summary["referring_links_semantic_locations"], json!({"": 4, "article": 1}));
    let capped = run(&engine, "summary", json!({"target": "target.com", "internal_list_limit": 1}));
    assert_eq!(capped["referring_links_semantic_locations"], json!({"": 4}));
    let empty = engine.execute("summary", &task(json!({"target": "nobody.example"}))).unwrap();
    assert_eq!(empty.value(), None);
    assert_eq!(empty.billed_items, 1);
}

#[test]
fn competitors_count_shared_referring_main_domains() {
    let engine = engine();
    let result = run(&engine, "competitors", json!({"target": "target.com"}));
    assert_eq!(strings(&result, "target"), ["rival.com", "other.co.uk"]);
    assert_eq!(result["items"][0]["intersections"], 2);
    assert_eq!(result["items"][1]["intersections"], 1);
    assert!(result.get("target").is_none());
    let filtered = run(
        &engine,
        "competitors",
        json!({"target": "target.com", "filters": ["intersections", ">", 1]}),
    );
    assert_eq!(filtered["total_count"], 1);
}

#[test]
fn domain_intersection_counts_and_excludes() {
    let engine = engine();
    let targets = json!({"1": "target.com", "2": "rival.com"});
    let result = run(&engine, "domain_intersection", json!({"targets": targets}));
    assert_eq!(result["total_count"], 6);
    assert_eq!(result["targets"], targets);
    let items = result["items"].as_array().unwrap();
    let shared: Vec<&Value> =
        items.iter().filter(|item| item["summary"]["intersections_count"] == 2).collect();
    assert_eq!(shared.len(), 2);
    assert_eq!(
        items[0]["summary"]["intersections_count"], 2,
        "default order puts shared referrers first"
    );
    for item in items {
        let keys: Vec<&String> = item["domain_intersection"].as_object().unwrap().keys().collect();
        assert_eq!(keys.len() as u64, item["summary"]["intersections_count"].as_u64().unwrap());
    }
    let alpha = items
        .iter()
        .find(|item| item["domain_intersection"]["1"]["target"] == "blog.alpha.com")
        .unwrap();
    assert_eq!(alpha["domain_intersection"]["2"]["target"], "blog.alpha.com");
    assert_eq!(alpha["domain_intersection"]["1"]["rank"], 100);
    assert_eq!(alpha["domain_intersection"]["2"]["rank"], 90);
    let at_least_two = run(
        &engine,
        "domain_intersection",
        json!({"targets": targets, "filters": ["intersections_count", ">=", 2]}),
    );
    assert_eq!(at_least_two["total_count"], 2);
    let partial = run(
        &engine,
        "domain_intersection",
        json!({"targets": targets, "intersection_mode": "partial"}),
    );
    assert_eq!(partial["total_count"], 2);
    let excluded = run(
        &engine,
        "domain_intersection",
        json!({"targets": targets, "exclude_targets": ["other.co.uk"]}),
    );
    assert_eq!(excluded["total_count"], 4, "gamma.org and news.beta.co.uk link to other.co.uk");
    let prefix = run(
        &engine,
        "domain_intersection",
        json!({"targets": targets, "exclude_targets": ["https://other.co.uk/x*"]}),
    );
    assert_eq!(prefix["total_count"], 5, "only gamma.org links under the prefix");
    let by_second = run(
        &engine,
        "domain_intersection",
        json!({"targets": targets, "filters": ["2.backlinks", ">=", 1], "order_by": ["2.rank,desc"]}),
    );
    assert_eq!(by_second["total_count"], 3);
    assert_eq!(by_second["items"][0]["domain_intersection"]["2"]["target"], "news.beta.co.uk");
}

#[test]
fn page_intersection_groups_by_referring_page() {
    let engine = engine();
    let result = run(
        &engine,
        "page_intersection",
        json!({"targets": {"1": "target.com", "2": "rival.com"}}),
    );
    assert_eq!(result["total_count"], 7);
    let first = &result["items"][0];
    assert_eq!(first["summary"]["intersections_count"], 2);
    assert_eq!(first["page_intersection"]["1"][0]["url_from"], "https://blog.alpha.com/post");
    assert_eq!(first["page_intersection"]["2"][0]["url_to"], "https://rival.com/");
    assert_eq!(first["page_intersection"]["1"][0]["type"], "backlinks_page_intersection");
    assert!(first["page_intersection"]["1"][0].get("image_url").is_none());
    let filtered = run(
        &engine,
        "page_intersection",
        json!({"targets": {"1": "target.com", "2": "rival.com"}, "filters": [["1.dofollow", "=", false]]}),
    );
    assert_eq!(filtered["total_count"], 1);
}

#[test]
fn timeseries_buckets_are_period_ends_with_zeros() {
    let engine = engine();
    let result = run(
        &engine,
        "timeseries_summary",
        json!({"target": "target.com", "date_from": "2024-12-01", "date_to": "2025-04-30", "group_range": "month"}),
    );
    let dates = strings(&result, "date");
    assert_eq!(dates[0], "2024-12-31 00:00:00 +00:00");
    assert_eq!(dates.len(), 5);
    let backlinks: Vec<u64> = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["backlinks"].as_u64().unwrap())
        .collect();
    assert_eq!(backlinks, [0, 2, 4, 5, 5]);
    assert_eq!(result["items"][0]["rank"], 0);
    assert_eq!(result["items"][4]["referring_domains"], 5);
    let new_lost = run(
        &engine,
        "timeseries_new_lost_summary",
        json!({"target": "target.com", "date_from": "2025-01-01", "date_to": "2025-04-30"}),
    );
    let april = &new_lost["items"][3];
    assert_eq!(
        (april["new_backlinks"].as_u64(), april["lost_backlinks"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (april["new_referring_domains"].as_u64(), april["lost_referring_domains"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(new_lost["items"][0]["new_backlinks"], 2);
    let days = run(
        &engine,
        "timeseries_summary",
        json!({"target": "target.com", "date_from": "2025-04-01", "date_to": "2025-04-07", "group_range": "day"}),
    );
    assert_eq!(days["items_count"], 7);
}

#[test]
fn history_reports_first_of_month_snapshots() {
    let engine = engine();
    let result =
        run(&engine, "history", json!({"target": "target.com", "date_from": "2025-01-01"}));
    let backlinks: Vec<u64> = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["backlinks"].as_u64().unwrap())
        .collect();
    assert_eq!(backlinks, [0, 2, 4, 4]);
    assert_eq!(result["items"][3]["date"], "2025-04-01 00:00:00 +00:00");
    assert_eq!(result["items"][3]["lost_referring_domains"], 1);
    assert_eq!(result["items"][2]["new_backlinks"], 2);
    assert_eq!(
        fail(&engine, "history", json!({"target": "https://target.com/"})).message,
        "Invalid Field: 'target'."
    );
}

#[test]
fn bulk_endpoints_echo_targets_and_cover_root_domains() {
    let engine = engine();
    let targets =
        json!(["target.com", "blog.target.com", "https://target.com/page", "nobody.example"]);
    let execution = engine.execute("bulk_backlinks", &task(json!({"targets": targets}))).unwrap();
    assert_eq!(execution.billed_items, 4);
    let result = execution.value().unwrap();
    let counts: Vec<u64> = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["backlinks"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [5, 5, 2, 0]);
    assert_eq!(strings(&result, "target")[2], "https://target.com/page");
    let referring = run(&engine, "bulk_referring_domains", json!({"targets": ["target.com"]}));
    assert_eq!(referring["items"][0]["referring_main_domains"], 4);
    let new_lost = run(
        &engine,
        "bulk_new_lost_backlinks",
        json!({"targets": ["target.com"], "date_from": "2025-03-15"}),
    );
    assert_eq!(
        (
            new_lost["items"][0]["new_backlinks"].as_u64(),
            new_lost["items"][0]["lost_backlinks"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let ranks =
        run(&engine, "bulk_ranks", json!({"targets": ["target.com"], "rank_scale": "one_hundred"}));
    assert_eq!(ranks["items"][0]["rank"], 46);
    let spam = run(&engine, "bulk_spam_score", json!({"targets": ["target.com", "rival.com"]}));
    assert_eq!(spam["items"][0]["spam_score"], 3);
    let pages = run(&engine, "bulk_pages_summary", json!({"targets": ["https://target.com/page"]}));
    assert_eq!(pages["total_count"], 1);
    assert_eq!(pages["items"][0]["backlinks"], 2);
    assert_eq!(pages["items"][0]["main_domain_rank"], 456);
}

#[test]
fn index_and_available_filters_are_free() {
    let engine = engine();
    let index = engine.execute("index", &Map::new()).unwrap();
    assert_eq!(index.billed_items, 0);
    let index = index.value().unwrap();
    assert_eq!(index["total_backlinks"], 11);
    assert_eq!(index["index_history"].as_array().unwrap().len(), 12);
    assert_eq!(index["index_history"][11]["date"], "2025-04-01");
    let filters = engine.execute("available_filters", &Map::new()).unwrap();
    assert_eq!(filters.billed_items, 0);
    let filters = filters.value().unwrap();
    assert_eq!(filters["backlinks"]["dofollow"], "bool");
    assert_eq!(filters["referring_domains"]["domain"], "str");
    assert_eq!(filters["domain_intersection"]["intersections_count"], "num");
}

#[test]
fn every_listed_filter_field_is_accepted() {
    let engine = engine();
    let filters = engine.execute("available_filters", &Map::new()).unwrap().value().unwrap();
    for (endpoint, fields) in filters.as_object().unwrap() {
        let body = if endpoint.ends_with("intersection") {
            json!({"targets": {"1": "target.com"}})
        } else {
            json!({"target": "target.com"})
        };
        for (field, ty) in fields.as_object().unwrap() {
            let (op, value) = match ty.as_str().unwrap() {
                "num" => (">=", json!(0)),
                "str" => ("like", json!("%")),
                "bool" => ("=", json!(true)),
                "time" => (">", json!("2000-01-01 00:00:00 +00:00")),
                _ => ("has", json!("x")),
            };
            let mut body = body.clone();
            body["filters"] = json!([field, op, value]);
            let outcome = engine.execute(endpoint, &task(body));
            assert!(outcome.is_ok(), "{endpoint}: filter on `{field}` rejected: {outcome:?}");
        }
    }
}

#[test]
fn validation_errors_name_the_field() {
    let engine = engine();
    let cases = [
        ("referring_domains", json!({"target": "target.com", "limit": 1001}), "limit"),
        ("backlinks", json!({"target": "target.com", "offset": 20_001}), "offset"),
        ("backlinks", json!({"target": "target.com", "mode": "all"}), "mode"),
        (
            "backlinks",
            json!({"target": "target.com", "custom_mode": {"field": "domain", "value": 2}}),
            "custom_mode",
        ),
        (
            "backlinks",
            json!({"target": "target.com", "custom_mode": {"field": "anchor", "value": 0}}),
            "custom_mode",
        ),
        (
            "backlinks",
            json!({"target": "target.com", "backlinks_status_type": "dead"}),
            "backlinks_status_type",
        ),
        ("backlinks", json!({"target": "target.com", "rank_scale": "one_ten"}), "rank_scale"),
        ("backlinks", json!({"target": "target.com", "filters": ["nope", "=", 1]}), "filters"),
        (
            "backlinks",
            json!({"target": "target.com", "filters": ["dofollow", "like", "x"]}),
            "filters",
        ),
        (
            "backlinks",
            json!({"target": "target.com", "filters": ["domain_from", "in", "a.com"]}),
            "filters",
        ),
        (
            "backlinks",
            json!({"target": "target.com", "order_by": ["rank,asc", "anchor,asc", "first_seen,asc", "domain_from,asc"]}),
            "order_by",
        ),
        ("backlinks", json!({"target": "target.com", "tag": "x".repeat(256)}), "tag"),
        ("backlinks", json!({"limit": 10}), "target"),
        (
            "referring_networks",
            json!({"target": "target.com", "network_address_type": "cidr"}),
            "network_address_type",
        ),
        (
            "timeseries_summary",
            json!({"target": "target.com", "group_range": "hour"}),
            "group_range",
        ),
        (
            "timeseries_summary",
            json!({"target": "target.com", "date_from": "2018-01-01"}),
            "date_from",
        ),
        (
            "domain_intersection",
            json!({"targets": {"1": "a.com"}, "intersection_mode": "some"}),
            "intersection_mode",
        ),
        ("domain_intersection", json!({"targets": {"0": "a.com"}}), "targets"),
        (
            "domain_intersection",
            json!({"targets": {"1": "a.com"}, "exclude_targets": vec!["b.com"; 11]}),
            "exclude_targets",
        ),
        ("bulk_backlinks", json!({"targets": vec!["a.com"; 1001]}), "targets"),
        ("bulk_backlinks", json!({"targets": []}), "targets"),
        (
            "anchors",
            json!({"target": "target.com", "internal_list_limit": 1001}),
            "internal_list_limit",
        ),
    ];
    for (function, body, field) in cases {
        let error = fail(&engine, function, body);
        assert_eq!(
            (error.code, error.message.as_str()),
            (40501, format!("Invalid Field: '{field}'.").as_str()),
            "{function}"
        );
    }
    let many: Map<String, Value> = (1..=21).map(|key| (key.to_string(), json!("a.com"))).collect();
    assert_eq!(
        fail(&engine, "domain_intersection", json!({"targets": many})).message,
        "Invalid Field: 'targets'."
    );
    let nine = json!([
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1],
        "and",
        ["rank", ">", 1]
    ]);
    assert_eq!(
        fail(&engine, "backlinks", json!({"target": "target.com", "filters": nine})).message,
        "Invalid Field: 'filters'."
    );
    let pages: Vec<String> = (0..101).map(|site| format!("https://site{site}.com/")).collect();
    assert_eq!(
        fail(&engine, "bulk_pages_summary", json!({"targets": pages})).message,
        "Invalid Field: 'targets'."
    );
}

#[test]
fn unknown_request_fields_are_refused_and_documented_ones_accepted() {
    let engine = engine();
    let error = fail(&engine, "bulk_backlinks", json!({"targets": ["a.com"], "limit": 5}));
    assert_eq!(error.code, 40506);
    assert!(
        engine
            .execute(
                "backlinks",
                &task(json!({"target": "target.com", "include_indirect_links": true}))
            )
            .is_ok()
    );
    assert_eq!(fail(&engine, "no_such_endpoint", json!({})).code, 40402);
}

#[test]
fn billed_items_follow_returned_items() {
    let engine = engine();
    let execution = engine
        .execute("referring_domains", &task(json!({"target": "target.com", "limit": 2})))
        .unwrap();
    assert_eq!(execution.billed_items, 2);
    let result = execution.value().unwrap();
    assert_eq!(result["items_count"], 2);
    assert_eq!(result["total_count"], 4);
    let beyond = engine
        .execute("referring_domains", &task(json!({"target": "target.com", "offset": 50})))
        .unwrap();
    assert_eq!(beyond.billed_items, 0);
}

#[test]
fn default_config_uses_the_latest_world_date() {
    let engine = Engine::new(world(), EngineConfig::default());
    assert_eq!(engine.today(), NaiveDate::from_ymd_opt(2025, 4, 20).unwrap());
    assert_eq!(EngineConfig::latest_in(&world()).today, engine.today());
}

#[test]
fn engine_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let engine = engine();
    assert_send_sync(&engine);
    let result = std::thread::scope(|scope| {
        scope.spawn(|| run(&engine, "summary", json!({"target": "rival.com"}))).join().unwrap()
    });
    assert_eq!(result["backlinks"], 3);
}

/// Default-parameter calls answered from the precomputed views equal the general path's answers.
fn assert_views_match_general_path(world: &World, calls: &[(&str, Value)]) {
    let config = EngineConfig {
        clock: Some(NaiveDate::from_ymd_opt(2025, 4, 30).unwrap()),
        ..EngineConfig::default()
    };
    let with_views = Engine::with_view_min_rows(world.clone(), config, 1);
    let general = Engine::with_view_min_rows(world.clone(), config, usize::MAX);
    for (function, body) in calls {
        let fast = with_views.execute(function, &task(body.clone()));
        let slow = general.execute(function, &task(body.clone()));
        assert_eq!(fast, slow, "{function} {body}");
        let fast = fast.unwrap_or_else(|error| panic!("{function} {body}: {error:?}"));
        assert!(fast.result.is_some(), "{function} {body}");
    }
}

fn default_calls(target: &str, rivals: &[&str], page: usize) -> Vec<(&'static str, Value)> {
    let mut calls = Vec::new();
    for offset in [0, page, 3 * page] {
        for mode in ["as_is", "one_per_domain", "one_per_anchor"] {
            calls.push((
                "backlinks",
                json!({"target": target, "limit": page, "offset": offset, "mode": mode}),
            ));
        }
        for function in ["anchors", "referring_domains", "domain_pages", "domain_pages_summary"] {
            calls.push((function, json!({"target": target, "limit": page, "offset": offset})));
        }
        let targets: Map<String, Value> = rivals
            .iter()
            .enumerate()
            .map(|(position, rival)| ((position + 1).to_string(), json!(rival)))
            .collect();
        for mode in ["all", "partial"] {
            calls.push((
                "domain_intersection",
                json!({"targets": targets, "exclude_targets": [target], "limit": page,
                       "offset": offset, "intersection_mode": mode}),
            ));
        }
        calls.push((
            "domain_intersection",
            json!({"targets": targets, "limit": page, "offset": offset}),
        ));
    }
    calls.push(("backlinks", json!({"target": target, "rank_scale": "one_hundred"})));
    calls.push(("summary", json!({"target": target})));
    calls.push((
        "summary",
        json!({"target": target, "rank_scale": "one_hundred", "internal_list_limit": 1000}),
    ));
    calls.push(("referring_domains", json!({"target": target, "rank_scale": "one_hundred"})));
    for options in [
        json!({}),
        json!({"limit": page, "offset": page}),
        json!({"exclude_large_domains": false, "rank_scale": "one_hundred"}),
        json!({"main_domain": false}),
        json!({"exclude_internal_backlinks": false}),
        json!({"filters": ["intersections", ">", 1], "order_by": ["target,asc"]}),
        json!({"order_by": ["rank,desc", "intersections,asc"], "limit": page}),
    ] {
        calls.push(("competitors", with_target(target, options)));
    }
    for options in [
        json!({}),
        json!({"date_from": "2019-02-01", "group_range": "year"}),
        json!({"date_from": "2024-11-01", "group_range": "week"}),
        json!({"date_from": "2025-03-01", "group_range": "day"}),
        json!({"include_subdomains": false}),
    ] {
        for function in ["timeseries_summary", "timeseries_new_lost_summary"] {
            calls.push((function, with_target(target, options.clone())));
        }
    }
    calls
}

/// `options` with the `target` field added.
fn with_target(target: &str, mut options: Value) -> Value {
    options["target"] = json!(target);
    options
}

#[test]
fn default_views_answer_like_the_general_path_on_the_small_world() {
    assert_views_match_general_path(
        &world(),
        &default_calls("target.com", &["rival.com", "other.co.uk"], 2),
    );
}

#[test]
fn default_views_answer_like_the_general_path_on_the_demo_world() {
    let demo = linkgap_world::demo_world();
    let rivals = ["summitgear.co.uk", "ridgeline-outdoors.com", "alpinetrek.com.au"];
    assert_views_match_general_path(&demo, &default_calls("trailpeak.com", &rivals, 50));
}

/// Calls with filters and orders that a default view answers from its groupings, and the
/// competitors and time series it precomputes, for `target`.
fn view_option_calls(target: &str, page: usize) -> Vec<(&'static str, Value)> {
    let mut calls = Vec::new();
    let grouped_options = [
        json!({"order_by": ["backlinks,desc"]}),
        json!({"order_by": ["backlinks,desc", "rank,asc"], "offset": page}),
        json!({"filters": ["backlinks", ">", 1], "order_by": ["first_seen,asc"]}),
        json!({"filters": [["referring_pages", ">=", 2], "or", ["lost_date", "<>", null]],
               "order_by": ["backlinks_spam_score,desc", "referring_links_tld.com,desc"]}),
        json!({"order_by": ["referring_main_domains_nofollow,desc", "broken_pages,desc",
                            "referring_ips,asc"], "rank_scale": "one_hundred"}),
        json!({"filters": ["referring_links_types.anchor", ">", 0],
               "order_by": ["referring_subnets,desc", "referring_pages_nofollow,asc"]}),
        json!({"rank_scale": "one_hundred", "limit": page}),
        json!({"order_by": ["rank,desc", "referring_domains_nofollow,asc"], "limit": page}),
    ];
    for function in ["anchors", "referring_domains", "domain_pages_summary"] {
        for options in &grouped_options {
            calls.push((function, with_target(target, options.clone())));
        }
        calls.push((
            function,
            with_target(target, json!({"filters": ["type", "like", "%referring%"]})),
        ));
    }
    calls.push((
        "referring_domains",
        with_target(target, json!({"filters": ["domain", "ilike", "%A%"], "limit": page})),
    ));
    calls.push((
        "backlinks",
        with_target(
            target,
            json!({"filters": [["dofollow", "=", true], "and", ["anchor", "ilike", "%E%"]],
                   "order_by": ["domain_from_rank,desc", "first_seen,asc"], "limit": page}),
        ),
    ));
    calls
}

#[test]
fn default_views_answer_like_the_general_path_under_other_options() {
    assert_views_match_general_path(&world(), &view_option_calls("target.com", 2));
    let demo = linkgap_world::demo_world();
    assert_views_match_general_path(&demo, &view_option_calls("trailpeak.com", 50));
}

#[test]
fn default_views_answer_like_the_general_path_on_a_generated_world() {
    let config = linkgap_world::GenConfig { size: 150, ..linkgap_world::GenConfig::default() };
    let world = linkgap_world::generate(&config).world;
    let mut calls = Vec::new();
    for target in std::iter::once(&config.target).chain(&config.competitors).take(3) {
        let rivals: Vec<&str> =
            config.competitors.iter().map(String::as_str).filter(|rival| rival != target).collect();
        calls.extend(default_calls(target, &rivals[..2], 20));
        calls.extend(view_option_calls(target, 20));
    }
    assert_views_match_general_path(&world, &calls);
}

// Issue 3: the client checks bulk `date_from` against the wall clock, the mock checked it against
// the world's latest date, so `bulk --since` (wall clock - 30 days) failed with 40501.
#[test]
fn bulk_date_from_is_checked_against_the_wall_clock_and_the_world() {
    let today = NaiveDate::from_ymd_opt(2025, 4, 30).unwrap();
    let clock = NaiveDate::from_ymd_opt(2025, 11, 29).unwrap();
    let engine = Engine::new(world(), EngineConfig { today, clock: Some(clock) });
    let call = |date_from: &str| {
        engine.execute(
            "bulk_new_lost_backlinks",
            &task(json!({"targets": ["target.com"], "date_from": date_from})),
        )
    };
    let month_before_clock = call("2025-10-30").unwrap().value().unwrap();
    assert_eq!(month_before_clock["items"][0]["new_backlinks"], 0);
    let in_the_world = call("2025-03-15").unwrap().value().unwrap();
    assert_eq!(in_the_world["items"][0]["new_backlinks"], 1);
    assert_eq!(call("2025-11-30").unwrap_err().code, 40501, "after the wall clock");
    assert_eq!(call("2024-04-29").unwrap_err().code, 40501, "a year before the world's today");
    let to_clock = engine.execute(
        "timeseries_summary",
        &task(json!({"target": "target.com", "date_from": "2025-03-01", "date_to": "2025-11-29"})),
    );
    assert!(to_clock.is_ok(), "{to_clock:?}");
}

#[test]
fn bulk_page_targets_count_the_page_under_any_spelling() {
    let engine = engine();
    let targets = json!([
        "https://target.com/page",
        "https://www.target.com/page/",
        "http://Target.com/page",
        "https://target.com/missing"
    ]);
    let backlinks = run(&engine, "bulk_backlinks", json!({"targets": targets}));
    let counts: Vec<u64> = backlinks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["backlinks"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [2, 2, 2, 0]);
    let referring = run(&engine, "bulk_referring_domains", json!({"targets": targets}));
    assert_eq!(referring["items"][1]["referring_domains"], 2);
    assert_eq!(referring["items"][1]["referring_main_domains"], 2);
    assert_eq!(referring["items"][1]["referring_domains_nofollow"], 1);
    let ranks = run(&engine, "bulk_ranks", json!({"targets": targets}));
    assert_eq!(ranks["items"][2]["rank"], 300, "the best rank a link to the page passes");
    let spam = run(&engine, "bulk_spam_score", json!({"targets": targets}));
    assert_eq!(spam["items"][1]["spam_score"], 10, "mean of 20 and 0");
    let new_lost = run(
        &engine,
        "bulk_new_lost_backlinks",
        json!({"targets": targets, "date_from": "2025-04-01"}),
    );
    assert_eq!(new_lost["items"][1]["new_backlinks"], 1);
}

#[test]
fn domain_pages_meta_comes_from_the_page_and_host_rows_and_domains() {
    let mut world = world();
    world.backlinks.push(WorldBacklink {
        page_from_title: Some("Our page".into()),
        page_from_language: Some("en".into()),
        page_from_encoding: Some("utf-8".into()),
        page_from_internal_links: Some(12),
        page_from_external_links: Some(3),
        alt: Some("logo".into()),
        prev_seen: Some("2025-04-10 08:00:00 +00:00".into()),
        ..link("target.com", "page", "https://rival.com/", None, 1, 1, None, "2025-01-05")
    });
    world.domains[0].cms = Some("WordPress".into());
    world.domains[0].platform_type = Some(vec!["ecommerce".into()]);
    world.domains[0].ip = Some("192.0.2.1".into());
    let today = NaiveDate::from_ymd_opt(2025, 4, 30).unwrap();
    let engine = Engine::new(world, EngineConfig { today, clock: Some(today) });
    let result = run(&engine, "domain_pages", json!({"target": "target.com"}));
    let items = result["items"].as_array().unwrap();
    let page = items.iter().find(|item| item["page"] == "https://target.com/page").unwrap();
    let meta = &page["meta"];
    assert_eq!(meta["title"], "Our page");
    assert_eq!(meta["internal_links_count"], 12);
    assert_eq!(meta["external_links_count"], 3);
    assert_eq!(meta["images_alt"], json!(["logo"]));
    assert_eq!(meta["language"], "en");
    assert_eq!(meta["charset"], "utf-8");
    assert_eq!(meta["powered_by"], json!(["WordPress"]));
    assert_eq!(meta["platform_type"], json!(["ecommerce"]));
    assert_eq!(meta["page_spam_score"], 3, "the domain's spam score when rows have none");
    assert_eq!(page["ip"], "192.0.2.1");
    assert_eq!(page["server"], "nginx");
    // The home page links nowhere itself: its site-level fields come from the host's row.
    let home = items.iter().find(|item| item["page"] == "https://target.com/").unwrap();
    assert_eq!(home["meta"]["title"], Value::Null);
    assert_eq!(home["meta"]["language"], "en");
    assert_eq!(home["meta"]["charset"], "utf-8");
    assert_eq!(home["prev_visited"], Value::Null);
    let filtered = run(
        &engine,
        "domain_pages",
        json!({"target": "target.com", "filters": ["meta.title", "like", "Our%"]}),
    );
    assert_eq!(strings(&filtered, "page"), ["https://target.com/page"]);
}

/// `history` calls for `target` over several date ranges and options.
fn history_calls(target: &str) -> Vec<(&'static str, Value)> {
    [
        json!({}),
        json!({"rank_scale": "one_hundred"}),
        json!({"date_from": "2021-04-15", "date_to": "2023-06-01"}),
        json!({"date_from": "2024-01-01"}),
        json!({"date_from": "2019-01-01", "date_to": "2019-01-01"}),
        json!({"date_from": "2025-03-02", "date_to": "2025-03-31"}),
        json!({"date_from": "2024-12-31", "date_to": "2025-04-30"}),
    ]
    .into_iter()
    .map(|options| ("history", with_target(target, options)))
    .collect()
}

#[test]
fn prepared_history_answers_like_the_rows_on_the_small_and_demo_worlds() {
    assert_views_match_general_path(&world(), &history_calls("target.com"));
    let demo = linkgap_world::demo_world();
    let mut calls = Vec::new();
    for target in
        ["trailpeak.com", "summitgear.co.uk", "ridgeline-outdoors.com", "alpinetrek.com.au"]
    {
        calls.extend(history_calls(target));
    }
    assert_views_match_general_path(&demo, &calls);
}

#[test]
fn prepared_history_answers_like_the_rows_on_a_generated_world() {
    let config = linkgap_world::GenConfig { size: 150, ..linkgap_world::GenConfig::default() };
    let world = linkgap_world::generate(&config).world;
    let mut calls = Vec::new();
    for target in std::iter::once(&config.target).chain(&config.competitors).take(4) {
        calls.extend(history_calls(target));
    }
    assert_views_match_general_path(&world, &calls);
}

#[test]
fn history_maps_equal_the_live_rows_maps_every_month() {
    let demo = linkgap_world::demo_world();
    let engine = Engine::with_view_min_rows(demo, EngineConfig::default(), 1);
    let index = &engine.index;
    let view = index.default_view("trailpeak.com").expect("the demo target has a view");
    let history = view.history.as_ref().expect("views of one row or more hold history maps");
    let rows = target_rows(
        index,
        &Target::Domain("trailpeak.com".into()),
        Scope { status: Status::All, include_subdomains: true, exclude_internal: true },
    );
    let mut scratch = Scratch::default();
    let mut month = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    let mut compared = 0;
    while month.year() < 2031 {
        let point = crate::index::day_start(month);
        let live: Vec<u32> =
            rows.iter().copied().filter(|&row| index.rows[row as usize].live_at(point)).collect();
        let expected = Agg::compute_maps(index, &live, &mut scratch).maps;
        let prepared = history.at(month).expect("the demo world's rows all change before 2100");
        for (map, full) in prepared.iter().zip(&expected) {
            assert_eq!(*map, &full[..full.len().min(10)], "{month}");
        }
        compared += usize::from(!live.is_empty());
        month = month + chrono::Months::new(1);
    }
    assert!(compared > 12, "the target has live rows in more than a year of months");
}
