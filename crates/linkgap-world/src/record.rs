//! One line of a world: a backlink in the `backlinks/live` item schema, and one host's attributes.
//!
//! Only `domain_from`, `url_from`, `domain_to` and `url_to` are required; every other field has the
//! documented default below, applied when the line leaves it out (or sets it to `null`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::timestamp::parse_timestamp;

/// One backlink of a world (`backlinks.jsonl`), named as reference §7.3 names the item fields.
///
/// Defaults for missing fields: `dofollow` true, `is_lost` false, `is_new` false, `is_broken` false,
/// `original` true, `is_indirect_link` false, `links_count` 1, ranks 0, spam score 0, every other field
/// absent (`None`; a missing `item_type` means `"anchor"`, see [`WorldBacklink::item_type_or_default`]). Timestamps are strings in the API's form `"2024-03-26 02:46:50 +00:00"`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorldBacklink {
    /// Referring host. Required.
    pub domain_from: String,
    /// Referring page URL. Required.
    pub url_from: String,
    /// Linked host. Required.
    pub domain_to: String,
    /// Linked URL. Required.
    pub url_to: String,
    /// Anchor text (`None` for image links without alt).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// `false` = nofollow. Default true.
    #[serde(deserialize_with = "null_as_true")]
    pub dofollow: bool,
    /// The link is gone. Default false.
    #[serde(deserialize_with = "null_as_false")]
    pub is_lost: bool,
    /// The link appeared at the latest crawl. Default false.
    #[serde(deserialize_with = "null_as_false")]
    pub is_new: bool,
    /// The destination answers 4xx/5xx. Default false.
    #[serde(deserialize_with = "null_as_false")]
    pub is_broken: bool,
    /// The link was already on the page at the first crawl. Default true.
    #[serde(deserialize_with = "null_as_true")]
    pub original: bool,
    /// The link reaches the target through a redirect or a canonical. Default false.
    #[serde(deserialize_with = "null_as_false")]
    pub is_indirect_link: bool,
    /// First seen, `"yyyy-mm-dd hh:mm:ss +00:00"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// Previous crawl that saw it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev_seen: Option<String>,
    /// Last crawl that saw it (for a lost link: when it was found gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// Rank passed to the target (0-1000).
    #[serde(deserialize_with = "null_as_zero")]
    pub rank: u32,
    /// Rank of the source domain (0-1000).
    #[serde(deserialize_with = "null_as_zero")]
    pub domain_from_rank: u32,
    /// Rank of the source page (0-1000).
    #[serde(deserialize_with = "null_as_zero")]
    pub page_from_rank: u32,
    /// Spam score of the link (0-100).
    #[serde(deserialize_with = "null_as_zero")]
    pub backlink_spam_score: u32,
    /// IP of the source host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_from_ip: Option<String>,
    /// ISO country of the source domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_from_country: Option<String>,
    /// Platform types of the source domain (`["blogs"]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_from_platform_type: Option<Vec<String>>,
    /// TLD of the source (derived from `domain_from` when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tld_from: Option<String>,
    /// Outbound external links on the source page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_from_external_links: Option<u32>,
    /// Internal links on the source page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_from_internal_links: Option<u32>,
    /// Language of the source page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_from_language: Option<String>,
    /// Character encoding of the source page (`"utf-8"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_from_encoding: Option<String>,
    /// Title of the source page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_from_title: Option<String>,
    /// HTTP status of the source page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_from_status_code: Option<u16>,
    /// Identical links on the source page. Default 1.
    #[serde(deserialize_with = "null_as_one")]
    pub links_count: u32,
    /// HTML5 element holding the link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semantic_location: Option<String>,
    /// Link type. Default `"anchor"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
    /// rel attributes (`["nofollow"]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// Image alt text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// Image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Text before the anchor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_pre: Option<String>,
    /// Text after the anchor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_post: Option<String>,
    /// HTTP status of the destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_to_status_code: Option<u16>,
    /// Spam score of the destination page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_to_spam_score: Option<u32>,
    /// Where the destination redirects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_to_redirect_target: Option<String>,
}

impl Default for WorldBacklink {
    fn default() -> WorldBacklink {
        WorldBacklink {
            domain_from: String::new(),
            url_from: String::new(),
            domain_to: String::new(),
            url_to: String::new(),
            anchor: None,
            dofollow: true,
            is_lost: false,
            is_new: false,
            is_broken: false,
            original: true,
            is_indirect_link: false,
            first_seen: None,
            prev_seen: None,
            last_seen: None,
            rank: 0,
            domain_from_rank: 0,
            page_from_rank: 0,
            backlink_spam_score: 0,
            domain_from_ip: None,
            domain_from_country: None,
            domain_from_platform_type: None,
            tld_from: None,
            page_from_external_links: None,
            page_from_internal_links: None,
            page_from_language: None,
            page_from_encoding: None,
            page_from_title: None,
            page_from_status_code: None,
            links_count: 1,
            semantic_location: None,
            item_type: None,
            attributes: None,
            alt: None,
            image_url: None,
            text_pre: None,
            text_post: None,
            url_to_status_code: None,
            url_to_spam_score: None,
            url_to_redirect_target: None,
        }
    }
}

/// Attributes of one host (`domains.jsonl`), used by the summary and bulk endpoints. Hosts without
/// a line get values derived from the backlink rows (documented on [`crate::World`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorldDomain {
    /// The host. Required.
    pub domain: String,
    /// Domain rank (0-1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// Spam score (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spam_score: Option<u32>,
    /// IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// ISO country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Platform types (`["blogs", "cms"]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_type: Option<Vec<String>>,
    /// Server software.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// CMS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cms: Option<String>,
}

fn null_as_true<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(deserializer)?.unwrap_or(true))
}

fn null_as_false<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(deserializer)?.unwrap_or(false))
}

fn null_as_zero<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    Ok(Option::<u32>::deserialize(deserializer)?.unwrap_or(0))
}

fn null_as_one<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    Ok(Option::<u32>::deserialize(deserializer)?.unwrap_or(1))
}

impl WorldBacklink {
    /// The link type, `"anchor"` when the line leaves it out.
    pub fn item_type_or_default(&self) -> &str {
        self.item_type.as_deref().unwrap_or("anchor")
    }

    /// The source TLD: `tld_from` when given, else the last label of `domain_from`.
    pub fn tld_from_or_derived(&self) -> &str {
        match &self.tld_from {
            Some(tld) => tld,
            None => self.domain_from.rsplit('.').next().unwrap_or(&self.domain_from),
        }
    }

    /// `first_seen` parsed (`None` when absent; a loaded world has only parsable timestamps).
    pub fn first_seen_at(&self) -> Option<DateTime<Utc>> {
        self.first_seen.as_deref().and_then(|text| parse_timestamp(text).ok())
    }

    /// `prev_seen` parsed (`None` when absent).
    pub fn prev_seen_at(&self) -> Option<DateTime<Utc>> {
        self.prev_seen.as_deref().and_then(|text| parse_timestamp(text).ok())
    }

    /// `last_seen` parsed (`None` when absent).
    pub fn last_seen_at(&self) -> Option<DateTime<Utc>> {
        self.last_seen.as_deref().and_then(|text| parse_timestamp(text).ok())
    }
}
