//! Helpers of the end-to-end suite: a sandbox per test (home, config, data and cache directories
//! in a temporary directory), the `linkgap` binary, the loopback server, and snapshot filters.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use linkgap_world::{Compression, World, WorldBacklink};

/// The demo world's target and competitors.
pub(crate) const TARGET: &str = "trailpeak.com";
pub(crate) const COMPETITORS: [&str; 5] = [
    "summitgear.co.uk",
    "ridgeline-outdoors.com",
    "alpinetrek.com.au",
    "basecamp-supply.com",
    "wildtrail.net",
];

/// A temporary home for one test: nothing touches the user's files.
pub(crate) struct Sandbox {
    pub(crate) dir: tempfile::TempDir,
}

/// What a finished run printed and how it ended.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Sandbox {
    pub(crate) fn new() -> Sandbox {
        Sandbox { dir: tempfile::tempdir().expect("temporary directory") }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The database file of the test.
    pub(crate) fn db(&self) -> String {
        self.path("linkgap.sqlite").to_string_lossy().into_owned()
    }

    /// The binary, with a clean environment rooted in the sandbox and no credentials.
    pub(crate) fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_linkgap"));
        let home = self.dir.path();
        command
            .env_clear()
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("NO_COLOR", "1")
            .current_dir(home)
            .stdin(Stdio::null());
        command
    }

    /// The binary with the loopback server's credentials.
    pub(crate) fn api_command(&self) -> Command {
        let mut command = self.command();
        command.env("DATAFORSEO_LOGIN", "demo").env("DATAFORSEO_PASSWORD", "demo");
        command
    }

    /// Runs `linkgap ARGS` with the demo credentials.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        finish(self.api_command().args(args).output().expect("the binary runs"))
    }

    /// Runs `linkgap ARGS` without credentials.
    pub(crate) fn run_without_credentials(&self, args: &[&str]) -> Run {
        finish(self.command().args(args).output().expect("the binary runs"))
    }

    /// `cache stats --format json` of the sandbox database: the number of entries.
    pub(crate) fn cache_entries(&self) -> u64 {
        let run = self.run(&["cache", "stats", "--db", &self.db(), "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let stats: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON stats");
        stats["entries"].as_u64().expect("entries")
    }
}

pub(crate) fn finish(output: Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

/// A `linkgap mock-server` process, killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Server {
    /// The demo world.
    pub(crate) fn start(sandbox: &Sandbox, extra: &[&str]) -> Server {
        let mut child = sandbox
            .command()
            .args(["mock-server", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the mock server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the first line");
        let url = line.trim().strip_prefix("listening on ").expect("`listening on URL`").to_owned();
        Server { child, url }
    }

    /// A world written into the sandbox.
    pub(crate) fn start_world(sandbox: &Sandbox, world: &World, name: &str) -> Server {
        let dir = sandbox.path(name);
        world.write(&dir, Compression::None).expect("the world is written");
        Server::start(sandbox, &["--world", dir.to_str().expect("UTF-8 path")])
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo world with every link from a fifth of the target's referring hosts removed.
pub(crate) fn world_with_lost_links() -> World {
    let mut world = linkgap_world::demo_world();
    let to_target = |row: &WorldBacklink| {
        (row.domain_to == TARGET || row.domain_to.ends_with(&format!(".{TARGET}"))) && !row.is_lost
    };
    let mut hosts: Vec<String> = world
        .backlinks
        .iter()
        .filter(|row| to_target(row))
        .map(|row| row.domain_from.clone())
        .collect();
    hosts.sort();
    hosts.dedup();
    let removed: Vec<&String> = hosts.iter().step_by(5).collect();
    world.backlinks.retain(|row| !(to_target(row) && removed.contains(&&row.domain_from)));
    world
}

/// Insta settings with filters for what changes from run to run: temporary paths, ports,
/// timestamps, durations.
pub(crate) fn settings(sandbox: &Sandbox) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    let dir = sandbox.dir.path().to_string_lossy().into_owned();
    settings.add_filter(&regex_escape(&dir), "[SANDBOX]");
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[NOW]");
    settings.add_filter(r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC", "[NOW]");
    settings.add_filter(r"\b\d+(\.\d+)?(ms|s)\b", "[DURATION]");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if "\\.+*?()|[]{}^$".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// `--competitor C` for each demo competitor.
pub(crate) fn competitor_flags() -> Vec<&'static str> {
    COMPETITORS.iter().flat_map(|competitor| ["--competitor", *competitor]).collect()
}
