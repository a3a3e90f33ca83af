//! `domain_intersection` and `page_intersection`: referrers shared by up to 20 targets (the link gap).
//!
//! Rows are referring hosts (`domain_intersection`) or referring pages (`page_intersection`) that link to
//! at least one target. `intersection_mode` is interpreted as: `all` (default) returns every such
//! referrer, whatever its `intersections_count`; `partial` returns only referrers that link to at
//! least two of the targets (to the one target when only one is given). Per-target objects appear
//! only under the keys of targets the referrer links to (absent keys, never `null`).
//! `exclude_targets` drops referrers (hosts, or pages for `page_intersection`) with a link to any
//! excluded domain (with subdomains per `include_subdomains`), page, or URL prefix ending in `*`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use hashbrown::HashSet;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::engine::aggregate::{AggItem, Scratch};
use crate::engine::fields::field_type;
use crate::engine::{
    Agg, AggOutput, BacklinkView, Ctx, Execution, RankFrom, Scale, Scope, Target, TaskError,
    default_view, filter_rows, target_rows,
};
use crate::index::{Index, Row};
use crate::query::{FieldType, Filter, Record, SortRule, Val, compile_order, sort_records};
use crate::views::{DefaultView, text_rank};

/// Most targets of an intersection.
const MAX_TARGETS: usize = 20;
/// Most `exclude_targets`.
const MAX_EXCLUDE_TARGETS: usize = 10;
/// The bit of a referring host's target mask that marks it excluded (targets use the low 20 bits).
const EXCLUDED: u32 = 1 << 31;

/// The parsed `targets` map: `(key number, sent string, target)` sorted by key.
fn parse_targets(ctx: &Ctx<'_>) -> Result<Vec<(u32, String, Target)>, TaskError> {
    let invalid = || TaskError::invalid_field("targets");
    let object = ctx.params.get("targets").and_then(Value::as_object).ok_or_else(invalid)?;
    if object.is_empty() || object.len() > MAX_TARGETS {
        return Err(invalid());
    }
    let mut targets = object
        .iter()
        .map(|(key, value)| {
            let number: u32 =
                key.parse().ok().filter(|number| (1..=20).contains(number)).ok_or_else(invalid)?;
            if key != &number.to_string() {
                return Err(invalid());
            }
            let text = value.as_str().ok_or_else(invalid)?;
            let target = Target::parse(text).ok_or_else(invalid)?;
            Ok((number, text.to_owned(), target))
        })
        .collect::<Result<Vec<_>, TaskError>>()?;
    targets.sort_by_key(|(number, _, _)| *number);
    Ok(targets)
}

/// Referrers (hosts, or pages with `by_page`) that link to any excluded target.
#[derive(Default)]
struct Excluded<'a> {
    referrers: HashSet<u32>,
    /// Excluded domains with a default view: every host in their `all_referrers` is excluded too
    /// (not copied into `referrers`: a big profile has hundreds of thousands).
    views: Vec<&'a DefaultView>,
}

impl Excluded<'_> {
    fn contains(&self, referrer: u32) -> bool {
        self.referrers.contains(&referrer)
            || self.views.iter().any(|view| view.all_referrers.binary_search(&referrer).is_ok())
    }
}

/// The referrers that `exclude_targets` excludes.
fn excluded_referrers<'a>(
    ctx: &Ctx<'a>,
    scope: Scope,
    by_page: bool,
) -> Result<Excluded<'a>, TaskError> {
    let invalid = || TaskError::invalid_field("exclude_targets");
    let Some(value) = ctx.params.get("exclude_targets") else { return Ok(Excluded::default()) };
    let list = value.as_array().ok_or_else(invalid)?;
    if list.len() > MAX_EXCLUDE_TARGETS {
        return Err(invalid());
    }
    let index = ctx.index;
    let mut excluded = Excluded::default();
    for entry in list {
        let text = entry.as_str().ok_or_else(invalid)?.trim();
        let rows = if let Some(prefix) = text.strip_suffix('*') {
            if !prefix.contains("://") {
                return Err(invalid());
            }
            index.rows_to_url_prefix(prefix)
        } else {
            match Target::parse(text).ok_or_else(invalid)? {
                Target::Domain(domain) => {
                    // A default view already holds the referring hosts of every row.
                    if !by_page
                        && scope.include_subdomains
                        && let Some(view) = index.default_view(&domain)
                    {
                        excluded.views.push(view);
                        continue;
                    }
                    index.rows_to_domain(&domain, scope.include_subdomains)
                }
                Target::Page(url) => index.rows_to_url(&url),
            }
        };
        excluded
            .referrers
            .extend(rows.iter().map(|&row| referrer_of(&index.rows[row as usize], by_page)));
    }
    Ok(excluded)
}

