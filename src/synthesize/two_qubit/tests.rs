use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

use nalgebra::DMatrix;
use num_complex::Complex64;
use proptest::prelude::*;

use super::*;
use crate::decompose::test_support::{SplitMix64, haar_unitary};
use crate::ir::circuit::Gate;

/// Returns the 4×4 matrix of `gate` on the given qubits of a two-qubit register.
fn on(gate: Gate, qubits: &[usize]) -> CMatrix {
    let mut circuit = Circuit::new(2);
    circuit.push(gate, qubits);
    circuit.unitary()
}

fn kron(high: &CMatrix, low: &CMatrix) -> CMatrix {
    high.kronecker(low)
}

fn random_local(seed: u64) -> CMatrix {
    kron(&haar_unitary(2, seed), &haar_unitary(2, seed + 1000))
}

/// `locals · W(a, b, c) · locals` with random one-qubit gates and a phase.
fn dressed(a: f64, b: f64, c: f64, seed: u64) -> CMatrix {
    let phase = Complex64::from_polar(1.0, seed as f64 * 0.37);
    random_local(seed) * canonical_gate(a, b, c) * random_local(seed + 7) * phase
}

/// Returns the synthesized circuit after checking its gates and its error against `u`.
fn synthesize_checked(u: &CMatrix, tolerance: f64) -> Circuit {
    let circuit = two_qubit_cx(u);
    for instruction in &circuit.instructions {
        let name = instruction.gate.name();
        assert!(name == "u" || name == "cx", "unexpected gate {name}");
    }
    let error = max_abs_diff(&circuit.unitary(), u);
    assert!(error <= tolerance, "error {error:e}");
    circuit
}

fn cx_count(u: &CMatrix) -> usize {
    synthesize_checked(u, SYNTHESIS_TOLERANCE).count("cx")
}

/// Checks `u = d · circuit` with `d` diagonal and at most two CX; returns the CX count.
fn check_up_to_diagonal(u: &CMatrix) -> usize {
    let (circuit, diagonal) = two_qubit_up_to_diagonal(u);
    for row in 0..4 {
        for column in 0..4 {
            if row != column {
                assert_eq!(diagonal[(row, column)].norm(), 0.0, "d is not diagonal");
            }
        }
        assert!(
            (diagonal[(row, row)].norm() - 1.0).abs() < 1e-15,
            "d is not unitary"
        );
    }
    let count = circuit.count("cx");
    assert!(count <= 2, "{count} CX");
    let error = max_abs_diff(&(&diagonal * circuit.unitary()), u);
    assert!(error <= SYNTHESIS_TOLERANCE, "error {error:e}");
    count
}

#[test]
fn canonical_gate_matches_exponential() {
    // XX, YY and ZZ commute, so W(a, b, c) is the product of the three exponentials, each
    // cos(x)·I + i·sin(x)·P for a Pauli product P with P² = I.
    let pauli_exponential = |x: f64, p: CMatrix| {
        DMatrix::identity(4, 4) * Complex64::new(x.cos(), 0.0) + p * Complex64::new(0.0, x.sin())
    };
    let xx = kron(&Gate::X.matrix(), &Gate::X.matrix());
    let yy = kron(&Gate::Y.matrix(), &Gate::Y.matrix());
    let zz = kron(&Gate::Z.matrix(), &Gate::Z.matrix());
    let (a, b, c) = (0.7, -0.2, 1.3);
    let expected = pauli_exponential(a, xx) * pauli_exponential(b, yy) * pauli_exponential(c, zz);
    assert!(max_abs_diff(&canonical_gate(a, b, c), &expected) < 1e-15);
}

