//! Monitoring snapshots: a target's profile (one JSON document per table row) taken at a point in time.

use std::fmt;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::error::Error;

/// Snapshots of targets' profiles in a `SQLite` file, for monitoring new and lost links between runs.
///
/// Each snapshot belongs to one target, carries the time it was taken, free-form metadata, and its rows serialized
/// as JSON (one document per row, in order). [`SnapshotStore::save`] writes a snapshot whole or not at all: a
/// process killed mid-save leaves no partial snapshot behind. Snapshots of a target are ordered by
/// `taken_at`, then by id (the save order).
///
/// The store may share its file with a [`Cache`](crate::Cache): both use one schema.
#[derive(Debug)]
pub struct SnapshotStore {
    db: Db,
}

/// The id of a stored snapshot; ids are never reused, even after a delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SnapshotId(i64);

impl SnapshotId {
    /// Wraps a raw id (as printed by [`SnapshotId`]'s `Display`, e.g. read back from a command line).
    pub fn new(raw: i64) -> SnapshotId {
        SnapshotId(raw)
    }

    /// The raw id.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for SnapshotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What is known about a snapshot without loading its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    /// The snapshot's id.
    pub id: SnapshotId,
    /// The target (domain or page) whose profile was captured.
    pub target: String,
    /// When the profile was taken, in seconds since the Unix epoch.
    pub taken_at_unix: i64,
    /// How many rows the snapshot holds.
    pub row_count: u64,
    /// Free-form metadata given to [`SnapshotStore::save`] (filters, cost, tool version, ...).
    pub meta: serde_json::Value,
}

const INFO_COLUMNS: &str = "id, target, taken_at, row_count, meta";

impl SnapshotStore {
    /// Opens the snapshot file at `path`, creating it and its parent directories if needed.
    pub fn open(path: &Path) -> Result<SnapshotStore, Error> {
        Ok(SnapshotStore { db: Db::open(path)? })
    }

    /// Opens a private in-memory store, gone when dropped.
    pub fn in_memory() -> Result<SnapshotStore, Error> {
        Ok(SnapshotStore { db: Db::in_memory()? })
    }

