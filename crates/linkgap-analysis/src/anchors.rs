//! Anchor audit: anchor classes, distributions per site and over-optimization flags.
//!
//! Entry points: [`classify_anchor`] (the class rules), [`audit_anchors`] (distributions and
//! over-optimization flags, with every threshold and its rationale), [`derive_keywords`].

use std::cmp::Ordering;
use std::fmt;

use hashbrown::{HashMap, HashSet};
use rayon::prelude::*;

use crate::domain::Domain;
use crate::profile::{Backlink, Profile, Rows};
use crate::text::{
    GENERIC_ANCHORS, RegistrableCache, is_stopword, looks_like_url, normalize_anchor,
    spam_topics_in, stem, tokenize,
};

/// The class of an anchor text (see [`classify_anchor`] for the rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AnchorClass {
    /// The brand alone ("trailpeak", "trail peak shop").
    Branded,
    /// Exactly a money keyword ("hiking boots").
    ExactMatch,
    /// Contains part of a money keyword ("lightweight hiking boots for women").
    PartialMatch,
    /// Brand plus keyword ("trailpeak hiking boots").
    Compound,
    /// A URL or host name.
    NakedUrl,
    /// "click here", "website", "read more", in several languages.
    Generic,
    /// An image link or an empty anchor.
    ImageOrEmpty,
    /// Anything else.
    Other,
}

impl AnchorClass {
    /// Every class, in report order.
    pub const ALL: [AnchorClass; 8] = [
        AnchorClass::Branded,
        AnchorClass::ExactMatch,
        AnchorClass::PartialMatch,
        AnchorClass::Compound,
        AnchorClass::NakedUrl,
        AnchorClass::Generic,
        AnchorClass::ImageOrEmpty,
        AnchorClass::Other,
    ];

    /// Snake-case name (`exact_match`).
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorClass::Branded => "branded",
            AnchorClass::ExactMatch => "exact_match",
            AnchorClass::PartialMatch => "partial_match",
            AnchorClass::Compound => "compound",
            AnchorClass::NakedUrl => "naked_url",
            AnchorClass::Generic => "generic",
            AnchorClass::ImageOrEmpty => "image_or_empty",
            AnchorClass::Other => "other",
        }
    }

    /// Whether the class targets a money keyword without the brand (exact or partial match).
    pub fn is_money(self) -> bool {
        matches!(self, AnchorClass::ExactMatch | AnchorClass::PartialMatch)
    }

    fn index(self) -> usize {
        AnchorClass::ALL.iter().position(|class| *class == self).unwrap_or_default()
    }
}

impl fmt::Display for AnchorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a site's anchors are compared with: its brand terms and the money keywords.
///
/// Terms are prepared (tokenized, stemmed) once at construction.
#[derive(Clone, Debug, PartialEq)]
pub struct AnchorContext {
    brand_terms: Vec<String>,
    keywords: Vec<String>,
    brand_tokens: Vec<Vec<String>>,
    keyword_tokens: Vec<Vec<String>>,
    keyword_vocabulary: HashSet<String>,
    partial_overlap: f64,
}

impl AnchorContext {
    /// A context from explicit brand terms and money keywords (any case; empty ones are
    /// ignored).
    pub fn new(brand_terms: &[String], keywords: &[String]) -> AnchorContext {
        let brand_terms = clean_terms(brand_terms);
        let keywords = clean_terms(keywords);
        let brand_tokens = brand_terms.iter().map(|term| stemmed_tokens(term)).collect();
        let keyword_tokens: Vec<Vec<String>> =
            keywords.iter().map(|keyword| content_tokens(keyword)).collect();
        let keyword_vocabulary = keyword_tokens.iter().flatten().cloned().collect();
        AnchorContext {
            brand_terms,
            keywords,
            brand_tokens,
            keyword_tokens,
            keyword_vocabulary,
            partial_overlap: 0.5,
        }
    }

    /// A context whose brand terms come from `site`'s domain (see [`brand_terms_for`]).
    pub fn for_site(site: &str, keywords: &[String]) -> AnchorContext {
        AnchorContext::new(&brand_terms_for(site), keywords)
    }

    /// Sets the share of a keyword's words (0-1, default 0.5) an anchor must contain to be a
    /// partial match. Half keeps "boots" a partial match of "hiking boots" while "walking
    /// holidays" is not one of "hiking boots".
    #[must_use]
    pub fn with_partial_overlap(mut self, share: f64) -> AnchorContext {
        self.partial_overlap = share.clamp(0.0, 1.0);
        self
    }

    /// The brand terms, normalised.
    pub fn brand_terms(&self) -> &[String] {
        &self.brand_terms
    }

    /// The money keywords, normalised.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }
}

fn clean_terms(terms: &[String]) -> Vec<String> {
    let mut cleaned: Vec<String> =
        terms.iter().map(|term| normalize_anchor(term)).filter(|term| !term.is_empty()).collect();
    cleaned.sort();
    cleaned.dedup();
    cleaned
}

fn stemmed_tokens(text: &str) -> Vec<String> {
    tokenize(text).iter().map(|token| stem(token).to_owned()).collect()
}

fn content_tokens(text: &str) -> Vec<String> {
    tokenize(text)
        .iter()
        .filter(|token| !is_stopword(token))
        .map(|token| stem(token).to_owned())
        .collect()
}

/// The brand terms a site's domain implies: its brand label, and for hyphenated labels also the
/// words apart (`trail-peak.com` → "trail peak", "trailpeak"). Empty when `site` is not a host.
pub fn brand_terms_for(site: &str) -> Vec<String> {
    let Ok(domain) = Domain::parse(site) else {
        return Vec::new();
    };
    if domain.is_ip() {
        return Vec::new();
    }
    let label = domain.brand_label();
    let mut terms = vec![label.replace('-', "")];
    if label.contains('-') {
        terms.push(label.split('-').filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" "));
    }
    terms.sort();
    terms.dedup();
    terms
}

