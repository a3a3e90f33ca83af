//! A hand-written scanner for one world row: it reads the few top-level fields of [`GapLine`]
//! and skips every other value, so that the common line costs one pass and no allocation.
//!
//! The scanner accepts a strict subset of what `serde_json` accepts for [`GapLine`] and, on that
//! subset, yields exactly what `serde_json` yields. Anything else (a syntax error, a duplicate
//! field, an escaped key, a number that is not a plain `u32`, a string `serde_json` would reject,
//! deep nesting) makes it give up with `None`, and the caller parses the line with `serde_json`,
//! whose result and error messages stay the reference.

use std::borrow::Cow;

use super::GapLine;

/// Deepest nesting of skipped arrays and objects the scanner follows (`serde_json` allows more;
/// deeper lines go to it).
const MAX_DEPTH: usize = 64;

/// Every byte of a word set to one.
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
/// Every byte of a word set to its high bit.
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The fields of [`GapLine`], by index.
#[derive(Clone, Copy)]
enum Field {
    DomainFrom,
    DomainTo,
    UrlFrom,
    UrlTo,
    Dofollow,
    IsLost,
    DomainFromRank,
    BacklinkSpamScore,
    FirstSeen,
}

impl Field {
    /// The field named `key`. Keys are told apart by length first and then compared as
    /// fixed-size arrays, which compiles to a few word compares instead of a `memcmp` call
    /// (most keys of a row are not fields).
    fn of_key(key: &[u8]) -> Option<Field> {
        fn is<const N: usize>(key: &[u8], name: &[u8; N]) -> bool {
            <&[u8; N]>::try_from(key).is_ok_and(|key| key == name)
        }
        let field = match key.len() {
            6 if is(key, b"url_to") => Field::UrlTo,
            7 if is(key, b"is_lost") => Field::IsLost,
            8 if is(key, b"url_from") => Field::UrlFrom,
            8 if is(key, b"dofollow") => Field::Dofollow,
            9 if is(key, b"domain_to") => Field::DomainTo,
            10 if is(key, b"first_seen") => Field::FirstSeen,
            11 if is(key, b"domain_from") => Field::DomainFrom,
            16 if is(key, b"domain_from_rank") => Field::DomainFromRank,
            19 if is(key, b"backlink_spam_score") => Field::BacklinkSpamScore,
            _ => return None,
        };
        Some(field)
    }
}

/// The fields of one row, or `None` when the line needs the full parser.
pub(super) fn scan_line(line: &[u8]) -> Option<GapLine<'_>> {
    let mut row = GapLine::default();
    let mut seen = 0u16;
    let mut pos = skip_ws(line, 0);
    if line.get(pos) != Some(&b'{') {
        return None;
    }
    pos = skip_ws(line, pos + 1);
    if line.get(pos) == Some(&b'}') {
        pos += 1;
    } else {
        loop {
            let (key, after_key) = key(line, pos)?;
            pos = skip_ws(line, after_key);
            if line.get(pos) != Some(&b':') {
                return None;
            }
            pos = skip_ws(line, pos + 1);
            pos = match Field::of_key(key) {
                Some(field) => {
                    // A repeated field is an error for `serde_json`.
                    let bit = 1 << field as u16;
                    if seen & bit != 0 {
                        return None;
                    }
                    seen |= bit;
                    read_field(line, pos, field, &mut row)?
                }
                None => skip_value(line, pos, 0)?,
            };
            pos = skip_ws(line, pos);
            match line.get(pos) {
                Some(b',') => pos = skip_ws(line, pos + 1),
                Some(b'}') => {
                    pos += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(line, pos) == line.len()).then_some(row)
}

/// Reads the value of `field` at `pos` into `row`; returns the position after it.
fn read_field<'a>(
    line: &'a [u8],
    pos: usize,
    field: Field,
    row: &mut GapLine<'a>,
) -> Option<usize> {
    if line[pos..].starts_with(b"null") {
        // Every field is optional, and `null` leaves it `None`.
        return Some(pos + 4);
    }
    match field {
        Field::DomainFrom => read_str(line, pos, &mut row.domain_from),
        Field::DomainTo => read_str(line, pos, &mut row.domain_to),
        Field::UrlFrom => read_str(line, pos, &mut row.url_from),
        Field::UrlTo => read_str(line, pos, &mut row.url_to),
        Field::FirstSeen => read_str(line, pos, &mut row.first_seen),
        Field::Dofollow => read_bool(line, pos, &mut row.dofollow),
        Field::IsLost => read_bool(line, pos, &mut row.is_lost),
        Field::DomainFromRank => read_u32(line, pos, &mut row.domain_from_rank),
        Field::BacklinkSpamScore => read_u32(line, pos, &mut row.backlink_spam_score),
    }
}

/// A string value: borrowed when it holds no escape, decoded by `serde_json` when it does.
fn read_str<'a>(line: &'a [u8], pos: usize, out: &mut Option<Cow<'a, str>>) -> Option<usize> {
    if line.get(pos) != Some(&b'"') {
        return None;
    }
    let (end, escaped) = string_end(line, pos + 1)?;
    let text = if escaped {
        Cow::Owned(serde_json::from_slice::<String>(&line[pos..=end]).ok()?)
    } else {
        Cow::Borrowed(std::str::from_utf8(&line[pos + 1..end]).ok()?)
    };
    *out = Some(text);
    Some(end + 1)
}

