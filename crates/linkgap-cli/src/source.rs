//! Where the data comes from: the DataForSEO API (production, sandbox or any base URL, through
//! the response cache) or a local world directory, behind one synchronous interface.
//!
//! Both answer with the same semantics: live links, subdomains of a site included, links from the
//! site itself excluded. The API source owns its tokio runtime; callers stay synchronous and run
//! the analysis (rayon) outside it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use chrono::NaiveDate;
use futures::stream::{self, StreamExt, TryStreamExt};
use hashbrown::{HashMap, HashSet};
use linkgap_analysis::{BulkRow, Coverage, Profile, ReferringDomain, Rows, registrable_domain};
use linkgap_dataforseo::{
    BacklinksRequest, Budget, BulkBacklinksRequest, BulkNewLostBacklinksRequest,
    BulkNewLostReferringDomainsRequest, BulkRanksRequest, BulkReferringDomainsRequest, BulkReply,
    BulkSpamScoreRequest, CacheMode, Client, CompetitorsRequest, Credentials, Ledger, PageOptions,
    ReferringDomainsRequest,
};
use linkgap_world::{BACKLINKS_FILE, Compression, World};

use crate::convert::{self, BulkAnswers, ScanError};
use crate::progress::Progress;

/// How to reach the data, from the command line and the configuration.
#[derive(Clone, Debug, Default)]
pub(crate) struct SourceConfig {
    /// A local world directory: no HTTP at all.
    pub(crate) world: Option<PathBuf>,
    /// A base URL other than production.
    pub(crate) api_base: Option<String>,
    /// Use the sandbox.
    pub(crate) sandbox: bool,
    /// API credentials (`None` fails an API source with a message naming the variables).
    pub(crate) credentials: Option<Credentials>,
    /// The response cache file; `None` runs without a cache.
    pub(crate) cache: Option<PathBuf>,
    /// Which cached responses may answer a request (`monitor` reads only its own run's).
    pub(crate) cache_mode: CacheMode,
    /// Hard spending limit in USD.
    pub(crate) max_cost: Option<f64>,
    /// Requests in flight at once.
    pub(crate) concurrency: usize,
    /// Rows fetched at most per site and endpoint.
    pub(crate) max_rows: u64,
}

/// A competitor suggestion.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Competitor {
    /// The competing domain.
    pub(crate) domain: String,
    /// Its rank (0-1000), when known.
    pub(crate) rank: Option<u64>,
    /// Referring domains it shares with the target.
    pub(crate) intersections: u64,
}

/// A data source.
pub(crate) enum Source {
    /// The API through the HTTP client.
    Api(ApiSource),
    /// A local world directory.
    World(WorldSource),
}

/// The API source: a client (with cache and budget) and the runtime it runs on.
pub(crate) struct ApiSource {
    runtime: tokio::runtime::Runtime,
    client: Client,
    max_rows: u64,
    concurrency: usize,
}

/// The local world source; the world is loaded on first use.
pub(crate) struct WorldSource {
    dir: PathBuf,
    world: Option<World>,
}

/// The response cache file for a database path: next to `--db`, else in the user's cache
/// directory. `None` when no home directory is known.
pub(crate) fn cache_path(db: Option<&Path>) -> Option<PathBuf> {
    if let Some(db) = db {
        let stem = db.file_stem().map_or_else(|| "linkgap".into(), |stem| stem.to_string_lossy());
        return Some(db.with_file_name(format!("{stem}-cache.sqlite")));
    }
    directories::ProjectDirs::from("", "", "linkgap")
        .map(|dirs| dirs.cache_dir().join("responses.sqlite"))
}

impl Source {
    /// Opens the source the configuration names (nothing is sent yet).
    pub(crate) fn open(config: &SourceConfig) -> anyhow::Result<Source> {
        if let Some(dir) = &config.world {
            return Ok(Source::World(WorldSource { dir: dir.clone(), world: None }));
        }
        Ok(Source::Api(ApiSource::open(config)?))
    }

    /// Where the data comes from, for the report.
    pub(crate) fn label(&self) -> String {
        match self {
            Source::Api(api) => format!("DataForSEO Backlinks API ({})", api.client.base_url()),
            Source::World(world) => format!("local world `{}`", world.dir.display()),
        }
    }

