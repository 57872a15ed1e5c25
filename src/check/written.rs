//! The short source form of a value, for messages such as "invalid value `[1]` for `mesh`".

use super::integer::format_real;
use crate::syntax::ast::{Expr, ExprKind};

/// Maximum number of characters of a value shown in a message. A longer value ends in `…`.
const MAX_CHARS: usize = 40;

/// Returns a value in its source form, cut to [`MAX_CHARS`] characters: `clements`, `3`,
/// `[1, 2]`, `1 / 0`. Parentheses appear around every operand that is itself an operation,
/// because the syntax tree does not keep the ones written.
pub fn written_value(kind: &ExprKind) -> String {
    let mut text = String::new();
    write_kind(kind, &mut text);
    if text.chars().count() <= MAX_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Appends the source form of `kind` to `out`. Stops adding list items and terms once `out`
/// is longer than [`MAX_CHARS`], so that a huge value costs little.
fn write_kind(kind: &ExprKind, out: &mut String) {
    match kind {
        ExprKind::Number(x) => out.push_str(&format_real(*x)),
        ExprKind::Imaginary(x) => {
            out.push_str(&format_real(*x));
            out.push('i');
        }
        ExprKind::String(text) => {
            out.push('"');
            out.push_str(text);
            out.push('"');
        }
        ExprKind::Name(name) => out.push_str(name),
        ExprKind::List(items) => {
            out.push('[');
            write_separated(items.iter().map(|item| &item.kind), out);
            out.push(']');
        }
        ExprKind::Call(call) => {
            out.push_str(&call.callee.name);
            out.push('(');
            for (index, argument) in call.args.iter().enumerate() {
                if out.len() > MAX_CHARS {
                    break;
                }
                if index > 0 {
                    out.push_str(", ");
                }
                if let Some(name) = &argument.name {
                    out.push_str(&name.name);
                    out.push_str(" = ");
                }
                write_kind(&argument.value.kind, out);
            }
            out.push(')');
        }
        ExprKind::Neg(operand) => {
            out.push('-');
            write_operand(operand, out);
        }
        ExprKind::Chain(first, rest) => {
            write_operand(first, out);
            for (operator, operand) in rest {
                if out.len() > MAX_CHARS {
                    break;
                }
                out.push_str(&format!(" {} ", operator.symbol()));
                write_operand(operand, out);
            }
        }
        ExprKind::Binary(operator, left, right) => {
            write_operand(left, out);
            out.push_str(&format!(" {} ", operator.symbol()));
            write_operand(right, out);
        }
    }
}

/// Appends items separated by `, `.
fn write_separated<'a>(items: impl Iterator<Item = &'a ExprKind>, out: &mut String) {
    for (index, item) in items.enumerate() {
        if out.len() > MAX_CHARS {
            break;
        }
        if index > 0 {
            out.push_str(", ");
        }
        write_kind(item, out);
    }
}

/// Appends an operand of an operator, in parentheses if it is an operation itself.
fn write_operand(operand: &Expr, out: &mut String) {
    let operation = matches!(
        operand.kind,
        ExprKind::Neg(_) | ExprKind::Chain(..) | ExprKind::Binary(..)
    );
    if operation {
        out.push('(');
        write_kind(&operand.kind, out);
        out.push(')');
    } else {
        write_kind(&operand.kind, out);
    }
}

#[cfg(test)]
mod tests {
    use super::written_value;
    use crate::source::FileId;
    use crate::syntax::ast::{ExprKind, Item, Statement};
    use crate::syntax::parse;

    /// Returns the written form of the `mesh` value in `target photonic(mesh = VALUE)`.
    fn written(value: &str) -> String {
        let source = format!(
            "network n {{\n target photonic(mesh = {value})\n input x: optical[1]\n output x\n}}\n"
        );
        let file = parse(&source, FileId(0)).expect("the test source parses");
        let Item::Network(network) = &file.items[0] else {
            panic!("expected a network");
        };
        let Statement::Target(target) = &network.statements[0] else {
            panic!("expected the target statement first");
        };
        written_value(&target.options[0].value.kind)
    }

    #[test]
    fn simple_values_are_written() {
        assert_eq!(written("reck"), "reck");
        assert_eq!(written("3"), "3");
        assert_eq!(written("1e300"), "1e300");
        assert_eq!(written("\"clements\""), "\"clements\"");
        assert_eq!(written("2i"), "2i");
    }

    #[test]
    fn compound_values_are_written() {
        assert_eq!(written("[clements]"), "[clements]");
        assert_eq!(written("[1, [2, 3]]"), "[1, [2, 3]]");
        assert_eq!(written("1/0"), "1 / 0");
        assert_eq!(written("(1 + 2) * -3"), "(1 + 2) * (-3)");
        assert_eq!(written("2^3^2"), "2 ^ (3 ^ 2)");
        assert_eq!(written("sqrt(2, x = 1)"), "sqrt(2, x = 1)");
    }

    #[test]
    fn long_values_are_cut() {
        let list = format!("[{}]", vec!["1"; 1000].join(", "));
        let text = written(&list);
        assert_eq!(text.chars().count(), 40);
        assert!(text.starts_with("[1, 1, 1"), "{text}");
        assert!(text.ends_with('…'), "{text}");
        assert_eq!(
            written_value(&ExprKind::Name("a".repeat(50)))
                .chars()
                .count(),
            40
        );
    }
}
