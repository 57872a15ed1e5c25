//! Gate cancellation: inverse pairs of multi-qubit gates cancel and runs of one-qubit gates
//! merge into one gate sequence of the target basis.
//!
//! A sweep reads the circuit in order and keeps, for each qubit, the live gates on its wire.
//! A new one-qubit gate multiplies into the nearest one-qubit run it can reach on its wire. A
//! new self-inverse gate (`cx`, `cz`, …) cancels with the nearest identical gate it can reach
//! on all of its wires. With [`Reach::Adjacent`] a gate reaches only the last gate of each
//! wire. With [`Reach::Commuting`] it also moves back past gates it commutes with, by the rule
//! of [`commute`](super::commute). A run whose product is the identity up to a phase
//! disappears and its phase goes into the global phase, so the gates around it can meet.
//! At the end each run is resynthesized in the basis when that takes fewer gates. Sweeps
//! repeat until the gate count stops dropping.

use nalgebra::Matrix2;
use num_complex::Complex64;

use super::commute::{Axis, axis_on, multi_commute, one_qubit_axis};
use super::cost;
use crate::ir::CMatrix;
use crate::ir::circuit::{Circuit, Gate};
use crate::synthesize::basis::{Basis, synthesize_one_qubit};
use crate::synthesize::euler::wrap_angle;

type Matrix = Matrix2<Complex64>;

/// How many gates back along a wire a new gate looks for a partner, so that a sweep stays
/// linear in the gate count.
const MAX_LOOKBACK: usize = 64;

/// Upper bound on the sweeps of one [`cancel`] call; each sweep after the first runs only when
/// the previous one removed gates.
const MAX_SWEEPS: usize = 8;

/// Off-diagonal magnitude below which a merged run is tested for being the identity.
const IDENTITY_SCREEN: f64 = 1e-12;

/// Which earlier gates a new gate can meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Only the last gate on each of its wires.
    Adjacent,
    /// Also gates behind gates that it commutes with.
    Commuting,
}

/// Cancels inverse pairs and merges one-qubit runs of a circuit in `basis`. The result has the
/// same unitary, global phase included, and never more gates.
pub fn cancel(circuit: &Circuit, basis: Basis, reach: Reach) -> Circuit {
    let mut current = circuit.clone();
    for _ in 0..MAX_SWEEPS {
        let next = sweep(&current, basis, reach);
        if cost(&next) >= cost(&current) {
            break;
        }
        current = next;
    }
    current
}

/// A live gate of the sweep.
#[derive(Debug, Clone)]
enum Node {
    /// A run of one-qubit gates on `qubit`: the product of the gates and the gates themselves,
    /// which are kept when resynthesis would not be shorter.
    Run {
        qubit: usize,
        product: Matrix,
        gates: Vec<Gate>,
    },
    /// A gate on two or more qubits.
    Multi { gate: Gate, qubits: Vec<usize> },
}

/// The state of one sweep: the live gates in circuit order (removed ones are `None`) and,
/// for each qubit, the ids of the live gates on it in order.
struct Sweep {
    basis: Basis,
    reach: Reach,
    nodes: Vec<Option<Node>>,
    wires: Vec<Vec<usize>>,
    /// Phase of the runs that disappeared as identities.
    removed_phase: f64,
}

/// Runs one sweep over the circuit.
fn sweep(circuit: &Circuit, basis: Basis, reach: Reach) -> Circuit {
    let mut sweep = Sweep {
        basis,
        reach,
        nodes: Vec::with_capacity(circuit.instructions.len()),
        wires: vec![Vec::new(); circuit.num_qubits],
        removed_phase: 0.0,
    };
    for instruction in &circuit.instructions {
        match *instruction.qubits.as_slice() {
            [qubit] => sweep.push_one_qubit(instruction.gate, qubit),
            ref qubits => sweep.push_multi(instruction.gate, qubits),
        }
    }
    sweep.finish(circuit)
}

impl Sweep {
    fn node(&self, id: usize) -> &Node {
        self.nodes[id].as_ref().expect("wires hold only live gates")
    }

    fn append(&mut self, node: Node) {
        let id = self.nodes.len();
        match &node {
            Node::Run { qubit, .. } => self.wires[*qubit].push(id),
            Node::Multi { qubits, .. } => {
                for &qubit in qubits {
                    self.wires[qubit].push(id);
                }
            }
        }
        self.nodes.push(Some(node));
    }

    /// Removes a live gate from its wires.
    fn remove(&mut self, id: usize) {
        let qubits = match self.node(id) {
            Node::Run { qubit, .. } => vec![*qubit],
            Node::Multi { qubits, .. } => qubits.clone(),
        };
        for qubit in qubits {
            let wire = &mut self.wires[qubit];
            let position = wire.iter().rposition(|&other| other == id);
            wire.remove(position.expect("a live gate is on its wires"));
        }
        self.nodes[id] = None;
    }

