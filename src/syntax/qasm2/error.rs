//! Errors found while parsing and expanding an OpenQASM 2 program, and their diagnostics.
//!
//! Codes are shared with the `.pnn` checker where the meaning is the same (E0001 for syntax,
//! E0002 for unknown names, …); `docs/diagnostics.md` lists them all.

use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// A problem in an imported OpenQASM 2 program; every span points into the `.qasm` file.
#[derive(Debug, Clone, PartialEq)]
pub enum Qasm2Error {
    /// `qreg q[2]` without the `;`, or `h q[0]` inside a gate body.
    Syntax {
        expected: String,
        /// The text found, quoted, or `end of file`.
        found: String,
        span: Span,
    },
    /// `foo q[0];` without a definition of `foo`, or `h r;` without `qreg r[…]`.
    UnknownName {
        name: String,
        /// "gate", "quantum register", "classical register", "parameter", "qubit argument".
        expected: &'static str,
        span: Span,
        help: String,
    },
    /// `qreg q[2]; qreg q[3];`, a gate defined twice, or `gate g a, a { … }`.
    DuplicateName {
        name: String,
        span: Span,
        /// The first definition; `None` when it is a built-in gate of `qelib1.inc`.
        previous: Option<Span>,
    },
    /// `cx a, b;` where the registers `a` and `b` differ in size, or `measure q -> c;` where
    /// `c` has fewer bits than `q` has qubits.
    SizeMismatch {
        first: String,
        first_size: usize,
        first_span: Span,
        second: String,
        second_size: usize,
        span: Span,
    },
    /// `rz(1/0) q[0];`: a parameter that evaluates to infinity or NaN.
    NonFinite {
        value: f64,
        span: Span,
        /// The gate call that bound the parameters, when the expression is in a gate body.
        call: Option<Span>,
    },
    /// `h c;` where `c` is a classical register, or `measure q -> r;` with `r` a qubit register.
    WrongRegisterKind {
        name: String,
        expected: &'static str,
        found: &'static str,
        span: Span,
        declaration: Span,
    },
    /// `h q[4];` on `qreg q[4]`.
    IndexOutOfRange {
        register: String,
        index: usize,
        size: usize,
        span: Span,
        declaration: Span,
    },
    /// `cx q[1], q[1];` or `cx q, q;`.
    RepeatedQubit {
        qubit: String,
        span: Span,
        first: Span,
    },
    /// `cx q[0];` or `rz q[0];`
    GateArity {
        gate: String,
        qubits: usize,
        params: usize,
        found_qubits: usize,
        found_params: usize,
        span: Span,
        /// The user definition of the gate; `None` for built-in gates.
        definition: Option<Span>,
    },
    /// `reset q[0];`, `if (c == 1) x q[0];`, or `measure q[0] -> c[0];` followed by a gate on
    /// `q[0]`.
    NotUnitary {
        /// `reset`, `if` or `measure`.
        statement: &'static str,
        span: Span,
        /// For a measurement, the first later gate on the measured qubit.
        later_gate: Option<Span>,
    },
    /// `include "mygates.inc";`: pnn has only `qelib1.inc` built in.
    UnsupportedInclude { path: String, span: Span },
    /// `OPENQASM 3.0;`
    UnsupportedVersion { version: String, span: Span },
    /// A call of a gate declared `opaque`, which has no definition to expand.
    OpaqueGate {
        name: String,
        span: Span,
        declaration: Span,
    },
    /// A program whose gate definitions expand to more than `limit` gates.
    TooManyGates { limit: usize, span: Span },
}

