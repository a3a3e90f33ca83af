//! `POST /v3/backlinks/bulk_new_lost_referring_domains/live`: new and lost referring domains since
//! a date for up to 1,000 targets (reference §7.19).

use chrono::NaiveDate;

use crate::models::BulkExtra;
use crate::models::backlinks::bulk_new_lost_backlinks::check_new_lost_date_from;
use crate::request::InvalidRequest;

bulk_request! {
    /// Request of `bulk_new_lost_referring_domains/live`.
    pub struct BulkNewLostReferringDomainsRequest => BulkNewLostReferringDomains, BulkNewLostReferringDomainsResult, max_domains = [None] {
        /// Count from this date (default today − 1 month; at most one year back).
        date_from: NaiveDate,
    }
}

impl BulkExtra for BulkNewLostReferringDomainsRequest {
    fn check(&self) -> Result<(), InvalidRequest> {
        check_new_lost_date_from(self.date_from)
    }
}

bulk_result! {
    /// `result[0]` of `bulk_new_lost_referring_domains/live`.
    pub struct BulkNewLostReferringDomainsResult => BulkNewLostReferringDomainsItem
}

wire_model! {
    /// New and lost referring domains of one target since `date_from`.
    pub struct BulkNewLostReferringDomainsItem {
        /// The target exactly as sent.
        target: String,
        /// New referring domains.
        #[serde(alias = "new_reffering_domains")]
        new_referring_domains: u64,
        /// Lost referring domains.
        #[serde(alias = "lost_reffering_domains")]
        lost_referring_domains: u64,
        /// New referring main domains.
        new_referring_main_domains: u64,
        /// Lost referring main domains.
        lost_referring_main_domains: u64,
    }
}

bulk_item_by_target!(BulkNewLostReferringDomainsItem);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes_with_misspelled_key() {
        let result: BulkNewLostReferringDomainsResult =
            fixture_result("bulk_new_lost_referring_domains", "ok").unwrap();
        assert_eq!(result.items()[0].new_referring_domains, Some(4));
        assert_eq!(result.items()[1].new_referring_domains, Some(6), "misspelled key accepted");
        assert_eq!(result.items()[1].lost_referring_main_domains, Some(1));
    }
}
