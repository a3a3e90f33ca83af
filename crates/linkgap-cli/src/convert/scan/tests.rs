//! Tests of the world-row scanner: on generated rows (escapes, unicode, key order, whitespace,
//! nested values, missing and null fields) and on damaged ones it agrees with `serde_json`.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::*;

/// The reference: what `serde_json` makes of the line.
fn reference(line: &[u8]) -> Option<GapLine<'_>> {
    serde_json::from_slice(line).ok()
}

/// Asserts the scanner either gives up or agrees with `serde_json`; returns whether it took the line.
fn agrees(line: &[u8]) -> Result<bool, TestCaseError> {
    let Some(scanned) = scan_line(line) else { return Ok(false) };
    let reference = reference(line);
    prop_assert_eq!(Some(&scanned), reference.as_ref(), "line {:?}", String::from_utf8_lossy(line));
    Ok(true)
}

/// A JSON value with the choices of how to write it.
#[derive(Clone, Debug)]
enum Value {
    Null,
    Bool(bool),
    /// Number text as written (valid or not).
    Number(String),
    /// Characters, each with whether to write it as a `\u` escape.
    Str(Vec<(char, bool)>),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

const KEYS: &[&str] = &[
    "domain_from",
    "domain_to",
    "url_from",
    "url_to",
    "dofollow",
    "is_lost",
    "domain_from_rank",
    "backlink_spam_score",
    "first_seen",
    "anchor",
    "attributes",
    "rank",
    "",
    "domain_from_",
    "Domain_from",
];

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<u32>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(|n| n.to_string()),
        1 => prop::sample::select(vec![
            "0", "-0", "00", "01", "1.", "1.5", "1e3", "1E+3", "2e-1", "-", "4294967295",
            "4294967296", "99999999999", "0.0", "-1", ".5",
        ])
        .prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = Vec<(char, bool)>> {
    let chars = prop_oneof![
        6 => prop::char::range('a', 'z'),
        2 => prop::sample::select(vec!['.', '/', ':', '-', ' ', '"', '\\', '\n', '\u{1}', '\u{7f}']),
        2 => any::<char>(),
    ];
    prop::collection::vec((chars, prop::bool::weighted(0.1)), 0..12)
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        text().prop_map(Value::Str),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{0,6}", inner), 0..4).prop_map(Value::Object),
        ]
    })
}

/// A value of the right type for a field most of the time, any value otherwise.
fn field_value(key: &str) -> BoxedStrategy<Value> {
    let right = match key {
        "domain_from" | "domain_to" | "url_from" | "url_to" | "first_seen" => {
            text().prop_map(Value::Str).boxed()
        }
        "dofollow" | "is_lost" => any::<bool>().prop_map(Value::Bool).boxed(),
        "domain_from_rank" | "backlink_spam_score" => number().prop_map(Value::Number).boxed(),
        _ => value().boxed(),
    };
    prop_oneof![6 => right, 1 => Just(Value::Null), 1 => value()].boxed()
}

/// A row: entries in any order (a key may repeat), with optional whitespace around tokens.
fn row() -> impl Strategy<Value = (Vec<(String, Value)>, Vec<&'static str>)> {
    let entry =
        prop::sample::select(KEYS).prop_flat_map(|key| (Just(key.to_owned()), field_value(key)));
    let spaces =
        prop::collection::vec(prop::sample::select(vec!["", "", "", " ", "  ", "\t", "\r"]), 64);
    (prop::collection::vec(entry, 0..14), spaces)
}

fn write_str(out: &mut String, text: &[(char, bool)]) {
    out.push('"');
    for &(ch, escape) in text {
        if escape {
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                write!(out, "\\u{unit:04X}").unwrap();
            }
        } else {
            let quoted = serde_json::to_string(&ch.to_string()).unwrap();
            out.push_str(&quoted[1..quoted.len() - 1]);
        }
    }
    out.push('"');
}

fn write_value(out: &mut String, value: &Value, spaces: &mut impl Iterator<Item = &'static str>) {
    let mut space = |out: &mut String| out.push_str(spaces.next().unwrap_or(""));
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Value::Number(text) => out.push_str(text),
        Value::Str(text) => write_str(out, text),
        Value::Array(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                space(out);
                write_value(out, item, &mut std::iter::empty());
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (idx, (key, item)) in entries.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                space(out);
                out.push_str(&serde_json::to_string(key).unwrap());
                out.push(':');
                write_value(out, item, &mut std::iter::empty());
            }
            out.push('}');
        }
    }
}