    /// What the run has spent so far (`None` for a world).
    pub(crate) fn ledger(&self) -> Option<Ledger> {
        match self {
            Source::Api(api) => Some(api.client.ledger()),
            Source::World(_) => None,
        }
    }

    /// Domain-level profiles (`referring_domains`) of `sites`, in order.
    pub(crate) fn referring_domains(
        &mut self,
        sites: &[String],
        progress: &Progress,
    ) -> anyhow::Result<Vec<Profile>> {
        match self {
            Source::Api(api) => api.referring_domains(sites, progress),
            Source::World(world) => world.referring_domains(sites, progress),
        }
    }

    /// Link-level profiles (`backlinks`) of `sites`, in order.
    pub(crate) fn backlinks(
        &mut self,
        sites: &[String],
        progress: &Progress,
    ) -> anyhow::Result<Vec<Profile>> {
        match self {
            Source::Api(api) => api.backlinks(sites, progress),
            Source::World(world) => world.backlinks(sites, progress),
        }
    }

    /// Bulk metrics of `targets` (new and lost counted since `since`), in order.
    pub(crate) fn bulk(
        &mut self,
        targets: &[String],
        since: NaiveDate,
        progress: &Progress,
    ) -> anyhow::Result<Vec<BulkRow>> {
        match self {
            Source::Api(api) => api.bulk(targets, since, progress),
            Source::World(world) => world.bulk(targets, since),
        }
    }

    /// The day the data was crawled up to: a local world's latest first- or last-seen date
    /// (`None` for the API, whose data is as of today, or an undated world).
    pub(crate) fn data_day(&mut self) -> anyhow::Result<Option<NaiveDate>> {
        match self {
            Source::Api(_) => Ok(None),
            Source::World(world) => {
                let world = world.world()?;
                Ok(world
                    .backlinks
                    .iter()
                    .flat_map(|row| {
                        [
                            convert::world_backlink_first_seen(row),
                            convert::world_backlink_last_seen(row),
                        ]
                    })
                    .flatten()
                    .max())
            }
        }
    }

    /// Competitor suggestions for `target`, most shared referring domains first.
    pub(crate) fn competitors(
        &mut self,
        target: &str,
        limit: u64,
    ) -> anyhow::Result<Vec<Competitor>> {
        match self {
            Source::Api(api) => api.competitors(target, limit),
            Source::World(world) => world.competitors(target, limit),
        }
    }
}

