//! Recursive-descent parser of OpenQASM 2.0 tokens into the program's syntax tree.

use super::ast::*;
use super::error::Qasm2Error;
use super::lexer::{Token, TokenKind, tokenize};
use super::version::declared_version;
use crate::source::{FileId, Span};

/// Parses a whole program; `file` is the id its spans refer to. Stops at the first syntax
/// error, unless the file starts with a header that declares a version other than 2.0. Then
/// the version error replaces the syntax error, because such a program is probably
/// OpenQASM 3.
pub fn parse(text: &str, file: FileId) -> Result<Program, Qasm2Error> {
    parse_version_2(text, file).map_err(|syntax_error| {
        let version = declared_version(text).map(|range| {
            let span = Span::new(file, range.clone());
            (text[range].to_string(), span)
        });
        version
            .as_ref()
            .and_then(unsupported_version)
            .unwrap_or(syntax_error)
    })
}

fn parse_version_2(text: &str, file: FileId) -> Result<Program, Qasm2Error> {
    let tokens = tokenize(text).map_err(|error| Qasm2Error::Syntax {
        expected: error.expected.to_string(),
        found: quote(&text[error.range.clone()]),
        span: Span::new(file, error.range.clone()),
    })?;
    Parser::new(text, tokens, file).program()
}

/// Returns the E0021 error for a header version other than `2.0` (or `2`).
pub(super) fn unsupported_version((version, span): &(String, Span)) -> Option<Qasm2Error> {
    if version == "2.0" || version == "2" {
        return None;
    }
    Some(Qasm2Error::UnsupportedVersion {
        version: version.clone(),
        span: *span,
    })
}

/// Maximum nesting of parentheses, signs, powers and function calls in an expression, which
/// bounds the parser's recursion.
const MAX_EXPRESSION_DEPTH: usize = 100;

