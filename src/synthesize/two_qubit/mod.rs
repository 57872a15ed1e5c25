//! Two-qubit synthesis: the KAK (Weyl chamber) decomposition into one-qubit gates and CX.
//!
//! [`two_qubit_cx`] writes a 4×4 unitary with the fewest CX gates its Weyl coordinates
//! allow, and [`two_qubit_up_to_diagonal`] writes it with at most two CX after splitting off a
//! diagonal gate, which a caller can merge into a neighbouring gate. Both check the circuit
//! against the input before returning it.

mod cores;
mod weyl;

pub use weyl::{
    KakDecomposition, canonical_gate, kak_decompose, magic_basis, tensor_factors, weyl_coordinates,
};

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

use nalgebra::DVector;
use num_complex::Complex64;

use crate::ir::CMatrix;
use crate::ir::circuit::Circuit;
use crate::linalg::{max_abs, max_abs_diff};
use crate::synthesize::euler;

use cores::CxCore;

/// Largest entry error of a synthesized circuit's unitary, global phase included.
pub const SYNTHESIS_TOLERANCE: f64 = 1e-12;

/// Distance of the Weyl coordinates from a CX count's class beyond which that count is not
/// even tried. Counts within it are built and checked against [`SYNTHESIS_TOLERANCE`].
const CLASS_SCREEN: f64 = 1e-9;

/// Synthesizes a 4×4 unitary as `u` gates and the minimum number (0 to 3) of `cx` gates. The
/// circuit's unitary equals `u` to [`SYNTHESIS_TOLERANCE`], global phase included.
///
/// The count comes from the Weyl coordinates (a, b, c): 0 for (0, 0, 0), 1 for the CX class
/// (π/4, 0, 0), 2 when c = 0, 3 otherwise. Each count is built and checked against `u`, and a
/// count whose circuit misses by more than the tolerance gives way to the next, so a
/// near-degenerate input gets the smallest count that is exact, not the nearest class.
///
/// An input that is not unitary cannot be met to 1e-12: the tolerance then grows to ten
/// times the input's deviation `max |u†u − I|`, and when even that fails the three-CX
/// circuit, which is exact for any unitary, is returned.
///
/// # Panics
///
/// Panics if `u` is not 4×4.
pub fn two_qubit_cx(u: &CMatrix) -> Circuit {
    let kak = kak_decompose(u);
    let tolerance = achievable_tolerance(u);
    let mut fallback = None;
    for count in 0..=3 {
        if class_distance(&kak, count) > CLASS_SCREEN {
            continue;
        }
        let circuit = circuit_from_kak(&kak, count);
        if max_abs_diff(&circuit.unitary(), u) <= tolerance {
            return circuit;
        }
        fallback = Some(circuit);
    }
    fallback.expect("the three-CX count is always tried")
}

/// Synthesizes a 4×4 unitary up to a diagonal: returns `(circuit, d)` where the circuit has
/// at most two `cx`, `d` is a 4×4 diagonal unitary, and `u = d · circuit.unitary()` to
/// [`SYNTHESIS_TOLERANCE`].
///
/// `d` is `exp(−iψ·ZZ)` for the ψ that moves the Weyl coordinate c of `exp(iψ·ZZ) · u` to 0,
/// so every unitary fits in two CX. A diagonal `u` gives an empty circuit and `d = u`.
///
/// # Panics
///
/// Panics if `u` is not 4×4.
pub fn two_qubit_up_to_diagonal(u: &CMatrix) -> (Circuit, CMatrix) {
    assert_eq!(u.shape(), (4, 4), "a two-qubit unitary must be 4×4");
    if is_diagonal(u) {
        return (Circuit::new(2), u.clone());
    }
    let tolerance = achievable_tolerance(u);
    let sinusoid = ZzSinusoid::new(u);
    let mut psi = sinusoid.root();
    let mut best: Option<(f64, Circuit, CMatrix)> = None;
    for _ in 0..ZZ_ANGLE_ATTEMPTS {
        let zz_phases = zz_diagonal(psi);
        let shifted = &zz_phases * u;
        let (error, circuit) = fewest_cx_up_to_two(&shifted, tolerance);
        if best.as_ref().is_none_or(|(smallest, ..)| error < *smallest) {
            best = Some((error, circuit, zz_phases.adjoint()));
        }
        if error <= tolerance {
            break;
        }
        psi = sinusoid.newton_step(psi);
    }
    let (_, circuit, diagonal) = best.expect("at least one angle is tried");
    (circuit, diagonal)
}

/// Synthesizes `u` with 0, 1 or 2 CX, the fewest that meet `tolerance`, and returns the
/// circuit with its error. When none meets it, returns the two-CX circuit.
fn fewest_cx_up_to_two(u: &CMatrix, tolerance: f64) -> (f64, Circuit) {
    let kak = kak_decompose(u);
    for count in 0..2 {
        if class_distance(&kak, count) > CLASS_SCREEN {
            continue;
        }
        let circuit = circuit_from_kak(&kak, count);
        let error = max_abs_diff(&circuit.unitary(), u);
        if error <= tolerance {
            return (error, circuit);
        }
    }
    let circuit = circuit_from_kak(&kak, 2);
    (max_abs_diff(&circuit.unitary(), u), circuit)
}

/// Returns the error the synthesis must meet for `u`: [`SYNTHESIS_TOLERANCE`], or ten times
/// the deviation of `u` from unitarity when that is larger.
fn achievable_tolerance(u: &CMatrix) -> f64 {
    let size = u.nrows();
    let deviation = max_abs(&(u.adjoint() * u - CMatrix::identity(size, size)));
    SYNTHESIS_TOLERANCE.max(10.0 * deviation)
}

