//! history, `timeseries_summary` and `timeseries_new_lost_summary`: profile state over time from the
//! rows' first-seen and lost dates.
//!
//! A row is live on `[first_seen, lost_date)`. An entity (referring domain, page, IP, ...) is live while
//! any of its rows is: its rows' intervals are merged, and a merged interval's start is a "new" event
//! and its end a "lost" event.

use chrono::{Datelike, Days, Months, NaiveDate};
use hashbrown::HashMap;
use rayon::prelude::{IntoParallelIterator, ParallelIterator};
use serde_json::{Map, Value, json};

use crate::engine::aggregate::{Scratch, sort_map, write_breakdown_maps};
use crate::engine::profile::{SitePages, site_pages, target_info};
use crate::engine::{Agg, Ctx, Outcome, Scope, Status, Target, TaskError, target_rows};
use crate::index::{Index, NONE, Row, day_start, format_time};

/// Earliest `date_from` of `history`.
const HISTORY_START: (i32, u32, u32) = (2019, 1, 1);
/// Earliest `date_from` of the timeseries endpoints.
const TIMESERIES_START: (i32, u32, u32) = (2019, 1, 30);
/// History's new/lost counts are 0 before this month (reference §7.2).
const NEW_LOST_START: (i32, u32, u32) = (2021, 5, 1);
const DAY: i64 = 86_400;
/// A timeline of at least this many rows is built in parallel.
const PARALLEL_ROWS: usize = 16_384;

fn ymd(date: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.0, date.1, date.2).expect("a fixed valid date")
}

/// Merged live intervals of the entities named by `key` (rows where it is `None` are left out).
fn merged_intervals(
    index: &Index,
    rows: &[u32],
    key: impl Fn(&Row) -> Option<u32>,
) -> Vec<(i64, i64)> {
    let mut spans: Vec<(u32, i64, i64)> = rows
        .iter()
        .filter_map(|&row_id| {
            let row = &index.rows[row_id as usize];
            key(row).map(|key| (key, row.first_seen, row.lost_at))
        })
        .filter(|(_, start, end)| start < end)
        .collect();
    spans.sort_unstable();
    let mut merged = Vec::new();
    let mut current: Option<(u32, i64, i64)> = None;
    for (key, start, end) in spans {
        match &mut current {
            Some((current_key, _, current_end)) if *current_key == key && start <= *current_end => {
                *current_end = (*current_end).max(end);
            }
            _ => {
                if let Some((_, start, end)) = current {
                    merged.push((start, end));
                }
                current = Some((key, start, end));
            }
        }
    }
    if let Some((_, start, end)) = current {
        merged.push((start, end));
    }
    merged
}

/// How many intervals contain each instant of the ascending `points`.
fn live_at(intervals: &[(i64, i64)], points: &[i64]) -> Vec<u64> {
    let mut diff = vec![0i64; points.len() + 1];
    for &(start, end) in intervals {
        let from = points.partition_point(|&point| point < start);
        let to = points.partition_point(|&point| point < end);
        diff[from] += 1;
        diff[to] -= 1;
    }
    let mut running = 0i64;
    points
        .iter()
        .enumerate()
        .map(|(position, _)| {
            running += diff[position];
            running as u64
        })
        .collect()
}

/// How many intervals start (`new`) and end (`lost`) within each `[start, end)` window.
fn events_in(intervals: &[(i64, i64)], windows: &[(i64, i64)]) -> Vec<(u64, u64)> {
    windows
        .iter()
        .map(|&(from, to)| {
            let new =
                intervals.iter().filter(|(start, _)| (from..to).contains(start)).count() as u64;
            let lost = intervals
                .iter()
                .filter(|(_, end)| *end != i64::MAX && (from..to).contains(end))
                .count() as u64;
            (new, lost)
        })
        .collect()
}

/// The ten snapshot counts of `timeseries_summary` (and history), in this order.
const SNAPSHOT_FIELDS: [&str; 12] = [
    "backlinks",
    "backlinks_nofollow",
    "referring_pages",
    "referring_pages_nofollow",
    "referring_domains",
    "referring_domains_nofollow",
    "referring_main_domains",
    "referring_main_domains_nofollow",
    "referring_ips",
    "referring_subnets",
    "broken_backlinks",
    "broken_pages",
];

