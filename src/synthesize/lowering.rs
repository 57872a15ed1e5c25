//! Lowering of drafts to circuits of `u` and `cx` gates.
//!
//! Two passes. The first synthesizes each two-qubit leaf. A leaf that needs three CX is
//! written with two CX up to a diagonal `d` when the next leaf acts on the same two qubits and
//! every step in between commutes with diagonals on them: a CX whose target lies elsewhere,
//! an Rz, or a step on other qubits. `d` then multiplies into that next leaf, which saves one
//! CX per leaf (optimization A.2 of Shende, Bullock and Markov, "Synthesis of quantum logic
//! circuits", 2006). The second pass fuses runs of one-qubit gates into single `u` gates and
//! cancels pairs of equal CX with nothing on their qubits in between.

use nalgebra::{DMatrix, Matrix2, Matrix4};
use num_complex::Complex64;

use super::draft::{Draft, Step, to_matrix2};
use super::euler::u3_circuit;
use super::two_qubit::{two_qubit_cx, two_qubit_up_to_diagonal};
use crate::ir::circuit::{Circuit, Gate};

/// `|Im tr γ(u)|` above this means a two-qubit unitary needs three CX.
const THREE_CX_SCREEN: f64 = 1e-9;

/// Off-diagonal magnitude below which a one-qubit matrix counts as diagonal for commuting.
const DIAGONAL_TOLERANCE: f64 = 1e-15;

/// Lowers a draft to a circuit of `u` and `cx` gates with the same unitary, global phase
/// included.
pub fn lower(draft: &Draft) -> Circuit {
    let mut fuser = Fuser::new(draft.num_qubits);
    fuser.global_phase = draft.global_phase;

    let mut steps = draft.steps.clone();
    for index in 0..steps.len() {
        match steps[index] {
            Step::Rz { angle, qubit } => fuser.one_qubit(gate_matrix(Gate::Rz(angle)), qubit),
            Step::Cx { control, target } => fuser.cx(control, target),
            Step::OneQubit { matrix, qubit } => fuser.one_qubit(matrix, qubit),
            Step::TwoQubit { matrix, qubits } => {
                let leaf = synthesize_leaf(&mut steps, index, &matrix, qubits);
                fuser.append(&leaf, &qubits);
            }
        }
    }
    fuser.finish()
}

/// Synthesizes the leaf at `index`, and passes its diagonal on when that saves a CX. The next
/// leaf's matrix in `steps` then absorbs the diagonal in place.
fn synthesize_leaf(
    steps: &mut [Step],
    index: usize,
    matrix: &Matrix4<Complex64>,
    qubits: [usize; 2],
) -> Circuit {
    let dynamic = DMatrix::from_fn(4, 4, |row, column| matrix[(row, column)]);
    if !needs_three_cx(matrix) {
        return two_qubit_cx(&dynamic);
    }
    let Some(next) = diagonal_receiver(steps, index, qubits) else {
        return two_qubit_cx(&dynamic);
    };
    let (circuit, diagonal) = two_qubit_up_to_diagonal(&dynamic);
    if let Step::TwoQubit {
        matrix: next_matrix,
        qubits: next_qubits,
    } = &mut steps[next]
    {
        let mut entries = [Complex64::default(); 4];
        for (local, entry) in entries.iter_mut().enumerate() {
            *entry = diagonal[(local, local)];
        }
        if *next_qubits != qubits {
            entries.swap(1, 2);
        }
        // The diagonal acts first on the next leaf: scale its columns.
        for (column, entry) in entries.iter().enumerate() {
            let mut column = next_matrix.column_mut(column);
            column *= *entry;
        }
    }
    circuit
}

