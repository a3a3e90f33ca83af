//! The Backlinks handler: one method per endpoint, paging streams and bulk helpers.
//!
//! Get it from [`Client::backlinks`]. Every method validates the request on the client, sends it
//! through the shared transport (limits, retries, budget, cache) and returns the typed
//! [`Reply`]. The `*_stream` methods walk every page of a paginated endpoint; the `*_all`
//! methods split any number of bulk targets into calls the API accepts and merge the answers.

use std::collections::{BTreeMap, BTreeSet};

use futures::stream::{self, Stream, StreamExt, TryStreamExt};

use crate::client::{Client, Reply};
use crate::error::Error;
use crate::models::appendix::user_data::{UserDataRequest, UserDataResult};
use crate::models::backlinks::anchors::{AnchorsItem, AnchorsRequest, AnchorsResult};
use crate::models::backlinks::available_filters::{
    AvailableFiltersRequest, AvailableFiltersResult,
};
use crate::models::backlinks::backlinks::{BacklinkItem, BacklinksRequest, BacklinksResult};
use crate::models::backlinks::bulk_backlinks::{
    BulkBacklinksItem, BulkBacklinksRequest, BulkBacklinksResult,
};
use crate::models::backlinks::bulk_new_lost_backlinks::{
    BulkNewLostBacklinksItem, BulkNewLostBacklinksRequest, BulkNewLostBacklinksResult,
};
use crate::models::backlinks::bulk_new_lost_referring_domains::{
    BulkNewLostReferringDomainsItem, BulkNewLostReferringDomainsRequest,
    BulkNewLostReferringDomainsResult,
};
use crate::models::backlinks::bulk_pages_summary::{
    BulkPagesSummaryRequest, BulkPagesSummaryResult,
};
use crate::models::backlinks::bulk_ranks::{BulkRanksItem, BulkRanksRequest, BulkRanksResult};
use crate::models::backlinks::bulk_referring_domains::{
    BulkReferringDomainsItem, BulkReferringDomainsRequest, BulkReferringDomainsResult,
};
use crate::models::backlinks::bulk_spam_score::{
    BulkSpamScoreItem, BulkSpamScoreRequest, BulkSpamScoreResult,
};
use crate::models::backlinks::competitors::{
    CompetitorsItem, CompetitorsRequest, CompetitorsResult,
};
use crate::models::backlinks::domain_intersection::{
    DomainIntersectionItem, DomainIntersectionRequest, DomainIntersectionResult,
};
use crate::models::backlinks::domain_pages::{
    DomainPagesItem, DomainPagesRequest, DomainPagesResult,
};
use crate::models::backlinks::domain_pages_summary::{
    DomainPagesSummaryRequest, DomainPagesSummaryResult, PageSummaryItem,
};
use crate::models::backlinks::errors::{ErrorsItem, ErrorsRequest};
use crate::models::backlinks::history::{HistoryRequest, HistoryResult};
use crate::models::backlinks::id_list::{IdListItem, IdListRequest};
use crate::models::backlinks::index::{IndexRequest, IndexResult};
use crate::models::backlinks::page_intersection::{
    PageIntersectionItem, PageIntersectionRequest, PageIntersectionResult,
};
use crate::models::backlinks::referring_domains::{
    ReferringDomainsItem, ReferringDomainsRequest, ReferringDomainsResult,
};
use crate::models::backlinks::referring_networks::{
    ReferringNetworksItem, ReferringNetworksRequest, ReferringNetworksResult,
};
use crate::models::backlinks::summary::{SummaryRequest, SummaryResult};
use crate::models::backlinks::timeseries_new_lost_summary::{
    TimeseriesNewLostSummaryRequest, TimeseriesNewLostSummaryResult,
};
use crate::models::backlinks::timeseries_summary::{
    TimeseriesSummaryRequest, TimeseriesSummaryResult,
};
use crate::models::{MAX_LIMIT, target_host};
use crate::request::{ApiRequest, BulkItem, BulkRequest, PagedRequest, PagedResult};

