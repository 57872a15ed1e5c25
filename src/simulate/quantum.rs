//! Simulation of compiled quantum networks: state vectors for pure evolution, density matrices
//! once `perceptrons` layers trace qubits out.
//!
//! Fresh qubits join the simulated state in `|0⟩` when a gate first touches them, as the most
//! significant qubit so far; `Trace` removes every qubit it does not keep by a partial trace.

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::SimulateError;
use crate::ir::circuit::apply_gate;
use crate::ir::{CMatrix, Circuit, Network, OpKind};

/// Largest register simulated as a state vector: 2^26 amplitudes take 1 GiB.
pub const MAX_PURE_QUBITS: usize = 26;
/// Largest register simulated with density matrices, which need 4^n entries: 4^13 take 1 GiB.
/// Traced-out qubits leave the state, so this bounds the register of perceptron networks
/// conservatively.
pub const MAX_MIXED_QUBITS: usize = 13;

/// Largest deviation `|‖ψ‖ − 1|` of an input state's Euclidean norm from 1: the default
/// unitarity tolerance `1e-6·N` of a `unitary` layer at N = 1. States normalized in float32
/// pass, and a state that lacks a `1/√2` factor fails.
pub const NORM_TOLERANCE: f64 = 1e-6;

/// Outputs of a quantum network for a batch of input states.
#[derive(Debug, Clone, PartialEq)]
pub enum QuantumOutput {
    /// One output state per row, 2^n amplitudes over the output qubits.
    States(CMatrix),
    /// One 2^n × 2^n density matrix per input, over the output qubits.
    DensityMatrices(Vec<CMatrix>),
    /// One row of 2^n outcome probabilities per input (after `measure`).
    Probabilities(DMatrix<f64>),
}

/// A state of the simulated qubits: `active[k]` is the register qubit held at bit k.
enum State {
    Pure(CMatrix),
    Mixed(CMatrix),
}

/// Runs a compiled quantum network on input states of its input qubits, one per row
/// (2^m amplitudes each, of norm 1 within [`NORM_TOLERANCE`]; they are used as given, not
/// renormalized).
pub fn run(network: &Network, inputs: &CMatrix) -> Result<QuantumOutput, SimulateError> {
    check_simulable(network)?;
    let mixed = network.output_is_mixed();
    let dimension = 1usize << network.input.width;
    if inputs.ncols() != dimension {
        return Err(SimulateError::InputWidth {
            expected: dimension,
            found: inputs.ncols(),
            unit: format!("amplitudes ({} qubits)", network.input.width),
        });
    }
    check_normalized(inputs, "input")?;
    let mut states = Vec::with_capacity(inputs.nrows());
    let mut measured = false;
    for row in inputs.row_iter() {
        let vector = CMatrix::from_iterator(dimension, 1, row.iter().copied());
        let mut active: Vec<usize> = (0..network.input.width).collect();
        let mut state = if mixed {
            State::Mixed(&vector * vector.adjoint())
        } else {
            State::Pure(vector)
        };
        for op in &network.ops {
            match &op.kind {
                OpKind::Circuit(circuit) => apply_circuit(circuit, &mut state, &mut active),
                OpKind::Trace { keep } => trace(&mut state, &mut active, keep),
                OpKind::Measure => measured = true,
                OpKind::QubitUnitary { matrix, qubits } => {
                    let local = bits_of(qubits, &mut state, &mut active);
                    apply_matrix(matrix, &local, &mut state);
                }
                other => unreachable!(
                    "validation admits no `{}` in a quantum network",
                    other.name()
                ),
            }
        }
        states.push(state);
    }
    Ok(collect(states, measured))
}

/// Checks that every row of `states` has norm 1 within [`NORM_TOLERANCE`]; `role` names
/// the rows in the error (`input` or `target`).
pub fn check_normalized(states: &CMatrix, role: &'static str) -> Result<(), SimulateError> {
    for (row, state) in states.row_iter().enumerate() {
        let norm = crate::linalg::scaled_norm(state.iter());
        if (norm - 1.0).abs() > NORM_TOLERANCE {
            return Err(SimulateError::NotNormalized {
                role,
                row,
                norm,
                tolerance: NORM_TOLERANCE,
            });
        }
    }
    Ok(())
}

