//! The response cache: API response bodies keyed by endpoint and canonical request.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rusqlite::{OptionalExtension, params};

use crate::db::{Db, duration_ms, unix_ms};
use crate::error::Error;

/// A cache of API responses in a `SQLite` file, shared safely by threads and processes.
///
/// Keys are opaque strings chosen by the caller (the API crate uses the endpoint plus the canonical request
/// body). Each [`Cache::put`] is one transaction: a process killed mid-write loses at most that entry, never an
/// earlier one, and never leaves the file corrupt. Freshness is decided when reading: [`Cache::get`] treats an
/// entry at least `max_age` old as a miss, and [`Cache::purge_older_than`] deletes such entries for good.
///
/// The cache may share its file with a [`SnapshotStore`](crate::SnapshotStore): both use one schema.
#[derive(Debug)]
pub struct Cache {
    db: Db,
}

/// A cached response body and what it cost when it was fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedResponse {
    /// The response body exactly as it was stored.
    pub body: Vec<u8>,
    /// When it was stored, in seconds since the Unix epoch.
    pub stored_at_unix: i64,
    /// What the API charged for it, in USD.
    pub cost: f64,
}

/// What the cache holds, from [`Cache::stats`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheStats {
    /// Number of entries, fresh or stale.
    pub entries: u64,
    /// Total size of the stored bodies in bytes.
    pub bytes: u64,
    /// Number of entries per endpoint.
    pub per_endpoint: BTreeMap<String, u64>,
    /// When the oldest entry was stored, in seconds since the Unix epoch (`None` when empty).
    pub oldest_unix: Option<i64>,
    /// When the newest entry was stored, in seconds since the Unix epoch (`None` when empty).
    pub newest_unix: Option<i64>,
    /// What the cached responses cost when they were fetched, in USD.
    pub total_cost: f64,
}

impl Cache {
    /// Opens the cache file at `path`, creating it and its parent directories if needed.
    pub fn open(path: &Path) -> Result<Cache, Error> {
        Ok(Cache { db: Db::open(path)? })
    }

    /// Opens a private in-memory cache, gone when dropped (for tests and `--no-cache`-like runs).
    pub fn in_memory() -> Result<Cache, Error> {
        Ok(Cache { db: Db::in_memory()? })
    }

    /// Returns the entry for `key` if it is younger than `max_age`; stale and missing entries are `None`.
    ///
    /// A `max_age` of zero therefore always misses.
    pub fn get(&self, key: &str, max_age: Duration) -> Result<Option<CachedResponse>, Error> {
        self.get_at(key, max_age, SystemTime::now())
    }

