//! `POST /v3/backlinks/page_intersection/live`: referring pages shared by up to 20 targets,
//! the link gap by page (reference §7.11).

use std::collections::BTreeMap;

use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::filter::{Filter, FilterFields, OrderBy, validate_filters};
use crate::models::backlinks::domain_intersection::{
    check_intersection_targets, key_targets, split_intersection_row, write_intersection_row,
};
use crate::models::{
    BacklinksStatusType, DEFAULT_LIMIT, IntersectionMode, IntersectionSummary, RankScale,
    Timestamp, check_internal_list_limit, check_limit, check_tag,
};
use crate::request::{ApiRequest, InvalidRequest};
use crate::timefmt::Lenient;

/// Request of `page_intersection/live`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PageIntersectionRequest {
    /// Targets keyed `"1"`..`"20"`; the keys reappear in the response and in filter paths (`"1.rank"`).
    pub targets: BTreeMap<String, String>,
    /// Up to 10 targets whose referrers are dropped (your own site, for a link gap).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_targets: Option<Vec<String>>,
    /// `all` (default) or `partial`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intersection_mode: Option<IntersectionMode>,
    /// Filters on prefixed fields (`"1.backlinks"`) and `intersections_count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filter>,
    /// Sort rules (at most 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_by: Option<OrderBy>,
    /// Rows per call, 1..=1000 (default 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Rows to skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Caps the `attributes` and `domain_from_platform_type` arrays, 1..=1000 (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_list_limit: Option<u64>,
    /// `all`, `live` (default) or `lost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlinks_status_type: Option<BacklinksStatusType>,
    /// Count links to subdomains as links to the targets (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_subdomains: Option<bool>,
    /// Include links through redirects and canonicals (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_indirect_links: Option<bool>,
    /// Drop links from the targets' own subdomains (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_internal_backlinks: Option<bool>,
    /// `one_hundred` or `one_thousand` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_scale: Option<RankScale>,
    /// Echoed in `data.tag`, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl PageIntersectionRequest {
    /// A request for `targets`, keyed `"1"`, `"2"`, ... in the order given.
    pub fn new<T: Into<String>>(targets: impl IntoIterator<Item = T>) -> PageIntersectionRequest {
        PageIntersectionRequest {
            targets: key_targets(targets),
            ..PageIntersectionRequest::default()
        }
    }
}

impl ApiRequest for PageIntersectionRequest {
    const ENDPOINT: Endpoint = Endpoint::PageIntersection;
    type Result = PageIntersectionResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_intersection_targets(&self.targets, self.exclude_targets.as_deref())?;
        check_limit(self.limit)?;
        check_internal_list_limit(self.internal_list_limit)?;
        check_tag(self.tag.as_deref())?;
        validate_filters(
            self.filters.as_ref(),
            self.order_by.as_ref(),
            FilterFields::PageIntersection,
        )
    }

    fn max_billed_rows(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

paged_request!(PageIntersectionRequest, DEFAULT_LIMIT, None);

wire_model! {
    /// `result[0]` of `page_intersection/live`.
    pub struct PageIntersectionResult {
        /// The request's targets, echoed (`{"1": "rival-a.com"}`).
        targets: BTreeMap<String, String>,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<PageIntersectionItem>,
    }
}

paged_result!(PageIntersectionResult, PageIntersectionItem);

wire_model! {
    /// One backlink row of a page intersection: the backlink item of §7.3 minus `image_url` and
    /// `ranked_keywords_info`.
    pub struct PageIntersectionRow {
        /// `backlinks_page_intersection`.
        r#type: String,
        /// Referring (source) host.
        domain_from: String,
        /// Referring page URL.
        url_from: String,
        /// The source page uses HTTPS.
        url_from_https: bool,
        /// Host the link points to (the target).
        domain_to: String,
        /// URL the link points to.
        url_to: String,
        /// The destination uses HTTPS.
        url_to_https: bool,
        /// TLD of the source.
        tld_from: String,
        /// The link appeared at the most recent crawl.
        is_new: bool,
        /// The link is gone.
        is_lost: bool,
        /// Spam score of this link, 0–100.
        backlink_spam_score: u64,
        /// Rank this link passes to the target.
        rank: u64,
        /// Rank of the source page.
        page_from_rank: u64,
        /// Rank of the source domain.
        domain_from_rank: u64,
        /// Platform types of the source domain.
        domain_from_platform_type: Vec<String>,
        /// The source host is a bare IP.
        domain_from_is_ip: bool,
        /// IP of the source host.
        domain_from_ip: String,
        /// ISO country code of the source domain.
        domain_from_country: String,
        /// Outbound external links on the source page.
        page_from_external_links: u64,
        /// Internal links on the source page.
        page_from_internal_links: u64,
        /// Source page size in bytes.
        page_from_size: u64,
        /// Source page encoding.
        page_from_encoding: String,
        /// Source page language.
        page_from_language: String,
        /// Source page title.
        page_from_title: String,
        /// HTTP status of the source page.
        page_from_status_code: u64,
        /// Link first found.
        first_seen: Timestamp,
        /// The crawl before the latest one.
        prev_seen: Timestamp,
        /// Latest crawl that saw the link.
        last_seen: Timestamp,
        /// `anchor`, `image`, `link`, ...
        item_type: String,
        /// Rel attributes.
        attributes: Vec<String>,
        /// `false` means nofollow.
        dofollow: bool,
        /// The link was on the page at the first crawl.
        original: bool,
        /// Image alt text.
        alt: String,
        /// Anchor text.
        anchor: String,
        /// Text just before the anchor.
        text_pre: String,
        /// Text just after the anchor.
        text_post: String,
        /// HTML5 element holding the link.
        semantic_location: String,
        /// Identical links to the target on this source page.
        links_count: u64,
        /// Links in a collapsed group.
        group_count: u64,
        /// The destination answers 4xx/5xx.
        is_broken: bool,
        /// HTTP status of the destination.
        url_to_status_code: u64,
        /// Spam score of the destination page.
        url_to_spam_score: u64,
        /// Where the destination redirects to.
        url_to_redirect_target: String,
        /// The link reaches the target through a redirect or a canonical.
        is_indirect_link: bool,
        /// The URL chain from `url_to` to the target.
        indirect_link_path: Vec<crate::models::IndirectLinkHop>,
    }
}

/// One referring page of a page intersection.
///
/// Per request target key, the **array** of backlink rows from this page to that target. Decodes
/// the current `{"page_intersection": {...}, "summary": {...}}` shape and the old keyed shape;
/// absent keys and `null` values both mean "does not link".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageIntersectionItem {
    /// Backlink rows per request target key, only for targets this page links to.
    pub page_intersection: BTreeMap<String, Vec<PageIntersectionRow>>,
    /// `summary.intersections_count`, when sent.
    pub summary: Option<IntersectionSummary>,
}

