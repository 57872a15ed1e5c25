//! Low rank: `linear` layers keep only the singular values that matter, and their meshes only
//! the rows and columns that carry light.
//!
//! A `linear` layer lowers to `V†`, attenuators, an optional resize and `U` (then a gain). The
//! pass works on every attenuation operation and its neighbours:
//!
//! - Truncation, when the target sets `rank_tolerance = t > 0`: transmissions below
//!   `t · max(transmissions)`, that is singular values below `t · σ_max`, become 0. A note
//!   gives the error this introduces in the layer's matrix: the largest dropped singular value
//!   in spectral norm and the root sum of their squares in Frobenius norm. With the default
//!   `t = 0` every nonzero singular value stays.
//! - Mesh shrinking, with `layout = compact`: a mode whose transmission is exactly 0, or that
//!   the resize drops, carries no light past the attenuators. Singular values are sorted, so
//!   the k lit modes are the first ones. The `V†` unitary before the attenuators then only has
//!   to realize its first k rows, and the `U` unitary after them only its first k columns.
//!   The outputs of `V†` on dark modes meet a transmission of 0 or the resize, and the inputs
//!   of `U` beyond k are dark, so two meshes realize the same layer with fewer MZIs:
//!   - the target's full mesh, pruned to the light cone of the lit modes: an MZI of `V†`
//!     whose outputs never reach a lit mode, or an MZI of `U` whose inputs are all dark, is
//!     removed; the depth stays that of the full mesh;
//!   - an isometry mesh ([`crate::decompose::row_isometry`],
//!     [`crate::decompose::column_isometry`]) of kN − k(k + 1)/2 MZIs, the fewest, in a
//!     triangular layout of about N + k columns.
//!
//!   The pass takes the shallower of the two, since insertion loss grows with the number of
//!   MZIs along a path, and the one with fewer MZIs when they are equally deep; a mesh is
//!   replaced only when that saves MZIs.

use super::{count, photonic_target};
use crate::decompose::{assign_columns, column_isometry, decompose, row_isometry};
use crate::ir::{Layout, Mesh, MeshKind, Network, Op, OpKind};

/// Runs the pass on one network; see the module documentation.
pub fn run(network: &mut Network) -> Vec<String> {
    let Some(target) = photonic_target(network) else {
        return Vec::new();
    };
    let tolerance = target.rank_tolerance;
    let target = target.clone();
    let compact = target.layout == Layout::Compact;
    let mut notes = Vec::new();
    for index in 0..network.ops.len() {
        if !matches!(network.ops[index].kind, OpKind::Attenuation(_)) {
            continue;
        }
        if tolerance > 0.0 {
            notes.extend(truncate(&mut network.ops, index, tolerance));
        }
        if compact {
            notes.extend(shrink_meshes(&mut network.ops, index, target.mesh));
        }
    }
    notes
}

/// Drops the transmissions of `ops[index]` below `tolerance` times the largest one and
/// returns the note on the error, or `None` when nothing is dropped.
fn truncate(ops: &mut [Op], index: usize, tolerance: f64) -> Option<String> {
    let gain = layer_gain(ops, index);
    let op = &mut ops[index];
    let OpKind::Attenuation(transmissions) = &mut op.kind else {
        unreachable!("the caller passes an attenuation")
    };
    let largest = transmissions.iter().copied().fold(0.0, f64::max);
    let threshold = tolerance * largest;
    let nonzero = transmissions.iter().filter(|&&t| t > 0.0).count();

    let mut dropped = Vec::new();
    for transmission in transmissions.iter_mut() {
        if *transmission > 0.0 && *transmission < threshold {
            dropped.push(*transmission);
            *transmission = 0.0;
        }
    }
    if dropped.is_empty() {
        return None;
    }

    // The layer's matrix is gain · U · diag(transmissions) · V†, so its singular values are
    // the transmissions times the gain, and the unitaries do not change either norm.
    let spectral = gain * dropped.iter().copied().fold(0.0, f64::max);
    let frobenius = gain * dropped.iter().map(|t| t * t).sum::<f64>().sqrt();
    Some(format!(
        "layer `{}`: rank_tolerance = {tolerance:e} drops {} of {nonzero} nonzero singular \
         values; the layer's matrix changes by {spectral:.3e} in spectral norm and \
         {frobenius:.3e} in Frobenius norm, with σ_max = {:.3e}",
        op.layer,
        dropped.len(),
        gain * largest
    ))
}

