//! Dispatch from parsed arguments to one module per subcommand.

mod anchors;
mod audit;
mod bulk;
mod cache;
mod competitors;
mod completions;
mod demo;
mod doctor;
mod estimate;
mod gap;
mod mock_server;
mod monitor;
mod spam;

pub(crate) use monitor::AlertsFired;

use crate::args::{AnalysisCommand, Cli, Command};
use crate::config::Settings;
use crate::context::Env;

/// Runs the chosen subcommand with the settings (config file, credentials) around it.
pub(crate) fn run(cli: Cli, settings: &Settings) -> anyhow::Result<()> {
    match cli.command {
        Command::MockServer(args) => mock_server::run(&args),
        Command::Analysis(command) => {
            settings.check()?;
            run_analysis(&command, &settings.env(cli.quiet))
        }
        Command::Estimate { command } => {
            settings.check()?;
            estimate::run(&command)
        }
        Command::Monitor(args) => {
            settings.check()?;
            monitor::run(&args, &settings.env(cli.quiet))
        }
        Command::Doctor(args) => doctor::run(&args, settings, &settings.env(cli.quiet)),
        Command::Cache { command } => {
            settings.check()?;
            cache::run(&command)
        }
        Command::Demo(args) => demo::run(&args, cli.quiet),
        Command::Completions(args) => completions::run(&args),
    }
}

/// Runs an analysis command in `env`.
pub(crate) fn run_analysis(command: &AnalysisCommand, env: &Env) -> anyhow::Result<()> {
    match command {
        AnalysisCommand::Gap(args) => gap::run(args, env),
        AnalysisCommand::Audit(args) => audit::run(args, env),
        AnalysisCommand::Anchors(args) => anchors::run(args, env),
        AnalysisCommand::Spam(args) => spam::run(args, env),
        AnalysisCommand::Bulk(args) => bulk::run(args, env),
        AnalysisCommand::Competitors(args) => competitors::run(args, env),
    }
}

#[cfg(test)]
mod tests;
