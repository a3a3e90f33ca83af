//! `cargo xtask lint`: clippy on every target of the workspace with warnings denied.

use xshell::cmd;

use crate::{cargo, shell};

/// Runs `cargo clippy --workspace --all-targets [ARGS] -- -D warnings`.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let sh = shell()?;
    let cargo = cargo();
    cmd!(sh, "{cargo} clippy --workspace --all-targets {args...} -- -D warnings").run()?;
    Ok(())
}
