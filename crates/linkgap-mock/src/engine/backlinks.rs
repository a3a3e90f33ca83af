//! `backlinks/live`: backlink rows seen as items, `mode`/`custom_mode`, offset and `search_after_token` paging.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hashbrown::HashMap;
use serde_json::{Map, Value, json};

use crate::engine::fields::field_type;
use crate::engine::{Ctx, Execution, Scale, TaskError, filter_rows, target_rows};
use crate::index::{Index, NONE, format_time, is_ip};
use crate::query::{Record, SortRule, Val, compile_order, sort_records};

/// The `offset` cap of `backlinks/live`.
const MAX_OFFSET: u64 = 20_000;
/// Fields `custom_mode` may group by.
const CUSTOM_MODE_FIELDS: &[&str] = &[
    "anchor",
    "domain_from",
    "domain_from_country",
    "tld_from",
    "page_from_encoding",
    "page_from_language",
    "item_type",
    "page_from_status_code",
    "semantic_location",
];
/// Request fields that do not change which rows a query returns (left out of the token fingerprint).
const PAGING_FIELDS: &[&str] = &["limit", "offset", "search_after_token", "tag"];

/// One backlink row seen as a §7.3 item.
#[derive(Clone, Copy)]
pub(crate) struct BacklinkView<'a> {
    pub(crate) index: &'a Index,
    pub(crate) row: u32,
    pub(crate) scale: Scale,
    pub(crate) group_count: u64,
}

fn borrowed(text: &str) -> Val<'_> {
    Val::Str(Cow::Borrowed(text))
}

fn optional(text: Option<&String>) -> Val<'_> {
    text.map_or(Val::Null, |text| borrowed(text))
}

fn number(value: Option<impl Into<f64>>) -> Val<'static> {
    value.map_or(Val::Null, |value| Val::Num(value.into()))
}

impl<'a> Record<'a> for BacklinkView<'a> {
    fn value(&self, path: &str) -> Val<'a> {
        let index = self.index;
        let row = &index.rows[self.row as usize];
        let link = &index.backlinks[self.row as usize];
        match path {
            "type" => borrowed("backlink"),
            "domain_from" => borrowed(index.text(row.from_host)),
            "url_from" => borrowed(&link.url_from),
            "url_from_https" => Val::Bool(link.url_from.starts_with("https://")),
            "domain_to" => borrowed(index.text(row.to_host)),
            "url_to" => borrowed(&link.url_to),
            "url_to_https" => Val::Bool(link.url_to.starts_with("https://")),
            "tld_from" => borrowed(index.text(row.tld)),
            "is_new" => Val::Bool(link.is_new),
            "is_lost" => Val::Bool(link.is_lost),
            "backlink_spam_score" => Val::Num(f64::from(link.backlink_spam_score)),
            "rank" => Val::Num(f64::from(self.scale.apply(link.rank))),
            "page_from_rank" => Val::Num(f64::from(self.scale.apply(link.page_from_rank))),
            "domain_from_rank" => Val::Num(f64::from(self.scale.apply(link.domain_from_rank))),
            "domain_from_platform_type" | "attributes" => {
                let ids =
                    index.list(if path == "attributes" { row.attributes } else { row.platforms });
                Val::List(ids.iter().map(|&id| index.text(id)).collect())
            }
            "domain_from_is_ip" => Val::Bool(is_ip(index.text(row.from_host))),
            "domain_from_ip" => {
                if row.ip == NONE {
                    Val::Null
                } else {
                    borrowed(index.text(row.ip))
                }
            }
            "domain_from_country" => {
                let country = index.text(row.country);
                if country.is_empty() { Val::Null } else { borrowed(country) }
            }
            "page_from_external_links" => number(link.page_from_external_links),
            "page_from_internal_links" => number(link.page_from_internal_links),
            "page_from_encoding" => optional(link.page_from_encoding.as_ref()),
            "page_from_language" => optional(link.page_from_language.as_ref()),
            "page_from_title" => optional(link.page_from_title.as_ref()),
            "page_from_status_code" => number(link.page_from_status_code),
            "first_seen" => {
                if row.first_seen == i64::MIN {
                    Val::Null
                } else {
                    Val::Time(row.first_seen)
                }
            }
            "prev_seen" => optional(link.prev_seen.as_ref()),
            "last_seen" => optional(link.last_seen.as_ref()),
            "item_type" => borrowed(index.text(row.item_type)),
            "dofollow" => Val::Bool(link.dofollow),
            "original" => Val::Bool(link.original),
            "alt" => optional(link.alt.as_ref()),
            "image_url" => optional(link.image_url.as_ref()),
            "anchor" => optional(link.anchor.as_ref()),
            "text_pre" => optional(link.text_pre.as_ref()),
            "text_post" => optional(link.text_post.as_ref()),
            "semantic_location" => optional(link.semantic_location.as_ref()),
            "links_count" => Val::Num(f64::from(link.links_count)),
            "group_count" => Val::Num(self.group_count as f64),
            "is_broken" => Val::Bool(link.is_broken),
            "url_to_status_code" => number(link.url_to_status_code),
            "url_to_spam_score" => number(link.url_to_spam_score),
            "url_to_redirect_target" => optional(link.url_to_redirect_target.as_ref()),
            "is_indirect_link" => Val::Bool(link.is_indirect_link),
            _ => Val::Null,
        }
    }
}

