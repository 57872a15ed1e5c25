//! Photonic passes: fusion, structure detection, rank reduction and idle-MZI removal.
//!
//! Every pass keeps the network's function: the composed transfer matrix of each run of linear
//! operations stays the same up to rounding, except where the low-rank pass drops singular
//! values on request (`rank_tolerance`) and reports the error. With `layout = fixed` the
//! target's meshes are fixed hardware, so every pass except the rank truncation leaves the
//! network unchanged: each source unitary keeps its full mesh.

pub mod fusion;
pub mod idle;
pub mod low_rank;
pub mod structure;

use num_complex::Complex64;

use super::Pass;
use crate::ir::{CMatrix, Layout, Network, OpKind, PhotonicTarget, Target};
use crate::linalg::phase_factor;

/// Level 1, before decomposition: see [`fusion`].
pub const FUSE_LINEAR: Pass = Pass {
    name: "fuse_linear",
    min_level: 1,
    run: fusion::run,
};

/// Level 1, before decomposition: see [`structure`].
pub const DETECT_STRUCTURE: Pass = Pass {
    name: "detect_structure",
    min_level: 1,
    run: structure::run,
};

/// Level 2, before decomposition: see [`low_rank`].
pub const LOW_RANK: Pass = Pass {
    name: "low_rank",
    min_level: 2,
    run: low_rank::run,
};

/// Level 1, after decomposition: see [`idle`].
pub const DROP_IDLE_MZIS: Pass = Pass {
    name: "drop_idle_mzis",
    min_level: 1,
    run: idle::run,
};

/// Returns the photonic target of a network, `None` for a quantum network.
fn photonic_target(network: &Network) -> Option<&PhotonicTarget> {
    match &network.target {
        Target::Photonic(target) => Some(target),
        Target::Quantum(_) => None,
    }
}

/// Returns whether passes may remove or merge devices: true for a photonic network with
/// `layout = compact`.
fn is_compact(network: &Network) -> bool {
    photonic_target(network).is_some_and(|target| target.layout == Layout::Compact)
}

/// Returns the layer name of an operation fused from operations of `layers`: the names joined
/// by `+`, each once, in order of first appearance.
///
/// A name that is already a join (`a+b`) counts as its parts, so fusing `a+b` with `b` and
/// `c` gives `a+b+c`. Layer names are identifiers, so `+` never occurs inside one.
fn join_layers<'a>(layers: impl IntoIterator<Item = &'a str>) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in layers.into_iter().flat_map(|layer| layer.split('+')) {
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join("+")
}

