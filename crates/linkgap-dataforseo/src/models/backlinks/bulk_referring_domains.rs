//! `POST /v3/backlinks/bulk_referring_domains/live`: referring-domain counts of up to 1,000 targets (reference §7.17).

use crate::models::BulkExtra;

bulk_request! {
    /// Request of `bulk_referring_domains/live`.
    pub struct BulkReferringDomainsRequest => BulkReferringDomains, BulkReferringDomainsResult, max_domains = [None] {}
}

impl BulkExtra for BulkReferringDomainsRequest {}

bulk_result! {
    /// `result[0]` of `bulk_referring_domains/live`.
    pub struct BulkReferringDomainsResult => BulkReferringDomainsItem
}

wire_model! {
    /// The referring-domain counts of one target.
    pub struct BulkReferringDomainsItem {
        /// The target exactly as sent.
        target: String,
        /// Referring domains (subdomains counted separately).
        referring_domains: u64,
        /// Referring domains with at least one nofollow link.
        referring_domains_nofollow: u64,
        /// Referring main domains.
        referring_main_domains: u64,
        /// Referring main domains with at least one nofollow link.
        referring_main_domains_nofollow: u64,
    }
}

bulk_item_by_target!(BulkReferringDomainsItem);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes() {
        let result: BulkReferringDomainsResult =
            fixture_result("bulk_referring_domains", "ok").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.referring_domains, Some(1480));
        assert_eq!(item.referring_main_domains_nofollow, Some(280));
    }
}
