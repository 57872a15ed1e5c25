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
