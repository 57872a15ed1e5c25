//! Parsing: pest grammar (`grammar/pnn.pest`) to the AST.

use std::cell::Cell;
use std::collections::VecDeque;

use pest::Parser;
use pest::iterators::Pair;

use super::ast::*;
use super::error::{Nesting, SyntaxError};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/pnn.pest"]
pub(crate) struct PnnParser;

/// Parses a whole file; `file` is the id its spans refer to.
pub fn parse(source: &str, file: FileId) -> Result<File, SyntaxError> {
    check_bracket_depth(source, file)?;
    let mut pairs = PnnParser::parse(Rule::file, source)
        .map_err(|error| SyntaxError::from_pest(error, source, file))?;
    let builder = Builder {
        file,
        too_deep: Cell::new(None),
    };
    let root = pairs
        .next()
        .expect("the file rule always produces one pair");
    let items = children(root)
        .filter(|pair| pair.as_rule() != Rule::EOI)
        .map(|pair| builder.item(pair))
        .collect();
    if let Some(span) = builder.too_deep.get() {
        return Err(SyntaxError::too_deep(
            span,
            Nesting::Expression(MAX_EXPRESSION_DEPTH),
        ));
    }
    Ok(File { items })
}

/// Deepest bracket nesting the parser accepts; the grammar and the AST builder recurse once
/// per level, so deeper input could overflow the stack.
const MAX_BRACKET_DEPTH: usize = 256;

/// Deepest expression tree the parser builds, because the checker evaluates the tree
/// recursively. Signs, `^`, calls, lists and each run of `+ -` or `* /` add one level, so a
/// sum of any number of terms is one level.
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
                        Nesting::Brackets(MAX_BRACKET_DEPTH),
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
    /// The first expression found deeper than [`MAX_EXPRESSION_DEPTH`]. The builder puts a
    /// placeholder in its place, so that no deeper tree is ever built.
    too_deep: Cell<Option<Span>>,
}

/// An expression under construction and the number of levels of its tree.
struct Node {
    expr: Expr,
    height: usize,
}