/// Entity intervals for each of [`SNAPSHOT_FIELDS`].
fn snapshot_intervals(index: &Index, rows: &[u32]) -> Vec<Vec<(i64, i64)>> {
    (0..SNAPSHOT_FIELDS.len()).map(|field| snapshot_field(index, rows, field)).collect()
}

/// Entity intervals for the [`SNAPSHOT_FIELDS`] entry at `field`.
fn snapshot_field(index: &Index, rows: &[u32], field: usize) -> Vec<(i64, i64)> {
    let nofollow = |row: &Row, id: u32| (!row.dofollow).then_some(id);
    let by_row = |filter: &dyn Fn(&Row) -> bool| -> Vec<(i64, i64)> {
        rows.iter()
            .map(|&row| &index.rows[row as usize])
            .filter(|row| filter(row) && row.first_seen < row.lost_at)
            .map(|row| (row.first_seen, row.lost_at))
            .collect()
    };
    match field {
        0 => by_row(&|_| true),
        1 => by_row(&|row| !row.dofollow),
        2 => merged_intervals(index, rows, |row| Some(row.url_from)),
        3 => merged_intervals(index, rows, |row| nofollow(row, row.url_from)),
        4 => merged_intervals(index, rows, |row| Some(row.from_host)),
        5 => merged_intervals(index, rows, |row| nofollow(row, row.from_host)),
        6 => merged_intervals(index, rows, |row| Some(row.from_main)),
        7 => merged_intervals(index, rows, |row| nofollow(row, row.from_main)),
        8 => merged_intervals(index, rows, |row| (row.ip != NONE).then_some(row.ip)),
        9 => merged_intervals(index, rows, |row| (row.subnet != NONE).then_some(row.subnet)),
        10 => by_row(&|row| row.is_broken),
        _ => merged_intervals(index, rows, |row| row.is_broken.then_some(row.url_to)),
    }
}

/// The live intervals of one entity kind, as two ascending lists: their starts and their ends.
///
/// Every interval is non-empty (`start < end`), so the intervals live at an instant `p` are those that
/// started at or before `p` minus those that ended at or before it: two binary searches per instant
/// instead of a pass over the intervals.
#[derive(Default)]
pub(crate) struct Spans {
    starts: Vec<i64>,
    ends: Vec<i64>,
}

impl Spans {
    /// The spans of non-empty `intervals`.
    fn new(intervals: &[(i64, i64)]) -> Spans {
        let mut starts: Vec<i64> = intervals.iter().map(|(start, _)| *start).collect();
        let mut ends: Vec<i64> = intervals.iter().map(|(_, end)| *end).collect();
        starts.sort_unstable();
        ends.sort_unstable();
        Spans { starts, ends }
    }

    /// How many intervals contain each instant of `points` (as [`live_at`]).
    fn live_at(&self, points: &[i64]) -> Vec<u64> {
        points
            .iter()
            .map(|&point| {
                let started = self.starts.partition_point(|&start| start <= point);
                let ended = self.ends.partition_point(|&end| end <= point);
                (started - ended) as u64
            })
            .collect()
    }

    /// How many intervals start and end (never for an open end) within each `[start, end)` window
    /// (as [`events_in`]).
    fn events_in(&self, windows: &[(i64, i64)]) -> Vec<(u64, u64)> {
        let within = |list: &[i64], from: i64, to: i64| {
            let before_to = list.partition_point(|&value| value < to);
            let before_from = list.partition_point(|&value| value < from);
            before_to.saturating_sub(before_from) as u64
        };
        windows
            .iter()
            .map(|&(from, to)| (within(&self.starts, from, to), within(&self.ends, from, to)))
            .collect()
    }
}

/// The [`Spans`] of each of [`SNAPSHOT_FIELDS`] over a set of rows: what the time endpoints count.
/// A default view holds the timeline of its domain's rows ([`crate::views`]); other calls build it
/// from their rows.
#[derive(Default)]
pub(crate) struct Timeline {
    spans: Vec<Spans>,
}

