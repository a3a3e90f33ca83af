//! Cost control: the ledger of spend, the budget, the price table and dry-run estimates.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::request::ApiRequest;

/// Tolerance for comparing USD amounts, far below the smallest price step ($0.00001).
const EPSILON_USD: f64 = 1e-9;

/// Counters and spend for one endpoint (see [`Ledger`]).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct EndpointLedger {
    /// HTTP requests sent, retries included.
    pub calls: u64,
    /// Requests answered from the cache (not sent, not charged).
    pub cache_hits: u64,
    /// Retries (attempts after the first).
    pub retries: u64,
    /// Requests that ended in an error (after retries).
    pub errors: u64,
    /// Sum of the top-level `cost` of every response, failed and retried ones included, in USD.
    pub cost: f64,
}

/// A snapshot of what a client (and all its clones) has spent, from [`Client::ledger`](crate::Client::ledger).
///
/// Spend is the sum of the `cost` the API reported, never an estimate (reference §9).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Ledger {
    /// HTTP requests sent, retries included.
    pub calls: u64,
    /// Requests answered from the cache.
    pub cache_hits: u64,
    /// Retries.
    pub retries: u64,
    /// Requests that ended in an error.
    pub errors: u64,
    /// Total reported cost in USD.
    pub total_cost: f64,
    /// The same counters per endpoint, for the endpoints used so far.
    pub per_endpoint: BTreeMap<Endpoint, EndpointLedger>,
}

impl Ledger {
    /// The counters of one endpoint (zero when it was never used).
    pub fn endpoint(&self, endpoint: Endpoint) -> EndpointLedger {
        self.per_endpoint.get(&endpoint).cloned().unwrap_or_default()
    }
}

/// The live ledger behind [`Client::ledger`](crate::Client::ledger), shared by every clone.
#[derive(Default)]
pub(crate) struct LedgerCell {
    state: Mutex<Ledger>,
}

impl LedgerCell {
    fn update(&self, endpoint: Endpoint, apply: impl Fn(&mut EndpointLedger)) {
        let mut ledger = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        apply(ledger.per_endpoint.entry(endpoint).or_default());
        let mut total = EndpointLedger::default();
        apply(&mut total);
        ledger.calls += total.calls;
        ledger.cache_hits += total.cache_hits;
        ledger.retries += total.retries;
        ledger.errors += total.errors;
        ledger.total_cost += total.cost;
    }

    /// One request sent and its response's top-level cost (0 when the response had none).
    pub(crate) fn record_call(&self, endpoint: Endpoint, cost: f64) {
        self.update(endpoint, |entry| {
            entry.calls += 1;
            entry.cost += cost;
        });
    }

    pub(crate) fn record_cache_hit(&self, endpoint: Endpoint) {
        self.update(endpoint, |entry| entry.cache_hits += 1);
    }

    pub(crate) fn record_retry(&self, endpoint: Endpoint) {
        self.update(endpoint, |entry| entry.retries += 1);
    }

    pub(crate) fn record_error(&self, endpoint: Endpoint) {
        self.update(endpoint, |entry| entry.errors += 1);
    }

