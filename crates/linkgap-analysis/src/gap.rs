//! The link gap: which sources link to competitors and not to the target, with a category and the
//! evidence for every source.
//!
//! Runs over a prepared [`Corpus`]: source ids at every level are sorted and each site's rows are
//! sorted by (host, page), so the rows of one source are contiguous in every site. The id space is
//! cut into fixed chunks that rayon processes independently; a chunk's output depends only on its
//! ids, so the report is the same for any thread count.

use std::fmt;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::corpus::{
    Corpus, Detail, Fact, NONE, SkipReason, Skipped, Strings, UNKNOWN8, UNKNOWN16, days_to_date,
};
use crate::domain::{Domain, Level};
use crate::profile::{Coverage, Profile};

/// Anchors listed per row.
const MAX_ANCHORS: usize = 8;
/// Titles listed per row.
const MAX_TITLES: usize = 5;
/// IPs listed per row.
const MAX_IPS: usize = 5;
/// Sources per parallel chunk. Fixed, so that chunking never depends on the thread count.
const CHUNK: usize = 2048;

/// Options of [`find_gaps`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GapConfig {
    /// What a source is: registrable domain (default), host or page.
    pub level: Level,
    /// k: the competitors a source must link to for a [`Category::Gap`]. `None` means 2 when
    /// there are at least two competitors, else 1. Zero is taken as 1.
    pub min_competitors: Option<usize>,
    /// Count only dofollow links to competitors (links to the target always count: a site that
    /// already links to the target, even nofollow, is not a cold prospect).
    pub dofollow_only: bool,
    /// Leave out sources whose best rank (0-1000) is below this; unknown ranks count as 0.
    pub min_source_rank: u32,
    /// Count only live links to competitors (default). When `false`, a lost link to a
    /// competitor still counts: the source was willing once.
    pub exclude_lost: bool,
    /// Leave out these sites and everything under them (`example.com` also drops
    /// `blog.example.com`).
    pub exclude_domains: Vec<String>,
    /// Leave out source hosts matching these patterns: a glob when it holds `*` or `?`
    /// (`*.blogspot.com`), otherwise a substring of the host (`casino`).
    pub exclude_patterns: Vec<String>,
    /// Categories to return (all by default); the counts cover every category regardless.
    pub categories: Vec<Category>,
    /// Sample links per row (default 3).
    pub samples: usize,
}

impl Default for GapConfig {
    fn default() -> GapConfig {
        GapConfig {
            level: Level::Domain,
            min_competitors: None,
            dofollow_only: false,
            min_source_rank: 0,
            exclude_lost: true,
            exclude_domains: Vec::new(),
            exclude_patterns: Vec::new(),
            categories: Category::ALL.to_vec(),
            samples: 3,
        }
    }
}

/// What a source is to the target, as link builders say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Category {
    /// Links to at least k competitors and not to the target: a prospect.
    Gap,
    /// Links to competitors; its link to the target was lost: ask for it back.
    Reclaim,
    /// Links to the target and to competitors.
    Shared,
    /// Links to the target only.
    UniqueToTarget,
    /// Links to the target, but fewer links than to the competitor it links to most.
    Weak,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 5] = [
        Category::Gap,
        Category::Reclaim,
        Category::Shared,
        Category::UniqueToTarget,
        Category::Weak,
    ];

    /// The category's kebab-case name (`gap`, `reclaim`, `shared`, `unique-to-target`, `weak`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Gap => "gap",
            Category::Reclaim => "reclaim",
            Category::Shared => "shared",
            Category::UniqueToTarget => "unique-to-target",
            Category::Weak => "weak",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure "does not link to the target" is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Absence {
    /// The target's profile is complete (at this level), so the absence is a fact of the index.
    Proven,
    /// The target's profile is truncated (or has no pages at page level): the source may link
    /// to the target among the rows not fetched. Check before pitching.
    Unverified,
}

/// The result of [`find_gaps`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GapReport {
    /// The level sources are grouped at.
    pub level: Level,
    /// The k that was used.
    pub min_competitors: usize,
    /// The target (empty name when the corpus has none).
    pub target: SiteSummary,
    /// The competitors, sorted by site.
    pub competitors: Vec<SiteSummary>,
    /// One row per source of a requested category, in source order (registrable domain, then
    /// host, then URL).
    pub rows: Vec<GapRow>,
    /// Sources per category and sources left out, over all categories.
    pub counts: GapCounts,
    /// Input left out, from preparation and from this analysis.
    pub skipped: Vec<Skipped>,
}

/// A site of the analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SiteSummary {
    /// Normalised site.
    pub site: String,
    /// Whether its rows are all the index has.
    pub coverage: Coverage,
    /// What kind of rows it has.
    pub detail: Detail,
    /// Rows it has.
    pub rows: usize,
}

/// Source counts of a [`GapReport`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GapCounts {
    /// [`Category::Gap`] sources.
    pub gap: u64,
    /// [`Category::Reclaim`] sources.
    pub reclaim: u64,
    /// [`Category::Shared`] sources.
    pub shared: u64,
    /// [`Category::UniqueToTarget`] sources.
    pub unique_to_target: u64,
    /// [`Category::Weak`] sources.
    pub weak: u64,
    /// Sources linking only to fewer than k competitors (and not to the target).
    pub below_min_competitors: u64,
    /// Sources left out by `min_source_rank`.
    pub below_min_rank: u64,
}

impl GapCounts {
    /// Sources of one category.
    pub fn of(&self, category: Category) -> u64 {
        match category {
            Category::Gap => self.gap,
            Category::Reclaim => self.reclaim,
            Category::Shared => self.shared,
            Category::UniqueToTarget => self.unique_to_target,
            Category::Weak => self.weak,
        }
    }

    fn add(&mut self, other: &GapCounts) {
        self.gap += other.gap;
        self.reclaim += other.reclaim;
        self.shared += other.shared;
        self.unique_to_target += other.unique_to_target;
        self.weak += other.weak;
        self.below_min_competitors += other.below_min_competitors;
        self.below_min_rank += other.below_min_rank;
    }

    fn count(&mut self, category: Category) {
        match category {
            Category::Gap => self.gap += 1,
            Category::Reclaim => self.reclaim += 1,
            Category::Shared => self.shared += 1,
            Category::UniqueToTarget => self.unique_to_target += 1,
            Category::Weak => self.weak += 1,
        }
    }
}

