//! Checks of the layer kinds of quantum networks: `unitary`, `circuit`, `perceptrons` and
//! `measure`.

mod import;

pub use import::{drop_measured_at_output, with_sources};

use std::collections::HashSet;

use super::LayerKind;
use super::error::{CheckError, CheckWarning};
use super::integer::qubit_index;
use super::layers::{LayerContext, check_unitary_matrix, matrix};
use super::signature::Signature;
use super::value::{Evaluator, Value, type_mismatch};
use crate::ir::{CMatrix, Gate, QuantumTarget};
use crate::random::{SplitMix64, haar_unitary};
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind, GateStmt};

/// Most matrix entries that `perceptrons(…, seed = …)` draws in one layer (2^24 complex numbers,
/// 256 MiB): a Haar-random d × d unitary costs d² memory and O(d³) time.
const MAX_DRAWN_ENTRIES: u128 = 1 << 24;

/// Widest qubit register an `input q: qubit[N]` may declare (2^20). Lowering and the passes
/// keep tables with an entry per qubit, so a width near `u32::MAX` would need tens of GiB.
/// The limit leaves room to emit OpenQASM for circuits on many thousands of qubits.
pub const MAX_INPUT_QUBITS: usize = 1 << 20;

/// Layer kinds of quantum networks.
pub const KINDS: [&str; 4] = ["unitary", "circuit", "perceptrons", "measure"];

pub fn signature(kind: &str) -> Option<&'static Signature> {
    const SIGNATURES: [Signature; 4] = [
        Signature {
            name: "unitary",
            positional: &["input", "matrix"],
            named: &["qubits", "tolerance"],
            usage: "unitary(q, load(\"u.npy\"))",
        },
        Signature {
            name: "circuit",
            positional: &["input"],
            named: &["import"],
            usage: "circuit(q) { h q[0]; cx q[0], q[1]; }",
        },
        Signature {
            name: "perceptrons",
            positional: &["input"],
            named: &["width", "seed", "unitaries", "tolerance"],
            usage: "perceptrons(q, width = 3, seed = 1)",
        },
        Signature {
            name: "measure",
            positional: &["input"],
            named: &[],
            usage: "measure(q)",
        },
    ];
    SIGNATURES.iter().find(|signature| signature.name == kind)
}

/// A gate of a `circuit` layer, with operands relative to the layer's input register.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedGate {
    pub gate: Gate,
    pub qubits: Vec<usize>,
    pub span: Span,
}

/// Checks a quantum layer and returns its evaluated form and output width in qubits. A
/// `circuit` gate block returns an error for each invalid gate statement, including gates
/// that `target`'s basis cannot express, so those come in the same run as the others.
pub fn check_layer(
    layer: &LayerContext,
    evaluator: &Evaluator,
    target: Option<&QuantumTarget>,
    warnings: &mut Vec<CheckWarning>,
) -> Result<(LayerKind, Option<usize>), Vec<CheckError>> {
    match layer.kind {
        "unitary" => unitary(layer, evaluator, warnings).map_err(|error| vec![error]),
        "circuit" => {
            let gates = circuit(layer, evaluator, target, warnings)?;
            Ok((LayerKind::Circuit(gates), layer.width))
        }
        "perceptrons" => perceptrons(layer, evaluator, warnings).map_err(|error| vec![error]),
        "measure" => Ok((LayerKind::Measure, layer.width)),
        other => unreachable!("`{other}` has a signature but no check"),
    }
}

