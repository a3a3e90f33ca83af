//! Profile endpoints: summary, anchors, `domain_pages`, `domain_pages_summary`, `referring_domains`, `referring_networks`.

use std::cell::RefCell;

use hashbrown::{HashMap, HashSet};
use linkgap_world::WorldBacklink;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::engine::aggregate::{AggItem, Group, GroupItem, GroupView, Scratch, group_rows};
use crate::engine::fields::field_type;
use crate::engine::{
    Agg, AggOutput, Ctx, Execution, Outcome, RankFrom, Scale, Scope, Status, Target, TaskError,
    default_view, filter_rows, target_rows,
};
use crate::index::{Index, NONE, Row, TimeText, host_within, is_ip, main_domain, parse_time};
use crate::query::{FieldType, Filter, Record, SortRule, Val, compile_order, sort_records};
use crate::views::{DefaultView, Grouping};

/// How one grouped endpoint is shaped.
struct GroupedSpec {
    endpoint: &'static str,
    key_field: &'static str,
    item_type: &'static str,
    key: fn(&Row) -> u32,
    rank_from: RankFrom,
    with_spam: bool,
    default_order: &'static str,
    /// Count `total_count` in main domains of the keys (`referring_domains`) instead of items.
    total_in_main_domains: bool,
}

/// `anchors/live`: one item per anchor text (`null` anchors form their own item).
pub(crate) fn anchors(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    grouped(
        ctx,
        &GroupedSpec {
            endpoint: "anchors",
            key_field: "anchor",
            item_type: "backlinks_anchor",
            key: |row| row.anchor,
            rank_from: RankFrom::Passed,
            with_spam: true,
            default_order: "backlinks",
            total_in_main_domains: false,
        },
        None,
    )
}

/// `domain_pages_summary/live`: one item per linked page of the target.
pub(crate) fn domain_pages_summary(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    grouped(
        ctx,
        &GroupedSpec {
            endpoint: "domain_pages_summary",
            key_field: "url",
            item_type: "backlinks_page_summary",
            key: |row| row.url_to,
            rank_from: RankFrom::Passed,
            with_spam: true,
            default_order: "backlinks",
            total_in_main_domains: false,
        },
        None,
    )
}

/// `referring_domains/live`: one item per referring host; `total_count` counts main domains.
pub(crate) fn referring_domains(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    grouped(
        ctx,
        &GroupedSpec {
            endpoint: "referring_domains",
            key_field: "domain",
            item_type: "backlinks_referring_domain",
            key: |row| row.from_host,
            rank_from: RankFrom::SourceDomain,
            with_spam: true,
            default_order: "rank",
            total_in_main_domains: true,
        },
        None,
    )
}

/// `referring_networks/live`: one item per source IP, or per /24 subnet written `a.b.c.0`.
/// Rows whose source has no known IP belong to no network.
pub(crate) fn referring_networks(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    let by_subnet = ctx.params.choice("network_address_type", &["ip", "subnet"], "ip")? == "subnet";
    let key: fn(&Row) -> u32 = if by_subnet { |row| row.subnet } else { |row| row.ip };
    grouped(
        ctx,
        &GroupedSpec {
            endpoint: "referring_networks",
            key_field: "network_address",
            item_type: "backlinks_referring_network",
            key,
            rank_from: RankFrom::Passed,
            with_spam: false,
            default_order: "backlinks",
            total_in_main_domains: false,
        },
        Some(NONE),
    )
}

