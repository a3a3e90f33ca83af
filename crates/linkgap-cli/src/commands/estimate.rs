//! `linkgap estimate <command>`: the calls and the worst-case cost a command would make, sending
//! nothing (no credentials needed).

use anyhow::Context as _;
use linkgap_dataforseo::PriceTable;

use crate::args::{AnalysisCommand, OutputFormat};
use crate::commands::{audit, bulk, competitors, gap};
use crate::output;
use crate::plan::{CostEstimate, Plan};

/// The plan of any analysis command, built exactly as the command builds it.
pub(crate) fn plan_of(command: &AnalysisCommand) -> anyhow::Result<Plan> {
    Ok(match command {
        AnalysisCommand::Gap(args) => gap::plan(args)?.1,
        AnalysisCommand::Audit(args)
        | AnalysisCommand::Anchors(args)
        | AnalysisCommand::Spam(args) => audit::plan(args)?.1,
        AnalysisCommand::Bulk(args) => bulk::plan(args)?.1,
        AnalysisCommand::Competitors(args) => competitors::plan(args)?.1,
    })
}

/// The estimate of `command` (a local world sends nothing and costs nothing).
pub(crate) fn estimate(command: &AnalysisCommand) -> anyhow::Result<CostEstimate> {
    let plan = if command.common().world.is_some() { Plan::new() } else { plan_of(command)? };
    Ok(plan.cost(&PriceTable::default()))
}

/// Prints the estimate of `command` to stdout or `--output`.
pub(crate) fn run(command: &AnalysisCommand) -> anyhow::Result<()> {
    let common = command.common();
    let cost = estimate(command)?;
    let bytes = match common.format {
        OutputFormat::Json => {
            let mut bytes =
                serde_json::to_vec_pretty(&cost).context("failed to render the estimate")?;
            bytes.push(b'\n');
            bytes
        }
        _ if common.world.is_some() => format!(
            "`linkgap {}` on a local world sends no API calls and costs nothing.\n",
            command.name()
        )
        .into_bytes(),
        _ => format!("# Estimate of `linkgap {}`\n\n{}", command.name(), cost.to_markdown())
            .into_bytes(),
    };
    output::write_report(&bytes, common.output.as_deref())
}
