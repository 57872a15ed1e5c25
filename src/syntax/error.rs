//! Syntax errors, converted from pest's error into readable expectations.

use pest::error::{ErrorVariant, InputLocation};

use super::parser::Rule;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

/// Input that does not match the grammar, e.g. `layer = unitary(x)` (missing name).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Where parsing stopped: the token that could not be read.
    pub span: Span,
    /// Readable names of what the grammar accepts there, sorted and without repeats.
    pub expected: Vec<String>,
    /// The text found there, or `end of file`.
    pub found: String,
    /// Set when the input nests deeper than the parser allows, instead of breaking the
    /// grammar.
    pub too_deep: Option<Nesting>,
}

/// A nesting limit that the input exceeds, with the limit in levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// Brackets `(`, `[` and `{` inside each other. The span is the first bracket too deep.
    Brackets(usize),
    /// Signs, `^`, calls, lists and runs of `+ -` or `* /` inside each other. The span is
    /// the smallest expression too deep.
    Expression(usize),
}

impl SyntaxError {
    pub(crate) fn from_pest(error: pest::error::Error<Rule>, source: &str, file: FileId) -> Self {
        let position = match error.location {
            InputLocation::Pos(position) => position,
            InputLocation::Span((start, _)) => start,
        };
        let mut expected: Vec<String> = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => positives
                .iter()
                .map(|rule| rule_name(*rule).to_string())
                .collect(),
            ErrorVariant::CustomError { message } => vec![message.clone()],
        };
        expected.sort();
        expected.dedup();

        let token_end = token_end(source, position);
        let found = if position >= source.len() {
            "end of file".to_string()
        } else {
            format!("`{}`", visible(&source[position..token_end]))
        };
        SyntaxError {
            span: Span::new(file, position..token_end),
            expected,
            found,
            too_deep: None,
        }
    }

    /// Reports nesting beyond a limit at a span.
    pub(crate) fn too_deep(span: Span, nesting: Nesting) -> Self {
        SyntaxError {
            span,
            expected: Vec::new(),
            found: String::new(),
            too_deep: Some(nesting),
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        if let Some(nesting) = self.too_deep {
            return too_deep_diagnostic(nesting, self.span);
        }
        let expected = join_alternatives(&self.expected);
        Diagnostic::error(
            "E0001",
            format!("expected {expected}, found {}", self.found),
            self.span,
        )
        .with_label(format!("expected {expected} here"))
        .with_help("see docs/language.md for the statement forms")
    }
}

/// Returns the end of the token that starts at `position`: a whole word or number, one other
/// character, or `position` itself at the end of the input.
fn token_end(source: &str, position: usize) -> usize {
    let rest = &source[position.min(source.len())..];
    let word_len: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .map(char::len_utf8)
        .sum();
    let len = if word_len > 0 {
        word_len
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    };
    position + len
}

/// Escapes characters that would be invisible in a message (control characters, the byte
/// order mark, other format characters) as `\u{…}`.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{feff}' | '\u{200b}'..='\u{200f}') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn too_deep_diagnostic(nesting: Nesting, span: Span) -> Diagnostic {
    let (message, label) = match nesting {
        Nesting::Brackets(limit) => (
            format!("brackets nested more than {limit} levels deep"),
            format!("level {} starts here", limit + 1),
        ),
        Nesting::Expression(limit) => (
            format!("expression nested more than {limit} levels deep"),
            format!("this expression is {} levels deep", limit + 1),
        ),
    };
    Diagnostic::error("E0001", message, span)
        .with_label(label)
        .with_help(
            "split the expression with `const` definitions, or load large data with `load(…)`",
        )
}

fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => "valid syntax".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Maps grammar rules to the words a user knows them by.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::file | Rule::item => "`network` or `const`",
        Rule::network => "`network`",
        Rule::target => "`target`",
        Rule::input => "`input`",
        Rule::layer => "`layer`",
        Rule::output => "`output`",
        Rule::const_decl => "`const`",
        Rule::statement => "a statement (`target`, `input`, `layer`, `output` or `const`)",
        Rule::body => "a gate block `{ … }`",
        Rule::gate_stmt => "a gate statement",
        Rule::operand => "a qubit operand",
        Rule::call => "a call",
        Rule::arguments | Rule::argument => "an argument",
        Rule::expr | Rule::primary | Rule::prefix => "an expression",
        Rule::infix | Rule::add | Rule::sub | Rule::mul | Rule::div | Rule::pow => "an operator",
        Rule::neg | Rule::pos => "a sign",
        Rule::list => "a list `[…]`",
        Rule::number => "a number",
        Rule::imaginary => "an imaginary number",
        Rule::string | Rule::string_inner => "a string",
        Rule::ident | Rule::ident_char => "a name",
        Rule::keyword => "a keyword",
        Rule::WHITESPACE | Rule::COMMENT => "white space",
        Rule::close_brace => "`}`",
        Rule::close_paren => "`)`",
        Rule::close_bracket => "`]`",
        Rule::colon => "`:`",
        Rule::equals => "`=`",
        Rule::semicolon => "`;`",
    }
}
