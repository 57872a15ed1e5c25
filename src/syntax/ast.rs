//! Abstract syntax tree of a `.pnn` file, as written, before any name resolution.

use crate::source::Span;

/// A whole `.pnn` file: networks and file-level constants, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `network NAME { … }`
    Network(Network),
    /// `const NAME = EXPR` at file level, visible in every network.
    Const(ConstDecl),
}

/// `network NAME { STATEMENT* }`
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub name: Ident,
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `target photonic(mesh = clements)`
    Target(TargetDecl),
    /// `input x: optical[16]`
    Input(InputDecl),
    /// `layer u = unitary(x, load("u.npy"))`
    Layer(LayerDecl),
    /// `output u` or `output detect(logits)`
    Output(OutputDecl),
    /// `const theta = pi / 4`
    Const(ConstDecl),
}

/// `target KIND(OPTION = VALUE, …)`
#[derive(Debug, Clone, PartialEq)]
pub struct TargetDecl {
    pub kind: Ident,
    pub options: Vec<Argument>,
    pub span: Span,
}

/// `input NAME: TYPE[WIDTH]`
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    pub name: Ident,
    pub ty: Ident,
    pub width: Expr,
    pub span: Span,
}

/// `layer NAME = KIND(ARGS) BODY?`
#[derive(Debug, Clone, PartialEq)]
pub struct LayerDecl {
    pub name: Ident,
    pub call: Call,
    /// Gate statements of a `circuit` layer, `{ h q[0]; … }`.
    pub body: Option<Vec<GateStmt>>,
    pub span: Span,
}

/// `output EXPR`
#[derive(Debug, Clone, PartialEq)]
pub struct OutputDecl {
    pub value: Expr,
    pub span: Span,
}

/// `const NAME = EXPR`
#[derive(Debug, Clone, PartialEq)]
pub struct ConstDecl {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `NAME(PARAMS)? OPERAND, …;` inside a circuit body, e.g. `rz(pi / 4) q[1];`
#[derive(Debug, Clone, PartialEq)]
pub struct GateStmt {
    pub name: Ident,
    pub params: Vec<Expr>,
    pub operands: Vec<Operand>,
    pub span: Span,
}

/// `q` or `q[INDEX]`
#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    pub register: Ident,
    pub index: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `NAME(ARG, …, OPTION = VALUE, …)`
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub callee: Ident,
    pub args: Vec<Argument>,
    pub span: Span,
}

/// A positional (`EXPR`) or named (`NAME = EXPR`) argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub name: Option<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `2`, `0.5`, `1e-3`
    Number(f64),
    /// `0.5i`: the imaginary part of a complex literal.
    Imaginary(f64),
    /// `"weights/w1.npy"`, escapes already resolved.
    String(String),
    /// `pi`, `x`, `clements`
    Name(String),
    /// `[1, 2]`, `[[1, 0], [0, 1]]`
    List(Vec<Expr>),
    /// `load("u.npy")`, `sqrt(2)`
    Call(Call),
    /// `-x`
    Neg(Box<Expr>),
    /// `a + b - c`, `a * b / c`: a run of `+ -` or of `* /` operators, evaluated left to
    /// right. The run is stored flat, so a sum of many terms adds one level to the tree.
    Chain(Box<Expr>, Vec<(BinaryOp, Expr)>),
    /// `a ^ b`, the only operator stored as a binary node (a chain of `^` is
    /// right-associative, so `2^3^2` is `2^(3^2)`).
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Pow => "^",
        }
    }
}