fn grouped(ctx: &Ctx<'_>, spec: &GroupedSpec, skip: Option<u32>) -> Result<Execution, TaskError> {
    let params = &ctx.params;
    let (target_text, target) = params.target()?;
    let scope = params.scope()?;
    let scale = params.scale()?;
    let limit = params.limit()?;
    let offset = params.offset(None)?;
    let list_limit = params.list_limit()?;
    let backlinks_filter = params.backlinks_filter()?;
    let table = |path: &str| field_type(spec.endpoint, path);
    let filter = params.filter("filters", &table)?;
    let mut rules = compile_order(params.raw("order_by"), &table)?;
    let index = ctx.index;
    let output = AggOutput { scale, list_limit, with_spam: spec.with_spam };
    let fast = backlinks_filter.is_none()
        && filter.is_none()
        && rules.is_empty()
        && (scale == Scale::Thousand || spec.default_order == "backlinks");
    let view = default_view(index, &target, scope).filter(|_| fast);
    let grouping = view.and_then(|view| match spec.endpoint {
        "anchors" => Some(&view.anchors),
        "referring_domains" => Some(&view.referring_domains),
        "domain_pages_summary" => Some(&view.pages),
        _ => None,
    });
    if let (Some(view), Some(grouping)) = (view, grouping) {
        let total_count =
            if spec.total_in_main_domains { view.referring_main_domains } else { grouping.len() };
        let groups = default_groups(index, grouping, offset, limit, spec.rank_from);
        return grouped_result(target_text, total_count, group_items(index, &groups, spec, output));
    }
    if rules.is_empty() {
        rules.push(SortRule {
            path: spec.default_order.into(),
            ty: FieldType::Num,
            descending: true,
        });
    }
    // A default view's groups, with other filters or orders: the view's grouping, ordered and
    // filtered by the fields asked for, aggregated in full only for the page.
    let view = default_view(index, &target, scope).filter(|_| backlinks_filter.is_none());
    if let Some((view, grouping)) =
        view.and_then(|view| view_grouping(view, spec.endpoint).map(|grouping| (view, grouping)))
    {
        let request = GroupedRequest { spec, filter: filter.as_ref(), rules: &rules, scale };
        let (total_count, groups) = view_groups(index, view, grouping, &request, offset, limit);
        return grouped_result(target_text, total_count, group_items(index, &groups, spec, output));
    }
    let mut rows = target_rows(index, &target, scope);
    filter_rows(index, &mut rows, backlinks_filter.as_ref(), scale);
    let groups =
        group_rows(index, &rows, |row| (spec.key)(&index.rows[row as usize]), skip, spec.rank_from);
    let mut views: Vec<GroupView<'_>> = groups
        .iter()
        .map(|group| GroupView {
            index,
            group,
            key_field: spec.key_field,
            item_type: spec.item_type,
            scale,
        })
        .collect();
    if let Some(filter) = &filter {
        views.retain(|view| filter.matches(view));
    }
    let total_count = if spec.total_in_main_domains {
        views
            .iter()
            .map(|view| main_domain(index.text(view.group.key)))
            .collect::<HashSet<&str>>()
            .len()
    } else {
        views.len()
    };
    let sorted = sort_records(views, &rules, Some(offset.saturating_add(limit)));
    let items: Vec<GroupItem<'_>> = sorted
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|view| GroupItem { view, options: output })
        .collect();
    grouped_result(target_text, total_count, items)
}

/// The grouping of a default view that an endpoint's items are (`None`: the endpoint has none).
fn view_grouping<'a>(view: &'a DefaultView, endpoint: &str) -> Option<&'a Grouping> {
    match endpoint {
        "anchors" => Some(&view.anchors),
        "referring_domains" => Some(&view.referring_domains),
        "domain_pages_summary" => Some(&view.pages),
        _ => None,
    }
}

/// What a grouped call asks of its groups: which ones (`filter`) in which order (`rules`).
struct GroupedRequest<'a> {
    spec: &'a GroupedSpec,
    filter: Option<&'a Filter>,
    rules: &'a [SortRule],
    scale: Scale,
}

/// A group of a default view seen as a record: a field is read from the group's precomputed
/// aggregates when it has them, else computed alone from its rows ([`Agg::field_value`]), so that
/// filtering and ordering all groups reads only the fields they name.
struct LazyGroup<'a> {
    index: &'a Index,
    key: u32,
    rows: &'a [u32],
    agg: Option<&'a Agg>,
    spec: &'a GroupedSpec,
    scale: Scale,
    ids: &'a RefCell<Vec<u32>>,
}

impl<'a> Record<'a> for LazyGroup<'a> {
    fn value(&self, path: &str) -> Val<'a> {
        let index = self.index;
        if path == self.spec.key_field {
            return if self.key == NONE {
                Val::Null
            } else {
                Val::Str(index.text(self.key).into())
            };
        }
        if path == "type" {
            return Val::Str(self.spec.item_type.into());
        }
        if let Some(agg) = self.agg {
            return agg.value(index, path, self.scale);
        }
        let mut ids = self.ids.borrow_mut();
        Agg::field_value(index, self.rows, self.spec.rank_from, path, self.scale, &mut ids)
            .unwrap_or_else(|| {
                let agg =
                    Agg::compute(index, self.rows, self.spec.rank_from, &mut Scratch::default());
                agg.value(index, path, self.scale)
            })
    }
}