/// One source and the evidence behind its category.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GapRow {
    /// The source at the report's level: a registrable domain, a host or a page URL.
    pub source: String,
    /// Its registrable domain.
    pub domain: String,
    /// What the source is to the target.
    pub category: Category,
    /// For sources without a live link to the target ([`Category::Gap`], [`Category::Reclaim`]):
    /// whether that absence is proven.
    pub absence: Option<Absence>,
    /// Competitors it links to (with the links that count), sorted by site.
    pub competitors: Vec<CompetitorLinks>,
    /// Live links to the target.
    pub target_links: u64,
    /// Lost links to the target.
    pub target_lost_links: u64,
    /// Best rank (0-1000) seen on its rows.
    pub best_rank: Option<u32>,
    /// Share of dofollow links among its counted competitor links (before `dofollow_only`), 0-1.
    pub dofollow_share: f64,
    /// Earliest first-seen date of its competitor links.
    pub first_seen: Option<NaiveDate>,
    /// Latest last-seen date of its competitor links.
    pub last_seen: Option<NaiveDate>,
    /// Highest API spam score seen on its rows.
    pub spam_score: Option<u8>,
    /// A few competitor links (smallest URLs first).
    pub samples: Vec<SampleLink>,
    /// Distinct anchors of its competitor links (alphabetical, at most eight).
    pub anchors: Vec<String>,
    /// Distinct titles of its linking pages (alphabetical, at most five).
    pub titles: Vec<String>,
    /// Distinct source IPs (sorted, at most five).
    pub ips: Vec<String>,
    /// The /24 (IPv4) or /48 (IPv6) networks of those IPs.
    pub subnets: Vec<String>,
    /// The kind of rows the evidence comes from: with [`Detail::ReferringDomains`] there are no
    /// samples, anchors or titles, because domain-level rows do not have them.
    pub detail: Detail,
}

/// The links of one source to one competitor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CompetitorLinks {
    /// The competitor's site.
    pub site: String,
    /// Links that count (live, or also lost when `exclude_lost` is off; dofollow only when
    /// `dofollow_only` is on).
    pub links: u64,
    /// Dofollow links among its live (or counted lost) links.
    pub dofollow_links: u64,
    /// Lost links.
    pub lost_links: u64,
    /// First seen.
    pub first_seen: Option<NaiveDate>,
    /// Last seen.
    pub last_seen: Option<NaiveDate>,
}

/// One competitor link of a source.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SampleLink {
    /// The source page.
    pub url_from: String,
    /// The competitor linked to.
    pub competitor: String,
    /// The anchor text, when any.
    pub anchor: Option<String>,
    /// The source page's title, when known.
    pub title: Option<String>,
}

/// The result of [`find_gaps_lazy`]: a [`GapReport`] whose rows still hold ids into the
/// [`Corpus`] instead of strings.
///
/// Row `idx` (in `0..len()`) is row `idx` of the [`GapReport`] that [`LazyGapReport::into_report`]
/// (and [`find_gaps`]) would give. Memory: about 120 bytes per row, 48 per competitor, 16 per
/// sample and 4 per anchor, title, IP or subnet id, in a few large vectors; a materialised
/// [`GapRow`] takes several hundred bytes in a few dozen allocations.
#[derive(Clone)]
pub struct LazyGapReport<'c> {
    corpus: &'c Corpus,
    level: Level,
    min_competitors: usize,
    target: SiteSummary,
    competitors: Vec<SiteSummary>,
    counts: GapCounts,
    skipped: Vec<Skipped>,
    chunks: Vec<RawChunk>,
    /// `starts[i]` is the index of the first row of chunk `i`; the last entry is the row count.
    starts: Vec<usize>,
}

impl fmt::Debug for LazyGapReport<'_> {
    /// Sizes only: a report can hold hundreds of thousands of rows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyGapReport")
            .field("level", &self.level)
            .field("min_competitors", &self.min_competitors)
            .field("rows", &self.len())
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

impl<'c> LazyGapReport<'c> {
    /// The level sources are grouped at.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The k that was used.
    pub fn min_competitors(&self) -> usize {
        self.min_competitors
    }

    /// The target (empty name when the corpus has none).
    pub fn target(&self) -> &SiteSummary {
        &self.target
    }

    /// The competitors, sorted by site.
    pub fn competitors(&self) -> &[SiteSummary] {
        &self.competitors
    }

    /// Sources per category and sources left out, over all categories.
    pub fn counts(&self) -> &GapCounts {
        &self.counts
    }

    /// Input left out, from preparation and from this analysis.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// Rows (sources of a requested category).
    pub fn len(&self) -> usize {
        self.starts[self.starts.len() - 1]
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn raw(&self, idx: usize) -> (&RawChunk, &RawRow) {
        let chunk_idx = self.starts.partition_point(|&start| start <= idx) - 1;
        let chunk = &self.chunks[chunk_idx];
        (chunk, &chunk.rows[idx - self.starts[chunk_idx]])
    }

    /// The source of row `idx` (registrable domain, host or page URL), borrowed from the corpus.
    ///
    /// # Panics
    /// When `idx >= len()`.
    pub fn source(&self, idx: usize) -> &'c str {
        let (_, raw) = self.raw(idx);
        self.source_str(raw)
    }

    /// The category of row `idx`.
    ///
    /// # Panics
    /// When `idx >= len()`.
    pub fn category(&self, idx: usize) -> Category {
        self.raw(idx).1.category
    }

    fn source_str(&self, raw: &RawRow) -> &'c str {
        match self.level {
            Level::Domain => self.corpus.domains.get(raw.source),
            Level::Host => self.corpus.hosts.get(raw.source),
            Level::Page => self.corpus.pages.get(raw.source),
        }
    }

    /// Row `idx` with its evidence as strings.
    ///
    /// # Panics
    /// When `idx >= len()`.
    pub fn row(&self, idx: usize) -> GapRow {
        let (chunk, raw) = self.raw(idx);
        let corpus = self.corpus;
        let site_name = |site: u32| corpus.sites[site as usize].name.clone();
        let strings = |range: (u32, u32), strings: &Strings| -> Vec<String> {
            chunk.ids[range.0 as usize..range.1 as usize]
                .iter()
                .map(|&id| strings.get(id).to_owned())
                .collect()
        };
        let competitors = chunk.competitors[raw.competitors.0 as usize..raw.competitors.1 as usize]
            .iter()
            .map(|competitor| CompetitorLinks {
                site: site_name(competitor.site),
                links: competitor.links,
                dofollow_links: competitor.dofollow_links,
                lost_links: competitor.lost_links,
                first_seen: competitor.first_seen,
                last_seen: competitor.last_seen,
            })
            .collect();
        let samples = chunk.samples[raw.samples.0 as usize..raw.samples.1 as usize]
            .iter()
            .map(|&[page, site, anchor, title]| SampleLink {
                url_from: corpus.pages.get(page).to_owned(),
                competitor: site_name(site),
                anchor: (anchor != NONE).then(|| corpus.anchors.get(anchor).to_owned()),
                title: (title != NONE).then(|| corpus.titles.get(title).to_owned()),
            })
            .collect();
        GapRow {
            source: self.source_str(raw).to_owned(),
            domain: corpus.domains.get(raw.domain).to_owned(),
            category: raw.category,
            absence: raw.absence,
            competitors,
            target_links: raw.target_links,
            target_lost_links: raw.target_lost_links,
            best_rank: raw.best_rank,
            dofollow_share: raw.dofollow_share,
            first_seen: raw.first_seen,
            last_seen: raw.last_seen,
            spam_score: raw.spam_score,
            samples,
            anchors: strings(raw.anchors, &corpus.anchors),
            titles: strings(raw.titles, &corpus.titles),
            ips: strings(raw.ips, &corpus.ips),
            subnets: strings(raw.subnets, &corpus.subnets),
            detail: raw.detail,
        }
    }

    /// Every row with its evidence as strings, in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = GapRow> + '_ {
        (0..self.len()).map(|idx| self.row(idx))
    }

    /// Turns every row's evidence into strings (in parallel): the report [`find_gaps`] gives.
    pub fn into_report(self) -> GapReport {
        let mut rows = Vec::new();
        (0..self.len()).into_par_iter().map(|idx| self.row(idx)).collect_into_vec(&mut rows);
        GapReport {
            level: self.level,
            min_competitors: self.min_competitors,
            target: self.target,
            competitors: self.competitors,
            rows,
            counts: self.counts,
            skipped: self.skipped,
        }
    }
}