/// Checks that `network` is quantum and that its register is within the simulation limits.
/// Callers that build input states of 2^n amplitudes call it first, so that a register too
/// large to simulate is rejected before anything is allocated.
pub fn check_simulable(network: &Network) -> Result<(), SimulateError> {
    if !network.target.is_quantum() {
        return Err(SimulateError::WrongFamily {
            network: network.name.clone(),
            quantum: false,
        });
    }
    let mixed = network.output_is_mixed();
    let limit = if mixed {
        MAX_MIXED_QUBITS
    } else {
        MAX_PURE_QUBITS
    };
    if network.qubits > limit {
        return Err(SimulateError::TooLarge {
            qubits: network.qubits,
            limit,
            mixed,
        });
    }
    Ok(())
}

fn collect(states: Vec<State>, measured: bool) -> QuantumOutput {
    let rows = states.len();
    if measured {
        let probabilities: Vec<Vec<f64>> = states
            .iter()
            .map(|state| match state {
                State::Pure(vector) => vector.iter().map(|z| z.norm_sqr()).collect(),
                State::Mixed(rho) => (0..rho.nrows()).map(|i| rho[(i, i)].re).collect(),
            })
            .collect();
        let columns = probabilities.first().map_or(0, Vec::len);
        return QuantumOutput::Probabilities(DMatrix::from_fn(rows, columns, |i, j| {
            probabilities[i][j]
        }));
    }
    match states.first() {
        Some(State::Mixed(_)) => QuantumOutput::DensityMatrices(
            states
                .into_iter()
                .map(|state| match state {
                    State::Mixed(rho) => rho,
                    State::Pure(vector) => &vector * vector.adjoint(),
                })
                .collect(),
        ),
        _ => {
            let columns = match states.first() {
                Some(State::Pure(vector)) => vector.nrows(),
                _ => 0,
            };
            let mut out = CMatrix::zeros(rows, columns);
            for (i, state) in states.iter().enumerate() {
                if let State::Pure(vector) = state {
                    out.row_mut(i).copy_from(&vector.transpose());
                }
            }
            QuantumOutput::States(out)
        }
    }
}

fn apply_circuit(circuit: &Circuit, state: &mut State, active: &mut Vec<usize>) {
    for instruction in &circuit.instructions {
        let local = bits_of(&instruction.qubits, state, active);
        apply_matrix(&instruction.gate.matrix(), &local, state);
    }
    let phase = Complex64::from_polar(1.0, circuit.global_phase);
    // A global phase cancels in a density matrix.
    if let State::Pure(vector) = state {
        vector.iter_mut().for_each(|z| *z *= phase);
    }
}

/// Returns the bit positions of register qubits in the state, adding fresh qubits in |0⟩.
fn bits_of(qubits: &[usize], state: &mut State, active: &mut Vec<usize>) -> Vec<usize> {
    qubits
        .iter()
        .map(|qubit| match active.iter().position(|a| a == qubit) {
            Some(bit) => bit,
            None => {
                add_zero_qubit(state);
                active.push(*qubit);
                active.len() - 1
            }
        })
        .collect()
}

/// Tensors `|0⟩` in as the new most significant qubit.
fn add_zero_qubit(state: &mut State) {
    match state {
        State::Pure(vector) => {
            let size = vector.nrows();
            let mut grown = CMatrix::zeros(2 * size, 1);
            grown.rows_mut(0, size).copy_from(vector);
            *vector = grown;
        }
        State::Mixed(rho) => {
            let size = rho.nrows();
            let mut grown = CMatrix::zeros(2 * size, 2 * size);
            grown.view_mut((0, 0), (size, size)).copy_from(rho);
            *rho = grown;
        }
    }
}