/// `total_count` and the page of groups of a default view's `grouping` under a filter and an order:
/// the answer of the general path, which groups the same rows, hands the groups to the filter and
/// the sort in key text order, and counts referring domains in main domains.
/// The page's groups as items of `spec`'s endpoint.
fn group_items<'a>(
    index: &'a Index,
    groups: &'a [Group],
    spec: &GroupedSpec,
    output: AggOutput,
) -> Vec<GroupItem<'a>> {
    groups
        .iter()
        .map(|group| GroupItem {
            view: GroupView {
                index,
                group,
                key_field: spec.key_field,
                item_type: spec.item_type,
                scale: output.scale,
            },
            options: output,
        })
        .collect()
}

fn view_groups(
    index: &Index,
    view: &DefaultView,
    grouping: &Grouping,
    request: &GroupedRequest<'_>,
    offset: usize,
    limit: usize,
) -> (usize, Vec<Group>) {
    let spec = request.spec;
    let ids = RefCell::new(Vec::new());
    let mut records: Vec<LazyGroup<'_>> = grouping
        .by_text()
        .map(|position| {
            let (key, rows) = grouping.group(position);
            let agg = grouping.agg(position);
            LazyGroup { index, key, rows, agg, spec, scale: request.scale, ids: &ids }
        })
        .collect();
    if let Some(filter) = request.filter {
        records.retain(|record| filter.matches(record));
    }
    let total_count = match (spec.total_in_main_domains, request.filter) {
        (false, _) => records.len(),
        (true, None) => view.referring_main_domains,
        (true, Some(_)) => records
            .iter()
            .map(|record| main_domain(index.text(record.key)))
            .collect::<HashSet<&str>>()
            .len(),
    };
    let sorted = sort_records(records, request.rules, Some(offset.saturating_add(limit)));
    let mut scratch = Scratch::default();
    let groups = sorted
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|record| Group {
            key: record.key,
            rows: record.rows.to_vec(),
            agg: record
                .agg
                .cloned()
                .unwrap_or_else(|| Agg::compute(index, record.rows, spec.rank_from, &mut scratch)),
        })
        .collect();
    (total_count, groups)
}

/// The groups at `offset..offset + limit` of a default grouping, with their aggregates.
fn default_groups(
    index: &Index,
    grouping: &Grouping,
    offset: usize,
    limit: usize,
    rank_from: RankFrom,
) -> Vec<Group> {
    let end = offset.saturating_add(limit).min(grouping.len());
    let mut scratch = Scratch::default();
    (offset.min(end)..end)
        .map(|position| {
            let (key, rows) = grouping.group(position);
            let agg = grouping
                .agg(position)
                .cloned()
                .unwrap_or_else(|| Agg::compute(index, rows, rank_from, &mut scratch));
            Group { key, rows: rows.to_vec(), agg }
        })
        .collect()
}

/// The result of a list endpoint keyed by `target`, fields in the alphabetical order a [`Map`]
/// writes them.
#[derive(Serialize)]
struct GroupedResult<'a, T> {
    items: Vec<T>,
    items_count: usize,
    target: &'a str,
    total_count: usize,
}

/// The result of a list endpoint keyed by `target`, written straight to JSON text.
fn grouped_result<T: Serialize>(
    target_text: &str,
    total_count: usize,
    items: Vec<T>,
) -> Result<Execution, TaskError> {
    let billed_items = items.len() as u64;
    let result =
        GroupedResult { items_count: items.len(), items, target: target_text, total_count };
    let result = serde_json::value::to_raw_value(&result).map_err(|_| TaskError::internal())?;
    Ok(Execution { result: Some(result), billed_items })
}

