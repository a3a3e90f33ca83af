//! The tables of request fields each endpoint accepts and of filterable item fields with their types.
//!
//! The same table serves validation of `filters`/`order_by` and the `available_filters` endpoint.

use crate::query::FieldType::{self, ArrayStr, Bool, Num, Str, Time};

/// Which request fields an endpoint takes.
pub(crate) enum Accepted {
    /// Any body (the GET endpoints have none).
    Any,
    /// Only these fields.
    Only(&'static [&'static str]),
}

/// Request fields per endpoint (reference §4.1 plus `tag`); `None` = not a data endpoint.
pub(crate) fn accepted_request_fields(function: &str) -> Option<Accepted> {
    const PROFILE: &[&str] = &[
        "target",
        "limit",
        "offset",
        "internal_list_limit",
        "backlinks_status_type",
        "filters",
        "order_by",
        "backlinks_filters",
        "include_subdomains",
        "include_indirect_links",
        "exclude_internal_backlinks",
        "rank_scale",
        "tag",
    ];
    let fields: &'static [&'static str] = match function {
        "summary" => &[
            "target",
            "include_subdomains",
            "include_indirect_links",
            "exclude_internal_backlinks",
            "internal_list_limit",
            "backlinks_status_type",
            "backlinks_filters",
            "rank_scale",
            "tag",
        ],
        "history" => &["target", "date_from", "date_to", "rank_scale", "tag"],
        "backlinks" => &[
            "target",
            "mode",
            "custom_mode",
            "filters",
            "order_by",
            "offset",
            "search_after_token",
            "limit",
            "backlinks_status_type",
            "include_subdomains",
            "include_indirect_links",
            "exclude_internal_backlinks",
            "rank_scale",
            "tag",
        ],
        "anchors" | "domain_pages_summary" | "referring_domains" => PROFILE,
        "domain_pages" => &[
            "target",
            "limit",
            "offset",
            "internal_list_limit",
            "backlinks_status_type",
            "filters",
            "order_by",
            "backlinks_filters",
            "include_subdomains",
            "exclude_internal_backlinks",
            "rank_scale",
            "tag",
        ],
        "referring_networks" => &[
            "target",
            "network_address_type",
            "limit",
            "offset",
            "internal_list_limit",
            "backlinks_status_type",
            "filters",
            "order_by",
            "backlinks_filters",
            "include_subdomains",
            "include_indirect_links",
            "exclude_internal_backlinks",
            "rank_scale",
            "tag",
        ],
        "competitors" => &[
            "target",
            "limit",
            "offset",
            "filters",
            "order_by",
            "main_domain",
            "exclude_large_domains",
            "exclude_internal_backlinks",
            "rank_scale",
            "tag",
        ],
        "domain_intersection" => &[
            "targets",
            "exclude_targets",
            "intersection_mode",
            "filters",
            "order_by",
            "limit",
            "offset",
            "internal_list_limit",
            "backlinks_status_type",
            "backlinks_filters",
            "include_subdomains",
            "include_indirect_links",
            "exclude_internal_backlinks",
            "rank_scale",
            "tag",
        ],
        "page_intersection" => &[
            "targets",
            "exclude_targets",
            "intersection_mode",
            "filters",
            "order_by",
            "limit",
            "offset",
            "internal_list_limit",
            "backlinks_status_type",
            "include_subdomains",
            "include_indirect_links",
            "exclude_internal_backlinks",
            "rank_scale",
            "tag",
        ],
        "timeseries_summary" => &[
            "target",
            "date_from",
            "date_to",
            "group_range",
            "include_subdomains",
            "rank_scale",
            "tag",
        ],
        "timeseries_new_lost_summary" => {
            &["target", "date_from", "date_to", "group_range", "include_subdomains", "tag"]
        }
        "bulk_ranks" => &["targets", "rank_scale", "tag"],
        "bulk_backlinks" | "bulk_spam_score" | "bulk_referring_domains" => &["targets", "tag"],
        "bulk_new_lost_backlinks" | "bulk_new_lost_referring_domains" => {
            &["targets", "date_from", "tag"]
        }
        "bulk_pages_summary" => &["targets", "include_subdomains", "rank_scale", "tag"],
        "index" | "available_filters" => return Some(Accepted::Any),
        _ => return None,
    };
    Some(Accepted::Only(fields))
}