/// Prepares the profiles and finds the gaps in one call (see [`crate::prepare`] and
/// [`find_gaps`] to reuse the preparation).
pub fn find_gaps_in(target: &Profile, competitors: &[Profile], config: &GapConfig) -> GapReport {
    find_gaps(&crate::corpus::prepare(target, competitors), config)
}

/// Finds the link gap of the corpus's target against its competitors.
///
/// Every source (at `config.level`) that links to a competitor or the target gets a [`Category`];
/// see the crate docs for the rules. Bad input is reported in [`GapReport::skipped`], never a panic.
/// This is [`find_gaps_lazy`] followed by [`LazyGapReport::into_report`].
pub fn find_gaps(corpus: &Corpus, config: &GapConfig) -> GapReport {
    find_gaps_lazy(corpus, config).into_report()
}

/// Finds the link gap like [`find_gaps`], but leaves each row's evidence as ids into the corpus.
///
/// Grouping, classifying and collecting the evidence run in full; only the strings (source,
/// competitors, samples, anchors, titles, IPs, subnets) are not copied out of the corpus. Read
/// rows one at a time with [`LazyGapReport::row`], or borrow a row's source and category
/// without allocating; [`LazyGapReport::into_report`] gives exactly what [`find_gaps`] gives.
pub fn find_gaps_lazy<'c>(corpus: &'c Corpus, config: &GapConfig) -> LazyGapReport<'c> {
    let n_competitors = corpus.competitor_sites().len();
    let min_competitors =
        config.min_competitors.unwrap_or(if n_competitors >= 2 { 2 } else { 1 }).max(1);
    let mut skipped = corpus.skipped.clone();
    let summary = |site: &crate::corpus::Site| SiteSummary {
        site: site.name.clone(),
        coverage: site.coverage,
        detail: site.detail(),
        rows: site.links.len() + site.domains.len(),
    };
    let target = if corpus.has_target {
        summary(&corpus.sites[0])
    } else {
        SiteSummary {
            site: String::new(),
            coverage: Coverage::Complete,
            detail: Detail::Empty,
            rows: 0,
        }
    };
    let competitors = corpus.competitor_sites().iter().map(summary).collect();
    let mut report = LazyGapReport {
        corpus,
        level: config.level,
        min_competitors,
        target,
        competitors,
        counts: GapCounts::default(),
        skipped: Vec::new(),
        chunks: Vec::new(),
        starts: vec![0],
    };
    if !corpus.has_target {
        report.skipped = skipped;
        return report;
    }

    let use_domain_rows = config.level != Level::Page;
    if !use_domain_rows {
        for site in &corpus.sites {
            if !site.domains.is_empty() {
                skipped.push(Skipped {
                    site: site.name.clone(),
                    reason: SkipReason::NoPagesAtPageLevel,
                    count: site.domains.len() as u64,
                    example: String::new(),
                });
            }
        }
    }
    let excluded_hosts = excluded_hosts(corpus, config, &mut skipped);
    let target_site = &corpus.sites[0];
    let target_proves_absence =
        target_site.coverage.is_complete() && (use_domain_rows || target_site.domains.is_empty());
    let ctx = Ctx {
        corpus,
        config,
        min_competitors,
        excluded_hosts: &excluded_hosts,
        use_domain_rows,
        absence: if target_proves_absence { Absence::Proven } else { Absence::Unverified },
    };
    let n_sources = match config.level {
        Level::Domain => corpus.domains.len(),
        Level::Host => corpus.hosts.len(),
        Level::Page => corpus.pages.len(),
    };
    report.chunks = (0..n_sources.div_ceil(CHUNK))
        .into_par_iter()
        .map(|chunk| {
            let lo = (chunk * CHUNK) as u32;
            let hi = ((chunk + 1) * CHUNK).min(n_sources) as u32;
            ctx.chunk(lo, hi)
        })
        .collect();
    for chunk in &report.chunks {
        report.counts.add(&chunk.counts);
        report.starts.push(report.starts[report.starts.len() - 1] + chunk.rows.len());
    }
    skipped.sort();
    report.skipped = skipped;
    report
}

/// Which hosts are left out: the analysed sites themselves and the configured exclusions.
fn excluded_hosts(corpus: &Corpus, config: &GapConfig, skipped: &mut Vec<Skipped>) -> Vec<bool> {
    // A site's own domain is never its prospect, nor are the other analysed sites.
    let mut excluded_domains = vec![false; corpus.domains.len()];
    for site in &corpus.sites {
        if let Some(registrable) = &site.registrable
            && let Some(id) = find_sorted(&corpus.domains, registrable)
        {
            excluded_domains[id as usize] = true;
        }
    }
    let mut domain_suffixes = Vec::new();
    for text in &config.exclude_domains {
        match Domain::parse(text) {
            Ok(domain) => domain_suffixes.push(domain.host().to_owned()),
            Err(err) => skipped.push(Skipped {
                site: String::new(),
                reason: SkipReason::InvalidExclusion(err.kind().to_string()),
                count: 1,
                example: text.clone(),
            }),
        }
    }
    let patterns: Vec<String> = config
        .exclude_patterns
        .iter()
        .map(|pattern| pattern.trim().to_ascii_lowercase())
        .filter(|pattern| !pattern.is_empty())
        .collect();
    (0..corpus.hosts.len() as u32)
        .into_par_iter()
        .map(|host_id| {
            let domain_id = corpus.host_domain[host_id as usize];
            if excluded_domains[domain_id as usize] {
                return true;
            }
            let host = corpus.hosts.get(host_id);
            let domain = corpus.domains.get(domain_id);
            domain_suffixes.iter().any(|suffix| is_under(host, suffix))
                || patterns.iter().any(|pattern| {
                    if pattern.contains(['*', '?']) {
                        glob_match(pattern, host) || glob_match(pattern, domain)
                    } else {
                        host.contains(pattern.as_str())
                    }
                })
        })
        .collect()
}