/// `summary/live`. `result` is `null` when nothing in the world links to the target (under any
/// status) and the world knows nothing else about it; the call is still billed for one item.
pub(crate) fn summary(ctx: &Ctx<'_>) -> Result<Outcome, TaskError> {
    let params = &ctx.params;
    let (target_text, target) = params.target()?;
    let scope = params.scope()?;
    let scale = params.scale()?;
    let list_limit = params.list_limit()?;
    let backlinks_filter = params.backlinks_filter()?;
    let index = ctx.index;
    // A domain with a default view and live rows: its aggregates and pages were computed at load.
    let view = default_view(index, &target, scope)
        .filter(|view| backlinks_filter.is_none() && !view.live.is_empty());
    let computed;
    let (agg, pages) = if let Some(view) = view {
        (&view.live_agg, view.site_pages)
    } else {
        let every_row = target_rows(index, &target, Scope { status: Status::All, ..scope });
        let record = index.host_record(&target.site());
        let pages = site_pages(index, &target, &every_row);
        if every_row.is_empty() && record.is_none() && pages.source_pages == 0 {
            return Ok(Outcome { result: None, billed_items: 1 });
        }
        let mut rows = target_rows(index, &target, scope);
        filter_rows(index, &mut rows, backlinks_filter.as_ref(), scale);
        computed = Agg::compute(index, &rows, RankFrom::Passed, &mut Scratch::default());
        (&computed, pages)
    };
    let rank = target_rank(index, &target, agg);
    let mut out = Map::new();
    out.insert("target".into(), Value::from(target_text));
    agg.write(&mut out, index, &AggOutput { scale, list_limit, with_spam: true });
    out.insert("rank".into(), json!(scale.apply(rank)));
    out.insert("crawled_pages".into(), json!(pages.crawled_pages));
    out.insert("info".into(), target_info(index, &target, agg));
    out.insert("internal_links_count".into(), json!(pages.internal_links));
    out.insert("external_links_count".into(), json!(pages.external_links));
    Ok(Outcome { result: Some(Value::Object(out)), billed_items: 1 })
}

/// The rank of a target: a domain's rank ([`Index::domain_rank`]), or for a page the highest rank its
/// links pass.
pub(crate) fn target_rank(index: &Index, target: &Target, agg: &Agg) -> u32 {
    match target {
        Target::Domain(domain) => index.domain_rank(domain),
        Target::Page(_) => agg.rank,
    }
}

/// `TargetInfo` (reference §7.0) from the host's `domains.jsonl` record, with the spam score falling
/// back to the mean spam score of its backlinks.
pub(crate) fn target_info(index: &Index, target: &Target, agg: &Agg) -> Value {
    let site = target.site();
    let record = index.host_record(&site);
    json!({
        "server": record.and_then(|record| record.server.clone()),
        "cms": record.and_then(|record| record.cms.clone()),
        "platform_type": record.and_then(|record| record.platform_type.clone()),
        "ip_address": record.and_then(|record| record.ip.clone()),
        "country": record.and_then(|record| record.country.clone()),
        "is_ip": is_ip(&site),
        "target_spam_score": record.and_then(|record| record.spam_score).unwrap_or(agg.spam),
    })
}

/// Pages of a target the world knows: pages it links from and pages linked to.
#[derive(Clone, Copy)]
pub(crate) struct SitePages {
    pub(crate) crawled_pages: u64,
    pub(crate) source_pages: u64,
    pub(crate) internal_links: u64,
    pub(crate) external_links: u64,
}

/// Counts the target's pages (linked pages plus pages seen as link sources) and sums the source
/// pages' internal and external link counts (each page once).
pub(crate) fn site_pages(index: &Index, target: &Target, target_rows: &[u32]) -> SitePages {
    let mut pages: HashSet<u32> =
        target_rows.iter().map(|&row| index.rows[row as usize].url_to).collect();
    let mut sources: HashSet<u32> = HashSet::new();
    let mut internal_links = 0u64;
    let mut external_links = 0u64;
    let site = target.site();
    let source_rows =
        index.strings.get(main_domain(&site)).map_or(&[][..], |main| index.by_from_main.get(main));
    for &row_id in source_rows {
        let row = &index.rows[row_id as usize];
        let belongs = match target {
            Target::Domain(domain) => host_within(index.text(row.from_host), domain),
            Target::Page(url) => index.text(row.url_from) == url,
        };
        if belongs && sources.insert(row.url_from) {
            let link = &index.backlinks[row_id as usize];
            internal_links += u64::from(link.page_from_internal_links.unwrap_or(0));
            external_links += u64::from(link.page_from_external_links.unwrap_or(0));
        }
    }
    let source_pages = sources.len() as u64;
    pages.extend(sources);
    SitePages { crawled_pages: pages.len() as u64, source_pages, internal_links, external_links }
}

