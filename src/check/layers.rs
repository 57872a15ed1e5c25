//! Checks of each layer kind's arguments, producing the layer's evaluated form and width.

use super::LayerKind;
use super::error::{CheckError, CheckWarning};
use super::integer::counted;
use super::signature::{Bound, Signature};
use super::target::symbol;
use super::value::{Evaluator, Value, type_mismatch};
use crate::ir::{Activation, CMatrix};
use crate::source::Span;
use crate::syntax::ast::{Call, Expr, GateStmt};

/// Layer kinds of photonic networks.
pub const KINDS: [&str; 6] = [
    "unitary",
    "linear",
    "phase",
    "permute",
    "activation",
    "detect",
];

const ACTIVATIONS: [&str; 2] = ["abs_squared", "electro_optic"];

/// Deviations ‖U†U − I‖ above this are projected to the nearest unitary with a warning;
/// smaller ones are projected silently.
const PROJECTION_WARNING: f64 = 1e-9;

pub fn signature(kind: &str) -> Option<&'static Signature> {
    const SIGNATURES: [Signature; 6] = [
        Signature {
            name: "unitary",
            positional: &["input", "matrix"],
            named: &["tolerance"],
            usage: "unitary(x, load(\"u.npy\"))",
        },
        Signature {
            name: "linear",
            positional: &["input", "matrix"],
            named: &[],
            usage: "linear(x, load(\"w.npy\"))",
        },
        Signature {
            name: "phase",
            positional: &["input", "phases"],
            named: &[],
            usage: "phase(x, [0, pi / 2])",
        },
        Signature {
            name: "permute",
            positional: &["input", "permutation"],
            named: &[],
            usage: "permute(x, [1, 0])",
        },
        Signature {
            name: "activation",
            positional: &["input"],
            named: &["kind", "alpha", "gain", "bias"],
            usage: "activation(x, kind = abs_squared)",
        },
        Signature {
            name: "detect",
            positional: &["input"],
            named: &[],
            usage: "detect(x)",
        },
    ];
    SIGNATURES.iter().find(|signature| signature.name == kind)
}

/// A layer being checked: its kind, bound arguments and the signal it reads.
pub struct LayerContext<'a> {
    pub kind: &'a str,
    pub bound: &'a Bound<'a>,
    pub call: &'a Call,
    /// Width of the input signal; `None` after an error in the layer it reads, so that only
    /// the checks that do not depend on the width run.
    pub width: Option<usize>,
    /// Name of the layer or input read.
    pub source: &'a str,
    /// Definition site of that signal.
    pub source_span: Span,
    /// Gate statements of a `circuit` layer.
    pub body: Option<&'a [GateStmt]>,
}

impl LayerContext<'_> {
    pub fn argument(&self, name: &str) -> &Expr {
        self.bound
            .get(name)
            .expect("the signature binds every positional parameter")
    }

    /// Reports a width that differs from the input's; `Ok` when they agree or the input
    /// width is unknown.
    fn expect_width(&self, found: usize, what: String, span: Span) -> Result<(), CheckError> {
        match self.width {
            Some(expected) if expected != found => Err(CheckError::WidthMismatch {
                what,
                expected,
                found,
                span,
                source_span: self.source_span,
                source_label: format!("`{}` has width {expected}", self.source),
            }),
            _ => Ok(()),
        }
    }
}

