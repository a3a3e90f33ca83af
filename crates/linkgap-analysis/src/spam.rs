//! Spam patterns: a 0-100 risk score per referring domain and per link, built from named
//! signals, and link networks reported as units.
//!
//! Entry point: [`detect_spam`], whose docs hold the rules, weights and cut-offs.

mod network;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::BuildHasher;

use chrono::NaiveDate;
use hashbrown::{DefaultHashBuilder, HashMap, HashSet, HashTable};
use rayon::prelude::*;

use crate::anchors::{AnchorClass, AnchorConfig, AnchorContext, classify_link, derive_keywords};
use crate::domain::{normalize_host, registrable_domain, subnet24};
use crate::gap::GapReport;
use crate::outreach::ProspectRisk;
use crate::profile::{Backlink, Profile, ReferringDomain, Rows};
use crate::text::{
    RegistrableCache, SpamTopic, Tokens, dominant_script, is_spam_prone_tld, spam_topics_in_tokens,
};

use self::network::{EdgeKind, NodeFacts, find_networks};

/// Options of [`detect_spam`]: cut-offs, weights and thresholds of every signal. The defaults
/// and their rationale are in [`detect_spam`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpamConfig {
    /// Score from which a domain or link is medium risk (default 30).
    pub medium_at: u8,
    /// Score from which a domain or link is high risk (default 60).
    pub high_at: u8,
    /// API spam scores at or below this are background noise and add nothing (default 20).
    pub api_floor: u8,
    /// Points per point of the API's own spam score above the floor (default 0.75).
    pub api_weight: f64,
    /// Fewest referring domains on one IP for a shared-IP edge (default 3).
    pub shared_ip_min_domains: usize,
    /// Fewest referring domains in one /24 for a shared-subnet edge (default 4).
    pub shared_subnet_min_domains: usize,
    /// IP or subnet groups larger than this are shared hosting or a CDN and make no edges
    /// (default 200).
    pub max_group_domains: usize,
    /// Fewest domains in a connected component for it to be a network (default 3).
    pub min_network_domains: usize,
    /// Points of [`Signal::SharedIp`] (default 20).
    pub shared_ip_points: u8,
    /// Points of [`Signal::SharedSubnet`] (default 10).
    pub shared_subnet_points: u8,
    /// Points of [`Signal::Interlinks`] (default 15).
    pub interlink_points: u8,
    /// Cap of the three network signals together (default 25, below medium: shared hosting
    /// alone is not spam).
    pub network_max_points: u8,
    /// A network is risky when at least this many members (default 2)...
    pub risky_network_min_members: usize,
    /// ...and this share of its members (default 0.25) are medium risk or more on their own
    /// signals (network signals left out).
    pub risky_network_min_share: f64,
    /// Points of [`Signal::RiskyNetwork`] for every member of a risky network (default 20).
    pub risky_network_points: u8,
    /// `links_count` from which a link is sitewide (default 5).
    pub sitewide_links_count: u32,
    /// Semantic locations of boilerplate links (default `footer`, `nav`, `aside`, `header`).
    pub sitewide_locations: Vec<String>,
    /// Distinct pages of one domain linking to one site from which the domain links sitewide
    /// (default 20).
    pub sitewide_min_pages: usize,
    /// Points of [`Signal::Sitewide`] (default 15).
    pub sitewide_points: u8,
    /// `page_from_external_links` from which a page is a link farm (default 150).
    pub farm_min_external_links: u32,
    /// `page_from_external_links` that earns the full farm points (default 1000).
    pub farm_full_external_links: u32,
    /// Full points of [`Signal::LinkFarm`] (default 40; half at the minimum).
    pub farm_points: u8,
    /// Points of [`Signal::SpamTld`] (default 10).
    pub spam_tld_points: u8,
    /// Points of [`Signal::SpamAnchor`] (default 40).
    pub spam_anchor_points: u8,
    /// Topics that are on-topic for the analysed sites (a casino's own links), never flagged.
    pub ignored_topics: Vec<SpamTopic>,
    /// Money keywords for [`Signal::ForeignMoneyAnchor`]; empty derives them from the profiles'
    /// anchors ([`crate::derive_keywords`]).
    pub keywords: Vec<String>,
    /// Points of [`Signal::ForeignMoneyAnchor`] (default 20).
    pub foreign_anchor_points: u8,
    /// Rank (0-1000) at or below which a domain is low-rank (default 100).
    pub low_rank_max: u32,
    /// Window of the burst rules, in days (default 14).
    pub burst_window_days: u32,
    /// Links of one low-rank domain first seen within the window that make a burst (default 20).
    pub burst_min_links: usize,
    /// Low-rank domains first seen within one window that make a burst (default 10).
    pub burst_min_domains: usize,
    /// Days before a window that give the recent rate it is compared with (default 90).
    pub burst_baseline_days: u32,
    /// The window must also hold this many times the expected count: the larger of the history
    /// average and the recent rate, per window (default 3.0).
    pub burst_factor: f64,
    /// Points of [`Signal::LowRankBurst`] (default 25).
    pub burst_points: u8,
    /// Score lost links too (default `false`).
    pub include_lost: bool,
}

impl Default for SpamConfig {
    fn default() -> SpamConfig {
        SpamConfig {
            medium_at: 30,
            high_at: 60,
            api_floor: 20,
            api_weight: 0.75,
            shared_ip_min_domains: 3,
            shared_subnet_min_domains: 4,
            max_group_domains: 200,
            min_network_domains: 3,
            shared_ip_points: 20,
            shared_subnet_points: 10,
            interlink_points: 15,
            network_max_points: 25,
            risky_network_min_members: 2,
            risky_network_min_share: 0.25,
            risky_network_points: 20,
            sitewide_links_count: 5,
            sitewide_locations: ["footer", "nav", "aside", "header"].map(str::to_owned).to_vec(),
            sitewide_min_pages: 20,
            sitewide_points: 15,
            farm_min_external_links: 150,
            farm_full_external_links: 1000,
            farm_points: 40,
            spam_tld_points: 10,
            spam_anchor_points: 40,
            ignored_topics: Vec::new(),
            keywords: Vec::new(),
            foreign_anchor_points: 20,
            low_rank_max: 100,
            burst_window_days: 14,
            burst_min_links: 20,
            burst_min_domains: 10,
            burst_baseline_days: 90,
            burst_factor: 3.0,
            burst_points: 25,
            include_lost: false,
        }
    }
}

impl SpamConfig {
    /// The risk level of a score.
    pub fn level(&self, score: u8) -> RiskLevel {
        if score >= self.high_at {
            RiskLevel::High
        } else if score >= self.medium_at {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }
}

/// Risk level of a score (cut-offs in [`SpamConfig`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RiskLevel {
    /// Below [`SpamConfig::medium_at`].
    Low,
    /// From [`SpamConfig::medium_at`].
    Medium,
    /// From [`SpamConfig::high_at`].
    High,
}