#[test]
fn cores_realize_canonical_gate() {
    let (a, b, c) = (0.61, 0.27, -0.13);
    let cases = [
        (cores::CxCore::identity(), canonical_gate(0.0, 0.0, 0.0)),
        (cores::CxCore::one_cx(), canonical_gate(FRAC_PI_4, 0.0, 0.0)),
        (cores::CxCore::two_cx(a, b), canonical_gate(a, b, 0.0)),
        (cores::CxCore::three_cx(a, b, c), canonical_gate(a, b, c)),
    ];
    for (index, (core, expected)) in cases.into_iter().enumerate() {
        let mut circuit = Circuit::new(2);
        circuit.global_phase = core.global_phase;
        for qubit in 0..2 {
            push_one_qubit(&mut circuit, qubit, &core.before[qubit]);
        }
        core.append_steps(&mut circuit, push_one_qubit);
        for qubit in 0..2 {
            push_one_qubit(&mut circuit, qubit, &core.after[qubit]);
        }
        let error = max_abs_diff(&circuit.unitary(), &expected);
        assert!(error < 1e-15, "core {index}: error {error:e}");
    }
}

#[test]
fn diagonalization_survives_weight_collision() {
    // cos α + r·sin α = √(1 + r²)·cos(α − atan r), so α and 2·atan(r) − α collide for the
    // first mixing weight r although e^{iα} differs.
    let weight = weyl::MIXING_WEIGHTS[0];
    let alpha = 0.3;
    let angles = [alpha, 2.0 * weight.atan() - alpha, 2.0, -2.5];
    let rotation = haar_unitary(4, 5).map(|z| z.re).qr().q();
    let eigenvalues = DMatrix::from_diagonal(&nalgebra::DVector::from_iterator(
        4,
        angles
            .iter()
            .map(|&angle| Complex64::from_polar(1.0, angle)),
    ));
    let rotation_complex = rotation.map(|x| Complex64::new(x, 0.0));
    let m = &rotation_complex * eigenvalues * rotation_complex.transpose();

    let combination = m.map(|z| z.re) + m.map(|z| z.im) * weight;
    let mut combined = nalgebra::SymmetricEigen::new(combination).eigenvalues;
    combined.as_mut_slice().sort_by(f64::total_cmp);
    let closest = (0..3)
        .map(|k| combined[k + 1] - combined[k])
        .fold(f64::INFINITY, f64::min);
    assert!(
        closest < 1e-12,
        "the first weight separates all eigenvalues: {combined}"
    );

    let (vectors, diagonal) = weyl::diagonalize_symmetric_unitary(&m);
    let p = vectors.map(|x| Complex64::new(x, 0.0));
    let rebuilt =
        &p * DMatrix::from_diagonal(&nalgebra::DVector::from_row_slice(&diagonal)) * p.transpose();
    let error = max_abs_diff(&rebuilt, &m);
    assert!(error < 1e-14, "error {error:e}");
}

#[test]
fn kak_reconstructs_and_is_canonical() {
    for seed in 0..200 {
        let u = haar_unitary(4, seed);
        let kak = kak_decompose(&u);
        let error = max_abs_diff(&kak.matrix(), &u);
        assert!(error < 1e-14, "seed {seed}: error {error:e}");
        let [a, b, c] = kak.coordinates();
        assert!(a <= FRAC_PI_4 + 1e-15, "seed {seed}: a = {a}");
        assert!(a >= b - 1e-15, "seed {seed}: a = {a} < b = {b}");
        assert!(b >= c.abs() - 1e-15, "seed {seed}: b = {b} < |c| = {c}");
    }
}

#[test]
fn weyl_coordinates_of_standard_gates() {
    let cases = [
        (on(Gate::Cx, &[0, 1]), [FRAC_PI_4, 0.0, 0.0]),
        (on(Gate::Cz, &[0, 1]), [FRAC_PI_4, 0.0, 0.0]),
        (on(Gate::Swap, &[0, 1]), [FRAC_PI_4, FRAC_PI_4, FRAC_PI_4]),
        (iswap(), [FRAC_PI_4, FRAC_PI_4, 0.0]),
        (on(Gate::Cp(1.0), &[0, 1]), [0.25, 0.0, 0.0]),
        (DMatrix::identity(4, 4), [0.0, 0.0, 0.0]),
    ];
    for (index, (u, expected)) in cases.iter().enumerate() {
        let coordinates = weyl_coordinates(u);
        for k in 0..3 {
            let error = (coordinates[k] - expected[k]).abs();
            assert!(
                error < 1e-14,
                "case {index}: {coordinates:?} != {expected:?}"
            );
        }
    }
}