/// Whether `host` is `domain` or one of its subdomains.
fn is_under(host: &str, domain: &str) -> bool {
    host.strip_suffix(domain).is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
}

/// The id of `text` in sorted strings.
fn find_sorted(strings: &Strings, text: &str) -> Option<u32> {
    let (mut lo, mut hi) = (0u32, strings.len() as u32);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match strings.get(mid).cmp(text) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// Glob matching with `*` (any run of characters) and `?` (one character).
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern = pattern.as_bytes();
    let text = text.as_bytes();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// Everything a chunk needs.
struct Ctx<'a> {
    corpus: &'a Corpus,
    config: &'a GapConfig,
    min_competitors: usize,
    excluded_hosts: &'a [bool],
    use_domain_rows: bool,
    absence: Absence,
}

/// The rows of one source in one site: a contiguous range of one of its row vectors.
#[derive(Clone, Copy)]
struct Entry {
    source: u32,
    site: u32,
    domain_rows: bool,
    start: u32,
    end: u32,
}

/// A classified source before its strings are looked up: ids into the corpus, numbers, and
/// `(start, end)` ranges into its chunk's arenas.
#[derive(Clone, Copy, Debug)]
struct RawRow {
    /// Source id at the report's level.
    source: u32,
    /// Registrable domain id.
    domain: u32,
    category: Category,
    absence: Option<Absence>,
    target_links: u64,
    target_lost_links: u64,
    best_rank: Option<u32>,
    dofollow_share: f64,
    first_seen: Option<NaiveDate>,
    last_seen: Option<NaiveDate>,
    spam_score: Option<u8>,
    detail: Detail,
    /// Range of [`RawChunk::competitors`].
    competitors: (u32, u32),
    /// Range of [`RawChunk::samples`].
    samples: (u32, u32),
    /// Ranges of [`RawChunk::ids`]: anchor, title, IP and subnet ids.
    anchors: (u32, u32),
    titles: (u32, u32),
    ips: (u32, u32),
    subnets: (u32, u32),
}

/// [`CompetitorLinks`] with the competitor as a site index.
#[derive(Clone, Copy, Debug)]
struct RawCompetitor {
    site: u32,
    links: u64,
    dofollow_links: u64,
    lost_links: u64,
    first_seen: Option<NaiveDate>,
    last_seen: Option<NaiveDate>,
}

/// The classified sources of one chunk of source ids, with one arena per kind of evidence, so a
/// chunk allocates a handful of vectors however many sources it has.
#[derive(Clone, Debug, Default)]
struct RawChunk {
    rows: Vec<RawRow>,
    competitors: Vec<RawCompetitor>,
    /// Samples as `[page, site, anchor, title]` ids.
    samples: Vec<[u32; 4]>,
    ids: Vec<u32>,
    counts: GapCounts,
}

impl RawChunk {
    /// Appends `ids` to the id arena and returns their range.
    fn push_ids(&mut self, ids: &[u32]) -> (u32, u32) {
        let start = self.ids.len() as u32;
        self.ids.extend_from_slice(ids);
        (start, self.ids.len() as u32)
    }
}

/// Buffers reused from one source to the next, so the per-source loop does not allocate.
#[derive(Default)]
struct Scratch {
    entry_stats: Vec<Stats>,
    per_site: Vec<(u32, Stats)>,
    /// Per site index: whether its links from the current source count.
    counted: Vec<bool>,
    samples: Vec<[u32; 4]>,
    anchor_ids: Vec<u32>,
    title_ids: Vec<u32>,
    ip_ids: Vec<u32>,
    subnet_ids: Vec<u32>,
}

/// Aggregates over the rows of one source in one site.
#[derive(Clone, Copy, Default)]
struct Stats {
    live_links: u64,
    live_dofollow: u64,
    lost_links: u64,
    lost_dofollow: u64,
    /// Best rank + 1, 0 when unknown.
    best_rank: u32,
    first_seen: u16,
    last_seen: u16,
    /// Highest spam score + 1, 0 when unknown.
    spam: u16,
    any: bool,
}

impl Stats {
    fn empty() -> Stats {
        Stats { first_seen: UNKNOWN16, last_seen: 0, ..Stats::default() }
    }

    fn add(&mut self, fact: &Fact) {
        self.any = true;
        if fact.is_lost() {
            self.lost_links += u64::from(fact.links);
            self.lost_dofollow += u64::from(fact.dofollow_links);
        } else {
            self.live_links += u64::from(fact.links);
            self.live_dofollow += u64::from(fact.dofollow_links);
        }
        if fact.rank != UNKNOWN16 {
            self.best_rank = self.best_rank.max(u32::from(fact.rank) + 1);
        }
        if fact.spam != UNKNOWN8 {
            self.spam = self.spam.max(u16::from(fact.spam) + 1);
        }
        if fact.first_seen != UNKNOWN16 {
            self.first_seen = self.first_seen.min(fact.first_seen);
        }
        if fact.last_seen != UNKNOWN16 {
            self.last_seen = self.last_seen.max(fact.last_seen.saturating_add(1));
        }
    }

    fn merge(&mut self, other: &Stats) {
        self.any |= other.any;
        self.live_links += other.live_links;
        self.live_dofollow += other.live_dofollow;
        self.lost_links += other.lost_links;
        self.lost_dofollow += other.lost_dofollow;
        self.best_rank = self.best_rank.max(other.best_rank);
        self.spam = self.spam.max(other.spam);
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
    }

    /// Links that count for a competitor under the config.
    fn counted(&self, config: &GapConfig) -> u64 {
        match (config.dofollow_only, config.exclude_lost) {
            (true, true) => self.live_dofollow,
            (true, false) => self.live_dofollow + self.lost_dofollow,
            (false, true) => self.live_links,
            (false, false) => self.live_links + self.lost_links,
        }
    }

    /// Links and dofollow links under the lost rule only (for the dofollow share).
    fn links_and_dofollow(&self, config: &GapConfig) -> (u64, u64) {
        if config.exclude_lost {
            (self.live_links, self.live_dofollow)
        } else {
            (self.live_links + self.lost_links, self.live_dofollow + self.lost_dofollow)
        }
    }

    fn first_seen(&self) -> Option<NaiveDate> {
        days_to_date(self.first_seen)
    }

    fn last_seen(&self) -> Option<NaiveDate> {
        if self.last_seen == 0 { None } else { days_to_date(self.last_seen - 1) }
    }
}

