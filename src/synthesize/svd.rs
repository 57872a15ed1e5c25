//! Singular value decomposition of complex square matrices, accurate for the rank-deficient
//! blocks of structured unitaries.
//!
//! nalgebra 0.35's complex SVD can return factors that miss the input by 1e-2 on such blocks
//! (it returned a singular value of 1.0003 for a block of a unitary, whose singular values
//! cannot exceed 1). This one takes the right singular vectors from the Hermitian eigenproblem
//! of `m†m`, which leaves the columns of `m·v` orthogonal to rounding in absolute terms, then
//! runs one-sided Jacobi rotations on the pairs that are not yet orthogonal relative to their
//! norms (in practice the columns of small singular values) until every pair is.

use nalgebra::SymmetricEigen;
use num_complex::Complex64;

use super::product::{Adjoint, multiply};
use crate::ir::CMatrix;

/// A pair of columns of length N counts as orthogonal when
/// `|⟨a_i, a_j⟩| ≤ N · this · ‖a_i‖·‖a_j‖`, a few roundings of an inner product.
const RELATIVE_ORTHOGONALITY: f64 = 4.0 * f64::EPSILON;

/// Bound on the Jacobi sweeps; each sweep after the first meets only pairs that rounding
/// left just above [`RELATIVE_ORTHOGONALITY`].
const MAX_SWEEPS: usize = 12;

/// Columns whose norm is below this fraction of the largest count as zero: they take no part
/// in the rotations, and their left singular vectors are completed to a basis instead. Each
/// rotation against a large column shrinks a column of rounding noise by about 1e-16, so
/// without the cut such columns would shrink towards underflow, sweep after sweep.
const NEGLIGIBLE_NORM: f64 = 1e-30;

/// The unitary factors of an SVD `m = u·Σ·v†`: `u†·m·v` is diagonal, real and nonnegative.
#[derive(Debug, Clone)]
pub struct SingularVectors {
    pub u: CMatrix,
    pub v: CMatrix,
}

/// Computes the singular vectors of a square complex matrix; the singular values they give
/// are not sorted.
pub fn singular_vectors(m: &CMatrix) -> SingularVectors {
    let mut gram = multiply(m, m, Adjoint::Left);
    make_hermitian(&mut gram);
    let mut v = SymmetricEigen::new(gram).eigenvectors;
    let mut columns = multiply(m, &v, Adjoint::None);
    let largest = (0..columns.ncols())
        .map(|k| columns.column(k).norm())
        .fold(0.0, f64::max);
    let negligible = NEGLIGIBLE_NORM * largest;
    orthogonalize_columns(&mut columns, &mut v, negligible);

    let size = m.ncols();
    let singular_values: Vec<f64> = (0..size).map(|k| columns.column(k).norm()).collect();
    let mut u = columns;
    let mut missing = Vec::new();
    for (k, &sigma) in singular_values.iter().enumerate() {
        if sigma > negligible && sigma > 0.0 {
            let mut column = u.column_mut(k);
            column /= Complex64::new(sigma, 0.0);
        } else {
            missing.push(k);
        }
    }
    complete_basis(&mut u, &missing);
    SingularVectors { u, v }
}

/// Returns the unitary factor `w = u·v†` of the polar decomposition `m = s·w`, where
/// `s = u·Σ·u†` is Hermitian positive semidefinite.
pub fn polar_unitary(m: &CMatrix) -> CMatrix {
    let SingularVectors { u, v } = singular_vectors(m);
    multiply(&u, &v, Adjoint::Right)
}

fn make_hermitian(matrix: &mut CMatrix) {
    let size = matrix.nrows();
    for column in 0..size {
        matrix[(column, column)].im = 0.0;
        for row in column + 1..size {
            let average = (matrix[(row, column)] + matrix[(column, row)].conj()) * 0.5;
            matrix[(row, column)] = average;
            matrix[(column, row)] = average.conj();
        }
    }
}

