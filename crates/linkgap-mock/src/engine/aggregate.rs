//! `ProfileAggregates` (reference §7.0) computed from backlink rows, and grouping rows by a key.

use std::borrow::Cow;

use hashbrown::HashMap;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::engine::Scale;
use crate::index::{Index, NONE, TimeText, format_time};
use crate::query::{Record, Val};

/// The six `referring_links_*` breakdown maps, in output order.
pub(crate) const MAP_FIELDS: [&str; 6] = [
    "referring_links_tld",
    "referring_links_types",
    "referring_links_attributes",
    "referring_links_platform_types",
    "referring_links_semantic_locations",
    "referring_links_countries",
];

/// The plain numeric aggregate fields, in output order (after `rank`/`backlinks`/dates/spam).
const COUNT_FIELDS: [&str; 10] = [
    "broken_backlinks",
    "broken_pages",
    "referring_domains",
    "referring_domains_nofollow",
    "referring_main_domains",
    "referring_main_domains_nofollow",
    "referring_ips",
    "referring_subnets",
    "referring_pages",
    "referring_pages_nofollow",
];

/// Which rank an aggregate row reports.
#[derive(Clone, Copy)]
pub(crate) enum RankFrom {
    /// The highest `rank` any of the rows passes (anchors, pages, networks, intersections).
    Passed,
    /// The highest `domain_from_rank` of the rows (a referring domain's own rank).
    SourceDomain,
}

/// Aggregates over a set of rows. Breakdown maps hold every key, sorted by count desc then key; the
/// output caps them at `internal_list_limit`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Agg {
    pub(crate) rank: u32,
    pub(crate) backlinks: u64,
    pub(crate) backlinks_nofollow: u64,
    /// Unix seconds; `None` when no row has a date.
    pub(crate) first_seen: Option<i64>,
    /// Set only when every row is lost: when the last one went.
    pub(crate) lost_date: Option<i64>,
    pub(crate) spam: u32,
    pub(crate) counts: [u64; 10],
    pub(crate) maps: [Vec<(u32, u64)>; 6],
}

/// Reusable buffers so aggregating thousands of small groups allocates little.
#[derive(Default)]
pub(crate) struct Scratch {
    ids: Vec<u32>,
    tally: HashMap<u32, u64>,
}

impl Agg {
    /// Aggregates `rows` (row ids into `index.rows`).
    pub(crate) fn compute(
        index: &Index,
        rows: &[u32],
        rank_from: RankFrom,
        scratch: &mut Scratch,
    ) -> Agg {
        let mut agg = Agg { backlinks: rows.len() as u64, ..Agg::default() };
        if rows.is_empty() {
            return agg;
        }
        let mut spam_sum = 0u64;
        let mut all_lost = true;
        let mut lost_max = i64::MIN;
        let mut first = i64::MAX;
        for &row_id in rows {
            let row = &index.rows[row_id as usize];
            agg.rank = agg.rank.max(match rank_from {
                RankFrom::Passed => row.rank,
                RankFrom::SourceDomain => row.domain_from_rank,
            });
            spam_sum += u64::from(row.spam);
            if !row.dofollow {
                agg.backlinks_nofollow += 1;
            }
            if row.first_seen != i64::MIN {
                first = first.min(row.first_seen);
            }
            if row.is_lost {
                lost_max = lost_max.max(row.lost_at);
            } else {
                all_lost = false;
            }
        }
        agg.first_seen = (first != i64::MAX).then_some(first);
        agg.lost_date = (all_lost && lost_max != i64::MIN).then_some(lost_max);
        agg.spam = (spam_sum as f64 / rows.len() as f64).round() as u32;
        let rows_of = |row_id: &u32| &index.rows[*row_id as usize];
        let broken: Vec<u32> =
            rows.iter().copied().filter(|row_id| rows_of(row_id).is_broken).collect();
        agg.counts[0] = broken.len() as u64;
        agg.counts[1] =
            distinct(&mut scratch.ids, broken.iter().map(|row_id| rows_of(row_id).url_to));
        agg.counts[2] =
            distinct(&mut scratch.ids, rows.iter().map(|row_id| rows_of(row_id).from_host));
        agg.counts[3] = distinct(
            &mut scratch.ids,
            rows.iter().map(rows_of).filter(|row| !row.dofollow).map(|row| row.from_host),
        );
        agg.counts[4] =
            distinct(&mut scratch.ids, rows.iter().map(|row_id| rows_of(row_id).from_main));
        agg.counts[5] = distinct(
            &mut scratch.ids,
            rows.iter().map(rows_of).filter(|row| !row.dofollow).map(|row| row.from_main),
        );
        agg.counts[6] = distinct(
            &mut scratch.ids,
            rows.iter().map(|row_id| rows_of(row_id).ip).filter(|&ip| ip != NONE),
        );
        agg.counts[7] = distinct(
            &mut scratch.ids,
            rows.iter().map(|row_id| rows_of(row_id).subnet).filter(|&subnet| subnet != NONE),
        );
        agg.counts[8] =
            distinct(&mut scratch.ids, rows.iter().map(|row_id| rows_of(row_id).url_from));
        agg.counts[9] = distinct(
            &mut scratch.ids,
            rows.iter().map(rows_of).filter(|row| !row.dofollow).map(|row| row.url_from),
        );
        agg.fill_maps(index, rows, scratch);
        agg
    }

