//! Eigendecomposition of unitary matrices that stays accurate when eigenvalues repeat.
//!
//! A unitary `M` is normal, so its Hermitian parts `H₁ = (M + M†)/2` and
//! `H₂ = (M − M†)/(2i)` commute and share the eigenvectors of `M`, which one Hermitian
//! eigensolve of `H₁ + t·H₂` finds. Repeated eigenvalues of `M` do no harm, because any
//! orthonormal basis of an eigenspace diagonalizes `M`. Two distinct eigenvalues whose chord
//! is nearly perpendicular to `(1, t)` nearly collide in `H₁ + t·H₂`, though, and the solver's
//! rounding error then grows in `V†·M·V`: entries reached 1e-10 for Haar-random matrices of
//! size 16 to 64. Complex Jacobi rotations on the columns with a large residual
//! `‖M·v − λ·v‖` bring `V†·M·V` back to diagonal. Each rotation puts a 2×2 block in Schur
//! form, which for a normal block is diagonal.

use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;

use super::product::{Adjoint, multiply};
use crate::ir::CMatrix;

/// Slope `t` of the Hermitian combination `H₁ + t·H₂`. An irrational value keeps exact
/// collisions away from the eigenvalues of structured matrices (roots of unity, ±1, ±i).
const SLOPE: f64 = 0.618_033_988_749_895;

/// Columns whose residual `‖M·v_k − λ_k·v_k‖` exceeds this are refined, until the entries of
/// `V†·M·V` among them are below it.
const RESIDUAL_TOLERANCE: f64 = 1e-13;

/// Bound on the Jacobi sweeps; the refinement starts close to diagonal and converges
/// quadratically, so a few sweeps suffice unless the input is not normal.
const MAX_SWEEPS: usize = 16;

/// Eigenvectors (columns of a unitary matrix) and unit-modulus eigenvalues of a unitary matrix.
#[derive(Debug, Clone)]
pub struct UnitaryEigen {
    pub vectors: CMatrix,
    pub values: Vec<Complex64>,
}

