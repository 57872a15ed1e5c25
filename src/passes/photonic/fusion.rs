//! Fusion: runs of linear operations with no nonlinearity between them become one matrix.
//!
//! The pass cuts a network into segments, the maximal runs of `unitary`, `phase`, `permute`,
//! attenuation, resize and gain operations. An activation, a detection or a mesh ends a
//! segment. In each segment:
//!
//! - Gains are positive scalars, so they commute with every other operation of the segment.
//!   They move to its end and merge into one gain, which stays electronic.
//! - With at most one group of adjacent attenuations and resizes (one `linear` layer), each run
//!   of unitaries, phases and permutations on either side becomes one operation: a unitary when
//!   the run holds a unitary, else at most one permutation followed by one phase column,
//!   composed exactly by relabelling modes (kept only when that is fewer operations than the
//!   run). The attenuators and resizes stay as they are.
//! - With two or more such groups (consecutive `linear` layers), the segment's whole M×N matrix
//!   is split again by singular value decomposition, as a `linear` layer lowers: one unitary,
//!   attenuators, a resize, one unitary and a gain, so the optics stay passive. Singular values
//!   beyond the product's rank bound (the fewest modes or nonzero transmissions along the
//!   segment) are set to exactly 0.
//!
//! A fused operation keeps the span of its first operation and is named after every layer it
//! contains, joined by `+` in order (`a+b+c`, see [`super::join_layers`]). Operations that
//! nothing fuses with keep their name.

use num_complex::Complex64;

use super::{apply_linear, is_compact, join_layers};
use crate::decompose::wrap_phase;
use crate::ir::{CMatrix, Network, Op, OpKind};
use crate::lower::split_linear;

/// Runs the pass on one network; see the module documentation.
pub fn run(network: &mut Network) -> Vec<String> {
    if !is_compact(network) {
        return Vec::new();
    }
    let mut notes = Vec::new();
    let mut width = network.input.width;
    let mut fused = Vec::with_capacity(network.ops.len());
    let mut segment: Vec<Op> = Vec::new();
    let mut segment_width = width;
    for op in std::mem::take(&mut network.ops) {
        let next_width = op.kind.output_width(width);
        if is_fusible(&op.kind) {
            if segment.is_empty() {
                segment_width = width;
            }
            segment.push(op);
        } else {
            let finished = std::mem::take(&mut segment);
            fused.extend(fuse_segment(finished, segment_width, &mut notes));
            fused.push(op);
        }
        width = next_width;
    }
    fused.extend(fuse_segment(segment, segment_width, &mut notes));
    network.ops = fused;
    notes
}

fn is_fusible(kind: &OpKind) -> bool {
    matches!(
        kind,
        OpKind::Unitary(_)
            | OpKind::Phase(_)
            | OpKind::Permutation(_)
            | OpKind::Attenuation(_)
            | OpKind::Resize { .. }
            | OpKind::Gain(_)
    )
}

/// Returns whether the operation is a unitary on the modes: a matrix, a phase column or a
/// permutation.
fn is_unitary_kind(kind: &OpKind) -> bool {
    matches!(
        kind,
        OpKind::Unitary(_) | OpKind::Phase(_) | OpKind::Permutation(_)
    )
}

/// Counts the groups of adjacent attenuations and resizes, each of which a `linear` layer
/// lowers to.
fn count_lossy_groups(ops: &[Op]) -> usize {
    let mut groups = 0;
    let mut in_group = false;
    for op in ops {
        match op.kind {
            OpKind::Attenuation(_) | OpKind::Resize { .. } => {
                if !in_group {
                    groups += 1;
                }
                in_group = true;
            }
            OpKind::Gain(_) => {}
            _ => in_group = false,
        }
    }
    groups
}

/// Fuses one segment that starts on `width` modes.
fn fuse_segment(ops: Vec<Op>, width: usize, notes: &mut Vec<String>) -> Vec<Op> {
    if ops.len() < 2 {
        return ops;
    }
    if count_lossy_groups(&ops) >= 2 {
        return split_again(ops, width, notes);
    }

    let (gains, rest): (Vec<Op>, Vec<Op>) = ops
        .into_iter()
        .partition(|op| matches!(op.kind, OpKind::Gain(_)));
    let mut fused = Vec::with_capacity(rest.len() + 1);
    let mut run: Vec<Op> = Vec::new();
    let mut current_width = width;
    for op in rest {
        let next_width = op.kind.output_width(current_width);
        if is_unitary_kind(&op.kind) {
            run.push(op);
        } else {
            fused.extend(fuse_run(std::mem::take(&mut run), current_width, notes));
            fused.push(op);
        }
        current_width = next_width;
    }
    fused.extend(fuse_run(run, current_width, notes));
    fused.extend(merge_gains(gains, notes));
    fused
}

