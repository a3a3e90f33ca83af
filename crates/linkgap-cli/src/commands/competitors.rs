//! `linkgap competitors`: competitor suggestions from the API's competitors endpoint, written as
//! the report crate's competitors view.

use linkgap_report::{CompetitorView, CompetitorsView, Report};

use crate::args::CompetitorsArgs;
use crate::context::{self, Env};
use crate::plan::Plan;
use crate::source::Competitor;

/// The target and the plan of `competitors`.
pub(crate) fn plan(args: &CompetitorsArgs) -> anyhow::Result<(String, Plan)> {
    let target = context::parse_site(&args.target, "`--target`")?;
    let plan = Plan::competitors(&target, args.limit);
    Ok((target, plan))
}

/// The report row of a suggestion.
fn view(competitor: &Competitor) -> CompetitorView {
    CompetitorView {
        domain: competitor.domain.clone(),
        rank: competitor.rank,
        intersections: competitor.intersections,
    }
}

/// Fetches the suggestions and writes them.
pub(crate) fn run(args: &CompetitorsArgs, env: &Env) -> anyhow::Result<()> {
    let common = &args.common;
    let (target, plan) = plan(args)?;
    let mut source = context::start(&plan, common, env)?;
    let competitors = source.competitors(&target, args.limit)?;
    let meta = context::meta(env, &source, std::slice::from_ref(&target), &[]);
    let report =
        Report::Competitors(CompetitorsView::new(meta, competitors.iter().map(view).collect()));
    context::emit(&report, common)?;
    context::finish(&source, env);
    Ok(())
}

#[cfg(test)]
mod tests {
    use linkgap_report::{Format, ReportMeta};

    use super::*;

    fn render(competitors: &[Competitor], format: Format) -> String {
        let meta = ReportMeta {
            tool_version: "0.0.0".to_owned(),
            generated_at: "2026-04-01T12:00:00Z".to_owned(),
            target: "me.com".to_owned(),
            competitors: Vec::new(),
            data_source: "test".to_owned(),
            cost_usd: Some(0.0),
            coverage_notes: Vec::new(),
        };
        let report =
            Report::Competitors(CompetitorsView::new(meta, competitors.iter().map(view).collect()));
        let mut out = Vec::new();
        linkgap_report::render(&report, format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn untrusted_domains_are_escaped_in_html_and_csv() {
        let competitors = [Competitor {
            domain: "=evil<script>.com".to_owned(),
            rank: Some(10),
            intersections: 3,
        }];
        let html = render(&competitors, Format::Html);
        assert!(html.contains("=evil&lt;script&gt;.com"), "{html}");
        assert_eq!(html.to_lowercase().matches("<script").count(), 1, "only our own script");
        assert_eq!(
            render(&competitors, Format::Csv),
            "domain,rank,intersections\n'=evil<script>.com,10,3\n"
        );
    }
}