/// Returns the index of the next two-qubit leaf after `index` if it acts on the same pair
/// of qubits and every step in between commutes with a diagonal on them.
fn diagonal_receiver(steps: &[Step], index: usize, qubits: [usize; 2]) -> Option<usize> {
    let on_pair = |qubit: usize| qubit == qubits[0] || qubit == qubits[1];
    for (offset, step) in steps[index + 1..].iter().enumerate() {
        let commutes = match step {
            Step::Rz { .. } => true,
            Step::Cx { target, .. } => !on_pair(*target),
            Step::OneQubit { matrix, qubit } => {
                !on_pair(*qubit)
                    || (matrix[(0, 1)].norm() < DIAGONAL_TOLERANCE
                        && matrix[(1, 0)].norm() < DIAGONAL_TOLERANCE)
            }
            Step::TwoQubit {
                qubits: other_qubits,
                ..
            } => {
                let same = other_qubits.iter().all(|&qubit| on_pair(qubit));
                return same.then_some(index + 1 + offset);
            }
        };
        if !commutes {
            return None;
        }
    }
    None
}

/// Reports whether a two-qubit unitary needs three CX: with `ũ = u/det(u)^{1/4}` and
/// `γ = ũ·(Y⊗Y)·ũᵀ·(Y⊗Y)`, two CX suffice exactly when `tr γ` is real (Shende, Markov and
/// Bullock, "Minimal universal two-qubit CNOT-based circuits", 2004).
fn needs_three_cx(u: &Matrix4<Complex64>) -> bool {
    let determinant = u.determinant();
    let scaled = u * Complex64::from_polar(1.0, -determinant.arg() / 4.0);
    // Y⊗Y is real: ±1 on the anti-diagonal, + for indices 0↔3, − for 1↔2.
    let yy = Matrix4::from_fn(|row, column| {
        if row + column != 3 {
            Complex64::default()
        } else if row == 0 || row == 3 {
            Complex64::new(-1.0, 0.0)
        } else {
            Complex64::new(1.0, 0.0)
        }
    });
    let gamma = scaled * yy * scaled.transpose() * yy;
    gamma.trace().im.abs() > THREE_CX_SCREEN
}

fn gate_matrix(gate: Gate) -> Matrix2<Complex64> {
    to_matrix2(&gate.matrix())
}

/// An emitted instruction before the final conversion: one-qubit gates stay matrices so that
/// a later cancellation can fuse them again.
#[derive(Debug, Clone, Copy)]
enum Emitted {
    OneQubit {
        matrix: Matrix2<Complex64>,
        qubit: usize,
    },
    Cx {
        control: usize,
        target: usize,
    },
    Removed,
}

/// Builds the final circuit: fuses one-qubit gates and cancels adjacent equal CX.
struct Fuser {
    num_qubits: usize,
    global_phase: f64,
    emitted: Vec<Emitted>,
    /// Per qubit, the one-qubit product not yet emitted.
    pending: Vec<Option<Matrix2<Complex64>>>,
    /// Per qubit, the indices into `emitted` of the live instructions on it, in order.
    history: Vec<Vec<usize>>,
}

impl Fuser {
    fn new(num_qubits: usize) -> Self {
        Fuser {
            num_qubits,
            global_phase: 0.0,
            emitted: Vec::new(),
            pending: vec![None; num_qubits],
            history: vec![Vec::new(); num_qubits],
        }
    }

    fn one_qubit(&mut self, matrix: Matrix2<Complex64>, qubit: usize) {
        self.pending[qubit] = Some(match self.pending[qubit] {
            Some(earlier) => matrix * earlier,
            None => matrix,
        });
    }

    fn cx(&mut self, control: usize, target: usize) {
        if self.pending[control].is_none()
            && self.pending[target].is_none()
            && self.cancels_last_cx(control, target)
        {
            let index = self.history[control].pop().expect("checked above");
            self.history[target].pop();
            self.emitted[index] = Emitted::Removed;
            self.reopen(control);
            self.reopen(target);
            return;
        }
        self.flush(control);
        self.flush(target);
        let index = self.emitted.len();
        self.emitted.push(Emitted::Cx { control, target });
        self.history[control].push(index);
        self.history[target].push(index);
    }

