//! The response envelope of reference §2, money in exact units, and task ids.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use chrono::{Datelike, Timelike, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// API build reported in `version`.
pub(crate) const VERSION: &str = "0.1.20260801";

/// An amount of money in units of 0.00001 USD, so that sums are exact (`0.02015`, not
/// `0.020149999999999998`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cost(i64);

impl Cost {
    pub(crate) const ZERO: Cost = Cost(0);
    /// $0.02 per live call (reference §9).
    pub(crate) const PER_REQUEST: Cost = Cost(2000);
    /// $0.00003 per billed result item (reference §9).
    pub(crate) const PER_RESULT: Cost = Cost(3);

    /// The cost of one successful live task that returned `billed_items` items.
    pub(crate) fn live_task(billed_items: u64) -> Cost {
        let items = i64::try_from(billed_items).unwrap_or(i64::MAX / 4);
        Cost(Cost::PER_REQUEST.0.saturating_add(items.saturating_mul(Cost::PER_RESULT.0)))
    }

    /// Rounds a USD amount to the nearest unit.
    pub(crate) fn from_usd(usd: f64) -> Cost {
        Cost((usd * 100_000.0).round() as i64)
    }

    pub(crate) fn usd(self) -> f64 {
        self.0 as f64 / 100_000.0
    }

    pub(crate) fn saturating_add(self, other: Cost) -> Cost {
        Cost(self.0.saturating_add(other.0))
    }

    pub(crate) fn saturating_sub(self, other: Cost) -> Cost {
        Cost(self.0.saturating_sub(other.0))
    }
}

/// A task that did not produce a result: its status code and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TaskFailure {
    pub(crate) code: u32,
    pub(crate) message: String,
}

impl TaskFailure {
    /// 40501 naming the field, as the real service words it.
    pub(crate) fn invalid_field(field: &str) -> TaskFailure {
        TaskFailure { code: 40501, message: format!("Invalid Field: '{field}'.") }
    }
}

/// The whole response (reference §2).
#[derive(Debug, Serialize)]
pub(crate) struct Envelope {
    pub(crate) version: &'static str,
    pub(crate) status_code: u32,
    pub(crate) status_message: String,
    pub(crate) time: String,
    pub(crate) cost: f64,
    pub(crate) tasks_count: usize,
    pub(crate) tasks_error: usize,
    pub(crate) tasks: Option<Vec<TaskEnvelope>>,
}

impl Envelope {
    /// A request-level answer with no tasks (`tasks: null`), such as 40100 or 40202.
    pub(crate) fn request_error(code: u32, message: &str, elapsed: Duration) -> Envelope {
        Envelope {
            version: VERSION,
            status_code: code,
            status_message: message.to_owned(),
            time: format_time(elapsed),
            cost: 0.0,
            tasks_count: 0,
            tasks_error: 0,
            tasks: None,
        }
    }

    /// A processed call: status 20000 with its tasks; the cost is the sum of the tasks' costs.
    pub(crate) fn ok(tasks: Vec<TaskEnvelope>, total: Cost, elapsed: Duration) -> Envelope {
        Envelope {
            version: VERSION,
            status_code: 20000,
            status_message: "Ok.".to_owned(),
            time: format_time(elapsed),
            cost: total.usd(),
            tasks_count: tasks.len(),
            tasks_error: tasks.iter().filter(|task| task.status_code != 20000).count(),
            tasks: Some(tasks),
        }
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an envelope of JSON values always serializes")
    }
}

/// One entry of `tasks[]`.
#[derive(Debug, Serialize)]
pub(crate) struct TaskEnvelope {
    pub(crate) id: String,
    pub(crate) status_code: u32,
    pub(crate) status_message: String,
    pub(crate) time: String,
    pub(crate) cost: f64,
    pub(crate) result_count: usize,
    pub(crate) path: Vec<String>,
    pub(crate) data: Map<String, Value>,
    pub(crate) result: TaskResults,
}