/// Returns "1 MZI", "3 MZIs": a count with its noun.
fn count(number: usize, noun: &str) -> String {
    if number == 1 {
        format!("1 {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

/// Returns `op · matrix` for a linear operation other than a mesh, where `matrix` has one row
/// per mode before the operation. A gain is left out: callers handle it as a scalar.
fn apply_linear(op: &OpKind, matrix: &CMatrix) -> CMatrix {
    match op {
        OpKind::Unitary(unitary) => unitary * matrix,
        OpKind::Phase(phases) => {
            let mut result = matrix.clone();
            for (mut row, &phase) in result.row_iter_mut().zip(phases) {
                row *= phase_factor(phase);
            }
            result
        }
        OpKind::Permutation(permutation) => {
            CMatrix::from_fn(matrix.nrows(), matrix.ncols(), |row, column| {
                matrix[(permutation[row], column)]
            })
        }
        OpKind::Attenuation(transmissions) => {
            let mut result = matrix.clone();
            for (mut row, &transmission) in result.row_iter_mut().zip(transmissions) {
                row *= Complex64::from(transmission);
            }
            result
        }
        OpKind::Resize { modes } => CMatrix::from_fn(*modes, matrix.ncols(), |row, column| {
            if row < matrix.nrows() {
                matrix[(row, column)]
            } else {
                Complex64::ZERO
            }
        }),
        OpKind::Gain(_) => matrix.clone(),
        _ => unreachable!("`{}` has no matrix of its own", op.name()),
    }
}

/// Tests shared by the photonic passes: networks built from operations, and comparisons.
#[cfg(test)]
pub(crate) mod test_support {
    use nalgebra::DMatrix;
    use num_complex::Complex64;

    use crate::decompose::test_support::SplitMix64;
    use crate::ir::{
        CMatrix, Input, Layout, MeshKind, Network, Op, OpKind, PhotonicTarget, Target,
    };
    use crate::source::{FileId, Span};

    /// Builds a compact Clements network on `width` modes with the given operations, each its
    /// own layer `l0`, `l1`, ….
    pub(crate) fn network(width: usize, kinds: Vec<OpKind>) -> Network {
        let span = Span::new(FileId(0), 0..0);
        let ops = kinds
            .into_iter()
            .enumerate()
            .map(|(index, kind)| Op {
                kind,
                layer: format!("l{index}"),
                span,
            })
            .collect();
        Network {
            name: "test".into(),
            span,
            target: Target::Photonic(PhotonicTarget {
                mesh: MeshKind::Clements,
                layout: Layout::Compact,
                mzi_loss_db: 0.1,
                rank_tolerance: 0.0,
                span,
            }),
            input: Input {
                name: "x".into(),
                width,
                span,
            },
            ops,
            qubits: 0,
            output_span: span,
        }
    }

    pub(crate) fn set_layout(network: &mut Network, layout: Layout) {
        if let Target::Photonic(target) = &mut network.target {
            target.layout = layout;
        }
    }

    /// Random complex inputs, one sample per row.
    pub(crate) fn random_inputs(samples: usize, width: usize, seed: u64) -> CMatrix {
        let mut rng = SplitMix64::new(seed);
        DMatrix::from_fn(samples, width, |_, _| rng.next_complex_gaussian())
    }

    /// Random complex matrix with standard Gaussian entries.
    pub(crate) fn random_matrix(rows: usize, columns: usize, seed: u64) -> CMatrix {
        random_inputs(rows, columns, seed)
    }

    /// Runs a network, lowered or compiled, on the identity and on random inputs, and returns
    /// the outputs stacked.
    pub(crate) fn response(network: &Network) -> CMatrix {
        let width = network.input.width;
        let mut inputs = DMatrix::<Complex64>::identity(width, width)
            .resize_vertically(width + 4, Complex64::ZERO);
        let random = random_inputs(4, width, 99);
        inputs.rows_mut(width, 4).copy_from(&random);
        crate::simulate::run(network, &inputs).expect("photonic test networks simulate")
    }

    /// Asserts that two networks have the same response, relative to its largest entry.
    pub(crate) fn assert_same_function(before: &Network, after: &Network, tolerance: f64) {
        let (expected, found) = (response(before), response(after));
        assert_eq!(expected.shape(), found.shape());
        let scale = crate::linalg::max_abs(&expected).max(1.0);
        let error = crate::linalg::max_abs_diff(&expected, &found);
        assert!(
            error <= tolerance * scale,
            "responses differ by {error:e} at scale {scale}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::network;
    use super::*;
    use crate::ir::{Op, Stage};
    use crate::passes::{OptLevel, run_passes};

    #[test]
    fn join_layers_keeps_first_appearance() {
        assert_eq!(join_layers(["a", "b", "a", "c"]), "a+b+c");
        assert_eq!(join_layers(["a+b", "b", "c"]), "a+b+c");
        assert_eq!(join_layers(["only"]), "only");
    }

    #[test]
    fn apply_linear_resize_pads_and_truncates() {
        let matrix = CMatrix::from_fn(2, 2, |row, column| {
            Complex64::from((2 * row + column) as f64)
        });
        let grown = apply_linear(&OpKind::Resize { modes: 3 }, &matrix);
        assert_eq!(grown.shape(), (3, 2));
        assert_eq!(grown[(2, 1)], Complex64::ZERO);
        let shrunk = apply_linear(&OpKind::Resize { modes: 1 }, &matrix);
        assert_eq!(shrunk.shape(), (1, 2));
        assert_eq!(shrunk[(0, 1)], Complex64::ONE);
    }

    /// Breaks the width chain, which validation after the pass must catch.
    fn broken_pass(network: &mut Network) -> Vec<String> {
        let op = network.ops[0].clone();
        network.ops.push(Op {
            kind: OpKind::Phase(vec![0.0; network.input.width + 1]),
            ..op
        });
        Vec::new()
    }

    #[test]
    fn broken_pass_fails_validation() {
        let mut module = crate::ir::Module {
            networks: vec![network(2, vec![OpKind::Phase(vec![0.0, 1.0])])],
        };
        let broken = [Pass {
            name: "broken",
            min_level: 1,
            run: broken_pass,
        }];
        let mut notes = Vec::new();
        let result = run_passes(
            &mut module,
            &broken,
            OptLevel::DEFAULT,
            false,
            Stage::Lowered,
            &mut notes,
        );
        let error = result.expect_err("validation rejects the broken network");
        assert!(error.message.starts_with("after pass `broken`"), "{error}");
        assert_eq!(error.op_index, Some(1));
    }
}
