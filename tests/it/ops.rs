//! The operational commands: doctor, cache, demo, completions, help, mock-server.

use crate::util::{Sandbox, Server, TARGET, settings};

#[test]
fn doctor_checks_the_account_and_the_paths() {
    let sandbox = Sandbox::new();
    // The server dates the subscription a month after its `--today`.
    let server = Server::start(&sandbox, &["--balance", "0.5", "--today", "2099-01-01"]);
    let run = sandbox.run(&["doctor", "--api-base", &server.url, "--db", &sandbox.db()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    settings(&sandbox).bind(|| insta::assert_snapshot!("doctor_ok", run.stdout));
    assert!(run.stdout.contains("- [warn] balance: $0.50"), "{}", run.stdout);
}

#[test]
fn doctor_names_missing_credentials_and_unverified_accounts() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_without_credentials(&["doctor", "--db", &sandbox.db()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("`DATAFORSEO_LOGIN` and `DATAFORSEO_PASSWORD` not set"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("1 problem above blocks runs"), "{}", run.stderr);
    let config = sandbox.dir.path().join("config/linkgap/config.toml");
    assert!(
        run.stdout.contains(&format!(
            "`login` and `password` under `[api]` in the config file `{}`",
            config.display()
        )),
        "{}",
        run.stdout
    );

    let server = Server::start(&sandbox, &["--unverified"]);
    let run = sandbox.run(&["doctor", "--api-base", &server.url, "--db", &sandbox.db()]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("- [FAIL] account: not verified (status `40104`)"),
        "{}",
        run.stdout
    );

    let run = sandbox
        .command()
        .env("DATAFORSEO_LOGIN", "demo")
        .env("DATAFORSEO_PASSWORD", "wrong")
        .args(["doctor", "--api-base", &server.url, "--db", &sandbox.db()])
        .output()
        .unwrap();
    let run = crate::util::finish(run);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("rejected the credentials (status `40100`)"), "{}", run.stdout);
    assert!(!run.stdout.contains("wrong"), "the password is never printed");
}

#[test]
fn cache_stats_count_what_a_run_paid_for_and_clear_empties_it() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[]);
    let db = sandbox.db();
    let empty = sandbox.run(&["cache", "stats", "--db", &db]);
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(empty.stdout.ends_with("The cache is empty.\n"), "{}", empty.stdout);
    let run = sandbox.run(&[
        "gap",
        "--target",
        TARGET,
        "--competitor",
        "wildtrail.net",
        "--api-base",
        &server.url,
        "--db",
        &db,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stats = sandbox.run(&["cache", "stats", "--db", &db]);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    settings(&sandbox).bind(|| insta::assert_snapshot!("cache_stats", stats.stdout));
    assert_eq!(sandbox.cache_entries(), 2);
    let clear = sandbox.run(&["cache", "clear", "--db", &db]);
    assert_eq!(clear.code, 0, "{}", clear.stderr);
    assert!(clear.stdout.starts_with("Removed 2 cached responses from"), "{}", clear.stdout);
    assert_eq!(sandbox.cache_entries(), 0);
}

#[test]
fn demo_runs_offline_and_writes_the_html_report() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_without_credentials(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(sandbox.path("linkgap-demo.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<iframe").count(), 4);
    for heading in
        ["# Backlink audit: trailpeak.com", "# Link gap: trailpeak.com", "# Backlink changes"]
    {
        assert!(run.stdout.contains(heading), "missing {heading}");
    }
    assert!(run.stdout.contains("referring\\_domain\\_drop"), "the second snapshot alerts");
    settings(&sandbox).bind(|| insta::assert_snapshot!("demo_stdout", run.stdout));

    let elsewhere = sandbox.path("reports/demo.html");
    let run = sandbox.run_without_credentials(&[
        "demo",
        "--quiet",
        "--output",
        elsewhere.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(elsewhere.is_file());
}

#[test]
fn completions_and_help_cover_every_command() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_without_credentials(&["completions", "bash"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in [
        "gap",
        "audit",
        "anchors",
        "spam",
        "bulk",
        "monitor",
        "competitors",
        "estimate",
        "doctor",
        "cache",
        "demo",
        "mock-server",
    ] {
        assert!(run.stdout.contains(name), "completions lack `{name}`");
    }
    let help = sandbox.run_without_credentials(&["--help"]);
    assert_eq!(help.code, 0);
    settings(&sandbox).bind(|| insta::assert_snapshot!("help", help.stdout));
    let bad = sandbox.run_without_credentials(&["completions", "tcsh"]);
    assert_eq!(bad.code, 2);
}

#[test]
fn mock_server_prints_its_address_and_answers_the_client() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[]);
    assert!(server.url.starts_with("http://127.0.0.1:"), "{}", server.url);
    let run =
        sandbox.run(&["competitors", "--target", TARGET, "--api-base", &server.url, "--no-cache"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
