//! Integration tests of the API client against a loopback mock server (one test binary).

mod batching;
mod budget;
mod cache;
mod limits;
mod paging;
mod redaction;
mod retries;
mod status;
mod support;
