//! The only place where wire types (API models) and world rows become analysis inputs.
//!
//! API items and world rows both follow the `backlinks/live` item schema; they become
//! [`Backlink`] / [`ReferringDomain`] rows, a [`Profile`] with its [`Coverage`], or a [`BulkRow`].
//! Timestamps become calendar days in UTC. Numbers the analysis keeps narrower (ranks as `u32`,
//! spam scores as `u8`) saturate instead of wrapping.
//!
//! [`referring_domains_from_reader`] is the fast path of `gap --world`: it streams a world's
//! `backlinks.jsonl` (plain or decompressed) in blocks of whole lines, parses them in parallel
//! into a borrowed struct holding only the fields the gap needs (with a hand-written scanner,
//! `serde_json` for the lines it does not take), and aggregates the rows straight into
//! referring domains with the semantics of `referring_domains/live` (live links, subdomains of
//! the site included, links from the site itself excluded).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::Mutex;

use chrono::{NaiveDate, Utc};
use hashbrown::HashMap;
use linkgap_analysis::{Backlink, BulkRow, Coverage, Profile, ReferringDomain, Rows};
use linkgap_dataforseo::{
    BacklinkItem, BulkBacklinksItem, BulkNewLostBacklinksItem, BulkNewLostReferringDomainsItem,
    BulkRanksItem, BulkReferringDomainsItem, BulkSpamScoreItem, ReferringDomainsItem, Timestamp,
};
use linkgap_world::WorldBacklink;
use rayon::prelude::*;
use serde::Deserialize;

mod scan;

/// Bytes per block of a world file parsed by one thread (cut at a line end).
const CHUNK_BYTES: usize = 1 << 22;

/// The calendar day (UTC) of an API timestamp.
pub(crate) fn date(timestamp: Option<&Timestamp>) -> Option<NaiveDate> {
    timestamp.map(|timestamp| timestamp.with_timezone(&Utc).date_naive())
}

/// The calendar day (UTC) of a world timestamp (`2024-03-26 02:46:50 +00:00`).
fn world_date(text: Option<&str>) -> Option<NaiveDate> {
    let text = text?;
    linkgap_world::parse_timestamp(text).ok().map(|time| time.date_naive())
}

fn to_u32(value: Option<u64>) -> Option<u32> {
    value.map(|value| u32::try_from(value).unwrap_or(u32::MAX))
}

fn to_u16(value: Option<u64>) -> Option<u16> {
    value.map(|value| u16::try_from(value).unwrap_or(u16::MAX))
}

fn to_score(value: Option<u64>) -> Option<u8> {
    value.map(|value| value.min(100) as u8)
}

/// How complete a fetch is: complete unless the caller's row cap stopped it before the index's
/// `total_count` was reached.
///
/// `total_counts_rows` is false for `referring_domains`, whose `total_count` counts main domains
/// while its rows are hosts, so the count cannot prove completeness.
pub(crate) fn coverage(
    fetched: u64,
    total: Option<u64>,
    hit_cap: bool,
    total_counts_rows: bool,
) -> Coverage {
    let reached_total = total_counts_rows && total.is_some_and(|total| fetched >= total);
    if !hit_cap || reached_total {
        Coverage::Complete
    } else {
        Coverage::Truncated { fetched, total: total.unwrap_or(fetched).max(fetched) }
    }
}

