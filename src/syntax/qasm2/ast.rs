//! Syntax tree of an OpenQASM 2.0 program, as written.

use crate::source::Span;

/// A whole program: its optional `OPENQASM 2.0;` header and its statements in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// The version number of the `OPENQASM` header, e.g. `2.0`, and its span.
    pub version: Option<(String, Span)>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `include "qelib1.inc";`
    Include {
        path: String,
        path_span: Span,
        span: Span,
    },
    /// `qreg q[4];`
    QuantumRegister(Register),
    /// `creg c[4];`
    ClassicalRegister(Register),
    /// `gate NAME(PARAMS) QUBITS { BODY }`
    GateDefinition(GateDefinition),
    /// `opaque NAME(PARAMS) QUBITS;`
    Opaque {
        name: Ident,
        params: Vec<Ident>,
        qubits: Vec<Ident>,
        span: Span,
    },
    /// `h q[0];`, `U(0, 0, pi) q;`, `CX a, b;`
    Apply(GateCall),
    /// `measure q[0] -> c[0];` or `measure q -> c;`
    Measure {
        qubit: Argument,
        bit: Argument,
        span: Span,
    },
    /// `reset q[0];`
    Reset { qubit: Argument, span: Span },
    /// `barrier q, r[1];`
    Barrier {
        arguments: Vec<Argument>,
        span: Span,
    },
    /// `if (c == 1) x q[0];`
    If {
        register: Ident,
        value: u64,
        body: Box<Statement>,
        span: Span,
    },
}

/// `qreg NAME[SIZE];` or `creg NAME[SIZE];`
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub name: Ident,
    pub size: usize,
    pub span: Span,
}

/// `gate NAME(PARAMS) QUBITS { BODY }`; the body's arguments are the gate's qubit names.
#[derive(Debug, Clone, PartialEq)]
pub struct GateDefinition {
    pub name: Ident,
    pub params: Vec<Ident>,
    pub qubits: Vec<Ident>,
    /// Only [`Statement::Apply`] and [`Statement::Barrier`], whose arguments are qubit names
    /// of the gate without indices.
    pub body: Vec<Statement>,
    pub span: Span,
}

/// `NAME(PARAMS) ARGUMENTS;`, including the built-ins `U(θ, φ, λ) q;` and `CX a, b;`.
#[derive(Debug, Clone, PartialEq)]
pub struct GateCall {
    pub name: Ident,
    pub params: Vec<Expr>,
    pub arguments: Vec<Argument>,
    pub span: Span,
}

/// `q` (a whole register, or a qubit argument inside a gate body) or `q[INDEX]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub register: Ident,
    pub index: Option<usize>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
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
    /// `pi`
    Pi,
    /// A gate parameter, e.g. `theta`.
    Parameter(String),
    /// `-x`
    Neg(Box<Expr>),
    /// `a + b - c`, `a * b / c`: a run of `+ -` or of `* /` operators, evaluated left to
    /// right. The run is stored flat, so a sum of many terms adds one level to the tree.
    Chain(Box<Expr>, Vec<(BinaryOp, Expr)>),
    /// `a ^ b`, the only operator stored as a binary node.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `sin(x)`, `sqrt(x)`, …
    Call(Function, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// The unary functions of OpenQASM 2 expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Sin,
    Cos,
    Tan,
    Exp,
    Ln,
    Sqrt,
}

impl Function {
    pub fn from_name(name: &str) -> Option<Function> {
        Some(match name {
            "sin" => Function::Sin,
            "cos" => Function::Cos,
            "tan" => Function::Tan,
            "exp" => Function::Exp,
            "ln" => Function::Ln,
            "sqrt" => Function::Sqrt,
            _ => return None,
        })
    }

    pub fn apply(self, x: f64) -> f64 {
        match self {
            Function::Sin => x.sin(),
            Function::Cos => x.cos(),
            Function::Tan => x.tan(),
            Function::Exp => x.exp(),
            Function::Ln => x.ln(),
            Function::Sqrt => x.sqrt(),
        }
    }
}