impl Timeline {
    /// The timeline of `rows` (row ids into `index.rows`).
    pub(crate) fn build(index: &Index, rows: &[u32]) -> Timeline {
        let spans = |field| Spans::new(&snapshot_field(index, rows, field));
        // In parallel for big profiles (the views build theirs at load).
        let spans = if rows.len() >= PARALLEL_ROWS {
            (0..SNAPSHOT_FIELDS.len()).into_par_iter().map(spans).collect()
        } else {
            (0..SNAPSHOT_FIELDS.len()).map(spans).collect()
        };
        Timeline { spans }
    }

    fn field(&self, name: &str) -> &Spans {
        let position =
            SNAPSHOT_FIELDS.iter().position(|field| *field == name).expect("a snapshot field name");
        &self.spans[position]
    }
}

/// The timeline of a domain target for the time endpoints: the default view's when the domain has one
/// and subdomains are included, else built from [`time_rows`].
fn timeline<'a>(
    ctx: &Ctx<'a>,
    domain: &str,
    include_subdomains: bool,
    built: &'a mut Option<Timeline>,
) -> &'a Timeline {
    let precomputed = include_subdomains
        .then(|| ctx.index.default_view(domain))
        .flatten()
        .and_then(|view| view.timeline.as_ref());
    match precomputed {
        Some(timeline) => timeline,
        None => {
            built.insert(Timeline::build(ctx.index, &time_rows(ctx, domain, include_subdomains)))
        }
    }
}

/// The rows of a domain target for the time endpoints: every status, no internal links.
fn time_rows(ctx: &Ctx<'_>, domain: &str, include_subdomains: bool) -> Vec<u32> {
    let scope = Scope { status: Status::All, include_subdomains, exclude_internal: true };
    target_rows(ctx.index, &Target::Domain(domain.to_owned()), scope)
}

