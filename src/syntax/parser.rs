//! Parsing: pest grammar (`grammar/pnn.pest`) to the AST.

use std::sync::LazyLock;

use pest::Parser;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::error::SyntaxError;
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/pnn.pest"]
pub(crate) struct PnnParser;

/// Operator precedence, lowest first: `+ -`, then `* /`, then unary minus, then `^`
/// (right-associative, so `-2^2` is `-(2^2)` and `2^3^2` is `2^(3^2)`).
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg) | Op::prefix(Rule::pos))
        .op(Op::infix(Rule::pow, Assoc::Right))
});

/// Parses a whole file; `file` is the id its spans refer to.
pub fn parse(source: &str, file: FileId) -> Result<File, SyntaxError> {
    check_bracket_depth(source, file)?;
    let mut pairs = PnnParser::parse(Rule::file, source)
        .map_err(|error| SyntaxError::from_pest(error, source, file))?;
    let builder = Builder { file };
    let root = pairs
        .next()
        .expect("the file rule always produces one pair");
    let items = children(root)
        .filter(|pair| pair.as_rule() != Rule::EOI)
        .map(|pair| builder.item(pair))
        .collect();
    let file = File { items };
    check_expression_depth(&file)?;
    Ok(file)
}

/// Deepest bracket nesting the parser accepts; the grammar and the AST builder recurse once
/// per level, so deeper input could overflow the stack.
const MAX_BRACKET_DEPTH: usize = 256;

/// Deepest expression tree the checker evaluates (a flat sum of N terms is N levels deep).
const MAX_EXPRESSION_DEPTH: usize = 1000;

/// Rejects bracket nesting deeper than [`MAX_BRACKET_DEPTH`], skipping strings and comments.
fn check_bracket_depth(source: &str, file: FileId) -> Result<(), SyntaxError> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Err(SyntaxError::too_deep(
                        Span::new(file, i..i + 1),
                        MAX_BRACKET_DEPTH,
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Rejects expression trees deeper than [`MAX_EXPRESSION_DEPTH`], which the recursive
/// evaluator could not handle; walks the tree with an explicit stack.
fn check_expression_depth(file: &File) -> Result<(), SyntaxError> {
    let mut roots: Vec<&Expr> = Vec::new();
    for item in &file.items {
        match item {
            Item::Const(decl) => roots.push(&decl.value),
            Item::Network(network) => {
                for statement in &network.statements {
                    statement_expressions(statement, &mut roots);
                }
            }
        }
    }
    let mut stack: Vec<(&Expr, usize)> = roots.into_iter().map(|expr| (expr, 1)).collect();
    while let Some((expr, depth)) = stack.pop() {
        if depth > MAX_EXPRESSION_DEPTH {
            return Err(SyntaxError::too_deep(expr.span, MAX_EXPRESSION_DEPTH));
        }
        match &expr.kind {
            ExprKind::List(items) => stack.extend(items.iter().map(|item| (item, depth + 1))),
            ExprKind::Call(call) => stack.extend(
                call.args
                    .iter()
                    .map(|argument| (&argument.value, depth + 1)),
            ),
            ExprKind::Neg(operand) => stack.push((operand, depth + 1)),
            ExprKind::Binary(_, left, right) => {
                stack.push((left, depth + 1));
                stack.push((right, depth + 1));
            }
            _ => {}
        }
    }
    Ok(())
}

fn statement_expressions<'a>(statement: &'a Statement, roots: &mut Vec<&'a Expr>) {
    let arguments = |args: &'a [Argument], roots: &mut Vec<&'a Expr>| {
        roots.extend(args.iter().map(|argument| &argument.value))
    };
    match statement {
        Statement::Target(decl) => arguments(&decl.options, roots),
        Statement::Input(decl) => roots.push(&decl.width),
        Statement::Layer(decl) => {
            arguments(&decl.call.args, roots);
            for gate in decl.body.iter().flatten() {
                roots.extend(&gate.params);
                roots.extend(
                    gate.operands
                        .iter()
                        .filter_map(|operand| operand.index.as_ref()),
                );
            }
        }
        Statement::Output(decl) => roots.push(&decl.value),
        Statement::Const(decl) => roots.push(&decl.value),
    }
}

/// Returns a pair's children without the named punctuation rules, which exist only to make
/// syntax errors readable.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|child| {
        !matches!(
            child.as_rule(),
            Rule::close_brace
                | Rule::close_paren
                | Rule::close_bracket
                | Rule::colon
                | Rule::equals
                | Rule::semicolon
        )
    })
}