/// Statement keywords, which are not gate names.
const KEYWORDS: [&str; 10] = [
    "OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure", "reset", "barrier", "if",
];

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    position: usize,
    file: FileId,
    /// Current nesting of the expression being parsed.
    depth: usize,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, tokens: Vec<Token>, file: FileId) -> Self {
        Parser {
            text,
            tokens,
            position: 0,
            file,
            depth: 0,
        }
    }

    fn peek(&self) -> &Token {
        &self.tokens[self.position]
    }

    fn peek_text(&self) -> &str {
        &self.text[self.peek().range.clone()]
    }

    fn advance(&mut self) -> Token {
        let token = self.tokens[self.position].clone();
        if token.kind != TokenKind::End {
            self.position += 1;
        }
        token
    }

    fn span(&self, token: &Token) -> Span {
        Span::new(self.file, token.range.clone())
    }

    /// Returns the span from the start of `start` to the end of the last consumed token.
    fn span_from(&self, start: Span) -> Span {
        let end = self.tokens[self.position.saturating_sub(1)].range.end;
        Span::new(self.file, start.start as usize..end.max(start.end as usize))
    }

    fn error(&self, expected: &str) -> Qasm2Error {
        let token = self.peek();
        let found = match token.kind {
            TokenKind::End => "end of file".to_string(),
            _ => quote(self.peek_text()),
        };
        Qasm2Error::Syntax {
            expected: expected.to_string(),
            found,
            span: self.span(token),
        }
    }

    fn at_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek().kind, TokenKind::Symbol(found) if found == symbol)
    }

    fn at_keyword(&self, keyword: &str) -> bool {
        self.peek().kind == TokenKind::Name && self.peek_text() == keyword
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = self.at_symbol(symbol);
        if found {
            self.advance();
        }
        found
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<Span, Qasm2Error> {
        if !self.at_symbol(symbol) {
            return Err(self.error(&format!("`{symbol}`")));
        }
        let token = self.advance();
        Ok(self.span(&token))
    }

    fn expect_keyword(&mut self, keyword: &str) -> Result<Span, Qasm2Error> {
        if !self.at_keyword(keyword) {
            return Err(self.error(&format!("`{keyword}`")));
        }
        let token = self.advance();
        Ok(self.span(&token))
    }

    fn ident(&mut self, what: &str) -> Result<Ident, Qasm2Error> {
        if self.peek().kind != TokenKind::Name || KEYWORDS.contains(&self.peek_text()) {
            return Err(self.error(what));
        }
        let token = self.advance();
        Ok(Ident {
            name: self.text[token.range.clone()].to_string(),
            span: self.span(&token),
        })
    }

    fn integer(&mut self, what: &str) -> Result<(u64, Span), Qasm2Error> {
        let TokenKind::Integer(value) = self.peek().kind else {
            return Err(self.error(what));
        };
        let token = self.advance();
        Ok((value, self.span(&token)))
    }

    /// Reads a register size or an index, which must fit a `usize`.
    fn size(&mut self, what: &str) -> Result<usize, Qasm2Error> {
        let (value, span) = self.integer(what)?;
        usize::try_from(value).map_err(|_| Qasm2Error::Syntax {
            expected: format!("{what} that fits in memory"),
            found: value.to_string(),
            span,
        })
    }

    fn program(&mut self) -> Result<Program, Qasm2Error> {
        let version = self.header()?;
        let mut statements = Vec::new();
        while self.peek().kind != TokenKind::End {
            statements.push(self.statement()?);
        }
        Ok(Program {
            version,
            statements,
        })
    }

    /// Reads the optional `OPENQASM VERSION;` header and returns the version and its span.
    fn header(&mut self) -> Result<Option<(String, Span)>, Qasm2Error> {
        if !self.at_keyword("OPENQASM") {
            return Ok(None);
        }
        self.advance();
        let token = self.advance();
        let text = &self.text[token.range.clone()];
        if !matches!(token.kind, TokenKind::Real(_) | TokenKind::Integer(_)) {
            self.position -= usize::from(token.kind != TokenKind::End);
            return Err(self.error("a version number such as `2.0`"));
        }
        let version = (text.to_string(), self.span(&token));
        self.expect_symbol(";")?;
        Ok(Some(version))
    }

    fn statement(&mut self) -> Result<Statement, Qasm2Error> {
        if self.peek().kind != TokenKind::Name {
            return Err(self.error("a statement"));
        }
        let start = self.span(&self.peek().clone());
        let statement = match self.peek_text() {
            "include" => {
                self.advance();
                let token = self.advance();
                let TokenKind::String(path) = token.kind.clone() else {
                    self.position -= usize::from(token.kind != TokenKind::End);
                    return Err(self.error("a file name in quotes"));
                };
                self.expect_symbol(";")?;
                Statement::Include {
                    path,
                    path_span: self.span(&token),
                    span: self.span_from(start),
                }
            }
            keyword @ ("qreg" | "creg") => {
                let quantum = keyword == "qreg";
                self.advance();
                let name = self.ident("a register name")?;
                self.expect_symbol("[")?;
                let size = self.size("a register size")?;
                self.expect_symbol("]")?;
                self.expect_symbol(";")?;
                let register = Register {
                    name,
                    size,
                    span: self.span_from(start),
                };
                if quantum {
                    Statement::QuantumRegister(register)
                } else {
                    Statement::ClassicalRegister(register)
                }
            }
            "gate" => Statement::GateDefinition(self.gate_definition(start)?),
            "opaque" => {
                self.advance();
                let name = self.ident("a gate name")?;
                let params = self.parameter_names()?;
                let qubits = self.name_list("a qubit name")?;
                self.expect_symbol(";")?;
                Statement::Opaque {
                    name,
                    params,
                    qubits,
                    span: self.span_from(start),
                }
            }
            "barrier" => {
                self.advance();
                let arguments = self.arguments(true)?;
                self.expect_symbol(";")?;
                Statement::Barrier {
                    arguments,
                    span: self.span_from(start),
                }
            }
            "if" => {
                self.advance();
                self.expect_symbol("(")?;
                let register = self.ident("a classical register name")?;
                self.expect_symbol("==")?;
                let (value, _) = self.integer("an integer")?;
                self.expect_symbol(")")?;
                if self.at_keyword("if") || !self.at_quantum_operation() {
                    return Err(self.error("a gate call, `measure` or `reset`"));
                }
                let body = Box::new(self.statement()?);
                Statement::If {
                    register,
                    value,
                    body,
                    span: self.span_from(start),
                }
            }
            "measure" => {
                self.advance();
                let qubit = self.argument(true)?;
                self.expect_symbol("->")?;
                let bit = self.argument(true)?;
                self.expect_symbol(";")?;
                Statement::Measure {
                    qubit,
                    bit,
                    span: self.span_from(start),
                }
            }
            "reset" => {
                self.advance();
                let qubit = self.argument(true)?;
                self.expect_symbol(";")?;
                Statement::Reset {
                    qubit,
                    span: self.span_from(start),
                }
            }
            "OPENQASM" => {
                return Err(self.error("a statement (the `OPENQASM` header comes first)"));
            }
            _ => Statement::Apply(self.gate_call(true)?),
        };
        Ok(statement)
    }

    /// Returns whether the next token starts a gate call, `measure` or `reset`, which are the
    /// statements `if` accepts.
    fn at_quantum_operation(&self) -> bool {
        self.peek().kind == TokenKind::Name
            && (matches!(self.peek_text(), "measure" | "reset")
                || !KEYWORDS.contains(&self.peek_text()))
    }

    fn gate_definition(&mut self, start: Span) -> Result<GateDefinition, Qasm2Error> {
        self.expect_keyword("gate")?;
        let name = self.ident("a gate name")?;
        let params = self.parameter_names()?;
        let qubits = self.name_list("a qubit name")?;
        self.expect_symbol("{")?;
        let mut body = Vec::new();
        while !self.eat_symbol("}") {
            if self.peek().kind != TokenKind::Name
                || (KEYWORDS.contains(&self.peek_text()) && !self.at_keyword("barrier"))
            {
                return Err(self.error("a gate call, `barrier` or `}`"));
            }
            let statement_start = self.span(&self.peek().clone());
            if self.eat_keyword("barrier") {
                let arguments = self.arguments(false)?;
                self.expect_symbol(";")?;
                body.push(Statement::Barrier {
                    arguments,
                    span: self.span_from(statement_start),
                });
            } else {
                body.push(Statement::Apply(self.gate_call(false)?));
            }
        }
        Ok(GateDefinition {
            name,
            params,
            qubits,
            body,
            span: self.span_from(start),
        })
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self.at_keyword(keyword);
        if found {
            self.advance();
        }
        found
    }

    /// Reads `(a, b, …)` after a gate name in a definition; none when there is no `(`.
    fn parameter_names(&mut self) -> Result<Vec<Ident>, Qasm2Error> {
        if !self.eat_symbol("(") {
            return Ok(Vec::new());
        }
        if self.eat_symbol(")") {
            return Ok(Vec::new());
        }
        let names = self.name_list("a parameter name")?;
        self.expect_symbol(")")?;
        Ok(names)
    }

    /// Reads `a, b, c`: one or more names separated by commas.
    fn name_list(&mut self, what: &str) -> Result<Vec<Ident>, Qasm2Error> {
        let mut names = vec![self.ident(what)?];
        while self.eat_symbol(",") {
            names.push(self.ident(what)?);
        }
        Ok(names)
    }

    /// Reads `NAME(PARAMS) ARGUMENTS;`; `indexed` allows `q[i]` arguments (outside gate bodies).
    fn gate_call(&mut self, indexed: bool) -> Result<GateCall, Qasm2Error> {
        let name = self.ident("a gate name")?;
        let mut params = Vec::new();
        if self.eat_symbol("(") && !self.eat_symbol(")") {
            params.push(self.expr()?);
            while self.eat_symbol(",") {
                params.push(self.expr()?);
            }
            self.expect_symbol(")")?;
        }
        let arguments = self.arguments(indexed)?;
        self.expect_symbol(";")?;
        let span = self.span_from(name.span);
        Ok(GateCall {
            name,
            params,
            arguments,
            span,
        })
    }

    fn arguments(&mut self, indexed: bool) -> Result<Vec<Argument>, Qasm2Error> {
        let mut arguments = vec![self.argument(indexed)?];
        while self.eat_symbol(",") {
            arguments.push(self.argument(indexed)?);
        }
        Ok(arguments)
    }

    /// Reads `q` or, when `indexed`, `q[INDEX]`.
    fn argument(&mut self, indexed: bool) -> Result<Argument, Qasm2Error> {
        let register = self.ident(if indexed {
            "a register name"
        } else {
            "a qubit name"
        })?;
        let mut index = None;
        if self.at_symbol("[") {
            if !indexed {
                return Err(self.error(
                    "`,` or `;` (gate bodies use the gate's qubit names, without indices)",
                ));
            }
            self.advance();
            index = Some(self.size("an index")?);
            self.expect_symbol("]")?;
        }
        let span = self.span_from(register.span);
        Ok(Argument {
            register,
            index,
            span,
        })
    }

    /// Parses `term (('+' | '-') term)*` into one flat chain, so that a sum of any length
    /// adds one level to the tree.
    fn expr(&mut self) -> Result<Expr, Qasm2Error> {
        let first = self.term()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.eat_symbol("+") {
                BinaryOp::Add
            } else if self.eat_symbol("-") {
                BinaryOp::Sub
            } else {
                return Ok(chain(first, rest));
            };
            rest.push((op, self.term()?));
        }
    }

    /// Parses `unary (('*' | '/') unary)*` into one flat chain.
    fn term(&mut self) -> Result<Expr, Qasm2Error> {
        let first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.eat_symbol("*") {
                BinaryOp::Mul
            } else if self.eat_symbol("/") {
                BinaryOp::Div
            } else {
                return Ok(chain(first, rest));
            };
            rest.push((op, self.unary()?));
        }
    }

    /// Parses `'-' unary | power`, so that `-2^2` is `-(2^2)`. Every nested expression passes
    /// through here, so this is where the nesting depth is bounded.
    fn unary(&mut self) -> Result<Expr, Qasm2Error> {
        if self.depth >= MAX_EXPRESSION_DEPTH {
            return Err(self.error(&format!(
                "an expression nested at most {MAX_EXPRESSION_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        let result = self.unary_inner();
        self.depth -= 1;
        result
    }

    fn unary_inner(&mut self) -> Result<Expr, Qasm2Error> {
        if self.at_symbol("-") {
            let token = self.advance();
            let operand = self.unary()?;
            let span = self.span(&token).to(operand.span);
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(operand)),
                span,
            });
        }
        self.power()
    }

    /// Parses `primary ('^' unary)?`; `^` is right-associative, so `2^3^2` is `2^(3^2)`.
    fn power(&mut self) -> Result<Expr, Qasm2Error> {
        let base = self.primary()?;
        if !self.eat_symbol("^") {
            return Ok(base);
        }
        let exponent = self.unary()?;
        Ok(binary(BinaryOp::Pow, base, exponent))
    }

    fn primary(&mut self) -> Result<Expr, Qasm2Error> {
        let token = self.peek().clone();
        let span = self.span(&token);
        let kind = match &token.kind {
            TokenKind::Integer(value) => ExprKind::Number(*value as f64),
            TokenKind::Real(value) => ExprKind::Number(*value),
            TokenKind::Symbol("(") => {
                self.advance();
                let inner = self.expr()?;
                self.expect_symbol(")")?;
                return Ok(Expr {
                    kind: inner.kind,
                    span: self.span_from(span),
                });
            }
            TokenKind::Name => {
                let name = self.peek_text();
                if let Some(function) = Function::from_name(name) {
                    self.advance();
                    self.expect_symbol("(")?;
                    let argument = self.expr()?;
                    self.expect_symbol(")")?;
                    return Ok(Expr {
                        kind: ExprKind::Call(function, Box::new(argument)),
                        span: self.span_from(span),
                    });
                }
                if name == "pi" {
                    ExprKind::Pi
                } else if KEYWORDS.contains(&name) {
                    return Err(self.error("an expression"));
                } else {
                    ExprKind::Parameter(name.to_string())
                }
            }
            _ => return Err(self.error("an expression")),
        };
        self.advance();
        Ok(Expr { kind, span })
    }
}

fn chain(first: Expr, rest: Vec<(BinaryOp, Expr)>) -> Expr {
    let Some((_, last)) = rest.last() else {
        return first;
    };
    let span = first.span.to(last.span);
    Expr {
        kind: ExprKind::Chain(Box::new(first), rest),
        span,
    }
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr {
        kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
        span,
    }
}

fn quote(text: &str) -> String {
    format!("`{text}`")
}