    /// Reports whether the last live instruction on both qubits is the same CX.
    fn cancels_last_cx(&self, control: usize, target: usize) -> bool {
        let (Some(&on_control), Some(&on_target)) =
            (self.history[control].last(), self.history[target].last())
        else {
            return false;
        };
        on_control == on_target
            && matches!(
                self.emitted[on_control],
                Emitted::Cx { control: c, target: t } if c == control && t == target
            )
    }

    /// Moves the last emitted one-qubit gate on `qubit`, if it is the last instruction there,
    /// back into the pending product so that later gates fuse with it.
    fn reopen(&mut self, qubit: usize) {
        let Some(&index) = self.history[qubit].last() else {
            return;
        };
        if let Emitted::OneQubit { matrix, .. } = self.emitted[index] {
            self.history[qubit].pop();
            self.emitted[index] = Emitted::Removed;
            self.pending[qubit] = Some(matrix);
        }
    }

    fn flush(&mut self, qubit: usize) {
        if let Some(matrix) = self.pending[qubit].take() {
            let index = self.emitted.len();
            self.emitted.push(Emitted::OneQubit { matrix, qubit });
            self.history[qubit].push(index);
        }
    }

    /// Appends a circuit of `u` and `cx` gates whose qubit `k` is `qubits[k]`.
    fn append(&mut self, circuit: &Circuit, qubits: &[usize]) {
        self.global_phase += circuit.global_phase;
        for instruction in &circuit.instructions {
            match (instruction.gate, instruction.qubits.as_slice()) {
                (Gate::Cx, &[control, target]) => self.cx(qubits[control], qubits[target]),
                (gate, &[qubit]) => self.one_qubit(gate_matrix(gate), qubits[qubit]),
                (gate, _) => unreachable!("two-qubit synthesis emitted {}", gate.name()),
            }
        }
    }

    fn finish(mut self) -> Circuit {
        for qubit in 0..self.num_qubits {
            self.flush(qubit);
        }
        let mut circuit = Circuit::new(self.num_qubits);
        circuit.global_phase = self.global_phase;
        for emitted in &self.emitted {
            match *emitted {
                Emitted::OneQubit { matrix, qubit } => {
                    let dynamic = DMatrix::from_fn(2, 2, |row, column| matrix[(row, column)]);
                    let gate = u3_circuit(&dynamic);
                    circuit.append_mapped(&gate, &[qubit]);
                }
                Emitted::Cx { control, target } => circuit.push(Gate::Cx, &[control, target]),
                Emitted::Removed => {}
            }
        }
        circuit.global_phase = crate::synthesize::euler::wrap_angle(circuit.global_phase).0;
        circuit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::linalg::max_abs_diff;
    use crate::synthesize::draft::to_matrix4;

    #[test]
    fn three_cx_screen_separates_classes() {
        assert!(needs_three_cx(&to_matrix4(&haar_unitary(4, 21))));
        assert!(!needs_three_cx(&to_matrix4(&Gate::Cx.matrix())));
        assert!(needs_three_cx(&to_matrix4(&Gate::Swap.matrix())));
        let mut two = Circuit::new(2);
        two.push(Gate::Cx, &[0, 1]);
        two.push(Gate::U(0.3, 0.2, 0.1), &[0]);
        two.push(Gate::U(1.3, -0.2, 0.4), &[1]);
        two.push(Gate::Cx, &[1, 0]);
        assert!(!needs_three_cx(&to_matrix4(&two.unitary())));
    }

    #[test]
    fn adjacent_cx_pair_cancels() {
        let mut draft = Draft::new(2);
        draft.push(Step::Rz {
            angle: 0.4,
            qubit: 0,
        });
        draft.push(Step::Cx {
            control: 0,
            target: 1,
        });
        draft.push(Step::Cx {
            control: 0,
            target: 1,
        });
        draft.push(Step::Rz {
            angle: 0.3,
            qubit: 0,
        });
        let circuit = lower(&draft);
        assert_eq!(circuit.count("cx"), 0);
        assert_eq!(circuit.instructions.len(), 1);
        assert!(max_abs_diff(&circuit.unitary(), &draft.unitary()) < 1e-15);
    }
}
