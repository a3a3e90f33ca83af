//! `linkgap anchors`: the anchor text audit of a target and its competitors.

use linkgap_analysis::audit_anchors;
use linkgap_report::{AnchorsView, Report};

use crate::args::SitesArgs;
use crate::commands::audit;
use crate::context::{self, Env};

/// Fetches the backlinks, audits the anchors, writes the report.
pub(crate) fn run(args: &SitesArgs, env: &Env) -> anyhow::Result<()> {
    let common = &args.common;
    let (sites, plan) = audit::plan(args)?;
    let mut source = context::start(&plan, common, env)?;
    let profiles = source.backlinks(&sites, &env.progress)?;
    let (target, competitors) = profiles.split_first().expect("the plan has the target first");
    let anchors = audit_anchors(target, competitors, &audit::anchor_config(common));
    let meta = context::meta(env, &source, &sites, &profiles);
    context::emit(&Report::Anchors(AnchorsView::new(meta, &anchors)), common)?;
    context::finish(&source, env);
    Ok(())
}
