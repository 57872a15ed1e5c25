//! Eigendecomposition of unitary matrices that stays accurate when eigenvalues repeat.
//!
//! A unitary `M` is normal, so its Hermitian parts `H₁ = (M + M†)/2` and
//! `H₂ = (M − M†)/(2i)` commute and share the eigenvectors of `M`. One Hermitian eigensolve of
//! `H₁ + t·H₂` finds them, and repeated eigenvalues of `M` do no harm: any orthonormal basis of
//! an eigenspace diagonalizes `M`. Two distinct eigenvalues `λ ≠ μ` of `M` can still land on the
//! same eigenvalue of `H₁ + t·H₂` (when the chord `λ − μ` is perpendicular to `(1, t)`), and the
//! solver then mixes their vectors. Such pairs show up as off-diagonal entries of `V†·M·V`; the
//! indices they couple are re-diagonalized with another slope `t`, for which they no longer
//! collide.

use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;

use crate::ir::CMatrix;

/// Slopes `t` of the Hermitian combinations `H₁ + t·H₂`, tried in turn on coupled indices.
/// Irrational values keep exact collisions away from the eigenvalues of structured matrices
/// (roots of unity, ±1, ±i).
const SLOPES: [f64; 4] = [
    0.618_033_988_749_895,
    -1.324_717_957_244_746,
    2.236_067_977_499_79,
    -0.207_879_576_350_762,
];

/// Entries of `V†·M·V` off the diagonal and larger than this couple two indices for refinement.
const COUPLING_TOLERANCE: f64 = 1e-13;

/// Eigenvectors (columns of a unitary matrix) and unit-modulus eigenvalues of a unitary matrix.
#[derive(Debug, Clone)]
pub struct UnitaryEigen {
    pub vectors: CMatrix,
    pub values: Vec<Complex64>,
}

/// Diagonalizes a unitary matrix: `m ≈ vectors · diag(values) · vectors†` with `vectors`
/// unitary to rounding and each value of modulus 1.
///
/// The residual `max |(V†·M·V)_jk|` off the diagonal is below 1e-13 for inputs unitary to
/// rounding, whatever the multiplicities. For a matrix that is not unitary the result
/// describes its normal part only.
pub fn unitary_eigen(m: &CMatrix) -> UnitaryEigen {
    let mut vectors = hermitian_eigenvectors(m, SLOPES[0]);
    let mut rotated = vectors.adjoint() * m * &vectors;

    for &slope in &SLOPES[1..] {
        let groups = coupled_groups(&rotated);
        if groups.is_empty() {
            break;
        }
        for group in groups {
            let block = submatrix(&rotated, &group);
            let rotation = hermitian_eigenvectors(&block, slope);
            rotate_columns(&mut vectors, &group, &rotation);
        }
        rotated = vectors.adjoint() * m * &vectors;
    }

    let values = (0..m.nrows())
        .map(|k| {
            let value = rotated[(k, k)];
            let norm = value.norm();
            if norm == 0.0 {
                Complex64::new(1.0, 0.0)
            } else {
                value / norm
            }
        })
        .collect();
    UnitaryEigen { vectors, values }
}

/// Returns the eigenvectors of the Hermitian matrix `H₁ + slope·H₂` built from `m`.
fn hermitian_eigenvectors(m: &CMatrix, slope: f64) -> CMatrix {
    let size = m.nrows();
    let mut hermitian = DMatrix::<Complex64>::zeros(size, size);
    for column in 0..size {
        for row in column..size {
            let entry = m[(row, column)];
            let mirror = m[(column, row)].conj();
            let real_part = (entry + mirror) * 0.5;
            // (entry − mirror)/(2i) = −i·(entry − mirror)/2.
            let imaginary_part = (entry - mirror) * Complex64::new(0.0, -0.5);
            let value = real_part + imaginary_part * slope;
            hermitian[(row, column)] = value;
            hermitian[(column, row)] = value.conj();
        }
    }
    for k in 0..size {
        hermitian[(k, k)].im = 0.0;
    }
    SymmetricEigen::new(hermitian).eigenvectors
}

