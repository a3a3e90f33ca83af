//! Sites and domains: host normalisation, registrable domains by the Public Suffix List, subnets.
//!
//! Every host the analysis groups by goes through [`Domain::parse`] (or [`normalize_host`]) so that
//! `WWW.Example.COM.`, `https://example.com/page` and `example.com` are one site.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::error::{DomainErrorKind, Error};

/// Longest DNS name in bytes (RFC 1035, without the trailing dot).
const MAX_NAME_LEN: usize = 253;
/// Longest DNS label in bytes (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// A normalised host with its registrable domain.
///
/// Built only by [`Domain::parse`], so every value is valid: lower case, ASCII (IDN labels in their
/// punycode form), without a trailing dot, with a leading `www.` folded away, and with a
/// registrable domain by the full Public Suffix List (ICANN and private sections). IP hosts are
/// kept as IPs and are their own registrable domain.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain {
    /// The normalised host.
    host: Box<str>,
    /// Byte offset of the registrable domain in `host`.
    registrable_start: usize,
    /// Byte offset of the public suffix in `host` (equal to `host.len()` for IPs).
    suffix_start: usize,
    /// Whether the host is an IPv4 or IPv6 address.
    is_ip: bool,
}

impl Domain {
    /// Parses a host or a URL into a normalised host.
    ///
    /// Accepts `example.com`, `WWW.Example.com.`, `https://user@news.bbc.co.uk:8080/path?q`,
    /// `//cdn.example.com/x`, `bücher.de`, `203.0.113.7` and `[2001:db8::1]`. Surrounding
    /// whitespace is trimmed; anything else that is not a host is rejected with a
    /// [`DomainErrorKind`].
    pub fn parse(input: &str) -> Result<Domain, Error> {
        let error = |kind| Error::InvalidHost { input: input.to_owned(), kind };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(error(DomainErrorKind::Empty));
        }
        if let Some(domain) = Domain::parse_plain(trimmed) {
            return Ok(domain);
        }
        Domain::parse_general(input, trimmed)
    }

    /// The fast path of [`Domain::parse`] for a host that is already normal: lower-case ASCII
    /// letters, digits, `-`, `_` and `.`, with a letter, `-` or `_` (so not an IPv4 address), no
    /// trailing dot and no punycode label. For such a host the IDNA mapping is the identity, so
    /// the result equals the general path's (a test compares both); `None` sends anything else,
    /// invalid hosts included, to the general path and its precise error.
    fn parse_plain(host: &str) -> Option<Domain> {
        let bytes = host.as_bytes();
        let plain = |b: &u8| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        };
        if !bytes.iter().all(plain)
            || !bytes.iter().any(|b| b.is_ascii_lowercase() || matches!(b, b'-' | b'_'))
            || host.ends_with('.')
            || host.contains("xn--")
            || validate_ascii_host(host).is_err()
        {
            return None;
        }
        Domain::from_ascii(host).ok()
    }

    /// [`Domain::parse`] for any input: URL parts, IPs, IDNA.
    fn parse_general(input: &str, trimmed: &str) -> Result<Domain, Error> {
        let error = |kind| Error::InvalidHost { input: input.to_owned(), kind };
        if trimmed.chars().any(char::is_whitespace) {
            return Err(error(DomainErrorKind::Whitespace));
        }
        let host = extract_host(trimmed).map_err(error)?;
        if let Some(ip) = parse_ip(host) {
            let host: Box<str> = ip.to_string().into_boxed_str();
            let len = host.len();
            return Ok(Domain { host, registrable_start: 0, suffix_start: len, is_ip: true });
        }
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() {
            return Err(error(DomainErrorKind::Empty));
        }
        let ascii =
            idna::domain_to_ascii(host).map_err(|_| error(DomainErrorKind::BadCharacters))?;
        validate_ascii_host(&ascii).map_err(error)?;
        Domain::from_ascii(&ascii).map_err(error)
    }

    /// A valid ASCII host with its leading `www.` folded (when what follows is still a domain)
    /// and its registrable domain found.
    fn from_ascii(ascii: &str) -> Result<Domain, DomainErrorKind> {
        let folded = match ascii.strip_prefix("www.") {
            Some(rest) if psl::domain(rest.as_bytes()).is_some() => rest,
            _ => ascii,
        };
        let Some(registrable) = psl::domain(folded.as_bytes()) else {
            return Err(DomainErrorKind::BareSuffix);
        };
        let registrable_start = folded.len() - registrable.as_bytes().len();
        let suffix_start = folded.len() - registrable.suffix().as_bytes().len();
        Ok(Domain { host: folded.into(), registrable_start, suffix_start, is_ip: false })
    }

    /// The normalised host, e.g. `news.bbc.co.uk`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The registrable domain, e.g. `bbc.co.uk` for `news.bbc.co.uk`, `alice.blogspot.com` for
    /// itself (a private-section suffix), the IP itself for IP hosts.
    pub fn registrable(&self) -> &str {
        &self.host[self.registrable_start..]
    }

    /// The public suffix, e.g. `co.uk`; empty for IP hosts.
    pub fn suffix(&self) -> &str {
        &self.host[self.suffix_start..]
    }

    /// The registrable domain without its public suffix, e.g. `bbc` for `news.bbc.co.uk`; the IP
    /// itself for IP hosts.
    pub fn brand_label(&self) -> &str {
        if self.is_ip {
            return &self.host;
        }
        &self.host[self.registrable_start..self.suffix_start - 1]
    }

    /// Whether the host is an IP address.
    pub fn is_ip(&self) -> bool {
        self.is_ip
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.host)
    }
}

