//! What every analysis command shares: the process environment it runs in, site parsing, opening
//! the source behind the cost check, report metadata, rendering and the run summary.

use std::io::IsTerminal as _;
use std::time::SystemTime;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use linkgap_analysis::{Coverage, Domain, Profile, Rows};
use linkgap_dataforseo::{CacheMode, Credentials, PriceTable};
use linkgap_report::{Format, Report, ReportMeta};

use crate::args::{CommonArgs, OutputFormat};
use crate::config;
use crate::output;
use crate::plan::{DEFAULT_CONFIRM_ABOVE_USD, Plan, SpendPolicy, confirm_spend};
use crate::progress::Progress;
use crate::source::{Source, SourceConfig, cache_path};

/// The environment a command runs in: everything it would otherwise read from the process.
#[derive(Clone, Debug)]
pub(crate) struct Env {
    /// API credentials, if configured.
    pub(crate) credentials: Option<Credentials>,
    /// Whether a person can be asked on the terminal (stdin is a TTY).
    pub(crate) interactive: bool,
    /// `-q`: no progress, no estimate or summary notes.
    pub(crate) quiet: bool,
    /// Progress bars.
    pub(crate) progress: Progress,
    /// The time written into reports.
    pub(crate) now: DateTime<Utc>,
    /// Spend above this worst case (USD) needs a confirmation.
    pub(crate) confirm_above_usd: f64,
}

impl Env {
    /// The environment of this process.
    pub(crate) fn from_process(quiet: bool) -> Env {
        Env {
            credentials: config::credentials_from_env(),
            interactive: std::io::stdin().is_terminal(),
            quiet,
            progress: Progress::new(quiet),
            now: Utc::now(),
            confirm_above_usd: DEFAULT_CONFIRM_ABOVE_USD,
        }
    }

    /// Writes a note to stderr unless quiet.
    pub(crate) fn note(&self, text: &str) {
        if !self.quiet {
            output::note(text);
        }
    }
}

/// Normalises a site given on the command line; `what` names the flag in the error.
pub(crate) fn parse_site(input: &str, what: &str) -> anyhow::Result<String> {
    match Domain::parse(input) {
        Ok(domain) => Ok(domain.host().to_owned()),
        Err(error) => anyhow::bail!("invalid {what} `{input}`: {}", error.kind()),
    }
}

/// The target then the competitors, normalised and without duplicates.
pub(crate) fn parse_sites(target: &str, competitors: &[String]) -> anyhow::Result<Vec<String>> {
    let mut sites = vec![parse_site(target, "`--target`")?];
    for competitor in competitors {
        let site = parse_site(competitor, "`--competitor`")?;
        if !sites.contains(&site) {
            sites.push(site);
        }
    }
    Ok(sites)
}

/// The source configuration the flags describe.
pub(crate) fn source_config(common: &CommonArgs, env: &Env) -> SourceConfig {
    SourceConfig {
        world: common.world.clone(),
        api_base: common.api_base.clone(),
        sandbox: common.sandbox,
        credentials: env.credentials.clone(),
        cache: if common.no_cache { None } else { cache_path(common.db.as_deref()) },
        cache_mode: CacheMode::ReadWrite,
        max_cost: common.max_cost,
        concurrency: usize::try_from(common.concurrency).unwrap_or(1),
        max_rows: common.max_rows,
    }
}

/// Opens the source; for the API, states the plan's worst case on stderr and applies the spend
/// rule (ask, or refuse without `--yes`) before anything is sent.
pub(crate) fn start(plan: &Plan, common: &CommonArgs, env: &Env) -> anyhow::Result<Source> {
    open_checked(&source_config(common, env), plan, common, env)
}

/// Like [`start`], for a monitoring run that began at `run_start`: the response cache (unless
/// `--no-cache`) answers only from responses stored since then, and stores every new one, so a
/// rerun of an interrupted run resumes from what it paid for and never reads an older snapshot.
pub(crate) fn start_monitoring(
    plan: &Plan,
    common: &CommonArgs,
    env: &Env,
    run_start: SystemTime,
) -> anyhow::Result<Source> {
    let mut config = source_config(common, env);
    refresh_since(&mut config, run_start);
    open_checked(&config, plan, common, env)
}

/// Puts the response cache of `config` in refresh mode for a run begun at `run_start`.
fn refresh_since(config: &mut SourceConfig, run_start: SystemTime) {
    config.cache_mode = CacheMode::Refresh { since: run_start };
}

/// Opens the source `wanted` describes, after the credential check and the spend rule.
fn open_checked(
    wanted: &SourceConfig,
    plan: &Plan,
    common: &CommonArgs,
    env: &Env,
) -> anyhow::Result<Source> {
    if wanted.world.is_none() && wanted.credentials.is_none() {
        anyhow::bail!(config::missing_credentials_message(common.config.as_deref()));
    }
    let source = Source::open(wanted)?;
    if matches!(source, Source::Api(_)) {
        let cost = plan.cost(&PriceTable::default());
        env.note(&cost.summary());
        let policy = SpendPolicy {
            confirm_above_usd: env.confirm_above_usd,
            yes: common.yes,
            interactive: env.interactive,
        };
        confirm_spend(&cost, &policy, &mut |question| output::ask_yes_no(question))?;
    }
    Ok(source)
}

/// The report's metadata, with a note per truncated profile.
pub(crate) fn meta(
    env: &Env,
    source: &Source,
    sites: &[String],
    profiles: &[Profile],
) -> ReportMeta {
    let coverage_notes = profiles
        .iter()
        .filter_map(|profile| match profile.coverage {
            Coverage::Complete => None,
            Coverage::Truncated { fetched, total } => {
                let rows = match profile.rows {
                    Rows::Backlinks(_) => "backlinks",
                    Rows::ReferringDomains(_) => "referring domains",
                };
                Some(format!(
                    "`{}`: {fetched} of about {total} {rows} fetched (`--max-rows`); \
                     absence from this profile is unverified",
                    profile.site
                ))
            }
        })
        .collect();
    ReportMeta {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        generated_at: env.now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        target: sites.first().cloned().unwrap_or_default(),
        competitors: sites.iter().skip(1).cloned().collect(),
        data_source: source.label(),
        cost_usd: Some(source.ledger().map_or(0.0, |ledger| ledger.total_cost)),
        coverage_notes,
    }
}

/// The report format of `--format`.
pub(crate) fn format(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Md => Format::Markdown,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Json => Format::Json,
        OutputFormat::Html => Format::Html,
    }
}

/// Renders the report and writes it to stdout or `--output`.
pub(crate) fn emit(report: &Report, common: &CommonArgs) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    linkgap_report::render(report, format(common.format), &mut bytes)
        .with_context(|| format!("failed to render the {} report", report.kind()))?;
    output::write_report(&bytes, common.output.as_deref())
}

/// Leaves `value` to the operating system instead of dropping it: for results a command holds
/// until the process exits, where freeing them piece by piece is time spent on nothing.
pub(crate) fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// States what the run cost on stderr: calls made, cache hits, money spent.
pub(crate) fn finish(source: &Source, env: &Env) {
    if let Some(ledger) = source.ledger() {
        env.note(&format!(
            "done: {} API call{}, {} cache hit{}, ${:.4} spent",
            ledger.calls,
            if ledger.calls == 1 { "" } else { "s" },
            ledger.cache_hits,
            if ledger.cache_hits == 1 { "" } else { "s" },
            ledger.total_cost
        ));
    }
}
