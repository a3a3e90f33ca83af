//! The crate's error type and the classification of the API's status codes (reference §3).

use std::time::Duration;

use crate::endpoint::Endpoint;
use crate::request::InvalidRequest;

/// The status code of a successful request or task.
pub const STATUS_OK: u32 = 20000;

/// The status code the API answers when the per-minute rate limit is exceeded.
pub const STATUS_RATE_LIMITED: u32 = 40202;

/// What a caller should do about an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Transient: the same request may succeed later (transport errors, HTTP 429/5xx, 40202,
    /// 40103, 50000, ...). The client already retried it a bounded number of times.
    Retryable,
    /// Stop the whole run: payment, cost limit, blocked or unverified account, no subscription,
    /// bad credentials, IP not allowed, or the caller's own budget is spent.
    Fatal,
    /// The request was malformed: a bug in the caller or in this crate (40000, 40501, 40503, ...).
    ClientBug,
    /// Anything else (not found, duplicate-task limits, unknown codes).
    Other,
}

impl ErrorClass {
    /// Classifies a status code of the API (reference §3.2).
    pub fn of_code(code: u32) -> ErrorClass {
        match code {
            40101 | 40103 | 40202 | 50000 | 50001 | 50301 | 50302 | 50303 | 50304 | 50401
            | 50402 => ErrorClass::Retryable,
            40100 | 40104 | 40200 | 40201 | 40203 | 40204 | 40207 | 40210 => ErrorClass::Fatal,
            40000..=40006 | 40402 | 40501..=40504 | 40506 | 50100 => ErrorClass::ClientBug,
            _ => ErrorClass::Other,
        }
    }

    /// The internal status code the API pairs with an HTTP error status, where one is known
    /// (401 → 40100, 402 → 40200, 403 → 40104).
    pub fn code_for_http_status(status: u16) -> Option<u32> {
        match status {
            401 => Some(40100),
            402 => Some(40200),
            403 => Some(40104),
            _ => None,
        }
    }
}

