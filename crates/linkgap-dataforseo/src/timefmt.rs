//! Tolerant serde helpers for the API's time strings, timestamps, dates and loosely typed numbers.
//!
//! The API writes timestamps as `"2024-03-26 02:46:50 +00:00"`, dates as `"yyyy-mm-dd"`, durations as
//! `"0.31 sec."`, and sometimes numbers as strings or `cost` as the integer `0` (reference §1.2, §12).
//! Every deserializer here accepts `null` and reads a value it cannot make sense of as `None` rather
//! than failing the whole response: one odd field must not cost a paid page.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// The timestamp format of the API: `2024-03-26 02:46:50 +00:00`.
pub(crate) const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S %:z";

/// The date format of the API: `2024-03-26`.
pub(crate) const DATE_FORMAT: &str = "%Y-%m-%d";

/// Parses an API timestamp leniently: `2024-03-26 02:46:50 +00:00`, with or without fractional
/// seconds, `+0000` offsets, RFC 3339, or a bare date (read as midnight UTC).
pub fn parse_timestamp(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    for format in [
        "%Y-%m-%d %H:%M:%S %:z",
        "%Y-%m-%d %H:%M:%S%.f %:z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(parsed) = DateTime::parse_from_str(text, format) {
            return Some(parsed);
        }
    }
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed);
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Some(naive.and_utc().fixed_offset());
    }
    parse_date(text)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc().fixed_offset())
}

/// Formats a timestamp the way the API writes and accepts it (`2024-03-26 02:46:50 +00:00`).
pub fn format_timestamp(timestamp: &DateTime<FixedOffset>) -> String {
    timestamp.format(TIMESTAMP_FORMAT).to_string()
}

/// Parses a `yyyy-mm-dd` date; a full timestamp is accepted and cut to its date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, DATE_FORMAT).ok().or_else(|| {
        text.get(..10).and_then(|head| NaiveDate::parse_from_str(head, DATE_FORMAT).ok())
    })
}

/// Parses a duration string such as `"0.3877 sec."` (or a bare number) into seconds.
pub fn parse_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let number = text.strip_suffix("sec.").or_else(|| text.strip_suffix("sec")).unwrap_or(text);
    number.trim().parse::<f64>().ok().filter(|seconds| seconds.is_finite())
}

/// A value read leniently from any JSON shape the API has been seen to send for it.
///
/// `from_wire` returns `None` for `null` and for values that cannot be made sense of; `to_wire`
/// writes the value back the way the API writes it (timestamps as `2024-03-26 02:46:50 +00:00`).
pub(crate) trait Lenient: Sized {
    /// Reads the value, or `None`.
    fn from_wire(value: Value) -> Option<Self>;
    /// Writes the value in the API's own format.
    fn to_wire(&self) -> Value;
}

impl Lenient for u64 {
    fn from_wire(value: Value) -> Option<u64> {
        match value {
            Value::Number(number) => number.as_u64().or_else(|| {
                number
                    .as_f64()
                    .filter(|float| *float >= 0.0 && float.fract() == 0.0)
                    .map(|float| float as u64)
            }),
            Value::String(text) => text.trim().parse::<u64>().ok(),
            _ => None,
        }
    }
    fn to_wire(&self) -> Value {
        Value::from(*self)
    }
}

impl Lenient for i64 {
    fn from_wire(value: Value) -> Option<i64> {
        match value {
            Value::Number(number) => number.as_i64().or_else(|| {
                number.as_f64().filter(|float| float.fract() == 0.0).map(|float| float as i64)
            }),
            Value::String(text) => text.trim().parse::<i64>().ok(),
            _ => None,
        }
    }
    fn to_wire(&self) -> Value {
        Value::from(*self)
    }
}

impl Lenient for f64 {
    /// Numbers, numeric strings and `"0.31 sec."` durations (`cost` may be the integer `0`).
    fn from_wire(value: Value) -> Option<f64> {
        match value {
            Value::Number(number) => number.as_f64().filter(|float| float.is_finite()),
            Value::String(text) => parse_seconds(&text),
            _ => None,
        }
    }
    fn to_wire(&self) -> Value {
        Value::from(*self)
    }
}

impl Lenient for bool {
    fn from_wire(value: Value) -> Option<bool> {
        match value {
            Value::Bool(flag) => Some(flag),
            Value::Number(number) => match number.as_u64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            Value::String(text) => text.trim().parse::<bool>().ok(),
            _ => None,
        }
    }
    fn to_wire(&self) -> Value {
        Value::Bool(*self)
    }
}

impl Lenient for String {
    fn from_wire(value: Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text),
            Value::Number(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            _ => None,
        }
    }
    fn to_wire(&self) -> Value {
        Value::String(self.clone())
    }
}

impl Lenient for DateTime<FixedOffset> {
    fn from_wire(value: Value) -> Option<DateTime<FixedOffset>> {
        value.as_str().and_then(parse_timestamp)
    }
    fn to_wire(&self) -> Value {
        Value::String(format_timestamp(self))
    }
}

impl Lenient for NaiveDate {
    fn from_wire(value: Value) -> Option<NaiveDate> {
        value.as_str().and_then(parse_date)
    }
    fn to_wire(&self) -> Value {
        Value::String(self.format(DATE_FORMAT).to_string())
    }
}

