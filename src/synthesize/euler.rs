//! One-qubit synthesis: Euler-angle circuits (ZYZ, U3, ZSX) with an exact global phase.
//!
//! Every unitary `u` is written `u = e^{i·g} Rz(φ) Ry(θ) Rz(λ)` with θ ∈ [0, π] and
//! φ, λ ∈ (−π, π]. The circuit forms below rewrite that product gate by gate and move every
//! scalar factor into [`Circuit::global_phase`], so their [`Circuit::unitary`] equals `u`
//! itself, not just `u` up to phase.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI, TAU};

use num_complex::Complex64;

use crate::ir::CMatrix;
use crate::ir::circuit::{Circuit, Gate};

/// Magnitude below which an angle is dropped or snapped: omitting a rotation by ε changes the
/// matrix entries by at most |ε|/2, so snapping keeps the error below 1e-15.
pub const SNAP_TOLERANCE: f64 = 1e-15;

/// Gate sets a one-qubit unitary can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EulerBasis {
    /// `rz(φ) · ry(θ) · rz(λ)`.
    Zyz,
    /// A single `u(θ, φ, λ)`.
    U3,
    /// `rz · sx · rz · sx · rz`, or a shorter form with `rz`, `sx` and `x`.
    Zsx,
}

/// Computes `(θ, φ, λ, g)` with `u = e^{i·g} Rz(φ) Ry(θ) Rz(λ)`.
///
/// θ is in [0, π], φ and λ in (−π, π] and g in (−π, π]. The angles come from `atan2` of
/// moduli and arguments, never from `acos`, so they stay accurate near θ = 0 and θ = π. An
/// input that is unitary only to within δ gives the angles of a unitary within about δ of it.
///
/// # Panics
///
/// Panics if `u` is not 2×2.
pub fn zyz_angles(u: &CMatrix) -> (f64, f64, f64, f64) {
    assert_eq!(u.shape(), (2, 2), "a one-qubit unitary must be 2×2");
    let determinant = u[(0, 0)] * u[(1, 1)] - u[(0, 1)] * u[(1, 0)];
    let mut global_phase = determinant.arg() / 2.0;

    // v = e^{−ig}·u is in SU(2): v = [[a, −b̄], [b, ā]] with
    // a = e^{−i(φ+λ)/2} cos(θ/2) and b = e^{i(φ−λ)/2} sin(θ/2). Averaging the two copies of
    // a and b projects a slightly non-unitary input onto that form.
    let unphase = Complex64::from_polar(1.0, -global_phase);
    let a = (u[(0, 0)] * unphase + (u[(1, 1)] * unphase).conj()) / 2.0;
    let b = (u[(1, 0)] * unphase - (u[(0, 1)] * unphase).conj()) / 2.0;
    let theta = 2.0 * b.norm().atan2(a.norm());
    let phi = b.arg() - a.arg();
    let lambda = -a.arg() - b.arg();

    // Rz has period 4π, and Rz(x + 2π) = −Rz(x): each 2π taken off an angle adds π to g.
    let (phi, turns_phi) = wrap_angle(phi);
    let (lambda, turns_lambda) = wrap_angle(lambda);
    global_phase += PI * (turns_phi + turns_lambda) as f64;
    (theta, phi, lambda, wrap_angle(global_phase).0)
}

/// Synthesizes `u` in the given basis. The circuit's unitary equals `u`, global phase
/// included, and an identity (up to phase) gives an empty circuit.
pub fn synthesize(u: &CMatrix, basis: EulerBasis) -> Circuit {
    match basis {
        EulerBasis::Zyz => zyz_circuit(u),
        EulerBasis::U3 => u3_circuit(u),
        EulerBasis::Zsx => zsx_circuit(u),
    }
}

/// Synthesizes `u` as `rz(λ)`, `ry(θ)`, `rz(φ)` in circuit order, or a single `rz` when u is
/// diagonal.
pub fn zyz_circuit(u: &CMatrix) -> Circuit {
    let (theta, phi, lambda, global_phase) = zyz_angles(u);
    let mut circuit = Circuit::new(1);
    circuit.global_phase = global_phase;
    if theta < SNAP_TOLERANCE {
        push_rz(&mut circuit, phi + lambda);
    } else {
        push_rz(&mut circuit, lambda);
        circuit.push(Gate::Ry(theta), &[0]);
        push_rz(&mut circuit, phi);
    }
    finish(circuit)
}

