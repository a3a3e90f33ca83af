//! The analysis commands against the loopback server: reports, JSON contracts, estimates.

use crate::util::{COMPETITORS, Sandbox, Server, TARGET, competitor_flags, settings};

fn api<'a>(server: &'a Server, sandbox_db: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut full = args.to_vec();
    full.extend(["--api-base", &server.url, "--db", sandbox_db, "--yes"]);
    full
}

#[test]
fn gap_ranks_prospects_in_markdown_and_json() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[]);
    let db = sandbox.db();
    let mut args = vec!["gap", "--target", TARGET, "--top", "10"];
    args.extend(competitor_flags());
    let run = sandbox.run(&api(&server, &db, &args));
    assert_eq!(run.code, 0, "{}", run.stderr);
    settings(&sandbox).bind(|| insta::assert_snapshot!("gap_markdown", run.stdout));
    assert!(run.stderr.contains("done: 6 API calls, 0 cache hits"), "{}", run.stderr);

    args.extend(["--format", "json"]);
    let run = sandbox.run(&api(&server, &db, &args));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("0 API calls, 6 cache hits"), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let prospects = json["prospects"].as_array().unwrap();
    assert_eq!(prospects.len(), 10);
    for prospect in prospects {
        assert!(prospect["domain"].is_string(), "{prospect}");
        assert!(prospect["category"].is_string(), "{prospect}");
        assert!(prospect["score"].is_number(), "{prospect}");
        let competitors = prospect["competitors"].as_array().unwrap();
        assert!(!competitors.is_empty());
        for competitor in competitors {
            let text =
                competitor.as_str().or_else(|| competitor["site"].as_str()).unwrap_or_default();
            let name = competitor.to_string();
            assert!(
                COMPETITORS.iter().any(|known| text == *known || name.contains(known)),
                "{competitor}"
            );
        }
    }
}

#[test]
fn audit_anchors_and_spam_share_the_backlinks_they_paid_for() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[]);
    let db = sandbox.db();
    let run = sandbox.run(&api(
        &server,
        &db,
        &["audit", "--target", TARGET, "--competitor", "wildtrail.net"],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    settings(&sandbox).bind(|| insta::assert_snapshot!("audit_markdown", run.stdout));

    let run = sandbox.run(&api(
        &server,
        &db,
        &["anchors", "--target", TARGET, "--competitor", "wildtrail.net", "--format", "json"],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("0 API calls"), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let sites = json["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 2);
    assert!(
        sites.iter().all(|site| site["site"].is_string() && site["over_optimized"].is_boolean())
    );

    let run = sandbox.run(&api(&server, &db, &["spam", "--target", TARGET, "--format", "json"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let domains = json["domains"].as_array().unwrap();
    assert!(!domains.is_empty());
    for domain in domains {
        assert!(domain["domain"].is_string());
        let score = domain["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score), "{domain}");
        assert!(["low", "medium", "high"].contains(&domain["risk"].as_str().unwrap()), "{domain}");
    }
    assert!(domains.iter().any(|domain| domain["risk"] == "high"), "the demo plants spam");
}

#[test]
fn bulk_reads_targets_from_a_file_and_competitors_suggests_sites() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[]);
    let db = sandbox.db();
    let list = sandbox.path("targets.txt");
    std::fs::write(
        &list,
        format!("# the niche\n{TARGET}\n\nhttps://www.wildtrail.net/shop\nsummitgear.co.uk\n"),
    )
    .unwrap();
    let list = list.to_str().unwrap();
    let run = sandbox.run(&api(
        &server,
        &db,
        &["bulk", "--targets-file", list, "--since", "2026-03-01", "--format", "csv"],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    settings(&sandbox).bind(|| insta::assert_snapshot!("bulk_csv", run.stdout));

    let run = sandbox.run(&api(&server, &db, &["competitors", "--target", TARGET, "--limit", "8"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(COMPETITORS.iter().any(|competitor| run.stdout.contains(competitor)), "{}", run.stdout);
    settings(&sandbox).bind(|| insta::assert_snapshot!("competitors_markdown", run.stdout));
}

#[test]
fn estimate_prices_a_plan_without_credentials_or_calls() {
    let sandbox = Sandbox::new();
    let mut args = vec!["estimate", "gap", "--target", TARGET, "--max-rows", "2500"];
    args.extend(competitor_flags());
    let run = sandbox.run_without_credentials(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Per site: 3 pages × $0.02 + 2,500 rows × $0.00003 = $0.135; six sites.
    assert!(run.stdout.contains("at most 18 calls, worst case $0.8100"), "{}", run.stdout);
    settings(&sandbox).bind(|| insta::assert_snapshot!("estimate_gap", run.stdout));
}

#[test]
fn a_local_world_needs_no_server_and_no_credentials() {
    let sandbox = Sandbox::new();
    let world = linkgap_world::demo_dir();
    let mut args =
        vec!["gap", "--world", world.to_str().unwrap(), "--target", TARGET, "--top", "5"];
    args.extend(competitor_flags());
    args.extend(["--format", "json"]);
    let run = sandbox.run_without_credentials(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["prospects"].as_array().unwrap().len(), 5);
}

#[test]
fn bulk_on_a_local_world_counts_new_and_lost_from_the_worlds_last_day() {
    let sandbox = Sandbox::new();
    let world = linkgap_world::demo_dir();
    let world = world.to_str().unwrap();
    let list = sandbox.path("targets.txt");
    std::fs::write(&list, format!("{TARGET}\n{}\n", COMPETITORS[0])).unwrap();
    let list = list.to_str().unwrap();
    let bulk = |extra: &[&str]| {
        let mut args = vec!["bulk", "--world", world, "--targets-file", list, "--format", "json"];
        args.extend(extra);
        let run = sandbox.run_without_credentials(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        json["rows"].clone()
    };
    // The demo world was crawled up to 2026-03-31: the default window is its last 30 days,
    // not the 30 days before the wall clock, where it has no data at all.
    let default = bulk(&[]);
    assert_eq!(default, bulk(&["--since", "2026-03-01"]));
    assert_ne!(default, bulk(&["--since", "2026-03-30"]));
    let new: u64 =
        default.as_array().unwrap().iter().map(|row| row["new_backlinks"].as_u64().unwrap()).sum();
    assert!(new > 0, "the demo world has links first seen in March 2026: {default}");
}