impl Ctx<'_> {
    fn level_key(&self, fact: &Fact) -> u32 {
        match self.config.level {
            Level::Domain => self.corpus.host_domain[fact.host as usize],
            Level::Host => fact.host,
            Level::Page => fact.page,
        }
    }

    fn rows(&self, entry: &Entry) -> &[Fact] {
        let site = &self.corpus.sites[entry.site as usize];
        let rows = if entry.domain_rows { &site.domains } else { &site.links };
        &rows[entry.start as usize..entry.end as usize]
    }

    /// Analyses the sources with ids in `lo..hi`.
    fn chunk(&self, lo: u32, hi: u32) -> RawChunk {
        let mut entries = Vec::new();
        for (site_idx, site) in self.corpus.sites.iter().enumerate() {
            let domain_rows: &[Fact] = if self.use_domain_rows { &site.domains } else { &[] };
            for (is_domain_rows, rows) in [(false, site.links.as_slice()), (true, domain_rows)] {
                let start = rows.partition_point(|fact| self.level_key(fact) < lo);
                let end = start + rows[start..].partition_point(|fact| self.level_key(fact) < hi);
                let mut group_start = start;
                while group_start < end {
                    let source = self.level_key(&rows[group_start]);
                    let mut group_end = group_start + 1;
                    while group_end < end && self.level_key(&rows[group_end]) == source {
                        group_end += 1;
                    }
                    entries.push(Entry {
                        source,
                        site: site_idx as u32,
                        domain_rows: is_domain_rows,
                        start: group_start as u32,
                        end: group_end as u32,
                    });
                    group_start = group_end;
                }
            }
        }
        let entries = group_by_source(&entries, lo, hi);
        let mut out = RawChunk::default();
        let mut scratch =
            Scratch { counted: vec![false; self.corpus.sites.len()], ..Scratch::default() };
        for group in entries.chunk_by(|a, b| a.source == b.source) {
            self.source(group, &mut scratch, &mut out);
        }
        out
    }

    fn stats(&self, entry: &Entry) -> Stats {
        let mut stats = Stats::empty();
        for fact in self.rows(entry) {
            if !self.excluded_hosts[fact.host as usize] {
                stats.add(fact);
            }
        }
        stats
    }

    /// Classifies one source from its entries (sorted by site) and adds its row to `out` if its
    /// category is requested.
    fn source(&self, group: &[Entry], scratch: &mut Scratch, out: &mut RawChunk) {
        let config = self.config;
        scratch.entry_stats.clear();
        scratch.entry_stats.extend(group.iter().map(|entry| self.stats(entry)));
        scratch.per_site.clear();
        let mut all = Stats::empty();
        let mut target = Stats::empty();
        for (entry, stats) in group.iter().zip(&scratch.entry_stats) {
            all.merge(stats);
            if entry.site == 0 {
                target.merge(stats);
            } else if let Some((site, merged)) = scratch.per_site.last_mut()
                && *site == entry.site
            {
                merged.merge(stats);
            } else {
                scratch.per_site.push((entry.site, *stats));
            }
        }
        if !all.any {
            return;
        }
        if config.min_source_rank > 0 && all.best_rank < config.min_source_rank + 1 {
            out.counts.below_min_rank += 1;
            return;
        }
        let n_linked =
            scratch.per_site.iter().filter(|(_, stats)| stats.counted(config) > 0).count();
        let max_links =
            scratch.per_site.iter().map(|(_, stats)| stats.counted(config)).max().unwrap_or(0);
        let category = if target.live_links > 0 {
            if n_linked == 0 {
                Category::UniqueToTarget
            } else if target.live_links < max_links {
                Category::Weak
            } else {
                Category::Shared
            }
        } else if n_linked == 0 {
            return;
        } else if target.lost_links > 0 {
            Category::Reclaim
        } else if n_linked >= self.min_competitors {
            Category::Gap
        } else {
            out.counts.below_min_competitors += 1;
            return;
        };
        out.counts.count(category);
        if !config.categories.contains(&category) {
            return;
        }
        self.evidence(group, scratch, &all, &target, category, out);
    }

    /// Collects the evidence of a classified source as ids and adds its row to `out`.
    fn evidence(
        &self,
        group: &[Entry],
        scratch: &mut Scratch,
        all: &Stats,
        target: &Stats,
        category: Category,
        out: &mut RawChunk,
    ) {
        let corpus = self.corpus;
        let config = self.config;
        let source = group[0].source;
        let domain = match config.level {
            Level::Domain => source,
            Level::Host => corpus.host_domain[source as usize],
            Level::Page => corpus.host_domain[self.rows(&group[0])[0].host as usize],
        };
        let competitors_start = out.competitors.len() as u32;
        let mut evidence = Stats::empty();
        let (mut links, mut dofollow) = (0u64, 0u64);
        for (site, stats) in &scratch.per_site {
            if stats.counted(config) == 0 {
                continue;
            }
            scratch.counted[*site as usize] = true;
            evidence.merge(stats);
            let (site_links, site_dofollow) = stats.links_and_dofollow(config);
            links += site_links;
            dofollow += site_dofollow;
            out.competitors.push(RawCompetitor {
                site: *site,
                links: stats.counted(config),
                dofollow_links: site_dofollow,
                lost_links: stats.lost_links,
                first_seen: stats.first_seen(),
                last_seen: stats.last_seen(),
            });
        }

        // The smallest distinct ids seen, sorted: ids are in string order, so these are the
        // alphabetically first strings, found without collecting every row's id.
        scratch.samples.clear();
        scratch.anchor_ids.clear();
        scratch.title_ids.clear();
        scratch.ip_ids.clear();
        let (mut has_links, mut has_domains) = (false, false);
        for (entry, stats) in group.iter().zip(&scratch.entry_stats) {
            let counted = scratch.counted[entry.site as usize];
            if !stats.any || (entry.site != 0 && !counted) {
                continue;
            }
            if entry.domain_rows {
                has_domains = true;
            } else {
                has_links = true;
            }
            let mut site_samples = 0;
            let mut last_page = NONE;
            for fact in self.rows(entry) {
                if self.excluded_hosts[fact.host as usize] {
                    continue;
                }
                if fact.ip != NONE {
                    keep_smallest(&mut scratch.ip_ids, MAX_IPS, fact.ip);
                }
                if !counted || !self.counts(fact) {
                    continue;
                }
                if fact.anchor != NONE {
                    keep_smallest(&mut scratch.anchor_ids, MAX_ANCHORS, fact.anchor);
                }
                // Rows of one page are adjacent, so each page is looked at once.
                if fact.page != NONE && fact.page != last_page {
                    last_page = fact.page;
                    let title = corpus.page_title[fact.page as usize];
                    if title != NONE {
                        keep_smallest(&mut scratch.title_ids, MAX_TITLES, title);
                    }
                    if site_samples < config.samples {
                        site_samples += 1;
                        scratch.samples.push([fact.page, entry.site, fact.anchor, title]);
                    }
                }
            }
        }
        for (site, _) in &scratch.per_site {
            scratch.counted[*site as usize] = false;
        }
        scratch.samples.sort_unstable();
        scratch.samples.dedup();
        scratch.samples.truncate(config.samples);
        let samples_start = out.samples.len() as u32;
        out.samples.extend_from_slice(&scratch.samples);
        scratch.subnet_ids.clear();
        scratch.subnet_ids.extend(
            scratch.ip_ids.iter().map(|&ip| corpus.ip_subnet[ip as usize]).filter(|&id| id != NONE),
        );
        scratch.subnet_ids.sort_unstable();
        scratch.subnet_ids.dedup();
        let row = RawRow {
            source,
            domain,
            category,
            absence: matches!(category, Category::Gap | Category::Reclaim).then_some(self.absence),
            target_links: target.live_links,
            target_lost_links: target.lost_links,
            best_rank: all.best_rank.checked_sub(1),
            dofollow_share: if links == 0 { 0.0 } else { dofollow as f64 / links as f64 },
            first_seen: evidence.first_seen(),
            last_seen: evidence.last_seen(),
            spam_score: all.spam.checked_sub(1).map(|spam| spam as u8),
            detail: Detail::of(usize::from(has_links), usize::from(has_domains)),
            competitors: (competitors_start, out.competitors.len() as u32),
            samples: (samples_start, out.samples.len() as u32),
            anchors: out.push_ids(&scratch.anchor_ids),
            titles: out.push_ids(&scratch.title_ids),
            ips: out.push_ids(&scratch.ip_ids),
            subnets: out.push_ids(&scratch.subnet_ids),
        };
        out.rows.push(row);
    }

    /// Whether a competitor row counts under the config.
    fn counts(&self, fact: &Fact) -> bool {
        (!self.config.exclude_lost || !fact.is_lost())
            && (!self.config.dofollow_only || fact.dofollow_links > 0)
    }
}

