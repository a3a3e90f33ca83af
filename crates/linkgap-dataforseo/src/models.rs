//! Wire models of every endpoint (one module per endpoint path) and the building blocks they share.
//!
//! Response models are tolerant (reference §12): every field is an `Option` read through
//! [`crate::timefmt`], missing and unknown keys are ignored, `null` lists read as empty through the
//! `items()` accessors. Request models send only what is set.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::request::InvalidRequest;
use crate::timefmt::Lenient;

/// Defines a tolerant response struct: every field becomes `pub Option<T>` read with
/// [`crate::timefmt::lenient`], the struct gets `Default`, `#[serde(default)]` and a `Lenient` impl
/// so it can nest inside other models.
macro_rules! wire_model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(with = "crate::timefmt::lenient")]
                pub $field: Option<$ty>,
            )*
        }

        impl crate::timefmt::Lenient for $name {
            fn from_wire(value: ::serde_json::Value) -> Option<Self> {
                if value.is_object() { ::serde_json::from_value(value).ok() } else { None }
            }
            fn to_wire(&self) -> ::serde_json::Value {
                ::serde_json::to_value(self).unwrap_or_default()
            }
        }
    };
}

/// Like `wire_model!`, then appends the `referring_*` counts and breakdown maps of `ProfileAggregates`
/// (§7.0). The listed fields must end with a comma.
macro_rules! aggregates_model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        wire_model! {
            $(#[$meta])*
            pub struct $name {
                $($body)*
                /// Referring domains; subdomains count separately.
                referring_domains: u64,
                /// Domains with at least one nofollow link to the target.
                referring_domains_nofollow: u64,
                /// Referring root domains.
                referring_main_domains: u64,
                /// Root domains with at least one nofollow link.
                referring_main_domains_nofollow: u64,
                /// Distinct referring IPs.
                referring_ips: u64,
                /// Distinct referring subnets.
                referring_subnets: u64,
                /// Distinct referring pages.
                referring_pages: u64,
                /// Referring pages with at least one nofollow link.
                referring_pages_nofollow: u64,
                /// Link count per referring TLD (`{"com": 204}`).
                referring_links_tld: crate::models::CountMap,
                /// Link count per link type (`anchor`, `image`, `link`, `meta`, `canonical`, `alternate`, `redirect`).
                referring_links_types: crate::models::CountMap,
                /// Link count per rel attribute (`nofollow`, `ugc`, `sponsored`, ...).
                referring_links_attributes: crate::models::CountMap,
                /// Link count per platform type (`cms`, `blogs`, `news`, ...).
                referring_links_platform_types: crate::models::CountMap,
                /// Link count per HTML element holding the link; the key `""` means unknown.
                referring_links_semantic_locations: crate::models::CountMap,
                /// Link count per country of the referring domain; the key `""` means unknown.
                referring_links_countries: crate::models::CountMap,
            }
        }
    };
}

