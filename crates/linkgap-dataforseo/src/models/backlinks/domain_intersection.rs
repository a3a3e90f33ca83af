//! `POST /v3/backlinks/domain_intersection/live`: referring domains shared by up to 20 targets,
//! the link gap by domain (reference §7.10).

use std::collections::BTreeMap;

use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::endpoint::Endpoint;
use crate::filter::{
    Filter, FilterFields, MAX_INTERSECTION_TARGETS, OrderBy, validate_backlinks_filters,
    validate_filters,
};
use crate::models::{
    BacklinksStatusType, DEFAULT_LIMIT, IntersectionMode, IntersectionSummary, MAX_EXCLUDE_TARGETS,
    RankScale, Timestamp, check_internal_list_limit, check_limit, check_tag, check_target,
};
use crate::request::{ApiRequest, InvalidRequest};
use crate::timefmt::Lenient;

/// Request of `domain_intersection/live`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DomainIntersectionRequest {
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
    /// Keys per `referring_links_*` map, 1..=1000 (default 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_list_limit: Option<u64>,
    /// `all`, `live` (default) or `lost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlinks_status_type: Option<BacklinksStatusType>,
    /// Filters on backlink rows applied before aggregation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backlinks_filters: Option<Filter>,
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

impl DomainIntersectionRequest {
    /// A request for `targets`, keyed `"1"`, `"2"`, ... in the order given.
    pub fn new<T: Into<String>>(targets: impl IntoIterator<Item = T>) -> DomainIntersectionRequest {
        DomainIntersectionRequest {
            targets: key_targets(targets),
            ..DomainIntersectionRequest::default()
        }
    }
}

/// Keys targets `"1"`, `"2"`, ... in the order given.
pub(crate) fn key_targets<T: Into<String>>(
    targets: impl IntoIterator<Item = T>,
) -> BTreeMap<String, String> {
    targets
        .into_iter()
        .enumerate()
        .map(|(idx, target)| ((idx + 1).to_string(), target.into()))
        .collect()
}

/// Checks intersection `targets` (1..=20, keys `"1"`..`"20"`) and `exclude_targets` (at most 10).
pub(crate) fn check_intersection_targets(
    targets: &BTreeMap<String, String>,
    exclude_targets: Option<&[String]>,
) -> Result<(), InvalidRequest> {
    if targets.is_empty() {
        return Err(InvalidRequest::new("targets", "at least one target is needed"));
    }
    if targets.len() > MAX_INTERSECTION_TARGETS {
        return Err(InvalidRequest::new(
            "targets",
            format!("{} targets, at most {MAX_INTERSECTION_TARGETS} are allowed", targets.len()),
        ));
    }
    for (key, target) in targets {
        let valid_key =
            key.parse::<usize>().is_ok_and(|n| (1..=MAX_INTERSECTION_TARGETS).contains(&n))
                && !key.starts_with('0');
        if !valid_key {
            return Err(InvalidRequest::new(
                "targets",
                format!("key `{key}` is not one of `1`..`20`"),
            ));
        }
        check_target("targets", target)?;
    }
    if let Some(exclude_targets) = exclude_targets {
        if exclude_targets.len() > MAX_EXCLUDE_TARGETS {
            return Err(InvalidRequest::new(
                "exclude_targets",
                format!(
                    "{} targets, at most {MAX_EXCLUDE_TARGETS} are allowed",
                    exclude_targets.len()
                ),
            ));
        }
        exclude_targets.iter().try_for_each(|target| check_target("exclude_targets", target))?;
    }
    Ok(())
}

impl ApiRequest for DomainIntersectionRequest {
    const ENDPOINT: Endpoint = Endpoint::DomainIntersection;
    type Result = DomainIntersectionResult;

    fn validate(&self) -> Result<(), InvalidRequest> {
        check_intersection_targets(&self.targets, self.exclude_targets.as_deref())?;
        check_limit(self.limit)?;
        check_internal_list_limit(self.internal_list_limit)?;
        check_tag(self.tag.as_deref())?;
        validate_filters(
            self.filters.as_ref(),
            self.order_by.as_ref(),
            FilterFields::DomainIntersection,
        )?;
        validate_backlinks_filters(self.backlinks_filters.as_ref())
    }

    fn max_billed_rows(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_LIMIT)
    }

    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