/// One `backlinks/live` item as a link-level row.
pub(crate) fn backlink(item: &BacklinkItem) -> Backlink {
    let attributes = item.attributes().to_vec();
    // An item without `dofollow` is dofollow unless its rel attributes say otherwise.
    let dofollow = item
        .dofollow
        .unwrap_or_else(|| !attributes.iter().any(|attribute| attribute == "nofollow"));
    Backlink {
        domain_from: item.domain_from.clone().unwrap_or_default(),
        url_from: item.url_from.clone().unwrap_or_default(),
        domain_to: item.domain_to.clone().unwrap_or_default(),
        url_to: item.url_to.clone().unwrap_or_default(),
        anchor: item.anchor.clone(),
        alt: item.alt.clone(),
        item_type: item.item_type.clone(),
        dofollow,
        attributes,
        is_lost: item.is_lost.unwrap_or(false),
        is_broken: item.is_broken.unwrap_or(false),
        first_seen: date(item.first_seen.as_ref()),
        last_seen: date(item.last_seen.as_ref()),
        domain_from_rank: to_u32(item.domain_from_rank),
        page_from_rank: to_u32(item.page_from_rank),
        backlink_spam_score: to_score(item.backlink_spam_score),
        domain_from_ip: item.domain_from_ip.clone(),
        domain_from_country: item.domain_from_country.clone(),
        tld_from: item.tld_from.clone(),
        page_from_external_links: to_u32(item.page_from_external_links),
        page_from_internal_links: to_u32(item.page_from_internal_links),
        page_from_language: item.page_from_language.clone(),
        page_from_title: item.page_from_title.clone(),
        page_from_status_code: to_u16(item.page_from_status_code),
        links_count: to_u32(item.links_count),
        semantic_location: item.semantic_location.clone(),
        text_pre: item.text_pre.clone(),
        text_post: item.text_post.clone(),
        url_to_redirect_target: item.url_to_redirect_target.clone(),
        url_to_status_code: to_u16(item.url_to_status_code),
    }
}

/// One `referring_domains/live` item as a domain-level row.
pub(crate) fn referring_domain(item: &ReferringDomainsItem) -> ReferringDomain {
    ReferringDomain {
        domain: item.domain.clone().unwrap_or_default(),
        rank: to_u32(item.rank),
        backlinks: item.backlinks.unwrap_or(0),
        nofollow_backlinks: item
            .referring_links_attributes
            .as_ref()
            .map(|attributes| attributes.get("nofollow").copied().unwrap_or(0)),
        referring_pages: item.referring_pages,
        first_seen: date(item.first_seen.as_ref()),
        lost_date: date(item.lost_date.as_ref()),
        backlinks_spam_score: to_score(item.backlinks_spam_score),
        ip: None,
    }
}

/// A profile of link-level rows.
pub(crate) fn backlinks_profile(site: &str, items: &[BacklinkItem], coverage: Coverage) -> Profile {
    Profile {
        site: site.to_owned(),
        coverage,
        rows: Rows::Backlinks(items.iter().map(backlink).collect()),
    }
}

/// A profile of domain-level rows.
pub(crate) fn referring_domains_profile(
    site: &str,
    items: &[ReferringDomainsItem],
    coverage: Coverage,
) -> Profile {
    Profile {
        site: site.to_owned(),
        coverage,
        rows: Rows::ReferringDomains(items.iter().map(referring_domain).collect()),
    }
}

/// The answers of the six bulk endpoints, keyed by the target string the API echoed.
#[derive(Debug, Default)]
pub(crate) struct BulkAnswers {
    pub(crate) ranks: BTreeMap<String, BulkRanksItem>,
    pub(crate) backlinks: BTreeMap<String, BulkBacklinksItem>,
    pub(crate) spam_scores: BTreeMap<String, BulkSpamScoreItem>,
    pub(crate) referring_domains: BTreeMap<String, BulkReferringDomainsItem>,
    pub(crate) new_lost_backlinks: BTreeMap<String, BulkNewLostBacklinksItem>,
    pub(crate) new_lost_referring_domains: BTreeMap<String, BulkNewLostReferringDomainsItem>,
}