/// `domain_pages/live`: the target's linked pages with page data and a backlink summary each.
///
/// The world has no crawl of the target's own pages, so page data is derived from the rows linking
/// to the page, the rows the page (or its host) links from, and the host's `domains.jsonl` record:
/// - from the rows linking to the page: `first_visited` = earliest `first_seen`, `prev_visited` =
///   latest `prev_seen`, `fetch_time` = latest `last_seen`, `status_code` = `url_to_status_code`,
///   `location` = `url_to_redirect_target`, `meta.page_spam_score` = `url_to_spam_score`;
/// - from the rows the page itself links from: `meta.title`, `meta.internal_links_count`,
///   `meta.external_links_count` (`page_from_*`), `meta.images_alt` (their `alt` texts), and
///   `status_code` when the linking rows have none (else 200);
/// - from a row its host links from: `meta.language`, `meta.charset` (`page_from_encoding`), and
///   `ip` and `meta.platform_type` when `domains.jsonl` has none;
/// - from `domains.jsonl`: `ip`, `server`, `meta.platform_type`, `meta.powered_by` (`[cms]`) and
///   `meta.page_spam_score` when the linking rows have none.
///
/// The rest (`size`, `encoded_size`, `content_encoding`, `canonical`, `images_count`,
/// `words_count`, headings, `social_media_tags`, `technologies`) is `null`: no world holds it.
pub(crate) fn domain_pages(ctx: &Ctx<'_>) -> Result<Execution, TaskError> {
    let params = &ctx.params;
    let (target_text, target) = params.target()?;
    if matches!(target, Target::Page(_)) {
        return Err(TaskError::invalid_field("target"));
    }
    let scope = params.scope()?;
    let scale = params.scale()?;
    let limit = params.limit()?;
    let offset = params.offset(None)?;
    let list_limit = params.list_limit()?;
    let backlinks_filter = params.backlinks_filter()?;
    let table = |path: &str| field_type("domain_pages", path);
    let filter = params.filter("filters", &table)?;
    let mut rules = compile_order(params.raw("order_by"), &table)?;
    let index = ctx.index;
    let output = AggOutput { scale, list_limit, with_spam: true };
    let mut sources = PageSources::default();
    let fast = backlinks_filter.is_none() && filter.is_none() && rules.is_empty();
    if let Some(view) = default_view(index, &target, scope).filter(|_| fast) {
        let visits = &view.page_visits[offset.min(view.page_visits.len())..];
        let end = offset.saturating_add(limit).min(view.pages.len());
        let items: Vec<DomainPage<'_>> = (offset.min(end)..end)
            .zip(visits)
            .map(|(position, visits)| {
                let (key, rows) = view.pages.group(position);
                let agg = view.pages.agg(position).expect("page groupings keep their aggregates");
                let group = PageGroup { key, rows, agg };
                domain_page(index, group, output, &mut sources, Some(*visits))
            })
            .collect();
        return grouped_result(target_text, view.pages.len(), items);
    }
    if rules.is_empty() {
        rules.push(SortRule {
            path: "page_summary.backlinks".into(),
            ty: FieldType::Num,
            descending: true,
        });
    }
    let mut rows = target_rows(index, &target, scope);
    filter_rows(index, &mut rows, backlinks_filter.as_ref(), scale);
    let groups =
        group_rows(index, &rows, |row| index.rows[row as usize].url_to, None, RankFrom::Passed);
    let pages: Vec<Value> = groups
        .iter()
        .map(|group| {
            let group = PageGroup { key: group.key, rows: &group.rows, agg: &group.agg };
            serde_json::to_value(domain_page(index, group, output, &mut sources, None))
        })
        .collect::<Result<_, _>>()
        .map_err(|_| TaskError::internal())?;
    let mut matching: Vec<&Value> = pages.iter().collect();
    if let Some(filter) = &filter {
        matching.retain(|item| filter.matches(item));
    }
    let total_count = matching.len();
    let sorted = sort_records(matching, &rules, Some(offset.saturating_add(limit)));
    let items: Vec<&Value> = sorted.into_iter().skip(offset).take(limit).collect();
    grouped_result(target_text, total_count, items)
}