/// Fuses a run of unitaries, phases and permutations on `width` modes.
fn fuse_run(run: Vec<Op>, width: usize, notes: &mut Vec<String>) -> Vec<Op> {
    if run.len() < 2 {
        return run;
    }
    let layer = join_layers(run.iter().map(|op| op.layer.as_str()));
    let span = run[0].span;
    let fused_op = |kind| Op {
        kind,
        layer: layer.clone(),
        span,
    };

    if run.iter().any(|op| matches!(op.kind, OpKind::Unitary(_))) {
        let mut matrix = CMatrix::identity(width, width);
        for op in &run {
            matrix = apply_linear(&op.kind, &matrix);
        }
        notes.push(format!(
            "{} operations of layers {} fuse into one unitary `{layer}`",
            run.len(),
            quoted_layers(&run)
        ));
        return vec![fused_op(OpKind::Unitary(matrix))];
    }

    let (permutation, phases) = compose_routing(&run, width);
    let mut fused = Vec::new();
    if permutation
        .iter()
        .enumerate()
        .any(|(mode, &from)| mode != from)
    {
        fused.push(fused_op(OpKind::Permutation(permutation)));
    }
    if phases.iter().any(|&phase| phase != 0.0) {
        fused.push(fused_op(OpKind::Phase(phases)));
    }
    // Reordering a phase column and a permutation saves no hardware, so a run that the
    // canonical form does not shorten stays as written.
    if fused.len() >= run.len() {
        return run;
    }
    notes.push(format!(
        "{} phase and permutation operations of layers {} merge into {}",
        run.len(),
        quoted_layers(&run),
        match fused.len() {
            0 => "nothing: together they are the identity".to_string(),
            1 => format!("one {} `{layer}`", fused[0].kind.name()),
            _ => format!("one permutation and one phase column `{layer}`"),
        }
    ));
    fused
}

/// Composes phase columns and permutations exactly: returns `(p, ψ)` such that the run maps
/// input `x` to `y[k] = e^{iψ[k]}·x[p[k]]`, that is `permute(p)` followed by `phase(ψ)`.
fn compose_routing(run: &[Op], width: usize) -> (Vec<usize>, Vec<f64>) {
    let mut permutation: Vec<usize> = (0..width).collect();
    let mut phases = vec![0.0; width];
    for op in run {
        match &op.kind {
            OpKind::Phase(added) => {
                for (phase, &extra) in phases.iter_mut().zip(added) {
                    *phase = wrap_phase(*phase + extra);
                }
            }
            // Output k of the permutation carries y[q[k]] = e^{iψ[q[k]]}·x[p[q[k]]].
            OpKind::Permutation(next) => {
                permutation = next.iter().map(|&from| permutation[from]).collect();
                phases = next.iter().map(|&from| phases[from]).collect();
            }
            _ => unreachable!("routing runs hold only phases and permutations"),
        }
    }
    (permutation, phases)
}

/// Merges the segment's gains into one gain at its end.
fn merge_gains(gains: Vec<Op>, notes: &mut Vec<String>) -> Vec<Op> {
    if gains.len() < 2 {
        return gains;
    }
    let product: f64 = gains
        .iter()
        .map(|op| match op.kind {
            OpKind::Gain(gain) => gain,
            _ => unreachable!("only gains are merged"),
        })
        .product();
    let layer = join_layers(gains.iter().map(|op| op.layer.as_str()));
    notes.push(format!(
        "the gains of layers {} merge into one gain `{layer}`",
        quoted_layers(&gains)
    ));
    if product == 1.0 {
        return Vec::new();
    }
    vec![Op {
        kind: OpKind::Gain(product),
        layer,
        span: gains[0].span,
    }]
}

