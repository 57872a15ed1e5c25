//! Swap absorption: a two-qubit block that is a SWAP up to one-qubit gates travels, as a SWAP,
//! to the nearest two-qubit gate on the same pair, and merges into that gate's block.
//!
//! A block with unitary `U = SWAP·X`, where `X = K1 ⊗ K0` is a product of one-qubit gates,
//! costs three CX wherever it sits. Moving the SWAP past gates only relabels them: in circuit
//! order `T, SWAP` equals `SWAP, T'`, where `T'` is `T` with the pair's qubits exchanged. So
//! the block is replaced by `K1 ⊗ K0` (or its mirror), the SWAP moves next to the nearest
//! earlier (or later) gate `M` that acts on both qubits, and every gate it passes on one of
//! the qubits is relabeled. This pays off when `M`'s block times the SWAP needs fewer CX
//! than `M`'s block plus three, as for a controlled phase followed by a SWAP (three CX instead
//! of five). Block consolidation then writes the merged block with its new count.

use super::blocks::{Block, collect_blocks};
use crate::ir::CMatrix;
use crate::ir::circuit::{Circuit, Gate, Instruction};
use crate::linalg::max_abs_diff;
use crate::synthesize::basis::{Basis, synthesize_one_qubit, translate};
use crate::synthesize::euler::wrap_angle;
use crate::synthesize::two_qubit::{tensor_factors, two_qubit_cx};

/// Upper bound on the SWAPs moved by one call; each move re-reads the circuit.
const MAX_MOVES: usize = 64;

/// Largest entry error accepted when splitting `SWAP·U` into one-qubit factors.
const FACTOR_TOLERANCE: f64 = 1e-12;

/// The direction in which a SWAP travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Backward,
    Forward,
}

