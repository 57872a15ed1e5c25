//! Idle MZIs and phase columns: after decomposition, bar-state MZIs leave the meshes and
//! phase columns merge into their neighbours.
//!
//! An MZI with θ = 0 is the bar state `M(0, φ) = diag(e^{iφ}, 1)`: a phase on its upper arm
//! and no coupling. The decompositions write it with θ = 0 exactly. The pass walks each mesh
//! in propagation order with one pending phase per mode and uses
//!
//! ```text
//! M(θ, φ) · diag(e^{ia}, e^{ib}) = e^{ib} · M(θ, φ + a − b)
//! ```
//!
//! from `docs/conventions.md`. A bar-state MZI leaves the mesh and adds φ to the pending phase
//! of its upper mode. Every other MZI absorbs the difference of its pending phases into its φ
//! and passes the lower one on to both modes. What is pending at the end joins the output
//! phases, and the remaining MZIs move to the earliest free column.
//!
//! Phase columns then merge: consecutive `phase` operations add up, a `phase` after a mesh
//! joins its output phases, and a `phase` before a mesh enters it as the pending phases of the
//! same walk. A mesh left without MZIs becomes a phase column, and a phase column of zeros
//! disappears. Permutations move forward through phase columns and attenuators (relabelling
//! their entries) when that makes them meet the next permutation, and the two compose into
//! one, or into nothing when they cancel. All of this is exact up to the rounding of the phase
//! sums.
//!
//! With `layout = fixed` the pass does nothing, so every MZI of every full mesh stays.

use super::{count, is_compact, join_layers};
use crate::decompose::{assign_columns, wrap_phase};
use crate::ir::{Mesh, Network, Op, OpKind};

