//! `linkgap monitor`: takes a snapshot of a target's backlinks, stores it in the snapshot
//! database, compares it with the previous one (new and lost links and referring domains, lost
//! reasons, velocity, alerts); `monitor history` lists the snapshots.

mod run;
mod stored;

use std::fmt;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use linkgap_analysis::{DiffConfig, ProfileDiff, diff_snapshots};
use linkgap_report::{DiffView, Report};
use linkgap_store::{SnapshotInfo, SnapshotStore};
use serde::Serialize;

use crate::args::{CommonArgs, HistoryArgs, MonitorArgs, MonitorCommand, OutputFormat};
use crate::context::{self, Env};
use crate::output;
use crate::plan::Plan;

use self::run::PendingRun;
use self::stored::{SnapshotMeta, StoredRow, profile_of, rows_of};

/// The database file name in the user's data directory.
const DB_FILE: &str = "linkgap.sqlite";

/// The error `monitor --fail-on-alert` ends with when an alert fired; `main` exits with code 3.
#[derive(Debug)]
pub(crate) struct AlertsFired {
    /// The monitored site.
    pub(crate) site: String,
    /// The alert kinds, in order.
    pub(crate) kinds: Vec<String>,
}

impl fmt::Display for AlertsFired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.kinds.len();
        write!(
            f,
            "{n} alert{} fired for `{}`: {}",
            if n == 1 { "" } else { "s" },
            self.site,
            self.kinds.join(", ")
        )
    }
}

impl std::error::Error for AlertsFired {}

/// What one monitoring run did.
pub(crate) struct Outcome {
    /// The snapshot just saved.
    pub(crate) saved: SnapshotInfo,
    /// The comparison, if there was a previous snapshot.
    pub(crate) diff: Option<ProfileDiff>,
    /// The monitoring report (with a previous snapshot).
    pub(crate) report: Option<Report>,
}

/// The alert thresholds of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Thresholds {
    /// `--alert-drop-percent`.
    pub(crate) drop_percent: Option<f64>,
    /// `--alert-drop-count`.
    pub(crate) drop_count: Option<u64>,
}

/// The snapshot database: `--db`, else `linkgap.sqlite` in the user's data directory.
pub(crate) fn db_path(db: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(db) = db {
        return Ok(db.to_path_buf());
    }
    directories::ProjectDirs::from("", "", "linkgap")
        .map(|dirs| dirs.data_dir().join(DB_FILE))
        .context("no home directory is known for the snapshot database; give `--db PATH`")
}

/// Opens the snapshot database.
pub(crate) fn open_store(db: Option<&Path>) -> anyhow::Result<SnapshotStore> {
    let path = db_path(db)?;
    SnapshotStore::open(&path)
        .with_context(|| format!("failed to open the snapshot database `{}`", path.display()))
}

/// Runs `monitor` or `monitor history`.
pub(crate) fn run(args: &MonitorArgs, env: &Env) -> anyhow::Result<()> {
    if let Some(MonitorCommand::History(history_args)) = &args.command {
        return history(history_args);
    }
    let target = args.target.as_deref().context("`--target` is required")?;
    let thresholds =
        Thresholds { drop_percent: args.alert_drop_percent, drop_count: args.alert_drop_count };
    let outcome = take(target, &args.common, thresholds, env)?;
    match &outcome.report {
        Some(report) => context::emit(report, &args.common)?,
        None => first_snapshot_note(&outcome.saved, &args.common)?,
    }
    let alerts = outcome.diff.as_ref().map(|diff| diff.alerts.as_slice()).unwrap_or_default();
    if alerts.is_empty() {
        return Ok(());
    }
    if args.fail_on_alert {
        return Err(AlertsFired {
            site: outcome.saved.target.clone(),
            kinds: alerts.iter().map(|alert| alert.kind.to_string()).collect(),
        }
        .into());
    }
    for alert in alerts {
        env.note(&format!("alert: {}", alert.message));
    }
    Ok(())
}

