//! Indexes over a world built once at load: interned strings, compact rows, and row lists by host and URL.

use std::hash::BuildHasher;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike};
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use linkgap_world::{WorldBacklink, WorldDomain};
use rayon::prelude::{IntoParallelRefIterator, ParallelIterator, ParallelSliceMut};
use serde::{Serialize, Serializer};

use crate::views::{DefaultView, ViewLimits, Visit, build_views, text_order};

/// Marker for "no string" in an interned-id field.
pub(crate) const NONE: u32 = u32::MAX;

/// Multi-level public suffixes under which the registrable (main) domain has three labels.
const MULTI_LEVEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk", "net.uk", "sch.uk",
    "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au", "co.nz", "org.nz",
    "net.nz", "govt.nz", "ac.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.kr", "or.kr",
    "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in", "com.br", "net.br", "org.br",
    "gov.br", "com.cn", "net.cn", "org.cn", "gov.cn", "com.mx", "org.mx", "gob.mx", "co.za",
    "org.za", "gov.za", "com.ar", "com.tr", "org.tr", "gov.tr", "com.sg", "edu.sg", "com.hk",
    "org.hk", "com.tw", "org.tw", "co.il", "org.il", "ac.il", "com.pl", "net.pl", "org.pl",
    "com.ua", "co.id", "or.id", "ac.id", "com.my", "com.ph", "com.vn", "com.pk", "com.ng",
    "com.eg", "com.sa", "co.th", "ac.th", "in.th", "com.co", "com.pe", "com.ve", "com.ec", "co.ke",
];

/// Hosting platforms whose every subdomain is its own site (and so its own main domain).
const HOSTED_PLATFORMS: &[&str] = &[
    "blogspot.com",
    "wordpress.com",
    "tumblr.com",
    "github.io",
    "substack.com",
    "medium.com",
    "wixsite.com",
    "weebly.com",
    "livejournal.com",
    "typepad.com",
    "netlify.app",
    "herokuapp.com",
    "web.app",
    "pages.dev",
    "vercel.app",
];

/// The main (registrable) domain of a host: the last two labels, or three under a multi-level public
/// suffix (`news.bbc.co.uk` → `bbc.co.uk`) or a hosted-blog platform (`me.blogspot.com` stays itself).
/// IP addresses and single-label hosts are their own main domain.
///
/// This is the one place that decides what counts as one site; it is a built-in approximation of the
/// public suffix list, good enough for the worlds we generate.
pub(crate) fn main_domain(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    if is_ip(host) {
        return host;
    }
    let labels_from_end = |n: usize| -> &str {
        let mut seen = 0;
        for (pos, byte) in host.bytes().enumerate().rev() {
            if byte == b'.' {
                seen += 1;
                if seen == n {
                    return &host[pos + 1..];
                }
            }
        }
        host
    };
    let last_two = labels_from_end(2);
    if MULTI_LEVEL_SUFFIXES.contains(&last_two) || HOSTED_PLATFORMS.contains(&last_two) {
        labels_from_end(3)
    } else {
        last_two
    }
}

/// Whether `host` is a dotted IPv4 address (or looks like an IPv6 one).
pub(crate) fn is_ip(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
}

/// Whether `host` is `domain` itself or one of its subdomains.
pub(crate) fn host_within(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// The /24 subnet of an IPv4 address written as `a.b.c.0`; other addresses are their own subnet.
pub(crate) fn subnet_of(ip: &str) -> String {
    let parts: Vec<&str> = ip.split('.').collect();
    if parts.len() == 4 && parts.iter().all(|part| part.parse::<u8>().is_ok()) {
        format!("{}.{}.{}.0", parts[0], parts[1], parts[2])
    } else {
        ip.to_owned()
    }
}

/// The host part of an absolute URL (`https://a.b/c` → `a.b`), lower-cased, without port or credentials.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = authority.split(':').next()?;
    if host.is_empty() { None } else { Some(host.to_ascii_lowercase()) }
}

