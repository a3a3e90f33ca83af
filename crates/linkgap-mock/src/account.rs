//! Account state of the mock: balance, the per-minute window, the task log, and the three
//! account endpoints computed from it (`id_list`, `errors`, `appendix/user_data`).

use std::{
    collections::VecDeque,
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use crate::envelope::{Cost, TaskFailure};

/// Timestamp format of the API (reference §1.2).
const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S %:z";

/// Default and maximum `limit` of `id_list` and `errors` (reference §7.22, §7.23).
const MAX_LIST_LIMIT: u64 = 1000;

/// How long failed tasks stay visible to `errors` (reference §7.23).
const ERRORS_WINDOW_DAYS: i64 = 7;

/// The live functions whose price `user_data` lists.
pub(crate) const PRICED_FUNCTIONS: [&str; 20] = [
    "summary",
    "history",
    "backlinks",
    "anchors",
    "domain_pages",
    "domain_pages_summary",
    "referring_domains",
    "referring_networks",
    "competitors",
    "domain_intersection",
    "page_intersection",
    "timeseries_summary",
    "timeseries_new_lost_summary",
    "bulk_ranks",
    "bulk_backlinks",
    "bulk_spam_score",
    "bulk_referring_domains",
    "bulk_new_lost_backlinks",
    "bulk_new_lost_referring_domains",
    "bulk_pages_summary",
];

/// One executed task, as `id_list` and `errors` report it.
#[derive(Clone, Debug)]
pub(crate) struct TaskRecord {
    pub(crate) id: String,
    /// The path below `/v3/backlinks/` (`"summary/live"`), as `errors` names functions.
    pub(crate) function: String,
    /// The full URL that was called.
    pub(crate) url: String,
    pub(crate) http_method: &'static str,
    pub(crate) http_code: u16,
    pub(crate) posted: DateTime<Utc>,
    pub(crate) done: DateTime<Utc>,
    pub(crate) status_code: u32,
    pub(crate) status_message: String,
    pub(crate) cost: Cost,
    /// The task as posted (without `api`/`function`).
    pub(crate) metadata: Map<String, Value>,
}

/// Balance, rate window and task log, shared by every request of one server.
#[derive(Debug)]
pub(crate) struct Account {
    login: String,
    total: Cost,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    balance: Cost,
    spent: Cost,
    calls: VecDeque<Instant>,
    log: Vec<TaskRecord>,
}

impl Account {
    pub(crate) fn new(login: String, balance: Cost) -> Account {
        Account {
            login,
            total: balance,
            state: Mutex::new(State {
                balance,
                spent: Cost::ZERO,
                calls: VecDeque::new(),
                log: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-updated in a way that
        // matters for a mock, so a poisoned lock is used as it is.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a call against the sliding one-minute window; false when the window is full.
    pub(crate) fn admit_call(&self, per_minute: u32, now: Instant) -> bool {
        let mut state = self.lock();
        while let Some(&oldest) = state.calls.front()
            && now.duration_since(oldest) >= Duration::from_mins(1)
        {
            state.calls.pop_front();
        }
        if state.calls.len() >= per_minute as usize {
            return false;
        }
        state.calls.push_back(now);
        true
    }

    /// The balance left.
    pub(crate) fn balance(&self) -> Cost {
        self.lock().balance
    }

    /// Takes `cost` from the balance (which may end slightly below zero, as a call is charged
    /// in full once it ran) and appends the call's tasks to the log.
    pub(crate) fn settle(&self, cost: Cost, records: Vec<TaskRecord>) {
        let mut state = self.lock();
        state.balance = state.balance.saturating_sub(cost);
        state.spent = state.spent.saturating_add(cost);
        state.log.extend(records);
    }

    /// `POST /v3/backlinks/id_list` (reference §7.22).
    pub(crate) fn id_list(&self, task: &Map<String, Value>) -> Result<Vec<Value>, TaskFailure> {
        let from = required_timestamp(task, "datetime_from")?;
        let to = required_timestamp(task, "datetime_to")?;
        let (limit, offset) = limit_and_offset(task)?;
        let descending = match task.get("sort") {
            None | Some(Value::Null) => false,
            Some(Value::String(sort)) if sort == "asc" => false,
            Some(Value::String(sort)) if sort == "desc" => true,
            Some(_) => return Err(TaskFailure::invalid_field("sort")),
        };
        let include_metadata = match task.get("include_metadata") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err(TaskFailure::invalid_field("include_metadata")),
        };
        let state = self.lock();
        let mut records: Vec<&TaskRecord> =
            state.log.iter().filter(|record| record.done >= from && record.done <= to).collect();
        records.sort_by_key(|record| record.done);
        if descending {
            records.reverse();
        }
        let items: Vec<Value> = records
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|record| {
                let mut item = json!({
                    "id": record.id,
                    "url": record.url,
                    "datetime_posted": format_timestamp(record.posted),
                    "datetime_done": format_timestamp(record.done),
                    "status": record.status_message,
                    "cost": record.cost.usd(),
                });
                if include_metadata {
                    item["metadata"] = Value::Object(record.metadata.clone());
                }
                item
            })
            .collect();
        Ok(items)
    }

    /// `POST /v3/backlinks/errors` (reference §7.23): failed tasks of the last seven days.
    pub(crate) fn errors(
        &self,
        task: &Map<String, Value>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Value>, TaskFailure> {
        let (limit, offset) = limit_and_offset(task)?;
        let filtered_function = match task.get("filtered_function") {
            None | Some(Value::Null) => None,
            Some(Value::String(function)) => Some(function.clone()),
            Some(_) => return Err(TaskFailure::invalid_field("filtered_function")),
        };
        let window_start = now - chrono::Duration::days(ERRORS_WINDOW_DAYS);
        let from = optional_timestamp(task, "datetime_from")?.unwrap_or(window_start);
        let to = optional_timestamp(task, "datetime_to")?.unwrap_or(now);
        let state = self.lock();
        let items: Vec<Value> = state
            .log
            .iter()
            .filter(|record| record.status_code != 20000)
            .filter(|record| {
                record.done >= window_start && record.done >= from && record.done <= to
            })
            .filter(|record| filtered_function.as_ref().is_none_or(|f| *f == record.function))
            .skip(offset)
            .take(limit)
            .map(|record| {
                json!({
                    "id": record.id,
                    "datetime": format_timestamp(record.done),
                    "function": record.function,
                    "error_code": record.status_code,
                    "error_message": record.status_message,
                    "http_url": record.url,
                    "http_method": record.http_method,
                    "http_code": record.http_code,
                    "http_time": (record.done - record.posted).as_seconds_f64(),
                    "http_response": record.status_message,
                })
            })
            .collect();
        Ok(items)
    }

    /// `GET /v3/appendix/user_data` (reference §3.4): one result object.
    pub(crate) fn user_data(&self, per_minute: u32, today: NaiveDate) -> Value {
        let state = self.lock();
        let mut backlinks_prices = Map::new();
        for function in PRICED_FUNCTIONS {
            backlinks_prices.insert(
                function.to_owned(),
                json!({ "live": { "priority_normal": [
                    { "cost_type": "per_request", "cost": Cost::PER_REQUEST.usd() },
                    { "cost_type": "per_result", "cost": Cost::PER_RESULT.usd() },
                ] } }),
            );
        }
        let expiry = today
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(today)
            .and_hms_opt(0, 0, 0)
            .map(|time| format_timestamp(time.and_utc()));
        let calls_last_minute = state.calls.len();
        json!({
            "login": self.login,
            "timezone": "UTC",
            "rates": {
                "limits": { "minute": per_minute, "day": u64::from(per_minute) * 60 * 24 },
                "statistics": { "minute": calls_last_minute, "day": state.log.len() },
            },
            "money": {
                "total": self.total.usd(),
                "balance": state.balance.usd(),
                "limits": { "day": null },
                "statistics": { "total": state.spent.usd() },
            },
            "price": { "backlinks": backlinks_prices },
            "backlinks_subscription_expiry_date": expiry,
        })
    }
}

/// Formats a timestamp as the API does: `"2019-11-15 12:57:46 +00:00"`.
pub(crate) fn format_timestamp(time: DateTime<Utc>) -> String {
    time.format(TIMESTAMP_FORMAT).to_string()
}

fn optional_timestamp(
    task: &Map<String, Value>,
    field: &str,
) -> Result<Option<DateTime<Utc>>, TaskFailure> {
    match task.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => DateTime::parse_from_str(text, TIMESTAMP_FORMAT)
            .map(|time| Some(time.with_timezone(&Utc)))
            .map_err(|_| TaskFailure::invalid_field(field)),
        Some(_) => Err(TaskFailure::invalid_field(field)),
    }
}

fn required_timestamp(
    task: &Map<String, Value>,
    field: &str,
) -> Result<DateTime<Utc>, TaskFailure> {
    optional_timestamp(task, field)?.ok_or_else(|| TaskFailure::invalid_field(field))
}

fn limit_and_offset(task: &Map<String, Value>) -> Result<(usize, usize), TaskFailure> {
    let limit = match task.get("limit") {
        None | Some(Value::Null) => MAX_LIST_LIMIT,
        Some(value) => match value.as_u64() {
            Some(limit) if (1..=MAX_LIST_LIMIT).contains(&limit) => limit,
            _ => return Err(TaskFailure::invalid_field("limit")),
        },
    };
    let offset = match task.get("offset") {
        None | Some(Value::Null) => 0,
        Some(value) => value.as_u64().ok_or_else(|| TaskFailure::invalid_field("offset"))?,
    };
    Ok((limit as usize, usize::try_from(offset).unwrap_or(usize::MAX)))
}
