//! Arguments of the analysis commands (`gap`, `audit`, `anchors`, `spam`, `bulk`,
//! `competitors`, and `estimate` over any of them) and their common flags.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

/// Examples of `linkgap gap`.
const GAP_EXAMPLES: &str = "\
Examples:
  linkgap gap --target trailpeak.com --competitor summitgear.co.uk --competitor wildtrail.net
  linkgap gap --target trailpeak.com --competitor a.com --competitor b.com --level host --format json
  linkgap gap --world ./world --target trailpeak.com --competitor wildtrail.net --min-competitors 1";

/// Examples of `linkgap audit`.
const AUDIT_EXAMPLES: &str = "\
Examples:
  linkgap audit --target trailpeak.com --competitor summitgear.co.uk --format html --output audit.html
  linkgap audit --target trailpeak.com --brand Trailpeak --keyword 'hiking boots'";

/// Examples of `linkgap anchors`.
const ANCHORS_EXAMPLES: &str = "\
Examples:
  linkgap anchors --target trailpeak.com --competitor summitgear.co.uk --competitor wildtrail.net
  linkgap anchors --target trailpeak.com --keyword 'hiking boots' --format json";

/// Examples of `linkgap spam`.
const SPAM_EXAMPLES: &str = "\
Examples:
  linkgap spam --target trailpeak.com
  linkgap spam --target trailpeak.com --format csv --output spam.csv";

/// Examples of `linkgap bulk`.
const BULK_EXAMPLES: &str = "\
Examples:
  linkgap bulk --targets-file domains.txt --format csv --output metrics.csv
  cut -d, -f1 list.csv | linkgap bulk --targets-file -";

/// Examples of `linkgap competitors`.
const COMPETITORS_EXAMPLES: &str = "\
Examples:
  linkgap competitors --target trailpeak.com
  linkgap competitors --target trailpeak.com --limit 50 --format json";

/// Examples of `linkgap estimate`.
pub(crate) const ESTIMATE_EXAMPLES: &str = "\
Examples:
  linkgap estimate gap --target trailpeak.com --competitor a.com --competitor b.com
  linkgap estimate bulk --targets-file domains.txt
  linkgap estimate audit --target trailpeak.com --max-rows 20000";

/// The commands that fetch data and write a report.
#[derive(Debug, Subcommand)]
pub(crate) enum AnalysisCommand {
    /// Ranked outreach targets: sites that link to your competitors but not to you.
    ///
    /// Fetches each site's referring domains (one paginated call per 1,000 rows; page-level gaps
    /// fetch backlinks instead) and ranks the sources linking to at least `--min-competitors`
    /// competitors and not to the target.
    #[command(after_help = GAP_EXAMPLES)]
    Gap(GapArgs),

    /// Profile summary, top referring domains, anchor audit and spam patterns of a target.
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(SitesArgs),

    /// Anchor text audit of a target and its competitors: distributions and over-optimization flags.
    #[command(after_help = ANCHORS_EXAMPLES)]
    Anchors(SitesArgs),

    /// Spam and link-network detection over a target's (and competitors') referring domains.
    #[command(after_help = SPAM_EXAMPLES)]
    Spam(SitesArgs),

    /// Rank, referring domains, backlinks, spam score and new / lost counts for many domains.
    ///
    /// Uses the bulk endpoints: one call per 1,000 targets and metric.
    #[command(after_help = BULK_EXAMPLES)]
    Bulk(BulkArgs),

    /// Suggest competitors: domains sharing the most referring domains with the target.
    #[command(after_help = COMPETITORS_EXAMPLES)]
    Competitors(CompetitorsArgs),
}

impl AnalysisCommand {
    /// The flags every analysis command has.
    pub(crate) fn common(&self) -> &CommonArgs {
        match self {
            AnalysisCommand::Gap(args) => &args.common,
            AnalysisCommand::Audit(args)
            | AnalysisCommand::Anchors(args)
            | AnalysisCommand::Spam(args) => &args.common,
            AnalysisCommand::Bulk(args) => &args.common,
            AnalysisCommand::Competitors(args) => &args.common,
        }
    }