/// Composes a segment with two or more `linear` layers into its matrix and splits that again
/// into the parts of one `linear` layer.
fn split_again(ops: Vec<Op>, width: usize, notes: &mut Vec<String>) -> Vec<Op> {
    let mut matrix = CMatrix::identity(width, width);
    let mut gain = 1.0;
    let mut rank_bound = width;
    for op in &ops {
        match &op.kind {
            OpKind::Gain(factor) => gain *= factor,
            OpKind::Attenuation(transmissions) => {
                let nonzero = transmissions.iter().filter(|&&t| t != 0.0).count();
                rank_bound = rank_bound.min(nonzero);
                matrix = apply_linear(&op.kind, &matrix);
            }
            OpKind::Resize { modes } => {
                rank_bound = rank_bound.min(*modes);
                matrix = apply_linear(&op.kind, &matrix);
            }
            kind => matrix = apply_linear(kind, &matrix),
        }
    }
    let output_width = matrix.nrows();
    let parts = split_linear(&(matrix * Complex64::from(gain)));
    let mut transmissions = parts.transmissions;
    // Singular values are sorted in decreasing order, so those past the rank bound are
    // rounding noise of exact zeros.
    transmissions
        .iter_mut()
        .skip(rank_bound)
        .for_each(|t| *t = 0.0);

    let layer = join_layers(ops.iter().map(|op| op.layer.as_str()));
    let span = ops[0].span;
    let op = |kind| Op {
        kind,
        layer: layer.clone(),
        span,
    };
    let mut fused = vec![
        op(OpKind::Unitary(parts.v_adjoint)),
        op(OpKind::Attenuation(transmissions)),
    ];
    if output_width != width {
        fused.push(op(OpKind::Resize {
            modes: output_width,
        }));
    }
    fused.push(op(OpKind::Unitary(parts.u)));
    if let Some(gain) = parts.gain {
        fused.push(op(OpKind::Gain(gain)));
    }
    let unitaries = ops
        .iter()
        .filter(|op| matches!(op.kind, OpKind::Unitary(_)))
        .count();
    notes.push(format!(
        "layers {} compose into one linear layer `{layer}` of rank at most {}: 2 unitaries \
         instead of {unitaries}",
        quoted_layers(&ops),
        rank_bound.min(output_width)
    ));
    fused
}

