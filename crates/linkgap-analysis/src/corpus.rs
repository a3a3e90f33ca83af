//! The interned, compact form of many profiles: u32 ids for hosts, domains and pages, 32-byte rows.
//!
//! Preparation does every string operation once (host normalisation, Public Suffix lookups,
//! interning); the analyses then run over integer rows only. Ids are assigned in sorted string
//! order, so a corpus built from the same profiles is identical whatever their order.

use std::fmt;
use std::hash::BuildHasher;

use chrono::NaiveDate;
use hashbrown::{DefaultHashBuilder, HashTable};
use rayon::prelude::*;

use crate::domain::{Domain, subnet24};
use crate::error::DomainErrorKind;
use crate::profile::{Backlink, Coverage, Profile, ReferringDomain, Rows};

/// Marks an absent id (no page, no anchor, no IP).
pub(crate) const NONE: u32 = u32::MAX;
/// Marks an unknown rank or date in a [`Fact`].
pub(crate) const UNKNOWN16: u16 = u16::MAX;
/// Marks an unknown spam score in a [`Fact`].
pub(crate) const UNKNOWN8: u8 = u8::MAX;
/// [`Fact::flags`] bit: the link is lost.
pub(crate) const LOST: u8 = 1;
/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// One row of a profile in compact form: 32 bytes, no strings.
///
/// Field order is the sort order of a site's rows: by host, then page, so that the rows of one
/// registrable domain, host or page are contiguous (host ids are sorted by domain, page ids by
/// host). The remaining fields make the order total, so that row order never depends on input order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Fact {
    /// Source host id.
    pub(crate) host: u32,
    /// Source page id; [`NONE`] for referring-domain rows.
    pub(crate) page: u32,
    /// Anchor id; [`NONE`] when empty or unknown.
    pub(crate) anchor: u32,
    /// Source IP id; [`NONE`] when unknown.
    pub(crate) ip: u32,
    /// Links this row stands for: 1 for a backlink, the backlink count of a referring domain.
    pub(crate) links: u32,
    /// Of those, dofollow links.
    pub(crate) dofollow_links: u32,
    /// First seen, in days since 1970-01-01; [`UNKNOWN16`] when unknown.
    pub(crate) first_seen: u16,
    /// Last seen (or lost date), in days since 1970-01-01; [`UNKNOWN16`] when unknown.
    pub(crate) last_seen: u16,
    /// Source rank (0-1000); [`UNKNOWN16`] when unknown.
    pub(crate) rank: u16,
    /// API spam score (0-100); [`UNKNOWN8`] when unknown.
    pub(crate) spam: u8,
    /// Bit flags ([`LOST`]).
    pub(crate) flags: u8,
}

impl Fact {
    pub(crate) fn is_lost(&self) -> bool {
        self.flags & LOST != 0
    }
}

/// Converts a date to compact days; dates before 1970 or after 2149 become unknown.
pub(crate) fn date_to_days(date: Option<NaiveDate>) -> u16 {
    let Some(date) = date else { return UNKNOWN16 };
    let days = i64::from(chrono::Datelike::num_days_from_ce(&date)) - i64::from(EPOCH_DAYS_FROM_CE);
    u16::try_from(days).ok().filter(|&days| days != UNKNOWN16).unwrap_or(UNKNOWN16)
}

/// Converts compact days back to a date.
pub(crate) fn days_to_date(days: u16) -> Option<NaiveDate> {
    if days == UNKNOWN16 {
        return None;
    }
    NaiveDate::from_num_days_from_ce_opt(i32::from(days) + EPOCH_DAYS_FROM_CE)
}

/// Interned strings in one arena.
#[derive(Clone, Default)]
pub(crate) struct Strings {
    arena: String,
    /// `ends[i]` is the end of string `i` in `arena`; it starts at `ends[i - 1]` (or 0).
    ends: Vec<usize>,
}

impl Strings {
    #[inline]
    pub(crate) fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.arena[start..self.ends[id]]
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn push(&mut self, text: &str) -> u32 {
        self.arena.push_str(text);
        self.ends.push(self.arena.len());
        (self.ends.len() - 1) as u32
    }

