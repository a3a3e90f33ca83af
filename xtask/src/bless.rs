//! `cargo xtask bless`: refreshes insta snapshots, then lists the snapshot files that changed.

use xshell::cmd;

use crate::{cargo, eprint_line, print_line, shell};

/// Runs every test with `INSTA_UPDATE=always` and prints `git status --short` of the snapshot files.
///
/// `INSTA_FORCE_PASS=1` keeps a changed snapshot from failing its test, so the run reaches every snapshot;
/// review the listed files with `git diff` before committing them.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let sh = shell()?;
    let cargo = cargo();
    let tests = cmd!(
        sh,
        "{cargo} test --workspace --lib --bins --tests --examples --no-fail-fast {args...}"
    )
    .env("INSTA_UPDATE", "always")
    .env("INSTA_FORCE_PASS", "1")
    .run();
    let status = cmd!(sh, "git status --short -- *.snap *.snap.new *.pending-snap").read()?;
    if status.trim().is_empty() {
        print_line("bless: no snapshot changed");
    } else {
        print_line("bless: changed snapshot files (review with `git diff`):");
        print_line(status);
    }
    if let Err(err) = tests {
        eprint_line("bless: some tests failed for reasons other than snapshots");
        return Err(err.into());
    }
    Ok(())
}
