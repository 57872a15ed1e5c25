//! The KAK decomposition of a two-qubit unitary and its Weyl-chamber coordinates.
//!
//! Every 4×4 unitary factors as `u = e^{i·g} (A1 ⊗ A0) · W(a, b, c) · (B1 ⊗ B0)` with
//! one-qubit unitaries `A0, A1, B0, B1` and the canonical gate
//! `W(a, b, c) = exp(i(a·XX + b·YY + c·ZZ))`. In the magic basis (the Bell states with the
//! phases of [`magic_basis`]) local gates are real orthogonal matrices and `W` is diagonal.
//! The decomposition therefore reduces to diagonalizing the symmetric unitary `Uᵀ·U`, for the
//! magic-basis image `U` of u, by a real orthogonal matrix.

use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_2, FRAC_PI_4, PI};

use nalgebra::{DMatrix, SymmetricEigen};
use num_complex::Complex64;

use crate::ir::CMatrix;

/// Mixing weights tried, in order, for the real symmetric matrix `Re(m) + r·Im(m)` whose
/// eigenvectors diagonalize `m`. A weight fails only when it makes two distinct eigenvalues
/// of `m` collide, and then the next one is tried. When none meets the tolerance, the weight
/// with the smallest residual is kept.
pub(super) const MIXING_WEIGHTS: [f64; 6] = [
    0.618_034, -1.324_718, 2.502_908, 0.414_214, -3.732_051, 0.127_321,
];

/// Largest off-diagonal entry of `Pᵀ·m·P` accepted without trying another mixing weight.
const DIAGONALIZATION_TOLERANCE: f64 = 1e-14;

/// Distance from a = π/4 within which the chamber's mirror rule `(π/4, b, c) ~ (π/4, b, −c)`
/// is applied, so that c ≥ 0 there.
const MIRROR_TOLERANCE: f64 = 1e-13;

/// `u = e^{i·global_phase} (after[1] ⊗ after[0]) · W(a, b, c) · (before[1] ⊗ before[0])`,
/// where `W` is [`canonical_gate`] and index 0 of `before` and `after` is qubit 0.
///
/// (a, b, c) lies in the Weyl chamber `π/4 ≥ a ≥ b ≥ |c|`, with c ≥ 0 when a = π/4, up to
/// rounding of order 1e-15.
#[derive(Debug, Clone)]
pub struct KakDecomposition {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub global_phase: f64,
    /// One-qubit unitaries applied before `W`, indexed by qubit.
    pub before: [CMatrix; 2],
    /// One-qubit unitaries applied after `W`, indexed by qubit.
    pub after: [CMatrix; 2],
}

impl KakDecomposition {
    /// Returns the Weyl coordinates `[a, b, c]`.
    pub fn coordinates(&self) -> [f64; 3] {
        [self.a, self.b, self.c]
    }

    /// Multiplies the factors back into a 4×4 unitary.
    pub fn matrix(&self) -> CMatrix {
        let after = self.after[1].kronecker(&self.after[0]);
        let before = self.before[1].kronecker(&self.before[0]);
        let phase = Complex64::from_polar(1.0, self.global_phase);
        after * canonical_gate(self.a, self.b, self.c) * before * phase
    }
}

/// Returns the canonical gate `W(a, b, c) = exp(i(a·XX + b·YY + c·ZZ))`.
pub fn canonical_gate(a: f64, b: f64, c: f64) -> CMatrix {
    let phases = [a - b + c, -a + b + c, a + b - c, -a - b - c];
    let magic = magic_basis();
    let diagonal = CMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
        4,
        phases
            .iter()
            .map(|&phase| Complex64::from_polar(1.0, phase)),
    ));
    &magic * diagonal * magic.adjoint()
}

/// Returns the Weyl-chamber coordinates `[a, b, c]` of a 4×4 unitary.
pub fn weyl_coordinates(u: &CMatrix) -> [f64; 3] {
    canonical_spectrum(u).spectrum.coordinates()
}