impl Lenient for Value {
    fn from_wire(value: Value) -> Option<Value> {
        (!value.is_null()).then_some(value)
    }
    fn to_wire(&self) -> Value {
        self.clone()
    }
}

/// Lists: `null` is `None`; a lone element is read as a one-element list; elements that cannot be
/// read are skipped.
impl<T: Lenient> Lenient for Vec<T> {
    fn from_wire(value: Value) -> Option<Vec<T>> {
        match value {
            Value::Null => None,
            Value::Array(elements) => Some(elements.into_iter().filter_map(T::from_wire).collect()),
            single => T::from_wire(single).map(|element| vec![element]),
        }
    }
    fn to_wire(&self) -> Value {
        Value::Array(self.iter().map(Lenient::to_wire).collect())
    }
}

/// Maps: `null` is `None`; keys whose value is `null` or unreadable are left out (keys may be `""`).
impl<T: Lenient> Lenient for BTreeMap<String, T> {
    fn from_wire(value: Value) -> Option<BTreeMap<String, T>> {
        match value {
            Value::Object(entries) => Some(
                entries
                    .into_iter()
                    .filter_map(|(key, value)| T::from_wire(value).map(|value| (key, value)))
                    .collect(),
            ),
            _ => None,
        }
    }
    fn to_wire(&self) -> Value {
        Value::Object(
            self.iter()
                .map(|(key, value)| (key.clone(), value.to_wire()))
                .collect::<Map<String, Value>>(),
        )
    }
}

/// `#[serde(with = "crate::timefmt::lenient")]` for `Option<T>` fields of response models.
pub(crate) mod lenient {
    use super::{Deserialize, Deserializer, Lenient, Serialize, Serializer, Value};

    #[expect(clippy::ref_option, reason = "serde's `serialize_with` passes `&Option<T>`")]
    pub(crate) fn serialize<S: Serializer, T: Lenient>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => value.to_wire().serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Lenient>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        Ok(T::from_wire(Value::deserialize(deserializer)?))
    }
}

/// A required timestamp in a request body, written as `2024-03-26 02:46:50 +00:00`.
pub(crate) fn serialize_timestamp<S: Serializer>(
    value: &DateTime<FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_timestamp(value))
}

/// An optional timestamp in a request body (callers skip `None`).
#[expect(clippy::ref_option, reason = "serde's `serialize_with` passes `&Option<T>`")]
pub(crate) fn serialize_opt_timestamp<S: Serializer>(
    value: &Option<DateTime<FixedOffset>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(timestamp) => serialize_timestamp(timestamp, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn timestamps_parse_in_the_api_format_and_variants() {
        let parsed = parse_timestamp("2024-03-26 02:46:50 +00:00").unwrap();
        assert_eq!(format_timestamp(&parsed), "2024-03-26 02:46:50 +00:00");
        assert_eq!(parse_timestamp("2024-03-26 02:46:50 +0000"), Some(parsed));
        assert_eq!(parse_timestamp("2024-03-26T02:46:50Z"), Some(parsed));
        let offset = parse_timestamp("2019-11-15 12:57:46 +02:00").unwrap();
        assert_eq!(offset.offset().local_minus_utc(), 7200);
        assert_eq!(
            format_timestamp(&parse_timestamp("2024-03-26").unwrap()),
            "2024-03-26 00:00:00 +00:00"
        );
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn dates_and_seconds_parse_leniently() {
        assert_eq!(parse_date("2024-01-31"), NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(parse_date("2024-01-31 00:00:00 +00:00"), NaiveDate::from_ymd_opt(2024, 1, 31));
        assert_eq!(parse_seconds("0.31 sec."), Some(0.31));
        assert_eq!(parse_seconds("0 sec."), Some(0.0));
        assert_eq!(parse_seconds("12"), Some(12.0));
        assert_eq!(parse_seconds("fast"), None);
    }

    #[test]
    fn numbers_read_from_strings_floats_and_integers() {
        assert_eq!(u64::from_wire(json!("42")), Some(42));
        assert_eq!(u64::from_wire(json!(42.0)), Some(42));
        assert_eq!(u64::from_wire(json!(-1)), None);
        assert_eq!(i64::from_wire(json!("-3")), Some(-3));
        assert_eq!(f64::from_wire(json!(0)), Some(0.0));
        assert_eq!(f64::from_wire(json!(0.02003)), Some(0.02003));
        assert_eq!(f64::from_wire(json!("0.4 sec.")), Some(0.4));
        assert_eq!(bool::from_wire(json!(1)), Some(true));
        assert_eq!(String::from_wire(json!(null)), None);
    }

    #[test]
    fn null_lists_and_maps_are_none_and_null_values_are_dropped() {
        assert_eq!(Vec::<String>::from_wire(json!(null)), None);
        assert_eq!(
            Vec::<String>::from_wire(json!(["a", null, "b"])),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        let map =
            BTreeMap::<String, u64>::from_wire(json!({"": 3, "US": "4", "DE": null})).unwrap();
        assert_eq!(map, BTreeMap::from([(String::new(), 3), ("US".to_owned(), 4)]));
        assert_eq!(map.to_wire(), json!({"": 3, "US": 4}));
    }
}
