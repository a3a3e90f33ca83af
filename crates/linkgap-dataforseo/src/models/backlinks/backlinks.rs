//! `POST /v3/backlinks/backlinks/live`: individual backlinks of a target (reference §7.3).

use serde::{Deserialize, Serialize};

use crate::endpoint::Endpoint;
use crate::filter::{Filter, FilterFields, OrderBy, validate_filters};
use crate::models::{
    BacklinksStatusType, DEFAULT_LIMIT, MAX_BACKLINKS_OFFSET, RankScale, RankedKeywordsInfo,
    check_limit, check_offset, check_tag, check_target,
};
use crate::request::{ApiRequest, InvalidRequest, PagedRequest};

/// `mode`: how backlinks are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// Every backlink (the API default).
    AsIs,
    /// The best backlink per referring domain.
    OnePerDomain,
    /// The best backlink per anchor.
    OnePerAnchor,
    /// A value this client does not know yet.
    #[serde(other)]
    Unknown,
}

/// The field `custom_mode` groups by (§4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CustomModeField {
    /// `anchor`
    Anchor,
    /// `domain_from`
    DomainFrom,
    /// `domain_from_country`
    DomainFromCountry,
    /// `tld_from`
    TldFrom,
    /// `page_from_encoding`
    PageFromEncoding,
    /// `page_from_language`
    PageFromLanguage,
    /// `item_type`
    ItemType,
    /// `page_from_status_code`
    PageFromStatusCode,
    /// `semantic_location`
    SemanticLocation,
    /// A value this client does not know (rejected in requests).
    #[serde(other)]
    Unknown,
}

/// `custom_mode`: at most `value` backlinks per distinct value of `field`. Overrides `mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CustomMode {
    /// The grouping field.
    pub field: CustomModeField,
    /// Backlinks per distinct value, 1..=1000.
    pub value: u64,
}

lenient_via_serde!(Mode);
lenient_via_serde!(CustomMode);

/// Request of `backlinks/live`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BacklinksRequest {
    /// Domain, subdomain or page URL.
    pub target: String,
    /// `as_is` (default), `one_per_domain` or `one_per_anchor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// Group by a field, at most N links per value; overrides `mode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_mode: Option<CustomMode>,
    /// Filters on backlink fields (at most 8 conditions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filter>,
    /// Sort rules (at most 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by: Option<OrderBy>,
    /// Rows to skip, at most 20,000; use `search_after_token` beyond.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Cursor from the previous page; do not combine with `offset`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_after_token: Option<String>,
    /// Rows per call, 1..=1000 (default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// `all`, `live` (default) or `lost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlinks_status_type: Option<BacklinksStatusType>,
    /// Count links to subdomains as links to the target (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_subdomains: Option<bool>,
    /// Drop links from the target's own subdomains (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_internal_backlinks: Option<bool>,
    /// Include links through redirects and canonicals. Unconfirmed on this endpoint (§4.1): sent
    /// only when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_indirect_links: Option<bool>,
    /// `one_hundred` or `one_thousand` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_scale: Option<RankScale>,
    /// Echoed in `data.tag`, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl BacklinksRequest {
    /// A request for the backlinks of `target` with every option at its server default.
    pub fn new(target: impl Into<String>) -> BacklinksRequest {
        BacklinksRequest { target: target.into(), ..BacklinksRequest::default() }
    }
}

