//! Default views built at load: per linked main domain, its live external rows pre-sorted and pre-grouped.
//!
//! Most calls ask for a main domain with the default scope (live links, subdomains included, internal
//! links excluded), no filters and the default order. For those, the rows, their default order and
//! their groupings (by referring host, by anchor, by linked page) are computed once here, so a page of
//! such a call reads only the rows it returns. Every order equals the one the general path produces:
//! the default sort key descending, then the key text (groups) or the row id (rows) ascending.

use std::cmp::Reverse;

use hashbrown::HashMap;
use rayon::prelude::{IntoParallelIterator, ParallelIterator, ParallelSliceMut};

use crate::engine::{
    Agg, Competitors, HistoryMaps, RankFrom, Scratch, SitePages, Target, Timeline, competitor_scan,
    site_pages,
};
use crate::index::{Index, Interner, NONE, Postings, Row, host_within};

/// Rows grouped by one key: each group's rows are contiguous and ascending by row id.
#[derive(Default)]
pub(crate) struct Grouping {
    rows: Vec<u32>,
    /// `(key, start, end)` into `rows`, in the default output order.
    groups: Vec<(u32, u32, u32)>,
    /// `(key, position in groups)`, ascending by key, for lookups by key.
    slots: Vec<(u32, u32)>,
    /// Aggregates per group in the default order, when computed at load (see [`Grouping::with_aggs`]).
    aggs: Vec<Agg>,
    /// Positions in `groups` by key text ascending ([`NONE`] first): the order in which the general
    /// path hands groups to a filter and a sort.
    by_text: Vec<u32>,
}

impl Grouping {
    /// Groups `rows` by `key` and orders the groups by `metric` descending, then key text ascending
    /// (`order` gives the text rank of a key; [`NONE`] sorts first).
    fn build(
        rows: &[u32],
        all_rows: &[Row],
        key: impl Fn(&Row) -> u32,
        metric: impl Fn(&[u32]) -> u32,
        order: &[u32],
    ) -> Grouping {
        let mut keyed: Vec<(u32, u32)> =
            rows.iter().map(|&row| (key(&all_rows[row as usize]), row)).collect();
        keyed.sort_unstable();
        let grouped_rows: Vec<u32> = keyed.iter().map(|(_, row)| *row).collect();
        let mut groups: Vec<(u32, u32, u32)> = Vec::new();
        let mut start = 0usize;
        for chunk in keyed.chunk_by(|left, right| left.0 == right.0) {
            let end = start + chunk.len();
            groups.push((chunk[0].0, to_u32(start), to_u32(end)));
            start = end;
        }
        let sort_key = |&(key, start, end): &(u32, u32, u32)| {
            let metric = metric(&grouped_rows[start as usize..end as usize]);
            (Reverse(metric), text_rank(order, key))
        };
        groups.sort_by_cached_key(sort_key);
        let mut slots: Vec<(u32, u32)> = groups
            .iter()
            .enumerate()
            .map(|(position, (key, _, _))| (*key, to_u32(position)))
            .collect();
        slots.sort_unstable();
        let mut by_text: Vec<u32> = (0..to_u32(groups.len())).collect();
        by_text.sort_unstable_by_key(|&position| text_rank(order, groups[position as usize].0));
        Grouping { rows: grouped_rows, groups, slots, aggs: Vec::new(), by_text }
    }

    /// Computes every group's aggregates now, for groupings whose pages cover most rows (anchors,
    /// pages): a page of them would otherwise aggregate the whole profile.
    fn with_aggs(mut self, index: &Index, rank_from: RankFrom) -> Grouping {
        self.aggs = (0..self.len())
            .into_par_iter()
            .map_init(Scratch::default, |scratch, position| {
                Agg::compute(index, self.group(position).1, rank_from, scratch)
            })
            .collect();
        self
    }

    /// The aggregates of the group at `position`, when computed at load.
    pub(crate) fn agg(&self, position: usize) -> Option<&Agg> {
        self.aggs.get(position)
    }

    /// Number of groups.
    pub(crate) fn len(&self) -> usize {
        self.groups.len()
    }

    /// The group at `position` of the default order: its key and rows.
    pub(crate) fn group(&self, position: usize) -> (u32, &[u32]) {
        let (key, start, end) = self.groups[position];
        (key, &self.rows[start as usize..end as usize])
    }

    /// Positions of the groups by key text ascending ([`NONE`] first).
    pub(crate) fn by_text(&self) -> impl Iterator<Item = usize> + '_ {
        self.by_text.iter().map(|&position| position as usize)
    }

    /// Keys of the groups in the default order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.groups.iter().map(|(key, _, _)| *key)
    }

    /// The rows of the group with `key` (empty when there is none).
    pub(crate) fn rows_of(&self, key: u32) -> &[u32] {
        match self.slots.binary_search_by_key(&key, |(slot_key, _)| *slot_key) {
            Ok(slot) => self.group(self.slots[slot].1 as usize).1,
            Err(_) => &[],
        }
    }
}

