//! `GET /v3/appendix/user_data`: account, balance, limits and price table (reference §3.4). Free.

use serde::Serialize;
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::models::Timestamp;
use crate::request::{ApiRequest, InvalidRequest};

/// Request of `appendix/user_data` (a GET without body).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct UserDataRequest;

impl ApiRequest for UserDataRequest {
    const ENDPOINT: Endpoint = Endpoint::UserData;
    type Result = UserDataResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }

    fn max_billed_rows(&self) -> u64 {
        0
    }
}

wire_model! {
    /// `result[0]` of `appendix/user_data`.
    pub struct UserDataResult {
        /// Account login.
        login: String,
        /// Account time zone.
        timezone: String,
        /// Rate limits and usage.
        rates: UserRates,
        /// Balance, limits and spend.
        money: UserMoney,
        /// Price tables per API (`price.backlinks.<endpoint>.live.priority_normal[]`).
        price: Value,
        /// End of the Backlinks subscription; `None` without an active one.
        backlinks_subscription_expiry_date: Timestamp,
    }
}

wire_model! {
    /// `rates` of the account.
    pub struct UserRates {
        /// Call limits (`minute`, `day`, per API).
        limits: Value,
        /// Call statistics.
        statistics: Value,
    }
}

wire_model! {
    /// `money` of the account.
    pub struct UserMoney {
        /// Total deposited, USD.
        total: f64,
        /// Current balance, USD.
        balance: f64,
        /// Spend limits.
        limits: Value,
        /// Spend statistics.
        statistics: Value,
    }
}

/// The price of one Backlinks endpoint, from the account's price table.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EndpointPrice {
    /// USD per request.
    pub per_request: f64,
    /// USD per result row.
    pub per_result: f64,
}

impl UserDataResult {
    /// The live price of a Backlinks endpoint from `price.backlinks.<function>.live.priority_normal[]`.
    pub fn backlinks_price(&self, endpoint: Endpoint) -> Option<EndpointPrice> {
        let entries = self
            .price
            .as_ref()?
            .get("backlinks")?
            .get(endpoint.function())?
            .get("live")?
            .get("priority_normal")?;
        let mut price = EndpointPrice::default();
        for entry in entries.as_array()? {
            let cost = entry.get("cost").and_then(Value::as_f64).unwrap_or(0.0);
            match entry.get("cost_type").and_then(Value::as_str) {
                Some("per_request") => price.per_request += cost,
                Some("per_result") => price.per_result += cost,
                _ => {}
            }
        }
        Some(price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes_balance_and_prices() {
        let result: UserDataResult = fixture_result("user_data", "ok").unwrap();
        assert_eq!(result.login, None, "the fixture carries no login");
        assert_eq!(result.money.as_ref().unwrap().balance, Some(87.5));
        assert_eq!(result.backlinks_subscription_expiry_date, None);
        let price = result.backlinks_price(Endpoint::ReferringDomains).unwrap();
        assert_eq!(price, EndpointPrice { per_request: 0.02, per_result: 0.00003 });
        assert_eq!(result.backlinks_price(Endpoint::Anchors), None);
        assert_eq!(serde_json::to_value(UserDataRequest).unwrap(), serde_json::Value::Null);
    }
}
