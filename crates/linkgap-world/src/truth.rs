//! The generator's ground truth: what was planted in a generated world, written as `truth.json`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::generate::GenConfig;

/// Everything the generator planted, so tests can score analysis results independently.
///
/// Host lists are sorted; "domain" means the registrable domain by the Public Suffix List
/// (ICANN and private sections, so `alice.blogspot.com` is its own domain).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroundTruth {
    /// The config that produced the world (regenerate with it to get the same bytes).
    pub config: GenConfig,
    /// The target's registrable domain.
    pub target: String,
    /// The competitors' registrable domains.
    pub competitors: Vec<String>,
    /// The target first, then the competitors in config order.
    pub sites: Vec<TruthSite>,
    /// Planted private blog networks.
    pub networks: Vec<TruthNetwork>,
    /// Planted link farms.
    pub farms: Vec<TruthFarm>,
    /// The recent burst of new low-rank links to one site (negative SEO), if planted.
    pub negative_seo: Option<TruthBurst>,
    /// Every spam host: network members, farm members and burst hosts.
    pub spam_hosts: Vec<String>,
    /// Registrable domains of [`GroundTruth::spam_hosts`].
    pub spam_domains: Vec<String>,
    /// Sites (registrable domains) whose anchor mix was generated over-optimized.
    pub over_optimized: Vec<String>,
    /// Hosts on shared blog platforms (`*.blogspot.com`, ...): they share IPs and subnets with
    /// each other legitimately and are not spam.
    pub platform_hosts: Vec<String>,
    /// Source hosts that have no `domains.jsonl` line (their attributes are derived).
    pub hosts_without_domain_row: Vec<String>,
    /// Number of backlink rows.
    pub backlinks: usize,
}

/// One target or competitor and who links to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthSite {
    /// Registrable domain (`summitgear.co.uk`).
    pub domain: String,
    /// `"target"` or `"competitor"`.
    pub role: String,
    /// Hosts that receive its links (`www.summitgear.co.uk`, `blog.summitgear.co.uk`).
    pub hosts: Vec<String>,
    /// Brand name used in branded anchors.
    pub brand: String,
    /// Money keywords used in exact and partial anchors.
    pub keywords: Vec<String>,
    /// Its anchor mix was generated exact-match heavy.
    pub over_optimized: bool,
    /// Registrable domains with at least one live link to it (its own domain excluded).
    pub referring_domains: Vec<String>,
    /// Registrable domains with any link to it, live or lost (its own domain excluded).
    pub referring_domains_including_lost: Vec<String>,
    /// Registrable domains whose every link to it is lost.
    pub lost_referring_domains: Vec<String>,
    /// Backlink rows pointing at it (internal ones included).
    pub backlinks: usize,
    /// Live backlink rows pointing at it (internal ones included).
    pub live_backlinks: usize,
}

/// A planted private blog network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthNetwork {
    /// 0-based id.
    pub id: usize,
    /// Member hosts.
    pub members: Vec<String>,
    /// Registrable domains of the members.
    pub member_domains: Vec<String>,
    /// The /24 every member is on (`"203.0.113.0/24"`).
    pub subnet: String,
    /// The one IP a part of the members share.
    pub shared_ip: String,
    /// The members on [`TruthNetwork::shared_ip`].
    pub shared_ip_members: Vec<String>,
    /// Registrable domains the network links to (besides its own members).
    pub links_to: Vec<String>,
    /// Members link to each other (sitewide footer links).
    pub interlinked: bool,
    /// Members whose rows carry a high `backlink_spam_score` (the rest look clean).
    pub high_spam_score_members: Vec<String>,
}

/// A planted link farm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthFarm {
    /// 0-based id.
    pub id: usize,
    /// Member hosts.
    pub members: Vec<String>,
    /// Registrable domains of the members.
    pub member_domains: Vec<String>,
    /// Registrable domains the farm links to.
    pub links_to: Vec<String>,
    /// Smallest `page_from_external_links` of its rows.
    pub min_external_links: u32,
    /// Members whose rows carry a high `backlink_spam_score`.
    pub high_spam_score_members: Vec<String>,
}

/// A recent burst of new links from low-rank hosts to one site (the negative-SEO pattern).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthBurst {
    /// The registrable domain under attack.
    pub site: String,
    /// The attacking hosts.
    pub hosts: Vec<String>,
    /// Registrable domains of the attacking hosts.
    pub member_domains: Vec<String>,
    /// Number of backlink rows in the burst.
    pub links: usize,
    /// First day of the burst (`yyyy-mm-dd`, inclusive).
    pub first_seen_from: String,
    /// Last day of the burst (`yyyy-mm-dd`, inclusive).
    pub first_seen_to: String,
    /// Highest `domain_from_rank` among the attacking hosts.
    pub max_rank: u32,
}

impl GroundTruth {
    /// Reads a `truth.json`.
    pub fn load(path: &Path) -> Result<GroundTruth, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::Read { path: path.to_owned(), source })?;
        serde_json::from_str(&text).map_err(|source| Error::Json { path: path.to_owned(), source })
    }

    /// Writes `truth.json` (pretty JSON, trailing newline; byte-identical for equal truths).
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|source| Error::Json { path: path.to_owned(), source })?;
        text.push('\n');
        std::fs::write(path, text).map_err(|source| Error::Write { path: path.to_owned(), source })
    }

    /// The truth entry of one target or competitor.
    pub fn site(&self, domain: &str) -> Option<&TruthSite> {
        self.sites.iter().find(|site| site.domain == domain)
    }
}
