//! `linkgap demo`: the whole program on the embedded demo world, through the real HTTP client
//! against the loopback server in this process. No credentials, no network.
//!
//! It runs `audit`, `gap` and `spam` exactly as a user would (the same argument parsing and
//! commands), then two monitoring snapshots: the first on the demo world, the second on a
//! changed copy of it (links removed, pages gone, links turned nofollow, a burst of spammy new
//! links), served by a restarted server. It prints the Markdown reports and writes them all as
//! one HTML page.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use chrono::{Days, NaiveDate, Utc};
use clap::Parser as _;
use linkgap_dataforseo::Credentials;
use linkgap_mock::{MockConfig, MockServer, RunningServer};
use linkgap_report::{Format, Report};
use linkgap_world::{World, WorldBacklink, date_to_timestamp, parse_timestamp};

use crate::args::{AnalysisCommand, Cli, Command, DemoArgs};
use crate::commands::monitor::{self, Thresholds};
use crate::commands::run_analysis;
use crate::context::Env;
use crate::convert::host_within;
use crate::output;
use crate::progress::Progress;

/// The demo's target.
const TARGET: &str = "trailpeak.com";
/// Its competitors in the demo world.
const COMPETITORS: [&str; 5] = [
    "summitgear.co.uk",
    "ridgeline-outdoors.com",
    "alpinetrek.com.au",
    "basecamp-supply.com",
    "wildtrail.net",
];
/// The loopback server's credentials.
const DEMO_LOGIN: &str = "demo";

/// One section of the demo: a title, its Markdown and its HTML.
struct Section {
    title: &'static str,
    markdown: String,
    html: String,
}

/// Runs the demo.
pub(crate) fn run(args: &DemoArgs, quiet: bool) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("failed to create a temporary directory")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    let env = Env {
        credentials: Some(Credentials::new(DEMO_LOGIN, DEMO_LOGIN)),
        interactive: false,
        quiet: true,
        progress: Progress::hidden(),
        now: Utc::now(),
        confirm_above_usd: f64::INFINITY,
    };
    let note = |text: &str| {
        if !quiet {
            output::note(text);
        }
    };
    let world = linkgap_world::demo_world();
    let changed = changed_world(&world);
    let server = runtime.block_on(start(world))?;
    let url = server.url();
    note(&format!("demo: serving the demo world on {url}"));
    let db = dir.path().join("demo.sqlite");
    let mut sections = Vec::new();
    let competitors: Vec<&str> =
        COMPETITORS.iter().flat_map(|competitor| ["--competitor", competitor]).collect();
    let mut analysis = |title: &'static str, argv: &[&str]| -> anyhow::Result<()> {
        note(&format!("demo: {title}"));
        let mut pages = Vec::new();
        for format in ["md", "html"] {
            let path = dir.path().join(format!("{}.{format}", pages.len()));
            let mut full: Vec<&str> = argv.to_vec();
            full.extend(["--api-base", &url, "--db", path_str(&db)?, "--yes", "--format", format]);
            full.extend(["--output", path_str(&path)?]);
            let command = analysis_command(&full)?;
            run_analysis(&command, &env).with_context(|| format!("the demo's {title} failed"))?;
            pages.push(
                std::fs::read_to_string(&path)
                    .with_context(|| format!("failed to read `{}`", path.display()))?,
            );
        }
        let html = pages.pop().unwrap_or_default();
        let markdown = pages.pop().unwrap_or_default();
        sections.push(Section { title, markdown, html });
        Ok(())
    };
    let mut audit = vec!["audit", "--target", TARGET];
    audit.extend(&competitors);
    analysis("profile audit", &audit)?;
    let mut gap = vec!["gap", "--target", TARGET, "--top", "15"];
    gap.extend(&competitors);
    analysis("link gap", &gap)?;
    analysis("spam patterns", &["spam", "--target", TARGET])?;

    note("demo: monitoring snapshot 1");
    let first = monitor_common(&url, &db)?;
    monitor::take(TARGET, &first, Thresholds::default(), &env)?;
    runtime.block_on(server.shutdown()).context("failed to stop the demo server")?;
    let server = runtime.block_on(start(changed))?;
    let url = server.url();
    note(&format!("demo: monitoring snapshot 2, on a changed world served on {url}"));
    let second = monitor_common(&url, &db)?;
    let outcome = monitor::take(TARGET, &second, Thresholds::default(), &env)?;
    runtime.block_on(server.shutdown()).context("failed to stop the demo server")?;
    let report = outcome.report.context("the second snapshot has a previous one")?;
    sections.push(Section {
        title: "monitoring",
        markdown: render(&report, Format::Markdown)?,
        html: render(&report, Format::Html)?,
    });

    let page = html_page(&sections);
    output::write_report(page.as_bytes(), Some(&args.output))?;
    let mut summary = String::from(
        "# linkgap demo\n\nThe demo world (`trailpeak.com` and five competitors) served by the \
         loopback API server, analysed through the real HTTP client.\n\n",
    );
    for section in &sections {
        summary.push_str(&section.markdown);
        if !summary.ends_with('\n') {
            summary.push('\n');
        }
        summary.push('\n');
    }
    output::write_report(summary.as_bytes(), None)?;
    note(&format!("demo: wrote the HTML report to `{}`", args.output.display()));
    Ok(())
}

