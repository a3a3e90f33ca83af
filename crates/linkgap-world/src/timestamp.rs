//! The API's timestamp form, `"2024-03-26 02:46:50 +00:00"`: parsing and formatting.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// The `chrono` format string of API timestamps (`"2024-03-26 02:46:50 +00:00"`).
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S %:z";

/// Parses an API timestamp such as `"2024-03-26 02:46:50 +00:00"` (any offset) into UTC.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    // The exact API shape is decoded by hand (the loader checks three timestamps per row and
    // `chrono`'s format interpreter dominated loading); anything else goes through `chrono`,
    // which also produces the error.
    if let Some(time) = parse_fixed(text.as_bytes()) {
        return Ok(time);
    }
    DateTime::parse_from_str(text, TIMESTAMP_FORMAT).map(|time| time.with_timezone(&Utc))
}

/// `yyyy-mm-dd hh:mm:ss +hh:mm`, or `None` for any other shape or an invalid value.
fn parse_fixed(bytes: &[u8]) -> Option<DateTime<Utc>> {
    let shape = b"dddd-dd-dd dd:dd:dd sdd:dd";
    if bytes.len() != shape.len() {
        return None;
    }
    for (&byte, &expected) in bytes.iter().zip(shape) {
        let fits = match expected {
            b'd' => byte.is_ascii_digit(),
            b's' => byte == b'+' || byte == b'-',
            other => byte == other,
        };
        if !fits {
            return None;
        }
    }
    let number = |range: std::ops::Range<usize>| {
        bytes[range].iter().fold(0_u32, |acc, &digit| acc * 10 + u32::from(digit - b'0'))
    };
    let date = NaiveDate::from_ymd_opt(number(0..4).cast_signed(), number(5..7), number(8..10))?;
    let time = NaiveTime::from_hms_opt(number(11..13), number(14..16), number(17..19))?;
    let offset_seconds = (number(21..23) * 3600 + number(24..26) * 60).cast_signed();
    let offset = if bytes[20] == b'+' {
        FixedOffset::east_opt(offset_seconds)?
    } else {
        FixedOffset::west_opt(offset_seconds)?
    };
    let local = offset.from_local_datetime(&date.and_time(time)).single()?;
    Some(local.with_timezone(&Utc))
}

/// Formats a UTC time in the API form, always with the `+00:00` offset.
pub fn format_timestamp(time: DateTime<Utc>) -> String {
    time.format(TIMESTAMP_FORMAT).to_string()
}

/// Midnight UTC of a date, as the API writes date-only bounds (`"2024-03-26 00:00:00 +00:00"`).
pub fn date_to_timestamp(date: NaiveDate) -> String {
    format_timestamp(date.and_hms_opt(0, 0, 0).expect("midnight exists every day").and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_in_api_form() {
        let text = "2024-03-26 02:46:50 +00:00";
        let time = parse_timestamp(text).unwrap();
        assert_eq!(format_timestamp(time), text);
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        let time = parse_timestamp("2024-03-26 02:46:50 +02:00").unwrap();
        assert_eq!(format_timestamp(time), "2024-03-26 00:46:50 +00:00");
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        for text in [
            "2024-03-26 02:46:50 +00:00",
            "2024-02-29 23:59:59 -05:30",
            "1999-12-31 00:00:00 +14:00",
            "2024-03-26 02:46:50 +24:00",
            "2023-02-29 10:00:00 +00:00",
            "2024-03-26 24:00:00 +00:00",
        ] {
            let slow = DateTime::parse_from_str(text, TIMESTAMP_FORMAT)
                .map(|time| time.with_timezone(&Utc));
            assert_eq!(parse_fixed(text.as_bytes()), slow.ok(), "{text}");
        }
    }

    #[test]
    fn malformed_timestamps_are_rejected() {
        assert!(parse_timestamp("2024-03-26").is_err());
        assert!(parse_timestamp("2024-02-30 10:00:00 +00:00").is_err());
        assert!(parse_timestamp("2024-03-26T02:46:50 +00:00").is_err());
        assert!(parse_timestamp("2024-13-26 02:46:50 +00:00").is_err());
        assert!(parse_timestamp("yesterday").is_err());
    }

    #[test]
    fn dates_become_midnight_timestamps() {
        let date = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        assert_eq!(date_to_timestamp(date), "2025-01-31 00:00:00 +00:00");
    }
}