/// Bulk calls of one helper in flight at once (the client's own limiter still applies).
const BULK_CONCURRENCY: usize = 4;

impl Client {
    /// The Backlinks API handler (`/v3/backlinks/...`).
    pub fn backlinks(&self) -> Backlinks<'_> {
        Backlinks { client: self }
    }

    /// The appendix handler (`/v3/appendix/...`).
    pub fn appendix(&self) -> Appendix<'_> {
        Appendix { client: self }
    }
}

/// The Backlinks API: one method per endpoint, named after its path. Get it from [`Client::backlinks`].
///
/// ```no_run
/// use futures::TryStreamExt;
/// use linkgap_dataforseo::{
///     BulkRanksRequest, Client, DomainIntersectionRequest, Error, Filter, OrderBy, PageOptions,
/// };
///
/// # async fn example(client: Client) -> Result<(), Error> {
/// // Link gap: domains linking to at least two competitors but not to us.
/// let request = DomainIntersectionRequest {
///     exclude_targets: Some(vec!["mysite.com".to_owned()]),
///     filters: Some(Filter::field("intersections_count").ge(2)),
///     order_by: Some(OrderBy::desc("intersections_count").then_desc("1.rank")),
///     ..DomainIntersectionRequest::new(["rival-a.com", "rival-b.com", "rival-c.com"])
/// };
/// let pages = client.backlinks().domain_intersection_stream(request, PageOptions::new().max_items(5000));
/// let mut pages = std::pin::pin!(pages);
/// let mut spent = 0.0;
/// while let Some(page) = pages.try_next().await? {
///     spent += page.cost;
///     for row in &page.items {
///         println!("{:?} links to {} targets", row.referring_domain(), row.intersections_count());
///     }
/// }
///
/// // Ranks of any number of domains, split into calls of 1,000 and merged by target.
/// let ranks = client.backlinks().bulk_ranks_all(&BulkRanksRequest::new(["a.com", "b.com"])).await?;
/// println!("{} ranks for ${:.4} (plus ${spent:.4} for the gap)", ranks.items.len(), ranks.cost);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Backlinks<'a> {
    client: &'a Client,
}

/// The account appendix (`/v3/appendix/user_data`). Get it from [`Client::appendix`].
#[derive(Clone, Copy, Debug)]
pub struct Appendix<'a> {
    client: &'a Client,
}

impl Appendix<'_> {
    /// `GET /v3/appendix/user_data`: account, balance, limits and price table. Free.
    pub async fn user_data(&self) -> Result<Reply<UserDataResult>, Error> {
        self.client.execute(&UserDataRequest).await
    }
}

/// Options of a paging stream.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PageOptions {
    /// Rows per call (1..=1000); `None` means 1000, the cheapest per row. The request's own
    /// `limit` is replaced by this.
    pub page_size: Option<u64>,
    /// Stop after this many items in total (the last page is cut to fit, and asks for no more rows
    /// than needed so it is not billed for them).
    pub max_items: Option<u64>,
    /// Stop before a new page once the pages so far have cost at least this much (USD).
    pub max_cost: Option<f64>,
}

impl PageOptions {
    /// Default options: pages of 1000 rows, no caps.
    pub fn new() -> PageOptions {
        PageOptions::default()
    }

    /// Sets the page size.
    #[must_use]
    pub fn page_size(mut self, page_size: u64) -> PageOptions {
        self.page_size = Some(page_size);
        self
    }

    /// Sets the item cap.
    #[must_use]
    pub fn max_items(mut self, max_items: u64) -> PageOptions {
        self.max_items = Some(max_items);
        self
    }

    /// Sets the cost cap in USD.
    #[must_use]
    pub fn max_cost(mut self, max_cost: f64) -> PageOptions {
        self.max_cost = Some(max_cost);
        self
    }
}

