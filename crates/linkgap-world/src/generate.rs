//! The deterministic world generator: an outdoor-gear niche with planted networks, farms and a burst.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::names::{
    CMSS, DEFAULT_COMPETITORS, FIRST_OCTETS, FOREIGN_MONEY_ANCHORS, GENERIC_ANCHORS, KEYWORDS,
    NAME_HEADS, NAME_TAILS, PARTIAL_TEMPLATES, PBN_TLDS, PBN_WORDS, PEOPLE, PLATFORMS, SECTIONS,
    SERVERS, SLUG_TEMPLATES, SPAM_ANCHORS, SPAM_TLDS, SPAM_WORDS, SUFFIXES,
};
use crate::record::{WorldBacklink, WorldDomain};
use crate::timestamp::format_timestamp;
use crate::truth::{GroundTruth, TruthBurst, TruthFarm, TruthNetwork, TruthSite};
use crate::world::{Compression, World};

/// What to generate. The same config gives byte-identical output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenConfig {
    /// Seed of the random generator.
    pub seed: u64,
    /// Number of ordinary referring sites (spam hosts come on top, scaled with it). About 5
    /// backlink rows per site result.
    pub size: usize,
    /// The target's registrable domain.
    pub target: String,
    /// The competitors' registrable domains.
    pub competitors: Vec<String>,
    /// Sites (target or competitors) whose anchor mix is generated exact-match heavy.
    pub over_optimized: Vec<String>,
    /// The site that receives the recent burst of low-rank links (negative SEO); `None` plants none.
    pub negative_seo_site: Option<String>,
    /// The crawl date: every date of the world is on or before it. No clock is read.
    pub today: NaiveDate,
    /// How many days of history before `today` the first-seen dates spread over.
    pub history_days: u32,
}

impl Default for GenConfig {
    fn default() -> GenConfig {
        GenConfig {
            seed: 42,
            size: 500,
            target: "trailpeak.com".to_owned(),
            competitors: DEFAULT_COMPETITORS.iter().map(|&domain| domain.to_owned()).collect(),
            over_optimized: vec!["ridgeline-outdoors.com".to_owned()],
            negative_seo_site: Some("trailpeak.com".to_owned()),
            today: NaiveDate::from_ymd_opt(2026, 3, 31).expect("a valid date"),
            history_days: 540,
        }
    }
}

/// A generated world and what was planted in it.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneratedWorld {
    /// The backlink and domain rows.
    pub world: World,
    /// The ground truth (`truth.json`).
    pub truth: GroundTruth,
}

impl GeneratedWorld {
    /// Writes the world into `dir` ([`World::write`]) and the truth as `dir/truth.json`.
    pub fn write(&self, dir: &std::path::Path, compression: Compression) -> Result<(), Error> {
        self.world.write(dir, compression)?;
        self.truth.write(&dir.join("truth.json"))
    }
}

/// Generates a world from `config`; deterministic (no clock, no hash order, one seeded `ChaCha8` generator).
///
/// What it plants (rates are per row or per site and fixed in the code):
///
/// - **Sites.** The target and competitors, each on its main host (`www.` or bare) plus a
///   `blog.` host, with three money keywords each from an outdoor-gear list; a few internal links
///   from the `blog.` host to the main host.
/// - **Ordinary referring sites** (`config.size` of them): popularity follows a power law (the
///   site at popularity position `i` gets about `(size / (i + 1))^0.85` pages per linked site, and
///   domain ranks fall from about 900 to about 30 along the same order); the top 2% link to most
///   of the six sites, the rest to one or two, weighted so that the target is weaker than its best
///   competitors (gaps exist). Hosts: `www.` (55%), bare (30%) or a subdomain (15%), sometimes a
///   second subdomain; suffixes include `.co.uk`, `.org.uk`, `.com.au`, `.co.nz` and ccTLDs; 12% are
///   hosted blogs (`alice…blogspot.com`, `…wixsite.com`, `…github.io`, `…netlify.app`,
///   `…pages.dev`, each its own registrable domain, sharing the platform's IPs). Every other site
///   has its own /24. Pages shared between linked sites give page intersections.
/// - **Links.** Natural anchor mix (branded 34%, naked URL 18%, generic 14%, partial 16%, brand +
///   keyword 6%, exact 6%, image 6%), or for `config.over_optimized` sites exact 44% and partial
///   24%; about 20% nofollow (`nofollow`, `ugc`, `sponsored`; forums mostly `ugc`); image links
///   with empty anchor, alt and image URL; 10% lost; 2% to an old URL that redirects, 1% broken,
///   0.5% `redirect` items; first-seen dates spread over `config.history_days`.
/// - **Networks** (`2 + size / 400`): 5 to `min(30, 6 + size / 40)` members on one /24, at least
///   two on one shared IP, sitewide footer links (`links_count` 2-6) with exact-match-heavy
///   anchors to one or two sites, members interlinking, built within one month; a high
///   `backlink_spam_score` on only about half of the members.
/// - **Farms** (`1 + size / 300`): 3-8 hosts on spam TLDs (`.xyz`, `.top`, `.click`, ...), rank
///   0-40, pages with 500-5000 external links, off-topic anchors (casino, pharma, loans),
///   foreign-language money anchors and exact matches, linking to most sites.
/// - **Negative-SEO burst** (to `config.negative_seo_site`): `min(120, 10 + size / 25)` new hosts
///   of rank 0-12 on spam TLDs, first seen in the 14 days before `today`, with spam anchors.
/// - **`domains.jsonl`**: a row per host except about 4% of source hosts (derived values apply).
///
/// About 5 backlink rows per ordinary site result (the default size 500 gives about 2,500).
pub fn generate(config: &GenConfig) -> GeneratedWorld {
    let mut generator = Generator::new(config);
    let sites = generator.sites();
    generator.ordinary_sites(&sites);
    generator.internal_links(&sites);
    let networks = generator.networks(&sites);
    let farms = generator.farms(&sites);
    let burst = generator.burst(&sites);
    generator.finish(&sites, networks, farms, burst)
}

