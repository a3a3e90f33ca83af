//! The query engine: computes `result[0]` of every data endpoint from an indexed world.
//!
//! [`Engine::execute`] validates one task against the endpoint's accepted fields (reference §4.1)
//! and limits (§8), then answers from the indexes built once in [`Engine::new`].
//!
//! Approximations (the world has no crawl data of its own, so some values are derived):
//! - A domain's rank is its `domains.jsonl` rank, else the highest `domain_from_rank` it had as a
//!   link source, else `200 × log10(1 + live referring main domains)`; a page's rank is the highest
//!   `rank` its backlinks pass. History and timeseries items report the current rank on every date
//!   that has backlinks.
//! - A row's `lost_date` is its `last_seen` when `is_lost`; an aggregate's `lost_date` is set only when
//!   all its rows are lost. "Live on a date" means `first_seen <= date < lost_date`.
//! - `include_indirect_links` is accepted and has no effect (worlds hold direct links only).
//! - Without `include_subdomains`, `www.<target>` still counts as the target itself.
//! - A page target names the page as crawled; when the world has no links to that exact URL, the
//!   same page under another spelling counts (scheme, `www.`, trailing `/`: see `url_variants`).
//!
//! Dates: the world is seen from its "today" ([`EngineConfig::today`], by default its latest
//! date), which sets the defaults (`date_to`, bulk `date_from` = today − 1 month). The real API
//! checks request dates against the real date, and so do clients (the API crate refuses a bulk
//! `date_from` after its wall clock or more than a year before it). So that a client is never
//! refused for a date the real API takes, while a world's past stays reachable, limits are checked
//! against both: a date may be as late as the later of "today" and the wall clock
//! ([`EngineConfig::clock`]), and "at most a year back" counts from the earlier of the two.

mod aggregate;
mod backlinks;
mod bulk;
mod competitors;
mod fields;
mod history;
mod intersection;
mod meta;
mod profile;

use chrono::{NaiveDate, Utc};
use linkgap_world::World;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::index::{Index, host_within, parse_time, url_host};
use crate::query::{FieldType, Filter, compile_filter};
use crate::views::{DefaultView, ViewLimits};

pub(crate) use aggregate::{Agg, AggOutput, RankFrom, Scratch};
pub(crate) use backlinks::BacklinkView;
pub(crate) use competitors::{Competitors, competitor_scan};
pub(crate) use history::{HistoryMaps, Timeline};
pub(crate) use profile::{SitePages, site_pages};

/// Default `limit` of list endpoints.
const DEFAULT_LIMIT: u64 = 100;
/// Maximum `limit`.
const MAX_LIMIT: u64 = 1000;
/// Maximum `internal_list_limit`.
const MAX_INTERNAL_LIST_LIMIT: u64 = 1000;
/// Maximum `tag` length.
const MAX_TAG_LEN: usize = 255;
/// Which main domains get a precomputed default view ([`crate::views`]): those with at least 32
/// linking rows (smaller ones are answered as fast from their rows). Views of at least 512 external
/// rows hold their timeline, and views whose competitors take reading 20,000 rows or more hold them.
const VIEW_LIMITS: ViewLimits =
    ViewLimits { min_rows: 32, timeline_min_rows: 512, competitors_min_scan: 20_000 };

/// Settings of an [`Engine`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// "Today" for date defaults (`date_to`, bulk `date_from`, `index` history). The default,
    /// [`NaiveDate::MIN`], means the latest date seen in the world.
    pub today: NaiveDate,
    /// The wall-clock date that request dates are checked against, as the real API and the client
    /// check them; `None` (the default) reads the system clock on every call. See [`Engine`].
    pub clock: Option<NaiveDate>,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig { today: NaiveDate::MIN, clock: None }
    }
}

impl EngineConfig {
    /// A config whose `today` is the latest `first_seen`/`last_seen` date in `world`.
    pub fn latest_in(world: &World) -> EngineConfig {
        let latest = world
            .backlinks
            .iter()
            .flat_map(|link| [link.first_seen.as_deref(), link.last_seen.as_deref()])
            .flatten()
            .filter_map(parse_time)
            .max();
        EngineConfig {
            today: latest.map_or(NaiveDate::MIN, crate::index::date_of),
            ..EngineConfig::default()
        }
    }
}