/// Rotates pairs of columns of `columns` (and the same pairs of `v`) until all columns with a
/// norm above `negligible` are orthogonal relative to their norms.
fn orthogonalize_columns(columns: &mut CMatrix, v: &mut CMatrix, negligible: f64) {
    let threshold = negligible * negligible;
    let size = columns.ncols();
    let tolerance = RELATIVE_ORTHOGONALITY * size as f64;
    for _ in 0..MAX_SWEEPS {
        let gram = multiply(columns, columns, Adjoint::Left);
        let mut rotated = vec![false; size];
        for i in 0..size {
            for j in i + 1..size {
                let (alpha, beta, gamma) = if rotated[i] || rotated[j] {
                    let (a, b) = (columns.column(i), columns.column(j));
                    (a.norm_squared(), b.norm_squared(), a.dotc(&b))
                } else {
                    (gram[(i, i)].re, gram[(j, j)].re, gram[(i, j)])
                };
                if alpha <= threshold
                    || beta <= threshold
                    || gamma.norm_sqr() <= tolerance * tolerance * alpha * beta
                {
                    continue;
                }
                let rotation = jacobi_rotation(alpha, beta, gamma);
                rotate_pair(columns, i, j, &rotation);
                rotate_pair(v, i, j, &rotation);
                rotated[i] = true;
                rotated[j] = true;
            }
        }
        if !rotated.contains(&true) {
            return;
        }
    }
}

/// Returns the 2×2 unitary `J` that diagonalizes the Gram matrix `[[α, γ], [γ̄, β]]` of two
/// columns, as `[[j00, j01], [j10, j11]]`.
///
/// With `γ = |γ|e^{iφ}`, the Gram matrix is `D·[[α, |γ|], [|γ|, β]]·D†` for
/// `D = diag(1, e^{−iφ})`, and the real Jacobi rotation `R = [[c, s], [−s, c]]` with
/// `tan 2θ = 2|γ|/(β − α)` diagonalizes the middle factor, so `J = D·R`.
fn jacobi_rotation(alpha: f64, beta: f64, gamma: Complex64) -> [Complex64; 4] {
    let magnitude = gamma.norm();
    let zeta = (beta - alpha) / (2.0 * magnitude);
    let tangent = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
    let cosine = 1.0 / (1.0 + tangent * tangent).sqrt();
    let sine = cosine * tangent;
    let phase = (gamma / magnitude).conj();
    [
        Complex64::new(cosine, 0.0),
        Complex64::new(sine, 0.0),
        phase * -sine,
        phase * cosine,
    ]
}

/// Replaces columns `i` and `j` of `matrix` by `[a_i, a_j]·J`.
fn rotate_pair(matrix: &mut CMatrix, i: usize, j: usize, rotation: &[Complex64; 4]) {
    let [j00, j01, j10, j11] = *rotation;
    for row in 0..matrix.nrows() {
        let (a, b) = (matrix[(row, i)], matrix[(row, j)]);
        matrix[(row, i)] = a * j00 + b * j10;
        matrix[(row, j)] = a * j01 + b * j11;
    }
}

/// Fills the columns `missing` of `u` with unit vectors orthogonal to all other columns, made
/// from standard basis vectors by Gram–Schmidt.
///
/// When `r` columns are still missing, the projections of the N basis vectors onto the
/// missing subspace have squared norms summing to `r`, so one of them has norm at least
/// `√(r/N)`. Accepting the first candidate above `√(r/2N)` keeps every division well
/// conditioned. The scan resumes where the previous one stopped, which keeps the total work
/// at O(N³).
fn complete_basis(u: &mut CMatrix, missing: &[usize]) {
    let size = u.nrows();
    let mut filled: Vec<usize> = (0..u.ncols()).filter(|k| !missing.contains(k)).collect();
    let mut next_basis = 0;
    let mut candidate = nalgebra::DVector::<Complex64>::zeros(size);
    for (done, &k) in missing.iter().enumerate() {
        let remaining = (missing.len() - done) as f64;
        let threshold = (remaining / (2.0 * size as f64)).sqrt();
        let mut best: Option<(f64, usize)> = None;
        for attempt in 0..size {
            let basis = (next_basis + attempt) % size;
            let norm = project_out(u, &filled, basis, &mut candidate);
            if norm >= threshold {
                best = Some((norm, basis));
                break;
            }
            if best.is_none_or(|(largest, _)| norm > largest) {
                best = Some((norm, basis));
            }
        }
        let (_, basis) = best.expect("at least one basis vector");
        let norm = project_out(u, &filled, basis, &mut candidate);
        u.set_column(k, &(&candidate / Complex64::new(norm, 0.0)));
        filled.push(k);
        next_basis = (basis + 1) % size;
    }
}