/// The children of an `expr` pair: signs, operands and operators in source order.
type Tokens<'i> = VecDeque<Pair<'i, Rule>>;

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
        self.call_node(pair).0
    }

    /// Builds a call and returns it with the height of its deepest argument.
    fn call_node(&self, pair: Pair<Rule>) -> (Call, usize) {
        let span = self.span(&pair);
        let mut inner = children(pair);
        let callee = self.ident(inner.next().unwrap());
        let (args, height) = self.arguments_node(inner.next().unwrap());
        (Call { callee, args, span }, height)
    }

    fn arguments(&self, pair: Pair<Rule>) -> Vec<Argument> {
        self.arguments_node(pair).0
    }

    /// Builds an argument list and returns it with the height of its deepest value.
    fn arguments_node(&self, pair: Pair<Rule>) -> (Vec<Argument>, usize) {
        let mut height = 0;
        let arguments = children(pair)
            .map(|argument| {
                let span = self.span(&argument);
                let mut inner = children(argument).collect::<Vec<_>>();
                let value = self.expr_node(inner.pop().unwrap());
                height = height.max(value.height);
                let name = inner.pop().map(|name| self.ident(name));
                Argument {
                    name,
                    value: value.expr,
                    span,
                }
            })
            .collect();
        (arguments, height)
    }

    fn expr(&self, pair: Pair<Rule>) -> Expr {
        self.expr_node(pair).expr
    }

    /// Builds an expression without recursion over its operators: only parentheses, calls
    /// and lists recurse, and the bracket limit bounds those.
    fn expr_node(&self, pair: Pair<Rule>) -> Node {
        debug_assert_eq!(pair.as_rule(), Rule::expr);
        let mut tokens: Tokens = children(pair).collect();
        self.sum(&mut tokens)
    }

    /// Builds `product (('+' | '-') product)*`, the lowest precedence level.
    fn sum(&self, tokens: &mut Tokens) -> Node {
        let first = self.product(tokens);
        let mut rest = Vec::new();
        while let Some(op) = next_operator(tokens, &[Rule::add, Rule::sub]) {
            rest.push((op, self.product(tokens)));
        }
        self.chain(first, rest)
    }

    /// Builds `power (('*' | '/') power)*`.
    fn product(&self, tokens: &mut Tokens) -> Node {
        let first = self.power(tokens);
        let mut rest = Vec::new();
        while let Some(op) = next_operator(tokens, &[Rule::mul, Rule::div]) {
            rest.push((op, self.power(tokens)));
        }
        self.chain(first, rest)
    }

    fn chain(&self, first: Node, rest: Vec<(BinaryOp, Node)>) -> Node {
        let Some((_, last)) = rest.last() else {
            return first;
        };
        let span = first.expr.span.to(last.expr.span);
        let deepest = rest.iter().map(|(_, operand)| operand.height);
        let height = 1 + deepest.fold(first.height, usize::max);
        let rest = rest
            .into_iter()
            .map(|(op, operand)| (op, operand.expr))
            .collect();
        let kind = ExprKind::Chain(Box::new(first.expr), rest);
        self.limit(Node {
            expr: Expr { kind, span },
            height,
        })
    }

    /// Builds `sign* primary ('^' sign* primary)*`. A sign binds more loosely than `^` on its
    /// right and `^` is right-associative, so `-2^2` is `-(2^2)` and `2^3^2` is `2^(3^2)`.
    fn power(&self, tokens: &mut Tokens) -> Node {
        let mut levels = Vec::new();
        loop {
            let mut signs = Vec::new();
            while matches!(
                tokens.front().map(Pair::as_rule),
                Some(Rule::neg | Rule::pos)
            ) {
                signs.extend(tokens.pop_front());
            }
            let base = tokens
                .pop_front()
                .expect("the grammar puts an operand after every operator and sign");
            levels.push((signs, self.primary(base)));
            if next_operator(tokens, &[Rule::pow]).is_none() {
                break;
            }
        }
        let (signs, base) = levels.pop().expect("the loop pushes at least one level");
        let mut node = self.signed(signs, base);
        while let Some((signs, base)) = levels.pop() {
            let span = base.expr.span.to(node.expr.span);
            let height = 1 + base.height.max(node.height);
            let kind = ExprKind::Binary(BinaryOp::Pow, Box::new(base.expr), Box::new(node.expr));
            node = self.limit(Node {
                expr: Expr { kind, span },
                height,
            });
            node = self.signed(signs, node);
        }
        node
    }

    /// Applies the signs before an operand, innermost first. A `+` only widens the span.
    fn signed(&self, signs: Vec<Pair<Rule>>, operand: Node) -> Node {
        let mut node = operand;
        for sign in signs.iter().rev() {
            let span = self.span(sign).to(node.expr.span);
            node = match sign.as_rule() {
                Rule::neg => self.limit(Node {
                    expr: Expr {
                        kind: ExprKind::Neg(Box::new(node.expr)),
                        span,
                    },
                    height: node.height + 1,
                }),
                _ => Node {
                    expr: Expr { span, ..node.expr },
                    height: node.height,
                },
            };
        }
        node
    }

    /// Replaces a node deeper than [`MAX_EXPRESSION_DEPTH`] with a placeholder and records
    /// the first such node, which `parse` reports.
    fn limit(&self, node: Node) -> Node {
        if node.height <= MAX_EXPRESSION_DEPTH {
            return node;
        }
        let span = node.expr.span;
        if self.too_deep.get().is_none() {
            self.too_deep.set(Some(span));
        }
        Node {
            expr: Expr {
                kind: ExprKind::Number(0.0),
                span,
            },
            height: 1,
        }
    }

    fn primary(&self, pair: Pair<Rule>) -> Node {
        let span = self.span(&pair);
        let (kind, height) = match pair.as_rule() {
            Rule::number => (ExprKind::Number(parse_number(pair.as_str())), 1),
            Rule::imaginary => {
                let number = children(pair).next().unwrap();
                (ExprKind::Imaginary(parse_number(number.as_str())), 1)
            }
            Rule::string => {
                let inner = children(pair).next().unwrap();
                (ExprKind::String(unescape(inner.as_str())), 1)
            }
            Rule::ident => (ExprKind::Name(pair.as_str().to_string()), 1),
            Rule::call => {
                let (call, height) = self.call_node(pair);
                (ExprKind::Call(call), height + 1)
            }
            Rule::list => {
                let items: Vec<Node> = children(pair).map(|item| self.expr_node(item)).collect();
                let height = 1 + items.iter().map(|item| item.height).max().unwrap_or(0);
                let items = items.into_iter().map(|item| item.expr).collect();
                (ExprKind::List(items), height)
            }
            Rule::expr => return self.expr_node(pair),
            rule => unreachable!("grammar produced {rule:?} as a primary"),
        };
        self.limit(Node {
            expr: Expr { kind, span },
            height,
        })
    }
}

