//! Monitoring diff: what changed between two snapshots of a profile, why links were lost, and
//! alerts.
//!
//! Entry point: [`diff_snapshots`], whose docs hold the keys, lost reasons and alert rules.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::anchors::{AnchorClass, AnchorConfig, audit_anchors};
use crate::profile::{Backlink, Profile, Rows};
use crate::spam::{RiskLevel, SpamConfig, detect_spam};
use crate::text::RegistrableCache;

/// Options of [`diff_snapshots`] (defaults and rationale in [`diff_snapshots`]).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DiffConfig {
    /// Money keywords for the anchor mix (empty: exact and partial shares stay zero).
    pub keywords: Vec<String>,
    /// Brand terms; `None` derives them from the site's domain.
    pub brand_terms: Option<Vec<String>>,
    /// Net loss of referring domains that always alerts (default 50).
    pub drop_count: usize,
    /// Net loss as a share of the old count that alerts (default 0.10)...
    pub drop_share: f64,
    /// ...when at least this many domains are lost (default 3).
    pub drop_min_domains: usize,
    /// Risk level from which a new domain counts for the burst alert (default high).
    pub burst_level: RiskLevel,
    /// New risky domains that always alert (default 10).
    pub burst_min_domains: usize,
    /// Share of the new domains that alerts (default 0.30)...
    pub burst_share: f64,
    /// ...when at least this many new domains are risky (default 3).
    pub burst_share_min_domains: usize,
    /// Domains listed as evidence in an alert (default 20).
    pub sample_size: usize,
    /// The spam scoring used for new links.
    pub spam: SpamConfig,
}

impl Default for DiffConfig {
    fn default() -> DiffConfig {
        DiffConfig {
            keywords: Vec::new(),
            brand_terms: None,
            drop_count: 50,
            drop_share: 0.10,
            drop_min_domains: 3,
            burst_level: RiskLevel::High,
            burst_min_domains: 10,
            burst_share: 0.30,
            burst_share_min_domains: 3,
            sample_size: 20,
            spam: SpamConfig::default(),
        }
    }
}

/// Why a link was lost (rules in [`diff_snapshots`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LostReason {
    /// Removed from the page, or the row is gone.
    Removed,
    /// Still there, but nofollow now.
    TurnedNofollow,
    /// The source page answers an HTTP error.
    SourcePageError,
    /// The linked URL redirects now.
    Redirected,
}

impl LostReason {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            LostReason::Removed => "removed",
            LostReason::TurnedNofollow => "turned_nofollow",
            LostReason::SourcePageError => "source_page_error",
            LostReason::Redirected => "redirected",
        }
    }
}

impl fmt::Display for LostReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A new or lost link.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinkChange {
    /// Source page.
    pub url_from: String,
    /// Linked page.
    pub url_to: String,
    /// Registrable source domain.
    pub domain: String,
    /// Anchor text.
    pub anchor: Option<String>,
    /// Whether it is (new) or was (lost) dofollow.
    pub dofollow: bool,
    /// The date it is bucketed by: `first_seen` (new) or `last_seen` (lost).
    pub date: Option<NaiveDate>,
    /// Why it was lost (lost links only).
    pub reason: Option<LostReason>,
    /// The field that tells the reason, e.g. `page_from_status_code = 404`.
    pub evidence: String,
    /// Spam score of its domain in the new snapshot (new links only).
    pub spam_score: Option<u8>,
}

/// A new or lost referring domain.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DomainChange {
    /// Registrable domain.
    pub domain: String,
    /// Its live rows in the snapshot where it is live (new: the new one; lost: the old one).
    pub links: usize,
    /// Earliest `first_seen` (new) or latest `last_seen` / `lost_date` (lost).
    pub date: Option<NaiveDate>,
    /// Lost domains: the reasons of its lost links, sorted.
    pub reasons: Vec<LostReason>,
    /// New domains: its spam score in the new snapshot.
    pub spam_score: Option<u8>,
}

/// How the share of one anchor class moved (shares by referring domain).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClassShift {
    /// The class.
    pub class: AnchorClass,
    /// Share in the old snapshot.
    pub before: f64,
    /// Share in the new snapshot.
    pub after: f64,
    /// `after - before`.
    pub delta: f64,
}