/// Parses `date_from`/`date_to` with their defaults and bounds.
fn date_range(
    ctx: &Ctx<'_>,
    min: NaiveDate,
    default_from: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), TaskError> {
    let date_from = ctx.params.date("date_from")?.unwrap_or(default_from.max(min));
    let date_to = ctx.params.date("date_to")?.unwrap_or(ctx.today);
    if date_from < min || date_from > date_to {
        return Err(TaskError::invalid_field("date_from"));
    }
    if date_to > ctx.latest_allowed().max(date_from) {
        return Err(TaskError::invalid_field("date_to"));
    }
    Ok((date_from, date_to))
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// How many keys each breakdown map of a `history` item keeps.
const HISTORY_LIST_LIMIT: usize = 10;
/// [`HistoryMaps`] stop at this month when rows still change after it (later months take the
/// per-request path).
const HISTORY_PREPARED_END: (i32, u32, u32) = (2100, 1, 1);

/// The six breakdown maps ([`crate::engine::aggregate::MAP_FIELDS`] order) of one state, sorted and
/// cut to [`HISTORY_LIST_LIMIT`] keys.
type MonthMaps = [Box<[(u32, u64)]>; 6];

/// What `history` reads of a domain besides its [`Timeline`], prepared by its default view: the
/// breakdown maps of the rows live at the start of every month from [`HISTORY_START`], and the rows'
/// mean spam score.
#[derive(Default)]
pub(crate) struct HistoryMaps {
    /// Distinct states, in month order.
    states: Vec<MonthMaps>,
    /// For each month from [`HISTORY_START`], its position in `states`.
    months: Vec<u32>,
    /// Whether the last month's state holds for every later month (no row starts or ends after its
    /// first instant).
    complete: bool,
    /// The rows' mean `backlinks_spam_score` (`target_spam_score` without a host record).
    spam: u32,
}

impl HistoryMaps {
    /// The history maps of `rows` (row ids into `index.rows`): a sweep over the rows' start and end
    /// events, tallying each map's keys, with a snapshot at each month's first instant.
    pub(crate) fn build(index: &Index, rows: &[u32]) -> HistoryMaps {
        let spam_sum: u64 = rows.iter().map(|&row| u64::from(index.rows[row as usize].spam)).sum();
        let spam =
            if rows.is_empty() { 0 } else { (spam_sum as f64 / rows.len() as f64).round() as u32 };
        // (instant, row, starts): a row counts from its first instant (inclusive) to its end
        // (exclusive), as `Row::live_at`.
        let mut events: Vec<(i64, u32, bool)> = Vec::with_capacity(rows.len() * 2);
        for &row_id in rows {
            let row = &index.rows[row_id as usize];
            if row.first_seen < row.lost_at {
                events.push((row.first_seen, row_id, true));
                if row.lost_at != i64::MAX {
                    events.push((row.lost_at, row_id, false));
                }
            }
        }
        events.sort_unstable();
        let last_event = events.last().map_or(i64::MIN, |event| event.0);
        let mut tallies: [HashMap<u32, u64>; 6] = Default::default();
        let mut states: Vec<MonthMaps> = Vec::new();
        let mut months = Vec::new();
        let mut applied = 0usize;
        let mut month = ymd(HISTORY_START);
        let end = ymd(HISTORY_PREPARED_END);
        let mut complete = false;
        while month <= end {
            let point = day_start(month);
            let before = applied;
            while let Some(&(instant, row_id, starts)) = events.get(applied)
                && instant <= point
            {
                apply_row(index, &index.rows[row_id as usize], &mut tallies, starts);
                applied += 1;
            }
            if states.is_empty() || applied > before {
                states.push(tallies.each_ref().map(|tally| snapshot_map(index, tally)));
            }
            months.push(u32::try_from(states.len() - 1).expect("fewer than 4 billion months"));
            if point >= last_event {
                complete = true;
                break;
            }
            month = month + Months::new(1);
        }
        HistoryMaps { states, months, complete, spam }
    }

    /// The maps at the first instant of `month` (a first day, not before [`HISTORY_START`]), when
    /// prepared.
    pub(crate) fn at(&self, month: NaiveDate) -> Option<[&[(u32, u64)]; 6]> {
        let start = ymd(HISTORY_START);
        let position = usize::try_from(
            (month.year() - start.year()) * 12 + i32::try_from(month.month0()).ok()?,
        )
        .ok()?;
        let state = match self.months.get(position) {
            Some(&state) => state as usize,
            None if self.complete => self.states.len().checked_sub(1)?,
            None => return None,
        };
        Some(self.states[state].each_ref().map(|map| &map[..]))
    }
}

/// Adds (`starts`) or removes a row's keys in the six tallies.
fn apply_row(index: &Index, row: &Row, tallies: &mut [HashMap<u32, u64>; 6], starts: bool) {
    let singles = [(0, row.tld), (1, row.item_type), (4, row.semantic), (5, row.country)];
    let listed = index
        .list(row.attributes)
        .iter()
        .map(|&key| (2, key))
        .chain(index.list(row.platforms).iter().map(|&key| (3, key)));
    for (map, key) in singles.into_iter().chain(listed) {
        let tally = &mut tallies[map];
        if starts {
            *tally.entry(key).or_insert(0) += 1;
        } else if let Some(count) = tally.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                tally.remove(&key);
            }
        }
    }
}

/// A tally as a breakdown map: sorted, cut to [`HISTORY_LIST_LIMIT`] keys.
fn snapshot_map(index: &Index, tally: &HashMap<u32, u64>) -> Box<[(u32, u64)]> {
    let mut map: Vec<(u32, u64)> = tally.iter().map(|(&key, &count)| (key, count)).collect();
    sort_map(&mut map, index);
    map.truncate(HISTORY_LIST_LIMIT);
    map.into_boxed_slice()
}

/// The first day of each month whose first instant lies in `[date_from, date_to]`.
fn history_months(date_from: NaiveDate, date_to: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut month = date_from.with_day(1).expect("day 1 exists");
    if month < date_from {
        month = month + Months::new(1);
    }
    while month <= date_to {
        months.push(month);
        month = month + Months::new(1);
    }
    months
}