fn unitary(
    layer: &LayerContext,
    evaluator: &Evaluator,
    warnings: &mut Vec<CheckWarning>,
) -> Result<(LayerKind, Option<usize>), CheckError> {
    let expr = layer.argument("matrix");
    let matrix = matrix(evaluator, expr)?;
    let qubits = match layer.bound.get("qubits") {
        Some(list) => Some((qubit_list(evaluator, list, layer.width)?, list.span)),
        None => None,
    };
    let size = matrix.nrows();
    if matrix.ncols() != size || !size.is_power_of_two() || size < 2 {
        return Err(CheckError::BadShape {
            expected: "a square matrix whose size is a power of two (2^k for k qubits)".into(),
            found: format!("a {}×{} matrix", matrix.nrows(), matrix.ncols()),
            span: expr.span,
        });
    }
    let matrix_qubits = size.trailing_zeros() as usize;
    match (&qubits, layer.width) {
        (Some((list, list_span)), _) if list.len() != matrix_qubits => {
            return Err(CheckError::WidthMismatch {
                what: format!("the matrix is {size}×{size}, for {matrix_qubits} qubits"),
                expected: list.len(),
                found: matrix_qubits,
                span: expr.span,
                source_span: *list_span,
                source_label: format!("{} qubits listed here", list.len()),
            });
        }
        (None, Some(width)) if width != matrix_qubits => {
            return Err(CheckError::WidthMismatch {
                what: format!("the matrix is {size}×{size}, for {matrix_qubits} qubits"),
                expected: width,
                found: matrix_qubits,
                span: expr.span,
                source_span: layer.source_span,
                source_label: format!("`{}` has {width} qubits", layer.source),
            });
        }
        _ => {}
    }
    let matrix = check_unitary_matrix(layer, evaluator, matrix, expr, warnings)?;
    let qubits = match qubits {
        Some((list, _)) => list,
        None => (0..matrix_qubits).collect(),
    };
    Ok((LayerKind::QubitUnitary { matrix, qubits }, layer.width))
}

/// Evaluates `qubits = [i, j, …]`: distinct indices within the register.
fn qubit_list(
    evaluator: &Evaluator,
    expr: &Expr,
    width: Option<usize>,
) -> Result<Vec<usize>, CheckError> {
    let items = match evaluator.eval(expr)? {
        Value::Vector(items) => items,
        Value::Number(z) => vec![z],
        other => return Err(type_mismatch("a list of qubit indices", &other, expr)),
    };
    let mut seen = HashSet::new();
    let mut qubits = Vec::with_capacity(items.len());
    for (position, z) in items.iter().enumerate() {
        let index = qubit_index(*z, width, expr.span)?;
        if !seen.insert(index) {
            return Err(repeated_qubit(index, position, expr.span));
        }
        qubits.push(index);
    }
    Ok(qubits)
}

fn repeated_qubit(index: usize, position: usize, span: Span) -> CheckError {
    CheckError::RepeatedQubit {
        index,
        position,
        span,
    }
}

