//! Givens-style nulling steps and phase bookkeeping shared by the mesh decompositions.
//!
//! Each step picks the phases of one MZI so that applying it (or its inverse) to two adjacent
//! rows or columns of the working matrix sets one entry to zero. A step touches only those two
//! rows or columns, so a whole decomposition costs O(N³).

use std::f64::consts::{PI, TAU};
use std::ops::Range;

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::kernels::{Rotation, SplitMut, rotate_pairs};

/// Distance below 2π within which a wrapped phase is taken to be 0, about one ulp of 2π.
const WRAP_SNAP: f64 = 1e-15;

/// Wraps a phase into `[0, 2π)`.
///
/// Values within [`WRAP_SNAP`] below 2π, and `-0.0`, map to `+0.0`, so rounding noise on a zero
/// phase never shows up as 2π. NaN stays NaN.
pub(crate) fn wrap_phase(phase: f64) -> f64 {
    let wrapped = phase.rem_euclid(TAU);
    if wrapped >= TAU - WRAP_SNAP {
        0.0
    } else {
        // Adding +0.0 turns -0.0 into +0.0 and leaves every other value unchanged.
        wrapped + 0.0
    }
}

/// One nulling step: the phases of its MZI and the MZI's transfer matrix.
///
/// The matrix comes from the two entries by division and one square root, not from sine and
/// cosine of the phases: the trigonometric calls cost more than the O(N) rotation at sizes
/// up to a few hundred modes. It agrees with `mzi_matrix(θ, φ)` to a few ulps (tested).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Nulling {
    pub(super) theta: f64,
    pub(super) phi: f64,
    /// `M(θ, φ)`, row-major.
    pub(super) matrix: [[Complex64; 2]; 2],
}

impl Nulling {
    /// The bar state with zero phases, the identity.
    const IDENTITY: Nulling = Nulling {
        theta: 0.0,
        phi: 0.0,
        matrix: [
            [Complex64::ONE, Complex64::ZERO],
            [Complex64::ZERO, Complex64::ONE],
        ],
    };

    /// Returns the cross state `θ = π` with its canonical `φ = 0`, with exact zeros.
    fn cross(theta: f64) -> Nulling {
        Nulling {
            theta,
            phi: 0.0,
            matrix: mzi_coefficients(PI, 0.0),
        }
    }

    /// Returns the step with `tan(θ/2) = sin_part / cos_part` (both positive) and
    /// `e^{iφ} = external`.
    fn new(theta: f64, phi: f64, cos_part: f64, sin_part: f64, external: Complex64) -> Nulling {
        let radius = (cos_part * cos_part + sin_part * sin_part).sqrt();
        let (cos, sin) = (cos_part / radius, sin_part / radius);
        let common = Complex64::new(cos, sin);
        Nulling {
            theta,
            phi,
            matrix: [
                [common * external * cos, -common * sin],
                [common * external * sin, common * cos],
            ],
        }
    }
}

/// `|z|`, by a square root of `re² + im²` where that neither underflows nor overflows, and
/// by `hypot` (slower, but exact over the whole range) elsewhere.
fn modulus(z: Complex64) -> f64 {
    let square = z.norm_sqr();
    if (f64::MIN_POSITIVE..=f64::MAX).contains(&square) {
        square.sqrt()
    } else {
        z.norm()
    }
}

/// The MZI whose inverse, applied from the right to columns `m` and `m + 1`, zeroes the entry
/// `target` of column `m` in a row whose column `m + 1` entry is `partner`.
///
/// Row-wise, `W·M(θ, φ)⁻¹` maps `(a, b)` to `e^{−iθ/2}·(e^{−iφ}·cos(θ/2)·a − sin(θ/2)·b, …)`,
/// so the new `a` vanishes when `tan(θ/2) = |a|/|b|` and `φ = arg a − arg b`.
pub(super) fn right_nulling(target: Complex64, partner: Complex64) -> Nulling {
    if target == Complex64::ZERO {
        return Nulling::IDENTITY;
    }
    let (target_norm, partner_norm) = (modulus(target), modulus(partner));
    let theta = 2.0 * target_norm.atan2(partner_norm);
    if partner == Complex64::ZERO {
        // θ = π nulls the entry for every φ, so φ takes its canonical value 0.
        return Nulling::cross(theta);
    }
    let external = (target / target_norm) * (partner / partner_norm).conj();
    let phi = wrap_phase(external.arg());
    Nulling::new(theta, phi, partner_norm, target_norm, external)
}

