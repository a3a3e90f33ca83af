//! Glue between the client and a response cache (the `SQLite` cache of `linkgap-store`).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::error::Error;

/// Default time to live of a cached response: 24 hours.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_hours(24);

/// The error type of a [`ResponseCache`].
pub type CacheError = Box<dyn std::error::Error + Send + Sync>;

/// A cached response body.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CachedEntry {
    /// The response body exactly as received.
    pub body: Vec<u8>,
    /// When it was stored, in Unix seconds.
    pub stored_at_unix: i64,
    /// The cost the response reported when it was fetched.
    pub cost: f64,
}

impl CachedEntry {
    /// A cached entry.
    pub fn new(body: Vec<u8>, stored_at_unix: i64, cost: f64) -> CachedEntry {
        CachedEntry { body, stored_at_unix, cost }
    }
}

/// A store of successful responses, keyed by endpoint and canonical request body.
///
/// It is synchronous; the client calls it on tokio's blocking pool. `linkgap_store::Cache`
/// implements it; tests can supply their own.
pub trait ResponseCache: Send + Sync + 'static {
    /// The entry under `key` if it is at most `max_age` old.
    fn get(&self, key: &str, max_age: Duration) -> Result<Option<CachedEntry>, CacheError>;
    /// Stores (or replaces) the entry under `key`; `endpoint` is the endpoint path, for statistics.
    fn put(&self, key: &str, endpoint: &str, body: &[u8], cost: f64) -> Result<(), CacheError>;
}

impl ResponseCache for linkgap_store::Cache {
    fn get(&self, key: &str, max_age: Duration) -> Result<Option<CachedEntry>, CacheError> {
        let entry = linkgap_store::Cache::get(self, key, max_age)?;
        Ok(entry.map(|entry| CachedEntry::new(entry.body, entry.stored_at_unix, entry.cost)))
    }

    fn put(&self, key: &str, endpoint: &str, body: &[u8], cost: f64) -> Result<(), CacheError> {
        linkgap_store::Cache::put(self, key, endpoint, body, cost)?;
        Ok(())
    }
}

/// How a client uses its response cache. Every mode stores each successful response; they differ
/// in which stored responses a request may be answered from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum CacheMode {
    /// Answer from any entry younger than the time to live (the default).
    #[default]
    ReadWrite,
    /// Never answer from the cache: always fetch, and store what was fetched.
    WriteOnly,
    /// Answer only from entries stored at or after `since` (and within the time to live); fetch
    /// and store everything else.
    ///
    /// This is a run that must see fresh data but must not pay twice for it: give it the time the
    /// run started. The first attempt finds nothing that new and fetches everything; a rerun of an
    /// interrupted run, given the same start, is answered from what the interrupted attempt stored,
    /// and never from anything older.
    Refresh {
        /// The start of the run; entries stored before it are never read.
        since: SystemTime,
    },
}

/// The cache a client uses, with its time to live and mode.
#[derive(Clone)]
pub(crate) struct CacheLayer {
    pub(crate) cache: Arc<dyn ResponseCache>,
    pub(crate) ttl: Duration,
    pub(crate) mode: CacheMode,
}

impl fmt::Debug for CacheLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheLayer")
            .field("ttl", &self.ttl)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl CacheLayer {
    /// Looks `key` up on the blocking pool; `None` when the mode does not read, or the entry is
    /// missing, expired or (in [`CacheMode::Refresh`]) older than the run.
    pub(crate) async fn get(
        &self,
        endpoint: Endpoint,
        key: &str,
    ) -> Result<Option<CachedEntry>, Error> {
        let Some(max_age) = self.max_age(SystemTime::now()) else { return Ok(None) };
        let cache = Arc::clone(&self.cache);
        let key = key.to_owned();
        let entry = tokio::task::spawn_blocking(move || cache.get(&key, max_age))
            .await
            .map_err(|join| Error::Cache { endpoint, source: Box::new(join) })?
            .map_err(|source| Error::Cache { endpoint, source })?;
        Ok(entry.filter(|entry| self.accepts(entry)))
    }

    /// The oldest an entry may be to answer a lookup made at `now`; `None` when nothing may.
    fn max_age(&self, now: SystemTime) -> Option<Duration> {
        match self.mode {
            CacheMode::ReadWrite => Some(self.ttl),
            CacheMode::WriteOnly => None,
            // A start in the future (a clock set back) reads nothing rather than everything.
            CacheMode::Refresh { since } => {
                now.duration_since(since).ok().map(|run_age| run_age.min(self.ttl))
            }
        }
    }

    /// Whether an entry the cache returned may be used. The age check above is exact for caches
    /// that honour `max_age` to the millisecond; this one also protects against caches that only
    /// keep whole seconds, by refusing an entry stamped in a second before the run began.
    fn accepts(&self, entry: &CachedEntry) -> bool {
        match self.mode {
            CacheMode::Refresh { since } => entry.stored_at_unix >= unix_seconds(since),
            CacheMode::ReadWrite | CacheMode::WriteOnly => true,
        }
    }

    /// Stores a successful response body on the blocking pool.
    pub(crate) async fn put(
        &self,
        endpoint: Endpoint,
        key: &str,
        body: Vec<u8>,
        cost: f64,
    ) -> Result<(), Error> {
        let cache = Arc::clone(&self.cache);
        let key = key.to_owned();
        tokio::task::spawn_blocking(move || cache.put(&key, endpoint.path(), &body, cost))
            .await
            .map_err(|join| Error::Cache { endpoint, source: Box::new(join) })?
            .map_err(|source| Error::Cache { endpoint, source })
    }
}