fn read_bool(line: &[u8], pos: usize, out: &mut Option<bool>) -> Option<usize> {
    let rest = &line[pos..];
    if rest.starts_with(b"true") {
        *out = Some(true);
        Some(pos + 4)
    } else if rest.starts_with(b"false") {
        *out = Some(false);
        Some(pos + 5)
    } else {
        None
    }
}

/// A plain non-negative integer that fits `u32` (no sign, fraction or exponent).
fn read_u32(line: &[u8], pos: usize, out: &mut Option<u32>) -> Option<usize> {
    let digits = line[pos..].iter().take_while(|byte| byte.is_ascii_digit()).count();
    // A leading zero before more digits is an error; more than ten digits cannot fit.
    if digits == 0 || digits > 10 || (digits > 1 && line[pos] == b'0') {
        return None;
    }
    let end = pos + digits;
    if matches!(line.get(end), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    let value = line[pos..end].iter().fold(0u64, |acc, &byte| acc * 10 + u64::from(byte - b'0'));
    *out = Some(u32::try_from(value).ok()?);
    Some(end)
}

/// An object key at `pos` without escapes, ASCII only: the key and the position after it.
fn key(line: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    if line.get(pos) != Some(&b'"') {
        return None;
    }
    let (end, escaped) = string_end(line, pos + 1)?;
    let key = &line[pos + 1..end];
    (!escaped && key.is_ascii()).then_some((key, end + 1))
}

fn skip_ws(line: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = line.get(pos) {
        pos += 1;
    }
    pos
}

/// Skips any JSON value at `pos` inside `depth` enclosing arrays or objects (validating it as
/// `serde_json` does); returns the position after it.
fn skip_value(line: &[u8], pos: usize, depth: usize) -> Option<usize> {
    match *line.get(pos)? {
        b'"' => string_end(line, pos + 1).map(|(end, _)| end + 1),
        b'-' | b'0'..=b'9' => number_end(line, pos),
        b't' => line[pos..].starts_with(b"true").then_some(pos + 4),
        b'f' => line[pos..].starts_with(b"false").then_some(pos + 5),
        b'n' => line[pos..].starts_with(b"null").then_some(pos + 4),
        b'[' if depth < MAX_DEPTH => {
            let mut pos = skip_ws(line, pos + 1);
            if line.get(pos) == Some(&b']') {
                return Some(pos + 1);
            }
            loop {
                pos = skip_ws(line, skip_value(line, pos, depth + 1)?);
                match line.get(pos)? {
                    b',' => pos = skip_ws(line, pos + 1),
                    b']' => return Some(pos + 1),
                    _ => return None,
                }
            }
        }
        b'{' if depth < MAX_DEPTH => {
            let mut pos = skip_ws(line, pos + 1);
            if line.get(pos) == Some(&b'}') {
                return Some(pos + 1);
            }
            loop {
                if line.get(pos) != Some(&b'"') {
                    return None;
                }
                let (key_end, _) = string_end(line, pos + 1)?;
                pos = skip_ws(line, key_end + 1);
                if line.get(pos) != Some(&b':') {
                    return None;
                }
                pos = skip_ws(line, skip_value(line, skip_ws(line, pos + 1), depth + 1)?);
                match line.get(pos)? {
                    b',' => pos = skip_ws(line, pos + 1),
                    b'}' => return Some(pos + 1),
                    _ => return None,
                }
            }
        }
        _ => None,
    }
}

/// The end of a number in JSON's grammar starting at `pos`.
fn number_end(line: &[u8], mut pos: usize) -> Option<usize> {
    let digits_from = |pos: usize| {
        let n_digits =
            line[pos.min(line.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
        (n_digits > 0).then_some(pos + n_digits)
    };
    if line.get(pos) == Some(&b'-') {
        pos += 1;
    }
    pos = match line.get(pos)? {
        b'0' => pos + 1,
        b'1'..=b'9' => digits_from(pos)?,
        _ => return None,
    };
    if line.get(pos) == Some(&b'.') {
        pos = digits_from(pos + 1)?;
    }
    if let Some(b'e' | b'E') = line.get(pos) {
        pos += 1;
        if let Some(b'+' | b'-') = line.get(pos) {
            pos += 1;
        }
        pos = digits_from(pos)?;
    }
    Some(pos)
}

/// The closing quote of a string whose body starts at `pos`, and whether the body holds an
/// escape; `None` for a control character, a bad escape or a missing closing quote (all errors
/// for `serde_json`). Invalid UTF-8 is not checked here: `serde_json` does not check it in the
/// strings it skips, and [`read_str`] checks the strings it keeps.
fn string_end(line: &[u8], mut pos: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        pos = next_special(line, pos)?;
        match line[pos] {
            b'"' => return Some((pos, escaped)),
            b'\\' => {
                escaped = true;
                pos = match *line.get(pos + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => pos + 2,
                    b'u' => {
                        let hex = line.get(pos + 2..pos + 6)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        pos + 6
                    }
                    _ => return None,
                };
            }
            _ => return None,
        }
    }
}

/// The first `"`, `\` or control character at or after `pos`, eight bytes at a time.
fn next_special(line: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(chunk) = line.get(pos..pos + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("the chunk has eight bytes"));
        // Classic zero-byte tests: each mask's lowest set high bit marks the first byte that
        // matches (higher ones may be borrow artefacts, so only the lowest is used).
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let found = found & HIGHS;
        if found != 0 {
            return Some(pos + (found.trailing_zeros() / 8) as usize);
        }
        pos += 8;
    }
    line.get(pos..)?
        .iter()
        .position(|&byte| matches!(byte, b'"' | b'\\' | 0..=0x1f))
        .map(|idx| pos + idx)
}

#[cfg(test)]
mod tests;
