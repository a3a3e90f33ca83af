//! `cargo xtask ci`: every check CI makes, in CI's order, ending on the test summary.

use xshell::cmd;

use crate::{browser, cargo, deps, shell, test};

/// Runs, each with `--locked` where cargo takes it: the format check, clippy with warnings denied, the crate
/// boundary check, the HTML reports in a real headless browser, and last the test suite, so the final line is
/// the test summary.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    if let Some(unexpected) = args.first() {
        anyhow::bail!("`ci` takes no arguments, got `{unexpected}`");
    }
    let sh = shell()?;
    let cargo = cargo();
    cmd!(sh, "{cargo} fmt --all --check").run()?;
    cmd!(sh, "{cargo} clippy --workspace --all-targets --locked -- -D warnings").run()?;
    let locked = ["--locked".to_owned()];
    deps::run(&locked)?;
    browser::run(&[])?;
    test::run(&locked)
}
