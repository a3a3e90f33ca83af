//! The disavow file in Google's format: `domain:` lines and URLs, with `#` comments saying why
//! (score, signals, network) and when (the report's `generated_at`).
//!
//! Sources: domains at high risk, members of high-risk networks, then high-risk links from
//! domains not already disavowed. Web data only ever appears after `# ` on a comment line, with
//! every control, line-break and bidi character replaced, or as a `domain:`/URL line that passed
//! a strict check; anything else becomes a `# skipped` comment. So no web string can add a line.

use std::collections::BTreeSet;
use std::io::Write;

use crate::error::Error;
use crate::model::{ReportMeta, SpamBody};
use crate::text::{is_plain_domain, is_web_url, single_line};

const HIGH: &str = "high";

/// Adds a comment line; `single_line` removes every character that could end it.
fn comment(lines: &mut Vec<String>, text: &str) {
    lines.push(format!("# {}", single_line(text)));
}

pub(crate) fn render(meta: &ReportMeta, spam: &SpamBody, out: &mut dyn Write) -> Result<(), Error> {
    let mut lines: Vec<String> = Vec::new();
    comment(
        &mut lines,
        &format!("disavow file for {} made by linkgap {}", meta.target, meta.tool_version),
    );
    comment(&mut lines, &format!("generated {} from {}", meta.generated_at, meta.data_source));
    comment(
        &mut lines,
        &format!(
            "high-risk threshold: score {} of 100; review every line before uploading it",
            spam.high_at
        ),
    );

    let mut disavowed: BTreeSet<String> = BTreeSet::new();
    let mut push_domain = |lines: &mut Vec<String>, domain: &str, why: &str| {
        if disavowed.contains(domain) {
            return;
        }
        lines.push(String::new());
        comment(lines, why);
        if is_plain_domain(domain) {
            lines.push(format!("domain:{domain}"));
            disavowed.insert(domain.to_owned());
        } else {
            comment(lines, &format!("skipped `{domain}`: not a plain domain name"));
        }
    };
    for domain in spam.domains.iter().filter(|domain| domain.risk == HIGH) {
        let signals: Vec<&str> =
            domain.signals.iter().map(|signal| signal.signal.as_str()).collect();
        let mut why = format!(
            "{}: score {} ({}), signals: {}",
            domain.domain,
            domain.score,
            domain.risk,
            signals.join(", ")
        );
        if let Some(network) = &domain.network {
            why.push_str("; network ");
            why.push_str(network);
        }
        why.push_str("; as of ");
        why.push_str(&meta.generated_at);
        push_domain(&mut lines, &domain.domain, &why);
    }
    for network in spam.networks.iter().filter(|network| network.risk == HIGH) {
        for member in &network.members {
            let why = format!(
                "{member}: member of high-risk network {} (max score {}): {}; as of {}",
                network.id, network.max_score, network.note, meta.generated_at
            );
            push_domain(&mut lines, member, &why);
        }
    }
    let mut urls: BTreeSet<&str> = BTreeSet::new();
    for link in
        spam.links.iter().filter(|link| link.risk == HIGH && !disavowed.contains(&link.domain))
    {
        if !urls.insert(link.url_from.as_str()) {
            continue;
        }
        lines.push(String::new());
        comment(
            &mut lines,
            &format!(
                "link to {} with score {} ({}); as of {}",
                link.url_to, link.score, link.risk, meta.generated_at
            ),
        );
        if is_web_url(&link.url_from) {
            lines.push(link.url_from.clone());
        } else {
            comment(&mut lines, &format!("skipped `{}`: not an http(s) URL", link.url_from));
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    out.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::Report;
    use crate::render::render_disavow;
    use crate::sample::sample_reports;

    #[test]
    fn disavow_snapshot() {
        let reports = sample_reports();
        let Report::Spam(spam) = &reports[3] else {
            panic!("the fourth sample is the spam report")
        };
        let mut out = Vec::new();
        render_disavow(&spam.meta, &spam.body, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.lines().any(|line| line.starts_with("domain:")),
            "the sample has high-risk domains"
        );
        insta::assert_snapshot!("disavow", text);
    }
}