/// Diagonalizes a unitary matrix: `m ≈ vectors · diag(values) · vectors†` with `vectors`
/// unitary to rounding and each value of modulus 1.
///
/// For an input unitary to rounding the entries of `V†·M·V` off the diagonal end below 1e-13,
/// whatever the multiplicities. A matrix that is δ away from unitary leaves entries of
/// about δ.
pub fn unitary_eigen(m: &CMatrix) -> UnitaryEigen {
    let mut vectors = hermitian_eigenvectors(m, SLOPE);
    let image = multiply(m, &vectors, Adjoint::None);
    let mut values = rayleigh_quotients(&vectors, &image);

    let inexact = inexact_columns(&vectors, &image, &values);
    if !inexact.is_empty() {
        // By normality an entry (j, k) of V†·M·V off the diagonal also shows in the
        // residuals of columns j and k, so the refinement can stay among the inexact columns.
        let selected = select_columns(&vectors, &inexact);
        let mut block = multiply(&selected, &select_columns(&image, &inexact), Adjoint::Left);
        let rotation = jacobi_triangularize(&mut block);
        let refined = multiply(&selected, &rotation, Adjoint::None);
        for (position, &column) in inexact.iter().enumerate() {
            vectors.set_column(column, &refined.column(position));
            values[column] = block[(position, position)];
        }
    }

    let values = values
        .into_iter()
        .map(|value| {
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

/// Returns `λ_k = v_k†·(M·v_k)` for each column, given `image = M·V`.
fn rayleigh_quotients(vectors: &CMatrix, image: &CMatrix) -> Vec<Complex64> {
    (0..vectors.ncols())
        .map(|k| vectors.column(k).dotc(&image.column(k)))
        .collect()
}

/// Returns the columns whose residual `‖M·v_k − λ_k·v_k‖` exceeds [`RESIDUAL_TOLERANCE`].
fn inexact_columns(vectors: &CMatrix, image: &CMatrix, values: &[Complex64]) -> Vec<usize> {
    let limit = RESIDUAL_TOLERANCE * RESIDUAL_TOLERANCE;
    (0..vectors.ncols())
        .filter(|&k| {
            let residual: f64 = image
                .column(k)
                .iter()
                .zip(vectors.column(k).iter())
                .map(|(mapped, vector)| (mapped - values[k] * vector).norm_sqr())
                .sum();
            residual > limit
        })
        .collect()
}

fn select_columns(matrix: &CMatrix, columns: &[usize]) -> CMatrix {
    DMatrix::from_fn(matrix.nrows(), columns.len(), |row, column| {
        matrix[(row, columns[column])]
    })
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

/// Brings a nearly diagonal, nearly normal matrix to diagonal form by complex Jacobi
/// rotations: `t` is overwritten by `Q†·t·Q` and the unitary `Q` is returned.
///
/// Each rotation is the 2×2 Schur form of a pair, which zeroes the entry below the diagonal;
/// for a normal pair it zeroes the entry above as well.
fn jacobi_triangularize(t: &mut CMatrix) -> CMatrix {
    let size = t.nrows();
    let limit = RESIDUAL_TOLERANCE * RESIDUAL_TOLERANCE;
    let mut q = DMatrix::<Complex64>::identity(size, size);
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for i in 0..size {
            for j in i + 1..size {
                if t[(i, j)].norm_sqr().max(t[(j, i)].norm_sqr()) <= limit {
                    continue;
                }
                let Some(rotation) = schur_rotation(t[(i, i)], t[(i, j)], t[(j, i)], t[(j, j)])
                else {
                    continue;
                };
                rotate_columns(t, i, j, &rotation);
                rotate_rows_adjoint(t, i, j, &rotation);
                rotate_columns(&mut q, i, j, &rotation);
                rotated = true;
            }
        }
        if !rotated {
            break;
        }
    }
    q
}

/// Returns the unitary `R = [v, v⊥]` (as `[r00, r01, r10, r11]`) whose first column is a unit
/// eigenvector of `[[a, b], [c, d]]`, so that `R†·[[a, b], [c, d]]·R` is upper triangular, or
/// `None` when the block is already a multiple of the identity.
fn schur_rotation(
    a: Complex64,
    b: Complex64,
    c: Complex64,
    d: Complex64,
) -> Option<[Complex64; 4]> {
    let half_difference = (a - d) * 0.5;
    let root = (half_difference * half_difference + b * c).sqrt();
    // Of the two eigenvalues (a + d)/2 ± root, take the one farther from a, which keeps
    // μ − a free of cancellation.
    let shift = if (half_difference + root).norm() >= (half_difference - root).norm() {
        -root
    } else {
        root
    };
    // μ − a = −half_difference + shift and μ − d = half_difference + shift.
    let from_top = [b, shift - half_difference];
    let from_bottom = [half_difference + shift, c];
    let norm = |v: &[Complex64; 2]| (v[0].norm_sqr() + v[1].norm_sqr()).sqrt();
    let vector = if norm(&from_top) >= norm(&from_bottom) {
        from_top
    } else {
        from_bottom
    };
    let length = norm(&vector);
    if length == 0.0 {
        return None;
    }
    let (v0, v1) = (vector[0] / length, vector[1] / length);
    Some([v0, -v1.conj(), v1, v0.conj()])
}

/// Replaces columns `i` and `j` of `matrix` by `[a_i, a_j]·R`.
fn rotate_columns(matrix: &mut CMatrix, i: usize, j: usize, rotation: &[Complex64; 4]) {
    let [r00, r01, r10, r11] = *rotation;
    for row in 0..matrix.nrows() {
        let (x, y) = (matrix[(row, i)], matrix[(row, j)]);
        matrix[(row, i)] = x * r00 + y * r10;
        matrix[(row, j)] = x * r01 + y * r11;
    }
}

/// Replaces rows `i` and `j` of `matrix` by `R†·[row_i; row_j]`.
fn rotate_rows_adjoint(matrix: &mut CMatrix, i: usize, j: usize, rotation: &[Complex64; 4]) {
    let [r00, r01, r10, r11] = *rotation;
    for column in 0..matrix.ncols() {
        let (x, y) = (matrix[(i, column)], matrix[(j, column)]);
        matrix[(i, column)] = r00.conj() * x + r10.conj() * y;
        matrix[(j, column)] = r01.conj() * x + r11.conj() * y;
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
