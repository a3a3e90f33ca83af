//! `cargo xtask duckdb-compare`: times `linkgap gap --world` against DuckDB (two threads) running the
//! same host-level gap query over the same JSONL file, checks both find the same prospects and prints
//! the ratio.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use linkgap_world::{BACKLINKS_FILE, Compression, GenConfig, generate};
use xshell::cmd;

use crate::{cargo, print_line, project_root, shell};

const USAGE: &str =
    "usage: cargo xtask duckdb-compare [--size N] [--seed S] [--runs R] [--keep DIR]

  --size N   ordinary referring sites of the generated world (default 200000: about a million
             backlink rows)
  --seed S   generator seed (default 42)
  --runs R   timed runs of each tool; the median is reported (default 3)
  --keep DIR write the world and both results into DIR and keep them (default: a temporary
             directory, removed at the end)

At the default size, run it optimised (`cargo run --release -p xtask -- duckdb-compare`):
unoptimised, generating the million rows takes about half an hour.";

/// World size giving about a million backlink rows (about five rows per ordinary site).
const DEFAULT_SIZE: usize = 200_000;
/// The DuckDB CLI, pinned so that the figures are reproducible; the `duckdb-cli` package
/// on the Python package index ships it.
const DUCKDB_CLI_PACKAGE: &str = "duckdb-cli==1.5.6";
/// k: competitors a host must link to (the CLI's default with two or more competitors).
const MIN_COMPETITORS: usize = 2;
/// Threads each tool gets.
const THREADS: usize = 2;

/// What `duckdb-compare` was asked to do.
#[derive(Debug, PartialEq)]
struct Request {
    size: usize,
    seed: u64,
    runs: usize,
    keep: Option<PathBuf>,
}

/// Host to the competitors it links to: one tool's answer.
type Prospects = BTreeMap<String, BTreeSet<String>>;

/// Parses the arguments, generates the world, runs and times both tools, compares their answers.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let request = parse_args(args)?;
    let work_dir = match &request.keep {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("linkgap-duckdb-compare-{}", std::process::id())),
    };
    std::fs::create_dir_all(&work_dir)
        .with_context(|| format!("failed to create `{}`", work_dir.display()))?;
    let result = compare_in(&request, &work_dir);
    if request.keep.is_none() {
        // Best effort: a leftover temporary directory is not worth failing the comparison for.
        let _ = std::fs::remove_dir_all(&work_dir);
    }
    result
}