/// Returns the product of the gains between the attenuation `ops[index]` and the next
/// attenuation or nonlinear operation: the gain that scales that attenuation's layer.
fn layer_gain(ops: &[Op], index: usize) -> f64 {
    ops[index + 1..]
        .iter()
        .take_while(|op| op.kind.is_linear() && !matches!(op.kind, OpKind::Attenuation(_)))
        .filter_map(|op| match op.kind {
            OpKind::Gain(gain) => Some(gain),
            _ => None,
        })
        .product()
}

/// Replaces the unitaries around the attenuation `ops[index]` by smaller meshes that realize
/// only the rows or columns of its lit modes, where that saves MZIs, and returns the note, or
/// `None` when nothing changes.
fn shrink_meshes(ops: &mut [Op], index: usize, kind: MeshKind) -> Option<String> {
    let OpKind::Attenuation(transmissions) = &ops[index].kind else {
        unreachable!("the caller passes an attenuation")
    };
    let modes_in = transmissions.len();
    let (after_index, modes_out) = match ops.get(index + 1).map(|op| &op.kind) {
        Some(OpKind::Resize { modes }) => (index + 2, *modes),
        _ => (index + 1, modes_in),
    };
    let passing = &transmissions[..modes_in.min(modes_out)];
    let lit = passing.iter().take_while(|&&t| t > 0.0).count();
    if passing[lit..].iter().any(|&t| t > 0.0) {
        // NOTE: lit modes that are not the first ones would need a permutation of the
        // attenuators; lowering sorts singular values, so this does not occur.
        return None;
    }
    let layer = ops[index].layer.clone();

    let mut changes = Vec::new();
    if let Some(before) = index.checked_sub(1).map(|before| &mut ops[before])
        && let OpKind::Unitary(v_adjoint) = &before.kind
    {
        let mut pruned = decompose(v_adjoint, kind);
        prune_dead_outputs(&mut pruned, lit);
        let isometry = row_isometry(&v_adjoint.rows(0, lit).into_owned());
        let mesh = shallower(pruned, isometry);
        if mesh.mzis.len() < full_mzis(modes_in) {
            changes.push(format!(
                "the mesh before the attenuators realizes {lit} of {modes_in} rows with {} in {} \
                 instead of {}",
                count(mesh.mzis.len(), "MZI"),
                count(mesh.columns(), "column"),
                full_mzis(modes_in)
            ));
            before.kind = OpKind::Mesh(mesh);
        }
    }
    if let Some(after) = ops.get_mut(after_index)
        && let OpKind::Unitary(u) = &after.kind
    {
        let mut pruned = decompose(u, kind);
        prune_dark_inputs(&mut pruned, lit);
        let isometry = column_isometry(&u.columns(0, lit).into_owned());
        let mesh = shallower(pruned, isometry);
        if mesh.mzis.len() < full_mzis(modes_out) {
            changes.push(format!(
                "the mesh after them realizes {lit} of {modes_out} columns with {} in {} \
                 instead of {}",
                count(mesh.mzis.len(), "MZI"),
                count(mesh.columns(), "column"),
                full_mzis(modes_out)
            ));
            after.kind = OpKind::Mesh(mesh);
        }
    }
    if changes.is_empty() {
        return None;
    }
    Some(format!(
        "layer `{layer}`: {lit} modes carry light through the attenuators, so {}",
        changes.join(", and ")
    ))
}

/// Returns the mesh with fewer columns, or with fewer MZIs when both are equally deep.
fn shallower(first: Mesh, second: Mesh) -> Mesh {
    let key = |mesh: &Mesh| (mesh.columns(), mesh.mzis.len());
    if key(&second) < key(&first) {
        second
    } else {
        first
    }
}

