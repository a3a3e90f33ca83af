//! The serializable report views: the one place that fixes the JSON schema of every report kind.
//!
//! Views are plain data built from analysis results by the constructors in
//! `model/from_analysis.rs`. Every renderer reads views only, so a change in the analysis crate
//! touches the conversion and nothing else. Dates are ISO 8601 strings, shares are 0-1 and
//! rounded to four decimals, so output is byte-identical for identical input.

mod from_analysis;

use serde::Serialize;

/// The version of every JSON document's layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// What every report says about how it was made. All of it is input: the renderers never read
/// the clock or the environment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportMeta {
    /// The linkgap version that made the report.
    pub tool_version: String,
    /// When the report was made, ISO 8601 (`2026-01-15T12:00:00Z`).
    pub generated_at: String,
    /// The analysed site.
    pub target: String,
    /// The competitors, as given.
    pub competitors: Vec<String>,
    /// Where the data came from (`DataForSEO Backlinks API`, `mock`, a file name).
    pub data_source: String,
    /// What fetching the data cost, when known.
    pub cost_usd: Option<f64>,
    /// Remarks on incomplete data (truncated profiles, skipped rows).
    pub coverage_notes: Vec<String>,
}

/// A report of any kind, for [`crate::render`].
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// Link gap with ranked prospects.
    Gap(GapView),
    /// Profile audit: summary, referring domains, anchors, spam.
    Audit(AuditView),
    /// Anchor text audit.
    Anchors(AnchorsView),
    /// Spam and network detection.
    Spam(SpamView),
    /// Monitoring diff between two snapshots.
    Diff(DiffView),
    /// Bulk metrics table.
    Bulk(BulkView),
    /// Competitor suggestions.
    Competitors(CompetitorsView),
}

impl Report {
    /// The kind's name, as written in JSON `kind` and used in schema file names.
    pub fn kind(&self) -> &'static str {
        match self {
            Report::Gap(_) => "gap",
            Report::Audit(_) => "audit",
            Report::Anchors(_) => "anchors",
            Report::Spam(_) => "spam",
            Report::Diff(_) => "diff",
            Report::Bulk(_) => "bulk",
            Report::Competitors(_) => "competitors",
        }
    }

    /// The report's meta data.
    pub fn meta(&self) -> &ReportMeta {
        match self {
            Report::Gap(view) => &view.meta,
            Report::Audit(view) => &view.meta,
            Report::Anchors(view) => &view.meta,
            Report::Spam(view) => &view.meta,
            Report::Diff(view) => &view.meta,
            Report::Bulk(view) => &view.meta,
            Report::Competitors(view) => &view.meta,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Gap

/// The link gap report: ranked prospects with their evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GapView {
    /// How the report was made.
    pub meta: ReportMeta,
    /// Source level: `domain`, `host` or `page`.
    pub level: String,
    /// Competitors a source had to link to to be a gap.
    pub min_competitors: usize,
    /// Sources per category.
    pub counts: GapCountsView,
    /// Ranked prospects, best first.
    pub prospects: Vec<ProspectView>,
}

/// Source counts of a gap report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GapCountsView {
    /// Prospects: link to enough competitors, not to the target.
    pub gap: u64,
    /// Lost their link to the target.
    pub reclaim: u64,
    /// Link to the target and competitors.
    pub shared: u64,
    /// Link to the target only.
    pub unique_to_target: u64,
    /// Link to the target less than to a competitor.
    pub weak: u64,
    /// Link to fewer competitors than required.
    pub below_min_competitors: u64,
    /// Left out by the rank floor.
    pub below_min_rank: u64,
}

/// One ranked prospect and the evidence behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProspectView {
    /// 1-based rank.
    pub rank: usize,
    /// The source at the report's level: the registrable domain, the host or the page URL.
    pub domain: String,
    /// The registrable domain the source belongs to.
    pub registrable: String,
    /// `gap`, `reclaim`, `shared`, `unique-to-target` or `weak`.
    pub category: String,
    /// `proven` or `unverified` (whether "not linking to the target" is certain), if relevant.
    pub absence: Option<String>,
    /// Score 0-100.
    pub score: f64,
    /// The competitor sites it links to, sorted.
    pub competitors: Vec<String>,
    /// Links per competitor.
    pub competitor_links: Vec<CompetitorLinksView>,
    /// Score factors.
    pub factors: Vec<FactorView>,
    /// Best source rank 0-1000.
    pub best_rank: Option<u32>,
    /// Dofollow share of its competitor links, 0-1.
    pub dofollow_share: f64,
    /// Earliest first-seen date of its competitor links.
    pub first_seen: Option<String>,
    /// Latest last-seen date.
    pub last_seen: Option<String>,
    /// Highest API spam score 0-100.
    pub spam_score: Option<u8>,
    /// The page to pitch: the first sample link (smallest URL) with an anchor, else the first.
    pub best_page: Option<SampleLinkView>,
    /// Sample competitor links.
    pub samples: Vec<SampleLinkView>,
    /// Distinct anchors of its competitor links.
    pub anchors: Vec<String>,
    /// Distinct page titles.
    pub titles: Vec<String>,
    /// Network or subnet it was grouped by.
    pub group: Option<String>,
    /// Why it was moved down the ranking, if it was.
    pub demoted: Option<String>,
}

