//! Isometry decomposition: meshes that realize only the first rows or columns of a unitary.
//!
//! A `linear` layer's first mesh feeds attenuators, and only the modes with a nonzero
//! transmission matter after them. Its second mesh only receives light on as many modes. So
//! each mesh has to realize a k×N (or N×k) isometry, not an N×N unitary. An isometry has
//! kN − k(k + 1)/2 free complex rotations after its k phases, so that is the MZI count here,
//! against N(N − 1)/2 for the full mesh.
//!
//! Both functions null the columns of an N×k matrix with MZIs applied from the left, as in a
//! Reck triangle stopped after k diagonals: column j is swept from the bottom row up to row j,
//! each MZI moving the weight of one entry into the entry above it. The columns of an isometry
//! are orthonormal, so column j is already zero in rows 0 … j − 1 by the time it is swept.

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::assign_columns;
use super::clements::move_through_diagonal;
use super::givens::{left_nulling, wrap_phase};
use crate::ir::{Mesh, MeshKind, Mzi};

/// Decomposes a k×N matrix with orthonormal rows into an N-mode mesh whose transfer matrix has
/// those rows as its first k rows.
///
/// The mesh has kN − k(k + 1)/2 MZIs in a truncated triangle, so its kind is
/// [`MeshKind::Reck`]. Its rows k … N − 1 are whatever unitary completion the nulling leaves,
/// and its output phases on those modes are 0. Every MZI lies in the backward light cone of
/// modes 0 … k − 1: removing any of them changes the first k rows.
///
/// Precondition: k ≤ N and the rows are orthonormal, which the caller checks. Other input
/// still yields a mesh, but that mesh does not reproduce the rows.
pub fn row_isometry(rows: &DMatrix<Complex64>) -> Mesh {
    let (kept, modes) = rows.shape();
    debug_assert!(
        kept <= modes,
        "an isometry has at most as many rows as columns"
    );

    // With L = L_p ⋯ L_1 the MZIs found and L·A† = [D; 0], the rows are A = [D†, 0]·L. So L,
    // in the order found, is the mesh, and the output phases are those of D†.
    let mut work = rows.adjoint();
    let mzis = null_columns(&mut work);
    let mut output_phases = vec![0.0; modes];
    for (mode, phase) in output_phases.iter_mut().enumerate().take(kept) {
        *phase = wrap_phase(work[(mode, mode)].conj().arg());
    }
    finish(mzis, output_phases)
}

/// Decomposes an N×k matrix with orthonormal columns into an N-mode mesh whose transfer matrix
/// has those columns as its first k columns.
///
/// The mesh has kN − k(k + 1)/2 MZIs in a truncated triangle ([`MeshKind::Reck`]), and its
/// columns k … N − 1 are left to the nulling. Every MZI lies in the forward light cone of input modes
/// 0 … k − 1, so no MZI acts only on inputs beyond them. Same precondition as
/// [`row_isometry`].
pub fn column_isometry(columns: &DMatrix<Complex64>) -> Mesh {
    let (modes, kept) = columns.shape();
    debug_assert!(
        kept <= modes,
        "an isometry has at most as many columns as rows"
    );

    // With L·B = [D; 0], the columns are B = L_1⁻¹ ⋯ L_p⁻¹·[D; 0], so the mesh is
    // L_1⁻¹ ⋯ L_p⁻¹·diag(D, 1, …, 1). Moving that diagonal to the output through each inverse
    // MZI, the last one found first, gives MZIs in propagation order, as in the Clements
    // decomposition.
    let mut work = columns.clone();
    let left_mzis = null_columns(&mut work);
    let mut diagonal = vec![Complex64::ONE; modes];
    for (mode, entry) in diagonal.iter_mut().enumerate().take(kept) {
        *entry = work[(mode, mode)];
    }
    let mzis = left_mzis
        .iter()
        .rev()
        .map(|left| move_through_diagonal(left, &mut diagonal))
        .collect();
    let output_phases = diagonal
        .iter()
        .map(|entry| wrap_phase(entry.arg()))
        .collect();
    finish(mzis, output_phases)
}