    /// Heap bytes held.
    fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.capacity() * size_of::<usize>()
    }

    /// The strings in the order of `order` (old ids), and the old-to-new id map.
    fn reorder(&self, order: &[u32]) -> (Strings, Vec<u32>) {
        let mut strings = Strings {
            arena: String::with_capacity(self.arena.len()),
            ends: Vec::with_capacity(order.len()),
        };
        let mut remap = vec![NONE; self.len()];
        for &old in order {
            remap[old as usize] = strings.push(self.get(old));
        }
        (strings, remap)
    }

    /// The strings sorted, and the old-to-new id map.
    fn sorted(&self) -> (Strings, Vec<u32>) {
        self.sorted_by_key(|_| 0)
    }

    /// The strings sorted by `(group(id), string)`, and the old-to-new id map.
    ///
    /// Sorts `(group, &str, id)` tuples rather than ids with a comparator, so that each
    /// comparison reads its keys directly instead of looking them up (several times faster on
    /// millions of pages).
    fn sorted_by_key(&self, group: impl Fn(u32) -> u32 + Sync) -> (Strings, Vec<u32>) {
        let mut keyed: Vec<(u32, &str, u32)> = (0..self.len() as u32)
            .into_par_iter()
            .map(|id| (group(id), self.get(id), id))
            .collect();
        keyed.par_sort_unstable();
        let order: Vec<u32> = keyed.into_iter().map(|(_, _, id)| id).collect();
        self.reorder(&order)
    }
}

impl fmt::Debug for Strings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Strings").field("len", &self.len()).finish_non_exhaustive()
    }
}

/// A string interner: an arena plus a hash table of ids, no allocation per string.
#[derive(Default)]
struct Interner {
    strings: Strings,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Interner {
    /// Room for `additional` more strings without rehashing.
    fn reserve(&mut self, additional: usize) {
        let (strings, hasher) = (&self.strings, &self.hasher);
        self.table.reserve(additional, |&id| hasher.hash_one(strings.get(id)));
    }

    /// The id of `text`, and whether it is new.
    fn intern(&mut self, text: &str) -> (u32, bool) {
        let hash = self.hasher.hash_one(text);
        let strings = &self.strings;
        if let Some(&id) = self.table.find(hash, |&id| strings.get(id) == text) {
            return (id, false);
        }
        let id = self.strings.push(text);
        let (strings, hasher) = (&self.strings, &self.hasher);
        self.table.insert_unique(hash, id, |&id| hasher.hash_one(strings.get(id)));
        (id, true)
    }
}

/// Whether a site is the target or a competitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Role {
    /// The site the analysis is for.
    Target,
    /// A site whose links the target wants.
    Competitor,
}

/// What kind of rows a prepared site has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Detail {
    /// No rows.
    Empty,
    /// Link-level rows only (anchors and pages known).
    Links,
    /// Domain-level rows only (no anchors, no pages).
    ReferringDomains,
    /// Both kinds (the site was given more than once).
    Mixed,
}

impl Detail {
    pub(crate) fn of(n_links: usize, n_domains: usize) -> Detail {
        match (n_links > 0, n_domains > 0) {
            (false, false) => Detail::Empty,
            (true, false) => Detail::Links,
            (false, true) => Detail::ReferringDomains,
            (true, true) => Detail::Mixed,
        }
    }
}

/// Why input was left out of an analysis. Bad input becomes one of these, never a panic.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Skipped {
    /// The site (profile) the input belonged to, as given.
    pub site: String,
    /// What was wrong.
    pub reason: SkipReason,
    /// How many rows (or profiles) had this problem.
    pub count: u64,
    /// The first offending value, as given (the smallest, so the report is stable).
    pub example: String,
}

