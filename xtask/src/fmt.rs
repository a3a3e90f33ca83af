//! `cargo xtask fmt`: formats the whole workspace (`cargo fmt --all`, extra arguments passed through).

use xshell::cmd;

use crate::{cargo, shell};

/// Runs `cargo fmt --all [ARGS]` (`--check` to only check).
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let sh = shell()?;
    let cargo = cargo();
    cmd!(sh, "{cargo} fmt --all {args...}").run()?;
    Ok(())
}
