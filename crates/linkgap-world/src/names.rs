//! Word lists and tables the generator draws names, anchors and places from.

/// Money keywords of the outdoor-gear niche.
pub(crate) const KEYWORDS: [&str; 10] = [
    "hiking boots",
    "waterproof jackets",
    "trekking poles",
    "camping tents",
    "backpacking gear",
    "hiking backpacks",
    "sleeping bags",
    "trail running shoes",
    "outdoor clothing",
    "climbing gear",
];

/// Partial-match anchor templates (`{}` = a keyword).
pub(crate) const PARTIAL_TEMPLATES: [&str; 10] = [
    "best {}",
    "{} guide",
    "cheap {}",
    "{} for beginners",
    "lightweight {}",
    "buy {} online",
    "top rated {}",
    "these {}",
    "{} on sale",
    "our favourite {}",
];

/// Generic anchors.
pub(crate) const GENERIC_ANCHORS: [&str; 10] = [
    "click here",
    "here",
    "this website",
    "read more",
    "website",
    "this article",
    "visit site",
    "more info",
    "learn more",
    "source",
];

/// Off-topic spam anchors.
pub(crate) const SPAM_ANCHORS: [&str; 12] = [
    "best online casino",
    "casino bonus no deposit",
    "cheap viagra online",
    "buy cialis without prescription",
    "payday loans fast",
    "instant loans no credit check",
    "crypto trading signals",
    "replica watches",
    "slot online gacor",
    "essay writing service",
    "online pharmacy no prescription",
    "sports betting tips",
];

/// Money anchors in other languages (with their ISO 639-1 code).
pub(crate) const FOREIGN_MONEY_ANCHORS: [(&str, &str); 6] = [
    ("botas de montaña baratas", "es"),
    ("wanderschuhe günstig kaufen", "de"),
    ("chaussures de randonnée pas cher", "fr"),
    ("scarponi da trekking offerta", "it"),
    ("tenda campeggio economica", "it"),
    ("buty trekkingowe tanie", "pl"),
];

/// First halves of site names.
pub(crate) const NAME_HEADS: [&str; 40] = [
    "trail",
    "summit",
    "hike",
    "camp",
    "peak",
    "alpine",
    "wild",
    "forest",
    "river",
    "mountain",
    "outdoor",
    "trek",
    "gear",
    "nature",
    "adventure",
    "north",
    "backcountry",
    "ridge",
    "canyon",
    "coast",
    "urban",
    "family",
    "daily",
    "green",
    "blue",
    "open",
    "true",
    "happy",
    "smart",
    "bright",
    "lake",
    "valley",
    "moor",
    "fell",
    "glen",
    "island",
    "desert",
    "meadow",
    "snow",
    "pine",
];

/// Second halves of site names.
pub(crate) const NAME_TAILS: [&str; 30] = [
    "journal",
    "blog",
    "life",
    "guide",
    "review",
    "reviews",
    "hub",
    "times",
    "diary",
    "notes",
    "world",
    "zone",
    "insider",
    "weekly",
    "mag",
    "press",
    "club",
    "central",
    "lab",
    "corner",
    "walker",
    "nomad",
    "explorer",
    "collective",
    "report",
    "post",
    "herald",
    "tribe",
    "stories",
    "mate",
];

/// Personal names for hosted blogs.
pub(crate) const PEOPLE: [&str; 24] = [
    "alice", "bob", "carla", "dmitri", "emma", "felix", "greta", "hugo", "ines", "jonas", "kate",
    "liam", "maya", "nils", "olga", "pablo", "quinn", "rosa", "sven", "tara", "umar", "vera",
    "will", "zoe",
];

/// Words of spammy host names.
pub(crate) const SPAM_WORDS: [&str; 20] = [
    "seo",
    "links",
    "best",
    "top",
    "free",
    "cheap",
    "web",
    "directory",
    "rank",
    "boost",
    "fast",
    "click",
    "deal",
    "promo",
    "win",
    "cash",
    "bonus",
    "mega",
    "pro",
    "hub",
];

/// Network (PBN) host name pieces: topical-looking but generic.
pub(crate) const PBN_WORDS: [&str; 16] = [
    "outdoorgear",
    "hikingtips",
    "campingworld",
    "trekkinginfo",
    "gearadvice",
    "trailnews",
    "mountainlife",
    "campfire",
    "backpackers",
    "wildernessguide",
    "hikerlist",
    "gearpicks",
    "outdoorpro",
    "summitinfo",
    "trailhub",
    "campguide",
];

/// Top-level sections of source page URLs.
pub(crate) const SECTIONS: [&str; 8] =
    ["blog", "reviews", "guides", "news", "2025", "articles", "forum/thread", "resources"];

