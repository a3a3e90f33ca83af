//! The record of a monitoring run in progress: when it began, kept on disk until its snapshot is
//! saved, so that a rerun of an interrupted run reuses the responses that run already paid for.
//!
//! A monitoring run reads the response cache in refresh mode: only responses stored since the run
//! began count. The start is written next to the snapshot database (`<stem>-runs/<site>.start`,
//! Unix milliseconds) before anything is fetched and removed once the snapshot is saved. A run
//! that finds a start left by an interrupted run of the same site earlier the same UTC day takes
//! it over; an older one is discarded, so a later day's snapshot is always fetched fresh.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use chrono::{DateTime, Utc};

/// A monitoring run whose start is on disk until [`PendingRun::finish`].
#[derive(Debug)]
pub(crate) struct PendingRun {
    /// The file holding the start.
    path: PathBuf,
    /// When the run began: responses cached since then may be reused.
    pub(crate) started: SystemTime,
    /// Whether this run took over the start of an interrupted run.
    pub(crate) resumed: bool,
}

/// The file recording a pending run of `site` for the snapshot database `db`.
pub(crate) fn pending_path(db: &Path, site: &str) -> PathBuf {
    let stem = db.file_stem().map_or_else(|| "linkgap".into(), |stem| stem.to_string_lossy());
    db.with_file_name(format!("{stem}-runs")).join(format!("{site}.start"))
}

impl PendingRun {
    /// Takes over the pending run of `site` if it began earlier the same UTC day as `now`,
    /// else records a run beginning at `now`.
    pub(crate) fn begin(db: &Path, site: &str, now: SystemTime) -> anyhow::Result<PendingRun> {
        let path = pending_path(db, site);
        let recorded = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| text.trim().parse::<u64>().ok())
            .map(|millis| UNIX_EPOCH + Duration::from_millis(millis));
        if let Some(started) = recorded
            && resumable(started, now)
        {
            return Ok(PendingRun { path, started, resumed: true });
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("failed to create the monitoring run directory `{}`", dir.display())
            })?;
        }
        let millis = now.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis());
        std::fs::write(&path, format!("{millis}\n")).with_context(|| {
            format!("failed to record the monitoring run in `{}`", path.display())
        })?;
        Ok(PendingRun { path, started: now, resumed: false })
    }

    /// The run's snapshot is saved: the next run starts afresh.
    pub(crate) fn finish(self) -> anyhow::Result<()> {
        std::fs::remove_file(&self.path).with_context(|| {
            format!("failed to remove the finished monitoring run `{}`", self.path.display())
        })
    }
}

/// Whether a run that began at `started` may be resumed at `now`: it began at most `now`, on the
/// same UTC day.
pub(crate) fn resumable(started: SystemTime, now: SystemTime) -> bool {
    started <= now
        && DateTime::<Utc>::from(started).date_naive() == DateTime::<Utc>::from(now).date_naive()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(hour: u32, minute: u32, day: u32) -> SystemTime {
        Utc.with_ymd_and_hms(2026, 4, day, hour, minute, 0).unwrap().into()
    }

    #[test]
    fn only_a_run_begun_earlier_the_same_utc_day_is_resumed() {
        assert!(resumable(at(9, 0, 1), at(9, 5, 1)));
        assert!(resumable(at(0, 0, 1), at(23, 59, 1)));
        assert!(!resumable(at(23, 58, 1), at(0, 2, 2)), "a later day fetches afresh");
        assert!(!resumable(at(9, 5, 1), at(9, 0, 1)), "a start in the future is not trusted");
    }

    #[test]
    fn an_interrupted_run_is_taken_over_until_it_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("monitor.sqlite");
        let first = PendingRun::begin(&db, "a.com", at(9, 0, 1)).unwrap();
        assert!(!first.resumed);
        assert_eq!(pending_path(&db, "a.com"), dir.path().join("monitor-runs/a.com.start"));
        // Interrupted: the rerun keeps the first start; another site has its own run.
        let rerun = PendingRun::begin(&db, "a.com", at(9, 30, 1)).unwrap();
        assert!(rerun.resumed);
        assert_eq!(rerun.started, at(9, 0, 1));
        assert!(!PendingRun::begin(&db, "b.com", at(9, 30, 1)).unwrap().resumed);
        rerun.finish().unwrap();
        let next = PendingRun::begin(&db, "a.com", at(10, 0, 1)).unwrap();
        assert!(!next.resumed);
        assert_eq!(next.started, at(10, 0, 1));
        // Interrupted again, and rerun the next day: a fresh start.
        let next_day = PendingRun::begin(&db, "a.com", at(8, 0, 2)).unwrap();
        assert!(!next_day.resumed);
        assert_eq!(next_day.started, at(8, 0, 2));
    }
}
