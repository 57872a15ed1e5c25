//! Simulation of compiled photonic networks on batches of input fields.
//!
//! The simulator runs the compiled form (MZI meshes, attenuators, gains, activations,
//! detectors), never the source matrices, so agreement with the source network verifies the
//! compilation.

pub mod quantum;

use std::fmt;

use nalgebra::DMatrix;
use num_complex::Complex64;

use crate::ir::{Activation, CMatrix, Compiled, Network, OpKind};
use crate::linalg::phase_factor;
use crate::progress::{Progress, Silent};

/// Why a simulation could not run.
#[derive(Debug, Clone, PartialEq)]
pub enum SimulateError {
    /// No network of that name in the module.
    UnknownNetwork {
        name: String,
        available: Vec<String>,
    },
    /// The module has several networks and none was named.
    AmbiguousNetwork { available: Vec<String> },
    /// The batch has the wrong number of columns.
    InputWidth {
        expected: usize,
        found: usize,
        /// What the expected columns are, e.g. "modes" or "amplitudes of 2 qubits".
        unit: String,
    },
    /// A photonic simulation was asked of a quantum network, or the reverse.
    WrongFamily { network: String, quantum: bool },
    /// Target states whose count or dimension differs from the outputs.
    TargetShape { expected: String, found: String },
    /// A quantum register too large to simulate in memory.
    TooLarge {
        qubits: usize,
        limit: usize,
        mixed: bool,
    },
    /// An input or target state whose norm differs from 1 by more than the tolerance, such
    /// as the row `[1, 1, 0, 0]` or an all-zero row.
    NotNormalized {
        /// `input` or `target`.
        role: &'static str,
        /// The row of the batch, counted from 0.
        row: usize,
        norm: f64,
        tolerance: f64,
    },
}

impl fmt::Display for SimulateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimulateError::UnknownNetwork { name, available } => write!(
                f,
                "no network named `{name}`; the file defines {}",
                available.join(", ")
            ),
            SimulateError::AmbiguousNetwork { available } => write!(
                f,
                "the file defines several networks ({}); choose one with --network",
                available.join(", ")
            ),
            SimulateError::InputWidth {
                expected,
                found,
                unit,
            } => write!(
                f,
                "the input has {found} columns, but the network input has {expected} {unit}"
            ),
            SimulateError::WrongFamily { network, quantum } => {
                let (kind, other) = if *quantum {
                    ("quantum", "photonic")
                } else {
                    ("photonic", "quantum")
                };
                write!(f, "network `{network}` is {kind}, not {other}")
            }
            SimulateError::TargetShape { expected, found } => {
                write!(f, "expected targets of shape {expected}, found {found}")
            }
            SimulateError::TooLarge {
                qubits,
                limit,
                mixed,
            } => {
                let method = if *mixed {
                    "density-matrix simulation"
                } else {
                    "state-vector simulation"
                };
                write!(
                    f,
                    "the register has {qubits} qubits, more than the {limit} that {method} handles; \
                     emit OpenQASM and use a dedicated simulator"
                )
            }
            SimulateError::NotNormalized {
                role,
                row,
                norm,
                tolerance,
            } => not_normalized(f, role, *row, *norm, *tolerance),
        }
    }
}

impl std::error::Error for SimulateError {}

/// Writes the message of [`SimulateError::NotNormalized`].
fn not_normalized(
    f: &mut fmt::Formatter<'_>,
    role: &str,
    row: usize,
    norm: f64,
    tolerance: f64,
) -> fmt::Result {
    if norm == 0.0 {
        return write!(
            f,
            "{role} row {row} (counting from 0) is all zeros, which is not a quantum state; \
             give a state of norm 1"
        );
    }
    write!(
        f,
        "{role} row {row} (counting from 0) has norm {norm}, which differs from 1 by more than \
         {tolerance:e}; divide each row by its norm, e.g. \
         `x / numpy.linalg.norm(x, axis=-1, keepdims=True)`"
    )
}

/// Selects a network by name, or the only one when `name` is `None`.
pub fn select<'a>(
    compiled: &'a Compiled,
    name: Option<&str>,
) -> Result<&'a Network, SimulateError> {
    let available = || compiled.networks().iter().map(|n| n.name.clone()).collect();
    match name {
        Some(name) => compiled
            .network(name)
            .ok_or_else(|| SimulateError::UnknownNetwork {
                name: name.to_string(),
                available: available(),
            }),
        None => match compiled.networks() {
            [only] => Ok(only),
            _ => Err(SimulateError::AmbiguousNetwork {
                available: available(),
            }),
        },
    }
}

/// Runs a compiled network on a batch of inputs, one sample per row.
///
/// The network must come from a [`Compiled`] module (see [`select`]); its output has one row
/// per input row and one column per output mode. Real outputs (after `detect`) have zero
/// imaginary parts.
pub fn run(network: &Network, inputs: &CMatrix) -> Result<CMatrix, SimulateError> {
    run_observed(network, inputs, &Silent)
}

/// Rows run together between two progress reports of [`run_observed`]: enough for every
/// thread of rayon's pool to get two of the mesh kernel's row tasks.
fn chunk_rows() -> usize {
    (512 * rayon::current_num_threads()).max(1024)
}

