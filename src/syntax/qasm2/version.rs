//! Detection of the `OPENQASM` version header before parsing, so that a program in another
//! OpenQASM version gets the version error in place of a syntax error.

use std::ops::Range;

const KEYWORD: &str = "OPENQASM";

/// Returns the byte range of the version number when `text` starts with an `OPENQASM` header
/// such as `OPENQASM 3.0;`, after any white space and comments.
///
/// The scan is more lenient than the OpenQASM 2 grammar, because it has to recognize the
/// headers of other versions too. It skips `/* … */` comments, which OpenQASM 3 allows, and
/// does not require the `;` after the number. The keyword is case-sensitive, as in every
/// OpenQASM version, so `openqasm 3.0;` is no header. The number is digits with an optional
/// fraction (`3`, `3.0`, `2.00`).
pub(super) fn declared_version(text: &str) -> Option<Range<usize>> {
    let start = skip_trivia(text, 0);
    if !text[start..].starts_with(KEYWORD) {
        return None;
    }
    let keyword_end = start + KEYWORD.len();
    let number_start = skip_trivia(text, keyword_end);
    if number_start == keyword_end {
        // `OPENQASM3` or `OPENQASMx` is a longer name, not the keyword.
        return None;
    }
    let number_end = number_end(text, number_start)?;
    Some(number_start..number_end)
}

/// Returns the position after the white space and comments that start at `position`. An
/// unclosed `/*` is not skipped.
fn skip_trivia(text: &str, mut position: usize) -> usize {
    loop {
        let rest = &text[position..];
        let trimmed = rest.trim_start();
        position += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            position += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            let Some(end) = comment.find("*/") else {
                return position;
            };
            position += 2 + end + 2;
        } else {
            return position;
        }
    }
}

/// Returns the end of the version number `DIGITS` or `DIGITS.DIGITS` at `start`, or `None`
/// if no digit is there.
fn number_end(text: &str, start: usize) -> Option<usize> {
    let digits = |from: usize| {
        text[from..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(text.len(), |length| from + length)
    };
    let integer_end = digits(start);
    if integer_end == start {
        return None;
    }
    let fraction_start = integer_end + 1;
    if text[integer_end..].starts_with('.') && digits(fraction_start) > fraction_start {
        return Some(digits(fraction_start));
    }
    Some(integer_end)
}

#[cfg(test)]
mod tests {
    use super::declared_version;

    /// Returns the version text that `declared_version` finds in `text`.
    fn version(text: &str) -> Option<&str> {
        declared_version(text).map(|range| &text[range])
    }

    #[test]
    fn header_versions_are_found() {
        assert_eq!(version("OPENQASM 3.0;\nqubit q;"), Some("3.0"));
        assert_eq!(version("OPENQASM 3;"), Some("3"));
        assert_eq!(version("OPENQASM 2.00;"), Some("2.00"));
        assert_eq!(version("\n\t OPENQASM 2.0;"), Some("2.0"));
    }

    #[test]
    fn comments_before_header_are_skipped() {
        assert_eq!(version("/* header */\nOPENQASM 3.0;"), Some("3.0"));
        assert_eq!(version("// x\nOPENQASM 3.0;"), Some("3.0"));
        assert_eq!(
            version("/* a */ // b\n/* c\n*/ OPENQASM /* d */ 3.1;"),
            Some("3.1")
        );
    }

    #[test]
    fn header_without_semicolon_is_found() {
        assert_eq!(version("OPENQASM 3.0\nqubit[2] q;"), Some("3.0"));
        assert_eq!(version("OPENQASM 3"), Some("3"));
        assert_eq!(version("OPENQASM 3."), Some("3"));
    }

    #[test]
    fn non_headers_are_rejected() {
        assert_eq!(version("openqasm 3.0;"), None);
        assert_eq!(version("OPENQASM3.0;"), None);
        assert_eq!(version("OPENQASM x;"), None);
        assert_eq!(version("OPENQASM;"), None);
        assert_eq!(version("qreg q[1];\nOPENQASM 3.0;"), None);
        assert_eq!(version("/* unclosed OPENQASM 3.0;"), None);
        assert_eq!(version(""), None);
    }
}