/// What the items of a `history` answer are made of, from the default view or from the rows.
struct HistoryParts<'a> {
    /// Per [`SNAPSHOT_FIELDS`] entry, its count at each month.
    counts: Vec<Vec<u64>>,
    /// Per month, new and lost rows and referring domains.
    row_events: Vec<(u64, u64)>,
    domain_events: Vec<(u64, u64)>,
    info: Value,
    pages: SitePages,
    maps: BreakdownMaps<'a>,
}

/// Per month, the six breakdown maps (sorted; at least [`HISTORY_LIST_LIMIT`] keys when there are
/// as many).
enum BreakdownMaps<'a> {
    /// Read from the default view's [`HistoryMaps`].
    Prepared(Vec<[&'a [(u32, u64)]; 6]>),
    /// Tallied from the rows live at each month's first instant.
    Scanned(Vec<[Vec<(u32, u64)>; 6]>),
}

impl BreakdownMaps<'_> {
    /// The maps of the month at `position`.
    fn month(&self, position: usize) -> [&[(u32, u64)]; 6] {
        match self {
            BreakdownMaps::Prepared(months) => months[position],
            BreakdownMaps::Scanned(months) => months[position].each_ref().map(Vec::as_slice),
        }
    }
}

/// The parts of `history` for `domain` from its default view (its [`Timeline`] and
/// [`HistoryMaps`]), when it has them and they cover every month.
fn prepared_history<'a>(
    ctx: &Ctx<'a>,
    domain: &str,
    months: &[NaiveDate],
    points: &[i64],
    windows: &[(i64, i64)],
) -> Option<HistoryParts<'a>> {
    let index = ctx.index;
    let view = index.default_view(domain)?;
    let (timeline, history) = (view.timeline.as_ref()?, view.history.as_ref()?);
    let maps = months.iter().map(|&month| history.at(month)).collect::<Option<Vec<_>>>()?;
    let counts = timeline.spans.iter().map(|spans| spans.live_at(points)).collect();
    let target = Target::Domain(domain.to_owned());
    let spam_only = Agg { spam: history.spam, ..Agg::default() };
    Some(HistoryParts {
        counts,
        row_events: timeline.spans[0].events_in(windows),
        domain_events: timeline.spans[4].events_in(windows),
        info: target_info(index, &target, &spam_only),
        pages: view.site_pages,
        maps: BreakdownMaps::Prepared(maps),
    })
}

/// The parts of `history` for `domain` computed from its rows.
fn scanned_history<'a>(
    ctx: &Ctx<'a>,
    domain: &str,
    points: &[i64],
    windows: &[(i64, i64)],
) -> HistoryParts<'a> {
    let index = ctx.index;
    let rows = time_rows(ctx, domain, true);
    let intervals = snapshot_intervals(index, &rows);
    let counts: Vec<Vec<u64>> = intervals.iter().map(|list| live_at(list, points)).collect();
    let target = Target::Domain(domain.to_owned());
    let target_agg =
        Agg::compute(index, &rows, crate::engine::RankFrom::Passed, &mut Scratch::default());
    let mut scratch = Scratch::default();
    let maps = points
        .iter()
        .map(|&point| {
            let live: Vec<u32> = rows
                .iter()
                .copied()
                .filter(|&row| index.rows[row as usize].live_at(point))
                .collect();
            Agg::compute_maps(index, &live, &mut scratch).maps
        })
        .collect();
    HistoryParts {
        row_events: events_in(&intervals[0], windows),
        domain_events: events_in(&intervals[4], windows),
        counts,
        info: target_info(index, &target, &target_agg),
        pages: site_pages(index, &target, &rows),
        maps: BreakdownMaps::Scanned(maps),
    }
}