/// Writes into `candidate` the basis vector `basis` minus its projection onto the columns
/// `filled` of `u` (two Gram–Schmidt passes) and returns the remaining norm.
fn project_out(
    u: &CMatrix,
    filled: &[usize],
    basis: usize,
    candidate: &mut nalgebra::DVector<Complex64>,
) -> f64 {
    candidate.fill(Complex64::default());
    candidate[basis] = Complex64::new(1.0, 0.0);
    for _ in 0..2 {
        for &other in filled {
            let column = u.column(other);
            let overlap = column.dotc(candidate);
            candidate.axpy(-overlap, &column, Complex64::new(1.0, 0.0));
        }
    }
    candidate.norm()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::linalg::max_abs_diff;
    use nalgebra::{DMatrix, DVector};

    fn check(m: &CMatrix) {
        let SingularVectors { u, v } = singular_vectors(m);
        let size = m.nrows();
        let identity = DMatrix::<Complex64>::identity(size, size);
        let sigma = u.adjoint() * m * &v;
        let singular_values = DMatrix::from_diagonal(&DVector::from_iterator(
            size,
            (0..size).map(|k| Complex64::new(sigma[(k, k)].re.max(0.0), 0.0)),
        ));
        // Σ must be real, nonnegative and diagonal, so replacing it by its clipped real
        // diagonal must still rebuild m.
        let error = max_abs_diff(&(&u * singular_values * v.adjoint()), m);
        let u_error = max_abs_diff(&(u.adjoint() * &u), &identity);
        let v_error = max_abs_diff(&(v.adjoint() * &v), &identity);
        // The Jacobi tolerance allows 4·ε·N ≈ 6e-14 of non-orthogonality at N = 64.
        assert!(error < 1e-13, "reconstruction {error:e}");
        assert!(u_error < 1e-13, "u unitarity {u_error:e}");
        assert!(v_error < 1e-13, "v unitarity {v_error:e}");
    }

    #[test]
    fn blocks_of_haar_unitaries() {
        for (size, seed) in [(2, 1), (8, 2), (32, 3), (64, 4)] {
            let u = haar_unitary(2 * size, seed);
            check(&u.view((0, 0), (size, size)).into_owned());
        }
    }

    #[test]
    fn rank_deficient_blocks() {
        // A block with two exact zero rows and a repeated singular value.
        let mut m = haar_unitary(8, 5).view((0, 0), (8, 8)).into_owned();
        m.row_mut(2).fill(Complex64::default());
        m.row_mut(6).fill(Complex64::default());
        check(&m);
        check(&DMatrix::<Complex64>::zeros(4, 4));
        check(&DMatrix::<Complex64>::identity(4, 4));
    }

    #[test]
    fn block_nalgebra_gets_wrong() {
        // Rows 0 and 2 of a 4×4 block: one row is a basis vector and one is zero.
        let q = haar_unitary(3, 6);
        let mut m = DMatrix::<Complex64>::zeros(4, 4);
        m[(0, 0)] = Complex64::new(1.0, 0.0);
        for row in 0..3 {
            for column in 0..3 {
                if row != 1 {
                    m[(row + 1, column + 1)] = q[(row, column)] * 0.8;
                }
            }
        }
        check(&m);
    }

    #[test]
    fn tiny_singular_values_stay_accurate() {
        // Singular values spread over 30 orders of magnitude, with a cluster near 1e-9.
        let p = haar_unitary(6, 7);
        let q = haar_unitary(6, 8);
        let values = [1.0, 0.5, 1e-9, 1.0001e-9, 1e-20, 0.0];
        let sigma = DMatrix::from_diagonal(&DVector::from_iterator(
            6,
            values.iter().map(|&s| Complex64::new(s, 0.0)),
        ));
        check(&(p * sigma * q.adjoint()));
    }
}