/// What was wrong with skipped input.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SkipReason {
    /// The profile's own site is not a valid host.
    InvalidSite(String),
    /// A row's source host is not a valid host (the reason from [`DomainErrorKind`]).
    InvalidSource(String),
    /// A backlink row has no source URL.
    MissingSourceUrl,
    /// A competitor profile is the target's own site.
    CompetitorIsTarget,
    /// A second target with another site was given; only the first is analysed.
    SecondTarget,
    /// Page-level analysis needs backlink rows; this site has only referring-domain rows
    /// (`count` of them), so it takes no part at page level.
    NoPagesAtPageLevel,
    /// The corpus has no target profile.
    NoTarget,
    /// An entry of `exclude_domains` is not a valid host (the reason from [`DomainErrorKind`]).
    InvalidExclusion(String),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::InvalidSite(reason) => write!(f, "invalid site: {reason}"),
            SkipReason::InvalidSource(reason) => write!(f, "invalid source host: {reason}"),
            SkipReason::MissingSourceUrl => f.write_str("backlink without a source url"),
            SkipReason::CompetitorIsTarget => f.write_str("competitor is the target itself"),
            SkipReason::SecondTarget => f.write_str("a second target site was given"),
            SkipReason::NoPagesAtPageLevel => {
                f.write_str("referring-domain rows have no pages: left out at page level")
            }
            SkipReason::NoTarget => f.write_str("no target profile was given"),
            SkipReason::InvalidExclusion(reason) => write!(f, "invalid excluded domain: {reason}"),
        }
    }
}

/// A prepared site: its name, coverage and compact rows.
#[derive(Clone, Debug)]
pub(crate) struct Site {
    /// The normalised host of the site (or the trimmed input when it is not a valid host).
    pub(crate) name: String,
    /// The registrable domain of the site, when valid.
    pub(crate) registrable: Option<String>,
    pub(crate) coverage: Coverage,
    /// Link-level rows, sorted.
    pub(crate) links: Vec<Fact>,
    /// Domain-level rows (page = [`NONE`]), sorted.
    pub(crate) domains: Vec<Fact>,
}

impl Site {
    pub(crate) fn detail(&self) -> Detail {
        Detail::of(self.links.len(), self.domains.len())
    }
}

/// Many profiles (one target, any number of competitors) in interned, compact form.
///
/// Build it with [`prepare`] or a [`CorpusBuilder`] once, then run [`find_gaps`](crate::find_gaps)
/// on it as often as needed with different configurations.
#[derive(Clone)]
pub struct Corpus {
    /// Index 0 is the target (when there is one: see `has_target`), then competitors by name.
    pub(crate) sites: Vec<Site>,
    pub(crate) has_target: bool,
    /// Registrable domains, sorted.
    pub(crate) domains: Strings,
    /// Hosts, sorted by (domain id, host).
    pub(crate) hosts: Strings,
    pub(crate) host_domain: Vec<u32>,
    /// Source page URLs, sorted by (host id, URL).
    pub(crate) pages: Strings,
    /// Title id of each page, or [`NONE`].
    pub(crate) page_title: Vec<u32>,
    pub(crate) titles: Strings,
    /// Anchors, sorted.
    pub(crate) anchors: Strings,
    /// Source IPs, sorted.
    pub(crate) ips: Strings,
    /// The /24 (or /48) network of each IP, sorted, as [`subnet24`] writes them.
    pub(crate) subnets: Strings,
    /// Subnet id of each IP, or [`NONE`] when the IP does not parse.
    pub(crate) ip_subnet: Vec<u32>,
    pub(crate) skipped: Vec<Skipped>,
}

/// Sizes of a [`Corpus`], for capacity planning and the crate's memory figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CorpusStats {
    /// Sites (target and competitors).
    pub sites: usize,
    /// Rows of all sites.
    pub rows: usize,
    /// Distinct registrable source domains.
    pub domains: usize,
    /// Distinct source hosts.
    pub hosts: usize,
    /// Distinct source pages.
    pub pages: usize,
    /// Distinct anchors.
    pub anchors: usize,
    /// Bytes of one compact row.
    pub row_bytes: usize,
    /// Heap bytes of all rows.
    pub rows_heap_bytes: usize,
    /// Heap bytes of interned strings and id tables.
    pub strings_heap_bytes: usize,
}

