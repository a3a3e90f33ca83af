//! `backlinks/live`: backlink rows seen as items, `mode`/`custom_mode`, offset and `search_after_token` paging.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hashbrown::{HashMap, HashSet};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::engine::fields::field_type;
use crate::engine::{Ctx, Execution, Scale, TaskError, default_view, filter_rows, target_rows};
use crate::index::{Index, NONE, format_time, is_ip};
use crate::query::{Record, SortRule, Val, compile_order, sort_records};
use crate::views::DefaultView;

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
    /// Fields the compact [`crate::index::Row`] holds are read from it (a filter reads every row of
    /// a profile: the row table is dense, the world's items are not), the rest from the item.
    fn value(&self, path: &str) -> Val<'a> {
        let index = self.index;
        let row = &index.rows[self.row as usize];
        let link = &index.backlinks[self.row as usize];
        match path {
            "type" => borrowed("backlink"),
            "domain_from" => borrowed(index.text(row.from_host)),
            "url_from" => borrowed(index.text(row.url_from)),
            "url_from_https" => Val::Bool(link.url_from.starts_with("https://")),
            "domain_to" => borrowed(index.text(row.to_host)),
            "url_to" => borrowed(index.text(row.url_to)),
            "url_to_https" => Val::Bool(link.url_to.starts_with("https://")),
            "tld_from" => borrowed(index.text(row.tld)),
            "is_new" => Val::Bool(link.is_new),
            "is_lost" => Val::Bool(row.is_lost),
            "backlink_spam_score" => Val::Num(f64::from(row.spam)),
            "rank" => Val::Num(f64::from(self.scale.apply(row.rank))),
            "page_from_rank" => Val::Num(f64::from(self.scale.apply(link.page_from_rank))),
            "domain_from_rank" => Val::Num(f64::from(self.scale.apply(row.domain_from_rank))),
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
            "dofollow" => Val::Bool(row.dofollow),
            "original" => Val::Bool(link.original),
            "alt" => optional(link.alt.as_ref()),
            "image_url" => optional(link.image_url.as_ref()),
            "anchor" => {
                if row.anchor == NONE {
                    Val::Null
                } else {
                    borrowed(index.text(row.anchor))
                }
            }
            "text_pre" => optional(link.text_pre.as_ref()),
            "text_post" => optional(link.text_post.as_ref()),
            "semantic_location" => optional(link.semantic_location.as_ref()),
            "links_count" => Val::Num(f64::from(link.links_count)),
            "group_count" => Val::Num(self.group_count as f64),
            "is_broken" => Val::Bool(row.is_broken),
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

/// A `backlinks/live` item written straight to JSON text, without building a [`Value`]: the same
/// keys and values as [`BacklinkView::to_json`] (`"backlink"`, no list limit), in the same
/// (alphabetical) order that a [`Map`] writes them.
pub(crate) struct BacklinkItem<'a>(pub(crate) BacklinkView<'a>);

/// A list of interned strings: `null` when empty.
struct TextList<'a> {
    index: &'a Index,
    ids: &'a [u32],
}

impl Serialize for TextList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.ids.is_empty() {
            return serializer.serialize_none();
        }
        serializer.collect_seq(self.ids.iter().map(|&id| self.index.text(id)))
    }
}

