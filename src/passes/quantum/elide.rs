//! SWAP elision: a two-qubit block that gets cheaper times a SWAP gives way to that product.
//! The gates after it are relabeled, and the permutation of the SWAPs is applied once at the
//! end, with as few SWAPs as it needs.
//!
//! A block with unitary `U` equals `V` followed by a SWAP, where `V = SWAP·U`. Moving that
//! SWAP to the end of the circuit exchanges its two qubits in every gate it passes, so the
//! block can be written as `V` with the gates after it relabeled and one permutation at the
//! end. This pays off when `V` needs fewer CX than `U`: a SWAP up to one-qubit gates needs
//! none, a SWAP times an interaction in the iSWAP class one. A SWAP network that returns
//! every qubit home, as in Trotter circuits, then costs nothing. A permutation with `c`
//! cycles on `n` qubits costs `n − c` SWAPs, which the other steps may merge into the blocks
//! before them.

use super::blocks::collect_blocks;
use crate::ir::circuit::{Circuit, Gate};
use crate::synthesize::basis::{Basis, translate};
use crate::synthesize::euler::wrap_angle;
use crate::synthesize::two_qubit::two_qubit_cx;

/// A block to elide: its two qubits, its last instruction and the circuit of `SWAP·U` on its
/// own two qubits, in the basis.
struct Elided {
    qubits: [usize; 2],
    last: usize,
    replacement: Circuit,
}

/// Returns the circuit with every two-qubit block elided whose product with a SWAP needs
/// fewer CX, and with the permutation applied at the end. Returns `None` when no block gains.
/// The unitary stays the same, global phase included.
pub fn elide_swaps(circuit: &Circuit, basis: Basis) -> Option<Circuit> {
    let swap = Gate::Swap.matrix();
    let mut member = vec![false; circuit.instructions.len()];
    let mut elided = Vec::new();
    for block in collect_blocks(circuit, 2) {
        let two_qubit = block
            .instructions
            .iter()
            .filter(|&&index| circuit.instructions[index].qubits.len() == 2)
            .count();
        // A block with one CX times a SWAP needs two.
        if block.qubits.len() != 2 || two_qubit < 2 {
            continue;
        }
        let unitary = block.circuit(circuit).unitary();
        let swapped = two_qubit_cx(&(&swap * &unitary));
        if swapped.count("cx") >= two_qubit.min(two_qubit_cx(&unitary).count("cx")) {
            continue;
        }
        for &index in &block.instructions {
            member[index] = true;
        }
        elided.push(Elided {
            qubits: [block.qubits[0], block.qubits[1]],
            last: *block.instructions.last().expect("a block has a gate"),
            replacement: translate(&swapped, basis),
        });
    }
    if elided.is_empty() {
        return None;
    }
    elided.sort_by_key(|block| block.last);

    // `mapping[q]` is the qubit that a gate on qubit `q` of the input now acts on.
    let mut mapping: Vec<usize> = (0..circuit.num_qubits).collect();
    let mut output = Circuit::new(circuit.num_qubits);
    output.global_phase = circuit.global_phase;
    let mut next = elided.iter().peekable();
    for (index, instruction) in circuit.instructions.iter().enumerate() {
        if let Some(block) = next.next_if(|block| block.last == index) {
            let [first, second] = block.qubits;
            output.append_mapped(&block.replacement, &[mapping[first], mapping[second]]);
            mapping.swap(first, second);
        }
        if !member[index] {
            let qubits: Vec<usize> = instruction.qubits.iter().map(|&q| mapping[q]).collect();
            output.push(instruction.gate, &qubits);
        }
    }
    let restore = translate(&restoring_swaps(&mapping), basis);
    output.append_mapped(&restore, &(0..circuit.num_qubits).collect::<Vec<_>>());
    output.global_phase = wrap_angle(output.global_phase).0;
    Some(output)
}