/// Starts the loopback server on `world` with the demo credentials.
async fn start(world: World) -> anyhow::Result<RunningServer> {
    let mut config = MockConfig::new(world);
    config.listen = ([127, 0, 0, 1], 0).into();
    DEMO_LOGIN.clone_into(&mut config.login);
    DEMO_LOGIN.clone_into(&mut config.password);
    MockServer::start(config).await.context("failed to start the demo server")
}

fn path_str(path: &Path) -> anyhow::Result<&str> {
    path.to_str().with_context(|| format!("the temporary path `{}` is not UTF-8", path.display()))
}

/// Parses an analysis command line exactly as the program would.
fn analysis_command(argv: &[&str]) -> anyhow::Result<AnalysisCommand> {
    let cli = Cli::try_parse_from(std::iter::once("linkgap").chain(argv.iter().copied()))
        .context("the demo built an invalid command line")?;
    match cli.command {
        Command::Analysis(command) => Ok(command),
        _ => anyhow::bail!("the demo built a command line that is not an analysis"),
    }
}

/// The flags of a monitoring snapshot against `url`.
fn monitor_common(url: &str, db: &Path) -> anyhow::Result<crate::args::CommonArgs> {
    let argv = ["linkgap", "monitor", "--target", TARGET, "--api-base", url, "--db", path_str(db)?];
    match Cli::try_parse_from(argv).context("the demo built an invalid command line")?.command {
        Command::Monitor(args) => Ok(args.common),
        _ => anyhow::bail!("the demo built a command line that is not `monitor`"),
    }
}

/// Renders a report into a string.
fn render(report: &Report, format: Format) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    linkgap_report::render(report, format, &mut bytes).context("failed to render the report")?;
    String::from_utf8(bytes).context("the report is not UTF-8")
}