/// Takes the next token if it is one of the operators `rules`.
fn next_operator(tokens: &mut Tokens, rules: &[Rule]) -> Option<BinaryOp> {
    let rule = tokens.front()?.as_rule();
    if !rules.contains(&rule) {
        return None;
    }
    tokens.pop_front();
    Some(match rule {
        Rule::add => BinaryOp::Add,
        Rule::sub => BinaryOp::Sub,
        Rule::mul => BinaryOp::Mul,
        Rule::div => BinaryOp::Div,
        Rule::pow => BinaryOp::Pow,
        rule => unreachable!("{rule:?} is not an infix operator"),
    })
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
        let ExprKind::Chain(left, rest) = &z.value.kind else {
            panic!("expected a subtraction, got {:?}", z.value.kind)
        };
        assert_eq!(left.kind, ExprKind::Number(1.0));
        let [(BinaryOp::Sub, right)] = rest.as_slice() else {
            panic!("expected one subtraction, got {rest:?}")
        };
        assert_eq!(right.kind, ExprKind::Imaginary(0.5));

        let Item::Const(w) = &file.items[1] else {
            panic!()
        };
        let ExprKind::Chain(left, rest) = &w.value.kind else {
            panic!("expected a product, got {:?}", w.value.kind)
        };
        assert!(matches!(rest.as_slice(), [(BinaryOp::Mul, _)]));
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

    /// Returns the value of the first `const` of a file.
    fn const_value(file: &File) -> &Expr {
        let Some(Item::Const(decl)) = file.items.first() else {
            panic!("expected a const first")
        };
        &decl.value
    }

    #[test]
    fn operator_runs_are_flat() {
        let file = parse_ok("const c = 1 + 2 * 3 * 4 - 5 / 6");
        let ExprKind::Chain(first, rest) = &const_value(&file).kind else {
            panic!("expected a chain")
        };
        assert_eq!(first.kind, ExprKind::Number(1.0));
        let ops: Vec<BinaryOp> = rest.iter().map(|(op, _)| *op).collect();
        assert_eq!(ops, [BinaryOp::Add, BinaryOp::Sub]);
        let ExprKind::Chain(_, product) = &rest[0].1.kind else {
            panic!(
                "expected `2 * 3 * 4` as one chain, got {:?}",
                rest[0].1.kind
            )
        };
        assert_eq!(product.len(), 2);
        assert!(matches!(rest[1].1.kind, ExprKind::Chain(_, _)));
    }

    #[test]
    fn power_is_right_associative() {
        let file = parse_ok("const c = 2 ^ -3 ^ 4");
        let ExprKind::Binary(BinaryOp::Pow, base, exponent) = &const_value(&file).kind else {
            panic!("expected a power")
        };
        assert_eq!(base.kind, ExprKind::Number(2.0));
        let ExprKind::Neg(inner) = &exponent.kind else {
            panic!("expected `-(3 ^ 4)`, got {:?}", exponent.kind)
        };
        assert!(matches!(inner.kind, ExprKind::Binary(BinaryOp::Pow, _, _)));
    }

    #[test]
    fn long_flat_sum_parses() {
        let terms = 300_000;
        let source = format!("const c = {}", vec!["1"; terms].join(" + "));
        let file = parse_ok(&source);
        let ExprKind::Chain(_, rest) = &const_value(&file).kind else {
            panic!("expected a chain")
        };
        assert_eq!(rest.len(), terms - 1);
    }

    #[test]
    fn sign_run_at_limit_parses() {
        let source = format!("const c = {}1", "-".repeat(MAX_EXPRESSION_DEPTH - 1));
        parse_ok(&source);
    }

    #[test]
    fn sign_run_beyond_limit_is_rejected() {
        for operator in ["-", "2 ^ "] {
            let source = format!("const c = {}1", operator.repeat(200_000));
            let error = parse(&source, FileId(0)).unwrap_err();
            assert_eq!(
                error.too_deep,
                Some(Nesting::Expression(MAX_EXPRESSION_DEPTH)),
                "{operator}"
            );
        }
    }

    #[test]
    fn nesting_across_parentheses_is_counted() {
        // 112 parentheses, within the bracket limit, each with nine signs: 1008 levels.
        let levels = 112;
        let opening = format!("{}(", "-".repeat(9)).repeat(levels);
        let source = format!("const c = {opening}1{}", ")".repeat(levels));
        let error = parse(&source, FileId(0)).unwrap_err();
        assert_eq!(
            error.too_deep,
            Some(Nesting::Expression(MAX_EXPRESSION_DEPTH))
        );
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