/// Parses the API's timestamp (`"2024-03-26 02:46:50 +00:00"`, any offset) or a bare date to Unix seconds.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    // Fast path for the canonical UTC form the worlds use.
    if bytes.len() == 26
        && text.ends_with(" +00:00")
        && let Some(seconds) = parse_utc_fast(bytes)
    {
        return Some(seconds);
    }
    if let Ok(parsed) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %:z") {
        return Some(parsed.timestamp());
    }
    if let Ok(parsed) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z") {
        return Some(parsed.timestamp());
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Some(naive.and_utc().timestamp());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(day_start)
}

/// Parses `yyyy-mm-dd hh:mm:ss` from the first 19 bytes without a format interpreter.
fn parse_utc_fast(bytes: &[u8]) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |acc, &byte| {
            byte.is_ascii_digit().then(|| acc * 10 + u32::from(byte - b'0'))
        })
    };
    if bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b' '
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let year = i32::try_from(number(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(day_start(date) + i64::from(hour * 3600 + minute * 60 + second))
}

/// Unix seconds of 00:00:00 UTC on `date`.
pub(crate) fn day_start(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp()
}

/// Formats Unix seconds as the API's timestamp string.
pub(crate) fn format_time(seconds: i64) -> String {
    TimeText::new(seconds).as_str().to_owned()
}

/// Unix seconds as the API's timestamp string (`2025-04-20 08:00:00 +00:00`), written without
/// allocating for years 0 to 9999: item writers format several dates per item, and a heap that a
/// million-row index has fragmented makes every small allocation slow.
pub(crate) enum TimeText {
    /// The 26 ASCII bytes of a four-digit year's timestamp.
    Fixed([u8; 26]),
    /// Other years, and the empty string for seconds outside chrono's range, as chrono writes them.
    Other(String),
}

impl TimeText {
    /// The timestamp of `seconds`.
    pub(crate) fn new(seconds: i64) -> TimeText {
        let Some(time) = DateTime::from_timestamp(seconds, 0) else {
            return TimeText::Other(String::new());
        };
        let Ok(year) = u32::try_from(time.year()) else {
            return TimeText::Other(time.format("%Y-%m-%d %H:%M:%S +00:00").to_string());
        };
        if year > 9999 {
            return TimeText::Other(time.format("%Y-%m-%d %H:%M:%S +00:00").to_string());
        }
        let mut bytes = *b"0000-00-00 00:00:00 +00:00";
        let mut put = |at: usize, width: usize, mut value: u32| {
            for position in (at..at + width).rev() {
                bytes[position] = b'0' + u8::try_from(value % 10).expect("a decimal digit");
                value /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, time.month());
        put(8, 2, time.day());
        put(11, 2, time.hour());
        put(14, 2, time.minute());
        put(17, 2, time.second());
        TimeText::Fixed(bytes)
    }

    /// The timestamp text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            TimeText::Fixed(bytes) => std::str::from_utf8(bytes).expect("ASCII digits"),
            TimeText::Other(text) => text,
        }
    }
}

impl Serialize for TimeText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The UTC date of Unix seconds.
pub(crate) fn date_of(seconds: i64) -> NaiveDate {
    DateTime::from_timestamp(seconds, 0).map_or(NaiveDate::MIN, |time| time.date_naive())
}

/// A string interner: every distinct string is stored once and named by a `u32`.
#[derive(Default)]
pub(crate) struct Interner {
    strings: Vec<Box<str>>,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Interner {
    /// An interner with room for `strings` strings.
    pub(crate) fn with_capacity(strings: usize) -> Interner {
        Interner {
            strings: Vec::with_capacity(strings),
            table: HashTable::with_capacity(strings),
            hasher: DefaultHashBuilder::default(),
        }
    }

    /// The hash [`Interner::intern_hashed`] takes for `text` (computable on any thread).
    pub(crate) fn hash(&self, text: &str) -> u64 {
        self.hasher.hash_one(text)
    }

    /// The id of `text`, adding it when new.
    pub(crate) fn intern(&mut self, text: &str) -> u32 {
        self.intern_hashed(text, self.hash(text))
    }

    /// The id of `text` whose [`Interner::hash`] is `hash`, adding it when new.
    pub(crate) fn intern_hashed(&mut self, text: &str, hash: u64) -> u32 {
        let strings = &self.strings;
        if let Some(&id) = self.table.find(hash, |&id| &*strings[id as usize] == text) {
            return id;
        }
        let id = u32::try_from(self.strings.len()).expect("fewer than 4 billion distinct strings");
        self.strings.push(text.into());
        let strings = &self.strings;
        let hasher = &self.hasher;
        self.table.insert_unique(hash, id, |&other| hasher.hash_one(&*strings[other as usize]));
        id
    }

    /// Number of distinct strings (ids are `0..len`).
    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }

