//! Markdown: a readable summary for tickets and chat (headline numbers, top rows, flags with
//! their reasons). Every web or user string goes through [`crate::text::markdown`].

use std::fmt::Write as _;
use std::io::Write;

use crate::error::Error;
use crate::model::{
    AnchorsBody, AuditView, BulkView, CompetitorsView, DiffView, DomainChangeView, GapView, Report,
    ReportMeta, SpamBody,
};
use crate::text::markdown as md;

/// Rows listed per table; the CSV and JSON carry everything.
const TOP: usize = 25;

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), Error> {
    let mut doc = String::new();
    match report {
        Report::Gap(view) => gap(&mut doc, view),
        Report::Audit(view) => audit(&mut doc, view),
        Report::Anchors(view) => {
            header(&mut doc, "Anchor text audit", &view.meta);
            anchors(&mut doc, &view.body, "##");
        }
        Report::Spam(view) => {
            header(&mut doc, "Spam and link networks", &view.meta);
            spam(&mut doc, &view.body, "##");
        }
        Report::Diff(view) => diff(&mut doc, view),
        Report::Bulk(view) => bulk(&mut doc, view),
        Report::Competitors(view) => competitors(&mut doc, view),
    }
    out.write_all(doc.as_bytes())?;
    Ok(())
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn header(doc: &mut String, title: &str, meta: &ReportMeta) {
    let _ = writeln!(doc, "# {title}: {}\n", md(&meta.target));
    let competitors: Vec<String> = meta.competitors.iter().map(|site| md(site)).collect();
    if !competitors.is_empty() {
        let _ = writeln!(doc, "- Competitors: {}", competitors.join(", "));
    }
    let _ = writeln!(
        doc,
        "- Generated: {} by linkgap {}",
        md(&meta.generated_at),
        md(&meta.tool_version)
    );
    let _ = write!(doc, "- Data: {}", md(&meta.data_source));
    if let Some(cost) = meta.cost_usd {
        let _ = write!(doc, " (cost ${cost:.4})");
    }
    doc.push('\n');
    for note in &meta.coverage_notes {
        let _ = writeln!(doc, "- Coverage: {}", md(note));
    }
    doc.push('\n');
}

fn table(doc: &mut String, headers: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(doc, "| {} |", headers.join(" | "));
    let _ = writeln!(doc, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let _ = writeln!(doc, "| {} |", row.join(" | "));
    }
    doc.push('\n');
}

fn more(doc: &mut String, shown: usize, total: usize) {
    if total > shown {
        let _ = writeln!(doc, "…and {} more (see the CSV or JSON report).\n", total - shown);
    }
}

fn gap(doc: &mut String, view: &GapView) {
    header(doc, "Link gap", &view.meta);
    let counts = &view.counts;
    let _ = writeln!(doc, "## Headline\n");
    let _ = writeln!(
        doc,
        "- **{}** prospects link to at least {} competitor(s) and not to you",
        counts.gap, view.min_competitors
    );
    let _ = writeln!(doc, "- **{}** sources lost their link to you (reclaim)", counts.reclaim);
    let _ = writeln!(
        doc,
        "- {} shared, {} weak, {} unique to you",
        counts.shared, counts.weak, counts.unique_to_target
    );
    let _ = writeln!(
        doc,
        "- {} ranked prospects (sources grouped by {})\n",
        view.prospects.len(),
        md(&view.level)
    );
    let _ = writeln!(doc, "## Top prospects\n");
    let rows: Vec<Vec<String>> = view
        .prospects
        .iter()
        .take(TOP)
        .map(|prospect| {
            let competitors: Vec<String> =
                prospect.competitors.iter().map(|site| md(site)).collect();
            vec![
                prospect.rank.to_string(),
                md(&prospect.domain),
                md(&prospect.category),
                format!("{:.1}", prospect.score),
                competitors.join(", "),
                opt(prospect.best_rank),
                percent(prospect.dofollow_share),
                prospect
                    .best_page
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |page| md(&page.url_from)),
                prospect
                    .best_page
                    .as_ref()
                    .and_then(|page| page.anchor.as_deref())
                    .map_or_else(|| "-".to_owned(), md),
            ]
        })
        .collect();
    table(
        doc,
        &[
            "#",
            "Source",
            "Category",
            "Score",
            "Competitors",
            "Rank",
            "Dofollow",
            "Best page",
            "Anchor",
        ],
        &rows,
    );
    more(doc, rows.len(), view.prospects.len());
    let flagged: Vec<String> = view
        .prospects
        .iter()
        .filter_map(|prospect| {
            let mut reasons = Vec::new();
            if prospect.absence.as_deref() == Some("unverified") {
                reasons.push(
                    "absence unverified: the target's profile is truncated, check before pitching"
                        .to_owned(),
                );
            }
            if let Some(demoted) = &prospect.demoted {
                reasons.push(format!("moved down: {}", md(demoted)));
            }
            if let Some(spam) = prospect.spam_score
                && spam >= 30
            {
                reasons.push(format!("API spam score {spam}"));
            }
            (!reasons.is_empty())
                .then(|| format!("- {}: {}", md(&prospect.domain), reasons.join("; ")))
        })
        .collect();
    if !flagged.is_empty() {
        let _ = writeln!(doc, "## Flags\n\n{}\n", flagged.join("\n"));
    }
}

