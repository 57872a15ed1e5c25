//! Small dense linear-algebra helpers shared by the stages and their tests.

use num_complex::Complex64;

use crate::ir::CMatrix;

/// Returns the largest entry magnitude `max |a_ij|`, 0 for an empty matrix.
pub fn max_abs(matrix: &CMatrix) -> f64 {
    matrix.iter().map(|z| z.norm()).fold(0.0, f64::max)
}

/// Returns `max |a_ij − b_ij|`; the shapes must agree.
pub fn max_abs_diff(a: &CMatrix, b: &CMatrix) -> f64 {
    assert_eq!(
        a.shape(),
        b.shape(),
        "compared matrices must have one shape"
    );
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
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
    use super::normalize_phase;
    use std::f64::consts::{PI, TAU};

    #[test]
    fn phases_wrap_into_range() {
        assert_eq!(normalize_phase(-PI / 2.0), 1.5 * PI);
        assert_eq!(normalize_phase(TAU), 0.0);
        assert_eq!(normalize_phase(-1e-17), 0.0);
        assert_eq!(normalize_phase(3.0 * PI), PI);
        assert!(normalize_phase(-0.0).is_sign_positive());
    }
}
