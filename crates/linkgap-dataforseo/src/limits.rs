//! Throughput limits shared by every clone of a client: requests in flight and requests per minute.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Default cap on requests in flight.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 8;
/// The API's own cap on simultaneous requests (reference §3.3); more is rejected.
pub const MAX_IN_FLIGHT: usize = 30;
/// Default budget of requests per minute.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 1_000;
/// The API's own per-minute limit (reference §3.3); more is rejected.
pub const MAX_REQUESTS_PER_MINUTE: u32 = 2_000;

/// A semaphore on requests in flight and a token bucket on requests per minute.
///
/// Every attempt, retries included, takes one permit and one token; pauses between retries hold
/// neither.
pub(crate) struct Limits {
    in_flight: Semaphore,
    per_minute: DefaultDirectRateLimiter,
    max_in_flight: usize,
    requests_per_minute: NonZeroU32,
}

impl Limits {
    /// Limits for already validated values.
    pub(crate) fn new(max_in_flight: usize, requests_per_minute: NonZeroU32) -> Arc<Limits> {
        Arc::new(Limits {
            in_flight: Semaphore::new(max_in_flight),
            per_minute: RateLimiter::direct(Quota::per_minute(requests_per_minute)),
            max_in_flight,
            requests_per_minute,
        })
    }

    /// Waits for a free slot and a token. The slot is held until the permit is dropped.
    pub(crate) async fn acquire(&self) -> SemaphorePermit<'_> {
        let permit = self.in_flight.acquire().await.expect("the semaphore is never closed");
        self.per_minute.until_ready().await;
        permit
    }

    pub(crate) fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    pub(crate) fn requests_per_minute(&self) -> u32 {
        self.requests_per_minute.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_per_minute_budget_is_spent_by_each_acquire() {
        let limits = Limits::new(2, NonZeroU32::new(2).expect("non-zero"));
        drop(limits.acquire().await);
        drop(limits.acquire().await);
        // Both tokens of this minute are gone: a third request would have to wait.
        assert!(limits.per_minute.check().is_err());
    }

    #[tokio::test]
    async fn a_permit_is_held_until_dropped() {
        let limits = Limits::new(1, NonZeroU32::new(100).expect("non-zero"));
        let permit = limits.acquire().await;
        assert_eq!(limits.in_flight.available_permits(), 0);
        drop(permit);
        assert_eq!(limits.in_flight.available_permits(), 1);
    }
}