impl RiskLevel {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many [`Signal`]s there are (the last one's index plus one).
const N_SIGNALS: usize = Signal::LowRankBurst as usize + 1;

/// A named spam signal (see the table in [`detect_spam`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Signal {
    /// The API's own spam score.
    ApiSpamScore,
    /// Shares an IP with other referring domains of a network.
    SharedIp,
    /// Shares a /24 subnet with other referring domains of a network.
    SharedSubnet,
    /// Links to, or is linked from, other referring domains of a network.
    Interlinks,
    /// Member of a network in which enough members are risky on their own.
    RiskyNetwork,
    /// Sitewide or boilerplate placement.
    Sitewide,
    /// Page with a huge number of outbound links.
    LinkFarm,
    /// Spam-prone TLD.
    SpamTld,
    /// Casino, pharma, loans, adult or crypto-scheme anchor.
    SpamAnchor,
    /// Money anchor on a page in another language or script than the profile's majority.
    ForeignMoneyAnchor,
    /// Low rank and a sudden burst of links.
    LowRankBurst,
}

impl Signal {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::ApiSpamScore => "api_spam_score",
            Signal::SharedIp => "shared_ip",
            Signal::SharedSubnet => "shared_subnet",
            Signal::Interlinks => "interlinks",
            Signal::RiskyNetwork => "risky_network",
            Signal::Sitewide => "sitewide",
            Signal::LinkFarm => "link_farm",
            Signal::SpamTld => "spam_tld",
            Signal::SpamAnchor => "spam_anchor",
            Signal::ForeignMoneyAnchor => "foreign_money_anchor",
            Signal::LowRankBurst => "low_rank_burst",
        }
    }

    fn is_network(self) -> bool {
        matches!(
            self,
            Signal::SharedIp | Signal::SharedSubnet | Signal::Interlinks | Signal::RiskyNetwork
        )
    }

    fn is_domain_level(self) -> bool {
        matches!(
            self,
            Signal::SharedIp
                | Signal::SharedSubnet
                | Signal::Interlinks
                | Signal::RiskyNetwork
                | Signal::LowRankBurst
        )
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One signal that fired, with its points and the inputs that fired it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SignalHit {
    /// The signal.
    pub signal: Signal,
    /// Points it adds.
    pub points: u8,
    /// The rule and inputs, e.g. ``page_from_external_links = 1200 ≥ 150 on `https://x.xyz/p` ``.
    pub evidence: String,
}

/// The risk of one referring domain.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DomainRisk {
    /// Registrable domain.
    pub domain: String,
    /// Hosts seen under it, sorted.
    pub hosts: Vec<String>,
    /// Score 0-100.
    pub score: u8,
    /// Risk level.
    pub level: RiskLevel,
    /// Signals that fired, in [`Signal`] order; their points sum to the score before the cap.
    pub signals: Vec<SignalHit>,
    /// The id of its network, if it is in one.
    pub network: Option<String>,
    /// Highest rank seen (0-1000).
    pub rank: Option<u32>,
    /// Rows counted (backlinks, or referring-domain rows).
    pub links: usize,
    /// The analysed sites it links to, sorted.
    pub sites: Vec<String>,
}

/// The risk of one backlink (only links with a score above zero are listed).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinkRisk {
    /// The profile's site.
    pub site: String,
    /// Source page.
    pub url_from: String,
    /// Linked page.
    pub url_to: String,
    /// Registrable source domain.
    pub domain: String,
    /// Score 0-100.
    pub score: u8,
    /// Risk level.
    pub level: RiskLevel,
    /// Signals that fired: the link's own, then its domain's network and burst signals.
    pub signals: Vec<SignalHit>,
}

/// How much a network links to one analysed site.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NetworkTarget {
    /// The site.
    pub site: String,
    /// Member domains linking to it.
    pub domains: usize,
    /// Links from members to it.
    pub links: usize,
}

/// A link network reported as a unit.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Network {
    /// Stable id: `net:` and its alphabetically first member.
    pub id: String,
    /// Member domains (registrable), sorted.
    pub members: Vec<String>,
    /// IPs shared by members, sorted.
    pub shared_ips: Vec<String>,
    /// /24 subnets shared by members, sorted.
    pub shared_subnets: Vec<String>,
    /// Links between members seen in the data.
    pub interlinks: usize,
    /// The analysed sites its members link to, sorted by site.
    pub links_to: Vec<NetworkTarget>,
    /// Links from all members together.
    pub total_links: usize,
    /// Highest member score.
    pub max_score: u8,
    /// Highest member risk level.
    pub level: RiskLevel,
    /// What it means for link counting.
    pub note: String,
}

/// The result of [`detect_spam`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpamReport {
    /// Every referring domain, by score (highest first), then name.
    pub domains: Vec<DomainRisk>,
    /// Links with a score above zero, by score, then site, source and destination URL.
    pub links: Vec<LinkRisk>,
    /// Networks, largest first, then by id.
    pub networks: Vec<Network>,
    /// Score from which medium risk starts (copied from the config).
    pub medium_at: u8,
    /// Score from which high risk starts (copied from the config).
    pub high_at: u8,
}

impl SpamReport {
    /// The risk of a registrable domain.
    pub fn domain(&self, domain: &str) -> Option<&DomainRisk> {
        self.domains.iter().find(|risk| risk.domain == domain)
    }

    /// The risks as the outreach ranking takes them ([`crate::rank_prospects`]): one entry per
    /// registrable domain and one per host seen under it (normalised), all with the domain's
    /// score and network, so a gap row at either level finds its risk. Sorted by name.
    pub fn prospect_risks(&self) -> Vec<ProspectRisk> {
        let mut by_name: BTreeMap<String, &DomainRisk> = BTreeMap::new();
        for risk in &self.domains {
            let hosts = risk.hosts.iter().filter_map(|host| normalize_host(host).ok());
            for name in std::iter::once(risk.domain.clone()).chain(hosts) {
                by_name.entry(name).or_insert(risk);
            }
        }
        by_name
            .into_iter()
            .map(|(domain, risk)| ProspectRisk {
                domain,
                score: risk.score,
                network: risk.network.clone(),
            })
            .collect()
    }

    /// The risks the rows of `gap` find, for [`crate::rank_prospects`]: one entry per
    /// registrable domain of its rows, sorted by name. A row looks its risk up by its source,
    /// then by its registrable domain, and every host entry of [`SpamReport::prospect_risks`]
    /// names the risk of the host's registrable domain, so `gap` ranks the same with these as
    /// with all of them, while only its own domains are indexed.
    pub fn prospect_risks_of(&self, gap: &GapReport) -> Vec<ProspectRisk> {
        let wanted: HashSet<&str> = gap.rows.iter().map(|row| row.domain.as_str()).collect();
        let mut risks: Vec<ProspectRisk> = self
            .domains
            .iter()
            .filter(|risk| wanted.contains(risk.domain.as_str()))
            .map(|risk| ProspectRisk {
                domain: risk.domain.clone(),
                score: risk.score,
                network: risk.network.clone(),
            })
            .collect();
        risks.par_sort_unstable_by(|a, b| a.domain.cmp(&b.domain));
        risks
    }

    /// Domains at or above `level`, in report order.
    pub fn at_least(&self, level: RiskLevel) -> impl Iterator<Item = &DomainRisk> {
        self.domains.iter().filter(move |risk| risk.level >= level)
    }
}

/// Per-site context for the link-level signals.
struct SiteContext {
    site: String,
    anchors: AnchorContext,
    majority_language: Option<String>,
    majority_script: Option<crate::text::Script>,
}

fn most_common<T: Ord + Clone>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    // Highest count; ties go to the smallest value (BTreeMap order, strict comparison).
    let mut best: Option<(T, usize)> = None;
    for (value, count) in counts {
        if best.as_ref().is_none_or(|(_, best_count)| count > *best_count) {
            best = Some((value, count));
        }
    }
    best.map(|(value, _)| value)
}