impl PageIntersectionItem {
    /// The referring page URL (`url_from` of the rows).
    pub fn url_from(&self) -> Option<&str> {
        self.page_intersection.values().flatten().find_map(|row| row.url_from.as_deref())
    }

    /// Whether the page links to the target with this key.
    pub fn links_to(&self, key: &str) -> bool {
        self.page_intersection.get(key).is_some_and(|rows| !rows.is_empty())
    }

    /// How many targets the page links to: `summary.intersections_count`, or the keys present.
    pub fn intersections_count(&self) -> u64 {
        self.summary.as_ref().and_then(|summary| summary.intersections_count).unwrap_or_else(|| {
            self.page_intersection.values().filter(|rows| !rows.is_empty()).count() as u64
        })
    }
}

impl Lenient for PageIntersectionItem {
    fn from_wire(value: Value) -> Option<PageIntersectionItem> {
        let (page_intersection, summary) = split_intersection_row(value, "page_intersection")?;
        Some(PageIntersectionItem { page_intersection, summary })
    }
    fn to_wire(&self) -> Value {
        write_intersection_row(&self.page_intersection, self.summary.as_ref(), "page_intersection")
    }
}

impl<'de> Deserialize<'de> for PageIntersectionItem {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<PageIntersectionItem, D::Error> {
        Ok(PageIntersectionItem::from_wire(Value::deserialize(deserializer)?).unwrap_or_default())
    }
}

impl Serialize for PageIntersectionItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("page_intersection", &self.page_intersection.to_wire())?;
        map.serialize_entry("summary", &self.summary)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::test_support::fixture_result;

    #[test]
    fn ok_fixture_decodes_arrays_per_target() {
        let result: PageIntersectionResult = fixture_result("page_intersection", "ok").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.url_from(), Some("https://blog.x.org/list"));
        assert_eq!(item.page_intersection["1"].len(), 2);
        assert_eq!(item.page_intersection["2"][0].domain_to.as_deref(), Some("rival-b.com"));
        assert_eq!(item.intersections_count(), 2);
        assert!(!result.items()[1].links_to("2"));
    }

    #[test]
    fn request_has_no_backlinks_filters_and_checks_prefixed_fields() {
        let request = PageIntersectionRequest {
            filters: Some(
                Filter::field("2.domain_from_rank")
                    .gt(400)
                    .and(Filter::field("1.dofollow").eq(true)),
            ),
            order_by: Some(OrderBy::desc("1.rank")),
            ..PageIntersectionRequest::new(["rival-a.com", "rival-b.com"])
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"targets": {"1": "rival-a.com", "2": "rival-b.com"},
                   "filters": [["2.domain_from_rank", ">", 400], "and", ["1.dofollow", "=", true]],
                   "order_by": ["1.rank,desc"]})
        );
        request.validate().unwrap();
        let bad =
            PageIntersectionRequest { order_by: Some(OrderBy::desc("1.image_url")), ..request };
        assert_eq!(bad.validate().unwrap_err().field, "order_by");
    }
}