    /// One field of the aggregates of non-empty `rows`, as [`Agg::value`] of [`Agg::compute`] reads
    /// it, computed alone: the head fields and the counts; `None` for a breakdown-map key. `ids` is
    /// a reusable buffer.
    pub(crate) fn field_value(
        index: &Index,
        rows: &[u32],
        rank_from: RankFrom,
        path: &str,
        scale: Scale,
        ids: &mut Vec<u32>,
    ) -> Option<Val<'static>> {
        let rows_of = |row_id: &u32| &index.rows[*row_id as usize];
        let count = |value: usize| Some(Val::Num(value as f64));
        match path {
            "rank" => {
                let rank = rows
                    .iter()
                    .map(|row_id| match rank_from {
                        RankFrom::Passed => rows_of(row_id).rank,
                        RankFrom::SourceDomain => rows_of(row_id).domain_from_rank,
                    })
                    .max()
                    .unwrap_or(0);
                Some(Val::Num(f64::from(scale.apply(rank))))
            }
            "backlinks" => count(rows.len()),
            "backlinks_nofollow" => {
                count(rows.iter().filter(|row_id| !rows_of(row_id).dofollow).count())
            }
            "first_seen" => Some(
                rows.iter()
                    .map(|row_id| rows_of(row_id).first_seen)
                    .filter(|&first| first != i64::MIN)
                    .min()
                    .map_or(Val::Null, Val::Time),
            ),
            "lost_date" => {
                let all_lost = rows.iter().all(|row_id| rows_of(row_id).is_lost);
                let latest = rows.iter().map(|row_id| rows_of(row_id).lost_at).max();
                Some(match latest {
                    Some(latest) if all_lost && !rows.is_empty() && latest != i64::MIN => {
                        Val::Time(latest)
                    }
                    _ => Val::Null,
                })
            }
            "backlinks_spam_score" => {
                if rows.is_empty() {
                    return count(0);
                }
                let sum: u64 = rows.iter().map(|row_id| u64::from(rows_of(row_id).spam)).sum();
                Some(Val::Num(f64::from((sum as f64 / rows.len() as f64).round() as u32)))
            }
            "broken_backlinks" => {
                count(rows.iter().filter(|row_id| rows_of(row_id).is_broken).count())
            }
            _ => {
                let rows = rows.iter().map(rows_of);
                let distinct_count = |ids: &mut Vec<u32>, values: &mut dyn Iterator<Item = u32>| {
                    Some(Val::Num(distinct(ids, values) as f64))
                };
                match path {
                    "broken_pages" => distinct_count(
                        ids,
                        &mut rows.filter(|row| row.is_broken).map(|row| row.url_to),
                    ),
                    "referring_domains" => distinct_count(ids, &mut rows.map(|row| row.from_host)),
                    "referring_domains_nofollow" => distinct_count(
                        ids,
                        &mut rows.filter(|row| !row.dofollow).map(|row| row.from_host),
                    ),
                    "referring_main_domains" => {
                        distinct_count(ids, &mut rows.map(|row| row.from_main))
                    }
                    "referring_main_domains_nofollow" => distinct_count(
                        ids,
                        &mut rows.filter(|row| !row.dofollow).map(|row| row.from_main),
                    ),
                    "referring_ips" => {
                        distinct_count(ids, &mut rows.map(|row| row.ip).filter(|&ip| ip != NONE))
                    }
                    "referring_subnets" => distinct_count(
                        ids,
                        &mut rows.map(|row| row.subnet).filter(|&subnet| subnet != NONE),
                    ),
                    "referring_pages" => distinct_count(ids, &mut rows.map(|row| row.url_from)),
                    "referring_pages_nofollow" => distinct_count(
                        ids,
                        &mut rows.filter(|row| !row.dofollow).map(|row| row.url_from),
                    ),
                    _ => None,
                }
            }
        }
    }

    /// Only the breakdown maps of `rows` (everything else zero).
    pub(crate) fn compute_maps(index: &Index, rows: &[u32], scratch: &mut Scratch) -> Agg {
        let mut agg = Agg::default();
        agg.fill_maps(index, rows, scratch);
        agg
    }

    fn fill_maps(&mut self, index: &Index, rows: &[u32], scratch: &mut Scratch) {
        let rows_of = |row_id: &u32| &index.rows[*row_id as usize];
        self.maps[0] = tally(&mut scratch.tally, rows.iter().map(|row_id| rows_of(row_id).tld));
        self.maps[1] =
            tally(&mut scratch.tally, rows.iter().map(|row_id| rows_of(row_id).item_type));
        self.maps[2] = tally(
            &mut scratch.tally,
            rows.iter().flat_map(|row_id| index.list(rows_of(row_id).attributes).iter().copied()),
        );
        self.maps[3] = tally(
            &mut scratch.tally,
            rows.iter().flat_map(|row_id| index.list(rows_of(row_id).platforms).iter().copied()),
        );
        self.maps[4] =
            tally(&mut scratch.tally, rows.iter().map(|row_id| rows_of(row_id).semantic));
        self.maps[5] = tally(&mut scratch.tally, rows.iter().map(|row_id| rows_of(row_id).country));
        for map in &mut self.maps {
            sort_map(map, index);
        }
    }

    /// A count field by name (`referring_domains`, `broken_pages`, ...).
    pub(crate) fn count(&self, name: &str) -> Option<u64> {
        match name {
            "backlinks" => Some(self.backlinks),
            "backlinks_nofollow" => Some(self.backlinks_nofollow),
            _ => COUNT_FIELDS
                .iter()
                .position(|field| *field == name)
                .map(|position| self.counts[position]),
        }
    }

    /// The value of an aggregate field path for filters and sorting (ranks on the requested scale;
    /// a breakdown-map key that is absent reads as 0).
    pub(crate) fn value<'a>(&self, index: &'a Index, path: &str, scale: Scale) -> Val<'a> {
        match path {
            "rank" => Val::Num(f64::from(scale.apply(self.rank))),
            "first_seen" => self.first_seen.map_or(Val::Null, Val::Time),
            "lost_date" => self.lost_date.map_or(Val::Null, Val::Time),
            "backlinks_spam_score" => Val::Num(f64::from(self.spam)),
            _ => {
                if let Some(count) = self.count(path) {
                    return Val::Num(count as f64);
                }
                let Some((map_name, key)) = path.split_once('.') else { return Val::Null };
                let Some(position) = MAP_FIELDS.iter().position(|field| *field == map_name) else {
                    return Val::Null;
                };
                let count = index
                    .strings
                    .get(key)
                    .and_then(|id| self.maps[position].iter().find(|(map_key, _)| *map_key == id))
                    .map_or(0, |(_, count)| *count);
                Val::Num(count as f64)
            }
        }
    }

    /// Writes the aggregate fields into `out`. `with_spam` adds `backlinks_spam_score` (absent on
    /// `referring_networks`); the maps keep their `internal_list_limit` biggest keys.
    pub(crate) fn write(&self, out: &mut Map<String, Value>, index: &Index, options: &AggOutput) {
        out.insert("rank".into(), json!(options.scale.apply(self.rank)));
        out.insert("backlinks".into(), json!(self.backlinks));
        out.insert(
            "first_seen".into(),
            self.first_seen.map_or(Value::Null, |time| Value::from(format_time(time))),
        );
        out.insert(
            "lost_date".into(),
            self.lost_date.map_or(Value::Null, |time| Value::from(format_time(time))),
        );
        if options.with_spam {
            out.insert("backlinks_spam_score".into(), json!(self.spam));
        }
        for (position, field) in COUNT_FIELDS.iter().enumerate() {
            out.insert((*field).into(), json!(self.counts[position]));
        }
        self.write_maps(out, index, options.list_limit);
    }

    /// Writes only the six breakdown maps.
    pub(crate) fn write_maps(
        &self,
        out: &mut Map<String, Value>,
        index: &Index,
        list_limit: usize,
    ) {
        write_breakdown_maps(self.maps.each_ref().map(Vec::as_slice), out, index, list_limit);
    }
}