struct Builder {
    file: FileId,
}

impl Builder {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let span = pair.as_span();
        Span::new(self.file, span.start()..span.end())
    }

    fn item(&self, pair: Pair<Rule>) -> Item {
        match pair.as_rule() {
            Rule::network => Item::Network(self.network(pair)),
            Rule::const_decl => Item::Const(self.const_decl(pair)),
            rule => unreachable!("grammar produced {rule:?} as an item"),
        }
    }

    fn network(&self, pair: Pair<Rule>) -> Network {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let name = self.ident(inner.next().unwrap());
        let statements = inner.map(|pair| self.statement(pair)).collect();
        Network {
            name,
            statements,
            span,
        }
    }

    fn statement(&self, pair: Pair<Rule>) -> Statement {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::target => {
                let mut inner = children(pair);
                let kind = self.ident(inner.next().unwrap());
                let options = inner
                    .next()
                    .map(|args| self.arguments(args))
                    .unwrap_or_default();
                Statement::Target(TargetDecl {
                    kind,
                    options,
                    span,
                })
            }
            Rule::input => {
                let mut inner = children(pair);
                Statement::Input(InputDecl {
                    name: self.ident(inner.next().unwrap()),
                    ty: self.ident(inner.next().unwrap()),
                    width: self.expr(inner.next().unwrap()),
                    span,
                })
            }
            Rule::layer => {
                let mut inner = children(pair);
                let name = self.ident(inner.next().unwrap());
                let call = self.call(inner.next().unwrap());
                let body = inner
                    .next()
                    .map(|body| children(body).map(|gate| self.gate_stmt(gate)).collect());
                Statement::Layer(LayerDecl {
                    name,
                    call,
                    body,
                    span,
                })
            }
            Rule::output => Statement::Output(OutputDecl {
                value: self.expr(children(pair).next().unwrap()),
                span,
            }),
            Rule::const_decl => Statement::Const(self.const_decl(pair)),
            rule => unreachable!("grammar produced {rule:?} as a statement"),
        }
    }

    fn const_decl(&self, pair: Pair<Rule>) -> ConstDecl {
        let span = self.span(&pair);
        let mut inner = children(pair);
        ConstDecl {
            name: self.ident(inner.next().unwrap()),
            value: self.expr(inner.next().unwrap()),
            span,
        }
    }

    fn gate_stmt(&self, pair: Pair<Rule>) -> GateStmt {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let name = self.ident(inner.next().unwrap());
        let mut params = Vec::new();
        let mut operands = Vec::new();
        for part in inner {
            match part.as_rule() {
                Rule::expr => params.push(self.expr(part)),
                Rule::operand => operands.push(self.operand(part)),
                rule => unreachable!("grammar produced {rule:?} in a gate statement"),
            }
        }
        GateStmt {
            name,
            params,
            operands,
            span,
        }
    }

    fn operand(&self, pair: Pair<Rule>) -> Operand {
        let span = self.span(&pair);
        let mut inner = children(pair);
        Operand {
            register: self.ident(inner.next().unwrap()),
            index: inner.next().map(|index| self.expr(index)),
            span,
        }
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        debug_assert_eq!(pair.as_rule(), Rule::ident);
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn call(&self, pair: Pair<Rule>) -> Call {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let callee = self.ident(inner.next().unwrap());
        let args = self.arguments(inner.next().unwrap());
        Call { callee, args, span }
    }

    fn arguments(&self, pair: Pair<Rule>) -> Vec<Argument> {
        children(pair)
            .map(|argument| {
                let span = self.span(&argument);
                let mut inner = children(argument).collect::<Vec<_>>();
                let value = self.expr(inner.pop().unwrap());
                let name = inner.pop().map(|name| self.ident(name));
                Argument { name, value, span }
            })
            .collect()
    }

    fn expr(&self, pair: Pair<Rule>) -> Expr {
        debug_assert_eq!(pair.as_rule(), Rule::expr);
        PRATT
            .map_primary(|primary| self.primary(primary))
            .map_prefix(|op, operand| {
                let span = self.span(&op).to(operand.span);
                match op.as_rule() {
                    Rule::neg => Expr {
                        kind: ExprKind::Neg(Box::new(operand)),
                        span,
                    },
                    _ => Expr { span, ..operand },
                }
            })
            .map_infix(|left, op, right| {
                let op = match op.as_rule() {
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    Rule::div => BinaryOp::Div,
                    Rule::pow => BinaryOp::Pow,
                    rule => unreachable!("{rule:?} is not an infix operator"),
                };
                let span = left.span.to(right.span);
                Expr {
                    kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                    span,
                }
            })
            .parse(children(pair))
    }

    fn primary(&self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::number => ExprKind::Number(parse_number(pair.as_str())),
            Rule::imaginary => {
                let number = children(pair).next().unwrap();
                ExprKind::Imaginary(parse_number(number.as_str()))
            }
            Rule::string => {
                let inner = children(pair).next().unwrap();
                ExprKind::String(unescape(inner.as_str()))
            }
            Rule::ident => ExprKind::Name(pair.as_str().to_string()),
            Rule::call => ExprKind::Call(self.call(pair)),
            Rule::list => ExprKind::List(children(pair).map(|item| self.expr(item)).collect()),
            Rule::expr => return self.expr(pair),
            rule => unreachable!("grammar produced {rule:?} as a primary"),
        };
        Expr { kind, span }
    }
}

