//! CSV: one table per file, UTF-8, a header row, columns in the documented order below.
//!
//! Text cells from the web or the user are defused (a leading `'` before `=`, `+`, `-`, `@`, tab
//! or carriage return) so a spreadsheet never runs them; numbers are written as numbers. Lists
//! inside one cell are joined with `; `. Absent values are empty cells.
//!
//! | report | table | columns |
//! |---|---|---|
//! | gap | prospects | rank, domain (the source at the level), registrable, category, absence, score, competitors, n_competitors, best_rank, dofollow_share, spam_score, first_seen, last_seen, best_page_url, anchors, group, demoted |
//! | audit | referring domains | domain, rank, backlinks, dofollow_backlinks, first_seen, spam_score, risk |
//! | anchors | top anchors | site, role, over_optimized, anchor, class, domains, links, domain_share |
//! | spam | domains | domain, score, risk, network, rank, links, sites, signals |
//! | diff | link changes | change, date, domain, url_from, url_to, anchor, dofollow, reason, spam_score, evidence |
//! | bulk | targets | target, rank, referring_domains, referring_main_domains, backlinks, spam_score, new_backlinks, lost_backlinks, new_referring_domains, lost_referring_domains, sort_percentile |
//! | competitors | suggestions | domain, rank, intersections |
//! | outreach | prospects | rank, domain (the source at the level), registrable, category, score, best_page_url, best_page_title, sample_anchor, competitors, n_competitors, dofollow_share, best_rank, first_seen, last_seen, absence, spam_score, factors, group, demoted |

use std::fmt::Display;
use std::io::Write;

use rayon::prelude::*;

use crate::error::Error;
use crate::model::{
    AnchorsView, AuditView, BulkView, CompetitorsView, DiffView, GapView, LinkChangeView,
    ProspectView, Report, SpamView,
};
use crate::text::defuse;

/// Gap prospects columns.
pub(crate) const GAP_COLUMNS: &[&str] = &[
    "rank",
    "domain",
    "registrable",
    "category",
    "absence",
    "score",
    "competitors",
    "n_competitors",
    "best_rank",
    "dofollow_share",
    "spam_score",
    "first_seen",
    "last_seen",
    "best_page_url",
    "anchors",
    "group",
    "demoted",
];
/// Audit referring-domain columns.
pub(crate) const AUDIT_COLUMNS: &[&str] =
    &["domain", "rank", "backlinks", "dofollow_backlinks", "first_seen", "spam_score", "risk"];
/// Anchor columns.
pub(crate) const ANCHORS_COLUMNS: &[&str] =
    &["site", "role", "over_optimized", "anchor", "class", "domains", "links", "domain_share"];
/// Spam domain columns.
pub(crate) const SPAM_COLUMNS: &[&str] =
    &["domain", "score", "risk", "network", "rank", "links", "sites", "signals"];
/// Diff link-change columns.
pub(crate) const DIFF_COLUMNS: &[&str] = &[
    "change",
    "date",
    "domain",
    "url_from",
    "url_to",
    "anchor",
    "dofollow",
    "reason",
    "spam_score",
    "evidence",
];
/// Bulk columns.
pub(crate) const BULK_COLUMNS: &[&str] = &[
    "target",
    "rank",
    "referring_domains",
    "referring_main_domains",
    "backlinks",
    "spam_score",
    "new_backlinks",
    "lost_backlinks",
    "new_referring_domains",
    "lost_referring_domains",
    "sort_percentile",
];
/// Competitor suggestion columns.
pub(crate) const COMPETITORS_COLUMNS: &[&str] = &["domain", "rank", "intersections"];
/// Outreach columns.
pub(crate) const OUTREACH_COLUMNS: &[&str] = &[
    "rank",
    "domain",
    "registrable",
    "category",
    "score",
    "best_page_url",
    "best_page_title",
    "sample_anchor",
    "competitors",
    "n_competitors",
    "dofollow_share",
    "best_rank",
    "first_seen",
    "last_seen",
    "absence",
    "spam_score",
    "factors",
    "group",
    "demoted",
];

/// A text cell from the web or the user: defused.
fn text(value: &str) -> String {
    defuse(value)
}

/// An optional text cell.
fn opt_text(value: Option<&str>) -> String {
    value.map(defuse).unwrap_or_default()
}

/// A list of text values in one cell.
fn list(values: &[String]) -> String {
    defuse(&values.join("; "))
}

/// A number we computed: never defused.
fn num(value: impl Display) -> String {
    value.to_string()
}