fn referrer_of(row: &Row, by_page: bool) -> u32 {
    if by_page { row.url_from } else { row.from_host }
}

/// A referrer with its rows per target position (only targets it links to).
pub(crate) struct Referrer {
    pub(crate) key: u32,
    pub(crate) per_target: Vec<(usize, Vec<u32>)>,
    /// Aggregates per `per_target` entry, when computed up front (else empty).
    pub(crate) aggs: Vec<Agg>,
}

/// The common part of both endpoints: targets, exclusions, mode, rows grouped by referrer.
struct Prepared {
    targets: Vec<(u32, String, Target)>,
    referrers: Vec<Referrer>,
    scale: Scale,
    limit: usize,
    offset: usize,
    list_limit: usize,
}

/// The parsed request of either endpoint.
struct Request<'a> {
    targets: Vec<(u32, String, Target)>,
    scope: Scope,
    scale: Scale,
    limit: usize,
    offset: usize,
    list_limit: usize,
    partial: bool,
    backlinks_filter: Option<Filter>,
    excluded: Excluded<'a>,
}

fn parse_request<'a>(ctx: &Ctx<'a>, by_page: bool) -> Result<Request<'a>, TaskError> {
    let params = &ctx.params;
    let targets = parse_targets(ctx)?;
    let scope = params.scope()?;
    let scale = params.scale()?;
    let limit = params.limit()?;
    let offset = params.offset(None)?;
    let list_limit = params.list_limit()?;
    let partial = params.choice("intersection_mode", &["all", "partial"], "all")? == "partial";
    let backlinks_filter = if by_page { None } else { params.backlinks_filter()? };
    let excluded = excluded_referrers(ctx, scope, by_page)?;
    Ok(Request {
        targets,
        scope,
        scale,
        limit,
        offset,
        list_limit,
        partial,
        backlinks_filter,
        excluded,
    })
}

fn prepare(ctx: &Ctx<'_>, request: Request<'_>, by_page: bool, with_aggs: bool) -> Prepared {
    let Request {
        targets,
        scope,
        scale,
        limit,
        offset,
        list_limit,
        partial,
        backlinks_filter,
        excluded,
    } = request;
    let index = ctx.index;
    let mut tuples: Vec<(u32, usize, u32)> = Vec::new();
    for (position, (_, _, target)) in targets.iter().enumerate() {
        let mut rows = target_rows(index, target, scope);
        filter_rows(index, &mut rows, backlinks_filter.as_ref(), scale);
        for row in rows {
            let key = referrer_of(&index.rows[row as usize], by_page);
            if !excluded.contains(key) {
                tuples.push((key, position, row));
            }
        }
    }
    tuples.sort_unstable();
    let minimum = if partial { targets.len().min(2) } else { 1 };
    let mut scratch = Scratch::default();
    let mut referrers: Vec<Referrer> = Vec::new();
    for chunk in tuples.chunk_by(|left, right| left.0 == right.0) {
        let per_target: Vec<(usize, Vec<u32>)> = chunk
            .chunk_by(|left, right| left.1 == right.1)
            .map(|part| (part[0].1, part.iter().map(|(_, _, row)| *row).collect()))
            .collect();
        if per_target.len() < minimum {
            continue;
        }
        // Aggregates are computed up front only when filters or sorting read them; otherwise only
        // for the returned page (in `item_json`).
        let aggs = if by_page || !with_aggs {
            Vec::new()
        } else {
            per_target
                .iter()
                .map(|(_, rows)| Agg::compute(index, rows, RankFrom::Passed, &mut scratch))
                .collect()
        };
        referrers.push(Referrer { key: chunk[0].0, per_target, aggs });
    }
    referrers.sort_by(|left, right| index.text(left.key).cmp(index.text(right.key)));
    Prepared { targets, referrers, scale, limit, offset, list_limit }
}

