//! Decomposition of unitaries into MZI meshes.
//!
//! Both decompositions follow the MZI convention of [`crate::ir::mesh`] and return meshes whose
//! [`Mesh::matrix`] reproduces the input unitary to rounding error. Phases are canonical: an
//! entry that is already zero gives an MZI with θ = 0 and φ = 0, so the identity decomposes into
//! all-zero phases. The optimization passes also use [`block_diagonal`], which decomposes
//! independent blocks side by side, and [`row_isometry`] and [`column_isometry`], which
//! realize only some rows or columns of a unitary with fewer MZIs.

mod blocks;
mod clements;
mod givens;
mod isometry;
mod kernels;
mod reck;

pub use blocks::block_diagonal;
pub use clements::{clements, clements_observed};
pub use isometry::{column_isometry, row_isometry};
pub use reck::{reck, reck_observed};

pub(crate) use givens::wrap_phase;

use nalgebra::DMatrix;
use num_complex::Complex64;

use crate::ir::{Mesh, MeshKind, Mzi};

/// Decomposes the unitary `u` into a mesh of the given topology.
///
/// Precondition: `u` is square and unitary, which the caller checks. See [`clements`] and
/// [`reck`] for the layouts and for what happens when the precondition fails.
pub fn decompose(u: &DMatrix<Complex64>, kind: MeshKind) -> Mesh {
    decompose_observed(u, kind, &mut |_| {})
}

/// [`decompose`], calling `placed(k)` each time it has found `k` more MZIs, so that a caller
/// can show progress on large meshes. The counts add up to N(N − 1)/2.
pub fn decompose_observed(
    u: &DMatrix<Complex64>,
    kind: MeshKind,
    placed: &mut dyn FnMut(usize),
) -> Mesh {
    match kind {
        MeshKind::Clements => clements_observed(u, placed),
        MeshKind::Reck => reck_observed(u, placed),
    }
}

/// Places each MZI in the earliest column after the previous MZIs on its two modes.
///
/// `mzis` must be in propagation order. This as-soon-as-possible schedule reproduces the
/// rectangular and triangular layouts from the order in which the decompositions emit MZIs.
pub(crate) fn assign_columns(mzis: &mut [Mzi], modes: usize) {
    let mut next_free_column = vec![0; modes];
    for mzi in mzis {
        let column = next_free_column[mzi.top].max(next_free_column[mzi.top + 1]);
        mzi.column = column;
        next_free_column[mzi.top] = column + 1;
        next_free_column[mzi.top + 1] = column + 1;
    }
}