/// One bulk row per target, in the targets' order; a metric no endpoint returned stays `None`.
pub(crate) fn bulk_rows(targets: &[String], answers: &BulkAnswers) -> Vec<BulkRow> {
    targets
        .iter()
        .map(|target| {
            let key = target.as_str();
            let referring = answers.referring_domains.get(key);
            let new_lost = answers.new_lost_backlinks.get(key);
            let new_lost_domains = answers.new_lost_referring_domains.get(key);
            BulkRow {
                target: target.clone(),
                rank: to_u32(answers.ranks.get(key).and_then(|item| item.rank)),
                referring_domains: referring.and_then(|item| item.referring_domains),
                referring_main_domains: referring.and_then(|item| item.referring_main_domains),
                backlinks: answers.backlinks.get(key).and_then(|item| item.backlinks),
                spam_score: to_score(answers.spam_scores.get(key).and_then(|item| item.spam_score)),
                new_backlinks: new_lost.and_then(|item| item.new_backlinks),
                lost_backlinks: new_lost.and_then(|item| item.lost_backlinks),
                new_referring_domains: new_lost_domains.and_then(|item| item.new_referring_domains),
                lost_referring_domains: new_lost_domains
                    .and_then(|item| item.lost_referring_domains),
            }
        })
        .collect()
}

/// One world row as a link-level row (the world loader has already validated its timestamps).
pub(crate) fn world_backlink(row: &WorldBacklink) -> Backlink {
    Backlink {
        domain_from: row.domain_from.clone(),
        url_from: row.url_from.clone(),
        domain_to: row.domain_to.clone(),
        url_to: row.url_to.clone(),
        anchor: row.anchor.clone(),
        alt: row.alt.clone(),
        item_type: Some(row.item_type_or_default().to_owned()),
        dofollow: row.dofollow,
        attributes: row.attributes.clone().unwrap_or_default(),
        is_lost: row.is_lost,
        is_broken: row.is_broken,
        first_seen: world_date(row.first_seen.as_deref()),
        last_seen: world_date(row.last_seen.as_deref()),
        domain_from_rank: Some(row.domain_from_rank),
        page_from_rank: Some(row.page_from_rank),
        backlink_spam_score: Some(row.backlink_spam_score.min(100) as u8),
        domain_from_ip: row.domain_from_ip.clone(),
        domain_from_country: row.domain_from_country.clone(),
        tld_from: row.tld_from.clone(),
        page_from_external_links: row.page_from_external_links,
        page_from_internal_links: row.page_from_internal_links,
        page_from_language: row.page_from_language.clone(),
        page_from_title: row.page_from_title.clone(),
        page_from_status_code: row.page_from_status_code,
        links_count: Some(row.links_count),
        semantic_location: row.semantic_location.clone(),
        text_pre: row.text_pre.clone(),
        text_post: row.text_post.clone(),
        url_to_redirect_target: row.url_to_redirect_target.clone(),
        url_to_status_code: row.url_to_status_code,
    }
}

/// The first-seen day of a world row.
pub(crate) fn world_backlink_first_seen(row: &WorldBacklink) -> Option<NaiveDate> {
    world_date(row.first_seen.as_deref())
}

/// The last-seen day of a world row (for a lost link: when it was found gone).
pub(crate) fn world_backlink_last_seen(row: &WorldBacklink) -> Option<NaiveDate> {
    world_date(row.last_seen.as_deref())
}

/// Whether `host` is `site` or one of its subdomains (a label boundary is required).
pub(crate) fn host_within(host: &str, site: &str) -> bool {
    host == site
        || (host.len() > site.len()
            && host.ends_with(site)
            && host.as_bytes()[host.len() - site.len() - 1] == b'.')
}

/// Whether a world row belongs to `site`'s live profile as the API scopes it by default: a live
/// link to the site or a subdomain, not from the site itself.
pub(crate) fn in_live_profile(
    domain_from: &str,
    domain_to: &str,
    is_lost: bool,
    site: &str,
) -> bool {
    !is_lost && host_within(domain_to, site) && !host_within(domain_from, site)
}

/// A malformed line of a world file, found by the fast parser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LineError {
    /// 1-based line number.
    pub(crate) line: usize,
    /// What is wrong with it.
    pub(crate) problem: String,
}