/// Classifies one anchor text. Image links are
/// classified by [`classify_link`], which knows the link type.
///
/// # Classes
///
/// [`classify_anchor`] puts each anchor in one [`AnchorClass`], trying the rules in this order
/// (the first that matches wins):
///
/// 1. **Image / empty**: the link is an image (`item_type = image`) or its text is empty after
///    trimming. Alt text is not an anchor.
/// 2. **Naked URL**: the text is a URL or a bare host name (`https://x.com/a`, `www.x.com`,
///    `x.com`), including the site's own.
/// 3. **Generic**: the whole text is on the multi-language list of generic anchors ("click here",
///    "website", "read more", "hier klicken", "en savoir plus", "подробнее", ...).
/// 4. **Branded / Compound**: the text contains a brand term (as consecutive words, or a word
///    equal to the brand written together). If any remaining word is a word of a money keyword it
///    is **Compound** (brand + keyword), otherwise **Branded**.
/// 5. **Exact match**: the words equal a money keyword's words (stopwords ignored, plural `s`
///    folded).
/// 6. **Partial match**: the text contains at least [`AnchorContext::with_partial_overlap`]
///    (default half) of some keyword's words.
/// 7. **Other**: anything else (sentences, titles, names).
///
/// Brand terms default to what the site's domain says: `trail-peak.com` gives "trail peak" and
/// "trailpeak". Money keywords are given by the user, or derived by [`derive_keywords`] from the
/// anchors most competitors share that are neither branded, generic, naked URLs nor empty. Both
/// rules are the ones link builders use when they hand-label anchor profiles.
pub fn classify_anchor(anchor: &str, ctx: &AnchorContext) -> AnchorClass {
    let normalized = normalize_anchor(anchor);
    classify_normalized(&normalized, ctx)
}

/// Classifies the anchor of a backlink row: image links are [`AnchorClass::ImageOrEmpty`]
/// whatever their alt text.
pub fn classify_link(link: &Backlink, ctx: &AnchorContext) -> AnchorClass {
    if is_image(link) {
        return AnchorClass::ImageOrEmpty;
    }
    classify_anchor(link.anchor.as_deref().unwrap_or_default(), ctx)
}

fn is_image(link: &Backlink) -> bool {
    link.item_type.as_deref().is_some_and(|kind| kind.eq_ignore_ascii_case("image"))
}

fn classify_normalized(normalized: &str, ctx: &AnchorContext) -> AnchorClass {
    if normalized.is_empty() {
        return AnchorClass::ImageOrEmpty;
    }
    if looks_like_url(normalized) {
        return AnchorClass::NakedUrl;
    }
    if GENERIC_ANCHORS.contains(&normalized) {
        return AnchorClass::Generic;
    }
    let tokens = stemmed_tokens(normalized);
    if tokens.is_empty() {
        return AnchorClass::ImageOrEmpty;
    }
    // Brand: consecutive brand words, or one word equal to the brand written together.
    let mut is_brand_token = vec![false; tokens.len()];
    let mut branded = false;
    for brand in &ctx.brand_tokens {
        if brand.is_empty() || brand.len() > tokens.len() {
            continue;
        }
        for start in 0..=tokens.len() - brand.len() {
            if tokens[start..start + brand.len()] == brand[..] {
                branded = true;
                is_brand_token[start..start + brand.len()].fill(true);
            }
        }
    }
    if branded {
        let has_keyword_word = tokens.iter().zip(&is_brand_token).any(|(token, is_brand)| {
            !is_brand && !is_stopword(token) && ctx.keyword_vocabulary.contains(token)
        });
        return if has_keyword_word { AnchorClass::Compound } else { AnchorClass::Branded };
    }
    let content: Vec<&String> = tokens.iter().filter(|token| !is_stopword(token)).collect();
    if content.is_empty() {
        return AnchorClass::Other;
    }
    if ctx.keyword_tokens.iter().any(|keyword| {
        !keyword.is_empty()
            && keyword.len() == content.len()
            && keyword.iter().eq(content.iter().copied())
    }) {
        return AnchorClass::ExactMatch;
    }
    let content_set: HashSet<&str> = content.iter().map(|token| token.as_str()).collect();
    let partial = ctx.keyword_tokens.iter().any(|keyword| {
        if keyword.is_empty() {
            return false;
        }
        let shared = keyword.iter().filter(|word| content_set.contains(word.as_str())).count();
        shared > 0 && shared as f64 / keyword.len() as f64 >= ctx.partial_overlap
    });
    if partial { AnchorClass::PartialMatch } else { AnchorClass::Other }
}

/// Options of [`audit_anchors`] and [`derive_keywords`]. Defaults are documented per field and in
/// [`audit_anchors`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnchorConfig {
    /// The target's brand terms; `None` derives them from its domain ([`brand_terms_for`]).
    /// Competitors' brand terms always come from their domains.
    pub brand_terms: Option<Vec<String>>,
    /// Money keywords; `None` derives them from the competitors' anchors ([`derive_keywords`]).
    pub keywords: Option<Vec<String>>,
    /// How many keywords to derive (default 10): enough to cover a niche's head terms, few
    /// enough that long-tail one-off phrases stay "other".
    pub derived_keywords: usize,
    /// A derived keyword must be the anchor of at least this many referring domains across the
    /// competitors (default 3), so one site's habit does not become the niche's keyword.
    pub keyword_min_domains: usize,
    /// Word share of a keyword that makes a partial match (default 0.5).
    pub partial_overlap: f64,
    /// Count lost links too (default `false`: an audit is about the live profile).
    pub include_lost: bool,
    /// Top anchors listed per site (default 10).
    pub top_anchors: usize,
    /// Baselines need at least this many other sites with anchors (default 2); below it the
    /// relative rules are skipped and say so in [`AnchorAudit::notes`].
    pub min_baseline_sites: usize,
    /// MAD multiplier of the relative rules (default 2.0).
    pub mad_multiplier: f64,
    /// Smallest margin above the median the relative rules accept (default 0.10, i.e. ten
    /// percentage points of referring domains).
    pub spread_floor: f64,
    /// Absolute ceiling of the exact-match share (default 0.30).
    pub exact_ceiling: f64,
    /// Absolute ceiling of the partial-match share (default 0.50).
    pub partial_ceiling: f64,
    /// Largest share of referring domains one money anchor may have (default 0.20).
    pub dominant_anchor_share: f64,
    /// Fewest referring domains a site needs before any share-based flag (the relative and
    /// ceiling rules on exact- and partial-match shares, and the dominant money anchor) can fire
    /// on it (default 10). On a small profile one domain moves a share by many points: 1 money
    /// anchor among 4 referring domains is 25%, which says nothing about placement. The
    /// verbatim rule counts domains itself ([`AnchorConfig::verbatim_min_domains`]).
    pub min_flag_domains: usize,
    /// Verbatim rule: fewest words of a repeated anchor (default 4: head keywords have two or
    /// three words and are naturally repeated; a four-word phrase on many sites is placed).
    pub verbatim_min_words: usize,
    /// Verbatim rule: fewest referring domains using it (default 10).
    pub verbatim_min_domains: usize,
    /// Verbatim rule: smallest share of referring domains using it (default 0.02).
    pub verbatim_min_share: f64,
}