fn iswap() -> CMatrix {
    let mut u = DMatrix::zeros(4, 4);
    u[(0, 0)] = Complex64::new(1.0, 0.0);
    u[(1, 2)] = Complex64::new(0.0, 1.0);
    u[(2, 1)] = Complex64::new(0.0, 1.0);
    u[(3, 3)] = Complex64::new(1.0, 0.0);
    u
}

#[test]
fn identity_needs_no_cx() {
    let circuit = synthesize_checked(&DMatrix::identity(4, 4), SYNTHESIS_TOLERANCE);
    assert_eq!(circuit.instructions.len(), 0);
    assert_eq!(circuit.global_phase, 0.0);
}

#[test]
fn local_gates_need_no_cx() {
    for seed in 0..20 {
        assert_eq!(cx_count(&random_local(seed)), 0, "seed {seed}");
    }
}

#[test]
fn cu1_seven_needs_two_cx() {
    assert_eq!(cx_count(&on(Gate::Cp(7.0), &[0, 1])), 2);
}

#[test]
fn iswap_needs_two_cx() {
    assert_eq!(cx_count(&iswap()), 2);
}

#[test]
fn swap_needs_three_cx() {
    assert_eq!(cx_count(&on(Gate::Swap, &[0, 1])), 3);
}

#[test]
fn controlled_hadamard_needs_one_cx() {
    assert_eq!(cx_count(&on(Gate::Ch, &[0, 1])), 1);
    assert_eq!(cx_count(&on(Gate::Ch, &[1, 0])), 1);
}

#[test]
fn cx_equivalents_need_one_cx() {
    for seed in 0..20 {
        let u = random_local(seed) * on(Gate::Cx, &[1, 0]) * random_local(seed + 50);
        assert_eq!(cx_count(&u), 1, "seed {seed}");
    }
    assert_eq!(cx_count(&on(Gate::Cx, &[0, 1])), 1);
    assert_eq!(cx_count(&on(Gate::Cz, &[0, 1])), 1);
    assert_eq!(cx_count(&on(Gate::Cy, &[1, 0])), 1);
}

#[test]
fn haar_random_needs_three_cx() {
    for seed in 0..100 {
        let u = haar_unitary(4, seed);
        assert_eq!(cx_count(&u), 3, "seed {seed}");
    }
}

#[test]
fn weakly_entangling_is_exact() {
    for (seed, strength) in [(1, 1e-9), (2, -1e-9), (3, 1e-12), (4, 1e-14)] {
        let zz = canonical_gate(0.0, 0.0, strength);
        let u = random_local(seed) * zz * random_local(seed + 3);
        let count = cx_count(&u);
        assert!(count <= 2, "strength {strength:e}: {count} CX");
    }
}

#[test]
fn weak_third_coordinate_keeps_three_cx() {
    // c = 1e-9 is far above the tolerance, so two CX would miss by about 1e-9.
    let u = dressed(0.5, 0.3, 1e-9, 11);
    assert_eq!(cx_count(&u), 3);
    // c = 1e-14 costs less than the tolerance to drop.
    let u = dressed(0.5, 0.3, 1e-14, 12);
    assert_eq!(cx_count(&u), 2);
}