/// Groups the indices joined by off-diagonal entries above [`COUPLING_TOLERANCE`]; groups
/// of one index are left out.
fn coupled_groups(rotated: &CMatrix) -> Vec<Vec<usize>> {
    let size = rotated.nrows();
    let mut parent: Vec<usize> = (0..size).collect();
    for column in 0..size {
        for row in 0..size {
            if row != column && rotated[(row, column)].norm() > COUPLING_TOLERANCE {
                let (a, b) = (find_root(&mut parent, row), find_root(&mut parent, column));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }

    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root = vec![usize::MAX; size];
    for index in 0..size {
        let root = find_root(&mut parent, index);
        if group_of_root[root] == usize::MAX {
            group_of_root[root] = groups.len();
            groups.push(Vec::new());
        }
        groups[group_of_root[root]].push(index);
    }
    groups.retain(|group| group.len() > 1);
    groups
}

fn find_root(parent: &mut [usize], mut index: usize) -> usize {
    while parent[index] != index {
        parent[index] = parent[parent[index]];
        index = parent[index];
    }
    index
}

fn submatrix(matrix: &CMatrix, indices: &[usize]) -> CMatrix {
    DMatrix::from_fn(indices.len(), indices.len(), |row, column| {
        matrix[(indices[row], indices[column])]
    })
}

/// Replaces the columns `group` of `vectors` by their combinations `vectors[:, group]·rotation`.
fn rotate_columns(vectors: &mut CMatrix, group: &[usize], rotation: &CMatrix) {
    let selected = DMatrix::from_fn(vectors.nrows(), group.len(), |row, column| {
        vectors[(row, group[column])]
    });
    let combined = selected * rotation;
    for (position, &column) in group.iter().enumerate() {
        vectors.set_column(column, &combined.column(position));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::linalg::max_abs_diff;

    fn reconstruction_error(m: &CMatrix) -> f64 {
        let eigen = unitary_eigen(m);
        let diagonal = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(eigen.values.clone()));
        let rebuilt = &eigen.vectors * diagonal * eigen.vectors.adjoint();
        let size = m.nrows();
        let unitarity = max_abs_diff(
            &(eigen.vectors.adjoint() * &eigen.vectors),
            &DMatrix::identity(size, size),
        );
        max_abs_diff(&rebuilt, m).max(unitarity)
    }

    fn permutation(images: &[usize]) -> CMatrix {
        let size = images.len();
        let mut matrix = DMatrix::zeros(size, size);
        for (column, &row) in images.iter().enumerate() {
            matrix[(row, column)] = Complex64::new(1.0, 0.0);
        }
        matrix
    }

    #[test]
    fn haar_unitaries_diagonalize() {
        for (size, seed) in [(1, 1), (2, 2), (8, 3), (32, 4), (64, 5)] {
            let error = reconstruction_error(&haar_unitary(size, seed));
            assert!(error < 1e-13, "size {size}: {error:e}");
        }
    }

    #[test]
    fn cyclic_shift_diagonalizes() {
        // Eigenvalues are the 16th roots of unity: pairs symmetric about any axis collide in
        // a single Hermitian combination.
        let images: Vec<usize> = (0..16).map(|k| (k + 1) % 16).collect();
        let error = reconstruction_error(&permutation(&images));
        assert!(error < 1e-13, "{error:e}");
    }

    #[test]
    fn repeated_eigenvalues_diagonalize() {
        let swap_pairs: Vec<usize> = (0..8).map(|k| k ^ 1).collect();
        let identity: Vec<usize> = (0..8).collect();
        for images in [swap_pairs, identity] {
            let error = reconstruction_error(&permutation(&images));
            assert!(error < 1e-13, "{images:?}: {error:e}");
        }
    }

    #[test]
    fn colliding_pair_diagonalizes() {
        // diag(e^{iπ/3}, e^{−iπ/3}) conjugated by a Haar unitary: the chord between the two
        // eigenvalues is vertical, so the slope-0 combination would merge them, and the
        // eigenvalue 1 repeats.
        let q = haar_unitary(4, 9);
        let phases = [1.0, -1.0, 0.0, 0.0].map(|s| Complex64::from_polar(1.0, s * PI_THIRD));
        let diagonal = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(phases.to_vec()));
        let m = &q * diagonal * q.adjoint();
        let error = reconstruction_error(&m);
        assert!(error < 1e-13, "{error:e}");
    }

    const PI_THIRD: f64 = std::f64::consts::FRAC_PI_3;
}