/// Nulls every entry below the diagonal of the N×k matrix `work` with MZIs applied from the
/// left and returns them in the order applied. The diagonal keeps the remaining phases.
fn null_columns(work: &mut DMatrix<Complex64>) -> Vec<Mzi> {
    let (modes, kept) = work.shape();
    let mut mzis = Vec::with_capacity((kept * modes).saturating_sub(kept * (kept + 1) / 2));
    for column in 0..kept {
        for row in (column + 1..modes).rev() {
            let (partner, target) = (work[(row - 1, column)], work[(row, column)]);
            let nulling = left_nulling(partner, target);
            let (theta, phi) = (nulling.theta, nulling.phi);
            // M(0, 0) is the identity, so skipping it keeps sparse inputs exact.
            if theta != 0.0 || phi != 0.0 {
                let [[a, b], [c, d]] = nulling.matrix;
                // Columns left of `column` are already zero in these rows.
                for other in column..kept {
                    let (upper, lower) = (work[(row - 1, other)], work[(row, other)]);
                    work[(row - 1, other)] = a * upper + b * lower;
                    work[(row, other)] = c * upper + d * lower;
                }
            }
            work[(row, column)] = Complex64::ZERO;
            mzis.push(Mzi {
                top: row - 1,
                column: 0,
                theta,
                phi,
            });
        }
    }
    mzis
}

