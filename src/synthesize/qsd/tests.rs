use proptest::prelude::*;

use super::*;
use crate::decompose::test_support::{haar_unitary, random_permutation};
use crate::ir::circuit::Gate;
use crate::linalg::max_abs_diff;
use crate::synthesize::multiplexor::block_diagonal;
use crate::synthesize::structure::controlled_matrix;

/// Largest entry error the synthesis may leave, global phase included.
const TOLERANCE: f64 = 1e-10;

/// CX counts of Qiskit 2.6's `qs_decomposition` for Haar-random unitaries on 0 … 5 qubits.
const HAAR_CX_BOUNDS: [usize; 6] = [0, 0, 3, 19, 95, 423];

/// Synthesizes `u`, checks the gate set and the reconstruction, and returns the circuit.
fn synthesize_checked(u: &CMatrix) -> Circuit {
    let circuit = synthesize(u);
    for instruction in &circuit.instructions {
        assert!(
            matches!(
                instruction.gate,
                Gate::U(..) | Gate::Rz(_) | Gate::Ry(_) | Gate::Cx
            ),
            "unexpected gate {}",
            instruction.gate.name()
        );
    }
    let error = max_abs_diff(&circuit.unitary(), u);
    assert!(error <= TOLERANCE, "reconstruction error {error:e}");
    circuit
}

/// Returns the CX count of the generic block-ZXZ path, without the structure checks at the
/// top level.
fn generic_cx(u: &CMatrix) -> usize {
    let num_qubits = u.nrows().trailing_zeros() as usize;
    let qubits: Vec<usize> = (0..num_qubits).collect();
    let mut draft = Draft::new(num_qubits);
    push_block_zxz(&mut draft, u, &qubits);
    let circuit = lower(&draft);
    assert!(max_abs_diff(&circuit.unitary(), u) <= TOLERANCE);
    circuit.count("cx")
}

fn permutation_matrix(images: &[usize]) -> CMatrix {
    let size = images.len();
    let mut matrix = DMatrix::zeros(size, size);
    for (column, &row) in images.iter().enumerate() {
        matrix[(row, column)] = Complex64::new(1.0, 0.0);
    }
    matrix
}

fn qft_matrix(num_qubits: usize) -> CMatrix {
    let size = 1 << num_qubits;
    let scale = 1.0 / (size as f64).sqrt();
    DMatrix::from_fn(size, size, |row, column| {
        let angle = std::f64::consts::TAU * ((row * column) % size) as f64 / size as f64;
        Complex64::from_polar(scale, angle)
    })
}

/// Returns `factors[last] ⊗ … ⊗ factors[0]`, so `factors[k]` acts on qubit k.
fn tensor(factors: &[CMatrix]) -> CMatrix {
    factors
        .iter()
        .fold(DMatrix::identity(1, 1), |product, factor| {
            factor.kronecker(&product)
        })
}

/// Exchanges qubits `a` and `b` of a unitary by conjugating it with their swap.
fn swap_qubits(u: &CMatrix, a: usize, b: usize) -> CMatrix {
    let size = u.nrows();
    let images: Vec<usize> = (0..size)
        .map(|index| {
            let (bit_a, bit_b) = ((index >> a) & 1, (index >> b) & 1);
            index & !(1 << a) & !(1 << b) | (bit_a << b) | (bit_b << a)
        })
        .collect();
    let swap = permutation_matrix(&images);
    &swap * u * &swap
}

#[test]
fn block_zxz_rebuilds_haar() {
    for (size, seed) in [(8, 1), (16, 2), (32, 3)] {
        let u = haar_unitary(size, seed);
        let f = block_zxz(&u);
        let half = size / 2;
        let identity = DMatrix::<Complex64>::identity(half, half);
        let hadamard = Gate::H.matrix().kronecker(&identity);
        let outer = block_diagonal(&f.a1, &f.a2);
        let middle = block_diagonal(&identity, &f.b);
        let inner = block_diagonal(&identity, &f.c);
        let rebuilt = outer * &hadamard * middle * &hadamard * inner;
        let error = max_abs_diff(&rebuilt, &u);
        assert!(error < 1e-13, "size {size}: {error:e}");
    }
}