/// [`most_common`] of the lower-cased values, lower-casing each distinct value once (not once
/// per row).
fn most_common_lowercase<'a>(values: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut raw: HashMap<&str, usize> = HashMap::new();
    for value in values {
        *raw.entry(value).or_default() += 1;
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (value, count) in raw {
        *counts.entry(value.to_lowercase()).or_default() += count;
    }
    let mut best: Option<(String, usize)> = None;
    for (value, count) in counts {
        if best.as_ref().is_none_or(|(_, best_count)| count > *best_count) {
            best = Some((value, count));
        }
    }
    best.map(|(value, _)| value)
}

fn site_context(profile: &Profile, keywords: &[String]) -> SiteContext {
    let (majority_language, majority_script) = match &profile.rows {
        Rows::Backlinks(rows) => (
            most_common_lowercase(rows.iter().filter_map(|row| row.page_from_language.as_deref())),
            most_common(
                rows.iter().filter_map(|row| row.anchor.as_deref().and_then(dominant_script)),
            ),
        ),
        Rows::ReferringDomains(_) => (None, None),
    };
    SiteContext {
        site: profile.site.clone(),
        anchors: AnchorContext::for_site(&profile.site, keywords),
        majority_language,
        majority_script,
    }
}

fn hit(signal: Signal, points: f64, evidence: String) -> SignalHit {
    SignalHit { signal, points: points.round().clamp(0.0, 100.0) as u8, evidence }
}

fn tld_of(host: &str) -> &str {
    let host = &host[..host.bytes().rposition(|b| b != b'.').map_or(0, |last| last + 1)];
    host.rfind('.').map_or(host, |dot| &host[dot + 1..])
}

fn api_hit(
    score: u8,
    field: &str,
    config: &SpamConfig,
    whose: impl FnOnce() -> String,
) -> Option<SignalHit> {
    (score > config.api_floor).then(|| {
        let whose = whose();
        hit(
            Signal::ApiSpamScore,
            f64::from(score - config.api_floor) * config.api_weight,
            format!(
                "{field} = {score} on {whose}: ({score} - {}) × {}",
                config.api_floor, config.api_weight
            ),
        )
    })
}

/// The anchor and alt text of a backlink row.
type AnchorParts<'a> = (Option<&'a str>, Option<&'a str>);

/// What one worker remembers from row to row: anchors repeat (sitewide links, campaigns), and
/// each distinct one is tokenised and searched for spam vocabulary once.
#[derive(Default)]
struct LinkScratch<'a> {
    tokens: Tokens,
    /// Spam topics of an (anchor, alt) pair, ignored topics left out.
    topics: HashMap<AnchorParts<'a>, Vec<(SpamTopic, &'static str)>>,
    /// Dominant script of an anchor.
    scripts: HashMap<&'a str, Option<crate::text::Script>>,
}

/// The link-level signals of one backlink row.
///
/// `scratch` is reused from row to row: a row that fires no signal allocates nothing.
fn link_hits<'a>(
    row: &'a Backlink,
    ctx: &SiteContext,
    config: &SpamConfig,
    scratch: &mut LinkScratch<'a>,
) -> Vec<SignalHit> {
    let mut hits = Vec::new();
    // Evidence strings are built only for signals that fire: most rows fire none.
    let whose = || format!("`{}`", row.url_from);
    if let Some(score) = row.backlink_spam_score
        && let Some(found) = api_hit(score, "backlink_spam_score", config, whose)
    {
        hits.push(found);
    }
    let location = row.semantic_location.as_deref().unwrap_or_default();
    if let Some(count) = row.links_count
        && count >= config.sitewide_links_count
    {
        hits.push(hit(
            Signal::Sitewide,
            f64::from(config.sitewide_points),
            format!("links_count = {count} ≥ {} on {}", config.sitewide_links_count, whose()),
        ));
    } else if !location.is_empty()
        && config
            .sitewide_locations
            .iter()
            .any(|boilerplate| boilerplate.eq_ignore_ascii_case(location))
    {
        hits.push(hit(
            Signal::Sitewide,
            f64::from(config.sitewide_points),
            format!("semantic_location = {location} on {}", whose()),
        ));
    }
    if let Some(external) = row.page_from_external_links
        && external >= config.farm_min_external_links
    {
        let min = f64::from(config.farm_min_external_links.max(1));
        let full =
            f64::from(config.farm_full_external_links.max(config.farm_min_external_links + 1));
        let progress = ((f64::from(external) / min).ln() / (full / min).ln()).clamp(0.0, 1.0);
        hits.push(hit(
            Signal::LinkFarm,
            f64::from(config.farm_points) * (0.5 + 0.5 * progress),
            format!(
                "page_from_external_links = {external} ≥ {} (full points from {}) on {}",
                config.farm_min_external_links,
                config.farm_full_external_links,
                whose()
            ),
        ));
    }
    let tld = row.tld_from.as_deref().unwrap_or_else(|| tld_of(&row.domain_from));
    if is_spam_prone_tld(tld) {
        hits.push(hit(
            Signal::SpamTld,
            f64::from(config.spam_tld_points),
            format!("TLD `{tld}` is spam-prone (`{}`)", row.domain_from),
        ));
    }
    let parts: &[&str] = match (row.anchor.as_deref(), row.alt.as_deref()) {
        (Some(anchor), Some(alt)) => &[anchor, alt],
        (Some(text), None) | (None, Some(text)) => &[text],
        (None, None) => &[],
    };
    let LinkScratch { tokens, topics, scripts } = scratch;
    let topics = topics.entry((row.anchor.as_deref(), row.alt.as_deref())).or_insert_with(|| {
        tokens.fill(parts);
        spam_topics_in_tokens(tokens)
            .into_iter()
            .filter(|(topic, _)| !config.ignored_topics.contains(topic))
            .collect()
    });
    if !topics.is_empty() {
        let text = parts.join(" ");
        let named: Vec<String> =
            topics.iter().map(|(topic, term)| format!("{topic} (`{term}`)")).collect();
        hits.push(hit(
            Signal::SpamAnchor,
            f64::from(config.spam_anchor_points),
            format!("anchor `{}` has {} vocabulary on {}", text.trim(), named.join(", "), whose()),
        ));
    }
    if let Some(foreign) = foreign_money_anchor(row, ctx, scripts) {
        hits.push(hit(
            Signal::ForeignMoneyAnchor,
            f64::from(config.foreign_anchor_points),
            foreign,
        ));
    }
    hits
}

fn foreign_money_anchor<'a>(
    row: &'a Backlink,
    ctx: &SiteContext,
    scripts: &mut HashMap<&'a str, Option<crate::text::Script>>,
) -> Option<String> {
    let anchor = row.anchor.as_deref()?;
    // Cheap checks first: most rows are in the majority language and script, and classifying
    // their anchors would be wasted work.
    let foreign_language = row
        .page_from_language
        .as_deref()
        .zip(ctx.majority_language.as_deref())
        .filter(|(language, majority)| !language.eq_ignore_ascii_case(majority));
    let foreign_script = ctx
        .majority_script
        .and_then(|majority| {
            let script = *scripts.entry(anchor).or_insert_with(|| dominant_script(anchor));
            script.map(|script| (script, majority))
        })
        .filter(|(script, majority)| script != majority);
    if foreign_language.is_none() && foreign_script.is_none() {
        return None;
    }
    let class = classify_link(row, &ctx.anchors);
    let is_money = class.is_money();
    if is_money && let Some((language, majority)) = foreign_language {
        return Some(format!(
            "{class} anchor `{anchor}` on a page in `{language}` while most of `{}`'s links come from `{majority}` pages (`{}`)",
            ctx.site, row.url_from
        ));
    }
    // An anchor in another script cannot be matched against the keywords: any text anchor that
    // is not branded, generic or a URL counts.
    if (is_money || class == AnchorClass::Other)
        && let Some((script, majority)) = foreign_script
    {
        return Some(format!(
            "{class} anchor `{anchor}` is in {script:?} script while most of `{}`'s anchors are {majority:?} (`{}`)",
            ctx.site, row.url_from
        ));
    }
    None
}