/// Writes six breakdown maps (in [`MAP_FIELDS`] order, each sorted by count desc then key text) with
/// their `list_limit` biggest keys; an empty attributes map is written as `null`.
pub(crate) fn write_breakdown_maps(
    maps: [&[(u32, u64)]; 6],
    out: &mut Map<String, Value>,
    index: &Index,
    list_limit: usize,
) {
    for (field, map) in MAP_FIELDS.iter().zip(maps) {
        let value = if map.is_empty() && *field == "referring_links_attributes" {
            Value::Null
        } else {
            Value::Object(
                map.iter()
                    .take(list_limit)
                    .map(|(key, count)| (index.text(*key).to_owned(), json!(count)))
                    .collect(),
            )
        };
        out.insert((*field).into(), value);
    }
}

/// Sorts a breakdown map's `(key, count)` entries by count descending, then key text.
pub(crate) fn sort_map(map: &mut [(u32, u64)], index: &Index) {
    map.sort_by(|left, right| {
        right.1.cmp(&left.1).then_with(|| index.text(left.0).cmp(index.text(right.0)))
    });
}

/// How aggregates are written.
#[derive(Clone, Copy)]
pub(crate) struct AggOutput {
    pub(crate) scale: Scale,
    pub(crate) list_limit: usize,
    pub(crate) with_spam: bool,
}