    /// Multiplies a one-qubit gate into the nearest reachable run on its wire, or starts a
    /// run. A run that becomes the identity disappears.
    fn push_one_qubit(&mut self, gate: Gate, qubit: usize) {
        let matrix = small_matrix(&gate.matrix());
        let Some(id) = self.reachable_run(qubit, one_qubit_axis(&matrix)) else {
            self.append(Node::Run {
                qubit,
                product: matrix,
                gates: vec![gate],
            });
            return;
        };
        let Some(Node::Run { product, gates, .. }) = &mut self.nodes[id] else {
            unreachable!("reachable_run returns a run");
        };
        *product = matrix * *product;
        gates.push(gate);
        if let Some(phase) = identity_phase(product, self.basis) {
            self.remove(id);
            self.removed_phase += phase;
        }
    }

    /// Returns the nearest run on `qubit` that a one-qubit gate of `axis` can move back to.
    fn reachable_run(&self, qubit: usize, axis: Option<Axis>) -> Option<usize> {
        for &id in self.wires[qubit].iter().rev().take(MAX_LOOKBACK) {
            match self.node(id) {
                Node::Run { .. } => return Some(id),
                Node::Multi { gate, qubits } => {
                    let commutes = self.reach == Reach::Commuting
                        && axis.is_some()
                        && axis == axis_on(*gate, qubits, qubit);
                    if !commutes {
                        return None;
                    }
                }
            }
        }
        None
    }

    /// Cancels a self-inverse gate with an identical one it reaches on every wire, or appends
    /// it.
    fn push_multi(&mut self, gate: Gate, qubits: &[usize]) {
        if is_self_inverse(gate)
            && let Some(id) = self.reachable_twin(gate, qubits)
        {
            self.remove(id);
            return;
        }
        self.append(Node::Multi {
            gate,
            qubits: qubits.to_vec(),
        });
    }

    /// Returns the nearest gate equal to `gate` on `qubits` that `gate` can move back to on
    /// every one of its wires.
    fn reachable_twin(&self, gate: Gate, qubits: &[usize]) -> Option<usize> {
        let mut twin = None;
        for &id in self.wires[qubits[0]].iter().rev().take(MAX_LOOKBACK) {
            if let Node::Multi {
                gate: other,
                qubits: other_qubits,
            } = self.node(id)
                && *other == gate
                && same_operands(gate, qubits, other_qubits)
            {
                twin = Some(id);
                break;
            }
            if !self.passes(gate, qubits, qubits[0], id) {
                return None;
            }
        }
        let twin = twin?;
        for &qubit in &qubits[1..] {
            let reached = self.wires[qubit]
                .iter()
                .rev()
                .take(MAX_LOOKBACK)
                .take_while(|&&id| id != twin)
                .all(|&id| self.passes(gate, qubits, qubit, id));
            let within = self.wires[qubit]
                .iter()
                .rev()
                .take(MAX_LOOKBACK)
                .any(|&id| id == twin);
            if !reached || !within {
                return None;
            }
        }
        Some(twin)
    }

    /// Whether a multi-qubit gate may move back past live gate `id` on wire `qubit`.
    fn passes(&self, gate: Gate, qubits: &[usize], qubit: usize, id: usize) -> bool {
        if self.reach == Reach::Adjacent {
            return false;
        }
        match self.node(id) {
            Node::Run { product, .. } => {
                let axis = axis_on(gate, qubits, qubit);
                axis.is_some() && axis == one_qubit_axis(product)
            }
            Node::Multi {
                gate: other,
                qubits: other_qubits,
            } => multi_commute((gate, qubits), (*other, other_qubits)),
        }
    }

    /// Writes the live gates in order, each run as its shorter form: the gates it came from
    /// or their resynthesis.
    fn finish(self, input: &Circuit) -> Circuit {
        let mut output = Circuit::new(input.num_qubits);
        let mut global_phase = input.global_phase + self.removed_phase;
        for node in self.nodes.into_iter().flatten() {
            match node {
                Node::Multi { gate, qubits } => output.push(gate, &qubits),
                Node::Run {
                    qubit,
                    product,
                    gates,
                } => {
                    let resynthesized = (gates.len() > 1)
                        .then(|| synthesize_one_qubit(&dynamic_matrix(&product), self.basis))
                        .filter(|circuit| circuit.instructions.len() < gates.len());
                    match resynthesized {
                        Some(circuit) => {
                            output
                                .instructions
                                .extend(circuit.instructions.into_iter().map(|mut instruction| {
                                    instruction.qubits = vec![qubit];
                                    instruction
                                }));
                            global_phase += circuit.global_phase;
                        }
                        None => {
                            for gate in gates {
                                output.push(gate, &[qubit]);
                            }
                        }
                    }
                }
            }
            global_phase = wrap_angle(global_phase).0;
        }
        output.global_phase = wrap_angle(global_phase).0;
        output
    }
}