/// Rows that describe the target's own pages as link sources, looked up once per call.
#[derive(Default)]
pub(crate) struct PageSources {
    /// First row sent from a host (`None` when the host links nowhere), by host id.
    host_rows: HashMap<u32, Option<u32>>,
}

impl PageSources {
    /// The first row whose source is `host` (a linked host under main domain `main`).
    fn host_row(&mut self, index: &Index, host: u32, main: u32) -> Option<u32> {
        *self.host_rows.entry(host).or_insert_with(|| {
            index
                .by_from_main
                .get(main)
                .iter()
                .copied()
                .find(|&row| index.rows[row as usize].from_host == host)
        })
    }
}

/// One `domain_pages` item, borrowed from the index and written straight to JSON text: fields in
/// the alphabetical order a [`Map`] writes them (`()` is written as `null`).
#[derive(Serialize)]
pub(crate) struct DomainPage<'a> {
    content_encoding: (),
    domain: &'a str,
    encoded_size: (),
    fetch_time: Option<TimeText>,
    first_visited: Option<TimeText>,
    ip: Option<&'a str>,
    location: Option<&'a str>,
    main_domain: &'a str,
    media_type: &'static str,
    meta: PageMeta<'a>,
    page: &'a str,
    page_summary: AggItem<'a, 0>,
    prev_visited: Option<TimeText>,
    server: Option<&'a str>,
    size: (),
    status_code: u16,
    tld: Option<&'a str>,
    #[serde(rename = "type")]
    item_type: &'static str,
}

/// The `meta` object of a [`DomainPage`], fields in alphabetical order.
#[derive(Serialize)]
struct PageMeta<'a> {
    canonical: (),
    charset: Option<&'a str>,
    external_links_count: Option<u32>,
    h1: (),
    h2: (),
    h3: (),
    images_alt: Option<Vec<&'a str>>,
    images_count: (),
    internal_links_count: Option<u32>,
    language: Option<&'a str>,
    page_spam_score: Option<u32>,
    platform_type: Option<Vec<&'a str>>,
    powered_by: Option<[&'a str; 1]>,
    social_media_tags: (),
    technologies: (),
    title: Option<&'a str>,
    words_count: (),
}

/// The rows linking to one page of the target, and their aggregates.
#[derive(Clone, Copy)]
pub(crate) struct PageGroup<'a> {
    /// The linked URL.
    pub(crate) key: u32,
    pub(crate) rows: &'a [u32],
    pub(crate) agg: &'a Agg,
}

