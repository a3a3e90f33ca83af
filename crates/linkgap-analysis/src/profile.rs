//! The input of every analysis: a site's backlink profile as plain rows, and how complete it is.
//!
//! The program converts API responses or world rows into these types; the analysis never sees
//! wire types. Strings are as the source gave them: hosts and URLs are normalised by the analysis
//! (see [`crate::domain`]) when it groups them.

use chrono::NaiveDate;

/// How much of a profile was fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Coverage {
    /// Every row the index has for the site (the fetch reached the end of `total_count`).
    Complete,
    /// Only the first `fetched` of `total` rows (an item or cost cap stopped the fetch).
    Truncated {
        /// Rows fetched.
        fetched: u64,
        /// Rows the index reported (`total_count`).
        total: u64,
    },
}

impl Coverage {
    /// Whether absence from this profile proves absence from the index.
    pub fn is_complete(self) -> bool {
        matches!(self, Coverage::Complete)
    }
}

/// One backlink (link level): a source page linking to a page of the profile's site.
///
/// Mirrors the useful fields of the API's backlink item. Every field the API may leave out is an
/// `Option`; `None` means "unknown", never "false" or "zero".
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Backlink {
    /// Referring host (`domain_from`), e.g. `blog.example.org`.
    pub domain_from: String,
    /// Referring page (`url_from`).
    pub url_from: String,
    /// Linked host (`domain_to`).
    pub domain_to: String,
    /// Linked page (`url_to`).
    pub url_to: String,
    /// Anchor text; `None` or empty for image and empty links.
    pub anchor: Option<String>,
    /// Image alt text, for image links.
    pub alt: Option<String>,
    /// Link type (`item_type`): `anchor`, `image`, `link`, `meta`, `canonical`, `alternate`, `redirect`.
    pub item_type: Option<String>,
    /// `false` when the link is nofollow (or sponsored / ugc without follow).
    pub dofollow: bool,
    /// rel attributes (`nofollow`, `ugc`, `sponsored`, ...).
    pub attributes: Vec<String>,
    /// The link is gone (removed, or the page is gone).
    pub is_lost: bool,
    /// The destination answers 4xx/5xx.
    pub is_broken: bool,
    /// First time the link was seen.
    pub first_seen: Option<NaiveDate>,
    /// Last crawl that saw the link.
    pub last_seen: Option<NaiveDate>,
    /// Rank of the source domain (0-1000 scale).
    pub domain_from_rank: Option<u32>,
    /// Rank of the source page (0-1000 scale).
    pub page_from_rank: Option<u32>,
    /// Spam score of this link (0-100), as the API computes it.
    pub backlink_spam_score: Option<u8>,
    /// IP address of the source host.
    pub domain_from_ip: Option<String>,
    /// ISO country of the source domain.
    pub domain_from_country: Option<String>,
    /// TLD of the source (`com`).
    pub tld_from: Option<String>,
    /// Outbound external links on the source page.
    pub page_from_external_links: Option<u32>,
    /// Internal links on the source page.
    pub page_from_internal_links: Option<u32>,
    /// Language of the source page (ISO 639-1).
    pub page_from_language: Option<String>,
    /// Title of the source page.
    pub page_from_title: Option<String>,
    /// HTTP status of the source page at the last crawl.
    pub page_from_status_code: Option<u16>,
    /// Identical links to the target on the source page.
    pub links_count: Option<u32>,
    /// HTML5 element holding the link (`article`, `footer`, `nav`, ...).
    pub semantic_location: Option<String>,
    /// Text just before the anchor.
    pub text_pre: Option<String>,
    /// Text just after the anchor.
    pub text_post: Option<String>,
    /// Where the destination redirects, if it does.
    pub url_to_redirect_target: Option<String>,
    /// HTTP status of the destination.
    pub url_to_status_code: Option<u16>,
}

/// One referring domain (domain level, the cheap fetch): a host linking to the profile's site, with
/// aggregates over its links.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReferringDomain {
    /// Referring host (`domain`); subdomains are separate rows.
    pub domain: String,
    /// Rank of the referring domain (0-1000 scale).
    pub rank: Option<u32>,
    /// Backlinks from this domain to the site.
    pub backlinks: u64,
    /// Of those, nofollow links (`referring_links_attributes.nofollow`), when known.
    pub nofollow_backlinks: Option<u64>,
    /// Referring pages of this domain.
    pub referring_pages: Option<u64>,
    /// First time a link from this domain was seen.
    pub first_seen: Option<NaiveDate>,
    /// When its last link was lost; `None` while any link is live.
    pub lost_date: Option<NaiveDate>,
    /// Average spam score of its backlinks (0-100).
    pub backlinks_spam_score: Option<u8>,
    /// IP address of the referring host, when known.
    pub ip: Option<String>,
}

/// The rows of a profile, at one of two levels of detail.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Rows {
    /// Link-level rows (`backlinks/live`).
    Backlinks(Vec<Backlink>),
    /// Domain-level rows (`referring_domains/live`).
    ReferringDomains(Vec<ReferringDomain>),
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Rows::Backlinks(rows) => rows.len(),
            Rows::ReferringDomains(rows) => rows.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A site's backlink profile: whose it is, its rows and whether they are all of them.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Profile {
    /// The site the profile belongs to, as given by the user (a domain, host or URL).
    pub site: String,
    /// Whether the rows are everything the index has.
    pub coverage: Coverage,
    /// The rows.
    pub rows: Rows,
}
