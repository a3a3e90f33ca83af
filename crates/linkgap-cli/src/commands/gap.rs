//! `linkgap gap`: ranked outreach prospects from the link gap against competitors.

use std::time::Instant;

use hashbrown::HashSet;
use linkgap_analysis::{
    GapConfig, Level, OutreachConfig, SpamConfig, find_gaps, prepare, rank_prospects, spam_risks,
};
use linkgap_report::{GapView, Report};

use crate::args::{GapArgs, LevelArg};
use crate::context::{self, Env};
use crate::plan::Plan;

/// The sites (target first) and the plan of a gap.
pub(crate) fn plan(args: &GapArgs) -> anyhow::Result<(Vec<String>, Plan)> {
    let sites = context::parse_sites(&args.target, &args.competitors)?;
    if sites.len() < 2 {
        anyhow::bail!("`--competitor` names only the target itself; give at least one other site");
    }
    let plan = Plan::gap(&sites, args.level == LevelArg::Page, args.common.max_rows);
    Ok((sites, plan))
}

/// Fetches the profiles, finds and ranks the gap, writes the report.
pub(crate) fn run(args: &GapArgs, env: &Env) -> anyhow::Result<()> {
    let common = &args.common;
    let (sites, plan) = plan(args)?;
    let mut source = context::start(&plan, common, env)?;
    let started = Instant::now();
    let profiles = if args.level == LevelArg::Page {
        source.backlinks(&sites, &env.progress)?
    } else {
        source.referring_domains(&sites, &env.progress)?
    };
    tracing::info!(elapsed = ?started.elapsed(), "profiles read");
    let (target, competitors) = profiles.split_first().expect("the plan has the target first");
    let config = GapConfig {
        level: match args.level {
            LevelArg::Domain => Level::Domain,
            LevelArg::Host => Level::Host,
            LevelArg::Page => Level::Page,
        },
        min_competitors: args.min_competitors.map(|k| usize::try_from(k).unwrap_or(usize::MAX)),
        ..GapConfig::default()
    };
    // The spam scores only feed the ranking's penalty: they are computed while the gap is found.
    let (report, mut risks) = rayon::join(
        || {
            let started = Instant::now();
            let report = find_gaps(&prepare(target, competitors), &config);
            tracing::info!(elapsed = ?started.elapsed(), "gap found");
            report
        },
        || {
            let started = Instant::now();
            // Scores and networks only: the ranking needs no spam report.
            let risks = spam_risks(&profiles, &SpamConfig::default());
            tracing::info!(elapsed = ?started.elapsed(), "spam scored");
            risks
        },
    );
    let outreach =
        OutreachConfig { keywords: common.keywords.clone(), ..OutreachConfig::default() };
    let started = Instant::now();
    // A row finds its risk by its registrable domain: only the gap's domains are indexed.
    let wanted: HashSet<&str> = report.rows.iter().map(|row| row.domain.as_str()).collect();
    risks.retain(|risk| wanted.contains(risk.domain.as_str()));
    drop(wanted);
    let mut ranked = rank_prospects(&report, &risks, &outreach);
    ranked.truncate(args.top);
    tracing::info!(elapsed = ?started.elapsed(), "prospects ranked");
    let started = Instant::now();
    let meta = context::meta(env, &source, &sites, &profiles);
    let view = Report::Gap(GapView::new(meta, &report, &ranked));
    context::emit(&view, common)?;
    tracing::info!(elapsed = ?started.elapsed(), "report written");
    context::finish(&source, env);
    // The process ends next: a million-row world's results are millions of small allocations,
    // which the operating system reclaims at once, while freeing them one by one took a third
    // of a second (measured with `perf`).
    context::leave_to_exit((profiles, report, risks, ranked, view));
    Ok(())
}