fn finish(mut mzis: Vec<Mzi>, output_phases: Vec<f64>) -> Mesh {
    let modes = output_phases.len();
    assign_columns(&mut mzis, modes);
    Mesh {
        kind: MeshKind::Reck,
        modes,
        mzis,
        output_phases,
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;
    use proptest::prelude::*;

    use super::*;
    use crate::decompose::test_support::{
        assert_phases_in_range, haar_unitary, max_abs_error, permutation_matrix,
    };

    fn isometry_mzis(kept: usize, modes: usize) -> usize {
        kept * modes - kept * (kept + 1) / 2
    }

    /// Modes whose light reaches one of `targets` at the mesh output, walking the MZIs back:
    /// returns, for each MZI, whether it touches such a mode.
    fn backward_light_cone(mesh: &Mesh, targets: usize) -> Vec<bool> {
        let mut relevant: Vec<bool> = (0..mesh.modes).map(|mode| mode < targets).collect();
        let mut inside = vec![false; mesh.mzis.len()];
        for (index, mzi) in mesh.mzis.iter().enumerate().rev() {
            if relevant[mzi.top] || relevant[mzi.top + 1] {
                inside[index] = true;
                relevant[mzi.top] = true;
                relevant[mzi.top + 1] = true;
            }
        }
        inside
    }

    /// For each MZI, whether light from one of the inputs `0..sources` can reach it.
    fn forward_light_cone(mesh: &Mesh, sources: usize) -> Vec<bool> {
        let mut lit: Vec<bool> = (0..mesh.modes).map(|mode| mode < sources).collect();
        mesh.mzis
            .iter()
            .map(|mzi| {
                let inside = lit[mzi.top] || lit[mzi.top + 1];
                lit[mzi.top] |= inside;
                lit[mzi.top + 1] |= inside;
                inside
            })
            .collect()
    }

    #[test]
    fn row_isometry_reproduces_rows() {
        for (kept, modes, seed) in [(1, 1, 1), (1, 5, 2), (2, 5, 3), (4, 5, 4), (5, 5, 5)] {
            let u = haar_unitary(modes, seed);
            let rows = u.rows(0, kept).into_owned();
            let mesh = row_isometry(&rows);
            assert_eq!(mesh.modes, modes);
            assert_eq!(
                mesh.mzis.len(),
                isometry_mzis(kept, modes),
                "{kept}×{modes}"
            );
            assert_phases_in_range(&mesh);
            let realized = mesh.matrix().rows(0, kept).into_owned();
            let error = max_abs_error(&realized, &rows);
            assert!(error < 1e-14, "{kept}×{modes}: error {error:e}");
        }
    }

    #[test]
    fn column_isometry_reproduces_columns() {
        for (kept, modes, seed) in [(1, 1, 6), (1, 5, 7), (2, 5, 8), (4, 5, 9), (5, 5, 10)] {
            let u = haar_unitary(modes, seed);
            let columns = u.columns(0, kept).into_owned();
            let mesh = column_isometry(&columns);
            assert_eq!(
                mesh.mzis.len(),
                isometry_mzis(kept, modes),
                "{modes}×{kept}"
            );
            assert_phases_in_range(&mesh);
            let realized = mesh.matrix().columns(0, kept).into_owned();
            let error = max_abs_error(&realized, &columns);
            assert!(error < 1e-14, "{modes}×{kept}: error {error:e}");
        }
    }

    #[test]
    fn full_isometry_is_full_unitary() {
        let u = haar_unitary(6, 11);
        for mesh in [row_isometry(&u), column_isometry(&u)] {
            assert_eq!(mesh.mzis.len(), 15);
            assert!(max_abs_error(&mesh.matrix(), &u) < 1e-14);
        }
    }

    #[test]
    fn empty_isometry_is_identity() {
        let rows = DMatrix::<Complex64>::zeros(0, 4);
        let mesh = row_isometry(&rows);
        assert!(mesh.mzis.is_empty());
        assert_eq!(mesh.output_phases, vec![0.0; 4]);
        let mesh = column_isometry(&rows.transpose());
        assert!(mesh.mzis.is_empty());
        assert_eq!(mesh.output_phases, vec![0.0; 4]);
    }

    #[test]
    fn identity_rows_give_zero_phases() {
        let identity = DMatrix::<Complex64>::identity(6, 6);
        let meshes = [
            row_isometry(&identity.rows(0, 3).into_owned()),
            column_isometry(&identity.columns(0, 3).into_owned()),
        ];
        for mesh in meshes {
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
    fn permutation_rows_exact() {
        let permutation = permutation_matrix(&[3, 0, 4, 1, 2]);
        let rows = permutation.rows(0, 2).into_owned();
        let mesh = row_isometry(&rows);
        let realized = mesh.matrix().rows(0, 2).into_owned();
        assert!(max_abs_error(&realized, &rows) < 1e-15);
        let columns = permutation.columns(0, 2).into_owned();
        let mesh = column_isometry(&columns);
        let realized = mesh.matrix().columns(0, 2).into_owned();
        assert!(max_abs_error(&realized, &columns) < 1e-15);
    }

    #[test]
    fn every_mzi_inside_light_cone() {
        let u = haar_unitary(9, 12);
        for kept in 0..=9 {
            let rows = row_isometry(&u.rows(0, kept).into_owned());
            assert!(
                backward_light_cone(&rows, kept)
                    .iter()
                    .all(|&inside| inside)
            );
            let columns = column_isometry(&u.columns(0, kept).into_owned());
            assert!(
                forward_light_cone(&columns, kept)
                    .iter()
                    .all(|&inside| inside)
            );
        }
    }

    #[test]
    fn columns_follow_propagation_order() {
        let mesh = column_isometry(&haar_unitary(7, 13).columns(0, 3).into_owned());
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn isometries_reconstruct_haar(
            modes in 1usize..=20,
            kept_fraction in 0.0f64..=1.0,
            seed in any::<u64>(),
        ) {
            let kept = ((modes as f64) * kept_fraction).round() as usize;
            let u = haar_unitary(modes, seed);
            let rows = u.rows(0, kept).into_owned();
            let mesh = row_isometry(&rows);
            prop_assert_eq!(mesh.mzis.len(), isometry_mzis(kept, modes));
            assert_phases_in_range(&mesh);
            let error = max_abs_error(&mesh.matrix().rows(0, kept).into_owned(), &rows);
            prop_assert!(error <= 1e-13, "rows: error {:e}", error);

            let columns = u.columns(0, kept).into_owned();
            let mesh = column_isometry(&columns);
            prop_assert_eq!(mesh.mzis.len(), isometry_mzis(kept, modes));
            assert_phases_in_range(&mesh);
            let error = max_abs_error(&mesh.matrix().columns(0, kept).into_owned(), &columns);
            prop_assert!(error <= 1e-13, "columns: error {:e}", error);
        }
    }
}
