//! Bad inputs, missing credentials, money guards, interruption and resume, and the config file.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::util::{Sandbox, Server, TARGET, competitor_flags, settings};

#[test]
fn a_malformed_domain_is_one_sentence_naming_it() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["gap", "--target", "exa mple.com", "--competitor", "wildtrail.net"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: invalid `--target` `exa mple.com`"), "{}", run.stderr);
    let run = sandbox.run(&["monitor", "--target", "co.uk", "--db", &sandbox.db()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("`co.uk`"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_with_code_2() {
    let sandbox = Sandbox::new();
    for args in [
        &["gap", "--target", TARGET][..],
        &["gap", "--target", TARGET, "--competitor", "a.com", "--max-cost", "-1"],
        &["monitor"],
        &["frobnicate"],
    ] {
        let run = sandbox.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn missing_credentials_name_the_variables_and_the_config_keys() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_without_credentials(&["spam", "--target", TARGET]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    settings(&sandbox).bind(|| {
        insta::assert_snapshot!(run.stderr, @"error: missing DataForSEO credentials: set `DATAFORSEO_LOGIN` and `DATAFORSEO_PASSWORD`, or `login` and `password` under `[api]` in the config file `[SANDBOX]/config/linkgap/config.toml` (or use `--world DIR` to analyse a local world)");
    });

    // An explicit `--config` is the file the message names.
    let config = sandbox.path("team.toml");
    std::fs::write(&config, "[defaults]\nformat = \"json\"\n").unwrap();
    let config = config.to_str().unwrap();
    let run = sandbox.run_without_credentials(&["spam", "--target", TARGET, "--config", config]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!("under `[api]` in the config file `{config}`")),
        "{}",
        run.stderr
    );
}

#[test]
fn money_guards_stop_before_anything_is_spent() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[]);
    let db = sandbox.db();
    let mut args = vec!["gap", "--target", TARGET, "--api-base", &server.url, "--db", &db];
    args.extend(competitor_flags());

    // Worst case 6 × (5 × $0.02 + 5,000 × $0.00003) = $1.50, above the $1 threshold: a run that
    // cannot ask (stdin is not a terminal) needs `--yes`.
    let run = sandbox.run(&args);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("$1.5000") && run.stderr.contains("`--yes`"), "{}", run.stderr);

    let mut capped = args.clone();
    capped.extend(["--yes", "--max-cost", "0.001"]);
    let run = sandbox.run(&capped);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("budget exceeded"), "{}", run.stderr);

    assert_eq!(sandbox.cache_entries(), 0, "nothing was paid for");
    let doctor = sandbox.run(&["doctor", "--api-base", &server.url, "--db", &db]);
    assert!(doctor.stdout.contains("- [ok] balance: $100.00"), "{}", doctor.stdout);
}

#[test]
fn a_killed_run_resumes_from_what_it_paid_for() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &["--latency-ms", "300"]);
    let db = sandbox.db();
    let mut args = vec!["gap", "--target", TARGET, "--api-base", &server.url, "--db", &db];
    args.extend(["--yes", "--concurrency", "1"]);
    args.extend(competitor_flags());
    let mut child = sandbox
        .api_command()
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_mins(1);
    while sandbox.cache_entries() < 2 {
        assert!(Instant::now() < deadline, "the first responses never reached the cache");
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it was killed");
        pause();
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let paid = sandbox.cache_entries();
    assert!((2..6).contains(&paid), "{paid} entries");

    let run = sandbox.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = format!(
        "done: {} API call{}, {paid} cache hits",
        6 - paid,
        if 6 - paid == 1 { "" } else { "s" }
    );
    assert!(run.stderr.contains(&expected), "expected `{expected}` in {}", run.stderr);
}

/// Waits a little between polls of the cache (the condition, not the pause, synchronises).
#[expect(clippy::disallowed_methods, reason = "a short pause between polls of another process")]
fn pause() {
    std::thread::sleep(Duration::from_millis(50));
}

#[test]
fn a_config_project_fills_the_flags_and_flags_win() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[]);
    let config = sandbox.path("linkgap.toml");
    std::fs::write(
        &config,
        format!(
            "[api]\nlogin = \"demo\"\npassword = \"demo\"\n\n[defaults]\nformat = \"json\"\n\n\
             [projects.trail]\ntarget = \"{TARGET}\"\ncompetitors = [\"wildtrail.net\", \"summitgear.co.uk\"]\n\
             thresholds = {{ min_competitors = 1 }}\n"
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let db = sandbox.db();
    let base = ["--api-base", &server.url, "--db", &db, "--config", config];
    // Credentials from the config file (no environment variables).
    let mut args = vec!["gap", "--project", "trail"];
    args.extend(base);
    let run = sandbox.run_without_credentials(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["meta"]["target"], TARGET, "{}", json["meta"]);

    args.extend(["--format", "md", "--min-competitors", "2"]);
    let run = sandbox.run_without_credentials(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("# Link gap: trailpeak.com"), "{}", run.stdout);

    let mut args = vec!["gap", "--project", "nope"];
    args.extend(base);
    let run = sandbox.run_without_credentials(&args);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: no project `nope` in the config file (it has: trail)\n");

    std::fs::write(sandbox.path("broken.toml"), "[defaults]\nmax_cost = \"lots\"\n").unwrap();
    let broken = sandbox.path("broken.toml");
    let run = sandbox.run(&["spam", "--target", TARGET, "--config", broken.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("broken.toml") && run.stderr.contains("line 2"), "{}", run.stderr);
}
