//! The storage crate's error type.

use std::path::PathBuf;

use crate::snapshot::SnapshotId;

/// Everything that can go wrong while reading or writing the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The directory that should hold the database file could not be created.
    #[error("failed to create directory `{}`", path.display())]
    CreateDir {
        /// The directory that could not be created.
        path: PathBuf,
        /// The underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened or configured (not a `SQLite` file, no permission, ...).
    #[error("failed to open database `{}`", path.display())]
    Open {
        /// The database file (`:memory:` for an in-memory database).
        path: PathBuf,
        /// The underlying `SQLite` error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer linkgap whose schema this build does not know.
    #[error(
        "database `{}` has schema version `{found}`, newer than the supported `{supported}`",
        path.display()
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version found in the file (`PRAGMA user_version`).
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// A statement failed.
    #[error("database error while {action}")]
    Sqlite {
        /// What the store was doing, e.g. `reading cache entry`.
        action: &'static str,
        /// The underlying `SQLite` error.
        #[source]
        source: rusqlite::Error,
    },
    /// A cost was NaN or infinite; only finite costs are stored.
    #[error("cost `{cost}` is not a finite number")]
    NonFiniteCost {
        /// The rejected cost.
        cost: f64,
    },
    /// A snapshot row could not be serialized to JSON.
    #[error("failed to encode row `{index}` of the snapshot of `{target}`")]
    Encode {
        /// The snapshot's target.
        target: String,
        /// The index of the row that failed.
        index: usize,
        /// The underlying serde error.
        #[source]
        source: serde_json::Error,
    },
    /// A stored snapshot row or its metadata did not decode into the requested type.
    #[error("failed to decode row `{index}` of snapshot `{id}`")]
    Decode {
        /// The snapshot.
        id: SnapshotId,
        /// The index of the row that failed.
        index: usize,
        /// The underlying serde error.
        #[source]
        source: serde_json::Error,
    },
    /// The stored metadata of a snapshot is not valid JSON.
    #[error("failed to decode the metadata of snapshot `{id}`")]
    DecodeMeta {
        /// The snapshot.
        id: SnapshotId,
        /// The underlying serde error.
        #[source]
        source: serde_json::Error,
    },
    /// No snapshot has this id.
    #[error("snapshot `{id}` not found")]
    SnapshotNotFound {
        /// The missing snapshot.
        id: SnapshotId,
    },
}

impl Error {
    /// Wraps a `SQLite` error with what the store was doing.
    pub(crate) fn sqlite(action: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::Sqlite { action, source }
    }
}
