//! Quantum passes: gate cancellation, commutation and block resynthesis on circuits in the
//! target basis.
//!
//! Every pass keeps each circuit's unitary, global phase included, and its gates in the
//! target basis. The passes and their levels:
//!
//! - level 1: [`MERGE_CIRCUITS`] joins consecutive circuit operations, [`CANCEL_ADJACENT`]
//!   cancels adjacent inverse pairs and merges one-qubit runs;
//! - level 2: [`CANCEL_COMMUTING`] also cancels and merges across gates that commute,
//!   [`CONSOLIDATE_TWO_QUBIT_BLOCKS`] resynthesizes two-qubit blocks with fewer CX and moves
//!   or elides SWAPs where that saves CX;
//! - level 3: [`CONSOLIDATE_THREE_QUBIT_BLOCKS`] resynthesizes three-qubit blocks.

mod blocks;
mod cancel;
mod commute;
mod consolidate;
mod elide;
mod merge;
mod swaps;

use super::Pass;
use crate::ir::circuit::Circuit;
use crate::ir::{Network, OpKind, Target};
use crate::synthesize::basis::Basis;

use cancel::{Reach, cancel};

/// Level 1: joins consecutive circuit operations; see [`merge`].
pub const MERGE_CIRCUITS: Pass = Pass {
    name: "merge_circuits",
    min_level: 1,
    run: merge::merge_circuits,
};

/// Level 1: cancels adjacent inverse pairs and merges one-qubit runs; see [`cancel`].
pub const CANCEL_ADJACENT: Pass = Pass {
    name: "cancel_adjacent",
    min_level: 1,
    run: cancel_adjacent,
};

/// Level 2: cancels and merges across commuting gates; see [`cancel`].
pub const CANCEL_COMMUTING: Pass = Pass {
    name: "cancel_commuting",
    min_level: 2,
    run: cancel_commuting,
};

/// Level 2: resynthesizes two-qubit blocks; see [`consolidate`].
pub const CONSOLIDATE_TWO_QUBIT_BLOCKS: Pass = Pass {
    name: "consolidate_two_qubit_blocks",
    min_level: 2,
    run: consolidate_two_qubit_blocks,
};

/// Level 3: resynthesizes three-qubit blocks; see [`consolidate`].
pub const CONSOLIDATE_THREE_QUBIT_BLOCKS: Pass = Pass {
    name: "consolidate_three_qubit_blocks",
    min_level: 3,
    run: consolidate_three_qubit_blocks,
};

/// Cost that the passes lower, compared lexicographically: two-qubit gates, then all gates.
fn cost(circuit: &Circuit) -> (usize, usize) {
    (circuit.multi_qubit_count(), circuit.instructions.len())
}

/// Rewrites every circuit of a quantum network; a photonic network is left alone.
fn rewrite_circuits(network: &mut Network, rewrite: impl Fn(&Circuit, Basis) -> Circuit) {
    let Target::Quantum(target) = &network.target else {
        return;
    };
    let basis = target.basis;
    for op in &mut network.ops {
        if let OpKind::Circuit(circuit) = &mut op.kind {
            *circuit = rewrite(circuit, basis);
        }
    }
}

/// Cancels adjacent inverse pairs (`cx·cx`, `cz·cz`) and merges runs of one-qubit gates.
fn cancel_adjacent(network: &mut Network) -> Vec<String> {
    rewrite_circuits(network, |circuit, basis| {
        cancel(circuit, basis, Reach::Adjacent)
    });
    Vec::new()
}

/// Cancels inverse pairs and merges one-qubit gates across gates they commute with.
fn cancel_commuting(network: &mut Network) -> Vec<String> {
    rewrite_circuits(network, |circuit, basis| {
        cancel(circuit, basis, Reach::Commuting)
    });
    Vec::new()
}

/// Resynthesizes two-qubit blocks with the KAK decomposition where that saves gates.
fn consolidate_two_qubit_blocks(network: &mut Network) -> Vec<String> {
    rewrite_circuits(network, consolidate::consolidate_two_qubit);
    Vec::new()
}

/// Resynthesizes three-qubit blocks with the Shannon decomposition where that saves gates.
fn consolidate_three_qubit_blocks(network: &mut Network) -> Vec<String> {
    rewrite_circuits(network, consolidate::consolidate_three_qubit);
    Vec::new()
}