/// The MZI that, applied from the left to rows `m` and `m + 1`, zeroes the entry `target` of
/// row `m + 1` in a column whose row `m` entry is `partner`.
///
/// Column-wise, `M(θ, φ)·W` maps `(a, b)` to `(…, e^{iθ/2}·(e^{iφ}·sin(θ/2)·a + cos(θ/2)·b))`,
/// so the new `b` vanishes when `tan(θ/2) = |b|/|a|` and `φ = π + arg b − arg a`.
pub(super) fn left_nulling(partner: Complex64, target: Complex64) -> Nulling {
    if target == Complex64::ZERO {
        return Nulling::IDENTITY;
    }
    let (target_norm, partner_norm) = (modulus(target), modulus(partner));
    let theta = 2.0 * target_norm.atan2(partner_norm);
    if partner == Complex64::ZERO {
        return Nulling::cross(theta);
    }
    let external = -(target / target_norm) * (partner / partner_norm).conj();
    let phi = wrap_phase(external.arg());
    Nulling::new(theta, phi, partner_norm, target_norm, external)
}

/// Returns `e^{iθ/2} = cos(θ/2) + i·sin(θ/2)`, exactly `i` in the cross state θ = π.
///
/// At θ = π, `(θ/2).cos()` evaluates to about 6e-17 instead of 0. That noise would land where a
/// permutation matrix has exact zeros, and later steps would then null it with tiny nonzero θ
/// instead of θ = 0.
pub(super) fn half_internal_phase(theta: f64) -> Complex64 {
    if theta == PI {
        Complex64::I
    } else {
        let (sin, cos) = (theta / 2.0).sin_cos();
        Complex64::new(cos, sin)
    }
}

/// Returns `M(θ, φ)` as [`crate::ir::mzi_matrix`] does, but built on [`half_internal_phase`] so
/// that the cross state has exact zeros on its diagonal.
pub(super) fn mzi_coefficients(theta: f64, phi: f64) -> [[Complex64; 2]; 2] {
    let common = half_internal_phase(theta);
    let (cos, sin) = (common.re, common.im);
    let external = Complex64::from_polar(1.0, phi);
    [
        [common * external * cos, -common * sin],
        [common * external * sin, common * cos],
    ]
}

/// Square working matrix in column-major order, updated in place by the nulling steps.
///
/// Real and imaginary parts live in separate planes so that the loops in
/// [`super::kernels`] run over plain `f64` slices. Columns are contiguous, so column steps
/// stream two slices; row steps work on groups of columns (see [`WorkMatrix::column_lanes`]).
pub(super) struct WorkMatrix {
    size: usize,
    re: Vec<f64>,
    im: Vec<f64>,
}

impl WorkMatrix {
    /// Copies the leading square block of `u`, which is all of `u` when it is square.
    pub(super) fn new(u: &DMatrix<Complex64>) -> Self {
        let size = u.nrows().min(u.ncols());
        let block = u.view((0, 0), (size, size));
        WorkMatrix {
            size,
            re: block.iter().map(|z| z.re).collect(),
            im: block.iter().map(|z| z.im).collect(),
        }
    }

    pub(super) fn size(&self) -> usize {
        self.size
    }

    pub(super) fn get(&self, row: usize, column: usize) -> Complex64 {
        let index = column * self.size + row;
        Complex64::new(self.re[index], self.im[index])
    }

    pub(super) fn set(&mut self, row: usize, column: usize, value: Complex64) {
        let index = column * self.size + row;
        self.re[index] = value.re;
        self.im[index] = value.im;
    }

    /// Rows `rows` of the adjacent columns `left` and `left + 1`.
    pub(super) fn column_pair_mut(
        &mut self,
        left: usize,
        rows: Range<usize>,
    ) -> (SplitMut<'_>, SplitMut<'_>) {
        let size = self.size;
        let (left_re, right_re) = split_columns(&mut self.re, size, left, rows.clone());
        let (left_im, right_im) = split_columns(&mut self.im, size, left, rows);
        (
            SplitMut {
                re: left_re,
                im: left_im,
            },
            SplitMut {
                re: right_re,
                im: right_im,
            },
        )
    }