/// The successful outcome of one task.
#[derive(Clone, Debug)]
pub struct Execution {
    /// `result[0]` as JSON text, spliced into the response as is; `None` means the task answers
    /// `"result": null` (a target with no data).
    pub result: Option<Box<RawValue>>,
    /// Items the call is billed for: returned items, 1 for summary (also without data), the number of
    /// targets for bulk endpoints, 0 for `index` and `available_filters`.
    pub billed_items: u64,
}

impl Execution {
    /// An execution whose `result[0]` is `result`.
    pub fn new(result: Option<Value>, billed_items: u64) -> Execution {
        let result = result.map(|value| {
            serde_json::value::to_raw_value(&value).expect("a JSON value always serializes")
        });
        Execution { result, billed_items }
    }

    /// `result[0]` parsed back into a [`Value`] (for tests and inspection).
    pub fn value(&self) -> Option<Value> {
        self.result.as_ref().map(|raw| {
            serde_json::from_str(raw.get()).expect("the result is JSON written by serde_json")
        })
    }
}

impl PartialEq for Execution {
    fn eq(&self, other: &Execution) -> bool {
        self.billed_items == other.billed_items
            && self.result.as_ref().map(|raw| raw.get())
                == other.result.as_ref().map(|raw| raw.get())
    }
}

/// What most endpoints compute: `result[0]` as a [`Value`] (turned into text by [`Engine::execute`]).
pub(crate) struct Outcome {
    /// `result[0]`; `None` means `"result": null`.
    pub(crate) result: Option<Value>,
    /// See [`Execution::billed_items`].
    pub(crate) billed_items: u64,
}

impl Outcome {
    fn into_execution(self) -> Execution {
        Execution::new(self.result, self.billed_items)
    }
}

/// A task-level failure: a `DataForSEO` status code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskError {
    /// The internal status code, e.g. 40501.
    pub code: u32,
    /// The status message, e.g. `"Invalid Field: 'limit'."`.
    pub message: String,
}

impl TaskError {
    /// 40501 naming a request field: `Invalid Field: '<name>'.`
    pub fn invalid_field(name: &str) -> TaskError {
        TaskError { code: 40501, message: format!("Invalid Field: '{name}'.") }
    }

    /// 40506 for a request field the endpoint does not take.
    fn unknown_field(name: &str) -> TaskError {
        TaskError { code: 40506, message: format!("Unknown Fields in POST Data: '{name}'.") }
    }

    /// 50000 for a result that could not be written as JSON text.
    pub(crate) fn internal() -> TaskError {
        TaskError { code: 50000, message: "Internal Error.".to_owned() }
    }

    /// 40402 for a function that is not a Backlinks data endpoint.
    fn invalid_path(function: &str) -> TaskError {
        TaskError { code: 40402, message: format!("Invalid Path: '{function}'.") }
    }
}

/// The query engine over one world; cheap to share (`Send + Sync`, read-only after [`Engine::new`]).
pub struct Engine {
    index: Index,
    today: NaiveDate,
    clock: Option<NaiveDate>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Engine")
            .field("backlinks", &self.index.rows.len())
            .field("today", &self.today)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Indexes `world` (by linked host, main domain and URL, by source main domain, with interned strings).
    pub fn new(world: World, config: EngineConfig) -> Engine {
        Engine::with_view_limits(world, config, VIEW_LIMITS)
    }

    /// [`Engine::new`] with every view threshold at `view_min_rows` rows (1: a view with all its
    /// aggregates for every main domain; `usize::MAX`: none, so every call takes the general path).
    #[cfg(test)]
    pub(crate) fn with_view_min_rows(
        world: World,
        config: EngineConfig,
        view_min_rows: usize,
    ) -> Engine {
        Engine::with_view_limits(world, config, ViewLimits::all(view_min_rows))
    }

    /// [`Engine::new`] with views as `limits` says.
    fn with_view_limits(world: World, config: EngineConfig, limits: ViewLimits) -> Engine {
        let index = Index::build(world.backlinks, world.domains, limits);
        let today = if config.today == NaiveDate::MIN { index.latest_date } else { config.today };
        Engine { index, today, clock: config.clock }
    }

    /// The engine's "today".
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// Number of backlink rows in the world.
    pub fn backlink_count(&self) -> usize {
        self.index.rows.len()
    }

