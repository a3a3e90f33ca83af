//! The stored form of a monitoring snapshot: one JSON row per backlink, and the snapshot's
//! metadata (coverage, data source, cost), with conversions to and from the analysis types.

use chrono::NaiveDate;
use linkgap_analysis::{Backlink, Coverage, Profile, Rows};
use serde::{Deserialize, Serialize};

/// One backlink of a snapshot, as stored (the analysis row, field for field).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct StoredRow {
    domain_from: String,
    url_from: String,
    domain_to: String,
    url_to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    anchor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_type: Option<String>,
    dofollow: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<String>,
    is_lost: bool,
    is_broken: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_seen: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain_from_rank: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_from_rank: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backlink_spam_score: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain_from_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain_from_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tld_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_from_external_links: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_from_internal_links: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_from_language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_from_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page_from_status_code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    semantic_location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text_pre: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text_post: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url_to_redirect_target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url_to_status_code: Option<u16>,
}

impl From<&Backlink> for StoredRow {
    fn from(row: &Backlink) -> StoredRow {
        StoredRow {
            domain_from: row.domain_from.clone(),
            url_from: row.url_from.clone(),
            domain_to: row.domain_to.clone(),
            url_to: row.url_to.clone(),
            anchor: row.anchor.clone(),
            alt: row.alt.clone(),
            item_type: row.item_type.clone(),
            dofollow: row.dofollow,
            attributes: row.attributes.clone(),
            is_lost: row.is_lost,
            is_broken: row.is_broken,
            first_seen: row.first_seen,
            last_seen: row.last_seen,
            domain_from_rank: row.domain_from_rank,
            page_from_rank: row.page_from_rank,
            backlink_spam_score: row.backlink_spam_score,
            domain_from_ip: row.domain_from_ip.clone(),
            domain_from_country: row.domain_from_country.clone(),
            tld_from: row.tld_from.clone(),
            page_from_external_links: row.page_from_external_links,
            page_from_internal_links: row.page_from_internal_links,
            page_from_language: row.page_from_language.clone(),
            page_from_title: row.page_from_title.clone(),
            page_from_status_code: row.page_from_status_code,
            links_count: row.links_count,
            semantic_location: row.semantic_location.clone(),
            text_pre: row.text_pre.clone(),
            text_post: row.text_post.clone(),
            url_to_redirect_target: row.url_to_redirect_target.clone(),
            url_to_status_code: row.url_to_status_code,
        }
    }
}

impl From<StoredRow> for Backlink {
    fn from(row: StoredRow) -> Backlink {
        Backlink {
            domain_from: row.domain_from,
            url_from: row.url_from,
            domain_to: row.domain_to,
            url_to: row.url_to,
            anchor: row.anchor,
            alt: row.alt,
            item_type: row.item_type,
            dofollow: row.dofollow,
            attributes: row.attributes,
            is_lost: row.is_lost,
            is_broken: row.is_broken,
            first_seen: row.first_seen,
            last_seen: row.last_seen,
            domain_from_rank: row.domain_from_rank,
            page_from_rank: row.page_from_rank,
            backlink_spam_score: row.backlink_spam_score,
            domain_from_ip: row.domain_from_ip,
            domain_from_country: row.domain_from_country,
            tld_from: row.tld_from,
            page_from_external_links: row.page_from_external_links,
            page_from_internal_links: row.page_from_internal_links,
            page_from_language: row.page_from_language,
            page_from_title: row.page_from_title,
            page_from_status_code: row.page_from_status_code,
            links_count: row.links_count,
            semantic_location: row.semantic_location,
            text_pre: row.text_pre,
            text_post: row.text_post,
            url_to_redirect_target: row.url_to_redirect_target,
            url_to_status_code: row.url_to_status_code,
        }
    }
}

/// The metadata stored with a snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct SnapshotMeta {
    /// The site, normalised.
    pub(crate) site: String,
    /// Whether every row of the index was fetched.
    pub(crate) complete: bool,
    /// Rows the index reported, when the fetch was cut short.
    pub(crate) total: Option<u64>,
    /// Where the rows came from.
    pub(crate) data_source: String,
    /// What fetching them cost (USD).
    pub(crate) cost_usd: f64,
    /// The linkgap version that took it.
    pub(crate) tool_version: String,
}

/// The rows of a link-level profile, as stored.
pub(crate) fn rows_of(profile: &Profile) -> Vec<StoredRow> {
    match &profile.rows {
        Rows::Backlinks(rows) => rows.iter().map(StoredRow::from).collect(),
        // Monitoring always fetches link-level rows; a domain-level profile stores nothing.
        Rows::ReferringDomains(_) => Vec::new(),
    }
}

/// The profile a stored snapshot holds.
pub(crate) fn profile_of(meta: &SnapshotMeta, rows: Vec<StoredRow>) -> Profile {
    let fetched = rows.len() as u64;
    Profile {
        site: meta.site.clone(),
        coverage: if meta.complete {
            Coverage::Complete
        } else {
            Coverage::Truncated { fetched, total: meta.total.unwrap_or(fetched) }
        },
        rows: Rows::Backlinks(rows.into_iter().map(Backlink::from).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_survives_the_round_trip_through_json() {
        let row = Backlink {
            domain_from: "blog.example.org".into(),
            url_from: "https://blog.example.org/a".into(),
            domain_to: "me.com".into(),
            url_to: "https://me.com/".into(),
            anchor: Some("hiking boots".into()),
            dofollow: true,
            attributes: vec!["ugc".into()],
            first_seen: NaiveDate::from_ymd_opt(2026, 1, 2),
            page_from_status_code: Some(404),
            backlink_spam_score: Some(12),
            ..Backlink::default()
        };
        let profile = Profile {
            site: "me.com".into(),
            coverage: Coverage::Truncated { fetched: 1, total: 9 },
            rows: Rows::Backlinks(vec![row.clone(), Backlink::default()]),
        };
        let stored = rows_of(&profile);
        let json: Vec<String> =
            stored.iter().map(|row| serde_json::to_string(row).unwrap()).collect();
        assert!(json[0].contains(r#""first_seen":"2026-01-02""#), "{}", json[0]);
        let back: Vec<StoredRow> =
            json.iter().map(|row| serde_json::from_str(row).unwrap()).collect();
        let meta =
            SnapshotMeta { site: "me.com".into(), total: Some(9), ..SnapshotMeta::default() };
        let restored = profile_of(&meta, back);
        assert_eq!(restored.coverage, Coverage::Truncated { fetched: 2, total: 9 });
        assert_eq!(restored.rows, profile.rows);
    }
}