/// A row's or a page's (latest) `last_seen` and `prev_seen`, in Unix seconds.
pub(crate) type Visit = (Option<i64>, Option<i64>);

/// The default view of one linked main domain.
pub(crate) struct DefaultView {
    /// Live external rows ascending by row id: what [`crate::engine::target_rows`] gives for the
    /// domain in the default scope.
    pub(crate) live: Vec<u32>,
    /// Live external rows by `rank` descending, then row id.
    pub(crate) backlinks: Vec<u32>,
    /// Live external rows by referring host, ordered by the host's best `domain_from_rank`.
    pub(crate) referring_domains: Grouping,
    /// Distinct referring main domains of the live external rows.
    pub(crate) referring_main_domains: usize,
    /// Live external rows by anchor ([`NONE`] for none), ordered by backlinks.
    pub(crate) anchors: Grouping,
    /// Live external rows by linked URL, ordered by backlinks.
    pub(crate) pages: Grouping,
    /// Latest `last_seen` and latest `prev_seen` of each page's rows (`pages` order).
    pub(crate) page_visits: Vec<Visit>,
    /// Distinct source hosts of every row to the domain (any status, internal ones included), ascending.
    pub(crate) all_referrers: Vec<u32>,
    /// Aggregates of the live external rows (`summary` of the domain in the default scope).
    pub(crate) live_agg: Agg,
    /// The domain's pages (`summary`'s page counts), from its external rows of any status.
    pub(crate) site_pages: SitePages,
    /// The timeline of the external rows of any status (the time endpoints with subdomains), for
    /// domains with at least [`ViewLimits::timeline_min_rows`] such rows.
    pub(crate) timeline: Option<Timeline>,
    /// The monthly breakdown maps of the same rows (`history`), held with the timeline.
    pub(crate) history: Option<HistoryMaps>,
    /// The competitors of the domain (`competitors` with `main_domain` and
    /// `exclude_internal_backlinks`), when counting them reads at least
    /// [`ViewLimits::competitors_min_scan`] rows.
    pub(crate) competitors: Option<Competitors>,
}

/// Which linked main domains get a default view, and which views also hold the slower aggregates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ViewLimits {
    /// Main domains with at least this many linking rows get a view.
    pub(crate) min_rows: usize,
    /// Views with at least this many external rows (any status) hold their [`Timeline`].
    pub(crate) timeline_min_rows: usize,
    /// Views whose competitors take reading at least this many rows hold them.
    pub(crate) competitors_min_scan: usize,
}

impl ViewLimits {
    /// Every threshold at `rows` (tests: 1 precomputes everything, `usize::MAX` nothing).
    #[cfg(test)]
    pub(crate) fn all(rows: usize) -> ViewLimits {
        ViewLimits { min_rows: rows, timeline_min_rows: rows, competitors_min_scan: rows }
    }
}

/// The text rank of an interned id (`order[id] + 1`), 0 for [`NONE`].
pub(crate) fn text_rank(order: &[u32], id: u32) -> u32 {
    if id == NONE { 0 } else { order.get(id as usize).map_or(u32::MAX, |rank| rank + 1) }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).expect("fewer than 4 billion rows")
}

/// The lexicographic rank of every string used as a group key (referring hosts, anchors, linked
/// URLs); other ids get `u32::MAX`.
pub(crate) fn text_order(strings: &Interner, rows: &[Row]) -> Vec<u32> {
    let mut used = vec![false; strings.len()];
    for row in rows {
        for id in [row.from_host, row.anchor, row.url_to] {
            if id != NONE {
                used[id as usize] = true;
            }
        }
    }
    let mut ids: Vec<u32> = (0..to_u32(used.len())).filter(|&id| used[id as usize]).collect();
    ids.par_sort_unstable_by(|&left, &right| strings.resolve(left).cmp(strings.resolve(right)));
    let mut order = vec![u32::MAX; strings.len()];
    for (rank, id) in ids.into_iter().enumerate() {
        order[id as usize] = to_u32(rank);
    }
    order
}