/// Changes in one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VelocityBucket {
    /// `2024-W05` (ISO week) or `2024-02` (month).
    pub period: String,
    /// New links first seen in the period.
    pub new_links: usize,
    /// Lost links last seen in the period.
    pub lost_links: usize,
    /// New referring domains first seen in the period.
    pub new_domains: usize,
    /// Lost referring domains last seen in the period.
    pub lost_domains: usize,
}

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AlertKind {
    /// Referring domains dropped.
    ReferringDomainDrop,
    /// A burst of new high-risk links (possible negative SEO).
    NegativeSeoBurst,
}

impl AlertKind {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::ReferringDomainDrop => "referring_domain_drop",
            AlertKind::NegativeSeoBurst => "negative_seo_burst",
        }
    }
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An alert with the rule and the numbers that fired it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alert {
    /// What it is about.
    pub kind: AlertKind,
    /// The rule and numbers, in words.
    pub message: String,
    /// The measured count.
    pub count: usize,
    /// The measured share (of the old domains, or of the new ones).
    pub share: f64,
    /// Up to [`DiffConfig::sample_size`] domains concerned, sorted.
    pub domains: Vec<String>,
}

/// The result of [`diff_snapshots`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProfileDiff {
    /// The site (of the new snapshot).
    pub site: String,
    /// Whether both snapshots have link-level rows (otherwise only domains are diffed).
    pub links_compared: bool,
    /// New links, by URL.
    pub new_links: Vec<LinkChange>,
    /// Lost links, by URL.
    pub lost_links: Vec<LinkChange>,
    /// Referring domains in the old snapshot.
    pub domains_before: usize,
    /// Referring domains in the new snapshot.
    pub domains_after: usize,
    /// New referring domains, by name.
    pub new_domains: Vec<DomainChange>,
    /// Lost referring domains, by name.
    pub lost_domains: Vec<DomainChange>,
    /// Anchor mix before and after, in [`AnchorClass::ALL`] order (empty without anchors).
    pub anchor_shift: Vec<ClassShift>,
    /// Velocity per ISO week, chronological.
    pub weekly: Vec<VelocityBucket>,
    /// Velocity per month, chronological.
    pub monthly: Vec<VelocityBucket>,
    /// Alerts, in [`AlertKind`] order.
    pub alerts: Vec<Alert>,
    /// Remarks (undated changes, missing link-level data).
    pub notes: Vec<String>,
}

/// One link (all rows with its key) in one snapshot.
struct LinkState<'a> {
    /// The row that speaks for the link: a live dofollow row if any, else a live row, else any.
    row: &'a Backlink,
    live: bool,
    dofollow: bool,
    /// Latest `last_seen` of its rows.
    last_seen: Option<NaiveDate>,
}

fn link_states(rows: &[Backlink]) -> BTreeMap<(&str, &str), LinkState<'_>> {
    let mut states: BTreeMap<(&str, &str), LinkState<'_>> = BTreeMap::new();
    for row in rows {
        let key = (row.url_from.as_str(), row.url_to.as_str());
        let live = !row.is_lost;
        let dofollow = live && row.dofollow;
        match states.get_mut(&key) {
            None => {
                states.insert(key, LinkState { row, live, dofollow, last_seen: row.last_seen });
            }
            Some(state) => {
                let rank = |row: &Backlink| (row.is_lost, !row.dofollow, row.anchor.clone());
                if rank(row) < rank(state.row) {
                    state.row = row;
                }
                state.live |= live;
                state.dofollow |= dofollow;
                state.last_seen = state.last_seen.max(row.last_seen);
            }
        }
    }
    states
}

/// Per registrable domain: live rows and a date (earliest first seen, or latest last seen).
struct DomainState {
    links: usize,
    first_seen: Option<NaiveDate>,
    last_seen: Option<NaiveDate>,
}

