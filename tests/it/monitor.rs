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