impl ApiRequest for BacklinksRequest {
    const ENDPOINT: Endpoint = Endpoint::Backlinks;
    type Result = BacklinksResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_target("target", &self.target)?;
        check_limit(self.limit)?;
        check_offset(self.offset, Some(MAX_BACKLINKS_OFFSET))?;
        check_tag(self.tag.as_deref())?;
        if let Some(custom_mode) = self.custom_mode {
            if custom_mode.field == CustomModeField::Unknown {
                return Err(InvalidRequest::new("custom_mode", "unknown `field`"));
            }
            if !(1..=1000).contains(&custom_mode.value) {
                return Err(InvalidRequest::new(
                    "custom_mode",
                    format!("`value` {} is outside 1..=1000", custom_mode.value),
                ));
            }
        }
        if self.mode == Some(Mode::Unknown) {
            return Err(InvalidRequest::new("mode", "unknown mode"));
        }
        if self.search_after_token.is_some() && self.offset.is_some() {
            return Err(InvalidRequest::new(
                "offset",
                "do not send `offset` together with `search_after_token`",
            ));
        }
        validate_filters(self.filters.as_ref(), self.order_by.as_ref(), FilterFields::Backlinks)
    }

    fn max_billed_rows(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

impl PagedRequest for BacklinksRequest {
    fn limit(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }
    fn set_limit(&mut self, limit: u64) {
        self.limit = Some(limit);
    }
    fn offset(&self) -> u64 {
        self.offset.unwrap_or(0)
    }
    fn set_offset(&mut self, offset: Option<u64>) {
        self.offset = offset;
    }
    fn offset_cap(&self) -> Option<u64> {
        Some(MAX_BACKLINKS_OFFSET)
    }
    fn set_search_after_token(&mut self, token: Option<String>) {
        self.search_after_token = token;
    }
    fn supports_search_after(&self) -> bool {
        true
    }
}

wire_model! {
    /// `result[0]` of `backlinks/live`.
    pub struct BacklinksResult {
        /// The target as sent.
        target: String,
        /// The mode used.
        mode: Mode,
        /// The custom mode used, often `null`.
        custom_mode: CustomMode,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page (may differ from `items.len()` when a response was cut).
        items_count: u64,
        /// The rows.
        items: Vec<BacklinkItem>,
        /// Cursor for the next page.
        search_after_token: String,
    }
}

paged_result!(BacklinksResult, BacklinkItem, search_after_token);

backlink_model! {
    /// One backlink (§7.3). Each referring page gives at most one row per target.
    pub struct BacklinkItem {
        /// `"backlink"`.
        r#type: String,
        after_alt {
            /// Image URL (image links only).
            image_url: String,
        }
        after_redirect_target {
            /// Keywords the source page ranks for.
            ranked_keywords_info: RankedKeywordsInfo,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;
    use crate::request::PagedResult;

    #[test]
    fn ok_fixture_decodes_every_field() {
        let result: BacklinksResult = fixture_result("backlinks", "ok").unwrap();
        assert_eq!(result.mode, Some(Mode::OnePerDomain));
        assert_eq!(result.custom_mode, None);
        assert_eq!(result.total_count, Some(1302));
        assert_eq!(PagedResult::search_after_token(&result), Some("eyJDdXJyZW50T2Zmc2V0IjowfQ=="));
        let item = &result.items()[0];
        assert_eq!(item.domain_from.as_deref(), Some("blog.partner.io"));
        assert_eq!(item.domain_from_rank, Some(347));
        assert_eq!(item.dofollow, Some(true));
        assert_eq!(item.first_seen.unwrap().to_rfc3339(), "2024-03-26T02:46:50+00:00");
        assert_eq!(
            item.ranked_keywords_info.as_ref().unwrap().page_from_keywords_count_top_100,
            Some(234)
        );
        assert!(item.attributes().is_empty());
        assert_eq!(item.url_to_redirect_target, None);
    }

    #[test]
    fn quirks_fixture_decodes_nulls_old_items_and_escaped_slashes() {
        let result: BacklinksResult = fixture_result("backlinks", "quirks").unwrap();
        let items = result.items();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].url_from.as_deref(), Some("https://old.example.org/a/b"));
        assert_eq!(items[0].url_to_status_code, None);
        assert_eq!(items[0].domain_from_platform_type(), &[] as &[String]);
        assert_eq!(items[1].rank, Some(12), "numbers sent as strings are read");
        assert_eq!(items[1].indirect_link_path()[0].status_code, Some(301));
        assert_eq!(PagedResult::search_after_token(&result), None);
    }

    #[test]
    fn empty_fixture_has_no_items() {
        let result: BacklinksResult = fixture_result("backlinks", "empty").unwrap();
        assert!(result.items().is_empty());
        assert_eq!(result.into_items().len(), 0);
    }

    #[test]
    fn unset_fields_are_not_sent() {
        let request = BacklinksRequest::new("example.com");
        assert_eq!(serde_json::to_value(&request).unwrap(), json!({"target": "example.com"}));
        let request = BacklinksRequest {
            mode: Some(Mode::OnePerDomain),
            limit: Some(1000),
            filters: Some(
                Filter::field("dofollow").eq(true).and(Filter::field("domain_from_rank").ge(200)),
            ),
            order_by: Some(OrderBy::desc("domain_from_rank").then_asc("first_seen")),
            custom_mode: Some(CustomMode { field: CustomModeField::DomainFrom, value: 2 }),
            ..BacklinksRequest::new("example.com")
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"target": "example.com", "mode": "one_per_domain", "limit": 1000,
                   "custom_mode": {"field": "domain_from", "value": 2},
                   "filters": [["dofollow","=",true],"and",["domain_from_rank",">=",200]],
                   "order_by": ["domain_from_rank,desc","first_seen,asc"]})
        );
        request.validate().unwrap();
    }

    #[test]
    fn limits_are_checked_before_sending() {
        let base = BacklinksRequest::new("example.com");
        let field_of = |request: BacklinksRequest| request.validate().unwrap_err().field;
        assert_eq!(field_of(BacklinksRequest { limit: Some(1001), ..base.clone() }), "limit");
        assert_eq!(field_of(BacklinksRequest { offset: Some(20_001), ..base.clone() }), "offset");
        BacklinksRequest { offset: Some(20_000), ..base.clone() }.validate().unwrap();
        assert_eq!(
            field_of(BacklinksRequest { tag: Some("x".repeat(256)), ..base.clone() }),
            "tag"
        );
        assert_eq!(field_of(BacklinksRequest::new("")), "target");
        assert_eq!(field_of(BacklinksRequest::new("exa mple.com")), "target");
        let custom = |value| BacklinksRequest {
            custom_mode: Some(CustomMode { field: CustomModeField::Anchor, value }),
            ..base.clone()
        };
        assert_eq!(field_of(custom(0)), "custom_mode");
        assert_eq!(field_of(custom(1001)), "custom_mode");
        custom(1000).validate().unwrap();
        let unknown = BacklinksRequest {
            custom_mode: Some(CustomMode { field: CustomModeField::Unknown, value: 1 }),
            ..base.clone()
        };
        assert_eq!(field_of(unknown), "custom_mode");
        let bad_filter =
            BacklinksRequest { filters: Some(Filter::field("domain").eq("x")), ..base.clone() };
        assert_eq!(field_of(bad_filter), "filters");
        let token_and_offset = BacklinksRequest {
            offset: Some(10),
            search_after_token: Some("t".into()),
            ..base.clone()
        };
        assert_eq!(field_of(token_and_offset), "offset");
    }

    #[test]
    fn billed_rows_follow_the_limit() {
        assert_eq!(BacklinksRequest::new("a.com").max_billed_rows(), 100);
        assert_eq!(
            BacklinksRequest { limit: Some(7), ..BacklinksRequest::new("a.com") }.max_billed_rows(),
            7
        );
    }
}
