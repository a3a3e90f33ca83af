//! Shared word lists (generic anchors, spam vocabulary, spam-prone TLDs) and tokenization.
//!
//! The lists are deliberately short and conservative: they name what link builders and search
//! engines' spam guidelines call out, in the languages most often seen in backlink indexes. They
//! are data, not rules; the rules that use them (anchor classes, spam signals) are documented in
//! [`crate::classify_anchor`] and [`crate::detect_spam`].

use std::fmt;
use std::sync::OnceLock;

use hashbrown::HashMap;

use crate::domain::registrable_domain;

/// Anchors that say nothing about the destination ("click here"), normalised (lower case, single
/// spaces, no surrounding punctuation), in English, German, French, Spanish, Italian, Portuguese,
/// Dutch, Polish and Russian. A generic anchor is one of these verbatim.
pub(crate) const GENERIC_ANCHORS: &[&str] = &[
    // English
    "click here",
    "click",
    "here",
    "this",
    "this link",
    "this page",
    "this site",
    "this website",
    "this article",
    "this post",
    "link",
    "website",
    "web site",
    "site",
    "homepage",
    "home page",
    "home",
    "read more",
    "more",
    "learn more",
    "more info",
    "more information",
    "find out more",
    "see more",
    "continue reading",
    "visit",
    "visit site",
    "visit website",
    "visit us",
    "go",
    "go here",
    "source",
    "via",
    "official site",
    "official website",
    "details",
    "see here",
    "check it out",
    "view",
    "download",
    "url",
    // German
    "hier",
    "hier klicken",
    "klicken sie hier",
    "mehr",
    "weiterlesen",
    "mehr erfahren",
    "webseite",
    "website besuchen",
    "quelle",
    "zur website",
    // French
    "ici",
    "cliquez ici",
    "cliquer ici",
    "en savoir plus",
    "lire la suite",
    "site web",
    "plus",
    "voir",
    // Spanish
    "aquí",
    "aqui",
    "haga clic aquí",
    "haz clic aquí",
    "clic aquí",
    "leer más",
    "más información",
    "sitio web",
    "fuente",
    "ver más",
    // Italian
    "qui",
    "clicca qui",
    "leggi di più",
    "sito",
    "sito web",
    "fonte",
    // Portuguese
    "clique aqui",
    "leia mais",
    "saiba mais",
    "fonte",
    // Dutch
    "klik hier",
    "lees meer",
    "meer",
    "bron",
    // Polish
    "tutaj",
    "kliknij tutaj",
    "więcej",
    "strona",
    "źródło",
    // Russian
    "здесь",
    "тут",
    "нажмите здесь",
    "подробнее",
    "читать далее",
    "сайт",
    "источник",
    "ссылка",
];

/// Off-topic spam themes that anchors are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SpamTopic {
    /// Gambling: casino, betting, slots, poker.
    Casino,
    /// Pharmacy: pills, erectile dysfunction drugs, diet drugs.
    Pharma,
    /// Payday and instant loans.
    Loans,
    /// Adult content.
    Adult,
    /// Crypto schemes, trading signals and airdrops.
    Crypto,
    /// Counterfeit goods: replica watches and bags.
    Replica,
    /// Essay mills: paid essay writing.
    Essays,
}

impl SpamTopic {
    /// Every topic, in a fixed order.
    pub const ALL: [SpamTopic; 7] = [
        SpamTopic::Casino,
        SpamTopic::Pharma,
        SpamTopic::Loans,
        SpamTopic::Adult,
        SpamTopic::Crypto,
        SpamTopic::Replica,
        SpamTopic::Essays,
    ];