impl BacklinkView<'_> {
    /// The §7.3 item. `page_intersection` rows leave out `image_url`, `ranked_keywords_info` and
    /// `group_count`, and cap the two arrays at `list_limit`.
    pub(crate) fn to_json(self, item_type: &str, list_limit: Option<usize>) -> Value {
        let index = self.index;
        let row = &index.rows[self.row as usize];
        let link = &index.backlinks[self.row as usize];
        let text = |value: Val<'_>| match value {
            Val::Str(text) => Value::String(text.into_owned()),
            Val::Time(seconds) => Value::String(format_time(seconds)),
            _ => Value::Null,
        };
        let list = |ids: &[u32]| -> Value {
            if ids.is_empty() {
                return Value::Null;
            }
            let take = list_limit.unwrap_or(usize::MAX);
            Value::Array(ids.iter().take(take).map(|&id| Value::from(index.text(id))).collect())
        };
        let mut out = Map::new();
        out.insert("type".into(), Value::from(item_type));
        for field in ["domain_from", "url_from"] {
            out.insert(field.into(), text(self.value(field)));
        }
        out.insert("url_from_https".into(), json!(link.url_from.starts_with("https://")));
        for field in ["domain_to", "url_to"] {
            out.insert(field.into(), text(self.value(field)));
        }
        out.insert("url_to_https".into(), json!(link.url_to.starts_with("https://")));
        out.insert("tld_from".into(), text(self.value("tld_from")));
        out.insert("is_new".into(), json!(link.is_new));
        out.insert("is_lost".into(), json!(link.is_lost));
        out.insert("backlink_spam_score".into(), json!(link.backlink_spam_score));
        out.insert("rank".into(), json!(self.scale.apply(link.rank)));
        out.insert("page_from_rank".into(), json!(self.scale.apply(link.page_from_rank)));
        out.insert("domain_from_rank".into(), json!(self.scale.apply(link.domain_from_rank)));
        out.insert("domain_from_platform_type".into(), list(index.list(row.platforms)));
        out.insert("domain_from_is_ip".into(), json!(is_ip(index.text(row.from_host))));
        out.insert("domain_from_ip".into(), text(self.value("domain_from_ip")));
        out.insert("domain_from_country".into(), text(self.value("domain_from_country")));
        out.insert("page_from_external_links".into(), json!(link.page_from_external_links));
        out.insert("page_from_internal_links".into(), json!(link.page_from_internal_links));
        out.insert("page_from_size".into(), Value::Null);
        out.insert("page_from_encoding".into(), json!(link.page_from_encoding));
        out.insert("page_from_language".into(), json!(link.page_from_language));
        out.insert("page_from_title".into(), json!(link.page_from_title));
        out.insert("page_from_status_code".into(), json!(link.page_from_status_code));
        out.insert("first_seen".into(), text(self.value("first_seen")));
        out.insert("prev_seen".into(), json!(link.prev_seen));
        out.insert("last_seen".into(), json!(link.last_seen));
        out.insert("item_type".into(), text(self.value("item_type")));
        out.insert("attributes".into(), list(index.list(row.attributes)));
        out.insert("dofollow".into(), json!(link.dofollow));
        out.insert("original".into(), json!(link.original));
        out.insert("alt".into(), json!(link.alt));
        if list_limit.is_none() {
            out.insert("image_url".into(), json!(link.image_url));
        }
        out.insert("anchor".into(), json!(link.anchor));
        out.insert("text_pre".into(), json!(link.text_pre));
        out.insert("text_post".into(), json!(link.text_post));
        out.insert("semantic_location".into(), json!(link.semantic_location));
        out.insert("links_count".into(), json!(link.links_count));
        if list_limit.is_none() {
            out.insert("group_count".into(), json!(self.group_count));
        }
        out.insert("is_broken".into(), json!(link.is_broken));
        out.insert("url_to_status_code".into(), json!(link.url_to_status_code));
        out.insert("url_to_spam_score".into(), json!(link.url_to_spam_score));
        out.insert("url_to_redirect_target".into(), json!(link.url_to_redirect_target));
        if list_limit.is_none() {
            out.insert("ranked_keywords_info".into(), Value::Null);
        }
        out.insert("is_indirect_link".into(), json!(link.is_indirect_link));
        out.insert("indirect_link_path".into(), Value::Null);
        Value::Object(out)
    }
}