/// An optional number.
fn opt_num<T: Display>(value: Option<T>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

fn write_table(
    columns: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(columns)?;
    for row in rows {
        debug_assert_eq!(row.len(), columns.len(), "a row must fill every column");
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}

/// [`write_table`] for a long list: rows are formatted in parallel, a chunk of items into each
/// buffer, and the buffers written in order (a record's text does not depend on the others, so
/// the file is the same byte for byte).
fn write_table_par<T: Sync>(
    columns: &[&str],
    items: &[T],
    row: impl Fn(&T) -> Vec<String> + Sync,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let chunks: Vec<Vec<u8>> = items
        .par_chunks(2048)
        .map(|chunk| {
            let mut writer = csv::Writer::from_writer(Vec::new());
            for item in chunk {
                writer.write_record(row(item))?;
            }
            writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))
        })
        .collect::<Result<_, csv::Error>>()?;
    write_table(columns, std::iter::empty(), out)?;
    for chunk in chunks {
        out.write_all(&chunk)?;
    }
    Ok(())
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), Error> {
    match report {
        Report::Gap(view) => gap(view, out),
        Report::Audit(view) => audit(view, out),
        Report::Anchors(view) => anchors(view, out),
        Report::Spam(view) => spam(view, out),
        Report::Diff(view) => diff(view, out),
        Report::Bulk(view) => bulk(view, out),
        Report::Competitors(view) => competitors(view, out),
    }
}

fn gap(view: &GapView, out: &mut dyn Write) -> Result<(), Error> {
    write_table_par(GAP_COLUMNS, &view.prospects, gap_row, out)
}

fn gap_row(prospect: &ProspectView) -> Vec<String> {
    vec![
        num(prospect.rank),
        text(&prospect.domain),
        text(&prospect.registrable),
        text(&prospect.category),
        opt_text(prospect.absence.as_deref()),
        num(prospect.score),
        list(&prospect.competitors),
        num(prospect.competitors.len()),
        opt_num(prospect.best_rank),
        num(prospect.dofollow_share),
        opt_num(prospect.spam_score),
        opt_text(prospect.first_seen.as_deref()),
        opt_text(prospect.last_seen.as_deref()),
        opt_text(prospect.best_page.as_ref().map(|page| page.url_from.as_str())),
        list(&prospect.anchors),
        opt_text(prospect.group.as_deref()),
        opt_text(prospect.demoted.as_deref()),
    ]
}

fn audit(view: &AuditView, out: &mut dyn Write) -> Result<(), Error> {
    let rows = view.referring_domains.iter().map(|domain| {
        vec![
            text(&domain.domain),
            opt_num(domain.rank),
            num(domain.backlinks),
            opt_num(domain.dofollow_backlinks),
            opt_text(domain.first_seen.as_deref()),
            opt_num(domain.spam_score),
            opt_text(domain.risk.as_deref()),
        ]
    });
    write_table(AUDIT_COLUMNS, rows, out)
}

fn anchors(view: &AnchorsView, out: &mut dyn Write) -> Result<(), Error> {
    let rows = view.body.sites.iter().flat_map(|site| {
        site.top_anchors.iter().map(move |anchor| {
            vec![
                text(&site.site),
                text(&site.role),
                num(site.over_optimized),
                text(&anchor.anchor),
                text(&anchor.class),
                num(anchor.domains),
                num(anchor.links),
                num(anchor.domain_share),
            ]
        })
    });
    write_table(ANCHORS_COLUMNS, rows, out)
}

fn spam(view: &SpamView, out: &mut dyn Write) -> Result<(), Error> {
    let rows = view.body.domains.iter().map(|domain| {
        let signals: Vec<String> = domain
            .signals
            .iter()
            .map(|signal| format!("{} (+{}): {}", signal.signal, signal.points, signal.evidence))
            .collect();
        vec![
            text(&domain.domain),
            num(domain.score),
            text(&domain.risk),
            opt_text(domain.network.as_deref()),
            opt_num(domain.rank),
            num(domain.links),
            list(&domain.sites),
            list(&signals),
        ]
    });
    write_table(SPAM_COLUMNS, rows, out)
}

fn diff(view: &DiffView, out: &mut dyn Write) -> Result<(), Error> {
    let change_row = |change: &'static str, link: &LinkChangeView| {
        vec![
            change.to_owned(),
            opt_text(link.date.as_deref()),
            text(&link.domain),
            text(&link.url_from),
            text(&link.url_to),
            opt_text(link.anchor.as_deref()),
            num(link.dofollow),
            opt_text(link.reason.as_deref()),
            opt_num(link.spam_score),
            text(&link.evidence),
        ]
    };
    let rows = view
        .new_links
        .iter()
        .map(|link| change_row("new", link))
        .chain(view.lost_links.iter().map(|link| change_row("lost", link)));
    write_table(DIFF_COLUMNS, rows, out)
}

