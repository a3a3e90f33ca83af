//! The endpoint catalogue: every path the client can call, with its method, paging and billing.

use std::fmt;

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`, no body (`index`, `available_filters`, `appendix/user_data`).
    Get,
    /// `POST` with a JSON array holding exactly one task.
    Post,
}

/// One endpoint of the DataForSEO Backlinks API (reference §6) or the account appendix.
///
/// The variant names follow the path: `/v3/backlinks/referring_domains/live` is
/// [`Endpoint::ReferringDomains`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v3/backlinks/summary/live`
    Summary,
    /// `POST /v3/backlinks/history/live`
    History,
    /// `POST /v3/backlinks/backlinks/live`
    Backlinks,
    /// `POST /v3/backlinks/anchors/live`
    Anchors,
    /// `POST /v3/backlinks/domain_pages/live`
    DomainPages,
    /// `POST /v3/backlinks/domain_pages_summary/live`
    DomainPagesSummary,
    /// `POST /v3/backlinks/referring_domains/live`
    ReferringDomains,
    /// `POST /v3/backlinks/referring_networks/live`
    ReferringNetworks,
    /// `POST /v3/backlinks/competitors/live`
    Competitors,
    /// `POST /v3/backlinks/domain_intersection/live`
    DomainIntersection,
    /// `POST /v3/backlinks/page_intersection/live`
    PageIntersection,
    /// `POST /v3/backlinks/timeseries_summary/live`
    TimeseriesSummary,
    /// `POST /v3/backlinks/timeseries_new_lost_summary/live`
    TimeseriesNewLostSummary,
    /// `POST /v3/backlinks/bulk_ranks/live`
    BulkRanks,
    /// `POST /v3/backlinks/bulk_backlinks/live`
    BulkBacklinks,
    /// `POST /v3/backlinks/bulk_spam_score/live`
    BulkSpamScore,
    /// `POST /v3/backlinks/bulk_referring_domains/live`
    BulkReferringDomains,
    /// `POST /v3/backlinks/bulk_new_lost_backlinks/live`
    BulkNewLostBacklinks,
    /// `POST /v3/backlinks/bulk_new_lost_referring_domains/live`
    BulkNewLostReferringDomains,
    /// `POST /v3/backlinks/bulk_pages_summary/live`
    BulkPagesSummary,
    /// `GET /v3/backlinks/index`
    Index,
    /// `GET /v3/backlinks/available_filters`
    AvailableFilters,
    /// `POST /v3/backlinks/id_list`
    IdList,
    /// `POST /v3/backlinks/errors`
    Errors,
    /// `GET /v3/appendix/user_data` (account, balance and price table; free)
    UserData,
}

impl Endpoint {
    /// Every endpoint, in catalogue order.
    pub const ALL: [Endpoint; 25] = [
        Endpoint::Summary,
        Endpoint::History,
        Endpoint::Backlinks,
        Endpoint::Anchors,
        Endpoint::DomainPages,
        Endpoint::DomainPagesSummary,
        Endpoint::ReferringDomains,
        Endpoint::ReferringNetworks,
        Endpoint::Competitors,
        Endpoint::DomainIntersection,
        Endpoint::PageIntersection,
        Endpoint::TimeseriesSummary,
        Endpoint::TimeseriesNewLostSummary,
        Endpoint::BulkRanks,
        Endpoint::BulkBacklinks,
        Endpoint::BulkSpamScore,
        Endpoint::BulkReferringDomains,
        Endpoint::BulkNewLostBacklinks,
        Endpoint::BulkNewLostReferringDomains,
        Endpoint::BulkPagesSummary,
        Endpoint::Index,
        Endpoint::AvailableFilters,
        Endpoint::IdList,
        Endpoint::Errors,
        Endpoint::UserData,
    ];