impl fmt::Debug for Corpus {
    /// Sizes and sites only: a corpus can hold millions of rows.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Corpus")
            .field("target", &self.target())
            .field("competitors", &self.competitors())
            .field("stats", &self.stats())
            .field("skipped", &self.skipped)
            .finish_non_exhaustive()
    }
}

impl Corpus {
    /// Sizes and memory use.
    pub fn stats(&self) -> CorpusStats {
        let rows = self.sites.iter().map(|site| site.links.len() + site.domains.len()).sum();
        let rows_heap_bytes = self
            .sites
            .iter()
            .map(|site| (site.links.capacity() + site.domains.capacity()) * size_of::<Fact>())
            .sum();
        let tables =
            (self.host_domain.capacity() + self.page_title.capacity() + self.ip_subnet.capacity())
                * size_of::<u32>();
        let strings_heap_bytes = [
            &self.domains,
            &self.hosts,
            &self.pages,
            &self.titles,
            &self.anchors,
            &self.ips,
            &self.subnets,
        ]
        .iter()
        .map(|strings| strings.heap_bytes())
        .sum::<usize>()
            + tables;
        CorpusStats {
            sites: self.sites.len(),
            rows,
            domains: self.domains.len(),
            hosts: self.hosts.len(),
            pages: self.pages.len(),
            anchors: self.anchors.len(),
            row_bytes: size_of::<Fact>(),
            rows_heap_bytes,
            strings_heap_bytes,
        }
    }

    /// The target's normalised site, when a target was given.
    pub fn target(&self) -> Option<&str> {
        self.has_target.then(|| self.sites[0].name.as_str())
    }

    /// The competitors' normalised sites, sorted.
    pub fn competitors(&self) -> Vec<&str> {
        self.competitor_sites().iter().map(|site| site.name.as_str()).collect()
    }

    /// Input left out while preparing.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    pub(crate) fn competitor_sites(&self) -> &[Site] {
        if self.has_target { &self.sites[1..] } else { &self.sites }
    }
}

/// Prepares a target and its competitors for analysis (see [`CorpusBuilder`] to add them in
/// pieces).
pub fn prepare(target: &Profile, competitors: &[Profile]) -> Corpus {
    let mut builder = CorpusBuilder::new();
    builder.add(Role::Target, target);
    for competitor in competitors {
        builder.add(Role::Competitor, competitor);
    }
    builder.finish()
}

/// A site while it is being built.
struct SiteBuilder {
    name: String,
    registrable: Option<String>,
    coverage: Coverage,
    links: Vec<Fact>,
    domains: Vec<Fact>,
}

/// Builds a [`Corpus`] from profiles added one at a time (so huge inputs can be converted and
/// dropped piece by piece).
///
/// Profiles of the same site and role are merged: their rows are concatenated, and the result is
/// complete only when every piece was (a truncated merge counts the fetched rows of every piece and
/// the largest total). A competitor that is the target's own site is skipped.
#[derive(Default)]
pub struct CorpusBuilder {
    target: Option<SiteBuilder>,
    competitors: Vec<SiteBuilder>,
    /// Raw source host text to normalised host id, or why it is invalid (so a bad host is
    /// parsed once, not once per row).
    raw_hosts: Interner,
    raw_host_ids: Vec<Result<u32, DomainErrorKind>>,
    hosts: Interner,
    host_domain: Vec<u32>,
    domains: Interner,
    pages: Interner,
    /// Host of each page: the smallest (by domain, then host) seen with it.
    page_host: Vec<u32>,
    page_title: Vec<u32>,
    titles: Interner,
    anchors: Interner,
    ips: Interner,
    /// (site, reason) -> (count, smallest example).
    skipped: hashbrown::HashMap<(String, SkipReason), (u64, String)>,
}

impl fmt::Debug for CorpusBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorpusBuilder")
            .field("competitors", &self.competitors.len())
            .finish_non_exhaustive()
    }
}