/// Slug templates of source pages (`{}` = a keyword slug).
pub(crate) const SLUG_TEMPLATES: [&str; 10] = [
    "best-{}",
    "{}-review",
    "how-to-choose-{}",
    "{}-buying-guide",
    "our-favourite-{}",
    "{}-tested",
    "cheap-{}-worth-it",
    "{}-for-winter",
    "weekend-trip-report",
    "gear-list",
];

/// One public suffix an ordinary site may sit under.
pub(crate) struct Suffix {
    /// The suffix (`co.uk`).
    pub(crate) name: &'static str,
    /// Relative frequency.
    pub(crate) weight: u32,
    /// ISO country it implies, if any.
    pub(crate) country: Option<&'static str>,
    /// Page language it implies, if not English.
    pub(crate) language: Option<&'static str>,
}

/// Public suffixes of ordinary sites (ICANN section), with their weights.
pub(crate) const SUFFIXES: [Suffix; 12] = [
    Suffix { name: "com", weight: 46, country: None, language: None },
    Suffix { name: "org", weight: 7, country: None, language: None },
    Suffix { name: "net", weight: 6, country: None, language: None },
    Suffix { name: "co.uk", weight: 9, country: Some("GB"), language: None },
    Suffix { name: "org.uk", weight: 2, country: Some("GB"), language: None },
    Suffix { name: "com.au", weight: 5, country: Some("AU"), language: None },
    Suffix { name: "co.nz", weight: 2, country: Some("NZ"), language: None },
    Suffix { name: "de", weight: 4, country: Some("DE"), language: Some("de") },
    Suffix { name: "fr", weight: 2, country: Some("FR"), language: Some("fr") },
    Suffix { name: "ca", weight: 3, country: Some("CA"), language: None },
    Suffix { name: "io", weight: 2, country: Some("IO"), language: None },
    Suffix { name: "ie", weight: 1, country: Some("IE"), language: None },
];

/// A hosted-blog platform whose user hosts are each their own site (a private-section public
/// suffix). `wordpress.com` and `tumblr.com` are deliberately absent: they are not on the Public
/// Suffix List, so their user blogs would all collapse into one registrable domain.
pub(crate) struct Platform {
    /// The platform suffix (`blogspot.com`).
    pub(crate) suffix: &'static str,
    /// Relative frequency among hosted blogs.
    pub(crate) weight: u32,
    /// First three octets of the platform's shared /24s.
    pub(crate) subnets: [[u8; 3]; 2],
}

/// Hosted-blog platforms (all in the private section of the Public Suffix List).
pub(crate) const PLATFORMS: [Platform; 5] = [
    Platform { suffix: "blogspot.com", weight: 5, subnets: [[142, 250, 64], [142, 250, 65]] },
    Platform { suffix: "wixsite.com", weight: 2, subnets: [[185, 230, 63], [185, 230, 62]] },
    Platform { suffix: "github.io", weight: 2, subnets: [[185, 199, 108], [185, 199, 109]] },
    Platform { suffix: "netlify.app", weight: 1, subnets: [[75, 2, 60], [99, 83, 231]] },
    Platform { suffix: "pages.dev", weight: 1, subnets: [[172, 66, 44], [172, 66, 47]] },
];

/// Spam-prone TLDs.
pub(crate) const SPAM_TLDS: [&str; 7] = ["xyz", "top", "click", "online", "site", "icu", "buzz"];

/// TLDs of network members (mostly respectable-looking).
pub(crate) const PBN_TLDS: [&str; 6] = ["net", "info", "org", "com", "xyz", "us"];

/// First octets of public IPv4 space used for generated hosts.
pub(crate) const FIRST_OCTETS: [u8; 40] = [
    23, 31, 37, 45, 46, 51, 62, 69, 77, 78, 80, 81, 82, 85, 88, 91, 93, 94, 95, 104, 107, 109, 138,
    139, 141, 144, 145, 146, 147, 149, 151, 154, 158, 159, 162, 164, 176, 178, 188, 193,
];

/// Web servers for `domains.jsonl`.
pub(crate) const SERVERS: [&str; 5] =
    ["nginx", "Apache", "cloudflare", "LiteSpeed", "Microsoft-IIS/10.0"];

/// CMSs for `domains.jsonl`.
pub(crate) const CMSS: [&str; 5] = ["WordPress", "Ghost", "Drupal", "Joomla", "Hugo"];

/// Default competitors of the default target `trailpeak.com`.
pub(crate) const DEFAULT_COMPETITORS: [&str; 5] = [
    "summitgear.co.uk",
    "ridgeline-outdoors.com",
    "alpinetrek.com.au",
    "basecamp-supply.com",
    "wildtrail.net",
];
