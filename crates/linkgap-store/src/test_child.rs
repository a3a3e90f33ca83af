//! Test helper: re-runs the test binary as a child process that writes to a store until it is killed.

use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

/// Set in the child's environment to the database path it must write to.
const CHILD_ENV: &str = "LINKGAP_STORE_KILL_TEST_CHILD";

/// Marker the child prints, with a number and a newline, after each committed write.
const COMMITTED: &str = "kill-test-committed ";

/// If this process is the child of a kill test, the database it must write to.
pub(crate) fn child_path() -> Option<PathBuf> {
    std::env::var_os(CHILD_ENV).map(PathBuf::from)
}

/// Reports, from inside the child, that write `n` has been committed.
pub(crate) fn report_committed(n: u64) {
    println!("{COMMITTED}{n}");
}

/// A child process running one test in child mode; killed when dropped.
pub(crate) struct Writer {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    committed: Vec<u64>,
}

impl Writer {
    /// Starts the test named `test` (its full path) in a child process that writes to `path`.
    pub(crate) fn spawn(test: &str, path: &Path) -> Writer {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Writer { child, lines, committed: Vec::new() }
    }

    /// Blocks until the child has reported `n` committed writes in total.
    pub(crate) fn wait_for_commits(&mut self, n: usize) {
        while self.committed.len() < n {
            let line =
                self.lines.next().expect("child exited before committing enough writes").unwrap();
            record(&mut self.committed, &line);
        }
    }

    /// Kills the child with SIGKILL and returns every write it reported as committed.
    pub(crate) fn kill(mut self) -> Vec<u64> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        // Lines the child printed before it died are still in the pipe: they are committed writes too.
        for line in self.lines.by_ref() {
            record(&mut self.committed, &line.unwrap());
        }
        let committed = std::mem::take(&mut self.committed);
        // The child writes 0, 1, 2, ... and reports each in turn: a gap would mean a lost report.
        assert_eq!(committed, (0..committed.len() as u64).collect::<Vec<_>>());
        committed
    }
}

/// Notes a write if `line` holds a child's commit report.
///
/// The marker is searched anywhere in the line: the test harness prints `test <name> ... ` without a newline
/// before the test runs, so the first report shares its line.
fn record(committed: &mut Vec<u64>, line: &str) {
    if let Some((_, n)) = line.split_once(COMMITTED) {
        committed.push(n.trim().parse().unwrap());
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // A failing parent must not leave a writer running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `SQLite`'s own consistency check on the file at `path` and returns its verdict.
pub(crate) fn integrity_check(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap()
}