impl FromStr for Domain {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Domain::parse(input)
    }
}

/// Normalises a host or URL into its host (see [`Domain::parse`]).
pub fn normalize_host(input: &str) -> Result<String, Error> {
    Domain::parse(input).map(|domain| domain.host.into_string())
}

/// The registrable domain of a host or URL; `None` for a bare public suffix or invalid input.
pub fn registrable_domain(host: &str) -> Option<String> {
    Domain::parse(host).ok().map(|domain| domain.registrable().to_owned())
}

/// The network an IP belongs to: its /24 for IPv4 (`203.0.113.0/24`), its /48 for IPv6
/// (`2001:db8:1::/48`); `None` when `ip` is not an IP address.
///
/// Hosting networks hand out addresses in such blocks, so many referring domains in one block are
/// a sign of one owner (see the spam signals).
pub fn subnet24(ip: &str) -> Option<String> {
    match parse_ip(ip.trim())? {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            let network =
                std::net::Ipv6Addr::new(segments[0], segments[1], segments[2], 0, 0, 0, 0, 0);
            Some(format!("{network}/48"))
        }
    }
}

/// The level at which a gap analysis groups link sources.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Level {
    /// The registrable domain of the source (`bbc.co.uk`): one site, one prospect.
    #[default]
    Domain,
    /// The normalised source host (`news.bbc.co.uk`): subdomains are separate prospects.
    Host,
    /// The source page URL: needs link-level (backlink) rows.
    Page,
}

impl Level {
    /// The level's lower-case name: `domain`, `host` or `page`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Domain => "domain",
            Level::Host => "host",
            Level::Page => "page",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Picks the host out of a URL (`scheme://user@host:port/path`) or a bare `host[:port][/path]`.
fn extract_host(input: &str) -> Result<&str, DomainErrorKind> {
    let rest = if let Some((scheme, rest)) = input.split_once("://") {
        let mut chars = scheme.chars();
        let valid_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid_scheme {
            return Err(DomainErrorKind::BadUrl);
        }
        rest
    } else if let Some(rest) = input.strip_prefix("//") {
        rest
    } else {
        // A bare IPv6 address has colons that are not a port separator.
        if parse_ip(input).is_some() {
            return Ok(input);
        }
        input
    };
    let authority_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']').ok_or(DomainErrorKind::BadUrl)?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return Err(DomainErrorKind::BadUrl);
        }
        inside
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) if is_port(port) => host,
            Some(_) => return Err(DomainErrorKind::BadUrl),
            None => host_port,
        }
    };
    if host.is_empty() {
        return Err(DomainErrorKind::BadUrl);
    }
    Ok(host)
}