impl CorpusBuilder {
    /// An empty builder.
    pub fn new() -> CorpusBuilder {
        CorpusBuilder::default()
    }

    /// Adds a profile in the given role.
    pub fn add(&mut self, role: Role, profile: &Profile) {
        let (name, registrable) = match Domain::parse(&profile.site) {
            Ok(domain) => (domain.host().to_owned(), Some(domain.registrable().to_owned())),
            Err(err) => {
                let name = profile.site.trim().to_ascii_lowercase();
                self.skip(&profile.site, SkipReason::InvalidSite(err.kind().to_string()), &name);
                (name, None)
            }
        };
        let target_name = self.target.as_ref().map(|target| target.name.clone());
        let site_idx = match role {
            Role::Target => match &target_name {
                Some(existing) if *existing != name => {
                    self.skip(&profile.site, SkipReason::SecondTarget, &name);
                    return;
                }
                Some(_) => None,
                None => {
                    self.target = Some(SiteBuilder::new(name, registrable, profile.coverage));
                    None
                }
            },
            Role::Competitor => {
                if target_name.as_deref() == Some(name.as_str()) {
                    self.skip(&profile.site, SkipReason::CompetitorIsTarget, &name);
                    return;
                }
                if let Some(idx) = self.competitors.iter().position(|site| site.name == name) {
                    Some(idx)
                } else {
                    self.competitors.push(SiteBuilder::new(name, registrable, profile.coverage));
                    Some(self.competitors.len() - 1)
                }
            }
        };
        let facts = match &profile.rows {
            Rows::Backlinks(rows) => {
                let facts: Vec<Fact> =
                    rows.iter().filter_map(|row| self.backlink_fact(&profile.site, row)).collect();
                (facts, Vec::new())
            }
            Rows::ReferringDomains(rows) => {
                // Each row is a distinct host of the profile: room for all of them at once.
                self.raw_hosts.reserve(rows.len());
                self.hosts.reserve(rows.len());
                let facts: Vec<Fact> = rows
                    .iter()
                    .filter_map(|row| self.referring_domain_fact(&profile.site, row))
                    .collect();
                (Vec::new(), facts)
            }
        };
        let site = match site_idx {
            Some(idx) => &mut self.competitors[idx],
            None => self.target.as_mut().expect("the target was set above"),
        };
        site.merge(profile.coverage, facts);
    }