    /// Runs one task of endpoint `function` (the `data.function` name: `"referring_domains"`,
    /// `"bulk_ranks"`, `"index"`, `"available_filters"`, ...).
    pub fn execute(
        &self,
        function: &str,
        task: &Map<String, Value>,
    ) -> Result<Execution, TaskError> {
        let accepted = fields::accepted_request_fields(function)
            .ok_or_else(|| TaskError::invalid_path(function))?;
        if let fields::Accepted::Only(accepted) = accepted {
            for name in task.keys() {
                if !accepted.contains(&name.as_str()) {
                    return Err(TaskError::unknown_field(name));
                }
            }
        }
        let params = Params { task };
        if let Some(tag) = params.get("tag") {
            let tag = tag.as_str().ok_or_else(|| TaskError::invalid_field("tag"))?;
            if tag.chars().count() > MAX_TAG_LEN {
                return Err(TaskError::invalid_field("tag"));
            }
        }
        let clock = self.clock.unwrap_or_else(|| Utc::now().date_naive());
        let ctx = Ctx { index: &self.index, today: self.today, clock, params };
        let outcome = match function {
            "summary" => profile::summary(&ctx),
            "history" => history::history(&ctx),
            "backlinks" => return backlinks::backlinks(&ctx),
            "anchors" => return profile::anchors(&ctx),
            "domain_pages" => return profile::domain_pages(&ctx),
            "domain_pages_summary" => return profile::domain_pages_summary(&ctx),
            "referring_domains" => return profile::referring_domains(&ctx),
            "referring_networks" => return profile::referring_networks(&ctx),
            "competitors" => return competitors::competitors(&ctx),
            "domain_intersection" => return intersection::domain_intersection(&ctx),
            "page_intersection" => return intersection::page_intersection(&ctx),
            "timeseries_summary" => history::timeseries_summary(&ctx),
            "timeseries_new_lost_summary" => history::timeseries_new_lost_summary(&ctx),
            "bulk_ranks"
            | "bulk_backlinks"
            | "bulk_spam_score"
            | "bulk_referring_domains"
            | "bulk_new_lost_backlinks"
            | "bulk_new_lost_referring_domains"
            | "bulk_pages_summary" => bulk::bulk(&ctx, function),
            "index" => Ok(meta::index(&ctx)),
            "available_filters" => Ok(meta::available_filters()),
            _ => Err(TaskError::invalid_path(function)),
        };
        outcome.map(Outcome::into_execution)
    }
}

/// Everything an endpoint needs: the index, "today" and the task's parameters.
pub(crate) struct Ctx<'a> {
    pub(crate) index: &'a Index,
    pub(crate) today: NaiveDate,
    /// The wall-clock date of the call.
    pub(crate) clock: NaiveDate,
    pub(crate) params: Params<'a>,
}

impl Ctx<'_> {
    /// The latest date a request may name: the later of the world's "today" and the wall clock, so
    /// that a client checking dates against its clock is never refused and the world stays reachable.
    pub(crate) fn latest_allowed(&self) -> NaiveDate {
        self.today.max(self.clock)
    }

    /// The earliest date a "within the last `months`" limit allows: counted back from the earlier of
    /// the world's "today" and the wall clock.
    pub(crate) fn earliest_allowed(&self, months: u32) -> NaiveDate {
        self.today.min(self.clock) - chrono::Months::new(months)
    }
}

/// `rank_scale`: ranks as 0-1000 or 0-100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Scale {
    #[default]
    Thousand,
    Hundred,
}

impl Scale {
    /// A 0-1000 rank on this scale (0-100 ranks are divided by 10, rounded half up).
    pub(crate) fn apply(self, rank: u32) -> u32 {
        match self {
            Scale::Thousand => rank,
            Scale::Hundred => (rank + 5) / 10,
        }
    }
}

/// `backlinks_status_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Live,
    Lost,
    All,
}

/// A parsed `target`: a domain (no scheme; `www.` stripped) or a page (absolute URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Domain(String),
    Page(String),
}