/// Checks the gate statements of a `circuit` layer, or the program it imports. Returns the
/// first error of each invalid gate statement of a block, where a gate that `target`'s basis
/// cannot express is also invalid.
fn circuit(
    layer: &LayerContext,
    evaluator: &Evaluator,
    target: Option<&QuantumTarget>,
    warnings: &mut Vec<CheckWarning>,
) -> Result<Vec<CheckedGate>, Vec<CheckError>> {
    if let Some(path) = layer.bound.get("import") {
        if let Some(body) = layer.body {
            let block = match (body.first(), body.last()) {
                (Some(first), Some(last)) => first.span.to(last.span),
                _ => layer.call.span,
            };
            return Err(vec![CheckError::BlockAndImport {
                import: path.span,
                block,
            }]);
        }
        return import::circuit(layer, evaluator, path, warnings).map_err(|error| vec![error]);
    }
    let Some(body) = layer.body else {
        return Err(vec![CheckError::MissingArgument {
            call: "circuit".into(),
            argument: "{ … } gate block` or `import",
            span: layer.call.span,
            usage: "circuit(q) { h q[0]; cx q[0], q[1]; }",
        }]);
    };
    let mut gates = Vec::with_capacity(body.len());
    let mut errors = Vec::new();
    for statement in body {
        let checked = gate(layer, evaluator, statement).and_then(|checked| {
            match target.and_then(|target| gate_basis_error(&checked, target)) {
                Some(error) => Err(error),
                None => Ok(checked),
            }
        });
        match checked {
            Ok(checked) => gates.push(checked),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(gates)
    } else {
        Err(errors)
    }
}

fn gate(
    layer: &LayerContext,
    evaluator: &Evaluator,
    statement: &GateStmt,
) -> Result<CheckedGate, CheckError> {
    let name = statement.name.name.as_str();
    let Some(&(_, qubit_count, param_count)) = GATES.iter().find(|(gate, ..)| *gate == name) else {
        // Names used by other tools get their standard equivalent as the only candidate.
        let alias = ALIASES
            .iter()
            .find(|(other, _)| *other == name)
            .map(|(_, standard)| vec![standard.to_string()]);
        return Err(CheckError::UnknownName {
            name: name.to_string(),
            expected: "gate",
            span: statement.name.span,
            candidates: alias
                .unwrap_or_else(|| GATES.iter().map(|(gate, ..)| gate.to_string()).collect()),
        });
    };
    if statement.params.len() != param_count || statement.operands.len() != qubit_count {
        return Err(CheckError::GateArity {
            gate: name.to_string(),
            qubits: qubit_count,
            params: param_count,
            found_qubits: statement.operands.len(),
            found_params: statement.params.len(),
            span: statement.span,
        });
    }
    let params = statement
        .params
        .iter()
        .map(|param| evaluator.real(param))
        .collect::<Result<Vec<f64>, _>>()?;

    let mut qubits = Vec::with_capacity(qubit_count);
    for (position, operand) in statement.operands.iter().enumerate() {
        if operand.register.name != layer.source {
            return Err(CheckError::UnknownName {
                name: operand.register.name.clone(),
                expected: "qubit register",
                span: operand.register.span,
                candidates: vec![layer.source.to_string()],
            });
        }
        let Some(index_expr) = &operand.index else {
            return Err(CheckError::InvalidValue {
                message: format!("operand `{}` has no qubit index", operand.register.name),
                label: "a whole register is not a gate operand".into(),
                span: operand.span,
                help: format!("write `{}[0]`", operand.register.name),
            });
        };
        let index = evaluator.number(index_expr)?;
        let index = qubit_index(index, layer.width, index_expr.span)?;
        if qubits.contains(&index) {
            return Err(repeated_qubit(index, position, operand.span));
        }
        qubits.push(index);
    }
    Ok(CheckedGate {
        gate: make_gate(name, &params),
        qubits,
        span: statement.span,
    })
}

/// Gate names accepted in `circuit` blocks, with their qubit and parameter counts.
const GATES: [(&str, usize, usize); 28] = [
    ("id", 1, 0),
    ("h", 1, 0),
    ("x", 1, 0),
    ("y", 1, 0),
    ("z", 1, 0),
    ("s", 1, 0),
    ("sdg", 1, 0),
    ("t", 1, 0),
    ("tdg", 1, 0),
    ("sx", 1, 0),
    ("sxdg", 1, 0),
    ("rx", 1, 1),
    ("ry", 1, 1),
    ("rz", 1, 1),
    ("p", 1, 1),
    ("u", 1, 3),
    ("u3", 1, 3),
    ("cx", 2, 0),
    ("cy", 2, 0),
    ("cz", 2, 0),
    ("ch", 2, 0),
    ("cp", 2, 1),
    ("crx", 2, 1),
    ("cry", 2, 1),
    ("crz", 2, 1),
    ("swap", 2, 0),
    ("ccx", 3, 0),
    ("cswap", 3, 0),
];

/// Gate names of other tools and their OpenQASM 3 standard names.
const ALIASES: [(&str, &str); 8] = [
    ("cnot", "cx"),
    ("CX", "cx"),
    ("toffoli", "ccx"),
    ("fredkin", "cswap"),
    ("phase", "p"),
    ("u1", "p"),
    ("cphase", "cp"),
    ("cu1", "cp"),
];

fn make_gate(name: &str, params: &[f64]) -> Gate {
    let p = |i: usize| params[i];
    match name {
        "id" => Gate::I,
        "h" => Gate::H,
        "x" => Gate::X,
        "y" => Gate::Y,
        "z" => Gate::Z,
        "s" => Gate::S,
        "sdg" => Gate::Sdg,
        "t" => Gate::T,
        "tdg" => Gate::Tdg,
        "sx" => Gate::Sx,
        "sxdg" => Gate::Sxdg,
        "rx" => Gate::Rx(p(0)),
        "ry" => Gate::Ry(p(0)),
        "rz" => Gate::Rz(p(0)),
        "p" => Gate::P(p(0)),
        "u" | "u3" => Gate::U(p(0), p(1), p(2)),
        "cx" => Gate::Cx,
        "cy" => Gate::Cy,
        "cz" => Gate::Cz,
        "ch" => Gate::Ch,
        "cp" => Gate::Cp(p(0)),
        "crx" => Gate::Crx(p(0)),
        "cry" => Gate::Cry(p(0)),
        "crz" => Gate::Crz(p(0)),
        "swap" => Gate::Swap,
        "ccx" => Gate::Ccx,
        "cswap" => Gate::Cswap,
        other => unreachable!("`{other}` is in GATES"),
    }
}

/// Checks `perceptrons(x, width = n, seed = s)` or `perceptrons(x, unitaries = [...])`.
fn perceptrons(
    layer: &LayerContext,
    evaluator: &Evaluator,
    warnings: &mut Vec<CheckWarning>,
) -> Result<(LayerKind, Option<usize>), CheckError> {
    let width = match layer.bound.get("width") {
        Some(expr) => Some((
            super::layers::positive_integer(evaluator, expr, "a perceptron layer width")?,
            expr.span,
        )),
        None => None,
    };
    let seed = layer.bound.get("seed");
    let loaded = layer.bound.get("unitaries");
    let unitaries: Vec<(CMatrix, &Expr)> = match (seed, loaded) {
        (Some(seed_expr), None) => {
            let Some((count, _)) = width else {
                return Err(CheckError::MissingArgument {
                    call: "perceptrons".into(),
                    argument: "width",
                    span: layer.call.span,
                    usage: "perceptrons(q, width = 3, seed = 1)",
                });
            };
            let Some(inputs) = layer.width else {
                // The input failed to check; the layer is discarded, only its width matters.
                return Ok((LayerKind::Perceptrons(Vec::new()), Some(count)));
            };
            // 4^(n+1) entries per unitary, `count` unitaries.
            let entries = (count as u128) << (2 * (inputs + 1)).min(127);
            if entries > MAX_DRAWN_ENTRIES {
                return Err(CheckError::InvalidValue {
                    message: format!(
                        "{count} perceptrons on {} qubits each are too large to draw from a seed",
                        inputs + 1
                    ),
                    label: format!(
                        "a layer may draw at most {MAX_DRAWN_ENTRIES} matrix entries (256 MiB)"
                    ),
                    span: seed_expr.span,
                    help: "load the perceptron unitaries with `unitaries = load(…)`, or narrow the layer".into(),
                });
            }
            let seed = seed_value(evaluator, seed_expr)?;
            let mut rng = SplitMix64::new(seed);
            let dimension = 1usize << (inputs + 1);
            (0..count)
                .map(|_| (haar_unitary(dimension, &mut rng), seed_expr))
                .collect()
        }
        (None, Some(list_expr)) => loaded_unitaries(evaluator, list_expr)?,
        (Some(seed_expr), Some(_)) => {
            return Err(CheckError::UnexpectedArgument {
                call: "perceptrons".into(),
                span: seed_expr.span,
                usage: "perceptrons(q, width = 3, seed = 1) or perceptrons(q, unitaries = load(\"layer.npy\"))",
            });
        }
        (None, None) => {
            return Err(CheckError::MissingArgument {
                call: "perceptrons".into(),
                argument: "seed` or `unitaries",
                span: layer.call.span,
                usage: "perceptrons(q, width = 3, seed = 1)",
            });
        }
    };
    if let Some((count, span)) = width
        && count != unitaries.len()
    {
        return Err(CheckError::InvalidValue {
            message: format!(
                "`width = {count}` but {} perceptron unitaries are given",
                unitaries.len()
            ),
            label: "does not match the number of unitaries".into(),
            span,
            help: "give one unitary per perceptron, or drop `width`".into(),
        });
    }

    let mut checked = Vec::with_capacity(unitaries.len());
    for (matrix, expr) in unitaries {
        let size = matrix.nrows();
        let perceptron_qubits = if matrix.ncols() == size && size.is_power_of_two() && size >= 4 {
            size.trailing_zeros() as usize
        } else {
            return Err(CheckError::BadShape {
                expected: "a square perceptron unitary of size 2^(m+1) for m input qubits".into(),
                found: format!("a {}×{} matrix", matrix.nrows(), matrix.ncols()),
                span: expr.span,
            });
        };
        if let Some(inputs) = layer.width
            && perceptron_qubits != inputs + 1
        {
            return Err(CheckError::WidthMismatch {
                what: format!(
                    "a {size}×{size} perceptron unitary acts on {} plus its output",
                    if perceptron_qubits == 2 {
                        "1 input qubit".to_string()
                    } else {
                        format!("{} input qubits", perceptron_qubits - 1)
                    }
                ),
                expected: inputs,
                found: perceptron_qubits - 1,
                span: expr.span,
                source_span: layer.source_span,
                source_label: format!("`{}` has {inputs} qubits", layer.source),
            });
        }
        checked.push(check_unitary_matrix(
            layer, evaluator, matrix, expr, warnings,
        )?);
    }
    let count = checked.len();
    Ok((LayerKind::Perceptrons(checked), Some(count)))
}

fn seed_value(evaluator: &Evaluator, expr: &Expr) -> Result<u64, CheckError> {
    let value = evaluator.real(expr)?;
    if value.fract() != 0.0 || value < 0.0 || value > u64::MAX as f64 {
        return Err(CheckError::InvalidValue {
            message: format!("seed {value} is not a non-negative integer"),
            label: "not a seed".into(),
            span: expr.span,
            help: "write a whole number such as `seed = 7`".into(),
        });
    }
    Ok(value as u64)
}

/// Evaluates `unitaries = …`: a list of matrices, or a 3-D array of shape (n, d, d).
fn loaded_unitaries<'e>(
    evaluator: &Evaluator,
    expr: &'e Expr,
) -> Result<Vec<(CMatrix, &'e Expr)>, CheckError> {
    // Point each matrix's errors at its own list item when the list is written inline.
    let item_exprs: Option<&Vec<Expr>> = match &expr.kind {
        ExprKind::List(items) => Some(items),
        _ => None,
    };
    match evaluator.eval(expr)? {
        Value::Matrix(matrix) => Ok(vec![(matrix, expr)]),
        Value::List(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let item_expr = item_exprs.map_or(expr, |exprs| &exprs[index]);
                match item {
                    Value::Matrix(matrix) => Ok((matrix, item_expr)),
                    other => Err(type_mismatch(
                        "a perceptron unitary (a matrix)",
                        &other,
                        item_expr,
                    )),
                }
            })
            .collect(),
        other => Err(type_mismatch(
            "a list of perceptron unitaries or a 3-D array",
            &other,
            expr,
        )),
    }
}