/// Checks a layer's arguments; returns its evaluated form and output width (unknown when
/// the input width is unknown and the layer keeps the width).
pub fn check_layer(
    layer: &LayerContext,
    evaluator: &Evaluator,
    warnings: &mut Vec<CheckWarning>,
) -> Result<(LayerKind, Option<usize>), CheckError> {
    match layer.kind {
        "unitary" => unitary(layer, evaluator, warnings),
        "linear" => {
            let expr = layer.argument("matrix");
            let matrix = matrix(evaluator, expr)?;
            if !crate::linalg::scaled_norm(matrix.iter()).is_finite() {
                return Err(CheckError::InvalidValue {
                    message: "the matrix entries are too large: its norm overflows".into(),
                    label: "entries near the largest f64".into(),
                    span: expr.span,
                    help: "scale the matrix down and compensate after detection, e.g. divide it by 1e100".into(),
                });
            }
            layer.expect_width(
                matrix.ncols(),
                format!("the matrix has {} columns", matrix.ncols()),
                expr.span,
            )?;
            let rows = matrix.nrows();
            Ok((LayerKind::Linear(matrix), Some(rows)))
        }
        "phase" => {
            let expr = layer.argument("phases");
            let phases = real_vector(evaluator, expr)?;
            layer.expect_width(
                phases.len(),
                format!("{} phases given", phases.len()),
                expr.span,
            )?;
            Ok((LayerKind::Phase(phases), layer.width))
        }
        "permute" => {
            let expr = layer.argument("permutation");
            let permutation = permutation(evaluator, expr)?;
            layer.expect_width(
                permutation.len(),
                format!(
                    "the permutation has {}",
                    counted(permutation.len(), "entry", "entries")
                ),
                expr.span,
            )?;
            Ok((LayerKind::Permute(permutation), layer.width))
        }
        "activation" => Ok((
            LayerKind::Activation(activation(layer, evaluator)?),
            layer.width,
        )),
        "detect" => Ok((LayerKind::Detect, layer.width)),
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
    if matrix.nrows() != matrix.ncols() {
        return Err(CheckError::BadShape {
            expected: "a square matrix".into(),
            found: format!("a {}×{} matrix", matrix.nrows(), matrix.ncols()),
            span: expr.span,
        });
    }
    layer.expect_width(
        matrix.ncols(),
        format!("the matrix is {0}×{0}", matrix.ncols()),
        expr.span,
    )?;
    let matrix = check_unitary_matrix(layer, evaluator, matrix, expr, warnings)?;
    let width = matrix.ncols();
    Ok((LayerKind::Unitary(matrix), Some(width)))
}

/// Checks that a matrix is unitary within the layer's `tolerance` (or the default) and returns
/// it, replaced by its nearest unitary when it deviates by more than rounding.
pub fn check_unitary_matrix(
    layer: &LayerContext,
    evaluator: &Evaluator,
    matrix: CMatrix,
    expr: &Expr,
    warnings: &mut Vec<CheckWarning>,
) -> Result<CMatrix, CheckError> {
    let tolerance = match layer.bound.get("tolerance") {
        Some(expr) => {
            let value = evaluator.real(expr)?;
            if value <= 0.0 {
                return Err(CheckError::InvalidValue {
                    message: format!("tolerance must be positive, found {value}"),
                    label: "not a positive number".into(),
                    span: expr.span,
                    help: "write a bound such as `tolerance = 1e-6`".into(),
                });
            }
            value
        }
        None => default_unitary_tolerance(matrix.ncols()),
    };
    let deviation = unitarity_deviation(&matrix);
    if deviation.is_nan() || deviation > tolerance {
        return Err(CheckError::NotUnitary {
            span: expr.span,
            deviation,
            tolerance,
        });
    }
    Ok(if deviation > 1e-12 {
        if deviation > PROJECTION_WARNING {
            warnings.push(CheckWarning::ProjectedToUnitary {
                span: expr.span,
                deviation,
                tolerance,
            });
        }
        nearest_unitary(&matrix)
    } else {
        matrix
    })
}

/// Returns the default bound on ‖U†U − I‖ for an N×N `unitary` matrix: 1e-6·N, loose
/// enough for float32 data of moderate size and far below the deviation of a wrong matrix.
pub fn default_unitary_tolerance(n: usize) -> f64 {
    1e-6 * n.max(1) as f64
}

/// Returns ‖U†U − I‖ in the Frobenius norm.
pub fn unitarity_deviation(matrix: &CMatrix) -> f64 {
    let deviation = crate::linalg::gram_defect(matrix).norm();
    // The entries are finite, so a NaN comes from an overflow in the product (an infinite
    // entry times zero). The deviation is then reported as infinite.
    if deviation.is_nan() {
        f64::INFINITY
    } else {
        deviation
    }
}

/// Returns the unitary polar factor W·V† of the SVD U = W·Σ·V†, the unitary closest to the
/// matrix in the Frobenius norm.
pub fn nearest_unitary(matrix: &CMatrix) -> CMatrix {
    let svd = crate::linalg::svd(matrix);
    svd.u * svd.v.adjoint()
}

pub fn matrix(evaluator: &Evaluator, expr: &Expr) -> Result<CMatrix, CheckError> {
    match evaluator.eval(expr)? {
        Value::Matrix(matrix) if matrix.nrows() > 0 && matrix.ncols() > 0 => Ok(matrix),
        Value::Matrix(matrix) => Err(CheckError::BadShape {
            expected: "a non-empty matrix".into(),
            found: format!("a {}×{} matrix", matrix.nrows(), matrix.ncols()),
            span: expr.span,
        }),
        Value::List(items) if items.iter().all(|item| matches!(item, Value::Matrix(_))) => {
            Err(CheckError::BadShape {
                expected: "a matrix (2-D array)".into(),
                found: format!("a stack of {} matrices (3-D array)", items.len()),
                span: expr.span,
            })
        }
        other => Err(type_mismatch("a matrix", &other, expr)),
    }
}

fn real_vector(evaluator: &Evaluator, expr: &Expr) -> Result<Vec<f64>, CheckError> {
    let items = match evaluator.eval(expr)? {
        Value::Vector(items) => items,
        other => return Err(type_mismatch("a vector of real numbers", &other, expr)),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, z)| {
            if z.im == 0.0 {
                Ok(z.re)
            } else {
                Err(CheckError::TypeMismatch {
                    expected: "real numbers".into(),
                    found: format!("a complex entry at index {i}"),
                    span: expr.span,
                })
            }
        })
        .collect()
}