/// The whole comparison, with every file in `work_dir`.
fn compare_in(request: &Request, work_dir: &Path) -> anyhow::Result<()> {
    let config = GenConfig { size: request.size, seed: request.seed, ..GenConfig::default() };
    let world_dir = work_dir.join("world");
    print_line(format_args!(
        "duckdb-compare: generating a world (size {}, seed {})",
        config.size, config.seed
    ));
    let generated = generate(&config);
    let n_rows = generated.world.backlinks.len();
    generated
        .world
        .write(&world_dir, Compression::None)
        .with_context(|| format!("failed to write the world to `{}`", world_dir.display()))?;
    drop(generated);
    let jsonl = world_dir.join(BACKLINKS_FILE);
    let jsonl_bytes = std::fs::metadata(&jsonl)
        .with_context(|| format!("failed to read `{}`", jsonl.display()))?
        .len();
    print_line(format_args!(
        "duckdb-compare: {n_rows} backlink rows, {:.0} MiB of JSONL in `{}`",
        jsonl_bytes as f64 / (1024.0 * 1024.0),
        jsonl.display()
    ));

    let linkgap = build_linkgap()?;
    let duckdb = ensure_duckdb()?;

    let linkgap_out = work_dir.join("linkgap.csv");
    let mut linkgap_cmd = Command::new(&linkgap);
    linkgap_cmd
        .args(["gap", "--world"])
        .arg(&world_dir)
        .args(["--level", "host", "--target", &config.target])
        .args(config.competitors.iter().flat_map(|site| ["--competitor", site.as_str()]))
        .args(["--min-competitors", &MIN_COMPETITORS.to_string()])
        .args(["--top", &usize::MAX.to_string(), "--format", "csv", "--quiet", "--output"])
        .arg(&linkgap_out)
        .env("RAYON_NUM_THREADS", THREADS.to_string());

    let duckdb_out = work_dir.join("duckdb.csv");
    let sql = gap_sql(&jsonl, &duckdb_out, &config.target, &config.competitors, MIN_COMPETITORS);
    std::fs::write(work_dir.join("gap.sql"), &sql).context("failed to write `gap.sql`")?;
    let mut duckdb_cmd = Command::new(&duckdb);
    duckdb_cmd.args(["-batch", ":memory:", "-c", &sql]);

    // Warm the page cache for both: one untimed read of the file.
    std::fs::read(&jsonl).with_context(|| format!("failed to read `{}`", jsonl.display()))?;
    print_line(format_args!("duckdb-compare: load average before timing: {}", load_average()));
    let linkgap_time = time_runs("linkgap", &mut linkgap_cmd, request.runs)?;
    let duckdb_time = time_runs("duckdb", &mut duckdb_cmd, request.runs)?;
    print_line(format_args!("duckdb-compare: load average after timing: {}", load_average()));

    // The source at the chosen level: `domain` (older reports: `source`, with `domain` the
    // registrable domain).
    let linkgap_prospects = read_prospects(&linkgap_out, &["source", "domain"], "competitors")?;
    let duckdb_prospects = read_prospects(&duckdb_out, &["host"], "competitors")?;
    print_line(format_args!(
        "duckdb-compare: linkgap {:.3} s, DuckDB ({THREADS} threads) {:.3} s (median of {}); \
         {} prospect hosts",
        linkgap_time.as_secs_f64(),
        duckdb_time.as_secs_f64(),
        request.runs,
        linkgap_prospects.len()
    ));
    let ratio = duckdb_time.as_secs_f64() / linkgap_time.as_secs_f64().max(f64::EPSILON);
    if ratio >= 1.0 {
        print_line(format_args!("linkgap is {ratio:.1}× faster than DuckDB ({THREADS} threads)"));
    } else {
        print_line(format_args!(
            "linkgap is {:.1}× slower than DuckDB ({THREADS} threads)",
            1.0 / ratio
        ));
    }
    let differences = differences(&linkgap_prospects, &duckdb_prospects);
    if !differences.is_empty() {
        for line in differences.iter().take(20) {
            print_line(format_args!("duckdb-compare: {line}"));
        }
        bail!(
            "linkgap and DuckDB disagree on {} host(s) (results in `{}` and `{}`; use `--keep DIR` \
             to keep them)",
            differences.len(),
            linkgap_out.display(),
            duckdb_out.display()
        );
    }
    print_line("duckdb-compare: results identical");
    Ok(())
}

fn parse_args(args: &[String]) -> anyhow::Result<Request> {
    let mut request = Request { size: DEFAULT_SIZE, seed: 42, runs: 3, keep: None };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("`{flag}` needs a value\n{USAGE}"));
        match flag.as_str() {
            "--size" => {
                let text = value()?;
                request.size =
                    text.parse().with_context(|| format!("invalid `--size` `{text}`"))?;
            }
            "--seed" => {
                let text = value()?;
                request.seed =
                    text.parse().with_context(|| format!("invalid `--seed` `{text}`"))?;
            }
            "--runs" => {
                let text = value()?;
                request.runs = text
                    .parse()
                    .ok()
                    .filter(|&runs| runs > 0)
                    .with_context(|| format!("invalid `--runs` `{text}` (a positive count)"))?;
            }
            "--keep" => request.keep = Some(PathBuf::from(value()?)),
            "-h" | "--help" => bail!("{USAGE}"),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(request)
}

/// Where cargo puts build output: `$CARGO_TARGET_DIR` (relative to the workspace root when
/// relative), else `target/` in the workspace root.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => project_root().join(dir),
        None => project_root().join("target"),
    }
}