/// The demo world a little later: deterministic changes to the target's links.
///
/// Of the target's referring hosts (sorted), every sixth from the third loses its links (so the
/// referring-domain drop alert fires), every fifteenth from the fifth has its pages answer 404,
/// every fifteenth from the tenth turns its links nofollow; and eight new spammy hosts link to
/// the target two days after the world's last date.
pub(crate) fn changed_world(world: &World) -> World {
    let to_target = |row: &WorldBacklink| host_within(&row.domain_to, TARGET) && !row.is_lost;
    let hosts: BTreeSet<&str> = world
        .backlinks
        .iter()
        .filter(|row| to_target(row))
        .map(|row| row.domain_from.as_str())
        .collect();
    let pick = |every: usize, from: usize| -> BTreeSet<String> {
        hosts
            .iter()
            .enumerate()
            .filter(|(idx, _)| idx % every == from)
            .map(|(_, host)| (*host).to_owned())
            .collect()
    };
    let (removed, broken, nofollow) = (pick(6, 2), pick(15, 4), pick(15, 9));
    let mut backlinks: Vec<WorldBacklink> = world
        .backlinks
        .iter()
        .filter(|row| !(to_target(row) && removed.contains(&row.domain_from)))
        .cloned()
        .collect();
    for row in backlinks.iter_mut().filter(|row| to_target(row)) {
        if broken.contains(&row.domain_from) {
            row.page_from_status_code = Some(404);
        }
        if nofollow.contains(&row.domain_from) {
            row.dofollow = false;
            row.attributes = Some(vec!["nofollow".to_owned()]);
        }
    }
    let last = world
        .backlinks
        .iter()
        .filter_map(|row| row.last_seen.as_deref().or(row.first_seen.as_deref()))
        .filter_map(|text| parse_timestamp(text).ok())
        .map(|time| time.date_naive())
        .max()
        .unwrap_or(NaiveDate::MIN);
    let day = date_to_timestamp(last.checked_add_days(Days::new(2)).unwrap_or(last));
    for n in 0..8 {
        let host = format!("cheap-seo-links-{n}.xyz");
        backlinks.push(WorldBacklink {
            url_from: format!("https://{host}/casino-bonus-{n}"),
            domain_from: host,
            domain_to: format!("www.{TARGET}"),
            url_to: format!("https://www.{TARGET}/"),
            anchor: Some("best casino bonus no deposit".to_owned()),
            backlink_spam_score: 90,
            domain_from_rank: 2,
            page_from_rank: 1,
            domain_from_ip: Some(format!("203.0.113.{}", 10 + n)),
            page_from_external_links: Some(400),
            first_seen: Some(day.clone()),
            last_seen: Some(day.clone()),
            is_new: true,
            ..WorldBacklink::default()
        });
    }
    World { backlinks, domains: world.domains.clone() }
}

/// The demo's HTML page: each report, self-contained, in its own sandboxed frame.
fn html_page(sections: &[Section]) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>linkgap demo</title>\n<style>\nbody{font-family:system-ui,sans-serif;margin:2rem;}\
         \niframe{width:100%;height:80vh;border:1px solid #ccc;}\nnav a{margin-right:1rem;}\n\
         </style>\n</head>\n<body>\n<h1>linkgap demo</h1>\n<p>The demo world \
         (<code>trailpeak.com</code> and five competitors) served by the loopback API server and \
         analysed through the real HTTP client.</p>\n<nav>",
    );
    for (idx, section) in sections.iter().enumerate() {
        let _ = write!(page, "<a href=\"#s{idx}\">{}</a>", section.title);
    }
    page.push_str("</nav>\n");
    for (idx, section) in sections.iter().enumerate() {
        let _ = writeln!(
            page,
            "<section id=\"s{idx}\">\n<h2>{}</h2>\n<iframe sandbox=\"allow-scripts\" title=\"{}\" \
             srcdoc=\"{}\"></iframe>\n</section>",
            section.title,
            section.title,
            escape_attribute(&section.html)
        );
    }
    page.push_str("</body>\n</html>\n");
    page
}

/// Escapes text for a double-quoted HTML attribute.
fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_world_is_deterministic_and_changes_the_target_only() {
        let world = linkgap_world::demo_world();
        let changed = changed_world(&world);
        assert_eq!(changed, changed_world(&world));
        let others = |world: &World| {
            world.backlinks.iter().filter(|row| !host_within(&row.domain_to, TARGET)).count()
        };
        assert_eq!(others(&changed), others(&world));
        let new: Vec<&WorldBacklink> = changed
            .backlinks
            .iter()
            .filter(|row| row.domain_from.starts_with("cheap-seo"))
            .collect();
        assert_eq!(new.len(), 8);
        assert!(changed.backlinks.iter().any(|row| row.page_from_status_code == Some(404)));
    }

    #[test]
    fn report_pages_are_escaped_into_their_frames() {
        let sections = [Section {
            title: "gap",
            markdown: String::new(),
            html: "<p title=\"x\">a & b</p>".to_owned(),
        }];
        let page = html_page(&sections);
        assert!(
            page.contains("srcdoc=\"&lt;p title=&quot;x&quot;&gt;a &amp; b&lt;/p&gt;\""),
            "{page}"
        );
    }
}
