//! The retry policy: bounded exponential backoff with jitter, and a longer pause on rate limits.

use std::time::Duration;

use backon::ExponentialBuilder;

use crate::error::Error;

/// How the client retries retryable errors (see [`Error::is_retryable`]).
///
/// The pause before retry `n` (1-based) is `min_delay * factor^(n-1)`, capped at `max_delay`, plus
/// a random jitter of up to the same amount when `jitter` is on. After a rate-limit error (40202 or
/// HTTP 429) the pause is longer by `rate_limit_delay` (see [`RetryPolicy::pause_after`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3; 0 disables retries).
    pub max_retries: u32,
    /// Pause before the first retry (default 500 ms).
    pub min_delay: Duration,
    /// Longest backoff pause (default 30 s), before the rate-limit extra.
    pub max_delay: Duration,
    /// Growth factor of the pause per retry (default 2).
    pub factor: f32,
    /// Extra pause after a rate-limit error (default 3 s; the reference suggests 2–5 s).
    pub rate_limit_delay: Duration,
    /// Whether to add random jitter to each pause (default on).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            factor: 2.0,
            rate_limit_delay: Duration::from_secs(3),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> RetryPolicy {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// Sets the number of retries after the first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> RetryPolicy {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first and the longest backoff pause.
    #[must_use]
    pub fn with_delays(mut self, min_delay: Duration, max_delay: Duration) -> RetryPolicy {
        self.min_delay = min_delay;
        self.max_delay = max_delay.max(min_delay);
        self
    }

    /// Sets the extra pause after a rate-limit error.
    #[must_use]
    pub fn with_rate_limit_delay(mut self, rate_limit_delay: Duration) -> RetryPolicy {
        self.rate_limit_delay = rate_limit_delay;
        self
    }

    /// Turns jitter on or off.
    #[must_use]
    pub fn with_jitter(mut self, jitter: bool) -> RetryPolicy {
        self.jitter = jitter;
        self
    }

    /// The pause before retrying after `error`, given the backoff's pause for this retry: the
    /// backoff itself, plus `rate_limit_delay` when the error is a rate limit.
    pub fn pause_after(&self, error: &Error, backoff: Duration) -> Duration {
        if error.is_rate_limited() { backoff + self.rate_limit_delay } else { backoff }
    }

    /// The backoff sequence for one request.
    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        let builder = ExponentialBuilder::new()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay.max(self.min_delay))
            .with_factor(self.factor.max(1.0))
            .with_max_times(self.max_retries as usize);
        if self.jitter {
            // backon's no-std build uses a fixed seed; give each request its own.
            builder.with_jitter().with_jitter_seed(rand::random())
        } else {
            builder
        }
    }
}

#[cfg(test)]
mod tests {
    use backon::BackoffBuilder;

    use super::*;
    use crate::endpoint::Endpoint;
    use crate::error::ErrorClass;

    fn api_error(code: u32) -> Error {
        Error::Api {
            code,
            message: String::new(),
            task_id: None,
            endpoint: Endpoint::Summary,
            cost: 0.0,
            class: ErrorClass::of_code(code),
        }
    }

    #[test]
    fn rate_limit_pauses_longer_than_other_retryable_errors() {
        let policy = RetryPolicy::default();
        let backoff = policy.min_delay;
        let rate_limited = policy.pause_after(&api_error(40202), backoff);
        let server_error = policy.pause_after(&api_error(50000), backoff);
        assert_eq!(server_error, backoff);
        assert_eq!(rate_limited, backoff + policy.rate_limit_delay);
        assert!(rate_limited > server_error);
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        let policy = RetryPolicy::default()
            .with_jitter(false)
            .with_delays(Duration::from_millis(10), Duration::from_millis(25));
        let pauses: Vec<Duration> = policy.backoff().build().collect();
        assert_eq!(
            pauses,
            [Duration::from_millis(10), Duration::from_millis(20), Duration::from_millis(25)]
        );
        assert_eq!(RetryPolicy::never().backoff().build().count(), 0);
    }
}
