//! `POST /v3/backlinks/referring_networks/live`: referring IPs or subnets with aggregates (reference §7.8).

use serde::{Deserialize, Serialize};

use crate::models::Timestamp;

/// `network_address_type`: group by IP or by subnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NetworkAddressType {
    /// One row per IP (the API default).
    Ip,
    /// One row per subnet.
    Subnet,
}

target_list_request! {
    /// Request of `referring_networks/live`.
    pub struct ReferringNetworksRequest => ReferringNetworks, ReferringNetworksResult, ReferringNetworks {
        /// Include links through redirects and canonicals (default true).
        include_indirect_links: bool,
        /// `ip` (default) or `subnet`.
        network_address_type: NetworkAddressType,
    }
}

wire_model! {
    /// `result[0]` of `referring_networks/live`.
    pub struct ReferringNetworksResult {
        /// The target as sent.
        target: String,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<ReferringNetworksItem>,
    }
}

paged_result!(ReferringNetworksResult, ReferringNetworksItem);

aggregates_model! {
    /// One referring IP or subnet with its aggregates (no `backlinks_spam_score`).
    pub struct ReferringNetworksItem {
        /// Row type (`backlinks_referring_network`, unconfirmed).
        r#type: String,
        /// The IP (`203.0.113.7`) or subnet (notation unconfirmed: plain or CIDR).
        network_address: String,
        /// Rank passed by this network.
        rank: u64,
        /// Backlinks from this network.
        backlinks: u64,
        /// First link from this network found.
        first_seen: Timestamp,
        /// When the last link from this network was lost.
        lost_date: Timestamp,
        /// Its links to 4xx/5xx target pages.
        broken_backlinks: u64,
        /// Broken target pages it links to.
        broken_pages: u64,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::filter::Filter;
    use crate::models::test_support::fixture_result;
    use crate::request::ApiRequest;

    #[test]
    fn ok_fixture_decodes() {
        let result: ReferringNetworksResult = fixture_result("referring_networks", "ok").unwrap();
        assert_eq!(result.items()[0].network_address.as_deref(), Some("203.0.113.7"));
        assert_eq!(result.items()[1].network_address.as_deref(), Some("198.51.100.0/24"));
        assert_eq!(result.items()[0].referring_domains, Some(3));
    }

    #[test]
    fn request_sends_network_type_and_rejects_spam_score_filter() {
        let request = ReferringNetworksRequest {
            network_address_type: Some(NetworkAddressType::Subnet),
            filters: Some(Filter::field("network_address").like("194.1.%")),
            ..ReferringNetworksRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "network_address_type": "subnet",
                   "filters": ["network_address", "like", "194.1.%"]})
        );
        request.validate().unwrap();
        let spam = ReferringNetworksRequest {
            filters: Some(Filter::field("backlinks_spam_score").gt(1)),
            ..ReferringNetworksRequest::new("example.com")
        };
        assert_eq!(spam.validate().unwrap_err().field, "filters");
    }
}