/// Like `wire_model!`, with the fields of one backlink row (§7.3), which `backlinks/live` and
/// `page_intersection/live` share. The `type` field (with its own doc) comes first; the fields only
/// one endpoint sends go in two slots, `after_alt { .. }` and `after_redirect_target { .. }`, so
/// every row keeps the documented field order (each slot's fields end with a comma).
macro_rules! backlink_model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(#[$type_meta:meta])*
            r#type: String,
            after_alt { $($after_alt:tt)* }
            after_redirect_target { $($after_redirect_target:tt)* }
        }
    ) => {
        wire_model! {
            $(#[$meta])*
            pub struct $name {
                $(#[$type_meta])*
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
                /// TLD of the source (`"com"`).
                tld_from: String,
                /// The link appeared at the most recent crawl of the source page.
                is_new: bool,
                /// The link (or the whole page) is gone.
                is_lost: bool,
                /// Spam score of this link, 0–100.
                backlink_spam_score: u64,
                /// Rank this link passes to the target.
                rank: u64,
                /// Rank of the source page.
                page_from_rank: u64,
                /// Rank of the source domain.
                domain_from_rank: u64,
                /// Platform types of the source domain (`["cms", "blogs"]`).
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
                /// Source page encoding (`"utf-8"`).
                page_from_encoding: String,
                /// Source page language (ISO 639-1); often `null`.
                page_from_language: String,
                /// Source page title.
                page_from_title: String,
                /// HTTP status of the source page.
                page_from_status_code: u64,
                /// Link first found.
                first_seen: crate::models::Timestamp,
                /// The crawl before the latest one.
                prev_seen: crate::models::Timestamp,
                /// Latest crawl that saw the link.
                last_seen: crate::models::Timestamp,
                /// `anchor`, `image`, `link`, `meta`, `canonical`, `alternate` or `redirect`.
                item_type: String,
                /// Rel attributes (`["nofollow"]`).
                attributes: Vec<String>,
                /// `false` means nofollow.
                dofollow: bool,
                /// The link was on the page at the first crawl.
                original: bool,
                /// Image alt text (image links only).
                alt: String,
                $($after_alt)*
                /// Anchor text.
                anchor: String,
                /// Text just before the anchor.
                text_pre: String,
                /// Text just after the anchor.
                text_post: String,
                /// HTML5 element holding the link (`article`, `footer`, ...).
                semantic_location: String,
                /// Identical links to the target on this source page.
                links_count: u64,
                /// Links in the collapsed group with `one_per_domain`/`one_per_anchor` (0 with
                /// `as_is`).
                group_count: u64,
                /// The destination answers 4xx/5xx.
                is_broken: bool,
                /// HTTP status of the destination; `None` when not crawled yet.
                url_to_status_code: u64,
                /// Spam score of the destination page; `None` when not crawled yet.
                url_to_spam_score: u64,
                /// Where the destination redirects to.
                url_to_redirect_target: String,
                $($after_redirect_target)*
                /// The link reaches the target through a redirect or a canonical.
                is_indirect_link: bool,
                /// The URL chain from `url_to` to the target.
                indirect_link_path: Vec<crate::models::IndirectLinkHop>,
            }
        }

        impl $name {
            /// Rel attributes; `null` reads as empty.
            pub fn attributes(&self) -> &[String] {
                self.attributes.as_deref().unwrap_or_default()
            }
            /// Platform types of the source domain; `null` reads as empty.
            pub fn domain_from_platform_type(&self) -> &[String] {
                self.domain_from_platform_type.as_deref().unwrap_or_default()
            }
            /// The redirect/canonical chain; `null` reads as empty.
            pub fn indirect_link_path(&self) -> &[crate::models::IndirectLinkHop] {
                self.indirect_link_path.as_deref().unwrap_or_default()
            }
        }
    };
}

/// Defines one row of an intersection endpoint: `$field`, the per-target map keyed by the request's
/// target keys (`"1"`..`"20"`), and `summary`, with serde and `Lenient` impls that read the current
/// shape `{"$field": {...}, "summary": {...}}` and the old keyed shape `{"1": ..., "2": ...}` and
/// write the current one. Absent keys and `null` values both leave a target out of the map.
macro_rules! intersection_item {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(#[$field_meta:meta])*
            $field:ident: BTreeMap<String, $value:ty>,
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $(#[$field_meta])*
            pub $field: ::std::collections::BTreeMap<String, $value>,
            /// `summary.intersections_count`, when sent.
            pub summary: Option<crate::models::IntersectionSummary>,
        }

        impl crate::timefmt::Lenient for $name {
            fn from_wire(value: ::serde_json::Value) -> Option<$name> {
                let ($field, summary) =
                    crate::models::split_intersection_row(value, stringify!($field))?;
                Some($name { $field, summary })
            }
            fn to_wire(&self) -> ::serde_json::Value {
                crate::models::write_intersection_row(
                    &self.$field,
                    self.summary.as_ref(),
                    stringify!($field),
                )
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<$name, D::Error> {
                let value =
                    <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(<$name as crate::timefmt::Lenient>::from_wire(value).unwrap_or_default())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(2))?;
                ::serde::ser::SerializeMap::serialize_entry(
                    &mut map,
                    stringify!($field),
                    &crate::timefmt::Lenient::to_wire(&self.$field),
                )?;
                ::serde::ser::SerializeMap::serialize_entry(&mut map, "summary", &self.summary)?;
                ::serde::ser::SerializeMap::end(map)
            }
        }
    };
}

/// Implements [`crate::PagedResult`] and an `items()` accessor for a `{ total_count, items_count, items }` wrapper.
macro_rules! paged_result {
    ($result:ident, $item:ident, search_after_token) => {
        impl $result {
            /// The rows of this page; a `null` or missing list reads as empty.
            pub fn items(&self) -> &[$item] {
                self.items.as_deref().unwrap_or_default()
            }
        }

        impl crate::request::PagedResult for $result {
            type Item = $item;
            fn total_count(&self) -> Option<u64> {
                self.total_count
            }
            fn search_after_token(&self) -> Option<&str> {
                self.search_after_token.as_deref().filter(|token| !token.is_empty())
            }
            fn into_items(self) -> Vec<$item> {
                self.items.unwrap_or_default()
            }
        }
    };
    ($result:ident, $item:ident) => {
        impl $result {
            /// The rows of this page; a `null` or missing list reads as empty.
            pub fn items(&self) -> &[$item] {
                self.items.as_deref().unwrap_or_default()
            }
        }

        impl crate::request::PagedResult for $result {
            type Item = $item;
            fn total_count(&self) -> Option<u64> {
                self.total_count
            }
            fn into_items(self) -> Vec<$item> {
                self.items.unwrap_or_default()
            }
        }
    };
}

/// Implements `Lenient` for a type that already has serde impls (enums, request echo objects).
macro_rules! lenient_via_serde {
    ($name:ty) => {
        impl crate::timefmt::Lenient for $name {
            fn from_wire(value: ::serde_json::Value) -> Option<Self> {
                ::serde_json::from_value(value).ok()
            }
            fn to_wire(&self) -> ::serde_json::Value {
                ::serde_json::to_value(self).unwrap_or_default()
            }
        }
    };
}

/// Implements [`crate::PagedRequest`] for a request with `limit: Option<u64>` and `offset: Option<u64>`.
/// Arguments: request type, default limit, offset cap expression.
macro_rules! paged_request {
    ($request:ident, $default_limit:expr, $offset_cap:expr) => {
        impl crate::request::PagedRequest for $request {
            fn limit(&self) -> u64 {
                self.limit.unwrap_or($default_limit)
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
                $offset_cap
            }
            fn total_count_counts_rows(&self) -> bool {
                // `referring_domains` counts main domains in `total_count` but pages through hosts.
                !matches!(
                    <Self as crate::request::ApiRequest>::ENDPOINT,
                    crate::endpoint::Endpoint::ReferringDomains
                )
            }
        }
    };
}

/// Defines the request and the `result[0]` of an intersection endpoint (`domain_intersection`,
/// `page_intersection`), which share every option but a few: `$extra` fields (sent after
/// `backlinks_status_type`), the filterable fields `$fields`, and `$extra_check`, a function of
/// the request run after the common checks.
macro_rules! intersection_endpoint {
    (
        $(#[$meta:meta])*
        pub struct $request:ident {
            $($extra:tt)*
        }
        endpoint: $endpoint:ident,
        fields: $fields:ident,
        extra_check: $extra_check:expr,
        $(#[$result_meta:meta])*
        pub struct $result:ident { items: Vec<$item:ident> }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize)]
        pub struct $request {
            /// Targets keyed `"1"`..`"20"`; the keys reappear in the response and in filter
            /// paths (`"1.rank"`).
            pub targets: ::std::collections::BTreeMap<String, String>,
            /// Up to 10 targets whose referrers are dropped (your own site, for a link gap).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub exclude_targets: Option<Vec<String>>,
            /// `all` (default) or `partial`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub intersection_mode: Option<crate::models::IntersectionMode>,
            /// Filters on prefixed fields (`"1.backlinks"`) and `intersections_count`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub filters: Option<crate::filter::Filter>,
            /// Sort rules (at most 3).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub order_by: Option<crate::filter::OrderBy>,
            /// Rows per call, 1..=1000 (default 100).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub limit: Option<u64>,
            /// Rows to skip.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub offset: Option<u64>,
            /// Caps the lists inside a row (the `referring_links_*` maps of a domain row, the
            /// `attributes` and `domain_from_platform_type` arrays of a page row), 1..=1000
            /// (default 10).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub internal_list_limit: Option<u64>,
            /// `all`, `live` (default) or `lost`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub backlinks_status_type: Option<crate::models::BacklinksStatusType>,
            $($extra)*
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
            pub rank_scale: Option<crate::models::RankScale>,
            /// Echoed in `data.tag`, at most 255 characters.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub tag: Option<String>,
        }

        impl $request {
            /// A request for `targets`, keyed `"1"`, `"2"`, ... in the order given.
            pub fn new<T: Into<String>>(targets: impl IntoIterator<Item = T>) -> $request {
                $request {
                    targets: crate::models::backlinks::domain_intersection::key_targets(targets),
                    ..$request::default()
                }
            }
        }

        impl crate::request::ApiRequest for $request {
            const ENDPOINT: crate::endpoint::Endpoint = crate::endpoint::Endpoint::$endpoint;
            type Result = $result;

            fn validate(&self) -> Result<(), crate::request::InvalidRequest> {
                crate::models::backlinks::domain_intersection::check_intersection_targets(
                    &self.targets,
                    self.exclude_targets.as_deref(),
                )?;
                crate::models::check_limit(self.limit)?;
                crate::models::check_internal_list_limit(self.internal_list_limit)?;
                crate::models::check_tag(self.tag.as_deref())?;
                crate::filter::validate_filters(
                    self.filters.as_ref(),
                    self.order_by.as_ref(),
                    crate::filter::FilterFields::$fields,
                )?;
                let extra_check: fn(&$request) -> Result<(), crate::request::InvalidRequest> =
                    $extra_check;
                extra_check(self)
            }

            fn max_billed_rows(&self) -> u64 {
                self.limit.unwrap_or(crate::models::DEFAULT_LIMIT)
            }

            fn tag(&self) -> Option<&str> {
                self.tag.as_deref()
            }
        }

        paged_request!($request, crate::models::DEFAULT_LIMIT, None);

        wire_model! {
            $(#[$result_meta])*
            pub struct $result {
                /// The request's targets, echoed (`{"1": "rival-a.com"}`).
                targets: ::std::collections::BTreeMap<String, String>,
                /// Matching rows in the index, independent of paging.
                total_count: u64,
                /// Rows in this page.
                items_count: u64,
                /// The rows.
                items: Vec<$item>,
            }
        }

        paged_result!($result, $item);
    };
}

/// Defines the request of a `target` + offset-paged list endpoint (`anchors`, `referring_domains`, ...):
/// the common fields of §4.1 plus the listed extra ones, its constructor, `ApiRequest` and
/// `PagedRequest`.
macro_rules! target_list_request {
    (
        $(#[$meta:meta])*
        pub struct $name:ident => $endpoint:ident, $result:ty, $fields:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize)]
        pub struct $name {
            /// Domain, subdomain or page URL.
            pub target: String,
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
            pub backlinks_status_type: Option<crate::models::BacklinksStatusType>,
            /// Filters on the rows (at most 8 conditions).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub filters: Option<crate::filter::Filter>,
            /// Sort rules (at most 3).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub order_by: Option<crate::filter::OrderBy>,
            /// Filters on backlink rows applied before aggregation.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub backlinks_filters: Option<crate::filter::Filter>,
            /// Count links to subdomains as links to the target (default true).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub include_subdomains: Option<bool>,
            /// Drop links from the target's own subdomains (default true).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub exclude_internal_backlinks: Option<bool>,
            /// `one_hundred` or `one_thousand` (default).
            #[serde(skip_serializing_if = "Option::is_none")]
            pub rank_scale: Option<crate::models::RankScale>,
            /// Echoed in `data.tag`, at most 255 characters.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub tag: Option<String>,
            $(
                $(#[$fmeta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $name {
            /// A request for `target` with every option at its server default.
            pub fn new(target: impl Into<String>) -> $name {
                $name { target: target.into(), ..$name::default() }
            }
        }

        impl crate::request::ApiRequest for $name {
            const ENDPOINT: crate::endpoint::Endpoint = crate::endpoint::Endpoint::$endpoint;
            type Result = $result;

            fn validate(&self) -> Result<(), crate::request::InvalidRequest> {
                crate::models::check_target("target", &self.target)?;
                crate::models::check_limit(self.limit)?;
                crate::models::check_internal_list_limit(self.internal_list_limit)?;
                crate::models::check_tag(self.tag.as_deref())?;
                crate::filter::validate_filters(
                    self.filters.as_ref(),
                    self.order_by.as_ref(),
                    crate::filter::FilterFields::$fields,
                )?;
                crate::filter::validate_backlinks_filters(self.backlinks_filters.as_ref())
            }

            fn max_billed_rows(&self) -> u64 {
                self.limit.unwrap_or(crate::models::DEFAULT_LIMIT)
            }

            fn tag(&self) -> Option<&str> {
                self.tag.as_deref()
            }
        }

        paged_request!($name, crate::models::DEFAULT_LIMIT, None);
    };
}

/// Defines the request of a bulk endpoint (`targets: [..]`, 1..=1000) with the listed extra fields,
/// its constructor, `ApiRequest` and `BulkRequest`. `$check` is an extra validation function.
macro_rules! bulk_request {
    (
        $(#[$meta:meta])*
        pub struct $name:ident => $endpoint:ident, $result:ty, max_domains = [$max_domains:expr] {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize)]
        pub struct $name {
            /// Domains, subdomains or page URLs, 1..=1000 per call. The bulk helpers of
            /// [`crate::Backlinks`] split longer lists.
            pub targets: Vec<String>,
            $(
                $(#[$fmeta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Echoed in `data.tag`, at most 255 characters.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub tag: Option<String>,
        }

        impl $name {
            /// A request for `targets` with every option at its server default.
            pub fn new<T: Into<String>>(targets: impl IntoIterator<Item = T>) -> $name {
                $name { targets: targets.into_iter().map(Into::into).collect(), ..$name::default() }
            }
        }

        impl crate::request::ApiRequest for $name {
            const ENDPOINT: crate::endpoint::Endpoint = crate::endpoint::Endpoint::$endpoint;
            type Result = $result;

            fn validate(&self) -> Result<(), crate::request::InvalidRequest> {
                crate::models::check_bulk_targets(&self.targets)?;
                crate::models::check_bulk_domains(&self.targets, $max_domains)?;
                crate::models::check_tag(self.tag.as_deref())?;
                crate::models::BulkExtra::check(self)
            }

            fn max_billed_rows(&self) -> u64 {
                self.targets.len() as u64
            }

            fn tag(&self) -> Option<&str> {
                self.tag.as_deref()
            }
        }

        impl crate::request::BulkRequest for $name {
            fn targets(&self) -> &[String] {
                &self.targets
            }
            fn with_targets(&self, targets: Vec<String>) -> $name {
                $name { targets, ..self.clone() }
            }
            fn max_domains_per_call(&self) -> Option<usize> {
                $max_domains
            }
        }
    };
}

/// Defines the result wrapper of a bulk endpoint (`total_count` when present, `items_count`, `items`).
macro_rules! bulk_result {
    ($(#[$meta:meta])* pub struct $result:ident => $item:ident) => {
        wire_model! {
            $(#[$meta])*
            pub struct $result {
                /// Matching rows (`bulk_pages_summary` only).
                total_count: u64,
                /// Rows in the result.
                items_count: u64,
                /// One row per target; match on `target`, the order is not guaranteed.
                items: Vec<$item>,
            }
        }

        paged_result!($result, $item);
    };
}

/// Endpoint-specific checks of a bulk request beyond the shared ones.
pub(crate) trait BulkExtra {
    /// Checks the extra fields.
    fn check(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
}

/// Implements [`crate::request::BulkItem`] for an item whose key is `target`.
macro_rules! bulk_item_by_target {
    ($item:ident) => {
        impl crate::request::BulkItem for $item {
            fn target(&self) -> Option<&str> {
                self.target.as_deref()
            }
        }
    };
}

pub(crate) mod envelope;

pub(crate) mod appendix {
    pub(crate) mod user_data;
}

pub(crate) mod backlinks {
    pub(crate) mod anchors;
    pub(crate) mod available_filters;
    #[expect(
        clippy::module_inception,
        reason = "modules are named after endpoint paths, `backlinks/backlinks/live` included"
    )]
    pub(crate) mod backlinks;
    pub(crate) mod bulk_backlinks;
    pub(crate) mod bulk_new_lost_backlinks;
    pub(crate) mod bulk_new_lost_referring_domains;
    pub(crate) mod bulk_pages_summary;
    pub(crate) mod bulk_ranks;
    pub(crate) mod bulk_referring_domains;
    pub(crate) mod bulk_spam_score;
    pub(crate) mod competitors;
    pub(crate) mod domain_intersection;
    pub(crate) mod domain_pages;
    pub(crate) mod domain_pages_summary;
    pub(crate) mod errors;
    pub(crate) mod history;
    pub(crate) mod id_list;
    pub(crate) mod index;
    pub(crate) mod page_intersection;
    pub(crate) mod referring_domains;
    pub(crate) mod referring_networks;
    pub(crate) mod summary;
    pub(crate) mod timeseries_new_lost_summary;
    pub(crate) mod timeseries_summary;
}

/// A timestamp as the API writes it (`2024-03-26 02:46:50 +00:00`), with its offset.
pub type Timestamp = DateTime<FixedOffset>;

/// A breakdown map: key (TLD, country, link type, ...) to link count. Keys may be `""`.
pub type CountMap = BTreeMap<String, u64>;

aggregates_model! {
    /// `ProfileAggregates` (§7.0): the backlink aggregates of a group of links. Used as `page_summary`
    /// on domain pages; other rows carry the same fields directly.
    pub struct ProfileAggregates {
        /// Link authority of the group (0–1000, or 0–100 with `rank_scale: one_hundred`).
        rank: u64,
        /// Number of backlinks.
        backlinks: u64,
        /// First time a backlink of this group was found.
        first_seen: Timestamp,
        /// When the last backlink of the group was lost; `None` while still live.
        lost_date: Timestamp,
        /// Average spam score (0–100) of the group's backlinks.
        backlinks_spam_score: u64,
        /// Backlinks pointing to 4xx/5xx pages of the target.
        broken_backlinks: u64,
        /// Target pages with 4xx/5xx that receive backlinks.
        broken_pages: u64,
    }
}

wire_model! {
    /// `TargetInfo` (§7.0): `info` on summary and history items.
    pub struct TargetInfo {
        /// Web server (`nginx`).
        server: String,
        /// CMS (`wordpress`); often `null`.
        cms: String,
        /// Platform types (`["cms", "blogs"]`).
        platform_type: Vec<String>,
        /// IP address of the target.
        ip_address: String,
        /// ISO country code; often `null`.
        country: String,
        /// The target is a bare IP.
        is_ip: bool,
        /// Spam score of the target, 0–100 (for a domain, the average over its pages).
        target_spam_score: u64,
    }
}

wire_model! {
    /// `RankedKeywordsInfo` (§7.0): `ranked_keywords_info` on backlink items.
    pub struct RankedKeywordsInfo {
        /// Keywords the referring page ranks for in Google's top 3.
        page_from_keywords_count_top_3: u64,
        /// Keywords the referring page ranks for in Google's top 10.
        page_from_keywords_count_top_10: u64,
        /// Keywords the referring page ranks for in Google's top 100.
        page_from_keywords_count_top_100: u64,
    }
}

wire_model! {
    /// `IndirectLinkHop` (§7.0): one element of `indirect_link_path`.
    pub struct IndirectLinkHop {
        /// Hop type (redirect, canonical, ...).
        r#type: String,
        /// HTTP status of this hop (`301`).
        status_code: u64,
        /// URL of this hop.
        url: String,
    }
}

wire_model! {
    /// `IntersectionSummary` (§7.0): `summary` of an intersection row.
    pub struct IntersectionSummary {
        /// How many of the request's targets this row links to.
        intersections_count: u64,
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

/// `backlinks_status_type`: which backlinks are returned and counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BacklinksStatusType {
    /// Live and lost backlinks.
    All,
    /// Live backlinks only (the API default).
    Live,
    /// Lost backlinks only.
    Lost,
}

/// `rank_scale`: the scale of every rank in the response (and in rank filters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RankScale {
    /// 0–100.
    OneHundred,
    /// 0–1000 (the API default).
    OneThousand,
}

/// `intersection_mode` of the intersection endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IntersectionMode {
    /// Computed over all backlinks (the API default).
    All,
    /// Computed over the intersecting backlinks only.
    Partial,
}

/// `group_range` of the timeseries endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupRange {
    /// One bucket per day.
    Day,
    /// One bucket per week, dated at its last day.
    Week,
    /// One bucket per month, dated at its last day (the API default).
    Month,
    /// One bucket per year, dated at its last day.
    Year,
    /// A value this client does not know yet.
    #[serde(other)]
    Unknown,
}

lenient_via_serde!(BacklinksStatusType);
lenient_via_serde!(RankScale);
lenient_via_serde!(IntersectionMode);
lenient_via_serde!(GroupRange);

/// The largest `limit` of every list endpoint (§8).
pub const MAX_LIMIT: u64 = 1000;
/// The largest `offset` of `backlinks/live` (§4.2).
pub const MAX_BACKLINKS_OFFSET: u64 = 20_000;
/// The largest `internal_list_limit` (§8).
pub const MAX_INTERNAL_LIST_LIMIT: u64 = 1000;
/// The longest `tag`, in characters (§8).
pub const MAX_TAG_LEN: usize = 255;
/// The most targets per bulk call (§8).
pub const MAX_BULK_TARGETS: usize = 1000;
/// The most distinct domains per `bulk_pages_summary` call (§8).
pub const MAX_BULK_PAGES_DOMAINS: usize = 100;
/// The most `exclude_targets` of an intersection call (§8).
pub const MAX_EXCLUDE_TARGETS: usize = 10;
/// The API default `limit` when none is sent.
pub const DEFAULT_LIMIT: u64 = 100;

/// Checks a `target`-like string: non-empty and without whitespace.
pub(crate) fn check_target(field: &str, target: &str) -> Result<(), InvalidRequest> {
    if target.is_empty() {
        return Err(InvalidRequest::new(field, "must not be empty"));
    }
    if target.chars().any(char::is_whitespace) {
        return Err(InvalidRequest::new(field, format!("`{target}` contains whitespace")));
    }
    Ok(())
}

/// Checks `limit` (1..=1000).
pub(crate) fn check_limit(limit: Option<u64>) -> Result<(), InvalidRequest> {
    match limit {
        Some(0) => Err(InvalidRequest::new("limit", "must be at least 1")),
        Some(limit) if limit > MAX_LIMIT => Err(InvalidRequest::new(
            "limit",
            format!("{limit} is above the maximum of {MAX_LIMIT}"),
        )),
        _ => Ok(()),
    }
}

/// Checks `offset` against an optional cap.
pub(crate) fn check_offset(offset: Option<u64>, cap: Option<u64>) -> Result<(), InvalidRequest> {
    match (offset, cap) {
        (Some(offset), Some(cap)) if offset > cap => Err(InvalidRequest::new(
            "offset",
            format!("{offset} is above the maximum of {cap}; use `search_after_token` beyond it"),
        )),
        _ => Ok(()),
    }
}

/// Checks `tag` (at most 255 characters).
pub(crate) fn check_tag(tag: Option<&str>) -> Result<(), InvalidRequest> {
    match tag {
        Some(tag) if tag.chars().count() > MAX_TAG_LEN => Err(InvalidRequest::new(
            "tag",
            format!("{} characters, at most {MAX_TAG_LEN} are allowed", tag.chars().count()),
        )),
        _ => Ok(()),
    }
}

/// Checks `internal_list_limit` (1..=1000).
pub(crate) fn check_internal_list_limit(
    internal_list_limit: Option<u64>,
) -> Result<(), InvalidRequest> {
    match internal_list_limit {
        Some(0) => Err(InvalidRequest::new("internal_list_limit", "must be at least 1")),
        Some(limit) if limit > MAX_INTERNAL_LIST_LIMIT => Err(InvalidRequest::new(
            "internal_list_limit",
            format!("{limit} is above the maximum of {MAX_INTERNAL_LIST_LIMIT}"),
        )),
        _ => Ok(()),
    }
}

/// Checks bulk `targets` (1..=1000, each a valid target).
pub(crate) fn check_bulk_targets(targets: &[String]) -> Result<(), InvalidRequest> {
    if targets.is_empty() {
        return Err(InvalidRequest::new("targets", "at least one target is needed"));
    }
    if targets.len() > MAX_BULK_TARGETS {
        return Err(InvalidRequest::new(
            "targets",
            format!("{} targets, at most {MAX_BULK_TARGETS} per call are allowed", targets.len()),
        ));
    }
    targets.iter().try_for_each(|target| check_target("targets", target))
}

/// The host a target belongs to, for grouping: the URL host, or the text before the first `/`;
/// lower-cased, without a leading `www.`.
pub(crate) fn target_host(target: &str) -> String {
    let host = url::Url::parse(target)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| target.split(['/', '?', '#']).next().unwrap_or(target).to_owned());
    let host = host.to_ascii_lowercase();
    host.strip_prefix("www.").map(str::to_owned).unwrap_or(host)
}

/// Checks that bulk targets come from at most `max_domains` distinct hosts, if limited.
pub(crate) fn check_bulk_domains(
    targets: &[String],
    max_domains: Option<usize>,
) -> Result<(), InvalidRequest> {
    let Some(max_domains) = max_domains else { return Ok(()) };
    let hosts: std::collections::BTreeSet<String> =
        targets.iter().map(|target| target_host(target)).collect();
    if hosts.len() > max_domains {
        return Err(InvalidRequest::new(
            "targets",
            format!(
                "targets from {} distinct domains, at most {max_domains} per call are allowed",
                hosts.len()
            ),
        ));
    }
    Ok(())
}

/// Checks a date against a lower bound (`date_from` on history and timeseries).
pub(crate) fn check_date_bounds(
    date_from: Option<chrono::NaiveDate>,
    date_to: Option<chrono::NaiveDate>,
    earliest: chrono::NaiveDate,
) -> Result<(), InvalidRequest> {
    if let Some(from) = date_from
        && from < earliest
    {
        return Err(InvalidRequest::new(
            "date_from",
            format!("`{from}` is before the earliest date `{earliest}`"),
        ));
    }
    if let (Some(from), Some(to)) = (date_from, date_to)
        && from > to
    {
        return Err(InvalidRequest::new(
            "date_to",
            format!("`{to}` is before `date_from` `{from}`"),
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Reading fixture files in unit tests.

    use std::path::PathBuf;

    /// Reads `tests/fixtures/<endpoint>/<case>.json` and decodes `tasks[0].result[0]` into `T`.
    pub(crate) fn fixture_result<T: serde::de::DeserializeOwned>(
        endpoint: &str,
        case: &str,
    ) -> Option<T> {
        let value = fixture(endpoint, case);
        let result = value["tasks"][0]["result"].get(0)?.clone();
        Some(serde_json::from_value(result).expect("fixture result decodes"))
    }

    /// Reads `tests/fixtures/<endpoint>/<case>.json`, decoding all of `tasks[0].result` into `Vec<T>`.
    pub(crate) fn fixture_results<T: serde::de::DeserializeOwned>(
        endpoint: &str,
        case: &str,
    ) -> Vec<T> {
        let value = fixture(endpoint, case);
        match value["tasks"][0]["result"].clone() {
            serde_json::Value::Null => Vec::new(),
            results => serde_json::from_value(results).expect("fixture results decode"),
        }
    }

    /// The raw fixture as JSON.
    pub(crate) fn fixture(endpoint: &str, case: &str) -> serde_json::Value {
        let path: PathBuf =
            [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", endpoint, &format!("{case}.json")]
                .iter()
                .collect();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use chrono::{NaiveDate, Utc};
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    use super::appendix::user_data::{UserDataRequest, UserDataResult};
    use super::backlinks::anchors::{AnchorsRequest, AnchorsResult};
    use super::backlinks::available_filters::AvailableFiltersResult;
    use super::backlinks::backlinks::{BacklinksRequest, BacklinksResult};
    use super::backlinks::bulk_backlinks::{BulkBacklinksRequest, BulkBacklinksResult};
    use super::backlinks::bulk_new_lost_backlinks::{
        BulkNewLostBacklinksRequest, BulkNewLostBacklinksResult,
    };
    use super::backlinks::bulk_new_lost_referring_domains::{
        BulkNewLostReferringDomainsRequest, BulkNewLostReferringDomainsResult,
    };
    use super::backlinks::bulk_pages_summary::{BulkPagesSummaryRequest, BulkPagesSummaryResult};
    use super::backlinks::bulk_ranks::{BulkRanksRequest, BulkRanksResult};
    use super::backlinks::bulk_referring_domains::{
        BulkReferringDomainsRequest, BulkReferringDomainsResult,
    };
    use super::backlinks::bulk_spam_score::{BulkSpamScoreRequest, BulkSpamScoreResult};
    use super::backlinks::competitors::{CompetitorsRequest, CompetitorsResult};
    use super::backlinks::domain_intersection::{
        DomainIntersectionRequest, DomainIntersectionResult,
    };
    use super::backlinks::domain_pages::{DomainPagesRequest, DomainPagesResult};
    use super::backlinks::domain_pages_summary::{
        DomainPagesSummaryRequest, DomainPagesSummaryResult,
    };
    use super::backlinks::errors::{ErrorsItem, ErrorsRequest};
    use super::backlinks::history::{HistoryRequest, HistoryResult};
    use super::backlinks::id_list::IdListItem;
    use super::backlinks::index::{IndexRequest, IndexResult};
    use super::backlinks::page_intersection::{PageIntersectionRequest, PageIntersectionResult};
    use super::backlinks::referring_domains::{ReferringDomainsRequest, ReferringDomainsResult};
    use super::backlinks::referring_networks::{ReferringNetworksRequest, ReferringNetworksResult};
    use super::backlinks::summary::{SummaryRequest, SummaryResult};
    use super::backlinks::timeseries_new_lost_summary::{
        TimeseriesNewLostSummaryRequest, TimeseriesNewLostSummaryResult,
    };
    use super::backlinks::timeseries_summary::{TimeseriesSummaryRequest, TimeseriesSummaryResult};
    use super::envelope::Response;
    use super::*;
    use crate::request::ApiRequest;

    /// Decodes every fixture of `endpoint` as a whole response; returns how many were read.
    fn decode_all<T: DeserializeOwned>(endpoint: &str) -> usize {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(endpoint);
        let mut n_fixtures = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let response: Response<T> = serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            let task =
                response.tasks().first().unwrap_or_else(|| panic!("{}: no task", path.display()));
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if name.starts_with("task_error") || name == "empty" {
                assert!(task.result().len() <= 1, "{}", path.display());
            } else {
                assert!(!task.result().is_empty(), "{}: no result", path.display());
            }
            n_fixtures += 1;
        }
        n_fixtures
    }

    #[test]
    fn every_fixture_decodes_as_a_whole_response() {
        let counts = [
            decode_all::<SummaryResult>("summary"),
            decode_all::<HistoryResult>("history"),
            decode_all::<BacklinksResult>("backlinks"),
            decode_all::<AnchorsResult>("anchors"),
            decode_all::<DomainPagesResult>("domain_pages"),
            decode_all::<DomainPagesSummaryResult>("domain_pages_summary"),
            decode_all::<ReferringDomainsResult>("referring_domains"),
            decode_all::<ReferringNetworksResult>("referring_networks"),
            decode_all::<CompetitorsResult>("competitors"),
            decode_all::<DomainIntersectionResult>("domain_intersection"),
            decode_all::<PageIntersectionResult>("page_intersection"),
            decode_all::<TimeseriesSummaryResult>("timeseries_summary"),
            decode_all::<TimeseriesNewLostSummaryResult>("timeseries_new_lost_summary"),
            decode_all::<BulkRanksResult>("bulk_ranks"),
            decode_all::<BulkBacklinksResult>("bulk_backlinks"),
            decode_all::<BulkSpamScoreResult>("bulk_spam_score"),
            decode_all::<BulkReferringDomainsResult>("bulk_referring_domains"),
            decode_all::<BulkNewLostBacklinksResult>("bulk_new_lost_backlinks"),
            decode_all::<BulkNewLostReferringDomainsResult>("bulk_new_lost_referring_domains"),
            decode_all::<BulkPagesSummaryResult>("bulk_pages_summary"),
            decode_all::<IndexResult>("index"),
            decode_all::<AvailableFiltersResult>("available_filters"),
            decode_all::<IdListItem>("id_list"),
            decode_all::<ErrorsItem>("errors"),
            decode_all::<UserDataResult>("user_data"),
        ];
        assert!(counts.iter().all(|n_fixtures| *n_fixtures >= 1));
        let dirs = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
            .unwrap()
            .count();
        assert_eq!(dirs, counts.len(), "every fixture directory is decoded here");
    }

    fn body<R: ApiRequest>(request: &R) -> Value {
        request.validate().unwrap();
        serde_json::to_value(request).unwrap()
    }

    #[test]
    fn constructors_send_only_the_required_fields() {
        let target = json!({"target": "a.com"});
        let targets = json!({"targets": ["a.com"]});
        let keyed = json!({"targets": {"1": "a.com"}});
        assert_eq!(body(&SummaryRequest::new("a.com")), target);
        assert_eq!(body(&HistoryRequest::new("a.com")), target);
        assert_eq!(body(&BacklinksRequest::new("a.com")), target);
        assert_eq!(body(&AnchorsRequest::new("a.com")), target);
        assert_eq!(body(&DomainPagesRequest::new("a.com")), target);
        assert_eq!(body(&DomainPagesSummaryRequest::new("a.com")), target);
        assert_eq!(body(&ReferringDomainsRequest::new("a.com")), target);
        assert_eq!(body(&ReferringNetworksRequest::new("a.com")), target);
        assert_eq!(body(&CompetitorsRequest::new("a.com")), target);
        assert_eq!(body(&TimeseriesSummaryRequest::new("a.com")), target);
        assert_eq!(body(&TimeseriesNewLostSummaryRequest::new("a.com")), target);
        assert_eq!(body(&DomainIntersectionRequest::new(["a.com"])), keyed);
        assert_eq!(body(&PageIntersectionRequest::new(["a.com"])), keyed);
        assert_eq!(body(&BulkRanksRequest::new(["a.com"])), targets);
        assert_eq!(body(&BulkBacklinksRequest::new(["a.com"])), targets);
        assert_eq!(body(&BulkSpamScoreRequest::new(["a.com"])), targets);
        assert_eq!(body(&BulkReferringDomainsRequest::new(["a.com"])), targets);
        assert_eq!(body(&BulkNewLostBacklinksRequest::new(["a.com"])), targets);
        assert_eq!(body(&BulkNewLostReferringDomainsRequest::new(["a.com"])), targets);
        assert_eq!(body(&BulkPagesSummaryRequest::new(["a.com"])), targets);
        assert_eq!(body(&ErrorsRequest::new()), json!({}));
        assert_eq!(body(&IndexRequest), Value::Null);
        assert_eq!(body(&UserDataRequest), Value::Null);
    }

    #[test]
    fn shared_checks_name_the_field() {
        assert_eq!(check_limit(Some(1001)).unwrap_err().field, "limit");
        check_limit(Some(1000)).unwrap();
        assert_eq!(
            check_offset(Some(20_001), Some(MAX_BACKLINKS_OFFSET)).unwrap_err().field,
            "offset"
        );
        check_offset(Some(1_000_000), None).unwrap();
        assert_eq!(check_tag(Some(&"é".repeat(256))).unwrap_err().field, "tag");
        check_tag(Some(&"é".repeat(255))).unwrap();
        assert_eq!(check_internal_list_limit(Some(0)).unwrap_err().field, "internal_list_limit");
        assert_eq!(check_target("target", " a.com").unwrap_err().field, "target");
        let too_many: Vec<String> = (0..1001).map(|n| format!("s{n}.com")).collect();
        assert_eq!(check_bulk_targets(&too_many).unwrap_err().field, "targets");
        let today = Utc::now().date_naive();
        let start = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
        check_date_bounds(Some(start), Some(today), start).unwrap();
    }

    #[test]
    fn target_hosts_group_urls_and_domains() {
        assert_eq!(target_host("https://www.Example.com/a?b"), "example.com");
        assert_eq!(target_host("www.example.com"), "example.com");
        assert_eq!(target_host("blog.example.com/path"), "blog.example.com");
        assert_eq!(target_host("example.com"), "example.com");
    }
}