impl Default for AnchorConfig {
    fn default() -> AnchorConfig {
        AnchorConfig {
            brand_terms: None,
            keywords: None,
            derived_keywords: 10,
            keyword_min_domains: 3,
            partial_overlap: 0.5,
            include_lost: false,
            top_anchors: 10,
            min_baseline_sites: 2,
            mad_multiplier: 2.0,
            spread_floor: 0.10,
            exact_ceiling: 0.30,
            partial_ceiling: 0.50,
            dominant_anchor_share: 0.20,
            min_flag_domains: 10,
            verbatim_min_words: 4,
            verbatim_min_domains: 10,
            verbatim_min_share: 0.02,
        }
    }
}

/// Whether a site is the audited target or a competitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SiteRole {
    /// The audited site.
    Target,
    /// A competitor (part of the baseline).
    Competitor,
}

/// The share of one class in a distribution.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClassShare {
    /// The class.
    pub class: AnchorClass,
    /// Weight of the class: referring domains (fractional) or links.
    pub weight: f64,
    /// Weight over the total (0-1; 0 when the site has no anchors).
    pub share: f64,
}

/// One of a site's most used anchors.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TopAnchor {
    /// The normalised anchor text (empty for image/empty links).
    pub anchor: String,
    /// Its class.
    pub class: AnchorClass,
    /// Referring domains (registrable) using it.
    pub domains: usize,
    /// Links using it.
    pub links: usize,
    /// `domains` over the site's referring domains.
    pub domain_share: f64,
    /// Up to five of those domains, sorted.
    pub sample_domains: Vec<String>,
}

/// The rule behind an [`AnchorFlag`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AnchorRule {
    /// Exact-match share above the competitors' median plus spread.
    ExactShareAboveCompetitors,
    /// Partial-match share above the competitors' median plus spread.
    PartialShareAboveCompetitors,
    /// Exact-match share above the absolute ceiling.
    ExactShareAboveCeiling,
    /// Partial-match share above the absolute ceiling.
    PartialShareAboveCeiling,
    /// One money anchor on too many referring domains.
    DominantMoneyAnchor,
    /// A long non-branded anchor repeated verbatim across many domains.
    VerbatimRepeated,
}

impl AnchorRule {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorRule::ExactShareAboveCompetitors => "exact_share_above_competitors",
            AnchorRule::PartialShareAboveCompetitors => "partial_share_above_competitors",
            AnchorRule::ExactShareAboveCeiling => "exact_share_above_ceiling",
            AnchorRule::PartialShareAboveCeiling => "partial_share_above_ceiling",
            AnchorRule::DominantMoneyAnchor => "dominant_money_anchor",
            AnchorRule::VerbatimRepeated => "verbatim_repeated",
        }
    }
}

impl fmt::Display for AnchorRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The competitors' median and spread a relative rule compared with.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Baseline {
    /// Sites in the baseline, sorted.
    pub sites: Vec<String>,
    /// Median share.
    pub median: f64,
    /// Median absolute deviation of the shares.
    pub mad: f64,
}

/// An over-optimization flag with the numbers that fired it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnchorFlag {
    /// The rule.
    pub rule: AnchorRule,
    /// The anchor concerned, for per-anchor rules.
    pub anchor: Option<String>,
    /// The measured value (a share of referring domains).
    pub value: f64,
    /// The threshold it exceeded.
    pub threshold: f64,
    /// The baseline, for relative rules.
    pub baseline: Option<Baseline>,
    /// One sentence saying the above in words.
    pub message: String,
}

/// The audit of one site.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SiteAnchors {
    /// The site, as given in its profile.
    pub site: String,
    /// Target or competitor.
    pub role: SiteRole,
    /// `false` when the profile has only referring-domain rows (no anchors in the data).
    pub anchors_available: bool,
    /// Brand terms used for this site.
    pub brand_terms: Vec<String>,
    /// Links counted.
    pub links: usize,
    /// Referring domains (registrable) counted.
    pub domains: usize,
    /// Distribution by referring domain, in [`AnchorClass::ALL`] order.
    pub by_domain: Vec<ClassShare>,
    /// Distribution by link, in [`AnchorClass::ALL`] order.
    pub by_link: Vec<ClassShare>,
    /// Most used anchors, by referring domains, then links, then text.
    pub top_anchors: Vec<TopAnchor>,
    /// Over-optimization flags, in rule order, then by anchor.
    pub flags: Vec<AnchorFlag>,
}

impl SiteAnchors {
    /// The by-domain share of `class`.
    pub fn domain_share(&self, class: AnchorClass) -> f64 {
        self.by_domain.iter().find(|share| share.class == class).map_or(0.0, |share| share.share)
    }
}

/// The result of [`audit_anchors`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnchorAudit {
    /// The money keywords used (given or derived).
    pub keywords: Vec<String>,
    /// Whether they were derived from the competitors.
    pub keywords_derived: bool,
    /// The target first, then the competitors sorted by site.
    pub sites: Vec<SiteAnchors>,
    /// Remarks on what could not be done (no anchors, baseline too small).
    pub notes: Vec<String>,
}

impl AnchorAudit {
    /// The target's audit.
    pub fn target(&self) -> Option<&SiteAnchors> {
        self.sites.iter().find(|site| site.role == SiteRole::Target)
    }
}

/// Per-anchor tallies of one site.
struct AnchorTally {
    /// The normalised anchor.
    text: String,
    class: AnchorClass,
    /// Ids of the referring domains using it.
    domains: HashSet<usize>,
    links: usize,
}

/// Everything measured on one site before flags are set.
struct Measured {
    anchors: SiteAnchors,
    /// Per anchor: (text, class, domains, word count).
    anchor_domains: Vec<(String, AnchorClass, usize, usize)>,
}

fn live_links(profile: &Profile, include_lost: bool) -> Option<Vec<&Backlink>> {
    match &profile.rows {
        Rows::Backlinks(rows) => {
            Some(rows.iter().filter(|row| include_lost || !row.is_lost).collect())
        }
        Rows::ReferringDomains(_) => None,
    }
}