/// Removes the MZIs whose outputs never reach modes `0 … lit − 1`, walking the mesh backwards
/// from those outputs; the output phases of the other modes, which meet a transmission of 0,
/// become 0.
fn prune_dead_outputs(mesh: &mut Mesh, lit: usize) {
    let mut reaches_lit: Vec<bool> = (0..mesh.modes).map(|mode| mode < lit).collect();
    let mut kept = vec![false; mesh.mzis.len()];
    for (index, mzi) in mesh.mzis.iter().enumerate().rev() {
        if reaches_lit[mzi.top] || reaches_lit[mzi.top + 1] {
            kept[index] = true;
            reaches_lit[mzi.top] = true;
            reaches_lit[mzi.top + 1] = true;
        }
    }
    retain_mzis(mesh, &kept);
    for phase in mesh.output_phases.iter_mut().skip(lit) {
        *phase = 0.0;
    }
}

/// Removes the MZIs whose inputs are all dark, walking the mesh forwards from the lit input
/// modes `0 … lit − 1`: such an MZI maps zeros to zeros. The output phases of modes that stay
/// dark become 0.
fn prune_dark_inputs(mesh: &mut Mesh, lit: usize) {
    let mut carries_light: Vec<bool> = (0..mesh.modes).map(|mode| mode < lit).collect();
    let mut kept = vec![false; mesh.mzis.len()];
    for (index, mzi) in mesh.mzis.iter().enumerate() {
        if carries_light[mzi.top] || carries_light[mzi.top + 1] {
            kept[index] = true;
            carries_light[mzi.top] = true;
            carries_light[mzi.top + 1] = true;
        }
    }
    retain_mzis(mesh, &kept);
    for (phase, lit) in mesh.output_phases.iter_mut().zip(carries_light) {
        if !lit {
            *phase = 0.0;
        }
    }
}

/// Keeps the MZIs flagged in `kept`, in order, and moves them to their earliest columns.
fn retain_mzis(mesh: &mut Mesh, kept: &[bool]) {
    let mut flags = kept.iter();
    mesh.mzis
        .retain(|_| *flags.next().expect("one flag per MZI"));
    assign_columns(&mut mesh.mzis, mesh.modes);
}

fn full_mzis(modes: usize) -> usize {
    modes * modes.saturating_sub(1) / 2
}

#[cfg(test)]
mod tests {
    use num_complex::Complex64;

    use super::super::test_support::{
        assert_same_function, network, random_matrix, response, set_layout,
    };
    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::ir::{Activation, CMatrix, Target};
    use crate::lower::split_linear;

    /// Builds the lowered network of one `linear(x, matrix)` layer.
    fn linear_network(matrix: &CMatrix) -> Network {
        let parts = split_linear(matrix);
        let mut kinds = vec![
            OpKind::Unitary(parts.v_adjoint),
            OpKind::Attenuation(parts.transmissions),
        ];
        if matrix.nrows() != matrix.ncols() {
            kinds.push(OpKind::Resize {
                modes: matrix.nrows(),
            });
        }
        kinds.push(OpKind::Unitary(parts.u));
        kinds.extend(parts.gain.map(OpKind::Gain));
        let mut network = network(matrix.ncols(), kinds);
        for op in &mut network.ops {
            op.layer = "w".into();
        }
        network
    }