/// `history/live`: one item per month dated on its first day, holding the totals on that day.
pub(crate) fn history(ctx: &Ctx<'_>) -> Result<Outcome, TaskError> {
    let (target_text, domain) = ctx.params.domain_target()?;
    let scale = ctx.params.scale()?;
    let (date_from, date_to) = date_range(ctx, ymd(HISTORY_START), ymd(HISTORY_START))?;
    let index = ctx.index;
    let months = history_months(date_from, date_to);
    let points: Vec<i64> = months.iter().map(|&month| day_start(month)).collect();
    // A month's new/lost events are the changes between the previous snapshot and this one: events in
    // (previous instant, this instant].
    let windows: Vec<(i64, i64)> = months
        .iter()
        .map(|&month| (day_start(month - Months::new(1)) + 1, day_start(month) + 1))
        .collect();
    let parts = prepared_history(ctx, &domain, &months, &points, &windows)
        .unwrap_or_else(|| scanned_history(ctx, &domain, &points, &windows));
    let rank = index.domain_rank(&domain);
    let HistoryParts { counts, row_events, domain_events, info, pages, maps } = parts;
    let items: Vec<Value> = months
        .iter()
        .enumerate()
        .map(|(position, &month)| {
            let mut out = Map::new();
            out.insert("type".into(), Value::from("backlinks_history"));
            out.insert("date".into(), Value::from(format_time(points[position])));
            let backlinks = counts[0][position];
            out.insert("rank".into(), json!(if backlinks > 0 { scale.apply(rank) } else { 0 }));
            let (new_links, lost_links, new_domains, lost_domains) = if month >= ymd(NEW_LOST_START)
            {
                (
                    row_events[position].0,
                    row_events[position].1,
                    domain_events[position].0,
                    domain_events[position].1,
                )
            } else {
                (0, 0, 0, 0)
            };
            out.insert("new_backlinks".into(), json!(new_links));
            out.insert("lost_backlinks".into(), json!(lost_links));
            out.insert("new_referring_domains".into(), json!(new_domains));
            out.insert("lost_referring_domains".into(), json!(lost_domains));
            out.insert(
                "crawled_pages".into(),
                json!(if backlinks > 0 { pages.crawled_pages } else { 0 }),
            );
            out.insert("info".into(), info.clone());
            out.insert("internal_links_count".into(), json!(pages.internal_links));
            out.insert("external_links_count".into(), json!(pages.external_links));
            for (field_position, field) in SNAPSHOT_FIELDS.iter().enumerate() {
                if *field != "backlinks_nofollow" {
                    out.insert((*field).into(), json!(counts[field_position][position]));
                }
            }
            write_breakdown_maps(maps.month(position), &mut out, index, HISTORY_LIST_LIMIT);
            Value::Object(out)
        })
        .collect();
    let billed_items = items.len() as u64;
    Ok(Outcome {
        result: Some(json!({
            "target": target_text,
            "date_from": date_text(date_from),
            "date_to": date_text(date_to),
            "items_count": items.len(),
            "items": Value::Array(items),
        })),
        billed_items,
    })
}

/// A timeseries period: its first day and its last day (the item's date).
fn periods(
    date_from: NaiveDate,
    date_to: NaiveDate,
    group_range: &str,
) -> Vec<(NaiveDate, NaiveDate)> {
    let start_of = |date: NaiveDate| -> NaiveDate {
        match group_range {
            "day" => date,
            "week" => date - Days::new(u64::from(date.weekday().num_days_from_monday())),
            "month" => date.with_day(1).expect("day 1 exists"),
            _ => NaiveDate::from_ymd_opt(date.year(), 1, 1).expect("January 1 exists"),
        }
    };
    let next_of = |start: NaiveDate| -> NaiveDate {
        match group_range {
            "day" => start + Days::new(1),
            "week" => start + Days::new(7),
            "month" => start + Months::new(1),
            _ => start + Months::new(12),
        }
    };
    let mut list = Vec::new();
    let mut start = start_of(date_from);
    while start <= date_to {
        let next = next_of(start);
        list.push((start, next - Days::new(1)));
        start = next;
    }
    list
}

/// The parts of a timeseries request: sent target, domain, dates, `group_range` and its periods.
type TimeseriesRequest<'a> =
    (&'a str, String, NaiveDate, NaiveDate, &'static str, Vec<(NaiveDate, NaiveDate)>);