    /// Saves a snapshot of `target` taken at `taken_at_unix` (seconds), in one transaction.
    ///
    /// Each element of `rows` is stored as one JSON document, in order. If any row fails to serialize, nothing is
    /// written.
    pub fn save<T: Serialize>(
        &self,
        target: &str,
        taken_at_unix: i64,
        meta: &serde_json::Value,
        rows: &[T],
    ) -> Result<SnapshotId, Error> {
        let mut conn = self.db.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::sqlite("starting a snapshot transaction"))?;
        tx.execute(
            "INSERT INTO snapshot (target, taken_at, row_count, meta) VALUES (?1, ?2, ?3, ?4)",
            params![target, taken_at_unix, rows.len(), meta.to_string()],
        )
        .map_err(Error::sqlite("writing a snapshot"))?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare("INSERT INTO snapshot_row (snapshot_id, idx, data) VALUES (?1, ?2, ?3)")
                .map_err(Error::sqlite("writing snapshot rows"))?;
            for (index, row) in rows.iter().enumerate() {
                let data = serde_json::to_string(row).map_err(|source| Error::Encode {
                    target: target.to_owned(),
                    index,
                    source,
                })?;
                insert
                    .execute(params![id, index, data])
                    .map_err(Error::sqlite("writing snapshot rows"))?;
            }
        }
        tx.commit().map_err(Error::sqlite("committing a snapshot"))?;
        tracing::debug!(target, id, rows = rows.len(), "saved snapshot");
        Ok(SnapshotId(id))
    }

    /// Lists the snapshots of `target`, oldest first.
    pub fn list(&self, target: &str) -> Result<Vec<SnapshotInfo>, Error> {
        let conn = self.db.lock();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {INFO_COLUMNS} FROM snapshot WHERE target = ?1 ORDER BY taken_at, id"
            ))
            .map_err(Error::sqlite("listing snapshots"))?;
        let raw = stmt
            .query_map(params![target], RawInfo::from_row)
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(Error::sqlite("listing snapshots"))?;
        raw.into_iter().map(RawInfo::decode).collect()
    }

    /// Lists every target that has at least one snapshot, sorted.
    pub fn targets(&self) -> Result<Vec<String>, Error> {
        let conn = self.db.lock();
        let mut stmt = conn
            .prepare("SELECT DISTINCT target FROM snapshot ORDER BY target")
            .map_err(Error::sqlite("listing snapshot targets"))?;
        stmt.query_map([], |row| row.get(0))
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(Error::sqlite("listing snapshot targets"))
    }

    /// The newest snapshot of `target`, if any.
    pub fn latest(&self, target: &str) -> Result<Option<SnapshotInfo>, Error> {
        let conn = self.db.lock();
        query_info(
            &conn,
            &format!(
                "SELECT {INFO_COLUMNS} FROM snapshot WHERE target = ?1 ORDER BY taken_at DESC, id DESC LIMIT 1"
            ),
            params![target],
        )
    }

    /// The snapshot of `target` that comes just before snapshot `before` (by `taken_at`, then id), if any.
    ///
    /// `before` is usually a snapshot of `target` itself, e.g. from [`SnapshotStore::latest`]; if it belongs to
    /// another target, its time is the cut-off.
    ///
    /// Fails with [`Error::SnapshotNotFound`] if `before` does not exist.
    pub fn previous(
        &self,
        target: &str,
        before: SnapshotId,
    ) -> Result<Option<SnapshotInfo>, Error> {
        let conn = self.db.lock();
        let anchor = conn
            .query_row("SELECT taken_at FROM snapshot WHERE id = ?1", params![before.0], |row| {
                row.get::<_, i64>(0)
            })
            .optional()
            .map_err(Error::sqlite("reading a snapshot"))?
            .ok_or(Error::SnapshotNotFound { id: before })?;
        query_info(
            &conn,
            &format!(
                "SELECT {INFO_COLUMNS} FROM snapshot
                 WHERE target = ?1 AND (taken_at < ?2 OR (taken_at = ?2 AND id < ?3))
                 ORDER BY taken_at DESC, id DESC LIMIT 1"
            ),
            params![target, anchor, before.0],
        )
    }

    /// The snapshot `id`'s description, if it exists.
    pub fn info(&self, id: SnapshotId) -> Result<Option<SnapshotInfo>, Error> {
        let conn = self.db.lock();
        query_info(
            &conn,
            &format!("SELECT {INFO_COLUMNS} FROM snapshot WHERE id = ?1"),
            params![id.0],
        )
    }

    /// Loads snapshot `id` with its rows, in the order they were saved.
    ///
    /// Fails with [`Error::SnapshotNotFound`] if it does not exist and [`Error::Decode`] if a row does not fit `T`.
    pub fn load<T: DeserializeOwned>(
        &self,
        id: SnapshotId,
    ) -> Result<(SnapshotInfo, Vec<T>), Error> {
        let conn = self.db.lock();
        // One read transaction, so the description and the rows come from the same state of the file even if
        // another process deletes the snapshot meanwhile.
        let tx =
            conn.unchecked_transaction().map_err(Error::sqlite("starting a read transaction"))?;
        let info = query_info(
            &tx,
            &format!("SELECT {INFO_COLUMNS} FROM snapshot WHERE id = ?1"),
            params![id.0],
        )?
        .ok_or(Error::SnapshotNotFound { id })?;
        let mut stmt = tx
            .prepare("SELECT data FROM snapshot_row WHERE snapshot_id = ?1 ORDER BY idx")
            .map_err(Error::sqlite("reading snapshot rows"))?;
        let data = stmt
            .query_map(params![id.0], |row| row.get::<_, String>(0))
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(Error::sqlite("reading snapshot rows"))?;
        let rows = data
            .iter()
            .enumerate()
            .map(|(index, json)| {
                serde_json::from_str(json).map_err(|source| Error::Decode { id, index, source })
            })
            .collect::<Result<Vec<T>, _>>()?;
        Ok((info, rows))
    }

    /// Deletes snapshot `id` and its rows; returns whether it existed.
    pub fn delete(&self, id: SnapshotId) -> Result<bool, Error> {
        // The rows go with it through `ON DELETE CASCADE`, in the same implicit transaction.
        let n = self
            .db
            .lock()
            .execute("DELETE FROM snapshot WHERE id = ?1", params![id.0])
            .map_err(Error::sqlite("deleting a snapshot"))?;
        Ok(n > 0)
    }

    /// Deletes all but the newest `keep` snapshots of `target` in one transaction; returns how many went.
    pub fn prune(&self, target: &str, keep: usize) -> Result<u64, Error> {
        let n = self
            .db
            .lock()
            .execute(
                "DELETE FROM snapshot WHERE target = ?1 AND id NOT IN (
                     SELECT id FROM snapshot WHERE target = ?1 ORDER BY taken_at DESC, id DESC LIMIT ?2
                 )",
                params![target, i64::try_from(keep).unwrap_or(i64::MAX)],
            )
            .map_err(Error::sqlite("pruning snapshots"))?;
        Ok(n as u64)
    }
}

