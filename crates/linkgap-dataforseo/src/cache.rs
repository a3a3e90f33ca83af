//! Glue between the client and a response cache (the `SQLite` cache of `linkgap-store`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

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

/// The cache a client uses, with its time to live and bypass flag.
#[derive(Clone)]
pub(crate) struct CacheLayer {
    pub(crate) cache: Arc<dyn ResponseCache>,
    pub(crate) ttl: Duration,
    /// Skip lookups (always fetch) but still store fresh responses.
    pub(crate) bypass: bool,
}

impl fmt::Debug for CacheLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheLayer")
            .field("ttl", &self.ttl)
            .field("bypass", &self.bypass)
            .finish_non_exhaustive()
    }
}

impl CacheLayer {
    /// Looks `key` up on the blocking pool; `None` when bypassed, missing or expired.
    pub(crate) async fn get(
        &self,
        endpoint: Endpoint,
        key: &str,
    ) -> Result<Option<CachedEntry>, Error> {
        if self.bypass {
            return Ok(None);
        }
        let cache = Arc::clone(&self.cache);
        let key = key.to_owned();
        let ttl = self.ttl;
        tokio::task::spawn_blocking(move || cache.get(&key, ttl))
            .await
            .map_err(|join| Error::Cache { endpoint, source: Box::new(join) })?
            .map_err(|source| Error::Cache { endpoint, source })
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
