//! Small dense linear-algebra helpers shared by the stages and their tests.

use num_complex::Complex64;

use crate::ir::CMatrix;

/// Returns the largest entry magnitude `max |a_ij|`, 0 for an empty matrix, and NaN when an
/// entry is NaN, so that a comparison with a tolerance fails.
pub fn max_abs(matrix: &CMatrix) -> f64 {
    matrix.iter().map(|z| z.norm()).fold(0.0, nan_max)
}

/// Returns the larger of two magnitudes, or NaN when either is NaN (`f64::max` would return
/// the other one and hide the NaN).
fn nan_max(largest: f64, value: f64) -> f64 {
    if largest.is_nan() || value.is_nan() {
        f64::NAN
    } else {
        largest.max(value)
    }
}

/// Returns `max |a_ij − b_ij|`, NaN when a difference is NaN; the shapes must agree.
pub fn max_abs_diff(a: &CMatrix, b: &CMatrix) -> f64 {
    assert_eq!(
        a.shape(),
        b.shape(),
        "compared matrices must have one shape"
    );
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, nan_max)
}

/// Returns the Euclidean norm of `values` (the Frobenius norm for a matrix's entries),
/// computed after dividing by the largest magnitude, so that entries near 1e-200 or 1e200,
/// whose squares underflow or overflow, still give their true norm.
pub fn scaled_norm<'a>(values: impl Iterator<Item = &'a Complex64> + Clone) -> f64 {
    let largest = values.clone().map(|z| z.norm()).fold(0.0, nan_max);
    if largest == 0.0 || !largest.is_finite() {
        return largest;
    }
    let sum: f64 = values.map(|z| z.unscale(largest).norm_sqr()).sum();
    largest * sum.sqrt()
}

/// Returns `a† · b`, computed with faer's blocked product on rayon's pool.
///
/// nalgebra's generic product took 3 s for U†U at N = 1024, about 3 GFLOP/s. The checker
/// and the IR validator form that product once per stage, so the speed matters.
pub fn adjoint_product(a: &CMatrix, b: &CMatrix) -> CMatrix {
    assert_eq!(
        a.nrows(),
        b.nrows(),
        "a† · b needs as many rows in a as in b"
    );
    let mut product = CMatrix::zeros(a.ncols(), b.ncols());
    if a.nrows() == 0 {
        return product;
    }
    let lhs = faer::MatRef::from_column_major_slice(a.as_slice(), a.nrows(), a.ncols());
    let rhs = faer::MatRef::from_column_major_slice(b.as_slice(), b.nrows(), b.ncols());
    let destination =
        faer::MatMut::from_column_major_slice_mut(product.as_mut_slice(), a.ncols(), b.ncols());
    faer::linalg::matmul::matmul(
        destination,
        faer::Accum::Replace,
        lhs.adjoint(),
        rhs,
        Complex64::new(1.0, 0.0),
        faer::get_global_parallelism(),
    );
    product
}

/// Returns `U†U − I` for a square or tall matrix `U`.
pub fn gram_defect(matrix: &CMatrix) -> CMatrix {
    let mut defect = adjoint_product(matrix, matrix);
    for k in 0..defect.nrows() {
        defect[(k, k)] -= 1.0;
    }
    defect
}

/// Returns `e^{iφ}`.
pub fn phase_factor(phi: f64) -> Complex64 {
    Complex64::from_polar(1.0, phi)
}

/// Wraps a phase into `[0, 2π)`. Values that land within 1e-15 below 2π, where the
/// wrapped value would print and behave as 2π, become 0.
pub fn normalize_phase(phi: f64) -> f64 {
    let wrapped = phi.rem_euclid(std::f64::consts::TAU);
    // `rem_euclid` keeps the sign of a zero, and adding +0.0 turns -0.0 into +0.0.
    if std::f64::consts::TAU - wrapped < 1e-15 {
        0.0
    } else {
        wrapped + 0.0
    }
}

/// A full singular value decomposition `m = u · Σ · v†` of an M×N matrix: `u` is M×M, `v` is
/// N×N, and `singular_values` holds the min(M, N) diagonal entries of Σ in decreasing order.
#[derive(Debug, Clone)]
pub struct Svd {
    pub u: CMatrix,
    pub singular_values: Vec<f64>,
    pub v: CMatrix,
}