/// Random unitaries and comparison helpers for the decomposition tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::f64::consts::{PI, TAU};

    use nalgebra::DMatrix;
    use num_complex::Complex64;

    use crate::ir::Mesh;

    /// SplitMix64, a small seeded generator so each test case is reproducible from one `u64`.
    pub(crate) struct SplitMix64(u64);

    impl SplitMix64 {
        pub(crate) fn new(seed: u64) -> Self {
            SplitMix64(seed)
        }

        pub(crate) fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform sample in `(0, 1]`, never 0 so that its logarithm is finite.
        pub(crate) fn next_unit(&mut self) -> f64 {
            ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
        }

        /// Standard complex Gaussian sample, by the Box–Muller transform.
        pub(crate) fn next_complex_gaussian(&mut self) -> Complex64 {
            let radius = (-2.0 * self.next_unit().ln()).sqrt();
            Complex64::from_polar(radius, TAU * self.next_unit())
        }
    }

    /// Haar-random N×N unitary: the Q factor of a complex Gaussian matrix, with each column
    /// multiplied by the phase of the matching diagonal entry of R so that the distribution does
    /// not depend on the QR routine's sign choices.
    pub(crate) fn haar_unitary(modes: usize, seed: u64) -> DMatrix<Complex64> {
        let mut rng = SplitMix64::new(seed);
        let gaussian = DMatrix::from_fn(modes, modes, |_, _| rng.next_complex_gaussian());
        let qr = gaussian.qr();
        let mut q = qr.q();
        let r = qr.r();
        for k in 0..modes {
            let diagonal = r[(k, k)];
            if diagonal.norm() > 0.0 {
                let phase = diagonal / diagonal.norm();
                q.column_mut(k).iter_mut().for_each(|z| *z *= phase);
            }
        }
        q
    }

    /// Random permutation of `0..modes`, by Fisher–Yates shuffle.
    pub(crate) fn random_permutation(modes: usize, seed: u64) -> Vec<usize> {
        let mut rng = SplitMix64::new(seed);
        let mut permutation: Vec<usize> = (0..modes).collect();
        for k in (1..modes).rev() {
            let other = (rng.next_u64() % (k as u64 + 1)) as usize;
            permutation.swap(k, other);
        }
        permutation
    }

    /// Matrix that sends input mode `k` to output mode `permutation[k]`.
    pub(crate) fn permutation_matrix(permutation: &[usize]) -> DMatrix<Complex64> {
        let modes = permutation.len();
        let mut matrix = DMatrix::zeros(modes, modes);
        for (input, &output) in permutation.iter().enumerate() {
            matrix[(output, input)] = Complex64::ONE;
        }
        matrix
    }

    /// Diagonal unitary with uniformly random phases.
    pub(crate) fn random_diagonal_unitary(modes: usize, seed: u64) -> DMatrix<Complex64> {
        let mut rng = SplitMix64::new(seed);
        let mut matrix = DMatrix::zeros(modes, modes);
        for k in 0..modes {
            matrix[(k, k)] = Complex64::from_polar(1.0, TAU * rng.next_unit());
        }
        matrix
    }

    /// Largest entrywise modulus of `a − b`.
    pub(crate) fn max_abs_error(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
        assert_eq!(a.shape(), b.shape());
        a.iter()
            .zip(b.iter())
            .map(|(x, y)| (x - y).norm())
            .fold(0.0, f64::max)
    }

    /// Asserts that `phase` is a multiple of π/2, up to the rounding of the wrap into [0, 2π).
    pub(crate) fn assert_quarter_turn(phase: f64) {
        let quarter_turns = phase / (PI / 2.0);
        assert!(
            (quarter_turns - quarter_turns.round()).abs() < 1e-15,
            "{phase} is not a multiple of π/2"
        );
    }

    /// Asserts θ ∈ [0, π] and φ, output phases ∈ [0, 2π), with no negative zero.
    pub(crate) fn assert_phases_in_range(mesh: &Mesh) {
        for mzi in &mesh.mzis {
            assert!((0.0..=PI).contains(&mzi.theta), "θ out of range: {mzi:?}");
            assert!((0.0..TAU).contains(&mzi.phi), "φ out of range: {mzi:?}");
            assert!(mzi.theta.is_sign_positive(), "θ is -0: {mzi:?}");
            assert!(mzi.phi.is_sign_positive(), "φ is -0: {mzi:?}");
        }
        for &phase in &mesh.output_phases {
            assert!(
                (0.0..TAU).contains(&phase),
                "output phase out of range: {phase}"
            );
            assert!(phase.is_sign_positive(), "output phase is -0");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::f64::consts::{FRAC_1_SQRT_2, PI};

    use nalgebra::Matrix2;

    use super::test_support::{assert_phases_in_range, haar_unitary, max_abs_error};
    use super::*;
    use crate::ir::mzi_matrix;

    fn phase_shifter(phase: f64) -> Matrix2<Complex64> {
        Matrix2::new(
            Complex64::from_polar(1.0, phase),
            Complex64::ZERO,
            Complex64::ZERO,
            Complex64::ONE,
        )
    }

    fn to_matrix(entries: [[Complex64; 2]; 2]) -> Matrix2<Complex64> {
        Matrix2::new(entries[0][0], entries[0][1], entries[1][0], entries[1][1])
    }

    fn max_entry_error(a: &Matrix2<Complex64>, b: &Matrix2<Complex64>) -> f64 {
        (a - b).iter().map(|z| z.norm()).fold(0.0, f64::max)
    }

    /// Clements' `T(θ, φ) = [[e^{iφ}·cos θ, −sin θ], [e^{iφ}·sin θ, cos θ]]`.
    fn clements_t(theta: f64, phi: f64) -> Matrix2<Complex64> {
        let external = Complex64::from_polar(1.0, phi);
        let (sin, cos) = theta.sin_cos();
        Matrix2::new(
            external * cos,
            Complex64::from(-sin),
            external * sin,
            Complex64::from(cos),
        )
    }

    const ANGLES: [(f64, f64); 6] = [
        (0.0, 0.0),
        (PI, 0.0),
        (0.3, 1.7),
        (PI / 2.0, 5.9),
        (2.9, 3.3),
        (1.0, 0.1),
    ];

    #[test]
    fn mzi_matrix_matches_couplers() {
        let i = Complex64::I;
        let coupler =
            Matrix2::new(Complex64::ONE, i, i, Complex64::ONE) * Complex64::from(FRAC_1_SQRT_2);
        for (theta, phi) in ANGLES {
            let expected = coupler.adjoint() * phase_shifter(theta) * coupler * phase_shifter(phi);
            let error = max_entry_error(&to_matrix(mzi_matrix(theta, phi)), &expected);
            assert!(error < 1e-15, "θ = {theta}, φ = {phi}: error {error:e}");
        }
    }

    #[test]
    fn mzi_matrix_matches_clements_t() {
        for (theta, phi) in ANGLES {
            let expected = clements_t(theta / 2.0, phi) * Complex64::from_polar(1.0, theta / 2.0);
            let error = max_entry_error(&to_matrix(mzi_matrix(theta, phi)), &expected);
            assert!(error < 1e-15, "θ = {theta}, φ = {phi}: error {error:e}");
        }
    }

    #[test]
    fn second_coupler_is_first_with_z() {
        let i = Complex64::I;
        let coupler =
            Matrix2::new(Complex64::ONE, i, i, Complex64::ONE) * Complex64::from(FRAC_1_SQRT_2);
        let z = Matrix2::new(
            Complex64::ONE,
            Complex64::ZERO,
            Complex64::ZERO,
            -Complex64::ONE,
        );
        let error = max_entry_error(&coupler.adjoint(), &(z * coupler * z));
        assert_eq!(error, 0.0);
    }

    #[test]
    fn input_phases_move_through_mzi() {
        for (theta, phi) in ANGLES {
            let (upper, lower) = (0.7, -2.1);
            let input_phases = Matrix2::new(
                Complex64::from_polar(1.0, upper),
                Complex64::ZERO,
                Complex64::ZERO,
                Complex64::from_polar(1.0, lower),
            );
            let moved = to_matrix(mzi_matrix(theta, phi)) * input_phases;
            let expected = to_matrix(mzi_matrix(theta, phi + upper - lower))
                * Complex64::from_polar(1.0, lower);
            let error = max_entry_error(&moved, &expected);
            assert!(error < 1e-15, "θ = {theta}, φ = {phi}: error {error:e}");
        }
    }

    #[test]
    fn decompose_dispatches_on_kind() {
        let u = haar_unitary(5, 42);
        let rectangular = decompose(&u, MeshKind::Clements);
        let triangular = decompose(&u, MeshKind::Reck);
        assert_eq!(rectangular, clements(&u));
        assert_eq!(triangular, reck(&u));
        assert_eq!(rectangular.kind, MeshKind::Clements);
        assert_eq!(triangular.kind, MeshKind::Reck);
        assert!(max_abs_error(&rectangular.matrix(), &u) < 1e-13);
        assert!(max_abs_error(&triangular.matrix(), &u) < 1e-13);
    }

    #[test]
    fn decompose_haar_256() {
        // Both meshes share one unitary because its QR takes most of this test's time in debug
        // builds.
        let modes = 256;
        let u = haar_unitary(modes, 256);
        for (kind, columns) in [(MeshKind::Clements, modes), (MeshKind::Reck, 2 * modes - 3)] {
            let mesh = decompose(&u, kind);
            assert_eq!(mesh.mzis.len(), modes * (modes - 1) / 2, "{kind:?}");
            assert_eq!(mesh.columns(), columns, "{kind:?}");
            assert_phases_in_range(&mesh);
            let error = max_abs_error(&mesh.matrix(), &u);
            assert!(error < 1e-12, "{kind:?}: error {error:e}");
        }
    }

    #[test]
    fn haar_unitary_is_unitary() {
        for modes in [1, 2, 5, 16] {
            let u = haar_unitary(modes, modes as u64);
            let product = u.adjoint() * &u;
            let error = max_abs_error(&product, &DMatrix::identity(modes, modes));
            assert!(error < 1e-13, "modes {modes}: error {error:e}");
        }
    }
}