/// Returns `σ·sin 2a·sin 2b·sin 2c` for the Weyl coordinates of `u`, where `σ = ±1` is the
/// sign `e^{2ig}` of the canonical diagonal's global phase g.
///
/// This equals `Im tr(Vᵀ·V) / 4` for the magic-basis image `V` of `u·det(u)^{−1/4}`, but it
/// is computed from the coordinates, which the diagonalization gives to about 1e-16 each, so
/// it keeps its relative accuracy when the coordinates are small. The trace itself would
/// carry an absolute error near 1e-16.
pub(super) fn weyl_sine_product(u: &CMatrix) -> f64 {
    let spectrum = canonical_spectrum(u).spectrum;
    let sign = (2.0 * spectrum.phase()).cos().round();
    let [a, b, c] = spectrum.coordinates();
    sign * (2.0 * a).sin() * (2.0 * b).sin() * (2.0 * c).sin()
}

/// The magic-basis image of `u·e^{−i·determinant_phase}` (in SU(4)) and its canonical
/// spectrum.
struct CanonicalSpectrum {
    image: CMatrix,
    determinant_phase: f64,
    spectrum: Spectrum,
}

fn canonical_spectrum(u: &CMatrix) -> CanonicalSpectrum {
    assert_eq!(u.shape(), (4, 4), "a two-qubit unitary must be 4×4");
    let magic = magic_basis();

    // Scale u into SU(4), so that the magic-basis image has determinant 1.
    let determinant_phase = u.determinant().arg() / 4.0;
    let special = u * Complex64::from_polar(1.0, -determinant_phase);
    let image = magic.adjoint() * &special * &magic;

    let mut symmetric = image.transpose() * &image;
    symmetric = (&symmetric + symmetric.transpose()) / Complex64::new(2.0, 0.0);
    let (vectors, eigenvalues) = diagonalize_symmetric_unitary(&symmetric);

    let mut spectrum = Spectrum::new(vectors, &eigenvalues);
    spectrum.canonicalize();
    CanonicalSpectrum {
        image,
        determinant_phase,
        spectrum,
    }
}

/// Computes the KAK decomposition of a 4×4 unitary.
///
/// The result reproduces `u` to about 1e-15 for a unitary input. An input that is unitary
/// only to within δ gives the decomposition of a unitary within about δ of it.
///
/// # Panics
///
/// Panics if `u` is not 4×4.
pub fn kak_decompose(u: &CMatrix) -> KakDecomposition {
    let CanonicalSpectrum {
        image,
        determinant_phase,
        spectrum,
    } = canonical_spectrum(u);
    let [a, b, c] = spectrum.coordinates();

    // image = K1 · diag(e^{iθ}) · K2 with K2 = Pᵀ and K1 = image · P · diag(e^{−iθ}), both
    // real orthogonal with determinant 1, so both are local gates in the computational basis.
    let rotation = spectrum.rotation_with_unit_determinant();
    let rotation_complex = rotation.map(|x| Complex64::new(x, 0.0));
    let inverse_phases = CMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
        4,
        spectrum
            .theta
            .iter()
            .map(|&theta| Complex64::from_polar(1.0, -theta)),
    ));
    let left = &image * &rotation_complex * inverse_phases;
    let right = rotation_complex.transpose();

    let magic = magic_basis();
    KakDecomposition {
        a,
        b,
        c,
        global_phase: determinant_phase + spectrum.phase(),
        before: tensor_factors(&(&magic * right * magic.adjoint())),
        after: tensor_factors(&(&magic * left * magic.adjoint())),
    }
}

/// Returns the magic basis as the columns `[Φ+, iΦ−, iΨ+, Ψ−]` of a 4×4 matrix, ordered so
/// that `W(a, b, c)` has the eigenphases `[a − b + c, −a + b + c, a + b − c, −a − b − c]`.
pub fn magic_basis() -> CMatrix {
    let r = Complex64::new(FRAC_1_SQRT_2, 0.0);
    let i = Complex64::new(0.0, FRAC_1_SQRT_2);
    let zero = Complex64::new(0.0, 0.0);
    #[rustfmt::skip]
    let entries = [
        r, i, zero, zero,
        zero, zero, i, r,
        zero, zero, i, -r,
        r, -i, zero, zero,
    ];
    DMatrix::from_row_slice(4, 4, &entries)
}