/// The page of a `domain_intersection` call that reads only default views: every target a main
/// domain with one, the default scope, no filters, the default order. `None` when it does not apply.
///
/// Each target's referring hosts come from its view; a bit per target marks which ones a host links
/// to, and only the returned page's rows are gathered.
fn default_page(ctx: &Ctx<'_>, request: &Request<'_>) -> Option<(Vec<Referrer>, usize)> {
    let index = ctx.index;
    if request.backlinks_filter.is_some() {
        return None;
    }
    let views: Vec<&DefaultView> = request
        .targets
        .iter()
        .map(|(_, _, target)| default_view(index, target, request.scope))
        .collect::<Option<_>>()?;
    let mut masks = vec![0u32; index.strings.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (position, view) in views.iter().enumerate() {
        for host in view.referring_domains.keys() {
            let mask = &mut masks[host as usize];
            if *mask == 0 {
                touched.push(host);
            }
            *mask |= 1 << position;
        }
    }
    // Hosts of excluded views are marked with a bit no target uses.
    for view in &request.excluded.views {
        for &host in &view.all_referrers {
            let mask = &mut masks[host as usize];
            if *mask != 0 {
                *mask |= EXCLUDED;
            }
        }
    }
    let referrers = &request.excluded.referrers;
    let minimum = if request.partial { views.len().min(2) } else { 1 };
    let mut candidates: Vec<(u32, u32, u32)> = touched
        .into_iter()
        .filter(|&host| {
            masks[host as usize] & EXCLUDED == 0
                && (referrers.is_empty() || !referrers.contains(&host))
        })
        .filter_map(|host| {
            let count = masks[host as usize].count_ones();
            (count as usize >= minimum)
                .then(|| (u32::MAX - count, text_rank(&index.text_order, host), host))
        })
        .collect();
    let total_count = candidates.len();
    let needed = request.offset.saturating_add(request.limit).min(total_count);
    if needed == 0 {
        return Some((Vec::new(), total_count));
    }
    if needed < candidates.len() {
        candidates.select_nth_unstable(needed - 1);
        candidates.truncate(needed);
    }
    candidates.sort_unstable();
    let page = candidates[request.offset.min(needed)..]
        .iter()
        .map(|&(_, _, host)| {
            let mask = masks[host as usize];
            let per_target = views
                .iter()
                .enumerate()
                .filter(|(position, _)| mask & (1 << position) != 0)
                .map(|(position, view)| (position, view.referring_domains.rows_of(host).to_vec()))
                .collect();
            Referrer { key: host, per_target, aggs: Vec::new() }
        })
        .collect();
    Some((page, total_count))
}

/// A referrer seen as a record: `intersections_count` and `"<key>.<field>"` paths.
pub(crate) struct InterView<'a> {
    pub(crate) index: &'a Index,
    pub(crate) referrer: &'a Referrer,
    /// Request key number per target position.
    pub(crate) keys: &'a [u32],
    pub(crate) scale: Scale,
    pub(crate) by_page: bool,
}

impl<'a> Record<'a> for InterView<'a> {
    fn value(&self, path: &str) -> Val<'a> {
        if path == "intersections_count" || path == "summary.intersections_count" {
            return Val::Num(self.referrer.per_target.len() as f64);
        }
        let Some((key, field)) = path.split_once('.') else { return Val::Null };
        let Ok(key) = key.parse::<u32>() else { return Val::Null };
        let Some(slot) =
            self.referrer.per_target.iter().position(|(position, _)| self.keys[*position] == key)
        else {
            return Val::Null;
        };
        if self.by_page {
            let row = self.referrer.per_target[slot].1[0];
            return BacklinkView { index: self.index, row, scale: self.scale, group_count: 0 }
                .value(field);
        }
        match field {
            "target" => Val::Str(Cow::Borrowed(self.index.text(self.referrer.key))),
            "type" => Val::Str(Cow::Borrowed("backlinks_domain_intersection")),
            _ => self
                .referrer
                .aggs
                .get(slot)
                .map_or(Val::Null, |agg| agg.value(self.index, field, self.scale)),
        }
    }
}