    /// Lower-case name (`casino`).
    pub fn as_str(self) -> &'static str {
        match self {
            SpamTopic::Casino => "casino",
            SpamTopic::Pharma => "pharma",
            SpamTopic::Loans => "loans",
            SpamTopic::Adult => "adult",
            SpamTopic::Crypto => "crypto",
            SpamTopic::Replica => "replica",
            SpamTopic::Essays => "essays",
        }
    }

    /// The words (single tokens after [`tokenize`]) that mark the topic. Multi-word phrases are
    /// written with a space and match consecutive tokens.
    pub(crate) fn vocabulary(self) -> &'static [&'static str] {
        match self {
            SpamTopic::Casino => &[
                "casino",
                "casinos",
                "kasino",
                "казино",
                "slots",
                "slot machine",
                "poker",
                "roulette",
                "blackjack",
                "betting",
                "sportsbook",
                "bookmaker",
                "jackpot",
                "free spins",
                "no deposit bonus",
                "gambling",
                "judi",
                "togel",
                "gacor",
                "slot online",
                "slot gacor",
                "bet365",
            ],
            SpamTopic::Pharma => &[
                "viagra",
                "cialis",
                "levitra",
                "tramadol",
                "xanax",
                "valium",
                "oxycodone",
                "phentermine",
                "pharmacy",
                "pharma",
                "pills",
                "erectile",
                "kamagra",
                "propecia",
                "без рецепта",
                "online pharmacy",
                "buy cheap pills",
            ],
            SpamTopic::Loans => &[
                "payday",
                "payday loan",
                "payday loans",
                "cash advance",
                "quick loan",
                "quick loans",
                "fast loans",
                "instant loan",
                "bad credit loans",
                "title loans",
                "микрозайм",
                "займ",
                "kredit ohne schufa",
            ],
            SpamTopic::Adult => &[
                "porn",
                "porno",
                "xxx",
                "sex cams",
                "sexcam",
                "escort",
                "escorts",
                "hentai",
                "nude",
                "webcam girls",
                "onlyfans leaks",
            ],
            SpamTopic::Crypto => &[
                "airdrop",
                "crypto casino",
                "bitcoin doubler",
                "forex signals",
                "binary options",
                "trading signals",
                "crypto signals",
                "nft giveaway",
                "pump signals",
            ],
            SpamTopic::Replica => &[
                "replica watches",
                "replica watch",
                "replica bags",
                "replica handbags",
                "fake rolex",
                "rolex replica",
            ],
            SpamTopic::Essays => &[
                "essay writing service",
                "essay writing services",
                "write my essay",
                "buy essay",
                "buy essays",
                "essay writer",
            ],
        }
    }
}

impl fmt::Display for SpamTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// TLDs that abuse reports (Spamhaus "most abused TLDs", Interisle phishing studies) have listed
/// again and again as dominated by throwaway registrations. Being on one is weak evidence by
/// itself, which is why the signal's default weight is small.
pub(crate) const SPAM_PRONE_TLDS: &[&str] = &[
    "xyz",
    "top",
    "icu",
    "buzz",
    "cyou",
    "sbs",
    "cfd",
    "bond",
    "click",
    "link",
    "monster",
    "rest",
    "work",
    "loan",
    "win",
    "bid",
    "racing",
    "download",
    "stream",
    "gdn",
    "men",
    "party",
    "review",
    "date",
    "faith",
    "science",
    "trade",
    "accountant",
    "cricket",
    "tk",
    "ml",
    "ga",
    "cf",
    "gq",
    "pw",
    "su",
    "casino",
    "bet",
    "poker",
    "porn",
    "sex",
    "adult",
    "xxx",
];

/// Whether `tld` (without dot, any case) is on the spam-prone list.
pub(crate) fn is_spam_prone_tld(tld: &str) -> bool {
    let tld = tld.trim_start_matches('.');
    SPAM_PRONE_TLDS.iter().any(|listed| listed.eq_ignore_ascii_case(tld))
}

/// Short words ignored when anchors are compared with keywords.
pub(crate) const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "by", "with", "from", "is",
    "s", "your", "our", "my", "de", "la", "le", "les", "el", "der", "die", "das", "und", "et", "y",
];

/// Whether `token` is a stopword.
pub(crate) fn is_stopword(token: &str) -> bool {
    STOPWORDS.contains(&token)
}

/// Lower-cased alphanumeric tokens of `text` (Unicode aware; everything else separates).
pub(crate) fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|token| !token.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A token reduced for comparison: a trailing plural `s` is dropped from tokens longer than
/// three characters ("boots" and "boot" compare equal). No other stemming is attempted.
pub(crate) fn stem(token: &str) -> &str {
    if token.chars().count() > 3
        && let Some(stripped) = token.strip_suffix('s')
        && !stripped.ends_with('s')
    {
        return stripped;
    }
    token
}

/// An anchor as compared: lower case, whitespace collapsed, surrounding punctuation and quotes
/// removed.
pub(crate) fn normalize_anchor(anchor: &str) -> String {
    let lowered = anchor.to_lowercase();
    let collapsed = lowered.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '.' && c != ':')
        .trim_end_matches(['.', ':'])
        .to_owned()
}

