//! Block consolidation passes: two-qubit blocks resynthesized by the KAK decomposition
//! (level 2) and three-qubit blocks by the Shannon decomposition (level 3).
//!
//! Each round moves SWAPs next to the blocks they shorten (see [`swaps`](super::swaps)),
//! resynthesizes the blocks that get cheaper (see [`blocks`](super::blocks)), then runs
//! commutation-aware cancellation so that the fresh one-qubit gates merge with their
//! neighbours. Rounds repeat while the cost drops, at most [`MAX_ROUNDS`] times. Each pass
//! runs once on the circuit as it is and once with its SWAPs elided (see
//! [`elide`](super::elide)), and keeps the cheaper result.

use super::blocks::{Resynthesis, resynthesize_blocks};
use super::cancel::{Reach, cancel};
use super::cost;
use super::elide::elide_swaps;
use super::swaps::absorb_swaps;
use crate::ir::circuit::Circuit;
use crate::synthesize::basis::Basis;
use crate::synthesize::qsd;
use crate::synthesize::two_qubit::two_qubit_cx;

/// Upper bound on the rounds of one pass.
pub const MAX_ROUNDS: usize = 6;

/// Two-qubit blocks: a block with one CX cannot get cheaper, since a single CX is not local.
const TWO_QUBIT: Resynthesis = Resynthesis {
    max_qubits: 2,
    min_qubits: 2,
    min_two_qubit_gates: 2,
    max_attempts: 20_000,
    synthesize: two_qubit_cx,
};

/// Three-qubit blocks. The Shannon decomposition needs 19 CX for a generic three-qubit
/// unitary and fewer for structured ones. Blocks with three CX or fewer are left to the
/// two-qubit steps.
const THREE_QUBIT: Resynthesis = Resynthesis {
    max_qubits: 3,
    min_qubits: 3,
    min_two_qubit_gates: 4,
    max_attempts: 2_000,
    synthesize: qsd::synthesize,
};

/// Resynthesizes two-qubit blocks, after moving SWAPs next to the blocks they shorten,
/// alternating with cancellation.
pub fn consolidate_two_qubit(circuit: &Circuit, basis: Basis) -> Circuit {
    with_and_without_elision(circuit, basis, |circuit| {
        improve(circuit, basis, |circuit| {
            let circuit = absorb_swaps(circuit, basis);
            resynthesize_blocks(&circuit, basis, &TWO_QUBIT).0
        })
    })
}

/// Resynthesizes three-qubit blocks and then two-qubit blocks, alternating with
/// cancellation.
pub fn consolidate_three_qubit(circuit: &Circuit, basis: Basis) -> Circuit {
    with_and_without_elision(circuit, basis, |circuit| {
        improve(circuit, basis, |circuit| {
            let (circuit, _) = resynthesize_blocks(circuit, basis, &THREE_QUBIT);
            let circuit = absorb_swaps(&circuit, basis);
            resynthesize_blocks(&circuit, basis, &TWO_QUBIT).0
        })
    })
}

/// Optimizes the circuit as it is and, when it has SWAP-like blocks, with them elided (see
/// [`elide_swaps`]), and returns the cheaper result.
fn with_and_without_elision(
    circuit: &Circuit,
    basis: Basis,
    optimize: impl Fn(&Circuit) -> Circuit,
) -> Circuit {
    let plain = optimize(circuit);
    let Some(elided) = elide_swaps(circuit, basis) else {
        return plain;
    };
    let elided = optimize(&elided);
    if cost(&elided) < cost(&plain) {
        elided
    } else {
        plain
    }
}

/// Applies `step` and then cancellation while the cost drops.
fn improve(circuit: &Circuit, basis: Basis, step: impl Fn(&Circuit) -> Circuit) -> Circuit {
    let mut best = circuit.clone();
    for _ in 0..MAX_ROUNDS {
        let next = cancel(&step(&best), basis, Reach::Commuting);
        if cost(&next) >= cost(&best) {
            break;
        }
        best = next;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::circuit::Gate;
    use crate::linalg::max_abs_diff;
    use crate::random::SplitMix64;

    fn checked(input: &Circuit, output: &Circuit) {
        let error = max_abs_diff(&output.unitary(), &input.unitary());
        assert!(error < 1e-11, "unitary changed by {error:e}");
        assert!(cost(output) <= cost(input));
    }

    #[test]
    fn swap_then_cx_needs_two_cx() {
        // swap · cx is locally equivalent to a two-CX gate (iSWAP-like), so four CX become two.
        let mut input = Circuit::new(2);
        input.push(Gate::Cx, &[0, 1]);
        input.push(Gate::Cx, &[1, 0]);
        input.push(Gate::Cx, &[0, 1]);
        input.push(Gate::Cx, &[0, 1]);
        input.push(Gate::U(0.3, 0.2, 0.1), &[0]);
        input.push(Gate::Cx, &[1, 0]);
        let translated = crate::synthesize::basis::translate(&input, Basis::U3Cx);
        let output = consolidate_two_qubit(&translated, Basis::U3Cx);
        checked(&translated, &output);
        assert!(output.count("cx") <= 3, "{} CX", output.count("cx"));
    }

    #[test]
    fn long_three_qubit_block_shrinks() {
        // Thirty CX between alternating pairs of three qubits, with rotations between them:
        // no two-qubit block has more than a few CX, but the Shannon decomposition writes the
        // whole unitary with at most 19.
        let mut rng = SplitMix64::new(3);
        let mut input = Circuit::new(3);
        let pairs = [[0, 1], [1, 2], [2, 0]];
        for step in 0..30 {
            let angle = |rng: &mut SplitMix64| rng.next_open_unit() * 6.0;
            let qubit = step % 3;
            input.push(
                Gate::U(angle(&mut rng), angle(&mut rng), angle(&mut rng)),
                &[qubit],
            );
            input.push(Gate::Cx, &pairs[step % 3]);
        }
        let two = consolidate_two_qubit(&input, Basis::U3Cx);
        checked(&input, &two);
        let three = consolidate_three_qubit(&input, Basis::U3Cx);
        checked(&input, &three);
        assert!(three.count("cx") <= 19, "{} CX", three.count("cx"));
        assert!(
            three.count("cx") < two.count("cx"),
            "{} CX at three qubits, {} at two",
            three.count("cx"),
            two.count("cx")
        );
    }

    #[test]
    fn cz_basis_is_kept() {
        let mut input = Circuit::new(2);
        input.push(Gate::Cz, &[0, 1]);
        input.push(Gate::U(0.4, 0.2, 0.1), &[1]);
        input.push(Gate::Cz, &[0, 1]);
        input.push(Gate::U(0.4, 0.2, 0.1), &[0]);
        input.push(Gate::Cz, &[0, 1]);
        input.push(Gate::U(1.4, 0.2, 0.1), &[0]);
        input.push(Gate::Cz, &[1, 0]);
        let output = consolidate_two_qubit(&input, Basis::U3Cz);
        checked(&input, &output);
        assert!(output.count("cz") <= 3);
        for instruction in &output.instructions {
            assert!(Basis::U3Cz.gate_names().contains(&instruction.gate.name()));
        }
    }
}