/// One target or competitor.
struct Site {
    domain: String,
    host: String,
    blog_host: String,
    brand: String,
    compact: String,
    keywords: Vec<&'static str>,
    over_optimized: bool,
    weight: f64,
}

/// Attributes of one generated host.
#[derive(Clone)]
struct Host {
    registrable: String,
    ip: String,
    rank: u32,
    spam_score: u32,
    country: String,
    language: &'static str,
    platform: Vec<String>,
    tld: String,
    domain_row: bool,
    server: &'static str,
    cms: Option<&'static str>,
    platform_hosted: bool,
}

/// A source page.
struct Page {
    host: String,
    url: String,
    title: String,
    rank: u32,
    external: u32,
    internal: u32,
}

/// Kinds of anchor text, in the order of the mix weight arrays.
#[derive(Clone, Copy)]
enum AnchorKind {
    Branded,
    Naked,
    Generic,
    Partial,
    Compound,
    Exact,
    Image,
}

const ANCHOR_KINDS: [AnchorKind; 7] = [
    AnchorKind::Branded,
    AnchorKind::Naked,
    AnchorKind::Generic,
    AnchorKind::Partial,
    AnchorKind::Compound,
    AnchorKind::Exact,
    AnchorKind::Image,
];
const NATURAL_MIX: [u32; 7] = [34, 18, 14, 16, 6, 6, 6];
const OVER_OPTIMIZED_MIX: [u32; 7] = [10, 6, 5, 24, 5, 44, 6];
const NETWORK_MIX: [u32; 7] = [12, 3, 0, 25, 0, 60, 0];

/// Platform types of ordinary sites, with weights.
const PLATFORM_TYPES: [(&[&str], u32); 8] = [
    (&["cms", "blogs"], 35),
    (&["organization"], 15),
    (&["blogs"], 15),
    (&["news"], 10),
    (&["message-boards"], 10),
    (&["ecommerce"], 5),
    (&["wikis"], 3),
    (&[], 7),
];

const SEMANTIC_LOCATIONS: [(Option<&str>, u32); 8] = [
    (Some("article"), 60),
    (Some("main"), 10),
    (Some("section"), 10),
    (Some("aside"), 8),
    (Some("footer"), 4),
    (Some("nav"), 2),
    (Some("header"), 1),
    (None, 5),
];

const TEXT_PRE: [&str; 5] =
    ["I picked mine up from", "Check out", "We compared offers from", "According to", "Thanks to"];
const TEXT_POST: [&str; 5] = [
    "for the trip.",
    "if you need more options.",
    "(not sponsored).",
    "last season.",
    "and never looked back.",
];

struct Generator<'c> {
    config: &'c GenConfig,
    rng: ChaCha8Rng,
    rows: Vec<WorldBacklink>,
    used_names: BTreeSet<String>,
    used_subnets: BTreeSet<[u8; 3]>,
    hosts: BTreeMap<String, Host>,
    pages_per_host: BTreeMap<String, u32>,
    site_hosts: BTreeMap<String, String>,
}