#[test]
fn near_degenerate_coordinates_are_exact() {
    let cases = [
        (0.3, 0.3 - 1e-10, 1e-9),
        (0.3, 0.3, 0.3),
        (0.3, 0.3, -0.3),
        (FRAC_PI_4, FRAC_PI_4, FRAC_PI_4 - 1e-10),
        (FRAC_PI_4 - 1e-10, 1e-10, 0.0),
        (FRAC_PI_4, 1e-9, 1e-9),
        (FRAC_PI_4, 1e-9, -1e-9),
        (1e-9, 1e-9, 1e-9),
        (1e-9, 0.0, 0.0),
        (0.5, 1e-9, 5e-10),
        (FRAC_PI_4 + 1e-12, 0.2, -0.1),
        (FRAC_PI_2, 0.0, 0.0),
        (PI, 0.2, 0.1),
        (-0.4, 0.1, 0.1),
    ];
    for (index, &(a, b, c)) in cases.iter().enumerate() {
        for seed in 0..5 {
            let u = dressed(a, b, c, 100 * index as u64 + seed);
            synthesize_checked(&u, SYNTHESIS_TOLERANCE);
        }
    }
}

#[test]
fn near_degenerate_counts() {
    assert_eq!(cx_count(&dressed(FRAC_PI_4, 0.0, 0.0, 1)), 1);
    assert_eq!(cx_count(&dressed(FRAC_PI_4 - 1e-10, 0.0, 0.0, 2)), 2);
    assert_eq!(cx_count(&dressed(FRAC_PI_2, 0.0, 0.0, 3)), 0);
    assert_eq!(cx_count(&dressed(1e-10, 0.0, 0.0, 4)), 2);
    assert_eq!(cx_count(&dressed(0.3, 0.2, 0.0, 5)), 2);
    assert_eq!(cx_count(&dressed(0.3, 0.2, 1e-7, 6)), 3);
}

#[test]
fn global_phase_is_exact() {
    for (seed, phase) in [(1, 0.0), (2, 1.0), (3, -2.5), (4, PI)] {
        let u = haar_unitary(4, seed) * Complex64::from_polar(1.0, phase);
        synthesize_checked(&u, SYNTHESIS_TOLERANCE);
        let local = random_local(seed) * Complex64::from_polar(1.0, phase);
        synthesize_checked(&local, SYNTHESIS_TOLERANCE);
    }
}

#[test]
fn nearly_unitary_input_is_close() {
    let mut u = haar_unitary(4, 9);
    u[(2, 1)] += Complex64::new(1e-9, 2e-9);
    let circuit = two_qubit_cx(&u);
    let error = max_abs_diff(&circuit.unitary(), &u);
    assert!(error < 1e-7, "error {error:e}");
}

#[test]
fn up_to_diagonal_haar_random() {
    for seed in 0..100 {
        let count = check_up_to_diagonal(&haar_unitary(4, seed));
        assert_eq!(count, 2, "seed {seed}");
    }
}

#[test]
fn up_to_diagonal_standard_gates() {
    let cases = [
        (on(Gate::Swap, &[0, 1]), 2),
        (on(Gate::Cx, &[1, 0]), 1),
        (on(Gate::Ch, &[0, 1]), 1),
        (iswap(), 2),
        (DMatrix::identity(4, 4), 0),
        (on(Gate::Cp(0.4), &[0, 1]), 0),
        (on(Gate::Cz, &[0, 1]), 0),
    ];
    for (index, (u, expected)) in cases.iter().enumerate() {
        let count = check_up_to_diagonal(u);
        assert!(count <= *expected, "case {index}: {count} CX");
    }
}

#[test]
fn up_to_diagonal_near_degenerate() {
    let cases = [
        (0.3, 0.2, 0.1),
        (FRAC_PI_4, FRAC_PI_4, FRAC_PI_4),
        (0.5, 1e-8, 5e-9),
        (0.5, 1e-9, 1e-9),
        (FRAC_PI_4, 1e-9, 1e-9),
        (1e-9, 1e-9, 1e-9),
        (0.3, 0.3 - 1e-10, 1e-9),
        (0.0, 0.0, 0.0),
        (0.5, 1e-7, 1e-7),
        (0.5, 1e-5, 1e-5),
        (1e-5, 1e-5, 1e-5),
        (1e-5, 1e-5, -1e-5),
    ];
    for (index, &(a, b, c)) in cases.iter().enumerate() {
        for seed in 0..5 {
            check_up_to_diagonal(&dressed(a, b, c, 100 * index as u64 + seed));
        }
    }
}

