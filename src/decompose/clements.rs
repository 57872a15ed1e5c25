//! Clements decomposition: a unitary into the rectangular MZI mesh of depth N.
//!
//! The scheme is that of Clements et al., "An optimal design for universal multiport
//! interferometers", arXiv:1603.08788 (2016). Subdiagonals of U are nulled one at a time, from
//! the bottom-left corner towards the main diagonal, alternately with inverse MZIs applied from
//! the right and with MZIs applied from the left. The left-hand MZIs are then moved through the
//! remaining diagonal matrix so that every MZI acts before the output phase screen.

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::assign_columns;
use super::givens::{WorkMatrix, half_internal_phase, left_nulling, right_nulling, wrap_phase};
use super::kernels::{Rotation, rotate_chain};
use crate::ir::{Mesh, MeshKind, Mzi};

/// Decomposes `u` into a rectangular (Clements) mesh of N(N − 1)/2 MZIs and N output phases.
///
/// Precondition: `u` is square and unitary, which the caller checks. A square non-unitary input
/// still yields a mesh, but that mesh does not reproduce `u`. A non-square input panics in debug
/// builds, and release builds decompose its leading square block.
///
/// For N ≥ 3 the MZI on modes `(m, m + 1)` sits in a column `c` with `c ≡ m (mod 2)` and the
/// mesh has N columns. With N = 2 the single MZI gives one column, and N = 1 gives no MZI.
/// Every MZI is kept, bar states included. Costs O(N³) time and O(N²) memory.
pub fn clements(u: &DMatrix<Complex64>) -> Mesh {
    clements_observed(u, &mut |_| {})
}

/// [`clements`], calling `placed(k)` after each diagonal of `k` MZIs it finds.
pub fn clements_observed(u: &DMatrix<Complex64>, placed: &mut dyn FnMut(usize)) -> Mesh {
    debug_assert_eq!(u.nrows(), u.ncols(), "clements requires a square matrix");
    let mut work = WorkMatrix::new(u);
    let modes = work.size();

    // MZIs found from the right come first in propagation order, in the order found. The
    // left-hand MZIs follow in reverse order, once moved through the diagonal.
    let mut right_mzis = Vec::with_capacity(modes * modes.saturating_sub(1) / 2);
    let mut left_mzis = Vec::with_capacity(modes * modes.saturating_sub(1) / 4 + 1);
    for pass in 1..modes {
        if pass % 2 == 1 {
            null_subdiagonal_from_right(&mut work, pass, &mut right_mzis);
        } else {
            null_subdiagonal_from_left(&mut work, pass, &mut left_mzis);
        }
        placed(pass);
    }

    let mut diagonal = work.diagonal();
    let mut mzis = right_mzis;
    for left in left_mzis.iter().rev() {
        mzis.push(move_through_diagonal(left, &mut diagonal));
    }
    assign_columns(&mut mzis, modes);

    let output_phases = diagonal
        .iter()
        .map(|entry| wrap_phase(entry.arg()))
        .collect();

    Mesh {
        kind: MeshKind::Clements,
        modes,
        mzis,
        output_phases,
    }
}

/// Nulls the subdiagonal `row − column = N − pass` (odd `pass`) with column steps, moving up and
/// to the left from its bottom entry.
///
/// Every entry below that subdiagonal is already zero. So the step on columns `(m, m + 1)` that
/// nulls row `r` needs to update only rows `0..=r`: below `r`, column `m` lies under the
/// subdiagonal and column `m + 1` contains the entry nulled by the previous step.
fn null_subdiagonal_from_right(work: &mut WorkMatrix, pass: usize, mzis: &mut Vec<Mzi>) {
    let size = work.size();
    for step in 0..pass {
        let top = pass - 1 - step;
        let row = size - 1 - step;
        let nulling = right_nulling(work.get(row, top), work.get(row, top + 1));
        work.null_from_right(top, row + 1, &nulling);
        mzis.push(Mzi {
            top,
            column: 0,
            theta: nulling.theta,
            phi: nulling.phi,
        });
    }
}