/// Diagonalizes a complex symmetric unitary `m` by a real orthogonal `P`: returns `P` and the
/// diagonal of `Pᵀ·m·P`.
///
/// The real and imaginary parts of `m` are commuting real symmetric matrices, so the
/// eigenvectors of a generic real combination of them diagonalize both. Repeated eigenvalues
/// of `m` are harmless because any basis of their eigenspace works. The weight is changed
/// only when it makes distinct eigenvalues of `m` collide.
pub(super) fn diagonalize_symmetric_unitary(m: &CMatrix) -> (DMatrix<f64>, [Complex64; 4]) {
    let real = m.map(|z| z.re);
    let imaginary = m.map(|z| z.im);
    let mut best: Option<(f64, DMatrix<f64>)> = None;
    for weight in MIXING_WEIGHTS {
        let combination = &real + &imaginary * weight;
        let vectors = SymmetricEigen::new(combination).eigenvectors;
        let residual = off_diagonal_residual(m, &vectors);
        if best
            .as_ref()
            .is_none_or(|(smallest, _)| residual < *smallest)
        {
            best = Some((residual, vectors));
        }
        if residual < DIAGONALIZATION_TOLERANCE {
            break;
        }
    }
    let (_, vectors) = best.expect("at least one mixing weight is tried");
    let diagonal = similarity(m, &vectors).diagonal();
    let eigenvalues = [0, 1, 2, 3].map(|k| diagonal[k] / diagonal[k].norm());
    (vectors, eigenvalues)
}

/// Returns `Pᵀ·m·P` for a real `P`.
fn similarity(m: &CMatrix, vectors: &DMatrix<f64>) -> CMatrix {
    let p = vectors.map(|x| Complex64::new(x, 0.0));
    p.transpose() * m * p
}

fn off_diagonal_residual(m: &CMatrix, vectors: &DMatrix<f64>) -> f64 {
    let transformed = similarity(m, vectors);
    let mut largest: f64 = 0.0;
    for row in 0..4 {
        for column in 0..4 {
            if row != column {
                largest = largest.max(transformed[(row, column)].norm());
            }
        }
    }
    largest
}

/// The eigenphases θ of the magic-basis diagonal `diag(e^{iθ})` together with the columns of
/// the real orthogonal `P` they belong to.
///
/// The θ determine the Weyl coordinates and a global phase g by
/// `θ = g + [a − b + c, −a + b + c, a + b − c, −a − b − c]`. The chamber's symmetries act on
/// them as permutations and as shifts of two θ by π, which keep `Σθ ≡ 0 (mod 2π)` and so keep
/// the determinant of the diagonal at 1. Applying each symmetry to θ and to the columns of P
/// together keeps `P·diag(e^{iθ})·Pᵀ` unchanged.
struct Spectrum {
    theta: [f64; 4],
    vectors: DMatrix<f64>,
}

impl Spectrum {
    /// Takes square roots of the eigenvalues of `Uᵀ·U`, choosing one branch so that the
    /// square roots multiply to 1.
    fn new(vectors: DMatrix<f64>, eigenvalues: &[Complex64; 4]) -> Self {
        let mut theta = eigenvalues.map(|z| z.arg() / 2.0);
        let half_turns = (theta.iter().sum::<f64>() / PI).round() as i64;
        if half_turns.rem_euclid(2) == 1 {
            theta[0] -= PI;
        }
        Spectrum { theta, vectors }
    }

    fn coordinates(&self) -> [f64; 3] {
        let [t0, t1, t2, t3] = self.theta;
        [
            (t0 + t2 - t1 - t3) / 4.0,
            (t1 + t2 - t0 - t3) / 4.0,
            (t0 + t1 - t2 - t3) / 4.0,
        ]
    }

    /// Returns the global phase g of the diagonal, a multiple of π/2 up to rounding.
    fn phase(&self) -> f64 {
        self.theta.iter().sum::<f64>() / 4.0
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.theta.swap(i, j);
        self.vectors.swap_columns(i, j);
    }