fn audit(doc: &mut String, view: &AuditView) {
    header(doc, "Backlink audit", &view.meta);
    let summary = &view.summary;
    let _ = writeln!(doc, "## Profile\n");
    let _ = writeln!(
        doc,
        "- {} referring domains, {} backlinks ({} lost)",
        summary.referring_domains, summary.backlinks, summary.lost_backlinks
    );
    if let Some(share) = summary.dofollow_share {
        let _ = writeln!(doc, "- {} dofollow", percent(share));
    }
    let _ = writeln!(
        doc,
        "- Profile {}\n",
        if summary.complete { "complete" } else { "truncated: numbers are lower bounds" }
    );
    let _ = writeln!(doc, "## Top referring domains\n");
    let rows: Vec<Vec<String>> = view
        .referring_domains
        .iter()
        .take(TOP)
        .map(|domain| {
            vec![
                md(&domain.domain),
                opt(domain.rank),
                domain.backlinks.to_string(),
                opt(domain.dofollow_backlinks),
                opt(domain.first_seen.as_deref().map(md)),
                opt(domain.risk.as_deref().map(md)),
            ]
        })
        .collect();
    table(doc, &["Domain", "Rank", "Backlinks", "Dofollow", "First seen", "Risk"], &rows);
    more(doc, rows.len(), view.referring_domains.len());
    let _ = writeln!(doc, "## Anchors\n");
    anchors(doc, &view.anchors, "###");
    let _ = writeln!(doc, "## Spam\n");
    spam(doc, &view.spam, "###");
}

fn anchors(doc: &mut String, body: &AnchorsBody, level: &str) {
    let keywords: Vec<String> = body.keywords.iter().map(|keyword| md(keyword)).collect();
    let _ = writeln!(
        doc,
        "Money keywords ({}): {}\n",
        if body.keywords_derived { "derived from the competitors" } else { "given" },
        if keywords.is_empty() { "none".to_owned() } else { keywords.join(", ") }
    );
    let classes: Vec<&str> = body
        .sites
        .first()
        .map(|site| site.classes.iter().map(|share| share.class.as_str()).collect())
        .unwrap_or_default();
    let mut headers = vec!["Site", "Role", "Domains"];
    headers.extend(classes.iter().copied());
    let rows: Vec<Vec<String>> = body
        .sites
        .iter()
        .map(|site| {
            let mut row = vec![md(&site.site), md(&site.role), site.domains.to_string()];
            row.extend(site.classes.iter().map(|share| percent(share.domain_share)));
            row.resize(headers.len(), "-".to_owned());
            row
        })
        .collect();
    table(doc, &headers, &rows);
    let _ = writeln!(doc, "{level} Flags\n");
    let mut any = false;
    for site in &body.sites {
        for flag in &site.flags {
            any = true;
            let _ =
                writeln!(doc, "- **{}** {}: {}", md(&site.site), md(&flag.rule), md(&flag.message));
        }
    }
    if !any {
        let _ = writeln!(doc, "No over-optimization found.");
    }
    doc.push('\n');
    for note in &body.notes {
        let _ = writeln!(doc, "- Note: {}", md(note));
    }
    if !body.notes.is_empty() {
        doc.push('\n');
    }
}

fn spam(doc: &mut String, body: &SpamBody, level: &str) {
    let counts = &body.risk_counts;
    let _ = writeln!(
        doc,
        "- {} high-risk, {} medium-risk, {} low-risk referring domains (medium from {}, high from {})\n",
        counts.high, counts.medium, counts.low, body.medium_at, body.high_at
    );
    let risky: Vec<Vec<String>> = body
        .domains
        .iter()
        .filter(|domain| domain.risk != "low")
        .take(TOP)
        .map(|domain| {
            let signals: Vec<String> = domain
                .signals
                .iter()
                .map(|signal| {
                    format!("{} (+{}): {}", md(&signal.signal), signal.points, md(&signal.evidence))
                })
                .collect();
            vec![
                md(&domain.domain),
                domain.score.to_string(),
                md(&domain.risk),
                opt(domain.network.as_deref().map(md)),
                signals.join("; "),
            ]
        })
        .collect();
    if risky.is_empty() {
        let _ = writeln!(doc, "No medium- or high-risk domains.\n");
    } else {
        table(doc, &["Domain", "Score", "Risk", "Network", "Signals"], &risky);
    }
    if !body.networks.is_empty() {
        let _ = writeln!(doc, "{level} Networks\n");
        for network in &body.networks {
            let members: Vec<String> = network.members.iter().map(|member| md(member)).collect();
            let _ = writeln!(
                doc,
                "- **{}** ({} risk, max score {}): {}. Members: {}",
                md(&network.id),
                md(&network.risk),
                network.max_score,
                md(&network.note),
                members.join(", ")
            );
        }
        doc.push('\n');
    }
}

