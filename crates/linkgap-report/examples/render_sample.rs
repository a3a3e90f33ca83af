//! Writes the sample HTML report of one kind to a file: `render_sample OUT.html [KIND]` (default `audit`);
//! `hostile-KIND` writes the sample built from hostile web strings.

use linkgap_report::{Format, hostile_reports, render, sample_reports};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: render_sample OUT.html [[hostile-]gap|audit|anchors|spam|diff|bulk]")?;
    let kind = args.next().unwrap_or_else(|| "audit".to_owned());
    let (reports, name) = match kind.strip_prefix("hostile-") {
        Some(name) => (hostile_reports(), name),
        None => (sample_reports(), kind.as_str()),
    };
    let report = reports
        .into_iter()
        .find(|report| report.kind() == name)
        .ok_or_else(|| format!("unknown report kind `{kind}`"))?;
    let mut html = Vec::new();
    render(&report, Format::Html, &mut html)?;
    std::fs::write(&path, html).map_err(|err| format!("failed to write `{path}`: {err}"))?;
    Ok(())
}