paged_request!(DomainIntersectionRequest, DEFAULT_LIMIT, None);

wire_model! {
    /// `result[0]` of `domain_intersection/live`.
    pub struct DomainIntersectionResult {
        /// The request's targets, echoed (`{"1": "rival-a.com"}`).
        targets: BTreeMap<String, String>,
        /// Matching rows in the index, independent of paging.
        total_count: u64,
        /// Rows in this page.
        items_count: u64,
        /// The rows.
        items: Vec<DomainIntersectionItem>,
    }
}

paged_result!(DomainIntersectionResult, DomainIntersectionItem);

aggregates_model! {
    /// The stats of one referring domain towards one target.
    pub struct DomainIntersectionTarget {
        /// `backlinks_domain_intersection`.
        r#type: String,
        /// The **referring domain** (the same under every key), not the competitor.
        target: String,
        /// Rank this referrer passes to the target.
        rank: u64,
        /// Backlinks from the referrer to the target.
        backlinks: u64,
        /// First link found.
        first_seen: Timestamp,
        /// When the last link was lost.
        lost_date: Timestamp,
        /// Average spam score of the links.
        backlinks_spam_score: u64,
        /// Links to 4xx/5xx target pages.
        broken_backlinks: u64,
        /// Broken target pages linked.
        broken_pages: u64,
    }
}

/// One referring domain of a domain intersection.
///
/// Decodes the current shape `{"domain_intersection": {"1": {...}}, "summary": {...}}` and the old
/// keyed shape `{"1": {...}, "2": {...}}`. A target the referrer does not link to is an absent key
/// or a `null` value; both leave the key out of [`DomainIntersectionItem::domain_intersection`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DomainIntersectionItem {
    /// Stats per request target key (`"1"`..`"20"`), only for targets this referrer links to.
    pub domain_intersection: BTreeMap<String, DomainIntersectionTarget>,
    /// `summary.intersections_count`, when sent.
    pub summary: Option<IntersectionSummary>,
}

impl DomainIntersectionItem {
    /// The referring domain (the `target` inside the per-target objects).
    pub fn referring_domain(&self) -> Option<&str> {
        self.domain_intersection.values().find_map(|stats| stats.target.as_deref())
    }

    /// Whether the referrer links to the target with this key.
    pub fn links_to(&self, key: &str) -> bool {
        self.domain_intersection.contains_key(key)
    }

    /// How many targets the referrer links to: `summary.intersections_count`, or the keys present.
    pub fn intersections_count(&self) -> u64 {
        self.summary
            .as_ref()
            .and_then(|summary| summary.intersections_count)
            .unwrap_or(self.domain_intersection.len() as u64)
    }
}

/// Splits an intersection row into its per-target map and its summary, accepting both shapes.
pub(crate) fn split_intersection_row<T: Lenient>(
    value: Value,
    wrapper_key: &str,
) -> Option<(BTreeMap<String, T>, Option<IntersectionSummary>)> {
    let Value::Object(mut object) = value else { return None };
    let summary = object.remove("summary").and_then(IntersectionSummary::from_wire);
    let per_target = match object.remove(wrapper_key) {
        Some(wrapped) => BTreeMap::<String, T>::from_wire(wrapped).unwrap_or_default(),
        None => object
            .into_iter()
            .filter(|(key, _)| key.parse::<usize>().is_ok())
            .filter_map(|(key, value)| T::from_wire(value).map(|stats| (key, stats)))
            .collect(),
    };
    Some((per_target, summary))
}

/// Writes an intersection row in the current shape.
pub(crate) fn write_intersection_row<T: Lenient>(
    per_target: &BTreeMap<String, T>,
    summary: Option<&IntersectionSummary>,
    wrapper_key: &str,
) -> Value {
    let mut object = serde_json::Map::new();
    object.insert(wrapper_key.to_owned(), per_target.to_wire());
    object.insert("summary".to_owned(), summary.map_or(Value::Null, Lenient::to_wire));
    Value::Object(object)
}

impl Lenient for DomainIntersectionItem {
    fn from_wire(value: Value) -> Option<DomainIntersectionItem> {
        let (domain_intersection, summary) = split_intersection_row(value, "domain_intersection")?;
        Some(DomainIntersectionItem { domain_intersection, summary })
    }
    fn to_wire(&self) -> Value {
        write_intersection_row(
            &self.domain_intersection,
            self.summary.as_ref(),
            "domain_intersection",
        )
    }
}

