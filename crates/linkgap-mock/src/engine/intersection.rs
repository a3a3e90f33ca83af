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

use hashbrown::HashSet;
use serde_json::{Map, Value, json};

use crate::engine::aggregate::Scratch;
use crate::engine::fields::field_type;
use crate::engine::{
    Agg, AggOutput, BacklinkView, Ctx, Outcome, RankFrom, Scale, Scope, Target, TaskError,
    default_view, filter_rows, target_rows,
};
use crate::index::{Index, Row};
use crate::query::{FieldType, Filter, Record, SortRule, Val, compile_order, sort_records};
use crate::views::{DefaultView, text_rank};

/// Most targets of an intersection.
const MAX_TARGETS: usize = 20;
/// Most `exclude_targets`.
const MAX_EXCLUDE_TARGETS: usize = 10;

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
fn excluded_referrers(
    ctx: &Ctx<'_>,
    scope: Scope,
    by_page: bool,
) -> Result<HashSet<u32>, TaskError> {
    let invalid = || TaskError::invalid_field("exclude_targets");
    let Some(value) = ctx.params.get("exclude_targets") else { return Ok(HashSet::new()) };
    let list = value.as_array().ok_or_else(invalid)?;
    if list.len() > MAX_EXCLUDE_TARGETS {
        return Err(invalid());
    }
    let index = ctx.index;
    let mut referrers = HashSet::new();
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
                        referrers.extend(view.all_referrers.iter().copied());
                        continue;
                    }
                    index.rows_to_domain(&domain, scope.include_subdomains)
                }
                Target::Page(url) => index.rows_to_url(&url),
            }
        };
        referrers.extend(rows.iter().map(|&row| referrer_of(&index.rows[row as usize], by_page)));
    }
    Ok(referrers)
}

fn referrer_of(row: &Row, by_page: bool) -> u32 {
    if by_page { row.url_from } else { row.from_host }
}

/// A referrer with its rows per target position (only targets it links to).
struct Referrer {
    key: u32,
    per_target: Vec<(usize, Vec<u32>)>,
    aggs: Vec<Agg>,
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
struct Request {
    targets: Vec<(u32, String, Target)>,
    scope: Scope,
    scale: Scale,
    limit: usize,
    offset: usize,
    list_limit: usize,
    partial: bool,
    backlinks_filter: Option<Filter>,
    excluded: HashSet<u32>,
}

fn parse_request(ctx: &Ctx<'_>, by_page: bool) -> Result<Request, TaskError> {
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

fn prepare(ctx: &Ctx<'_>, request: Request, by_page: bool, with_aggs: bool) -> Prepared {
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
            if !excluded.contains(&key) {
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
fn default_page(ctx: &Ctx<'_>, request: &Request) -> Option<(Vec<Referrer>, usize)> {
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
    let minimum = if request.partial { views.len().min(2) } else { 1 };
    let mut candidates: Vec<(u32, u32, u32)> = touched
        .into_iter()
        .filter(|host| !request.excluded.contains(host))
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
struct InterView<'a> {
    index: &'a Index,
    referrer: &'a Referrer,
    /// Request key number per target position.
    keys: &'a [u32],
    scale: Scale,
    by_page: bool,
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

fn run(ctx: &Ctx<'_>, by_page: bool) -> Result<Outcome, TaskError> {
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
        let items: Vec<Value> = page
            .iter()
            .map(|referrer| {
                let view =
                    InterView { index, referrer, keys: &keys, scale: request.scale, by_page };
                item_json(&view, &output)
            })
            .collect();
        return Ok(intersection_result(&request.targets, total_count, items));
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
    let items: Vec<Value> =
        sort_records(views, &rules, Some(prepared.offset.saturating_add(prepared.limit)))
            .iter()
            .skip(prepared.offset)
            .take(prepared.limit)
            .map(|view| item_json(view, &output))
            .collect();
    Ok(intersection_result(&prepared.targets, total_count, items))
}

fn intersection_result(
    targets: &[(u32, String, Target)],
    total_count: usize,
    items: Vec<Value>,
) -> Outcome {
    let targets_echo: Map<String, Value> = targets
        .iter()
        .map(|(number, text, _)| (number.to_string(), Value::from(text.as_str())))
        .collect();
    let billed_items = items.len() as u64;
    Outcome {
        result: Some(json!({
            "targets": targets_echo,
            "total_count": total_count,
            "items_count": items.len(),
            "items": Value::Array(items),
        })),
        billed_items,
    }
}

fn item_json(view: &InterView<'_>, output: &AggOutput) -> Value {
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
pub(crate) fn domain_intersection(ctx: &Ctx<'_>) -> Result<Outcome, TaskError> {
    run(ctx, false)
}

/// `page_intersection/live`.
pub(crate) fn page_intersection(ctx: &Ctx<'_>) -> Result<Outcome, TaskError> {
    run(ctx, true)
}
