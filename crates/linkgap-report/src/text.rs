//! Escaping and cleaning of untrusted strings (anchors, titles, URLs, domains) for every format.

/// Display strings longer than this many characters are cut (CSV and JSON keep them whole).
pub(crate) const DISPLAY_MAX_CHARS: usize = 200;

/// Whether a character must never reach a single-line output verbatim: control characters
/// (C0, C1, DEL, NEL), line and paragraph separators, and the bidirectional controls that can
/// reorder what a reader sees (RLO, LRI, RLM, ALM, ...).
pub(crate) fn is_unsafe_char(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            '\u{2028}'
                | '\u{2029}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// One line of plain text: every unsafe character becomes U+FFFD, so it stays visible.
pub(crate) fn single_line(text: &str) -> String {
    text.chars().map(|ch| if is_unsafe_char(ch) { '\u{FFFD}' } else { ch }).collect()
}

/// A cleaned, length-limited string for human-facing formats (Markdown, HTML).
pub(crate) fn display(text: &str) -> String {
    let mut out = String::new();
    for (idx, ch) in text.chars().enumerate() {
        if idx == DISPLAY_MAX_CHARS {
            out.push('\u{2026}');
            break;
        }
        out.push(if is_unsafe_char(ch) { '\u{FFFD}' } else { ch });
    }
    out
}

/// A string made safe inside Markdown text and table cells: cleaned, then HTML specials become
/// entities and Markdown punctuation is backslash-escaped, so nothing from the web can open a
/// link, an image, code, emphasis, a table cell or raw HTML.
pub(crate) fn markdown(text: &str) -> String {
    let cleaned = display(text);
    let mut out = String::with_capacity(cleaned.len());
    for ch in cleaned.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// A CSV text cell a spreadsheet will not run: cells starting with `=`, `+`, `-`, `@`, tab or
/// carriage return get a leading `'`. Only for text; numbers are written as numbers.
pub(crate) fn defuse(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Whether a URL may become a clickable link: an `http` or `https` URL without whitespace or
/// unsafe characters.
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.chars().any(|ch| ch.is_whitespace() || is_unsafe_char(ch))
}

/// Whether a name is a plain lowercase ASCII domain name fit for a `domain:` line.
pub(crate) fn is_plain_domain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.contains('.')
        && !name.starts_with(['.', '-'])
        && name
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || b".-".contains(&byte))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn defuse_prefixes_formula_starts_only() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("+1"), "'+1");
        assert_eq!(defuse("-x"), "'-x");
        assert_eq!(defuse("@SUM"), "'@SUM");
        assert_eq!(defuse("\tx"), "'\tx");
        assert_eq!(defuse("\rx"), "'\rx");
        assert_eq!(defuse("plain"), "plain");
        assert_eq!(defuse(""), "");
    }

    #[test]
    fn web_urls_need_http_scheme_and_no_spaces() {
        assert!(is_web_url("https://example.com/a?b=c"));
        assert!(is_web_url("HTTP://EXAMPLE.COM"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" https://example.com"));
        assert!(!is_web_url("https://exa mple.com"));
        assert!(!is_web_url("data:text/html,<script>"));
        assert!(!is_web_url("https://x\u{202E}moc.evil"));
    }

    #[test]
    fn display_cuts_long_strings_and_hides_controls() {
        let long = "a".repeat(10_000);
        assert_eq!(display(&long).chars().count(), DISPLAY_MAX_CHARS + 1);
        assert_eq!(display("a\0b\nc\u{202E}d"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}d");
    }

    #[test]
    fn markdown_escapes_links_code_and_html() {
        assert_eq!(markdown("[x](javascript:1)"), "\\[x\\](javascript:1)");
        assert_eq!(markdown("<script>`a|b`"), "&lt;script&gt;\\`a\\|b\\`");
    }

    proptest! {
        #[test]
        fn markdown_output_has_no_raw_specials(text in any::<String>()) {
            let out = markdown(&text);
            prop_assert!(!out.contains('<') && !out.contains('>') && !out.contains('\n'));
            let mut chars = out.chars();
            while let Some(ch) = chars.next() {
                if ch == '\\' {
                    prop_assert!(chars.next().is_some());
                } else {
                    prop_assert!(!matches!(ch, '`' | '|' | '[' | ']' | '*' | '_'));
                    prop_assert!(!is_unsafe_char(ch));
                }
            }
        }

        #[test]
        fn defused_cells_never_start_a_formula(text in any::<String>()) {
            let out = defuse(&text);
            prop_assert!(!out.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }

        #[test]
        fn single_line_has_no_line_breaks(text in any::<String>()) {
            let out = single_line(&text);
            prop_assert!(!out.chars().any(is_unsafe_char));
        }
    }
}