/// A source's links to one competitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompetitorLinksView {
    /// Competitor site.
    pub site: String,
    /// Counted links.
    pub links: u64,
    /// Dofollow links.
    pub dofollow_links: u64,
    /// Lost links.
    pub lost_links: u64,
    /// First seen.
    pub first_seen: Option<String>,
    /// Last seen.
    pub last_seen: Option<String>,
}

/// One factor of a prospect's score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactorView {
    /// `overlap`, `rank`, `dofollow`, `freshness`, `topical` or `spam`.
    pub kind: String,
    /// Weight.
    pub weight: f64,
    /// Value 0-1.
    pub value: f64,
    /// Points added to the score (negative for the spam penalty).
    pub points: f64,
    /// What the value was computed from.
    pub detail: String,
}

/// One competitor link of a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SampleLinkView {
    /// Source page URL.
    pub url_from: String,
    /// Competitor linked to.
    pub competitor: String,
    /// Anchor text.
    pub anchor: Option<String>,
    /// Page title.
    pub title: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Audit

/// A profile audit: summary, top referring domains, anchor audit and spam patterns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditView {
    /// How the report was made.
    pub meta: ReportMeta,
    /// Headline numbers of the target's profile.
    pub summary: ProfileSummaryView,
    /// Top referring domains of the target, by rank then links.
    pub referring_domains: Vec<ReferringDomainView>,
    /// The anchor audit.
    pub anchors: AnchorsBody,
    /// The spam findings.
    pub spam: SpamBody,
}

/// Headline numbers of one profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileSummaryView {
    /// The site.
    pub site: String,
    /// Whether the profile is all the index has.
    pub complete: bool,
    /// Rows fetched.
    pub rows: u64,
    /// Distinct referring domains (hosts as given by the data).
    pub referring_domains: u64,
    /// Backlinks.
    pub backlinks: u64,
    /// Dofollow share of the backlinks, 0-1 (`null` for domain-level rows).
    pub dofollow_share: Option<f64>,
    /// Lost backlinks among them.
    pub lost_backlinks: u64,
}

/// One referring domain of the audited profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReferringDomainView {
    /// Referring domain.
    pub domain: String,
    /// Best rank 0-1000.
    pub rank: Option<u32>,
    /// Backlinks from it.
    pub backlinks: u64,
    /// Dofollow backlinks from it (`null` when unknown).
    pub dofollow_backlinks: Option<u64>,
    /// Earliest first-seen date.
    pub first_seen: Option<String>,
    /// API spam score.
    pub spam_score: Option<u8>,
    /// Risk level from spam detection, when the domain was scored.
    pub risk: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Anchors

/// The anchor text audit report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnchorsView {
    /// How the report was made.
    pub meta: ReportMeta,
    /// The audit.
    #[serde(flatten)]
    pub body: AnchorsBody,
}

/// An anchor audit, shared by [`AnchorsView`] and [`AuditView`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnchorsBody {
    /// Money keywords used.
    pub keywords: Vec<String>,
    /// Whether they were derived from the competitors.
    pub keywords_derived: bool,
    /// The target first, then the competitors.
    pub sites: Vec<SiteAnchorsView>,
    /// What could not be done.
    pub notes: Vec<String>,
}

/// The anchor profile of one site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteAnchorsView {
    /// Site.
    pub site: String,
    /// `target` or `competitor`.
    pub role: String,
    /// Whether any flag fired.
    pub over_optimized: bool,
    /// `false` when the data had no anchors (domain-level rows).
    pub anchors_available: bool,
    /// Brand terms used.
    pub brand_terms: Vec<String>,
    /// Links counted.
    pub links: usize,
    /// Referring domains counted.
    pub domains: usize,
    /// Class distribution by referring domain.
    pub classes: Vec<ClassShareView>,
    /// Most used anchors.
    pub top_anchors: Vec<TopAnchorView>,
    /// Over-optimization flags with their reasons.
    pub flags: Vec<AnchorFlagView>,
}

