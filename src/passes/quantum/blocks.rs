//! Block resynthesis: maximal runs of gates on a few qubits, replaced by a fresh synthesis of
//! their unitary when that is cheaper.
//!
//! [`collect_blocks`] reads the circuit once and grows a block per group of qubits: a gate joins
//! the blocks open on its qubits when their qubits together fit in the size limit, and closes
//! those that do not fit. Every gate on a block's qubits between its first and last gate
//! belongs to the block, so the block can be replaced by one circuit at the position of its
//! last gate. [`resynthesize_blocks`] synthesizes each block's unitary, translates it into
//! the basis and keeps it when it has fewer two-qubit gates, or as many and fewer gates.

use super::cost;
use crate::ir::CMatrix;
use crate::ir::circuit::Circuit;
use crate::synthesize::basis::{Basis, translate};

/// A group of gates on at most a given number of qubits.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The block's qubits in increasing order; qubit `k` of the block's own circuit is
    /// `qubits[k]`.
    pub qubits: Vec<usize>,
    /// Indices of the block's instructions in the circuit, increasing.
    pub instructions: Vec<usize>,
}

impl Block {
    /// Returns the block's gates as a circuit on its own qubits.
    pub fn circuit(&self, circuit: &Circuit) -> Circuit {
        let mut local = Circuit::new(self.qubits.len());
        for &index in &self.instructions {
            let instruction = &circuit.instructions[index];
            let qubits: Vec<usize> = instruction
                .qubits
                .iter()
                .map(|qubit| {
                    self.qubits
                        .binary_search(qubit)
                        .expect("a block contains the qubits of its gates")
                })
                .collect();
            local.push(instruction.gate, &qubits);
        }
        local
    }
}

/// A block while it is collected.
struct Growing {
    block: Block,
    /// Whether the block was absorbed into another one.
    absorbed: bool,
}

/// Splits the gates of `circuit` that act on at most `max_qubits` qubits into blocks of at
/// most `max_qubits` qubits. Gates on more qubits belong to no block.
pub fn collect_blocks(circuit: &Circuit, max_qubits: usize) -> Vec<Block> {
    let mut blocks: Vec<Growing> = Vec::new();
    let mut open: Vec<Option<usize>> = vec![None; circuit.num_qubits];
    for (index, instruction) in circuit.instructions.iter().enumerate() {
        let mut touching: Vec<usize> = instruction
            .qubits
            .iter()
            .filter_map(|&qubit| open[qubit])
            .collect();
        touching.sort_unstable();
        touching.dedup();
        if instruction.qubits.len() > max_qubits {
            for id in touching {
                close(&blocks[id].block, &mut open);
            }
            continue;
        }

        // Absorb the open blocks that fit, largest first, and close the others.
        touching.sort_by_key(|&id| std::cmp::Reverse(blocks[id].block.qubits.len()));
        let mut qubits = instruction.qubits.clone();
        qubits.sort_unstable();
        let mut members = Vec::new();
        for id in touching {
            let union = union(&qubits, &blocks[id].block.qubits);
            if union.len() <= max_qubits {
                qubits = union;
                members.push(id);
            } else {
                close(&blocks[id].block, &mut open);
            }
        }

        let id = match members.split_first() {
            Some((&base, others)) => {
                for &other in others {
                    let moved = std::mem::take(&mut blocks[other].block.instructions);
                    blocks[base].block.instructions.extend(moved);
                    blocks[other].absorbed = true;
                }
                if !others.is_empty() {
                    blocks[base].block.instructions.sort_unstable();
                }
                blocks[base].block.qubits = qubits;
                blocks[base].block.instructions.push(index);
                base
            }
            None => {
                blocks.push(Growing {
                    block: Block {
                        qubits,
                        instructions: vec![index],
                    },
                    absorbed: false,
                });
                blocks.len() - 1
            }
        };
        for &qubit in &blocks[id].block.qubits {
            open[qubit] = Some(id);
        }
    }
    blocks
        .into_iter()
        .filter(|growing| !growing.absorbed)
        .map(|growing| growing.block)
        .collect()
}