/// Returns how far the Weyl coordinates are from the class that `count` CX gates reach.
fn class_distance(kak: &KakDecomposition, count: usize) -> f64 {
    let [a, b, c] = kak.coordinates();
    match count {
        0 => a.abs().max(b.abs()).max(c.abs()),
        1 => (a - FRAC_PI_4).abs().max(b.abs()).max(c.abs()),
        2 => c.abs(),
        _ => 0.0,
    }
}

/// Builds the circuit `after · core · before` with a core of `count` CX gates standing in
/// for `W(a, b, c)`; cores with fewer than three CX drop the coordinates they cannot reach.
fn circuit_from_kak(kak: &KakDecomposition, count: usize) -> Circuit {
    let core = match count {
        0 => CxCore::identity(),
        1 => CxCore::one_cx(),
        2 => CxCore::two_cx(kak.a, kak.b),
        _ => CxCore::three_cx(kak.a, kak.b, kak.c),
    };
    let mut circuit = Circuit::new(2);
    circuit.global_phase = kak.global_phase + core.global_phase;
    for qubit in 0..2 {
        push_one_qubit(
            &mut circuit,
            qubit,
            &(&core.before[qubit] * &kak.before[qubit]),
        );
    }
    core.append_steps(&mut circuit, push_one_qubit);
    for qubit in 0..2 {
        push_one_qubit(
            &mut circuit,
            qubit,
            &(&kak.after[qubit] * &core.after[qubit]),
        );
    }
    circuit.global_phase = euler::wrap_angle(circuit.global_phase).0;
    circuit
}

/// Appends a 2×2 unitary on `qubit` as one `u` gate, or nothing for an identity.
fn push_one_qubit(circuit: &mut Circuit, qubit: usize, matrix: &CMatrix) {
    circuit.append_mapped(&euler::u3_circuit(matrix), &[qubit]);
}

/// How many angles ψ [`two_qubit_up_to_diagonal`] tries: the closed-form root, then Newton
/// corrections should the circuit miss the tolerance.
const ZZ_ANGLE_ATTEMPTS: usize = 3;

/// `h(ψ) = Im tr(Vᵀ·V) / 4` for the magic-basis image V of `exp(iψ·ZZ) · u · det(u)^{−1/4}`,
/// as a function of ψ: `h(ψ) = Im(e^{2iψ}·d)` for one complex d.
///
/// `h = σ·sin 2a·sin 2b·sin 2c` (σ = ±1, see [`weyl::weyl_sine_product`]) vanishes in the
/// chamber exactly when c = 0, so its root ψ makes `exp(iψ·ZZ) · u` a two-CX unitary. It is
/// a sinusoid because `exp(iψ·ZZ)` scales the magic-basis diagonal entries of `V·Vᵀ` by
/// `e^{±2iψ}`. The samples at ψ = 0 and ψ = π/4 are `Im d` and `Re d`. Reading them from the
/// coordinates, not from the trace, keeps d accurate when `u` is close to an edge of the
/// chamber, where the trace is nearly constant in ψ.
struct ZzSinusoid {
    /// `u · det(u)^{−1/4}`, scaled once so that every `exp(iψ·ZZ)` multiple of it has
    /// determinant 1 and the same branch of the fourth root.
    special: CMatrix,
    amplitude: Complex64,
}

impl ZzSinusoid {
    fn new(u: &CMatrix) -> Self {
        let determinant_phase = u.determinant().arg() / 4.0;
        let special = u * Complex64::from_polar(1.0, -determinant_phase);
        let at_zero = weyl::weyl_sine_product(&special);
        let at_quarter_turn = weyl::weyl_sine_product(&(zz_diagonal(FRAC_PI_4) * &special));
        ZzSinusoid {
            special,
            amplitude: Complex64::new(at_quarter_turn, at_zero),
        }
    }

    /// Returns the root `ψ = −arg(d)/2` reduced into [−π/4, π/4], or 0 when h vanishes for
    /// every ψ.
    fn root(&self) -> f64 {
        if self.amplitude.norm() == 0.0 {
            return 0.0;
        }
        reduce_quarter_turn(-self.amplitude.arg() / 2.0)
    }

    /// Takes a Newton step from ψ with the measured `h(ψ)` and the slope
    /// `h'(ψ) = 2·Re(e^{2iψ}·d)` of the sampled sinusoid.
    fn newton_step(&self, psi: f64) -> f64 {
        let slope = 2.0 * (Complex64::from_polar(1.0, 2.0 * psi) * self.amplitude).re;
        if slope == 0.0 {
            return psi;
        }
        let measured = weyl::weyl_sine_product(&(zz_diagonal(psi) * &self.special));
        reduce_quarter_turn(psi - measured / slope)
    }
}

/// Reduces ψ modulo π/2 into [−π/4, π/4]. The angles ψ and ψ + π/2 give the same Weyl
/// coordinates because `exp(i(ψ + π/2)·ZZ) = i·ZZ·exp(iψ·ZZ)` differs by a local gate.
fn reduce_quarter_turn(psi: f64) -> f64 {
    psi - (psi / FRAC_PI_2).round() * FRAC_PI_2
}

/// Returns `exp(iψ·ZZ) = diag(e^{iψ}, e^{−iψ}, e^{−iψ}, e^{iψ})`.
fn zz_diagonal(psi: f64) -> CMatrix {
    let entries = [psi, -psi, -psi, psi].map(|phase| Complex64::from_polar(1.0, phase));
    CMatrix::from_diagonal(&DVector::from_row_slice(&entries))
}

fn is_diagonal(u: &CMatrix) -> bool {
    (0..4).all(|row| (0..4).all(|column| row == column || u[(row, column)].norm() == 0.0))
}

#[cfg(test)]
mod tests;
