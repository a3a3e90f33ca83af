//! Fault injection: the JSON fault profile and the seeded per-request decisions drawn from it.

use std::{path::Path, time::Duration};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// HTTP statuses the profile may inject (`http_errors[].status`).
const HTTP_FAULT_STATUSES: [u16; 5] = [429, 500, 502, 503, 504];

/// Task-level codes the profile may inject (`task_errors[].code`), with the message the real
/// service sends for each (reference §3.2).
const TASK_FAULT_MESSAGES: [(u32, &str); 8] = [
    (40103, "Task execution failed, please try to resubmit the task."),
    (50000, "Internal Error."),
    (50001, "Error While Checking the Balance."),
    (50301, "3rd Party API Service Unavailable."),
    (50302, "Internal 3rd Party API Service Unavailable."),
    (50303, "Update in progress. Please try after a few minutes."),
    (50304, "This function temporarily unavailable, please try again later."),
    (50401, "Internal Error - Timeout."),
];

/// How the mock misbehaves, and its throughput limits.
///
/// Every random decision is drawn from a `ChaCha` stream keyed by `seed` and by the request's
/// 1-based number (counting every request to a known path), so a given seed gives the same
/// faults on the same request numbers whatever the timing. The JSON form is documented in the
/// crate docs; every field is optional and the default profile injects nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultProfile {
    /// Seed of every random decision.
    pub seed: u64,
    /// Calls accepted per sliding minute before request-level 40202 (default 2000, §3.3).
    pub per_minute: u32,
    /// Requests allowed in flight at once before request-level 40202 (default 30, §3.3).
    pub max_in_flight: u32,
    /// Whole responses replaced by an HTTP error status.
    pub http_errors: Vec<HttpFault>,
    /// Forced request-level 40202 ("rate limit exceeded"), on top of the real limits.
    pub throttle: Trigger,
    /// Task-level failures of the first task (the task costs nothing).
    pub task_errors: Vec<TaskFault>,
    /// Added delay before the request is processed.
    pub latency: Option<Latency>,
    /// The response body is cut in half (with a matching `Content-Length`).
    pub truncate: Trigger,
    /// Half the response body is written, then the connection is dropped.
    pub reset: Trigger,
}

impl Default for FaultProfile {
    fn default() -> FaultProfile {
        FaultProfile {
            seed: 0,
            per_minute: 2000,
            max_in_flight: 30,
            http_errors: Vec::new(),
            throttle: Trigger::default(),
            task_errors: Vec::new(),
            latency: None,
            truncate: Trigger::default(),
            reset: Trigger::default(),
        }
    }
}

/// When a fault fires: with a probability, or on listed request numbers (1-based), or both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Trigger {
    /// Chance per request, `0.0..=1.0`.
    pub probability: f64,
    /// Request numbers (1-based) on which the fault always fires.
    pub on_requests: Vec<u64>,
}

/// One injected HTTP error: `status` is 429, 500, 502, 503 or 504.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpFault {
    /// The HTTP status to answer with.
    pub status: u16,
    /// Chance per request, `0.0..=1.0`.
    #[serde(default)]
    pub probability: f64,
    /// Request numbers (1-based) on which this status is always answered.
    #[serde(default)]
    pub on_requests: Vec<u64>,
}

/// One injected task-level failure: `code` is 40103, 50000, 50001, 50301, 50302, 50303, 50304
/// or 50401.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskFault {
    /// The task status code to report.
    pub code: u32,
    /// Chance per request, `0.0..=1.0`.
    #[serde(default)]
    pub probability: f64,
    /// Request numbers (1-based) on which this code is always reported.
    #[serde(default)]
    pub on_requests: Vec<u64>,
}

/// Added latency: `{"fixed_ms": 50}` or `{"min_ms": 10, "max_ms": 200}` (uniform).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Latency {
    /// Always the same delay.
    Fixed {
        /// Delay in milliseconds.
        fixed_ms: u64,
    },
    /// A delay drawn uniformly from `min_ms..=max_ms`.
    Uniform {
        /// Shortest delay in milliseconds.
        min_ms: u64,
        /// Longest delay in milliseconds.
        max_ms: u64,
    },
}

impl FaultProfile {
    /// Parses a profile from its JSON text and validates it.
    pub fn from_json(text: &str) -> Result<FaultProfile, Error> {
        FaultProfile::parse(text, Path::new("<inline>"))
    }