/// Why the streaming world scan stopped.
#[derive(Debug)]
pub(crate) enum ScanError {
    /// Reading (or decompressing) the file failed.
    Read(io::Error),
    /// A line is malformed.
    Line(LineError),
}

/// The fields of a world row the gap needs, borrowed from the line where possible (a string with
/// escapes becomes an owned one); every other field is skipped.
///
/// [`scan::scan_line`] reads the usual line; `serde_json` reads the rest and words the errors.
#[derive(Debug, Default, PartialEq, Deserialize)]
struct GapLine<'a> {
    #[serde(borrow)]
    domain_from: Option<Cow<'a, str>>,
    #[serde(borrow)]
    domain_to: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url_from: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url_to: Option<Cow<'a, str>>,
    dofollow: Option<bool>,
    is_lost: Option<bool>,
    domain_from_rank: Option<u32>,
    backlink_spam_score: Option<u32>,
    #[serde(borrow)]
    first_seen: Option<Cow<'a, str>>,
}

/// Aggregates of one referring host of one site.
#[derive(Clone, Copy, Debug, Default)]
struct HostAgg {
    rank: u32,
    backlinks: u64,
    nofollow: u64,
    spam_sum: u64,
    first_seen: Option<NaiveDate>,
}

impl HostAgg {
    fn merge(&mut self, other: &HostAgg) {
        self.rank = self.rank.max(other.rank);
        self.backlinks += other.backlinks;
        self.nofollow += other.nofollow;
        self.spam_sum += other.spam_sum;
        self.first_seen = match (self.first_seen, other.first_seen) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Per site: referring host to aggregates.
type SiteAggs = Vec<HashMap<String, HostAgg>>;

/// The date part of a world timestamp, read without a full parse on the usual UTC form.
fn fast_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() >= 10 && text.ends_with("+00:00") && bytes[4] == b'-' && bytes[7] == b'-' {
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            bytes[range].iter().try_fold(0u32, |acc, &byte| {
                byte.is_ascii_digit().then(|| acc * 10 + u32::from(byte - b'0'))
            })
        };
        let year = i32::try_from(number(0..4)?).ok()?;
        return NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?);
    }
    linkgap_world::parse_timestamp(text).ok().map(|time| time.date_naive())
}

/// Parses one line into `aggs`; a blank line is skipped.
fn parse_line(line: &[u8], sites: &[String], aggs: &mut SiteAggs) -> Result<(), String> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let row: GapLine<'_> = match scan::scan_line(line) {
        Some(row) => row,
        None => serde_json::from_slice(line).map_err(|error| error.to_string())?,
    };
    let required = |value: &Option<Cow<'_, str>>, name: &str| match value {
        Some(text) if !text.is_empty() => Ok(()),
        _ => Err(format!("missing or empty `{name}`")),
    };
    required(&row.domain_from, "domain_from")?;
    required(&row.domain_to, "domain_to")?;
    required(&row.url_from, "url_from")?;
    required(&row.url_to, "url_to")?;
    let first_seen = match row.first_seen.as_deref() {
        None => None,
        Some(text) => Some(
            fast_date(text).ok_or_else(|| format!("invalid `first_seen` timestamp `{text}`"))?,
        ),
    };
    let (Some(domain_from), Some(domain_to)) = (row.domain_from, row.domain_to) else {
        return Ok(());
    };
    let is_lost = row.is_lost.unwrap_or(false);
    for (site_aggs, site) in aggs.iter_mut().zip(sites) {
        if !in_live_profile(&domain_from, &domain_to, is_lost, site) {
            continue;
        }
        // The key is allocated only when the host is new to this accumulator.
        site_aggs.entry_ref(domain_from.as_ref()).or_default().merge(&HostAgg {
            rank: row.domain_from_rank.unwrap_or(0),
            backlinks: 1,
            nofollow: u64::from(!row.dofollow.unwrap_or(true)),
            spam_sum: u64::from(row.backlink_spam_score.unwrap_or(0)),
            first_seen,
        });
    }
    Ok(())
}