/// One anchor class's share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassShareView {
    /// Class name (`branded`, `exact_match`, ...).
    pub class: String,
    /// Share of referring domains, 0-1.
    pub domain_share: f64,
    /// Share of links, 0-1.
    pub link_share: f64,
}

/// One frequent anchor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopAnchorView {
    /// Normalised anchor text.
    pub anchor: String,
    /// Its class.
    pub class: String,
    /// Referring domains using it.
    pub domains: usize,
    /// Links using it.
    pub links: usize,
    /// Share of the site's referring domains, 0-1.
    pub domain_share: f64,
}

/// One over-optimization flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnchorFlagView {
    /// Rule name.
    pub rule: String,
    /// The anchor concerned, for per-anchor rules.
    pub anchor: Option<String>,
    /// Measured share.
    pub value: f64,
    /// Threshold exceeded.
    pub threshold: f64,
    /// Baseline median, for relative rules.
    pub baseline_median: Option<f64>,
    /// The reason in words.
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Spam

/// The spam report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpamView {
    /// How the report was made.
    pub meta: ReportMeta,
    /// The findings.
    #[serde(flatten)]
    pub body: SpamBody,
}

/// Spam findings, shared by [`SpamView`] and [`AuditView`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpamBody {
    /// Score at which a domain is medium risk.
    pub medium_at: u8,
    /// Score at which a domain is high risk.
    pub high_at: u8,
    /// Domains per risk level.
    pub risk_counts: RiskCountsView,
    /// Scored domains, riskiest first.
    pub domains: Vec<DomainRiskView>,
    /// Detected networks.
    pub networks: Vec<NetworkView>,
    /// Risky individual links (medium and high), riskiest first.
    pub links: Vec<LinkRiskView>,
}

/// Domains per risk level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RiskCountsView {
    /// Low risk.
    pub low: usize,
    /// Medium risk.
    pub medium: usize,
    /// High risk.
    pub high: usize,
}

/// One scored referring domain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DomainRiskView {
    /// Registrable domain.
    pub domain: String,
    /// Score 0-100.
    pub score: u8,
    /// `low`, `medium` or `high`.
    pub risk: String,
    /// Signals that fired.
    pub signals: Vec<SignalView>,
    /// Network id, when in one.
    pub network: Option<String>,
    /// Best rank.
    pub rank: Option<u32>,
    /// Links counted.
    pub links: usize,
    /// Analysed sites it links to.
    pub sites: Vec<String>,
}

/// One spam signal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignalView {
    /// Signal name.
    pub signal: String,
    /// Points added.
    pub points: u8,
    /// Evidence in words.
    pub evidence: String,
}

/// One detected network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkView {
    /// Network id.
    pub id: String,
    /// Member domains.
    pub members: Vec<String>,
    /// Shared IPs.
    pub shared_ips: Vec<String>,
    /// Shared subnets.
    pub shared_subnets: Vec<String>,
    /// Links among members.
    pub interlinks: usize,
    /// Links to analysed sites.
    pub total_links: usize,
    /// Highest member score.
    pub max_score: u8,
    /// `low`, `medium` or `high`.
    pub risk: String,
    /// What the network is, in words.
    pub note: String,
}

/// One risky link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkRiskView {
    /// Analysed site linked to.
    pub site: String,
    /// Source page.
    pub url_from: String,
    /// Linked page.
    pub url_to: String,
    /// Source domain.
    pub domain: String,
    /// Score 0-100.
    pub score: u8,
    /// `low`, `medium` or `high`.
    pub risk: String,
}

// ---------------------------------------------------------------------------------------------
// Diff

/// The monitoring report: what changed between two snapshots.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiffView {
    /// How the report was made.
    pub meta: ReportMeta,
    /// The monitored site.
    pub site: String,
    /// Whether link-level rows were compared (else only domains).
    pub links_compared: bool,
    /// Referring domains before.
    pub domains_before: usize,
    /// Referring domains after.
    pub domains_after: usize,
    /// New links.
    pub new_links: Vec<LinkChangeView>,
    /// Lost links.
    pub lost_links: Vec<LinkChangeView>,
    /// New referring domains.
    pub new_domains: Vec<DomainChangeView>,
    /// Lost referring domains.
    pub lost_domains: Vec<DomainChangeView>,
    /// Anchor class share shifts.
    pub anchor_shift: Vec<ClassShiftView>,
    /// Link velocity per ISO week.
    pub weekly: Vec<VelocityView>,
    /// Link velocity per month.
    pub monthly: Vec<VelocityView>,
    /// Alerts.
    pub alerts: Vec<AlertView>,
    /// Remarks.
    pub notes: Vec<String>,
}