fn measure(
    profile: &Profile,
    role: SiteRole,
    ctx: &AnchorContext,
    config: &AnchorConfig,
) -> Measured {
    let mut site = SiteAnchors {
        site: profile.site.clone(),
        role,
        anchors_available: false,
        brand_terms: ctx.brand_terms().to_vec(),
        links: 0,
        domains: 0,
        by_domain: empty_distribution(),
        by_link: empty_distribution(),
        top_anchors: Vec::new(),
        flags: Vec::new(),
    };
    let Some(links) = live_links(profile, config.include_lost) else {
        return Measured { anchors: site, anchor_domains: Vec::new() };
    };
    site.anchors_available = true;
    let mut cache = RegistrableCache::default();
    // Anchors and domains are interned once; sitewide links repeat both thousands of times.
    let mut raw_ids: HashMap<&str, usize> = HashMap::new();
    let mut text_ids: HashMap<String, usize> = HashMap::new();
    let mut tallies: Vec<AnchorTally> = Vec::new();
    let mut domain_ids: HashMap<String, usize> = HashMap::new();
    let mut domain_names: Vec<String> = Vec::new();
    let mut domain_anchors: Vec<HashSet<usize>> = Vec::new();
    let mut link_weights = [0.0_f64; 8];
    for link in &links {
        let raw = if is_image(link) { "" } else { link.anchor.as_deref().unwrap_or_default() };
        let anchor_id = if let Some(&id) = raw_ids.get(raw) {
            id
        } else {
            let text = normalize_anchor(raw);
            let id = if let Some(&id) = text_ids.get(&text) {
                id
            } else {
                let class = classify_normalized(&text, ctx);
                tallies.push(AnchorTally {
                    text: text.clone(),
                    class,
                    domains: HashSet::new(),
                    links: 0,
                });
                text_ids.insert(text, tallies.len() - 1);
                tallies.len() - 1
            };
            raw_ids.insert(raw, id);
            id
        };
        let registrable = cache.get(&link.domain_from);
        let domain_id = if let Some(&id) = domain_ids.get(registrable) {
            id
        } else {
            domain_names.push(registrable.to_owned());
            domain_ids.insert(registrable.to_owned(), domain_names.len() - 1);
            domain_anchors.push(HashSet::new());
            domain_names.len() - 1
        };
        let tally = &mut tallies[anchor_id];
        tally.links += 1;
        tally.domains.insert(domain_id);
        link_weights[tally.class.index()] += 1.0;
        domain_anchors[domain_id].insert(anchor_id);
    }
    let mut domain_weights = [0.0_f64; 8];
    // Sum in a fixed order so the floating-point result does not depend on hash order.
    let mut by_name: Vec<usize> = (0..domain_names.len()).collect();
    by_name.sort_by(|a, b| domain_names[*a].cmp(&domain_names[*b]));
    for domain_id in by_name {
        let anchors = &domain_anchors[domain_id];
        let weight = 1.0 / anchors.len() as f64;
        let mut classes: Vec<AnchorClass> = anchors.iter().map(|&id| tallies[id].class).collect();
        classes.sort();
        for class in classes {
            domain_weights[class.index()] += weight;
        }
    }
    site.links = links.len();
    site.domains = domain_names.len();
    site.by_domain = distribution(&domain_weights, site.domains as f64);
    site.by_link = distribution(&link_weights, site.links as f64);
    tallies.sort_by(|a, b| {
        b.domains
            .len()
            .cmp(&a.domains.len())
            .then(b.links.cmp(&a.links))
            .then_with(|| a.text.cmp(&b.text))
    });
    let n_domains = site.domains.max(1) as f64;
    site.top_anchors = tallies
        .iter()
        .take(config.top_anchors)
        .map(|tally| {
            let mut sample: Vec<String> =
                tally.domains.iter().map(|&id| domain_names[id].clone()).collect();
            sample.sort();
            sample.truncate(5);
            TopAnchor {
                anchor: tally.text.clone(),
                class: tally.class,
                domains: tally.domains.len(),
                links: tally.links,
                domain_share: tally.domains.len() as f64 / n_domains,
                sample_domains: sample,
            }
        })
        .collect();
    let anchor_domains = tallies
        .into_iter()
        .map(|tally| {
            let words = tokenize(&tally.text).len();
            (tally.text, tally.class, tally.domains.len(), words)
        })
        .collect();
    Measured { anchors: site, anchor_domains }
}

fn empty_distribution() -> Vec<ClassShare> {
    distribution(&[0.0; 8], 0.0)
}

fn distribution(weights: &[f64; 8], total: f64) -> Vec<ClassShare> {
    AnchorClass::ALL
        .iter()
        .map(|&class| {
            let weight = weights[class.index()];
            let share = if total > 0.0 { weight / total } else { 0.0 };
            ClassShare { class, weight, share }
        })
        .collect()
}

/// Median of `values` (0 when empty).
fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { f64::midpoint(values[mid - 1], values[mid]) }
}

fn baseline_of(sites: &[&SiteAnchors], class: AnchorClass) -> Baseline {
    let mut shares: Vec<f64> = sites.iter().map(|site| site.domain_share(class)).collect();
    let center = median(&mut shares);
    let mut deviations: Vec<f64> = shares.iter().map(|share| (share - center).abs()).collect();
    let mad = median(&mut deviations);
    let mut names: Vec<String> = sites.iter().map(|site| site.site.clone()).collect();
    names.sort();
    Baseline { sites: names, median: center, mad }
}

fn flag_site(
    measured: &Measured,
    others: &[&SiteAnchors],
    config: &AnchorConfig,
) -> Vec<AnchorFlag> {
    let site = &measured.anchors;
    let mut flags = Vec::new();
    if !site.anchors_available || site.domains == 0 {
        return flags;
    }
    // Share-based rules need a sample large enough for a share to mean something.
    let share_rules = site.domains >= config.min_flag_domains;
    let relative = [
        (AnchorClass::ExactMatch, AnchorRule::ExactShareAboveCompetitors, "exact-match"),
        (AnchorClass::PartialMatch, AnchorRule::PartialShareAboveCompetitors, "partial-match"),
    ];
    if share_rules && others.len() >= config.min_baseline_sites.max(1) {
        for (class, rule, label) in relative {
            let baseline = baseline_of(others, class);
            let threshold =
                baseline.median + (config.mad_multiplier * baseline.mad).max(config.spread_floor);
            let value = site.domain_share(class);
            if value > threshold {
                flags.push(AnchorFlag {
                    rule,
                    anchor: None,
                    value,
                    threshold,
                    message: format!(
                        "{label} share of referring domains {:.1}% is above the competitors' median {:.1}% + max({}×MAD {:.1}%, floor {:.1}%) = {:.1}%",
                        value * 100.0,
                        baseline.median * 100.0,
                        config.mad_multiplier,
                        baseline.mad * 100.0,
                        config.spread_floor * 100.0,
                        threshold * 100.0
                    ),
                    baseline: Some(baseline),
                });
            }
        }
    }
    let ceilings = [
        (
            AnchorClass::ExactMatch,
            AnchorRule::ExactShareAboveCeiling,
            config.exact_ceiling,
            "exact-match",
        ),
        (
            AnchorClass::PartialMatch,
            AnchorRule::PartialShareAboveCeiling,
            config.partial_ceiling,
            "partial-match",
        ),
    ];
    for (class, rule, ceiling, label) in ceilings {
        let value = site.domain_share(class);
        if share_rules && value > ceiling {
            flags.push(AnchorFlag {
                rule,
                anchor: None,
                value,
                threshold: ceiling,
                baseline: None,
                message: format!(
                    "{label} share of referring domains {:.1}% is above the ceiling {:.1}%",
                    value * 100.0,
                    ceiling * 100.0
                ),
            });
        }
    }
    let n_domains = site.domains as f64;
    for (anchor, class, domains, words) in &measured.anchor_domains {
        let share = *domains as f64 / n_domains;
        if share_rules && class.is_money() && share > config.dominant_anchor_share {
            flags.push(AnchorFlag {
                rule: AnchorRule::DominantMoneyAnchor,
                anchor: Some(anchor.clone()),
                value: share,
                threshold: config.dominant_anchor_share,
                baseline: None,
                message: format!(
                    "money anchor `{anchor}` is used by {domains} of {} referring domains ({:.1}%), above {:.1}%",
                    site.domains,
                    share * 100.0,
                    config.dominant_anchor_share * 100.0
                ),
            });
        }
        // Exact-match anchors are the keywords themselves, covered by the exact-match rules.
        let non_branded = matches!(class, AnchorClass::PartialMatch | AnchorClass::Other);
        if non_branded
            && *words >= config.verbatim_min_words
            && *domains >= config.verbatim_min_domains
            && share >= config.verbatim_min_share
        {
            flags.push(AnchorFlag {
                rule: AnchorRule::VerbatimRepeated,
                anchor: Some(anchor.clone()),
                value: share,
                threshold: config.verbatim_min_share,
                baseline: None,
                message: format!(
                    "the {words}-word anchor `{anchor}` appears verbatim on {domains} referring domains ({:.1}%; rule: ≥ {} domains and ≥ {:.1}%)",
                    share * 100.0,
                    config.verbatim_min_domains,
                    config.verbatim_min_share * 100.0
                ),
            });
        }
    }
    flags.sort_by(|a, b| a.rule.cmp(&b.rule).then_with(|| a.anchor.cmp(&b.anchor)));
    flags
}

