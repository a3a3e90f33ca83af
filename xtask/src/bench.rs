//! `cargo xtask bench`: the criterion benchmarks, extra arguments passed through.

use xshell::cmd;

use crate::{cargo, shell};

/// Runs `cargo bench --workspace [ARGS]` (e.g. `-- --save-baseline main`).
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let sh = shell()?;
    let cargo = cargo();
    cmd!(sh, "{cargo} bench --workspace {args...}").run()?;
    Ok(())
}
