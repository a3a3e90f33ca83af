//! HTML: one self-contained file per report (inline CSS, inline SVG charts, a tiny inline
//! sorting script; no external fonts, scripts or images), readable offline and in print.
//!
//! `maud` escapes every interpolated string; web strings are also cleaned of control and bidi
//! characters and cut to a display length. Only `http`/`https` URLs become links. A strict
//! Content-Security-Policy allows nothing but this file's own style and script, by SHA-256 hash
//! computed at render time, so even a missed escape could not run injected script.

use std::fmt::Write as _;
use std::io::Write;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::csp::hash_source;
use crate::error::Error;
use crate::model::{
    AnchorsBody, AuditView, BulkView, CompetitorsView, DiffView, DomainChangeView, GapView,
    LinkChangeView, Report, ReportMeta, SpamBody, VelocityView,
};
use crate::text::{display, is_web_url};

const CSS: &str = r#"
:root{--fg:#1d2330;--muted:#5b6472;--line:#d9dde3;--bg:#fff;--head:#f3f5f8;--accent:#2f6fde}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 24px}
header{padding-top:24px;border-bottom:1px solid var(--line)}
h1{font-size:24px;margin:0 0 8px}
h2{font-size:18px;margin:28px 0 10px}
h3{font-size:15px;margin:20px 0 8px}
.meta{display:flex;flex-wrap:wrap;gap:4px 24px;color:var(--muted);margin:0 0 16px;padding:0;list-style:none}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:22px}
.card span{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;unicode-bidi:isolate}
td{overflow-wrap:anywhere;min-width:9em}
th,td.num,td.nowrap{white-space:nowrap}
td.num{min-width:0}
th{background:var(--head);position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \25B2"}
table.sortable th[aria-sort=descending]::after{content:" \25BC"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.inert{color:var(--muted)}
.risk-high{color:#b3261e;font-weight:600}
.risk-medium{color:#a15c00}
.flags li{margin:4px 0}
.chart{margin:8px 0 16px;break-inside:avoid}
.chart svg{max-width:100%;height:auto}
.note{color:var(--muted)}
footer{color:var(--muted);border-top:1px solid var(--line);margin-top:32px;padding-top:12px;padding-bottom:24px}
@media print{body{font-size:10pt}header,main,footer{max-width:none;padding:0}th{position:static}a{color:inherit;text-decoration:none}table,.chart{break-inside:auto}tr{break-inside:avoid}h2,h3{break-after:avoid}}
"#;

const SCRIPT: &str = r"
(function(){
function key(cell){if(!cell){return ''}var v=cell.getAttribute('data-sort');if(v!==null&&v!==''&&!isNaN(Number(v))){return Number(v)}return cell.textContent.trim().toLowerCase()}
document.querySelectorAll('table.sortable').forEach(function(table){
var heads=table.tHead?table.tHead.rows[0].cells:[];
Array.prototype.forEach.call(heads,function(th,idx){
th.tabIndex=0;
function sort(){var asc=th.getAttribute('aria-sort')!=='ascending';Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort')});th.setAttribute('aria-sort',asc?'ascending':'descending');var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);rows.sort(function(a,b){var x=key(a.cells[idx]),y=key(b.cells[idx]);var r=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y));return asc?r:-r});rows.forEach(function(r){body.appendChild(r)})}
th.addEventListener('click',sort);
th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort()}});
});
});
})();
";

/// Colors of the anchor classes, in the analysis's class order; unknown classes get grey.
const CLASS_COLORS: &[(&str, &str)] = &[
    ("branded", "#2f6fde"),
    ("exact_match", "#d1495b"),
    ("partial_match", "#edae49"),
    ("compound", "#8e6cbd"),
    ("naked_url", "#00798c"),
    ("generic", "#66a182"),
    ("image_or_empty", "#9aa5b1"),
    ("other", "#c8ccd2"),
];
const GREEN: &str = "#3a9d5d";
const RED: &str = "#d1495b";
const AMBER: &str = "#edae49";
const BLUE: &str = "#2f6fde";

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), Error> {
    let (title, body) = match report {
        Report::Gap(view) => ("Link gap", gap(view)),
        Report::Audit(view) => ("Backlink audit", audit(view)),
        Report::Anchors(view) => ("Anchor text audit", anchors(&view.body, true)),
        Report::Spam(view) => ("Spam and link networks", spam(&view.body)),
        Report::Diff(view) => ("Backlink changes", diff(view)),
        Report::Bulk(view) => ("Bulk metrics", bulk(view)),
        Report::Competitors(view) => ("Competitor suggestions", competitors(view)),
    };
    let markup = page(report.meta(), title, &body);
    out.write_all(markup.into_string().as_bytes())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The Content-Security-Policy: nothing loads, only our own style and script run.
fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        hash_source(CSS),
        hash_source(SCRIPT)
    )
}

