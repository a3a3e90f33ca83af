//! The entry points that write a [`Report`] in a [`Format`], plus the disavow and outreach files.

mod csv;
mod disavow;
mod html;
mod json;
mod markdown;

use std::io::Write;

use crate::error::Error;
use crate::model::{GapView, Report, ReportMeta, SpamBody};

/// An output format of [`render`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// A readable summary for tickets and chat.
    Markdown,
    /// The report's main table (see `render/csv.rs` for every column order).
    Csv,
    /// A versioned JSON document (`schema_version`, `kind`), valid against `schemas/<kind>.schema.json`.
    Json,
    /// One self-contained HTML file with inline CSS, SVG charts and a sorting script.
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Markdown, Format::Csv, Format::Json, Format::Html];

    /// The usual file extension (`md`, `csv`, `json`, `html`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

/// Writes `report` in `format` to `out`.
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> Result<(), Error> {
    match format {
        Format::Markdown => markdown::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Json => json::render(report, out),
        Format::Html => html::render(report, out),
    }
}

/// Writes a Google disavow file of the high-risk domains, the members of high-risk networks and
/// the high-risk links from other domains, each preceded by a `#` comment saying why.
pub fn render_disavow(
    meta: &ReportMeta,
    spam: &SpamBody,
    out: &mut dyn Write,
) -> Result<(), Error> {
    disavow::render(meta, spam, out)
}

/// Writes the outreach list: a CSV of the ranked prospects with the best source page and the
/// evidence (columns documented in `render/csv.rs`).
pub fn render_outreach(gap: &GapView, out: &mut dyn Write) -> Result<(), Error> {
    csv::render_outreach(gap, out)
}

/// Renders a report to a string (tests only).
#[cfg(test)]
pub(crate) fn to_string(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    render(report, format, &mut out).expect("rendering into memory cannot fail");
    String::from_utf8(out).expect("every format writes UTF-8")
}

#[cfg(test)]
mod tests;
