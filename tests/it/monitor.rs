//! Monitoring: the first snapshot, history, a changed profile, and the alert exit code.

use crate::util::{Sandbox, Server, TARGET, settings, world_with_lost_links};

#[test]
fn monitor_compares_snapshots_and_fails_on_alert_with_code_3() {
    let sandbox = Sandbox::new();
    let db = sandbox.db();
    let before = Server::start(&sandbox, &[]);
    let monitor = |url: &str, extra: &[&str]| {
        let mut args = vec!["monitor", "--target", TARGET, "--api-base", url, "--db", &db];
        args.extend(extra);
        sandbox.run(&args)
    };
    let first = monitor(&before.url, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.contains("Nothing to compare yet"), "{}", first.stdout);
    settings(&sandbox).bind(|| insta::assert_snapshot!("monitor_first", first.stdout));

    // The same profile again: nothing changed, no alert.
    let same = monitor(&before.url, &["--fail-on-alert"]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(same.stderr.contains("compared with snapshot 1"), "{}", same.stderr);
    drop(before);

    let after = Server::start_world(&sandbox, &world_with_lost_links(), "world-after");
    let changed = monitor(&after.url, &["--fail-on-alert"]);
    assert_eq!(changed.code, 3, "{}", changed.stderr);
    assert!(
        changed.stderr.contains("alert: 1 alert fired for `trailpeak.com`: referring_domain_drop"),
        "{}",
        changed.stderr
    );
    settings(&sandbox).bind(|| insta::assert_snapshot!("monitor_changed", changed.stdout));

    // Without `--fail-on-alert` the alert is a note and the run succeeds.
    let json = monitor(&after.url, &["--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let diff: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(diff["new_links"].as_array().unwrap().len(), 0, "same world twice");

    let history = sandbox.run(&["monitor", "history", "--target", TARGET, "--db", &db]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    assert_eq!(
        history
            .stdout
            .lines()
            .filter(|line| line.starts_with("| ") && !line.starts_with("| id"))
            .count(),
        4
    );
    settings(&sandbox).bind(|| insta::assert_snapshot!("monitor_history", history.stdout));
}

#[test]
fn history_of_an_unmonitored_site_says_how_to_start() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "monitor",
        "history",
        "--target",
        "https://www.Example.com/x",
        "--db",
        &sandbox.db(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "# Snapshots of `example.com`\n\nNo snapshots yet: `linkgap monitor --target example.com` takes the first.\n"
    );
}

/// The demo world with 2,000 more backlinks to the target, so that a snapshot takes three pages.
fn world_of_three_pages() -> linkgap_world::World {
    let mut world = linkgap_world::demo_world();
    world.backlinks.extend((0..2000).map(|n| linkgap_world::WorldBacklink {
        domain_from: format!("ref{n}.example"),
        url_from: format!("https://ref{n}.example/post"),
        domain_to: TARGET.to_owned(),
        url_to: format!("https://{TARGET}/"),
        ..linkgap_world::WorldBacklink::default()
    }));
    world
}

#[test]
fn an_interrupted_monitor_run_resumes_without_paying_twice_and_the_next_run_refetches() {
    let sandbox = Sandbox::new();
    let db = sandbox.db();
    let server = Server::start_world(&sandbox, &world_of_three_pages(), "world");
    let monitor = |extra: &[&str]| {
        let mut args = vec!["monitor", "--target", TARGET, "--api-base", &server.url, "--db", &db];
        args.extend(extra);
        sandbox.run(&args)
    };
    // A page costs $0.05: the budget stops the run after the first of three pages.
    let interrupted = monitor(&["--max-cost", "0.08"]);
    assert_eq!(interrupted.code, 1, "{}", interrupted.stderr);
    assert!(interrupted.stderr.contains("budget exceeded"), "{}", interrupted.stderr);
    assert_eq!(sandbox.cache_entries(), 1);

    let resumed = monitor(&[]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(
        resumed.stderr.contains("resuming the interrupted monitoring run"),
        "{}",
        resumed.stderr
    );
    assert!(resumed.stderr.contains("done: 2 API calls, 1 cache hit,"), "{}", resumed.stderr);
    assert!(resumed.stdout.contains("2494 backlinks"), "{}", resumed.stdout);

    // The run finished: the next one fetches every page again, although all are cached.
    let next = monitor(&[]);
    assert_eq!(next.code, 0, "{}", next.stderr);
    assert!(!next.stderr.contains("resuming"), "{}", next.stderr);
    assert!(next.stderr.contains("done: 3 API calls, 0 cache hits,"), "{}", next.stderr);
    assert!(next.stderr.contains("compared with snapshot 1"), "{}", next.stderr);
}