    /// The id of `text` if it was ever interned.
    pub(crate) fn get(&self, text: &str) -> Option<u32> {
        let hash = self.hash(text);
        self.table.find(hash, |&id| &*self.strings[id as usize] == text).copied()
    }

    /// The string of an id (`""` for [`NONE`]).
    pub(crate) fn resolve(&self, id: u32) -> &str {
        self.strings.get(id as usize).map_or("", |text| text)
    }
}

/// One backlink reduced to interned ids and numbers; `Index::rows[i]` describes `Index::backlinks[i]`.
pub(crate) struct Row {
    pub(crate) from_host: u32,
    pub(crate) from_main: u32,
    pub(crate) to_host: u32,
    pub(crate) to_main: u32,
    pub(crate) url_from: u32,
    pub(crate) url_to: u32,
    /// Interned anchor, or [`NONE`] when the row has none.
    pub(crate) anchor: u32,
    /// Source IP (row value, else the host's `domains.jsonl` value), or [`NONE`].
    pub(crate) ip: u32,
    /// `a.b.c.0` of the source IP, or [`NONE`].
    pub(crate) subnet: u32,
    pub(crate) tld: u32,
    pub(crate) item_type: u32,
    /// Interned semantic location; `""` when unknown.
    pub(crate) semantic: u32,
    /// Interned country; `""` when unknown.
    pub(crate) country: u32,
    /// List id (see [`Index::list`]) of the rel attributes.
    pub(crate) attributes: u32,
    /// List id of the source's platform types.
    pub(crate) platforms: u32,
    /// First seen in Unix seconds; `i64::MIN` when the row has no date.
    pub(crate) first_seen: i64,
    /// When the link was found gone (its `last_seen`); `i64::MAX` while live.
    pub(crate) lost_at: i64,
    pub(crate) rank: u32,
    pub(crate) domain_from_rank: u32,
    pub(crate) spam: u32,
    pub(crate) dofollow: bool,
    pub(crate) is_lost: bool,
    pub(crate) is_broken: bool,
}

impl Row {
    /// Whether the link existed at Unix second `at`.
    pub(crate) fn live_at(&self, at: i64) -> bool {
        self.first_seen <= at && at < self.lost_at
    }
}

/// What [`Index::build`] takes from a backlink before interning, computed for every row in
/// parallel: its dates in Unix seconds and the interner hashes of its long strings.
struct Parsed {
    /// `first_seen`, `i64::MIN` when absent or unreadable.
    first_seen: i64,
    last_seen: Option<i64>,
    prev_seen: Option<i64>,
    url_from: u64,
    url_to: u64,
    /// 0 when the row has no anchor.
    anchor: u64,
}

impl Parsed {
    fn new(strings: &Interner, link: &WorldBacklink) -> Parsed {
        let time = |text: Option<&String>| text.and_then(|text| parse_time(text));
        Parsed {
            first_seen: time(link.first_seen.as_ref()).unwrap_or(i64::MIN),
            last_seen: time(link.last_seen.as_ref()),
            prev_seen: time(link.prev_seen.as_ref()),
            url_from: strings.hash(&link.url_from),
            url_to: strings.hash(&link.url_to),
            anchor: link.anchor.as_deref().map_or(0, |anchor| strings.hash(anchor)),
        }
    }
}

/// Per-host attributes from `domains.jsonl` (interned where they are strings).
pub(crate) struct HostRecord {
    pub(crate) record: WorldDomain,
    pub(crate) platforms: u32,
}