    /// The command's name as typed.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            AnalysisCommand::Gap(_) => "gap",
            AnalysisCommand::Audit(_) => "audit",
            AnalysisCommand::Anchors(_) => "anchors",
            AnalysisCommand::Spam(_) => "spam",
            AnalysisCommand::Bulk(_) => "bulk",
            AnalysisCommand::Competitors(_) => "competitors",
        }
    }
}

/// Arguments of `linkgap gap`.
#[derive(Debug, Args)]
pub(crate) struct GapArgs {
    /// Your site (a domain, a host or a URL).
    #[arg(long, value_name = "DOMAIN")]
    pub(crate) target: String,

    /// A competitor (repeat the flag for each).
    #[arg(long = "competitor", value_name = "DOMAIN", required = true)]
    pub(crate) competitors: Vec<String>,

    /// Competitors a source must link to to be a prospect (default 2 with two or more
    /// competitors, else 1).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) min_competitors: Option<u64>,

    /// What a source is: the registrable domain, the host, or the linking page.
    #[arg(long, value_enum, default_value_t = LevelArg::Domain)]
    pub(crate) level: LevelArg,

    /// Prospects listed in the report (best first).
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub(crate) top: usize,

    /// Flags common to every analysis command.
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Arguments of `audit`, `anchors` and `spam`: a target and optional competitors.
#[derive(Debug, Args)]
pub(crate) struct SitesArgs {
    /// Your site (a domain, a host or a URL).
    #[arg(long, value_name = "DOMAIN")]
    pub(crate) target: String,

    /// A competitor (repeat the flag for each); they are the baseline of the anchor audit.
    #[arg(long = "competitor", value_name = "DOMAIN")]
    pub(crate) competitors: Vec<String>,

    /// Flags common to every analysis command.
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Arguments of `linkgap bulk`.
#[derive(Debug, Args)]
pub(crate) struct BulkArgs {
    /// File with one domain or URL per line (`-` reads standard input); blank lines and lines
    /// starting with `#` are skipped.
    #[arg(long, value_name = "FILE")]
    pub(crate) targets_file: PathBuf,

    /// Count new and lost links since this day (default: 30 days before today, or before a
    /// `--world`'s last crawl day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) since: Option<NaiveDate>,

    /// Flags common to every analysis command.
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Arguments of `linkgap competitors`.
#[derive(Debug, Args)]
pub(crate) struct CompetitorsArgs {
    /// Your site (a domain or a host).
    #[arg(long, value_name = "DOMAIN")]
    pub(crate) target: String,

    /// Suggestions to fetch (1-1000).
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub(crate) limit: u64,

    /// Flags common to every analysis command.
    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Flags common to every analysis command.
#[derive(Debug, Clone, Args)]
pub(crate) struct CommonArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Md)]
    pub(crate) format: OutputFormat,

    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,

    /// Hard spending limit for this run in USD: a call that could exceed it is not sent.
    #[arg(long, value_name = "USD", value_parser = parse_usd)]
    pub(crate) max_cost: Option<f64>,

    /// Spend without asking, even above the confirmation threshold.
    #[arg(long)]
    pub(crate) yes: bool,

    /// Neither read nor write the response cache.
    #[arg(long)]
    pub(crate) no_cache: bool,