fn page(meta: &ReportMeta, title: &str, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(content_security_policy());
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="generator" content={ "linkgap " (display(&meta.tool_version)) };
                title { (title) ": " (display(&meta.target)) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { (title) ": " (display(&meta.target)) }
                    ul.meta {
                        @if !meta.competitors.is_empty() {
                            li { "Competitors: " (join(&meta.competitors)) }
                        }
                        li { "Generated " (display(&meta.generated_at)) }
                        li { "Data: " (display(&meta.data_source)) }
                        @if let Some(cost) = meta.cost_usd {
                            li { "Cost: $" (format!("{cost:.4}")) }
                        }
                    }
                    @for note in &meta.coverage_notes {
                        p.note { "Coverage: " (display(note)) }
                    }
                }
                main { (body) }
                footer { "linkgap " (display(&meta.tool_version)) ". Strings from the web are shown as text; only http and https links are clickable." }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

fn join(values: &[String]) -> String {
    values.iter().map(|value| display(value)).collect::<Vec<_>>().join(", ")
}

/// A URL: a link for http/https, inert text otherwise.
fn url(value: &str) -> Markup {
    html! {
        @if is_web_url(value) {
            a href=(value) rel="nofollow noopener noreferrer" target="_blank" { (display(value)) }
        } @else {
            span.inert title="not an http(s) link" { (display(value)) }
        }
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(String::new, |value| value.to_string())
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn card(value: &dyn ToString, label: &str) -> Markup {
    html! { div.card { b { (value.to_string()) } span { (label) } } }
}

fn risk_class(risk: &str) -> &'static str {
    match risk {
        "high" => "risk-high",
        "medium" => "risk-medium",
        _ => "risk-low",
    }
}

// ---------------------------------------------------------------------------------------------
// Charts

/// One series of a column chart.
struct Series<'a> {
    name: &'a str,
    color: &'a str,
    values: Vec<f64>,
}

/// A coordinate or axis value: one decimal, none for whole numbers.
fn fmt_num(value: f64) -> String {
    let mut out = String::new();
    if value.fract() == 0.0 {
        let _ = write!(out, "{value:.0}");
    } else {
        let _ = write!(out, "{value:.1}");
    }
    out
}

/// A column chart with grouped series; `bar_colors` colors the bars of a single series one by one.
fn column_chart(
    title: &str,
    categories: &[String],
    series: &[Series<'_>],
    bar_colors: Option<&[&str]>,
) -> Markup {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 260.0;
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 12.0;
    const TOP: f64 = 34.0;
    const BOTTOM: f64 = 46.0;
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let max = series
        .iter()
        .flat_map(|series| series.values.iter().copied())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let n = categories.len().max(1) as f64;
    let slot = plot_width / n;
    let group_width = slot * 0.8;
    let bar_width = group_width / series.len().max(1) as f64;
    let label_every = (categories.len() / 12).max(1);
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } width=(WIDTH) height=(HEIGHT) role="img" aria-label=(title) {
                title { (title) }
                text x="0" y="18" font-size="14" font-weight="600" fill="#1d2330" { (title) }
                line x1=(LEFT) y1=(fmt_num(TOP + plot_height)) x2=(fmt_num(WIDTH - RIGHT)) y2=(fmt_num(TOP + plot_height)) stroke="#9aa5b1" {}
                text x=(fmt_num(LEFT - 6.0)) y=(fmt_num(TOP + 4.0)) font-size="11" text-anchor="end" fill="#5b6472" { (fmt_num(max)) }
                text x=(fmt_num(LEFT - 6.0)) y=(fmt_num(TOP + plot_height)) font-size="11" text-anchor="end" fill="#5b6472" { "0" }
                @for (cat_idx, category) in categories.iter().enumerate() {
                    @let x0 = LEFT + slot * cat_idx as f64 + (slot - group_width) / 2.0;
                    @for (series_idx, one) in series.iter().enumerate() {
                        @let value = one.values.get(cat_idx).copied().unwrap_or(0.0);
                        @let height = value / max * plot_height;
                        @let color = bar_colors.and_then(|colors| colors.get(cat_idx).copied()).unwrap_or(one.color);
                        rect x=(fmt_num(x0 + bar_width * series_idx as f64)) y=(fmt_num(TOP + plot_height - height)) width=(fmt_num((bar_width - 2.0).max(1.0))) height=(fmt_num(height)) fill=(color) {
                            title { (display(category)) ", " (one.name) ": " (value) }
                        }
                        @if value > 0.0 && bar_width >= 14.0 {
                            text x=(fmt_num(x0 + bar_width * (series_idx as f64 + 0.5))) y=(fmt_num(TOP + plot_height - height - 4.0)) font-size="11" text-anchor="middle" fill="#1d2330" { (value) }
                        }
                    }
                    @if cat_idx % label_every == 0 {
                        text x=(fmt_num(x0 + group_width / 2.0)) y=(fmt_num(TOP + plot_height + 16.0)) font-size="11" text-anchor="middle" fill="#5b6472" { (display(category)) }
                    }
                }
                @if series.len() > 1 {
                    @for (series_idx, one) in series.iter().enumerate() {
                        @let x = LEFT + 130.0 * series_idx as f64;
                        rect x=(fmt_num(x)) y=(fmt_num(HEIGHT - 16.0)) width="10" height="10" fill=(one.color) {}
                        text x=(fmt_num(x + 14.0)) y=(fmt_num(HEIGHT - 7.0)) font-size="11" fill="#1d2330" { (one.name) }
                    }
                }
            }
        }
    }
}