impl Serialize for BacklinkItem<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let index = view.index;
        let row = &index.rows[view.row as usize];
        let link = &index.backlinks[view.row as usize];
        let scale = view.scale;
        let country = index.text(row.country);
        let ip = if row.ip == NONE { None } else { Some(index.text(row.ip)) };
        let first_seen =
            if row.first_seen == i64::MIN { None } else { Some(format_time(row.first_seen)) };
        let host = index.text(row.from_host);
        let none: Option<()> = None;
        let mut map = serializer.serialize_map(Some(47))?;
        map.serialize_entry("alt", &link.alt)?;
        map.serialize_entry("anchor", &link.anchor)?;
        map.serialize_entry("attributes", &TextList { index, ids: index.list(row.attributes) })?;
        map.serialize_entry("backlink_spam_score", &link.backlink_spam_score)?;
        map.serialize_entry("dofollow", &link.dofollow)?;
        map.serialize_entry("domain_from", host)?;
        map.serialize_entry("domain_from_country", &(!country.is_empty()).then_some(country))?;
        map.serialize_entry("domain_from_ip", &ip)?;
        map.serialize_entry("domain_from_is_ip", &is_ip(host))?;
        map.serialize_entry(
            "domain_from_platform_type",
            &TextList { index, ids: index.list(row.platforms) },
        )?;
        map.serialize_entry("domain_from_rank", &scale.apply(link.domain_from_rank))?;
        map.serialize_entry("domain_to", index.text(row.to_host))?;
        map.serialize_entry("first_seen", &first_seen)?;
        map.serialize_entry("group_count", &view.group_count)?;
        map.serialize_entry("image_url", &link.image_url)?;
        map.serialize_entry("indirect_link_path", &none)?;
        map.serialize_entry("is_broken", &link.is_broken)?;
        map.serialize_entry("is_indirect_link", &link.is_indirect_link)?;
        map.serialize_entry("is_lost", &link.is_lost)?;
        map.serialize_entry("is_new", &link.is_new)?;
        map.serialize_entry("item_type", index.text(row.item_type))?;
        map.serialize_entry("last_seen", &link.last_seen)?;
        map.serialize_entry("links_count", &link.links_count)?;
        map.serialize_entry("original", &link.original)?;
        map.serialize_entry("page_from_encoding", &link.page_from_encoding)?;
        map.serialize_entry("page_from_external_links", &link.page_from_external_links)?;
        map.serialize_entry("page_from_internal_links", &link.page_from_internal_links)?;
        map.serialize_entry("page_from_language", &link.page_from_language)?;
        map.serialize_entry("page_from_rank", &scale.apply(link.page_from_rank))?;
        map.serialize_entry("page_from_size", &none)?;
        map.serialize_entry("page_from_status_code", &link.page_from_status_code)?;
        map.serialize_entry("page_from_title", &link.page_from_title)?;
        map.serialize_entry("prev_seen", &link.prev_seen)?;
        map.serialize_entry("rank", &scale.apply(link.rank))?;
        map.serialize_entry("ranked_keywords_info", &none)?;
        map.serialize_entry("semantic_location", &link.semantic_location)?;
        map.serialize_entry("text_post", &link.text_post)?;
        map.serialize_entry("text_pre", &link.text_pre)?;
        map.serialize_entry("tld_from", index.text(row.tld))?;
        map.serialize_entry("type", "backlink")?;
        map.serialize_entry("url_from", &link.url_from)?;
        map.serialize_entry("url_from_https", &link.url_from.starts_with("https://"))?;
        map.serialize_entry("url_to", &link.url_to)?;
        map.serialize_entry("url_to_https", &link.url_to.starts_with("https://"))?;
        map.serialize_entry("url_to_redirect_target", &link.url_to_redirect_target)?;
        map.serialize_entry("url_to_spam_score", &link.url_to_spam_score)?;
        map.serialize_entry("url_to_status_code", &link.url_to_status_code)?;
        map.end()
    }
}

