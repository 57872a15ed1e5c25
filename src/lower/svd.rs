//! Singular value decomposition of `linear` weights into passive optical parts.

use crate::ir::CMatrix;

/// `W = gain · U · Resize · diag(transmissions) · V†` for an M×N matrix `W`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearParts {
    /// N×N unitary applied first.
    pub v_adjoint: CMatrix,
    /// N amplitude transmissions in `[0, 1]`: the singular values divided by the largest
    /// one when that exceeds 1, and 0 for the modes beyond `min(M, N)`.
    pub transmissions: Vec<f64>,
    /// M×M unitary applied after the resize from N to M modes.
    pub u: CMatrix,
    /// Electronic gain, the largest singular value, when it exceeds 1; `None` otherwise,
    /// since then the attenuators realize the singular values directly.
    pub gain: Option<f64>,
}

/// Entry magnitude above which the SVD runs on the matrix scaled down by a power of two:
/// the squares of larger entries overflow inside the SVD's inner products.
const LARGE_ENTRY: f64 = 1e150;

/// Splits an M×N matrix into two unitaries, attenuators and a gain.
pub fn split_linear(matrix: &CMatrix) -> LinearParts {
    let n = matrix.ncols();
    let k = matrix.nrows().min(n);
    let largest_entry = crate::linalg::max_abs(matrix);
    // A power of two scales exactly, and matrices of usual size are not scaled at all.
    let entry_scale = if largest_entry > LARGE_ENTRY && largest_entry.is_finite() {
        2f64.powi(largest_entry.log2().floor() as i32)
    } else {
        1.0
    };
    let svd = crate::linalg::svd(&matrix.map(|z| z.unscale(entry_scale)));
    let sigma: Vec<f64> = svd
        .singular_values
        .iter()
        .map(|value| value * entry_scale)
        .collect();

    let largest = sigma.iter().copied().fold(0.0, f64::max);
    let (scale, gain) = if largest > 1.0 {
        (largest, Some(largest))
    } else {
        (1.0, None)
    };
    let mut transmissions = vec![0.0; n];
    for (i, transmission) in transmissions.iter_mut().take(k).enumerate() {
        *transmission = (sigma[i] / scale).min(1.0);
    }
    LinearParts {
        v_adjoint: svd.v.adjoint(),
        transmissions,
        u: svd.u,
        gain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::max_abs_diff;
    use nalgebra::DMatrix;
    use num_complex::Complex64;

    fn compose(parts: &LinearParts, m: usize) -> CMatrix {
        let n = parts.v_adjoint.nrows();
        let attenuation = DMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
            n,
            parts.transmissions.iter().map(|&t| Complex64::new(t, 0.0)),
        ));
        let resize = DMatrix::from_fn(m, n, |i, j| {
            if i == j {
                Complex64::new(1.0, 0.0)
            } else {
                Complex64::default()
            }
        });
        let gain = parts.gain.unwrap_or(1.0);
        &parts.u * resize * attenuation * &parts.v_adjoint * Complex64::new(gain, 0.0)
    }

    fn sample(m: usize, n: usize, seed: u64) -> CMatrix {
        let mut state = seed;
        DMatrix::from_fn(m, n, |_, _| {
            // A small linear congruential generator keeps the test deterministic.
            let mut next = || {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
            };
            Complex64::new(3.0 * next(), 3.0 * next())
        })
    }

    #[test]
    fn reproduces_wide_tall_and_square() {
        for (m, n) in [(3, 5), (5, 3), (4, 4), (1, 6), (6, 1)] {
            let matrix = sample(m, n, (m * 31 + n) as u64);
            let parts = split_linear(&matrix);
            let error = max_abs_diff(&compose(&parts, m), &matrix);
            assert!(error < 1e-12, "{m}×{n}: max error {error:e}");
            let identity_error = |u: &CMatrix| {
                max_abs_diff(&(u.adjoint() * u), &DMatrix::identity(u.nrows(), u.nrows()))
            };
            assert!(identity_error(&parts.u) < 1e-13);
            assert!(identity_error(&parts.v_adjoint) < 1e-13);
            assert!(parts.transmissions.iter().all(|t| (0.0..=1.0).contains(t)));
        }
    }

    #[test]
    fn huge_entries_keep_finite_parts() {
        // Entries whose squares overflow f64; the Frobenius norm, about 1e308, does not.
        let matrix = DMatrix::from_row_slice(
            2,
            2,
            &[
                Complex64::new(1e300, 0.0),
                Complex64::new(2e300, 0.0),
                Complex64::new(-1e300, 0.0),
                Complex64::new(1e308, 0.0),
            ],
        );
        let parts = split_linear(&matrix);
        let gain = parts.gain.expect("the largest singular value exceeds 1");
        assert!((gain / 1e308 - 1.0).abs() < 1e-12, "gain {gain:e}");
        let mut scaled = parts.clone();
        scaled.gain = Some(1.0);
        let rebuilt = compose(&scaled, 2) * Complex64::new(gain / 1e308, 0.0);
        let expected = matrix.map(|z| z / 1e308);
        assert!(max_abs_diff(&rebuilt, &expected) < 1e-12);
    }

    #[test]
    fn small_matrix_needs_no_gain() {
        let matrix = sample(3, 3, 7) * Complex64::new(0.01, 0.0);
        let parts = split_linear(&matrix);
        assert_eq!(parts.gain, None);
        assert!(max_abs_diff(&compose(&parts, 3), &matrix) < 1e-14);
    }

    #[test]
    fn rank_deficient_matrices_reproduced() {
        // Low-rank products: nalgebra's complex SVD missed these by up to 3e-2.
        for (m, n, rank) in [(4, 4, 1), (5, 3, 2), (3, 6, 1), (6, 6, 3)] {
            let left = sample(m, rank, (m * 7 + rank) as u64);
            let right = sample(rank, n, (n * 11 + rank) as u64);
            let matrix = left * right;
            let parts = split_linear(&matrix);
            let error = max_abs_diff(&compose(&parts, m), &matrix);
            assert!(error < 1e-12, "{m}×{n} of rank {rank}: max error {error:e}");
            let zeros = parts.transmissions.iter().filter(|&&t| t < 1e-12).count();
            assert_eq!(zeros, n - rank, "{m}×{n} of rank {rank}: dark modes");
        }
    }

    #[test]
    fn zero_matrix_blocks_all_light() {
        let parts = split_linear(&DMatrix::zeros(2, 3));
        assert_eq!(parts.transmissions, vec![0.0; 3]);
        assert_eq!(parts.gain, None);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::linalg::max_abs;
    use nalgebra::DMatrix;
    use num_complex::Complex64;
    use proptest::prelude::*;

    fn matrix_strategy() -> impl Strategy<Value = CMatrix> {
        (1usize..=7, 1usize..=7, -3.0f64..3.0).prop_flat_map(|(m, n, log_scale)| {
            proptest::collection::vec((-1.0f64..1.0, -1.0f64..1.0), m * n).prop_map(
                move |entries| {
                    let scale = 10f64.powf(log_scale);
                    DMatrix::from_iterator(
                        m,
                        n,
                        entries
                            .into_iter()
                            .map(|(re, im)| Complex64::new(re, im) * scale),
                    )
                },
            )
        })
    }

    proptest! {
        /// The parts compose back to the matrix, with unitary factors and passive attenuators,
        /// for any shape and for scales from 1e-3 to 1e3.
        #[test]
        fn svd_parts_reproduce_matrix(matrix in matrix_strategy()) {
            let (m, n) = matrix.shape();
            let parts = split_linear(&matrix);
            let mut fields = parts.v_adjoint.clone();
            for (mut column, &t) in fields.row_iter_mut().zip(&parts.transmissions) {
                column *= Complex64::new(t, 0.0);
            }
            let resized = DMatrix::from_fn(m, n, |i, j| if i < n { fields[(i, j)] } else { Complex64::default() });
            let composed = &parts.u * resized * Complex64::new(parts.gain.unwrap_or(1.0), 0.0);
            let tolerance = 1e-12 * max_abs(&matrix).max(1e-300) * 10.0;
            prop_assert!(crate::linalg::max_abs_diff(&composed, &matrix) <= tolerance);
            prop_assert!(parts.transmissions.iter().all(|t| (0.0..=1.0).contains(t)));
            let identity = |k| DMatrix::<Complex64>::identity(k, k);
            prop_assert!(crate::linalg::max_abs_diff(&(parts.u.adjoint() * &parts.u), &identity(m)) < 1e-13);
            prop_assert!(crate::linalg::max_abs_diff(&(parts.v_adjoint.adjoint() * &parts.v_adjoint), &identity(n)) < 1e-13);
        }
    }
}