/// Takes a snapshot of `target`, saves it, and compares it with the previous one.
///
/// A snapshot is always fetched fresh: the response cache is read only for responses stored since
/// this run began (a cached answer from before would be an old snapshot), and written as usual. The
/// run's start stays on disk until the snapshot is saved, so a rerun of an interrupted run (the
/// same UTC day) reuses what that run already paid for. With `--no-cache` the cache is not used at
/// all. The snapshot is saved in one transaction, whole or not at all.
pub(crate) fn take(
    target: &str,
    common: &CommonArgs,
    thresholds: Thresholds,
    env: &Env,
) -> anyhow::Result<Outcome> {
    let site = context::parse_site(target, "`--target`")?;
    let sites = vec![site.clone()];
    let store = open_store(common.db.as_deref())?;
    let plan = Plan::backlinks(&sites, common.max_rows);
    let pending = if common.no_cache || common.world.is_some() {
        None
    } else {
        let db = db_path(common.db.as_deref())?;
        Some(PendingRun::begin(&db, &site, SystemTime::now())?)
    };
    let mut source = match &pending {
        Some(run) => {
            if run.resumed {
                env.note(&format!(
                    "resuming the interrupted monitoring run of `{site}` begun at {}",
                    time(DateTime::<Utc>::from(run.started).timestamp())
                ));
            }
            context::start_monitoring(&plan, common, env, run.started)?
        }
        None => context::start(&plan, &CommonArgs { no_cache: true, ..common.clone() }, env)?,
    };
    let profiles = source.backlinks(&sites, &env.progress)?;
    let profile = profiles.first().context("the source returned no profile")?;
    let (complete, total) = match profile.coverage {
        linkgap_analysis::Coverage::Complete => (true, None),
        linkgap_analysis::Coverage::Truncated { total, .. } => (false, Some(total)),
    };
    let meta = SnapshotMeta {
        site: site.clone(),
        complete,
        total,
        data_source: source.label(),
        cost_usd: source.ledger().map_or(0.0, |ledger| ledger.total_cost),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let meta_json =
        serde_json::to_value(&meta).context("failed to encode the snapshot metadata")?;
    let rows = rows_of(profile);
    let id = store
        .save(&site, env.now.timestamp(), &meta_json, &rows)
        .with_context(|| format!("failed to save the snapshot of `{site}`"))?;
    if let Some(run) = pending {
        run.finish()?;
    }
    let saved = store
        .info(id)
        .context("failed to read the saved snapshot back")?
        .context("the saved snapshot is missing")?;
    context::finish(&source, env);
    let previous = store
        .previous(&site, id)
        .with_context(|| format!("failed to find the previous snapshot of `{site}`"))?;
    let Some(previous) = previous else {
        env.note(&format!("snapshot {id} of `{site}` saved ({} rows)", saved.row_count));
        return Ok(Outcome { saved, diff: None, report: None });
    };
    let (previous, old_rows) = store
        .load::<StoredRow>(previous.id)
        .with_context(|| format!("failed to load snapshot {} of `{site}`", previous.id))?;
    let old_meta: SnapshotMeta = serde_json::from_value(previous.meta.clone())
        .with_context(|| format!("snapshot {} has unreadable metadata", previous.id))?;
    let old = profile_of(&SnapshotMeta { site: site.clone(), ..old_meta }, old_rows);
    let diff = diff_snapshots(&old, profile, &diff_config(common, thresholds));
    env.note(&format!(
        "snapshot {id} of `{site}` saved ({} rows), compared with snapshot {} of {}",
        saved.row_count,
        previous.id,
        time(previous.taken_at_unix)
    ));
    let report_meta = context::meta(env, &source, &sites, &profiles);
    let report = Report::Diff(DiffView::new(report_meta, &diff));
    Ok(Outcome { saved, diff: Some(diff), report: Some(report) })
}

/// The diff options the flags describe.
fn diff_config(common: &CommonArgs, thresholds: Thresholds) -> DiffConfig {
    let mut config = DiffConfig {
        keywords: common.keywords.clone(),
        brand_terms: (!common.brands.is_empty()).then(|| common.brands.clone()),
        ..DiffConfig::default()
    };
    if let Some(percent) = thresholds.drop_percent {
        config.drop_share = percent / 100.0;
    }
    if let Some(count) = thresholds.drop_count {
        config.drop_count = usize::try_from(count).unwrap_or(usize::MAX);
    }
    config
}

/// A Unix time as `2026-03-31 12:00:00 UTC`.
fn time(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map_or_else(|| unix.to_string(), |time| time.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

/// The first snapshot of a site has nothing to compare with: say so in the chosen format.
fn first_snapshot_note(saved: &SnapshotInfo, common: &CommonArgs) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct First<'a> {
        kind: &'static str,
        target: &'a str,
        snapshot_id: i64,
        rows: u64,
        compared: bool,
    }
    let bytes = match common.format {
        OutputFormat::Json => {
            let first = First {
                kind: "monitor",
                target: &saved.target,
                snapshot_id: saved.id.get(),
                rows: saved.row_count,
                compared: false,
            };
            let mut bytes = serde_json::to_vec_pretty(&first).context("failed to encode JSON")?;
            bytes.push(b'\n');
            bytes
        }
        OutputFormat::Csv => format!(
            "snapshot_id,target,rows,compared\n{},{},{},false\n",
            saved.id, saved.target, saved.row_count
        )
        .into_bytes(),
        OutputFormat::Md | OutputFormat::Html => format!(
            "# Monitoring `{target}`\n\nFirst snapshot of `{target}` saved (id {id}, {rows} \
             backlinks). Nothing to compare yet: the next `linkgap monitor --target {target}` \
             reports the new and lost links since this one.\n",
            target = saved.target,
            id = saved.id,
            rows = saved.row_count
        )
        .into_bytes(),
    };
    output::write_report(&bytes, common.output.as_deref())
}

/// One line of `monitor history`.
#[derive(Serialize)]
struct HistoryLine {
    id: i64,
    taken_at: String,
    rows: u64,
    complete: bool,
}

/// Lists the snapshots of a target, oldest first.
fn history(args: &HistoryArgs) -> anyhow::Result<()> {
    let site = context::parse_site(&args.target, "`--target`")?;
    let store = open_store(args.db.as_deref())?;
    let snapshots =
        store.list(&site).with_context(|| format!("failed to list the snapshots of `{site}`"))?;
    let lines: Vec<HistoryLine> = snapshots
        .iter()
        .map(|info| HistoryLine {
            id: info.id.get(),
            taken_at: time(info.taken_at_unix),
            rows: info.row_count,
            complete: info
                .meta
                .get("complete")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(true),
        })
        .collect();
    let bytes = match args.format {
        OutputFormat::Json => {
            let mut bytes = serde_json::to_vec_pretty(&serde_json::json!({
                "target": site,
                "snapshots": lines,
            }))
            .context("failed to encode JSON")?;
            bytes.push(b'\n');
            bytes
        }
        OutputFormat::Csv => {
            let mut text = String::from("id,taken_at,rows,complete\n");
            for line in &lines {
                let _ =
                    writeln!(text, "{},{},{},{}", line.id, line.taken_at, line.rows, line.complete);
            }
            text.into_bytes()
        }
        OutputFormat::Md | OutputFormat::Html => {
            let mut text = format!("# Snapshots of `{site}`\n\n");
            if lines.is_empty() {
                let _ = writeln!(
                    text,
                    "No snapshots yet: `linkgap monitor --target {site}` takes the first."
                );
            } else {
                text.push_str("| id | taken at | rows | complete |\n|---:|---|---:|---|\n");
                for line in &lines {
                    let _ = writeln!(
                        text,
                        "| {} | {} | {} | {} |",
                        line.id,
                        line.taken_at,
                        line.rows,
                        if line.complete { "yes" } else { "no" }
                    );
                }
            }
            text.into_bytes()
        }
    };
    output::write_report(&bytes, args.output.as_deref())
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::args::{Cli, Command};

    fn monitor_args(argv: &[&str]) -> MonitorArgs {
        let argv = ["linkgap", "monitor"].iter().chain(argv).copied();
        let Command::Monitor(args) = Cli::try_parse_from(argv).unwrap().command else {
            panic!("not monitor")
        };
        args
    }

    #[test]
    fn history_needs_no_snapshot_target_and_monitor_needs_one() {
        let args = monitor_args(&["history", "--target", "me.com"]);
        assert!(matches!(args.command, Some(MonitorCommand::History(_))));
        let error = Cli::try_parse_from(["linkgap", "monitor"]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        let error = Cli::try_parse_from([
            "linkgap",
            "monitor",
            "--target",
            "a.com",
            "--alert-drop-percent",
            "150",
        ])
        .unwrap_err();
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn thresholds_from_flags_override_the_defaults() {
        let common = monitor_args(&["--target", "me.com"]).common;
        let config =
            diff_config(&common, Thresholds { drop_percent: Some(25.0), drop_count: Some(7) });
        assert!((config.drop_share - 0.25).abs() < 1e-12);
        assert_eq!(config.drop_count, 7);
        let config = diff_config(&common, Thresholds::default());
        assert_eq!(config, DiffConfig::default());
    }

    #[test]
    fn the_alert_error_names_the_site_and_the_kinds() {
        let error =
            AlertsFired { site: "me.com".into(), kinds: vec!["referring_domain_drop".into()] };
        assert_eq!(error.to_string(), "1 alert fired for `me.com`: referring_domain_drop");
    }
}
