//! Reck decomposition: a unitary into the triangular MZI mesh of depth 2N − 3.
//!
//! The mesh is the triangle of Reck et al., Phys. Rev. Lett. 73, 58 (1994). Every MZI is found
//! by nulling from the right only: for each row from the bottom up, the entries left of the
//! diagonal are zeroed from left to right. The nulled matrix is then a diagonal of phases, so no
//! MZI has to be moved through it.

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::assign_columns;
use super::givens::{WorkMatrix, right_nulling, wrap_phase};
use crate::ir::{Mesh, MeshKind, Mzi};

/// Decomposes `u` into a triangular (Reck) mesh of N(N − 1)/2 MZIs and N output phases.
///
/// Precondition: `u` is square and unitary, which the caller checks. A square non-unitary input
/// still yields a mesh, but that mesh does not reproduce `u`. A non-square input panics in debug
/// builds, and release builds decompose its leading square block.
///
/// The MZI on modes `(m, m + 1)` of the `d`-th diagonal (d = 0, 1, …, N − 2 − m) sits in column
/// `m + 2d`, so for N ≥ 2 the mesh has 2N − 3 columns. Every MZI is kept, bar states included.
/// Costs O(N³) time and O(N²) memory.
pub fn reck(u: &DMatrix<Complex64>) -> Mesh {
    reck_observed(u, &mut |_| {})
}

/// [`reck`], calling `placed(k)` after each row of `k` MZIs it finds.
pub fn reck_observed(u: &DMatrix<Complex64>, placed: &mut dyn FnMut(usize)) -> Mesh {
    debug_assert_eq!(u.nrows(), u.ncols(), "reck requires a square matrix");
    let mut work = WorkMatrix::new(u);
    let modes = work.size();

    let mut mzis = Vec::with_capacity(modes * modes.saturating_sub(1) / 2);
    for row in (1..modes).rev() {
        // Rows below `row` are already reduced to their diagonal entry, so columns 0..=row are
        // zero there and each step updates rows 0..=row only.
        for top in 0..row {
            let nulling = right_nulling(work.get(row, top), work.get(row, top + 1));
            work.null_from_right(top, row + 1, &nulling);
            mzis.push(Mzi {
                top,
                column: 0,
                theta: nulling.theta,
                phi: nulling.phi,
            });
        }
        placed(row);
    }
    assign_columns(&mut mzis, modes);

    let output_phases = work
        .diagonal()
        .iter()
        .map(|entry| wrap_phase(entry.arg()))
        .collect();
    Mesh {
        kind: MeshKind::Reck,
        modes,
        mzis,
        output_phases,
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
        permutation_matrix, random_diagonal_unitary, random_permutation,
    };

    #[test]
    fn reck_identity_gives_zero_phases() {
        for modes in [1, 2, 3, 4, 7] {
            let mesh = reck(&DMatrix::identity(modes, modes));
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
    fn reck_single_mode() {
        let phase = Complex64::from_polar(1.0, -0.5);
        let mesh = reck(&DMatrix::from_element(1, 1, phase));
        assert!(mesh.mzis.is_empty());
        assert_eq!(mesh.columns(), 0);
        assert!((mesh.output_phases[0] - (TAU - 0.5)).abs() < 1e-15);
    }

    #[test]
    fn reck_empty_matrix() {
        let mesh = reck(&DMatrix::zeros(0, 0));
        assert_eq!(mesh.modes, 0);
        assert!(mesh.mzis.is_empty());
        assert!(mesh.output_phases.is_empty());
    }

    #[test]
    fn reck_two_mode_cross() {
        let (zero, unit) = (Complex64::ZERO, Complex64::ONE);
        let cross = DMatrix::from_row_slice(2, 2, &[zero, unit, unit, zero]);
        let mesh = reck(&cross);
        assert_eq!(mesh.mzis.len(), 1);
        assert_eq!(mesh.mzis[0].theta, PI);
        assert_eq!(mesh.mzis[0].phi, 0.0);
        assert!(max_abs_error(&mesh.matrix(), &cross) < 1e-15);
    }

    #[test]
    fn reck_two_mode_global_phase() {
        let u = DMatrix::identity(2, 2) * Complex64::from_polar(1.0, 3.0);
        let mesh = reck(&u);
        assert_eq!((mesh.mzis[0].theta, mesh.mzis[0].phi), (0.0, 0.0));
        for phase in &mesh.output_phases {
            assert!((phase - 3.0).abs() < 1e-15, "{phase}");
        }
        assert!(max_abs_error(&mesh.matrix(), &u) < 1e-15);
    }

    #[test]
    fn reck_permutations_exact() {
        for modes in [2, 3, 4, 5, 8, 13] {
            let reversal: Vec<usize> = (0..modes).rev().collect();
            let rotation: Vec<usize> = (0..modes).map(|k| (k + 1) % modes).collect();
            let shuffled = random_permutation(modes, 100 + modes as u64);
            for permutation in [reversal, rotation, shuffled] {
                let u = permutation_matrix(&permutation);
                let mesh = reck(&u);
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
    fn reck_diagonal_unitary_exact() {
        for modes in [1, 2, 3, 6, 9] {
            let u = random_diagonal_unitary(modes, 11 + modes as u64);
            let mesh = reck(&u);
            for mzi in &mesh.mzis {
                assert_eq!((mzi.theta, mzi.phi), (0.0, 0.0));
            }
            assert!(max_abs_error(&mesh.matrix(), &u) < 1e-15);
        }
    }

    #[test]
    fn reck_triangular_layout() {
        for modes in 2..12 {
            let mesh = reck(&haar_unitary(modes, modes as u64));
            assert_eq!(mesh.columns(), 2 * modes - 3, "modes {modes}");
            assert_eq!(mesh.mzis.len(), modes * (modes - 1) / 2);
            for top in 0..modes - 1 {
                let columns: Vec<usize> = mesh
                    .mzis
                    .iter()
                    .filter(|mzi| mzi.top == top)
                    .map(|mzi| mzi.column)
                    .collect();
                let expected: Vec<usize> = (0..modes - 1 - top)
                    .map(|diagonal| top + 2 * diagonal)
                    .collect();
                assert_eq!(columns, expected, "modes {modes}, top {top}");
            }
        }
    }

    #[test]
    fn reck_non_unitary_does_not_panic() {
        let u = DMatrix::from_fn(4, 4, |row, column| {
            Complex64::new(column as f64, 1.0 - row as f64)
        });
        let mesh = reck(&u);
        assert_eq!(mesh.mzis.len(), 6);
        assert_eq!(mesh.output_phases.len(), 4);
        let zeros = reck(&DMatrix::zeros(3, 3));
        assert_eq!(zeros.mzis.len(), 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn reck_reconstructs_haar(
            modes in prop::sample::select(vec![1usize, 2, 3, 4, 7, 16]),
            seed in any::<u64>(),
        ) {
            let u = haar_unitary(modes, seed);
            let mesh = reck(&u);
            prop_assert_eq!(mesh.mzis.len(), modes * (modes - 1) / 2);
            assert_phases_in_range(&mesh);
            let error = max_abs_error(&mesh.matrix(), &u);
            prop_assert!(error <= 1e-12, "error {:e}", error);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        #[test]
        fn reck_reconstructs_haar_64(seed in any::<u64>()) {
            let u = haar_unitary(64, seed);
            let mesh = reck(&u);
            assert_phases_in_range(&mesh);
            let error = max_abs_error(&mesh.matrix(), &u);
            prop_assert!(error <= 1e-12, "error {:e}", error);
        }
    }
}
