//! `linkgap audit`: profile summary, top referring domains, anchor audit and spam patterns.

use linkgap_analysis::{AnchorConfig, SpamConfig, audit_anchors, detect_spam};
use linkgap_report::{AuditView, Report};

use crate::args::{CommonArgs, SitesArgs};
use crate::context::{self, Env};
use crate::plan::Plan;

/// Referring domains listed in the audit.
const TOP_DOMAINS: usize = 25;

/// The sites (target first) and the plan of `audit`, `anchors` and `spam`: link-level rows.
pub(crate) fn plan(args: &SitesArgs) -> anyhow::Result<(Vec<String>, Plan)> {
    let sites = context::parse_sites(&args.target, &args.competitors)?;
    let plan = Plan::backlinks(&sites, args.common.max_rows);
    Ok((sites, plan))
}

/// The anchor audit options the flags describe.
pub(crate) fn anchor_config(common: &CommonArgs) -> AnchorConfig {
    AnchorConfig {
        brand_terms: (!common.brands.is_empty()).then(|| common.brands.clone()),
        keywords: (!common.keywords.is_empty()).then(|| common.keywords.clone()),
        ..AnchorConfig::default()
    }
}

/// Fetches the backlinks, audits anchors and spam, writes the report.
pub(crate) fn run(args: &SitesArgs, env: &Env) -> anyhow::Result<()> {
    let common = &args.common;
    let (sites, plan) = plan(args)?;
    let mut source = context::start(&plan, common, env)?;
    let profiles = source.backlinks(&sites, &env.progress)?;
    let (target, competitors) = profiles.split_first().expect("the plan has the target first");
    let anchors = audit_anchors(target, competitors, &anchor_config(common));
    let spam = detect_spam(&profiles, &SpamConfig::default());
    let meta = context::meta(env, &source, &sites, &profiles);
    let view = AuditView::new(meta, target, &anchors, &spam, TOP_DOMAINS);
    context::emit(&Report::Audit(view), common)?;
    context::finish(&source, env);
    Ok(())
}