/// Builds the default view of every linked main domain with at least `limits.min_rows` rows, in
/// parallel.
///
/// `visits` holds every row's parsed `last_seen` and `prev_seen`.
pub(crate) fn build_views(
    index: &Index,
    by_to_main: &Postings,
    visits: &[Visit],
    limits: ViewLimits,
) -> HashMap<u32, DefaultView> {
    let mains: Vec<u32> = (0..to_u32(index.strings.len()))
        .filter(|&main| by_to_main.get(main).len() >= limits.min_rows.max(1))
        .collect();
    mains
        .into_par_iter()
        .map(|main| (main, build_view(index, by_to_main.get(main), main, visits, limits)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

fn build_view(
    index: &Index,
    main_rows: &[u32],
    main: u32,
    visits: &[Visit],
    limits: ViewLimits,
) -> DefaultView {
    let strings = &index.strings;
    let rows = &index.rows;
    let order = &index.text_order;
    let site = strings.resolve(main);
    let mut internal: HashMap<u32, bool> = HashMap::new();
    let mut all_referrers: Vec<u32> = Vec::with_capacity(main_rows.len());
    let mut live: Vec<u32> = Vec::with_capacity(main_rows.len());
    let mut external: Vec<u32> = Vec::with_capacity(main_rows.len());
    for &row_id in main_rows {
        let row = &rows[row_id as usize];
        all_referrers.push(row.from_host);
        let is_internal = *internal
            .entry(row.from_host)
            .or_insert_with(|| host_within(strings.resolve(row.from_host), site));
        if !is_internal {
            external.push(row_id);
            if !row.is_lost {
                live.push(row_id);
            }
        }
    }
    debug_assert!(live.is_sorted(), "posting lists are ascending by row id");
    all_referrers.sort_unstable();
    all_referrers.dedup();
    // The parts are independent: built in parallel, so that the biggest domains (whose views take
    // longest) use every core.
    let with_timeline = external.len() >= limits.timeline_min_rows;
    let ((site_pages, (timeline, history)), (competitors, live_agg)) = rayon::join(
        || {
            rayon::join(
                || site_pages(index, &Target::Domain(site.to_owned()), &external),
                || {
                    rayon::join(
                        || with_timeline.then(|| Timeline::build(index, &external)),
                        || with_timeline.then(|| HistoryMaps::build(index, &external)),
                    )
                },
            )
        },
        || {
            rayon::join(
                || {
                    (competitor_scan(index, &live) >= limits.competitors_min_scan)
                        .then(|| Competitors::build(index, site, &live))
                },
                || Agg::compute(index, &live, RankFrom::Passed, &mut Scratch::default()),
            )
        },
    );
    drop(external);
    let ((backlinks, (referring_domains, referring_main_domains)), ((pages, page_visits), anchors)) =
        rayon::join(
            || rayon::join(|| backlink_order(rows, &live), || referring(rows, &live, order)),
            || {
                rayon::join(
                    || page_grouping(index, &live, visits),
                    || {
                        let count = |group: &[u32]| to_u32(group.len());
                        Grouping::build(&live, rows, |row| row.anchor, count, order)
                            .with_aggs(index, RankFrom::Passed)
                    },
                )
            },
        );
    DefaultView {
        live,
        backlinks,
        referring_domains,
        referring_main_domains,
        anchors,
        pages,
        page_visits,
        all_referrers,
        live_agg,
        site_pages,
        timeline,
        history,
        competitors,
    }
}

/// Live rows by `rank` descending, then row id.
fn backlink_order(rows: &[Row], live: &[u32]) -> Vec<u32> {
    let mut backlinks = live.to_vec();
    backlinks.sort_unstable_by_key(|&row| (Reverse(rows[row as usize].rank), row));
    backlinks
}

/// Live rows by referring host, ordered by the host's best `domain_from_rank`, and the number of
/// distinct referring main domains.
fn referring(rows: &[Row], live: &[u32], order: &[u32]) -> (Grouping, usize) {
    let best_source_rank = |group: &[u32]| {
        group.iter().map(|&row| rows[row as usize].domain_from_rank).max().unwrap_or(0)
    };
    let referring_domains =
        Grouping::build(live, rows, |row| row.from_host, best_source_rank, order);
    let mut main_domains: Vec<u32> = live.iter().map(|&row| rows[row as usize].from_main).collect();
    main_domains.sort_unstable();
    main_domains.dedup();
    (referring_domains, main_domains.len())
}

/// Live rows by linked page ordered by backlinks, with their aggregates, and each page's latest
/// `last_seen` and `prev_seen` (from `visits`, every row's parsed pair).
fn page_grouping(index: &Index, live: &[u32], visits: &[Visit]) -> (Grouping, Vec<Visit>) {
    let count = |group: &[u32]| to_u32(group.len());
    let pages = Grouping::build(live, &index.rows, |row| row.url_to, count, &index.text_order)
        .with_aggs(index, RankFrom::Passed);
    let page_visits = (0..pages.len())
        .map(|position| {
            let group = pages.group(position).1;
            let latest = |field: fn(&Visit) -> Option<i64>| {
                group.iter().filter_map(|&row| field(&visits[row as usize])).max()
            };
            (latest(|visit| visit.0), latest(|visit| visit.1))
        })
        .collect();
    (pages, page_visits)
}