/// Derives money keywords from the competitors' anchors.
///
/// The anchors considered are the competitors' live, non-branded, non-generic, non-URL,
/// non-empty anchors, without spam vocabulary (casino, pharma, ...: the spam that links to every
/// site in a niche is not its keyword) and from pages in the competitor's majority
/// `page_from_language` (foreign-language anchors are a spam signal, not the niche's keywords).
/// A candidate keyword is such an anchor of two to four words, used verbatim by at least one
/// domain (so template fragments like "top rated" never qualify). Each candidate counts the
/// competitors and the referring domains whose anchors contain it as consecutive words ("climbing
/// gear" also counts "best climbing gear"), and needs at least
/// [`AnchorConfig::keyword_min_domains`] domains. Candidates are ranked by competitors, then
/// domains, then length (of two equally used phrases the longer is the keyword), then text; one
/// inside or around an already chosen keyword is skipped (partial matching covers it); at most
/// [`AnchorConfig::derived_keywords`] are kept. Anchors containing any competitor's brand or one
/// of `exclude_brand_terms` (the target's) are skipped. The result is deterministic.
pub fn derive_keywords(
    competitors: &[Profile],
    exclude_brand_terms: &[String],
    config: &AnchorConfig,
) -> Vec<String> {
    let mut all_brands: Vec<String> = exclude_brand_terms.to_vec();
    for competitor in competitors {
        all_brands.extend(brand_terms_for(&competitor.site));
    }
    let brand_ctx = AnchorContext::new(&all_brands, &[]);
    // Per competitor: each usable anchor with the domains using it.
    let per_site: Vec<HashMap<String, HashSet<String>>> = competitors
        .par_iter()
        .map(|competitor| {
            let links = live_links(competitor, config.include_lost).unwrap_or_default();
            let majority_language = majority_language(&links);
            let mut cache = RegistrableCache::default();
            let mut anchors: HashMap<String, HashSet<String>> = HashMap::new();
            // Whether a raw anchor is usable, and its normalised text: sitewide links repeat one
            // anchor thousands of times.
            let mut usable: HashMap<&str, Option<String>> = HashMap::new();
            for link in links {
                let raw = link.anchor.as_deref().unwrap_or_default();
                let foreign = link
                    .page_from_language
                    .as_deref()
                    .zip(majority_language.as_deref())
                    .is_some_and(|(language, majority)| !language.eq_ignore_ascii_case(majority));
                if is_image(link) || raw.is_empty() || foreign {
                    continue;
                }
                let text = usable.entry(raw).or_insert_with(|| {
                    let text = normalize_anchor(raw);
                    (classify_normalized(&text, &brand_ctx) == AnchorClass::Other
                        && spam_topics_in(&text).is_empty())
                    .then_some(text)
                });
                let Some(text) = text else { continue };
                let domain = cache.get(&link.domain_from);
                let domains = anchors.entry_ref(text.as_str()).or_default();
                if !domains.contains(domain) {
                    domains.insert(domain.to_owned());
                }
            }
            anchors
        })
        .collect();
    let candidates: HashSet<&str> = per_site
        .iter()
        .flat_map(|anchors| anchors.keys())
        .filter(|anchor| (2..=4).contains(&anchor.split(' ').count()))
        .map(String::as_str)
        .collect();
    // Per candidate: the competitors and the domains whose anchors contain it.
    let mut totals: HashMap<&str, (usize, HashSet<&str>)> = HashMap::new();
    for anchors in &per_site {
        let mut site_domains: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (anchor, domains) in anchors {
            for phrase in sub_phrases(anchor) {
                if let Some(&candidate) = candidates.get(phrase.as_str()) {
                    site_domains
                        .entry(candidate)
                        .or_default()
                        .extend(domains.iter().map(String::as_str));
                }
            }
        }
        for (candidate, domains) in site_domains {
            let entry = totals.entry(candidate).or_default();
            entry.0 += 1;
            entry.1.extend(domains);
        }
    }
    let mut ranked: Vec<(&str, usize, usize, usize)> = totals
        .into_iter()
        .filter(|(_, (_, domains))| domains.len() >= config.keyword_min_domains)
        .map(|(phrase, (sites, domains))| (phrase, sites, domains.len(), phrase.split(' ').count()))
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(b.3.cmp(&a.3)).then_with(|| a.0.cmp(b.0))
    });
    let mut chosen: Vec<String> = Vec::new();
    for (phrase, _, _, _) in ranked {
        if chosen.len() >= config.derived_keywords {
            break;
        }
        let padded = format!(" {phrase} ");
        let overlaps = chosen.iter().any(|keyword| {
            let keyword_padded = format!(" {keyword} ");
            padded.contains(&keyword_padded) || keyword_padded.contains(&padded)
        });
        if !overlaps {
            chosen.push(phrase.to_owned());
        }
    }
    chosen
}