impl Qasm2Error {
    /// Returns the stable diagnostic code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Qasm2Error::Syntax { .. } => "E0001",
            Qasm2Error::UnknownName { .. } => "E0002",
            Qasm2Error::DuplicateName { .. } => "E0003",
            Qasm2Error::SizeMismatch { .. } => "E0004",
            Qasm2Error::NonFinite { .. } => "E0009",
            Qasm2Error::WrongRegisterKind { .. } => "E0013",
            Qasm2Error::IndexOutOfRange { .. } => "E0016",
            Qasm2Error::RepeatedQubit { .. } => "E0017",
            Qasm2Error::GateArity { .. } => "E0018",
            Qasm2Error::NotUnitary { .. } => "E0020",
            Qasm2Error::UnsupportedInclude { .. }
            | Qasm2Error::UnsupportedVersion { .. }
            | Qasm2Error::OpaqueGate { .. }
            | Qasm2Error::TooManyGates { .. } => "E0021",
        }
    }

    /// Returns the span of the fault in the `.qasm` file.
    pub fn span(&self) -> Span {
        match self {
            Qasm2Error::Syntax { span, .. }
            | Qasm2Error::UnknownName { span, .. }
            | Qasm2Error::DuplicateName { span, .. }
            | Qasm2Error::SizeMismatch { span, .. }
            | Qasm2Error::NonFinite { span, .. }
            | Qasm2Error::WrongRegisterKind { span, .. }
            | Qasm2Error::IndexOutOfRange { span, .. }
            | Qasm2Error::RepeatedQubit { span, .. }
            | Qasm2Error::GateArity { span, .. }
            | Qasm2Error::NotUnitary { span, .. }
            | Qasm2Error::UnsupportedInclude { span, .. }
            | Qasm2Error::UnsupportedVersion { span, .. }
            | Qasm2Error::OpaqueGate { span, .. }
            | Qasm2Error::TooManyGates { span, .. } => *span,
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        match self {
            Qasm2Error::Syntax {
                expected,
                found,
                span,
            } => Diagnostic::error(code, format!("expected {expected}, found {found}"), *span)
                .with_label(format!("expected {expected} here"))
                .with_help("see docs/language.md, \"Importing OpenQASM 2\", for the statements pnn reads"),
            Qasm2Error::UnknownName {
                name,
                expected,
                span,
                help,
            } => Diagnostic::error(code, format!("unknown {expected} `{name}`"), *span)
                .with_label(format!("no {expected} named `{name}`"))
                .with_help(help.clone()),
            Qasm2Error::DuplicateName {
                name,
                span,
                previous,
            } => {
                let diagnostic =
                    Diagnostic::error(code, format!("the name `{name}` is defined twice"), *span)
                        .with_label("defined again here");
                match previous {
                    Some(previous) => diagnostic
                        .with_secondary(*previous, "first defined here")
                        .with_help(format!("rename one of the two definitions of `{name}`")),
                    None => diagnostic
                        .with_note(format!("`{name}` is a gate of qelib1.inc"))
                        .with_help("give the gate another name"),
                }
            }
            Qasm2Error::SizeMismatch {
                first,
                first_size,
                first_span,
                second,
                second_size,
                span,
            } => Diagnostic::error(
                code,
                format!("width mismatch: expected {first_size}, found {second_size}"),
                *span,
            )
            .with_label(format!("`{second}` has size {second_size}"))
            .with_secondary(*first_span, format!("`{first}` has size {first_size}"))
            .with_help("registers in one statement must have the same size; index single qubits or bits such as `q[0]` otherwise"),
            Qasm2Error::NonFinite { value, span, call } => {
                let diagnostic = Diagnostic::error(code, format!("the parameter is `{value}`"), *span)
                    .with_label("not a finite number");
                let diagnostic = match call {
                    Some(call) => diagnostic.with_secondary(*call, "with the parameters of this call"),
                    None => diagnostic,
                };
                diagnostic.with_help("avoid division by zero and logarithms of zero or negative numbers")
            }
            Qasm2Error::WrongRegisterKind {
                name,
                expected,
                found,
                span,
                declaration,
            } => Diagnostic::error(
                code,
                format!("expected {expected}, found the {found} `{name}`"),
                *span,
            )
            .with_label(format!("this is a {found}"))
            .with_secondary(*declaration, "declared here")
            .with_help(format!("use {expected} here")),
            Qasm2Error::IndexOutOfRange {
                register,
                index,
                size,
                span,
                declaration,
            } => Diagnostic::error(
                code,
                format!("index {index} is out of range for the register `{register}` of size {size}"),
                *span,
            )
            .with_label(format!("valid indices are 0 to {}", size.saturating_sub(1)))
            .with_secondary(*declaration, "declared here")
            .with_help("use an index below the register size, or enlarge the register"),
            Qasm2Error::RepeatedQubit { qubit, span, first } => {
                Diagnostic::error(code, format!("qubit `{qubit}` appears twice in one gate"), *span)
                    .with_label(format!("repeats `{qubit}`"))
                    .with_secondary(*first, "first used here")
                    .with_help("a gate acts on distinct qubits: use another qubit for this operand")
            }
            Qasm2Error::GateArity {
                gate,
                qubits,
                params,
                found_qubits,
                found_params,
                span,
                definition,
            } => {
                let diagnostic = Diagnostic::error(
                    code,
                    format!(
                        "`{gate}` takes {} and {}, found {} and {}",
                        plural(*qubits, "qubit"),
                        plural(*params, "parameter"),
                        plural(*found_qubits, "qubit"),
                        plural(*found_params, "parameter")
                    ),
                    *span,
                )
                .with_label("wrong number of qubits or parameters");
                let diagnostic = match definition {
                    Some(definition) => diagnostic.with_secondary(*definition, "defined here"),
                    None => diagnostic,
                };
                diagnostic.with_help(gate_usage(gate, *qubits, *params))
            }
            Qasm2Error::NotUnitary {
                statement,
                span,
                later_gate,
            } => {
                let (message, label) = match *statement {
                    "measure" => (
                        "a measurement before the end of the circuit is not unitary",
                        "the measured qubit is used again later",
                    ),
                    "reset" => ("`reset` is not unitary", "resets a qubit"),
                    _ => (
                        "a classically controlled `if` is not unitary",
                        "depends on a measurement",
                    ),
                };
                let diagnostic = Diagnostic::error(code, message, *span).with_label(label);
                let diagnostic = match later_gate {
                    Some(later) => diagnostic.with_secondary(*later, "a later gate on the measured qubit"),
                    None => diagnostic,
                };
                diagnostic
                    .with_note("a `circuit` layer must be unitary; only measurements after the last gate on a qubit are allowed, and pnn drops them")
                    .with_help("remove the statement, or split the program at it and import the unitary part")
            }
            Qasm2Error::UnsupportedInclude { path, span } => {
                Diagnostic::error(code, format!("cannot include `{path}`"), *span)
                    .with_label("only qelib1.inc is built in")
                    .with_help("copy the gate definitions of the included file into the program")
            }
            Qasm2Error::UnsupportedVersion { version, span } => {
                Diagnostic::error(code, format!("expected OpenQASM version 2.0, found {version}"), *span)
                    .with_label("unsupported version")
                    .with_help("pnn imports OpenQASM 2.0 programs; write `OPENQASM 2.0;`")
            }
            Qasm2Error::OpaqueGate {
                name,
                span,
                declaration,
            } => Diagnostic::error(code, format!("the opaque gate `{name}` has no definition"), *span)
                .with_label("cannot expand this call")
                .with_secondary(*declaration, "declared `opaque` here")
                .with_help(format!("define `{name}` with `gate {name} … {{ … }}` in place of `opaque`")),
            Qasm2Error::TooManyGates { limit, span } => Diagnostic::error(
                code,
                format!("the program expands to more than {limit} gates"),
                *span,
            )
            .with_label("the limit is exceeded in this statement")
            .with_help("split the program, or flatten nested gate definitions that repeat many gates"),
        }
    }
}

/// Returns "1 qubit", "2 qubits", "0 parameters".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Returns an example call of a gate with the right operand and parameter counts.
fn gate_usage(gate: &str, qubits: usize, params: usize) -> String {
    let params = match params {
        0 => String::new(),
        n => format!("({})", vec!["pi/2"; n].join(", ")),
    };
    let operands: Vec<String> = (0..qubits).map(|i| format!("q[{i}]")).collect();
    format!("write `{gate}{params} {};`", operands.join(", "))
}