fn bulk(view: &BulkView, out: &mut dyn Write) -> Result<(), Error> {
    let rows = view.rows.iter().map(|row| {
        vec![
            text(&row.target),
            opt_num(row.rank),
            opt_num(row.referring_domains),
            opt_num(row.referring_main_domains),
            opt_num(row.backlinks),
            opt_num(row.spam_score),
            opt_num(row.new_backlinks),
            opt_num(row.lost_backlinks),
            opt_num(row.new_referring_domains),
            opt_num(row.lost_referring_domains),
            opt_num(row.sort_percentile),
        ]
    });
    write_table(BULK_COLUMNS, rows, out)
}

fn competitors(view: &CompetitorsView, out: &mut dyn Write) -> Result<(), Error> {
    let rows = view.competitors.iter().map(|competitor| {
        vec![text(&competitor.domain), opt_num(competitor.rank), num(competitor.intersections)]
    });
    write_table(COMPETITORS_COLUMNS, rows, out)
}

pub(crate) fn render_outreach(view: &GapView, out: &mut dyn Write) -> Result<(), Error> {
    let rows = view.prospects.iter().map(|prospect| {
        let page = prospect.best_page.as_ref();
        let factors: Vec<String> = prospect
            .factors
            .iter()
            .map(|factor| format!("{} {:+.1} ({})", factor.kind, factor.points, factor.detail))
            .collect();
        vec![
            num(prospect.rank),
            text(&prospect.domain),
            text(&prospect.registrable),
            text(&prospect.category),
            num(prospect.score),
            opt_text(page.map(|page| page.url_from.as_str())),
            opt_text(page.and_then(|page| page.title.as_deref())),
            opt_text(
                page.and_then(|page| page.anchor.as_deref())
                    .or(prospect.anchors.first().map(String::as_str)),
            ),
            list(&prospect.competitors),
            num(prospect.competitors.len()),
            num(prospect.dofollow_share),
            opt_num(prospect.best_rank),
            opt_text(prospect.first_seen.as_deref()),
            opt_text(prospect.last_seen.as_deref()),
            opt_text(prospect.absence.as_deref()),
            opt_num(prospect.spam_score),
            list(&factors),
            opt_text(prospect.group.as_deref()),
            opt_text(prospect.demoted.as_deref()),
        ]
    });
    write_table(OUTREACH_COLUMNS, rows, out)
}

#[cfg(test)]
mod tests {
    use crate::model::Report;
    use crate::render::{Format, to_string};
    use crate::sample::sample_reports;

    #[test]
    fn sample_snapshots() {
        for report in sample_reports() {
            insta::assert_snapshot!(report.kind(), to_string(&report, Format::Csv));
        }
    }

    #[test]
    fn a_long_gap_table_written_in_parallel_chunks_equals_one_written_in_order() {
        let Some(Report::Gap(mut gap)) = sample_reports().into_iter().next() else {
            panic!("the first sample is the gap report")
        };
        let sample = gap.prospects.clone();
        gap.prospects = (0..5000)
            .map(|idx| {
                let mut prospect = sample[idx % sample.len()].clone();
                prospect.rank = idx + 1;
                prospect.domain = format!("=cmd{idx}.example");
                prospect
            })
            .collect();
        let mut serial = Vec::new();
        let rows = gap.prospects.iter().map(super::gap_row);
        super::write_table(super::GAP_COLUMNS, rows, &mut serial).unwrap();
        let parallel = to_string(&Report::Gap(gap), Format::Csv);
        assert_eq!(parallel.lines().count(), 5001);
        assert!(parallel.contains("'=cmd4999.example"), "cells are defused in every chunk");
        assert_eq!(parallel, String::from_utf8(serial).unwrap());
    }
}

#[cfg(test)]
mod outreach_tests {
    use crate::model::Report;
    use crate::render::render_outreach;
    use crate::sample::sample_reports;

    #[test]
    fn outreach_snapshot() {
        let Some(Report::Gap(gap)) = sample_reports().into_iter().next() else {
            panic!("the first sample is the gap report")
        };
        let mut out = Vec::new();
        render_outreach(&gap, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(&super::OUTREACH_COLUMNS.join(",")));
        insta::assert_snapshot!("outreach", text);
    }
}