fn apply_matrix(matrix: &CMatrix, bits: &[usize], state: &mut State) {
    match state {
        State::Pure(vector) => apply_gate(matrix, bits, vector),
        State::Mixed(rho) => {
            // ρ → GρG†: apply G to the columns, then to the columns of (Gρ)†.
            apply_gate(matrix, bits, rho);
            let mut adjoint = rho.adjoint();
            apply_gate(matrix, bits, &mut adjoint);
            *rho = adjoint.adjoint();
        }
    }
}

/// Traces out every active qubit not in `keep`; the kept qubits take bit positions in the
/// order of `keep`.
fn trace(state: &mut State, active: &mut Vec<usize>, keep: &[usize]) {
    // Qubits in `keep` that no gate has touched yet are still |0⟩: add them first.
    let kept_bits = bits_of(keep, state, active);
    let rho = match state {
        State::Pure(vector) => &*vector * vector.adjoint(),
        State::Mixed(rho) => rho.clone(),
    };
    let total = active.len();
    let traced_bits: Vec<usize> = (0..total).filter(|bit| !kept_bits.contains(bit)).collect();
    let kept_size = 1usize << kept_bits.len();
    let traced_size = 1usize << traced_bits.len();
    let index = |kept: usize, traced: usize| {
        let mut full = 0;
        for (k, &bit) in kept_bits.iter().enumerate() {
            full |= ((kept >> k) & 1) << bit;
        }
        for (k, &bit) in traced_bits.iter().enumerate() {
            full |= ((traced >> k) & 1) << bit;
        }
        full
    };
    let mut reduced = CMatrix::zeros(kept_size, kept_size);
    for row in 0..kept_size {
        for column in 0..kept_size {
            let mut sum = Complex64::default();
            for traced in 0..traced_size {
                sum += rho[(index(row, traced), index(column, traced))];
            }
            reduced[(row, column)] = sum;
        }
    }
    *state = State::Mixed(reduced);
    *active = keep.to_vec();
}

/// Returns Beer et al.'s fidelity cost `(1/N) Σ_x ⟨φ_x|ρ_x|φ_x⟩` of outputs against target
/// states (one per row).
pub fn fidelity_cost(outputs: &QuantumOutput, targets: &CMatrix) -> Result<f64, SimulateError> {
    let fidelities: Vec<f64> = match outputs {
        QuantumOutput::States(states) => {
            check_targets(targets, states.nrows(), states.ncols())?;
            states
                .row_iter()
                .zip(targets.row_iter())
                .map(|(state, target)| {
                    let overlap: Complex64 = target
                        .iter()
                        .zip(state.iter())
                        .map(|(t, s)| t.conj() * s)
                        .sum();
                    overlap.norm_sqr()
                })
                .collect()
        }
        QuantumOutput::DensityMatrices(rhos) => {
            let dimension = rhos.first().map_or(0, |rho| rho.nrows());
            check_targets(targets, rhos.len(), dimension)?;
            rhos.iter()
                .zip(targets.row_iter())
                .map(|(rho, target)| {
                    let phi = target.transpose();
                    (phi.adjoint() * rho * &phi)[(0, 0)].re
                })
                .collect()
        }
        QuantumOutput::Probabilities(probabilities) => {
            return Err(SimulateError::TargetShape {
                expected: "states, which a network ending in `measure` does not output".into(),
                found: format!("{} probability rows", probabilities.nrows()),
            });
        }
    };
    Ok(fidelities.iter().sum::<f64>() / fidelities.len().max(1) as f64)
}

fn check_targets(targets: &CMatrix, rows: usize, dimension: usize) -> Result<(), SimulateError> {
    if targets.shape() != (rows, dimension) {
        return Err(SimulateError::TargetShape {
            expected: format!("({rows}, {dimension})"),
            found: format!("({}, {})", targets.nrows(), targets.ncols()),
        });
    }
    check_normalized(targets, "target")
}

