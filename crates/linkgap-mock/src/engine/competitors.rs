//! `competitors/live`: domains that share referring main domains with the target.

use std::cmp::Reverse;

use serde::Serialize;

use crate::engine::fields::field_type;
use crate::engine::{Ctx, Execution, Scope, Status, Target, TaskError, target_rows};
use crate::index::{Index, host_within, main_domain};
use crate::query::{FieldType, Record, SortRule, Val, compile_order, sort_records};

/// The giants `exclude_large_domains` leaves out (a fixed list: the world has no notion of size
/// beyond its own rows).
const LARGE_DOMAINS: &[&str] = &[
    "google.com",
    "youtube.com",
    "facebook.com",
    "twitter.com",
    "x.com",
    "instagram.com",
    "linkedin.com",
    "wikipedia.org",
    "amazon.com",
    "apple.com",
    "microsoft.com",
    "pinterest.com",
    "reddit.com",
    "tiktok.com",
    "yahoo.com",
    "bing.com",
    "github.com",
    "medium.com",
    "wordpress.org",
    "wordpress.com",
    "blogspot.com",
    "tumblr.com",
    "vimeo.com",
    "t.co",
    "bit.ly",
];

/// One competitor of a target: a main domain (or host) sharing referring main domains with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Competitor {
    /// Interned name.
    pub(crate) id: u32,
    /// How many of the target's live referring main domains also link (live) to it.
    pub(crate) intersections: u32,
    /// Whether its main domain is one of [`LARGE_DOMAINS`] (left out by `exclude_large_domains`).
    pub(crate) large: bool,
}

/// The competitors of a main domain with a default view, computed at load ([`crate::views`]).
pub(crate) struct Competitors {
    /// Ascending by name (what [`competitor_counts`] gives).
    by_name: Vec<Competitor>,
    /// Positions in `by_name` of the competitors that are not large, by intersections descending,
    /// then name: the default answer with `exclude_large_domains`.
    ranked: Vec<u32>,
}

impl Competitors {
    /// The prepared competitors of `domain` given its live `rows`, with `main_domain`.
    pub(crate) fn build(index: &Index, domain: &str, rows: &[u32]) -> Competitors {
        let by_name = competitor_counts(index, domain, rows, true);
        let mut ranked: Vec<u32> = (0..by_name.len())
            .filter(|&position| !by_name[position].large)
            .map(|position| u32::try_from(position).expect("fewer than 4 billion competitors"))
            .collect();
        ranked.sort_by_key(|&position| Reverse(by_name[position as usize].intersections));
        Competitors { by_name, ranked }
    }
}

/// How many rows [`competitor_counts`] reads for a target with `rows`: the rows linked from its
/// referring main domains. A default view precomputes its competitors when this is large.
pub(crate) fn competitor_scan(index: &Index, rows: &[u32]) -> usize {
    let mut referrers: Vec<u32> =
        rows.iter().map(|&row| index.rows[row as usize].from_main).collect();
    referrers.sort_unstable();
    referrers.dedup();
    referrers.iter().map(|&referrer| index.by_from_main.get(referrer).len()).sum()
}