/// Lower-cased tokens (as [`tokenize`] gives them) in one reusable buffer, so that tokenizing
/// row after row allocates nothing once the buffer has grown.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    text: String,
    /// `ends[i]` is the end of token `i` in `text`; it starts at `ends[i - 1]` (or 0).
    ends: Vec<usize>,
}

impl Tokens {
    /// Tokenizes `parts` as if they were joined by spaces.
    pub(crate) fn fill(&mut self, parts: &[&str]) {
        self.text.clear();
        self.ends.clear();
        for part in parts {
            for token in part.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
                if token.is_ascii() {
                    self.text.extend(token.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    // `str::to_lowercase` knows context rules (a final sigma) that
                    // `char::to_lowercase` does not; non-ASCII tokens are rare.
                    self.text.push_str(&token.to_lowercase());
                }
                self.ends.push(self.text.len());
            }
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, idx: usize) -> &str {
        let start = if idx == 0 { 0 } else { self.ends[idx - 1] };
        &self.text[start..self.ends[idx]]
    }

    /// Whether `words` occur as consecutive tokens.
    fn contains_words(&self, words: &[&str]) -> bool {
        if words.is_empty() || words.len() > self.len() {
            return false;
        }
        (0..=self.len() - words.len())
            .any(|start| words.iter().enumerate().all(|(idx, word)| self.get(start + idx) == *word))
    }
}

/// Every spam term split into words, in [`SpamTopic::ALL`] and vocabulary order, built once.
fn spam_terms() -> &'static [(SpamTopic, &'static str, Vec<&'static str>)] {
    static TERMS: OnceLock<Vec<(SpamTopic, &'static str, Vec<&'static str>)>> = OnceLock::new();
    TERMS.get_or_init(|| {
        SpamTopic::ALL
            .iter()
            .flat_map(|&topic| {
                topic.vocabulary().iter().map(move |term| (topic, *term, term.split(' ').collect()))
            })
            .collect()
    })
}

/// The spam topics whose vocabulary occurs in `text`, in [`SpamTopic::ALL`] order, each with the
/// first matching term.
pub(crate) fn spam_topics_in(text: &str) -> Vec<(SpamTopic, &'static str)> {
    let mut tokens = Tokens::default();
    tokens.fill(&[text]);
    spam_topics_in_tokens(&tokens)
}

/// [`spam_topics_in`] over tokens already split; allocates only when a topic is found.
pub(crate) fn spam_topics_in_tokens(tokens: &Tokens) -> Vec<(SpamTopic, &'static str)> {
    let mut found: Vec<(SpamTopic, &'static str)> = Vec::new();
    if tokens.len() == 0 {
        return found;
    }
    for (topic, term, words) in spam_terms() {
        if found.last().is_some_and(|(last, _)| last == topic) {
            continue;
        }
        if tokens.contains_words(words) {
            found.push((*topic, term));
        }
    }
    found
}

/// Writing systems told apart for the "foreign money anchor" signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Script {
    /// Latin letters.
    Latin,
    /// Cyrillic letters.
    Cyrillic,
    /// Greek letters.
    Greek,
    /// Arabic letters.
    Arabic,
    /// Hebrew letters.
    Hebrew,
    /// Chinese, Japanese kana.
    Cjk,
    /// Korean Hangul.
    Hangul,
    /// Thai.
    Thai,
    /// Devanagari.
    Devanagari,
    /// Any other letter.
    Other,
}

impl Script {
    /// Every script, in declaration order (the order ties are broken in).
    const ALL: [Script; 10] = [
        Script::Latin,
        Script::Cyrillic,
        Script::Greek,
        Script::Arabic,
        Script::Hebrew,
        Script::Cjk,
        Script::Hangul,
        Script::Thai,
        Script::Devanagari,
        Script::Other,
    ];
}

fn script_of(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    let script = match u32::from(c) {
        0x0041..=0x024F | 0x1E00..=0x1EFF => Script::Latin,
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F => Script::Cyrillic,
        0x0590..=0x05FF => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F => Script::Arabic,
        0x0900..=0x097F => Script::Devanagari,
        0x0E00..=0x0E7F => Script::Thai,
        0x1100..=0x11FF | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF | 0x4E00..=0x9FFF | 0x3400..=0x4DBF => Script::Cjk,
        _ => Script::Other,
    };
    Some(script)
}

