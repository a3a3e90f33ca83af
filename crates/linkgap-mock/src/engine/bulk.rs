//! The bulk endpoints: one item per sent target, echoing the sent string.
//!
//! For a domain target the numbers cover its root (main) domain with all its subdomains (reference
//! §7.14), except `bulk_pages_summary`, which honours `include_subdomains` on the domain as sent. A page
//! target (absolute URL) gets page-level numbers: the links to that page (to the URL as sent, else to
//! the same page spelled as the world has it: scheme, `www.`, trailing `/`), its rank being the best
//! rank those links pass and its spam score their mean.

use hashbrown::HashSet;
use serde_json::{Map, Value, json};

use crate::engine::aggregate::Scratch;
use crate::engine::history::new_lost_since;
use crate::engine::profile::target_rank;
use crate::engine::{
    Agg, AggOutput, Ctx, Outcome, RankFrom, Scope, Status, Target, TaskError, target_rows,
};
use crate::index::{Index, day_start, main_domain};

/// Most targets per bulk call.
const MAX_TARGETS: usize = 1000;
/// Most distinct main domains among `bulk_pages_summary` targets.
const MAX_PAGE_DOMAINS: usize = 100;

fn parse_targets<'a>(ctx: &Ctx<'a>) -> Result<Vec<(&'a str, Target)>, TaskError> {
    let invalid = || TaskError::invalid_field("targets");
    let list = ctx.params.get("targets").and_then(Value::as_array).ok_or_else(invalid)?;
    if list.is_empty() || list.len() > MAX_TARGETS {
        return Err(invalid());
    }
    list.iter()
        .map(|value| {
            let text = value.as_str().ok_or_else(invalid)?;
            Ok((text, Target::parse(text).ok_or_else(invalid)?))
        })
        .collect()
}

/// The target the numbers are computed for: the root domain of a domain, the page itself.
fn root(target: &Target) -> Target {
    match target {
        Target::Domain(domain) => Target::Domain(main_domain(domain).to_owned()),
        Target::Page(url) => Target::Page(url.clone()),
    }
}

/// The spam score of a target: its `domains.jsonl` spam score, else the mean spam score of its live
/// backlinks (0 without any).
fn spam_score(index: &Index, target: &Target, live: Scope) -> u32 {
    if let Target::Domain(domain) = target
        && let Some(score) = index.host_record(domain).and_then(|record| record.spam_score)
    {
        return score;
    }
    let rows = target_rows(index, target, live);
    if rows.is_empty() {
        return 0;
    }
    let sum: u64 = rows.iter().map(|&row| u64::from(index.rows[row as usize].spam)).sum();
    (sum as f64 / rows.len() as f64).round() as u32
}

/// Referring hosts, nofollow hosts, main domains and nofollow main domains of `rows`.
fn referring_counts(index: &Index, rows: &[u32]) -> [usize; 4] {
    let mut sets: [HashSet<u32>; 4] = Default::default();
    for &row_id in rows {
        let row = &index.rows[row_id as usize];
        sets[0].insert(row.from_host);
        sets[2].insert(row.from_main);
        if !row.dofollow {
            sets[1].insert(row.from_host);
            sets[3].insert(row.from_main);
        }
    }
    sets.map(|set| set.len())
}

/// Runs one of the seven bulk endpoints.
pub(crate) fn bulk(ctx: &Ctx<'_>, function: &str) -> Result<Outcome, TaskError> {
    let targets = parse_targets(ctx)?;
    let index = ctx.index;
    let scale = ctx.params.scale()?;
    let since = if function.starts_with("bulk_new_lost") {
        let date_from = ctx.params.date("date_from")?.unwrap_or(ctx.today - chrono::Months::new(1));
        if date_from < ctx.earliest_allowed(12) || date_from > ctx.latest_allowed() {
            return Err(TaskError::invalid_field("date_from"));
        }
        day_start(date_from)
    } else {
        0
    };
    let include_subdomains = ctx.params.flag("include_subdomains", true)?;
    if function == "bulk_pages_summary" {
        let domains: HashSet<String> =
            targets.iter().map(|(_, target)| main_domain(&target.site()).to_owned()).collect();
        if domains.len() > MAX_PAGE_DOMAINS {
            return Err(TaskError::invalid_field("targets"));
        }
    }
    let mut scratch = Scratch::default();
    let live = Scope::DEFAULT;
    let items: Vec<Value> = targets
        .iter()
        .map(|(text, target)| {
            let root = root(target);
            match function {
                "bulk_ranks" => {
                    let rank = match &root {
                        Target::Domain(domain) => index.domain_rank(domain),
                        Target::Page(_) => target_rows(index, &root, live)
                            .iter()
                            .map(|&row| index.rows[row as usize].rank)
                            .max()
                            .unwrap_or(0),
                    };
                    json!({ "target": text, "rank": scale.apply(rank) })
                }
                "bulk_backlinks" => {
                    json!({ "target": text, "backlinks": target_rows(index, &root, live).len() })
                }
                "bulk_spam_score" => {
                    json!({ "type": "backlinks_bulk_spam_score", "target": text,
                            "spam_score": spam_score(index, &root, live) })
                }
                "bulk_referring_domains" => {
                    let rows = target_rows(index, &root, live);
                    let counts = referring_counts(index, &rows);
                    json!({
                        "target": text,
                        "referring_domains": counts[0],
                        "referring_domains_nofollow": counts[1],
                        "referring_main_domains": counts[2],
                        "referring_main_domains_nofollow": counts[3],
                    })
                }
                "bulk_new_lost_backlinks" | "bulk_new_lost_referring_domains" => {
                    let rows = target_rows(index, &root, Scope { status: Status::All, ..live });
                    let [links, hosts, mains] = new_lost_since(index, &rows, since);
                    if function == "bulk_new_lost_backlinks" {
                        json!({ "target": text, "new_backlinks": links.0, "lost_backlinks": links.1 })
                    } else {
                        json!({
                            "target": text,
                            "new_referring_domains": hosts.0,
                            "lost_referring_domains": hosts.1,
                            "new_referring_main_domains": mains.0,
                            "lost_referring_main_domains": mains.1,
                        })
                    }
                }
                _ => {
                    let scope = Scope { include_subdomains, ..live };
                    let rows = target_rows(index, target, scope);
                    let agg = Agg::compute(index, &rows, RankFrom::Passed, &mut scratch);
                    let mut out = Map::new();
                    out.insert("type".into(), Value::from("backlinks_page_summary"));
                    out.insert("url".into(), Value::from(*text));
                    agg.write(&mut out, index, &AggOutput { scale, list_limit: 10, with_spam: true });
                    out.insert("rank".into(), json!(scale.apply(target_rank(index, target, &agg))));
                    let main = main_domain(&target.site()).to_owned();
                    out.insert("main_domain_rank".into(), json!(scale.apply(index.domain_rank(&main))));
                    Value::Object(out)
                }
            }
        })
        .collect();
    let billed_items = items.len() as u64;
    let mut result = Map::new();
    if function == "bulk_pages_summary" {
        result.insert("total_count".into(), json!(items.len()));
    }
    result.insert("items_count".into(), json!(items.len()));
    result.insert("items".into(), Value::Array(items));
    Ok(Outcome { result: Some(Value::Object(result)), billed_items })
}