    /// Finishes the corpus: assigns sorted ids and sorts every site's rows.
    pub fn finish(mut self) -> Corpus {
        let target = self.target.take();
        let has_target = target.is_some();
        if !has_target {
            self.skip("", SkipReason::NoTarget, "");
        }
        let mut competitors = std::mem::take(&mut self.competitors);
        let skipped = std::mem::take(&mut self.skipped);
        // Domains by name; hosts by (domain, host); pages by (host, URL).
        let (domains, domain_remap) = self.domains.strings.sorted();
        let (hosts, host_remap) = self
            .hosts
            .strings
            .sorted_by_key(|host| domain_remap[self.host_domain[host as usize] as usize]);
        let mut host_domain = vec![0; hosts.len()];
        for (old, &new) in host_remap.iter().enumerate() {
            host_domain[new as usize] = domain_remap[self.host_domain[old] as usize];
        }
        let (pages, page_remap) = self
            .pages
            .strings
            .sorted_by_key(|page| host_remap[self.page_host[page as usize] as usize]);
        let (titles, title_remap) = self.titles.strings.sorted();
        let mut page_title = vec![NONE; pages.len()];
        for (old, &new) in page_remap.iter().enumerate() {
            let title = self.page_title[old];
            page_title[new as usize] =
                if title == NONE { NONE } else { title_remap[title as usize] };
        }
        let (anchors, anchor_remap) = self.anchors.strings.sorted();
        let (ips, ip_remap) = self.ips.strings.sorted();
        // Subnets once per distinct IP, so no analysis parses or formats an IP per row.
        let mut subnet_interner = Interner::default();
        let provisional: Vec<u32> = (0..ips.len() as u32)
            .map(|ip| {
                subnet24(ips.get(ip)).map_or(NONE, |subnet| subnet_interner.intern(&subnet).0)
            })
            .collect();
        let (subnets, subnet_remap) = subnet_interner.strings.sorted();
        let ip_subnet = provisional
            .iter()
            .map(|&id| if id == NONE { NONE } else { subnet_remap[id as usize] })
            .collect();

        let remap = |fact: &mut Fact| {
            if fact.page == NONE {
                fact.host = host_remap[fact.host as usize];
            } else {
                // A page belongs to one host, whatever host a row claimed for it.
                fact.host = host_remap[self.page_host[fact.page as usize] as usize];
                fact.page = page_remap[fact.page as usize];
            }
            if fact.anchor != NONE {
                fact.anchor = anchor_remap[fact.anchor as usize];
            }
            if fact.ip != NONE {
                fact.ip = ip_remap[fact.ip as usize];
            }
        };
        let mut builders: Vec<SiteBuilder> = target.into_iter().collect();
        competitors.sort_by(|a, b| a.name.cmp(&b.name));
        builders.append(&mut competitors);
        let sites: Vec<Site> = builders
            .into_iter()
            .map(|mut site| {
                for rows in [&mut site.links, &mut site.domains] {
                    rows.par_iter_mut().for_each(remap);
                    rows.par_sort_unstable();
                }
                Site {
                    name: site.name,
                    registrable: site.registrable,
                    coverage: site.coverage,
                    links: site.links,
                    domains: site.domains,
                }
            })
            .collect();
        let mut skipped: Vec<Skipped> = skipped
            .into_iter()
            .map(|((site, reason), (count, example))| Skipped { site, reason, count, example })
            .collect();
        skipped.sort();
        Corpus {
            sites,
            has_target,
            domains,
            hosts,
            host_domain,
            pages,
            page_title,
            titles,
            anchors,
            ips,
            subnets,
            ip_subnet,
            skipped,
        }
    }

    fn skip(&mut self, site: &str, reason: SkipReason, example: &str) {
        let entry =
            self.skipped.entry((site.to_owned(), reason)).or_insert((0, example.to_owned()));
        entry.0 += 1;
        if example < entry.1.as_str() {
            example.clone_into(&mut entry.1);
        }
    }

    /// The normalised host id of a raw source host, or the reason it is invalid.
    fn source_host(&mut self, raw: &str) -> Result<u32, DomainErrorKind> {
        let (raw_id, is_new) = self.raw_hosts.intern(raw);
        if is_new {
            let host_id = match Domain::parse(raw) {
                Ok(domain) => {
                    let (host_id, host_is_new) = self.hosts.intern(domain.host());
                    if host_is_new {
                        let (domain_id, _) = self.domains.intern(domain.registrable());
                        self.host_domain.push(domain_id);
                    }
                    Ok(host_id)
                }
                Err(err) => Err(err.kind()),
            };
            self.raw_host_ids.push(host_id);
        }
        self.raw_host_ids[raw_id as usize]
    }

    fn optional_id(interner: &mut Interner, text: Option<&str>) -> u32 {
        match text.map(str::trim) {
            Some(text) if !text.is_empty() => interner.intern(text).0,
            _ => NONE,
        }
    }