impl Target {
    /// Parses one target string; `None` when it is empty or an unusable URL.
    pub(crate) fn parse(text: &str) -> Option<Target> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if text.contains("://") {
            url_host(text)?;
            return Some(Target::Page(text.to_owned()));
        }
        let domain = text.trim_end_matches('/').to_ascii_lowercase();
        let domain = domain.strip_prefix("www.").map_or(domain.clone(), str::to_owned);
        if domain.is_empty() || domain.contains(['/', ' ', '?', '#']) {
            return None;
        }
        Some(Target::Domain(domain))
    }

    /// The host whose own links count as internal: the domain, or the page's host without `www.`.
    pub(crate) fn site(&self) -> String {
        match self {
            Target::Domain(domain) => domain.clone(),
            Target::Page(url) => {
                let host = url_host(url).unwrap_or_default();
                host.strip_prefix("www.").map_or(host.clone(), str::to_owned)
            }
        }
    }
}

/// Which rows of a target an endpoint looks at.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope {
    pub(crate) status: Status,
    pub(crate) include_subdomains: bool,
    pub(crate) exclude_internal: bool,
}

impl Scope {
    /// The scope every endpoint uses unless it says otherwise: live links, with subdomains, no internal links.
    pub(crate) const DEFAULT: Scope =
        Scope { status: Status::Live, include_subdomains: true, exclude_internal: true };
}

/// Rows of `target` within `scope`, ascending by row id.
pub(crate) fn target_rows(index: &Index, target: &Target, scope: Scope) -> Vec<u32> {
    if let Some(view) = default_view(index, target, scope) {
        return view.live.clone();
    }
    let mut rows = match target {
        Target::Domain(domain) => index.rows_to_domain(domain, scope.include_subdomains),
        Target::Page(url) => index.rows_to_url(url),
    };
    let site = target.site();
    rows.retain(|&row_id| {
        let row = &index.rows[row_id as usize];
        let status_ok = match scope.status {
            Status::Live => !row.is_lost,
            Status::Lost => row.is_lost,
            Status::All => true,
        };
        status_ok && !(scope.exclude_internal && host_within(index.text(row.from_host), &site))
    });
    rows
}

/// The precomputed default view ([`crate::views`]) answering `target` in `scope`: only for a main
/// domain that has one, in the default scope (live, with subdomains, without internal links).
pub(crate) fn default_view<'a>(
    index: &'a Index,
    target: &Target,
    scope: Scope,
) -> Option<&'a DefaultView> {
    let Target::Domain(domain) = target else { return None };
    let default = Scope::DEFAULT;
    let is_default = scope.status == default.status
        && scope.include_subdomains == default.include_subdomains
        && scope.exclude_internal == default.exclude_internal;
    if is_default { index.default_view(domain) } else { None }
}

/// Keeps the rows that pass `filter` (read as backlink items on `scale`).
pub(crate) fn filter_rows(
    index: &Index,
    rows: &mut Vec<u32>,
    filter: Option<&Filter>,
    scale: Scale,
) {
    if let Some(filter) = filter {
        rows.retain(|&row| filter.matches(&BacklinkView { index, row, scale, group_count: 0 }));
    }
}

