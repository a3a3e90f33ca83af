//! `linkgap spam`: spam and link-network detection over the referring domains.

use linkgap_analysis::{SpamConfig, detect_spam};
use linkgap_report::{Report, SpamView};

use crate::args::SitesArgs;
use crate::commands::audit;
use crate::context::{self, Env};

/// Fetches the backlinks, scores every referring domain, writes the report.
pub(crate) fn run(args: &SitesArgs, env: &Env) -> anyhow::Result<()> {
    let common = &args.common;
    let (sites, plan) = audit::plan(args)?;
    let mut source = context::start(&plan, common, env)?;
    let profiles = source.backlinks(&sites, &env.progress)?;
    let spam = detect_spam(&profiles, &SpamConfig::default());
    let meta = context::meta(env, &source, &sites, &profiles);
    context::emit(&Report::Spam(SpamView::new(meta, &spam)), common)?;
    context::finish(&source, env);
    Ok(())
}