    /// Like [`Cache::get`], with the current time given (for deterministic tests of expiry).
    pub fn get_at(
        &self,
        key: &str,
        max_age: Duration,
        now: SystemTime,
    ) -> Result<Option<CachedResponse>, Error> {
        let conn = self.db.lock();
        let row = conn
            .query_row(
                "SELECT body, stored_at_ms, cost FROM cache_entry WHERE key = ?1",
                params![key],
                |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, i64>(1)?, row.get::<_, f64>(2)?)),
            )
            .optional()
            .map_err(Error::sqlite("reading a cache entry"))?;
        let Some((body, stored_at_ms, cost)) = row else {
            return Ok(None);
        };
        let age_ms = unix_ms(now).saturating_sub(stored_at_ms);
        if age_ms >= duration_ms(max_age) {
            tracing::trace!(key, age_ms, "stale cache entry");
            return Ok(None);
        }
        Ok(Some(CachedResponse { body, stored_at_unix: stored_at_ms.div_euclid(1000), cost }))
    }

    /// Stores `body` under `key`, replacing any earlier entry, in one transaction.
    ///
    /// `endpoint` is kept for [`Cache::stats`]; `cost` is what the API charged for the response (USD, finite).
    pub fn put(&self, key: &str, endpoint: &str, body: &[u8], cost: f64) -> Result<(), Error> {
        self.put_at(key, endpoint, body, cost, SystemTime::now())
    }

    /// Like [`Cache::put`], with the storage time given (for deterministic tests of expiry).
    pub fn put_at(
        &self,
        key: &str,
        endpoint: &str,
        body: &[u8],
        cost: f64,
        stored_at: SystemTime,
    ) -> Result<(), Error> {
        if !cost.is_finite() {
            return Err(Error::NonFiniteCost { cost });
        }
        // One statement is one transaction in autocommit mode: it is written whole or not at all.
        self.db
            .lock()
            .execute(
                "INSERT OR REPLACE INTO cache_entry (key, endpoint, body, cost, stored_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![key, endpoint, body, cost, unix_ms(stored_at)],
            )
            .map_err(Error::sqlite("writing a cache entry"))?;
        Ok(())
    }

    /// Deletes the entry for `key`; returns whether there was one.
    pub fn remove(&self, key: &str) -> Result<bool, Error> {
        let n = self
            .db
            .lock()
            .execute("DELETE FROM cache_entry WHERE key = ?1", params![key])
            .map_err(Error::sqlite("removing a cache entry"))?;
        Ok(n > 0)
    }

    /// Counts the entries, their size and cost, per endpoint and in total.
    pub fn stats(&self) -> Result<CacheStats, Error> {
        let conn = self.db.lock();
        let sqlite = Error::sqlite("reading cache statistics");
        let mut stmt = conn
            .prepare(
                "SELECT endpoint, COUNT(*), COALESCE(SUM(LENGTH(body)), 0), COALESCE(SUM(cost), 0.0),
                        MIN(stored_at_ms), MAX(stored_at_ms)
                 FROM cache_entry GROUP BY endpoint ORDER BY endpoint",
            )
            .map_err(sqlite)?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, f64>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, i64>(5)?,
                ))
            })
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(Error::sqlite("reading cache statistics"))?;
        let mut stats = CacheStats::default();
        for (endpoint, entries, bytes, cost, oldest_ms, newest_ms) in rows {
            let entries = u64::try_from(entries).unwrap_or(0);
            stats.entries += entries;
            stats.bytes += u64::try_from(bytes).unwrap_or(0);
            stats.total_cost += cost;
            let (oldest, newest) = (oldest_ms.div_euclid(1000), newest_ms.div_euclid(1000));
            stats.oldest_unix = Some(stats.oldest_unix.map_or(oldest, |o| o.min(oldest)));
            stats.newest_unix = Some(stats.newest_unix.map_or(newest, |n| n.max(newest)));
            stats.per_endpoint.insert(endpoint, entries);
        }
        Ok(stats)
    }

    /// Deletes every entry; returns how many there were.
    pub fn clear(&self) -> Result<u64, Error> {
        let n = self
            .db
            .lock()
            .execute("DELETE FROM cache_entry", [])
            .map_err(Error::sqlite("clearing the cache"))?;
        Ok(n as u64)
    }

    /// Deletes the entries at least `age` old (the ones [`Cache::get`] with that `max_age` would miss).
    pub fn purge_older_than(&self, age: Duration) -> Result<u64, Error> {
        self.purge_older_than_at(age, SystemTime::now())
    }

    /// Like [`Cache::purge_older_than`], with the current time given.
    pub fn purge_older_than_at(&self, age: Duration, now: SystemTime) -> Result<u64, Error> {
        let cutoff_ms = unix_ms(now).saturating_sub(duration_ms(age));
        let n = self
            .db
            .lock()
            .execute("DELETE FROM cache_entry WHERE stored_at_ms <= ?1", params![cutoff_ms])
            .map_err(Error::sqlite("purging old cache entries"))?;
        Ok(n as u64)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::test_child::{Writer, child_path, integrity_check, report_committed};

    const DAY: Duration = Duration::from_hours(24);

    fn at(unix_secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix_secs)
    }

    #[test]
    fn put_then_get_returns_body_cost_and_store_time() {
        let cache = Cache::in_memory().unwrap();
        cache.put_at("k", "backlinks/summary/live", b"{\"a\":1}", 0.02, at(1_700_000_000)).unwrap();
        let hit = cache.get_at("k", DAY, at(1_700_000_010)).unwrap().unwrap();
        assert_eq!(
            hit,
            CachedResponse {
                body: b"{\"a\":1}".to_vec(),
                stored_at_unix: 1_700_000_000,
                cost: 0.02
            }
        );
    }

    #[test]
    fn get_with_the_real_clock_hits_a_fresh_entry() {
        let cache = Cache::in_memory().unwrap();
        cache.put("k", "e", b"body", 0.0).unwrap();
        assert_eq!(cache.get("k", DAY).unwrap().unwrap().body, b"body");
        assert_eq!(cache.get("other", DAY).unwrap(), None);
    }

    #[test]
    fn entry_is_stale_from_max_age_on() {
        let cache = Cache::in_memory().unwrap();
        cache.put_at("k", "e", b"x", 0.0, at(1_000_000)).unwrap();
        let fresh = cache.get_at("k", Duration::from_mins(1), at(1_000_059)).unwrap();
        assert!(fresh.is_some());
        let stale = cache.get_at("k", Duration::from_mins(1), at(1_000_060)).unwrap();
        assert_eq!(stale, None);
        // A stale entry is a miss, not a deletion: a longer max_age still finds it.
        assert!(cache.get_at("k", DAY, at(1_000_060)).unwrap().is_some());
    }

    #[test]
    fn zero_max_age_always_misses() {
        let cache = Cache::in_memory().unwrap();
        cache.put_at("k", "e", b"x", 0.0, at(5)).unwrap();
        assert_eq!(cache.get_at("k", Duration::ZERO, at(5)).unwrap(), None);
    }

    #[test]
    fn put_replaces_an_existing_entry() {
        let cache = Cache::in_memory().unwrap();
        cache.put_at("k", "e", b"old", 1.0, at(10)).unwrap();
        cache.put_at("k", "e", b"new", 2.0, at(20)).unwrap();
        let hit = cache.get_at("k", DAY, at(30)).unwrap().unwrap();
        assert_eq!((hit.body.as_slice(), hit.stored_at_unix, hit.cost), (&b"new"[..], 20, 2.0));
        assert_eq!(cache.stats().unwrap().entries, 1);
    }

    #[test]
    fn non_finite_cost_is_rejected_and_nothing_is_stored() {
        let cache = Cache::in_memory().unwrap();
        for cost in [f64::NAN, f64::INFINITY] {
            let err = cache.put("k", "e", b"x", cost).unwrap_err();
            assert!(matches!(err, Error::NonFiniteCost { .. }), "{err:?}");
        }
        assert_eq!(cache.stats().unwrap().entries, 0);
    }

    #[test]
    fn remove_deletes_one_entry() {
        let cache = Cache::in_memory().unwrap();
        cache.put("a", "e", b"x", 0.0).unwrap();
        cache.put("b", "e", b"x", 0.0).unwrap();
        assert!(cache.remove("a").unwrap());
        assert!(!cache.remove("a").unwrap());
        assert_eq!(cache.get("a", DAY).unwrap(), None);
        assert!(cache.get("b", DAY).unwrap().is_some());
    }

    #[test]
    fn stats_add_up_entries_bytes_cost_and_endpoints() {
        let cache = Cache::in_memory().unwrap();
        assert_eq!(cache.stats().unwrap(), CacheStats::default());
        cache.put_at("a", "backlinks/summary/live", b"12345", 0.02, at(300)).unwrap();
        cache.put_at("b", "backlinks/summary/live", b"123", 0.02, at(100)).unwrap();
        cache.put_at("c", "backlinks/referring_domains/live", b"1", 0.5, at(200)).unwrap();
        let stats = cache.stats().unwrap();
        assert_eq!(stats.entries, 3);
        assert_eq!(stats.bytes, 9);
        assert!((stats.total_cost - 0.54).abs() < 1e-9, "{}", stats.total_cost);
        assert_eq!((stats.oldest_unix, stats.newest_unix), (Some(100), Some(300)));
        let per_endpoint: Vec<(&str, u64)> =
            stats.per_endpoint.iter().map(|(e, n)| (e.as_str(), *n)).collect();
        assert_eq!(
            per_endpoint,
            [("backlinks/referring_domains/live", 1), ("backlinks/summary/live", 2)]
        );
    }

    #[test]
    fn clear_removes_everything_and_counts_it() {
        let cache = Cache::in_memory().unwrap();
        for key in ["a", "b", "c"] {
            cache.put(key, "e", b"x", 0.0).unwrap();
        }
        assert_eq!(cache.clear().unwrap(), 3);
        assert_eq!(cache.stats().unwrap().entries, 0);
        assert_eq!(cache.clear().unwrap(), 0);
    }

    #[test]
    fn purge_deletes_exactly_the_entries_get_would_miss() {
        let cache = Cache::in_memory().unwrap();
        cache.put_at("old", "e", b"x", 0.0, at(1_000)).unwrap();
        cache.put_at("edge", "e", b"x", 0.0, at(1_940)).unwrap();
        cache.put_at("new", "e", b"x", 0.0, at(1_990)).unwrap();
        let now = at(2_000);
        let max_age = Duration::from_mins(1);
        assert_eq!(cache.get_at("edge", max_age, now).unwrap(), None);
        assert_eq!(cache.purge_older_than_at(max_age, now).unwrap(), 2);
        assert_eq!(cache.get_at("old", DAY, now).unwrap(), None);
        assert_eq!(cache.get_at("edge", DAY, now).unwrap(), None);
        assert!(cache.get_at("new", DAY, now).unwrap().is_some());
        // With the real clock, everything stored in 1970 is older than a day.
        assert_eq!(cache.purge_older_than(DAY).unwrap(), 1);
    }

    #[test]
    fn in_memory_caches_are_private() {
        let first = Cache::in_memory().unwrap();
        let second = Cache::in_memory().unwrap();
        first.put("k", "e", b"x", 0.0).unwrap();
        assert_eq!(second.get("k", DAY).unwrap(), None);
    }

    #[test]
    fn entries_survive_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/linkgap.sqlite");
        Cache::open(&path).unwrap().put("k", "e", b"kept", 0.1).unwrap();
        let reopened = Cache::open(&path).unwrap();
        assert_eq!(reopened.get("k", DAY).unwrap().unwrap().body, b"kept");
    }

    #[test]
    fn two_handles_on_one_file_see_each_others_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let first = Cache::open(&path).unwrap();
        let second = Cache::open(&path).unwrap();
        first.put("from-first", "e", b"1", 0.0).unwrap();
        second.put("from-second", "e", b"2", 0.0).unwrap();
        assert_eq!(second.get("from-first", DAY).unwrap().unwrap().body, b"1");
        assert_eq!(first.get("from-second", DAY).unwrap().unwrap().body, b"2");
    }

    #[test]
    fn threads_and_handles_writing_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let shared = Arc::new(Cache::open(&path).unwrap());
        std::thread::scope(|scope| {
            for thread in 0..4 {
                // Half the threads share one handle, half open their own, like separate processes would.
                let own = (thread % 2 == 1).then(|| Cache::open(&path).unwrap());
                let shared = Arc::clone(&shared);
                scope.spawn(move || {
                    let cache = own.as_ref().unwrap_or(&shared);
                    for i in 0..25 {
                        cache
                            .put(
                                &format!("{thread}-{i}"),
                                "e",
                                format!("{thread}-{i}").as_bytes(),
                                0.01,
                            )
                            .unwrap();
                    }
                });
            }
        });
        let stats = shared.stats().unwrap();
        assert_eq!(stats.entries, 100);
        for thread in 0..4 {
            for i in 0..25 {
                let key = format!("{thread}-{i}");
                assert_eq!(shared.get(&key, DAY).unwrap().unwrap().body, key.as_bytes());
            }
        }
    }

    /// The body the kill test writes under entry `n`: large enough that a write takes a while.
    fn kill_test_body(n: u64) -> Vec<u8> {
        (0..16 * 1024).map(|i| ((n * 31 + i) % 251) as u8).collect()
    }

    #[test]
    fn killed_writer_leaves_a_sound_file_with_every_committed_entry() {
        if let Some(path) = child_path() {
            // Child mode: write until the parent kills us (bounded in case it never does).
            let cache = Cache::open(&path).unwrap();
            for n in 0..2_000 {
                cache
                    .put(&format!("key-{n}"), "backlinks/backlinks/live", &kill_test_body(n), 0.02)
                    .unwrap();
                report_committed(n);
            }
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let mut writer = Writer::spawn(
            "cache::tests::killed_writer_leaves_a_sound_file_with_every_committed_entry",
            &path,
        );
        writer.wait_for_commits(40);
        let committed = writer.kill();
        assert!(committed.len() >= 40);

        assert_eq!(integrity_check(&path), "ok");
        let cache = Cache::open(&path).unwrap();
        for &n in &committed {
            let hit = cache.get(&format!("key-{n}"), DAY).unwrap();
            assert_eq!(
                hit.map(|response| response.body),
                Some(kill_test_body(n)),
                "entry {n} lost or damaged"
            );
        }
        // At most the one write in flight at the kill may have landed unreported, and it is whole too.
        let stats = cache.stats().unwrap();
        let n_committed = committed.len() as u64;
        assert!(
            stats.entries == n_committed || stats.entries == n_committed + 1,
            "{committed:?} {stats:?}"
        );
        assert_eq!(stats.bytes, stats.entries * 16 * 1024);
        // The file stays writable after the crash.
        cache.put("after", "e", b"x", 0.0).unwrap();
        assert_eq!(integrity_check(&path), "ok");
    }
}
