//! The response cache: hits are free, misses fetch, entries expire, failures are never stored,
//! and a writer killed mid-write leaves the cache readable.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use linkgap_dataforseo::{CacheError, CacheMode, CachedEntry, Endpoint, Error, ResponseCache};
use linkgap_store::Cache;
use serde_json::json;

use crate::support::{DomainsRequest, MockServer, builder, ok, ok_envelope, task_error};

/// Environment variable telling [`cache_writer_keeps_every_committed_entry`] to write to a given
/// file until it is killed.
const CHILD_CACHE_ENV: &str = "LINKGAP_TEST_KILLED_WRITER_CACHE";

/// Kills the child process if the test fails before it does.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn open_cache(dir: &Path) -> Arc<Cache> {
    Arc::new(Cache::open(&dir.join("cache.sqlite")).expect("open the cache"))
}

#[tokio::test]
async fn a_hit_is_free_and_marked_cached() {
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    let result = json!([{ "total_count": 7 }]);
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &result, 0.02));
    let client = builder(&server).cache(open_cache(dir.path())).build().unwrap();
    let request = DomainsRequest::new("a.com").limit(10);

    let first = client.execute(&request).await.unwrap();
    let second = client.execute(&request).await.unwrap();

    assert!(!first.cached);
    assert!(second.cached);
    assert!(second.cost.abs() < 1e-12);
    assert_eq!(second.results, first.results);
    assert_eq!(second.task_id, first.task_id);
    assert_eq!(server.request_count(), 1);
    let ledger = client.ledger();
    assert_eq!((ledger.calls, ledger.cache_hits), (1, 1));
    assert!((ledger.total_cost - 0.02).abs() < 1e-12, "a hit costs nothing");
}

#[tokio::test]
async fn another_request_body_misses() {
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let client = builder(&server).cache(open_cache(dir.path())).build().unwrap();

    client.execute(&DomainsRequest::new("a.com")).await.unwrap();
    let other = client.execute(&DomainsRequest::new("a.com").limit(5)).await.unwrap();

    assert!(!other.cached);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn failed_responses_are_not_cached() {
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    server.enqueue(Endpoint::ReferringDomains, task_error(40501, "Invalid Field: 'target'.", 0.0));
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let cache = open_cache(dir.path());
    let client = builder(&server).cache(cache.clone()).build().unwrap();
    let request = DomainsRequest::new("a.com");

    assert!(client.execute(&request).await.is_err());
    assert_eq!(cache.stats().unwrap().entries, 0);
    let reply = client.execute(&request).await.unwrap();

    assert!(!reply.cached);
    assert_eq!(server.request_count(), 2);
    assert_eq!(cache.stats().unwrap().entries, 1);
}

#[tokio::test]
async fn a_zero_ttl_always_misses_and_bypass_skips_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let cache = open_cache(dir.path());
    let request = DomainsRequest::new("a.com");

    let expired = builder(&server).cache(cache.clone()).cache_ttl(Duration::ZERO).build().unwrap();
    expired.execute(&request).await.unwrap();
    assert!(!expired.execute(&request).await.unwrap().cached);
    assert_eq!(server.request_count(), 2);

    let bypass = builder(&server).cache(cache.clone()).bypass_cache(true).build().unwrap();
    assert!(!bypass.execute(&request).await.unwrap().cached);
    assert_eq!(server.request_count(), 3);

    let normal = builder(&server).cache(cache).build().unwrap();
    assert!(normal.execute(&request).await.unwrap().cached);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_refresh_run_refetches_once_and_a_rerun_resumes_from_what_it_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let cache = open_cache(dir.path());
    let (first, second) = (DomainsRequest::new("a.com"), DomainsRequest::new("b.com"));
    // A run that began a minute ago; an earlier run stored `a.com` an hour ago.
    let now = SystemTime::now();
    let since = now - Duration::from_mins(1);
    let key = format!("{} {{\"target\":\"a.com\"}}", Endpoint::ReferringDomains.path());
    let body =
        serde_json::to_vec(&ok_envelope(Endpoint::ReferringDomains, &json!([]), 0.02)).unwrap();
    cache.put_at(&key, "", &body, 0.02, now - Duration::from_hours(1)).unwrap();
    assert!(
        builder(&server)
            .cache(cache.clone())
            .build()
            .unwrap()
            .execute(&first)
            .await
            .unwrap()
            .cached,
        "a plain client reads the old entry"
    );
    let refresh = |since| {
        builder(&server).cache(cache.clone()).cache_mode(CacheMode::Refresh { since }).build()
    };

    // The run's first attempt refetches `a.com` (and stores it), then is interrupted.
    let attempt = refresh(since).unwrap();
    assert!(!attempt.execute(&first).await.unwrap().cached);
    assert_eq!(server.request_count(), 1);

    // The rerun of the same run pays only for what the attempt did not fetch.
    let rerun = refresh(since).unwrap();
    assert!(rerun.execute(&first).await.unwrap().cached);
    assert!(!rerun.execute(&second).await.unwrap().cached);
    assert_eq!(server.request_count(), 2);
    let ledger = rerun.ledger();
    assert_eq!((ledger.calls, ledger.cache_hits), (1, 1));

    // A run that starts later reads none of it.
    let later = refresh(SystemTime::now() + Duration::from_secs(1)).unwrap();
    assert!(!later.execute(&first).await.unwrap().cached);
    assert!(!later.execute(&second).await.unwrap().cached);
    assert_eq!(server.request_count(), 4);
}