impl<'c> Generator<'c> {
    fn new(config: &'c GenConfig) -> Generator<'c> {
        let mut used_subnets = BTreeSet::new();
        for platform in &PLATFORMS {
            used_subnets.extend(platform.subnets);
        }
        Generator {
            config,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            rows: Vec::new(),
            used_names: BTreeSet::new(),
            used_subnets,
            hosts: BTreeMap::new(),
            pages_per_host: BTreeMap::new(),
            site_hosts: BTreeMap::new(),
        }
    }

    // ----- random helpers -----

    fn chance(&mut self, probability: f64) -> bool {
        self.rng.random_bool(probability.clamp(0.0, 1.0))
    }

    fn between(&mut self, low: u32, high: u32) -> u32 {
        self.rng.random_range(low..=high.max(low))
    }

    fn unit(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.rng.random_range(0..total);
        for (idx, &weight) in weights.iter().enumerate() {
            if roll < weight {
                return idx;
            }
            roll -= weight;
        }
        weights.len() - 1
    }

    /// A fresh /24 (first three octets) no other host uses.
    fn fresh_subnet(&mut self) -> [u8; 3] {
        loop {
            let subnet = [
                self.pick(&FIRST_OCTETS),
                self.rng.random_range(0..=255),
                self.rng.random_range(0..=255),
            ];
            if self.used_subnets.insert(subnet) {
                return subnet;
            }
        }
    }

    fn fresh_ip(&mut self) -> String {
        let subnet = self.fresh_subnet();
        let last = self.rng.random_range(2..=254_u8);
        ip(subnet, last)
    }

    /// Claims `name` (a registrable domain) if unused, else the first free `name` with a number.
    fn claim(&mut self, label: &str, suffix: &str) -> String {
        let mut candidate = format!("{label}.{suffix}");
        let mut counter = 2;
        while !self.used_names.insert(candidate.clone()) {
            candidate = format!("{label}{counter}.{suffix}");
            counter += 1;
        }
        candidate
    }

    fn timestamp(&mut self, day: NaiveDate) -> DateTime<Utc> {
        let seconds = self.rng.random_range(0..86_400);
        day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()
            + chrono::Duration::seconds(seconds)
    }

    fn random_day_ago(&mut self, low: u32, high: u32) -> NaiveDate {
        let days = self.between(low, high);
        self.days_ago(days)
    }

    fn days_ago(&self, days: u32) -> NaiveDate {
        self.config.today.checked_sub_days(Days::new(u64::from(days))).unwrap_or(NaiveDate::MIN)
    }

    // ----- sites -----

    fn sites(&mut self) -> Vec<Site> {
        let domains: Vec<String> = std::iter::once(self.config.target.clone())
            .chain(self.config.competitors.iter().cloned())
            .collect();
        let count = domains.len();
        let mut sites = Vec::with_capacity(count);
        for (idx, domain) in domains.into_iter().enumerate() {
            self.used_names.insert(domain.clone());
            let host = if idx % 3 == 1 { domain.clone() } else { format!("www.{domain}") };
            let blog_host = format!("blog.{domain}");
            let label = domain.split('.').next().unwrap_or(&domain).to_owned();
            let brand = label
                .split('-')
                .map(|word| {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_uppercase().chain(chars).collect::<String>()
                    })
                })
                .collect::<Vec<_>>()
                .join(" ");
            let compact = label.replace('-', "");
            let keywords =
                vec![KEYWORDS[idx % 10], KEYWORDS[(idx + 3) % 10], KEYWORDS[(idx + 7) % 10]];
            // The target is a little weaker than the strongest competitors, so gaps exist.
            let weight =
                if idx == 0 { 0.55 } else { 1.0 - 0.55 * ((idx - 1) as f64) / (count as f64) };
            let subnet = self.fresh_subnet();
            let site_ip = ip(subnet, 10);
            let rank = 520_u32.saturating_sub(40 * idx as u32).max(200);
            for site_host in [&host, &blog_host] {
                self.hosts.insert(
                    site_host.clone(),
                    Host {
                        registrable: domain.clone(),
                        ip: site_ip.clone(),
                        rank,
                        spam_score: 2,
                        country: country_of(&domain).unwrap_or("US").to_owned(),
                        language: "en",
                        platform: vec!["ecommerce".to_owned()],
                        tld: suffix_of(&domain),
                        domain_row: true,
                        server: "cloudflare",
                        cms: Some("Shopify"),
                        platform_hosted: false,
                    },
                );
                self.site_hosts.insert(site_host.clone(), domain.clone());
            }
            sites.push(Site {
                over_optimized: self.config.over_optimized.contains(&domain),
                domain,
                host,
                blog_host,
                brand,
                compact,
                keywords,
                weight,
            });
        }
        sites
    }

    // ----- ordinary referring sites -----

    fn ordinary_sites(&mut self, sites: &[Site]) {
        let size = self.config.size.max(1);
        for idx in 0..size {
            let position = idx as f64 / size as f64;
            let hosts = self.ordinary_hosts(position);
            let popularity = (size as f64 / (idx as f64 + 1.0)).powf(0.85);
            let chosen = self.choose_sites(sites, idx < size / 50);
            let counts: Vec<usize> = chosen
                .iter()
                .map(|_| {
                    let draw = self.unit();
                    1 + ((popularity * draw * draw * 0.6) as usize).min(150)
                })
                .collect();
            let pool_size = counts.iter().copied().max().unwrap_or(1);
            let pages: Vec<Page> = (0..pool_size)
                .map(|_| {
                    let host = if hosts.len() > 1 && self.chance(0.25) {
                        hosts[1].clone()
                    } else {
                        hosts[0].clone()
                    };
                    self.page(&host, (5, 80), (20, 200))
                })
                .collect();
            for (&site_idx, &count) in chosen.iter().zip(&counts) {
                let mut order: Vec<usize> = (0..pool_size).collect();
                for pos in 0..count {
                    let swap = self.rng.random_range(pos..pool_size);
                    order.swap(pos, swap);
                }
                for &page_idx in &order[..count] {
                    self.ordinary_link(&pages[page_idx], &sites[site_idx]);
                }
            }
        }
    }

    /// Creates one ordinary referring site and returns its hosts (primary first).
    fn ordinary_hosts(&mut self, position: f64) -> Vec<String> {
        let platform_hosted = self.chance(0.12);
        let base_rank = 900.0 * (-3.5 * position).exp() * (0.8 + 0.4 * self.unit());
        let mut rank = base_rank.round().clamp(1.0, 1000.0) as u32;
        let (registrable, hosts, country, language, subnet, platform, tld);
        if platform_hosted {
            let weights: Vec<u32> = PLATFORMS.iter().map(|platform| platform.weight).collect();
            let chosen = &PLATFORMS[self.weighted(&weights)];
            let label = format!("{}{}", self.pick(&PEOPLE), self.pick(&NAME_TAILS));
            registrable = self.claim(&label, chosen.suffix);
            hosts = vec![registrable.clone()];
            country = self.pick(&["US", "US", "GB", "CA", "AU", "DE"]).to_owned();
            language = "en";
            subnet = chosen.subnets[self.rng.random_range(0..2)];
            platform = vec!["blogs".to_owned()];
            tld = chosen.suffix.rsplit('.').next().unwrap_or(chosen.suffix).to_owned();
            rank = rank * 2 / 3;
        } else {
            let weights: Vec<u32> = SUFFIXES.iter().map(|suffix| suffix.weight).collect();
            let suffix = &SUFFIXES[self.weighted(&weights)];
            let head = self.pick(&NAME_HEADS);
            let tail = self.pick(&NAME_TAILS);
            let label =
                if self.chance(0.3) { format!("{head}-{tail}") } else { format!("{head}{tail}") };
            registrable = self.claim(&label, suffix.name);
            let primary = match self.weighted(&[55, 30, 15]) {
                0 => format!("www.{registrable}"),
                1 => registrable.clone(),
                _ => format!(
                    "{}.{registrable}",
                    self.pick(&["blog", "news", "forum", "community", "en"])
                ),
            };
            let mut all = vec![primary];
            if self.chance(0.1) {
                let secondary = format!(
                    "{}.{registrable}",
                    self.pick(&["shop", "help", "travel", "outdoors", "m"])
                );
                all.push(secondary);
            }
            hosts = all;
            country = match suffix.country {
                Some(country) => country.to_owned(),
                None => {
                    self.pick(&["US", "US", "US", "US", "GB", "CA", "DE", "AU", "NL"]).to_owned()
                }
            };
            language = suffix.language.unwrap_or("en");
            subnet = self.fresh_subnet();
            let types: Vec<u32> = PLATFORM_TYPES.iter().map(|(_, weight)| *weight).collect();
            let types = PLATFORM_TYPES[self.weighted(&types)].0;
            platform = types.iter().map(|&kind| kind.to_owned()).collect();
            tld = suffix.name.to_owned();
        }
        let spam_score = if self.chance(0.1) { self.between(15, 35) } else { self.between(0, 15) };
        let domain_row = !self.chance(0.04);
        let last = self.rng.random_range(2..=254_u8);
        let server = self.pick(&SERVERS);
        let cms = if self.chance(0.6) { Some(self.pick(&CMSS)) } else { None };
        for host in &hosts {
            self.hosts.insert(
                host.clone(),
                Host {
                    registrable: registrable.clone(),
                    ip: ip(subnet, last),
                    rank,
                    spam_score,
                    country: country.clone(),
                    language,
                    platform: platform.clone(),
                    tld: tld.clone(),
                    domain_row,
                    server,
                    cms,
                    platform_hosted,
                },
            );
        }
        hosts
    }

    /// Which sites an ordinary site links to: the top 2% link to most, the rest to one or two.
    fn choose_sites(&mut self, sites: &[Site], popular: bool) -> Vec<usize> {
        if popular {
            let mut chosen: Vec<usize> = (0..sites.len()).filter(|_| self.chance(0.85)).collect();
            if chosen.len() < 2 {
                chosen = (0..sites.len().min(2)).collect();
            }
            return chosen;
        }
        let wanted = (self.weighted(&[60, 22, 10, 5, 2, 1]) + 1).min(sites.len());
        let mut weights: Vec<f64> = sites.iter().map(|site| site.weight).collect();
        let mut chosen = Vec::with_capacity(wanted);
        for _ in 0..wanted {
            let total: f64 = weights.iter().sum();
            let mut roll = self.unit() * total;
            let mut pick = weights.len() - 1;
            for (idx, &weight) in weights.iter().enumerate() {
                if weight > 0.0 && roll < weight {
                    pick = idx;
                    break;
                }
                roll -= weight;
            }
            while weights[pick] <= 0.0 {
                pick = (pick + 1) % weights.len();
            }
            weights[pick] = 0.0;
            chosen.push(pick);
        }
        chosen.sort_unstable();
        chosen
    }

    /// A new page on `host` with external and internal link counts in the given ranges.
    fn page(&mut self, host: &str, external: (u32, u32), internal: (u32, u32)) -> Page {
        let counter = self.pages_per_host.entry(host.to_owned()).or_insert(0);
        *counter += 1;
        let number = *counter;
        let keyword = self.pick(&KEYWORDS).replace(' ', "-");
        let slug = self.pick(&SLUG_TEMPLATES).replace("{}", &keyword);
        let section = self.pick(&SECTIONS);
        let url = format!("https://{host}/{section}/{slug}-{number}/");
        let title = title_case(&slug.replace('-', " "));
        let host_rank = self.hosts.get(host).map_or(0, |info| info.rank);
        let rank = (f64::from(host_rank) * (0.3 + 0.65 * self.unit())).round() as u32;
        Page {
            host: host.to_owned(),
            url,
            title,
            rank,
            external: self.between(external.0, external.1),
            internal: self.between(internal.0, internal.1),
        }
    }

    /// The source-side fields of a row from `page` to `url_to` on `domain_to`.
    fn base_row(&mut self, page: &Page, domain_to: &str, url_to: String) -> WorldBacklink {
        let host = self.hosts.get(&page.host).cloned().expect("every page's host is registered");
        WorldBacklink {
            domain_from: page.host.clone(),
            url_from: page.url.clone(),
            domain_to: domain_to.to_owned(),
            url_to,
            domain_from_rank: host.rank,
            page_from_rank: page.rank,
            rank: page.rank / 2,
            backlink_spam_score: host.spam_score,
            domain_from_ip: Some(host.ip),
            domain_from_country: Some(host.country),
            domain_from_platform_type: Some(host.platform),
            tld_from: Some(host.tld),
            page_from_external_links: Some(page.external),
            page_from_internal_links: Some(page.internal),
            page_from_language: Some(host.language.to_owned()),
            page_from_encoding: Some("utf-8".to_owned()),
            page_from_title: Some(page.title.clone()),
            page_from_status_code: Some(200),
            item_type: Some("anchor".to_owned()),
            url_to_status_code: Some(200),
            ..WorldBacklink::default()
        }
    }

    /// Sets first/prev/last seen: live, or lost when `lost` says so.
    fn set_dates(&mut self, row: &mut WorldBacklink, first_day: NaiveDate, lost: bool) {
        let today = self.config.today;
        let first = self.timestamp(first_day);
        let days_live = (today - first_day).num_days().max(0) as u32;
        if lost && days_live > 8 {
            let lost_day = first_day + Days::new(u64::from(self.between(7, days_live - 1)));
            let last = self.timestamp(lost_day).max(first);
            let prev_day = lost_day
                .checked_sub_days(Days::new(u64::from(self.between(7, 30))))
                .unwrap_or(first_day)
                .max(first_day);
            let prev = self.timestamp(prev_day).clamp(first, last);
            row.is_lost = true;
            row.first_seen = Some(format_timestamp(first));
            row.prev_seen = Some(format_timestamp(prev));
            row.last_seen = Some(format_timestamp(last));
            return;
        }
        let last_day = self.random_day_ago(0, 14).max(first_day);
        let last = self.timestamp(last_day).max(first);
        let prev_day = last_day
            .checked_sub_days(Days::new(u64::from(self.between(7, 45))))
            .unwrap_or(first_day)
            .max(first_day);
        let prev = self.timestamp(prev_day).clamp(first, last);
        row.is_new = first_day >= self.days_ago(7);
        row.first_seen = Some(format_timestamp(first));
        row.prev_seen = Some(format_timestamp(prev));
        row.last_seen = Some(format_timestamp(last));
    }

    /// A destination URL on `site`, with the host it is on.
    fn destination(&mut self, site: &Site) -> (String, String) {
        let keyword = self.pick(&site.keywords).replace(' ', "-");
        match self.weighted(&[25, 30, 25, 10, 10]) {
            0 => (site.host.clone(), format!("https://{}/", site.host)),
            1 => (site.host.clone(), format!("https://{}/products/{keyword}", site.host)),
            2 => (site.host.clone(), format!("https://{}/guides/{keyword}-guide", site.host)),
            3 => (site.host.clone(), format!("https://{}/collections/{keyword}", site.host)),
            _ => (site.blog_host.clone(), format!("https://{}/{keyword}-tips/", site.blog_host)),
        }
    }

    /// Anchor text (and image alt) of a given kind for `site`.
    fn anchor(&mut self, kind: AnchorKind, site: &Site) -> (String, Option<String>) {
        let keyword = self.pick(&site.keywords);
        let text = match kind {
            AnchorKind::Branded => {
                if self.chance(0.6) {
                    site.brand.clone()
                } else {
                    site.compact.clone()
                }
            }
            AnchorKind::Naked => match self.weighted(&[50, 20, 30]) {
                0 => site.domain.clone(),
                1 => site.host.clone(),
                _ => format!("https://{}/", site.host),
            },
            AnchorKind::Generic => self.pick(&GENERIC_ANCHORS).to_owned(),
            AnchorKind::Partial => self.pick(&PARTIAL_TEMPLATES).replace("{}", keyword),
            AnchorKind::Compound => {
                if self.chance(0.5) {
                    format!("{} {keyword}", site.brand)
                } else {
                    format!("{keyword} from {}", site.brand)
                }
            }
            AnchorKind::Exact => keyword.to_owned(),
            AnchorKind::Image => {
                let alt = match self.weighted(&[40, 40, 20]) {
                    0 => format!("{} logo", site.brand),
                    1 => keyword.to_owned(),
                    _ => String::new(),
                };
                return (String::new(), Some(alt));
            }
        };
        (text, None)
    }

    /// Makes `row` an image link (empty anchor, alt text, image URL).
    fn make_image(&mut self, row: &mut WorldBacklink, alt: String) {
        let number = self.between(100, 9999);
        row.item_type = Some("image".to_owned());
        row.anchor = Some(String::new());
        row.alt = Some(alt);
        row.image_url =
            Some(format!("https://{}/wp-content/uploads/img-{number}.jpg", row.domain_from));
    }

    fn ordinary_link(&mut self, page: &Page, site: &Site) {
        let (domain_to, url_to) = self.destination(site);
        let mut row = self.base_row(page, &domain_to, url_to);
        let mix = if site.over_optimized { &OVER_OPTIMIZED_MIX } else { &NATURAL_MIX };
        let kind = ANCHOR_KINDS[self.weighted(mix)];
        let (text, alt) = self.anchor(kind, site);
        if let Some(alt) = alt {
            self.make_image(&mut row, alt);
        } else {
            row.anchor = Some(text);
            if self.chance(0.5) {
                row.text_pre = Some(self.pick(&TEXT_PRE).to_owned());
                row.text_post = Some(self.pick(&TEXT_POST).to_owned());
            }
        }
        let forum = row
            .domain_from_platform_type
            .as_ref()
            .is_some_and(|types| types.iter().any(|kind| kind == "message-boards"));
        if forum && self.chance(0.7) {
            row.dofollow = false;
            row.attributes = Some(vec!["ugc".to_owned()]);
        } else if self.chance(0.2) {
            row.dofollow = false;
            let rel = ["nofollow", "nofollow", "nofollow", "ugc", "sponsored"];
            row.attributes = Some(vec![self.pick(&rel).to_owned()]);
        } else if self.chance(0.1) {
            row.attributes = Some(vec!["noopener".to_owned()]);
        }
        if !row.dofollow {
            row.rank = page.rank / 8;
        }
        let locations: Vec<u32> = SEMANTIC_LOCATIONS.iter().map(|(_, weight)| *weight).collect();
        row.semantic_location = SEMANTIC_LOCATIONS[self.weighted(&locations)].0.map(str::to_owned);
        row.links_count = if self.chance(0.1) { 2 } else { 1 };
        row.original = !self.chance(0.1);
        if self.chance(0.5) {
            row.url_to_spam_score = Some(self.between(0, 8));
        }
        let roll = self.unit();
        if roll < 0.02 {
            // An old URL that now redirects to its new home.
            let target = row.url_to.clone();
            row.url_to = format!("http://{}/old/{}", site.domain, self.between(100, 999));
            row.url_to_status_code = Some(301);
            row.url_to_redirect_target = Some(target);
            row.is_indirect_link = self.chance(0.5);
        } else if roll < 0.03 {
            row.is_broken = true;
            row.url_to_status_code = Some(404);
        } else if roll < 0.035 {
            row.item_type = Some("redirect".to_owned());
            row.anchor = None;
            row.text_pre = None;
            row.text_post = None;
            row.semantic_location = None;
        }
        let history = self.config.history_days.max(30);
        let first_day = self.random_day_ago(14, history);
        let lost = self.chance(0.1);
        self.set_dates(&mut row, first_day, lost);
        self.rows.push(row);
    }

    /// A few links from each site's blog subdomain to its main host (internal backlinks).
    fn internal_links(&mut self, sites: &[Site]) {
        for site in sites {
            for _ in 0..self.between(2, 4) {
                let page = self.page(&site.blog_host.clone(), (3, 20), (30, 120));
                let url_to = format!("https://{}/", site.host);
                let mut row = self.base_row(&page, &site.host, url_to);
                row.anchor = Some(site.brand.clone());
                row.semantic_location = Some("article".to_owned());
                let history = self.config.history_days.max(30);
                let first_day = self.random_day_ago(14, history);
                self.set_dates(&mut row, first_day, false);
                self.rows.push(row);
            }
        }
    }

    /// Registers a spam host with its own attributes.
    fn spam_host(&mut self, host: &str, registrable: &str, ip: String, rank: u32, spam_score: u32) {
        let tld = registrable.split_once('.').map_or(registrable, |(_, tld)| tld).to_owned();
        let platform = if self.chance(0.7) { vec!["blogs".to_owned()] } else { Vec::new() };
        let domain_row = !self.chance(0.04);
        let server = self.pick(&SERVERS);
        let country = self.pick(&["US", "US", "RU", "VN", "IN", "NL"]).to_owned();
        self.hosts.insert(
            host.to_owned(),
            Host {
                registrable: registrable.to_owned(),
                ip,
                rank,
                spam_score,
                country,
                language: "en",
                platform,
                tld,
                domain_row,
                server,
                cms: Some("WordPress"),
                platform_hosted: false,
            },
        );
    }

    // ----- planted networks -----

    fn networks(&mut self, sites: &[Site]) -> Vec<TruthNetwork> {
        let mut beneficiaries: Vec<usize> =
            (0..sites.len()).filter(|&idx| sites[idx].over_optimized).collect();
        beneficiaries.extend((1..sites.len()).filter(|&idx| !sites[idx].over_optimized));
        if !sites.is_empty() && !sites[0].over_optimized {
            beneficiaries.push(0);
        }
        let count = 2 + self.config.size / 400;
        let max_members = (6 + self.config.size / 40).min(30) as u32;
        let history = self.config.history_days.max(90);
        let mut networks = Vec::with_capacity(count);
        for network_idx in 0..count {
            let mut links_to = vec![beneficiaries[network_idx % beneficiaries.len()]];
            if network_idx % 2 == 1 && beneficiaries.len() > 1 {
                links_to.push(beneficiaries[(network_idx + 1) % beneficiaries.len()]);
            }
            let subnet = self.fresh_subnet();
            let shared_last = self.rng.random_range(2..=250_u8);
            let shared_ip = ip(subnet, shared_last);
            let n_members = self.between(5, max_members) as usize;
            let mut members = Vec::with_capacity(n_members);
            let mut shared_members = Vec::new();
            let mut high_members = Vec::new();
            let mut used_last = BTreeSet::from([shared_last]);
            for member_idx in 0..n_members {
                let label = format!(
                    "{}{}",
                    self.pick(&PBN_WORDS),
                    self.pick(&["", "hq", "pro", "daily", "online", "now"])
                );
                let tld = self.pick(&PBN_TLDS);
                let registrable = self.claim(&label, tld);
                let host = if self.chance(0.5) {
                    format!("www.{registrable}")
                } else {
                    registrable.clone()
                };
                // At least two members share the IP, so both the IP and the subnet signal fire.
                let on_shared = member_idx < 2 || self.chance(0.3);
                let member_ip = if on_shared {
                    shared_members.push(host.clone());
                    shared_ip.clone()
                } else {
                    let mut last = self.rng.random_range(2..=254_u8);
                    while !used_last.insert(last) {
                        last = self.rng.random_range(2..=254_u8);
                    }
                    ip(subnet, last)
                };
                // Some members look clean to the API's spam score, so other signals must find them.
                let high = member_idx == 0 || (member_idx > 1 && self.chance(0.45));
                let spam_score = if high { self.between(55, 90) } else { self.between(3, 25) };
                if high {
                    high_members.push(host.clone());
                }
                let rank = self.between(15, 180);
                self.spam_host(&host, &registrable, member_ip, rank, spam_score);
                members.push(host);
            }
            let start_day = self.random_day_ago(60, history - 30);
            for member in &members {
                let member_first = start_day + Days::new(u64::from(self.between(0, 30)));
                let n_pages = self.between(3, 12);
                let member_pages: Vec<Page> =
                    (0..n_pages).map(|_| self.page(member, (8, 40), (80, 300))).collect();
                for page in &member_pages {
                    for &site_idx in &links_to {
                        let site = &sites[site_idx];
                        let (domain_to, url_to) = self.destination(site);
                        let mut row = self.base_row(page, &domain_to, url_to);
                        let kind = ANCHOR_KINDS[self.weighted(&NETWORK_MIX)];
                        row.anchor = Some(self.anchor(kind, site).0);
                        row.semantic_location = Some("footer".to_owned());
                        row.links_count = self.between(2, 6);
                        let lost = self.chance(0.05);
                        self.set_dates(&mut row, member_first, lost);
                        self.rows.push(row);
                    }
                }
                // Interlinks: sitewide footer links to a few fellow members.
                let n_partners = self.between(2, 4).min(members.len() as u32 - 1);
                let mut partners: Vec<&String> =
                    members.iter().filter(|other| *other != member).collect();
                for pos in 0..n_partners as usize {
                    let swap = self.rng.random_range(pos..partners.len());
                    partners.swap(pos, swap);
                }
                for partner in partners.into_iter().take(n_partners as usize) {
                    for page in member_pages.iter().take(self.between(1, 3) as usize) {
                        let mut row = self.base_row(page, partner, format!("https://{partner}/"));
                        let keyword = self.pick(&KEYWORDS);
                        row.anchor = Some(if self.chance(0.5) {
                            keyword.to_owned()
                        } else {
                            partner.clone()
                        });
                        row.semantic_location = Some("footer".to_owned());
                        row.links_count = self.between(2, 6);
                        self.set_dates(&mut row, member_first, false);
                        self.rows.push(row);
                    }
                }
            }
            let mut link_domains: Vec<String> =
                links_to.iter().map(|&idx| sites[idx].domain.clone()).collect();
            link_domains.sort();
            networks.push(TruthNetwork {
                id: network_idx,
                member_domains: sorted(members.iter().map(|host| self.registrable(host))),
                members: sorted(members),
                subnet: format!("{}.{}.{}.0/24", subnet[0], subnet[1], subnet[2]),
                shared_ip,
                shared_ip_members: sorted(shared_members),
                links_to: link_domains,
                interlinked: true,
                high_spam_score_members: sorted(high_members),
            });
        }
        networks
    }

    // ----- link farms -----

    fn farms(&mut self, sites: &[Site]) -> Vec<TruthFarm> {
        let count = 1 + self.config.size / 300;
        let history = self.config.history_days.max(30);
        let mut farms = Vec::with_capacity(count);
        for farm_idx in 0..count {
            let n_members = self.between(3, 8);
            let mut members = Vec::new();
            let mut high_members = Vec::new();
            let mut links_to = BTreeSet::new();
            let mut min_external = u32::MAX;
            for _ in 0..n_members {
                let (host, registrable) = self.spammy_name();
                let high = members.is_empty() || self.chance(0.5);
                let spam_score = if high { self.between(60, 100) } else { self.between(5, 30) };
                if high {
                    high_members.push(host.clone());
                }
                let rank = self.between(0, 40);
                let host_ip = self.fresh_ip();
                self.spam_host(&host, &registrable, host_ip, rank, spam_score);
                let n_sites = self.between(3.min(sites.len() as u32), sites.len() as u32);
                let mut order: Vec<usize> = (0..sites.len()).collect();
                for pos in 0..n_sites as usize {
                    let swap = self.rng.random_range(pos..order.len());
                    order.swap(pos, swap);
                }
                for &site_idx in &order[..n_sites as usize] {
                    let site = &sites[site_idx];
                    links_to.insert(site.domain.clone());
                    for _ in 0..self.between(1, 3) {
                        let page = self.page(&host, (500, 5000), (5, 40));
                        min_external = min_external.min(page.external);
                        let (domain_to, url_to) = self.destination(site);
                        let mut row = self.base_row(&page, &domain_to, url_to);
                        self.spam_anchor(&mut row, site);
                        row.semantic_location =
                            if self.chance(0.5) { Some("main".to_owned()) } else { None };
                        row.dofollow = self.chance(0.85);
                        if !row.dofollow {
                            row.attributes = Some(vec!["nofollow".to_owned()]);
                        }
                        let first_day = self.random_day_ago(14, history);
                        let lost = self.chance(0.15);
                        self.set_dates(&mut row, first_day, lost);
                        self.rows.push(row);
                    }
                }
                members.push(host);
            }
            farms.push(TruthFarm {
                id: farm_idx,
                member_domains: sorted(members.iter().map(|host| self.registrable(host))),
                members: sorted(members),
                links_to: links_to.into_iter().collect(),
                min_external_links: min_external,
                high_spam_score_members: sorted(high_members),
            });
        }
        farms
    }

    /// A fresh spammy host name and its registrable domain.
    fn spammy_name(&mut self) -> (String, String) {
        let mut label = format!("{}{}", self.pick(&SPAM_WORDS), self.pick(&SPAM_WORDS));
        if self.chance(0.4) {
            label = format!("{label}-{}", self.between(1, 99));
        }
        let tld = self.pick(&SPAM_TLDS);
        let registrable = self.claim(&label, tld);
        let host =
            if self.chance(0.3) { format!("www.{registrable}") } else { registrable.clone() };
        (host, registrable)
    }

    /// Spam-style anchor: off-topic, exact money, foreign money or naked URL.
    fn spam_anchor(&mut self, row: &mut WorldBacklink, site: &Site) {
        match self.weighted(&[45, 25, 15, 15]) {
            0 => row.anchor = Some(self.pick(&SPAM_ANCHORS).to_owned()),
            1 => row.anchor = Some(self.pick(&site.keywords).to_owned()),
            2 => {
                let (text, language) = self.pick(&FOREIGN_MONEY_ANCHORS);
                row.anchor = Some(text.to_owned());
                row.page_from_language = Some(language.to_owned());
            }
            _ => row.anchor = Some(site.domain.clone()),
        }
    }

    // ----- negative-SEO burst -----

    fn burst(&mut self, sites: &[Site]) -> Option<TruthBurst> {
        let victim_domain = self.config.negative_seo_site.clone()?;
        let site = sites.iter().find(|site| site.domain == victim_domain)?;
        let n_hosts = (10 + self.config.size / 25).min(120);
        let mut hosts = Vec::with_capacity(n_hosts);
        let mut links = 0;
        let mut max_rank = 0;
        let from = self.days_ago(14);
        let to = self.days_ago(1);
        for _ in 0..n_hosts {
            let (host, registrable) = self.spammy_name();
            let rank = self.between(0, 12);
            max_rank = max_rank.max(rank);
            let spam_score =
                if self.chance(0.4) { self.between(60, 100) } else { self.between(5, 35) };
            let host_ip = self.fresh_ip();
            self.spam_host(&host, &registrable, host_ip, rank, spam_score);
            for _ in 0..self.between(1, 3) {
                let page = self.page(&host, (50, 800), (5, 60));
                let (domain_to, url_to) = self.destination(site);
                let mut row = self.base_row(&page, &domain_to, url_to);
                self.spam_anchor(&mut row, site);
                let first_day = self.random_day_ago(1, 14);
                self.set_dates(&mut row, first_day, false);
                self.rows.push(row);
                links += 1;
            }
            hosts.push(host);
        }
        Some(TruthBurst {
            site: site.domain.clone(),
            member_domains: sorted(hosts.iter().map(|host| self.registrable(host))),
            hosts: sorted(hosts),
            links,
            first_seen_from: from.to_string(),
            first_seen_to: to.to_string(),
            max_rank,
        })
    }

    // ----- assembly -----

    fn registrable(&self, host: &str) -> String {
        self.hosts.get(host).map_or_else(|| host.to_owned(), |info| info.registrable.clone())
    }

    fn finish(
        self,
        sites: &[Site],
        networks: Vec<TruthNetwork>,
        farms: Vec<TruthFarm>,
        burst: Option<TruthBurst>,
    ) -> GeneratedWorld {
        let sources: BTreeSet<&str> =
            self.rows.iter().map(|row| row.domain_from.as_str()).collect();
        let mut domains = Vec::new();
        let mut without_row = Vec::new();
        let mut platform_hosts = Vec::new();
        for (host, info) in &self.hosts {
            if info.platform_hosted {
                platform_hosts.push(host.clone());
            }
            if !info.domain_row {
                if sources.contains(host.as_str()) {
                    without_row.push(host.clone());
                }
                continue;
            }
            domains.push(WorldDomain {
                domain: host.clone(),
                rank: Some(info.rank),
                spam_score: Some(info.spam_score),
                ip: Some(info.ip.clone()),
                country: Some(info.country.clone()),
                platform_type: Some(info.platform.clone()),
                server: Some(info.server.to_owned()),
                cms: info.cms.map(str::to_owned),
            });
        }
        let mut spam_hosts: BTreeSet<String> = BTreeSet::new();
        for network in &networks {
            spam_hosts.extend(network.members.iter().cloned());
        }
        for farm in &farms {
            spam_hosts.extend(farm.members.iter().cloned());
        }
        if let Some(burst) = &burst {
            spam_hosts.extend(burst.hosts.iter().cloned());
        }
        let spam_domains = sorted(spam_hosts.iter().map(|host| self.registrable(host)));
        let truth_sites =
            sites.iter().enumerate().map(|(idx, site)| self.truth_site(idx, site)).collect();
        let truth = GroundTruth {
            config: self.config.clone(),
            target: self.config.target.clone(),
            competitors: self.config.competitors.clone(),
            sites: truth_sites,
            networks,
            farms,
            negative_seo: burst,
            spam_hosts: spam_hosts.into_iter().collect(),
            spam_domains,
            over_optimized: sites
                .iter()
                .filter(|site| site.over_optimized)
                .map(|site| site.domain.clone())
                .collect(),
            platform_hosts,
            hosts_without_domain_row: without_row,
            backlinks: self.rows.len(),
        };
        GeneratedWorld { world: World { backlinks: self.rows, domains }, truth }
    }

    fn truth_site(&self, idx: usize, site: &Site) -> TruthSite {
        let mut live = BTreeSet::new();
        let mut any = BTreeSet::new();
        let mut backlinks = 0;
        let mut live_backlinks = 0;
        for row in &self.rows {
            if self.site_hosts.get(&row.domain_to) != Some(&site.domain) {
                continue;
            }
            backlinks += 1;
            if !row.is_lost {
                live_backlinks += 1;
            }
            let source = self.registrable(&row.domain_from);
            if source == site.domain {
                continue;
            }
            if !row.is_lost {
                live.insert(source.clone());
            }
            any.insert(source);
        }
        let lost = any.difference(&live).cloned().collect();
        TruthSite {
            domain: site.domain.clone(),
            role: if idx == 0 { "target" } else { "competitor" }.to_owned(),
            hosts: sorted([site.host.clone(), site.blog_host.clone()]),
            brand: site.brand.clone(),
            keywords: site.keywords.iter().map(|&keyword| keyword.to_owned()).collect(),
            over_optimized: site.over_optimized,
            referring_domains: live.into_iter().collect(),
            referring_domains_including_lost: any.into_iter().collect(),
            lost_referring_domains: lost,
            backlinks,
            live_backlinks,
        }
    }
}

fn ip(subnet: [u8; 3], last: u8) -> String {
    format!("{}.{}.{}.{last}", subnet[0], subnet[1], subnet[2])
}

fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = items.into_iter().collect();
    set.into_iter().collect()
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The public suffix of a site domain among the generator's known suffixes (else its last label).
fn suffix_of(domain: &str) -> String {
    SUFFIXES
        .iter()
        .map(|suffix| suffix.name)
        .filter(|suffix| suffix.contains('.') && domain.ends_with(&format!(".{suffix}")))
        .max_by_key(|suffix| suffix.len())
        .unwrap_or_else(|| domain.rsplit('.').next().unwrap_or(domain))
        .to_owned()
}

fn country_of(domain: &str) -> Option<&'static str> {
    let suffix = suffix_of(domain);
    SUFFIXES.iter().find(|known| known.name == suffix).and_then(|known| known.country)
}

#[cfg(test)]
mod tests;
