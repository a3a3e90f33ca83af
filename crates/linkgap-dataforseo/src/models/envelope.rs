//! The response envelope shared by every endpoint: `Response<T>` → `Task<T>` → `result[]`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The top level of every response (reference §2). Every field may be `null` or missing.
#[derive(Clone, Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Response<T> {
    /// API build, e.g. `"0.1.20240422"`.
    #[serde(default)]
    pub version: Option<String>,
    /// Request-level status (20000 = OK).
    #[serde(default)]
    pub status_code: Option<u32>,
    /// Text for `status_code`, possibly with details.
    #[serde(default)]
    pub status_message: Option<String>,
    /// Execution time as the API writes it (`"0.4120 sec."`).
    #[serde(default)]
    pub time: Option<String>,
    /// Total USD charged for this call.
    #[serde(default)]
    pub cost: Option<f64>,
    /// Entries in `tasks` as the API counts them (do not index by it).
    #[serde(default)]
    pub tasks_count: Option<u64>,
    /// How many tasks failed.
    #[serde(default)]
    pub tasks_error: Option<u64>,
    /// The tasks; `null` on request-level failures. Use [`Response::tasks`].
    #[serde(default = "none")]
    pub tasks: Option<Vec<Task<T>>>,
}

/// One task of a response. Live Backlinks calls have exactly one. A failed task can lack
/// everything but its status.
#[derive(Clone, Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Task<T> {
    /// Task id (UUID-like).
    #[serde(default)]
    pub id: Option<String>,
    /// Task-level status (20000 = OK).
    #[serde(default)]
    pub status_code: Option<u32>,
    /// Text for `status_code`.
    #[serde(default)]
    pub status_message: Option<String>,
    /// Execution time (`"0.3500 sec."`).
    #[serde(default)]
    pub time: Option<String>,
    /// USD charged for this task.
    #[serde(default)]
    pub cost: Option<f64>,
    /// Entries in `result` as the API counts them.
    #[serde(default)]
    pub result_count: Option<u64>,
    /// The URL path split on `/`, e.g. `["v3", "backlinks", "summary", "live"]`.
    #[serde(default)]
    pub path: Option<Vec<String>>,
    /// The request echoed back, plus `api` and `function`.
    #[serde(default)]
    pub data: Option<BTreeMap<String, Value>>,
    /// The endpoint's results; `null` when there is no data. Use [`Task::result`].
    #[serde(default = "none")]
    pub result: Option<Vec<T>>,
}

/// `Option::None` for fields whose type has no `Default` bound.
fn none<T>() -> Option<T> {
    None
}

impl<T> Response<T> {
    /// The tasks; empty when `tasks` is `null` or missing.
    pub fn tasks(&self) -> &[Task<T>] {
        self.tasks.as_deref().unwrap_or_default()
    }

    /// The reported cost, or the sum of the tasks' costs when the top-level one is missing.
    pub fn total_cost(&self) -> f64 {
        self.cost.unwrap_or_else(|| self.tasks().iter().filter_map(|task| task.cost).sum())
    }
}

impl<T> Task<T> {
    /// The results; empty when `result` is `null` or missing.
    pub fn result(&self) -> &[T] {
        self.result.as_deref().unwrap_or_default()
    }

    /// The results by value; empty when `result` is `null` or missing.
    pub fn into_result(self) -> Vec<T> {
        self.result.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_tasks_and_result_read_as_empty() {
        let response: Response<Value> = serde_json::from_str(
            r#"{"status_code": 40104, "cost": 0, "tasks_count": 0, "tasks": null}"#,
        )
        .unwrap();
        assert!(response.tasks().is_empty());
        assert!(response.total_cost().abs() < 1e-12);

        let response: Response<Value> = serde_json::from_str(
            r#"{"status_code": 20000, "cost": 0.02003, "tasks": [
                {"id": "t", "status_code": 20000, "result_count": 0, "result": null, "extra": 1}
            ]}"#,
        )
        .unwrap();
        assert!(response.tasks()[0].result().is_empty());
        assert_eq!(response.tasks()[0].id.as_deref(), Some("t"));
    }

    #[test]
    fn a_failed_task_may_lack_everything_but_its_status() {
        let response: Response<Value> =
            serde_json::from_str(r#"{"tasks": [{"status_code": 40501}]}"#).unwrap();
        let task = &response.tasks()[0];
        assert_eq!(task.status_code, Some(40501));
        assert_eq!(task.cost, None);
        assert!(task.result().is_empty());
        assert_eq!(response.status_code, None);
    }
}