/// Computes the full SVD with faer.
///
/// nalgebra 0.35's complex SVD misses rank-deficient inputs by up to 3e-2 (measured on
/// products of unitary blocks with projectors); faer's stays at rounding level on the same
/// inputs, about 2e-15.
pub fn svd(m: &CMatrix) -> Svd {
    let (rows, columns) = m.shape();
    if rows == 0 || columns == 0 {
        return Svd {
            u: CMatrix::identity(rows, rows),
            singular_values: Vec::new(),
            v: CMatrix::identity(columns, columns),
        };
    }
    let input = faer::Mat::<faer::c64>::from_fn(rows, columns, |i, j| {
        let z = m[(i, j)];
        faer::c64::new(z.re, z.im)
    });
    let Ok(decomposition) = input.svd() else {
        // faer reports no convergence only for non-finite input, which the checker rejects.
        let nan = Complex64::new(f64::NAN, f64::NAN);
        return Svd {
            u: CMatrix::from_element(rows, rows, nan),
            singular_values: vec![f64::NAN; rows.min(columns)],
            v: CMatrix::from_element(columns, columns, nan),
        };
    };
    let convert = |matrix: faer::MatRef<'_, faer::c64>| {
        CMatrix::from_fn(matrix.nrows(), matrix.ncols(), |i, j| {
            let z = matrix[(i, j)];
            Complex64::new(z.re, z.im)
        })
    };
    let diagonal = decomposition.S();
    Svd {
        u: convert(decomposition.U()),
        singular_values: (0..rows.min(columns)).map(|i| diagonal[i].re).collect(),
        v: convert(decomposition.V()),
    }
}

#[cfg(test)]
mod tests {
    use super::{
        CMatrix, adjoint_product, gram_defect, max_abs, max_abs_diff, normalize_phase, scaled_norm,
    };
    use crate::random::{SplitMix64, haar_unitary};
    use num_complex::Complex64;
    use std::f64::consts::{PI, TAU};

    #[test]
    fn adjoint_product_matches_nalgebra() {
        for (rows, columns) in [(1, 1), (3, 2), (5, 7), (70, 33)] {
            let sample = |seed: u64| {
                let mut rng = SplitMix64::new(seed);
                CMatrix::from_fn(rows, columns, |_, _| rng.next_complex_normal())
            };
            let (a, b) = (sample(1), sample(2));
            let error = max_abs_diff(&adjoint_product(&a, &b), &(a.adjoint() * &b));
            assert!(error < 1e-12, "{rows}×{columns}: {error:e}");
        }
        assert_eq!(
            adjoint_product(&CMatrix::zeros(0, 2), &CMatrix::zeros(0, 3)),
            CMatrix::zeros(2, 3)
        );
    }

    #[test]
    fn scaled_norm_survives_extremes() {
        for scale in [1e-200, 1.0, 1e200] {
            let values = [
                Complex64::new(3.0 * scale, 0.0),
                Complex64::new(0.0, 4.0 * scale),
            ];
            let norm = scaled_norm(values.iter());
            assert!((norm / (5.0 * scale) - 1.0).abs() < 1e-15, "{norm:e}");
        }
        assert_eq!(scaled_norm([Complex64::new(0.0, 0.0)].iter()), 0.0);
    }

    #[test]
    fn max_abs_propagates_nan() {
        let mut matrix = CMatrix::identity(3, 3);
        matrix[(1, 2)] = Complex64::new(f64::NAN, 0.0);
        assert!(max_abs(&matrix).is_nan());
        assert!(max_abs_diff(&matrix, &CMatrix::identity(3, 3)).is_nan());
        assert_eq!(max_abs(&CMatrix::identity(3, 3)), 1.0);
    }

    #[test]
    fn gram_defect_of_unitary_is_small() {
        let unitary = haar_unitary(40, &mut SplitMix64::new(3));
        assert!(max_abs(&gram_defect(&unitary)) < 1e-13);
        let doubled = &unitary * Complex64::new(2.0, 0.0);
        assert!((max_abs(&gram_defect(&doubled)) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn phases_wrap_into_range() {
        assert_eq!(normalize_phase(-PI / 2.0), 1.5 * PI);
        assert_eq!(normalize_phase(TAU), 0.0);
        assert_eq!(normalize_phase(-1e-17), 0.0);
        assert_eq!(normalize_phase(3.0 * PI), PI);
        assert!(normalize_phase(-0.0).is_sign_positive());
    }
}