/// A run of whole lines of a world file.
struct Block {
    /// Position of the block in the file.
    idx: usize,
    /// The lines, each ended by a line end except perhaps the file's last.
    bytes: Vec<u8>,
}

/// Cuts a reader into [`Block`]s of about `block_bytes` that end at line ends, reusing the
/// buffers that the parsers hand back through `pool`.
struct LineBlocks<'p, R> {
    reader: R,
    block_bytes: usize,
    /// Bytes read past the last line end of the previous block.
    carry: Vec<u8>,
    next_idx: usize,
    done: bool,
    pool: &'p Mutex<Vec<Vec<u8>>>,
}

impl<R: Read> LineBlocks<'_, R> {
    fn next_block(&mut self) -> io::Result<Option<Block>> {
        let recycled = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        let mut bytes = recycled.unwrap_or_default();
        bytes.clear();
        bytes.reserve(self.block_bytes + self.carry.len());
        bytes.append(&mut self.carry);
        // Read until the block is full and holds a line end, or the input ends.
        let mut searched = 0;
        let cut = loop {
            if bytes.len() >= self.block_bytes
                && let Some(last) = bytes[searched..].iter().rposition(|&byte| byte == b'\n')
            {
                break Some(searched + last + 1);
            }
            searched = bytes.len();
            // A line longer than a block makes the block grow until the line ends.
            let want =
                self.block_bytes.saturating_sub(bytes.len()).max(self.block_bytes / 4).max(1);
            if (&mut self.reader).take(want as u64).read_to_end(&mut bytes)? == 0 {
                self.done = true;
                break None;
            }
        };
        if let Some(cut) = cut {
            self.carry.extend_from_slice(&bytes[cut..]);
            bytes.truncate(cut);
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        let idx = self.next_idx;
        self.next_idx += 1;
        Ok(Some(Block { idx, bytes }))
    }
}

impl<R: Read> Iterator for LineBlocks<'_, R> {
    type Item = io::Result<Block>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let block = self.next_block();
        if block.is_err() {
            self.done = true;
        }
        block.transpose()
    }
}

/// What one parser thread gathered from the blocks it took.
#[derive(Default)]
struct ScanAcc {
    aggs: SiteAggs,
    /// Line ends per block index, to number the lines of a bad one.
    line_ends: Vec<(usize, usize)>,
    /// The first bad line seen: block index, line index in the block, problem.
    bad_line: Option<(usize, usize, String)>,
    read_error: Option<io::Error>,
}

impl ScanAcc {
    fn new(n_sites: usize) -> ScanAcc {
        ScanAcc { aggs: (0..n_sites).map(|_| HashMap::new()).collect(), ..ScanAcc::default() }
    }

    fn add_block(&mut self, block: &Block, sites: &[String]) {
        let mut line_idx = 0;
        let mut rest = block.bytes.as_slice();
        loop {
            let line_end = memchr::memchr(b'\n', rest);
            let line = &rest[..line_end.unwrap_or(rest.len())];
            // Once a bad line is known, later blocks only count their lines.
            let earlier_bad = self.bad_line.as_ref().is_some_and(|bad| bad.0 < block.idx);
            if !earlier_bad && let Err(problem) = parse_line(line, sites, &mut self.aggs) {
                let replace = self.bad_line.as_ref().is_none_or(|bad| block.idx < bad.0);
                if replace {
                    self.bad_line = Some((block.idx, line_idx, problem));
                }
            }
            let Some(line_end) = line_end else { break };
            rest = &rest[line_end + 1..];
            line_idx += 1;
        }
        // `line_idx` now counts the block's line ends.
        self.line_ends.push((block.idx, line_idx));
    }

