//! `competitors/live`: domains that share referring main domains with the target.

use hashbrown::HashSet;
use serde_json::{Value, json};

use crate::engine::fields::field_type;
use crate::engine::{Ctx, Outcome, Scope, Status, Target, TaskError, target_rows};
use crate::index::{host_within, main_domain};
use crate::query::{FieldType, SortRule, compile_order, sort_records};

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

/// `competitors/live`. `intersections` = how many of the target's live referring main domains also
/// link (live) to the competitor. With `main_domain` (default) the target is its main domain with all
/// subdomains and competitors are main domains; without it, the target host and competitor hosts.
pub(crate) fn competitors(ctx: &Ctx<'_>) -> Result<Outcome, TaskError> {
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
    if rules.is_empty() {
        rules.push(SortRule { path: "intersections".into(), ty: FieldType::Num, descending: true });
    }
    let index = ctx.index;
    let site = target.site();
    let domain = if use_main { main_domain(&site).to_owned() } else { site };
    let scope = Scope { status: Status::Live, include_subdomains: true, exclude_internal };
    let rows = target_rows(index, &Target::Domain(domain.clone()), scope);
    let referrers: HashSet<u32> =
        rows.iter().map(|&row| index.rows[row as usize].from_main).collect();
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
    let mut counted: Vec<(&str, u64)> = Vec::new();
    for chunk in pairs.chunk_by(|left, right| left.0 == right.0) {
        let name = index.text(chunk[0].0);
        if host_within(name, &domain)
            || (exclude_large && LARGE_DOMAINS.contains(&main_domain(name)))
        {
            continue;
        }
        counted.push((name, chunk.len() as u64));
    }
    counted.sort_unstable();
    let all: Vec<Value> = counted
        .into_iter()
        .map(|(name, intersections)| {
            json!({
                "type": "backlinks_competitors",
                "target": name,
                "rank": scale.apply(index.domain_rank(name)),
                "intersections": intersections,
            })
        })
        .collect();
    let mut matching: Vec<&Value> = all.iter().collect();
    if let Some(filter) = &filter {
        matching.retain(|item| filter.matches(item));
    }
    let total_count = matching.len();
    let items: Vec<Value> = sort_records(matching, &rules, Some(offset.saturating_add(limit)))
        .into_iter()
        .skip(offset)
        .take(limit)
        .cloned()
        .collect();
    let billed_items = items.len() as u64;
    Ok(Outcome {
        result: Some(
            json!({ "total_count": total_count, "items_count": items.len(), "items": Value::Array(items) }),
        ),
        billed_items,
    })
}