/// The signals of a referring-domain row (domain-level data only).
fn referring_domain_hits(row: &ReferringDomain, config: &SpamConfig) -> Vec<SignalHit> {
    let mut hits = Vec::new();
    let whose = || format!("`{}`", row.domain);
    if let Some(score) = row.backlinks_spam_score
        && let Some(found) = api_hit(score, "backlinks_spam_score", config, whose)
    {
        hits.push(found);
    }
    let pages = row.referring_pages.unwrap_or(row.backlinks);
    if pages >= config.sitewide_min_pages as u64 {
        hits.push(hit(
            Signal::Sitewide,
            f64::from(config.sitewide_points),
            format!("{pages} referring pages ≥ {} from {}", config.sitewide_min_pages, whose()),
        ));
    }
    let tld = tld_of(&row.domain);
    if is_spam_prone_tld(tld) {
        hits.push(hit(
            Signal::SpamTld,
            f64::from(config.spam_tld_points),
            format!("TLD `{tld}` is spam-prone ({})", whose()),
        ));
    }
    hits
}

/// Everything gathered about one referring domain.
#[derive(Default)]
struct DomainAcc<'a> {
    /// Indices of its raw hosts (each once), named when its risk is built.
    hosts: Vec<u32>,
    /// Its distinct IPs as given (trimmed), in order of first sight; checked and grouped into
    /// subnets when the network facts are built.
    ips: Vec<&'a str>,
    facts: NodeFacts<'a>,
    rank: Option<u32>,
    /// Global indices of its backlink rows.
    links: Vec<usize>,
    /// Hits of its referring-domain rows.
    row_hits: Vec<SignalHit>,
    n_rows: usize,
    /// The last IP added, so a run of rows from one IP checks nothing else.
    last_ip: &'a str,
    /// Rows per profile index, by index (its keys are the profiles it links to). Rows are
    /// read profile by profile, so every per-profile list is appended to at its end only.
    site_links: Vec<(usize, usize)>,
    /// First-seen dates (backlinks or referring-domain rows) as (profile index, date), in
    /// profile order, so one profile's dates are one run.
    first_seen: Vec<(usize, NaiveDate)>,
    /// Per profile index: distinct source pages (only counted, so a hash set).
    pages: Vec<(usize, HashSet<&'a str>)>,
}

/// The entry of profile `idx` in a per-profile list filled in profile order (see [`DomainAcc`]).
fn slot<T: Default>(slots: &mut Vec<(usize, T)>, idx: usize) -> &mut T {
    if slots.last().is_none_or(|(last, _)| *last != idx) {
        slots.push((idx, T::default()));
    }
    &mut slots.last_mut().expect("an entry was pushed above if missing").1
}

/// Referring domains by id, in order of first sight.
#[derive(Default)]
struct DomainTable<'a> {
    names: Vec<String>,
    accs: Vec<DomainAcc<'a>>,
    /// Ids, hashed by their names (each name is stored once, in `names`).
    ids: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl DomainTable<'_> {
    /// Room for `additional` more domains.
    fn reserve(&mut self, additional: usize) {
        self.names.reserve(additional);
        self.accs.reserve(additional);
        let (names, hasher) = (&self.names, &self.hasher);
        self.ids.reserve(additional, |&id| hasher.hash_one(&names[id as usize]));
    }

    /// The id of a registrable domain, new ones added (taking the string, not copying it).
    fn id(&mut self, name: impl AsRef<str> + Into<String>) -> u32 {
        let hash = self.hasher.hash_one(name.as_ref());
        let names = &self.names;
        if let Some(&id) = self.ids.find(hash, |&id| names[id as usize] == name.as_ref()) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        let (names, hasher) = (&self.names, &self.hasher);
        self.ids.insert_unique(hash, id, |&id| hasher.hash_one(&names[id as usize]));
        self.accs.push(DomainAcc::default());
        id
    }
}

/// A backlink row with where it came from.
struct LinkRow<'a> {
    profile_idx: usize,
    row: &'a Backlink,
    /// Index into the domain names.
    domain: u32,
}

/// A link with a score above zero and its sort keys, borrowed (see the end of [`detect_spam`]).
struct ScoredLink<'a> {
    score: u8,
    /// Rank of its site among the sites, by name.
    site_rank: usize,
    url_from: &'a str,
    url_to: &'a str,
    n_signals: usize,
    /// Index of its row in the link rows.
    idx: usize,
}