/// Row ids grouped by an interned id, stored flat (compressed sparse rows); each group ascending.
#[derive(Default)]
pub(crate) struct Postings {
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl Postings {
    /// Groups row ids `0..keys.len()` by their key (every key below `n_keys`).
    fn build(keys: impl Iterator<Item = u32> + Clone, n_keys: usize) -> Postings {
        let mut offsets = vec![0u32; n_keys + 1];
        for key in keys.clone() {
            offsets[key as usize + 1] += 1;
        }
        for position in 1..offsets.len() {
            offsets[position] += offsets[position - 1];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; offsets[n_keys] as usize];
        for (row, key) in keys.enumerate() {
            let slot = &mut next[key as usize];
            rows[*slot as usize] = row as u32;
            *slot += 1;
        }
        Postings { offsets, rows }
    }

    /// The rows of `key` (empty for an unknown key).
    pub(crate) fn get(&self, key: u32) -> &[u32] {
        let key = key as usize;
        if key + 1 >= self.offsets.len() {
            return &[];
        }
        &self.rows[self.offsets[key] as usize..self.offsets[key + 1] as usize]
    }
}

/// Interns small id lists (attributes, platform types) so that a row holds one id.
#[derive(Default)]
struct ListInterner {
    ids: HashMap<Box<[u32]>, u32>,
    lists: Vec<Box<[u32]>>,
}

impl ListInterner {
    fn intern(&mut self, list: &[u32]) -> u32 {
        if let Some(&id) = self.ids.get(list) {
            return id;
        }
        let id = self.lists.len() as u32;
        self.lists.push(list.into());
        self.ids.insert(list.into(), id);
        id
    }
}

/// Everything the engine queries: the world's rows plus indexes over them.
pub(crate) struct Index {
    pub(crate) strings: Interner,
    pub(crate) backlinks: Vec<WorldBacklink>,
    pub(crate) rows: Vec<Row>,
    /// Interned id lists (attributes, platform types).
    lists: Vec<Box<[u32]>>,
    /// Row ids (ascending) per linked host.
    pub(crate) by_to_host: Postings,
    /// Linked hosts per linked main domain.
    pub(crate) to_hosts_by_main: HashMap<u32, Vec<u32>>,
    /// Row ids (ascending) per linked URL.
    pub(crate) by_url_to: Postings,
    /// Row ids (ascending) per source main domain.
    pub(crate) by_from_main: Postings,
    /// Row ids (ascending) per source URL.
    pub(crate) by_url_from: Postings,
    /// `domains.jsonl` entries by host id.
    pub(crate) hosts: HashMap<u32, HostRecord>,
    /// Highest `domain_from_rank` seen per source host and per source main domain (by interned id;
    /// [`NONE`] when the id never was a source).
    source_rank: Vec<u32>,
    /// Distinct live referring main domains per linked host and per linked main domain (by id).
    incoming_main_domains: Vec<u32>,
    /// The latest date of any `first_seen`/`last_seen` in the world.
    pub(crate) latest_date: NaiveDate,
    /// Lexicographic rank per interned id of the strings that key groups (see [`text_order`]).
    pub(crate) text_order: Vec<u32>,
    /// Default views by linked main domain id (see [`crate::views`]).
    views: HashMap<u32, DefaultView>,
}

impl Index {
    /// Builds every index in one pass over the world (plus one sort for the derived ranks).
    ///
    /// Main domains with at least `limits.min_rows` linking rows also get a [`DefaultView`].
    pub(crate) fn build(
        backlinks: Vec<WorldBacklink>,
        domains: Vec<WorldDomain>,
        limits: ViewLimits,
    ) -> Index {
        // Work that needs no interned id is done for every row in parallel first: parsing times and
        // hashing the long strings. The interner is sized for about two new strings a row (source
        // and linked URLs), so that its table never grows.
        let mut strings = Interner::with_capacity(backlinks.len() * 2 + 64);
        let parsed: Vec<Parsed> =
            backlinks.par_iter().map(|link| Parsed::new(&strings, link)).collect();
        let empty = strings.intern("");
        let anchor_type = strings.intern("anchor");
        let mut lists = ListInterner::default();
        let mut list_buffer: Vec<u32> = Vec::new();
        let no_list = lists.intern(&[]);
        let mut hosts: HashMap<u32, HostRecord> = HashMap::new();
        for record in domains {
            let host = strings.intern(&record.domain.to_ascii_lowercase());
            let platform_type = record.platform_type.as_deref();
            let platforms = intern_list(&mut strings, &mut lists, &mut list_buffer, platform_type);
            hosts.insert(host, HostRecord { record, platforms });
        }
        let mut main_of: HashMap<u32, u32> = HashMap::new();
        let mut subnet_of_ip: HashMap<u32, u32> = HashMap::new();
        let mut tld_of: HashMap<u32, u32> = HashMap::new();
        let mut rows = Vec::with_capacity(backlinks.len());
        let mut latest = i64::MIN;
        for (link, parsed) in backlinks.iter().zip(&parsed) {
            let (first_seen, last_seen) = (parsed.first_seen, parsed.last_seen);
            let from_host = intern_host(&mut strings, &link.domain_from);
            let to_host = intern_host(&mut strings, &link.domain_to);
            let from_main = main_id(&mut strings, &mut main_of, from_host);
            let to_main = main_id(&mut strings, &mut main_of, to_host);
            let host_record = hosts.get(&from_host).map(|host| &host.record);
            let ip_text = link
                .domain_from_ip
                .as_deref()
                .or(host_record.and_then(|record| record.ip.as_deref()));
            let ip = ip_text.map_or(NONE, |text| strings.intern(text));
            let subnet = if ip == NONE {
                NONE
            } else if let Some(&subnet) = subnet_of_ip.get(&ip) {
                subnet
            } else {
                let subnet = strings.intern(&subnet_of(strings.resolve(ip).to_owned().as_str()));
                subnet_of_ip.insert(ip, subnet);
                subnet
            };
            let tld = match &link.tld_from {
                Some(tld) => strings.intern(tld),
                None => *tld_of.entry(from_host).or_insert_with(|| {
                    let host = strings.resolve(from_host);
                    let tld = host.rsplit('.').next().unwrap_or(host).to_owned();
                    strings.intern(&tld)
                }),
            };
            let country_text = link
                .domain_from_country
                .as_deref()
                .or(host_record.and_then(|record| record.country.as_deref()));
            let country = country_text.map_or(empty, |text| strings.intern(text));
            let platforms = match &link.domain_from_platform_type {
                Some(list) => intern_list(&mut strings, &mut lists, &mut list_buffer, Some(list)),
                None => hosts.get(&from_host).map_or(no_list, |host| host.platforms),
            };
            let attributes = link.attributes.as_deref();
            let attributes = intern_list(&mut strings, &mut lists, &mut list_buffer, attributes);
            latest = latest.max(first_seen).max(last_seen.unwrap_or(i64::MIN));
            let lost_at = if link.is_lost {
                last_seen.or(link.first_seen.as_ref().map(|_| first_seen)).unwrap_or(i64::MIN)
            } else {
                i64::MAX
            };
            rows.push(Row {
                from_host,
                from_main,
                to_host,
                to_main,
                url_from: strings.intern_hashed(&link.url_from, parsed.url_from),
                url_to: strings.intern_hashed(&link.url_to, parsed.url_to),
                anchor: link
                    .anchor
                    .as_deref()
                    .map_or(NONE, |text| strings.intern_hashed(text, parsed.anchor)),
                ip,
                subnet,
                tld,
                item_type: link
                    .item_type
                    .as_deref()
                    .map_or(anchor_type, |text| strings.intern(text)),
                semantic: link
                    .semantic_location
                    .as_deref()
                    .map_or(empty, |text| strings.intern(text)),
                country,
                attributes,
                platforms,
                first_seen,
                lost_at,
                rank: link.rank,
                domain_from_rank: link.domain_from_rank,
                spam: link.backlink_spam_score,
                dofollow: link.dofollow,
                is_lost: link.is_lost,
                is_broken: link.is_broken,
            });
        }
        let n_keys = strings.len();
        let postings = |key: fn(&Row) -> u32| Postings::build(rows.iter().map(key), n_keys);
        let ((by_to_host, by_url_to), (by_from_main, by_url_from)) = rayon::join(
            || rayon::join(|| postings(|row| row.to_host), || postings(|row| row.url_to)),
            || rayon::join(|| postings(|row| row.from_main), || postings(|row| row.url_from)),
        );
        let mut source_rank = vec![NONE; n_keys];
        let mut incoming_pairs: Vec<(u32, u32)> = Vec::new();
        let mut linked_hosts: Vec<(u32, u32)> = Vec::new();
        for row in &rows {
            for source in [row.from_host, row.from_main] {
                let best = &mut source_rank[source as usize];
                *best = if *best == NONE {
                    row.domain_from_rank
                } else {
                    (*best).max(row.domain_from_rank)
                };
            }
            linked_hosts.push((row.to_main, row.to_host));
            if !row.is_lost {
                incoming_pairs.push((row.to_host, row.from_main));
                if row.to_main != row.to_host {
                    incoming_pairs.push((row.to_main, row.from_main));
                }
            }
        }
        incoming_pairs.par_sort_unstable();
        incoming_pairs.dedup();
        let mut incoming_main_domains = vec![0u32; n_keys];
        for (to, _) in incoming_pairs {
            incoming_main_domains[to as usize] += 1;
        }
        linked_hosts.par_sort_unstable();
        linked_hosts.dedup();
        let mut to_hosts_by_main: HashMap<u32, Vec<u32>> = HashMap::new();
        for (main, host) in linked_hosts {
            to_hosts_by_main.entry(main).or_default().push(host);
        }
        let latest_date = if latest == i64::MIN {
            NaiveDate::from_ymd_opt(2026, 1, 1)
        } else {
            Some(date_of(latest))
        }
        .expect("a fixed date exists");
        let text_order = text_order(&strings, &rows);
        let by_to_main = postings(|row| row.to_main);
        let mut index = Index {
            strings,
            backlinks,
            rows,
            lists: lists.lists,
            by_to_host,
            to_hosts_by_main,
            by_url_to,
            by_from_main,
            by_url_from,
            hosts,
            source_rank,
            incoming_main_domains,
            latest_date,
            text_order,
            views: HashMap::new(),
        };
        // Views aggregate through the finished index (interned lists and texts).
        let visits: Vec<Visit> =
            parsed.par_iter().map(|parsed| (parsed.last_seen, parsed.prev_seen)).collect();
        drop(parsed);
        index.views = build_views(&index, &by_to_main, &visits, limits);
        index
    }

