//! The crate's error type: what the few fallible functions (host and URL parsing) return.

use std::fmt;

/// What went wrong in a fallible function of this crate.
///
/// Most of the analysis cannot fail: bad rows become [`Skipped`](crate::Skipped) entries of
/// its output. Only parsing a host or URL on its own ([`Domain::parse`](crate::Domain::parse),
/// [`normalize_host`](crate::normalize_host)) returns an error, naming the input and the reason.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A host or URL that is not a valid host.
    #[error("invalid host `{input}`: {kind}")]
    InvalidHost {
        /// The input as given.
        input: String,
        /// Why it was rejected.
        kind: DomainErrorKind,
    },
}

/// The earlier name of [`Error`], kept so that code written against it still compiles.
pub type DomainError = Error;

impl Error {
    /// The input as given.
    pub fn input(&self) -> &str {
        match self {
            Error::InvalidHost { input, .. } => input,
        }
    }

    /// The reason a host was rejected.
    pub fn kind(&self) -> DomainErrorKind {
        match self {
            Error::InvalidHost { kind, .. } => *kind,
        }
    }
}

/// The reason a host or URL was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum DomainErrorKind {
    /// Nothing (or only whitespace, or only a dot) was given.
    Empty,
    /// Whitespace inside the host.
    Whitespace,
    /// The host is a public suffix on its own (`co.uk`, `blogspot.com`) or a single label.
    BareSuffix,
    /// A label is longer than 63 bytes.
    LabelTooLong,
    /// The name is longer than 253 bytes.
    NameTooLong,
    /// Two dots in a row, or a leading dot.
    EmptyLabel,
    /// Characters no host may hold.
    BadCharacters,
    /// A URL without a host, with a bad scheme or a bad port.
    BadUrl,
}

impl DomainErrorKind {
    /// The reason in words, lower case (`is a bare public suffix`).
    pub fn as_str(self) -> &'static str {
        match self {
            DomainErrorKind::Empty => "empty",
            DomainErrorKind::Whitespace => "contains whitespace",
            DomainErrorKind::BareSuffix => "is a bare public suffix",
            DomainErrorKind::LabelTooLong => "has a label longer than 63 bytes",
            DomainErrorKind::NameTooLong => "is longer than 253 bytes",
            DomainErrorKind::EmptyLabel => "has an empty label",
            DomainErrorKind::BadCharacters => "has characters a host cannot hold",
            DomainErrorKind::BadUrl => "is not a valid URL",
        }
    }
}

impl fmt::Display for DomainErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_and_name_the_value() {
        let err =
            Error::InvalidHost { input: "co.uk".to_owned(), kind: DomainErrorKind::BareSuffix };
        assert_eq!(err.to_string(), "invalid host `co.uk`: is a bare public suffix");
        assert_eq!((err.input(), err.kind()), ("co.uk", DomainErrorKind::BareSuffix));
    }
}