/// Synthesizes `u` as one `u(θ, φ, λ)` gate, with `u(0, 0, λ)` for a diagonal.
pub fn u3_circuit(u: &CMatrix) -> Circuit {
    let (theta, phi, lambda, global_phase) = zyz_angles(u);
    // u(θ, φ, λ) = e^{i(φ+λ)/2} Rz(φ) Ry(θ) Rz(λ), and u has period 2π in φ and λ.
    let mut circuit = Circuit::new(1);
    circuit.global_phase = global_phase - (phi + lambda) / 2.0;
    if theta < SNAP_TOLERANCE {
        let lambda = wrap_angle(phi + lambda).0;
        if lambda.abs() >= SNAP_TOLERANCE {
            circuit.push(Gate::U(0.0, 0.0, lambda), &[0]);
        }
    } else {
        circuit.push(Gate::U(theta, phi, lambda), &[0]);
    }
    finish(circuit)
}

/// Synthesizes `u` with `rz`, `sx` and `x`: `rz · sx · rz · sx · rz` in general, one `rz`
/// for a diagonal, `rz · sx · rz` when θ = π/2 and `x · rz` when θ = π.
pub fn zsx_circuit(u: &CMatrix) -> Circuit {
    let (theta, phi, lambda, global_phase) = zyz_angles(u);
    let mut circuit = Circuit::new(1);
    circuit.global_phase = global_phase;
    if theta < SNAP_TOLERANCE {
        push_rz(&mut circuit, phi + lambda);
    } else if (theta - FRAC_PI_2).abs() < SNAP_TOLERANCE {
        // Rz(φ) Ry(π/2) Rz(λ) = e^{−iπ/4} Rz(φ + π/2) SX Rz(λ − π/2).
        circuit.global_phase -= FRAC_PI_4;
        push_rz(&mut circuit, lambda - FRAC_PI_2);
        circuit.push(Gate::Sx, &[0]);
        push_rz(&mut circuit, phi + FRAC_PI_2);
    } else if (theta - PI).abs() < SNAP_TOLERANCE {
        // Rz(φ) Ry(π) Rz(λ) = Rz(φ − λ) Ry(π) = −i Rz(φ − λ + π) X.
        circuit.global_phase -= FRAC_PI_2;
        circuit.push(Gate::X, &[0]);
        push_rz(&mut circuit, phi - lambda + PI);
    } else {
        // SX Rz(β) SX = i Ry(π − β) Rz(π), so
        // Rz(φ) Ry(θ) Rz(λ) = −i Rz(φ) SX Rz(π − θ) SX Rz(λ − π).
        circuit.global_phase -= FRAC_PI_2;
        push_rz(&mut circuit, lambda - PI);
        circuit.push(Gate::Sx, &[0]);
        push_rz(&mut circuit, PI - theta);
        circuit.push(Gate::Sx, &[0]);
        push_rz(&mut circuit, phi);
    }
    finish(circuit)
}

/// Appends `rz(angle)` on qubit 0 with the angle wrapped into (−π, π], and moves the sign of
/// each 2π wrap into the global phase. Omits the gate when the wrapped angle is below
/// [`SNAP_TOLERANCE`].
fn push_rz(circuit: &mut Circuit, angle: f64) {
    let (wrapped, turns) = wrap_angle(angle);
    circuit.global_phase += PI * turns as f64;
    if wrapped.abs() >= SNAP_TOLERANCE {
        circuit.push(Gate::Rz(wrapped), &[0]);
    }
}

/// Wraps the global phase into (−π, π].
fn finish(mut circuit: Circuit) -> Circuit {
    circuit.global_phase = wrap_angle(circuit.global_phase).0;
    circuit
}