/// [`run`], reporting the samples done to `progress` as the step `"simulating"`.
///
/// The batch runs in chunks of rows; every row is independent of the others, so the result
/// equals that of [`run`].
pub fn run_observed(
    network: &Network,
    inputs: &CMatrix,
    progress: &dyn Progress,
) -> Result<CMatrix, SimulateError> {
    if network.target.is_quantum() {
        return Err(SimulateError::WrongFamily {
            network: network.name.clone(),
            quantum: true,
        });
    }
    if inputs.ncols() != network.input.width {
        return Err(SimulateError::InputWidth {
            expected: network.input.width,
            found: inputs.ncols(),
            unit: "modes".into(),
        });
    }
    let rows = inputs.nrows();
    let chunk_rows = chunk_rows();
    if rows <= chunk_rows {
        return Ok(run_rows(network, inputs.clone()));
    }
    progress.begin("simulating", rows as u64);
    let mut outputs: Option<CMatrix> = None;
    for start in (0..rows).step_by(chunk_rows) {
        let count = chunk_rows.min(rows - start);
        let chunk = run_rows(network, inputs.rows(start, count).into_owned());
        outputs
            .get_or_insert_with(|| CMatrix::zeros(rows, chunk.ncols()))
            .rows_mut(start, count)
            .copy_from(&chunk);
        progress.advance(count as u64);
    }
    progress.end();
    Ok(outputs.expect("a batch of more than one chunk"))
}

/// Applies every operation of `network` to the samples in `fields`.
fn run_rows(network: &Network, mut fields: CMatrix) -> CMatrix {
    for op in &network.ops {
        apply(&op.kind, &mut fields);
    }
    fields
}

/// Applies one compiled operation to a batch (rows are samples, columns are modes).
fn apply(op: &OpKind, fields: &mut CMatrix) {
    match op {
        OpKind::Unitary(matrix) => {
            // A compiled module holds no unitaries; this arm keeps the function total for
            // callers that simulate lowered IR on purpose.
            *fields = &*fields * matrix.transpose();
        }
        OpKind::Mesh(mesh) => mesh.apply(fields),
        OpKind::Phase(phases) => {
            for (mode, &phase) in phases.iter().enumerate() {
                let factor = phase_factor(phase);
                fields
                    .column_mut(mode)
                    .iter_mut()
                    .for_each(|z| *z *= factor);
            }
        }
        OpKind::Permutation(permutation) => {
            let source = fields.clone();
            for (mode, &from) in permutation.iter().enumerate() {
                fields.column_mut(mode).copy_from(&source.column(from));
            }
        }
        OpKind::Attenuation(transmissions) => {
            for (mode, &t) in transmissions.iter().enumerate() {
                fields.column_mut(mode).iter_mut().for_each(|z| *z *= t);
            }
        }
        OpKind::Resize { modes } => {
            let rows = fields.nrows();
            let kept = (*modes).min(fields.ncols());
            let mut resized = DMatrix::<Complex64>::zeros(rows, *modes);
            resized
                .columns_mut(0, kept)
                .copy_from(&fields.columns(0, kept));
            *fields = resized;
        }
        OpKind::Gain(gain) => fields.iter_mut().for_each(|z| *z *= *gain),
        OpKind::Activation(activation) => fields
            .iter_mut()
            .for_each(|z| *z = activate(*activation, *z)),
        OpKind::Detect => fields
            .iter_mut()
            .for_each(|z| *z = Complex64::new(z.norm_sqr(), 0.0)),
        OpKind::QubitUnitary { .. }
        | OpKind::Circuit(_)
        | OpKind::Trace { .. }
        | OpKind::Measure => {
            unreachable!("`run` rejects quantum networks before applying operations")
        }
    }
}

/// Applies an elementwise activation to one field amplitude.
pub fn activate(activation: Activation, z: Complex64) -> Complex64 {
    match activation {
        Activation::AbsSquared => Complex64::new(z.norm_sqr(), 0.0),
        Activation::ElectroOptic { alpha, gain, bias } => {
            let half = (gain * z.norm_sqr() + bias) / 2.0;
            Complex64::i() * (1.0 - alpha).sqrt() * phase_factor(-half) * half.cos() * z
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::Compiler;
    use crate::progress::testing::Recorder;

    #[test]
    fn chunked_run_equals_whole_batch() {
        let compilation = Compiler::default()
            .compile_source(
                "chunks.pnn",
                "network chunks {
                    target photonic(mesh = clements)
                    input x: optical[3]
                    layer w = linear(x, [[0.5, 1i, 0], [0.25, 0, 1 - 0.5i]])
                    output detect(w)
                }",
            )
            .expect("the source compiles");
        let network = select(&compilation.compiled, None).expect("one network");
        let rows = 2 * chunk_rows() + 7;
        let inputs = CMatrix::from_fn(rows, 3, |row, mode| {
            Complex64::new((row * 3 + mode) as f64 * 1e-3, (row as f64).sin())
        });

        let recorder = Arc::new(Recorder::default());
        let observed = run_observed(network, &inputs, &*recorder).expect("the run succeeds");
        let whole = run_rows(network, inputs.clone());

        assert_eq!(observed, whole);
        assert_eq!(observed.shape(), (rows, 2));
        assert_eq!(recorder.events()[0], format!("begin simulating {rows}"));
        assert_eq!(recorder.advanced_in("simulating"), rows as u64);
        assert_eq!(recorder.events().last().map(String::as_str), Some("end"));
    }
}