/// One page of a paging stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The rows of this page (cut to the item cap).
    pub items: Vec<T>,
    /// The `offset` this page was fetched at, or `None` when it was fetched with `search_after_token`.
    pub offset: Option<u64>,
    /// `total_count` as this page reported it (it can change between pages).
    pub total_count: Option<u64>,
    /// What this page cost, in USD (0 for a cache hit).
    pub cost: f64,
    /// Whether this page came from the response cache.
    pub cached: bool,
    /// `tasks[0].id` of the call.
    pub task_id: Option<String>,
}

/// Everything a paging stream yielded, collected by [`collect_pages`].
#[derive(Clone, Debug, PartialEq)]
pub struct Collected<T> {
    /// All items, in page order.
    pub items: Vec<T>,
    /// The sum of the pages' cost, in USD.
    pub cost: f64,
    /// Calls made (cache hits included).
    pub pages: usize,
    /// The last `total_count` seen.
    pub total_count: Option<u64>,
}

/// Drains a paging stream into one list with the total cost. Stops at the first error.
pub async fn collect_pages<T>(
    pages: impl Stream<Item = Result<Page<T>, Error>>,
) -> Result<Collected<T>, Error> {
    let mut collected = Collected { items: Vec::new(), cost: 0.0, pages: 0, total_count: None };
    let mut pages = std::pin::pin!(pages);
    while let Some(page) = pages.try_next().await? {
        collected.items.extend(page.items);
        collected.cost += page.cost;
        collected.pages += 1;
        collected.total_count = page.total_count.or(collected.total_count);
    }
    Ok(collected)
}

/// Where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Cursor {
    Offset(u64),
    Token(String),
}

/// The state of a paging stream between pages.
struct Pager<R> {
    client: Client,
    request: R,
    options: PageOptions,
    cursor: Cursor,
    fetched: u64,
    cost: f64,
    done: bool,
}

/// The rows of every page of `request`, page by page: offset paging up to the endpoint's offset
/// cap, then `search_after_token` where the endpoint supports it (`backlinks/live` beyond 20,000
/// rows).
///
/// The stream ends after an empty page, a short page (fewer rows than asked for), a page that
/// reaches the latest `total_count`, a missing cursor token, the caller's item or cost cap, or the
/// first error (which it yields). Every page carries its own cost.
pub fn pages<R>(
    client: &Client,
    request: R,
    options: PageOptions,
) -> impl Stream<Item = Result<Page<PagedItem<R>>, Error>> + Send + 'static + use<R>
where
    R: PagedRequest + 'static,
{
    let start = request.offset();
    let pager = Pager {
        client: client.clone(),
        request,
        options,
        cursor: Cursor::Offset(start),
        fetched: 0,
        cost: 0.0,
        done: false,
    };
    stream::try_unfold(pager, next_page)
}

/// The item type of a paged request.
pub type PagedItem<R> = <<R as crate::request::ApiRequest>::Result as PagedResult>::Item;