/// Scores the referring domains and links of `profiles`.
///
/// Rows from a site to itself (same registrable domain) are internal and skipped; lost links
/// are skipped unless [`SpamConfig::include_lost`]. Profiles are scored together so that a
/// network spread over several sites' backlinks is found as one.
///
/// # Unit
///
/// A referring domain is a **registrable domain** (by the Public Suffix List, so
/// `alice.blogspot.com` is its own domain while `a.spam.xyz` and `b.spam.xyz` are one), with the
/// hosts seen under it listed. One owner controls a registrable domain, which is what a spam
/// verdict is about; hosts only split one owner's links.
///
/// # Score
///
/// Every signal that fires adds points; the score is the sum, capped at 100. Link-level signals
/// are computed per backlink row; a domain takes, per signal, the largest points any of its links
/// earned (with that link as evidence), plus the domain-level signals (network, low-rank burst).
/// A link's score is its own link-level points plus its domain's domain-level points. Additive
/// points keep every number explainable: the [`SignalHit`]s of a score add up to it (before the
/// cap).
///
/// Risk levels: **low** below [`SpamConfig::medium_at`] (30), **medium** from 30, **high** from
/// [`SpamConfig::high_at`] (60). The weights are set so that no single weak signal (shared
/// hosting, a footer link, a cheap TLD, a foreign-language money anchor) reaches medium alone,
/// while a strong one (spam anchors with anything else, a link farm of 500+ outbound links, an
/// API spam score of 60 and more) does, and two corroborating weak ones do.
///
/// # Signals (default points)
///
/// | signal | fires when | points |
/// |---|---|---|
/// | [`Signal::ApiSpamScore`] | the API's `backlink_spam_score` (or `backlinks_spam_score` of a referring-domain row) is above 20: lower scores are what clean sites get and carry no information | `0.75 × (score − 20)`: API 60 → 30, 100 → 60 |
/// | [`Signal::SharedIp`] | the domain shares an IP with ≥ 3 referring domains (groups above 200 are shared hosting or a CDN and ignored) and sits in a network of ≥ 3 | 20 |
/// | [`Signal::SharedSubnet`] | the domain shares a /24 with ≥ 4 referring domains, same limits | 10 |
/// | [`Signal::Interlinks`] | the domain links to another referring domain of the data, or is linked from one, in a network of ≥ 3 | 15 |
/// | | the three signals above are capped at 25 together: shared hosting alone stays low | |
/// | [`Signal::RiskyNetwork`] | at least 2 members and 25% of the domain's network are medium risk or more on their own signals (network signals left out, so hosting cannot vouch for itself): the network is judged as a unit | 20 |
/// | [`Signal::Sitewide`] | `links_count ≥ 5`, or the link sits in `footer`, `nav`, `aside` or `header`, or the domain links from ≥ 20 distinct pages to one site | 15 |
/// | [`Signal::LinkFarm`] | `page_from_external_links ≥ 150`: half the points at 150, all of them from 1000, log-linear between | 20-40 |
/// | [`Signal::SpamTld`] | the source TLD is on the spam-prone list (`xyz`, `top`, `icu`, ...) | 10 |
/// | [`Signal::SpamAnchor`] | the anchor (or alt) contains casino, pharma, loans, adult, crypto-scheme, replica or essay-mill vocabulary (minus [`SpamConfig::ignored_topics`]) | 40 |
/// | [`Signal::ForeignMoneyAnchor`] | a money anchor (exact or partial match for [`SpamConfig::keywords`], or for keywords derived from the profiles with [`crate::derive_keywords`] when none are given) on a page whose `page_from_language` differs from the majority of the site's profile; or any non-branded text anchor in another script than the majority of the site's anchors | 20 |
/// | [`Signal::LowRankBurst`] | the domain's rank is ≤ 100 (of 1000) and either ≥ 20 of its links were first seen within 14 days, or it is one of ≥ 10 low-rank domains first seen within one 14-day window holding at least 3 times the expected count (the larger of the history average and the rate of the previous 90 days) | 25 |
///
/// # Networks
///
/// Referring domains are nodes of a petgraph graph; edges join domains on one IP, on one /24 (each
/// group within its size limits) and domains whose rows link to each other (a source that is also
/// the destination of another source's row). Each connected component of at least three domains
/// is a [`Network`], reported as a unit: members, shared IPs and subnets, the sites it links to,
/// total links, and the reminder that however many domains it has, it counts as one link.
///
/// # Precision and recall
///
/// `tests/spam_eval.rs` generates worlds (`linkgap_world::generate`, default size: 500 ordinary
/// referring sites, target and 5 competitors) with planted link networks, link farms and a
/// negative-SEO burst, scores the target's and competitors' backlink profiles with the default
/// config, and counts medium and high risk as "spam" against the ground truth's spam domains:
///
/// | seed | precision | recall | planted networks found as one |
/// |---|---|---|---|
/// | 1 | 0.905 (67 / 74) | 1.000 (67 / 67) | 3 / 3 |
/// | 2 | 0.947 (72 / 76) | 1.000 (72 / 72) | 3 / 3 |
/// | 3 | 0.965 (82 / 85) | 1.000 (82 / 82) | 3 / 3 |
///
/// The false positives are ordinary French and German blogs linking with an English money
/// anchor from a sidebar, header or footer (two weak signals: 15 + 20 = 35), and one ordinary
/// low-rank domain caught in a window where ten low-rank domains appeared at once.
pub fn detect_spam(profiles: &[Profile], config: &SpamConfig) -> SpamReport {
    match spam_pass(profiles, config, Output::Report) {
        Pass::Report(report) => report,
        Pass::Risks(_) => unreachable!("a report was asked for"),
    }
}

/// The risk of every referring domain of `profiles` as [`crate::rank_prospects`] takes them: one
/// entry per registrable domain, sorted by name, with the score and network [`detect_spam`] gives
/// it (a test compares both), for part of the work: no report is built (no host or site lists,
/// no per-link risks, no network summaries). Filter them to a gap's domains as
/// [`SpamReport::prospect_risks_of`] does: a gap ranks the same with them.
pub fn spam_risks(profiles: &[Profile], config: &SpamConfig) -> Vec<ProspectRisk> {
    match spam_pass(profiles, config, Output::Risks) {
        Pass::Risks(risks) => risks,
        Pass::Report(_) => unreachable!("risks were asked for"),
    }
}

/// What a spam pass builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Report,
    Risks,
}

/// What a spam pass built.
enum Pass {
    Report(SpamReport),
    Risks(Vec<ProspectRisk>),
}