/// Reports entangling gates and multi-qubit unitaries in a network whose basis has no
/// two-qubit gate.
pub fn check_basis(kind: &LayerKind, target: &QuantumTarget, span: Span) -> Result<(), CheckError> {
    if target.entangling {
        return Ok(());
    }
    let cannot = |what: String, span: Span| basis_cannot_express(what, target, span);
    match kind {
        LayerKind::Circuit(gates) => {
            match gates.iter().find_map(|gate| gate_basis_error(gate, target)) {
                Some(error) => Err(error),
                None => Ok(()),
            }
        }
        LayerKind::QubitUnitary { qubits, .. } if qubits.len() > 1 => {
            Err(cannot(format!("a {}-qubit unitary", qubits.len()), span))
        }
        LayerKind::Perceptrons(_) => Err(cannot(
            "perceptrons, which entangle inputs and outputs".into(),
            span,
        )),
        _ => Ok(()),
    }
}

/// Returns the error for a gate on more than one qubit when the basis has no two-qubit gate.
fn gate_basis_error(gate: &CheckedGate, target: &QuantumTarget) -> Option<CheckError> {
    if target.entangling || gate.qubits.len() < 2 {
        return None;
    }
    let what = format!(
        "the {}-qubit gate `{}`",
        gate.qubits.len(),
        gate.gate.name()
    );
    Some(basis_cannot_express(what, target, gate.span))
}

fn basis_cannot_express(what: String, target: &QuantumTarget, span: Span) -> CheckError {
    CheckError::BasisCannotExpress {
        what,
        basis: format!("`{}`", target.basis_text),
        span,
        basis_span: target.span,
    }
}
