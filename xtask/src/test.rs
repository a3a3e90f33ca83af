//! `cargo xtask test`: the project's test command; runs doc tests, then every test target, and sums them up.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use anyhow::Context;

use crate::{Reported, cargo, eprint_line, print_line, project_root};

/// Runs `cargo test --workspace --doc`, then `cargo test --workspace --lib --bins --tests --examples
/// --no-fail-fast` (every test target, but not the criterion benches: they measure, they do not test, and
/// clippy already type-checks them), streaming their output, and prints as the very last line `tests: N passed, M failed` (`, K skipped` when tests were
/// ignored), summed over every `test result:` line of both runs.
///
/// Extra arguments (such as `--locked`) go to both cargo commands. Fails if either command fails or any test
/// failed; the reason is printed before the summary so that the summary stays last.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let runs: [&[&str]; 2] =
        [&["--doc"], &["--lib", "--bins", "--tests", "--examples", "--no-fail-fast"]];
    let mut total = Summary::default();
    let mut failed_commands = Vec::new();
    for run_args in runs {
        let mut command = Command::new(cargo());
        command
            .current_dir(project_root())
            .arg("test")
            .arg("--workspace")
            .args(run_args)
            .args(args);
        let shown = format!("cargo test --workspace {} {}", run_args.join(" "), args.join(" "));
        let (succeeded, summary) = stream(&mut command, &mut std::io::stdout())
            .with_context(|| format!("failed to run `{}`", shown.trim()))?;
        total.add(summary);
        if !succeeded {
            failed_commands.push(shown.trim().to_owned());
        }
    }
    for command in &failed_commands {
        eprint_line(format_args!("xtask test: `{command}` failed"));
    }
    print_line(total.line());
    if failed_commands.is_empty() && total.failed == 0 { Ok(()) } else { Err(Reported.into()) }
}

/// Runs `command` with its stdout copied line by line to `out` and parsed; returns whether it succeeded and
/// its counts.
fn stream(command: &mut Command, out: &mut dyn Write) -> anyhow::Result<(bool, Summary)> {
    let mut child =
        command.stdout(Stdio::piped()).stderr(Stdio::inherit()).stdin(Stdio::null()).spawn()?;
    let stdout = child.stdout.take().context("child stdout was not captured")?;
    let mut reader = BufReader::new(stdout);
    let mut summary = Summary::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        out.write_all(&line)?;
        out.flush()?;
        if let Some(result) = Summary::parse(&String::from_utf8_lossy(&line)) {
            summary.add(result);
        }
    }
    let status = child.wait()?;
    Ok((status.success(), summary))
}

/// Test counts, from one `test result:` line or summed over many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Summary {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Summary {
    /// Parses libtest's closing line, e.g.
    /// `test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s`.
    fn parse(line: &str) -> Option<Summary> {
        let rest = line.trim_end().strip_prefix("test result: ")?;
        let (_verdict, counts) = rest.split_once(". ")?;
        let mut summary = Summary::default();
        for part in counts.split("; ") {
            let Some((number, label)) = part.split_once(' ') else { continue };
            let Ok(number) = number.parse::<u64>() else { continue };
            match label {
                "passed" => summary.passed = number,
                "failed" => summary.failed = number,
                "ignored" => summary.ignored = number,
                _ => {}
            }
        }
        Some(summary)
    }

    fn add(&mut self, other: Summary) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }

    /// The closing line of `cargo xtask test`.
    fn line(&self) -> String {
        let line = format!("tests: {} passed, {} failed", self.passed, self.failed);
        if self.ignored == 0 { line } else { format!("{line}, {} skipped", self.ignored) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_passing_result_line() {
        let line = "test result: ok. 31 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.15s\n";
        assert_eq!(Summary::parse(line), Some(Summary { passed: 31, failed: 0, ignored: 0 }));
    }

    #[test]
    fn parses_a_failing_result_line_with_ignored_tests() {
        let line = "test result: FAILED. 3 passed; 2 failed; 4 ignored; 0 measured; 7 filtered out; finished in 0.20s";
        assert_eq!(Summary::parse(line), Some(Summary { passed: 3, failed: 2, ignored: 4 }));
    }

    #[test]
    fn other_lines_are_not_results() {
        for line in [
            "running 3 tests",
            "test tests::parses ... ok",
            "   Doc-tests linkgap_store",
            "all doctests ran in 1.12s; merged doctests compilation took 1.07s",
            "",
        ] {
            assert_eq!(Summary::parse(line), None, "{line:?}");
        }
    }

    #[test]
    fn sums_every_result_line_of_a_run() {
        let output = "\
running 2 tests
test a ... ok
test b ... ok

test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

test result: FAILED. 5 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.10s
";
        let mut total = Summary::default();
        for summary in output.lines().filter_map(Summary::parse) {
            total.add(summary);
        }
        assert_eq!(total, Summary { passed: 7, failed: 1, ignored: 0 });
        assert_eq!(total.line(), "tests: 7 passed, 1 failed");
    }

    #[test]
    fn stream_counts_the_result_lines_of_a_command_and_reports_its_status() {
        let script = "echo 'running 3 tests'; \
            echo 'test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s'; \
            echo 'test result: ok. 4 passed; 0 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.01s'; \
            exit 101";
        // The echo goes to a buffer: on stdout, these lines would be counted by an outer `cargo xtask test`.
        let mut echoed = Vec::new();
        let (succeeded, summary) =
            stream(Command::new("sh").args(["-c", script]), &mut echoed).unwrap();
        assert!(!succeeded);
        assert_eq!(summary, Summary { passed: 6, failed: 1, ignored: 3 });
        let echoed = String::from_utf8(echoed).unwrap();
        assert_eq!(echoed.lines().count(), 3);
        assert!(echoed.starts_with("running 3 tests\ntest result: FAILED. 2 passed;"), "{echoed}");

        let mut echoed = Vec::new();
        let (succeeded, summary) =
            stream(Command::new("sh").args(["-c", "echo no results here"]), &mut echoed).unwrap();
        assert!(succeeded);
        assert_eq!(summary, Summary::default());
        assert_eq!(echoed, b"no results here\n");
    }

    #[test]
    fn summary_line_mentions_skipped_only_when_tests_were_ignored() {
        assert_eq!(
            Summary { passed: 4, failed: 0, ignored: 0 }.line(),
            "tests: 4 passed, 0 failed"
        );
        assert_eq!(
            Summary { passed: 4, failed: 0, ignored: 2 }.line(),
            "tests: 4 passed, 0 failed, 2 skipped"
        );
    }
}
