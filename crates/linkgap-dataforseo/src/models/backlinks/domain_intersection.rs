//! `POST /v3/backlinks/domain_intersection/live`: referring domains shared by up to 20 targets,
//! the link gap by domain (reference §7.10).

use std::collections::BTreeMap;

use crate::filter::{Filter, MAX_INTERSECTION_TARGETS, validate_backlinks_filters};
use crate::models::{MAX_EXCLUDE_TARGETS, Timestamp, check_target};
use crate::request::InvalidRequest;

intersection_endpoint! {
    /// Request of `domain_intersection/live`.
    pub struct DomainIntersectionRequest {
        /// Filters on backlink rows applied before aggregation.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub backlinks_filters: Option<Filter>,
    }
    endpoint: DomainIntersection,
    fields: DomainIntersection,
    extra_check: |request| validate_backlinks_filters(request.backlinks_filters.as_ref()),
    /// `result[0]` of `domain_intersection/live`.
    pub struct DomainIntersectionResult { items: Vec<DomainIntersectionItem> }
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

intersection_item! {
    /// One referring domain of a domain intersection.
    ///
    /// A target the referrer does not link to is an absent key or a `null` value; both leave the
    /// key out of [`DomainIntersectionItem::domain_intersection`].
    pub struct DomainIntersectionItem {
        /// Stats per request target key (`"1"`..`"20"`), only for targets this referrer links to.
        domain_intersection: BTreeMap<String, DomainIntersectionTarget>,
    }
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::filter::OrderBy;
    use crate::models::test_support::fixture_result;
    use crate::request::ApiRequest;

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