    fn backlink_fact(&mut self, site: &str, row: &Backlink) -> Option<Fact> {
        let host = match self.source_host(&row.domain_from) {
            Ok(host) => host,
            Err(err) => {
                self.skip(site, SkipReason::InvalidSource(err.to_string()), &row.domain_from);
                return None;
            }
        };
        let url = row.url_from.trim();
        let url = url.split_once('#').map_or(url, |(url, _fragment)| url);
        if url.is_empty() {
            self.skip(site, SkipReason::MissingSourceUrl, &row.domain_from);
            return None;
        }
        let (page, page_is_new) = self.pages.intern(url);
        let title = Self::optional_id(&mut self.titles, row.page_from_title.as_deref());
        if page_is_new {
            self.page_host.push(host);
            self.page_title.push(title);
        } else {
            let page_idx = page as usize;
            let known_host = self.page_host[page_idx];
            if known_host != host && self.host_key(host) < self.host_key(known_host) {
                self.page_host[page_idx] = host;
            }
            let known_title = self.page_title[page_idx];
            if title != NONE
                && (known_title == NONE
                    || self.titles.strings.get(title) < self.titles.strings.get(known_title))
            {
                self.page_title[page_idx] = title;
            }
        }
        Some(Fact {
            host,
            page,
            anchor: Self::optional_id(&mut self.anchors, row.anchor.as_deref()),
            ip: Self::optional_id(&mut self.ips, row.domain_from_ip.as_deref()),
            links: 1,
            dofollow_links: u32::from(row.dofollow),
            first_seen: date_to_days(row.first_seen),
            last_seen: date_to_days(row.last_seen),
            rank: compact_rank(row.domain_from_rank),
            spam: row.backlink_spam_score.map_or(UNKNOWN8, |score| score.min(100)),
            flags: if row.is_lost { LOST } else { 0 },
        })
    }

    /// The sort key of a host while ids are still provisional.
    fn host_key(&self, host: u32) -> (&str, &str) {
        let domain = self.host_domain[host as usize];
        (self.domains.strings.get(domain), self.hosts.strings.get(host))
    }

    fn referring_domain_fact(&mut self, site: &str, row: &ReferringDomain) -> Option<Fact> {
        let host = match self.source_host(&row.domain) {
            Ok(host) => host,
            Err(err) => {
                self.skip(site, SkipReason::InvalidSource(err.to_string()), &row.domain);
                return None;
            }
        };
        // A referring domain stands for at least one link, even when the count is missing.
        let links = u32::try_from(row.backlinks).unwrap_or(u32::MAX).max(1);
        // Unknown nofollow counts are taken as dofollow: `None` means unknown, and dropping
        // every domain-level row under `dofollow_only` would hide the whole profile.
        let nofollow = row.nofollow_backlinks.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
        Some(Fact {
            host,
            page: NONE,
            anchor: NONE,
            ip: Self::optional_id(&mut self.ips, row.ip.as_deref()),
            links,
            dofollow_links: links.saturating_sub(nofollow),
            first_seen: date_to_days(row.first_seen),
            last_seen: date_to_days(row.lost_date),
            rank: compact_rank(row.rank),
            spam: row.backlinks_spam_score.map_or(UNKNOWN8, |score| score.min(100)),
            flags: if row.lost_date.is_some() { LOST } else { 0 },
        })
    }
}

fn compact_rank(rank: Option<u32>) -> u16 {
    rank.map_or(UNKNOWN16, |rank| rank.min(u32::from(UNKNOWN16 - 1)) as u16)
}

impl SiteBuilder {
    fn new(name: String, registrable: Option<String>, coverage: Coverage) -> SiteBuilder {
        let coverage = match coverage {
            Coverage::Complete => Coverage::Complete,
            // Start from zero: `merge` adds every piece, this first one included.
            Coverage::Truncated { total, .. } => Coverage::Truncated { fetched: 0, total },
        };
        SiteBuilder { name, registrable, coverage, links: Vec::new(), domains: Vec::new() }
    }