/// Fields of a backlink item (reference §7.3).
pub(crate) const BACKLINK_FIELDS: &[(&str, FieldType)] = &[
    ("type", Str),
    ("domain_from", Str),
    ("url_from", Str),
    ("url_from_https", Bool),
    ("domain_to", Str),
    ("url_to", Str),
    ("url_to_https", Bool),
    ("tld_from", Str),
    ("is_new", Bool),
    ("is_lost", Bool),
    ("backlink_spam_score", Num),
    ("rank", Num),
    ("page_from_rank", Num),
    ("domain_from_rank", Num),
    ("domain_from_platform_type", ArrayStr),
    ("domain_from_is_ip", Bool),
    ("domain_from_ip", Str),
    ("domain_from_country", Str),
    ("page_from_external_links", Num),
    ("page_from_internal_links", Num),
    ("page_from_size", Num),
    ("page_from_encoding", Str),
    ("page_from_language", Str),
    ("page_from_title", Str),
    ("page_from_status_code", Num),
    ("first_seen", Time),
    ("prev_seen", Time),
    ("last_seen", Time),
    ("item_type", Str),
    ("attributes", ArrayStr),
    ("dofollow", Bool),
    ("original", Bool),
    ("alt", Str),
    ("image_url", Str),
    ("anchor", Str),
    ("text_pre", Str),
    ("text_post", Str),
    ("semantic_location", Str),
    ("links_count", Num),
    ("group_count", Num),
    ("is_broken", Bool),
    ("url_to_status_code", Num),
    ("url_to_spam_score", Num),
    ("url_to_redirect_target", Str),
    ("ranked_keywords_info.page_from_keywords_count_top_3", Num),
    ("ranked_keywords_info.page_from_keywords_count_top_10", Num),
    ("ranked_keywords_info.page_from_keywords_count_top_100", Num),
    ("is_indirect_link", Bool),
];

/// Fields of a `ProfileAggregates` object (reference §7.0), without the breakdown maps.
pub(crate) const AGGREGATE_FIELDS: &[(&str, FieldType)] = &[
    ("rank", Num),
    ("backlinks", Num),
    ("first_seen", Time),
    ("lost_date", Time),
    ("backlinks_spam_score", Num),
    ("broken_backlinks", Num),
    ("broken_pages", Num),
    ("referring_domains", Num),
    ("referring_domains_nofollow", Num),
    ("referring_main_domains", Num),
    ("referring_main_domains_nofollow", Num),
    ("referring_ips", Num),
    ("referring_subnets", Num),
    ("referring_pages", Num),
    ("referring_pages_nofollow", Num),
];

/// Known keys of the breakdown maps (any other key is accepted in filters too).
const MAP_KEYS: &[&str] = &[
    "referring_links_types.anchor",
    "referring_links_types.image",
    "referring_links_types.link",
    "referring_links_types.meta",
    "referring_links_types.canonical",
    "referring_links_types.alternate",
    "referring_links_types.redirect",
    "referring_links_attributes.nofollow",
    "referring_links_attributes.noopener",
    "referring_links_attributes.noreferrer",
    "referring_links_attributes.external",
    "referring_links_attributes.ugc",
    "referring_links_attributes.sponsored",
    "referring_links_platform_types.cms",
    "referring_links_platform_types.blogs",
    "referring_links_platform_types.ecommerce",
    "referring_links_platform_types.message-boards",
    "referring_links_platform_types.wikis",
    "referring_links_platform_types.news",
    "referring_links_platform_types.organization",
    "referring_links_semantic_locations.article",
    "referring_links_semantic_locations.section",
    "referring_links_semantic_locations.main",
    "referring_links_semantic_locations.footer",
    "referring_links_semantic_locations.header",
    "referring_links_semantic_locations.nav",
    "referring_links_semantic_locations.aside",
];

/// Fields of a `domain_pages` item besides `page_summary.*`.
const DOMAIN_PAGE_FIELDS: &[(&str, FieldType)] = &[
    ("type", Str),
    ("main_domain", Str),
    ("domain", Str),
    ("tld", Str),
    ("page", Str),
    ("ip", Str),
    ("first_visited", Time),
    ("prev_visited", Time),
    ("fetch_time", Time),
    ("status_code", Num),
    ("location", Str),
    ("size", Num),
    ("encoded_size", Num),
    ("content_encoding", Str),
    ("media_type", Str),
    ("server", Str),
    ("meta.title", Str),
    ("meta.canonical", Str),
    ("meta.internal_links_count", Num),
    ("meta.external_links_count", Num),
    ("meta.images_count", Num),
    ("meta.words_count", Num),
    ("meta.page_spam_score", Num),
    ("meta.h1", ArrayStr),
    ("meta.h2", ArrayStr),
    ("meta.h3", ArrayStr),
    ("meta.images_alt", ArrayStr),
    ("meta.powered_by", ArrayStr),
    ("meta.language", Str),
    ("meta.charset", Str),
    ("meta.platform_type", ArrayStr),
];

