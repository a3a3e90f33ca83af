//! Arguments of the operational commands: `monitor`, `doctor`, `cache`, `demo`, `completions`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::{CommonArgs, OutputFormat};

/// Examples of `linkgap monitor`.
const MONITOR_EXAMPLES: &str = "\
Examples:
  linkgap monitor --target trailpeak.com
  linkgap monitor --target trailpeak.com --fail-on-alert --quiet --format json --output diff.json
  linkgap monitor history --target trailpeak.com";

/// Examples of `linkgap doctor`.
const DOCTOR_EXAMPLES: &str = "\
Examples:
  linkgap doctor
  linkgap doctor --config ./linkgap.toml --db ./linkgap.sqlite";

/// Examples of `linkgap cache`.
const CACHE_EXAMPLES: &str = "\
Examples:
  linkgap cache stats
  linkgap cache stats --db ./linkgap.sqlite --format json
  linkgap cache clear";

/// Examples of `linkgap demo`.
const DEMO_EXAMPLES: &str = "\
Examples:
  linkgap demo
  linkgap demo --output /tmp/demo.html";

/// Examples of `linkgap completions`.
const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  linkgap completions bash > ~/.local/share/bash-completion/completions/linkgap
  linkgap completions zsh > ~/.zfunc/_linkgap
  linkgap completions fish > ~/.config/fish/completions/linkgap.fish";

/// Arguments of `linkgap monitor`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
#[command(after_help = MONITOR_EXAMPLES)]
pub(crate) struct MonitorArgs {
    /// `history` lists the snapshots instead of taking one.
    #[command(subcommand)]
    pub(crate) command: Option<MonitorCommand>,

    /// The site to monitor (a domain, a host or a URL).
    #[arg(long, value_name = "DOMAIN", required = true)]
    pub(crate) target: Option<String>,

    /// Exit with code 3 when an alert fires (the report is still written).
    #[arg(long)]
    pub(crate) fail_on_alert: bool,

    /// Alert when the referring domains drop by at least this percentage (and at least 3
    /// domains; default 10).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub(crate) alert_drop_percent: Option<f64>,

    /// Alert when at least this many referring domains are lost, whatever the share (default 50).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) alert_drop_count: Option<u64>,

    /// Flags common to every analysis command.
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Subcommands of `linkgap monitor`.
#[derive(Debug, Subcommand)]
pub(crate) enum MonitorCommand {
    /// List the stored snapshots of a target (id, time, rows).
    History(HistoryArgs),
}

/// Arguments of `linkgap monitor history`.
#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    /// The monitored site.
    #[arg(long, value_name = "DOMAIN")]
    pub(crate) target: String,

    /// A named project of the config file (gives the target).
    #[arg(long, value_name = "NAME")]
    pub(crate) project: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Md)]
    pub(crate) format: OutputFormat,

    /// Write the list to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,

    /// Database file (default in the user's data directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,

    /// Configuration file (TOML).
    #[arg(long, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
}

/// Arguments of `linkgap doctor`.
#[derive(Debug, Args)]
#[command(after_help = DOCTOR_EXAMPLES)]
pub(crate) struct DoctorArgs {
    /// Check this API base URL instead of production.
    #[arg(long, value_name = "URL", conflicts_with = "sandbox")]
    pub(crate) api_base: Option<String>,

    /// Check the DataForSEO sandbox.
    #[arg(long)]
    pub(crate) sandbox: bool,

    /// Database file to check (default in the user's data directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,

    /// Configuration file to check (TOML).
    #[arg(long, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
}

/// Subcommands of `linkgap cache`.
#[derive(Debug, Subcommand)]
#[command(after_help = CACHE_EXAMPLES)]
pub(crate) enum CacheCommand {
    /// Entries, size, entries per endpoint, and what the cached responses cost.
    Stats(CacheArgs),
    /// Delete every cached response.
    Clear(CacheArgs),
}

/// Arguments of `linkgap cache stats|clear`.
#[derive(Debug, Args)]
pub(crate) struct CacheArgs {
    /// Database file whose cache to use (the cache sits next to it; default in the user's cache
    /// directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,

    /// Output format (`md` or `json`).
    #[arg(long, value_enum, default_value_t = OutputFormat::Md)]
    pub(crate) format: OutputFormat,

    /// Configuration file (TOML).
    #[arg(long, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
}

/// Arguments of `linkgap demo`.
#[derive(Debug, Args)]
#[command(after_help = DEMO_EXAMPLES)]
pub(crate) struct DemoArgs {
    /// Where to write the HTML report.
    #[arg(long, value_name = "PATH", default_value = "linkgap-demo.html")]
    pub(crate) output: PathBuf,
}

/// Arguments of `linkgap completions`.
#[derive(Debug, Args)]
#[command(after_help = COMPLETIONS_EXAMPLES)]
pub(crate) struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

/// A percentage between 0 and 100.
fn parse_percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(percent) if percent.is_finite() && (0.0..=100.0).contains(&percent) => Ok(percent),
        _ => Err(format!("`{text}` is not a percentage (a number from 0 to 100)")),
    }
}