/// Horizontal 100% stacked bars: one per site, segments per anchor class.
fn stacked_chart(title: &str, rows: &[(String, Vec<(String, f64)>)]) -> Markup {
    const WIDTH: f64 = 720.0;
    const LABEL: f64 = 190.0;
    const ROW: f64 = 28.0;
    const TOP: f64 = 30.0;
    let bar_width = WIDTH - LABEL - 16.0;
    let legend_top = TOP + ROW * rows.len() as f64 + 8.0;
    let height = legend_top + 22.0 * CLASS_COLORS.len().div_ceil(4) as f64 + 4.0;
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (fmt_num(height)) } width=(WIDTH) height=(fmt_num(height)) role="img" aria-label=(title) {
                title { (title) }
                text x="0" y="18" font-size="14" font-weight="600" fill="#1d2330" { (title) }
                @for (row_idx, (label, shares)) in rows.iter().enumerate() {
                    @let y = TOP + ROW * row_idx as f64;
                    text x=(fmt_num(LABEL - 8.0)) y=(fmt_num(y + 15.0)) font-size="12" text-anchor="end" fill="#1d2330" { (display_short(label)) }
                    rect x=(LABEL) y=(fmt_num(y)) width=(fmt_num(bar_width)) height="20" fill="#f3f5f8" {}
                    @for (x, width, class, share) in segments(shares, LABEL, bar_width) {
                        rect x=(fmt_num(x)) y=(fmt_num(y)) width=(fmt_num(width)) height="20" fill=(class_color(class)) {
                            title { (display(label)) ", " (display(class)) ": " (percent(share)) }
                        }
                    }
                }
                @for (idx, (class, color)) in CLASS_COLORS.iter().enumerate() {
                    @let x = LABEL + 130.0 * (idx % 4) as f64;
                    @let y = legend_top + 22.0 * (idx / 4) as f64;
                    rect x=(fmt_num(x)) y=(fmt_num(y)) width="10" height="10" fill=(color) {}
                    text x=(fmt_num(x + 14.0)) y=(fmt_num(y + 9.0)) font-size="11" fill="#1d2330" { (class) }
                }
            }
        }
    }
}