fn run(ctx: &Ctx<'_>, by_page: bool) -> Result<Execution, TaskError> {
    let endpoint = if by_page { "page_intersection" } else { "domain_intersection" };
    let table = |path: &str| field_type(endpoint, path);
    let filter = ctx.params.filter("filters", &table)?;
    let mut rules = compile_order(ctx.params.raw("order_by"), &table)?;
    let reads_aggs = |path: &str| {
        !matches!(path, "intersections_count" | "summary.intersections_count")
            && !path.rsplit_once('.').is_some_and(|(_, field)| matches!(field, "target" | "type"))
    };
    let with_aggs = rules.iter().any(|rule| reads_aggs(&rule.path))
        || filter.as_ref().is_some_and(|filter| filter.paths().into_iter().any(reads_aggs));
    let request = parse_request(ctx, by_page)?;
    let index = ctx.index;
    let keys: Vec<u32> = request.targets.iter().map(|(number, _, _)| *number).collect();
    if !by_page
        && filter.is_none()
        && rules.is_empty()
        && let Some((page, total_count)) = default_page(ctx, &request)
    {
        let output =
            AggOutput { scale: request.scale, list_limit: request.list_limit, with_spam: true };
        let mut scratch = Scratch::default();
        let items: Vec<DomainIntersectionItem<'_>> = page
            .iter()
            .map(|referrer| {
                DomainIntersectionItem::new(index, referrer, &keys, output, &mut scratch)
            })
            .collect();
        return intersection_result(&request.targets, total_count, items);
    }
    let mut prepared = prepare(ctx, request, by_page, with_aggs);
    if rules.is_empty() {
        rules.push(SortRule {
            path: "intersections_count".into(),
            ty: FieldType::Num,
            descending: true,
        });
    }
    if by_page {
        // Within a target, a page's rows go best first (rank desc, then row id).
        for referrer in &mut prepared.referrers {
            for (_, rows) in &mut referrer.per_target {
                rows.sort_by_key(|&row| (std::cmp::Reverse(index.rows[row as usize].rank), row));
            }
        }
    }
    let mut views: Vec<InterView<'_>> = prepared
        .referrers
        .iter()
        .map(|referrer| InterView { index, referrer, keys: &keys, scale: prepared.scale, by_page })
        .collect();
    if let Some(filter) = &filter {
        views.retain(|view| filter.matches(view));
    }
    let total_count = views.len();
    let output =
        AggOutput { scale: prepared.scale, list_limit: prepared.list_limit, with_spam: true };
    let page = sort_records(views, &rules, Some(prepared.offset.saturating_add(prepared.limit)))
        .into_iter()
        .skip(prepared.offset)
        .take(prepared.limit);
    if by_page {
        let items: Vec<Value> = page.map(|view| item_json(&view, &output)).collect();
        return intersection_result(&prepared.targets, total_count, items);
    }
    let mut scratch = Scratch::default();
    let items: Vec<DomainIntersectionItem<'_>> = page
        .map(|view| DomainIntersectionItem::new(index, view.referrer, &keys, output, &mut scratch))
        .collect();
    intersection_result(&prepared.targets, total_count, items)
}

/// The result of either endpoint, fields in the alphabetical order a [`Map`] writes them.
#[derive(Serialize)]
struct IntersectionResult<'a, T> {
    items: Vec<T>,
    items_count: usize,
    /// The request's targets by key, ordered by key text as a [`Map`] orders them.
    targets: BTreeMap<String, &'a str>,
    total_count: usize,
}

/// The result written straight to JSON text.
fn intersection_result<T: Serialize>(
    targets: &[(u32, String, Target)],
    total_count: usize,
    items: Vec<T>,
) -> Result<Execution, TaskError> {
    let targets =
        targets.iter().map(|(number, text, _)| (number.to_string(), text.as_str())).collect();
    let billed_items = items.len() as u64;
    let result = IntersectionResult { items_count: items.len(), items, targets, total_count };
    let result = serde_json::value::to_raw_value(&result).map_err(|_| TaskError::internal())?;
    Ok(Execution { result: Some(result), billed_items })
}

