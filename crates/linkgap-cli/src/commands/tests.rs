//! In-process tests of the analysis commands against the loopback mock server on the demo world.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use clap::Parser;
use linkgap_dataforseo::Credentials;
use linkgap_mock::{MockConfig, MockServer, RunningServer};
use serde_json::Value;

use super::*;
use crate::plan::DEFAULT_CONFIRM_ABOVE_USD;
use crate::progress::Progress;

const TARGET: &str = "trailpeak.com";
const COMPETITORS: [&str; 5] = [
    "summitgear.co.uk",
    "ridgeline-outdoors.com",
    "alpinetrek.com.au",
    "basecamp-supply.com",
    "wildtrail.net",
];

/// The mock server on the demo world, with the runtime that serves it.
struct Mock {
    server: RunningServer,
    _runtime: tokio::runtime::Runtime,
}

impl Mock {
    fn start() -> Mock {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let config = MockConfig::new(linkgap_world::demo_world());
        let server = runtime.block_on(MockServer::start(config)).unwrap();
        Mock { server, _runtime: runtime }
    }

    fn url(&self) -> String {
        self.server.url()
    }
}

fn env() -> Env {
    Env {
        credentials: Some(Credentials::new("demo", "demo")),
        interactive: false,
        quiet: true,
        progress: Progress::hidden(),
        now: Utc.with_ymd_and_hms(2026, 4, 1, 12, 0, 0).unwrap(),
        confirm_above_usd: DEFAULT_CONFIRM_ABOVE_USD,
    }
}

fn command(argv: &[&str]) -> AnalysisCommand {
    let mut full = vec!["linkgap"];
    full.extend_from_slice(argv);
    match Cli::try_parse_from(full).unwrap().command {
        Command::Analysis(command) | Command::Estimate { command } => command,
        _ => panic!("not an analysis command"),
    }
}

fn competitor_flags() -> Vec<&'static str> {
    COMPETITORS.iter().flat_map(|competitor| ["--competitor", competitor]).collect()
}

/// Runs `argv` against `mock` (or with `argv`'s own source) writing JSON into `out`, and returns
/// the parsed document.
fn run_json(argv: &[&str], out: &Path, env: &Env) -> anyhow::Result<Value> {
    let mut full: Vec<&str> = argv.to_vec();
    let out_text = out.to_str().unwrap();
    full.extend(["--format", "json", "--output", out_text]);
    run_analysis(&command(&full), env)?;
    Ok(serde_json::from_str(&std::fs::read_to_string(out)?)?)
}

fn api_flags(mock: &Mock) -> Vec<String> {
    vec!["--api-base".into(), mock.url(), "--no-cache".into(), "--yes".into()]
}