/// The visible segments of one stacked bar: (x, width, class, share).
fn segments(shares: &[(String, f64)], left: f64, bar_width: f64) -> Vec<(f64, f64, &str, f64)> {
    let mut x = left;
    let mut out = Vec::new();
    for (class, share) in shares {
        let width = share.clamp(0.0, 1.0) * bar_width;
        if width > 0.0 {
            out.push((x, width, class.as_str(), *share));
        }
        x += width;
    }
    out
}

fn display_short(text: &str) -> String {
    let cleaned = display(text);
    if cleaned.chars().count() > 28 {
        let mut short: String = cleaned.chars().take(27).collect();
        short.push('\u{2026}');
        short
    } else {
        cleaned
    }
}

fn class_color(class: &str) -> &'static str {
    CLASS_COLORS.iter().find(|(name, _)| *name == class).map_or("#c8ccd2", |(_, color)| color)
}

// ---------------------------------------------------------------------------------------------
// Sections

fn gap(view: &GapView) -> Markup {
    let n_competitors = view
        .meta
        .competitors
        .len()
        .max(view.prospects.iter().map(|p| p.competitors.len()).max().unwrap_or(0))
        .max(1);
    let mut overlap = vec![0.0; n_competitors];
    for prospect in &view.prospects {
        if let Some(slot) =
            prospect.competitors.len().checked_sub(1).and_then(|idx| overlap.get_mut(idx))
        {
            *slot += 1.0;
        }
    }
    let categories: Vec<String> =
        (1..=n_competitors).map(|n| format!("{n} of {n_competitors}")).collect();
    let counts = &view.counts;
    html! {
        section {
            div.cards {
                (card(&counts.gap, "prospects (gap)"))
                (card(&counts.reclaim, "to reclaim"))
                (card(&counts.shared, "shared"))
                (card(&counts.weak, "weak"))
                (card(&counts.unique_to_target, "unique to you"))
            }
            (column_chart("Prospects by number of competitors linked", &categories, &[Series { name: "prospects", color: BLUE, values: overlap }], None))
        }
        section {
            h2 { "Ranked prospects" }
            table.sortable {
                thead { tr {
                    th.num { "#" } th { "Source" } th { "Category" } th.num { "Score" } th { "Competitors" }
                    th.num { "Rank" } th.num { "Dofollow" } th { "Best page" } th { "Anchor" } th { "Last seen" } th { "Notes" }
                } }
                tbody {
                    @for prospect in &view.prospects {
                        tr {
                            td.num { (prospect.rank) }
                            td { (display(&prospect.domain)) }
                            td { (display(&prospect.category)) }
                            td.num data-sort=(prospect.score) { (format!("{:.1}", prospect.score)) }
                            td data-sort=(prospect.competitors.len()) { (join(&prospect.competitors)) }
                            td.num data-sort=(opt(prospect.best_rank)) { (opt(prospect.best_rank)) }
                            td.num data-sort=(prospect.dofollow_share) { (percent(prospect.dofollow_share)) }
                            td { @if let Some(page) = &prospect.best_page { (url(&page.url_from)) } }
                            td { @if let Some(anchor) = prospect.best_page.as_ref().and_then(|page| page.anchor.as_deref()) { (display(anchor)) } }
                            td.nowrap { (opt(prospect.last_seen.as_deref())) }
                            td {
                                @if prospect.absence.as_deref() == Some("unverified") { "absence unverified. " }
                                @if let Some(demoted) = &prospect.demoted { (display(demoted)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn audit(view: &AuditView) -> Markup {
    let summary = &view.summary;
    html! {
        section {
            div.cards {
                (card(&summary.referring_domains, "referring domains"))
                (card(&summary.backlinks, "backlinks"))
                (card(&summary.lost_backlinks, "lost backlinks"))
                @if let Some(share) = summary.dofollow_share { (card(&percent(share), "dofollow")) }
                (card(&view.spam.risk_counts.high, "high-risk domains"))
            }
            @if !summary.complete { p.note { "The profile is truncated: numbers are lower bounds." } }
            h2 { "Top referring domains" }
            table.sortable {
                thead { tr { th { "Domain" } th.num { "Rank" } th.num { "Backlinks" } th.num { "Dofollow" } th { "First seen" } th.num { "Spam score" } th { "Risk" } } }
                tbody {
                    @for domain in &view.referring_domains {
                        tr {
                            td { (display(&domain.domain)) }
                            td.num { (opt(domain.rank)) }
                            td.num { (domain.backlinks) }
                            td.num { (opt(domain.dofollow_backlinks)) }
                            td.nowrap { (opt(domain.first_seen.as_deref())) }
                            td.num { (opt(domain.spam_score)) }
                            td class=(risk_class(domain.risk.as_deref().unwrap_or(""))) { (opt(domain.risk.as_deref())) }
                        }
                    }
                }
            }
        }
        (anchors(&view.anchors, false))
        (spam(&view.spam))
    }
}

fn anchors(body: &AnchorsBody, standalone: bool) -> Markup {
    let rows: Vec<(String, Vec<(String, f64)>)> = body
        .sites
        .iter()
        .map(|site| {
            (
                site.site.clone(),
                site.classes
                    .iter()
                    .map(|share| (share.class.clone(), share.domain_share))
                    .collect(),
            )
        })
        .collect();
    html! {
        section {
            @if !standalone { h2 { "Anchor text" } }
            p {
                "Money keywords (" (if body.keywords_derived { "derived from the competitors" } else { "given" }) "): "
                @if body.keywords.is_empty() { "none" } @else { (join(&body.keywords)) }
            }
            (stacked_chart("Anchor mix by referring domain: target vs competitors", &rows))
            h3 { "Over-optimization flags" }
            @let flagged: Vec<_> = body.sites.iter().flat_map(|site| site.flags.iter().map(move |flag| (site, flag))).collect();
            @if flagged.is_empty() {
                p { "No over-optimization found." }
            } @else {
                ul.flags {
                    @for (site, flag) in flagged {
                        li { b { (display(&site.site)) } " " code { (display(&flag.rule)) } ": " (display(&flag.message)) }
                    }
                }
            }
            @for site in &body.sites {
                h3 { "Top anchors: " (display(&site.site)) " (" (display(&site.role)) ")" }
                @if !site.anchors_available {
                    p.note { "No anchor data (domain-level rows only)." }
                } @else {
                    table.sortable {
                        thead { tr { th { "Anchor" } th { "Class" } th.num { "Domains" } th.num { "Links" } th.num { "Share" } } }
                        tbody {
                            @for anchor in &site.top_anchors {
                                tr {
                                    td { (display(&anchor.anchor)) }
                                    td { (display(&anchor.class)) }
                                    td.num { (anchor.domains) }
                                    td.num { (anchor.links) }
                                    td.num data-sort=(anchor.domain_share) { (percent(anchor.domain_share)) }
                                }
                            }
                        }
                    }
                }
            }
            @for note in &body.notes { p.note { "Note: " (display(note)) } }
        }
    }
}

fn spam(body: &SpamBody) -> Markup {
    let counts = &body.risk_counts;
    let categories = vec!["low".to_owned(), "medium".to_owned(), "high".to_owned()];
    let values = vec![counts.low as f64, counts.medium as f64, counts.high as f64];
    html! {
        section {
            h2 { "Spam risk" }
            (column_chart("Referring domains by spam risk", &categories, &[Series { name: "domains", color: BLUE, values }], Some(&[GREEN, AMBER, RED])))
            table.sortable {
                thead { tr { th { "Domain" } th.num { "Score" } th { "Risk" } th { "Network" } th.num { "Links" } th { "Signals" } } }
                tbody {
                    @for domain in &body.domains {
                        tr {
                            td { (display(&domain.domain)) }
                            td.num { (domain.score) }
                            td class=(risk_class(&domain.risk)) { (display(&domain.risk)) }
                            td { (opt(domain.network.as_deref().map(display))) }
                            td.num { (domain.links) }
                            td {
                                @for signal in &domain.signals {
                                    div { code { (display(&signal.signal)) } " +" (signal.points) ": " (display(&signal.evidence)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !body.networks.is_empty() {
                h3 { "Networks" }
                ul.flags {
                    @for network in &body.networks {
                        li class=(risk_class(&network.risk)) {
                            b { (display(&network.id)) } " (" (display(&network.risk)) " risk, max score " (network.max_score) "): "
                            (display(&network.note)) ". Members: " (join(&network.members))
                        }
                    }
                }
            }
            @if !body.links.is_empty() {
                h3 { "Risky links" }
                table.sortable {
                    thead { tr { th { "From" } th { "To" } th.num { "Score" } th { "Risk" } } }
                    tbody {
                        @for link in &body.links {
                            tr {
                                td { (url(&link.url_from)) }
                                td { (url(&link.url_to)) }
                                td.num { (link.score) }
                                td class=(risk_class(&link.risk)) { (display(&link.risk)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn velocity_series(buckets: &[VelocityView]) -> (Vec<String>, Vec<f64>, Vec<f64>) {
    (
        buckets.iter().map(|bucket| bucket.period.clone()).collect(),
        buckets.iter().map(|bucket| bucket.new_links as f64).collect(),
        buckets.iter().map(|bucket| bucket.lost_links as f64).collect(),
    )
}

fn domain_table(changes: &[DomainChangeView]) -> Markup {
    html! {
        table.sortable {
            thead { tr { th { "Domain" } th.num { "Links" } th { "Date" } th { "Reasons" } th.num { "Spam score" } } }
            tbody {
                @for change in changes {
                    tr {
                        td { (display(&change.domain)) }
                        td.num { (change.links) }
                        td.nowrap { (opt(change.date.as_deref())) }
                        td { (join(&change.reasons)) }
                        td.num { (opt(change.spam_score)) }
                    }
                }
            }
        }
    }
}

fn link_table(links: &[LinkChangeView]) -> Markup {
    html! {
        table.sortable {
            thead { tr { th { "From" } th { "To" } th { "Anchor" } th { "Dofollow" } th { "Date" } th { "Reason" } } }
            tbody {
                @for link in links {
                    tr {
                        td { (url(&link.url_from)) }
                        td { (url(&link.url_to)) }
                        td { (opt(link.anchor.as_deref().map(display))) }
                        td { (if link.dofollow { "yes" } else { "no" }) }
                        td.nowrap { (opt(link.date.as_deref())) }
                        td { (opt(link.reason.as_deref())) }
                    }
                }
            }
        }
    }
}

fn diff(view: &DiffView) -> Markup {
    let (weeks, weekly_new, weekly_lost) = velocity_series(&view.weekly);
    let (months, monthly_new, monthly_lost) = velocity_series(&view.monthly);
    html! {
        section {
            div.cards {
                (card(&format!("{} → {}", view.domains_before, view.domains_after), "referring domains"))
                (card(&view.new_domains.len(), "new domains"))
                (card(&view.lost_domains.len(), "lost domains"))
                @if view.links_compared {
                    (card(&view.new_links.len(), "new links"))
                    (card(&view.lost_links.len(), "lost links"))
                }
            }
            @if !view.alerts.is_empty() {
                h2 { "Alerts" }
                ul.flags {
                    @for alert in &view.alerts {
                        li.risk-high { code { (display(&alert.kind)) } ": " (display(&alert.message)) }
                    }
                }
            }
            @if !weeks.is_empty() {
                (column_chart("Link velocity: new and lost links per week", &weeks, &[Series { name: "new links", color: GREEN, values: weekly_new }, Series { name: "lost links", color: RED, values: weekly_lost }], None))
            }
            @if !months.is_empty() {
                (column_chart("New vs lost links per month", &months, &[Series { name: "new links", color: GREEN, values: monthly_new }, Series { name: "lost links", color: RED, values: monthly_lost }], None))
            }
            h2 { "New referring domains" }
            (domain_table(&view.new_domains))
            h2 { "Lost referring domains" }
            (domain_table(&view.lost_domains))
            @if view.links_compared {
                h2 { "New links" }
                (link_table(&view.new_links))
                h2 { "Lost links" }
                (link_table(&view.lost_links))
            }
            @if !view.anchor_shift.is_empty() {
                h2 { "Anchor mix shift" }
                table.sortable {
                    thead { tr { th { "Class" } th.num { "Before" } th.num { "After" } th.num { "Change" } } }
                    tbody {
                        @for shift in &view.anchor_shift {
                            tr {
                                td { (display(&shift.class)) }
                                td.num data-sort=(shift.before) { (percent(shift.before)) }
                                td.num data-sort=(shift.after) { (percent(shift.after)) }
                                td.num data-sort=(shift.delta) { (format!("{:+.1} pp", shift.delta * 100.0)) }
                            }
                        }
                    }
                }
            }
            @for note in &view.notes { p.note { "Note: " (display(note)) } }
        }
    }
}

fn bulk(view: &BulkView) -> Markup {
    html! {
        section {
            p { (view.rows.len()) " targets, sorted by " (display(&view.sort_by)) (if view.ascending { " (ascending)" } else { " (descending)" }) }
            table.sortable {
                thead { tr {
                    th { "Target" } th.num { "Rank" } th.num { "Referring domains" } th.num { "Main domains" } th.num { "Backlinks" }
                    th.num { "Spam score" } th.num { "New links" } th.num { "Lost links" } th.num { "New domains" } th.num { "Lost domains" } th.num { "Percentile" }
                } }
                tbody {
                    @for row in &view.rows {
                        tr {
                            td { (display(&row.target)) }
                            td.num { (opt(row.rank)) }
                            td.num { (opt(row.referring_domains)) }
                            td.num { (opt(row.referring_main_domains)) }
                            td.num { (opt(row.backlinks)) }
                            td.num { (opt(row.spam_score)) }
                            td.num { (opt(row.new_backlinks)) }
                            td.num { (opt(row.lost_backlinks)) }
                            td.num { (opt(row.new_referring_domains)) }
                            td.num { (opt(row.lost_referring_domains)) }
                            td.num { (opt(row.sort_percentile)) }
                        }
                    }
                }
            }
            @if !view.columns.is_empty() {
                h2 { "Percentiles" }
                table {
                    thead { tr { th { "Column" } th.num { "Rows" } th.num { "p25" } th.num { "p50" } th.num { "p75" } th.num { "p90" } } }
                    tbody {
                        @for column in &view.columns {
                            tr {
                                td { (display(&column.column)) }
                                td.num { (column.count) }
                                td.num { (opt(column.p25)) }
                                td.num { (opt(column.p50)) }
                                td.num { (opt(column.p75)) }
                                td.num { (opt(column.p90)) }
                            }
                        }
                    }
                }
            }
            @for skipped in &view.skipped { p.note { "Skipped " (display(&skipped.target)) ": " (display(&skipped.reason)) } }
        }
    }
}

fn competitors(view: &CompetitorsView) -> Markup {
    html! {
        section {
            @if view.competitors.is_empty() {
                p.note { "No competitors found." }
            } @else {
                p { (view.competitors.len()) " domains share referring domains with the target, most shared first." }
                table.sortable {
                    thead { tr {
                        th.num { "#" } th { "Domain" } th.num { "Rank" } th.num { "Shared referring domains" }
                    } }
                    tbody {
                        @for (idx, competitor) in view.competitors.iter().enumerate() {
                            tr {
                                td.num { (idx + 1) }
                                td { (display(&competitor.domain)) }
                                td.num { (opt(competitor.rank)) }
                                td.num { (competitor.intersections) }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::render::{Format, to_string};
    use crate::sample::sample_reports;

    #[test]
    fn sample_snapshots() {
        for report in sample_reports() {
            insta::assert_snapshot!(report.kind(), to_string(&report, Format::Html));
        }
    }
}
