//! The crate's error type: every failure names the file (and line) it happened in.

use std::io;
use std::path::PathBuf;

/// Why a world could not be loaded or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("failed to read `{}`", path.display())]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A file or directory could not be written.
    #[error("failed to write `{}`", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The directory holds no `backlinks.jsonl` in any supported compression.
    #[error("no backlinks file in `{}` (tried {tried})", dir.display())]
    MissingBacklinks {
        /// The world directory.
        dir: PathBuf,
        /// The file names tried, in backticks.
        tried: String,
    },
    /// The directory holds the same file in more than one compression, so it is unclear which one counts.
    #[error("more than one `{stem}` file in `{}`: {found}", dir.display())]
    Ambiguous {
        /// The world directory.
        dir: PathBuf,
        /// `backlinks.jsonl` or `domains.jsonl`.
        stem: &'static str,
        /// The file names found, in backticks.
        found: String,
    },
    /// One line of a world file is malformed.
    #[error("`{}` line {line}: {problem}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// A JSON document (such as `truth.json`) could not be decoded or encoded.
    #[error("invalid JSON in `{}`", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// An unknown compression name was given.
    #[error("unknown compression `{0}` (expected `none`, `gzip` or `zstd`)")]
    UnknownCompression(String),
}
