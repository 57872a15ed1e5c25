//! Tokens of OpenQASM 2.0 source text, each with its byte range.

use std::ops::Range;

/// A token's kind; names, keywords and built-in functions are all [`TokenKind::Name`].
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// `q`, `qreg`, `U`, `sin`: a letter or `_`, then letters, digits and `_`.
    Name,
    /// `3`: digits only, used for register sizes, indices and `if` values.
    Integer(u64),
    /// `2.0`, `.5`, `1e-3`: a number with a point or an exponent.
    Real(f64),
    /// `"qelib1.inc"`, without its quotes.
    String(String),
    /// Punctuation and operators: `;` `,` `(` `)` `[` `]` `{` `}` `->` `==` `+` `-` `*` `/` `^`.
    Symbol(&'static str),
    /// The end of the input.
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: Range<usize>,
}

/// A character sequence that is not a token, such as `@` or an unclosed string.
#[derive(Debug, Clone, PartialEq)]
pub struct LexError {
    pub range: Range<usize>,
    /// The expected token, e.g. "a closing `\"`".
    pub expected: &'static str,
}

const SYMBOLS: [&str; 15] = [
    "->", "==", ";", ",", "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "^",
];

/// Splits source text into tokens, skipping white space and `//` comments; the last token
/// is [`TokenKind::End`].
pub fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut position = 0;
    while position < bytes.len() {
        let byte = bytes[position];
        if byte.is_ascii_whitespace() {
            position += 1;
            continue;
        }
        if text[position..].starts_with("//") {
            position = text[position..]
                .find('\n')
                .map_or(text.len(), |newline| position + newline);
            continue;
        }
        let start = position;
        let kind = if byte.is_ascii_alphabetic() || byte == b'_' {
            position = scan_while(bytes, position, |b| b.is_ascii_alphanumeric() || b == b'_');
            TokenKind::Name
        } else if byte.is_ascii_digit() || (byte == b'.' && next_is_digit(bytes, position)) {
            let (kind, end) = number(text, position)?;
            position = end;
            kind
        } else if byte == b'"' {
            let Some(length) = text[position + 1..].find(['"', '\n']) else {
                return Err(unclosed_string(start, text.len()));
            };
            let end = position + 1 + length;
            if bytes[end] != b'"' {
                return Err(unclosed_string(start, end));
            }
            position = end + 1;
            TokenKind::String(text[start + 1..end].to_string())
        } else if let Some(symbol) = SYMBOLS.iter().find(|s| text[position..].starts_with(**s)) {
            position += symbol.len();
            TokenKind::Symbol(symbol)
        } else {
            let length = text[position..].chars().next().map_or(1, char::len_utf8);
            return Err(LexError {
                range: position..position + length,
                expected: "a name, a number, a string or punctuation",
            });
        };
        tokens.push(Token {
            kind,
            range: start..position,
        });
    }
    tokens.push(Token {
        kind: TokenKind::End,
        range: text.len()..text.len(),
    });
    Ok(tokens)
}

fn scan_while(bytes: &[u8], mut position: usize, accept: impl Fn(u8) -> bool) -> usize {
    while position < bytes.len() && accept(bytes[position]) {
        position += 1;
    }
    position
}

fn next_is_digit(bytes: &[u8], position: usize) -> bool {
    bytes.get(position + 1).is_some_and(u8::is_ascii_digit)
}

fn unclosed_string(start: usize, end: usize) -> LexError {
    LexError {
        range: start..end,
        expected: "a closing `\"` on the same line",
    }
}

/// Reads an integer (`42`) or a real (`4.2`, `.5`, `2.`, `1e-3`, `2.5E+4`) starting at
/// `start`; returns the token and the position after it.
fn number(text: &str, start: usize) -> Result<(TokenKind, usize), LexError> {
    let bytes = text.as_bytes();
    let mut position = scan_while(bytes, start, |b| b.is_ascii_digit());
    let mut real = false;
    if bytes.get(position) == Some(&b'.') {
        real = true;
        position = scan_while(bytes, position + 1, |b| b.is_ascii_digit());
    }
    if matches!(bytes.get(position), Some(b'e' | b'E')) {
        let mut exponent = position + 1;
        if matches!(bytes.get(exponent), Some(b'+' | b'-')) {
            exponent += 1;
        }
        if bytes.get(exponent).is_some_and(u8::is_ascii_digit) {
            real = true;
            position = scan_while(bytes, exponent, |b| b.is_ascii_digit());
        }
    }
    let literal = &text[start..position];
    let kind = if real {
        // The scanned text is always a valid float literal, but one beyond the f64 range
        // becomes infinity, which the expansion reports.
        TokenKind::Real(literal.parse().unwrap_or(f64::INFINITY))
    } else {
        let value = literal.parse().map_err(|_| LexError {
            range: start..position,
            expected: "an integer below 2^64",
        })?;
        TokenKind::Integer(value)
    };
    Ok((kind, position))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        tokenize(text)
            .unwrap()
            .into_iter()
            .map(|token| token.kind)
            .collect()
    }

    #[test]
    fn numbers_and_symbols() {
        assert_eq!(
            kinds("q[3] -> 2.5e-1 .5 7E2 == 1e"),
            vec![
                TokenKind::Name,
                TokenKind::Symbol("["),
                TokenKind::Integer(3),
                TokenKind::Symbol("]"),
                TokenKind::Symbol("->"),
                TokenKind::Real(0.25),
                TokenKind::Real(0.5),
                TokenKind::Real(700.0),
                TokenKind::Symbol("=="),
                TokenKind::Integer(1),
                TokenKind::Name,
                TokenKind::End,
            ]
        );
    }

    #[test]
    fn comments_and_strings() {
        let tokens = tokenize("include \"qelib1.inc\"; // a comment\nh q;").unwrap();
        assert_eq!(tokens[1].kind, TokenKind::String("qelib1.inc".into()));
        assert_eq!(tokens[1].range, 8..20);
        assert_eq!(tokens.len(), 7);
    }

    #[test]
    fn unclosed_string_is_an_error() {
        let error = tokenize("include \"qelib1.inc;\nqreg q[1];").unwrap_err();
        assert_eq!(error.range, 8..20);
    }

    #[test]
    fn stray_character_is_an_error() {
        let error = tokenize("h q@;").unwrap_err();
        assert_eq!(error.range, 3..4);
    }

    #[test]
    fn huge_integer_is_an_error() {
        assert!(tokenize("qreg q[99999999999999999999];").is_err());
    }
}