/// Parses a number token; the grammar admits only decimal digits, so this cannot fail, but
/// a token beyond the `f64` range becomes infinity and the checker reports it.
fn parse_number(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// Resolves `\"`, `\\`, `\n` and `\t`; any other escaped character stands for itself.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(source: &str) -> File {
        match parse(source, FileId(0)) {
            Ok(file) => file,
            Err(error) => panic!("parse failed: {error:?}"),
        }
    }

    #[test]
    fn parses_mesh_example() {
        let file = parse_ok(
            r#"network mesh {
                target photonic(mesh = clements)
                input x: optical[16]
                layer u = unitary(x, load("u.npy"))
                output u
            }"#,
        );
        let [Item::Network(network)] = file.items.as_slice() else {
            panic!("expected one network");
        };
        assert_eq!(network.name.name, "mesh");
        assert_eq!(network.statements.len(), 4);
    }

    #[test]
    fn complex_literal_and_precedence() {
        let file = parse_ok("const z = 1 - 0.5i\nconst w = -2^2 * 3");
        let Item::Const(z) = &file.items[0] else {
            panic!()
        };
        let ExprKind::Binary(BinaryOp::Sub, left, right) = &z.value.kind else {
            panic!("expected a subtraction, got {:?}", z.value.kind)
        };
        assert_eq!(left.kind, ExprKind::Number(1.0));
        assert_eq!(right.kind, ExprKind::Imaginary(0.5));

        let Item::Const(w) = &file.items[1] else {
            panic!()
        };
        let ExprKind::Binary(BinaryOp::Mul, left, _) = &w.value.kind else {
            panic!("expected a product, got {:?}", w.value.kind)
        };
        let ExprKind::Neg(inner) = &left.kind else {
            panic!("expected negation")
        };
        assert!(matches!(inner.kind, ExprKind::Binary(BinaryOp::Pow, _, _)));
    }

    #[test]
    fn comments_and_named_arguments() {
        let file = parse_ok(
            "// leading comment\nnetwork n { /* block */ target photonic(mesh = reck) \
             input x: optical[2]\n layer a = activation(x, kind = abs_squared) output a }",
        );
        let Item::Network(network) = &file.items[0] else {
            panic!()
        };
        let Statement::Layer(layer) = &network.statements[2] else {
            panic!()
        };
        assert_eq!(layer.call.args.len(), 2);
        assert_eq!(layer.call.args[1].name.as_ref().unwrap().name, "kind");
    }

    #[test]
    fn circuit_body() {
        let file = parse_ok(
            "network c { layer g = circuit(q) { h q[0]; cx q[0], q[1]; rz(pi / 4) q[1]; } }",
        );
        let Item::Network(network) = &file.items[0] else {
            panic!()
        };
        let Statement::Layer(layer) = &network.statements[0] else {
            panic!()
        };
        let body = layer.body.as_ref().unwrap();
        assert_eq!(body.len(), 3);
        assert_eq!(body[2].params.len(), 1);
        assert_eq!(body[1].operands.len(), 2);
    }

    #[test]
    fn syntax_error_names_rules() {
        let error = parse("network n { layer = unitary(x) }", FileId(0)).unwrap_err();
        assert_eq!(error.found, "`=`");
        assert_eq!(error.expected, vec!["a name".to_string()]);
    }

    #[test]
    fn keyword_is_not_a_name() {
        assert!(parse("network n { layer output = detect(x) }", FileId(0)).is_err());
    }
}