async fn next_page<R>(mut pager: Pager<R>) -> Result<Option<(Page<PagedItem<R>>, Pager<R>)>, Error>
where
    R: PagedRequest + 'static,
{
    if pager.done {
        return Ok(None);
    }
    let remaining =
        pager.options.max_items.map(|max_items| max_items.saturating_sub(pager.fetched));
    if remaining == Some(0) || pager.options.max_cost.is_some_and(|max_cost| pager.cost >= max_cost)
    {
        return Ok(None);
    }
    let page_size = pager.options.page_size.unwrap_or(MAX_LIMIT);
    let limit = remaining.map_or(page_size, |remaining| page_size.min(remaining)).max(1);

    let mut request = pager.request.clone();
    request.set_limit(limit);
    let offset = match &pager.cursor {
        Cursor::Offset(offset) => {
            request.set_offset(Some(*offset));
            Some(*offset)
        }
        Cursor::Token(token) => {
            request.set_offset(None);
            request.set_search_after_token(Some(token.clone()));
            None
        }
    };

    let reply = pager.client.execute(&request).await?;
    let result = reply.results.into_iter().next();
    let total_count = result.as_ref().and_then(PagedResult::total_count);
    let token = result.as_ref().and_then(|result| result.search_after_token().map(str::to_owned));
    let mut items = result.map(PagedResult::into_items).unwrap_or_default();
    let received = items.len() as u64;
    if let Some(remaining) = remaining {
        items.truncate(usize::try_from(remaining).unwrap_or(usize::MAX));
    }
    pager.fetched += items.len() as u64;
    pager.cost += reply.cost;

    // Decide where the next page starts, or that there is none. Each test re-reads the latest
    // `total_count`, so a moving index neither loops forever nor stops early on stale counts.
    let short_page = received < limit;
    let position = match offset {
        Some(offset) => offset + received,
        None => pager.request.offset() + pager.fetched,
    };
    let reached_total = offset.is_some()
        && pager.request.total_count_counts_rows()
        && total_count.is_some_and(|total| position >= total);
    let next = if received == 0 || short_page || reached_total {
        None
    } else {
        match offset {
            Some(_) if pager.request.offset_cap().is_none_or(|cap| position <= cap) => {
                Some(Cursor::Offset(position))
            }
            _ if pager.request.supports_search_after() => token.map(Cursor::Token),
            _ => None,
        }
    };
    match next {
        Some(cursor) => pager.cursor = cursor,
        None => pager.done = true,
    }

    let page = Page {
        items,
        offset,
        total_count,
        cost: reply.cost,
        cached: reply.cached,
        task_id: reply.task_id,
    };
    Ok(Some((page, pager)))
}

/// A request whose `result[]` is itself the list (`id_list`, `errors`), paged by `limit`/`offset`.
pub(crate) trait ListRequest: ApiRequest + Clone + 'static {
    /// `offset` as it will be sent.
    fn list_offset(&self) -> u64;
    /// Sets `limit` and `offset`.
    fn set_page(&mut self, limit: u64, offset: u64);
}

impl ListRequest for IdListRequest {
    fn list_offset(&self) -> u64 {
        self.offset.unwrap_or(0)
    }
    fn set_page(&mut self, limit: u64, offset: u64) {
        self.limit = Some(limit);
        self.offset = Some(offset);
    }
}

impl ListRequest for ErrorsRequest {
    fn list_offset(&self) -> u64 {
        self.offset.unwrap_or(0)
    }
    fn set_page(&mut self, limit: u64, offset: u64) {
        self.limit = Some(limit);
        self.offset = Some(offset);
    }
}

/// Pages of a list endpoint: offset paging until a short or empty page, or a cap.
fn list_pages<R: ListRequest>(
    client: &Client,
    request: R,
    options: PageOptions,
) -> impl Stream<Item = Result<Page<R::Result>, Error>> + Send + 'static + use<R> {
    let start = request.list_offset();
    let state = (client.clone(), request, options, start, 0_u64, 0.0_f64, false);
    stream::try_unfold(
        state,
        |(client, request, options, offset, fetched, spent, done)| async move {
            let remaining = options.max_items.map(|max_items| max_items.saturating_sub(fetched));
            if done
                || remaining == Some(0)
                || options.max_cost.is_some_and(|max_cost| spent >= max_cost)
            {
                return Ok(None);
            }
            let page_size = options.page_size.unwrap_or(MAX_LIMIT);
            let limit = remaining.map_or(page_size, |remaining| page_size.min(remaining)).max(1);
            let mut page_request = request.clone();
            page_request.set_page(limit, offset);
            let reply = client.execute(&page_request).await?;
            let mut items = reply.results;
            let received = items.len() as u64;
            if let Some(remaining) = remaining {
                items.truncate(usize::try_from(remaining).unwrap_or(usize::MAX));
            }
            let fetched = fetched + items.len() as u64;
            let done = received < limit;
            let page = Page {
                items,
                offset: Some(offset),
                total_count: None,
                cost: reply.cost,
                cached: reply.cached,
                task_id: reply.task_id,
            };
            Ok(Some((
                page,
                (client, request, options, offset + received, fetched, spent + reply.cost, done),
            )))
        },
    )
}