/// [`detect_spam`] and [`spam_risks`]: everything up to the per-domain scores is shared.
fn spam_pass(profiles: &[Profile], config: &SpamConfig, output: Output) -> Pass {
    let mut cache = RegistrableCache::default();
    let site_domains: BTreeSet<String> =
        profiles.iter().map(|profile| cache.get(&profile.site).to_owned()).collect();
    let keywords = if config.keywords.is_empty() {
        derive_keywords(profiles, &[], &AnchorConfig::default())
    } else {
        config.keywords.clone()
    };
    let contexts: Vec<SiteContext> =
        profiles.par_iter().map(|profile| site_context(profile, &keywords)).collect();
    // Domains get ids on first sight; every raw host is resolved once, so the row loop below
    // allocates no strings (only its accumulators grow).
    let mut table = DomainTable::default();
    // Every distinct raw source host is resolved to its registrable domain once, in parallel;
    // `row_hosts` holds each counted row's host index, in the order the loop below reads them.
    let live_backlink = |row: &Backlink| config.include_lost || !row.is_lost;
    let live_domain = |row: &ReferringDomain| config.include_lost || row.lost_date.is_none();
    let n_rows: usize = profiles
        .iter()
        .map(|profile| match &profile.rows {
            Rows::Backlinks(rows) => rows.len(),
            Rows::ReferringDomains(rows) => rows.len(),
        })
        .sum();
    let mut host_index: HashMap<&str, u32> = HashMap::with_capacity(n_rows.min(1 << 20));
    let mut raw_hosts: Vec<&str> = Vec::new();
    let mut row_hosts: Vec<u32> = Vec::with_capacity(n_rows);
    for profile in profiles {
        let hosts: Box<dyn Iterator<Item = &str>> = match &profile.rows {
            Rows::Backlinks(rows) => Box::new(
                rows.iter().filter(|row| live_backlink(row)).map(|row| row.domain_from.as_str()),
            ),
            Rows::ReferringDomains(rows) => {
                Box::new(rows.iter().filter(|row| live_domain(row)).map(|row| row.domain.as_str()))
            }
        };
        for host in hosts {
            let idx = *host_index.entry(host).or_insert_with(|| {
                raw_hosts.push(host);
                (raw_hosts.len() - 1) as u32
            });
            row_hosts.push(idx);
        }
    }
    drop(host_index);
    let resolved: Vec<String> = raw_hosts
        .par_iter()
        .map(|host| registrable_domain(host).unwrap_or_else(|| host.trim().to_lowercase()))
        .collect();
    table.reserve(resolved.len() + profiles.len());
    let host_domain: Vec<u32> = resolved.into_iter().map(|name| table.id(name)).collect();
    // Whether a raw host is already in its domain's host list.
    let mut host_added: Vec<bool> = vec![false; raw_hosts.len()];
    let mut row_hosts = row_hosts.into_iter();
    let mut next_host = || row_hosts.next().expect("one host index per counted row") as usize;
    let mut link_rows: Vec<LinkRow<'_>> = Vec::new();
    for (profile_idx, profile) in profiles.iter().enumerate() {
        // The site's own domain gets an id too, so internal rows are told by id; with no rows
        // it is left out below like any domain without rows.
        let site_id = table.id(cache.get(&profile.site));
        // The last destination host, its registrable domain and whether that is an analysed
        // site: a profile's rows nearly all point at one host.
        let mut last_to: Option<(&str, String, bool)> = None;
        match &profile.rows {
            Rows::Backlinks(rows) => {
                for row in rows.iter().filter(|row| live_backlink(row)) {
                    let host = next_host();
                    let domain = host_domain[host];
                    if domain == site_id {
                        continue;
                    }
                    // Rows of a profile point at its site; one pointing elsewhere is an interlink.
                    if last_to.as_ref().is_none_or(|(raw, _, _)| *raw != row.domain_to) {
                        let target = cache.get(&row.domain_to);
                        let is_site = site_domains.contains(target);
                        last_to = Some((row.domain_to.as_str(), target.to_owned(), is_site));
                    }
                    let (_, target_domain, is_site) =
                        last_to.as_ref().expect("set above when missing or stale");
                    let target_domain = target_domain.as_str();
                    let interlink = !is_site && target_domain != table.names[domain as usize];
                    let acc = &mut table.accs[domain as usize];
                    if !host_added[host] {
                        acc.hosts.push(host as u32);
                        host_added[host] = true;
                    }
                    add_ip(acc, row.domain_from_ip.as_deref());
                    acc.rank = acc.rank.max(row.domain_from_rank);
                    if interlink && !acc.facts.links_to_sources.contains(target_domain) {
                        acc.facts.links_to_sources.insert(target_domain.to_owned());
                    }
                    *slot(&mut acc.site_links, profile_idx) += 1;
                    if let Some(date) = row.first_seen {
                        acc.first_seen.push((profile_idx, date));
                    }
                    slot(&mut acc.pages, profile_idx).insert(row.url_from.as_str());
                    acc.links.push(link_rows.len());
                    acc.n_rows += 1;
                    link_rows.push(LinkRow { profile_idx, row, domain });
                }
            }
            Rows::ReferringDomains(rows) => {
                for row in rows.iter().filter(|row| live_domain(row)) {
                    let host = next_host();
                    let domain = host_domain[host];
                    if domain == site_id {
                        continue;
                    }
                    let acc = &mut table.accs[domain as usize];
                    if !host_added[host] {
                        acc.hosts.push(host as u32);
                        host_added[host] = true;
                    }
                    add_ip(acc, row.ip.as_deref());
                    acc.rank = acc.rank.max(row.rank);
                    *slot(&mut acc.site_links, profile_idx) +=
                        usize::try_from(row.backlinks).unwrap_or(usize::MAX).max(1);
                    if let Some(date) = row.first_seen {
                        acc.first_seen.push((profile_idx, date));
                    }
                    acc.row_hits.extend(referring_domain_hits(row, config));
                    acc.n_rows += 1;
                }
            }
        }
    }
    let names = table.names;
    let mut table_accs = table.accs;
    // Internal rows got a domain id but no rows: they are not referring domains.
    // By name (names are distinct), borrowed from the table; (name, id) pairs are sorted, not
    // the large accumulators, which are then moved once each.
    let mut order: Vec<(&str, u32)> = names
        .iter()
        .zip(&table_accs)
        .enumerate()
        .filter(|(_, (_, acc))| acc.n_rows > 0)
        .map(|(id, (name, _))| (name.as_str(), id as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut accs: Vec<(&str, DomainAcc<'_>)> = order
        .into_iter()
        .map(|(name, id)| (name, std::mem::take(&mut table_accs[id as usize])))
        .collect();
    drop(table_accs);

    let link_signal_hits: Vec<Vec<SignalHit>> = link_rows
        .par_iter()
        .with_min_len(1024)
        .map_init(LinkScratch::default, |scratch, link| {
            link_hits(link.row, &contexts[link.profile_idx], config, scratch)
        })
        .collect();

    // Domain-level signals: networks, then bursts.
    let mut domain_hits: HashMap<String, Vec<SignalHit>> = HashMap::new();
    let mut network_of: HashMap<String, String> = HashMap::new();
    // In name order, as `accs` is.
    let nodes: Vec<(&str, NodeFacts<'_>)> = accs
        .par_iter_mut()
        .map(|(name, acc)| {
            let mut facts = std::mem::take(&mut acc.facts);
            for &ip in &acc.ips {
                if let Some(subnet) = subnet24(ip) {
                    facts.ips.push(ip);
                    facts.subnets.push(subnet);
                }
            }
            facts.ips.sort_unstable();
            facts.ips.dedup();
            facts.subnets.sort_unstable();
            facts.subnets.dedup();
            (*name, facts)
        })
        .collect();
    let components = find_networks(&nodes, config);
    for component in &components {
        let id =
            format!("net:{}", component.members.first().map(String::as_str).unwrap_or_default());
        for member in &component.members {
            network_of.insert(member.clone(), id.clone());
            let kinds = component.member_kinds.get(member).cloned().unwrap_or_default();
            let mut budget = i32::from(config.network_max_points);
            for kind in kinds {
                let (signal, points, evidence) = match kind {
                    EdgeKind::SharedIp => (
                        Signal::SharedIp,
                        config.shared_ip_points,
                        format!(
                            "shares an IP ({}) with other members of {id} ({} domains)",
                            component.shared_ips.join(", "),
                            component.members.len()
                        ),
                    ),
                    EdgeKind::SharedSubnet => (
                        Signal::SharedSubnet,
                        config.shared_subnet_points,
                        format!(
                            "shares a subnet ({}) with other members of {id} ({} domains)",
                            component.shared_subnets.join(", "),
                            component.members.len()
                        ),
                    ),
                    EdgeKind::Interlink => (
                        Signal::Interlinks,
                        config.interlink_points,
                        format!(
                            "interlinks with other members of {id} ({} links inside, {} domains)",
                            component.interlinks,
                            component.members.len()
                        ),
                    ),
                };
                let granted = i32::from(points).min(budget.max(0));
                budget -= granted;
                if granted > 0 {
                    domain_hits.entry(member.clone()).or_default().push(hit(
                        signal,
                        f64::from(granted),
                        evidence,
                    ));
                }
            }
        }
    }
    for (domain, evidence) in burst_domains(&accs, profiles, config) {
        domain_hits.entry(domain).or_default().push(hit(
            Signal::LowRankBurst,
            f64::from(config.burst_points),
            evidence,
        ));
    }

    // Per-domain scores: the best hit per signal (sitewide placement counted per domain here).
    let sitewide: Vec<Option<SignalHit>> = accs
        .par_iter()
        .map(|(_, acc)| {
            let (profile_idx, pages) = acc
                .pages
                .iter()
                .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(&a.0)))
                .filter(|(_, pages)| pages.len() >= config.sitewide_min_pages)?;
            Some(hit(
                Signal::Sitewide,
                f64::from(config.sitewide_points),
                format!(
                    "{} distinct pages ≥ {} link to `{}`",
                    pages.len(),
                    config.sitewide_min_pages,
                    profiles[*profile_idx].site
                ),
            ))
        })
        .collect();
    let best: Vec<[Option<&SignalHit>; N_SIGNALS]> = accs
        .par_iter()
        .zip(&sitewide)
        .map(|((name, acc), sitewide)| {
            let mut best: [Option<&SignalHit>; N_SIGNALS] = [None; N_SIGNALS];
            let found = acc
                .links
                .iter()
                .flat_map(|&idx| link_signal_hits[idx].iter())
                .chain(&acc.row_hits)
                .chain(sitewide)
                .chain(domain_hits.get(*name).into_iter().flatten());
            for found in found {
                keep_best(&mut best, found);
            }
            best
        })
        .collect();
    // A network is judged as a unit: when enough members are risky on their own (network
    // signals left out, so shared hosting cannot vouch for itself), every member carries it.
    let own_risky: HashSet<&str> = accs
        .iter()
        .zip(&best)
        .filter(|(_, best)| {
            let own = best.iter().flatten().copied().filter(|found| !found.signal.is_network());
            total(own) >= config.medium_at
        })
        .map(|((name, _), _)| *name)
        .collect();
    let mut risky_hits: HashMap<String, SignalHit> = HashMap::new();
    for component in &components {
        let n_members = component.members.len();
        let n_risky =
            component.members.iter().filter(|member| own_risky.contains(member.as_str())).count();
        if n_risky >= config.risky_network_min_members
            && n_risky as f64 >= config.risky_network_min_share * n_members as f64
        {
            let id = format!(
                "net:{}",
                component.members.first().map(String::as_str).unwrap_or_default()
            );
            let evidence = format!(
                "{n_risky} of the {n_members} members of {id} are medium risk or more on their own signals (rule: ≥ {} and ≥ {:.0}%)",
                config.risky_network_min_members,
                config.risky_network_min_share * 100.0
            );
            for member in &component.members {
                risky_hits.insert(
                    member.clone(),
                    hit(
                        Signal::RiskyNetwork,
                        f64::from(config.risky_network_points),
                        evidence.clone(),
                    ),
                );
            }
        }
    }
    drop(own_risky);
    if output == Output::Risks {
        // In name order, as `accs` is.
        let risks = accs
            .par_iter()
            .zip(&best)
            .map(|((name, _), best)| {
                let risky = risky_hits.get(*name);
                ProspectRisk {
                    domain: (*name).to_owned(),
                    score: total(best.iter().flatten().copied().chain(risky)),
                    network: network_of.get(*name).cloned(),
                }
            })
            .collect();
        return Pass::Risks(risks);
    }
    let domains: Vec<DomainRisk> = accs
        .par_iter()
        .zip(&best)
        .map(|((name, acc), best)| {
            let mut signals: Vec<SignalHit> = best.iter().flatten().copied().cloned().collect();
            if let Some(found) = risky_hits.get(*name) {
                signals.push(found.clone());
                signals.sort_by_key(|found| found.signal);
            }
            let score = total(&signals);
            DomainRisk {
                domain: (*name).to_owned(),
                hosts: host_names(&acc.hosts, &raw_hosts),
                score,
                level: config.level(score),
                signals,
                network: network_of.get(*name).cloned(),
                rank: acc.rank,
                links: acc.n_rows,
                sites: {
                    let mut sites: Vec<&str> = acc
                        .site_links
                        .iter()
                        .map(|&(idx, _)| profiles[idx].site.as_str())
                        .collect();
                    sites.sort_unstable();
                    sites.dedup();
                    sites.into_iter().map(str::to_owned).collect()
                },
            }
        })
        .collect();
    drop(best);
    drop(sitewide);
    for (member, found) in risky_hits {
        domain_hits.entry(member).or_default().push(found);
    }
    // Names are distinct: the order is total.
    // The risks were built in name order (from `accs`), so a stable sort of their positions by
    // score alone orders them by score, then name; each risk is then moved once.
    let scores: Vec<u8> = domains.iter().map(|risk| risk.score).collect();
    let mut order: Vec<usize> = (0..domains.len()).collect();
    order.sort_by_key(|&idx| std::cmp::Reverse(scores[idx]));
    let mut unsorted: Vec<Option<DomainRisk>> = domains.into_iter().map(Some).collect();
    let domains: Vec<DomainRisk> = order
        .into_iter()
        .map(|idx| unsorted[idx].take().expect("a permutation takes each position once"))
        .collect();
    drop(unsorted);

    // Per-link scores.
    // Domain-level hits by domain id, so the per-link loop looks nothing up by name.
    // Without backlink rows (referring-domain profiles) there is no link to score.
    let link_domains: &[String] = if link_rows.is_empty() { &[] } else { &names };
    let domain_level_hits: Vec<Vec<SignalHit>> = link_domains
        .iter()
        .map(|name| {
            domain_hits
                .get(name)
                .into_iter()
                .flatten()
                .filter(|found| found.signal.is_domain_level())
                .cloned()
                .collect()
        })
        .collect();
    // Scored links are sorted as (index, score, signal count) with borrowed keys and sites by
    // rank, then built in that order: no string is copied before its place is known.
    let site_rank: Vec<usize> = profiles
        .iter()
        .map(|profile| profiles.iter().filter(|other| other.site < profile.site).count())
        .collect();
    let mut scored: Vec<ScoredLink<'_>> = link_rows
        .par_iter()
        .zip(link_signal_hits.par_iter())
        .enumerate()
        .filter_map(|(idx, (link, own))| {
            let domain_level = &domain_level_hits[link.domain as usize];
            let points: u32 =
                own.iter().chain(domain_level).map(|found| u32::from(found.points)).sum();
            (points > 0).then(|| ScoredLink {
                score: points.min(100) as u8,
                site_rank: site_rank[link.profile_idx],
                url_from: &link.row.url_from,
                url_to: &link.row.url_to,
                n_signals: own.len() + domain_level.len(),
                idx,
            })
        })
        .collect();
    // The row index last: the order of a stable sort, as the built links had.
    scored.par_sort_unstable_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.site_rank.cmp(&b.site_rank))
            .then_with(|| a.url_from.cmp(b.url_from))
            .then_with(|| a.url_to.cmp(b.url_to))
            .then_with(|| a.n_signals.cmp(&b.n_signals))
            .then_with(|| a.idx.cmp(&b.idx))
    });
    let links: Vec<LinkRisk> = scored
        .par_iter()
        .map(|&ScoredLink { idx, score, .. }| {
            let link = &link_rows[idx];
            let mut signals = link_signal_hits[idx].clone();
            signals.extend(domain_level_hits[link.domain as usize].iter().cloned());
            signals.sort_by_key(|found| found.signal);
            LinkRisk {
                site: profiles[link.profile_idx].site.clone(),
                url_from: link.row.url_from.clone(),
                url_to: link.row.url_to.clone(),
                domain: names[link.domain as usize].clone(),
                score,
                level: config.level(score),
                signals,
            }
        })
        .collect();

    let networks = report_networks(&components, &domains, &accs, profiles, config);
    Pass::Report(SpamReport {
        domains,
        links,
        networks,
        medium_at: config.medium_at,
        high_at: config.high_at,
    })
}