/// Nulls the subdiagonal `row − column = N − pass` (even `pass`) with row steps, moving down and
/// to the right from its top entry.
///
/// Step `j` acts on rows `(first + j, first + j + 1)` with `first = N − pass − 1` and nulls the
/// entry in column `j`. Both rows are zero left of column `j`, so the step touches columns
/// `j..N` only. Rather than stream two strided rows per step, the sweep visits each contiguous
/// column once. It applies the steps already found, in order, to rows `first..N` of the column,
/// and in column `j` it first finds step `j` from the entries that the earlier steps produced.
/// Columns go [`LANES`] at a time, one per vector lane.
fn null_subdiagonal_from_left(work: &mut WorkMatrix, pass: usize, mzis: &mut Vec<Mzi>) {
    let size = work.size();
    let first = size - pass - 1;
    let mut rotations: Vec<Rotation> = Vec::with_capacity(pass);
    let mut column = 0;
    while column < size {
        let width = if column + LANES <= size { LANES } else { 1 };
        if width == LANES {
            let (lanes_re, lanes_im) = work.column_lanes::<LANES>(column, first..size);
            rotate_chain(&rotations, lanes_re, lanes_im);
        } else {
            rotate_column_chain(work, &rotations, column, first);
        }
        // Columns left of `pass` each find one step, which the later columns of the group
        // need before they find theirs.
        for found in column..(column + width).min(pass) {
            let rotation = null_column_entry(work, found, first, mzis);
            for later in found + 1..column + width {
                let upper = work.get(first + found, later);
                let lower = work.get(first + found + 1, later);
                let (upper, lower) = rotation.apply(upper, lower);
                work.set(first + found, later, upper);
                work.set(first + found + 1, later, lower);
            }
            rotations.push(rotation);
        }
        column += width;
    }
}

/// Number of columns that a left-hand sweep rotates together, one per vector lane.
const LANES: usize = 4;

/// Applies `rotations[j]` to rows `(first + j, first + j + 1)` of `column`, for j = 0, 1, ….
fn rotate_column_chain(work: &mut WorkMatrix, rotations: &[Rotation], column: usize, first: usize) {
    for (j, rotation) in rotations.iter().enumerate() {
        let (upper_row, lower_row) = (first + j, first + j + 1);
        let (upper, lower) = (work.get(upper_row, column), work.get(lower_row, column));
        let (upper, lower) = rotation.apply(upper, lower);
        work.set(upper_row, column, upper);
        work.set(lower_row, column, lower);
    }
}

/// Finds step `step` from the entries in rows `first + step` and `first + step + 1` of column
/// `step`, applies it there, records its MZI and returns its matrix.
fn null_column_entry(
    work: &mut WorkMatrix,
    step: usize,
    first: usize,
    mzis: &mut Vec<Mzi>,
) -> Rotation {
    let (upper_row, lower_row) = (first + step, first + step + 1);
    let (upper, lower) = (work.get(upper_row, step), work.get(lower_row, step));
    let nulling = left_nulling(upper, lower);
    let rotation = Rotation::new(nulling.matrix);
    work.set(upper_row, step, rotation.apply(upper, lower).0);
    work.set(lower_row, step, Complex64::ZERO);
    mzis.push(Mzi {
        top: upper_row,
        column: 0,
        theta: nulling.theta,
        phi: nulling.phi,
    });
    rotation
}

/// Rewrites `L⁻¹·D` as `D'·M'` for the left-hand MZI `L = left`, updating the diagonal of
/// `D` in place and returning `M'`.
pub(super) fn move_through_diagonal(left: &Mzi, diagonal: &mut [Complex64]) -> Mzi {
    let (theta, phi) = (left.theta, left.phi);
    let (upper, lower) = (diagonal[left.top], diagonal[left.top + 1]);
    let external_inverse = Complex64::from_polar(1.0, -phi);

    // On the two modes of L = M(θ, φ), with D = diag(e^{iα}, e^{iβ}), c = cos(θ/2) and
    // s = sin(θ/2):
    //   L⁻¹·D        = e^{−iθ/2}·[[e^{i(α−φ)}·c, e^{i(β−φ)}·s], [−e^{iα}·s, e^{iβ}·c]]
    //   D'·M(θ', φ') = e^{iθ'/2}·[[e^{i(α'+φ')}·c', −e^{iα'}·s'], [e^{i(β'+φ')}·s', e^{iβ'}·c']]
    // The moduli match with θ' = θ, because both angles lie in [0, π]. Entry (1,1) then gives
    // β' = β − θ, entry (0,1) gives α' = π + β − θ − φ, and entry (1,0) gives φ' = π + α − β.
    // Entry (0,0) follows. When s = 0 the off-diagonal entries vanish and φ' is free, so
    // φ' = 0 keeps a bar-state MZI at (0, 0) and its φ moves into α' = α − φ.
    //
    // The diagonal stays complex rather than a list of angles, so each update is one complex
    // product with relative error near machine epsilon. For a permutation matrix, whose θ are
    // all 0 or π, the diagonal entries then stay exactly ±1 or ±i.
    if theta == 0.0 {
        diagonal[left.top] = upper * external_inverse;
        return Mzi {
            top: left.top,
            column: 0,
            theta,
            phi: 0.0,
        };
    }
    let internal_inverse = half_internal_phase(theta).conj().powi(2);
    diagonal[left.top] = -(internal_inverse * external_inverse * lower);
    diagonal[left.top + 1] = internal_inverse * lower;
    Mzi {
        top: left.top,
        column: 0,
        theta,
        phi: wrap_phase((-(upper * lower.conj())).arg()),
    }
}