fn distinct(buffer: &mut Vec<u32>, ids: impl Iterator<Item = u32>) -> u64 {
    buffer.clear();
    buffer.extend(ids);
    buffer.sort_unstable();
    buffer.dedup();
    buffer.len() as u64
}

fn tally(counts: &mut HashMap<u32, u64>, ids: impl Iterator<Item = u32>) -> Vec<(u32, u64)> {
    counts.clear();
    for id in ids {
        *counts.entry(id).or_insert(0) += 1;
    }
    counts.drain().collect()
}

/// Rows grouped by one key, with their aggregates.
pub(crate) struct Group {
    /// Interned key ([`NONE`] for "no value", e.g. a missing anchor).
    pub(crate) key: u32,
    pub(crate) rows: Vec<u32>,
    pub(crate) agg: Agg,
}

/// Groups `rows` by `key` (rows with key `skip` are left out), aggregates each group, and orders the
/// groups by key text so that ties under any `order_by` come back in a fixed order.
pub(crate) fn group_rows(
    index: &Index,
    rows: &[u32],
    key: impl Fn(u32) -> u32,
    skip: Option<u32>,
    rank_from: RankFrom,
) -> Vec<Group> {
    let mut keyed: Vec<(u32, u32)> = rows.iter().map(|&row| (key(row), row)).collect();
    if let Some(skip) = skip {
        keyed.retain(|(key, _)| *key != skip);
    }
    keyed.sort_unstable();
    let mut scratch = Scratch::default();
    let mut groups: Vec<Group> = keyed
        .chunk_by(|left, right| left.0 == right.0)
        .map(|chunk| {
            let rows: Vec<u32> = chunk.iter().map(|(_, row)| *row).collect();
            let agg = Agg::compute(index, &rows, rank_from, &mut scratch);
            Group { key: chunk[0].0, rows, agg }
        })
        .collect();
    groups.sort_by(|left, right| key_text(index, left.key).cmp(&key_text(index, right.key)));
    groups
}

fn key_text(index: &Index, key: u32) -> Option<&str> {
    (key != NONE).then(|| index.text(key))
}

/// A group seen as a record: its key field, its `type`, and the aggregate fields.
pub(crate) struct GroupView<'a> {
    pub(crate) index: &'a Index,
    pub(crate) group: &'a Group,
    pub(crate) key_field: &'static str,
    pub(crate) item_type: &'static str,
    pub(crate) scale: Scale,
}

impl<'a> Record<'a> for GroupView<'a> {
    fn value(&self, path: &str) -> Val<'a> {
        if path == self.key_field {
            return key_text(self.index, self.group.key)
                .map_or(Val::Null, |text| Val::Str(Cow::Borrowed(text)));
        }
        if path == "type" {
            return Val::Str(Cow::Borrowed(self.item_type));
        }
        self.group.agg.value(self.index, path, self.scale)
    }
}

impl GroupView<'_> {
    /// The item JSON: `type`, the key field, then the aggregates (what [`GroupItem`] writes).
    #[cfg(test)]
    pub(crate) fn to_json(&self, options: &AggOutput) -> Value {
        let mut out = Map::new();
        out.insert("type".into(), Value::from(self.item_type));
        out.insert(
            self.key_field.into(),
            key_text(self.index, self.group.key).map_or(Value::Null, Value::from),
        );
        self.group.agg.write(&mut out, self.index, options);
        Value::Object(out)
    }
}

/// One value of an item written straight to JSON text (see [`GroupItem`]).
#[derive(Clone, Copy)]
enum Cell<'a> {
    Number(u64),
    Text(Option<&'a str>),
    Time(Option<i64>),
    /// A breakdown map: the first `list_limit` entries, written by key text.
    Counts(&'a Index, &'a [(u32, u64)], bool),
}