/// Builds `linkgap` in release mode and returns the binary's path.
fn build_linkgap() -> anyhow::Result<PathBuf> {
    print_line("duckdb-compare: building linkgap (release)");
    let sh = shell()?;
    let cargo = cargo();
    cmd!(sh, "{cargo} build --quiet --release -p linkgap")
        .run()
        .context("failed to build linkgap in release mode")?;
    let binary = target_dir().join("release").join("linkgap");
    anyhow::ensure!(binary.is_file(), "`{}` is missing after the build", binary.display());
    Ok(binary)
}

/// The DuckDB CLI binary, installed from the Python package index into `target/duckdb-venv` when missing.
fn ensure_duckdb() -> anyhow::Result<PathBuf> {
    let venv = target_dir().join("duckdb-venv");
    if let Some(binary) = find_duckdb(&venv) {
        return Ok(binary);
    }
    print_line(format_args!(
        "duckdb-compare: installing {DUCKDB_CLI_PACKAGE} into `{}`",
        venv.display()
    ));
    let sh = shell()?;
    cmd!(sh, "python3 -m venv {venv}").run().context("failed to create the DuckDB venv")?;
    let pip = venv.join("bin").join("pip");
    cmd!(sh, "{pip} install --quiet {DUCKDB_CLI_PACKAGE}")
        .run()
        .with_context(|| format!("failed to install `{DUCKDB_CLI_PACKAGE}`"))?;
    find_duckdb(&venv).with_context(|| {
        format!("no DuckDB binary in `{}` after installing `{DUCKDB_CLI_PACKAGE}`", venv.display())
    })
}

/// The native DuckDB binary of the venv: `duckdb-cli` puts it in its package directory, and its
/// `bin/duckdb` is a Python wrapper whose start-up would be timed too.
fn find_duckdb(venv: &Path) -> Option<PathBuf> {
    let lib = std::fs::read_dir(venv.join("lib")).ok()?;
    lib.filter_map(Result::ok)
        .map(|python| python.path().join("site-packages").join("duckdb_cli").join("duckdb"))
        .find(|binary| binary.is_file())
}

/// A SQL string literal.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// DuckDB SQL for linkgap's host-level gap over a world's `backlinks.jsonl`, writing
/// `host,competitors` (competitors sorted, joined with `; `) as CSV to `out`.
///
/// It mirrors `linkgap gap --world DIR --level host`: live links only (`is_lost` false or
/// missing); a link counts for a site when its `domain_to` is the site or a subdomain of it; the
/// source host is `domain_from` lower-cased with a leading `www.` folded away; hosts on any
/// analysed site's domain are left out (internal links included); a prospect links to no target
/// and to at least `k` competitors. Dofollow is not required. The sites are registrable domains,
/// as the generator's are.
fn gap_sql(jsonl: &Path, out: &Path, target: &str, competitors: &[String], k: usize) -> String {
    let sites: Vec<&str> =
        std::iter::once(target).chain(competitors.iter().map(String::as_str)).collect();
    let within = |column: &str, site: &str| {
        format!(
            "({column} = {} OR ends_with({column}, {}))",
            quote(site),
            quote(&format!(".{site}"))
        )
    };
    let mut site_of = String::from("CASE");
    for site in &sites {
        let _ = write!(site_of, " WHEN {} THEN {}", within("domain_to", site), quote(site));
    }
    site_of.push_str(" END");
    let on_a_site: Vec<String> = sites.iter().map(|site| within("host", site)).collect();
    format!(
        "SET threads = {THREADS};
COPY (
    WITH links AS (
        SELECT
            CASE WHEN starts_with(lower(domain_from), 'www.')
                      AND contains(substr(lower(domain_from), 5), '.')
                 THEN substr(lower(domain_from), 5)
                 ELSE lower(domain_from) END AS host,
            {site_of} AS site
        FROM read_ndjson({path}, columns = {{
            domain_from: 'VARCHAR', domain_to: 'VARCHAR', is_lost: 'BOOLEAN'
        }})
        WHERE NOT coalesce(is_lost, false)
    )
    SELECT host, array_to_string(list_sort(list_distinct(list(site))), '; ') AS competitors
    FROM links
    WHERE site IS NOT NULL AND NOT ({on_a_site})
    GROUP BY host
    HAVING count(*) FILTER (WHERE site = {target}) = 0 AND count(DISTINCT site) >= {k}
    ORDER BY host
) TO {out} (HEADER, DELIMITER ',');
",
        path = quote(&jsonl.display().to_string()),
        on_a_site = on_a_site.join(" OR "),
        target = quote(target),
        out = quote(&out.display().to_string()),
    )
}