fn domain_states(profile: &Profile, cache: &mut RegistrableCache) -> BTreeMap<String, DomainState> {
    let mut states: BTreeMap<String, DomainState> = BTreeMap::new();
    let mut add = |host: &str, first: Option<NaiveDate>, last: Option<NaiveDate>, links: usize| {
        let domain = cache.get(host).to_owned();
        let state = states.entry(domain).or_insert(DomainState {
            links: 0,
            first_seen: None,
            last_seen: None,
        });
        state.links += links;
        state.first_seen = match (state.first_seen, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        state.last_seen = state.last_seen.max(last);
    };
    match &profile.rows {
        Rows::Backlinks(rows) => {
            for row in rows.iter().filter(|row| !row.is_lost) {
                add(&row.domain_from, row.first_seen, row.last_seen, 1);
            }
        }
        Rows::ReferringDomains(rows) => {
            for row in rows.iter().filter(|row| row.lost_date.is_none()) {
                add(
                    &row.domain,
                    row.first_seen,
                    None,
                    usize::try_from(row.backlinks).unwrap_or(usize::MAX),
                );
            }
        }
    }
    states
}

/// The reason a link live in `old` is lost in `new` (`None`: not lost).
fn lost_reason(old: &LinkState<'_>, new: Option<&LinkState<'_>>) -> Option<(LostReason, String)> {
    let Some(new) = new else {
        return Some((LostReason::Removed, "absent from the new snapshot".to_owned()));
    };
    if let Some(status) = new.row.page_from_status_code
        && status >= 400
    {
        return Some((LostReason::SourcePageError, format!("page_from_status_code = {status}")));
    }
    if let Some(target) =
        new.row.url_to_redirect_target.as_deref().filter(|target| !target.is_empty())
        && old.row.url_to_redirect_target.as_deref() != Some(target)
    {
        return Some((LostReason::Redirected, format!("url_to_redirect_target = {target}")));
    }
    if !new.live {
        return Some((LostReason::Removed, "is_lost = true".to_owned()));
    }
    if old.dofollow && !new.dofollow {
        return Some((LostReason::TurnedNofollow, "dofollow was true, is false".to_owned()));
    }
    None
}

fn iso_week(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

fn month(date: NaiveDate) -> String {
    format!("{}-{:02}", date.year(), date.month())
}

/// Compares two snapshots of a profile.
///
/// # Keys
///
/// A link is keyed by `url_from` + `url_to` (several rows with one key, e.g. two anchors on one
/// page, are one link: live if any row is live, dofollow if any live row is). A referring domain
/// is a registrable domain with at least one live link (or a referring-domain row without
/// `lost_date`). Diffing links needs link-level rows in both snapshots; referring domains are
/// diffed at either level.
///
/// # Lost reasons
///
/// A link live in the old snapshot is lost when, in the new one, it is absent or its row says
/// why, checked in this order (the first that applies is the reason; the evidence names the
/// field):
/// 1. [`LostReason::SourcePageError`]: `page_from_status_code` ≥ 400;
/// 2. [`LostReason::Redirected`]: `url_to_redirect_target` is set (and was not before);
/// 3. [`LostReason::Removed`]: `is_lost` is set, or the link is absent from the new snapshot;
/// 4. [`LostReason::TurnedNofollow`]: it was dofollow and is nofollow now (still present, but it
///    no longer passes authority, which is what a link builder lost).
///
/// # Velocity
///
/// New links are dated by `first_seen`, lost links by the `last_seen` of their last row (the
/// crawl that found them gone), new domains by their earliest `first_seen`, lost domains by their
/// latest `last_seen` (or `lost_date`). Counts are bucketed per ISO week (`2024-W05`) and per
/// month (`2024-02`); undated changes are counted in [`ProfileDiff::notes`]. No clock is read.
///
/// # Alerts
///
/// - [`AlertKind::ReferringDomainDrop`]: the net loss of referring domains is at least
///   [`DiffConfig::drop_count`] (default 50), or at least [`DiffConfig::drop_share`] (10%) of the
///   old count and at least [`DiffConfig::drop_min_domains`] (3) domains (so a site with ten
///   domains does not alert on one).
/// - [`AlertKind::NegativeSeoBurst`]: among the new referring domains, those the spam scoring
///   ([`crate::detect_spam`] on the new snapshot) rates at least [`DiffConfig::burst_level`]
///   (high) number at least [`DiffConfig::burst_min_domains`] (10), or at least
///   [`DiffConfig::burst_share_min_domains`] (3) and [`DiffConfig::burst_share`] (30%) of the new
///   domains: a possible negative-SEO attack worth a disavow review.
pub fn diff_snapshots(old: &Profile, new: &Profile, config: &DiffConfig) -> ProfileDiff {
    let mut cache = RegistrableCache::default();
    let mut notes = Vec::new();
    let spam = detect_spam(std::slice::from_ref(new), &config.spam);
    let spam_score = |domain: &str| spam.domain(domain).map(|risk| risk.score);

    // Links.
    let (mut new_links, mut lost_links) = (Vec::new(), Vec::new());
    let links_compared = matches!((&old.rows, &new.rows), (Rows::Backlinks(_), Rows::Backlinks(_)));
    if let (Rows::Backlinks(old_rows), Rows::Backlinks(new_rows)) = (&old.rows, &new.rows) {
        let before = link_states(old_rows);
        let after = link_states(new_rows);
        for (key, state) in &after {
            if state.live && !before.get(key).is_some_and(|old_state| old_state.live) {
                let domain = cache.get(&state.row.domain_from).to_owned();
                new_links.push(LinkChange {
                    url_from: key.0.to_owned(),
                    url_to: key.1.to_owned(),
                    anchor: state.row.anchor.clone(),
                    dofollow: state.dofollow,
                    date: state.row.first_seen,
                    reason: None,
                    evidence: if before.contains_key(key) {
                        "was lost in the old snapshot, live now".to_owned()
                    } else {
                        "absent from the old snapshot".to_owned()
                    },
                    spam_score: spam_score(&domain),
                    domain,
                });
            }
        }
        for (key, state) in before.iter().filter(|(_, state)| state.live) {
            let current = after.get(key);
            if let Some((reason, evidence)) = lost_reason(state, current) {
                lost_links.push(LinkChange {
                    url_from: key.0.to_owned(),
                    url_to: key.1.to_owned(),
                    domain: cache.get(&state.row.domain_from).to_owned(),
                    anchor: state.row.anchor.clone(),
                    dofollow: state.dofollow,
                    date: current.map_or(state.last_seen, |current| current.last_seen),
                    reason: Some(reason),
                    evidence,
                    spam_score: None,
                });
            }
        }
    } else {
        notes.push("links are compared only when both snapshots have link-level rows".to_owned());
    }

    // Referring domains.
    let before = domain_states(old, &mut cache);
    let after = domain_states(new, &mut cache);
    let new_domains: Vec<DomainChange> = after
        .iter()
        .filter(|(domain, _)| !before.contains_key(*domain))
        .map(|(domain, state)| DomainChange {
            domain: domain.clone(),
            links: state.links,
            date: state.first_seen,
            reasons: Vec::new(),
            spam_score: spam_score(domain),
        })
        .collect();
    let mut reasons_of: BTreeMap<&str, BTreeSet<LostReason>> = BTreeMap::new();
    for link in &lost_links {
        if let Some(reason) = link.reason {
            reasons_of.entry(link.domain.as_str()).or_default().insert(reason);
        }
    }
    let lost_dates: BTreeMap<String, NaiveDate> = match &new.rows {
        Rows::ReferringDomains(rows) => rows
            .iter()
            .filter_map(|row| Some((cache.get(&row.domain).to_owned(), row.lost_date?)))
            .collect(),
        Rows::Backlinks(rows) => {
            let mut dates: BTreeMap<String, NaiveDate> = BTreeMap::new();
            for row in rows {
                if let Some(date) = row.last_seen {
                    let entry = dates.entry(cache.get(&row.domain_from).to_owned()).or_insert(date);
                    *entry = (*entry).max(date);
                }
            }
            dates
        }
    };
    let lost_domains: Vec<DomainChange> = before
        .iter()
        .filter(|(domain, _)| !after.contains_key(*domain))
        .map(|(domain, state)| DomainChange {
            domain: domain.clone(),
            links: state.links,
            date: lost_dates.get(domain).copied().or(state.last_seen),
            reasons: reasons_of
                .get(domain.as_str())
                .map(|set| set.iter().copied().collect())
                .unwrap_or_default(),
            spam_score: None,
        })
        .collect();

    // Anchor mix.
    let anchor_config = AnchorConfig {
        brand_terms: config.brand_terms.clone(),
        keywords: Some(config.keywords.clone()),
        ..AnchorConfig::default()
    };
    let anchors_before = audit_anchors(old, &[], &anchor_config);
    let anchors_after = audit_anchors(new, &[], &anchor_config);
    let anchor_shift = match (anchors_before.target(), anchors_after.target()) {
        (Some(before), Some(after)) if before.anchors_available && after.anchors_available => {
            AnchorClass::ALL
                .iter()
                .map(|&class| {
                    let (was, is) = (before.domain_share(class), after.domain_share(class));
                    ClassShift { class, before: was, after: is, delta: is - was }
                })
                .collect()
        }
        _ => Vec::new(),
    };

    // Velocity.
    let mut weekly: BTreeMap<(i32, u32), VelocityBucket> = BTreeMap::new();
    let mut monthly: BTreeMap<(i32, u32), VelocityBucket> = BTreeMap::new();
    let mut undated = 0;
    let mut count = |date: Option<NaiveDate>, bump: fn(&mut VelocityBucket)| {
        let Some(date) = date else {
            undated += 1;
            return;
        };
        let week = date.iso_week();
        bump(weekly.entry((week.year(), week.week())).or_insert_with(|| VelocityBucket {
            period: iso_week(date),
            ..VelocityBucket::default()
        }));
        bump(monthly.entry((date.year(), date.month())).or_insert_with(|| VelocityBucket {
            period: month(date),
            ..VelocityBucket::default()
        }));
    };
    for link in &new_links {
        count(link.date, |bucket| bucket.new_links += 1);
    }
    for link in &lost_links {
        count(link.date, |bucket| bucket.lost_links += 1);
    }
    for domain in &new_domains {
        count(domain.date, |bucket| bucket.new_domains += 1);
    }
    for domain in &lost_domains {
        count(domain.date, |bucket| bucket.lost_domains += 1);
    }
    if undated > 0 {
        notes.push(format!("{undated} changes have no date and are left out of the velocity"));
    }

    // Alerts.
    let mut alerts = Vec::new();
    let (n_before, n_after) = (before.len(), after.len());
    let net_loss = n_before.saturating_sub(n_after);
    let loss_share = if n_before == 0 { 0.0 } else { net_loss as f64 / n_before as f64 };
    if net_loss > 0
        && (net_loss >= config.drop_count
            || (loss_share >= config.drop_share && net_loss >= config.drop_min_domains))
    {
        alerts.push(Alert {
            kind: AlertKind::ReferringDomainDrop,
            message: format!(
                "referring domains fell from {n_before} to {n_after} (-{net_loss}, {:.1}%; {} lost, {} new); rule: ≥ {} domains, or ≥ {:.1}% and ≥ {} domains",
                loss_share * 100.0,
                lost_domains.len(),
                new_domains.len(),
                config.drop_count,
                config.drop_share * 100.0,
                config.drop_min_domains
            ),
            count: net_loss,
            share: loss_share,
            domains: lost_domains.iter().take(config.sample_size).map(|change| change.domain.clone()).collect(),
        });
    }
    let risky: Vec<&DomainChange> = new_domains
        .iter()
        .filter(|change| {
            spam.domain(&change.domain).is_some_and(|risk| risk.level >= config.burst_level)
        })
        .collect();
    let risky_share =
        if new_domains.is_empty() { 0.0 } else { risky.len() as f64 / new_domains.len() as f64 };
    if risky.len() >= config.burst_min_domains
        || (risky.len() >= config.burst_share_min_domains && risky_share >= config.burst_share)
    {
        let first = risky.iter().filter_map(|change| change.date).min();
        let last = risky.iter().filter_map(|change| change.date).max();
        let window = match (first, last) {
            (Some(first), Some(last)) => format!(", first seen {first} to {last}"),
            _ => String::new(),
        };
        alerts.push(Alert {
            kind: AlertKind::NegativeSeoBurst,
            message: format!(
                "{} of {} new referring domains are {} risk or worse ({:.1}%{window}); rule: ≥ {}, or ≥ {} and ≥ {:.1}%: possible negative SEO",
                risky.len(),
                new_domains.len(),
                config.burst_level,
                risky_share * 100.0,
                config.burst_min_domains,
                config.burst_share_min_domains,
                config.burst_share * 100.0
            ),
            count: risky.len(),
            share: risky_share,
            domains: risky.iter().take(config.sample_size).map(|change| change.domain.clone()).collect(),
        });
    }

    ProfileDiff {
        site: new.site.clone(),
        links_compared,
        new_links,
        lost_links,
        domains_before: n_before,
        domains_after: n_after,
        new_domains,
        lost_domains,
        anchor_shift,
        weekly: weekly.into_values().collect(),
        monthly: monthly.into_values().collect(),
        alerts,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Coverage, ReferringDomain};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn link(host: &str, page: &str) -> Backlink {
        Backlink {
            domain_from: host.to_owned(),
            url_from: format!("https://{host}/{page}"),
            domain_to: "trailpeak.com".to_owned(),
            url_to: "https://trailpeak.com/".to_owned(),
            anchor: Some("trailpeak".to_owned()),
            dofollow: true,
            first_seen: Some(date(2024, 1, 10)),
            last_seen: Some(date(2024, 3, 1)),
            domain_from_rank: Some(300),
            ..Backlink::default()
        }
    }

    fn snapshot(rows: Vec<Backlink>) -> Profile {
        Profile {
            site: "trailpeak.com".into(),
            coverage: Coverage::Complete,
            rows: Rows::Backlinks(rows),
        }
    }

    fn base() -> Vec<Backlink> {
        (0..10).map(|idx| link(&format!("site{idx}.org"), "a")).collect()
    }

    #[test]
    fn unchanged_snapshot_has_no_changes() {
        let diff = diff_snapshots(&snapshot(base()), &snapshot(base()), &DiffConfig::default());
        assert!(diff.new_links.is_empty() && diff.lost_links.is_empty());
        assert!(diff.new_domains.is_empty() && diff.lost_domains.is_empty());
        assert!(diff.alerts.is_empty());
        assert!(diff.anchor_shift.iter().all(|shift| shift.delta == 0.0));
    }

    #[test]
    fn each_lost_reason_is_told() {
        let old = snapshot(base());
        let mut rows = base();
        rows[0].page_from_status_code = Some(404);
        rows[1].url_to_redirect_target = Some("https://trailpeak.com/new".into());
        rows[2].is_lost = true;
        rows[3].dofollow = false;
        rows.remove(4);
        let diff = diff_snapshots(&old, &snapshot(rows), &DiffConfig::default());
        let reasons: Vec<(&str, Option<LostReason>, &str)> = diff
            .lost_links
            .iter()
            .map(|change| (change.domain.as_str(), change.reason, change.evidence.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("site0.org", Some(LostReason::SourcePageError), "page_from_status_code = 404"),
                (
                    "site1.org",
                    Some(LostReason::Redirected),
                    "url_to_redirect_target = https://trailpeak.com/new"
                ),
                ("site2.org", Some(LostReason::Removed), "is_lost = true"),
                ("site3.org", Some(LostReason::TurnedNofollow), "dofollow was true, is false"),
                ("site4.org", Some(LostReason::Removed), "absent from the new snapshot"),
            ]
        );
        // site2 (is_lost) and site4 (absent) no longer refer; the others still have live rows.
        let lost: Vec<&str> =
            diff.lost_domains.iter().map(|change| change.domain.as_str()).collect();
        assert_eq!(lost, ["site2.org", "site4.org"]);
        assert_eq!(diff.lost_domains[0].reasons, [LostReason::Removed]);
    }

    #[test]
    fn new_links_and_domains_are_found_with_velocity() {
        let old = snapshot(base());
        let mut rows = base();
        rows.push(Backlink { first_seen: Some(date(2024, 2, 5)), ..link("fresh.org", "a") });
        rows.push(Backlink { first_seen: Some(date(2024, 2, 6)), ..link("site0.org", "b") });
        let diff = diff_snapshots(&old, &snapshot(rows), &DiffConfig::default());
        assert_eq!(diff.new_links.len(), 2);
        assert_eq!(diff.new_domains.len(), 1);
        assert_eq!(diff.new_domains[0].domain, "fresh.org");
        assert_eq!(
            diff.weekly,
            [VelocityBucket {
                period: "2024-W06".into(),
                new_links: 2,
                lost_links: 0,
                new_domains: 1,
                lost_domains: 0
            }]
        );
        assert_eq!(diff.monthly[0].period, "2024-02");
        assert_eq!(diff.monthly[0].new_links, 2);
    }

    #[test]
    fn domain_drop_alerts_by_share_and_by_count() {
        let old = snapshot(base());
        let diff = diff_snapshots(&old, &snapshot(base()[..7].to_vec()), &DiffConfig::default());
        assert_eq!(diff.alerts.len(), 1);
        let alert = &diff.alerts[0];
        assert_eq!(alert.kind, AlertKind::ReferringDomainDrop);
        assert_eq!(alert.count, 3);
        assert!((alert.share - 0.3).abs() < 1e-9);
        assert_eq!(alert.domains, ["site7.org", "site8.org", "site9.org"]);
        // Two lost of ten: 20%, but fewer than three domains.
        let small = diff_snapshots(&old, &snapshot(base()[..8].to_vec()), &DiffConfig::default());
        assert!(small.alerts.is_empty());
        // By count alone: 2 ≥ 2.
        let config = DiffConfig { drop_count: 2, ..DiffConfig::default() };
        assert_eq!(diff_snapshots(&old, &snapshot(base()[..8].to_vec()), &config).alerts.len(), 1);
    }

    #[test]
    fn burst_of_new_spam_links_alerts() {
        let old = snapshot(base());
        let mut rows = base();
        rows.extend((0..4).map(|idx| Backlink {
            anchor: Some("cheap viagra".into()),
            page_from_external_links: Some(2000),
            first_seen: Some(date(2024, 2, 20)),
            ..link(&format!("junk{idx}.xyz"), "p")
        }));
        rows.push(link("honest.org", "a"));
        let diff = diff_snapshots(&old, &snapshot(rows), &DiffConfig::default());
        assert_eq!(diff.alerts.len(), 1, "{:?}", diff.alerts);
        let alert = &diff.alerts[0];
        assert_eq!(alert.kind, AlertKind::NegativeSeoBurst);
        assert_eq!(alert.count, 4);
        assert!((alert.share - 0.8).abs() < 1e-9);
        assert!(alert.message.contains("2024-02-20"));
        assert!(diff.new_links.iter().any(|change| change.spam_score == Some(90)));
    }

    #[test]
    fn anchor_shift_is_measured_by_domain() {
        let old = snapshot(base());
        let mut rows = base();
        for row in &mut rows[..5] {
            row.anchor = Some("hiking boots".into());
        }
        let config = DiffConfig { keywords: vec!["hiking boots".into()], ..DiffConfig::default() };
        let diff = diff_snapshots(&old, &snapshot(rows), &config);
        let exact =
            diff.anchor_shift.iter().find(|shift| shift.class == AnchorClass::ExactMatch).unwrap();
        assert!((exact.before - 0.0).abs() < 1e-9 && (exact.after - 0.5).abs() < 1e-9);
        assert!((exact.delta - 0.5).abs() < 1e-9);
    }

    #[test]
    fn referring_domain_snapshots_diff_domains_only() {
        let rd = |domain: &str, lost: Option<NaiveDate>| ReferringDomain {
            domain: domain.into(),
            backlinks: 2,
            first_seen: Some(date(2024, 1, 1)),
            lost_date: lost,
            ..ReferringDomain::default()
        };
        let old = Profile {
            site: "trailpeak.com".into(),
            coverage: Coverage::Complete,
            rows: Rows::ReferringDomains(vec![rd("a.org", None), rd("b.org", None)]),
        };
        let new = Profile {
            rows: Rows::ReferringDomains(vec![
                rd("a.org", None),
                rd("b.org", Some(date(2024, 4, 2))),
            ]),
            ..old.clone()
        };
        let diff = diff_snapshots(&old, &new, &DiffConfig::default());
        assert!(!diff.links_compared);
        assert_eq!(diff.lost_domains.len(), 1);
        assert_eq!(diff.lost_domains[0].date, Some(date(2024, 4, 2)));
        assert_eq!(diff.monthly[0].period, "2024-04");
        assert!(diff.anchor_shift.is_empty());
    }

    #[test]
    fn diff_is_independent_of_row_order() {
        let old = snapshot(base());
        let mut rows = base();
        rows[2].is_lost = true;
        rows.push(link("fresh.org", "x"));
        let first = diff_snapshots(&old, &snapshot(rows.clone()), &DiffConfig::default());
        rows.reverse();
        let mut old_rows = base();
        old_rows.reverse();
        let second = diff_snapshots(&snapshot(old_rows), &snapshot(rows), &DiffConfig::default());
        assert_eq!(first, second);
    }

    #[test]
    fn empty_snapshots_give_an_empty_diff() {
        let diff =
            diff_snapshots(&snapshot(Vec::new()), &snapshot(Vec::new()), &DiffConfig::default());
        assert!(diff.new_links.is_empty() && diff.lost_links.is_empty() && diff.alerts.is_empty());
        assert!(diff.weekly.is_empty() && diff.monthly.is_empty());
        assert_eq!((diff.domains_before, diff.domains_after), (0, 0));
    }
}
