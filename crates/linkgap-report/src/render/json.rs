//! JSON: one versioned document per report (`schema_version`, `kind`, then the view's fields).
//!
//! The layout is fixed by the view structs in `model.rs` and described by
//! `schemas/<kind>.schema.json`; numbers stay numbers, dates are ISO 8601 strings, absent values
//! are `null`. Pretty-printed with a trailing newline.

use std::io::Write;

use serde::Serialize;

use crate::error::Error;
use crate::model::{Report, SCHEMA_VERSION};

/// The document: the version and kind first, then the view flattened in.
#[derive(Serialize)]
struct Document<'a, T: Serialize> {
    schema_version: u32,
    kind: &'static str,
    #[serde(flatten)]
    view: &'a T,
}

fn write_document<T: Serialize>(
    kind: &'static str,
    view: &T,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let document = Document { schema_version: SCHEMA_VERSION, kind, view };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")?;
    Ok(())
}

pub(crate) fn render(report: &Report, out: &mut dyn Write) -> Result<(), Error> {
    let kind = report.kind();
    match report {
        Report::Gap(view) => write_document(kind, view, out),
        Report::Audit(view) => write_document(kind, view, out),
        Report::Anchors(view) => write_document(kind, view, out),
        Report::Spam(view) => write_document(kind, view, out),
        Report::Diff(view) => write_document(kind, view, out),
        Report::Bulk(view) => write_document(kind, view, out),
        Report::Competitors(view) => write_document(kind, view, out),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::render::{Format, to_string};
    use crate::sample::sample_reports;

    fn schema(kind: &str) -> Value {
        let path = format!("{}/schemas/{kind}.schema.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    fn errors(schema: &Value, instance: &Value) -> Vec<String> {
        let validator = jsonschema::validator_for(schema).unwrap();
        validator
            .iter_errors(instance)
            .map(|err| format!("{}: {err}", err.instance_path()))
            .collect()
    }

    #[test]
    fn sample_snapshots() {
        for report in sample_reports() {
            insta::assert_snapshot!(report.kind(), to_string(&report, Format::Json));
        }
    }

    #[test]
    fn every_sample_validates_against_its_schema() {
        for report in sample_reports() {
            let instance: Value = serde_json::from_str(&to_string(&report, Format::Json)).unwrap();
            let errors = errors(&schema(report.kind()), &instance);
            assert!(errors.is_empty(), "{}: {errors:#?}", report.kind());
        }
    }

    #[test]
    fn schemas_reject_a_broken_document() {
        let report = &sample_reports()[0];
        let mut instance: Value = serde_json::from_str(&to_string(report, Format::Json)).unwrap();
        instance["prospects"][0]["score"] = Value::String("high".to_owned());
        instance["schema_version"] = Value::from(2);
        assert_eq!(errors(&schema("gap"), &instance).len(), 2);
    }

    #[test]
    fn documents_keep_the_program_contract() {
        let reports = sample_reports();
        let gap: Value = serde_json::from_str(&to_string(&reports[0], Format::Json)).unwrap();
        assert_eq!(gap["schema_version"], 1);
        assert_eq!(gap["kind"], "gap");
        let prospect = &gap["prospects"][0];
        assert!(prospect["domain"].is_string() && prospect["category"].is_string());
        assert!(prospect["competitors"].is_array() && prospect["score"].is_number());
        let spam: Value = serde_json::from_str(&to_string(&reports[3], Format::Json)).unwrap();
        let domain = &spam["domains"][0];
        assert!(domain["score"].as_u64().unwrap() <= 100);
        assert!(["low", "medium", "high"].contains(&domain["risk"].as_str().unwrap()));
        let anchors: Value = serde_json::from_str(&to_string(&reports[2], Format::Json)).unwrap();
        let site = &anchors["sites"][0];
        assert!(
            site["site"].is_string()
                && site["over_optimized"].is_boolean()
                && site["flags"].is_array()
        );
    }
}
