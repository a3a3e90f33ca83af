//! `SQLite` storage for linkgap: the response cache and monitoring snapshots.
//!
//! Two stores, each a thin handle on one `SQLite` database (the bundled `SQLite`, in WAL mode with
//! `synchronous=FULL` and a busy timeout, so several threads and processes can share a file):
//!
//! - [`Cache`] keeps API response bodies under a caller-chosen key, with the endpoint and what the response
//!   cost. Entries older than the caller's `max_age` read as misses.
//! - [`SnapshotStore`] keeps monitoring snapshots: a target's profile as JSON rows, taken at a point in time,
//!   so that two runs can be compared for new and lost links.
//!
//! Both use the same schema (versioned with `PRAGMA user_version` and migrated on open), so they may share one
//! file or use two; the program decides. Every write is one transaction: a process killed mid-write leaves
//! neither a corrupt file nor a partial entry, and loses nothing committed before. The crate is synchronous and
//! knows nothing of HTTP or of the analysis; its types are `Send + Sync`.
//!
//! # Example
//!
//! ```
//! use std::time::Duration;
//!
//! use linkgap_store::{Cache, SnapshotStore};
//!
//! # fn main() -> Result<(), linkgap_store::Error> {
//! let dir = tempfile::tempdir().expect("temporary directory");
//! let path = dir.path().join("linkgap.sqlite");
//!
//! // The response cache.
//! let cache = Cache::open(&path)?;
//! cache.put("backlinks/summary/live {\"target\":\"example.com\"}", "backlinks/summary/live", b"{}", 0.02)?;
//! let hit = cache.get("backlinks/summary/live {\"target\":\"example.com\"}", Duration::from_secs(24 * 3600))?;
//! assert_eq!(hit.map(|response| response.body), Some(b"{}".to_vec()));
//! assert_eq!(cache.stats()?.entries, 1);
//!
//! // Monitoring snapshots, here in the same file.
//! let snapshots = SnapshotStore::open(&path)?;
//! let meta = serde_json::json!({ "cost": 0.05 });
//! let first = snapshots.save("example.com", 1_700_000_000, &meta, &["a.org", "b.net"])?;
//! let second = snapshots.save("example.com", 1_700_086_400, &meta, &["a.org", "c.io"])?;
//! assert_eq!(snapshots.latest("example.com")?.map(|info| info.id), Some(second));
//! assert_eq!(snapshots.previous("example.com", second)?.map(|info| info.id), Some(first));
//! let (info, rows) = snapshots.load::<String>(first)?;
//! assert_eq!((info.row_count, rows), (2, vec!["a.org".to_owned(), "b.net".to_owned()]));
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod cache;
mod db;
mod error;
mod snapshot;
#[cfg(test)]
mod test_child;

pub use cache::{Cache, CacheStats, CachedResponse};
pub use error::Error;
pub use snapshot::{SnapshotId, SnapshotInfo, SnapshotStore};

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn stores_are_send_and_sync() {
        assert_send_sync::<Cache>();
        assert_send_sync::<SnapshotStore>();
        assert_send_sync::<Error>();
    }
}
