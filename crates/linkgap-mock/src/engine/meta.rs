//! `index` (size of the world and its 12-month history) and `available_filters` (the filter table).

use chrono::{Datelike, Months};
use hashbrown::HashSet;
use serde_json::{Map, Value, json};

use crate::engine::fields::{FILTER_ENDPOINTS, listed_fields};
use crate::engine::history::{live_pages_at, live_rows_at};
use crate::engine::{Ctx, Outcome};
use crate::index::day_start;

/// `index`: live backlinks, known pages and hosts now, and on the first day of each of the last 12
/// months (oldest first). Free: `billed_items` is 0.
pub(crate) fn index(ctx: &Ctx<'_>) -> Outcome {
    let index = ctx.index;
    let total_backlinks = index.rows.iter().filter(|row| !row.is_lost).count();
    let mut pages: HashSet<u32> = HashSet::new();
    let mut hosts: HashSet<u32> = HashSet::new();
    for row in &index.rows {
        pages.insert(row.url_from);
        pages.insert(row.url_to);
        hosts.insert(row.from_host);
        hosts.insert(row.to_host);
    }
    let this_month = ctx.today.with_day(1).expect("day 1 exists");
    let months: Vec<_> = (0..12).rev().map(|back| this_month - Months::new(back)).collect();
    let points: Vec<i64> = months.iter().map(|&month| day_start(month)).collect();
    let backlinks = live_rows_at(index, &points);
    let live_pages = live_pages_at(index, &points);
    let history: Vec<Value> = months
        .iter()
        .enumerate()
        .map(|(position, month)| {
            json!({
                "date": month.format("%Y-%m-%d").to_string(),
                "total_backlinks": backlinks[position],
                "total_pages": live_pages[position],
            })
        })
        .collect();
    Outcome {
        result: Some(json!({
            "total_backlinks": total_backlinks,
            "total_pages": pages.len(),
            "total_domains": hosts.len(),
            "index_history": history,
        })),
        billed_items: 0,
    }
}

/// `available_filters`: endpoint name → {field path → type}. Free.
pub(crate) fn available_filters() -> Outcome {
    let result: Map<String, Value> = FILTER_ENDPOINTS
        .iter()
        .map(|endpoint| {
            let fields: Map<String, Value> = listed_fields(endpoint)
                .into_iter()
                .map(|(path, ty)| (path, Value::from(ty.name())))
                .collect();
            ((*endpoint).to_owned(), Value::Object(fields))
        })
        .collect();
    Outcome { result: Some(Value::Object(result)), billed_items: 0 }
}