    /// An interned id list.
    pub(crate) fn list(&self, id: u32) -> &[u32] {
        self.lists.get(id as usize).map_or(&[], |list| list)
    }

    /// The string of an interned id.
    pub(crate) fn text(&self, id: u32) -> &str {
        self.strings.resolve(id)
    }

    /// The `domains.jsonl` record of a host, if any.
    pub(crate) fn host_record(&self, host: &str) -> Option<&WorldDomain> {
        self.strings.get(host).and_then(|id| self.hosts.get(&id)).map(|host| &host.record)
    }

    /// The domain rank (0-1000) of a host or main domain: its `domains.jsonl` rank, else the highest
    /// `domain_from_rank` it had as a link source, else `200 × log10(1 + live referring main domains)`.
    pub(crate) fn domain_rank(&self, domain: &str) -> u32 {
        if let Some(rank) = self.host_record(domain).and_then(|record| record.rank) {
            return rank.min(1000);
        }
        let Some(id) = self.strings.get(domain) else { return 0 };
        if let Some(&rank) = self.source_rank.get(id as usize)
            && rank != NONE
        {
            return rank;
        }
        let referring = self.incoming_main_domains.get(id as usize).copied().unwrap_or(0);
        derived_rank(u64::from(referring))
    }

    /// Rows linking to `domain` (or its subdomains when `include_subdomains`), ascending by row id.
    /// Without subdomains, `www.<domain>` still counts as the domain itself.
    pub(crate) fn rows_to_domain(&self, domain: &str, include_subdomains: bool) -> Vec<u32> {
        let main = main_domain(domain);
        let Some(main_id) = self.strings.get(main) else { return Vec::new() };
        let Some(hosts) = self.to_hosts_by_main.get(&main_id) else { return Vec::new() };
        let www = format!("www.{domain}");
        let mut rows: Vec<u32> = Vec::new();
        let mut matched_hosts = 0;
        for &host in hosts {
            let name = self.text(host);
            let matches = if include_subdomains {
                host_within(name, domain)
            } else {
                name == domain || name == www
            };
            if matches {
                rows.extend_from_slice(self.by_to_host.get(host));
                matched_hosts += 1;
            }
        }
        if matched_hosts > 1 {
            rows.sort_unstable();
        }
        rows
    }