/// Runs `command` once untimed (warming caches), then `runs` times, and returns the median wall
/// time of a whole process.
fn time_runs(name: &str, command: &mut Command, runs: usize) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(runs);
    for run in 0..=runs {
        let start = Instant::now();
        let output = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("failed to start {name}"))?;
        let elapsed = start.elapsed();
        anyhow::ensure!(
            output.status.success(),
            "{name} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        if run > 0 {
            print_line(format_args!(
                "duckdb-compare: {name} run {run}: {:.3} s",
                elapsed.as_secs_f64()
            ));
            times.push(elapsed);
        }
    }
    Ok(median(&mut times))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// The 1-, 5- and 15-minute load averages, or `unknown`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").ok().map_or_else(
        || "unknown".to_owned(),
        |text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

/// Reads a CSV result: the first of `host_columns` present to the `; `-separated competitors in
/// `competitors_column`.
fn read_prospects(
    path: &Path,
    host_columns: &[&str],
    competitors_column: &str,
) -> anyhow::Result<Prospects> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read `{}`", path.display()))?;
    parse_prospects(&text, host_columns, competitors_column)
        .with_context(|| format!("failed to read the prospects in `{}`", path.display()))
}

fn parse_prospects(
    text: &str,
    host_columns: &[&str],
    competitors_column: &str,
) -> anyhow::Result<Prospects> {
    let mut records = csv_records(text)?.into_iter();
    let header = records.next().context("no header row")?;
    let column = |name: &str| {
        header.iter().position(|cell| cell == name).with_context(|| format!("no `{name}` column"))
    };
    let host_idx = host_columns
        .iter()
        .find_map(|name| column(name).ok())
        .with_context(|| format!("no `{}` column", host_columns.join("` or `")))?;
    let competitors_idx = column(competitors_column)?;
    let mut prospects = Prospects::new();
    for (idx, record) in records.enumerate() {
        let (Some(host), Some(competitors)) = (record.get(host_idx), record.get(competitors_idx))
        else {
            bail!("row {} has {} cells, fewer than the header", idx + 2, record.len());
        };
        let competitors = competitors
            .split(';')
            .map(str::trim)
            .filter(|site| !site.is_empty())
            .map(str::to_owned)
            .collect();
        if prospects.insert(host.clone(), competitors).is_some() {
            bail!("host `{host}` is listed twice");
        }
    }
    Ok(prospects)
}

/// Splits CSV text (RFC 4180: quoted cells with `""` escapes, which may hold newlines) into records.
fn csv_records(text: &str) -> anyhow::Result<Vec<Vec<String>>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (in_quotes, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => in_quotes = false,
            (false, '"') => in_quotes = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (_, ch) => cell.push(ch),
        }
    }
    anyhow::ensure!(!in_quotes, "unterminated quoted cell");
    if !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push(record);
    }
    Ok(records)
}