/// The hosts of a domain as its risk lists them: trimmed, lower case, sorted, each once.
fn host_names(hosts: &[u32], raw_hosts: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = hosts
        .iter()
        .map(|&idx| {
            let host = raw_hosts[idx as usize].trim();
            if host.chars().any(char::is_uppercase) { host.to_lowercase() } else { host.to_owned() }
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn add_ip<'a>(acc: &mut DomainAcc<'a>, ip: Option<&'a str>) {
    // A run of rows from one IP checks nothing else; a known IP is not added twice.
    if let Some(ip) = ip.map(str::trim).filter(|ip| !ip.is_empty())
        && ip != acc.last_ip
    {
        acc.last_ip = ip;
        if !acc.ips.contains(&ip) {
            acc.ips.push(ip);
        }
    }
}

/// Keeps, per signal, the hit with the most points (ties: the smallest evidence, so the choice
/// does not depend on row order).
fn keep_best<'a>(best: &mut [Option<&'a SignalHit>; N_SIGNALS], found: &'a SignalHit) {
    let slot = &mut best[found.signal as usize];
    match slot {
        Some(kept)
            if kept.points > found.points
                || (kept.points == found.points && kept.evidence <= found.evidence) => {}
        _ => *slot = Some(found),
    }
}

fn total<'a>(signals: impl IntoIterator<Item = &'a SignalHit>) -> u8 {
    signals.into_iter().map(|found| u32::from(found.points)).sum::<u32>().min(100) as u8
}