/// Runs the pass on one network; see the module documentation.
pub fn run(network: &mut Network) -> Vec<String> {
    if !is_compact(network) {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for op in &mut network.ops {
        if let OpKind::Mesh(mesh) = &mut op.kind {
            let total = mesh.mzis.len();
            let removed = push_phases_forward(mesh, None);
            if removed > 0 {
                notes.push(format!(
                    "layer `{}`: drops {} of {total} in the bar state (θ = 0)",
                    op.layer,
                    count(removed, "MZI")
                ));
            }
        }
    }
    let ops = merge_permutations(std::mem::take(&mut network.ops), &mut notes);
    network.ops = merge_phase_columns(ops, &mut notes);
    notes
}

/// Composes each permutation with the previous one when only phase columns and attenuators
/// lie between them, moving the earlier permutation past those.
fn merge_permutations(ops: Vec<Op>, notes: &mut Vec<String>) -> Vec<Op> {
    let mut merged: Vec<Op> = Vec::with_capacity(ops.len());
    for mut op in ops {
        let OpKind::Permutation(next) = &op.kind else {
            merged.push(op);
            continue;
        };
        let diagonal = merged
            .iter()
            .rev()
            .take_while(|previous| {
                matches!(previous.kind, OpKind::Phase(_) | OpKind::Attenuation(_))
            })
            .count();
        let Some(index) = merged.len().checked_sub(diagonal + 1) else {
            merged.push(op);
            continue;
        };
        let OpKind::Permutation(first) = &merged[index].kind else {
            merged.push(op);
            continue;
        };
        let first = first.clone();
        // Permutation p then diagonal d equals diagonal d' then p, with d'[p[k]] = d[k].
        for between in &mut merged[index + 1..] {
            if let OpKind::Phase(entries) | OpKind::Attenuation(entries) = &mut between.kind {
                let mut moved = entries.clone();
                for (position, &from) in first.iter().enumerate() {
                    moved[from] = entries[position];
                }
                *entries = moved;
            }
        }
        let composed: Vec<usize> = next.iter().map(|&from| first[from]).collect();
        let previous = merged.remove(index);
        let cancel = composed
            .iter()
            .enumerate()
            .all(|(mode, &from)| mode == from);
        notes.push(format!(
            "layer `{}`: the permutation {} the permutation of layer `{}`",
            op.layer,
            if cancel { "cancels" } else { "merges with" },
            previous.layer
        ));
        if cancel {
            continue;
        }
        op.kind = OpKind::Permutation(composed);
        op.layer = join_layers([previous.layer.as_str(), op.layer.as_str()]);
        op.span = previous.span;
        merged.push(op);
    }
    merged
}

/// Walks the mesh with the pending phases `input_phases` (zeros for `None`), drops its
/// bar-state MZIs and returns how many it dropped.
fn push_phases_forward(mesh: &mut Mesh, input_phases: Option<&[f64]>) -> usize {
    let mut pending = match input_phases {
        Some(phases) => phases.to_vec(),
        None => vec![0.0; mesh.modes],
    };
    let total = mesh.mzis.len();
    let mut kept = Vec::with_capacity(total);
    for mut mzi in mesh.mzis.drain(..) {
        let (upper, lower) = (pending[mzi.top], pending[mzi.top + 1]);
        if mzi.theta == 0.0 {
            // M(0, φ)·diag(e^{ia}, e^{ib}) = diag(e^{i(a + φ)}, e^{ib}).
            pending[mzi.top] = wrap_phase(upper + mzi.phi);
            continue;
        }
        if upper != lower {
            mzi.phi = wrap_phase(mzi.phi + upper - lower);
        }
        pending[mzi.top] = lower;
        kept.push(mzi);
    }
    for (phase, extra) in mesh.output_phases.iter_mut().zip(pending) {
        if extra != 0.0 {
            *phase = wrap_phase(*phase + extra);
        }
    }
    let removed = total - kept.len();
    mesh.mzis = kept;
    if removed > 0 {
        assign_columns(&mut mesh.mzis, mesh.modes);
    }
    removed
}

/// Merges phase columns into neighbouring phase columns and meshes, turns meshes without MZIs
/// into phase columns and drops phase columns of zeros.
fn merge_phase_columns(ops: Vec<Op>, notes: &mut Vec<String>) -> Vec<Op> {
    let mut merged: Vec<Op> = Vec::with_capacity(ops.len());
    for mut op in ops {
        if let OpKind::Mesh(mesh) = &op.kind
            && mesh.mzis.is_empty()
        {
            notes.push(format!(
                "layer `{}`: the mesh has no MZI left and becomes a phase column",
                op.layer
            ));
            op.kind = OpKind::Phase(mesh.output_phases.clone());
        }
        match &mut op.kind {
            OpKind::Phase(phases) => {
                let Some(previous) = merged.last_mut() else {
                    merged.push(op);
                    continue;
                };
                let target = match &mut previous.kind {
                    OpKind::Phase(previous_phases) => previous_phases,
                    OpKind::Mesh(mesh) => &mut mesh.output_phases,
                    _ => {
                        merged.push(op);
                        continue;
                    }
                };
                for (phase, &extra) in target.iter_mut().zip(phases.iter()) {
                    *phase = wrap_phase(*phase + extra);
                }
                notes.push(format!(
                    "layer `{}`: the phase column merges into the {} of layer `{}`",
                    op.layer,
                    if matches!(previous.kind, OpKind::Mesh(_)) {
                        "output phases of the mesh"
                    } else {
                        "phase column"
                    },
                    previous.layer
                ));
                previous.layer = join_layers([previous.layer.as_str(), op.layer.as_str()]);
            }
            OpKind::Mesh(mesh) => {
                if let Some(previous) =
                    merged.pop_if(|previous| matches!(previous.kind, OpKind::Phase(_)))
                {
                    let OpKind::Phase(phases) = &previous.kind else {
                        unreachable!("`pop_if` returned a phase column")
                    };
                    push_phases_forward(mesh, Some(phases));
                    notes.push(format!(
                        "layer `{}`: the phase column moves into the mesh of layer `{}`",
                        previous.layer, op.layer
                    ));
                    op.layer = join_layers([previous.layer.as_str(), op.layer.as_str()]);
                    op.span = previous.span;
                }
                merged.push(op);
            }
            _ => merged.push(op),
        }
    }
    merged.retain(|op| match &op.kind {
        OpKind::Phase(phases) => phases.iter().any(|&phase| phase != 0.0),
        _ => true,
    });
    merged
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_same_function, network, set_layout};
    use super::*;
    use crate::decompose::test_support::{SplitMix64, haar_unitary};
    use crate::decompose::{clements, reck};
    use crate::ir::{CMatrix, Layout, MeshKind, Mzi};

    fn mzi(top: usize, theta: f64, phi: f64) -> Mzi {
        Mzi {
            top,
            column: 0,
            theta,
            phi,
        }
    }

    fn mesh(modes: usize, mzis: Vec<Mzi>, output_phases: Vec<f64>) -> Mesh {
        let mut mesh = Mesh {
            kind: MeshKind::Clements,
            modes,
            mzis,
            output_phases,
        };
        assign_columns(&mut mesh.mzis, modes);
        mesh
    }

    fn mzi_count(network: &Network) -> usize {
        network
            .ops
            .iter()
            .map(|op| match &op.kind {
                OpKind::Mesh(mesh) => mesh.mzis.len(),
                _ => 0,
            })
            .sum()
    }

    /// Returns a Clements mesh of a Haar unitary with the MZIs at `idle` set to the bar state,
    /// some with a nonzero φ.
    fn mesh_with_idle(modes: usize, idle: &[usize], seed: u64) -> Mesh {
        let mut mesh = clements(&haar_unitary(modes, seed));
        let mut rng = SplitMix64::new(seed);
        for (count, &index) in idle.iter().enumerate() {
            mesh.mzis[index].theta = 0.0;
            mesh.mzis[index].phi = if count % 2 == 0 {
                0.0
            } else {
                6.0 * rng.next_unit()
            };
        }
        mesh
    }

    #[test]
    fn identity_mesh_disappears() {
        for decomposed in [
            clements(&CMatrix::identity(5, 5)),
            reck(&CMatrix::identity(5, 5)),
        ] {
            let before = network(5, vec![OpKind::Mesh(decomposed)]);
            let mut after = before.clone();
            let notes = run(&mut after);
            assert!(after.ops.is_empty(), "{:?}", after.ops);
            assert!(notes[0].contains("drops 10 MZIs of 10"), "{notes:?}");
            assert_same_function(&before, &after, 0.0);
        }
    }

    #[test]
    fn bar_state_phase_moves_forward() {
        // The first MZI is a phase of 1.0 on mode 1. It reaches the lower arm of the MZI on
        // (0, 1), whose φ drops by 1.0, and both outputs of that MZI carry the 1.0 on. Mode 0
        // takes it to the output phases. Mode 1 takes it into the upper arm of the MZI on
        // (1, 2), whose φ grows by 1.0.
        let decomposed = mesh(
            3,
            vec![mzi(1, 0.0, 1.0), mzi(0, 0.7, 0.3), mzi(1, 1.2, 2.0)],
            vec![0.1, 0.2, 0.3],
        );
        let before = network(3, vec![OpKind::Mesh(decomposed)]);
        let mut after = before.clone();
        run(&mut after);
        let OpKind::Mesh(compiled) = &after.ops[0].kind else {
            unreachable!()
        };
        assert_eq!(compiled.mzis.len(), 2);
        assert!((compiled.mzis[0].phi - wrap_phase(0.3 - 1.0)).abs() < 1e-15);
        assert!((compiled.mzis[1].phi - 3.0).abs() < 1e-15);
        assert!((compiled.output_phases[0] - 1.1).abs() < 1e-15);
        assert_eq!(compiled.output_phases[1..], [0.2, 0.3]);
        assert_eq!((compiled.mzis[0].column, compiled.mzis[1].column), (0, 1));
        assert_same_function(&before, &after, 1e-14);
    }

    #[test]
    fn random_idle_mzis_drop_exactly() {
        for (modes, seed) in [(4, 1), (7, 2), (12, 3)] {
            let total = modes * (modes - 1) / 2;
            let idle: Vec<usize> = (0..total).filter(|index| index % 3 == 1).collect();
            let decomposed = mesh_with_idle(modes, &idle, seed);
            let before = network(modes, vec![OpKind::Mesh(decomposed)]);
            let mut after = before.clone();
            run(&mut after);
            assert_eq!(mzi_count(&after), total - idle.len(), "{modes} modes");
            assert_same_function(&before, &after, 1e-13);
        }
    }

    #[test]
    fn phase_columns_merge_into_meshes() {
        let kinds = vec![
            OpKind::Phase(vec![0.5, 1.0, 1.5]),
            OpKind::Phase(vec![0.1, 0.0, 2.0]),
            OpKind::Mesh(clements(&haar_unitary(3, 4))),
            OpKind::Phase(vec![3.0, 0.2, 0.0]),
            OpKind::Detect,
            OpKind::Phase(vec![0.0, 0.0, 0.0]),
        ];
        let before = network(3, kinds);
        let mut after = before.clone();
        let notes = run(&mut after);
        let names: Vec<&str> = after.ops.iter().map(|op| op.kind.name()).collect();
        assert_eq!(names, ["mesh", "detect"]);
        assert_eq!(after.ops[0].layer, "l0+l1+l2+l3");
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(mzi_count(&after), 3);
        assert_same_function(&before, &after, 1e-13);
    }

    #[test]
    fn phase_between_meshes_joins_the_first() {
        let kinds = vec![
            OpKind::Mesh(clements(&haar_unitary(4, 5))),
            OpKind::Phase(vec![0.5, 1.0, 1.5, 2.0]),
            OpKind::Mesh(clements(&haar_unitary(4, 6))),
        ];
        let before = network(4, kinds);
        let mut after = before.clone();
        run(&mut after);
        assert_eq!(after.ops.len(), 2);
        assert_eq!(after.ops[0].layer, "l0+l1");
        assert_eq!(after.ops[1].layer, "l2");
        assert_same_function(&before, &after, 1e-13);
    }

    #[test]
    fn permutations_around_attenuators_cancel() {
        let kinds = vec![
            OpKind::Permutation(vec![0, 2, 1]),
            OpKind::Attenuation(vec![1.0, 0.5, 0.0]),
            OpKind::Phase(vec![0.1, 0.2, 0.3]),
            OpKind::Permutation(vec![0, 2, 1]),
        ];
        let before = network(3, kinds);
        let mut after = before.clone();
        let notes = run(&mut after);
        let names: Vec<&str> = after.ops.iter().map(|op| op.kind.name()).collect();
        assert_eq!(names, ["attenuate", "phase"]);
        assert_eq!(after.ops[0].kind, OpKind::Attenuation(vec![1.0, 0.0, 0.5]));
        assert!(notes[0].contains("cancels"), "{notes:?}");
        assert_same_function(&before, &after, 0.0);
    }

    #[test]
    fn permutations_compose() {
        let kinds = vec![
            OpKind::Permutation(vec![1, 2, 0, 3]),
            OpKind::Phase(vec![0.1, 0.2, 0.3, 0.4]),
            OpKind::Permutation(vec![3, 0, 2, 1]),
            OpKind::Detect,
            OpKind::Permutation(vec![1, 0, 2, 3]),
        ];
        let before = network(4, kinds);
        let mut after = before.clone();
        run(&mut after);
        let names: Vec<&str> = after.ops.iter().map(|op| op.kind.name()).collect();
        assert_eq!(names, ["phase", "permute", "detect", "permute"]);
        assert_eq!(after.ops[1].layer, "l0+l2");
        assert_same_function(&before, &after, 0.0);
    }

    #[test]
    fn fixed_layout_keeps_every_mzi() {
        let kinds = vec![
            OpKind::Mesh(clements(&CMatrix::identity(4, 4))),
            OpKind::Phase(vec![0.5, 1.0, 1.5, 2.0]),
        ];
        let mut before = network(4, kinds);
        set_layout(&mut before, Layout::Fixed);
        let mut after = before.clone();
        assert!(run(&mut after).is_empty());
        assert_eq!(after, before);
        assert_eq!(mzi_count(&after), 6);
    }
}