/// The `backlinks/live` result, fields in the alphabetical order a [`Map`] writes them.
#[derive(Serialize)]
struct BacklinksResult<'a> {
    custom_mode: Option<Value>,
    items: Vec<BacklinkItem<'a>>,
    items_count: usize,
    mode: &'a str,
    search_after_token: Option<String>,
    target: &'a str,
    total_count: usize,
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
    let rules = compile_order(params.raw("order_by"), &table)?;
    let fingerprint = fingerprint(ctx);
    let offset = match params.string("search_after_token")? {
        Some(token) => decode_token(token, &fingerprint)?,
        None => params.offset(Some(MAX_OFFSET))?,
    };
    let fast = filter.is_none() && rules.is_empty() && scale == Scale::Thousand;
    let (page, total_count) = match default_view(ctx.index, &target, scope) {
        Some(view) if fast && !matches!(collapse, Collapse::Custom { .. }) => {
            default_page(ctx.index, view, &collapse, offset, limit)
        }
        Some(view) => {
            // The view's live rows are the target's rows in this scope: only the matching ones are
            // copied.
            let index = ctx.index;
            let rows: Vec<u32> = match &filter {
                Some(filter) => view
                    .live
                    .iter()
                    .copied()
                    .filter(|&row| {
                        filter.matches(&BacklinkView { index, row, scale, group_count: 0 })
                    })
                    .collect(),
                None => view.live.clone(),
            };
            general_page(index, &rows, rules, &collapse, scale, offset, limit)
        }
        None => {
            let mut rows = target_rows(ctx.index, &target, scope);
            filter_rows(ctx.index, &mut rows, filter.as_ref(), scale);
            general_page(ctx.index, &rows, rules, &collapse, scale, offset, limit)
        }
    };
    let next = offset + page.len();
    let token = (next < total_count).then(|| encode_token(next, &fingerprint));
    let billed_items = page.len() as u64;
    let result = BacklinksResult {
        custom_mode,
        items_count: page.len(),
        items: page.into_iter().map(BacklinkItem).collect(),
        mode,
        search_after_token: token,
        target: target_text,
        total_count,
    };
    let result = serde_json::value::to_raw_value(&result).map_err(|_| TaskError::internal())?;
    Ok(Execution { result: Some(result), billed_items })
}

/// One page of `rows` sorted by `rules` (by `rank` descending when empty) and collapsed, with the
/// total count after collapsing.
fn general_page<'a>(
    index: &'a Index,
    rows: &[u32],
    mut rules: Vec<SortRule>,
    collapse: &Collapse,
    scale: Scale,
    offset: usize,
    limit: usize,
) -> (Vec<BacklinkView<'a>>, usize) {
    if rules.is_empty() {
        rules.push(SortRule {
            path: "rank".into(),
            ty: crate::query::FieldType::Num,
            descending: true,
        });
    }
    // Rows arrive ascending by row id and the sort is stable: the row id is the final tiebreak.
    let views: Vec<BacklinkView<'_>> =
        rows.iter().map(|&row| BacklinkView { index, row, scale, group_count: 0 }).collect();
    // Without collapsing, the count is known before sorting and only one page needs ordering.
    let (collapsed, total_count) = if matches!(collapse, Collapse::AsIs) {
        let total_count = views.len();
        (sort_records(views, &rules, Some(offset.saturating_add(limit))), total_count)
    } else {
        let collapsed = collapse_rows(index, sort_records(views, &rules, None), collapse);
        let total_count = collapsed.len();
        (collapsed, total_count)
    };
    (collapsed.into_iter().skip(offset).take(limit).collect(), total_count)
}

/// One page of a default view in its default order (`rank` descending, then row id), collapsed
/// per referring host or per anchor by walking the order until the page is full.
fn default_page<'a>(
    index: &'a Index,
    view: &'a DefaultView,
    collapse: &Collapse,
    offset: usize,
    limit: usize,
) -> (Vec<BacklinkView<'a>>, usize) {
    let scale = Scale::Thousand;
    let grouping = match collapse {
        Collapse::OnePerDomain => &view.referring_domains,
        Collapse::OnePerAnchor => &view.anchors,
        Collapse::AsIs | Collapse::Custom { .. } => {
            let end = offset.saturating_add(limit).min(view.backlinks.len());
            let page = view.backlinks[offset.min(end)..end]
                .iter()
                .map(|&row| BacklinkView { index, row, scale, group_count: 0 })
                .collect();
            return (page, view.backlinks.len());
        }
    };
    let key_of = |row: u32| {
        let row = &index.rows[row as usize];
        if matches!(collapse, Collapse::OnePerDomain) { row.from_host } else { row.anchor }
    };
    let mut seen: HashSet<u32> = HashSet::new();
    let mut page = Vec::new();
    for &row in &view.backlinks {
        if page.len() >= limit {
            break;
        }
        let key = key_of(row);
        if seen.insert(key) && seen.len() > offset {
            let group_count = grouping.rows_of(key).len() as u64;
            page.push(BacklinkView { index, row, scale, group_count });
        }
    }
    (page, grouping.len())
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
