//! Opening the `SQLite` database: connection settings, schema versions and migrations.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, TransactionBehavior};

use crate::error::Error;

/// How long a statement waits for another connection (or process) to release its lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The schema, one entry per version: migration `i` takes `user_version` from `i` to `i + 1`.
///
/// Append new migrations; never edit one that has shipped.
/// The cache and the snapshots share one schema so that both may live in one file.
const MIGRATIONS: &[&str] = &[
    // 1: the response cache and the monitoring snapshots.
    "
    CREATE TABLE cache_entry (
        key TEXT PRIMARY KEY NOT NULL,
        endpoint TEXT NOT NULL,
        body BLOB NOT NULL,
        cost REAL NOT NULL,
        stored_at_ms INTEGER NOT NULL
    );
    CREATE INDEX cache_entry_stored_at ON cache_entry (stored_at_ms);
    CREATE TABLE snapshot (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        target TEXT NOT NULL,
        taken_at INTEGER NOT NULL,
        row_count INTEGER NOT NULL,
        meta TEXT NOT NULL
    );
    CREATE INDEX snapshot_target_taken_at ON snapshot (target, taken_at, id);
    CREATE TABLE snapshot_row (
        snapshot_id INTEGER NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, idx)
    ) WITHOUT ROWID;
    ",
];

/// The schema version this build writes.
#[expect(clippy::cast_possible_wrap, reason = "a handful of migrations")]
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// One `SQLite` connection behind a mutex, shared by the threads of one process.
///
/// Other processes open their own connection to the same file; WAL mode and the busy timeout let them take turns.
#[derive(Debug)]
pub(crate) struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (creating if needed) the database file at `path`, creating its parent directories.
    pub(crate) fn open(path: &Path) -> Result<Self, Error> {
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|source| Error::CreateDir { path: parent.to_path_buf(), source })?;
        }
        let open_err = |source| Error::Open { path: path.to_path_buf(), source };
        let mut conn = Connection::open(path).map_err(open_err)?;
        configure(&conn, true).map_err(open_err)?;
        migrate(&mut conn, path)?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    /// Opens a private in-memory database, gone when dropped.
    pub(crate) fn in_memory() -> Result<Self, Error> {
        let path = Path::new(":memory:");
        let open_err = |source| Error::Open { path: path.to_path_buf(), source };
        let mut conn = Connection::open_in_memory().map_err(open_err)?;
        configure(&conn, false).map_err(open_err)?;
        migrate(&mut conn, path)?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    /// Locks the connection for one operation.
    ///
    /// A panic in another thread cannot leave the database half-written (every write is one transaction, rolled
    /// back when dropped), so a poisoned lock is safe to take over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Applies the connection settings every handle needs.
fn configure(conn: &Connection, on_disk: bool) -> rusqlite::Result<()> {
    // The timeout comes first: switching to WAL needs a lock that another process may hold.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if on_disk {
        // WAL: readers never block the writer, and a killed writer leaves only an uncommitted WAL tail that the
        // next opener ignores. The mode is stored in the file, so this is a no-op after the first open.
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "sqlite refused WAL mode; falling back to its default journal");
        }
    }
    // FULL syncs the WAL on every commit: a cached response cost money, so it should survive a power cut too.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// Brings the schema up to [`SCHEMA_VERSION`], one transaction per migration.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), Error> {
    loop {
        // IMMEDIATE takes the write lock before reading the version, so two processes opening a fresh file at
        // the same time cannot both run the same migration.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| Error::Open { path: path.to_path_buf(), source })?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(Error::sqlite("reading the schema version"))?;
        if version > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew {
                path: PathBuf::from(path),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(migration) = usize::try_from(version).ok().and_then(|v| MIGRATIONS.get(v)) else {
            return Ok(());
        };
        tx.execute_batch(migration).map_err(Error::sqlite("migrating the schema"))?;
        tx.pragma_update(None, "user_version", version + 1)
            .map_err(Error::sqlite("writing the schema version"))?;
        tx.commit().map_err(Error::sqlite("committing a migration"))?;
        tracing::debug!(path = %path.display(), version = version + 1, "migrated store schema");
    }
}

/// Milliseconds since the Unix epoch (negative before it).
pub(crate) fn unix_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

/// A duration in milliseconds, saturating at `i64::MAX`.
pub(crate) fn duration_ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_version(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "user_version", |row| row.get(0)).unwrap()
    }

    #[test]
    fn fresh_file_is_migrated_to_the_current_version_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/dirs/store.sqlite");
        let db = Db::open(&path).unwrap();
        let conn = db.lock();
        assert_eq!(user_version(&conn), SCHEMA_VERSION);
        let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn.pragma_query_value(None, "synchronous", |row| row.get(0)).unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn reopening_keeps_the_version_and_runs_no_migration_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        drop(Db::open(&path).unwrap());
        let db = Db::open(&path).unwrap();
        assert_eq!(user_version(&db.lock()), SCHEMA_VERSION);
    }

    #[test]
    fn concurrent_first_opens_of_a_fresh_file_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..6).map(|_| scope.spawn(|| Db::open(&path))).collect();
            for handle in handles {
                let db = handle.join().unwrap().unwrap();
                assert_eq!(user_version(&db.lock()), SCHEMA_VERSION);
            }
        });
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        drop(Db::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = Db::open(&path).unwrap_err();
        assert!(
            matches!(err, Error::SchemaTooNew { found, supported, .. }
                if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
            "{err:?}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_open_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let err = Db::open(&path).unwrap_err();
        assert!(matches!(err, Error::Open { .. }), "{err:?}");
        assert!(err.to_string().contains("store.sqlite"), "{err}");
    }

    #[test]
    fn time_conversions_handle_both_sides_of_the_epoch() {
        assert_eq!(unix_ms(UNIX_EPOCH + Duration::from_millis(1_500)), 1_500);
        assert_eq!(unix_ms(UNIX_EPOCH - Duration::from_secs(2)), -2_000);
        assert_eq!(duration_ms(Duration::from_secs(3)), 3_000);
        assert_eq!(duration_ms(Duration::MAX), i64::MAX);
    }
}
