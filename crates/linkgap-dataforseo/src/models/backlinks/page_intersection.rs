//! `POST /v3/backlinks/page_intersection/live`: referring pages shared by up to 20 targets,
//! the link gap by page (reference §7.11).

intersection_endpoint! {
    /// Request of `page_intersection/live`.
    pub struct PageIntersectionRequest {}
    endpoint: PageIntersection,
    fields: PageIntersection,
    extra_check: |_| Ok(()),
    /// `result[0]` of `page_intersection/live`.
    pub struct PageIntersectionResult { items: Vec<PageIntersectionItem> }
}

backlink_model! {
    /// One backlink row of a page intersection: the backlink item of §7.3 minus `image_url` and
    /// `ranked_keywords_info`.
    pub struct PageIntersectionRow {
        /// `backlinks_page_intersection`.
        r#type: String,
        after_alt {}
        after_redirect_target {}
    }
}

intersection_item! {
    /// One referring page of a page intersection.
    ///
    /// Per request target key, the **array** of backlink rows from this page to that target;
    /// absent keys and `null` values both mean "does not link".
    pub struct PageIntersectionItem {
        /// Backlink rows per request target key, only for targets this page links to.
        page_intersection: BTreeMap<String, Vec<PageIntersectionRow>>,
    }
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::filter::{Filter, OrderBy};
    use crate::models::test_support::fixture_result;
    use crate::request::ApiRequest;

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