    fn merge(&mut self, coverage: Coverage, (links, domains): (Vec<Fact>, Vec<Fact>)) {
        let piece_rows = (links.len() + domains.len()) as u64;
        self.coverage = match (self.coverage, coverage) {
            (Coverage::Complete, Coverage::Complete) => Coverage::Complete,
            (Coverage::Complete, Coverage::Truncated { fetched, total }) => {
                let before = (self.links.len() + self.domains.len()) as u64;
                Coverage::Truncated { fetched: before + fetched, total }
            }
            (Coverage::Truncated { fetched, total }, Coverage::Complete) => {
                Coverage::Truncated { fetched: fetched + piece_rows, total }
            }
            (
                Coverage::Truncated { fetched, total },
                Coverage::Truncated { fetched: more, total: other },
            ) => Coverage::Truncated { fetched: fetched + more, total: total.max(other) },
        };
        self.links.extend(links);
        self.domains.extend(domains);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn link(from: &str, url: &str) -> Backlink {
        Backlink {
            domain_from: from.to_owned(),
            url_from: url.to_owned(),
            dofollow: true,
            ..Backlink::default()
        }
    }

    fn profile(site: &str, rows: Vec<Backlink>) -> Profile {
        Profile { site: site.to_owned(), coverage: Coverage::Complete, rows: Rows::Backlinks(rows) }
    }

    #[test]
    fn fact_is_32_bytes() {
        assert_eq!(size_of::<Fact>(), 32);
    }

    #[test]
    fn dates_round_trip_through_days() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(days_to_date(date_to_days(Some(date))), Some(date));
        assert_eq!(date_to_days(Some(NaiveDate::from_ymd_opt(1960, 1, 1).unwrap())), UNKNOWN16);
        assert_eq!(days_to_date(date_to_days(None)), None);
    }

    #[test]
    fn ids_are_sorted_whatever_the_input_order() {
        let rows = vec![
            link("www.zeta.com", "https://zeta.com/1"),
            link("b.alpha.com", "https://b.alpha.com/x"),
            link("a.alpha.com", "https://a.alpha.com/y"),
        ];
        let mut reversed = rows.clone();
        reversed.reverse();
        let first = prepare(&profile("me.com", vec![]), &[profile("rival.com", rows)]);
        let second = prepare(&profile("me.com", vec![]), &[profile("rival.com", reversed)]);
        let hosts: Vec<&str> =
            (0..first.hosts.len() as u32).map(|id| first.hosts.get(id)).collect();
        assert_eq!(hosts, ["a.alpha.com", "b.alpha.com", "zeta.com"]);
        assert_eq!(first.host_domain, [0, 0, 1]);
        assert_eq!(first.sites[1].links, second.sites[1].links);
    }

    #[test]
    fn bad_rows_become_skipped_entries() {
        let rows = vec![
            link("co.uk", "https://co.uk/"),
            link("bad host", "x"),
            link("ok.com", ""),
            link("ok.com", "https://ok.com/"),
        ];
        let corpus = prepare(&profile("me.com", vec![]), &[profile("rival.com", rows)]);
        let reasons: Vec<(SkipReason, u64)> =
            corpus.skipped().iter().map(|s| (s.reason.clone(), s.count)).collect();
        assert_eq!(
            reasons,
            [
                (SkipReason::InvalidSource("contains whitespace".into()), 1),
                (SkipReason::InvalidSource("is a bare public suffix".into()), 1),
                (SkipReason::MissingSourceUrl, 1),
            ]
        );
        assert_eq!(corpus.stats().rows, 1);
    }

    #[test]
    fn same_site_profiles_merge_and_the_target_is_not_a_competitor() {
        let truncated = Profile {
            coverage: Coverage::Truncated { fetched: 1, total: 10 },
            ..profile("Rival.com", vec![link("a.com", "https://a.com/")])
        };
        let corpus = prepare(
            &profile("me.com", vec![]),
            &[
                profile("www.rival.com", vec![link("b.com", "https://b.com/")]),
                truncated,
                profile("me.com", vec![]),
            ],
        );
        assert_eq!(corpus.competitors(), ["rival.com"]);
        assert_eq!(corpus.sites[1].coverage, Coverage::Truncated { fetched: 2, total: 10 });
        assert_eq!(corpus.skipped()[0].reason, SkipReason::CompetitorIsTarget);
    }

    #[test]
    fn a_missing_target_is_reported() {
        let mut builder = CorpusBuilder::new();
        builder.add(Role::Competitor, &profile("rival.com", vec![]));
        let corpus = builder.finish();
        assert_eq!(corpus.target(), None);
        assert_eq!(corpus.skipped()[0].reason, SkipReason::NoTarget);
    }
}