fn close(block: &Block, open: &mut [Option<usize>]) {
    for &qubit in &block.qubits {
        open[qubit] = None;
    }
}

/// Returns the sorted union of two sorted qubit lists.
fn union(first: &[usize], second: &[usize]) -> Vec<usize> {
    let mut union: Vec<usize> = first.iter().chain(second).copied().collect();
    union.sort_unstable();
    union.dedup();
    union
}

/// Which blocks to resynthesize and how.
pub struct Resynthesis {
    /// Largest block, in qubits.
    pub max_qubits: usize,
    /// Smallest block worth a try, in qubits.
    pub min_qubits: usize,
    /// Blocks with fewer two-qubit gates are left alone.
    pub min_two_qubit_gates: usize,
    /// At most this many blocks are synthesized per call, so a huge circuit stays bounded
    /// in time; the first blocks in circuit order go first.
    pub max_attempts: usize,
    /// Synthesizes a block's unitary into `u` and `cx` gates.
    pub synthesize: fn(&CMatrix) -> Circuit,
}

/// Replaces each block of `circuit` chosen by `settings` by the translated synthesis of its
/// unitary when that is cheaper, and returns the circuit with the number of blocks replaced.
/// The unitary stays the same, global phase included, to the synthesis tolerance per block.
pub fn resynthesize_blocks(
    circuit: &Circuit,
    basis: Basis,
    settings: &Resynthesis,
) -> (Circuit, usize) {
    let mut replacements: Vec<Option<Circuit>> = vec![None; circuit.instructions.len()];
    let mut removed = vec![false; circuit.instructions.len()];
    let mut replaced = 0;
    let candidates = collect_blocks(circuit, settings.max_qubits)
        .into_iter()
        .filter(|block| block.qubits.len() >= settings.min_qubits)
        .filter(|block| {
            let two_qubit = block
                .instructions
                .iter()
                .filter(|&&index| circuit.instructions[index].qubits.len() > 1)
                .count();
            two_qubit >= settings.min_two_qubit_gates
        })
        .take(settings.max_attempts);
    for block in candidates {
        let local = block.circuit(circuit);
        let synthesized = translate(&(settings.synthesize)(&local.unitary()), basis);
        if cost(&synthesized) >= cost(&local) {
            continue;
        }
        let (&last, rest) = block.instructions.split_last().expect("a block has a gate");
        for &index in rest {
            removed[index] = true;
        }
        let mut placed = Circuit::new(circuit.num_qubits);
        placed.append_mapped(&synthesized, &block.qubits);
        replacements[last] = Some(placed);
        removed[last] = true;
        replaced += 1;
    }

    let mut output = Circuit::new(circuit.num_qubits);
    output.global_phase = circuit.global_phase;
    for (index, instruction) in circuit.instructions.iter().enumerate() {
        if let Some(replacement) = &replacements[index] {
            output
                .instructions
                .extend_from_slice(&replacement.instructions);
            output.global_phase += replacement.global_phase;
        } else if !removed[index] {
            output.instructions.push(instruction.clone());
        }
    }
    output.global_phase = crate::synthesize::euler::wrap_angle(output.global_phase).0;
    (output, replaced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::circuit::Gate;
    use crate::linalg::max_abs_diff;
    use crate::synthesize::two_qubit::two_qubit_cx;

    fn circuit(num_qubits: usize, gates: &[(Gate, &[usize])]) -> Circuit {
        let mut circuit = Circuit::new(num_qubits);
        for (gate, qubits) in gates {
            circuit.push(*gate, qubits);
        }
        circuit
    }

    const TWO_QUBIT: Resynthesis = Resynthesis {
        max_qubits: 2,
        min_qubits: 2,
        min_two_qubit_gates: 2,
        max_attempts: usize::MAX,
        synthesize: two_qubit_cx,
    };

    #[test]
    fn blocks_follow_qubit_pairs() {
        let input = circuit(
            3,
            &[
                (Gate::H, &[0]),
                (Gate::Cx, &[0, 1]),
                (Gate::H, &[2]),
                (Gate::Cx, &[1, 0]),
                (Gate::Cx, &[1, 2]),
                (Gate::X, &[0]),
                (Gate::Cx, &[2, 1]),
            ],
        );
        let blocks = collect_blocks(&input, 2);
        let expected = [
            Block {
                qubits: vec![0, 1],
                instructions: vec![0, 1, 3],
            },
            Block {
                qubits: vec![1, 2],
                instructions: vec![2, 4, 6],
            },
            Block {
                qubits: vec![0],
                instructions: vec![5],
            },
        ];
        assert_eq!(blocks, expected);
    }

    #[test]
    fn every_gate_is_in_one_block() {
        let input = circuit(
            4,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[2, 3]),
                (Gate::Cx, &[1, 2]),
                (Gate::Ccx, &[0, 1, 3]),
                (Gate::Cx, &[0, 3]),
                (Gate::H, &[2]),
                (Gate::Cx, &[3, 2]),
            ],
        );
        for max_qubits in 2..=3 {
            let mut seen: Vec<usize> = collect_blocks(&input, max_qubits)
                .iter()
                .flat_map(|block| block.instructions.clone())
                .collect();
            seen.sort_unstable();
            let expected: Vec<usize> = (0..input.instructions.len())
                .filter(|&index| input.instructions[index].qubits.len() <= max_qubits)
                .collect();
            assert_eq!(seen, expected, "blocks of {max_qubits}");
        }
    }

    #[test]
    fn three_qubit_blocks_merge_pairs() {
        let input = circuit(
            3,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[1, 2]),
                (Gate::Cx, &[0, 2]),
            ],
        );
        let blocks = collect_blocks(&input, 3);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].qubits, vec![0, 1, 2]);
    }

    #[test]
    fn three_cx_swap_stays() {
        let input = circuit(
            2,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[1, 0]),
                (Gate::Cx, &[0, 1]),
            ],
        );
        let (output, replaced) = resynthesize_blocks(&input, Basis::U3Cx, &TWO_QUBIT);
        assert_eq!(replaced, 0);
        assert_eq!(output, input);
    }

    #[test]
    fn local_block_loses_its_cx() {
        // cx · (u ⊗ u) · cx with X-type gates on the target and Z-type on the control is
        // a product of one-qubit gates.
        let input = circuit(
            3,
            &[
                (Gate::H, &[2]),
                (Gate::Cx, &[0, 1]),
                (Gate::U(0.0, 0.0, 0.4), &[0]),
                (
                    Gate::U(
                        0.9,
                        -std::f64::consts::FRAC_PI_2,
                        std::f64::consts::FRAC_PI_2,
                    ),
                    &[1],
                ),
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[1, 2]),
            ],
        );
        let (output, replaced) = resynthesize_blocks(&input, Basis::U3Cx, &TWO_QUBIT);
        assert_eq!(replaced, 1);
        assert_eq!(output.count("cx"), 1);
        assert!(max_abs_diff(&output.unitary(), &input.unitary()) < 1e-12);
    }

    #[test]
    fn replacement_sits_at_last_gate() {
        // The block on (0, 1) ends after the cx on (2, 3), so the replacement follows it.
        let mut input = circuit(
            4,
            &[
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[2, 3]),
                (Gate::Cx, &[0, 1]),
                (Gate::Cx, &[1, 2]),
            ],
        );
        input.global_phase = 0.25;
        let (output, replaced) = resynthesize_blocks(&input, Basis::U3Cx, &TWO_QUBIT);
        assert_eq!(replaced, 1);
        assert_eq!(output.count("cx"), 2);
        assert_eq!(output.instructions[0].qubits, vec![2, 3]);
        assert!(max_abs_diff(&output.unitary(), &input.unitary()) < 1e-12);
    }
}