/// A `domain_intersection` item written straight to JSON text, with the same keys and values as
/// [`item_json`] writes: `domain_intersection` (one aggregate object per target key the referring
/// host links to, keys in text order) and `summary`.
pub(crate) struct DomainIntersectionItem<'a> {
    index: &'a Index,
    /// The referring host.
    host: u32,
    /// `(target key as text, aggregates of the host's rows to that target)`, ordered by key text.
    per_target: Vec<(String, Cow<'a, Agg>)>,
    output: AggOutput,
}

impl<'a> DomainIntersectionItem<'a> {
    /// The item of `referrer` (aggregates taken from it when computed, else computed now).
    pub(crate) fn new(
        index: &'a Index,
        referrer: &'a Referrer,
        keys: &[u32],
        output: AggOutput,
        scratch: &mut Scratch,
    ) -> DomainIntersectionItem<'a> {
        let mut per_target: Vec<(String, Cow<'a, Agg>)> = referrer
            .per_target
            .iter()
            .enumerate()
            .map(|(slot, (position, rows))| {
                let agg = referrer.aggs.get(slot).map_or_else(
                    || Cow::Owned(Agg::compute(index, rows, RankFrom::Passed, scratch)),
                    Cow::Borrowed,
                );
                (keys[*position].to_string(), agg)
            })
            .collect();
        per_target.sort_by(|left, right| left.0.cmp(&right.0));
        DomainIntersectionItem { index, host: referrer.key, per_target, output }
    }
}

impl Serialize for DomainIntersectionItem<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("domain_intersection", &PerTarget(self))?;
        map.serialize_entry("summary", &Summary { intersections_count: self.per_target.len() })?;
        map.end()
    }
}

/// The `domain_intersection` object of a [`DomainIntersectionItem`].
struct PerTarget<'a, 'b>(&'b DomainIntersectionItem<'a>);

impl Serialize for PerTarget<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let item = self.0;
        let host = item.index.text(item.host);
        let mut map = serializer.serialize_map(Some(item.per_target.len()))?;
        for (key, agg) in &item.per_target {
            let object = AggItem {
                index: item.index,
                agg,
                head: [("type", Some("backlinks_domain_intersection")), ("target", Some(host))],
                options: item.output,
            };
            map.serialize_entry(key, &object)?;
        }
        map.end()
    }
}

/// The `summary` of an intersection item.
#[derive(Serialize)]
struct Summary {
    intersections_count: usize,
}

/// An item as a [`Value`]: what `page_intersection` writes, and what `domain_intersection` wrote before
/// its items were written as text (unit tests compare both texts).
pub(crate) fn item_json(view: &InterView<'_>, output: &AggOutput) -> Value {
    let index = view.index;
    let referrer = view.referrer;
    let mut per_target = Map::new();
    for (slot, (position, rows)) in referrer.per_target.iter().enumerate() {
        let key = view.keys[*position].to_string();
        let value =
            if view.by_page {
                Value::Array(
                    rows.iter()
                        .map(|&row| {
                            BacklinkView { index, row, scale: view.scale, group_count: 0 }
                                .to_json("backlinks_page_intersection", Some(output.list_limit))
                        })
                        .collect(),
                )
            } else {
                let mut object = Map::new();
                object.insert("type".into(), Value::from("backlinks_domain_intersection"));
                object.insert("target".into(), Value::from(index.text(referrer.key)));
                match referrer.aggs.get(slot) {
                    Some(agg) => agg.write(&mut object, index, output),
                    None => Agg::compute(index, rows, RankFrom::Passed, &mut Scratch::default())
                        .write(&mut object, index, output),
                }
                Value::Object(object)
            };
        per_target.insert(key, value);
    }
    let wrapper = if view.by_page { "page_intersection" } else { "domain_intersection" };
    json!({
        wrapper: per_target,
        "summary": { "intersections_count": referrer.per_target.len() },
    })
}

/// `domain_intersection/live`.
pub(crate) fn domain_intersection(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    run(ctx, false)
}

/// `page_intersection/live`.
pub(crate) fn page_intersection(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    run(ctx, true)
}
