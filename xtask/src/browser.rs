//! `cargo xtask browser-check`: opens every sample HTML report in headless Chromium, fails on a console error
//! from the page, and keeps a screenshot of each.

use std::path::{Path, PathBuf};

use anyhow::Context;
use xshell::cmd;

use crate::{cargo, print_line, project_root, shell};

/// The report kinds the sample renders, one HTML file each; `hostile-*` are built from hostile web strings
/// (script tags, `javascript:` URLs, bidi and control characters), which must stay inert.
const KINDS: &[&str] = &[
    "gap",
    "audit",
    "anchors",
    "spam",
    "diff",
    "bulk",
    "hostile-gap",
    "hostile-audit",
    "hostile-anchors",
    "hostile-spam",
    "hostile-diff",
    "hostile-bulk",
];

/// Debian's Chromium.
const CHROMIUM: &str = "/usr/bin/chromium";

/// Renders the sample reports, installs Chromium when missing, loads each report and checks the console.
///
/// `ARGS` may name report kinds to check (default: all). Output goes to `target/browser-check/`.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let kinds: Vec<&str> =
        if args.is_empty() { KINDS.to_vec() } else { args.iter().map(String::as_str).collect() };
    let sh = shell()?;
    let out_dir = project_root().join("target").join("browser-check");
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("failed to create `{}`", out_dir.display()))?;
    ensure_chromium()?;
    let cargo = cargo();
    let mut failures = Vec::new();
    for kind in kinds {
        let html = out_dir.join(format!("{kind}.html"));
        let png = out_dir.join(format!("{kind}.png"));
        cmd!(
            sh,
            "{cargo} run --quiet -p linkgap-report --features sample --example render_sample -- {html} {kind}"
        )
        .run()
        .with_context(|| format!("failed to render the sample `{kind}` report"))?;
        let errors = check_page(&out_dir, &html, &png)?;
        print_line(format_args!("browser-check: {kind}: screenshot {}", png.display()));
        for error in &errors {
            print_line(format_args!("browser-check: {kind}: console error: {error}"));
        }
        if !errors.is_empty() {
            failures.push(kind);
        }
    }
    if failures.is_empty() {
        print_line("browser-check: no console errors");
        Ok(())
    } else {
        anyhow::bail!("console errors in the `{}` report(s)", failures.join("`, `"))
    }
}

/// Installs Debian's Chromium when it is missing.
fn ensure_chromium() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    print_line("browser-check: installing chromium (apt-get)");
    let sh = shell()?;
    cmd!(sh, "apt-get update").run().context("`apt-get update` failed")?;
    cmd!(sh, "apt-get install -y chromium")
        .run()
        .context("`apt-get install -y chromium` failed")?;
    anyhow::ensure!(
        Path::new(CHROMIUM).exists(),
        "`{CHROMIUM}` is still missing after installing chromium"
    );
    Ok(())
}

/// Loads one page headless, takes its screenshot and returns the console errors Chromium logged for it.
fn check_page(out_dir: &Path, html: &Path, png: &Path) -> anyhow::Result<Vec<String>> {
    let sh = shell()?;
    let profile = out_dir.join("profile");
    let _ = std::fs::remove_dir_all(&profile);
    let _ = std::fs::remove_file(png);
    let url = format!("file://{}", absolute(html)?.display());
    let user_data_dir = format!("--user-data-dir={}", profile.display());
    let screenshot = format!("--screenshot={}", png.display());
    let output = cmd!(
        sh,
        "{CHROMIUM} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync {user_data_dir} --enable-logging=stderr --v=0 {screenshot} --window-size=1280,2000 {url}"
    )
    .ignore_status()
    .output()
    .context("failed to run chromium")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    anyhow::ensure!(
        output.status.success() && png.exists(),
        "chromium failed on `{}` ({}):\n{stderr}",
        html.display(),
        output.status
    );
    Ok(console_errors(&stderr))
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::fs::canonicalize(path).with_context(|| format!("failed to resolve `{}`", path.display()))
}

/// The console messages of the page in Chromium's log, all of which count as errors.
///
/// Chromium writes page console messages as `[pid:tid:time:INFO:CONSOLE:line] "message", source: url (line)`
/// (older builds: `CONSOLE(line)]`). Chromium 156 logs every console message at `INFO`, whatever its level, so
/// `console.error`, uncaught exceptions and CSP violations cannot be told from `console.log` by level. The report
/// logs nothing on purpose, so any console message from it is a failure.
fn console_errors(log: &str) -> Vec<String> {
    log.lines()
        .filter(|line| {
            let head = line.split(']').next().unwrap_or(line);
            head.contains(":CONSOLE")
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::console_errors;

    #[test]
    fn console_errors_are_found_in_chromium_logs() {
        let log = "\
[10682:10682:1129/003716.843678:INFO:CONSOLE:1] \"Executing inline script violates the following Content Security Policy directive 'script-src 'sha256-AAAA''.\", source: file:///tmp/g/bad.html (1)
[10869:10869:1129/003720.437707:INFO:CONSOLE:1] \"boom\", source: file:///tmp/g/bad2.html (1)
[1:1:1128/010101.000:INFO:CONSOLE(9)] \"Uncaught TypeError: x is not a function\", source: file:///r.html (9)
[1:1:1128/010101.000:ERROR:gpu_init.cc(1)] unrelated CONSOLE mention after the bracket
[1:1:1128/010101.000:WARNING:dbus.cc(2)] Failed to connect to the bus
";
        let errors = console_errors(log);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        assert!(errors.iter().all(|line| !line.contains("gpu_init") && !line.contains("dbus")));
    }
}