impl ApiSource {
    fn open(config: &SourceConfig) -> anyhow::Result<ApiSource> {
        let Some(credentials) = config.credentials.clone() else {
            anyhow::bail!(crate::config::missing_credentials_message(None));
        };
        let mut builder = Client::builder()
            .with_credentials(credentials)
            .max_in_flight(config.concurrency.clamp(1, linkgap_dataforseo::MAX_IN_FLIGHT));
        if let Some(base) = &config.api_base {
            builder = builder.base_url(base.clone());
        } else if config.sandbox {
            builder = builder.sandbox();
        }
        if let Some(path) = &config.cache {
            if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("failed to create the cache directory `{}`", parent.display())
                })?;
            }
            let cache = linkgap_store::Cache::open(path).with_context(|| {
                format!("failed to open the response cache `{}`", path.display())
            })?;
            builder = builder.cache(Arc::new(cache)).cache_mode(config.cache_mode);
        }
        if let Some(max_cost) = config.max_cost {
            builder = builder.budget(Budget::new(max_cost));
        }
        let client = builder.build().context("failed to set up the API client")?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("failed to start the async runtime")?;
        Ok(ApiSource {
            runtime,
            client,
            max_rows: config.max_rows.max(1),
            concurrency: config.concurrency.max(1),
        })
    }

    fn page_options(&self) -> PageOptions {
        PageOptions::new().page_size(self.max_rows.min(1000)).max_items(self.max_rows)
    }

    fn referring_domains(
        &self,
        sites: &[String],
        progress: &Progress,
    ) -> anyhow::Result<Vec<Profile>> {
        let bar = progress.stage("referring domains", sites.len() as u64);
        let fetch = |site: String| {
            let request = ReferringDomainsRequest::new(site.clone());
            let pages = linkgap_dataforseo::pages(&self.client, request, self.page_options());
            let bar = bar.clone();
            async move {
                let mut items = Vec::new();
                let mut total = None;
                let mut pages = std::pin::pin!(pages);
                while let Some(page) = pages
                    .try_next()
                    .await
                    .with_context(|| format!("failed to fetch the referring domains of `{site}`"))?
                {
                    total = page.total_count.or(total);
                    items.extend(page.items);
                }
                bar.inc(1);
                let fetched = items.len() as u64;
                let coverage = convert::coverage(fetched, total, fetched >= self.max_rows, false);
                anyhow::Ok(convert::referring_domains_profile(&site, &items, coverage))
            }
        };
        let profiles = self.runtime.block_on(
            stream::iter(sites.iter().cloned()).map(fetch).buffered(self.concurrency).try_collect(),
        );
        bar.finish();
        profiles
    }

    fn backlinks(&self, sites: &[String], progress: &Progress) -> anyhow::Result<Vec<Profile>> {
        let bar = progress.stage("backlinks", sites.len() as u64);
        let fetch = |site: String| {
            let request = BacklinksRequest::new(site.clone());
            let pages = linkgap_dataforseo::pages(&self.client, request, self.page_options());
            let bar = bar.clone();
            async move {
                let mut items = Vec::new();
                let mut total = None;
                let mut pages = std::pin::pin!(pages);
                while let Some(page) = pages
                    .try_next()
                    .await
                    .with_context(|| format!("failed to fetch the backlinks of `{site}`"))?
                {
                    total = page.total_count.or(total);
                    items.extend(page.items);
                }
                bar.inc(1);
                let fetched = items.len() as u64;
                let coverage = convert::coverage(fetched, total, fetched >= self.max_rows, true);
                anyhow::Ok(convert::backlinks_profile(&site, &items, coverage))
            }
        };
        let profiles = self.runtime.block_on(
            stream::iter(sites.iter().cloned()).map(fetch).buffered(self.concurrency).try_collect(),
        );
        bar.finish();
        profiles
    }

    fn bulk(
        &self,
        targets: &[String],
        since: NaiveDate,
        progress: &Progress,
    ) -> anyhow::Result<Vec<BulkRow>> {
        let bar = progress.stage("bulk metrics", 6);
        let backlinks = self.client.backlinks();
        let answers = self.runtime.block_on(async {
            let ranks_request = BulkRanksRequest::new(targets.iter().cloned());
            let counts_request = BulkBacklinksRequest::new(targets.iter().cloned());
            let spam_request = BulkSpamScoreRequest::new(targets.iter().cloned());
            let referring_request = BulkReferringDomainsRequest::new(targets.iter().cloned());
            let ranks = backlinks.bulk_ranks_all(&ranks_request);
            let counts = backlinks.bulk_backlinks_all(&counts_request);
            let spam = backlinks.bulk_spam_score_all(&spam_request);
            let referring = backlinks.bulk_referring_domains_all(&referring_request);
            let mut new_lost_request = BulkNewLostBacklinksRequest::new(targets.iter().cloned());
            new_lost_request.date_from = Some(since);
            let new_lost = backlinks.bulk_new_lost_backlinks_all(&new_lost_request);
            let mut new_lost_domains_request =
                BulkNewLostReferringDomainsRequest::new(targets.iter().cloned());
            new_lost_domains_request.date_from = Some(since);
            let new_lost_domains =
                backlinks.bulk_new_lost_referring_domains_all(&new_lost_domains_request);
            let (ranks, counts, spam, referring, new_lost, new_lost_domains) =
                tokio::join!(ranks, counts, spam, referring, new_lost, new_lost_domains);
            anyhow::Ok(BulkAnswers {
                ranks: bulk_step(&bar, ranks, "ranks")?,
                backlinks: bulk_step(&bar, counts, "backlink counts")?,
                spam_scores: bulk_step(&bar, spam, "spam scores")?,
                referring_domains: bulk_step(&bar, referring, "referring domain counts")?,
                new_lost_backlinks: bulk_step(&bar, new_lost, "new and lost backlinks")?,
                new_lost_referring_domains: bulk_step(
                    &bar,
                    new_lost_domains,
                    "new and lost referring domains",
                )?,
            })
        })?;
        bar.finish();
        Ok(convert::bulk_rows(targets, &answers))
    }

    fn competitors(&self, target: &str, limit: u64) -> anyhow::Result<Vec<Competitor>> {
        let mut request = CompetitorsRequest::new(target);
        request.limit = Some(limit);
        let reply = self
            .runtime
            .block_on(self.client.backlinks().competitors(&request))
            .with_context(|| format!("failed to fetch the competitors of `{target}`"))?;
        Ok(reply
            .results
            .iter()
            .flat_map(|result| result.items.as_deref().unwrap_or_default())
            .filter_map(|item| {
                Some(Competitor {
                    domain: item.target.clone()?,
                    rank: item.rank,
                    intersections: item.intersections.unwrap_or(0),
                })
            })
            .collect())
    }
}