/// The merged answer of a bulk helper.
#[derive(Clone, Debug, PartialEq)]
pub struct BulkReply<T> {
    /// One item per target, keyed by the target string the API echoed.
    pub items: BTreeMap<String, T>,
    /// Requested targets with no item in any answer.
    pub missing: Vec<String>,
    /// The sum of the calls' cost, in USD.
    pub cost: f64,
    /// Calls made.
    pub calls: usize,
}

/// Splits targets into batches the API accepts: at most `max_targets` each and, if limited, at most
/// `max_domains` distinct hosts each. Duplicates are dropped; targets of one host stay together.
pub fn split_targets(
    targets: &[String],
    max_targets: usize,
    max_domains: Option<usize>,
) -> Vec<Vec<String>> {
    let max_targets = max_targets.max(1);
    let mut seen = BTreeSet::new();
    let unique: Vec<&String> =
        targets.iter().filter(|target| seen.insert(target.as_str())).collect();
    let Some(max_domains) = max_domains else {
        return unique
            .chunks(max_targets)
            .map(|chunk| chunk.iter().map(|target| (*target).clone()).collect())
            .collect();
    };
    // Group by host in order of first appearance, then fill batches greedily.
    let mut host_order: Vec<String> = Vec::new();
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for target in unique {
        let host = target_host(target);
        by_host.entry(host.clone()).or_insert_with(|| {
            host_order.push(host);
            Vec::new()
        });
        if let Some(group) = by_host.get_mut(&target_host(target)) {
            group.push(target.clone());
        }
    }
    let mut batches: Vec<Vec<String>> = Vec::new();
    let mut batch: Vec<String> = Vec::new();
    let mut batch_hosts = 0usize;
    for host in host_order {
        let mut new_host = true;
        for target in by_host.remove(&host).unwrap_or_default() {
            if batch.len() == max_targets || (new_host && batch_hosts == max_domains.max(1)) {
                batches.push(std::mem::take(&mut batch));
                batch_hosts = 0;
                new_host = true;
            }
            if new_host {
                batch_hosts += 1;
                new_host = false;
            }
            batch.push(target);
        }
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

/// Sends a bulk request with any number of targets as calls of at most 1,000 targets (and at most
/// 100 domains for `bulk_pages_summary`), a few at a time, and merges the items by target.
pub async fn bulk_all<R>(client: &Client, request: &R) -> Result<BulkReply<BulkItemOf<R>>, Error>
where
    R: BulkRequest + 'static,
{
    let batches = split_targets(
        request.targets(),
        request.max_targets_per_call(),
        request.max_domains_per_call(),
    );
    let calls = batches.len();
    let replies: Vec<Reply<R::Result>> =
        stream::iter(batches.into_iter().map(|batch| request.with_targets(batch)))
            .map(|batch| async move { client.execute(&batch).await })
            .buffered(BULK_CONCURRENCY)
            .try_collect()
            .await?;
    let mut items = BTreeMap::new();
    let mut cost = 0.0;
    for reply in replies {
        cost += reply.cost;
        for item in reply.results.into_iter().flat_map(PagedResult::into_items) {
            if let Some(target) = item.target() {
                items.insert(target.to_owned(), item);
            }
        }
    }
    let mut seen = BTreeSet::new();
    let missing = request
        .targets()
        .iter()
        .filter(|target| !items.contains_key(target.as_str()) && seen.insert(target.as_str()))
        .cloned()
        .collect();
    Ok(BulkReply { items, missing, cost, calls })
}

/// The item type of a bulk request.
pub type BulkItemOf<R> = <<R as crate::request::ApiRequest>::Result as PagedResult>::Item;

impl Backlinks<'_> {
    /// `POST /v3/backlinks/summary/live`: whole-profile totals for one target.
    pub async fn summary(&self, request: &SummaryRequest) -> Result<Reply<SummaryResult>, Error> {
        self.client.execute(request).await
    }

    /// `POST /v3/backlinks/history/live`: monthly history of a domain since 2019.
    pub async fn history(&self, request: &HistoryRequest) -> Result<Reply<HistoryResult>, Error> {
        self.client.execute(request).await
    }

    /// `POST /v3/backlinks/backlinks/live`: one page of individual backlinks.
    pub async fn backlinks(
        &self,
        request: &BacklinksRequest,
    ) -> Result<Reply<BacklinksResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `backlinks/live`: offset paging to 20,000 rows, then `search_after_token`.
    pub fn backlinks_stream(
        &self,
        request: BacklinksRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<BacklinkItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/anchors/live`: one page of anchors.
    pub async fn anchors(&self, request: &AnchorsRequest) -> Result<Reply<AnchorsResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `anchors/live`.
    pub fn anchors_stream(
        &self,
        request: AnchorsRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<AnchorsItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/domain_pages/live`: one page of the domain's pages.
    pub async fn domain_pages(
        &self,
        request: &DomainPagesRequest,
    ) -> Result<Reply<DomainPagesResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `domain_pages/live`.
    pub fn domain_pages_stream(
        &self,
        request: DomainPagesRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<DomainPagesItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/domain_pages_summary/live`: one page of per-page aggregates.
    pub async fn domain_pages_summary(
        &self,
        request: &DomainPagesSummaryRequest,
    ) -> Result<Reply<DomainPagesSummaryResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `domain_pages_summary/live`.
    pub fn domain_pages_summary_stream(
        &self,
        request: DomainPagesSummaryRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<PageSummaryItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/referring_domains/live`: one page of referring domains.
    pub async fn referring_domains(
        &self,
        request: &ReferringDomainsRequest,
    ) -> Result<Reply<ReferringDomainsResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `referring_domains/live`.
    pub fn referring_domains_stream(
        &self,
        request: ReferringDomainsRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<ReferringDomainsItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/referring_networks/live`: one page of referring IPs or subnets.
    pub async fn referring_networks(
        &self,
        request: &ReferringNetworksRequest,
    ) -> Result<Reply<ReferringNetworksResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `referring_networks/live`.
    pub fn referring_networks_stream(
        &self,
        request: ReferringNetworksRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<ReferringNetworksItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/competitors/live`: one page of competing domains.
    pub async fn competitors(
        &self,
        request: &CompetitorsRequest,
    ) -> Result<Reply<CompetitorsResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `competitors/live`.
    pub fn competitors_stream(
        &self,
        request: CompetitorsRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<CompetitorsItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/domain_intersection/live`: one page of the link gap by domain.
    pub async fn domain_intersection(
        &self,
        request: &DomainIntersectionRequest,
    ) -> Result<Reply<DomainIntersectionResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `domain_intersection/live`.
    pub fn domain_intersection_stream(
        &self,
        request: DomainIntersectionRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<DomainIntersectionItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/page_intersection/live`: one page of the link gap by page.
    pub async fn page_intersection(
        &self,
        request: &PageIntersectionRequest,
    ) -> Result<Reply<PageIntersectionResult>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `page_intersection/live`.
    pub fn page_intersection_stream(
        &self,
        request: PageIntersectionRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<PageIntersectionItem>, Error>> + Send + use<> {
        pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/timeseries_summary/live`: totals per period.
    pub async fn timeseries_summary(
        &self,
        request: &TimeseriesSummaryRequest,
    ) -> Result<Reply<TimeseriesSummaryResult>, Error> {
        self.client.execute(request).await
    }

    /// `POST /v3/backlinks/timeseries_new_lost_summary/live`: new and lost counts per period.
    pub async fn timeseries_new_lost_summary(
        &self,
        request: &TimeseriesNewLostSummaryRequest,
    ) -> Result<Reply<TimeseriesNewLostSummaryResult>, Error> {
        self.client.execute(request).await
    }

    /// `POST /v3/backlinks/bulk_ranks/live`: one call, at most 1,000 targets.
    pub async fn bulk_ranks(
        &self,
        request: &BulkRanksRequest,
    ) -> Result<Reply<BulkRanksResult>, Error> {
        self.client.execute(request).await
    }

    /// `bulk_ranks` for any number of targets, merged by target.
    pub async fn bulk_ranks_all(
        &self,
        request: &BulkRanksRequest,
    ) -> Result<BulkReply<BulkRanksItem>, Error> {
        bulk_all(self.client, request).await
    }

    /// `POST /v3/backlinks/bulk_backlinks/live`: one call, at most 1,000 targets.
    pub async fn bulk_backlinks(
        &self,
        request: &BulkBacklinksRequest,
    ) -> Result<Reply<BulkBacklinksResult>, Error> {
        self.client.execute(request).await
    }

    /// `bulk_backlinks` for any number of targets, merged by target.
    pub async fn bulk_backlinks_all(
        &self,
        request: &BulkBacklinksRequest,
    ) -> Result<BulkReply<BulkBacklinksItem>, Error> {
        bulk_all(self.client, request).await
    }

    /// `POST /v3/backlinks/bulk_spam_score/live`: one call, at most 1,000 targets.
    pub async fn bulk_spam_score(
        &self,
        request: &BulkSpamScoreRequest,
    ) -> Result<Reply<BulkSpamScoreResult>, Error> {
        self.client.execute(request).await
    }

    /// `bulk_spam_score` for any number of targets, merged by target.
    pub async fn bulk_spam_score_all(
        &self,
        request: &BulkSpamScoreRequest,
    ) -> Result<BulkReply<BulkSpamScoreItem>, Error> {
        bulk_all(self.client, request).await
    }

    /// `POST /v3/backlinks/bulk_referring_domains/live`: one call, at most 1,000 targets.
    pub async fn bulk_referring_domains(
        &self,
        request: &BulkReferringDomainsRequest,
    ) -> Result<Reply<BulkReferringDomainsResult>, Error> {
        self.client.execute(request).await
    }

    /// `bulk_referring_domains` for any number of targets, merged by target.
    pub async fn bulk_referring_domains_all(
        &self,
        request: &BulkReferringDomainsRequest,
    ) -> Result<BulkReply<BulkReferringDomainsItem>, Error> {
        bulk_all(self.client, request).await
    }

    /// `POST /v3/backlinks/bulk_new_lost_backlinks/live`: one call, at most 1,000 targets.
    pub async fn bulk_new_lost_backlinks(
        &self,
        request: &BulkNewLostBacklinksRequest,
    ) -> Result<Reply<BulkNewLostBacklinksResult>, Error> {
        self.client.execute(request).await
    }

    /// `bulk_new_lost_backlinks` for any number of targets, merged by target.
    pub async fn bulk_new_lost_backlinks_all(
        &self,
        request: &BulkNewLostBacklinksRequest,
    ) -> Result<BulkReply<BulkNewLostBacklinksItem>, Error> {
        bulk_all(self.client, request).await
    }

    /// `POST /v3/backlinks/bulk_new_lost_referring_domains/live`: one call, at most 1,000 targets.
    pub async fn bulk_new_lost_referring_domains(
        &self,
        request: &BulkNewLostReferringDomainsRequest,
    ) -> Result<Reply<BulkNewLostReferringDomainsResult>, Error> {
        self.client.execute(request).await
    }

    /// `bulk_new_lost_referring_domains` for any number of targets, merged by target.
    pub async fn bulk_new_lost_referring_domains_all(
        &self,
        request: &BulkNewLostReferringDomainsRequest,
    ) -> Result<BulkReply<BulkNewLostReferringDomainsItem>, Error> {
        bulk_all(self.client, request).await
    }

    /// `POST /v3/backlinks/bulk_pages_summary/live`: one call, at most 1,000 targets from 100 domains.
    pub async fn bulk_pages_summary(
        &self,
        request: &BulkPagesSummaryRequest,
    ) -> Result<Reply<BulkPagesSummaryResult>, Error> {
        self.client.execute(request).await
    }

    /// `bulk_pages_summary` for any number of targets, grouped by domain into calls of at most
    /// 1,000 targets from at most 100 domains, merged by target (`url`).
    pub async fn bulk_pages_summary_all(
        &self,
        request: &BulkPagesSummaryRequest,
    ) -> Result<BulkReply<PageSummaryItem>, Error> {
        bulk_all(self.client, request).await
    }

    /// `GET /v3/backlinks/index`: size of the backlink index.
    pub async fn index(&self) -> Result<Reply<IndexResult>, Error> {
        self.client.execute(&IndexRequest).await
    }

    /// `GET /v3/backlinks/available_filters`: filterable fields per endpoint. Free.
    pub async fn available_filters(&self) -> Result<Reply<AvailableFiltersResult>, Error> {
        self.client.execute(&AvailableFiltersRequest).await
    }

    /// `POST /v3/backlinks/id_list`: one page of your past tasks (`results` is the list).
    pub async fn id_list(&self, request: &IdListRequest) -> Result<Reply<IdListItem>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `id_list`.
    pub fn id_list_stream(
        &self,
        request: IdListRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<IdListItem>, Error>> + Send + use<> {
        list_pages(self.client, request, options)
    }

    /// `POST /v3/backlinks/errors`: one page of your failed tasks of the last 7 days.
    pub async fn errors(&self, request: &ErrorsRequest) -> Result<Reply<ErrorsItem>, Error> {
        self.client.execute(request).await
    }

    /// Every page of `errors`.
    pub fn errors_stream(
        &self,
        request: ErrorsRequest,
        options: PageOptions,
    ) -> impl Stream<Item = Result<Page<ErrorsItem>, Error>> + Send + use<> {
        list_pages(self.client, request, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(targets: impl IntoIterator<Item = String>) -> Vec<String> {
        targets.into_iter().collect()
    }

    #[test]
    fn targets_split_into_chunks_of_at_most_1000() {
        let targets = strings((0..2500).map(|n| format!("site{n}.com")));
        let batches = split_targets(&targets, 1000, None);
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [1000, 1000, 500]);
        assert_eq!(batches.concat(), targets);
    }

    #[test]
    fn duplicate_targets_are_sent_once() {
        let targets = strings(["a.com", "b.com", "a.com"].map(String::from));
        assert_eq!(
            split_targets(&targets, 1000, None),
            [strings(["a.com", "b.com"].map(String::from))]
        );
    }

    #[test]
    fn pages_of_one_host_stay_together_and_batches_hold_at_most_100_hosts() {
        let mut targets = Vec::new();
        for host in 0..250 {
            for page in 0..3 {
                targets.push(format!("https://www.site{host}.com/p{page}"));
            }
        }
        let batches = split_targets(&targets, 1000, Some(100));
        assert_eq!(batches.len(), 3);
        for batch in &batches {
            let hosts: BTreeSet<String> = batch.iter().map(|target| target_host(target)).collect();
            assert!(hosts.len() <= 100, "{} hosts", hosts.len());
            assert!(batch.len() <= 1000);
        }
        let mut sent = batches.concat();
        sent.sort();
        let mut expected = targets.clone();
        expected.sort();
        assert_eq!(sent, expected);
    }

    #[test]
    fn a_host_with_more_than_1000_pages_fills_several_batches() {
        let targets = strings((0..1500).map(|n| format!("https://big.com/{n}")));
        let batches = split_targets(&targets, 1000, Some(100));
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [1000, 500]);
    }
}