/// The most common `page_from_language` of `links` (ties: the first in alphabetical order).
fn majority_language(links: &[&Backlink]) -> Option<String> {
    // Lower-case each distinct value once, not once per link.
    let mut raw: HashMap<&str, usize> = HashMap::new();
    for link in links {
        if let Some(language) = link.page_from_language.as_deref() {
            *raw.entry(language).or_default() += 1;
        }
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (language, count) in raw {
        *counts.entry(language.to_lowercase()).or_default() += count;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(language, _)| language)
}

/// Every run of two to four consecutive words of a normalised anchor (each once).
fn sub_phrases(anchor: &str) -> Vec<String> {
    let words: Vec<&str> = anchor.split(' ').collect();
    let mut phrases: Vec<String> = Vec::new();
    for len in 2..=4 {
        for window in words.windows(len) {
            let phrase = window.join(" ");
            if !phrases.contains(&phrase) {
                phrases.push(phrase);
            }
        }
    }
    phrases
}

/// Audits the anchors of `target` against `competitors`.
///
/// # Distributions
///
/// For each site, two distributions over the classes (shares summing to 1):
/// - **by referring domain**: each registrable domain weighs one, split evenly over its distinct
///   anchors, so a sitewide footer link with ten thousand copies counts like any single mention;
/// - **by link**: each backlink row weighs one.
///
/// Only live links count unless [`AnchorConfig::include_lost`] is set. Profiles made of
/// referring-domain rows have no anchors: their [`SiteAnchors::anchors_available`] is `false` and
/// they are left out of every baseline.
///
/// # Over-optimization flags
///
/// Every flag names its [`AnchorRule`] and carries the value, the threshold it crossed and, for
/// relative rules, the competitors' baseline. The shares are by referring domain.
///
/// - [`AnchorRule::ExactShareAboveCompetitors`] / [`AnchorRule::PartialShareAboveCompetitors`]:
///   the share is above `median + max(mad_multiplier × MAD, spread_floor)` of the other sites'
///   shares (the target is compared with every competitor; each competitor with the other
///   competitors). Median and MAD (median absolute deviation) are used rather than mean and
///   standard deviation because one over-optimized competitor must not move the bar. The floor
///   (default 0.10) keeps a niche where every competitor has the same share (MAD 0) from flagging
///   tiny differences. Needs at least [`AnchorConfig::min_baseline_sites`] sites with anchors.
/// - [`AnchorRule::ExactShareAboveCeiling`] / [`AnchorRule::PartialShareAboveCeiling`]: the share
///   is above an absolute ceiling (defaults 0.30 and 0.50), levels no natural profile reaches
///   whatever the niche; they catch the case where all competitors are over-optimized too.
/// - [`AnchorRule::DominantMoneyAnchor`]: one exact- or partial-match anchor is used by more than
///   [`AnchorConfig::dominant_anchor_share`] (default 0.20) of the referring domains. Natural
///   profiles spread their keyword anchors; one phrase on a fifth of all domains is placed.
/// - Sample size: the four share rules above fire only on a site with at least
///   [`AnchorConfig::min_flag_domains`] (10) referring domains. With 4 domains, one keyword
///   anchor is a 25% share; such a number is noise, not over-optimization. When the target is
///   below the minimum, [`AnchorAudit::notes`] says so.
/// - [`AnchorRule::VerbatimRepeated`]: a partial-match or other anchor (not branded, and not
///   a keyword itself, which the exact-match rules cover) of at least
///   [`AnchorConfig::verbatim_min_words`] (4) words appears verbatim on at least
///   [`AnchorConfig::verbatim_min_domains`] (10) domains and
///   [`AnchorConfig::verbatim_min_share`] (2%) of them: independent authors do not pick the same
///   long phrase, while two- and three-word keywords are repeated naturally.
///
/// A site whose mix looks like its competitors' crosses none of these.
pub fn audit_anchors(
    target: &Profile,
    competitors: &[Profile],
    config: &AnchorConfig,
) -> AnchorAudit {
    let target_brands = config.brand_terms.clone().unwrap_or_else(|| brand_terms_for(&target.site));
    let (keywords, keywords_derived) = match &config.keywords {
        Some(keywords) => (clean_terms(keywords), false),
        None => (derive_keywords(competitors, &target_brands, config), true),
    };
    let mut notes = Vec::new();
    if keywords.is_empty() {
        notes.push(
            "no money keywords were given or could be derived: exact- and partial-match shares are zero"
                .to_owned(),
        );
    }
    let mut sorted_competitors: Vec<&Profile> = competitors.iter().collect();
    sorted_competitors.sort_by(|a, b| a.site.cmp(&b.site));
    let mut jobs: Vec<(&Profile, SiteRole, Vec<String>)> =
        vec![(target, SiteRole::Target, target_brands)];
    jobs.extend(
        sorted_competitors
            .iter()
            .map(|profile| (*profile, SiteRole::Competitor, brand_terms_for(&profile.site))),
    );
    let measured: Vec<Measured> = jobs
        .par_iter()
        .map(|(profile, role, brands)| {
            let ctx =
                AnchorContext::new(brands, &keywords).with_partial_overlap(config.partial_overlap);
            measure(profile, *role, &ctx, config)
        })
        .collect();
    let mut sites = Vec::with_capacity(measured.len());
    for (idx, site) in measured.iter().enumerate() {
        let others: Vec<&SiteAnchors> = measured
            .iter()
            .enumerate()
            .filter(|(other_idx, other)| {
                *other_idx != idx
                    && other.anchors.role == SiteRole::Competitor
                    && other.anchors.anchors_available
                    && other.anchors.domains > 0
            })
            .map(|(_, other)| &other.anchors)
            .collect();
        if site.anchors.role == SiteRole::Target {
            if !site.anchors.anchors_available {
                notes.push(format!(
                    "`{}` has only referring-domain rows: anchors are unavailable",
                    site.anchors.site
                ));
            } else if others.len() < config.min_baseline_sites {
                notes.push(format!(
                    "only {} competitors with anchors (fewer than {}): relative rules skipped",
                    others.len(),
                    config.min_baseline_sites
                ));
            }
            if site.anchors.anchors_available
                && site.anchors.domains > 0
                && site.anchors.domains < config.min_flag_domains
            {
                notes.push(format!(
                    "`{}` has {} referring domains (fewer than {}): share-based flags skipped",
                    site.anchors.site, site.anchors.domains, config.min_flag_domains
                ));
            }
        } else if !site.anchors.anchors_available {
            notes.push(format!(
                "competitor `{}` has only referring-domain rows: left out of the baseline",
                site.anchors.site
            ));
        }
        let flags = flag_site(site, &others, config);
        let mut anchors = site.anchors.clone();
        anchors.flags = flags;
        sites.push(anchors);
    }
    AnchorAudit { keywords, keywords_derived, sites, notes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Coverage;

    fn ctx() -> AnchorContext {
        AnchorContext::for_site(
            "trail-peak.com",
            &["hiking boots".to_owned(), "trail running shoes".to_owned()],
        )
    }

    #[test]
    fn classifies_each_anchor_class() {
        let check = |anchor: &str, expected: AnchorClass| {
            assert_eq!(classify_anchor(anchor, &ctx()), expected, "{anchor:?}");
        };
        check("Trail Peak", AnchorClass::Branded);
        check("TrailPeak", AnchorClass::Branded);
        check("the trailpeak shop", AnchorClass::Branded);
        check("TrailPeak hiking boots", AnchorClass::Compound);
        check("Hiking Boots", AnchorClass::ExactMatch);
        check("hiking boot", AnchorClass::ExactMatch);
        check("best lightweight hiking boots", AnchorClass::PartialMatch);
        check("running shoes", AnchorClass::PartialMatch);
        check("https://trail-peak.com/boots", AnchorClass::NakedUrl);
        check("www.trail-peak.com", AnchorClass::NakedUrl);
        check("Click here", AnchorClass::Generic);
        check("hier klicken", AnchorClass::Generic);
        check("en savoir plus", AnchorClass::Generic);
        check("подробнее", AnchorClass::Generic);
        check("", AnchorClass::ImageOrEmpty);
        check("  !! ", AnchorClass::ImageOrEmpty);
        check("my trip to the alps", AnchorClass::Other);
    }

    #[test]
    fn image_links_are_image_whatever_the_alt() {
        let link = Backlink {
            item_type: Some("image".to_owned()),
            anchor: Some("hiking boots".to_owned()),
            ..Backlink::default()
        };
        assert_eq!(classify_link(&link, &ctx()), AnchorClass::ImageOrEmpty);
    }

    #[test]
    fn brand_terms_come_from_the_domain() {
        assert_eq!(brand_terms_for("https://www.trail-peak.co.uk/x"), ["trail peak", "trailpeak"]);
        assert_eq!(brand_terms_for("trailpeak.com"), ["trailpeak"]);
        assert!(brand_terms_for("203.0.113.7").is_empty());
    }

    /// One link row from `domain` with `anchor`.
    fn link(domain: &str, anchor: &str) -> Backlink {
        Backlink {
            domain_from: domain.to_owned(),
            url_from: format!("https://{domain}/post"),
            domain_to: "site".to_owned(),
            url_to: "https://site/".to_owned(),
            anchor: Some(anchor.to_owned()),
            dofollow: true,
            ..Backlink::default()
        }
    }

    /// A profile of `site` where each `(anchor, n)` is used by `n` distinct domains.
    fn profile(site: &str, mix: &[(&str, usize)]) -> Profile {
        let mut rows = Vec::new();
        for (anchor_idx, (anchor, n)) in mix.iter().enumerate() {
            for idx in 0..*n {
                rows.push(link(&format!("src{anchor_idx}-{idx}.org"), anchor));
            }
        }
        Profile { site: site.to_owned(), coverage: Coverage::Complete, rows: Rows::Backlinks(rows) }
    }

    fn natural(site: &str, brand: &str) -> Profile {
        profile(
            site,
            &[
                (brand, 40),
                (site, 15),
                ("click here", 10),
                ("hiking boots", 6),
                ("waterproof hiking boots review", 4),
                ("trip report", 10),
                ("my gear list", 8),
                ("photos", 7),
            ],
        )
    }

    fn keyword_config() -> AnchorConfig {
        AnchorConfig { keywords: Some(vec!["hiking boots".to_owned()]), ..AnchorConfig::default() }
    }

    #[test]
    fn site_that_looks_like_its_competitors_is_not_flagged() {
        let target = natural("trailpeak.com", "trailpeak");
        let competitors = [
            natural("alpinegear.com", "alpinegear"),
            natural("summitshop.com", "summit shop"),
            natural("rockhop.com", "rockhop"),
        ];
        let audit = audit_anchors(&target, &competitors, &keyword_config());
        for site in &audit.sites {
            assert!(site.flags.is_empty(), "{}: {:?}", site.site, site.flags);
        }
        assert!(audit.notes.is_empty(), "{:?}", audit.notes);
    }

    #[test]
    fn over_optimized_target_is_flagged_with_numbers() {
        let target = profile(
            "trailpeak.com",
            &[("trailpeak", 20), ("hiking boots", 50), ("cheap hiking boots online", 30)],
        );
        let competitors = [
            natural("alpinegear.com", "alpinegear"),
            natural("summitshop.com", "summit shop"),
            natural("rockhop.com", "rockhop"),
        ];
        let audit = audit_anchors(&target, &competitors, &keyword_config());
        let flags = &audit.target().unwrap().flags;
        let rules: Vec<AnchorRule> = flags.iter().map(|flag| flag.rule).collect();
        assert_eq!(
            rules,
            [
                AnchorRule::ExactShareAboveCompetitors,
                AnchorRule::PartialShareAboveCompetitors,
                AnchorRule::ExactShareAboveCeiling,
                AnchorRule::DominantMoneyAnchor,
                AnchorRule::DominantMoneyAnchor,
                AnchorRule::VerbatimRepeated,
            ]
        );
        let exact = &flags[0];
        assert!((exact.value - 0.5).abs() < 1e-9);
        let baseline = exact.baseline.as_ref().unwrap();
        assert!((baseline.median - 0.06).abs() < 1e-9, "{baseline:?}");
        assert!((exact.threshold - 0.16).abs() < 1e-9);
        assert_eq!(flags[5].anchor.as_deref(), Some("cheap hiking boots online"));
        assert!(audit.sites[1..].iter().all(|site| site.flags.is_empty()));
    }

    #[test]
    fn share_flags_wait_for_enough_referring_domains() {
        // One money anchor among four referring domains: 25%, above the 20% dominant share and
        // the competitors' exact-match median + spread (16%), but only four domains.
        let target = profile("trailpeak.com", &[("hiking boots", 1), ("trailpeak", 3)]);
        let competitors = [
            natural("alpinegear.com", "alpinegear"),
            natural("summitshop.com", "summit shop"),
            natural("rockhop.com", "rockhop"),
        ];
        let audit = audit_anchors(&target, &competitors, &keyword_config());
        assert!(audit.target().unwrap().flags.is_empty(), "{:?}", audit.target());
        assert!(
            audit.notes.iter().any(|note| note.contains("has 4 referring domains (fewer than 10)")),
            "{:?}",
            audit.notes
        );
        let config = AnchorConfig { min_flag_domains: 4, ..keyword_config() };
        let audit = audit_anchors(&target, &competitors, &config);
        let rules: Vec<AnchorRule> =
            audit.target().unwrap().flags.iter().map(|flag| flag.rule).collect();
        assert_eq!(
            rules,
            [AnchorRule::ExactShareAboveCompetitors, AnchorRule::DominantMoneyAnchor]
        );
        assert!(audit.notes.is_empty(), "{:?}", audit.notes);
    }

    #[test]
    fn ceiling_rules_wait_for_enough_referring_domains_too() {
        // Two of five domains with the keyword: 40%, above the 30% exact-match ceiling.
        let target = profile("trailpeak.com", &[("hiking boots", 2), ("trailpeak", 3)]);
        let ceiling_only = AnchorConfig { min_baseline_sites: 99, ..keyword_config() };
        let audit = audit_anchors(&target, &[], &ceiling_only);
        assert!(audit.target().unwrap().flags.is_empty());
        let audit =
            audit_anchors(&target, &[], &AnchorConfig { min_flag_domains: 5, ..ceiling_only });
        let rules: Vec<AnchorRule> =
            audit.target().unwrap().flags.iter().map(|flag| flag.rule).collect();
        assert_eq!(rules, [AnchorRule::ExactShareAboveCeiling, AnchorRule::DominantMoneyAnchor]);
    }

    #[test]
    fn sitewide_links_weigh_one_domain() {
        let mut rows = vec![link("a.org", "trailpeak")];
        rows.extend((0..1000).map(|idx| Backlink {
            url_from: format!("https://spam.org/page{idx}"),
            ..link("spam.org", "hiking boots")
        }));
        let target = Profile {
            site: "trailpeak.com".into(),
            coverage: Coverage::Complete,
            rows: Rows::Backlinks(rows),
        };
        let audit = audit_anchors(&target, &[], &keyword_config());
        let site = audit.target().unwrap();
        assert_eq!(site.domains, 2);
        assert!((site.domain_share(AnchorClass::ExactMatch) - 0.5).abs() < 1e-9);
        let by_link =
            site.by_link.iter().find(|share| share.class == AnchorClass::ExactMatch).unwrap();
        assert!((by_link.share - 1000.0 / 1001.0).abs() < 1e-9);
    }

    #[test]
    fn domain_weight_is_split_over_its_anchors() {
        let rows = vec![
            link("a.org", "trailpeak"),
            link("a.org", "hiking boots"),
            link("b.org", "trailpeak"),
        ];
        let target = Profile {
            site: "trailpeak.com".into(),
            coverage: Coverage::Complete,
            rows: Rows::Backlinks(rows),
        };
        let site = audit_anchors(&target, &[], &keyword_config()).sites.remove(0);
        assert!((site.domain_share(AnchorClass::Branded) - 0.75).abs() < 1e-9);
        assert!((site.domain_share(AnchorClass::ExactMatch) - 0.25).abs() < 1e-9);
    }

    #[test]
    fn referring_domain_profiles_say_anchors_are_unavailable() {
        let target = Profile {
            site: "trailpeak.com".into(),
            coverage: Coverage::Complete,
            rows: Rows::ReferringDomains(Vec::new()),
        };
        let audit = audit_anchors(&target, &[], &keyword_config());
        assert!(!audit.sites[0].anchors_available);
        assert!(
            audit.notes.iter().any(|note| note.contains("anchors are unavailable")),
            "{:?}",
            audit.notes
        );
    }

    #[test]
    fn derives_keywords_shared_by_competitors() {
        let competitors = [
            profile(
                "alpinegear.com",
                &[("alpinegear", 10), ("hiking boots", 5), ("mountain tents", 2)],
            ),
            profile(
                "summitshop.com",
                &[("summitshop", 10), ("hiking boots", 3), ("click here", 9), ("ski wax", 4)],
            ),
        ];
        let keywords =
            derive_keywords(&competitors, &["trailpeak".to_owned()], &AnchorConfig::default());
        assert_eq!(keywords, ["hiking boots", "ski wax"]);
        let audit = audit_anchors(
            &profile("trailpeak.com", &[("hiking boots", 1)]),
            &competitors,
            &AnchorConfig::default(),
        );
        assert!(audit.keywords_derived);
        assert!((audit.target().unwrap().domain_share(AnchorClass::ExactMatch) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn derived_keywords_skip_spam_fragments_and_foreign_pages() {
        let mut competitor = profile(
            "alpinegear.com",
            &[
                ("top rated hiking boots", 4),
                ("hiking boots", 1),
                ("top rated sleeping bags", 4),
                ("best online casino", 9),
                ("crypto trading signals", 9),
            ],
        );
        if let Rows::Backlinks(rows) = &mut competitor.rows {
            for row in rows.iter_mut() {
                row.page_from_language = Some("en".into());
            }
            rows.extend((0..6).map(|idx| Backlink {
                page_from_language: Some("es".into()),
                ..link(&format!("es{idx}.es"), "botas de montaña")
            }));
        }
        let keywords = derive_keywords(&[competitor], &[], &AnchorConfig::default());
        // "hiking boots" is used verbatim once and inside four longer anchors; "top rated" is
        // never an anchor of its own; spam and the Spanish-page anchor are not the niche's.
        assert_eq!(keywords, ["hiking boots", "top rated sleeping bags"]);
    }

    #[test]
    fn audit_is_independent_of_input_order() {
        let target = natural("trailpeak.com", "trailpeak");
        let mut competitors = vec![
            natural("alpinegear.com", "alpinegear"),
            profile("rockhop.com", &[("hiking boots", 9), ("rockhop", 3)]),
        ];
        let first = audit_anchors(&target, &competitors, &AnchorConfig::default());
        competitors.reverse();
        let mut shuffled_target = target.clone();
        if let Rows::Backlinks(rows) = &mut shuffled_target.rows {
            rows.reverse();
        }
        let second = audit_anchors(&shuffled_target, &competitors, &AnchorConfig::default());
        assert_eq!(first, second);
        let single_thread = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let third = single_thread
            .install(|| audit_anchors(&shuffled_target, &competitors, &AnchorConfig::default()));
        assert_eq!(first, third);
    }

    #[test]
    fn empty_profiles_have_zero_shares_and_no_flags() {
        let audit = audit_anchors(&profile("trailpeak.com", &[]), &[], &AnchorConfig::default());
        let site = audit.target().unwrap();
        assert_eq!((site.links, site.domains), (0, 0));
        assert!(site.by_domain.iter().all(|share| share.share == 0.0));
        assert!(site.flags.is_empty());
        assert!(audit.notes.iter().any(|note| note.contains("no money keywords")));
    }
}