    /// The default view of `domain` when it is a main domain with one (see [`crate::views`]).
    pub(crate) fn default_view(&self, domain: &str) -> Option<&DefaultView> {
        self.strings.get(domain).and_then(|id| self.views.get(&id))
    }

    /// Rows linking to the page `url`: to exactly `url` when the world has links to it, else to the
    /// first spelling of the same page that has links (see [`url_variants`]).
    pub(crate) fn rows_to_url(&self, url: &str) -> Vec<u32> {
        let rows_of =
            |text: &str| self.strings.get(text).map_or(&[][..], |id| self.by_url_to.get(id));
        let exact = rows_of(url);
        if !exact.is_empty() {
            return exact.to_vec();
        }
        url_variants(url)
            .iter()
            .map(|variant| rows_of(variant))
            .find(|rows| !rows.is_empty())
            .unwrap_or_default()
            .to_vec()
    }

    /// Rows linking to a URL starting with `prefix` (on the prefix's host).
    pub(crate) fn rows_to_url_prefix(&self, prefix: &str) -> Vec<u32> {
        let Some(host) = url_host(prefix) else { return Vec::new() };
        let Some(host_id) = self.strings.get(&host) else { return Vec::new() };
        self.by_to_host
            .get(host_id)
            .iter()
            .copied()
            .filter(|&row| self.text(self.rows[row as usize].url_to).starts_with(prefix))
            .collect()
    }
}

/// Other spellings of the page `url`, most similar first: the host lower-cased, with and without
/// `www.`, `https` and `http`, with and without a trailing `/` on the path. Clients send pages as
/// users type them (`https://site.com/page`) while the index holds them as crawled
/// (`https://www.site.com/page/`); these are the same page.
pub(crate) fn url_variants(url: &str) -> Vec<String> {
    let Some((_, rest)) = url.split_once("://") else { return Vec::new() };
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(split);
    let host = authority.to_ascii_lowercase();
    let bare = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    let (path, query) = tail.split_at(tail.find(['?', '#']).unwrap_or(tail.len()));
    let toggled_path = if path.is_empty() || path == "/" {
        if path.is_empty() { "/".to_owned() } else { String::new() }
    } else if let Some(stripped) = path.strip_suffix('/') {
        stripped.to_owned()
    } else {
        format!("{path}/")
    };
    let mut variants: Vec<String> = Vec::new();
    for path in [path, toggled_path.as_str()] {
        for scheme in ["https", "http"] {
            for host in [host.as_str(), bare.as_str(), &format!("www.{bare}")] {
                let variant = format!("{scheme}://{host}{path}{query}");
                if variant != url && !variants.contains(&variant) {
                    variants.push(variant);
                }
            }
        }
    }
    variants
}

/// The rank derived from a count of referring main domains: `200 × log10(1 + n)`, capped at 1000.
pub(crate) fn derived_rank(referring_main_domains: u64) -> u32 {
    let rank = 200.0 * ((1 + referring_main_domains) as f64).log10();
    rank.round().min(1000.0) as u32
}

fn intern_host(strings: &mut Interner, host: &str) -> u32 {
    if host.bytes().any(|byte| byte.is_ascii_uppercase()) {
        strings.intern(&host.to_ascii_lowercase())
    } else {
        strings.intern(host)
    }
}

fn main_id(strings: &mut Interner, cache: &mut HashMap<u32, u32>, host: u32) -> u32 {
    if let Some(&main) = cache.get(&host) {
        return main;
    }
    let name = strings.resolve(host);
    let main_name = main_domain(name).to_owned();
    let main = if main_name.len() == name.len() { host } else { strings.intern(&main_name) };
    cache.insert(host, main);
    main
}

fn intern_list(
    strings: &mut Interner,
    lists: &mut ListInterner,
    buffer: &mut Vec<u32>,
    list: Option<&[String]>,
) -> u32 {
    buffer.clear();
    buffer.extend(list.unwrap_or_default().iter().map(|text| strings.intern(text)));
    lists.intern(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_domain_handles_multi_level_suffixes_and_platforms() {
        assert_eq!(main_domain("example.com"), "example.com");
        assert_eq!(main_domain("blog.example.com"), "example.com");
        assert_eq!(main_domain("a.b.example.com"), "example.com");
        assert_eq!(main_domain("news.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(main_domain("bbc.co.uk"), "bbc.co.uk");
        assert_eq!(main_domain("me.blogspot.com"), "me.blogspot.com");
        assert_eq!(main_domain("www.me.blogspot.com"), "me.blogspot.com");
        assert_eq!(main_domain("localhost"), "localhost");
        assert_eq!(main_domain("10.1.2.3"), "10.1.2.3");
    }

    #[test]
    fn time_text_matches_chrono_formatting() {
        let chrono_text = |seconds: i64| {
            DateTime::from_timestamp(seconds, 0).map_or_else(String::new, |time| {
                time.format("%Y-%m-%d %H:%M:%S +00:00").to_string()
            })
        };
        let mut cases = vec![0, 1, 59, 86_399, 951_782_400, 1_745_136_000, 253_402_300_799];
        cases.extend([-1, -62_167_219_200, -62_167_219_201, 253_402_300_800, i64::MIN, i64::MAX]);
        cases.extend((0..2_000).map(|step| step * 1_234_567_891 - 1_000_000_000_000));
        for seconds in cases {
            assert_eq!(TimeText::new(seconds).as_str(), chrono_text(seconds), "{seconds}");
        }
        assert_eq!(format_time(1_745_136_000), "2025-04-20 08:00:00 +00:00");
    }

    #[test]
    fn host_within_requires_a_label_boundary() {
        assert!(host_within("example.com", "example.com"));
        assert!(host_within("blog.example.com", "example.com"));
        assert!(!host_within("badexample.com", "example.com"));
        assert!(!host_within("example.com", "blog.example.com"));
    }

    #[test]
    fn subnet_and_url_host() {
        assert_eq!(subnet_of("203.0.113.7"), "203.0.113.0");
        assert_eq!(subnet_of("::1"), "::1");
        assert_eq!(url_host("https://User@Example.com:8080/a?b").as_deref(), Some("example.com"));
        assert_eq!(url_host("example.com"), None);
    }

    #[test]
    fn times_round_trip_and_accept_offsets_and_dates() {
        let seconds = parse_time("2024-03-26 02:46:50 +00:00").unwrap();
        assert_eq!(format_time(seconds), "2024-03-26 02:46:50 +00:00");
        assert_eq!(parse_time("2024-03-26 04:46:50 +02:00"), Some(seconds));
        assert_eq!(parse_time("2024-03-26"), Some(seconds - (2 * 3600 + 46 * 60 + 50)));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn url_variants_cover_scheme_www_and_trailing_slash() {
        let variants = url_variants("https://Site.com/page");
        for expected in [
            "https://site.com/page",
            "https://www.site.com/page",
            "http://site.com/page",
            "https://www.site.com/page/",
        ] {
            assert!(variants.iter().any(|variant| variant == expected), "{expected}");
        }
        assert!(!variants.iter().any(|variant| variant == "https://Site.com/page"));
        assert!(
            url_variants("https://www.site.com")
                .iter()
                .any(|variant| variant == "https://site.com/")
        );
        assert!(url_variants("site.com").is_empty());
    }

    #[test]
    fn interner_gives_stable_ids() {
        let mut strings = Interner::default();
        let first = strings.intern("a");
        let second = strings.intern("b");
        assert_ne!(first, second);
        assert_eq!(strings.intern("a"), first);
        assert_eq!(strings.get("b"), Some(second));
        assert_eq!(strings.get("c"), None);
        assert_eq!(strings.resolve(second), "b");
    }
}