/// Counts one finished bulk endpoint and names it in its error.
fn bulk_step<T>(
    bar: &indicatif::ProgressBar,
    result: Result<BulkReply<T>, linkgap_dataforseo::Error>,
    what: &str,
) -> anyhow::Result<std::collections::BTreeMap<String, T>> {
    bar.inc(1);
    Ok(result.with_context(|| format!("failed to fetch the bulk {what}"))?.items)
}

/// The one backlinks file of a world (plain, `.gz` or `.zst`) and its compression.
fn find_backlinks_file(dir: &Path) -> anyhow::Result<(PathBuf, Compression)> {
    let found: Vec<(PathBuf, Compression)> = Compression::ALL
        .iter()
        .map(|&compression| (dir.join(compression.file_name(BACKLINKS_FILE)), compression))
        .filter(|(path, _)| path.is_file())
        .collect();
    let [(path, compression)] = found.as_slice() else {
        if found.is_empty() {
            anyhow::bail!("no `{BACKLINKS_FILE}` (plain, `.gz` or `.zst`) in `{}`", dir.display());
        }
        anyhow::bail!("more than one `{BACKLINKS_FILE}` file in `{}`", dir.display());
    };
    Ok((path.clone(), *compression))
}

/// The live referring domains of each of `sites` in a world directory's backlinks file, streamed
/// (decompressed on the fly) rather than read whole.
fn scan_world_referring_domains(
    dir: &Path,
    sites: &[String],
) -> anyhow::Result<Vec<Vec<ReferringDomain>>> {
    let (path, compression) = find_backlinks_file(dir)?;
    let read_error = || format!("failed to read `{}`", path.display());
    let file = File::open(&path).with_context(read_error)?;
    let scanned = match compression {
        Compression::None => convert::referring_domains_from_reader(file, sites),
        Compression::Gzip => {
            convert::referring_domains_from_reader(flate2::read::GzDecoder::new(file), sites)
        }
        Compression::Zstd => convert::referring_domains_from_reader(
            zstd::Decoder::new(file).with_context(read_error)?,
            sites,
        ),
    };
    scanned.map_err(|error| match error {
        ScanError::Read(error) => anyhow::Error::new(error).context(read_error()),
        ScanError::Line(error) => {
            anyhow::anyhow!("`{}` line {}: {}", path.display(), error.line, error.problem)
        }
    })
}

impl WorldSource {
    fn world(&mut self) -> anyhow::Result<&World> {
        if self.world.is_none() {
            let world = World::load(&self.dir)
                .with_context(|| format!("failed to load the world in `{}`", self.dir.display()))?;
            self.world = Some(world);
        }
        Ok(self.world.as_ref().expect("the world was loaded above"))
    }

    fn referring_domains(
        &mut self,
        sites: &[String],
        progress: &Progress,
    ) -> anyhow::Result<Vec<Profile>> {
        let bar = progress.stage("reading the world", 1);
        let rows = scan_world_referring_domains(&self.dir, sites)?;
        bar.finish();
        Ok(sites
            .iter()
            .zip(rows)
            .map(|(site, rows)| Profile {
                site: site.clone(),
                coverage: Coverage::Complete,
                rows: Rows::ReferringDomains(rows),
            })
            .collect())
    }