/// Breakdown maps of at most this many entries are sorted on the stack.
const SMALL_MAP: usize = 16;

/// Most cells of an [`AggItem`]: three head fields and the aggregate fields.
const MAX_CELLS: usize = 24;

/// Orders `entries` as a [`Map`] writes them: by key, the last entry of a repeated key winning.
/// Returns how many entries are left at the front.
fn sort_like_a_map<T: Copy>(entries: &mut [(&str, T)]) -> usize {
    entries.reverse();
    entries.sort_by_key(|entry| entry.0);
    let mut len = 0;
    for position in 0..entries.len() {
        if len == 0 || entries[len - 1].0 != entries[position].0 {
            entries[len] = entries[position];
            len += 1;
        }
    }
    len
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Number(number) => serializer.serialize_u64(*number),
            Cell::Text(text) => text.serialize(serializer),
            Cell::Time(time) => time.map(TimeText::new).serialize(serializer),
            Cell::Counts(index, entries, null_if_empty) => {
                if entries.is_empty() && *null_if_empty {
                    return serializer.serialize_none();
                }
                // On the stack for the usual `internal_list_limit` (small allocations are slow on a
                // heap that the index has fragmented).
                let mut small = [("", 0u64); SMALL_MAP];
                let mut large = Vec::new();
                let sorted: &mut [(&str, u64)] = if entries.len() <= SMALL_MAP {
                    &mut small[..entries.len()]
                } else {
                    large.resize(entries.len(), ("", 0));
                    &mut large
                };
                for (slot, &(key, count)) in sorted.iter_mut().zip(entries.iter()) {
                    *slot = (index.text(key), count);
                }
                let len = sort_like_a_map(sorted);
                let mut map = serializer.serialize_map(Some(len))?;
                for (key, count) in &sorted[..len] {
                    map.serialize_entry(key, count)?;
                }
                map.end()
            }
        }
    }
}

/// A group's item written straight to JSON text, without building a [`Value`]: the same keys and
/// values as [`GroupView::to_json`], in the same (alphabetical) order that a [`Map`] writes them.
pub(crate) struct GroupItem<'a> {
    pub(crate) view: GroupView<'a>,
    pub(crate) options: AggOutput,
}

impl Serialize for GroupItem<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = &self.view;
        AggItem {
            index: view.index,
            agg: &view.group.agg,
            head: [
                ("type", Some(view.item_type)),
                (view.key_field, key_text(view.index, view.group.key)),
            ],
            options: self.options,
        }
        .serialize(serializer)
    }
}

/// An aggregate written straight to JSON text as an object: the `head` text fields (e.g. `type` and
/// the key field), then the fields [`Agg::write`] writes, keys in the alphabetical order of a [`Map`].
pub(crate) struct AggItem<'a, const N: usize> {
    pub(crate) index: &'a Index,
    pub(crate) agg: &'a Agg,
    pub(crate) head: [(&'a str, Option<&'a str>); N],
    pub(crate) options: AggOutput,
}

impl<'a, const N: usize> Serialize for AggItem<'a, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const { assert!(N <= 3, "at most three head fields") };
        let agg = self.agg;
        let options = &self.options;
        let mut cells = [("", Cell::Number(0)); MAX_CELLS];
        let mut len = 0;
        let mut push = |key: &'a str, cell: Cell<'a>| {
            cells[len] = (key, cell);
            len += 1;
        };
        for (key, text) in self.head {
            push(key, Cell::Text(text));
        }
        push("rank", Cell::Number(u64::from(options.scale.apply(agg.rank))));
        push("backlinks", Cell::Number(agg.backlinks));
        push("first_seen", Cell::Time(agg.first_seen));
        push("lost_date", Cell::Time(agg.lost_date));
        if options.with_spam {
            push("backlinks_spam_score", Cell::Number(u64::from(agg.spam)));
        }
        for (position, field) in COUNT_FIELDS.iter().enumerate() {
            push(field, Cell::Number(agg.counts[position]));
        }
        for (position, field) in MAP_FIELDS.iter().enumerate() {
            let entries = &agg.maps[position];
            let entries = &entries[..entries.len().min(options.list_limit)];
            let null_if_empty = *field == "referring_links_attributes";
            push(field, Cell::Counts(self.index, entries, null_if_empty));
        }
        let len = sort_like_a_map(&mut cells[..len]);
        let mut map = serializer.serialize_map(Some(len))?;
        for (key, cell) in &cells[..len] {
            map.serialize_entry(key, cell)?;
        }
        map.end()
    }
}