/// Endpoints with filters, in the order `available_filters` lists them.
pub(crate) const FILTER_ENDPOINTS: &[&str] = &[
    "backlinks",
    "anchors",
    "domain_pages",
    "domain_pages_summary",
    "referring_domains",
    "referring_networks",
    "competitors",
    "domain_intersection",
    "page_intersection",
];

/// The key field of each aggregate endpoint's items.
fn key_field(endpoint: &str) -> Option<&'static str> {
    Some(match endpoint {
        "anchors" => "anchor",
        "domain_pages_summary" => "url",
        "referring_domains" => "domain",
        "referring_networks" => "network_address",
        _ => return None,
    })
}

/// The type of a filterable field of an endpoint's items; `None` when the field is not filterable.
pub(crate) fn field_type(endpoint: &str, path: &str) -> Option<FieldType> {
    let lookup = |table: &[(&str, FieldType)], path: &str| {
        table.iter().find(|(name, _)| *name == path).map(|(_, ty)| *ty)
    };
    let aggregate = |path: &str| -> Option<FieldType> {
        if let Some(ty) = lookup(AGGREGATE_FIELDS, path) {
            return Some(ty);
        }
        let (map, key) = path.split_once('.')?;
        (super::aggregate::MAP_FIELDS.contains(&map) && !key.is_empty()).then_some(Num)
    };
    match endpoint {
        "backlinks" => lookup(BACKLINK_FIELDS, path),
        "anchors" | "domain_pages_summary" | "referring_domains" | "referring_networks" => {
            let key = key_field(endpoint)?;
            if path == key || path == "type" {
                return Some(Str);
            }
            if endpoint == "referring_networks" && path == "backlinks_spam_score" {
                return None;
            }
            aggregate(path)
        }
        "domain_pages" => {
            if let Some(ty) = lookup(DOMAIN_PAGE_FIELDS, path) {
                return Some(ty);
            }
            aggregate(path.strip_prefix("page_summary.")?)
        }
        "competitors" => match path {
            "type" | "target" => Some(Str),
            "rank" | "intersections" => Some(Num),
            _ => None,
        },
        "domain_intersection" | "page_intersection" => {
            if path == "intersections_count" || path == "summary.intersections_count" {
                return Some(Num);
            }
            let (key, field) = path.split_once('.')?;
            let key: u32 = key.parse().ok()?;
            if !(1..=20).contains(&key) {
                return None;
            }
            if endpoint == "domain_intersection" {
                if field == "target" || field == "type" {
                    return Some(Str);
                }
                aggregate(field)
            } else {
                if field == "image_url" || field.starts_with("ranked_keywords_info.") {
                    return None;
                }
                lookup(BACKLINK_FIELDS, field)
            }
        }
        _ => None,
    }
}

/// The filterable fields of an endpoint with their types, as `available_filters` lists them.
pub(crate) fn listed_fields(endpoint: &str) -> Vec<(String, FieldType)> {
    let aggregate_list = |prefix: &str, with_spam: bool| -> Vec<(String, FieldType)> {
        AGGREGATE_FIELDS
            .iter()
            .filter(|(name, _)| with_spam || *name != "backlinks_spam_score")
            .map(|(name, ty)| (format!("{prefix}{name}"), *ty))
            .chain(MAP_KEYS.iter().map(|name| (format!("{prefix}{name}"), Num)))
            .collect()
    };
    match endpoint {
        "backlinks" => BACKLINK_FIELDS.iter().map(|(name, ty)| ((*name).to_owned(), *ty)).collect(),
        "anchors" | "domain_pages_summary" | "referring_domains" | "referring_networks" => {
            let key = key_field(endpoint).unwrap_or("type");
            let mut list = vec![(key.to_owned(), Str)];
            list.extend(aggregate_list("", endpoint != "referring_networks"));
            list
        }
        "domain_pages" => {
            let mut list: Vec<(String, FieldType)> =
                DOMAIN_PAGE_FIELDS.iter().map(|(name, ty)| ((*name).to_owned(), *ty)).collect();
            list.extend(aggregate_list("page_summary.", true));
            list
        }
        "competitors" => {
            vec![("target".into(), Str), ("rank".into(), Num), ("intersections".into(), Num)]
        }
        "domain_intersection" => {
            let mut list =
                vec![("intersections_count".to_owned(), Num), ("1.target".to_owned(), Str)];
            list.extend(aggregate_list("1.", true));
            list
        }
        "page_intersection" => {
            let mut list = vec![("intersections_count".to_owned(), Num)];
            list.extend(
                BACKLINK_FIELDS
                    .iter()
                    .filter(|(name, _)| {
                        field_type("page_intersection", &format!("1.{name}")).is_some()
                    })
                    .map(|(name, ty)| (format!("1.{name}"), *ty)),
            );
            list
        }
        _ => Vec::new(),
    }
}