/// Parses the common timeseries request.
fn timeseries_request<'a>(ctx: &Ctx<'a>) -> Result<TimeseriesRequest<'a>, TaskError> {
    let (target_text, domain) = ctx.params.domain_target()?;
    let group_range =
        ctx.params.choice("group_range", &["day", "week", "month", "year"], "month")?;
    let default_from = ctx.today - Months::new(12);
    let (date_from, date_to) = date_range(ctx, ymd(TIMESERIES_START), default_from)?;
    let periods = periods(date_from, date_to, group_range);
    Ok((target_text, domain, date_from, date_to, group_range, periods))
}

fn timeseries_result(
    target: &str,
    date_from: NaiveDate,
    date_to: NaiveDate,
    group_range: &str,
    items: Vec<Value>,
) -> Outcome {
    let billed_items = items.len() as u64;
    let items_count = items.len();
    Outcome {
        result: Some(json!({
            "target": target,
            "date_from": date_text(date_from),
            "date_to": date_text(date_to),
            "group_range": group_range,
            "items_count": items_count,
            "items": Value::Array(items),
        })),
        billed_items,
    }
}

/// `timeseries_summary/live`: totals at the end of each period, dated on the period's last day.
pub(crate) fn timeseries_summary(ctx: &Ctx<'_>) -> Result<Outcome, TaskError> {
    let (target_text, domain, date_from, date_to, group_range, periods) = timeseries_request(ctx)?;
    let scale = ctx.params.scale()?;
    let include_subdomains = ctx.params.flag("include_subdomains", true)?;
    let index = ctx.index;
    let mut built = None;
    let timeline = timeline(ctx, &domain, include_subdomains, &mut built);
    // The state at the last second of each period's last day.
    let points: Vec<i64> = periods.iter().map(|&(_, end)| day_start(end) + DAY - 1).collect();
    let counts: Vec<Vec<u64>> =
        SNAPSHOT_FIELDS[..10].iter().map(|field| timeline.field(field).live_at(&points)).collect();
    let rank = index.domain_rank(&domain);
    let items = periods
        .iter()
        .enumerate()
        .map(|(position, &(_, end))| {
            let mut out = Map::new();
            out.insert("type".into(), Value::from("backlinks_timeseries_summary"));
            out.insert("date".into(), Value::from(format_time(day_start(end))));
            let backlinks = counts[0][position];
            out.insert("rank".into(), json!(if backlinks > 0 { scale.apply(rank) } else { 0 }));
            for (field_position, field) in SNAPSHOT_FIELDS[..10].iter().enumerate() {
                out.insert((*field).into(), json!(counts[field_position][position]));
            }
            Value::Object(out)
        })
        .collect();
    Ok(timeseries_result(target_text, date_from, date_to, group_range, items))
}

/// `timeseries_new_lost_summary/live`: new and lost links, domains and main domains per period.
pub(crate) fn timeseries_new_lost_summary(ctx: &Ctx<'_>) -> Result<Outcome, TaskError> {
    let (target_text, domain, date_from, date_to, group_range, periods) = timeseries_request(ctx)?;
    let include_subdomains = ctx.params.flag("include_subdomains", true)?;
    let mut built = None;
    let timeline = timeline(ctx, &domain, include_subdomains, &mut built);
    let windows: Vec<(i64, i64)> =
        periods.iter().map(|&(start, end)| (day_start(start), day_start(end) + DAY)).collect();
    let link_events = timeline.field("backlinks").events_in(&windows);
    let domain_events = timeline.field("referring_domains").events_in(&windows);
    let main_events = timeline.field("referring_main_domains").events_in(&windows);
    let items = periods
        .iter()
        .enumerate()
        .map(|(position, &(_, end))| {
            json!({
                "type": "backlinks_timeseries_new_lost_summary",
                "date": format_time(day_start(end)),
                "new_backlinks": link_events[position].0,
                "lost_backlinks": link_events[position].1,
                "new_referring_domains": domain_events[position].0,
                "lost_referring_domains": domain_events[position].1,
                "new_referring_main_domains": main_events[position].0,
                "lost_referring_main_domains": main_events[position].1,
            })
        })
        .collect();
    Ok(timeseries_result(target_text, date_from, date_to, group_range, items))
}