    /// Rows `rows` of the `LANES` columns that start at `first_column`, as the lanes of
    /// [`super::kernels::rotate_chain`].
    pub(super) fn column_lanes<const LANES: usize>(
        &mut self,
        first_column: usize,
        rows: Range<usize>,
    ) -> ([&mut [f64]; LANES], [&mut [f64]; LANES]) {
        let size = self.size;
        (
            column_segments(&mut self.re, size, first_column, rows.clone()),
            column_segments(&mut self.im, size, first_column, rows),
        )
    }

    /// Replaces columns `top` and `top + 1` by `W·M(θ, φ)⁻¹` in rows `0..rows`, then sets the
    /// entry `(rows − 1, top)` to exactly zero.
    ///
    /// The caller finds the step with [`right_nulling`] for that entry and guarantees that both
    /// columns are zero below `rows`, so the skipped rows would stay zero anyway.
    pub(super) fn null_from_right(&mut self, top: usize, rows: usize, nulling: &Nulling) {
        // M(0, 0) is the identity, so skipping it keeps sparse inputs exact.
        if nulling.theta != 0.0 || nulling.phi != 0.0 {
            // Row-wise, (W·M†)[r, top] = W[r, top]·conj(M₀₀) + W[r, top + 1]·conj(M₀₁), and
            // likewise for top + 1, so each row pair is multiplied by the conjugate of M.
            let rotation = Rotation::new(nulling.matrix).conjugate();
            let (upper, lower) = self.column_pair_mut(top, 0..rows);
            rotate_pairs(&rotation, upper, lower);
        }
        self.set(rows - 1, top, Complex64::ZERO);
    }

    /// Diagonal entries, which hold the output phases once every off-diagonal entry is nulled.
    pub(super) fn diagonal(&self) -> Vec<Complex64> {
        (0..self.size).map(|k| self.get(k, k)).collect()
    }
}

/// Rows `rows` of the `LANES` columns from `first_column` on, in one column-major plane.
fn column_segments<const LANES: usize>(
    plane: &mut [f64],
    size: usize,
    first_column: usize,
    rows: Range<usize>,
) -> [&mut [f64]; LANES] {
    let mut columns = plane[first_column * size..(first_column + LANES) * size]
        .chunks_exact_mut(size)
        .map(|column| &mut column[rows.clone()]);
    std::array::from_fn(|_| columns.next().expect("LANES columns in range"))
}