impl TaskEnvelope {
    /// A task with its outcome (`result: null` when the outcome has no result).
    pub(crate) fn new(
        id: String,
        path: &str,
        data: Map<String, Value>,
        outcome: Result<(TaskResults, Cost), TaskFailure>,
        elapsed: Duration,
    ) -> TaskEnvelope {
        let (status_code, status_message, result, cost) = match outcome {
            Ok((result, cost)) => (20000, "Ok.".to_owned(), result, cost),
            Err(failure) => (failure.code, failure.message, None, Cost::ZERO),
        };
        let result_count = result.as_ref().map_or(0, Vec::len);
        TaskEnvelope {
            id,
            status_code,
            status_message,
            time: format_time(elapsed),
            cost: cost.usd(),
            result_count,
            path: path.trim_start_matches('/').split('/').map(str::to_owned).collect(),
            data,
            result,
        }
    }
}

/// A task's `result` array as JSON texts (`None`: `"result": null`).
pub(crate) type TaskResults = Option<Vec<Box<RawValue>>>;

/// A JSON value as the text spliced into an envelope.
pub(crate) fn raw(value: &Value) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).expect("a JSON value always serializes")
}

/// `"0.0123 sec."` (reference §1.2).
pub(crate) fn format_time(elapsed: Duration) -> String {
    format!("{:.4} sec.", elapsed.as_secs_f64())
}

/// Hands out task ids shaped like the real ones (`"04270355-7763-0265-0000-22d65296b79d"`): the
/// first group is the UTC month, day, hour and minute, the last groups a scrambled counter, so ids
/// are unique within a server.
#[derive(Debug, Default)]
pub(crate) struct TaskIds {
    counter: AtomicU64,
}

impl TaskIds {
    pub(crate) fn next(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let now = Utc::now();
        let scrambled = splitmix64(n);
        format!(
            "{:02}{:02}{:02}{:02}-{:04x}-0265-0000-{:012x}",
            now.month(),
            now.day(),
            now.hour(),
            now.minute(),
            (scrambled >> 48) & 0xffff,
            // The low 24 bits are the counter itself, which keeps ids unique.
            ((scrambled & 0x00ff_ffff) << 24) | (n & 0x00ff_ffff),
        )
    }
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_follow_the_reference_examples() {
        // Compared as serialized, since that is what clients see.
        let json = |cost: Cost| serde_json::to_string(&cost.usd()).unwrap();
        assert_eq!(json(Cost::live_task(5)), "0.02015");
        assert_eq!(json(Cost::live_task(10)), "0.0203");
        assert_eq!(json(Cost::live_task(1)), "0.02003");
        assert_eq!(json(Cost::live_task(0).saturating_add(Cost::live_task(1000))), "0.07");
        assert_eq!(json(Cost::from_usd(100.0)), "100.0");
        assert_eq!(json(Cost::from_usd(0.05).saturating_sub(Cost::live_task(5))), "0.02985");
    }

    #[test]
    fn times_are_strings_with_four_decimals() {
        assert_eq!(format_time(Duration::from_micros(12_345)), "0.0123 sec.");
        assert_eq!(format_time(Duration::ZERO), "0.0000 sec.");
    }

    #[test]
    fn task_ids_are_unique_and_shaped_like_uuids() {
        let ids = TaskIds::default();
        let generated: Vec<String> = (0..1000).map(|_| ids.next()).collect();
        let unique: std::collections::BTreeSet<&String> = generated.iter().collect();
        assert_eq!(unique.len(), generated.len());
        for id in &generated {
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
        }
    }

    #[test]
    fn results_are_counted_and_failures_cost_nothing() {
        let task = TaskEnvelope::new(
            "id".to_owned(),
            "/v3/backlinks/summary/live",
            Map::new(),
            Ok((Some(vec![raw(&serde_json::json!({"target": "a.com"}))]), Cost::live_task(1))),
            Duration::ZERO,
        );
        assert_eq!(task.result_count, 1);
        assert_eq!(task.path, ["v3", "backlinks", "summary", "live"]);
        let failed = TaskEnvelope::new(
            "id".to_owned(),
            "/v3/backlinks/summary/live",
            Map::new(),
            Err(TaskFailure::invalid_field("target")),
            Duration::ZERO,
        );
        assert_eq!((failed.status_code, failed.result_count), (40501, 0));
        assert!(failed.cost.abs() < f64::EPSILON);
        assert_eq!(failed.status_message, "Invalid Field: 'target'.");
    }
}