    fn merge(mut self, mut other: ScanAcc) -> ScanAcc {
        for (mine, theirs) in self.aggs.iter_mut().zip(&mut other.aggs) {
            if mine.len() < theirs.len() {
                std::mem::swap(mine, theirs);
            }
            for (host, agg) in theirs.drain() {
                mine.entry(host).or_default().merge(&agg);
            }
        }
        self.line_ends.append(&mut other.line_ends);
        self.bad_line = match (self.bad_line, other.bad_line) {
            (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
            (a, b) => a.or(b),
        };
        self.read_error = self.read_error.or(other.read_error);
        self
    }
}

/// The live referring domains of each of `sites` (normalised hosts) in a world's
/// `backlinks.jsonl`, read from `reader` in blocks parsed in parallel while the next ones are
/// read, as `referring_domains/live` reports them: one row per referring host with its best
/// `domain_from_rank`, link and nofollow counts, mean spam score and earliest `first_seen`;
/// sorted by host. A malformed line is an error with its 1-based number.
pub(crate) fn referring_domains_from_reader(
    reader: impl Read + Send,
    sites: &[String],
) -> Result<Vec<Vec<ReferringDomain>>, ScanError> {
    scan_world(reader, sites, CHUNK_BYTES)
}

/// [`referring_domains_from_reader`] with blocks of about `block_bytes`.
fn scan_world(
    reader: impl Read + Send,
    sites: &[String],
    block_bytes: usize,
) -> Result<Vec<Vec<ReferringDomain>>, ScanError> {
    let pool = Mutex::new(Vec::new());
    let blocks = LineBlocks {
        reader,
        block_bytes: block_bytes.max(1),
        carry: Vec::new(),
        next_idx: 0,
        done: false,
        pool: &pool,
    };
    let scanned = blocks
        .par_bridge()
        .fold(
            || ScanAcc::new(sites.len()),
            |mut acc, block| {
                match block {
                    Ok(block) => {
                        acc.add_block(&block, sites);
                        if let Ok(mut pool) = pool.lock() {
                            pool.push(block.bytes);
                        }
                    }
                    Err(error) => acc.read_error = acc.read_error.or(Some(error)),
                }
                acc
            },
        )
        .reduce(|| ScanAcc::new(sites.len()), ScanAcc::merge);
    if let Some(error) = scanned.read_error {
        return Err(ScanError::Read(error));
    }
    if let Some((block_idx, line_idx, problem)) = scanned.bad_line {
        let before: usize = scanned
            .line_ends
            .iter()
            .filter(|(idx, _)| *idx < block_idx)
            .map(|(_, line_ends)| line_ends)
            .sum();
        return Err(ScanError::Line(LineError { line: before + line_idx + 1, problem }));
    }
    Ok(scanned
        .aggs
        .into_par_iter()
        .map(|site_aggs| {
            let mut rows: Vec<ReferringDomain> = site_aggs
                .into_iter()
                .map(|(host, agg)| ReferringDomain {
                    domain: host,
                    rank: Some(agg.rank),
                    backlinks: agg.backlinks,
                    nofollow_backlinks: Some(agg.nofollow),
                    referring_pages: None,
                    first_seen: agg.first_seen,
                    lost_date: None,
                    backlinks_spam_score: Some(
                        (agg.spam_sum as f64 / agg.backlinks.max(1) as f64).round().min(100.0)
                            as u8,
                    ),
                    ip: None,
                })
                .collect();
            rows.par_sort_unstable_by(|a, b| a.domain.cmp(&b.domain));
            rows
        })
        .collect())
}

/// [`referring_domains_from_reader`] over bytes in memory.
#[cfg(test)]
pub(crate) fn referring_domains_from_jsonl(
    bytes: &[u8],
    sites: &[String],
) -> Result<Vec<Vec<ReferringDomain>>, LineError> {
    referring_domains_from_reader(bytes, sites).map_err(|error| match error {
        ScanError::Line(error) => error,
        ScanError::Read(error) => panic!("reading bytes in memory cannot fail: {error}"),
    })
}

#[cfg(test)]
mod tests;