    /// API requests in flight at once (1-30).
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=30))]
    pub(crate) concurrency: u64,

    /// Rows fetched at most per site and endpoint (bounds the worst-case cost; a profile cut
    /// short is marked truncated in the report).
    #[arg(long, value_name = "N", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_rows: u64,

    /// A brand term of the target (repeatable; default: derived from its domain).
    #[arg(long = "brand", value_name = "TERM")]
    pub(crate) brands: Vec<String>,

    /// A money keyword of the niche (repeatable; default: derived from competitors' anchors).
    #[arg(long = "keyword", value_name = "TERM")]
    pub(crate) keywords: Vec<String>,

    /// Send requests to this API base URL (a proxy, or the loopback `mock-server`).
    #[arg(long, value_name = "URL", conflicts_with_all = ["sandbox", "world"])]
    pub(crate) api_base: Option<String>,

    /// Use the DataForSEO sandbox (free, fake data).
    #[arg(long, conflicts_with = "world")]
    pub(crate) sandbox: bool,

    /// Analyse a local world directory instead of calling the API (no HTTP, no cost).
    #[arg(long, value_name = "DIR")]
    pub(crate) world: Option<PathBuf>,

    /// Database file (response cache and monitoring snapshots; default in the user's data
    /// directory).
    #[arg(long, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,

    /// Configuration file (TOML).
    #[arg(long, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,

    /// A named project of the config file: its target, competitors, brand terms, keywords and
    /// thresholds fill the flags you leave out.
    #[arg(long, value_name = "NAME")]
    pub(crate) project: Option<String>,
}

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Markdown.
    Md,
    /// CSV (the report's main table).
    Csv,
    /// JSON (versioned document).
    Json,
    /// One self-contained HTML file.
    Html,
}

/// `--level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LevelArg {
    /// Registrable domain (`news.bbc.co.uk` counts as `bbc.co.uk`).
    Domain,
    /// Host (`news.bbc.co.uk` on its own).
    Host,
    /// Linking page URL (needs link-level data: costs more).
    Page,
}

/// A non-negative amount of USD.
fn parse_usd(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(amount) if amount.is_finite() && amount >= 0.0 => Ok(amount),
        _ => Err(format!("`{text}` is not an amount of USD (a number of at least 0)")),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn parse(argv: &[&str]) -> Result<Cli, clap::Error> {
        let mut full = vec!["linkgap"];
        full.extend_from_slice(argv);
        Cli::try_parse_from(full)
    }

    #[test]
    fn gap_defaults_to_domain_level_markdown_and_the_safe_limits() {
        let cli = parse(&["gap", "--target", "me.com", "--competitor", "a.com"]).unwrap();
        let Command::Analysis(AnalysisCommand::Gap(args)) = cli.command else { panic!("not gap") };
        assert_eq!(args.level, LevelArg::Domain);
        assert_eq!(args.min_competitors, None);
        assert_eq!(args.common.format, OutputFormat::Md);
        assert_eq!((args.common.max_rows, args.common.concurrency), (5000, 4));
        assert!(!args.common.yes && !args.common.no_cache && args.common.max_cost.is_none());
    }

    #[test]
    fn estimate_takes_any_command_with_its_flags() {
        let cli = parse(&[
            "estimate",
            "bulk",
            "--targets-file",
            "-",
            "--keyword",
            "a",
            "--keyword",
            "b",
            "-q",
        ])
        .unwrap();
        assert!(cli.quiet);
        let Command::Estimate { command: AnalysisCommand::Bulk(args) } = cli.command else {
            panic!("not estimate bulk")
        };
        assert_eq!(args.common.keywords, ["a", "b"]);
        assert_eq!(args.targets_file, PathBuf::from("-"));
    }

    #[test]
    fn bad_usage_exits_with_code_two() {
        for argv in [
            &["gap", "--target", "me.com"][..],
            &["gap", "--target", "me.com", "--competitor", "a.com", "--level", "page2"],
            &["spam", "--target", "me.com", "--format", "xml"],
            &["spam", "--target", "me.com", "--concurrency", "0"],
            &["spam", "--target", "me.com", "--max-cost", "-1"],
            &["spam", "--target", "me.com", "--world", "w", "--sandbox"],
            &["spam", "--target", "me.com", "--api-base", "http://x", "--world", "w"],
            &["gap", "--target", "a.com", "--competitor", "b.com", "--min-competitors", "0"],
            &["estimate"],
        ] {
            let error = parse(argv).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{argv:?}");
        }
    }
}
