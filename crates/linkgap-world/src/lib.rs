//! Backlink worlds: the JSONL world format, its loader and a deterministic generator.
//!
//! A *world* is a local backlink dataset that the loopback API server (`linkgap-mock`), the
//! demo, the tests and the benchmarks run on. Start from [`World`] ([`World::load`],
//! [`World::write`]), [`generate`] with a [`GenConfig`], and [`demo_world`].
//!
//! # The world format
//!
//! A world is a directory holding:
//!
//! - `backlinks.jsonl` (or `backlinks.jsonl.gz`, or `backlinks.jsonl.zst`; exactly one of them):
//!   one backlink per line, a JSON object in the `backlinks/live` item schema of the API
//!   (reference §7.3), described field by field on [`WorldBacklink`]. Only `domain_from`,
//!   `url_from`, `domain_to` and `url_to` are required (non-empty strings). Every other field
//!   may be missing or `null`, and then takes its default: `dofollow` true, `is_lost`, `is_new`,
//!   `is_broken`, `is_indirect_link` false, `original` true, `links_count` 1, `rank`,
//!   `domain_from_rank`, `page_from_rank`, `backlink_spam_score` 0, `item_type` `"anchor"`, and
//!   absent for the rest. Unknown keys are ignored. Timestamps (`first_seen`, `prev_seen`,
//!   `last_seen`) use the API form `"2024-03-26 02:46:50 +00:00"` ([`parse_timestamp`],
//!   [`format_timestamp`]).
//! - optionally `domains.jsonl` (also `.gz` / `.zst`): one host per line, [`WorldDomain`]
//!   (`domain` required; `rank`, `spam_score`, `ip`, `country`, `platform_type`, `server`, `cms`
//!   optional), used by the summary and bulk endpoints. Where a host has no line, or its line
//!   leaves a field out, the value is derived from the host's backlink rows
//!   ([`World::domain_table`]): rank = the highest `domain_from_rank` seen, spam score = the mean
//!   `backlink_spam_score`, ip = the most common `domain_from_ip`, country and platform types =
//!   the most common values.
//!
//! Blank lines are skipped. A malformed line (bad JSON, a wrong type, a missing or empty
//! required field, an unparsable timestamp, invalid UTF-8) fails the whole load with an
//! [`Error::Line`] naming the file, the 1-based line number and the problem: nothing is guessed.
//!
//! ```
//! # fn main() -> Result<(), linkgap_world::Error> {
//! # let dir = tempfile::tempdir().expect("temp dir");
//! std::fs::write(
//!     dir.path().join("backlinks.jsonl"),
//!     r#"{"domain_from":"blog.example.org","url_from":"https://blog.example.org/a","domain_to":"trailpeak.com","url_to":"https://trailpeak.com/"}"#,
//! ).expect("write");
//! let world = linkgap_world::World::load(dir.path())?;
//! assert!(world.backlinks[0].dofollow);
//! # Ok(())
//! # }
//! ```
//!
//! # Loading speed
//!
//! Loading streams each file through a buffered reader: this thread decompresses and cuts the
//! stream into chunks of whole lines, worker threads (one per core) decode the lines with
//! `serde_json`, and the rows come back in file order. Measured once in release on the 2-core
//! development machine, for a generated world of 943,785 backlinks and 209,846 domain rows
//! (930 MB of plain JSONL, 76 MB as zstd): 6 to 7 seconds of CPU time per load, either
//! compression, shared by both cores; the wall time was 16 to 21 seconds only because about
//! fourteen other jobs shared those two cores at the time (expect 3 to 4 seconds on an idle
//! machine). Writing the same world took 11 seconds of wall time per compression, generating
//! it 17 seconds of CPU time.
//!
//! # The generator
//!
//! [`generate`] builds a realistic niche (one target and several competitors) from a
//! [`GenConfig`]; the same config gives byte-identical output (no clock, no hash order). Besides
//! the world it returns the [`GroundTruth`]: planted link networks, link farms, spam hosts,
//! over-optimized anchor profiles, a negative-SEO burst and each site's referring domains, so
//! tests can score analysis results against it. `cargo xtask gen-world --out DIR` writes a
//! world and its `truth.json`.
//!
//! # The demo world
//!
//! A small generated world is committed in `demo/` ([`demo_dir`]) and embedded in the library,
//! so [`demo_world`] and [`demo_truth`] work from an installed binary without the source tree.

#![warn(missing_docs)]

mod demo;
mod error;
mod generate;
mod names;
mod record;
mod timestamp;
mod truth;
mod world;

pub use demo::{demo_dir, demo_truth, demo_world};
pub use error::Error;
pub use generate::{GenConfig, GeneratedWorld, generate};
pub use record::{WorldBacklink, WorldDomain};
pub use timestamp::{TIMESTAMP_FORMAT, date_to_timestamp, format_timestamp, parse_timestamp};
pub use truth::{GroundTruth, TruthBurst, TruthFarm, TruthNetwork, TruthSite};
pub use world::{BACKLINKS_FILE, Compression, DOMAINS_FILE, World};