/// The competitors of `domain` given its live `rows` (ascending by name): every main domain
/// (`use_main`) or host that a referring main domain of the rows links to (live), except `domain`
/// and its subdomains.
pub(crate) fn competitor_counts(
    index: &Index,
    domain: &str,
    rows: &[u32],
    use_main: bool,
) -> Vec<Competitor> {
    let mut referrers: Vec<u32> =
        rows.iter().map(|&row| index.rows[row as usize].from_main).collect();
    referrers.sort_unstable();
    referrers.dedup();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for &referrer in &referrers {
        for &row_id in index.by_from_main.get(referrer) {
            let row = &index.rows[row_id as usize];
            if row.is_lost || row.to_main == referrer {
                continue;
            }
            let competitor = if use_main { row.to_main } else { row.to_host };
            pairs.push((competitor, referrer));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut counted: Vec<Competitor> = Vec::new();
    for chunk in pairs.chunk_by(|left, right| left.0 == right.0) {
        let name = index.text(chunk[0].0);
        if host_within(name, domain) {
            continue;
        }
        counted.push(Competitor {
            id: chunk[0].0,
            intersections: u32::try_from(chunk.len()).expect("fewer than 4 billion referrers"),
            large: LARGE_DOMAINS.contains(&main_domain(name)),
        });
    }
    counted.sort_unstable_by(|left, right| index.text(left.id).cmp(index.text(right.id)));
    counted
}

/// `competitors/live`. `intersections` = how many of the target's live referring main domains also
/// link (live) to the competitor. With `main_domain` (default) the target is its main domain with all
/// subdomains and competitors are main domains; without it, the target host and competitor hosts.
///
/// A main domain with a default view has its competitors (with `main_domain` and
/// `exclude_internal_backlinks`) computed at load when they take long to count. Without `filters`
/// and `order_by`, only the page's items are built: the `offset + limit` most intersections, ties in
/// name order (what the stable sort of the name-ordered list gives).
pub(crate) fn competitors(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    let params = &ctx.params;
    let (_, target) = params.target()?;
    let scale = params.scale()?;
    let limit = params.limit()?;
    let offset = params.offset(None)?;
    let use_main = params.flag("main_domain", true)?;
    let exclude_large = params.flag("exclude_large_domains", true)?;
    let exclude_internal = params.flag("exclude_internal_backlinks", true)?;
    let table = |path: &str| field_type("competitors", path);
    let filter = params.filter("filters", &table)?;
    let mut rules = compile_order(params.raw("order_by"), &table)?;
    let index = ctx.index;
    let site = target.site();
    let domain = if use_main { main_domain(&site).to_owned() } else { site };
    let precomputed = (use_main && exclude_internal)
        .then(|| index.default_view(&domain))
        .flatten()
        .and_then(|view| view.competitors.as_ref());
    let item = |competitor: &Competitor| {
        let name = index.text(competitor.id);
        CompetitorItem {
            intersections: competitor.intersections,
            rank: scale.apply(index.domain_rank(name)),
            target: name,
            kind: "backlinks_competitors",
        }
    };
    let default_order = filter.is_none() && rules.is_empty();
    if let Some(prepared) = precomputed
        && default_order
        && exclude_large
    {
        let ranked = &prepared.ranked;
        let page =
            &ranked[offset.min(ranked.len())..offset.saturating_add(limit).min(ranked.len())];
        let items =
            page.iter().map(|&position| item(&prepared.by_name[position as usize])).collect();
        return list_result(ranked.len(), items);
    }
    let computed;
    let counted = if let Some(prepared) = precomputed {
        &prepared.by_name[..]
    } else {
        let scope = Scope { status: Status::Live, include_subdomains: true, exclude_internal };
        let rows = target_rows(index, &Target::Domain(domain.clone()), scope);
        computed = competitor_counts(index, &domain, &rows, use_main);
        &computed[..]
    };
    let kept: Vec<&Competitor> =
        counted.iter().filter(|competitor| !(exclude_large && competitor.large)).collect();
    if default_order {
        let mut order: Vec<(Reverse<u32>, usize)> = kept
            .iter()
            .enumerate()
            .map(|(position, competitor)| (Reverse(competitor.intersections), position))
            .collect();
        let total_count = order.len();
        let needed = offset.saturating_add(limit).min(order.len());
        if needed == 0 {
            order.clear();
        } else if needed < order.len() {
            order.select_nth_unstable(needed - 1);
            order.truncate(needed);
        }
        order.sort_unstable();
        let items = order.iter().skip(offset).map(|&(_, position)| item(kept[position])).collect();
        return list_result(total_count, items);
    }
    if rules.is_empty() {
        rules.push(SortRule { path: "intersections".into(), ty: FieldType::Num, descending: true });
    }
    let mut matching: Vec<CompetitorItem<'_>> = kept.into_iter().map(item).collect();
    if let Some(filter) = &filter {
        matching.retain(|item| filter.matches(item));
    }
    let total_count = matching.len();
    let items = sort_records(matching, &rules, Some(offset.saturating_add(limit)))
        .into_iter()
        .skip(offset)
        .take(limit)
        .collect();
    list_result(total_count, items)
}

/// A competitor item written straight to JSON text (keys in the alphabetical order a
/// `serde_json::Map` writes them): building a `Value` per item costs several small allocations,
/// slow on a heap that the index has fragmented.
#[derive(Serialize)]
struct CompetitorItem<'a> {
    intersections: u32,
    rank: u32,
    target: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl<'a> Record<'a> for CompetitorItem<'a> {
    fn value(&self, path: &str) -> Val<'a> {
        match path {
            "intersections" => Val::Num(f64::from(self.intersections)),
            "rank" => Val::Num(f64::from(self.rank)),
            "target" => Val::Str(self.target.into()),
            "type" => Val::Str(self.kind.into()),
            _ => Val::Null,
        }
    }
}

/// The `competitors/live` result, keys in the alphabetical order a `serde_json::Map` writes them.
#[derive(Serialize)]
struct CompetitorsResult<'a> {
    items: Vec<CompetitorItem<'a>>,
    items_count: usize,
    total_count: usize,
}

fn list_result(total_count: usize, items: Vec<CompetitorItem<'_>>) -> Result<Execution, TaskError> {
    let billed_items = items.len() as u64;
    let result = CompetitorsResult { items_count: items.len(), items, total_count };
    let result = serde_json::value::to_raw_value(&result).map_err(|_| TaskError::internal())?;
    Ok(Execution { result: Some(result), billed_items })
}