    fn set_tolerance(network: &mut Network, tolerance: f64) {
        if let Target::Photonic(target) = &mut network.target {
            target.rank_tolerance = tolerance;
        }
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

    /// Returns the layer's transfer matrix, from its response to the identity.
    fn transfer_matrix(network: &Network) -> CMatrix {
        let width = network.input.width;
        response(network).rows(0, width).transpose()
    }

    fn relative_error(found: &CMatrix, expected: &CMatrix) -> f64 {
        (found - expected).norm() / expected.norm()
    }

    /// `U · diag(σ) · V†` with Haar-random unitaries, M×N.
    fn with_singular_values(rows: usize, columns: usize, sigma: &[f64], seed: u64) -> CMatrix {
        let mut diagonal = CMatrix::zeros(rows, columns);
        for (k, &value) in sigma.iter().enumerate() {
            diagonal[(k, k)] = Complex64::from(value);
        }
        haar_unitary(rows, seed) * diagonal * haar_unitary(columns, seed + 1)
    }

    #[test]
    fn wide_layer_shrinks_first_mesh() {
        let w = random_matrix(4, 7, 1);
        let before = linear_network(&w);
        let mut after = before.clone();
        let notes = run(&mut after);
        let names: Vec<&str> = after.ops.iter().map(|op| op.kind.name()).collect();
        // The 4×4 U needs every column, so it stays a unitary for the regular decomposition.
        assert_eq!(names, ["mesh", "attenuate", "resize", "unitary", "gain"]);
        // The pruned 7-column Clements mesh (19 MZIs) beats the 9-column isometry (18 MZIs).
        assert_eq!(mzi_count(&after), 19);
        assert!(
            notes[0].contains("4 of 7 rows with 19 MZIs in 7 columns instead of 21"),
            "{notes:?}"
        );
        let error = relative_error(&transfer_matrix(&after), &w);
        assert!(error < 1e-12, "relative error {error:e}");
    }

    #[test]
    fn tall_layer_shrinks_second_mesh() {
        let w = random_matrix(6, 3, 2);
        let before = linear_network(&w);
        let mut after = before.clone();
        run(&mut after);
        let names: Vec<&str> = after.ops.iter().map(|op| op.kind.name()).collect();
        assert_eq!(names, ["unitary", "attenuate", "resize", "mesh", "gain"]);
        // The pruned 6-mode Clements mesh (14 MZIs in 6 columns) is shallower than the
        // 3-column isometry (12 MZIs in 7 columns), so it wins.
        assert_eq!(mzi_count(&after), 14);
        let error = relative_error(&transfer_matrix(&after), &w);
        assert!(error < 1e-12, "relative error {error:e}");
    }

    #[test]
    fn rank_deficient_square_shrinks_both() {
        let w = with_singular_values(6, 6, &[2.0, 1.0, 0.5], 3);
        let mut before = linear_network(&w);
        // Lowering leaves the three zero singular values at about 1e-16; a tolerance far
        // below the kept ones removes them exactly.
        set_tolerance(&mut before, 1e-12);
        let mut after = before.clone();
        let notes = run(&mut after);
        // Both meshes are pruned Clements meshes, shallower than the isometries (12 MZIs each
        // but 7 columns against 6).
        assert_eq!(mzi_count(&after), 27);
        assert!(notes[0].contains("nonzero singular values"), "{notes:?}");
        let OpKind::Attenuation(transmissions) = &after.ops[1].kind else {
            unreachable!()
        };
        assert_eq!(transmissions[3..], [0.0, 0.0, 0.0]);
        let error = relative_error(&transfer_matrix(&after), &w);
        assert!(error < 1e-12, "relative error {error:e}");
    }

    #[test]
    fn pruning_prefers_shallow_meshes() {
        // One lit mode of eight: the isometry is a chain of 7 MZIs in 7 columns, shallower
        // than any pruned 8-column mesh, so it wins; with four lit modes the pruned mesh
        // keeps the depth of 8 columns that the isometry (10 columns) would exceed.
        for (lit, expected_columns) in [(1, 7), (4, 8)] {
            let sigma: Vec<f64> = (0..lit).map(|i| 2.0 - 0.1 * i as f64).collect();
            let w = with_singular_values(8, 8, &sigma, 5);
            let mut network = linear_network(&w);
            set_tolerance(&mut network, 1e-12);
            run(&mut network);
            let OpKind::Mesh(mesh) = &network.ops[0].kind else {
                panic!("the first unitary becomes a mesh for {lit} lit modes")
            };
            assert_eq!(mesh.columns(), expected_columns, "{lit} lit modes");
            let error = relative_error(&transfer_matrix(&network), &w);
            assert!(error < 1e-12, "{lit} lit modes: relative error {error:e}");
        }
    }

    #[test]
    fn truncation_reports_errors() {
        let sigma = [3.0, 1.0, 1e-4, 1e-9];
        let w = with_singular_values(4, 4, &sigma, 4);
        let mut before = linear_network(&w);
        set_tolerance(&mut before, 1e-3);
        let mut after = before.clone();
        let notes = run(&mut after);
        assert!(notes[0].contains("drops 2 of 4"), "{notes:?}");
        assert!(notes[0].contains("1.000e-4 in spectral norm"), "{notes:?}");
        assert!(notes[0].contains("1.000e-4 in Frobenius norm"), "{notes:?}");
        assert!(notes[0].contains("σ_max = 3.000e0"), "{notes:?}");

        let truncated = with_singular_values(4, 4, &sigma[..2], 4);
        let spectral = (transfer_matrix(&after) - &w)
            .svd(false, false)
            .singular_values[0];
        assert!(
            (spectral - 1e-4).abs() < 1e-12,
            "spectral error {spectral:e}"
        );
        let error = relative_error(&transfer_matrix(&after), &truncated);
        assert!(error < 1e-12, "relative error {error:e}");
    }

    #[test]
    fn zero_tolerance_keeps_every_value() {
        let w = with_singular_values(3, 3, &[1.0, 1e-10, 1e-14], 5);
        let before = linear_network(&w);
        let mut after = before.clone();
        run(&mut after);
        assert_eq!(after.ops[1], before.ops[1]);
        assert_same_function(&before, &after, 1e-13);
    }

    #[test]
    fn zero_layer_keeps_no_mzi() {
        let w = CMatrix::zeros(3, 5);
        let before = linear_network(&w);
        let mut after = before.clone();
        run(&mut after);
        assert_eq!(mzi_count(&after), 0);
        assert!(matches!(after.ops[3].kind, OpKind::Mesh(_)));
        assert_same_function(&before, &after, 0.0);
    }

    #[test]
    fn gain_scales_reported_error() {
        let w = with_singular_values(3, 3, &[4.0, 2.0, 0.004], 6);
        let mut before = linear_network(&w);
        assert!(matches!(before.ops.last().unwrap().kind, OpKind::Gain(_)));
        before.ops.push(before.ops[0].clone());
        before.ops.last_mut().unwrap().kind = OpKind::Activation(Activation::AbsSquared);
        set_tolerance(&mut before, 0.01);
        let mut after = before.clone();
        let notes = run(&mut after);
        assert!(notes[0].contains("4.000e-3 in spectral norm"), "{notes:?}");
    }

    #[test]
    fn fixed_layout_truncates_but_keeps_unitaries() {
        let w = with_singular_values(4, 4, &[1.0, 0.5, 1e-6], 7);
        let mut before = linear_network(&w);
        set_layout(&mut before, Layout::Fixed);
        set_tolerance(&mut before, 1e-3);
        let mut after = before.clone();
        let notes = run(&mut after);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(matches!(after.ops[0].kind, OpKind::Unitary(_)));
        assert!(matches!(after.ops[2].kind, OpKind::Unitary(_)));
        let OpKind::Attenuation(transmissions) = &after.ops[1].kind else {
            unreachable!()
        };
        assert_eq!(transmissions[2..], [0.0, 0.0]);
    }

    #[test]
    fn unsorted_transmissions_stay() {
        let u = haar_unitary(3, 8);
        let transmissions = vec![0.0, 0.5, 0.0];
        let before = network(
            3,
            vec![
                OpKind::Unitary(u.clone()),
                OpKind::Attenuation(transmissions),
                OpKind::Unitary(u),
            ],
        );
        let mut after = before.clone();
        assert!(run(&mut after).is_empty());
        assert_eq!(after, before);
    }

    #[test]
    fn layer_gain_stops_at_nonlinearity() {
        let kinds = vec![
            OpKind::Attenuation(vec![1.0]),
            OpKind::Gain(2.0),
            OpKind::Gain(3.0),
            OpKind::Detect,
            OpKind::Gain(5.0),
        ];
        let network = network(1, kinds);
        assert_eq!(layer_gain(&network.ops, 0), 6.0);
    }
}