fn with(base: &[&str], extra: &[String]) -> Vec<String> {
    base.iter().map(|arg| (*arg).to_owned()).chain(extra.iter().cloned()).collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn temp_out(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

fn gap_args() -> Vec<String> {
    let mut args = vec!["gap".to_owned(), "--target".to_owned(), TARGET.to_owned()];
    args.extend(competitor_flags().into_iter().map(str::to_owned));
    args
}

#[test]
fn gap_over_the_api_honours_the_json_contract() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let argv = with(&strs(&gap_args()), &api_flags(&mock));
    let document = run_json(&strs(&argv), &temp_out(&dir, "gap.json"), &env()).unwrap();
    let prospects = document["prospects"].as_array().unwrap();
    assert!(prospects.len() > 10, "{} prospects", prospects.len());
    for prospect in prospects {
        let domain = prospect["domain"].as_str().unwrap();
        assert!(!domain.is_empty() && domain != TARGET);
        let competitors = prospect["competitors"].as_array().unwrap();
        assert!(competitors.len() >= 2, "{prospect}");
        assert!(competitors.iter().all(|site| COMPETITORS.contains(&site.as_str().unwrap())));
        assert!(["gap", "reclaim"].contains(&prospect["category"].as_str().unwrap()));
        let score = prospect["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score));
    }
    let scores: Vec<f64> = prospects.iter().map(|p| p["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).any(|pair| (pair[0] - pair[1]).abs() > 1e-6), "scores differ");
    // Six paginated fetches of a few hundred rows: one call each.
    assert_eq!(mock.server.requests(), 6);
}

/// The prospects' contract fields, for comparing sources.
fn contract(document: &Value) -> Vec<(String, Vec<String>, String)> {
    let mut rows: Vec<(String, Vec<String>, String)> = document["prospects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|prospect| {
            let competitors = prospect["competitors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|site| site.as_str().unwrap().to_owned())
                .collect();
            (
                prospect["domain"].as_str().unwrap().to_owned(),
                competitors,
                prospect["category"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn gap_on_a_local_world_matches_gap_over_the_api() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let world = linkgap_world::demo_dir();
    for level in ["domain", "host"] {
        let base = with(&strs(&gap_args()), &["--level".to_owned(), level.to_owned()]);
        let api = run_json(
            &strs(&with(&strs(&base), &api_flags(&mock))),
            &temp_out(&dir, "a.json"),
            &env(),
        )
        .unwrap();
        let local_flags = vec!["--world".to_owned(), world.display().to_string()];
        let local = run_json(
            &strs(&with(&strs(&base), &local_flags)),
            &temp_out(&dir, "w.json"),
            &Env { credentials: None, ..env() },
        )
        .unwrap();
        assert_eq!(contract(&api), contract(&local), "level {level}");
        assert!(local["meta"]["data_source"].as_str().unwrap().contains("local world"));
    }
}

#[test]
fn spam_honours_the_json_contract() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let argv = with(&["spam", "--target", TARGET], &api_flags(&mock));
    let document = run_json(&strs(&argv), &temp_out(&dir, "spam.json"), &env()).unwrap();
    let domains = document["domains"].as_array().unwrap();
    assert!(!domains.is_empty());
    for domain in domains {
        assert!(!domain["domain"].as_str().unwrap().is_empty());
        let score = domain["score"].as_u64().unwrap();
        assert!(score <= 100);
        assert!(["low", "medium", "high"].contains(&domain["risk"].as_str().unwrap()));
    }
    assert!(domains.iter().any(|domain| domain["risk"] == "high"), "the demo world plants spam");
}

#[test]
fn anchors_honour_the_json_contract_and_flag_the_planted_site() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let mut argv = vec!["anchors".to_owned(), "--target".to_owned(), TARGET.to_owned()];
    argv.extend(competitor_flags().into_iter().map(str::to_owned));
    let argv = with(&strs(&argv), &api_flags(&mock));
    let document = run_json(&strs(&argv), &temp_out(&dir, "anchors.json"), &env()).unwrap();
    let sites = document["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 6);
    for site in sites {
        assert!(site["site"].is_string() && site["over_optimized"].is_boolean(), "{site}");
    }
    let flagged: Vec<&str> = sites
        .iter()
        .filter(|site| site["over_optimized"] == true)
        .map(|site| site["site"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["ridgeline-outdoors.com"]);
}

#[test]
fn audit_writes_markdown_and_html() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    for (format, marker) in [("md", "trailpeak.com"), ("html", "<html")] {
        let out = temp_out(&dir, &format!("audit.{format}"));
        let argv = with(
            &["audit", "--target", TARGET, "--competitor", "wildtrail.net", "--format", format],
            &api_flags(&mock),
        );
        let argv = with(&strs(&argv), &["--output".to_owned(), out.display().to_string()]);
        run_analysis(&command(&strs(&argv)), &env()).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(marker), "{format}: {text:.300}");
    }
}

#[test]
fn bulk_reads_the_targets_file_and_fetches_every_metric() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("targets.txt");
    let mut text = format!("# sites\n{TARGET}\n\nhttps://www.wildtrail.net\n");
    for competitor in COMPETITORS {
        text.push_str(competitor);
        text.push('\n');
    }
    std::fs::write(&file, text).unwrap();
    let argv = with(&["bulk", "--targets-file", file.to_str().unwrap()], &api_flags(&mock));
    let document = run_json(&strs(&argv), &temp_out(&dir, "bulk.json"), &env()).unwrap();
    let rows = document["rows"].as_array().unwrap();
    let targets: Vec<&str> = rows.iter().map(|row| row["target"].as_str().unwrap()).collect();
    assert_eq!(targets.len(), 6, "{targets:?}");
    // The URL names a site already listed: the table keeps one row per site and says so.
    let skipped = document["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    let trailpeak = rows.iter().find(|row| row["target"] == TARGET).unwrap();
    for column in ["rank", "referring_domains", "backlinks", "spam_score", "new_backlinks"] {
        assert!(trailpeak[column].is_number(), "{column}: {trailpeak}");
    }
    // Six endpoints, one call each.
    assert_eq!(mock.server.requests(), 6);
}

#[test]
fn competitors_suggests_other_domains() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let argv = with(&["competitors", "--target", TARGET, "--limit", "10"], &api_flags(&mock));
    let document = run_json(&strs(&argv), &temp_out(&dir, "competitors.json"), &env()).unwrap();
    let competitors = document["competitors"].as_array().unwrap();
    assert!(!competitors.is_empty() && competitors.len() <= 10);
    assert!(competitors.iter().all(|item| item["domain"] != TARGET));
    let suggested: Vec<&str> =
        competitors.iter().map(|item| item["domain"].as_str().unwrap()).collect();
    assert!(COMPETITORS.iter().any(|site| suggested.contains(site)), "{suggested:?}");
}

#[test]
fn estimate_states_calls_and_worst_case_and_sends_nothing() {
    let mock = Mock::start();
    let argv = with(&strs(&gap_args()), &["--max-rows".to_owned(), "2500".to_owned()]);
    let mut full = vec!["estimate".to_owned()];
    full.extend(with(&strs(&argv), &["--api-base".to_owned(), mock.url()]));
    let estimate = estimate::estimate(&command(&strs(&full))).unwrap();
    assert_eq!(estimate.calls, 6 * 3);
    assert!((estimate.worst_case_usd - 6.0 * (3.0 * 0.02 + 2500.0 * 0.000_03)).abs() < 1e-9);
    let local = with(&strs(&full), &["--world".to_owned(), "/nowhere".to_owned()]);
    let local: Vec<String> =
        local.into_iter().filter(|arg| arg != "--api-base" && *arg != mock.url()).collect();
    assert_eq!(estimate::estimate(&command(&strs(&local))).unwrap().calls, 0);
    assert_eq!(mock.server.requests(), 0);
}

#[test]
fn an_expensive_run_without_yes_is_refused_before_any_call() {
    let mock = Mock::start();
    let argv =
        with(&strs(&gap_args()), &["--api-base".to_owned(), mock.url(), "--no-cache".to_owned()]);
    // Six sites of up to 5,000 rows each: $1.50 worst case, above the $1 threshold.
    let error = run_analysis(&command(&strs(&argv)), &env()).unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("`--yes`") && message.contains("$1.5000"), "{message}");
    assert_eq!(mock.server.requests(), 0);
}

#[test]
fn max_cost_is_a_hard_stop() {
    let mock = Mock::start();
    let argv = with(&strs(&gap_args()), &api_flags(&mock));
    // One page's worst case is $0.05 (1,000 rows): a $0.04 limit sends nothing.
    let below_one_page = with(&strs(&argv), &["--max-cost".to_owned(), "0.04".to_owned()]);
    let error = run_analysis(&command(&strs(&below_one_page)), &env()).unwrap_err();
    assert!(format!("{error:#}").contains("budget"), "{error:#}");
    assert_eq!(mock.server.requests(), 0);
    // $0.12 pays for a few pages, one at a time, and the run stops before spending more.
    let limit = ["--max-cost", "0.12", "--concurrency", "1"].map(str::to_owned);
    let error = run_analysis(&command(&strs(&with(&strs(&argv), &limit))), &env()).unwrap_err();
    assert!(format!("{error:#}").contains("budget"), "{error:#}");
    let sent = mock.server.requests();
    assert!((1..6).contains(&sent), "{sent} requests");
    assert!(
        100.0 - mock.server.balance() <= 0.12 + 1e-9,
        "spent {}",
        100.0 - mock.server.balance()
    );
}

#[test]
fn a_rerun_is_answered_from_the_cache() {
    let mock = Mock::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("linkgap.sqlite");
    let flags = vec![
        "--api-base".to_owned(),
        mock.url(),
        "--yes".to_owned(),
        "--db".to_owned(),
        db.display().to_string(),
    ];
    let argv = with(&strs(&gap_args()), &flags);
    let first = run_json(&strs(&argv), &temp_out(&dir, "1.json"), &env()).unwrap();
    assert_eq!(mock.server.requests(), 6);
    let second = run_json(&strs(&argv), &temp_out(&dir, "2.json"), &env()).unwrap();
    assert_eq!(mock.server.requests(), 6, "nothing paid for is fetched twice");
    assert_eq!(first["prospects"], second["prospects"]);
    assert_eq!(second["meta"]["cost_usd"], 0.0);
}

#[test]
fn errors_are_one_sentence_naming_the_input_at_fault() {
    let no_credentials = Env { credentials: None, ..env() };
    let error =
        run_analysis(&command(&["spam", "--target", TARGET, "--no-cache"]), &no_credentials)
            .unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("`DATAFORSEO_LOGIN`") && message.contains("`DATAFORSEO_PASSWORD`"));

    let error = run_analysis(&command(&["spam", "--target", "exa mple.com"]), &env()).unwrap_err();
    assert_eq!(format!("{error:#}"), "invalid `--target` `exa mple.com`: contains whitespace");

    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"domain_from":"a.org","url_from":"https://a.org/","domain_to":"b.com","url_to":"https://b.com/"}"#;
    std::fs::write(dir.path().join("backlinks.jsonl"), format!("{good}\n{good}\n{{oops\n"))
        .unwrap();
    let world = dir.path().to_str().unwrap();
    for argv in [
        ["gap", "--target", "b.com", "--competitor", "c.com", "--world", world],
        ["spam", "--target", "b.com", "--competitor", "c.com", "--world", world],
    ] {
        let error = run_analysis(&command(&argv), &no_credentials).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("backlinks.jsonl") && message.contains("line 3"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }

    let targets = dir.path().join("targets.txt");
    std::fs::write(&targets, "a.com\nco.uk\n").unwrap();
    let error =
        run_analysis(&command(&["bulk", "--targets-file", targets.to_str().unwrap()]), &env())
            .unwrap_err();
    assert!(format!("{error:#}").contains("line 2: invalid domain or URL `co.uk`"), "{error:#}");
}

#[test]
fn local_world_commands_need_no_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let world = linkgap_world::demo_dir().display().to_string();
    let env = Env { credentials: None, ..env() };
    let document = run_json(
        &["competitors", "--target", TARGET, "--world", &world],
        &temp_out(&dir, "c.json"),
        &env,
    )
    .unwrap();
    let suggested: Vec<&str> = document["competitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["domain"].as_str().unwrap())
        .collect();
    assert!(COMPETITORS.iter().any(|site| suggested.contains(site)), "{suggested:?}");
    let file = dir.path().join("targets.txt");
    std::fs::write(&file, format!("{TARGET}\nwildtrail.net\n")).unwrap();
    let document = run_json(
        &["bulk", "--targets-file", file.to_str().unwrap(), "--world", &world],
        &temp_out(&dir, "b.json"),
        &env,
    )
    .unwrap();
    let rows = document["rows"].as_array().unwrap();
    assert!(rows.iter().all(|row| row["referring_domains"].as_u64().unwrap() > 0), "{rows:?}");
}
