//! A loopback `DataForSEO` Backlinks API server over a local backlink world.
//!
//! The real API costs money per call and cannot be reached from CI, so linkgap talks to this
//! server instead in the demo, the end-to-end tests, the fault-injection tests and the benchmarks.
//! It speaks the wire protocol of the reference (`shared/dataforseo-backlinks-api.md`): the same
//! paths, HTTP Basic auth, JSON task arrays, the envelope of §2 with `"0.0123 sec."` times, `path`
//! and the `data` echo (with your `tag`), costs by the §9 formula, and the status codes of §3.
//!
//! Start from [`MockServer::start`] with a [`MockConfig`]; add misbehaviour with a
//! [`FaultProfile`].
//!
//! # The world
//!
//! A world is a directory with `backlinks.jsonl` (one `backlinks/live` item per line) and an
//! optional `domains.jsonl`, plain, `.gz` or `.zst`. The format, its defaults and the loader are
//! documented in the `linkgap-world` crate ([`linkgap_world::World`]).
//!
//! # What the server does
//!
//! - Every path of the catalogue (reference §6) plus `GET /v3/appendix/user_data`. Data
//!   endpoints take `POST` with a JSON array body; `index`, `available_filters` and `user_data`
//!   take `GET`. Unknown paths answer HTTP 404 (body code 40400), and so do the `.ai` variants
//!   (§1.1: linkgap never sends them). The wrong method answers HTTP 405 (body code 40402).
//! - Request-level errors, in this order: HTTP 401 / 40100 for missing or wrong Basic
//!   credentials (`demo`/`demo` unless configured); HTTP 403 / 40104 when the account is not
//!   [`verified`](MockConfig::verified) (`user_data` still works); 40202 (HTTP 200) above
//!   [`max_in_flight`](FaultProfile::max_in_flight) requests in flight or above
//!   [`per_minute`](FaultProfile::per_minute) accepted calls in a sliding minute; HTTP 402 /
//!   40200 when the balance is below one request ($0.02; free endpoints still work); 40502 for an
//!   empty body or empty array; 40503 for a body that is not a JSON array of objects.
//! - Only the first task runs; every further task of the array fails with 40000 and costs
//!   nothing (`tasks_error` counts them).
//! - A successful live task costs `0.02 + 0.00003 × billed items`; `index`,
//!   `available_filters`, `id_list`, `errors` and `user_data` cost 0, and so does every failed
//!   task. The envelope's `cost` is the sum, and the balance goes down by it.
//! - `id_list` and `errors` are answered from the server's task log (every task of a
//!   `/v3/backlinks/` call except `id_list` and `errors` themselves); `errors` keeps the failed
//!   ones of the last seven days and names functions by their path (`"summary/live"`).
//! - Bodies are gzip-compressed when the request sends `Accept-Encoding: gzip` (§1), as the
//!   official clients and reqwest do.
//! - `user_data` reports the login, `timezone`, `rates.limits.minute`, `money` (`total`,
//!   `balance`), the price table `price.backlinks.<function>.live.priority_normal[]` and
//!   `backlinks_subscription_expiry_date` (a month after [`today`](MockConfig::today)).
//!
//! # Fault profile
//!
//! A JSON object; every field is optional (an example ships as `faults.example.json`):
//!
//! ```json
//! {
//!   "seed": 42,
//!   "per_minute": 2000,
//!   "max_in_flight": 30,
//!   "http_errors": [{ "status": 500, "probability": 0.02 }, { "status": 503, "on_requests": [5] }],
//!   "throttle": { "probability": 0.01 },
//!   "task_errors": [{ "code": 50401, "on_requests": [9] }, { "code": 40103, "probability": 0.01 }],
//!   "latency": { "min_ms": 5, "max_ms": 80 },
//!   "truncate": { "on_requests": [13] },
//!   "reset": { "probability": 0.005 }
//! }
//! ```
//!
//! - A trigger fires with its `probability` (per request) or on the listed 1-based request
//!   numbers (`on_requests`); requests are numbered in arrival order over every known path.
//! - `http_errors`: the whole answer is replaced by the status (429, 500, 502, 503 or 504); 500
//!   and 429 carry a JSON envelope (50000, 40202), gateway errors an HTML page.
//! - `throttle`: request-level 40202 with HTTP 200, as the real per-minute limit answers.
//! - `task_errors`: the first task fails with the code (40103, 50000, 50001, 50301, 50302, 50303,
//!   50304 or 50401) and the real message; it costs nothing.
//! - `latency`: `{"fixed_ms": N}` or `{"min_ms": A, "max_ms": B}` (uniform), waited while the
//!   request counts as in flight.
//! - `truncate`: only the first half of the body is sent, with a matching `Content-Length`, so
//!   the transfer succeeds but the JSON does not parse.
//! - `reset`: the first half of the body is sent (chunked), then the connection is dropped.
//!
//! Every random draw comes from a `ChaCha` stream keyed by `seed` and the request number, so the
//! same seed injects the same faults on the same request numbers, whatever the timing.
//!
//! # Performance
//!
//! The query engine ([`Engine`]) indexes the world once, in [`Engine::new`]: interned strings,
//! compact rows, row lists by linked host, linked main domain, linked URL, source main domain and
//! source URL, and for every linked main domain with at least 32 rows a *default view*: its live
//! external rows pre-sorted by `rank`, pre-grouped by referring host, by anchor and by linked page,
//! each grouping pre-ordered by its endpoint's default sort (ties by key text, as the general path
//! orders them), with the anchor and page aggregates computed. A call for such a domain in the
//! default scope (live, subdomains, no internal links) with no filters and the default order reads
//! only the rows of its page: `backlinks` (also `one_per_domain` and `one_per_anchor`),
//! `referring_domains`, `anchors`, `domain_pages`, `domain_pages_summary`, and `domain_intersection`
//! of such domains (a bit per target on each referring host, excluded hosts from the views, partial
//! selection of the page).
//!
//! A view also holds, for the time endpoints, its domain's *timeline* (views of at least 512
//! external rows): for each counted entity (rows, nofollow rows, referring pages, hosts, main
//! domains, IPs, subnets, broken rows and pages) the merged live intervals as two sorted lists,
//! starts and ends, so that the count live at an instant is two binary searches and the new and
//! lost counts of a period four. `timeseries_summary` and `timeseries_new_lost_summary` of such a
//! domain with subdomains read it, for any dates and `group_range`. With the timeline it holds what
//! `history` reports besides its counts: the six breakdown maps of the rows live at the first instant
//! of every month from 2019 (one sweep over the rows' start and end events at load, a snapshot kept
//! only for months whose rows changed, each map cut to the ten keys an item writes) and the rows' mean
//! spam score, so `history` of such a domain reads the timeline and these instead of its rows (the
//! months after 2100, if rows still change then, take the per-request path). And it holds its domain's
//! *competitors* (with `main_domain` and `exclude_internal_backlinks`, when counting them reads at
//! least 20,000 rows), by name and ranked, so that a default `competitors` call reads only its page;
//! filters and other orders filter and sort the prepared counts instead of scanning the referring
//! domains' links.
//!
//! With filters or another order, the grouped endpoints of a domain with a view (`anchors`,
//! `referring_domains`, `domain_pages_summary`, without `backlinks_filters`) filter and order the
//! view's groups, reading only the fields the filter and the order name (a group's count is its
//! length; other fields are computed alone from its rows, or read from its precomputed
//! aggregates), with partial selection of `offset + limit`, and aggregate in full only the page's
//! groups. `backlinks` with filters scans the view's rows (reading the dense row table, not the
//! world's items; `ilike` lower-cases short ASCII texts on the stack) and copies only the matching
//! ones. Every other call takes the general path: the target's rows, filtered, grouped and
//! aggregated, with partial selection (`select_nth_unstable`) of `offset + limit` before the page
//! is sorted. Unit tests check that every prepared answer equals the general path's, byte for
//! byte, on the hand-written, demo and generated worlds, for several targets, filters, orders and
//! options.
//!
//! The build runs what needs no shared interner in parallel (rayon): a first pass parses every
//! row's dates and hashes its URLs and anchor (the interner is sized from it, and the views take
//! the pages' visit dates from it instead of parsing them again), then posting lists, sorts, the key
//! order and the views, each view's parts (orders, groupings, aggregates, timeline, competitors)
//! in parallel too. What stays serial is interning, about half of the build (a profile of the
//! 1,234,780-row world: 2.5 s of a 5.5 s build, mostly hash-table probes that miss the cache).
//! Interning into one string buffer instead of a box per string was tried: the build was no
//! faster, and the later calls that allocate (aggregates per item) became 1.5 to 2 times slower,
//! the glibc heap keeping the loader's freed fragments that the boxes used to fill.
//!
//! A call's `result` is written straight to JSON text ([`Execution::result`] is a
//! `serde_json::value::RawValue` spliced into the envelope) for `backlinks`, `anchors`,
//! `referring_domains`, `referring_networks`, `domain_pages`, `domain_pages_summary`,
//! `domain_intersection` and `page_intersection` (whose items are still `Value`s): items are
//! serialised from borrowed rows and aggregates, keys in the alphabetical order a `serde_json::Map`
//! writes them (unit tests compare both texts byte for byte, and check that a written result reads
//! back to the same text). Building and dropping a `serde_json::Value` of about 45 fields per item
//! cost 0.1 to 0.15 ms: a profile (`perf record`) of a 1,000-row `backlinks` call showed glibc's
//! allocator (`malloc_consolidate`, `unlink_chunk`, `free`) and a deep copy of the items (the `json!`
//! macro serialises an embedded `Vec<Value>`) taking over 90% of the call. After the million-row load
//! the heap is fragmented and every small allocation is slow, so the writers also avoid them:
//! timestamps are formatted on the stack, and an item's fields and its breakdown maps (up to 16
//! entries) are sorted in stack arrays. The default view also holds, computed at load, the
//! aggregates of the domain's live external rows and its page counts, so `summary` of such a domain
//! in the default scope without `backlinks_filters` reads them instead of scanning the profile.
//! `competitors` items are written as text too; the other endpoints (the time series, `history`,
//! `summary`, the bulk endpoints) still build a `Value`, which is then written once to text.
//!
//! Measured with `cargo bench -p linkgap-mock --bench engine -- --sample-size 10 --warm-up-time 1
//! --measurement-time 3` (release) on a generated world of 1,234,780 backlinks (`GenConfig { size:
//! 250_000, .. }`), calls for the generator's target (the biggest profile), medians, on the shared
//! 2-core development machine with other builds and benchmarks running. "First views" is the state
//! with the default views but `Value` rows (first six rows at load average 5.1, the others, marked
//! *, at load 5 to 7); "previous" is the change before this one as it documented itself (load 5.3 to
//! 5.6; ** at load 5.4 falling to 4.5). The last two columns were measured in one session, the
//! previous change's bench binary and this one's run one after the other, each once in full, at
//! load average 3.0 (the machine's other work took about one of the two cores throughout). Rows
//! whose code did not change show the noise of such a machine: `backlinks` measured 2.5 to 6.0 ms
//! over four full runs of either binary. Indexing is timed once per run: eight runs of the
//! previous binary and nine of this one, alternated, at load 2.3 to 3.5 (medians 7.2 s and 6.5 s).
//! Rows without a previous figure are new bench cases. The `history` row was measured again in a
//! later session, after its prepared path (see above): 835 ms is the figure of the change that added
//! the case, 5.6 ms the median of this bench filtered to `history` at load average 1.4 to 3.1 (the
//! first call took 7.0 ms; indexing in that run took 5.0 s, within the range above).
//!
//! | call (1,000 rows unless noted) | first views | previous | previous, re-measured | now |
//! |---|---|---|---|---|
//! | indexing 1,234,780 rows | 10.8 s | 11.3 s to 11.9 s | 5.1 s to 8.5 s | 4.2 s to 8.4 s |
//! | `backlinks` | 158 ms | 6.3 ms | 2.5 ms | 5.4 ms |
//! | `backlinks`, 10 rows | 0.24 ms | 0.026 ms | 0.023 ms | 0.020 ms |
//! | `summary` | 174 ms | 0.015 ms | 0.012 ms | 0.011 ms |
//! | `competitors` | 149 ms | 106 ms | 92 ms | 0.39 ms |
//! | `competitors`, `intersections > 10` by `rank,desc` (5 rows) | | | | 0.33 ms |
//! | `timeseries_summary` (13 rows) | 164 ms | 161 ms | 146 ms | 0.16 ms |
//! | `timeseries_summary` by day (366 rows) | | | | 9.4 ms |
//! | `timeseries_new_lost_summary` (13 rows) | | | | 0.11 ms |
//! | `history` (87 rows) | | | 835 ms | 5.6 ms |
//! | `backlinks`, `one_per_domain` | 178 ms * | 7.9 ms | 6.3 ms | 6.8 ms |
//! | `backlinks`, offset 5,000 | 188 ms * | 6.5 ms | 5.9 ms | 5.6 ms |
//! | `backlinks`, two filters, two sort rules (0 rows match) | 112 ms * | 63 ms | 46 ms | 26 ms |
//! | `referring_domains` | 144 ms * | 9.0 ms | 8.4 ms | 7.4 ms |
//! | `referring_domains` by `backlinks,desc` | 474 ms * | 307 ms | 237 ms | 18 ms |
//! | `referring_domains`, `backlinks > 1` by `first_seen,asc` | | | | 23 ms |
//! | `anchors` (74 rows) | 10 ms * | 0.47 ms | 0.36 ms | 0.42 ms |
//! | `anchors` by `referring_domains,desc` (74 rows) | | | | 0.35 ms |
//! | `domain_pages` (870 rows) | 208 ms * | 6.9 ms | 5.4 ms | 5.4 ms |
//! | `domain_pages_summary` (870 rows) | 98 ms * | 8.7 ms | 6.0 ms | 6.7 ms |
//! | `domain_pages_summary` by `first_seen,asc` (870 rows) | | | | 5.3 ms |
//! | `domain_intersection`, 3 competitors minus the target | 296 ms * | 26 ms ** | 28 ms | 31 ms |
//! | `referring_domains`, 10 rows | 0.63 ms * | 0.053 ms | 0.047 ms | 0.040 ms |
//! | `domain_pages`, 10 rows | 2.0 ms * | 0.066 ms | 0.083 ms | 0.048 ms |
//! | `domain_intersection`, 10 rows | 23 ms * | 10 ms ** | 8.4 ms | 7.7 ms |
//! | `bulk_ranks`, 1,000 targets | 3.0 ms * | 3.0 ms | 2.6 ms | 2.4 ms |
//!
//! A 1,000-row page of the view-backed list endpoints takes a few milliseconds, also with filters
//! and other orders (up to about 25 ms), and `summary`, `competitors` and the monthly time series of
//! a domain with a view take well under a millisecond; `history` of such a domain about 5 to 6 ms
//! for the default 87 months. Still slow:
//! - `history` items are still `Value`s, about 60 µs per item (each writes about 85 fields and map
//!   keys): writing them as text is the next step. `history` without a view (small domains,
//!   subdomains) still recounts the breakdown maps over the rows live on each month's first day.
//! - `domain_intersection`: about 8 ms to find and order the referring hosts of all targets before
//!   any item is written, then about 20 µs per item for up to three aggregates each, computed per
//!   call (heap allocations: these calls vary most with the heap's state).
//! - Filters and other orders on a view: `backlinks` scans every live row of the view (26 ms for the
//!   target), and the grouped endpoints read the named fields of every group (about 20 ms for the
//!   target's referring domains), then aggregate the page's groups.
//! - The general path: subdomain and page targets, scopes other than the default (lost or all
//!   links, without subdomains, with internal links), `backlinks_filters`, `referring_networks`,
//!   `domain_pages` and `page_intersection` with filters or orders, `timeseries_*` without
//!   subdomains: the target's rows are filtered, grouped and aggregated per call.
//! - Time series items are still `Value`s: about 25 µs per item (9 ms for a year by day).
//! - Start-up as a whole: `linkgap mock-server --world DIR` on the 1,000,150-row world of `cargo
//!   xtask duckdb-compare` (940 MiB of JSONL) printed `listening` after 9.4 to 10.4 s (three runs,
//!   release build, quiet machine, 1.7 GB resident), reading and parsing the file (in parallel
//!   chunks) taking about two thirds of it and indexing the rest.
//! - Indexing: still 4 to 8 s for 1.2 million rows with other work on the machine. A profile shows
//!   about 2.5 s of serial interning (hash-table probes that miss the cache, one per string of each
//!   row) and about 3.3 s of CPU in the parallel parts (views with their aggregates, timelines and
//!   competitors, which this change added, sorts, posting lists), which on two shared cores do not
//!   halve. Interning in parallel (sharded tables, then ids renumbered in first-seen order so that
//!   every id stays the same) is the next step.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> Result<(), linkgap_mock::Error> {
//! use linkgap_mock::{FaultProfile, MockConfig, MockServer};
//!
//! let world = linkgap_world::World::default();
//! let mut config = MockConfig::new(world);
//! config.faults = FaultProfile::from_json(r#"{"seed": 1, "reset": {"probability": 0.1}}"#)?;
//! let server = MockServer::start(config).await?;
//! println!("point the client at {}", server.url());
//! server.shutdown().await?;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod account;
mod engine;
mod envelope;
mod error;
mod faults;
mod index;
mod query;
mod server;
mod views;

pub use engine::{Engine, EngineConfig, Execution, TaskError};
pub use error::Error;
pub use faults::{FaultProfile, HttpFault, Latency, TaskFault, Trigger};
pub use server::{Backend, DataSource, MockConfig, MockServer, RunningServer};