/// A `snapshot` row before its metadata is parsed.
struct RawInfo {
    id: i64,
    target: String,
    taken_at: i64,
    row_count: i64,
    meta: String,
}

impl RawInfo {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<RawInfo> {
        Ok(RawInfo {
            id: row.get(0)?,
            target: row.get(1)?,
            taken_at: row.get(2)?,
            row_count: row.get(3)?,
            meta: row.get(4)?,
        })
    }

    fn decode(self) -> Result<SnapshotInfo, Error> {
        let id = SnapshotId(self.id);
        let meta =
            serde_json::from_str(&self.meta).map_err(|source| Error::DecodeMeta { id, source })?;
        Ok(SnapshotInfo {
            id,
            target: self.target,
            taken_at_unix: self.taken_at,
            row_count: u64::try_from(self.row_count).unwrap_or(0),
            meta,
        })
    }
}

fn query_info(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Option<SnapshotInfo>, Error> {
    conn.query_row(sql, params, RawInfo::from_row)
        .optional()
        .map_err(Error::sqlite("reading a snapshot"))?
        .map(RawInfo::decode)
        .transpose()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Cache;
    use crate::test_child::{Writer, child_path, integrity_check, report_committed};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Link {
        domain: String,
        backlinks: u64,
    }

    fn links(names: &[&str]) -> Vec<Link> {
        names
            .iter()
            .zip(1..)
            .map(|(name, backlinks)| Link { domain: (*name).to_owned(), backlinks })
            .collect()
    }

    #[test]
    fn save_then_load_round_trips_rows_in_order_with_meta() {
        let store = SnapshotStore::in_memory().unwrap();
        let rows = links(&["c.io", "a.org", "b.net"]);
        let meta = json!({ "cost": 0.05, "filters": ["dofollow"] });
        let id = store.save("example.com", 1_700_000_000, &meta, &rows).unwrap();
        let (info, loaded) = store.load::<Link>(id).unwrap();
        assert_eq!(loaded, rows);
        assert_eq!(
            info,
            SnapshotInfo {
                id,
                target: "example.com".into(),
                taken_at_unix: 1_700_000_000,
                row_count: 3,
                meta
            }
        );
        assert_eq!(store.info(id).unwrap(), Some(info));
    }

    #[test]
    fn empty_snapshot_is_kept() {
        let store = SnapshotStore::in_memory().unwrap();
        let id = store.save::<Link>("example.com", 1, &json!(null), &[]).unwrap();
        let (info, rows) = store.load::<Link>(id).unwrap();
        assert_eq!((info.row_count, rows.len()), (0, 0));
    }

    #[test]
    fn list_is_per_target_and_ordered_by_time_then_save_order() {
        let store = SnapshotStore::in_memory().unwrap();
        let meta = json!({});
        let late = store.save("a.com", 300, &meta, &links(&["x"])).unwrap();
        let early = store.save("a.com", 100, &meta, &links(&["x"])).unwrap();
        let other = store.save("b.com", 200, &meta, &links(&["x"])).unwrap();
        let same_time = store.save("a.com", 300, &meta, &links(&["x", "y"])).unwrap();
        let ids: Vec<SnapshotId> =
            store.list("a.com").unwrap().into_iter().map(|info| info.id).collect();
        assert_eq!(ids, [early, late, same_time]);
        assert_eq!(
            store.list("b.com").unwrap().iter().map(|info| info.id).collect::<Vec<_>>(),
            [other]
        );
        assert_eq!(store.list("none.com").unwrap(), []);
        assert_eq!(store.targets().unwrap(), ["a.com", "b.com"]);
    }

    #[test]
    fn latest_and_previous_walk_a_targets_history() {
        let store = SnapshotStore::in_memory().unwrap();
        let meta = json!({});
        assert_eq!(store.latest("a.com").unwrap(), None);
        let first = store.save("a.com", 100, &meta, &links(&["x"])).unwrap();
        store.save("b.com", 150, &meta, &links(&["x"])).unwrap();
        let second = store.save("a.com", 200, &meta, &links(&["x"])).unwrap();
        let third = store.save("a.com", 200, &meta, &links(&["x"])).unwrap();
        assert_eq!(store.latest("a.com").unwrap().map(|info| info.id), Some(third));
        assert_eq!(store.previous("a.com", third).unwrap().map(|info| info.id), Some(second));
        assert_eq!(store.previous("a.com", second).unwrap().map(|info| info.id), Some(first));
        assert_eq!(store.previous("a.com", first).unwrap(), None);
    }

    #[test]
    fn previous_of_a_missing_snapshot_is_an_error() {
        let store = SnapshotStore::in_memory().unwrap();
        let err = store.previous("a.com", SnapshotId::new(42)).unwrap_err();
        assert!(matches!(err, Error::SnapshotNotFound { id } if id.get() == 42), "{err:?}");
        assert_eq!(err.to_string(), "snapshot `42` not found");
    }

    #[test]
    fn delete_removes_the_snapshot_and_its_rows_and_ids_are_not_reused() {
        let store = SnapshotStore::in_memory().unwrap();
        let meta = json!({});
        let first = store.save("a.com", 100, &meta, &links(&["x", "y"])).unwrap();
        let second = store.save("a.com", 200, &meta, &links(&["z"])).unwrap();
        assert!(store.delete(second).unwrap());
        assert!(!store.delete(second).unwrap());
        assert!(matches!(store.load::<Link>(second), Err(Error::SnapshotNotFound { .. })));
        assert_eq!(store.latest("a.com").unwrap().map(|info| info.id), Some(first));
        let orphans: i64 = store
            .db
            .lock()
            .query_row(
                "SELECT COUNT(*) FROM snapshot_row WHERE snapshot_id = ?1",
                params![second.get()],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0);
        let third = store.save("a.com", 300, &meta, &links(&["z"])).unwrap();
        assert!(third > second);
    }

    #[test]
    fn prune_keeps_the_newest_snapshots_of_one_target() {
        let store = SnapshotStore::in_memory().unwrap();
        let meta = json!({});
        let ids: Vec<SnapshotId> = [400, 100, 300, 200]
            .into_iter()
            .map(|taken_at| store.save("a.com", taken_at, &meta, &links(&["x"])).unwrap())
            .collect();
        let other = store.save("b.com", 50, &meta, &links(&["x"])).unwrap();
        assert_eq!(store.prune("a.com", 2).unwrap(), 2);
        let kept: Vec<SnapshotId> =
            store.list("a.com").unwrap().into_iter().map(|info| info.id).collect();
        assert_eq!(kept, [ids[2], ids[0]]);
        assert_eq!(store.prune("a.com", 5).unwrap(), 0);
        assert_eq!(store.prune("a.com", 0).unwrap(), 2);
        assert_eq!(store.list("a.com").unwrap(), []);
        assert_eq!(store.latest("b.com").unwrap().map(|info| info.id), Some(other));
        let rows: i64 = store
            .db
            .lock()
            .query_row("SELECT COUNT(*) FROM snapshot_row", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 1, "the rows of pruned snapshots go with them");
    }

    #[test]
    fn rows_of_the_wrong_shape_are_a_decode_error_naming_the_row() {
        let store = SnapshotStore::in_memory().unwrap();
        let id = store
            .save("a.com", 1, &json!({}), &[json!({"domain": "x", "backlinks": 1}), json!("oops")])
            .unwrap();
        let err = store.load::<Link>(id).unwrap_err();
        assert!(matches!(err, Error::Decode { index: 1, .. }), "{err:?}");
    }

    /// A row type whose serialization fails on demand.
    struct Failing(bool);

    impl Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            if self.0 {
                return Err(serde::ser::Error::custom("refused"));
            }
            serializer.serialize_unit()
        }
    }

    #[test]
    fn a_row_that_fails_to_serialize_leaves_no_snapshot() {
        let store = SnapshotStore::in_memory().unwrap();
        let err = store.save("a.com", 1, &json!({}), &[Failing(false), Failing(true)]).unwrap_err();
        assert!(matches!(err, Error::Encode { index: 1, .. }), "{err:?}");
        assert_eq!(store.list("a.com").unwrap(), []);
        let rows: i64 = store
            .db
            .lock()
            .query_row("SELECT COUNT(*) FROM snapshot_row", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }

    #[test]
    fn snapshots_and_cache_share_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("linkgap.sqlite");
        let cache = Cache::open(&path).unwrap();
        let store = SnapshotStore::open(&path).unwrap();
        cache.put("k", "e", b"x", 0.0).unwrap();
        let id = store.save("a.com", 1, &json!({}), &links(&["x"])).unwrap();
        drop((cache, store));
        let store = SnapshotStore::open(&path).unwrap();
        assert_eq!(store.load::<Link>(id).unwrap().1, links(&["x"]));
        assert_eq!(Cache::open(&path).unwrap().stats().unwrap().entries, 1);
    }

    const KILL_TEST_ROWS: usize = 400;

    fn kill_test_rows(n: u64) -> Vec<Link> {
        (0..KILL_TEST_ROWS as u64)
            .map(|i| Link { domain: format!("site-{n}-{i}.example"), backlinks: n * 1_000 + i })
            .collect()
    }

    #[test]
    fn killed_writer_leaves_no_partial_snapshot() {
        if let Some(path) = child_path() {
            // Child mode: save snapshots until the parent kills us (bounded in case it never does).
            let store = SnapshotStore::open(&path).unwrap();
            for n in 0..2_000 {
                let taken_at = i64::try_from(n).unwrap();
                let id =
                    store.save("a.com", taken_at, &json!({ "n": n }), &kill_test_rows(n)).unwrap();
                assert_eq!(id.get(), taken_at + 1, "ids count up from 1 in a fresh file");
                report_committed(n);
            }
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snapshots.sqlite");
        let mut writer =
            Writer::spawn("snapshot::tests::killed_writer_leaves_no_partial_snapshot", &path);
        writer.wait_for_commits(15);
        let committed = writer.kill();

        assert_eq!(integrity_check(&path), "ok");
        let store = SnapshotStore::open(&path).unwrap();
        let listed = store.list("a.com").unwrap();
        for &n in &committed {
            let taken_at = i64::try_from(n).unwrap();
            let (info, rows) = store.load::<Link>(SnapshotId::new(taken_at + 1)).unwrap();
            assert_eq!((info.taken_at_unix, info.meta), (taken_at, json!({ "n": n })));
            assert_eq!(rows, kill_test_rows(n), "snapshot {n} damaged");
        }
        // Whatever is listed is whole, including a save that committed just before the kill without reporting.
        assert!(
            listed.len() == committed.len() || listed.len() == committed.len() + 1,
            "{}",
            listed.len()
        );
        for info in &listed {
            assert_eq!(info.row_count, KILL_TEST_ROWS as u64);
            assert_eq!(store.load::<Link>(info.id).unwrap().1.len(), KILL_TEST_ROWS);
        }
        let all_rows: usize = store
            .db
            .lock()
            .query_row("SELECT COUNT(*) FROM snapshot_row", [], |row| row.get(0))
            .unwrap();
        assert_eq!(
            all_rows,
            listed.len() * KILL_TEST_ROWS,
            "rows of an uncommitted snapshot remain"
        );
    }
}
