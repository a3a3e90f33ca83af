//! Development tasks for the linkgap workspace: `cargo xtask <task>` (see `cargo xtask help`).

mod bench;
mod bless;
mod browser;
mod ci;
mod deps;
mod duckdb;
mod fmt;
mod lint;
mod test;
mod tidy;
mod world;

use std::ffi::OsString;
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use xshell::Shell;

/// Every task with a one-line description, in the order `help` lists them.
const TASKS: &[(&str, &str)] = &[
    (
        "ci",
        "everything CI checks, in CI's order: fmt check, clippy, deps, then test (all --locked)",
    ),
    ("test", "doc tests, then every test target; ends on `tests: N passed, M failed`"),
    (
        "deps",
        "fail if linkgap-analysis or linkgap-report depend on tokio, reqwest, hyper or the API crate",
    ),
    (
        "tidy",
        "repository hygiene: `//!` headers, no ignored tests, member manifests, fixtures without secrets",
    ),
    ("fmt", "cargo fmt --all [ARGS]"),
    ("lint", "cargo clippy --workspace --all-targets [ARGS] -- -D warnings"),
    ("bless", "run the tests with INSTA_UPDATE=always, then show the changed snapshot files"),
    ("bench", "cargo bench --workspace [ARGS]"),
    ("gen-world", "generate a deterministic backlink world (see `cargo xtask gen-world --help`)"),
    (
        "browser-check",
        "render the sample HTML reports and load them in headless chromium (installed when missing)",
    ),
    (
        "duckdb-compare",
        "time `linkgap gap --world` against DuckDB (2 threads) on a generated world; check both agree",
    ),
];

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next().unwrap_or_else(|| "help".to_owned());
    let rest: Vec<String> = args.collect();
    match run(&task, &rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A task that already explained its failure (like `test`, whose summary must stay the last line)
            // returns `Reported`, and nothing more is printed.
            if err.downcast_ref::<Reported>().is_none() {
                eprint_line(format_args!("error: {err:#}"));
            }
            ExitCode::FAILURE
        }
    }
}

/// Runs one task by name.
fn run(task: &str, args: &[String]) -> anyhow::Result<()> {
    match task {
        "ci" => ci::run(args),
        "test" => test::run(args),
        "deps" => deps::run(args),
        "tidy" => tidy::run(args),
        "fmt" => fmt::run(args),
        "lint" => lint::run(args),
        "bless" => bless::run(args),
        "bench" => bench::run(args),
        "browser-check" => browser::run(args),
        "gen-world" => world::run(args),
        "duckdb-compare" => duckdb::run(args),
        "help" | "-h" | "--help" => {
            print_line("usage: cargo xtask <task> [args]\n\ntasks:");
            for (name, about) in TASKS {
                print_line(format_args!("  {name:<10} {about}"));
            }
            Ok(())
        }
        unknown => {
            let known: Vec<&str> = TASKS.iter().map(|(name, _)| *name).collect();
            anyhow::bail!("unknown task `{unknown}`; known tasks: {}", known.join(", "))
        }
    }
}

/// A failure that its task has already reported on the terminal.
#[derive(Debug)]
pub(crate) struct Reported;

impl Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failure already reported")
    }
}

impl std::error::Error for Reported {}

/// The workspace root: xtask lives one level below it.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask's manifest directory has a parent: the workspace root")
        .to_path_buf()
}

/// The cargo that runs us (`$CARGO`), or `cargo` from the `PATH`.
pub(crate) fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// A shell whose working directory is the workspace root.
pub(crate) fn shell() -> anyhow::Result<Shell> {
    let sh = Shell::new().context("failed to create a shell")?;
    sh.change_dir(project_root());
    Ok(sh)
}

/// Prints one line of task output to stdout.
#[expect(clippy::print_stdout, reason = "xtask reports to the terminal")]
pub(crate) fn print_line(line: impl Display) {
    println!("{line}");
}

/// Prints one line of diagnostics to stderr.
#[expect(clippy::print_stderr, reason = "xtask reports to the terminal")]
pub(crate) fn eprint_line(line: impl Display) {
    eprintln!("{line}");
}