/// Returns "`a`, `b`, `c`": the distinct layer names of `ops`.
fn quoted_layers(ops: &[Op]) -> String {
    let names = join_layers(ops.iter().map(|op| op.layer.as_str()));
    names
        .split('+')
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::super::test_support::{assert_same_function, network, random_matrix, set_layout};
    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::ir::{Activation, Layout};
    use crate::lower::split_linear;

    /// Returns the lowered operations of `linear(x, matrix)`.
    fn linear(matrix: &CMatrix) -> Vec<OpKind> {
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
        kinds
    }

    fn kind_names(network: &Network) -> Vec<&'static str> {
        network.ops.iter().map(|op| op.kind.name()).collect()
    }

    #[test]
    fn unitary_phase_permute_unitary_fuse() {
        let kinds = vec![
            OpKind::Unitary(haar_unitary(4, 1)),
            OpKind::Phase(vec![0.5, 1.0, 0.0, 2.0]),
            OpKind::Permutation(vec![2, 0, 3, 1]),
            OpKind::Unitary(haar_unitary(4, 2)),
        ];
        let before = network(4, kinds);
        let mut after = before.clone();
        let notes = run(&mut after);
        assert_eq!(kind_names(&after), ["unitary"]);
        assert_eq!(after.ops[0].layer, "l0+l1+l2+l3");
        assert_eq!(notes.len(), 1);
        assert_same_function(&before, &after, 1e-13);
    }

    #[test]
    fn routing_runs_merge_exactly() {
        let kinds = vec![
            OpKind::Phase(vec![0.5, 1.0, 0.0]),
            OpKind::Permutation(vec![2, 0, 1]),
            OpKind::Phase(vec![0.25, 0.0, PI]),
            OpKind::Permutation(vec![1, 2, 0]),
        ];
        let before = network(3, kinds);
        let mut after = before.clone();
        run(&mut after);
        assert_eq!(kind_names(&after), ["phase"]);
        let OpKind::Phase(phases) = &after.ops[0].kind else {
            unreachable!()
        };
        // [2, 0, 1] then [1, 2, 0] is the identity. Mode 0 passes position 1 of the second
        // phase column, mode 1 position 2 and mode 2 position 0.
        assert_eq!(phases, &[0.5, 1.0 + PI, 0.25]);
        assert_same_function(&before, &after, 1e-15);
    }

    #[test]
    fn inverse_permutations_vanish() {
        let kinds = vec![
            OpKind::Permutation(vec![1, 2, 0]),
            OpKind::Permutation(vec![2, 0, 1]),
        ];
        let mut after = network(3, kinds);
        let notes = run(&mut after);
        assert!(after.ops.is_empty());
        assert!(notes[0].contains("identity"), "{notes:?}");
    }

    #[test]
    fn unshortened_routing_stays() {
        for kinds in [
            vec![
                OpKind::Permutation(vec![1, 0]),
                OpKind::Phase(vec![0.5, 0.0]),
            ],
            vec![
                OpKind::Phase(vec![0.5, 0.0]),
                OpKind::Permutation(vec![1, 0]),
            ],
        ] {
            let before = network(2, kinds);
            let mut after = before.clone();
            let notes = run(&mut after);
            assert_eq!(after, before);
            assert!(notes.is_empty());
        }
    }

    #[test]
    fn single_linear_keeps_attenuators() {
        let w = random_matrix(3, 5, 3);
        let mut kinds = vec![OpKind::Unitary(haar_unitary(5, 4))];
        kinds.extend(linear(&w));
        kinds.push(OpKind::Phase(vec![1.0, 2.0, 3.0]));
        let before = network(5, kinds);
        let mut after = before.clone();
        run(&mut after);
        assert_eq!(
            kind_names(&after),
            ["unitary", "attenuate", "resize", "unitary", "gain"]
        );
        assert_eq!(after.ops[0].layer, "l0+l1");
        assert_eq!(after.ops[1], before.ops[2]);
        assert_eq!(after.ops[3].layer, "l4+l6");
        assert_eq!(after.ops[4].layer, "l5");
        assert_same_function(&before, &after, 1e-13);
    }

    #[test]
    fn gain_moves_to_segment_end() {
        let w = random_matrix(4, 4, 5);
        let mut kinds = linear(&w);
        assert!(matches!(kinds.last(), Some(OpKind::Gain(_))));
        kinds.push(OpKind::Unitary(haar_unitary(4, 6)));
        kinds.push(OpKind::Activation(Activation::AbsSquared));
        let before = network(4, kinds);
        let mut after = before.clone();
        run(&mut after);
        assert_eq!(
            kind_names(&after),
            ["unitary", "attenuate", "unitary", "gain", "activation"]
        );
        assert_same_function(&before, &after, 1e-12);
    }

    #[test]
    fn consecutive_linears_split_again() {
        let (w1, w2) = (random_matrix(2, 5, 7), random_matrix(4, 2, 8));
        let mut kinds = linear(&w1);
        kinds.extend(linear(&w2));
        let before = network(5, kinds);
        let mut after = before.clone();
        let notes = run(&mut after);
        assert_eq!(
            kind_names(&after),
            ["unitary", "attenuate", "resize", "unitary", "gain"]
        );
        // The product has rank 2, so three of its five singular values are exactly 0.
        let OpKind::Attenuation(transmissions) = &after.ops[1].kind else {
            unreachable!()
        };
        assert_eq!(transmissions[2..], [0.0, 0.0, 0.0]);
        assert!(transmissions[..2].iter().all(|&t| t > 0.0));
        assert!(notes[0].contains("rank at most 2"), "{notes:?}");
        assert_same_function(&before, &after, 1e-12);
    }

    #[test]
    fn nonlinearity_separates_segments() {
        let kinds = vec![
            OpKind::Unitary(haar_unitary(3, 9)),
            OpKind::Activation(Activation::AbsSquared),
            OpKind::Unitary(haar_unitary(3, 10)),
            OpKind::Detect,
        ];
        let before = network(3, kinds);
        let mut after = before.clone();
        let notes = run(&mut after);
        assert_eq!(after, before);
        assert!(notes.is_empty());
    }

    #[test]
    fn fixed_layout_fuses_nothing() {
        let kinds = vec![
            OpKind::Unitary(haar_unitary(3, 11)),
            OpKind::Unitary(haar_unitary(3, 12)),
        ];
        let mut before = network(3, kinds);
        set_layout(&mut before, Layout::Fixed);
        let mut after = before.clone();
        assert!(run(&mut after).is_empty());
        assert_eq!(after, before);
    }
}
