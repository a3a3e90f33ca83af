//! Cross-format tests: hostile web content stays inert in every format, and nothing panics.

use super::{Format, render_disavow, render_outreach, to_string};
use crate::model::Report;
use crate::sample::hostile_reports;

#[test]
fn hostile_html_stays_inert() {
    for report in hostile_reports() {
        let html = to_string(&report, Format::Html);
        let lower = html.to_lowercase();
        // The only script element is our own, at the end of the body.
        assert_eq!(lower.matches("<script").count(), 1, "{}", report.kind());
        assert!(!lower.contains("<img"), "{}", report.kind());
        assert!(!lower.contains("href=\"javascript:"), "{}", report.kind());
        assert!(!lower.contains("\"><img") && !lower.contains("<svg onload"), "{}", report.kind());
        assert!(!html.contains('\0') && !html.contains('\u{202E}'), "{}", report.kind());
        assert!(html.contains("content=\"default-src 'none'"), "{}", report.kind());
    }
}

#[test]
fn hostile_csv_stays_data() {
    for report in hostile_reports() {
        let csv = to_string(&report, Format::Csv);
        let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        let width = reader.headers().unwrap().len();
        let mut n_rows = 0;
        for record in reader.records() {
            let record = record.unwrap();
            assert_eq!(record.len(), width, "{}", report.kind());
            for cell in &record {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r']),
                    "{}: {cell:?}",
                    report.kind()
                );
                // A leading minus is only allowed on numbers we wrote.
                if cell.starts_with('-') {
                    assert!(cell.parse::<f64>().is_ok(), "{}: {cell:?}", report.kind());
                }
            }
            n_rows += 1;
        }
        assert!(n_rows > 0, "{} has rows", report.kind());
    }
    let Report::Gap(gap) = &hostile_reports()[0] else {
        panic!("the first sample is the gap report")
    };
    let mut out = Vec::new();
    render_outreach(gap, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("'=HYPERLINK"));
    assert!(!text.contains(",=HYPERLINK"));
}

#[test]
fn hostile_markdown_has_no_raw_html_or_links() {
    for report in hostile_reports() {
        let markdown = to_string(&report, Format::Markdown);
        assert!(!markdown.contains("<script") && !markdown.contains("<img"), "{}", report.kind());
        assert!(!markdown.contains("](javascript"), "{}", report.kind());
        assert!(!markdown.contains('\0') && !markdown.contains('\u{202E}'), "{}", report.kind());
        // No web string starts a line of its own: every line is ours.
        assert!(
            !markdown.lines().any(|line| line.starts_with("domain:") || line.starts_with("break"))
        );
    }
}

#[test]
fn hostile_json_round_trips() {
    for report in hostile_reports() {
        let json = to_string(&report, Format::Json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["kind"], report.kind());
    }
}

#[test]
fn hostile_disavow_has_no_injected_lines() {
    let reports = hostile_reports();
    let Report::Spam(spam) = &reports[3] else { panic!("the fourth sample is the spam report") };
    let mut out = Vec::new();
    render_disavow(&spam.meta, &spam.body, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for line in text.lines() {
        assert!(
            line.is_empty()
                || line.starts_with("# ")
                || (line.starts_with("domain:") && crate::text::is_plain_domain(&line[7..]))
                || crate::text::is_web_url(line),
            "unexpected disavow line {line:?}"
        );
        assert!(!line.chars().any(crate::text::is_unsafe_char), "{line:?}");
    }
    assert!(!text.contains("\ndomain:google.com"));
    assert!(!text.contains("\nhttps://google.com/"));
    assert!(!text.contains("\njavascript:"));
}

#[test]
fn every_sample_renders_in_every_format() {
    for report in crate::sample::sample_reports() {
        for format in Format::ALL {
            assert!(!to_string(&report, format).is_empty(), "{} {format:?}", report.kind());
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    #[test]
    fn arbitrary_web_strings_stay_inert(text in proptest::prelude::any::<String>(), prefix in "(javascript:|https://|=|<script>|\"><img )") {
        let planted = format!("{prefix}{text}");
        let mut reports = crate::sample::sample_reports();
        let Report::Gap(gap) = &mut reports[0] else { panic!("the first sample is the gap report") };
        for prospect in &mut gap.prospects {
            prospect.domain = planted.clone();
            if let Some(page) = &mut prospect.best_page {
                page.url_from = planted.clone();
                page.anchor = Some(planted.clone());
            }
        }
        let report = &reports[0];
        let html = to_string(report, Format::Html).to_lowercase();
        proptest::prop_assert_eq!(html.matches("<script").count(), 1);
        proptest::prop_assert!(!html.contains("<img") && !html.contains("href=\"javascript:"));
        let markdown = to_string(report, Format::Markdown);
        proptest::prop_assert!(!markdown.contains("<script") && !markdown.contains("<img"));
        let csv = to_string(report, Format::Csv);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            proptest::prop_assert!(!record[2].starts_with(['=', '+', '-', '@', '\t', '\r']));
        }
    }
}
