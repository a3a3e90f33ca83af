//! The crate's error type.

/// What can go wrong while writing a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The output could not be written.
    #[error("failed to write the report")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("failed to write a CSV table")]
    Csv(#[from] csv::Error),
    /// JSON serialization failed.
    #[error("failed to write the JSON document")]
    Json(#[from] serde_json::Error),
}
