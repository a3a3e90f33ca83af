//! The linkgap command-line program (library; the binary is the root package).
//!
//! [`main`] parses the arguments (clap), installs the stderr logger, runs one subcommand and
//! turns its outcome into an exit code: 0 on success, 1 on a runtime error (printed as one line
//! `error: ...` with the whole cause chain), 2 on a usage error, 3 when `monitor --fail-on-alert`
//! saw an alert fire.

mod args;
mod commands;
mod config;
mod context;
mod convert;
mod output;
mod plan;
mod progress;
mod source;

use std::{
    io::{self, Write},
    process::ExitCode,
};

use clap::{CommandFactory as _, Parser as _};
use tracing_subscriber::EnvFilter;

use crate::args::Cli;
use crate::config::Settings;

/// Runs the program with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    // The config file's defaults and `--project` values are layered under the flags first.
    let settings = match Settings::prepare(std::env::args_os().collect(), &Cli::command()) {
        Ok(settings) => settings,
        Err(error) => {
            let _ = writeln!(io::stderr().lock(), "error: {error:#}");
            return ExitCode::from(2);
        }
    };
    let cli = match Cli::try_parse_from(&settings.argv) {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` end up here too, with exit code 0.
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    init_logging(cli.verbose);
    match commands::run(cli, &settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) if error.is::<commands::AlertsFired>() => {
            let _ = writeln!(io::stderr().lock(), "alert: {error:#}");
            ExitCode::from(3)
        }
        Err(error) => {
            let _ = writeln!(io::stderr().lock(), "error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr; `RUST_LOG` wins over `-v`.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(io::stderr).try_init();
}

/// A closed stdout (`linkgap ... | head`) is not a failure.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
    })
}