/// Whether `digits` is a port number: one to five ASCII digits.
fn is_port(digits: &str) -> bool {
    (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Parses an IPv4 or IPv6 address, with or without brackets.
fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    text.parse().ok()
}

/// Checks lengths and characters of an ASCII host (after IDN conversion).
fn validate_ascii_host(host: &str) -> Result<(), DomainErrorKind> {
    if host.is_empty() {
        return Err(DomainErrorKind::Empty);
    }
    if host.len() > MAX_NAME_LEN {
        return Err(DomainErrorKind::NameTooLong);
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err(DomainErrorKind::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(DomainErrorKind::LabelTooLong);
        }
        // Underscores are not valid in host names but occur in real links (`my_site.example.com`).
        if !label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(DomainErrorKind::BadCharacters);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the normalised host, registrable domain and brand label of `input`.
    fn check(input: &str, expected: (&str, &str, &str)) {
        let domain = Domain::parse(input).unwrap_or_else(|err| panic!("{input}: {err}"));
        assert_eq!(
            (domain.host(), domain.registrable(), domain.brand_label()),
            expected,
            "{input}"
        );
    }

    proptest::proptest! {
        /// The fast path for already-normal hosts answers exactly as the general path.
        #[test]
        fn plain_hosts_parse_as_the_general_path_does(host in "[a-z0-9._-]{1,40}|(www\\.)?[a-z0-9-]{1,12}\\.(com|co\\.uk|blogspot\\.com|xn--p1ai)") {
            let general = Domain::parse_general(&host, &host).ok();
            if let Some(plain) = Domain::parse_plain(&host) {
                proptest::prop_assert_eq!(Some(plain), general.clone());
            }
            proptest::prop_assert_eq!(Domain::parse(&host).ok(), general);
        }
    }

    fn check_err(input: &str, expected: DomainErrorKind) {
        let err = Domain::parse(input).expect_err(input);
        assert_eq!(err.kind(), expected, "{input}: {err}");
        assert_eq!(err.input(), input);
    }

    #[test]
    fn plain_hosts_keep_their_subdomains() {
        check("example.com", ("example.com", "example.com", "example"));
        check("news.bbc.co.uk", ("news.bbc.co.uk", "bbc.co.uk", "bbc"));
        check("a.b.example.org", ("a.b.example.org", "example.org", "example"));
    }

    #[test]
    fn case_trailing_dot_and_www_are_folded() {
        check("WWW.Example.COM.", ("example.com", "example.com", "example"));
        check("www.news.bbc.co.uk", ("news.bbc.co.uk", "bbc.co.uk", "bbc"));
        check("  example.com  ", ("example.com", "example.com", "example"));
    }

    #[test]
    fn www_is_kept_when_folding_would_leave_a_bare_suffix() {
        check("www.co.uk", ("www.co.uk", "www.co.uk", "www"));
        check("www.blogspot.com", ("www.blogspot.com", "www.blogspot.com", "www"));
    }

    #[test]
    fn private_suffixes_make_sites_of_their_own() {
        check("alice.blogspot.com", ("alice.blogspot.com", "alice.blogspot.com", "alice"));
        check("bob.github.io", ("bob.github.io", "bob.github.io", "bob"));
    }

    #[test]
    fn urls_give_their_host() {
        check("https://news.bbc.co.uk/sport/1?x=y#z", ("news.bbc.co.uk", "bbc.co.uk", "bbc"));
        check("http://user:pw@www.Example.com:8080/a", ("example.com", "example.com", "example"));
        check("//cdn.example.net/lib.js", ("cdn.example.net", "example.net", "example"));
        check("example.com/path", ("example.com", "example.com", "example"));
        check("example.com:443", ("example.com", "example.com", "example"));
    }

    #[test]
    fn idn_becomes_punycode() {
        check("Bücher.de", ("xn--bcher-kva.de", "xn--bcher-kva.de", "xn--bcher-kva"));
        check(
            "https://münchen.example.com/",
            ("xn--mnchen-3ya.example.com", "example.com", "example"),
        );
    }

    #[test]
    fn ip_hosts_stay_ips() {
        check("203.0.113.7", ("203.0.113.7", "203.0.113.7", "203.0.113.7"));
        check("http://203.0.113.7:8080/x", ("203.0.113.7", "203.0.113.7", "203.0.113.7"));
        check("[2001:DB8::1]", ("2001:db8::1", "2001:db8::1", "2001:db8::1"));
        check("2001:db8::1", ("2001:db8::1", "2001:db8::1", "2001:db8::1"));
        check("http://[2001:db8::1]:80/", ("2001:db8::1", "2001:db8::1", "2001:db8::1"));
        assert!(Domain::parse("203.0.113.7").unwrap().is_ip());
        assert!(!Domain::parse("example.com").unwrap().is_ip());
    }

    #[test]
    fn invalid_input_is_rejected_with_a_reason() {
        check_err("", DomainErrorKind::Empty);
        check_err("   ", DomainErrorKind::Empty);
        check_err(".", DomainErrorKind::Empty);
        check_err("exa mple.com", DomainErrorKind::Whitespace);
        check_err("co.uk", DomainErrorKind::BareSuffix);
        check_err("blogspot.com", DomainErrorKind::BareSuffix);
        check_err("com", DomainErrorKind::BareSuffix);
        check_err(&format!("{}.com", "a".repeat(64)), DomainErrorKind::LabelTooLong);
        check_err(&format!("{}com", "abcdefghi.".repeat(26)), DomainErrorKind::NameTooLong);
        check_err("a..example.com", DomainErrorKind::EmptyLabel);
        check_err("exa*mple.com", DomainErrorKind::BadCharacters);
        check_err("1http://example.com", DomainErrorKind::BadUrl);
        check_err("https:///path", DomainErrorKind::BadUrl);
        check_err("example.com:port", DomainErrorKind::BadUrl);
    }

    #[test]
    fn error_message_names_the_input_and_reason() {
        let err = Domain::parse("co.uk").unwrap_err();
        assert_eq!(err.to_string(), "invalid host `co.uk`: is a bare public suffix");
    }

    #[test]
    fn helper_functions_agree_with_parse() {
        assert_eq!(normalize_host("HTTPS://WWW.Example.com/x").unwrap(), "example.com");
        assert_eq!(registrable_domain("news.bbc.co.uk").as_deref(), Some("bbc.co.uk"));
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(registrable_domain("a b"), None);
    }

    #[test]
    fn subnets_are_slash_24_and_slash_48() {
        assert_eq!(subnet24("203.0.113.7").as_deref(), Some("203.0.113.0/24"));
        assert_eq!(subnet24("2001:db8:1:2::7").as_deref(), Some("2001:db8:1::/48"));
        assert_eq!(subnet24("example.com"), None);
    }

    #[test]
    fn levels_have_names() {
        assert_eq!(Level::default(), Level::Domain);
        assert_eq!(Level::Page.to_string(), "page");
    }
}