/// New and lost counts since `since` (`bulk_new_lost_*`): `(new, lost)` for rows, referring hosts and
/// referring main domains.
pub(crate) fn new_lost_since(index: &Index, rows: &[u32], since: i64) -> [(u64, u64); 3] {
    let window = [(since, i64::MAX)];
    let links: Vec<(i64, i64)> = rows
        .iter()
        .map(|&row| &index.rows[row as usize])
        .filter(|row| row.first_seen < row.lost_at)
        .map(|row| (row.first_seen, row.lost_at))
        .collect();
    [
        events_in(&links, &window)[0],
        events_in(&merged_intervals(index, rows, |row| Some(row.from_host)), &window)[0],
        events_in(&merged_intervals(index, rows, |row| Some(row.from_main)), &window)[0],
    ]
}

/// Rows live at each of `points` (for the `index` endpoint's history).
pub(crate) fn live_rows_at(index: &Index, points: &[i64]) -> Vec<u64> {
    let spans: Vec<(i64, i64)> = index
        .rows
        .iter()
        .filter(|row| row.first_seen < row.lost_at)
        .map(|row| (row.first_seen, row.lost_at))
        .collect();
    live_at(&spans, points)
}

/// Distinct pages (source and linked) live at each of `points`.
pub(crate) fn live_pages_at(index: &Index, points: &[i64]) -> Vec<u64> {
    let all: Vec<u32> = (0..index.rows.len() as u32).collect();
    let mut sources = merged_intervals(index, &all, |row| Some(row.url_from));
    sources.extend(merged_intervals(index, &all, |row| Some(row.url_to)));
    live_at(&sources, points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_whole_and_dated_at_their_end() {
        let from = NaiveDate::from_ymd_opt(2022, 3, 23).unwrap();
        let to = NaiveDate::from_ymd_opt(2022, 5, 13).unwrap();
        let ends: Vec<String> =
            periods(from, to, "month").iter().map(|(_, end)| end.to_string()).collect();
        assert_eq!(ends, ["2022-03-31", "2022-04-30", "2022-05-31"]);
        let weeks = periods(from, to, "week");
        assert_eq!(weeks[0].1.weekday(), chrono::Weekday::Sun);
        assert!(weeks[0].0 <= from && weeks.last().unwrap().1 >= to);
        assert_eq!(periods(from, to, "day").len(), 52);
        assert_eq!(periods(from, to, "year").len(), 1);
    }

    #[test]
    fn spans_count_like_a_pass_over_the_intervals() {
        // A small linear congruential sequence: many overlapping, touching and open intervals.
        let mut state = 7u64;
        let mut next = |modulo: i64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            i64::try_from(state >> 33).unwrap() % modulo
        };
        let mut intervals: Vec<(i64, i64)> = Vec::new();
        for _ in 0..500 {
            let start = next(1000);
            let end = if next(5) == 0 { i64::MAX } else { start + 1 + next(200) };
            intervals.push((start, end));
        }
        let spans = Spans::new(&intervals);
        let points: Vec<i64> = (-5..1300).step_by(7).collect();
        assert_eq!(spans.live_at(&points), live_at(&intervals, &points));
        let mut windows: Vec<(i64, i64)> =
            points.windows(2).map(|pair| (pair[0], pair[1])).collect();
        windows.extend([(0, i64::MAX), (500, 500), (600, 400), (i64::MIN, 0)]);
        assert_eq!(spans.events_in(&windows), events_in(&intervals, &windows));
    }

    #[test]
    fn live_counts_and_events_follow_intervals() {
        let intervals = [(10, 20), (15, i64::MAX)];
        assert_eq!(live_at(&intervals, &[5, 10, 19, 20, 100]), [0, 1, 2, 1, 1]);
        assert_eq!(events_in(&intervals, &[(0, 12), (12, 21)]), [(1, 0), (1, 1)]);
    }
}
