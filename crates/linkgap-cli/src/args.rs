//! Command-line arguments: clap derive types only.

use std::{net::SocketAddr, path::PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

mod analysis;
mod tools;

pub(crate) use analysis::{
    AnalysisCommand, BulkArgs, CommonArgs, CompetitorsArgs, ESTIMATE_EXAMPLES, GapArgs, LevelArg,
    OutputFormat, SitesArgs,
};
pub(crate) use tools::{
    CacheArgs, CacheCommand, CompletionsArgs, DemoArgs, DoctorArgs, HistoryArgs, MonitorArgs,
    MonitorCommand,
};

/// Competitor backlink analysis on the DataForSEO Backlinks API.
#[derive(Debug, Parser)]
#[command(
    name = "linkgap",
    version,
    about = "Competitor backlink analysis on the DataForSEO Backlinks API",
    propagate_version = true
)]
pub(crate) struct Cli {
    /// More log output on stderr (`-v` info, `-vv` debug, `-vvv` trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,

    /// No progress bars and no run summary on stderr (errors are still printed).
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,

    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Serve the DataForSEO Backlinks API on a local address over a backlink world.
    ///
    /// Prints `listening on http://ADDR` as its first line on stdout, then serves until it is
    /// interrupted (Ctrl-C or SIGTERM).
    MockServer(MockServerArgs),

    /// The analysis commands (`gap`, `audit`, `anchors`, `spam`, `bulk`, `competitors`).
    #[command(flatten)]
    Analysis(AnalysisCommand),

    /// Print the calls and the worst-case cost a command would make, sending nothing.
    #[command(after_help = ESTIMATE_EXAMPLES)]
    Estimate {
        /// The command to estimate, with its arguments.
        #[command(subcommand)]
        command: AnalysisCommand,
    },

    /// Take a snapshot of a target's backlinks, compare it with the previous one, and alert.
    Monitor(MonitorArgs),

    /// Check credentials, balance, subscription and configuration, and say what to fix.
    Doctor(DoctorArgs),

    /// Inspect or clear the response cache.
    Cache {
        /// What to do with the cache.
        #[command(subcommand)]
        command: CacheCommand,
    },

    /// Run audit, gap, spam and monitoring on the built-in demo world through a local server.
    ///
    /// No credentials and no network: the loopback server runs inside the process.
    Demo(DemoArgs),

    /// Print shell completions.
    Completions(CompletionsArgs),
}

/// Arguments of `linkgap mock-server`.
#[derive(Debug, Args)]
pub(crate) struct MockServerArgs {
    /// World directory (`backlinks.jsonl[.gz|.zst]`, optional `domains.jsonl`); the built-in demo
    /// world when absent.
    #[arg(long, value_name = "DIR")]
    pub(crate) world: Option<PathBuf>,

    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub(crate) listen: SocketAddr,

    /// Basic-auth login the server accepts.
    #[arg(long, value_name = "LOGIN", default_value = "demo")]
    pub(crate) login: String,

    /// Basic-auth password the server accepts.
    #[arg(long, value_name = "PASSWORD", default_value = "demo")]
    pub(crate) password: String,

    /// Fault profile (JSON; see `crates/linkgap-mock/faults.example.json`).
    #[arg(long, value_name = "FILE")]
    pub(crate) faults: Option<PathBuf>,

    /// Seed of the injected faults (overrides the profile's `seed`).
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,

    /// Starting account balance in USD.
    #[arg(long, value_name = "USD", default_value_t = 100.0, value_parser = parse_balance)]
    pub(crate) balance: f64,

    /// Calls accepted per minute before 40202 (overrides the profile; default 2000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) per_minute: Option<u32>,

    /// Requests in flight at once before 40202 (overrides the profile; default 30).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_in_flight: Option<u32>,

    /// Fixed latency added to every request, in milliseconds (overrides the profile).
    #[arg(long, value_name = "MS")]
    pub(crate) latency_ms: Option<u64>,

    /// Answer 40104 (HTTP 403, "verify your account") on every endpoint but `user_data`.
    #[arg(long)]
    pub(crate) unverified: bool,

    /// The day the world is seen from (default: the latest date in the world).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) today: Option<NaiveDate>,
}

fn parse_balance(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(balance) if balance.is_finite() && balance >= 0.0 => Ok(balance),
        _ => Err(format!("`{text}` is not an amount of USD (a number of at least 0)")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn mock_server_defaults_to_loopback_and_demo_credentials() {
        let cli = Cli::try_parse_from(["linkgap", "mock-server"]).unwrap();
        let Command::MockServer(args) = cli.command else { panic!("not mock-server") };
        assert_eq!(args.listen.to_string(), "127.0.0.1:0");
        assert_eq!((args.login.as_str(), args.password.as_str()), ("demo", "demo"));
        assert!((args.balance - 100.0).abs() < f64::EPSILON);
        assert!(args.world.is_none() && args.faults.is_none() && !args.unverified);
    }

    #[test]
    fn bad_values_are_usage_errors() {
        for argv in [
            &["linkgap", "mock-server", "--balance", "-1"][..],
            &["linkgap", "mock-server", "--listen", "localhost"],
            &["linkgap", "mock-server", "--per-minute", "0"],
            &["linkgap", "mock-server", "--today", "2026-13-01"],
        ] {
            let error = Cli::try_parse_from(argv).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{argv:?}");
        }
    }
}