/// Returns the unitary of all circuits of a compiled quantum network over its whole register,
/// as one circuit (traces and measurements left out).
pub fn network_circuit(network: &Network) -> Circuit {
    let mut whole = Circuit::new(network.qubits);
    let identity: Vec<usize> = (0..network.qubits).collect();
    for op in &network.ops {
        if let OpKind::Circuit(circuit) = &op.kind {
            whole.append_mapped(circuit, &identity);
        }
    }
    whole
}

/// Returns the unitary of a quantum network over its whole register, global phase included,
/// from its lowered form (qubit unitaries and circuits) or its compiled form (circuits only).
/// Traces and measurements are left out: the traced qubits are never touched again, so the
/// network's output is this unitary followed by the partial trace.
pub fn network_unitary(network: &Network) -> CMatrix {
    let size = 1usize << network.qubits;
    let mut unitary = CMatrix::identity(size, size);
    for op in &network.ops {
        match &op.kind {
            OpKind::QubitUnitary { matrix, qubits } => apply_gate(matrix, qubits, &mut unitary),
            OpKind::Circuit(circuit) => circuit.apply(&mut unitary),
            _ => {}
        }
    }
    unitary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &[f64], columns: usize) -> CMatrix {
        let complex: Vec<Complex64> = data.iter().map(|&x| Complex64::new(x, 0.0)).collect();
        CMatrix::from_row_slice(data.len() / columns, columns, &complex)
    }

    #[test]
    fn normalized_rows_pass() {
        let half = std::f64::consts::FRAC_1_SQRT_2;
        assert_eq!(
            check_normalized(&rows(&[1.0, 0.0, half, half], 2), "input"),
            Ok(())
        );
        assert_eq!(
            check_normalized(&rows(&[1.0 + 0.9e-6, 0.0], 2), "input"),
            Ok(())
        );
    }

    #[test]
    fn unnormalized_row_names_row_and_norm() {
        let error = check_normalized(&rows(&[1.0, 0.0, 1.0, 1.0], 2), "input").unwrap_err();
        let SimulateError::NotNormalized { row, norm, .. } = error else {
            panic!("expected NotNormalized, found {error:?}");
        };
        assert_eq!(row, 1);
        assert_eq!(norm, 2f64.sqrt());
    }

    #[test]
    fn zero_row_rejected() {
        let error = check_normalized(&rows(&[0.0, 0.0], 2), "input").unwrap_err();
        assert!(
            matches!(error, SimulateError::NotNormalized { row: 0, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("all zeros"), "{error}");
    }

    #[test]
    fn unnormalized_target_rejected() {
        let outputs = QuantumOutput::States(rows(&[1.0, 0.0], 2));
        let error = fidelity_cost(&outputs, &rows(&[2.0, 0.0], 2)).unwrap_err();
        assert!(
            matches!(
                error,
                SimulateError::NotNormalized {
                    role: "target",
                    row: 0,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().starts_with("target row 0"), "{error}");
        assert_eq!(fidelity_cost(&outputs, &rows(&[0.0, 1.0], 2)), Ok(0.0));
    }

    #[test]
    fn tiny_and_huge_rows_report_their_norm() {
        let tiny = check_normalized(&rows(&[1e-200, 1e-200], 2), "input").unwrap_err();
        let SimulateError::NotNormalized { norm, .. } = tiny else {
            panic!("expected NotNormalized, found {tiny:?}");
        };
        assert!(
            (norm / (2f64.sqrt() * 1e-200) - 1.0).abs() < 1e-15,
            "{norm:e}"
        );
        let huge = check_normalized(&rows(&[1e200, 1e200], 2), "input").unwrap_err();
        let SimulateError::NotNormalized { norm, .. } = huge else {
            panic!("expected NotNormalized, found {huge:?}");
        };
        assert!(
            (norm / (2f64.sqrt() * 1e200) - 1.0).abs() < 1e-15,
            "{norm:e}"
        );
    }

    #[test]
    fn deviation_above_tolerance_rejected() {
        let error = check_normalized(&rows(&[1.0 + 1.1e-6, 0.0], 2), "input");
        assert!(error.is_err(), "{error:?}");
    }
}