    pub(crate) fn snapshot(&self) -> Ledger {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// A spending limit in USD, shared by every clone of the client it is given to (and by any other
/// client given a clone of it).
///
/// Before each request is sent, its worst-case price is reserved; the request is refused with
/// [`Error::BudgetExceeded`](crate::Error::BudgetExceeded) if that exceeds
/// `max − spent − reserved`. When the response arrives, its reported cost is added to `spent` and
/// the reservation is released.
#[derive(Clone, Debug)]
pub struct Budget {
    inner: Arc<Mutex<BudgetState>>,
}

#[derive(Debug)]
struct BudgetState {
    max: f64,
    spent: f64,
    reserved: f64,
}

impl Budget {
    /// A budget of `max_usd` dollars, nothing spent.
    pub fn new(max_usd: f64) -> Budget {
        Budget {
            inner: Arc::new(Mutex::new(BudgetState {
                max: max_usd.max(0.0),
                spent: 0.0,
                reserved: 0.0,
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, BudgetState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The limit in USD.
    pub fn max(&self) -> f64 {
        self.state().max
    }

    /// The reported cost of every response so far, in USD.
    pub fn spent(&self) -> f64 {
        self.state().spent
    }

    /// Worst-case prices of the requests in flight, in USD.
    pub fn reserved(&self) -> f64 {
        self.state().reserved
    }

    /// `max − spent − reserved`, never negative.
    pub fn remaining(&self) -> f64 {
        let state = self.state();
        (state.max - state.spent - state.reserved).max(0.0)
    }

    /// Reserves `amount` for a request about to be sent, or returns what is left.
    pub(crate) fn reserve(&self, amount: f64) -> Result<Reservation, f64> {
        let mut state = self.state();
        let remaining = (state.max - state.spent - state.reserved).max(0.0);
        if amount > remaining + EPSILON_USD {
            return Err(remaining);
        }
        state.reserved += amount;
        Ok(Reservation { budget: self.clone(), amount })
    }

    /// Adds a reported cost to the spend.
    pub(crate) fn spend(&self, cost: f64) {
        self.state().spent += cost;
    }
}

/// A worst-case price held for a request in flight; released when dropped (also when the
/// request's future is cancelled).
pub(crate) struct Reservation {
    budget: Budget,
    amount: f64,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut state = self.budget.state();
        state.reserved = (state.reserved - self.amount).max(0.0);
    }
}

/// The price of one endpoint: a fixed part per request plus a part per billed row (reference §9).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    /// USD per request.
    pub per_request: f64,
    /// USD per result row (per target on bulk endpoints).
    pub per_row: f64,
}

impl Price {
    /// The working formula of reference §9: $0.02 per request plus $0.00003 per row.
    pub const DEFAULT: Price = Price { per_request: 0.02, per_row: 0.000_03 };

    /// The price of a request billed for at most `rows` rows.
    pub fn worst_case(self, rows: u64) -> f64 {
        self.per_request + self.per_row * rows as f64
    }
}

/// Prices per endpoint, used for the budget's worst-case checks and for estimates. The reported
/// `cost` of each response, not this table, is what the ledger adds up.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceTable {
    default: Price,
    per_endpoint: BTreeMap<Endpoint, Price>,
}

impl Default for PriceTable {
    fn default() -> PriceTable {
        PriceTable { default: Price::DEFAULT, per_endpoint: BTreeMap::new() }
    }
}

impl PriceTable {
    /// Sets the price of one endpoint.
    #[must_use]
    pub fn with_price(mut self, endpoint: Endpoint, price: Price) -> PriceTable {
        self.per_endpoint.insert(endpoint, price);
        self
    }

    /// Sets the price of every endpoint without an explicit one.
    #[must_use]
    pub fn with_default(mut self, price: Price) -> PriceTable {
        self.default = price;
        self
    }

    /// The price of an endpoint; free endpoints (§9) cost nothing unless set explicitly.
    pub fn price(&self, endpoint: Endpoint) -> Price {
        match self.per_endpoint.get(&endpoint) {
            Some(price) => *price,
            None if endpoint.is_free() => Price { per_request: 0.0, per_row: 0.0 },
            None => self.default,
        }
    }

    /// The worst-case price of a request: `per_request + per_row × max_billed_rows()`.
    pub fn worst_case<R: ApiRequest>(&self, request: &R) -> f64 {
        self.price(R::ENDPOINT).worst_case(request.max_billed_rows())
    }

    /// Reads the Backlinks prices from `GET /v3/appendix/user_data`: `value` is `result[0]` (with a
    /// `price` key) or the `price` object itself. Each
    /// `price.backlinks.<function>.live.priority_normal[]` entry with `cost_type` `per_request` or
    /// `per_result` overrides the default; endpoints missing from the table keep it.
    pub fn from_user_data(value: &Value) -> PriceTable {
        let price = value.get("price").unwrap_or(value);
        let mut table = PriceTable::default();
        let Some(backlinks) = price.get("backlinks") else { return table };
        for endpoint in Endpoint::ALL {
            let Some(entries) = backlinks
                .get(endpoint.function())
                .and_then(|function| function.get("live"))
                .and_then(|live| live.get("priority_normal"))
                .and_then(Value::as_array)
            else {
                continue;
            };
            let mut endpoint_price = Price { per_request: 0.0, per_row: 0.0 };
            let mut found = false;
            for entry in entries {
                let cost = entry.get("cost").and_then(Value::as_f64);
                match (entry.get("cost_type").and_then(Value::as_str), cost) {
                    (Some("per_request"), Some(cost)) => {
                        endpoint_price.per_request = cost;
                        found = true;
                    }
                    (Some("per_result"), Some(cost)) => {
                        endpoint_price.per_row = cost;
                        found = true;
                    }
                    _ => {}
                }
            }
            if found {
                table.per_endpoint.insert(endpoint, endpoint_price);
            }
        }
        table
    }
}

/// The dry-run estimate of a planned set of calls: how many and their worst-case price. Build one
/// with [`Client::estimate`](crate::Client::estimate) per request and add them up with
/// [`Estimate::add`]; nothing is sent.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Estimate {
    /// Requests that would be sent.
    pub calls: u64,
    /// Their worst-case price in USD.
    pub worst_case_usd: f64,
    /// Calls and worst-case price per endpoint.
    pub per_endpoint: BTreeMap<Endpoint, (u64, f64)>,
}

impl Estimate {
    /// The estimate of one request.
    pub(crate) fn single(endpoint: Endpoint, worst_case_usd: f64) -> Estimate {
        Estimate {
            calls: 1,
            worst_case_usd,
            per_endpoint: BTreeMap::from([(endpoint, (1, worst_case_usd))]),
        }
    }

    /// Adds another estimate to this one.
    pub fn add(&mut self, other: &Estimate) {
        self.calls += other.calls;
        self.worst_case_usd += other.worst_case_usd;
        for (endpoint, (calls, usd)) in &other.per_endpoint {
            let entry = self.per_endpoint.entry(*endpoint).or_default();
            entry.0 += calls;
            entry.1 += usd;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_price_follows_the_reference_formula() {
        let table = PriceTable::default();
        assert!((table.price(Endpoint::ReferringDomains).worst_case(5) - 0.020_15).abs() < 1e-12);
        assert!((table.price(Endpoint::BulkRanks).worst_case(1000) - 0.05).abs() < 1e-12);
        assert!(table.price(Endpoint::UserData).worst_case(1000).abs() < 1e-12);
    }

    #[test]
    fn price_table_reads_user_data() {
        let user_data = serde_json::json!({
            "login": "x",
            "price": { "backlinks": {
                "backlinks": { "live": { "priority_normal": [
                    { "cost_type": "per_request", "cost": 0.03 },
                    { "cost_type": "per_result", "cost": 0.0001 }
                ] } },
                "summary": { "live": null }
            } }
        });
        let table = PriceTable::from_user_data(&user_data);
        assert_eq!(table.price(Endpoint::Backlinks), Price { per_request: 0.03, per_row: 0.0001 });
        assert_eq!(table.price(Endpoint::Summary), Price::DEFAULT);
    }

    #[test]
    fn budget_reserves_and_releases() {
        let budget = Budget::new(0.05);
        let first = budget.reserve(0.03).expect("fits");
        assert!((budget.remaining() - 0.02).abs() < 1e-12);
        assert!(budget.reserve(0.03).is_err());
        budget.spend(0.021);
        drop(first);
        assert!((budget.remaining() - 0.029).abs() < 1e-12);
        assert!(budget.reserved().abs() < 1e-12);
    }

    #[test]
    fn ledger_adds_up_per_endpoint_and_in_total() {
        let ledger = LedgerCell::default();
        ledger.record_call(Endpoint::Summary, 0.02);
        ledger.record_call(Endpoint::Backlinks, 0.03);
        ledger.record_retry(Endpoint::Backlinks);
        ledger.record_cache_hit(Endpoint::Summary);
        let snapshot = ledger.snapshot();
        assert_eq!(snapshot.calls, 2);
        assert_eq!(snapshot.retries, 1);
        assert_eq!(snapshot.cache_hits, 1);
        assert!((snapshot.total_cost - 0.05).abs() < 1e-12);
        assert_eq!(snapshot.endpoint(Endpoint::Backlinks).calls, 1);
        assert_eq!(snapshot.endpoint(Endpoint::Anchors), EndpointLedger::default());
    }
}