/// Typed access to the task's fields; every bad value is a 40501 naming the field.
#[derive(Clone, Copy)]
pub(crate) struct Params<'a> {
    task: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
    /// A field that is present and not `null`.
    pub(crate) fn get(self, name: &str) -> Option<&'a Value> {
        self.task.get(name).filter(|value| !value.is_null())
    }

    /// An optional string field.
    pub(crate) fn string(self, name: &str) -> Result<Option<&'a str>, TaskError> {
        self.get(name)
            .map(|value| value.as_str().ok_or_else(|| TaskError::invalid_field(name)))
            .transpose()
    }

    /// A boolean field with its default.
    pub(crate) fn flag(self, name: &str, default: bool) -> Result<bool, TaskError> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Bool(flag)) => Ok(*flag),
            Some(_) => Err(TaskError::invalid_field(name)),
        }
    }

    /// A non-negative integer field (JSON integer, or a string of one).
    pub(crate) fn integer(self, name: &str) -> Result<Option<u64>, TaskError> {
        let Some(value) = self.get(name) else { return Ok(None) };
        let number = match value {
            Value::Number(number) => number.as_u64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        number.map(Some).ok_or_else(|| TaskError::invalid_field(name))
    }

    /// One of the allowed values of an enum field, or its default.
    pub(crate) fn choice(
        self,
        name: &str,
        allowed: &[&'static str],
        default: &'static str,
    ) -> Result<&'static str, TaskError> {
        let Some(text) = self.string(name)? else { return Ok(default) };
        allowed
            .iter()
            .copied()
            .find(|candidate| *candidate == text)
            .ok_or_else(|| TaskError::invalid_field(name))
    }

    /// A `yyyy-mm-dd` date field.
    pub(crate) fn date(self, name: &str) -> Result<Option<NaiveDate>, TaskError> {
        self.string(name)?
            .map(|text| {
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .map_err(|_| TaskError::invalid_field(name))
            })
            .transpose()
    }

    /// The required `target`.
    pub(crate) fn target(self) -> Result<(&'a str, Target), TaskError> {
        let text = self.string("target")?.ok_or_else(|| TaskError::invalid_field("target"))?;
        let target = Target::parse(text).ok_or_else(|| TaskError::invalid_field("target"))?;
        Ok((text, target))
    }

    /// The required `target`, which must be a domain (history and timeseries endpoints).
    pub(crate) fn domain_target(self) -> Result<(&'a str, String), TaskError> {
        match self.target()? {
            (text, Target::Domain(domain)) => Ok((text, domain)),
            (_, Target::Page(_)) => Err(TaskError::invalid_field("target")),
        }
    }

    /// `limit` (default 100, at most 1000).
    pub(crate) fn limit(self) -> Result<usize, TaskError> {
        let limit = self.integer("limit")?.unwrap_or(DEFAULT_LIMIT);
        if limit > MAX_LIMIT {
            return Err(TaskError::invalid_field("limit"));
        }
        Ok(limit as usize)
    }

    /// `offset` (default 0), at most `max` when given.
    pub(crate) fn offset(self, max: Option<u64>) -> Result<usize, TaskError> {
        let offset = self.integer("offset")?.unwrap_or(0);
        if max.is_some_and(|max| offset > max) {
            return Err(TaskError::invalid_field("offset"));
        }
        Ok(offset as usize)
    }

    /// `internal_list_limit` (default 10, 1..=1000).
    pub(crate) fn list_limit(self) -> Result<usize, TaskError> {
        let limit = self.integer("internal_list_limit")?.unwrap_or(10);
        if limit == 0 || limit > MAX_INTERNAL_LIST_LIMIT {
            return Err(TaskError::invalid_field("internal_list_limit"));
        }
        Ok(limit as usize)
    }

    /// `rank_scale`.
    pub(crate) fn scale(self) -> Result<Scale, TaskError> {
        Ok(match self.choice("rank_scale", &["one_thousand", "one_hundred"], "one_thousand")? {
            "one_hundred" => Scale::Hundred,
            _ => Scale::Thousand,
        })
    }

    /// `backlinks_status_type`, `include_subdomains`, `exclude_internal_backlinks`.
    pub(crate) fn scope(self) -> Result<Scope, TaskError> {
        let status = match self.choice("backlinks_status_type", &["live", "lost", "all"], "live")? {
            "lost" => Status::Lost,
            "all" => Status::All,
            _ => Status::Live,
        };
        Ok(Scope {
            status,
            include_subdomains: self.flag("include_subdomains", true)?,
            exclude_internal: self.flag("exclude_internal_backlinks", true)?,
        })
    }

    /// A filter field (`filters`, `backlinks_filters`) compiled against a field table.
    pub(crate) fn filter(
        self,
        name: &str,
        field_type: &dyn Fn(&str) -> Option<FieldType>,
    ) -> Result<Option<Filter>, TaskError> {
        self.get(name).map_or(Ok(None), |value| compile_filter(value, field_type, name))
    }

    /// `backlinks_filters`, compiled against the backlink item fields.
    pub(crate) fn backlinks_filter(self) -> Result<Option<Filter>, TaskError> {
        self.filter("backlinks_filters", &|path| fields::field_type("backlinks", path))
    }

    /// Every field of the task, in the body's order.
    pub(crate) fn task_fields(self) -> impl Iterator<Item = (&'a String, &'a Value)> {
        self.task.iter()
    }

    /// The raw value of a field (for `order_by`).
    pub(crate) fn raw(self, name: &str) -> Option<&'a Value> {
        self.get(name)
    }
}

#[cfg(test)]
mod tests;
