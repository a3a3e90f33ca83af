//! `linkgap bulk`: rank, referring domains, backlinks, spam score and new / lost counts for
//! many domains, through the bulk endpoints.

use std::io::Read as _;
use std::path::Path;

use anyhow::Context as _;
use chrono::{Days, NaiveDate};
use linkgap_analysis::{BulkConfig, Domain, bulk_table};
use linkgap_report::{BulkView, Report};

use crate::args::BulkArgs;
use crate::context::{self, Env};
use crate::plan::Plan;

/// Default window of the new / lost counts.
const DEFAULT_SINCE_DAYS: u64 = 30;

/// The targets of a targets file: one domain or URL per line; blank lines and `#` comments are
/// skipped; domains are normalised, URLs kept as given; duplicates dropped.
pub(crate) fn parse_targets(text: &str, label: &str) -> anyhow::Result<Vec<String>> {
    let mut targets: Vec<String> = Vec::new();
    for (idx, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let domain = Domain::parse(line).map_err(|error| {
            anyhow::anyhow!(
                "`{label}` line {}: invalid domain or URL `{line}`: {}",
                idx + 1,
                error.kind()
            )
        })?;
        let target = if line.contains("://") { line.to_owned() } else { domain.host().to_owned() };
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    if targets.is_empty() {
        anyhow::bail!("`{label}` names no targets");
    }
    Ok(targets)
}

/// Reads the targets of `--targets-file` (`-` is standard input).
fn read_targets(path: &Path) -> anyhow::Result<Vec<String>> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("failed to read targets from stdin")?;
        return parse_targets(&text, "stdin");
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the targets file `{}`", path.display()))?;
    parse_targets(&text, &path.display().to_string())
}

/// The targets and the plan of `bulk`.
pub(crate) fn plan(args: &BulkArgs) -> anyhow::Result<(Vec<String>, Plan)> {
    let targets = read_targets(&args.targets_file)?;
    let plan = Plan::bulk_metrics(targets.len() as u64);
    Ok((targets, plan))
}

/// Fetches the metrics, builds the table, writes the report.
pub(crate) fn run(args: &BulkArgs, env: &Env) -> anyhow::Result<()> {
    let common = &args.common;
    let (targets, plan) = plan(args)?;
    let mut source = context::start(&plan, common, env)?;
    let since = if let Some(since) = args.since {
        since
    } else {
        // A local world is a crawl of its own day, not of today: count from its last day.
        let today: NaiveDate = source.data_day()?.unwrap_or_else(|| env.now.date_naive());
        today.checked_sub_days(Days::new(DEFAULT_SINCE_DAYS)).unwrap_or(today)
    };
    let rows = source.bulk(&targets, since, &env.progress)?;
    let table = bulk_table(rows, &BulkConfig::default());
    let mut meta = context::meta(env, &source, &[], &[]);
    meta.target = format!("{} targets", targets.len());
    context::emit(&Report::Bulk(BulkView::new(meta, &table)), common)?;
    context::finish(&source, env);
    Ok(())
}