/// Wraps an angle into (−π, π]: returns `(wrapped, k)` with `angle = wrapped + 2πk`.
pub fn wrap_angle(angle: f64) -> (f64, i64) {
    let turns = ((angle + PI) / TAU).floor();
    let mut wrapped = angle - TAU * turns;
    let mut turns = turns as i64;
    // Rounding can leave the result at −π or just above π.
    if wrapped <= -PI {
        wrapped += TAU;
        turns -= 1;
    } else if wrapped > PI {
        wrapped -= TAU;
        turns += 1;
    }
    (wrapped, turns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::linalg::max_abs_diff;
    use nalgebra::DMatrix;
    use proptest::prelude::*;

    const BASES: [EulerBasis; 3] = [EulerBasis::Zyz, EulerBasis::U3, EulerBasis::Zsx];

    fn gate(g: Gate) -> CMatrix {
        g.matrix()
    }

    fn phased(u: CMatrix, phase: f64) -> CMatrix {
        u * Complex64::from_polar(1.0, phase)
    }

    /// Returns the largest reconstruction error over the three bases and checks each
    /// circuit's gate set.
    fn max_error(u: &CMatrix) -> f64 {
        let mut worst: f64 = 0.0;
        for basis in BASES {
            let circuit = synthesize(u, basis);
            assert_only_basis_gates(&circuit, basis);
            let error = max_abs_diff(&circuit.unitary(), u);
            worst = worst.max(error);
        }
        worst
    }

    fn assert_only_basis_gates(circuit: &Circuit, basis: EulerBasis) {
        let allowed: &[&str] = match basis {
            EulerBasis::Zyz => &["rz", "ry"],
            EulerBasis::U3 => &["u"],
            EulerBasis::Zsx => &["rz", "sx", "x"],
        };
        for instruction in &circuit.instructions {
            assert!(
                allowed.contains(&instruction.gate.name()),
                "{basis:?} circuit contains {}",
                instruction.gate.name()
            );
        }
        assert!(circuit.global_phase > -PI, "{basis:?} global phase");
        assert!(circuit.global_phase <= PI, "{basis:?} global phase");
    }

    fn rotation_product(theta: f64, phi: f64, lambda: f64, phase: f64) -> CMatrix {
        phased(
            gate(Gate::Rz(phi)) * gate(Gate::Ry(theta)) * gate(Gate::Rz(lambda)),
            phase,
        )
    }

    #[test]
    fn zyz_angles_reconstruct() {
        let u = rotation_product(1.1, -0.4, 2.5, 0.3);
        let (theta, phi, lambda, g) = zyz_angles(&u);
        assert!(max_abs_diff(&rotation_product(theta, phi, lambda, g), &u) < 1e-15);
        assert!((0.0..=PI).contains(&theta));
        assert!(phi > -PI, "φ = {phi}");
        assert!(phi <= PI, "φ = {phi}");
        assert!(lambda > -PI, "λ = {lambda}");
        assert!(lambda <= PI, "λ = {lambda}");
    }

    #[test]
    fn standard_gates_reconstruct() {
        let gates = [
            Gate::I,
            Gate::H,
            Gate::X,
            Gate::Y,
            Gate::Z,
            Gate::S,
            Gate::Sdg,
            Gate::T,
            Gate::Tdg,
            Gate::Sx,
            Gate::Sxdg,
            Gate::Rx(0.3),
            Gate::Ry(-1.1),
            Gate::Rz(2.0),
            Gate::P(0.7),
            Gate::U(0.4, 1.2, -0.8),
        ];
        for g in gates {
            let error = max_error(&g.matrix());
            assert!(error < 1e-15, "{} error {error:e}", g.name());
        }
    }

    #[test]
    fn identity_gives_empty_circuit() {
        for phase in [0.0, 0.7, PI, -2.0] {
            let u = phased(DMatrix::identity(2, 2), phase);
            for basis in BASES {
                let circuit = synthesize(&u, basis);
                assert!(
                    circuit.instructions.is_empty(),
                    "{basis:?} at phase {phase}"
                );
                let expected = wrap_angle(phase).0;
                assert!((circuit.global_phase - expected).abs() < 1e-15, "{basis:?}");
            }
        }
    }

    #[test]
    fn diagonal_gives_single_rz() {
        let u = phased(gate(Gate::Rz(0.9)), 0.2);
        assert_eq!(zsx_circuit(&u).instructions.len(), 1);
        assert_eq!(zyz_circuit(&u).instructions.len(), 1);
        assert_eq!(u3_circuit(&u).instructions.len(), 1);
        assert!(max_error(&u) < 1e-15);
    }

    #[test]
    fn short_zsx_forms() {
        let x = zsx_circuit(&gate(Gate::X));
        assert_eq!(x.count("x"), 1);
        assert_eq!(x.count("sx"), 0);
        let sx = zsx_circuit(&gate(Gate::Sx));
        assert_eq!(sx.count("sx"), 1);
        assert_eq!(sx.instructions.len(), 1);
        let h = zsx_circuit(&gate(Gate::H));
        assert_eq!(h.count("sx"), 1);
        assert_eq!(h.instructions.len(), 3);
        let y = zsx_circuit(&gate(Gate::Y));
        assert_eq!(y.count("x"), 1);
        assert_eq!(y.count("sx"), 0);
        let generic = zsx_circuit(&gate(Gate::U(0.4, 1.2, -0.8)));
        assert_eq!(generic.count("sx"), 2);
    }

    #[test]
    fn anti_diagonals_reconstruct() {
        for (phi, lambda) in [(0.0, 0.0), (1.0, -2.0), (PI, PI), (-3.0, 3.1)] {
            let u = rotation_product(PI, phi, lambda, 0.4);
            assert!(max_error(&u) < 1e-15);
        }
    }

    #[test]
    fn near_identity_rotations_kept() {
        for angle in [1e-9, -1e-9, 1e-12, 3e-15] {
            for g in [Gate::Rx(angle), Gate::Ry(angle), Gate::Rz(angle)] {
                let u = g.matrix();
                let error = max_error(&u);
                assert!(error < 1e-15, "{g:?} error {error:e}");
            }
        }
        let circuit = u3_circuit(&gate(Gate::Rx(1e-9)));
        assert_eq!(circuit.instructions.len(), 1);
    }

    #[test]
    fn theta_near_pi_reconstructs() {
        for offset in [1e-10, -1e-10, 1e-14, -1e-14, 1e-16] {
            for (phi, lambda) in [(0.3, -1.2), (PI, 0.0), (-2.9, 2.9)] {
                let u = rotation_product(PI + offset, phi, lambda, -0.6);
                let error = max_error(&u);
                assert!(error < 1e-14, "offset {offset:e}: error {error:e}");
            }
        }
    }

    #[test]
    fn theta_near_zero_reconstructs() {
        for theta in [1e-10, 1e-14, 1e-16, 0.0] {
            let u = rotation_product(theta, 0.8, 2.2, 1.0);
            let error = max_error(&u);
            assert!(error < 1e-15, "θ {theta:e}: error {error:e}");
        }
    }

    #[test]
    fn large_input_angles() {
        for angle in [1e6, -1e6, 12345.678, 1e9] {
            let u = gate(Gate::Rz(angle)) * gate(Gate::Ry(0.5)) * gate(Gate::Rz(-angle / 3.0));
            let error = max_error(&u);
            assert!(error < 1e-14, "angle {angle:e}: error {error:e}");
            let (_, phi, lambda, g) = zyz_angles(&u);
            assert!(phi.abs() <= PI, "φ = {phi}");
            assert!(lambda.abs() <= PI, "λ = {lambda}");
            assert!(g.abs() <= PI, "g = {g}");
        }
    }

    #[test]
    fn nearly_unitary_input() {
        let mut u = gate(Gate::U(0.7, -1.3, 2.1));
        u[(0, 1)] += Complex64::new(1e-8, -1e-8);
        u[(1, 1)] *= 1.0 + 1e-8;
        for basis in BASES {
            let circuit = synthesize(&u, basis);
            assert!(circuit.global_phase.is_finite());
            let error = max_abs_diff(&circuit.unitary(), &u);
            assert!(error < 1e-7, "{basis:?} error {error:e}");
        }
    }

    #[test]
    fn haar_random_reconstruct() {
        for seed in 0..200 {
            let u = haar_unitary(2, seed);
            let error = max_error(&u);
            assert!(error < 1e-14, "seed {seed}: error {error:e}");
        }
    }

    #[test]
    fn wrap_angle_range() {
        assert_eq!(wrap_angle(PI), (PI, 0));
        assert_eq!(wrap_angle(-PI), (PI, -1));
        assert_eq!(wrap_angle(3.0 * PI).1, 1);
        let (wrapped, turns) = wrap_angle(1e6);
        assert!(wrapped > -PI && wrapped <= PI);
        assert!((wrapped + TAU * turns as f64 - 1e6).abs() < 1e-9);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_unitaries_reconstruct(
            theta in 0.0f64..PI,
            phi in -10.0f64..10.0,
            lambda in -10.0f64..10.0,
            phase in -10.0f64..10.0,
        ) {
            let u = phased(gate(Gate::U(theta, phi, lambda)), phase);
            let error = max_error(&u);
            prop_assert!(error < 1e-13, "error {:e}", error);
        }

        #[test]
        fn special_angles_reconstruct(
            theta_index in 0usize..5,
            offset_exponent in -17i32..-8,
            phi in -4.0f64..4.0,
            lambda in -4.0f64..4.0,
        ) {
            let theta = [0.0, FRAC_PI_2, PI, FRAC_PI_4, -PI][theta_index]
                + 10f64.powi(offset_exponent);
            let u = rotation_product(theta, phi, lambda, 0.0);
            let error = max_error(&u);
            prop_assert!(error < 1e-13, "error {:e}", error);
        }
    }
}
