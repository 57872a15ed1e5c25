//! Seeded random unitaries, for `perceptrons(…, seed = s)` and for tests.
//!
//! The generator is SplitMix64 with Box–Muller normals, written out here so that a seed gives
//! the same matrix in every pnn version. Floating-point library differences between platforms
//! can still change the last bits.

use nalgebra::DMatrix;
use num_complex::Complex64;

use crate::ir::CMatrix;

/// SplitMix64: a 64-bit generator with a fixed, documented output sequence.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a uniform number in the open interval (0, 1).
    pub fn next_open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Returns a standard complex normal number (independent real and imaginary parts of
    /// variance 1/2).
    pub fn next_complex_normal(&mut self) -> Complex64 {
        let radius = (-self.next_open_unit().ln()).sqrt();
        let angle = std::f64::consts::TAU * self.next_open_unit();
        Complex64::from_polar(radius, angle)
    }
}

/// Returns a Haar-random `dimension × dimension` unitary: the Q factor of a complex Gaussian
/// matrix, with the phases of R's diagonal moved into Q so that the distribution is uniform.
pub fn haar_unitary(dimension: usize, rng: &mut SplitMix64) -> CMatrix {
    let gaussian = DMatrix::from_fn(dimension, dimension, |_, _| rng.next_complex_normal());
    let qr = gaussian.qr();
    let r = qr.r();
    let mut q = qr.q();
    for (k, mut column) in q.column_iter_mut().enumerate() {
        let diagonal = r[(k, k)];
        let phase = if diagonal.norm() == 0.0 {
            Complex64::new(1.0, 0.0)
        } else {
            diagonal / diagonal.norm()
        };
        column *= phase;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::max_abs_diff;

    #[test]
    fn seed_fixes_the_sequence() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        assert_eq!(a.next_u64(), b.next_u64());
        // The first output for seed 0 is the published SplitMix64 reference value.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn haar_matrix_is_unitary() {
        let mut rng = SplitMix64::new(3);
        for dimension in [1, 2, 5, 16] {
            let u = haar_unitary(dimension, &mut rng);
            let error = max_abs_diff(
                &(u.adjoint() * &u),
                &DMatrix::identity(dimension, dimension),
            );
            assert!(error < 1e-14, "dimension {dimension}: {error:e}");
        }
    }
}
