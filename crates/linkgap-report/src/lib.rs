//! Markdown, CSV, JSON, HTML, disavow and outreach renderers for linkgap results.
//!
//! Start from a view: build it from analysis output with
//! [`GapView::new`], [`AuditView::new`], [`AnchorsView::new`], [`SpamView::new`],
//! [`DiffView::new`], [`BulkView::new`] or [`CompetitorsView::new`], each taking a [`ReportMeta`] (tool version and
//! generation time are inputs: output is byte-identical for identical input). Then write it with
//! [`render`] in a [`Format`], or write a Google disavow file with [`render_disavow`] and an
//! outreach list with [`render_outreach`].
//!
//! Everything from the web (anchors, titles, URLs, domains) is untrusted: Markdown escapes it,
//! CSV defuses spreadsheet formulas, HTML escapes it and only links `http`/`https` URLs, and the
//! disavow file never lets it start a line.
//!
//! ```no_run
//! # fn demo(report: &linkgap_report::Report) -> Result<(), linkgap_report::Error> {
//! let mut out = Vec::new();
//! linkgap_report::render(report, linkgap_report::Format::Html, &mut out)?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod csp;
mod error;
mod model;
mod render;
#[cfg(any(test, feature = "sample"))]
mod sample;
mod text;

pub use error::Error;
pub use model::{
    AlertView, AnchorFlagView, AnchorsBody, AnchorsView, AuditView, BulkRowView, BulkSkippedView,
    BulkView, ClassShareView, ClassShiftView, ColumnStatsView, CompetitorLinksView, CompetitorView,
    CompetitorsView, DiffView, DomainChangeView, DomainRiskView, FactorView, GapCountsView,
    GapView, LinkChangeView, LinkRiskView, NetworkView, ProfileSummaryView, ProspectView,
    ReferringDomainView, Report, ReportMeta, RiskCountsView, SCHEMA_VERSION, SampleLinkView,
    SignalView, SiteAnchorsView, SpamBody, SpamView, TopAnchorView, VelocityView,
};
pub use render::{Format, render, render_disavow, render_outreach};
#[cfg(any(test, feature = "sample"))]
pub use sample::{hostile_reports, sample_meta, sample_reports};