impl<'de> Deserialize<'de> for DomainIntersectionItem {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DomainIntersectionItem, D::Error> {
        Ok(DomainIntersectionItem::from_wire(Value::deserialize(deserializer)?).unwrap_or_default())
    }
}

impl Serialize for DomainIntersectionItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("domain_intersection", &self.domain_intersection.to_wire())?;
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
    fn current_shape_decodes_with_null_meaning_no_link() {
        let result: DomainIntersectionResult = fixture_result("domain_intersection", "ok").unwrap();
        assert_eq!(result.targets.as_ref().unwrap()["2"], "rival-b.com");
        let first = &result.items()[0];
        assert_eq!(first.referring_domain(), Some("news.site.com"));
        assert!(first.links_to("1") && first.links_to("2"));
        assert_eq!(first.intersections_count(), 2);
        assert_eq!(first.domain_intersection["1"].rank, Some(311));
        assert_eq!(first.domain_intersection["1"].referring_links_attributes, None);
        let second = &result.items()[1];
        assert!(!second.links_to("2"), "a null value means no link");
        assert!(!second.links_to("3"), "an absent key means no link");
        assert_eq!(second.intersections_count(), 1);
    }

    #[test]
    fn old_keyed_shape_decodes() {
        let result: DomainIntersectionResult =
            fixture_result("domain_intersection", "old_shape").unwrap();
        let item = &result.items()[0];
        assert_eq!(item.summary, None);
        assert_eq!(item.domain_intersection.keys().collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(item.intersections_count(), 2);
        assert_eq!(item.referring_domain(), Some("old.site.com"));
    }

    #[test]
    fn items_round_trip_in_the_current_shape() {
        let result: DomainIntersectionResult =
            fixture_result("domain_intersection", "old_shape").unwrap();
        let written = serde_json::to_value(&result.items()[0]).unwrap();
        assert!(written["domain_intersection"]["1"].is_object());
        let back: DomainIntersectionItem = serde_json::from_value(written).unwrap();
        assert_eq!(back, result.items()[0]);
    }

    #[test]
    fn link_gap_request_serialises_and_validates() {
        let request = DomainIntersectionRequest {
            exclude_targets: Some(vec!["mysite.com".into()]),
            filters: Some(Filter::field("intersections_count").ge(2)),
            order_by: Some(OrderBy::desc("intersections_count").then_desc("1.rank")),
            limit: Some(1000),
            ..DomainIntersectionRequest::new(["rival-a.com", "rival-b.com", "rival-c.com"])
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"targets": {"1": "rival-a.com", "2": "rival-b.com", "3": "rival-c.com"},
                   "exclude_targets": ["mysite.com"], "filters": ["intersections_count", ">=", 2],
                   "order_by": ["intersections_count,desc", "1.rank,desc"], "limit": 1000})
        );
        request.validate().unwrap();
    }

    #[test]
    fn target_limits_are_checked() {
        let field_of = |request: DomainIntersectionRequest| request.validate().unwrap_err();
        let too_many = DomainIntersectionRequest::new((0..21).map(|n| format!("site{n}.com")));
        assert_eq!(field_of(too_many).field, "targets");
        DomainIntersectionRequest::new((0..20).map(|n| format!("site{n}.com"))).validate().unwrap();
        let none = DomainIntersectionRequest::new(Vec::<String>::new());
        assert_eq!(field_of(none).field, "targets");
        let mut bad_key = DomainIntersectionRequest::new(["a.com"]);
        bad_key.targets.insert("21".into(), "b.com".into());
        assert!(field_of(bad_key).reason.contains("`21`"));
        let excludes = DomainIntersectionRequest {
            exclude_targets: Some((0..11).map(|n| format!("mine{n}.com")).collect()),
            ..DomainIntersectionRequest::new(["a.com"])
        };
        assert_eq!(field_of(excludes).field, "exclude_targets");
        let bad_filter = DomainIntersectionRequest {
            filters: Some(Filter::field("21.rank").gt(1)),
            ..DomainIntersectionRequest::new(["a.com"])
        };
        assert_eq!(field_of(bad_filter).field, "filters");
    }
}