    /// Exchanges two coordinates: a permutation of θ.
    fn exchange(&mut self, first: usize, second: usize) {
        match (first.min(second), first.max(second)) {
            (0, 1) => self.swap(0, 1),
            (0, 2) => self.swap(1, 2),
            (1, 2) => self.swap(0, 2),
            pair => unreachable!("no coordinate pair {pair:?}"),
        }
    }

    /// Negates two coordinates: a permutation of θ.
    fn negate_pair(&mut self, first: usize, second: usize) {
        match (first.min(second), first.max(second)) {
            (0, 1) => {
                self.swap(0, 1);
                self.swap(2, 3);
            }
            (0, 2) => {
                self.swap(0, 3);
                self.swap(1, 2);
            }
            (1, 2) => {
                self.swap(0, 2);
                self.swap(1, 3);
            }
            pair => unreachable!("no coordinate pair {pair:?}"),
        }
    }

    /// Adds `quarter_turns · π/2` to one coordinate and to g, by adding
    /// `quarter_turns · π` to two θ.
    fn shift(&mut self, coordinate: usize, quarter_turns: f64) {
        let (i, j) = [(0, 2), (1, 2), (0, 1)][coordinate];
        self.theta[i] += quarter_turns * PI;
        self.theta[j] += quarter_turns * PI;
    }

    /// Moves the coordinates into the Weyl chamber `π/4 ≥ a ≥ b ≥ |c|`.
    fn canonicalize(&mut self) {
        // Each coordinate into (−π/4, π/4].
        for k in 0..3 {
            let x = self.coordinates()[k];
            let quarter_turns = (x / FRAC_PI_2).floor();
            self.shift(k, -quarter_turns);
            if self.coordinates()[k] > FRAC_PI_4 {
                self.shift(k, -1.0);
            }
        }

        // Sort by magnitude, largest first.
        for (first, second) in [(0, 1), (1, 2), (0, 1)] {
            let x = self.coordinates();
            if x[first].abs() < x[second].abs() {
                self.exchange(first, second);
            }
        }

        // Make a and b non-negative; only c keeps a sign.
        let [a, b, _] = self.coordinates();
        if a < 0.0 && b < 0.0 {
            self.negate_pair(0, 1);
        } else if a < 0.0 {
            self.negate_pair(0, 2);
        } else if b < 0.0 {
            self.negate_pair(1, 2);
        }

        // On the face a = π/4, (π/4, b, c) and (π/4, b, −c) are the same class.
        let [a, _, c] = self.coordinates();
        if FRAC_PI_4 - a < MIRROR_TOLERANCE && c < 0.0 {
            self.negate_pair(0, 2);
            self.shift(0, 1.0);
        }
    }

    /// Returns P with its first column negated if needed to make its determinant +1, which
    /// leaves `P·diag(e^{iθ})·Pᵀ` unchanged.
    fn rotation_with_unit_determinant(&self) -> DMatrix<f64> {
        let mut rotation = self.vectors.clone();
        if rotation.determinant() < 0.0 {
            rotation.column_mut(0).neg_mut();
        }
        rotation
    }
}

/// Splits a 4×4 matrix `m = m1 ⊗ m0` into `[m0, m1]`, with `m0` in SU(2).
///
/// `m0` is read from the largest 2×2 block of `m`, each block being `m1[i, j] · m0`, and
/// `m1[i, j]` is then the projection of block (i, j) onto `m0`. For a matrix that is only
/// close to a product, the factors give a product close to it.
pub fn tensor_factors(m: &CMatrix) -> [CMatrix; 2] {
    let block = |i: usize, j: usize| m.view((2 * i, 2 * j), (2, 2)).into_owned();
    let (mut best_i, mut best_j, mut best_norm) = (0, 0, -1.0);
    for i in 0..2 {
        for j in 0..2 {
            let norm = block(i, j).norm();
            if norm > best_norm {
                (best_i, best_j, best_norm) = (i, j, norm);
            }
        }
    }
    let largest = block(best_i, best_j);
    let scale = largest.determinant().sqrt();
    let low = largest / scale;
    let low_adjoint = low.adjoint();
    let high = DMatrix::from_fn(2, 2, |i, j| (&low_adjoint * block(i, j)).trace() / 2.0);
    [low, high]
}
