//! `linkgap competitors`: competitor suggestions from the API's competitors endpoint.
//!
//! The report crate has no view for this list, so it is rendered here, in the same four formats.

use std::fmt::Write as _;

use anyhow::Context as _;
use serde::Serialize;

use crate::args::{CompetitorsArgs, OutputFormat};
use crate::context::{self, Env};
use crate::output;
use crate::plan::Plan;
use crate::source::Competitor;

/// The JSON document of `competitors`.
#[derive(Serialize)]
struct CompetitorsDocument<'a> {
    schema_version: u32,
    kind: &'static str,
    target: &'a str,
    generated_at: String,
    data_source: String,
    competitors: &'a [Competitor],
}

/// The target and the plan of `competitors`.
pub(crate) fn plan(args: &CompetitorsArgs) -> anyhow::Result<(String, Plan)> {
    let target = context::parse_site(&args.target, "`--target`")?;
    let plan = Plan::competitors(&target, args.limit);
    Ok((target, plan))
}

/// Escapes text for HTML.
fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Keeps a CSV cell from being read as a spreadsheet formula.
fn csv_cell(text: &str) -> String {
    let text =
        if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.into() };
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Renders the suggestions in `format`.
fn render(
    target: &str,
    competitors: &[Competitor],
    format: OutputFormat,
    generated_at: String,
    data_source: String,
) -> anyhow::Result<Vec<u8>> {
    let rank = |competitor: &Competitor| competitor.rank.map(|rank| rank.to_string());
    Ok(match format {
        OutputFormat::Json => {
            let document = CompetitorsDocument {
                schema_version: 1,
                kind: "competitors",
                target,
                generated_at,
                data_source,
                competitors,
            };
            let mut bytes = serde_json::to_vec_pretty(&document)
                .context("failed to render the competitors report")?;
            bytes.push(b'\n');
            bytes
        }
        OutputFormat::Csv => {
            let mut text = String::from("domain,rank,intersections\n");
            for competitor in competitors {
                let _ = writeln!(
                    text,
                    "{},{},{}",
                    csv_cell(&competitor.domain),
                    rank(competitor).unwrap_or_default(),
                    competitor.intersections
                );
            }
            text.into_bytes()
        }
        OutputFormat::Md => {
            let mut text = format!(
                "# Competitor suggestions for `{target}`\n\n| # | domain | rank | shared referring domains |\n|---:|---|---:|---:|\n"
            );
            for (idx, competitor) in competitors.iter().enumerate() {
                let _ = writeln!(
                    text,
                    "| {} | {} | {} | {} |",
                    idx + 1,
                    competitor.domain.replace('|', "\\|"),
                    rank(competitor).unwrap_or_else(|| "-".to_owned()),
                    competitor.intersections
                );
            }
            if competitors.is_empty() {
                text.push_str("\nNo competitors found.\n");
            }
            let _ = writeln!(text, "\nSource: {data_source}, {generated_at}.");
            text.into_bytes()
        }
        OutputFormat::Html => {
            let mut rows = String::new();
            for (idx, competitor) in competitors.iter().enumerate() {
                let _ = writeln!(
                    rows,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    idx + 1,
                    html_escape(&competitor.domain),
                    rank(competitor).unwrap_or_default(),
                    competitor.intersections
                );
            }
            format!(
                "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
                 <title>Competitors of {target}</title></head><body>\n\
                 <h1>Competitor suggestions for {target}</h1>\n<table>\n\
                 <tr><th>#</th><th>domain</th><th>rank</th><th>shared referring domains</th></tr>\n\
                 {rows}</table>\n<p>Source: {source}, {generated_at}.</p>\n</body></html>\n",
                target = html_escape(target),
                source = html_escape(&data_source),
            )
            .into_bytes()
        }
    })
}

/// Fetches the suggestions and writes them.
pub(crate) fn run(args: &CompetitorsArgs, env: &Env) -> anyhow::Result<()> {
    let common = &args.common;
    let (target, plan) = plan(args)?;
    let mut source = context::start(&plan, common, env)?;
    let competitors = source.competitors(&target, args.limit)?;
    let meta = context::meta(env, &source, std::slice::from_ref(&target), &[]);
    let bytes = render(&target, &competitors, common.format, meta.generated_at, meta.data_source)?;
    output::write_report(&bytes, common.output.as_deref())?;
    context::finish(&source, env);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_domains_are_escaped_in_html_and_csv() {
        let competitors = [Competitor {
            domain: "=evil<script>.com".to_owned(),
            rank: Some(10),
            intersections: 3,
        }];
        let html =
            render("me.com", &competitors, OutputFormat::Html, "t".into(), "s".into()).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("=evil&lt;script&gt;.com") && !html.contains("<script>"), "{html}");
        let csv =
            render("me.com", &competitors, OutputFormat::Csv, "t".into(), "s".into()).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "domain,rank,intersections\n'=evil<script>.com,10,3\n"
        );
    }
}