/// Returns the unitary of `length` random standard gates on two qubits.
fn random_gate_product(seed: u64, length: usize) -> CMatrix {
    let mut rng = SplitMix64::new(seed);
    let mut circuit = Circuit::new(2);
    for _ in 0..length {
        let angle = (rng.next_unit() - 0.5) * 4.0 * PI;
        let gates = [
            Gate::H,
            Gate::S,
            Gate::T,
            Gate::Sx,
            Gate::Rx(angle),
            Gate::Ry(angle),
            Gate::Rz(angle),
            Gate::Cx,
            Gate::Cz,
            Gate::Ch,
            Gate::Cp(angle),
            Gate::Crx(angle),
            Gate::Swap,
        ];
        let gate = gates[(rng.next_u64() % gates.len() as u64) as usize];
        let first = (rng.next_u64() % 2) as usize;
        if gate.num_qubits() == 2 {
            circuit.push(gate, &[first, 1 - first]);
        } else {
            circuit.push(gate, &[first]);
        }
    }
    circuit.unitary()
}

#[test]
fn random_gate_products() {
    for seed in 0..300 {
        let u = random_gate_product(seed, 1 + (seed % 8) as usize);
        synthesize_checked(&u, SYNTHESIS_TOLERANCE);
        check_up_to_diagonal(&u);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_unitaries_are_exact(seed in any::<u64>(), phase in -10.0f64..10.0) {
        let u = haar_unitary(4, seed) * Complex64::from_polar(1.0, phase);
        let circuit = two_qubit_cx(&u);
        let error = max_abs_diff(&circuit.unitary(), &u);
        prop_assert!(error <= SYNTHESIS_TOLERANCE, "error {:e}", error);
        let (circuit, diagonal) = two_qubit_up_to_diagonal(&u);
        let error = max_abs_diff(&(&diagonal * circuit.unitary()), &u);
        prop_assert!(error <= SYNTHESIS_TOLERANCE, "up to diagonal: error {:e}", error);
        prop_assert!(circuit.count("cx") <= 2);
    }

    #[test]
    fn random_products_are_exact(seed in any::<u64>(), length in 1usize..12) {
        let u = random_gate_product(seed, length);
        let circuit = two_qubit_cx(&u);
        let error = max_abs_diff(&circuit.unitary(), &u);
        prop_assert!(error <= SYNTHESIS_TOLERANCE, "error {:e}", error);
        let (circuit, diagonal) = two_qubit_up_to_diagonal(&u);
        let error = max_abs_diff(&(&diagonal * circuit.unitary()), &u);
        prop_assert!(error <= SYNTHESIS_TOLERANCE, "up to diagonal: error {:e}", error);
    }

    #[test]
    fn random_coordinates_are_exact(
        a in -2.0f64..2.0,
        b in -2.0f64..2.0,
        c_exponent in -16i32..0,
        seed in any::<u32>(),
    ) {
        let u = dressed(a, b, 10f64.powi(c_exponent), seed as u64);
        let circuit = two_qubit_cx(&u);
        let error = max_abs_diff(&circuit.unitary(), &u);
        prop_assert!(error <= SYNTHESIS_TOLERANCE, "error {:e}", error);
        let (circuit, diagonal) = two_qubit_up_to_diagonal(&u);
        let error = max_abs_diff(&(&diagonal * circuit.unitary()), &u);
        prop_assert!(error <= SYNTHESIS_TOLERANCE, "up to diagonal: error {:e}", error);
    }
}