/// Returns SWAPs that move the state of qubit `mapping[q]` to qubit `q` for every `q`, one
/// fewer per cycle than the cycle's length.
fn restoring_swaps(mapping: &[usize]) -> Circuit {
    let mut location = mapping.to_vec();
    let mut occupant = vec![0; mapping.len()];
    for (qubit, &place) in mapping.iter().enumerate() {
        occupant[place] = qubit;
    }
    let mut swaps = Circuit::new(mapping.len());
    for qubit in 0..mapping.len() {
        let place = location[qubit];
        if place == qubit {
            continue;
        }
        swaps.push(Gate::Swap, &[qubit, place]);
        let displaced = occupant[qubit];
        occupant[place] = displaced;
        location[displaced] = place;
        occupant[qubit] = qubit;
        location[qubit] = qubit;
    }
    swaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::max_abs_diff;

    fn checked(input: &Circuit, basis: Basis) -> Circuit {
        let output = elide_swaps(input, basis).expect("the circuit has SWAPs");
        let error = max_abs_diff(&output.unitary(), &input.unitary());
        assert!(error < 1e-11, "{basis:?}: unitary changed by {error:e}");
        for instruction in &output.instructions {
            assert!(basis.gate_names().contains(&instruction.gate.name()));
        }
        output
    }

    #[test]
    fn swap_network_returning_home_costs_nothing() {
        // SWAPs that bring every qubit home, with gates between them on other pairs.
        let mut circuit = Circuit::new(3);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::Swap, &[0, 1]);
        circuit.push(Gate::Rz(0.3), &[1]);
        circuit.push(Gate::Cx, &[1, 2]);
        circuit.push(Gate::Swap, &[0, 2]);
        circuit.push(Gate::Cx, &[2, 1]);
        circuit.push(Gate::Swap, &[0, 1]);
        circuit.push(Gate::Cx, &[0, 2]);
        circuit.push(Gate::Swap, &[1, 2]);
        circuit.push(Gate::T, &[2]);
        for basis in [Basis::U3Cx, Basis::RzSxXCx, Basis::U3Cz] {
            let input = translate(&circuit, basis);
            assert_eq!(input.multi_qubit_count(), 15, "{basis:?}");
            let output = checked(&input, basis);
            assert_eq!(output.multi_qubit_count(), 3, "{basis:?}");
        }
    }

    #[test]
    fn open_permutation_is_restored() {
        // A 3-cycle needs two SWAPs at the end.
        let mut circuit = Circuit::new(3);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::Swap, &[0, 1]);
        circuit.push(Gate::T, &[1]);
        circuit.push(Gate::Swap, &[1, 2]);
        circuit.push(Gate::Cx, &[2, 0]);
        let input = translate(&circuit, Basis::U3Cx);
        let output = checked(&input, Basis::U3Cx);
        assert_eq!(output.count("cx"), 7);
    }

    #[test]
    fn restoring_swaps_undo_mapping() {
        let mapping = [2, 0, 3, 1, 4];
        let swaps = restoring_swaps(&mapping);
        assert_eq!(swaps.instructions.len(), 3);
        // The state of qubit mapping[q] must end on qubit q.
        let mut position: Vec<usize> = (0..5).collect();
        for instruction in &swaps.instructions {
            let [a, b] = [instruction.qubits[0], instruction.qubits[1]];
            for place in position.iter_mut() {
                if *place == a {
                    *place = b;
                } else if *place == b {
                    *place = a;
                }
            }
        }
        for (qubit, &place) in mapping.iter().enumerate() {
            assert_eq!(position[place], qubit);
        }
    }

    #[test]
    fn iswap_like_block_keeps_one_cx() {
        // cx(0, 1) · cx(1, 0) is a SWAP times a CX: one CX and a relabeling.
        let mut circuit = Circuit::new(3);
        circuit.push(Gate::Cx, &[0, 1]);
        circuit.push(Gate::Cx, &[1, 0]);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::Cx, &[1, 2]);
        let output = checked(&circuit, Basis::U3Cx);
        assert_eq!(
            output.count("cx"),
            5,
            "one CX, the CX on (0, 2) and three for the SWAP"
        );
    }

    #[test]
    fn circuit_without_gain_is_left_alone() {
        let mut circuit = Circuit::new(2);
        circuit.push(Gate::Cx, &[0, 1]);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::Cx, &[0, 1]);
        assert!(elide_swaps(&circuit, Basis::U3Cx).is_none());
    }
}