/// One new or lost link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkChangeView {
    /// Source page.
    pub url_from: String,
    /// Linked page.
    pub url_to: String,
    /// Source domain.
    pub domain: String,
    /// Anchor text.
    pub anchor: Option<String>,
    /// Dofollow.
    pub dofollow: bool,
    /// When it appeared or was lost.
    pub date: Option<String>,
    /// Why it was lost (`removed`, `turned_nofollow`, ...).
    pub reason: Option<String>,
    /// Evidence in words.
    pub evidence: String,
    /// Spam score of the source domain.
    pub spam_score: Option<u8>,
}

/// One new or lost referring domain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DomainChangeView {
    /// Domain.
    pub domain: String,
    /// Links involved.
    pub links: usize,
    /// Date.
    pub date: Option<String>,
    /// Loss reasons.
    pub reasons: Vec<String>,
    /// Spam score.
    pub spam_score: Option<u8>,
}

/// One anchor class share shift.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassShiftView {
    /// Class name.
    pub class: String,
    /// Share before, 0-1.
    pub before: f64,
    /// Share after, 0-1.
    pub after: f64,
    /// Change.
    pub delta: f64,
}

/// New and lost links in one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VelocityView {
    /// Period label (`2026-W03`, `2026-01`).
    pub period: String,
    /// New links.
    pub new_links: usize,
    /// Lost links.
    pub lost_links: usize,
    /// New referring domains.
    pub new_domains: usize,
    /// Lost referring domains.
    pub lost_domains: usize,
}

/// One monitoring alert.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertView {
    /// `referring_domain_drop` or `negative_seo_burst`.
    pub kind: String,
    /// The alert in words.
    pub message: String,
    /// Domains involved.
    pub count: usize,
    /// Share of the profile, 0-1.
    pub share: f64,
    /// Some of the domains.
    pub domains: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Bulk

/// The bulk metrics table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BulkView {
    /// How the report was made.
    pub meta: ReportMeta,
    /// Column the rows are sorted by.
    pub sort_by: String,
    /// Ascending sort.
    pub ascending: bool,
    /// Per-column percentiles.
    pub columns: Vec<ColumnStatsView>,
    /// One row per target.
    pub rows: Vec<BulkRowView>,
    /// Targets left out, with the reason.
    pub skipped: Vec<BulkSkippedView>,
}

/// Percentiles of one bulk column.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnStatsView {
    /// Column name.
    pub column: String,
    /// Rows with a value.
    pub count: usize,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
}

/// One target's metrics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BulkRowView {
    /// Target.
    pub target: String,
    /// Rank.
    pub rank: Option<u32>,
    /// Referring domains.
    pub referring_domains: Option<u64>,
    /// Referring main domains.
    pub referring_main_domains: Option<u64>,
    /// Backlinks.
    pub backlinks: Option<u64>,
    /// Spam score.
    pub spam_score: Option<u8>,
    /// New backlinks.
    pub new_backlinks: Option<u64>,
    /// Lost backlinks.
    pub lost_backlinks: Option<u64>,
    /// New referring domains.
    pub new_referring_domains: Option<u64>,
    /// Lost referring domains.
    pub lost_referring_domains: Option<u64>,
    /// Percentile rank (0-100) of this row in the sort column.
    pub sort_percentile: Option<f64>,
}

/// A target left out of the bulk table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BulkSkippedView {
    /// Target.
    pub target: String,
    /// Why.
    pub reason: String,
}

// ---------------------------------------------------------------------------------------------
// Competitors

/// Competitor suggestions: the domains that share the most referring domains with the target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompetitorsView {
    /// How the report was made (`competitors` is empty: finding them is the point).
    pub meta: ReportMeta,
    /// The suggestions, in the order given (most shared referring domains first).
    pub competitors: Vec<CompetitorView>,
}

impl CompetitorsView {
    /// The suggestions, kept in the order given.
    pub fn new(meta: ReportMeta, competitors: Vec<CompetitorView>) -> CompetitorsView {
        CompetitorsView { meta, competitors }
    }
}

/// One suggested competitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompetitorView {
    /// The competing domain.
    pub domain: String,
    /// Its rank (0-1000), when known.
    pub rank: Option<u64>,
    /// Referring domains it shares with the target.
    pub intersections: u64,
}

/// Rounds a share or score to four decimals so output does not carry float noise.
pub(crate) fn round4(value: f64) -> f64 {
    if value.is_finite() { (value * 10_000.0).round() / 10_000.0 } else { 0.0 }
}
