//! `linkgap cache stats|clear`: what the response cache holds and what it is worth, or emptying it.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::DateTime;
use linkgap_store::{Cache, CacheStats};

use crate::args::{CacheArgs, CacheCommand, OutputFormat};
use crate::output;
use crate::source::cache_path;

/// Runs `cache stats` or `cache clear`.
pub(crate) fn run(command: &CacheCommand) -> anyhow::Result<()> {
    match command {
        CacheCommand::Stats(args) => stats(args),
        CacheCommand::Clear(args) => clear(args),
    }
}

/// The cache file of `--db` (or the default one).
fn path(args: &CacheArgs) -> anyhow::Result<PathBuf> {
    cache_path(args.db.as_deref())
        .context("no home directory is known for the response cache; give `--db PATH`")
}

/// Opens the cache; a missing file is an empty cache, and is not created.
fn open(path: &std::path::Path) -> anyhow::Result<Option<Cache>> {
    if !path.exists() {
        return Ok(None);
    }
    Cache::open(path)
        .map(Some)
        .with_context(|| format!("failed to open the response cache `{}`", path.display()))
}

fn stats(args: &CacheArgs) -> anyhow::Result<()> {
    let path = path(args)?;
    let stats = match open(&path)? {
        Some(cache) => cache
            .stats()
            .with_context(|| format!("failed to read the response cache `{}`", path.display()))?,
        None => CacheStats::default(),
    };
    let bytes = match args.format {
        OutputFormat::Json => {
            let mut bytes = serde_json::to_vec_pretty(&serde_json::json!({
                "path": path,
                "entries": stats.entries,
                "bytes": stats.bytes,
                "per_endpoint": stats.per_endpoint,
                "oldest": stats.oldest_unix.map(time),
                "newest": stats.newest_unix.map(time),
                "cost_usd": stats.total_cost,
            }))
            .context("failed to encode JSON")?;
            bytes.push(b'\n');
            bytes
        }
        _ => to_markdown(&path, &stats).into_bytes(),
    };
    output::write_report(&bytes, None)
}

/// The stats as Markdown.
fn to_markdown(path: &std::path::Path, stats: &CacheStats) -> String {
    let mut text = format!("# Response cache\n\nFile: `{}`\n\n", path.display());
    if stats.entries == 0 {
        text.push_str("The cache is empty.\n");
        return text;
    }
    let _ = write!(
        text,
        "- entries: {}\n- size: {}\n- stored: {} to {}\n- cost of the cached responses: ${:.4} \
         (what rerunning a cached call saves; entries are used for 24 hours)\n\n",
        stats.entries,
        size(stats.bytes),
        stats.oldest_unix.map(time).unwrap_or_default(),
        stats.newest_unix.map(time).unwrap_or_default(),
        stats.total_cost
    );
    text.push_str("| endpoint | entries |\n|---|---:|\n");
    for (endpoint, entries) in &stats.per_endpoint {
        let _ = writeln!(text, "| `{endpoint}` | {entries} |");
    }
    text
}

fn clear(args: &CacheArgs) -> anyhow::Result<()> {
    let path = path(args)?;
    let removed = match open(&path)? {
        Some(cache) => cache
            .clear()
            .with_context(|| format!("failed to clear the response cache `{}`", path.display()))?,
        None => 0,
    };
    let text = format!(
        "Removed {removed} cached response{} from `{}`.\n",
        if removed == 1 { "" } else { "s" },
        path.display()
    );
    output::write_report(text.as_bytes(), None)
}

/// A byte count in B, KiB or MiB.
fn size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KiB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

/// A Unix time as `2026-03-31 12:00:00 UTC`.
fn time(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .map_or_else(|| unix.to_string(), |time| time.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_show_entries_per_endpoint_and_their_cost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite");
        let cache = Cache::open(&path).unwrap();
        cache.put("a", "/v3/backlinks/backlinks/live", &[0; 2048], 0.05).unwrap();
        cache.put("b", "/v3/backlinks/backlinks/live", b"{}", 0.02).unwrap();
        cache.put("c", "/v3/backlinks/referring_domains/live", b"{}", 0.02).unwrap();
        let text = to_markdown(&path, &cache.stats().unwrap());
        assert!(text.contains("- entries: 3\n- size: 2.0 KiB"), "{text}");
        assert!(text.contains("$0.0900"), "{text}");
        assert!(text.contains("| `/v3/backlinks/backlinks/live` | 2 |"), "{text}");
        let text = to_markdown(&path, &CacheStats::default());
        assert!(text.ends_with("The cache is empty.\n"), "{text}");
    }

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(size(10), "10 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1_048_576), "3.0 MiB");
    }
}