/// Every way a call to the API can fail.
///
/// Each variant keeps what a user needs to act: the endpoint, the API's code and message, the task
/// id and the cost that was charged anyway. No variant ever holds the credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request did not complete: connection, TLS, timeout, or a body cut off in transfer.
    #[error("request to `{endpoint}` failed")]
    Transport {
        /// The endpoint called.
        endpoint: Endpoint,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with a non-2xx HTTP status.
    #[error("`{endpoint}` answered HTTP {status}{}: {message}", code.map(|code| format!(" (status `{code}`)")).unwrap_or_default())]
    Http {
        /// The HTTP status.
        status: u16,
        /// The API's status code from the body, or the one paired with the HTTP status.
        code: Option<u32>,
        /// The `status_message` from the body, or the HTTP reason phrase.
        message: String,
        /// The endpoint called.
        endpoint: Endpoint,
        /// The top-level `cost` of the body, 0 when there was none.
        cost: f64,
    },
    /// The request-level or a task-level `status_code` is not 20000.
    #[error("`{endpoint}` failed with status `{code}`: {message}{}", task_id.as_ref().map(|id| format!(" (task `{id}`)")).unwrap_or_default())]
    Api {
        /// The API's status code.
        code: u32,
        /// The `status_message` (may carry details such as the invalid field).
        message: String,
        /// The task id, for task-level failures.
        task_id: Option<String>,
        /// The endpoint called.
        endpoint: Endpoint,
        /// The top-level `cost` of the response (charged even though the call failed).
        cost: f64,
        /// What to do about it.
        class: ErrorClass,
    },
    /// The body is not JSON, is cut off, or does not fit the response model.
    #[error("cannot decode the response of `{endpoint}` at `{path}`: {message}")]
    Decode {
        /// The endpoint called.
        endpoint: Endpoint,
        /// The JSON path of the value that failed (`tasks[0].result[0].total_count`), `.` for the root.
        path: String,
        /// The parser's message.
        message: String,
        /// The first bytes of the body, for diagnosis.
        body_excerpt: String,
    },
    /// A retryable error persisted through every retry.
    #[error("gave up on `{endpoint}` after {attempts} attempts in {elapsed:?}")]
    RetriesExhausted {
        /// The endpoint called.
        endpoint: Endpoint,
        /// Requests sent, the first one included.
        attempts: u32,
        /// Time from the first attempt to giving up, pauses included.
        elapsed: Duration,
        /// The error of the last attempt.
        #[source]
        last: Box<Error>,
    },
    /// The request failed validation on the client: nothing was sent, nothing was charged.
    #[error("invalid field `{}` in the request for `{endpoint}`", source.field)]
    InvalidRequest {
        /// The endpoint the request is for.
        endpoint: Endpoint,
        /// The field at fault and why.
        #[source]
        source: InvalidRequest,
    },
    /// The request's worst-case price exceeds what is left of the [`Budget`](crate::Budget):
    /// nothing was sent.
    #[error(
        "budget exceeded: `{endpoint}` may cost up to ${needed:.5} but ${remaining:.5} is left"
    )]
    BudgetExceeded {
        /// The endpoint the request is for.
        endpoint: Endpoint,
        /// The worst-case price of the request in USD.
        needed: f64,
        /// What is left of the budget in USD (spent and in-flight reservations deducted).
        remaining: f64,
    },
    /// The response cache failed to read or write.
    #[error("response cache failed for `{endpoint}`")]
    Cache {
        /// The endpoint whose response was being cached.
        endpoint: Endpoint,
        /// The cache's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The client configuration is invalid (from [`ClientBuilder::build`](crate::ClientBuilder::build)).
    #[error("invalid client configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// What a caller should do about this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Transport { source, .. } => {
                if source.is_builder() {
                    ErrorClass::ClientBug
                } else {
                    ErrorClass::Retryable
                }
            }
            Error::Http { status, code, .. } => {
                if *status == 429 || *status >= 500 {
                    ErrorClass::Retryable
                } else if let Some(code) = code {
                    ErrorClass::of_code(*code)
                } else if *status == 404 {
                    ErrorClass::ClientBug
                } else {
                    ErrorClass::Other
                }
            }
            Error::Api { class, .. } => *class,
            Error::InvalidRequest { .. } | Error::Config { .. } => ErrorClass::ClientBug,
            Error::BudgetExceeded { .. } => ErrorClass::Fatal,
            Error::RetriesExhausted { last, .. } => match last.class() {
                ErrorClass::Fatal => ErrorClass::Fatal,
                _ => ErrorClass::Other,
            },
            Error::Decode { .. } | Error::Cache { .. } => ErrorClass::Other,
        }
    }

    /// Whether the request may succeed if sent again (the client retries these itself).
    pub fn is_retryable(&self) -> bool {
        self.class() == ErrorClass::Retryable
    }

    /// Whether the whole run should stop (payment, cost limit, account problems, budget spent).
    pub fn is_fatal(&self) -> bool {
        self.class() == ErrorClass::Fatal
    }

    /// Whether this is the per-minute rate limit (40202 or HTTP 429), which earns a longer pause.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Http { status, code, .. } => {
                *status == 429 || *code == Some(STATUS_RATE_LIMITED)
            }
            Error::Api { code, .. } => *code == STATUS_RATE_LIMITED,
            _ => false,
        }
    }

    /// The API's status code, if the server sent or implied one.
    pub fn code(&self) -> Option<u32> {
        match self {
            Error::Http { code, .. } => *code,
            Error::Api { code, .. } => Some(*code),
            Error::RetriesExhausted { last, .. } => last.code(),
            _ => None,
        }
    }

    /// The endpoint the failed request was for, if any.
    pub fn endpoint(&self) -> Option<Endpoint> {
        match self {
            Error::Transport { endpoint, .. }
            | Error::Http { endpoint, .. }
            | Error::Api { endpoint, .. }
            | Error::Decode { endpoint, .. }
            | Error::RetriesExhausted { endpoint, .. }
            | Error::InvalidRequest { endpoint, .. }
            | Error::BudgetExceeded { endpoint, .. }
            | Error::Cache { endpoint, .. } => Some(*endpoint),
            Error::Config { .. } => None,
        }
    }

    /// The cost the server reported for the failed response (of the last attempt, for
    /// [`Error::RetriesExhausted`]). The [`Ledger`](crate::Ledger) has the sum over all attempts.
    pub fn cost(&self) -> f64 {
        match self {
            Error::Http { cost, .. } | Error::Api { cost, .. } => *cost,
            Error::RetriesExhausted { last, .. } => last.cost(),
            _ => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_reference_has_its_class() {
        for code in [40200, 40201, 40203, 40204, 40210, 40100, 40104, 40207] {
            assert_eq!(ErrorClass::of_code(code), ErrorClass::Fatal, "{code}");
        }
        for code in [40000, 40006, 40501, 40502, 40503, 40506, 50100] {
            assert_eq!(ErrorClass::of_code(code), ErrorClass::ClientBug, "{code}");
        }
        for code in [40202, 40103, 50000, 50001, 50301, 50302, 50303, 50304, 50401] {
            assert_eq!(ErrorClass::of_code(code), ErrorClass::Retryable, "{code}");
        }
        for code in [40102, 40205, 40206, 40400, 40401, 40403, 40404, 40505, 40601, 40602, 12345] {
            assert_eq!(ErrorClass::of_code(code), ErrorClass::Other, "{code}");
        }
    }

    #[test]
    fn http_statuses_map_to_codes_and_classes() {
        let http = |status: u16| Error::Http {
            status,
            code: ErrorClass::code_for_http_status(status),
            message: String::new(),
            endpoint: Endpoint::Summary,
            cost: 0.0,
        };
        assert_eq!(http(401).code(), Some(40100));
        assert!(http(401).is_fatal());
        assert!(http(402).is_fatal());
        assert!(http(403).is_fatal());
        assert_eq!(http(404).class(), ErrorClass::ClientBug);
        assert!(http(429).is_retryable());
        assert!(http(429).is_rate_limited());
        assert!(http(500).is_retryable());
        assert!(http(503).is_retryable());
        assert_eq!(http(418).class(), ErrorClass::Other);
    }

    #[test]
    fn messages_name_endpoint_code_and_task() {
        let error = Error::Api {
            code: 40501,
            message: "Invalid Field: 'target'.".to_owned(),
            task_id: Some("t-1".to_owned()),
            endpoint: Endpoint::Backlinks,
            cost: 0.0,
            class: ErrorClass::of_code(40501),
        };
        assert_eq!(
            error.to_string(),
            "`/v3/backlinks/backlinks/live` failed with status `40501`: Invalid Field: 'target'. (task `t-1`)"
        );
    }
}