    fn backlinks(&mut self, sites: &[String], progress: &Progress) -> anyhow::Result<Vec<Profile>> {
        let bar = progress.stage("reading the world", 1);
        let world = self.world()?;
        let profiles = sites
            .iter()
            .map(|site| Profile {
                site: site.clone(),
                coverage: Coverage::Complete,
                rows: Rows::Backlinks(
                    world
                        .backlinks
                        .iter()
                        .filter(|row| {
                            convert::in_live_profile(
                                &row.domain_from,
                                &row.domain_to,
                                row.is_lost,
                                site,
                            )
                        })
                        .map(convert::world_backlink)
                        .collect(),
                ),
            })
            .collect();
        bar.finish();
        Ok(profiles)
    }

    fn bulk(&mut self, targets: &[String], since: NaiveDate) -> anyhow::Result<Vec<BulkRow>> {
        let world = self.world()?;
        let table = world.domain_table();
        let mut rows = Vec::with_capacity(targets.len());
        for target in targets {
            let site = target.as_str();
            let mut hosts: HashSet<&str> = HashSet::new();
            let mut main_domains: HashSet<String> = HashSet::new();
            let (mut backlinks, mut new_backlinks, mut lost_backlinks) = (0u64, 0u64, 0u64);
            let mut first_seen_by_host: HashMap<&str, Option<NaiveDate>> = HashMap::new();
            // Per host with a lost link: the day its latest lost link was found gone.
            let mut lost_on_by_host: HashMap<&str, Option<NaiveDate>> = HashMap::new();
            for row in &world.backlinks {
                if !convert::host_within(&row.domain_to, site)
                    || convert::host_within(&row.domain_from, site)
                {
                    continue;
                }
                let first_seen = convert::world_backlink_first_seen(row);
                if row.is_lost {
                    let lost_on = convert::world_backlink_last_seen(row);
                    if lost_on.is_some_and(|day| day >= since) {
                        lost_backlinks += 1;
                    }
                    let latest = lost_on_by_host.entry(&row.domain_from).or_insert(lost_on);
                    *latest = (*latest).max(lost_on);
                    continue;
                }
                backlinks += 1;
                if first_seen.is_some_and(|day| day >= since) {
                    new_backlinks += 1;
                }
                if hosts.insert(&row.domain_from)
                    && let Some(main) = registrable_domain(&row.domain_from)
                {
                    main_domains.insert(main);
                }
                let earliest = first_seen_by_host.entry(&row.domain_from).or_insert(first_seen);
                *earliest = match (*earliest, first_seen) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            let new_referring_domains = first_seen_by_host
                .values()
                .filter(|first_seen| first_seen.is_some_and(|day| day >= since))
                .count() as u64;
            // A referring domain is lost when its last link is: no live link is left, and the
            // latest of its lost links went since `since`.
            let lost_referring_domains = lost_on_by_host
                .iter()
                .filter(|(host, lost_on)| {
                    !hosts.contains(*host) && lost_on.is_some_and(|day| day >= since)
                })
                .count() as u64;
            let record = table.get(site);
            rows.push(BulkRow {
                target: target.clone(),
                rank: record.and_then(|record| record.rank),
                referring_domains: Some(hosts.len() as u64),
                referring_main_domains: Some(main_domains.len() as u64),
                backlinks: Some(backlinks),
                spam_score: record
                    .and_then(|record| record.spam_score)
                    .map(|score| score.min(100) as u8),
                new_backlinks: Some(new_backlinks),
                lost_backlinks: Some(lost_backlinks),
                new_referring_domains: Some(new_referring_domains),
                lost_referring_domains: Some(lost_referring_domains),
            });
        }
        Ok(rows)
    }

    fn competitors(&mut self, target: &str, limit: u64) -> anyhow::Result<Vec<Competitor>> {
        let world = self.world()?;
        let target_main = registrable_domain(target).unwrap_or_else(|| target.to_owned());
        let referrers: HashSet<&str> = world
            .backlinks
            .iter()
            .filter(|row| {
                convert::in_live_profile(&row.domain_from, &row.domain_to, row.is_lost, target)
            })
            .map(|row| row.domain_from.as_str())
            .collect();
        // Per competing main domain: the target's referring hosts that also link to it.
        let mut shared: HashMap<String, HashSet<&str>> = HashMap::new();
        for row in &world.backlinks {
            if row.is_lost || !referrers.contains(row.domain_from.as_str()) {
                continue;
            }
            let Some(main) = registrable_domain(&row.domain_to) else { continue };
            if main == target_main || convert::host_within(&row.domain_from, &main) {
                continue;
            }
            shared.entry(main).or_default().insert(&row.domain_from);
        }
        let table = world.domain_table();
        let mut competitors: Vec<Competitor> = shared
            .into_iter()
            .map(|(domain, hosts)| Competitor {
                rank: table.get(&domain).and_then(|record| record.rank).map(u64::from),
                intersections: hosts.len() as u64,
                domain,
            })
            .collect();
        competitors.sort_by(|a, b| {
            b.intersections.cmp(&a.intersections).then_with(|| a.domain.cmp(&b.domain))
        });
        competitors.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(competitors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(from: &str, to: &str, is_lost: bool, last_seen: &str) -> String {
        format!(
            r#"{{"domain_from":"{from}","url_from":"https://{from}/p","domain_to":"{to}","url_to":"https://{to}/","is_lost":{is_lost},"first_seen":"2024-01-01 00:00:00 +00:00","last_seen":"{last_seen} 00:00:00 +00:00"}}"#
        )
    }

    #[test]
    fn bulk_on_a_world_counts_lost_referring_domains_since_the_date() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            // Gone since the date, no live link left: lost.
            row("gone.org", "me.com", true, "2024-06-10"),
            row("gone.org", "me.com", true, "2024-05-01"),
            // One link lost, another still live: not a lost referring domain.
            row("kept.org", "me.com", true, "2024-06-10"),
            row("kept.org", "me.com", false, "2024-06-20"),
            // Lost before the date: not counted.
            row("old.org", "me.com", true, "2024-05-01"),
            // Lost since the date, but linking to another site.
            row("elsewhere.org", "rival.com", true, "2024-06-10"),
        ];
        std::fs::write(dir.path().join(BACKLINKS_FILE), lines.join("\n") + "\n").unwrap();
        let mut source = WorldSource { dir: dir.path().to_owned(), world: None };
        let since = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        let rows = source.bulk(&["me.com".to_owned()], since).unwrap();
        assert_eq!(rows[0].lost_referring_domains, Some(1));
        assert_eq!(rows[0].lost_backlinks, Some(2));
        assert_eq!(rows[0].referring_domains, Some(1));
    }

    #[test]
    fn compressed_worlds_stream_to_the_same_referring_domains() {
        let sites = vec!["me.com".to_owned()];
        let text = [
            row("a.org", "me.com", false, "2024-06-10"),
            row("b.org", "blog.me.com", false, "2024-06-10"),
            row("c.org", "me.com", true, "2024-06-10"),
        ]
        .join("\n");
        let mut results = Vec::new();
        for compression in Compression::ALL {
            let dir = tempfile::tempdir().unwrap();
            let bytes = match compression {
                Compression::None => text.clone().into_bytes(),
                Compression::Gzip => {
                    let mut encoder =
                        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                    std::io::Write::write_all(&mut encoder, text.as_bytes()).unwrap();
                    encoder.finish().unwrap()
                }
                Compression::Zstd => zstd::encode_all(text.as_bytes(), 0).unwrap(),
            };
            std::fs::write(dir.path().join(compression.file_name(BACKLINKS_FILE)), bytes).unwrap();
            let rows = scan_world_referring_domains(dir.path(), &sites).unwrap();
            let hosts: Vec<String> = rows[0].iter().map(|row| row.domain.clone()).collect();
            results.push(hosts);
        }
        assert_eq!(results[0], ["a.org", "b.org"]);
        assert!(results.iter().all(|hosts| *hosts == results[0]), "{results:?}");
    }

    #[test]
    fn a_bad_line_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("{}\n{{broken\n", row("a.org", "me.com", false, "2024-06-10"));
        std::fs::write(dir.path().join(BACKLINKS_FILE), text).unwrap();
        let error = scan_world_referring_domains(dir.path(), &["me.com".to_owned()]).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("backlinks.jsonl` line 2:"), "{message}");
    }
}