/// Writes a row as one JSON object, with the given whitespace between its tokens.
fn write_row(entries: &[(String, Value)], spaces: &[&'static str]) -> String {
    let mut spaces = spaces.iter().copied().cycle();
    let mut out = String::new();
    out.push_str(spaces.next().unwrap_or(""));
    out.push('{');
    for (idx, (key, value)) in entries.iter().enumerate() {
        if idx > 0 {
            out.push(',');
        }
        out.push_str(spaces.next().unwrap_or(""));
        out.push_str(&serde_json::to_string(key).unwrap());
        out.push_str(spaces.next().unwrap_or(""));
        out.push(':');
        out.push_str(spaces.next().unwrap_or(""));
        write_value(&mut out, value, &mut spaces);
        out.push_str(spaces.next().unwrap_or(""));
    }
    out.push('}');
    out.push_str(spaces.next().unwrap_or(""));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_scanner_reads_every_row_serde_json_reads_and_agrees_with_it(
        (entries, spaces) in row()
    ) {
        let line = write_row(&entries, &spaces);
        let took = agrees(line.as_bytes())?;
        // Only a `-0` for a number field is valid JSON the scanner leaves to `serde_json`.
        let minus_zero = entries.iter().any(|(key, value)| {
            matches!(value, Value::Number(text) if text == "-0")
                && matches!(key.as_str(), "domain_from_rank" | "backlink_spam_score")
        });
        if reference(line.as_bytes()).is_some() && !minus_zero {
            prop_assert!(took, "the scanner gave up on {line:?}");
        }
    }

    #[test]
    fn the_scanner_never_takes_a_damaged_row_differently(
        (entries, spaces) in row(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0..3u8, prop::sample::select(
                b"{}[]\",:\\ 0-9eEtfnul.\x01\xff\xc3".to_vec()
            )),
            1..4,
        ),
    ) {
        let mut line = write_row(&entries, &spaces).into_bytes();
        for (at, kind, byte) in edits {
            let at = at.index(line.len() + 1);
            match kind {
                0 if at < line.len() => {
                    line.remove(at);
                }
                1 => line.insert(at, byte),
                _ => line.truncate(at),
            }
        }
        agrees(&line)?;
    }
}

#[test]
fn a_world_row_is_read_without_serde_json() {
    let line = br#"{"domain_from":"desertcentral.com","url_from":"https://desertcentral.com/b/","domain_to":"blog.trailpeak.com","url_to":"https://blog.trailpeak.com/","anchor":"a \"quoted\" caf\u00e9","dofollow":false,"is_lost":false,"first_seen":"2025-10-02 10:20:26 +00:00","rank":296,"domain_from_rank":902,"backlink_spam_score":7,"domain_from_platform_type":["cms","blogs"],"attributes":null,"x":{"y":[1.5e3,-2,{}]},"url_to_status_code":200}"#;
    let row = scan_line(line).unwrap();
    assert_eq!(Some(&row), reference(line).as_ref());
    assert_eq!(row.domain_from.as_deref(), Some("desertcentral.com"));
    assert!(matches!(row.domain_from, Some(Cow::Borrowed(_))));
    assert_eq!((row.dofollow, row.is_lost), (Some(false), Some(false)));
    assert_eq!((row.domain_from_rank, row.backlink_spam_score), (Some(902), Some(7)));
}

#[test]
fn escaped_needed_strings_are_decoded() {
    let line =
        br#" { "domain_from" : "caf\u00e9.org" , "url_to":"https:\/\/x\/", "first_seen" : null } "#;
    let row = scan_line(line).unwrap();
    assert_eq!(row.domain_from.as_deref(), Some("café.org"));
    assert_eq!(row.url_to.as_deref(), Some("https://x/"));
    assert_eq!(row.first_seen, None);
    assert_eq!(Some(&row), reference(line).as_ref());
}

#[test]
fn lines_serde_json_rejects_or_reads_otherwise_are_left_to_it() {
    for line in [
        r#"{"domain_from":"a","domain_from":"b"}"#,
        r#"{"domain_from":"a",}"#,
        r#"{"domain_from":"a"} x"#,
        r#"{"domain_from":1}"#,
        r#"{"domain_from_rank":4294967296}"#,
        r#"{"domain_from_rank":1.0}"#,
        r#"{"domain_from_rank":-0}"#,
        r#"{"domain_\u0066rom":"a"}"#,
        r#"{"anchor":"\x"}"#,
        r#"{"domain_from":"\ud800"}"#,
        r#"["a","b"]"#,
        "{\"anchor\":\"tab\there\"}",
        r#"{"anchor":[1,]}"#,
        r#"{"anchor":01}"#,
        r#"{"dofollow":tru}"#,
        "{\"domain_from\":\"\u{e9}\"",
    ] {
        assert_eq!(scan_line(line.as_bytes()), None, "{line}");
    }
    let deep =
        format!(r#"{{"anchor":{}{}}}"#, "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(scan_line(deep.as_bytes()), None);
    // Invalid UTF-8 in a kept string is an error; in a skipped one `serde_json` ignores it too.
    assert_eq!(scan_line(b"{\"domain_from\":\"\xff\"}"), None);
    let skipped = b"{\"anchor\":\"\xff\",\"is_lost\":true}";
    assert_eq!(scan_line(skipped), reference(skipped));
    assert!(scan_line(skipped).is_some());
}