/// The store, read through a clock that the test moves forward.
struct ShiftedClock {
    cache: Cache,
    offset_secs: AtomicU64,
}

impl ResponseCache for ShiftedClock {
    fn get(&self, key: &str, max_age: Duration) -> Result<Option<CachedEntry>, CacheError> {
        let now = SystemTime::now() + Duration::from_secs(self.offset_secs.load(Ordering::SeqCst));
        let entry = self.cache.get_at(key, max_age, now)?;
        Ok(entry.map(|entry| CachedEntry::new(entry.body, entry.stored_at_unix, entry.cost)))
    }

    fn put(&self, key: &str, endpoint: &str, body: &[u8], cost: f64) -> Result<(), CacheError> {
        Ok(self.cache.put(key, endpoint, body, cost)?)
    }
}

#[tokio::test]
async fn entries_expire_after_the_default_ttl_of_a_day() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let cache = Arc::new(ShiftedClock {
        cache: Cache::in_memory().unwrap(),
        offset_secs: AtomicU64::new(0),
    });
    let client = builder(&server).cache(cache.clone()).build().unwrap();
    let request = DomainsRequest::new("a.com");

    client.execute(&request).await.unwrap();
    cache.offset_secs.store(23 * 3600, Ordering::SeqCst);
    assert!(client.execute(&request).await.unwrap().cached);
    cache.offset_secs.store(25 * 3600, Ordering::SeqCst);
    assert!(!client.execute(&request).await.unwrap().cached);
    assert_eq!(server.request_count(), 2);
}

/// A cache whose reads fail (when `reads_fail`) and whose writes always fail.
struct BrokenCache {
    reads_fail: bool,
}

impl ResponseCache for BrokenCache {
    fn get(&self, _key: &str, _max_age: Duration) -> Result<Option<CachedEntry>, CacheError> {
        if self.reads_fail { Err("the disk is on fire".into()) } else { Ok(None) }
    }

    fn put(&self, _key: &str, _endpoint: &str, _body: &[u8], _cost: f64) -> Result<(), CacheError> {
        Err("the disk is full".into())
    }
}

#[tokio::test]
async fn an_unreadable_cache_fails_the_call_before_sending() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let client =
        builder(&server).cache(Arc::new(BrokenCache { reads_fail: true })).build().unwrap();

    let error = client.execute(&DomainsRequest::new("a.com")).await.unwrap_err();

    assert!(
        matches!(error, Error::Cache { endpoint: Endpoint::ReferringDomains, .. }),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn an_unwritable_cache_does_not_lose_a_paid_response() {
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([1]), 0.02));
    let client =
        builder(&server).cache(Arc::new(BrokenCache { reads_fail: false })).build().unwrap();

    let reply = client.execute(&DomainsRequest::new("a.com")).await.unwrap();

    assert_eq!(reply.results, [json!(1)]);
    assert_eq!(server.request_count(), 1);
}

/// Run normally, writes entries and reads them back. Run by
/// [`a_writer_killed_mid_write_leaves_the_cache_readable`] with [`CHILD_CACHE_ENV`] set, it writes
/// to that file until it is killed.
#[test]
fn cache_writer_keeps_every_committed_entry() {
    let killed_writer_path = std::env::var_os(CHILD_CACHE_ENV);
    let dir = tempfile::tempdir().unwrap();
    let path = killed_writer_path.map_or_else(|| dir.path().join("cache.sqlite"), Into::into);
    let cache = Cache::open(&path).unwrap();
    let body = vec![b'x'; 64 * 1024];
    // The child replaces a bounded set of keys, so it cannot fill the disk if nobody kills it.
    let rounds = if std::env::var_os(CHILD_CACHE_ENV).is_some() { 20_000 } else { 20 };
    for idx in 0..rounds {
        cache.put(&format!("child-{}", idx % 200), "/v3/test", &body, 0.0).unwrap();
    }
    for idx in 0..20 {
        assert!(cache.get(&format!("child-{idx}"), Duration::from_mins(1)).unwrap().is_some());
    }
}

#[tokio::test]
async fn a_writer_killed_mid_write_leaves_the_cache_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite");
    let server = MockServer::start().await;
    server.always(Endpoint::ReferringDomains, ok(Endpoint::ReferringDomains, &json!([]), 0.02));
    let request = DomainsRequest::new("a.com");
    {
        let client = builder(&server).cache(Arc::new(Cache::open(&path).unwrap())).build().unwrap();
        client.execute(&request).await.unwrap();
    }

    // Another process writes large entries to the same file and is killed while writing.
    let mut child = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args(["cache::cache_writer_keeps_every_committed_entry", "--exact"])
            .env(CHILD_CACHE_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let watcher = Cache::open(&path).unwrap();
    let mut polls = 0;
    while watcher.stats().unwrap().entries < 30 {
        polls += 1;
        assert!(polls < 2_000, "the child process did not write");
        assert!(child.0.try_wait().unwrap().is_none(), "the child process stopped early");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();

    let cache = Arc::new(Cache::open(&path).unwrap());
    let entries = cache.stats().unwrap().entries;
    assert!(entries >= 30);
    for idx in 0..(entries - 1) {
        let entry = cache.get(&format!("child-{idx}"), Duration::from_mins(10)).unwrap();
        assert_eq!(entry.unwrap().body.len(), 64 * 1024, "entry {idx}");
    }
    let client = builder(&server).cache(cache).build().unwrap();
    assert!(client.execute(&request).await.unwrap().cached);
    assert_eq!(server.request_count(), 1, "the entry written before the crash still serves");
}