#[test]
fn haar_unitaries_meet_cx_bounds() {
    for (num_qubits, seeds) in [(1, 4), (2, 4), (3, 4), (4, 3), (5, 1)] {
        for seed in 0..seeds {
            let u = haar_unitary(1 << num_qubits, 1000 * num_qubits as u64 + seed);
            let circuit = synthesize_checked(&u);
            assert!(
                circuit.count("cx") <= HAAR_CX_BOUNDS[num_qubits],
                "{num_qubits} qubits, seed {seed}: {} CX",
                circuit.count("cx")
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn controlled_unitary_property(seed in any::<u64>(), control in 0usize..3) {
        // V on the two other qubits, applied when `control` is set.
        let u = swap_qubits(&controlled_matrix(&haar_unitary(4, seed), 1), 0, control);
        let circuit = synthesize(&u);
        let error = max_abs_diff(&circuit.unitary(), &u);
        prop_assert!(error <= TOLERANCE, "error {error:e}");
        prop_assert!(circuit.count("cx") <= 9, "{} CX", circuit.count("cx"));
    }

    #[test]
    fn haar_three_qubits_property(seed in any::<u64>()) {
        let u = haar_unitary(8, seed);
        let circuit = synthesize(&u);
        let error = max_abs_diff(&circuit.unitary(), &u);
        prop_assert!(error <= TOLERANCE, "error {error:e}");
        prop_assert!(circuit.count("cx") <= 19);
    }
}

#[test]
fn identity_has_no_gates() {
    for num_qubits in [1, 2, 3, 4] {
        let size = 1 << num_qubits;
        let u = DMatrix::<Complex64>::identity(size, size) * Complex64::from_polar(1.0, 0.3);
        let circuit = synthesize_checked(&u);
        assert!(circuit.instructions.is_empty(), "{num_qubits} qubits");
    }
}

#[test]
fn toffoli_uses_at_most_eight_cx() {
    let circuit = synthesize_checked(&Gate::Ccx.matrix());
    assert!(circuit.count("cx") <= 8, "{} CX", circuit.count("cx"));
}

#[test]
fn doubly_controlled_unitary_uses_eight_cx() {
    // Controls on qubits 0 and 2, target on qubit 1.
    let v = haar_unitary(2, 7);
    let u = swap_qubits(&controlled_matrix(&v, 2), 1, 2);
    let circuit = synthesize_checked(&u);
    assert!(circuit.count("cx") <= 8, "{} CX", circuit.count("cx"));
}

#[test]
fn random_diagonal_uses_at_most_six_cx() {
    let phases: Vec<Complex64> = (0..8)
        .map(|k| Complex64::from_polar(1.0, (k as f64 * 2.3).sin() * 3.0))
        .collect();
    let u = DMatrix::from_diagonal(&nalgebra::DVector::from_vec(phases));
    let circuit = synthesize_checked(&u);
    assert!(circuit.count("cx") <= 6, "{} CX", circuit.count("cx"));
}

#[test]
fn controlled_unitary_beats_generic() {
    let v = haar_unitary(4, 17);
    let identity = DMatrix::<Complex64>::identity(4, 4);
    // Control on qubit 2: diag(I, V) over the most significant qubit.
    let on_top = block_diagonal(&identity, &v);
    // Control on qubit 0: V on qubits 1 and 2 when qubit 0 is set.
    let on_bottom = controlled_matrix(&v, 1);
    for u in [on_top, on_bottom] {
        let circuit = synthesize_checked(&u);
        let generic = generic_cx(&u);
        assert!(
            circuit.count("cx") < generic,
            "{} CX against {generic} generic",
            circuit.count("cx")
        );
    }
}

#[test]
fn multiplexor_beats_generic() {
    // Different unitaries on qubits 0 and 2 for the two values of qubit 1.
    let u = swap_qubits(
        &block_diagonal(&haar_unitary(4, 18), &haar_unitary(4, 19)),
        1,
        2,
    );
    let circuit = synthesize_checked(&u);
    let generic = generic_cx(&u);
    assert!(
        circuit.count("cx") < generic,
        "{} against {generic}",
        circuit.count("cx")
    );
}

#[test]
fn qft_is_exact() {
    for num_qubits in [3, 4] {
        let circuit = synthesize_checked(&qft_matrix(num_qubits));
        assert!(circuit.count("cx") <= HAAR_CX_BOUNDS[num_qubits]);
    }
}

#[test]
fn permutations_are_exact() {
    let cyclic: Vec<usize> = (0..8).map(|k| (k + 1) % 8).collect();
    let reversal: Vec<usize> = (0..16)
        .map(|k: usize| k.reverse_bits() >> (usize::BITS - 4))
        .collect();
    let scrambled = [5, 2, 7, 0, 3, 6, 1, 4];
    let shuffled = [9, 14, 3, 0, 12, 7, 1, 10, 15, 4, 8, 2, 6, 13, 11, 5];
    for images in [&cyclic[..], &reversal[..], &scrambled[..], &shuffled[..]] {
        let circuit = synthesize_checked(&permutation_matrix(images));
        let bound = HAAR_CX_BOUNDS[images.len().trailing_zeros() as usize];
        assert!(
            circuit.count("cx") <= bound,
            "{images:?}: {} CX",
            circuit.count("cx")
        );
    }
}

#[test]
fn random_monomials_are_exact() {
    // Permutations, with and without random phases on their entries.
    for (num_qubits, seed) in [(3, 60), (4, 61), (5, 62), (3, 63), (4, 64)] {
        let size = 1 << num_qubits;
        let images = random_permutation(size, seed);
        let mut u = permutation_matrix(&images);
        if seed % 2 == 1 {
            for column in 0..size {
                u[(images[column], column)] = Complex64::from_polar(1.0, 0.7 * column as f64);
            }
        }
        let circuit = synthesize_checked(&u);
        assert!(circuit.count("cx") <= HAAR_CX_BOUNDS[num_qubits]);
    }
}

#[test]
fn near_identity_is_exact() {
    // exp(i·10⁻⁹·H) for a Hermitian H: every block is within 1e-9 of a degenerate one.
    let q = haar_unitary(16, 65);
    let phases: Vec<Complex64> = (0..16)
        .map(|k| Complex64::from_polar(1.0, 1e-9 * (k as f64 - 7.5)))
        .collect();
    let u = &q * DMatrix::from_diagonal(&nalgebra::DVector::from_vec(phases)) * q.adjoint();
    synthesize_checked(&u);
}

#[test]
fn small_angle_controlled_rotation_is_exact() {
    let rotation = Gate::U(1e-7, 0.3, -0.2).matrix();
    let u = swap_qubits(&controlled_matrix(&rotation, 2), 0, 2);
    let circuit = synthesize_checked(&u);
    assert!(circuit.count("cx") <= 8, "{} CX", circuit.count("cx"));
}

#[test]
fn tensor_product_has_no_cx() {
    for num_qubits in [3, 4, 5] {
        let factors: Vec<CMatrix> = (0..num_qubits)
            .map(|k| haar_unitary(2, 40 + k as u64))
            .collect();
        let circuit = synthesize_checked(&tensor(&factors));
        assert_eq!(circuit.count("cx"), 0, "{num_qubits} qubits");
        assert_eq!(circuit.instructions.len(), num_qubits);
    }
}

#[test]
fn partial_product_synthesizes_the_entangled_part() {
    // A one-qubit factor on qubit 1 and a generic two-qubit unitary on qubits 0 and 2.
    let u = swap_qubits(&haar_unitary(2, 50).kronecker(&haar_unitary(4, 51)), 1, 2);
    let circuit = synthesize_checked(&u);
    assert!(circuit.count("cx") <= 3, "{} CX", circuit.count("cx"));
}

#[test]
fn triply_controlled_x_is_exact() {
    let u = controlled_matrix(&Gate::X.matrix(), 3);
    let circuit = synthesize_checked(&u);
    assert!(
        circuit.count("cx") < HAAR_CX_BOUNDS[4],
        "{} CX",
        circuit.count("cx")
    );
}

#[test]
#[should_panic(expected = "2^n × 2^n")]
fn non_power_of_two_panics() {
    synthesize(&DMatrix::<Complex64>::identity(3, 3));
}

/// CX bounds for structured inputs. Where the count follows from the structure (Barenco,
/// controlled and permutation cases) the bound is the count of Qiskit 2.6's
/// `qs_decomposition` on the same matrix, or for a controlled random unitary on another
/// random unitary of the same size. For the QFT and the swap-like cases the count depends on
/// the bases chosen inside degenerate eigenspaces, and the bound is the Haar-random count.
#[test]
fn structured_counts_within_bounds() {
    let cases: Vec<(&str, CMatrix, usize)> = vec![
        ("ccx", Gate::Ccx.matrix(), 8),
        ("cswap", Gate::Cswap.matrix(), 19),
        ("qft3", qft_matrix(3), 19),
        ("qft4", qft_matrix(4), 95),
        ("c3x", controlled_matrix(&Gate::X.matrix(), 3), 48),
        ("c2v", controlled_matrix(&haar_unitary(2, 3), 2), 8),
        ("cv2", controlled_matrix(&haar_unitary(4, 3), 1), 10),
        ("cv3", controlled_matrix(&haar_unitary(8, 3), 1), 52),
        (
            "scrambled",
            permutation_matrix(&[5, 2, 7, 0, 3, 6, 1, 4]),
            19,
        ),
        ("cyclic", permutation_matrix(&[1, 2, 3, 4, 5, 6, 7, 0]), 18),
    ];
    for (name, u, bound) in cases {
        let count = synthesize_checked(&u).count("cx");
        assert!(count <= bound, "{name}: {count} CX against {bound}");
    }
}