/// `mode` / `custom_mode` of a backlinks request.
enum Collapse {
    AsIs,
    OnePerDomain,
    OnePerAnchor,
    Custom { field: &'static str, per_value: usize },
}

fn parse_collapse(ctx: &Ctx<'_>) -> Result<(&'static str, Option<Value>, Collapse), TaskError> {
    let mode =
        ctx.params.choice("mode", &["as_is", "one_per_domain", "one_per_anchor"], "as_is")?;
    if let Some(custom) = ctx.params.get("custom_mode") {
        let invalid = || TaskError::invalid_field("custom_mode");
        let object = custom.as_object().ok_or_else(invalid)?;
        let field = object.get("field").and_then(Value::as_str).ok_or_else(invalid)?;
        let field = CUSTOM_MODE_FIELDS
            .iter()
            .copied()
            .find(|candidate| *candidate == field)
            .ok_or_else(invalid)?;
        let per_value = object.get("value").and_then(Value::as_u64).ok_or_else(invalid)?;
        if !(1..=1000).contains(&per_value) {
            return Err(invalid());
        }
        return Ok((
            mode,
            Some(custom.clone()),
            Collapse::Custom { field, per_value: per_value as usize },
        ));
    }
    let collapse = match mode {
        "one_per_domain" => Collapse::OnePerDomain,
        "one_per_anchor" => Collapse::OnePerAnchor,
        _ => Collapse::AsIs,
    };
    Ok((mode, None, collapse))
}

/// A hash of the query part of the task (everything but paging), so a token only continues the query
/// that made it.
fn fingerprint(ctx: &Ctx<'_>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, value) in ctx.params.task_fields() {
        if PAGING_FIELDS.contains(&name.as_str()) {
            continue;
        }
        for byte in name.bytes().chain(value.to_string().into_bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Encodes the position after a page as the opaque token.
fn encode_token(position: usize, fingerprint: &str) -> String {
    STANDARD.encode(json!({"CurrentOffset": position, "Query": fingerprint}).to_string())
}

/// Decodes a token of the same query; anything else is a 40501 naming the field.
fn decode_token(token: &str, fingerprint: &str) -> Result<usize, TaskError> {
    let invalid = || TaskError::invalid_field("search_after_token");
    let bytes = STANDARD.decode(token.trim()).map_err(|_| invalid())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if value.get("Query").and_then(Value::as_str) != Some(fingerprint) {
        return Err(invalid());
    }
    value
        .get("CurrentOffset")
        .and_then(Value::as_u64)
        .map(|position| position as usize)
        .ok_or_else(invalid)
}

/// `backlinks/live`.
pub(crate) fn backlinks(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    let params = &ctx.params;
    let (target_text, target) = params.target()?;
    let scope = params.scope()?;
    let scale = params.scale()?;
    let limit = params.limit()?;
    let (mode, custom_mode, collapse) = parse_collapse(ctx)?;
    let table = |path: &str| field_type("backlinks", path);
    let filter = params.filter("filters", &table)?;
    let mut rules = compile_order(params.raw("order_by"), &table)?;
    let fingerprint = fingerprint(ctx);
    let offset = match params.string("search_after_token")? {
        Some(token) => decode_token(token, &fingerprint)?,
        None => params.offset(Some(MAX_OFFSET))?,
    };
    let mut rows = target_rows(ctx.index, &target, scope);
    filter_rows(ctx.index, &mut rows, filter.as_ref(), scale);
    if rules.is_empty() {
        rules.push(SortRule {
            path: "rank".into(),
            ty: crate::query::FieldType::Num,
            descending: true,
        });
    }
    // Rows arrive ascending by row id and the sort is stable: the row id is the final tiebreak.
    let views: Vec<BacklinkView<'_>> = rows
        .iter()
        .map(|&row| BacklinkView { index: ctx.index, row, scale, group_count: 0 })
        .collect();
    // Without collapsing, the count is known before sorting and only one page needs ordering.
    let (collapsed, total_count) = if matches!(collapse, Collapse::AsIs) {
        let total_count = views.len();
        (sort_records(views, &rules, Some(offset.saturating_add(limit))), total_count)
    } else {
        let collapsed = collapse_rows(ctx.index, sort_records(views, &rules, None), &collapse);
        let total_count = collapsed.len();
        (collapsed, total_count)
    };
    let items: Vec<Value> = collapsed
        .iter()
        .skip(offset)
        .take(limit)
        .map(|view| view.to_json("backlink", None))
        .collect();
    let next = offset + items.len();
    let token = if next < total_count {
        Value::from(encode_token(next, &fingerprint))
    } else {
        Value::Null
    };
    let billed_items = items.len() as u64;
    let result = json!({
        "target": target_text,
        "mode": mode,
        "custom_mode": custom_mode,
        "total_count": total_count,
        "items_count": items.len(),
        "items": items,
        "search_after_token": token,
    });
    Ok(Execution { result: Some(result), billed_items })
}

/// Keeps the first row (in sort order) per domain / anchor, or the first N per custom-mode value,
/// setting `group_count` to the size of the collapsed group.
fn collapse_rows<'a>(
    index: &Index,
    sorted: Vec<BacklinkView<'a>>,
    collapse: &Collapse,
) -> Vec<BacklinkView<'a>> {
    let key_of = |view: &BacklinkView<'a>| -> String {
        let row = &index.rows[view.row as usize];
        match collapse {
            Collapse::OnePerDomain => row.from_host.to_string(),
            Collapse::OnePerAnchor => row.anchor.to_string(),
            Collapse::Custom { field, .. } => match view.value(field) {
                Val::Str(text) => format!("s{text}"),
                Val::Num(number) => format!("n{number}"),
                _ => String::from("null"),
            },
            Collapse::AsIs => String::new(),
        }
    };
    let per_value = match collapse {
        Collapse::AsIs => return sorted,
        Collapse::OnePerDomain | Collapse::OnePerAnchor => 1,
        Collapse::Custom { per_value, .. } => *per_value,
    };
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let keys: Vec<String> = sorted.iter().map(key_of).collect();
    for key in &keys {
        *sizes.entry(key.clone()).or_insert(0) += 1;
    }
    let mut kept: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (view, key) in sorted.into_iter().zip(&keys) {
        let seen = kept.entry(key.as_str()).or_insert(0);
        if *seen < per_value {
            *seen += 1;
            out.push(BacklinkView { group_count: sizes[key], ..view });
        }
    }
    out
}