/// The `domain_pages` item of a group of rows linking to one page (see [`domain_pages`]).
pub(crate) fn domain_page<'a>(
    index: &'a Index,
    group: PageGroup<'a>,
    output: AggOutput,
    sources: &mut PageSources,
    visits: Option<(Option<i64>, Option<i64>)>,
) -> DomainPage<'a> {
    let first = group.rows[0] as usize;
    let row = &index.rows[first];
    let link = &index.backlinks[first];
    let host = index.text(row.to_host);
    let record = index.host_record(host);
    // The page's own outgoing rows describe its content; any row from its host describes the site.
    let page_rows = index.by_url_from.get(group.key);
    let page_link = page_rows.first().map(|&row| &index.backlinks[row as usize]);
    let host_row =
        page_rows.first().copied().or_else(|| sources.host_row(index, row.to_host, row.to_main));
    let host_link = host_row.map(|row| &index.backlinks[row as usize]);
    // Latest `last_seen` and `prev_seen` of the page's rows (precomputed by default views).
    let (fetch_time, prev_visited) = visits.unwrap_or_else(|| {
        let latest = |field: fn(&WorldBacklink) -> Option<&String>| {
            group
                .rows
                .iter()
                .filter_map(|&row| {
                    field(&index.backlinks[row as usize]).and_then(|text| parse_time(text))
                })
                .max()
        };
        (latest(|link| link.last_seen.as_ref()), latest(|link| link.prev_seen.as_ref()))
    });
    let ip = record.and_then(|record| record.ip.as_deref()).or_else(|| {
        host_row
            .map(|row| index.rows[row as usize].ip)
            .filter(|&ip| ip != NONE)
            .map(|ip| index.text(ip))
    });
    let platform_type = record
        .and_then(|record| record.platform_type.as_ref())
        .map(|list| list.iter().map(String::as_str).collect())
        .or_else(|| {
            host_row
                .map(|row| index.list(index.rows[row as usize].platforms))
                .filter(|list| !list.is_empty())
                .map(|list| list.iter().map(|&id| index.text(id)).collect())
        });
    let images_alt: Option<Vec<&str>> = page_link.map(|_| {
        let mut alts: Vec<&str> = page_rows
            .iter()
            .filter_map(|&row| index.backlinks[row as usize].alt.as_deref())
            .filter(|alt| !alt.is_empty())
            .collect();
        alts.sort_unstable();
        alts.dedup();
        alts
    });
    let status_code = link
        .url_to_status_code
        .or(page_link.and_then(|page| page.page_from_status_code))
        .unwrap_or(200);
    DomainPage {
        content_encoding: (),
        domain: host,
        encoded_size: (),
        fetch_time: fetch_time.map(TimeText::new),
        first_visited: group.agg.first_seen.map(TimeText::new),
        ip,
        location: link.url_to_redirect_target.as_deref(),
        main_domain: main_domain(host),
        media_type: "text/html",
        meta: PageMeta {
            canonical: (),
            charset: host_link.and_then(|link| link.page_from_encoding.as_deref()),
            external_links_count: page_link.and_then(|page| page.page_from_external_links),
            h1: (),
            h2: (),
            h3: (),
            images_alt,
            images_count: (),
            internal_links_count: page_link.and_then(|page| page.page_from_internal_links),
            language: host_link.and_then(|link| link.page_from_language.as_deref()),
            page_spam_score: link.url_to_spam_score.or(record.and_then(|record| record.spam_score)),
            platform_type,
            powered_by: record.and_then(|record| record.cms.as_deref()).map(|cms| [cms]),
            social_media_tags: (),
            technologies: (),
            title: page_link.and_then(|page| page.page_from_title.as_deref()),
            words_count: (),
        },
        page: index.text(group.key),
        page_summary: AggItem { index, agg: group.agg, head: [], options: output },
        prev_visited: prev_visited.map(TimeText::new),
        server: record.and_then(|record| record.server.as_deref()),
        size: (),
        status_code,
        tld: host.rsplit('.').next(),
        item_type: "backlinks_domain_page",
    }
}

#[cfg(test)]
impl DomainPage<'_> {
    /// The item as the [`Value`] that `domain_pages` built before items were written as text (unit
    /// tests compare both texts).
    pub(crate) fn to_json(&self) -> Value {
        let meta = &self.meta;
        let summary_item = &self.page_summary;
        let mut summary = Map::new();
        summary_item.agg.write(&mut summary, summary_item.index, &summary_item.options);
        json!({
            "type": "backlinks_domain_page",
            "main_domain": self.main_domain,
            "domain": self.domain,
            "tld": self.tld,
            "page": self.page,
            "ip": self.ip,
            "first_visited": self.first_visited.as_ref().map(TimeText::as_str),
            "prev_visited": self.prev_visited.as_ref().map(TimeText::as_str),
            "fetch_time": self.fetch_time.as_ref().map(TimeText::as_str),
            "status_code": self.status_code,
            "location": self.location,
            "size": Value::Null,
            "encoded_size": Value::Null,
            "content_encoding": Value::Null,
            "media_type": "text/html",
            "server": self.server,
            "meta": {
                "title": meta.title,
                "canonical": Value::Null,
                "internal_links_count": meta.internal_links_count,
                "external_links_count": meta.external_links_count,
                "images_count": Value::Null,
                "words_count": Value::Null,
                "page_spam_score": meta.page_spam_score,
                "social_media_tags": Value::Null,
                "h1": Value::Null,
                "h2": Value::Null,
                "h3": Value::Null,
                "images_alt": meta.images_alt,
                "powered_by": meta.powered_by.map(|[cms]| vec![cms.to_owned()]),
                "language": meta.language,
                "charset": meta.charset,
                "platform_type": meta.platform_type,
                "technologies": Value::Null,
            },
            "page_summary": Value::Object(summary),
        })
    }
}