    /// Reads a profile from a JSON file and validates it.
    pub fn from_file(path: &Path) -> Result<FaultProfile, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::ReadFaults { path: path.to_path_buf(), source })?;
        FaultProfile::parse(&text, path)
    }

    fn parse(text: &str, path: &Path) -> Result<FaultProfile, Error> {
        let profile: FaultProfile =
            serde_json::from_str(text).map_err(|error| Error::ParseFaults {
                path: path.to_path_buf(),
                line: error.line(),
                column: error.column(),
                message: error.to_string(),
            })?;
        profile.validate()?;
        Ok(profile)
    }

    /// Checks probabilities, statuses, codes and latency bounds.
    pub fn validate(&self) -> Result<(), Error> {
        let mut probabilities = vec![
            ("throttle", self.throttle.probability),
            ("truncate", self.truncate.probability),
            ("reset", self.reset.probability),
        ];
        for fault in &self.http_errors {
            if !HTTP_FAULT_STATUSES.contains(&fault.status) {
                return Err(Error::InvalidFaults(format!(
                    "unsupported HTTP status `{}` (use one of 429, 500, 502, 503, 504)",
                    fault.status
                )));
            }
            probabilities.push(("http_errors", fault.probability));
        }
        for fault in &self.task_errors {
            if task_fault_message(fault.code).is_none() {
                return Err(Error::InvalidFaults(format!(
                    "unsupported task status code `{}` (use one of 40103, 50000, 50001, 50301, \
                     50302, 50303, 50304, 50401)",
                    fault.code
                )));
            }
            probabilities.push(("task_errors", fault.probability));
        }
        for (name, probability) in probabilities {
            if !(0.0..=1.0).contains(&probability) {
                return Err(Error::InvalidFaults(format!(
                    "probability `{probability}` of `{name}` is outside 0..=1"
                )));
            }
        }
        if let Some(Latency::Uniform { min_ms, max_ms }) = self.latency
            && min_ms > max_ms
        {
            return Err(Error::InvalidFaults(format!(
                "latency `min_ms` {min_ms} is above `max_ms` {max_ms}"
            )));
        }
        if self.max_in_flight == 0 || self.per_minute == 0 {
            return Err(Error::InvalidFaults(
                "`per_minute` and `max_in_flight` must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }

    /// Draws the faults of request number `request_no` (1-based).
    ///
    /// The draws happen in a fixed order and always consume the same amount of randomness, so
    /// adding a fault of one kind does not change the decisions of the others.
    pub(crate) fn decide(&self, request_no: u64) -> Decision {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(request_no);
        let mut fires = |probability: f64, on_requests: &[u64]| {
            let draw: f64 = rng.random();
            on_requests.contains(&request_no) || draw < probability
        };
        let mut http_error = None;
        for fault in &self.http_errors {
            if fires(fault.probability, &fault.on_requests) && http_error.is_none() {
                http_error = Some(fault.status);
            }
        }
        let throttle = fires(self.throttle.probability, &self.throttle.on_requests);
        let mut task_error = None;
        for fault in &self.task_errors {
            if fires(fault.probability, &fault.on_requests) && task_error.is_none() {
                task_error = Some(fault.code);
            }
        }
        let truncate = fires(self.truncate.probability, &self.truncate.on_requests);
        let reset = fires(self.reset.probability, &self.reset.on_requests);
        let latency_ms = match self.latency {
            None => 0,
            Some(Latency::Fixed { fixed_ms }) => fixed_ms,
            Some(Latency::Uniform { min_ms, max_ms }) => rng.random_range(min_ms..=max_ms),
        };
        let body = if reset {
            BodyFault::Reset
        } else if truncate {
            BodyFault::Truncate
        } else {
            BodyFault::None
        };
        Decision {
            http_error,
            throttle,
            task_error,
            latency: Duration::from_millis(latency_ms),
            body,
        }
    }
}

/// The message of an injectable task-level code.
pub(crate) fn task_fault_message(code: u32) -> Option<&'static str> {
    TASK_FAULT_MESSAGES.iter().find(|(known, _)| *known == code).map(|(_, message)| *message)
}

/// The faults drawn for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Answer with this HTTP status instead of processing the request.
    pub(crate) http_error: Option<u16>,
    /// Answer with request-level 40202.
    pub(crate) throttle: bool,
    /// Fail the first task with this code.
    pub(crate) task_error: Option<u32>,
    /// Wait this long before processing.
    pub(crate) latency: Duration,
    /// What to do to the response body.
    pub(crate) body: BodyFault,
}

/// Damage done to a response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyFault {
    /// Send the body as it is.
    None,
    /// Send only the first half, with a `Content-Length` that matches the half.
    Truncate,
    /// Send the first half, then drop the connection.
    Reset,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_injects_nothing() {
        let profile = FaultProfile::default();
        for request_no in 1..200 {
            let decision = profile.decide(request_no);
            assert_eq!(decision.http_error, None);
            assert!(!decision.throttle);
            assert_eq!(decision.task_error, None);
            assert_eq!(decision.latency, Duration::ZERO);
            assert_eq!(decision.body, BodyFault::None);
        }
    }

    #[test]
    fn listed_request_numbers_always_fire() {
        let profile = FaultProfile::from_json(
            r#"{"http_errors": [{"status": 503, "on_requests": [3]}],
                "task_errors": [{"code": 50401, "on_requests": [5]}],
                "reset": {"on_requests": [7]}}"#,
        )
        .unwrap();
        assert_eq!(profile.decide(3).http_error, Some(503));
        assert_eq!(profile.decide(4).http_error, None);
        assert_eq!(profile.decide(5).task_error, Some(50401));
        assert_eq!(profile.decide(7).body, BodyFault::Reset);
        assert_eq!(profile.decide(8).body, BodyFault::None);
    }

    #[test]
    fn decisions_depend_only_on_seed_and_request_number() {
        let text = r#"{"seed": 7, "http_errors": [{"status": 500, "probability": 0.3}],
                       "latency": {"min_ms": 1, "max_ms": 90}}"#;
        let first = FaultProfile::from_json(text).unwrap();
        let second = FaultProfile::from_json(text).unwrap();
        let draws: Vec<Decision> = (1..100).map(|n| first.decide(n)).collect();
        let again: Vec<Decision> = (1..100).rev().map(|n| second.decide(n)).rev().collect();
        assert_eq!(draws, again);
        let failures = draws.iter().filter(|decision| decision.http_error.is_some()).count();
        assert!((10..60).contains(&failures), "{failures} of 99 failed at p = 0.3");
        let other_seed = FaultProfile { seed: 8, ..first.clone() };
        let other: Vec<Decision> = (1..100).map(|n| other_seed.decide(n)).collect();
        assert_ne!(draws, other);
    }

    #[test]
    fn invalid_profiles_are_refused_with_the_reason() {
        let error = FaultProfile::from_json(r#"{"http_errors": [{"status": 418}]}"#).unwrap_err();
        assert!(error.to_string().contains("`418`"), "{error}");
        let error = FaultProfile::from_json(r#"{"truncate": {"probability": 1.5}}"#).unwrap_err();
        assert!(error.to_string().contains("`truncate`"), "{error}");
        let error = FaultProfile::from_json("{\n  \"sed\": 1\n}").unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
        let error =
            FaultProfile::from_json(r#"{"latency": {"min_ms": 9, "max_ms": 2}}"#).unwrap_err();
        assert!(error.to_string().contains("min_ms"), "{error}");
    }

    #[test]
    fn the_shipped_example_profile_is_valid() {
        let profile = FaultProfile::from_json(include_str!("../faults.example.json")).unwrap();
        assert_eq!(profile.seed, 42);
        assert_eq!(profile.decide(5).http_error, Some(503));
        assert_eq!(profile.decide(9).task_error, Some(50401));
        assert_eq!(profile.decide(13).body, BodyFault::Truncate);
    }

    #[test]
    fn latency_accepts_fixed_and_uniform_forms() {
        let fixed = FaultProfile::from_json(r#"{"latency": {"fixed_ms": 40}}"#).unwrap();
        assert_eq!(fixed.decide(1).latency, Duration::from_millis(40));
        let uniform =
            FaultProfile::from_json(r#"{"latency": {"min_ms": 10, "max_ms": 20}}"#).unwrap();
        for request_no in 1..50 {
            let latency = uniform.decide(request_no).latency;
            assert!(latency >= Duration::from_millis(10) && latency <= Duration::from_millis(20));
        }
    }
}