/// Rows `rows` of columns `left` and `left + 1` of one column-major plane.
fn split_columns(
    plane: &mut [f64],
    size: usize,
    left: usize,
    rows: Range<usize>,
) -> (&mut [f64], &mut [f64]) {
    let (head, tail) = plane.split_at_mut((left + 1) * size);
    let left_start = left * size;
    (
        &mut head[left_start + rows.start..left_start + rows.end],
        &mut tail[rows],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::mzi_matrix;

    fn complex(re: f64, im: f64) -> Complex64 {
        Complex64::new(re, im)
    }

    #[test]
    fn wrap_phase_snaps_near_two_pi() {
        assert_eq!(wrap_phase(TAU).to_bits(), 0.0f64.to_bits());
        assert_eq!(wrap_phase(TAU - 1e-16).to_bits(), 0.0f64.to_bits());
        assert_eq!(wrap_phase(-1e-17).to_bits(), 0.0f64.to_bits());
        assert_eq!(wrap_phase(-0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(wrap_phase(0.0).to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn wrap_phase_keeps_range() {
        for phase in [-7.0, -PI, -1.0, 0.5, PI, 4.0, 7.0, 100.0] {
            let wrapped = wrap_phase(phase);
            assert!(
                (0.0..TAU).contains(&wrapped),
                "{phase} wrapped to {wrapped}"
            );
            let turns = (phase - wrapped) / TAU;
            assert!(
                (turns - turns.round()).abs() < 1e-12,
                "{phase} wrapped to {wrapped}"
            );
        }
    }

    #[test]
    fn right_nulling_zeroes_target() {
        let pairs = [
            (complex(0.3, -0.4), complex(-0.5, 0.7)),
            (complex(1.0, 0.0), complex(0.0, 0.0)),
            (complex(0.0, 1e-3), complex(2.0, 0.0)),
            (complex(-0.6, -0.1), complex(0.2, 0.9)),
        ];
        for (target, partner) in pairs {
            let nulling = right_nulling(target, partner);
            assert!((0.0..=PI).contains(&nulling.theta));
            assert!((0.0..TAU).contains(&nulling.phi));
            let m = mzi_matrix(nulling.theta, nulling.phi);
            let nulled = target * m[0][0].conj() + partner * m[0][1].conj();
            assert!(nulled.norm() < 1e-15, "{target}, {partner}: {nulled}");
            assert_matrices_close(&nulling.matrix, &m);
        }
    }

    #[test]
    fn left_nulling_zeroes_target() {
        let pairs = [
            (complex(0.3, -0.4), complex(-0.5, 0.7)),
            (complex(0.0, 0.0), complex(1.0, 0.0)),
            (complex(2.0, 0.0), complex(0.0, 1e-3)),
            (complex(-0.6, -0.1), complex(0.2, 0.9)),
        ];
        for (partner, target) in pairs {
            let nulling = left_nulling(partner, target);
            assert!((0.0..=PI).contains(&nulling.theta));
            assert!((0.0..TAU).contains(&nulling.phi));
            let m = mzi_matrix(nulling.theta, nulling.phi);
            let nulled = m[1][0] * partner + m[1][1] * target;
            assert!(nulled.norm() < 1e-15, "{partner}, {target}: {nulled}");
            assert_matrices_close(&nulling.matrix, &m);
        }
    }

    /// Entry-wise agreement to a few ulps of a unit-modulus entry.
    fn assert_matrices_close(found: &[[Complex64; 2]; 2], expected: &[[Complex64; 2]; 2]) {
        for (row, expected_row) in found.iter().zip(expected) {
            for (entry, expected_entry) in row.iter().zip(expected_row) {
                assert!(
                    (entry - expected_entry).norm() < 1e-15,
                    "{entry} differs from {expected_entry}"
                );
            }
        }
    }

    #[test]
    fn mzi_coefficients_match_mzi_matrix() {
        for (theta, phi) in [(0.0, 0.0), (PI, 0.0), (PI, 2.0), (0.4, 5.0), (3.0, 1.0)] {
            let exact = mzi_coefficients(theta, phi);
            let reference = mzi_matrix(theta, phi);
            for (row, reference_row) in exact.iter().zip(&reference) {
                for (entry, reference_entry) in row.iter().zip(reference_row) {
                    assert!(
                        (entry - reference_entry).norm() < 1e-15,
                        "θ = {theta}, φ = {phi}"
                    );
                }
            }
        }
    }

    #[test]
    fn mzi_coefficients_cross_state_exact() {
        let [[a, b], [c, d]] = mzi_coefficients(PI, 0.0);
        assert_eq!(a, Complex64::ZERO);
        assert_eq!(b, -Complex64::I);
        assert_eq!(c, Complex64::I);
        assert_eq!(d, Complex64::ZERO);
    }

    #[test]
    fn nulling_zero_target_is_bar_state() {
        let partner = complex(0.6, 0.8);
        assert_eq!(right_nulling(Complex64::ZERO, partner), Nulling::IDENTITY);
        assert_eq!(left_nulling(partner, Complex64::ZERO), Nulling::IDENTITY);
        assert_eq!(
            right_nulling(Complex64::ZERO, Complex64::ZERO),
            Nulling::IDENTITY
        );
    }

    #[test]
    fn modulus_handles_extreme_magnitudes() {
        for z in [
            complex(3.0, 4.0),
            complex(1e-160, -1e-160),
            complex(0.0, 5e-324),
            complex(1e200, 1e200),
        ] {
            let expected = z.norm();
            assert!(
                (modulus(z) - expected).abs() <= 2.0 * f64::EPSILON * expected,
                "{z}"
            );
        }
        assert_eq!(modulus(Complex64::ZERO), 0.0);
    }

    #[test]
    fn nulling_zero_partner_is_exact_cross_state() {
        let target = complex(0.6, 0.8);
        for nulling in [
            right_nulling(target, Complex64::ZERO),
            left_nulling(Complex64::ZERO, target),
        ] {
            assert_eq!(nulling.theta, PI);
            assert_eq!(nulling.phi, 0.0);
            assert_eq!(nulling.matrix, mzi_coefficients(PI, 0.0));
        }
    }
}