    /// The function name as the API echoes it in `data.function` (`"referring_domains"`).
    pub fn function(self) -> &'static str {
        match self {
            Endpoint::Summary => "summary",
            Endpoint::History => "history",
            Endpoint::Backlinks => "backlinks",
            Endpoint::Anchors => "anchors",
            Endpoint::DomainPages => "domain_pages",
            Endpoint::DomainPagesSummary => "domain_pages_summary",
            Endpoint::ReferringDomains => "referring_domains",
            Endpoint::ReferringNetworks => "referring_networks",
            Endpoint::Competitors => "competitors",
            Endpoint::DomainIntersection => "domain_intersection",
            Endpoint::PageIntersection => "page_intersection",
            Endpoint::TimeseriesSummary => "timeseries_summary",
            Endpoint::TimeseriesNewLostSummary => "timeseries_new_lost_summary",
            Endpoint::BulkRanks => "bulk_ranks",
            Endpoint::BulkBacklinks => "bulk_backlinks",
            Endpoint::BulkSpamScore => "bulk_spam_score",
            Endpoint::BulkReferringDomains => "bulk_referring_domains",
            Endpoint::BulkNewLostBacklinks => "bulk_new_lost_backlinks",
            Endpoint::BulkNewLostReferringDomains => "bulk_new_lost_referring_domains",
            Endpoint::BulkPagesSummary => "bulk_pages_summary",
            Endpoint::Index => "index",
            Endpoint::AvailableFilters => "available_filters",
            Endpoint::IdList => "id_list",
            Endpoint::Errors => "errors",
            Endpoint::UserData => "user_data",
        }
    }

    /// The path below the base URL, starting with `/v3/`.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Summary => "/v3/backlinks/summary/live",
            Endpoint::History => "/v3/backlinks/history/live",
            Endpoint::Backlinks => "/v3/backlinks/backlinks/live",
            Endpoint::Anchors => "/v3/backlinks/anchors/live",
            Endpoint::DomainPages => "/v3/backlinks/domain_pages/live",
            Endpoint::DomainPagesSummary => "/v3/backlinks/domain_pages_summary/live",
            Endpoint::ReferringDomains => "/v3/backlinks/referring_domains/live",
            Endpoint::ReferringNetworks => "/v3/backlinks/referring_networks/live",
            Endpoint::Competitors => "/v3/backlinks/competitors/live",
            Endpoint::DomainIntersection => "/v3/backlinks/domain_intersection/live",
            Endpoint::PageIntersection => "/v3/backlinks/page_intersection/live",
            Endpoint::TimeseriesSummary => "/v3/backlinks/timeseries_summary/live",
            Endpoint::TimeseriesNewLostSummary => "/v3/backlinks/timeseries_new_lost_summary/live",
            Endpoint::BulkRanks => "/v3/backlinks/bulk_ranks/live",
            Endpoint::BulkBacklinks => "/v3/backlinks/bulk_backlinks/live",
            Endpoint::BulkSpamScore => "/v3/backlinks/bulk_spam_score/live",
            Endpoint::BulkReferringDomains => "/v3/backlinks/bulk_referring_domains/live",
            Endpoint::BulkNewLostBacklinks => "/v3/backlinks/bulk_new_lost_backlinks/live",
            Endpoint::BulkNewLostReferringDomains => {
                "/v3/backlinks/bulk_new_lost_referring_domains/live"
            }
            Endpoint::BulkPagesSummary => "/v3/backlinks/bulk_pages_summary/live",
            Endpoint::Index => "/v3/backlinks/index",
            Endpoint::AvailableFilters => "/v3/backlinks/available_filters",
            Endpoint::IdList => "/v3/backlinks/id_list",
            Endpoint::Errors => "/v3/backlinks/errors",
            Endpoint::UserData => "/v3/appendix/user_data",
        }
    }

    /// The endpoint whose path this is, if any (used by mocks and logs).
    pub fn from_path(path: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|endpoint| endpoint.path() == path)
    }

    /// HTTP method of the endpoint.
    pub fn method(self) -> Method {
        match self {
            Endpoint::Index | Endpoint::AvailableFilters | Endpoint::UserData => Method::Get,
            _ => Method::Post,
        }
    }

    /// Whether calls to this endpoint are free (reference §6 and §9): the account endpoints and the
    /// metadata endpoints. Free calls are still counted in the ledger, at their reported cost.
    pub fn is_free(self) -> bool {
        matches!(
            self,
            Endpoint::Index
                | Endpoint::AvailableFilters
                | Endpoint::IdList
                | Endpoint::Errors
                | Endpoint::UserData
        )
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_round_trip() {
        for endpoint in Endpoint::ALL {
            assert_eq!(Endpoint::from_path(endpoint.path()), Some(endpoint));
            assert!(endpoint.path().starts_with("/v3/"));
            assert!(!endpoint.path().contains(".ai"), "the `.ai` variants are never used");
        }
        assert_eq!(Endpoint::from_path("/v3/backlinks/nope/live"), None);
    }
}
