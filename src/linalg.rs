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
    if std::f64::consts::TAU - wrapped < 1e-15 {
        0.0
    } else {
        wrapped
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
    }
}