/// Moves SWAP-like blocks next to the two-qubit gates they merge with for fewer CX. The
/// unitary stays the same, global phase included; the CX count drops only once the merged
/// blocks are resynthesized.
pub fn absorb_swaps(circuit: &Circuit, basis: Basis) -> Circuit {
    let mut current = circuit.clone();
    for _ in 0..MAX_MOVES {
        match absorb_one(&current, basis) {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// Moves the first SWAP-like block that gains, or returns `None`.
fn absorb_one(circuit: &Circuit, basis: Basis) -> Option<Circuit> {
    let blocks = collect_blocks(circuit, 2);
    let mut block_of = vec![usize::MAX; circuit.instructions.len()];
    for (id, block) in blocks.iter().enumerate() {
        for &index in &block.instructions {
            block_of[index] = id;
        }
    }
    let swap = Gate::Swap.matrix();
    for block in &blocks {
        let two_qubit = block
            .instructions
            .iter()
            .filter(|&&index| circuit.instructions[index].qubits.len() == 2)
            .count();
        if block.qubits.len() != 2 || two_qubit < 3 {
            continue;
        }
        let Some(factors) = swap_factors(&(&swap * block.circuit(circuit).unitary())) else {
            continue;
        };
        for direction in [Direction::Backward, Direction::Forward] {
            let Some(meeting) = meeting_gate(circuit, block, direction) else {
                continue;
            };
            let partner = blocks[block_of[meeting]].circuit(circuit).unitary();
            let merged = match direction {
                Direction::Backward => &swap * &partner,
                Direction::Forward => &partner * &swap,
            };
            if cx_count(&merged) < cx_count(&partner) + 3 {
                let moved = Move {
                    block,
                    meeting,
                    direction,
                    factors: &factors,
                };
                return Some(moved.apply(circuit, basis));
            }
        }
    }
    None
}

/// Returns `[K0, K1]` with `x = K1 ⊗ K0`, or `None` when `x` is not such a product.
fn swap_factors(x: &CMatrix) -> Option<[CMatrix; 2]> {
    let [low, high] = tensor_factors(x);
    // A matrix far from a product can give NaN factors, which `max_abs_diff` would skip.
    let finite = low.iter().chain(high.iter()).all(|z| z.is_finite());
    let exact = finite && max_abs_diff(&high.kronecker(&low), x) <= FACTOR_TOLERANCE;
    exact.then_some([low, high])
}

fn cx_count(u: &CMatrix) -> usize {
    two_qubit_cx(u).count("cx")
}

/// Returns the index of the nearest gate before the block's first gate (or after its last)
/// that acts on both of its qubits, when that gate acts on exactly those two.
fn meeting_gate(circuit: &Circuit, block: &Block, direction: Direction) -> Option<usize> {
    let pair = [block.qubits[0], block.qubits[1]];
    let touches_both = |index: usize| {
        let qubits = &circuit.instructions[index].qubits;
        pair.iter().all(|qubit| qubits.contains(qubit))
    };
    let found = match direction {
        Direction::Backward => (0..block.instructions[0]).rev().find(|&i| touches_both(i)),
        Direction::Forward => {
            let last = *block.instructions.last().expect("a block has a gate");
            (last + 1..circuit.instructions.len()).find(|&i| touches_both(i))
        }
    }?;
    (circuit.instructions[found].qubits.len() == 2).then_some(found)
}

/// One SWAP move: the block to replace, the gate the SWAP meets, and the factors of
/// `SWAP·U` of the block.
struct Move<'a> {
    block: &'a Block,
    meeting: usize,
    direction: Direction,
    factors: &'a [CMatrix; 2],
}

impl Move<'_> {
    /// Writes the circuit with the block replaced by one-qubit gates, the SWAP next to the
    /// meeting gate and the gates in between relabeled.
    fn apply(&self, circuit: &Circuit, basis: Basis) -> Circuit {
        let pair = [self.block.qubits[0], self.block.qubits[1]];
        let last = *self.block.instructions.last().expect("a block has a gate");
        // Gates in the block's index range that are not in the block, on one of the pair's
        // qubits, come before the block on that qubit (a later one would have joined it). The
        // SWAP leaves the block at its start when it moves back, so those gates are relabeled,
        // and at its end when it moves forward, so they are not.
        let (start, end) = match self.direction {
            Direction::Backward => (self.meeting, last),
            Direction::Forward => (last, self.meeting),
        };
        let mut in_block = vec![false; circuit.instructions.len()];
        for &index in &self.block.instructions {
            in_block[index] = true;
        }
        let swap = {
            let mut swap = Circuit::new(circuit.num_qubits);
            swap.push(Gate::Swap, &pair);
            translate(&swap, basis)
        };

        let mut output = Circuit::new(circuit.num_qubits);
        output.global_phase = circuit.global_phase;
        for (index, instruction) in circuit.instructions.iter().enumerate() {
            if index == self.meeting && self.direction == Direction::Forward {
                output.append_mapped(&swap, &identity(circuit.num_qubits));
            }
            if index == last {
                self.push_factors(&mut output, pair, basis);
            }
            if in_block[index] {
                continue;
            }
            if start < index && index < end {
                output.instructions.push(relabeled(instruction, pair));
            } else {
                output.instructions.push(instruction.clone());
            }
            if index == self.meeting && self.direction == Direction::Backward {
                output.append_mapped(&swap, &identity(circuit.num_qubits));
            }
        }
        output.global_phase = wrap_angle(output.global_phase).0;
        output
    }

    /// Appends the one-qubit factors left where the block was: `K0` on the pair's first
    /// qubit and `K1` on its second, exchanged when the SWAP went before them.
    fn push_factors(&self, output: &mut Circuit, pair: [usize; 2], basis: Basis) {
        let [low, high] = self.factors;
        let targets = match self.direction {
            Direction::Backward => [pair[1], pair[0]],
            Direction::Forward => [pair[0], pair[1]],
        };
        for (factor, qubit) in [low, high].into_iter().zip(targets) {
            let gates = synthesize_one_qubit(factor, basis);
            output.append_mapped(&gates, &[qubit]);
        }
    }
}

fn identity(num_qubits: usize) -> Vec<usize> {
    (0..num_qubits).collect()
}

/// Returns the instruction with the two qubits of `pair` exchanged.
fn relabeled(instruction: &Instruction, pair: [usize; 2]) -> Instruction {
    let qubits = instruction
        .qubits
        .iter()
        .map(|&qubit| match qubit {
            q if q == pair[0] => pair[1],
            q if q == pair[1] => pair[0],
            q => q,
        })
        .collect();
    Instruction {
        gate: instruction.gate,
        qubits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Returns the last part of the four-qubit QFT, controlled phases and then a SWAP.
    fn qft_tail(basis: Basis) -> Circuit {
        let mut circuit = Circuit::new(4);
        circuit.push(Gate::Cp(PI / 8.0), &[0, 3]);
        circuit.push(Gate::Cp(PI / 4.0), &[0, 2]);
        circuit.push(Gate::H, &[1]);
        circuit.push(Gate::Cp(PI / 2.0), &[0, 1]);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::Swap, &[0, 3]);
        translate(&circuit, basis)
    }

    /// A SWAP block whose first gate on one qubit comes before a gate of another block on
    /// the other qubit: moving the SWAP forward must not relabel that earlier gate.
    #[test]
    fn forward_move_keeps_earlier_gates() {
        let mut circuit = Circuit::new(4);
        circuit.push(Gate::Cx, &[0, 3]);
        circuit.push(Gate::U(PI / 2.0, PI / 2.0, -PI / 2.0), &[2]);
        circuit.push(Gate::U(PI / 2.0, 0.0, PI), &[3]);
        circuit.push(Gate::Cx, &[2, 3]);
        circuit.push(Gate::Cx, &[3, 2]);
        circuit.push(Gate::Cx, &[2, 3]);
        circuit.push(Gate::Cx, &[1, 3]);
        circuit.push(Gate::U(0.0, 0.0, -PI / 8.0), &[3]);
        circuit.push(Gate::Cx, &[2, 3]);
        for basis in [Basis::U3Cx, Basis::RzSxXCx, Basis::U3Cz] {
            let input = translate(&circuit, basis);
            let output = absorb_swaps(&input, basis);
            let error = max_abs_diff(&output.unitary(), &input.unitary());
            assert!(error < 1e-11, "{basis:?}: unitary changed by {error:e}");
        }
    }

    #[test]
    fn swap_moves_back_to_controlled_phase() {
        for basis in [Basis::U3Cx, Basis::RzSxXCx, Basis::U3Cz] {
            let input = qft_tail(basis);
            let output = absorb_swaps(&input, basis);
            let error = max_abs_diff(&output.unitary(), &input.unitary());
            assert!(error < 1e-11, "{basis:?}: unitary changed by {error:e}");
            assert_eq!(
                output.multi_qubit_count(),
                input.multi_qubit_count(),
                "{basis:?}"
            );
            // The SWAP now follows the controlled phase on (0, 3), and the controlled phases
            // on qubit 0 moved to qubit 3.
            let entangler = basis.entangler();
            let pairs: Vec<Vec<usize>> = output
                .instructions
                .iter()
                .filter(|instruction| instruction.gate == entangler)
                .map(|instruction| {
                    let mut qubits = instruction.qubits.clone();
                    qubits.sort_unstable();
                    qubits
                })
                .collect();
            assert_eq!(pairs[..5], [[0, 3], [0, 3], [0, 3], [0, 3], [0, 3]]);
            assert_eq!(pairs[5..], [[2, 3], [2, 3], [1, 3], [1, 3]]);
            for instruction in &output.instructions {
                assert!(basis.gate_names().contains(&instruction.gate.name()));
            }
        }
    }

    #[test]
    fn swap_moves_forward() {
        let mut circuit = Circuit::new(3);
        circuit.push(Gate::Swap, &[0, 1]);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::Cx, &[1, 2]);
        circuit.push(Gate::Cp(0.3), &[1, 0]);
        let input = translate(&circuit, Basis::U3Cx);
        let output = absorb_swaps(&input, Basis::U3Cx);
        let error = max_abs_diff(&output.unitary(), &input.unitary());
        assert!(error < 1e-11, "unitary changed by {error:e}");
        // The CX on (1, 2) now comes first and acts on (0, 2).
        let first = output
            .instructions
            .iter()
            .find(|instruction| instruction.qubits.len() == 2)
            .unwrap();
        assert_eq!(first.qubits, vec![0, 2]);
    }

    #[test]
    fn only_products_have_factors() {
        let [low, high] = swap_factors(&Gate::H.matrix().kronecker(&Gate::T.matrix())).unwrap();
        assert!(
            max_abs_diff(
                &high.kronecker(&low),
                &Gate::H.matrix().kronecker(&Gate::T.matrix())
            ) < 1e-15
        );
        assert!(swap_factors(&Gate::Cx.matrix()).is_none());
        // Every 2×2 block of SWAP is singular, so the factors come out as NaN.
        assert!(swap_factors(&Gate::Swap.matrix()).is_none());
    }

    #[test]
    fn lone_swap_stays() {
        let mut circuit = Circuit::new(2);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::Swap, &[0, 1]);
        let input = translate(&circuit, Basis::U3Cx);
        assert_eq!(absorb_swaps(&input, Basis::U3Cx), input);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// One random step: a one-qubit gate, a CX, or a SWAP written as three CX, so that SWAP
    /// blocks interleave with gates on shared qubits.
    fn step() -> impl Strategy<Value = (u8, usize, usize, f64)> {
        (0u8..3, 0usize..4, 0usize..4, -3.0f64..3.0)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn absorbing_swaps_keeps_unitary(steps in proptest::collection::vec(step(), 1..24)) {
            let mut circuit = Circuit::new(4);
            for (kind, a, b, angle) in steps {
                match kind {
                    0 => circuit.push(Gate::U(angle, angle / 2.0, -angle), &[a]),
                    _ if a == b => continue,
                    1 => circuit.push(Gate::Cx, &[a, b]),
                    _ => {
                        circuit.push(Gate::Cx, &[a, b]);
                        circuit.push(Gate::Cx, &[b, a]);
                        circuit.push(Gate::Cx, &[a, b]);
                    }
                }
            }
            let input = translate(&circuit, Basis::U3Cx);
            let output = absorb_swaps(&input, Basis::U3Cx);
            let error = max_abs_diff(&output.unitary(), &input.unitary());
            prop_assert!(error < 1e-10, "unitary changed by {error:e}");
        }
    }
}