#[cfg(test)]
mod tests {
    use std::f64::consts::{PI, TAU};

    use nalgebra::DMatrix;
    use num_complex::Complex64;
    use proptest::prelude::*;

    use super::*;
    use crate::decompose::test_support::{
        assert_phases_in_range, assert_quarter_turn, haar_unitary, max_abs_error,
        permutation_matrix, random_diagonal_unitary,
    };

    #[test]
    fn clements_identity_gives_zero_phases() {
        for modes in [1, 2, 3, 4, 7] {
            let mesh = clements(&DMatrix::identity(modes, modes));
            assert_eq!(mesh.mzis.len(), modes * (modes - 1) / 2);
            for mzi in &mesh.mzis {
                assert_eq!(mzi.theta.to_bits(), 0.0f64.to_bits(), "{mzi:?}");
                assert_eq!(mzi.phi.to_bits(), 0.0f64.to_bits(), "{mzi:?}");
            }
            for phase in &mesh.output_phases {
                assert_eq!(phase.to_bits(), 0.0f64.to_bits());
            }
        }
    }

    #[test]
    fn clements_single_mode() {
        let phase = Complex64::from_polar(1.0, 2.5);
        let mesh = clements(&DMatrix::from_element(1, 1, phase));
        assert_eq!(mesh.modes, 1);
        assert!(mesh.mzis.is_empty());
        assert_eq!(mesh.columns(), 0);
        assert!((mesh.output_phases[0] - 2.5).abs() < 1e-15);
    }

    #[test]
    fn clements_empty_matrix() {
        let mesh = clements(&DMatrix::zeros(0, 0));
        assert_eq!(mesh.modes, 0);
        assert!(mesh.mzis.is_empty());
        assert!(mesh.output_phases.is_empty());
    }

    #[test]
    fn clements_two_mode_cross() {
        let (zero, unit) = (Complex64::ZERO, Complex64::ONE);
        let cross = DMatrix::from_row_slice(2, 2, &[zero, unit, unit, zero]);
        let mesh = clements(&cross);
        assert_eq!(mesh.mzis.len(), 1);
        assert_eq!(mesh.mzis[0].theta, PI);
        assert_eq!(mesh.mzis[0].phi, 0.0);
        assert!(max_abs_error(&mesh.matrix(), &cross) < 1e-15);
    }

    #[test]
    fn clements_two_mode_global_phase() {
        let u = DMatrix::identity(2, 2) * Complex64::from_polar(1.0, -1.0);
        let mesh = clements(&u);
        assert_eq!(mesh.mzis.len(), 1);
        assert_eq!((mesh.mzis[0].theta, mesh.mzis[0].phi), (0.0, 0.0));
        for phase in &mesh.output_phases {
            assert!((phase - (TAU - 1.0)).abs() < 1e-15, "{phase}");
        }
        assert!(max_abs_error(&mesh.matrix(), &u) < 1e-15);
    }

    #[test]
    fn clements_two_mode_haar() {
        for seed in 0..32 {
            let u = haar_unitary(2, seed);
            let mesh = clements(&u);
            assert_eq!(mesh.mzis.len(), 1);
            assert!(max_abs_error(&mesh.matrix(), &u) < 1e-14, "seed {seed}");
        }
    }