/// Low-rank domains in a burst, with the evidence (see [`Signal::LowRankBurst`]).
fn burst_domains(
    accs: &[(&str, DomainAcc<'_>)],
    profiles: &[Profile],
    config: &SpamConfig,
) -> BTreeMap<String, String> {
    let window = i64::from(config.burst_window_days.max(1));
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let low_rank = |acc: &DomainAcc<'_>| acc.rank.is_some_and(|rank| rank <= config.low_rank_max);
    // Own bursts: many links of one low-rank domain first seen within the window.
    for (name, acc) in accs.iter().filter(|(_, acc)| low_rank(acc)) {
        // A run shorter than the minimum cannot hold enough links in any window.
        let runs = acc.first_seen.chunk_by(|a, b| a.0 == b.0);
        for run in runs.filter(|run| run.len() >= config.burst_min_links) {
            let profile_idx = &run[0].0;
            let mut dates: Vec<NaiveDate> = run.iter().map(|&(_, date)| date).collect();
            dates.sort_unstable();
            if let Some((count, start)) = densest_window(&dates, window)
                && count >= config.burst_min_links
            {
                found.entry((*name).to_owned()).or_insert_with(|| {
                    format!(
                        "rank {} ≤ {} and {count} links to `{}` first seen within {window} days from {start}",
                        acc.rank.unwrap_or_default(),
                        config.low_rank_max,
                        profiles[*profile_idx].site
                    )
                });
            }
        }
    }
    // Cohort bursts: many low-rank domains first seen within one window, per site.
    for (profile_idx, profile) in profiles.iter().enumerate() {
        let mut firsts: Vec<(NaiveDate, &str)> = accs
            .iter()
            .filter(|(_, acc)| low_rank(acc))
            .filter_map(|(name, acc)| {
                let first = acc.first_seen.iter().filter(|(idx, _)| *idx == profile_idx);
                first.map(|&(_, date)| date).min().map(|date| (date, *name))
            })
            .collect();
        if firsts.len() < config.burst_min_domains {
            continue;
        }
        firsts.sort();
        let span = (firsts[firsts.len() - 1].0 - firsts[0].0).num_days().max(window) as f64;
        let average = firsts.len() as f64 * window as f64 / span;
        let baseline_days = i64::from(config.burst_baseline_days.max(1));
        let mut start = 0;
        let mut marked: Vec<Option<String>> = vec![None; firsts.len()];
        for end in 0..firsts.len() {
            while (firsts[end].0 - firsts[start].0).num_days() >= window {
                start += 1;
            }
            let count = end + 1 - start;
            if count < config.burst_min_domains {
                continue;
            }
            // "Sudden" is relative to the whole history and to the recent past, whichever is
            // higher, so a profile that grows steadily does not look like a burst.
            let window_start = firsts[start].0;
            let recent_from = window_start - chrono::Days::new(baseline_days as u64);
            let recent = start - firsts.partition_point(|(date, _)| *date < recent_from);
            let recent_rate = recent as f64 * window as f64 / baseline_days as f64;
            let expected = average.max(recent_rate);
            let needed = (config.burst_min_domains as f64).max(config.burst_factor * expected);
            if count as f64 >= needed {
                let evidence = format!(
                    "{count} low-rank domains (rank ≤ {}) first seen linking to `{}` within {window} days from {window_start}; rule: ≥ {} and ≥ {} × the expected {expected:.1} (history average {average:.1}, previous {baseline_days} days {recent_rate:.1})",
                    config.low_rank_max,
                    profile.site,
                    config.burst_min_domains,
                    config.burst_factor
                );
                for slot in &mut marked[start..=end] {
                    slot.get_or_insert_with(|| evidence.clone());
                }
            }
        }
        for ((_, name), evidence) in firsts.iter().zip(marked) {
            if let Some(evidence) = evidence {
                found.entry((*name).to_owned()).or_insert(evidence);
            }
        }
    }
    found
}

/// The largest number of sorted dates within `window` days, and where that window starts.
fn densest_window(dates: &[NaiveDate], window: i64) -> Option<(usize, NaiveDate)> {
    let mut best: Option<(usize, NaiveDate)> = None;
    let mut start = 0;
    for end in 0..dates.len() {
        while (dates[end] - dates[start]).num_days() >= window {
            start += 1;
        }
        let count = end + 1 - start;
        if best.is_none_or(|(best_count, _)| count > best_count) {
            best = Some((count, dates[start]));
        }
    }
    best
}

fn report_networks(
    components: &[network::Component],
    domains: &[DomainRisk],
    accs: &[(&str, DomainAcc<'_>)],
    profiles: &[Profile],
    config: &SpamConfig,
) -> Vec<Network> {
    // Only members are looked up: accs are sorted by name, and scores are kept for members.
    let member = |name: &str| accs.binary_search_by(|(other, _)| (*other).cmp(name)).ok();
    let by_name: HashMap<&str, &DomainAcc<'_>> = components
        .iter()
        .flat_map(|component| &component.members)
        .filter_map(|name| member(name).map(|idx| (name.as_str(), &accs[idx].1)))
        .collect();
    let scores: HashMap<&str, u8> = domains
        .iter()
        .filter(|risk| by_name.contains_key(risk.domain.as_str()))
        .map(|risk| (risk.domain.as_str(), risk.score))
        .collect();
    let mut networks: Vec<Network> = components
        .iter()
        .map(|component| {
            let id = format!(
                "net:{}",
                component.members.first().map(String::as_str).unwrap_or_default()
            );
            let mut per_site: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            let mut total_links = 0;
            for acc in component.members.iter().filter_map(|member| by_name.get(member.as_str())) {
                total_links += acc.n_rows;
                for &(profile_idx, links) in &acc.site_links {
                    let site = &profiles[profile_idx].site;
                    let entry = per_site.entry(site.as_str()).or_default();
                    entry.0 += 1;
                    entry.1 += links;
                }
            }
            let max_score = component
                .members
                .iter()
                .filter_map(|member| scores.get(member.as_str()))
                .copied()
                .max()
                .unwrap_or(0);
            Network {
                note: format!(
                    "{} domains under one control: however many they are, count them as one link",
                    component.members.len()
                ),
                id,
                members: component.members.clone(),
                shared_ips: component.shared_ips.clone(),
                shared_subnets: component.shared_subnets.clone(),
                interlinks: component.interlinks,
                links_to: per_site
                    .into_iter()
                    .map(|(site, (domains, links))| NetworkTarget {
                        site: site.to_owned(),
                        domains,
                        links,
                    })
                    .collect(),
                total_links,
                max_score,
                level: config.level(max_score),
            }
        })
        .collect();
    networks.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then_with(|| a.id.cmp(&b.id)));
    networks
}