/// Returns the phase `g` when `matrix` is `e^{ig}·I` to the precision of Euler synthesis.
fn identity_phase(matrix: &Matrix, basis: Basis) -> Option<f64> {
    if matrix[(0, 1)].norm() > IDENTITY_SCREEN || matrix[(1, 0)].norm() > IDENTITY_SCREEN {
        return None;
    }
    let circuit = synthesize_one_qubit(&dynamic_matrix(matrix), basis);
    circuit
        .instructions
        .is_empty()
        .then_some(circuit.global_phase)
}

/// Whether the gate on more than one qubit is its own inverse.
fn is_self_inverse(gate: Gate) -> bool {
    matches!(
        gate,
        Gate::Cx | Gate::Cy | Gate::Cz | Gate::Ch | Gate::Swap | Gate::Ccx | Gate::Cswap
    )
}

/// Whether two operand lists of `gate` give the same operation, allowing for the operands the
/// gate is symmetric in: both of `cz` and `swap`, the controls of `ccx`, the targets of
/// `cswap`.
fn same_operands(gate: Gate, first: &[usize], second: &[usize]) -> bool {
    let unordered = |a: &[usize], b: &[usize]| {
        let (mut a, mut b) = (a.to_vec(), b.to_vec());
        a.sort_unstable();
        b.sort_unstable();
        a == b
    };
    match gate {
        Gate::Cz | Gate::Swap | Gate::Cp(_) => unordered(first, second),
        Gate::Ccx => unordered(&first[..2], &second[..2]) && first[2] == second[2],
        Gate::Cswap => first[0] == second[0] && unordered(&first[1..], &second[1..]),
        _ => first == second,
    }
}

fn small_matrix(matrix: &CMatrix) -> Matrix {
    Matrix::from_fn(|row, column| matrix[(row, column)])
}

