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
//! compact rows, and row lists by linked host, linked main domain, linked URL and source main
//! domain, so a query reads only its target's rows and sorts only the page it returns. Measured with
//! `cargo bench -p linkgap-mock --bench engine` (release) on a generated world of 1,234,780
//! backlinks (`GenConfig { size: 250_000, .. }`), on the shared 2-core development machine at a load
//! average of 5 to 8 (other builds running), so these wall times overstate an idle machine:
//!
//! - indexing 1,234,780 rows: 7.9 s;
//! - one call for the generator's target (the biggest profile of the world), median: `backlinks`
//!   1,000 rows 226 ms (with two filters and two sort rules 117 ms; `one_per_domain` 607 ms),
//!   `referring_domains` 1,000 rows 498 ms, `anchors` 119 ms, `summary` 220 ms, `competitors`
//!   149 ms, `timeseries_summary` (13 months) 167 ms, `domain_intersection` of three competitors
//!   excluding the target, 1,000 rows, 758 ms, `bulk_ranks` with 1,000 targets 2.4 ms.
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

pub use engine::{Engine, EngineConfig, Execution, TaskError};
pub use error::Error;
pub use faults::{FaultProfile, HttpFault, Latency, TaskFault, Trigger};
pub use server::{Backend, DataSource, MockConfig, MockServer, RunningServer};