fn permutation(evaluator: &Evaluator, expr: &Expr) -> Result<Vec<usize>, CheckError> {
    let values = real_vector(evaluator, expr)?;
    let n = values.len();
    let mut seen = vec![false; n];
    let mut permutation = Vec::with_capacity(n);
    for (i, &value) in values.iter().enumerate() {
        let invalid = |message: String| CheckError::InvalidValue {
            message,
            label: "not a permutation".into(),
            span: expr.span,
            help: format!(
                "list each index from 0 to {} exactly once",
                n.saturating_sub(1)
            ),
        };
        if value.fract() != 0.0 || value < 0.0 || value >= n as f64 {
            return Err(invalid(format!(
                "entry {i} is {value}, not an index from 0 to {}",
                n.saturating_sub(1)
            )));
        }
        let index = value as usize;
        if seen[index] {
            return Err(invalid(format!("index {index} appears twice")));
        }
        seen[index] = true;
        permutation.push(index);
    }
    Ok(permutation)
}

fn activation(layer: &LayerContext, evaluator: &Evaluator) -> Result<Activation, CheckError> {
    let Some(kind_expr) = layer.bound.get("kind") else {
        return Err(CheckError::MissingArgument {
            call: "activation".into(),
            argument: "kind",
            span: layer.call.span,
            usage: "activation(x, kind = abs_squared)",
        });
    };
    let parameters = ["alpha", "gain", "bias"];
    match symbol(&kind_expr.kind) {
        Some("abs_squared") => {
            if let Some(extra) = parameters.iter().find_map(|name| layer.bound.get(name)) {
                return Err(CheckError::UnexpectedArgument {
                    call: "activation(kind = abs_squared)".into(),
                    span: extra.span,
                    usage: "activation(x, kind = abs_squared)",
                });
            }
            Ok(Activation::AbsSquared)
        }
        Some("electro_optic") => {
            let real_or = |name: &str, default: f64| match layer.bound.get(name) {
                Some(expr) => evaluator.real(expr),
                None => Ok(default),
            };
            let alpha = real_or("alpha", 0.1)?;
            if !(0.0..1.0).contains(&alpha) {
                return Err(CheckError::InvalidValue {
                    message: format!("`alpha` must be in [0, 1), found {alpha}"),
                    label: "tap fraction out of range".into(),
                    span: layer.bound.get("alpha").map_or(layer.call.span, |expr| expr.span),
                    help: "`alpha` is the fraction of power sent to the photodetector, e.g. `alpha = 0.1`".into(),
                });
            }
            Ok(Activation::ElectroOptic {
                alpha,
                gain: real_or("gain", std::f64::consts::PI)?,
                bias: real_or("bias", std::f64::consts::PI)?,
            })
        }
        _ => Err(CheckError::InvalidChoice {
            option: "kind".into(),
            found: super::target::written_value(&kind_expr.kind),
            span: kind_expr.span,
            valid: ACTIVATIONS.to_vec(),
        }),
    }
}

/// Evaluates a width: a positive integer up to 2^32 − 1.
pub fn positive_integer(
    evaluator: &Evaluator,
    expr: &Expr,
    what: &str,
) -> Result<usize, CheckError> {
    super::integer::positive_integer_at_most(evaluator, expr, what, u32::MAX as usize)
}