    #[test]
    fn clements_permutations_exact() {
        for modes in [2, 3, 4, 5, 8, 13] {
            let reversal: Vec<usize> = (0..modes).rev().collect();
            let rotation: Vec<usize> = (0..modes).map(|k| (k + 1) % modes).collect();
            let shuffled = crate::decompose::test_support::random_permutation(modes, modes as u64);
            for permutation in [reversal, rotation, shuffled] {
                let u = permutation_matrix(&permutation);
                let mesh = clements(&u);
                assert_phases_in_range(&mesh);
                for mzi in &mesh.mzis {
                    assert!(
                        mzi.theta == 0.0 || mzi.theta == PI,
                        "{permutation:?}: {mzi:?}"
                    );
                    assert_quarter_turn(mzi.phi);
                }
                mesh.output_phases
                    .iter()
                    .copied()
                    .for_each(assert_quarter_turn);
                // The phases are multiples of π/2, but e^{iπ} and cos(π/2) evaluate to within about
                // 1e-16 of their true values, so each MZI adds up to that much in Mesh::matrix.
                let error = max_abs_error(&mesh.matrix(), &u);
                assert!(error < 1e-14, "{permutation:?}: error {error:e}");
            }
        }
    }

    #[test]
    fn clements_diagonal_unitary_exact() {
        for modes in [1, 2, 3, 6, 9] {
            let u = random_diagonal_unitary(modes, 7 + modes as u64);
            let mesh = clements(&u);
            for mzi in &mesh.mzis {
                assert_eq!((mzi.theta, mzi.phi), (0.0, 0.0));
            }
            assert!(max_abs_error(&mesh.matrix(), &u) < 1e-15);
        }
    }

    #[test]
    fn clements_rectangular_layout() {
        for modes in 3..12 {
            let mesh = clements(&haar_unitary(modes, modes as u64));
            assert_eq!(mesh.columns(), modes, "modes {modes}");
            assert_eq!(mesh.mzis.len(), modes * (modes - 1) / 2);
            for mzi in &mesh.mzis {
                assert_eq!(mzi.column % 2, mzi.top % 2, "modes {modes}: {mzi:?}");
            }
            for column in 0..modes {
                let count = mesh.mzis.iter().filter(|mzi| mzi.column == column).count();
                let expected = if column % 2 == 0 {
                    modes / 2
                } else {
                    (modes - 1) / 2
                };
                assert_eq!(count, expected, "modes {modes}, column {column}");
            }
        }
        assert_eq!(clements(&haar_unitary(2, 1)).columns(), 1);
    }

    #[test]
    fn clements_propagation_order_respects_columns() {
        let mesh = clements(&haar_unitary(9, 3));
        let mut last_column = vec![None; mesh.modes];
        for mzi in &mesh.mzis {
            for mode in [mzi.top, mzi.top + 1] {
                if let Some(previous) = last_column[mode] {
                    assert!(mzi.column > previous, "{mzi:?} after column {previous}");
                }
                last_column[mode] = Some(mzi.column);
            }
        }
    }

    #[test]
    fn clements_non_unitary_does_not_panic() {
        let u = DMatrix::from_fn(4, 4, |row, column| {
            Complex64::new(row as f64, column as f64 - 1.0)
        });
        let mesh = clements(&u);
        assert_eq!(mesh.mzis.len(), 6);
        assert_eq!(mesh.output_phases.len(), 4);
        let zeros = clements(&DMatrix::zeros(3, 3));
        assert_eq!(zeros.mzis.len(), 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn clements_reconstructs_haar(
            modes in prop::sample::select(vec![1usize, 2, 3, 4, 7, 16]),
            seed in any::<u64>(),
        ) {
            let u = haar_unitary(modes, seed);
            let mesh = clements(&u);
            prop_assert_eq!(mesh.mzis.len(), modes * (modes - 1) / 2);
            assert_phases_in_range(&mesh);
            let error = max_abs_error(&mesh.matrix(), &u);
            prop_assert!(error <= 1e-12, "error {:e}", error);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn clements_reconstructs_haar_64(seed in any::<u64>()) {
            let u = haar_unitary(64, seed);
            let mesh = clements(&u);
            assert_phases_in_range(&mesh);
            let error = max_abs_error(&mesh.matrix(), &u);
            prop_assert!(error <= 1e-12, "error {:e}", error);
        }
    }
}