/// The script most letters of `text` are written in; `None` without letters. Ties go to the
/// script listed first in [`Script`].
pub(crate) fn dominant_script(text: &str) -> Option<Script> {
    // One counter per script, in declaration order; no allocation per call.
    let mut counts = [0usize; Script::ALL.len()];
    for script in text.chars().filter_map(script_of) {
        counts[script as usize] += 1;
    }
    let mut best: Option<(Script, usize)> = None;
    for (script, &count) in Script::ALL.iter().zip(&counts) {
        // Strictly more: ties keep the script listed first.
        if count > 0 && best.is_none_or(|(_, best_count)| count > best_count) {
            best = Some((*script, count));
        }
    }
    best.map(|(script, _)| script)
}

/// Whether a normalised anchor is a URL or a bare host name (`https://x.com/a`, `www.x.com`,
/// `x.com`).
pub(crate) fn looks_like_url(normalized: &str) -> bool {
    if normalized.contains(char::is_whitespace) || normalized.is_empty() {
        return false;
    }
    if normalized.starts_with("http://")
        || normalized.starts_with("https://")
        || normalized.starts_with("www.")
    {
        return true;
    }
    let host = normalized.split('/').next().unwrap_or_default();
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// Memoised host → registrable domain lookups, so a profile with a million rows parses each host
/// once. Hosts the parser rejects fall back to their lower-cased, trimmed form so that no row is
/// silently dropped.
#[derive(Debug, Default)]
pub(crate) struct RegistrableCache {
    map: HashMap<String, String>,
}

impl RegistrableCache {
    /// The registrable domain of `host`.
    pub(crate) fn get(&mut self, host: &str) -> &str {
        if !self.map.contains_key(host) {
            let registrable =
                registrable_domain(host).unwrap_or_else(|| host.trim().to_lowercase());
            self.map.insert(host.to_owned(), registrable);
        }
        self.map.get(host).map(String::as_str).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_unicode_and_lowercases() {
        assert_eq!(tokenize("Best Hiking-Boots, 2024!"), ["best", "hiking", "boots", "2024"]);
        assert_eq!(tokenize("Купить КАЗИНО"), ["купить", "казино"]);
    }

    #[test]
    fn finds_spam_topics_by_word_and_phrase() {
        let check = |text: &str, expected: &[SpamTopic]| {
            let topics: Vec<SpamTopic> = spam_topics_in(text).into_iter().map(|(t, _)| t).collect();
            assert_eq!(topics, expected, "{text}");
        };
        check("best online casino bonus", &[SpamTopic::Casino]);
        check("Payday Loans fast", &[SpamTopic::Loans]);
        check("cheap viagra and casino", &[SpamTopic::Casino, SpamTopic::Pharma]);
        check("hiking boots", &[]);
        // "slot" alone (a time slot) is not gambling; only "slots" or "slot machine" are.
        check("book a slot", &[]);
    }

    #[test]
    fn recognises_urls_and_hosts() {
        for url in [
            "https://trailpeak.com/boots",
            "www.trailpeak.com",
            "trailpeak.com",
            "shop.example.co.uk/x",
        ] {
            assert!(looks_like_url(url), "{url}");
        }
        for text in ["hiking boots", "v2.0", "trailpeak", ""] {
            assert!(!looks_like_url(text), "{text}");
        }
    }

    #[test]
    fn finds_dominant_script() {
        assert_eq!(dominant_script("hiking boots"), Some(Script::Latin));
        assert_eq!(dominant_script("купить ботинки"), Some(Script::Cyrillic));
        assert_eq!(dominant_script("123 !"), None);
    }

    #[test]
    fn normalizes_anchor_text() {
        assert_eq!(normalize_anchor("  \"Click   HERE\"! "), "click here");
        assert_eq!(normalize_anchor("trailpeak.com."), "trailpeak.com");
        assert_eq!(stem("boots"), "boot");
        assert_eq!(stem("glass"), "glass");
        assert_eq!(stem("bus"), "bus");
    }

    #[test]
    fn spam_prone_tlds_match_case_insensitively() {
        assert!(is_spam_prone_tld("XYZ"));
        assert!(is_spam_prone_tld(".top"));
        assert!(!is_spam_prone_tld("com"));
    }
}
