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
//! selection of the page). Every other call takes the general path: the target's rows, filtered,
//! with partial selection (`select_nth_unstable`) of `offset + limit` before the page is sorted; a
//! unit test checks that both paths answer the same. The build runs what needs no shared interner in
//! parallel (rayon): time parsing, posting lists, sorts, the key order and the views.
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
//! in the default scope without `backlinks_filters` reads them instead of scanning the profile. The
//! other endpoints still build a `Value`, which is then written once to text.
//!
//! Measured with `cargo bench -p linkgap-mock --bench engine -- --sample-size 10 --warm-up-time 1
//! --measurement-time 3` (release) on a generated world of 1,234,780 backlinks (`GenConfig { size:
//! 250_000, .. }`), calls for the generator's target (the biggest profile), medians, on the shared
//! 2-core development machine with other builds running. "Before" is the state with the default views
//! but `Value` rows: the first six rows re-measured at load average 5.1, the others (marked *) as
//! measured by the previous change at load 5 to 7. "Rows" is the change that wrote `backlinks`,
//! `referring_domains`, `anchors` and `domain_pages_summary` items as text (one run at load average
//! 6.4 to 6.7). "Now" adds `domain_pages` and `domain_intersection` items written as text, stack
//! timestamps and the precomputed summary: one full run at load average 5.3 to 5.6 (a partial run
//! before item fields were sorted on the stack gave 8.1 ms for `domain_pages` at load 5.3, and one
//! before timestamps were, 27 ms at load 6.5; rows whose code did not change moved
//! by load alone, e.g. `backlinks` 4.8 to 6.3 ms), except the two `domain_intersection` rows (**),
//! measured after excluded views became a mask bit instead of a hash set, at load 5.4 falling to 4.5
//! (the full run before that change gave 45 ms and 12 ms).
//!
//! | call (1,000 rows unless noted) | before | rows | now |
//! |---|---|---|---|
//! | indexing 1,234,780 rows | 10.8 s | 6.6 s to 11.6 s | 11.3 s to 11.9 s |
//! | `backlinks` | 158 ms | 4.8 ms | 6.3 ms |
//! | `backlinks`, 10 rows | 0.24 ms | 0.034 ms | 0.026 ms |
//! | `summary` | 174 ms | 129 ms | 0.015 ms |
//! | `competitors` | 149 ms | 95 ms | 106 ms |
//! | `timeseries_summary` (13 rows) | 164 ms | 154 ms | 161 ms |
//! | `backlinks`, `one_per_domain` | 178 ms * | 6.5 ms | 7.9 ms |
//! | `backlinks`, offset 5,000 | 188 ms * | 3.7 ms | 6.5 ms |
//! | `backlinks`, two filters, two sort rules (general path, 0 rows match) | 112 ms * | 49 ms | 63 ms |
//! | `referring_domains` | 144 ms * | 5.9 ms | 9.0 ms |
//! | `referring_domains` by `backlinks,desc` (general path) | 474 ms * | 239 ms | 307 ms |
//! | `anchors` (74 rows) | 10 ms * | 0.42 ms | 0.47 ms |
//! | `domain_pages` (870 rows) | 208 ms * | 125 ms | 6.9 ms |
//! | `domain_pages_summary` (870 rows) | 98 ms * | 9.1 ms | 8.7 ms |
//! | `domain_intersection`, 3 competitors minus the target | 296 ms * | 250 ms | 26 ms ** |
//! | `referring_domains`, 10 rows | 0.63 ms * | 0.060 ms | 0.053 ms |
//! | `domain_pages`, 10 rows | 2.0 ms * | 0.87 ms | 0.066 ms |
//! | `domain_intersection`, 10 rows | 23 ms * | 15 ms | 10 ms ** |
//! | `bulk_ranks`, 1,000 targets | 3.0 ms * | 3.1 ms | 3.0 ms |
//!
//! A 1,000-row page of the view-backed list endpoints takes a few milliseconds, and `summary` of a
//! domain with a view microseconds. Still slow: `domain_intersection` (about 10 ms to find and
//! order the referring hosts of all targets before any item is written, mostly random reads of a
//! mask and a text rank per host, then about 16 µs per item for up to three aggregates each,
//! computed per call), `competitors` and the time series (about
//! 100 to 160 ms: they scan and aggregate the target's rows per call), and the general path
//! (filters, other orders, subdomain and page targets), which sorts and aggregates per call.
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