/// One line per host on which the two answers differ.
fn differences(linkgap: &Prospects, duckdb: &Prospects) -> Vec<String> {
    let hosts: BTreeSet<&String> = linkgap.keys().chain(duckdb.keys()).collect();
    let show = |sites: &BTreeSet<String>| sites.iter().cloned().collect::<Vec<_>>().join(", ");
    hosts
        .into_iter()
        .filter_map(|host| match (linkgap.get(host), duckdb.get(host)) {
            (Some(ours), Some(theirs)) if ours == theirs => None,
            (Some(ours), Some(theirs)) => {
                Some(format!("`{host}`: linkgap lists [{}], DuckDB [{}]", show(ours), show(theirs)))
            }
            (Some(ours), None) => {
                Some(format!("`{host}`: only linkgap lists it ([{}])", show(ours)))
            }
            (None, Some(theirs)) => {
                Some(format!("`{host}`: only DuckDB lists it ([{}])", show(theirs)))
            }
            (None, None) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Request> {
        let args: Vec<String> = args.iter().map(|&arg| arg.to_owned()).collect();
        parse_args(&args)
    }

    fn sites(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|&name| name.to_owned()).collect()
    }

    #[test]
    fn duckdb_compare_takes_size_seed_runs_and_keep() {
        let request =
            parse(&["--size", "1000", "--seed", "7", "--runs", "5", "--keep", "d"]).unwrap();
        assert_eq!(
            request,
            Request { size: 1000, seed: 7, runs: 5, keep: Some(PathBuf::from("d")) }
        );
        assert_eq!(parse(&[]).unwrap().size, DEFAULT_SIZE);
        assert!(format!("{:#}", parse(&["--runs", "0"]).unwrap_err()).contains("invalid `--runs`"));
        assert!(format!("{:#}", parse(&["--bogus"]).unwrap_err()).contains("unknown argument"));
        assert!(format!("{:#}", parse(&["--size"]).unwrap_err()).contains("needs a value"));
    }

    #[test]
    fn csv_records_handle_quotes_escapes_and_newlines() {
        let records = csv_records("a,b\r\n\"x, y\",\"say \"\"hi\"\"\nthere\"\nlast,\n").unwrap();
        assert_eq!(
            records,
            vec![
                vec!["a".to_owned(), "b".to_owned()],
                vec!["x, y".to_owned(), "say \"hi\"\nthere".to_owned()],
                vec!["last".to_owned(), String::new()],
            ]
        );
        assert!(csv_records("\"open").is_err());
    }

    #[test]
    fn prospects_are_read_by_column_name() {
        let text = "rank,source,competitors\n1,a.example,\"b.com; c.com\"\n2,d.example,c.com\n";
        let prospects = parse_prospects(text, &["source", "domain"], "competitors").unwrap();
        assert_eq!(prospects["a.example"], sites(&["b.com", "c.com"]));
        assert_eq!(prospects["d.example"], sites(&["c.com"]));
        assert!(parse_prospects(text, &["host"], "competitors").is_err());
        let by_domain =
            parse_prospects("domain,competitors\nx,a\n", &["source", "domain"], "competitors");
        assert_eq!(by_domain.unwrap()["x"], sites(&["a"]));
        assert!(
            parse_prospects("source,competitors\nx,a\nx,b\n", &["source"], "competitors").is_err()
        );
    }

    #[test]
    fn differences_name_every_host_that_disagrees() {
        let ours: Prospects = [
            ("same.example".to_owned(), sites(&["b.com", "c.com"])),
            ("mixed.example".to_owned(), sites(&["b.com", "c.com"])),
            ("ours.example".to_owned(), sites(&["b.com"])),
        ]
        .into();
        let theirs: Prospects = [
            ("same.example".to_owned(), sites(&["b.com", "c.com"])),
            ("mixed.example".to_owned(), sites(&["b.com", "d.com"])),
            ("theirs.example".to_owned(), sites(&["d.com"])),
        ]
        .into();
        let lines = differences(&ours, &theirs);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines.iter().all(|line| !line.contains("same.example")));
        assert!(differences(&ours, &ours).is_empty());
    }

    #[test]
    fn median_is_the_middle_time() {
        let mut times = [3, 1, 2].map(Duration::from_millis);
        assert_eq!(median(&mut times), Duration::from_millis(2));
    }

    #[test]
    fn gap_sql_quotes_paths_and_names_every_site() {
        let competitors = vec!["b.com".to_owned(), "c.co.uk".to_owned()];
        let sql = gap_sql(
            Path::new("/tmp/o'k/b.jsonl"),
            Path::new("/tmp/out.csv"),
            "a.com",
            &competitors,
            2,
        );
        assert!(sql.contains("read_ndjson('/tmp/o''k/b.jsonl'"));
        assert!(sql.starts_with("SET threads = 2;"));
        for site in ["a.com", "b.com", "c.co.uk"] {
            assert!(sql.contains(&format!("ends_with(domain_to, '.{site}')")), "{site}");
            assert!(sql.contains(&format!("ends_with(host, '.{site}')")), "{site}");
        }
        assert!(sql.contains("count(DISTINCT site) >= 2"));
    }
}
