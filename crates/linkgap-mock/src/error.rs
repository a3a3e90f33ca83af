//! The crate's error type.

use std::{io, net::SocketAddr, path::PathBuf};

/// Everything that can go wrong while configuring or starting the mock server.
///
/// Once running, the server never fails a request with an [`Error`]: faults are answered on the
/// wire, as the real service would answer them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("failed to bind the mock server to `{addr}`")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// Why binding failed.
        #[source]
        source: io::Error,
    },
    /// A fault profile file could not be read.
    #[error("failed to read the fault profile `{path}`")]
    ReadFaults {
        /// The profile file.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: io::Error,
    },
    /// A fault profile is not valid JSON of the documented shape.
    #[error("invalid fault profile `{path}` at line {line}, column {column}: {message}")]
    ParseFaults {
        /// The profile file (`<inline>` for profiles parsed from a string).
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A fault profile value is out of range (a probability outside `0..=1`, an unsupported code).
    #[error("invalid fault profile: {0}")]
    InvalidFaults(String),
    /// The server stopped with an IO error.
    #[error("the mock server stopped with an error")]
    Serve(#[source] io::Error),
}