fn domain_rows(changes: &[DomainChangeView]) -> Vec<Vec<String>> {
    changes
        .iter()
        .take(TOP)
        .map(|change| {
            let reasons: Vec<String> = change.reasons.iter().map(|reason| md(reason)).collect();
            vec![
                md(&change.domain),
                change.links.to_string(),
                opt(change.date.as_deref().map(md)),
                if reasons.is_empty() { "-".to_owned() } else { reasons.join(", ") },
                opt(change.spam_score),
            ]
        })
        .collect()
}

fn diff(doc: &mut String, view: &DiffView) {
    header(doc, "Backlink changes", &view.meta);
    let _ = writeln!(doc, "## Headline\n");
    let _ = writeln!(doc, "- Referring domains: {} → {}", view.domains_before, view.domains_after);
    let _ = writeln!(
        doc,
        "- {} new and {} lost referring domains",
        view.new_domains.len(),
        view.lost_domains.len()
    );
    if view.links_compared {
        let _ = writeln!(
            doc,
            "- {} new and {} lost links",
            view.new_links.len(),
            view.lost_links.len()
        );
    }
    doc.push('\n');
    if !view.alerts.is_empty() {
        let _ = writeln!(doc, "## Alerts\n");
        for alert in &view.alerts {
            let _ = writeln!(doc, "- **{}**: {}", md(&alert.kind), md(&alert.message));
        }
        doc.push('\n');
    }
    let headers = ["Domain", "Links", "Date", "Reasons", "Spam score"];
    let _ = writeln!(doc, "## New referring domains\n");
    let rows = domain_rows(&view.new_domains);
    table(doc, &headers, &rows);
    more(doc, rows.len(), view.new_domains.len());
    let _ = writeln!(doc, "## Lost referring domains\n");
    let rows = domain_rows(&view.lost_domains);
    table(doc, &headers, &rows);
    more(doc, rows.len(), view.lost_domains.len());
    if !view.monthly.is_empty() {
        let _ = writeln!(doc, "## Velocity by month\n");
        let rows: Vec<Vec<String>> = view
            .monthly
            .iter()
            .map(|bucket| {
                vec![
                    md(&bucket.period),
                    bucket.new_links.to_string(),
                    bucket.lost_links.to_string(),
                    bucket.new_domains.to_string(),
                    bucket.lost_domains.to_string(),
                ]
            })
            .collect();
        table(doc, &["Month", "New links", "Lost links", "New domains", "Lost domains"], &rows);
    }
    for note in &view.notes {
        let _ = writeln!(doc, "- Note: {}", md(note));
    }
}

fn bulk(doc: &mut String, view: &BulkView) {
    header(doc, "Bulk metrics", &view.meta);
    let _ = writeln!(
        doc,
        "{} targets, sorted by {} ({})\n",
        view.rows.len(),
        md(&view.sort_by),
        if view.ascending { "ascending" } else { "descending" }
    );
    let rows: Vec<Vec<String>> = view
        .rows
        .iter()
        .map(|row| {
            vec![
                md(&row.target),
                opt(row.rank),
                opt(row.referring_domains),
                opt(row.backlinks),
                opt(row.spam_score),
                opt(row.new_referring_domains),
                opt(row.lost_referring_domains),
            ]
        })
        .collect();
    table(
        doc,
        &[
            "Target",
            "Rank",
            "Referring domains",
            "Backlinks",
            "Spam score",
            "New domains",
            "Lost domains",
        ],
        &rows,
    );
    for skipped in &view.skipped {
        let _ = writeln!(doc, "- Skipped {}: {}", md(&skipped.target), md(&skipped.reason));
    }
}

fn competitors(doc: &mut String, view: &CompetitorsView) {
    header(doc, "Competitor suggestions", &view.meta);
    if view.competitors.is_empty() {
        doc.push_str("No competitors found.\n");
        return;
    }
    let _ = writeln!(
        doc,
        "{} domains share referring domains with the target, most shared first.\n",
        view.competitors.len()
    );
    let rows: Vec<Vec<String>> = view
        .competitors
        .iter()
        .enumerate()
        .map(|(idx, competitor)| {
            vec![
                (idx + 1).to_string(),
                md(&competitor.domain),
                opt(competitor.rank),
                competitor.intersections.to_string(),
            ]
        })
        .collect();
    table(doc, &["#", "Domain", "Rank", "Shared referring domains"], &rows);
}

#[cfg(test)]
mod tests {
    use crate::render::{Format, to_string};
    use crate::sample::sample_reports;

    #[test]
    fn sample_snapshots() {
        for report in sample_reports() {
            insta::assert_snapshot!(report.kind(), to_string(&report, Format::Markdown));
        }
    }
}