fn dynamic_matrix(matrix: &Matrix) -> CMatrix {
    CMatrix::from_fn(2, 2, |row, column| matrix[(row, column)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::max_abs_diff;
    use std::f64::consts::PI;

    fn circuit(num_qubits: usize, gates: &[(Gate, &[usize])]) -> Circuit {
        let mut circuit = Circuit::new(num_qubits);
        for (gate, qubits) in gates {
            circuit.push(*gate, qubits);
        }
        circuit
    }

    /// Cancels and checks that the unitary, global phase included, is unchanged.
    fn cancel_checked(input: &Circuit, basis: Basis, reach: Reach) -> Circuit {
        let output = cancel(input, basis, reach);
        let error = max_abs_diff(&output.unitary(), &input.unitary());
        assert!(error < 1e-12, "unitary changed by {error:e}");
        assert!(output.instructions.len() <= input.instructions.len());
        output
    }

    #[test]
    fn cx_pair_cancels() {
        let input = circuit(2, &[(Gate::Cx, &[0, 1]), (Gate::Cx, &[0, 1])]);
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Adjacent);
        assert!(output.instructions.is_empty());
    }

    #[test]
    fn reversed_cx_pair_stays() {
        let input = circuit(2, &[(Gate::Cx, &[0, 1]), (Gate::Cx, &[1, 0])]);
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Commuting);
        assert_eq!(output.instructions.len(), 2);
    }

    #[test]
    fn cz_pair_cancels_in_either_order() {
        let input = circuit(2, &[(Gate::Cz, &[0, 1]), (Gate::Cz, &[1, 0])]);
        let output = cancel_checked(&input, Basis::U3Cz, Reach::Adjacent);
        assert!(output.instructions.is_empty());
    }

    #[test]
    fn hadamard_pair_disappears() {
        let input = circuit(1, &[(Gate::H, &[0]), (Gate::H, &[0])]);
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Adjacent);
        assert!(output.instructions.is_empty());
    }

    #[test]
    fn four_sx_become_phase() {
        let sx: (Gate, &[usize]) = (Gate::Sx, &[0]);
        let input = circuit(1, &[sx; 4]);
        let output = cancel_checked(&input, Basis::RzSxXCx, Reach::Adjacent);
        assert!(output.instructions.is_empty());
        let input = circuit(1, &[(Gate::X, &[0]), (Gate::X, &[0])]);
        assert!(
            cancel_checked(&input, Basis::RzSxXCx, Reach::Adjacent)
                .instructions
                .is_empty()
        );
    }

    #[test]
    fn identity_run_lets_cx_meet() {
        let input = circuit(
            2,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Rz(0.4), &[1]),
                (Gate::Rz(-0.4 + 4.0 * PI), &[1]),
                (Gate::Cx, &[0, 1]),
            ],
        );
        let output = cancel_checked(&input, Basis::RzSxXCx, Reach::Adjacent);
        assert!(output.instructions.is_empty());
    }

    #[test]
    fn global_phase_of_removed_run_is_kept() {
        let mut input = circuit(
            1,
            &[(Gate::Rz(1.0), &[0]), (Gate::Rz(2.0 * PI - 1.0), &[0])],
        );
        input.global_phase = 0.3;
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Adjacent);
        assert!(output.instructions.is_empty());
        assert!((output.global_phase - (0.3 - PI)).abs() < 1e-15);
    }

    #[test]
    fn runs_merge_into_one_u() {
        let input = circuit(
            2,
            &[
                (Gate::U(0.3, 0.1, 0.2), &[0]),
                (Gate::U(1.3, -0.1, 0.7), &[0]),
                (Gate::U(0.5, 0.4, 0.9), &[0]),
                (Gate::Cx, &[0, 1]),
            ],
        );
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Adjacent);
        assert_eq!(output.instructions.len(), 2);
    }

    #[test]
    fn rz_on_control_commutes_at_commuting_reach_only() {
        let input = circuit(
            2,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Rz(0.7), &[0]),
                (Gate::Cx, &[0, 1]),
            ],
        );
        let adjacent = cancel_checked(&input, Basis::RzSxXCx, Reach::Adjacent);
        assert_eq!(adjacent.count("cx"), 2);
        let commuting = cancel_checked(&input, Basis::RzSxXCx, Reach::Commuting);
        assert_eq!(commuting.count("cx"), 0);
        assert_eq!(commuting.instructions.len(), 1);
    }

    #[test]
    fn x_on_target_commutes() {
        let input = circuit(
            2,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::X, &[1]),
                (Gate::Sx, &[1]),
                (Gate::Cx, &[0, 1]),
            ],
        );
        let output = cancel_checked(&input, Basis::RzSxXCx, Reach::Commuting);
        assert_eq!(output.count("cx"), 0);
    }

    #[test]
    fn rz_on_target_blocks() {
        let input = circuit(
            2,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Rz(0.7), &[1]),
                (Gate::Cx, &[0, 1]),
            ],
        );
        let output = cancel_checked(&input, Basis::RzSxXCx, Reach::Commuting);
        assert_eq!(output.count("cx"), 2);
    }

    #[test]
    fn cx_cancels_across_cx_sharing_control() {
        let input = circuit(
            3,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[0, 2]),
                (Gate::Cx, &[0, 1]),
            ],
        );
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Commuting);
        assert_eq!(output.count("cx"), 1);
        assert_eq!(output.instructions[0].qubits, vec![0, 2]);
    }

    #[test]
    fn cz_cancels_across_diagonal_gates() {
        let input = circuit(
            3,
            &[
                (Gate::Cz, &[0, 1]),
                (Gate::U(0.0, 0.0, 0.3), &[1]),
                (Gate::Cz, &[1, 2]),
                (Gate::U(0.0, 0.0, 0.5), &[0]),
                (Gate::Cz, &[1, 0]),
            ],
        );
        let output = cancel_checked(&input, Basis::U3Cz, Reach::Commuting);
        assert_eq!(output.count("cz"), 1);
    }

    #[test]
    fn cascade_cancels_nested_pairs() {
        let input = circuit(
            2,
            &[
                (Gate::H, &[1]),
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[0, 1]),
                (Gate::H, &[1]),
                (Gate::Cz, &[0, 1]),
                (Gate::Cz, &[0, 1]),
            ],
        );
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Adjacent);
        assert!(output.instructions.is_empty());
    }

    #[test]
    fn nothing_to_cancel_is_unchanged() {
        let input = circuit(
            2,
            &[
                (Gate::U(0.3, 0.1, 0.2), &[0]),
                (Gate::Cx, &[0, 1]),
                (Gate::U(0.5, 0.4, 0.9), &[1]),
                (Gate::Cx, &[1, 0]),
            ],
        );
        let output = cancel_checked(&input, Basis::U3Cx, Reach::Commuting);
        assert_eq!(output, input);
    }

    #[test]
    fn zsx_run_keeps_shorter_form() {
        // rz · sx · rz is already the shortest form of its product.
        let input = circuit(
            1,
            &[
                (Gate::Rz(0.3), &[0]),
                (Gate::Sx, &[0]),
                (Gate::Rz(0.2), &[0]),
            ],
        );
        let output = cancel_checked(&input, Basis::RzSxXCx, Reach::Adjacent);
        assert_eq!(output, input);
    }
}