/// Whole Unix seconds of `time`, rounded down (negative before 1970).
fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let seconds = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            if before.subsec_nanos() > 0 { -seconds - 1 } else { -seconds }
        }
    }
}

/// The cache key of a request: the endpoint path, a space, and the task object as canonical JSON
/// (object keys sorted at every level, no whitespace). Credentials are never part of it.
pub(crate) fn cache_key(endpoint: Endpoint, task: &Value) -> String {
    let mut key = String::from(endpoint.path());
    key.push(' ');
    write_canonical(task, &mut key);
    key
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|left, right| left.0.cmp(right.0));
            out.push('{');
            for (idx, (name, value)) in entries.into_iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(name.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn layer(mode: CacheMode) -> CacheLayer {
        let cache = Arc::new(linkgap_store::Cache::in_memory().unwrap());
        CacheLayer { cache, ttl: DEFAULT_CACHE_TTL, mode }
    }

    #[test]
    fn refresh_reads_only_what_the_run_stored() {
        let start = UNIX_EPOCH + Duration::from_millis(1_800_000_000_250);
        let refresh = layer(CacheMode::Refresh { since: start });
        let an_hour_in = start + Duration::from_hours(1);
        assert_eq!(refresh.max_age(an_hour_in), Some(Duration::from_hours(1)));
        assert_eq!(refresh.max_age(start + Duration::from_hours(30)), Some(DEFAULT_CACHE_TTL));
        assert_eq!(refresh.max_age(start - Duration::from_secs(1)), None, "a start in the future");
        let entry = |stored_at_unix| CachedEntry::new(Vec::new(), stored_at_unix, 0.0);
        assert!(refresh.accepts(&entry(1_800_000_000)), "the second the run began");
        assert!(!refresh.accepts(&entry(1_799_999_999)));
        assert_eq!(layer(CacheMode::WriteOnly).max_age(an_hour_in), None);
        assert_eq!(layer(CacheMode::ReadWrite).max_age(an_hour_in), Some(DEFAULT_CACHE_TTL));
        assert!(layer(CacheMode::ReadWrite).accepts(&entry(0)));
    }

    #[test]
    fn unix_seconds_round_down() {
        assert_eq!(unix_seconds(UNIX_EPOCH + Duration::from_millis(1_999)), 1);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_millis(1)), -1);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(2)), -2);
    }

    #[test]
    fn cache_key_is_independent_of_key_order() {
        let left =
            json!({"target": "a.com", "limit": 5, "filters": [["x", "=", {"b": 1, "a": 2}]]});
        let right =
            json!({"filters": [["x", "=", {"a": 2, "b": 1}]], "limit": 5, "target": "a.com"});
        assert_eq!(cache_key(Endpoint::Anchors, &left), cache_key(Endpoint::Anchors, &right));
        assert_eq!(
            cache_key(Endpoint::Anchors, &left),
            r#"/v3/backlinks/anchors/live {"filters":[["x","=",{"a":2,"b":1}]],"limit":5,"target":"a.com"}"#
        );
        assert_ne!(cache_key(Endpoint::Anchors, &left), cache_key(Endpoint::Backlinks, &left));
    }
}
