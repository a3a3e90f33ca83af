//! The one module that prints: reports to stdout or `--output PATH`, notes and the run summary
//! to stderr. A closed stdout (`linkgap ... | head`) surfaces as an `io::Error` of kind
//! `BrokenPipe`, which `main` treats as success.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context as _;

/// Writes `bytes` (a rendered report) to `output`, or to stdout when it is `None`.
pub(crate) fn write_report(bytes: &[u8], output: Option<&Path>) -> anyhow::Result<()> {
    let Some(path) = output else {
        let mut stdout = io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()?;
        return Ok(());
    };
    if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create the directory `{}`", parent.display()))?;
    }
    std::fs::write(path, bytes)
        .with_context(|| format!("failed to write the report to `{}`", path.display()))
}

/// Writes one note (an estimate, the run summary) to stderr.
#[expect(clippy::print_stderr, reason = "notes for the user go to stderr from this module only")]
pub(crate) fn note(text: &str) {
    eprintln!("{text}");
}

/// Asks a yes/no question on the terminal; anything but `y` or `yes` is no.
pub(crate) fn ask_yes_no(question: &str) -> anyhow::Result<bool> {
    let mut stderr = io::stderr().lock();
    write!(stderr, "{question} [y/N] ").context("failed to write to the terminal")?;
    stderr.flush().context("failed to write to the terminal")?;
    let mut answer = String::new();
    io::stdin().read_line(&mut answer).context("failed to read the answer from the terminal")?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}