/// Orders entries by source with a counting sort. Entries were pushed site by site (links before
/// domain rows), and the sort is stable, so within a source they stay in (site, kind) order.
fn group_by_source(entries: &[Entry], lo: u32, hi: u32) -> Vec<Entry> {
    let mut starts = vec![0usize; (hi - lo) as usize + 1];
    for entry in entries {
        starts[(entry.source - lo) as usize + 1] += 1;
    }
    for idx in 1..starts.len() {
        starts[idx] += starts[idx - 1];
    }
    let mut sorted = entries.to_vec();
    for entry in entries {
        let slot = &mut starts[(entry.source - lo) as usize];
        sorted[*slot] = *entry;
        *slot += 1;
    }
    sorted
}

/// Keeps the `limit` smallest distinct ids of those offered, sorted.
fn keep_smallest(ids: &mut Vec<u32>, limit: usize, id: u32) {
    if limit == 0 || (ids.len() == limit && ids.last().is_some_and(|&last| id >= last)) {
        return;
    }
    if let Err(pos) = ids.binary_search(&id) {
        if ids.len() == limit {
            ids.pop();
        }
        ids.insert(pos, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Backlink, ReferringDomain, Rows};

    fn link(url: &str) -> Backlink {
        let host = url.split('/').nth(2).unwrap_or(url);
        Backlink {
            domain_from: host.to_owned(),
            url_from: url.to_owned(),
            dofollow: true,
            domain_from_rank: Some(100),
            ..Backlink::default()
        }
    }

    fn lost(url: &str) -> Backlink {
        Backlink { is_lost: true, ..link(url) }
    }

    fn nofollow(url: &str) -> Backlink {
        Backlink { dofollow: false, ..link(url) }
    }

    fn profile(site: &str, rows: Vec<Backlink>) -> Profile {
        Profile { site: site.to_owned(), coverage: Coverage::Complete, rows: Rows::Backlinks(rows) }
    }

    #[expect(clippy::needless_pass_by_value, reason = "tests build profiles inline")]
    fn gaps(target: Profile, competitors: Vec<Profile>, config: &GapConfig) -> GapReport {
        find_gaps_in(&target, &competitors, config)
    }

    /// Runs the gap and compares (source, category) of every row.
    fn check(
        target: Vec<Backlink>,
        competitors: Vec<Vec<Backlink>>,
        config: &GapConfig,
        expected: &[(&str, Category)],
    ) {
        let competitors = competitors
            .into_iter()
            .enumerate()
            .map(|(idx, rows)| profile(&format!("rival{idx}.com"), rows))
            .collect();
        let report = gaps(profile("me.com", target), competitors, config);
        let got: Vec<(&str, Category)> =
            report.rows.iter().map(|row| (row.source.as_str(), row.category)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn gap_needs_k_competitors_and_no_target_link() {
        check(
            vec![],
            vec![
                vec![link("https://both.com/a"), link("https://one.com/a")],
                vec![link("https://both.com/b")],
            ],
            &GapConfig::default(),
            &[("both.com", Category::Gap)],
        );
    }

    #[test]
    fn k_defaults_to_one_with_a_single_competitor() {
        let report = gaps(
            profile("me.com", vec![]),
            vec![profile("rival.com", vec![link("https://a.com/")])],
            &GapConfig::default(),
        );
        assert_eq!(report.min_competitors, 1);
        assert_eq!(report.rows[0].category, Category::Gap);
    }

    #[test]
    fn raising_k_drops_sources_and_counts_them() {
        let config = GapConfig { min_competitors: Some(3), ..GapConfig::default() };
        let competitors = vec![
            vec![link("https://a.com/"), link("https://b.com/")],
            vec![link("https://a.com/"), link("https://b.com/")],
            vec![link("https://a.com/")],
        ];
        check(vec![], competitors.clone(), &config, &[("a.com", Category::Gap)]);
        let report = gaps(
            profile("me.com", vec![]),
            competitors
                .into_iter()
                .enumerate()
                .map(|(i, r)| profile(&format!("r{i}.com"), r))
                .collect(),
            &config,
        );
        assert_eq!((report.counts.gap, report.counts.below_min_competitors), (1, 1));
    }

    #[test]
    fn reclaim_when_the_target_link_was_lost() {
        check(
            vec![lost("https://gone.com/x")],
            vec![vec![link("https://gone.com/y")], vec![]],
            &GapConfig::default(),
            &[("gone.com", Category::Reclaim)],
        );
    }

    #[test]
    fn shared_weak_and_unique_to_target() {
        check(
            vec![
                link("https://shared.com/1"),
                link("https://weak.com/1"),
                link("https://mine.com/1"),
            ],
            vec![
                vec![
                    link("https://shared.com/2"),
                    link("https://weak.com/2"),
                    link("https://weak.com/3"),
                ],
                vec![],
            ],
            &GapConfig::default(),
            &[
                ("mine.com", Category::UniqueToTarget),
                ("shared.com", Category::Shared),
                ("weak.com", Category::Weak),
            ],
        );
    }

    #[test]
    fn absence_is_proven_only_with_a_complete_target() {
        let competitors = || {
            vec![
                profile("r1.com", vec![link("https://a.com/")]),
                profile("r2.com", vec![link("https://a.com/")]),
            ]
        };
        let complete = gaps(profile("me.com", vec![]), competitors(), &GapConfig::default());
        assert_eq!(complete.rows[0].absence, Some(Absence::Proven));
        let truncated = Profile {
            coverage: Coverage::Truncated { fetched: 1000, total: 5000 },
            ..profile("me.com", vec![])
        };
        let report = gaps(truncated, competitors(), &GapConfig::default());
        assert_eq!(report.rows[0].absence, Some(Absence::Unverified));
    }

    #[test]
    fn sources_linking_to_the_target_have_no_absence() {
        let report = gaps(
            profile("me.com", vec![link("https://a.com/")]),
            vec![profile("r.com", vec![link("https://a.com/")])],
            &GapConfig::default(),
        );
        assert_eq!(report.rows[0].absence, None);
    }

    #[test]
    fn dofollow_only_ignores_nofollow_competitor_links() {
        let config = GapConfig { dofollow_only: true, ..GapConfig::default() };
        let competitors = vec![
            vec![nofollow("https://nf.com/"), link("https://df.com/")],
            vec![link("https://nf.com/"), link("https://df.com/")],
        ];
        check(vec![], competitors.clone(), &config, &[("df.com", Category::Gap)]);
        check(
            vec![],
            competitors,
            &GapConfig::default(),
            &[("df.com", Category::Gap), ("nf.com", Category::Gap)],
        );
    }

    #[test]
    fn nofollow_links_to_the_target_still_count() {
        let config = GapConfig { dofollow_only: true, ..GapConfig::default() };
        check(
            vec![nofollow("https://a.com/")],
            vec![vec![link("https://a.com/")], vec![link("https://a.com/")]],
            &config,
            &[("a.com", Category::Shared)],
        );
    }

    #[test]
    fn min_source_rank_drops_weak_sources() {
        let low = Backlink { domain_from_rank: Some(5), ..link("https://low.com/") };
        let unknown = Backlink { domain_from_rank: None, ..link("https://unknown.com/") };
        let config =
            GapConfig { min_source_rank: 50, min_competitors: Some(1), ..GapConfig::default() };
        let report = gaps(
            profile("me.com", vec![]),
            vec![profile("r.com", vec![low, unknown, link("https://ok.com/")])],
            &config,
        );
        let sources: Vec<&str> = report.rows.iter().map(|row| row.source.as_str()).collect();
        assert_eq!(sources, ["ok.com"]);
        assert_eq!(report.counts.below_min_rank, 2);
    }

    #[test]
    fn lost_competitor_links_count_only_when_asked() {
        let competitors = vec![vec![lost("https://a.com/")], vec![link("https://a.com/")]];
        check(vec![], competitors.clone(), &GapConfig::default(), &[]);
        let config = GapConfig { exclude_lost: false, ..GapConfig::default() };
        check(vec![], competitors, &config, &[("a.com", Category::Gap)]);
    }

    #[test]
    fn excluded_domains_drop_the_site_and_its_subdomains() {
        let config = GapConfig {
            exclude_domains: vec!["Example.com".to_owned(), "not a domain".to_owned()],
            min_competitors: Some(1),
            ..GapConfig::default()
        };
        let report = gaps(
            profile("me.com", vec![]),
            vec![profile(
                "r.com",
                vec![
                    link("https://blog.example.com/"),
                    link("https://example.com/"),
                    link("https://notexample.com/"),
                ],
            )],
            &config,
        );
        let sources: Vec<&str> = report.rows.iter().map(|row| row.source.as_str()).collect();
        assert_eq!(sources, ["notexample.com"]);
        assert!(matches!(report.skipped[0].reason, SkipReason::InvalidExclusion(_)));
    }

    #[test]
    fn excluded_patterns_are_globs_or_substrings() {
        let config = GapConfig {
            exclude_patterns: vec!["*.blogspot.com".to_owned(), "CASINO".to_owned()],
            min_competitors: Some(1),
            ..GapConfig::default()
        };
        check(
            vec![],
            vec![vec![
                link("https://alice.blogspot.com/"),
                link("https://bestcasino.net/"),
                link("https://fine.org/"),
            ]],
            &config,
            &[("fine.org", Category::Gap)],
        );
    }

    #[test]
    fn analysed_sites_are_never_prospects() {
        check(
            vec![link("https://rival1.com/x")],
            vec![
                vec![link("https://me.com/")],
                vec![link("https://blog.me.com/"), link("https://rival0.com/")],
            ],
            &GapConfig { min_competitors: Some(1), ..GapConfig::default() },
            &[],
        );
    }

    #[test]
    fn host_level_keeps_subdomains_apart() {
        let config = GapConfig { level: Level::Host, ..GapConfig::default() };
        check(
            vec![link("https://news.site.com/")],
            vec![vec![link("https://blog.site.com/")], vec![link("https://blog.site.com/")]],
            &config,
            &[("blog.site.com", Category::Gap), ("news.site.com", Category::UniqueToTarget)],
        );
        check(
            vec![link("https://news.site.com/")],
            vec![vec![link("https://blog.site.com/")], vec![link("https://blog.site.com/")]],
            &GapConfig::default(),
            &[("site.com", Category::Shared)],
        );
    }

    #[test]
    fn page_level_groups_by_source_url() {
        let config = GapConfig { level: Level::Page, ..GapConfig::default() };
        check(
            vec![link("https://site.com/mine")],
            vec![
                vec![link("https://site.com/list#top"), link("https://site.com/mine")],
                vec![link("https://site.com/list")],
            ],
            &config,
            &[
                ("https://site.com/list", Category::Gap),
                ("https://site.com/mine", Category::Shared),
            ],
        );
    }

    fn referring_domain(domain: &str) -> ReferringDomain {
        ReferringDomain {
            domain: domain.to_owned(),
            rank: Some(300),
            backlinks: 4,
            nofollow_backlinks: Some(1),
            ip: Some("203.0.113.9".to_owned()),
            ..ReferringDomain::default()
        }
    }

    #[test]
    fn referring_domain_rows_work_at_domain_level_without_anchors() {
        let competitors = vec![
            Profile {
                site: "r1.com".to_owned(),
                coverage: Coverage::Complete,
                rows: Rows::ReferringDomains(vec![referring_domain("www.a.com")]),
            },
            profile(
                "r2.com",
                vec![Backlink { anchor: Some("best shoes".into()), ..link("https://a.com/p") }],
            ),
        ];
        let report = gaps(profile("me.com", vec![]), competitors, &GapConfig::default());
        let row = &report.rows[0];
        assert_eq!(
            (row.source.as_str(), row.category, row.detail),
            ("a.com", Category::Gap, Detail::Mixed)
        );
        assert_eq!(row.competitors.iter().map(|c| c.links).collect::<Vec<_>>(), [4, 1]);
        assert!((row.dofollow_share - 0.8).abs() < 1e-9);
        assert_eq!(row.anchors, ["best shoes"]);
        assert_eq!(row.subnets, ["203.0.113.0/24"]);
        let only_domains = gaps(
            Profile {
                site: "me.com".to_owned(),
                coverage: Coverage::Complete,
                rows: Rows::ReferringDomains(vec![]),
            },
            vec![Profile {
                site: "r1.com".to_owned(),
                coverage: Coverage::Complete,
                rows: Rows::ReferringDomains(vec![referring_domain("a.com")]),
            }],
            &GapConfig::default(),
        );
        assert_eq!(only_domains.rows[0].detail, Detail::ReferringDomains);
        assert!(only_domains.rows[0].samples.is_empty());
    }

    #[test]
    fn page_level_without_pages_is_skipped_and_unverified() {
        let target = Profile {
            site: "me.com".to_owned(),
            coverage: Coverage::Complete,
            rows: Rows::ReferringDomains(vec![referring_domain("b.com")]),
        };
        let config =
            GapConfig { level: Level::Page, min_competitors: Some(1), ..GapConfig::default() };
        let report = gaps(target, vec![profile("r.com", vec![link("https://a.com/x")])], &config);
        assert_eq!(report.rows.len(), 1);
        assert_eq!(report.rows[0].absence, Some(Absence::Unverified));
        assert_eq!(report.skipped[0].reason, SkipReason::NoPagesAtPageLevel);
        assert_eq!((report.skipped[0].site.as_str(), report.skipped[0].count), ("me.com", 1));
    }

    #[test]
    fn evidence_lists_competitors_dates_ranks_and_samples() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d);
        let row = |url: &str, anchor: &str, rank, first, last| Backlink {
            anchor: Some(anchor.to_owned()),
            domain_from_rank: Some(rank),
            first_seen: day(first),
            last_seen: day(last),
            domain_from_ip: Some("198.51.100.7".to_owned()),
            page_from_title: Some("Gear list".to_owned()),
            backlink_spam_score: Some(12),
            ..link(url)
        };
        let report = gaps(
            profile("me.com", vec![]),
            vec![
                profile(
                    "b-rival.com",
                    vec![row("https://a.com/3", "z", 200, 5, 9), nofollow("https://a.com/1")],
                ),
                profile("a-rival.com", vec![row("https://a.com/2", "shoes", 300, 2, 7)]),
            ],
            &GapConfig { samples: 2, ..GapConfig::default() },
        );
        let gap = &report.rows[0];
        let sites: Vec<(&str, u64, u64)> =
            gap.competitors.iter().map(|c| (c.site.as_str(), c.links, c.dofollow_links)).collect();
        assert_eq!(sites, [("a-rival.com", 1, 1), ("b-rival.com", 2, 1)]);
        assert_eq!(gap.best_rank, Some(300));
        assert!((gap.dofollow_share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!((gap.first_seen, gap.last_seen), (day(2), day(9)));
        assert_eq!(gap.spam_score, Some(12));
        let urls: Vec<&str> = gap.samples.iter().map(|s| s.url_from.as_str()).collect();
        assert_eq!(urls, ["https://a.com/1", "https://a.com/2"]);
        assert_eq!(gap.samples[1].anchor.as_deref(), Some("shoes"));
        assert_eq!(gap.anchors, ["shoes", "z"]);
        assert_eq!(gap.titles, ["Gear list"]);
        assert_eq!(gap.ips, ["198.51.100.7"]);
        assert_eq!(gap.subnets, ["198.51.100.0/24"]);
    }

    #[test]
    fn category_filter_keeps_counts() {
        let config = GapConfig { categories: vec![Category::Shared], ..GapConfig::default() };
        let report = gaps(
            profile("me.com", vec![link("https://s.com/")]),
            vec![
                profile("r1.com", vec![link("https://s.com/"), link("https://g.com/")]),
                profile("r2.com", vec![link("https://g.com/")]),
            ],
            &config,
        );
        assert_eq!(report.rows.len(), 1);
        assert_eq!((report.counts.gap, report.counts.shared), (1, 1));
    }

    #[test]
    fn no_target_gives_an_empty_report_with_a_reason() {
        let mut builder = crate::corpus::CorpusBuilder::new();
        builder
            .add(crate::corpus::Role::Competitor, &profile("r.com", vec![link("https://a.com/")]));
        let report = find_gaps(&builder.finish(), &GapConfig::default());
        assert!(report.rows.is_empty());
        assert_eq!(report.skipped[0].reason, SkipReason::NoTarget);
    }

    #[test]
    fn lazy_rows_equal_the_materialised_report() {
        let target = profile("me.com", vec![link("https://s.com/1"), lost("https://r.com/1")]);
        let competitors = vec![
            profile(
                "r1.com",
                vec![
                    Backlink {
                        anchor: Some("boots".into()),
                        domain_from_ip: Some("198.51.100.7".into()),
                        ..link("https://g.com/a")
                    },
                    link("https://s.com/2"),
                    link("https://r.com/2"),
                ],
            ),
            profile("r2.com", vec![link("https://g.com/b"), link("https://blog.g.com/c")]),
        ];
        let corpus = crate::corpus::prepare(&target, &competitors);
        for level in [Level::Domain, Level::Host, Level::Page] {
            let config = GapConfig { level, ..GapConfig::default() };
            let lazy = find_gaps_lazy(&corpus, &config);
            let report = find_gaps(&corpus, &config);
            assert_eq!(lazy.len(), report.rows.len());
            assert_eq!(lazy.counts(), &report.counts);
            assert_eq!(lazy.rows().collect::<Vec<_>>(), report.rows);
            for (idx, row) in report.rows.iter().enumerate() {
                assert_eq!(
                    (lazy.source(idx), lazy.category(idx)),
                    (row.source.as_str(), row.category)
                );
            }
            assert_eq!(lazy.into_report(), report);
        }
    }

    #[test]
    fn globs_match_stars_and_question_marks() {
        assert!(glob_match("*.example.com", "a.b.example.com"));
        assert!(!glob_match("*.example.com", "example.com"));
        assert!(glob_match("site?.com", "site1.com"));
        assert!(!glob_match("site?.com", "site12.com"));
        assert!(glob_match("*casino*", "bestcasino.net"));
    }
}
