//! Basis translation: circuits of standard gates rewritten into a target gate set.
//!
//! [`translate`] expands every gate into one-qubit matrices and the basis's two-qubit gate
//! (CX or CZ) by exact textbook identities, then merges each run of one-qubit matrices on a
//! qubit into one 2×2 unitary and synthesizes it with [`euler`]. The result has the input's
//! unitary, global phase included, and runs in time linear in the gate count.

use std::f64::consts::FRAC_PI_4;

use nalgebra::Matrix2;
use num_complex::Complex64;

use crate::ir::CMatrix;
use crate::ir::circuit::{Circuit, Gate};
use crate::synthesize::euler::{self, EulerBasis};

/// Target gate sets of `target quantum(basis = …)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// `[u3, cx]`
    U3Cx,
    /// `[rz, sx, x, cx]`
    RzSxXCx,
    /// `[u3, cz]`
    U3Cz,
}

impl Basis {
    /// Returns the names of the basis gates as [`Gate::name`] spells them, so `u3` is `u`.
    pub fn gate_names(&self) -> &'static [&'static str] {
        match self {
            Basis::U3Cx => &["u", "cx"],
            Basis::RzSxXCx => &["rz", "sx", "x", "cx"],
            Basis::U3Cz => &["u", "cz"],
        }
    }

    /// Returns the basis whose gate set is `names` in any order, accepting `u3` or `u`, or
    /// `None` when no basis has exactly that set.
    pub fn from_gate_names(names: &[&str]) -> Option<Basis> {
        let mut normalized: Vec<&str> = names
            .iter()
            .map(|&name| if name == "u3" { "u" } else { name })
            .collect();
        normalized.sort_unstable();
        normalized.dedup();
        [Basis::U3Cx, Basis::RzSxXCx, Basis::U3Cz]
            .into_iter()
            .find(|basis| {
                let mut expected = basis.gate_names().to_vec();
                expected.sort_unstable();
                expected == normalized
            })
    }

    /// Returns the Euler form for the basis's one-qubit gates.
    pub fn euler_basis(&self) -> EulerBasis {
        match self {
            Basis::U3Cx | Basis::U3Cz => EulerBasis::U3,
            Basis::RzSxXCx => EulerBasis::Zsx,
        }
    }

    /// Returns the basis's two-qubit gate, [`Gate::Cx`] or [`Gate::Cz`].
    pub fn entangler(&self) -> Gate {
        match self {
            Basis::U3Cx | Basis::RzSxXCx => Gate::Cx,
            Basis::U3Cz => Gate::Cz,
        }
    }
}

/// Synthesizes a 2×2 unitary with the one-qubit gates of `basis`, global phase included. An
/// identity (up to phase) gives an empty circuit.
pub fn synthesize_one_qubit(u: &CMatrix, basis: Basis) -> Circuit {
    euler::synthesize(u, basis.euler_basis())
}

/// Rewrites every gate of `circuit` into `basis`, keeping the unitary, global phase
/// included, to rounding error.
///
/// Multi-qubit gates use the usual identities. `ccx` becomes the six-CX Toffoli circuit and
/// `cswap` a `ccx` between two CX (eight CX). `swap` takes three CX, the controlled rotations
/// two CX each, and `ch` and `cy` one CX between one-qubit gates. CX and CZ become each other
/// with H on the target. Then every run of one-qubit gates on a qubit between two-qubit gates becomes one
/// Euler circuit, and runs that multiply to an identity (up to phase) disappear.
pub fn translate(circuit: &Circuit, basis: Basis) -> Circuit {
    let mut translator = Translator::new(circuit.num_qubits, basis);
    translator.output.global_phase = circuit.global_phase;
    for instruction in &circuit.instructions {
        translator.expand(instruction.gate, &instruction.qubits);
    }
    translator.finish()
}

type Matrix = Matrix2<Complex64>;

/// Builds the translated circuit while holding, for each qubit, the product of the one-qubit
/// gates seen since that qubit's last two-qubit gate.
struct Translator {
    basis: Basis,
    pending: Vec<Option<Matrix>>,
    output: Circuit,
}

impl Translator {
    fn new(num_qubits: usize, basis: Basis) -> Self {
        Translator {
            basis,
            pending: vec![None; num_qubits],
            output: Circuit::new(num_qubits),
        }
    }

    /// Appends the expansion of one gate of the input.
    fn expand(&mut self, gate: Gate, qubits: &[usize]) {
        match gate {
            Gate::Cx => self.cx(qubits[0], qubits[1]),
            Gate::Cz => self.cz(qubits[0], qubits[1]),
            Gate::Cy => self.cy(qubits[0], qubits[1]),
            Gate::Ch => self.ch(qubits[0], qubits[1]),
            Gate::Cp(lambda) => self.cp(lambda, qubits[0], qubits[1]),
            Gate::Crx(theta) => self.crx(theta, qubits[0], qubits[1]),
            Gate::Cry(theta) => self.cry(theta, qubits[0], qubits[1]),
            Gate::Crz(lambda) => self.crz(lambda, qubits[0], qubits[1]),
            Gate::Swap => self.swap(qubits[0], qubits[1]),
            Gate::Ccx => self.ccx(qubits[0], qubits[1], qubits[2]),
            Gate::Cswap => self.cswap(qubits[0], qubits[1], qubits[2]),
            one_qubit => self.one_qubit(qubits[0], one_qubit),
        }
    }

    /// Multiplies a one-qubit gate into the qubit's pending product.
    fn one_qubit(&mut self, qubit: usize, gate: Gate) {
        let matrix = small_matrix(&gate.matrix());
        let product = match self.pending[qubit] {
            Some(pending) => matrix * pending,
            None => matrix,
        };
        self.pending[qubit] = Some(product);
    }

    /// Writes out the qubit's pending product as Euler gates of the basis.
    fn flush(&mut self, qubit: usize) {
        if let Some(pending) = self.pending[qubit].take() {
            let matrix = CMatrix::from_iterator(2, 2, pending.iter().copied());
            let circuit = synthesize_one_qubit(&matrix, self.basis);
            self.output.append_mapped(&circuit, &[qubit]);
            // Wrapping as the phases add up keeps the sum small, so its rounding error stays
            // near 1e-16 instead of growing with the gate count.
            self.output.global_phase = euler::wrap_angle(self.output.global_phase).0;
        }
    }

    fn push_entangler(&mut self, first: usize, second: usize) {
        self.flush(first);
        self.flush(second);
        self.output.push(self.basis.entangler(), &[first, second]);
    }

    /// CX, or `H · CZ · H` on the target in a CZ basis.
    fn cx(&mut self, control: usize, target: usize) {
        match self.basis.entangler() {
            Gate::Cx => self.push_entangler(control, target),
            _ => {
                self.one_qubit(target, Gate::H);
                self.push_entangler(control, target);
                self.one_qubit(target, Gate::H);
            }
        }
    }

    /// CZ, or `H · CX · H` on the target in a CX basis.
    fn cz(&mut self, control: usize, target: usize) {
        match self.basis.entangler() {
            Gate::Cz => self.push_entangler(control, target),
            _ => {
                self.one_qubit(target, Gate::H);
                self.push_entangler(control, target);
                self.one_qubit(target, Gate::H);
            }
        }
    }

    /// `CY = (I ⊗ S) · CX · (I ⊗ S†)`, because `S·X·S† = Y`.
    fn cy(&mut self, control: usize, target: usize) {
        self.one_qubit(target, Gate::Sdg);
        self.cx(control, target);
        self.one_qubit(target, Gate::S);
    }

    /// `CH = (I ⊗ A) · CX · (I ⊗ A†)` with `A = Ry(−π/4)`, because `A·X·A† = H`.
    fn ch(&mut self, control: usize, target: usize) {
        self.one_qubit(target, Gate::Ry(FRAC_PI_4));
        self.cx(control, target);
        self.one_qubit(target, Gate::Ry(-FRAC_PI_4));
    }

    /// `CP(λ)`: on the target, `p(λ/2)`, CX, `p(−λ/2)`, CX gives the identity when the
    /// control is clear and `X·p(−λ/2)·X·p(λ/2) = e^{−iλ/2}·p(λ)` when it is set, and
    /// `p(λ/2)` on the control cancels that phase.
    fn cp(&mut self, lambda: f64, control: usize, target: usize) {
        self.one_qubit(control, Gate::P(lambda / 2.0));
        self.cx(control, target);
        self.one_qubit(target, Gate::P(-lambda / 2.0));
        self.cx(control, target);
        self.one_qubit(target, Gate::P(lambda / 2.0));
    }

    /// `CRZ(λ)`: `rz(λ/2)`, CX, `rz(−λ/2)`, CX on the target, because `X·Rz(α)·X = Rz(−α)`.
    fn crz(&mut self, lambda: f64, control: usize, target: usize) {
        self.one_qubit(target, Gate::Rz(lambda / 2.0));
        self.cx(control, target);
        self.one_qubit(target, Gate::Rz(-lambda / 2.0));
        self.cx(control, target);
    }

    /// `CRY(θ)`: `ry(θ/2)`, CX, `ry(−θ/2)`, CX on the target, because `X·Ry(α)·X = Ry(−α)`.
    fn cry(&mut self, theta: f64, control: usize, target: usize) {
        self.one_qubit(target, Gate::Ry(theta / 2.0));
        self.cx(control, target);
        self.one_qubit(target, Gate::Ry(-theta / 2.0));
        self.cx(control, target);
    }

    /// `CRX(θ) = (I ⊗ H) · CRZ(θ) · (I ⊗ H)`, because `H·Rz(θ)·H = Rx(θ)`.
    fn crx(&mut self, theta: f64, control: usize, target: usize) {
        self.one_qubit(target, Gate::H);
        self.crz(theta, control, target);
        self.one_qubit(target, Gate::H);
    }

    fn swap(&mut self, first: usize, second: usize) {
        self.cx(first, second);
        self.cx(second, first);
        self.cx(first, second);
    }

    /// Expands CCX into the textbook circuit of six CX with H, T and T† gates.
    fn ccx(&mut self, first: usize, second: usize, target: usize) {
        self.one_qubit(target, Gate::H);
        self.cx(second, target);
        self.one_qubit(target, Gate::Tdg);
        self.cx(first, target);
        self.one_qubit(target, Gate::T);
        self.cx(second, target);
        self.one_qubit(target, Gate::Tdg);
        self.cx(first, target);
        self.one_qubit(second, Gate::T);
        self.one_qubit(target, Gate::T);
        self.one_qubit(target, Gate::H);
        self.cx(first, second);
        self.one_qubit(first, Gate::T);
        self.one_qubit(second, Gate::Tdg);
        self.cx(first, second);
    }

    /// `CSWAP(c; a, b) = CX(b → a) · CCX(c, a → b) · CX(b → a)`.
    fn cswap(&mut self, control: usize, first: usize, second: usize) {
        self.cx(second, first);
        self.ccx(control, first, second);
        self.cx(second, first);
    }

    fn finish(mut self) -> Circuit {
        for qubit in 0..self.pending.len() {
            self.flush(qubit);
        }
        self.output.global_phase = euler::wrap_angle(self.output.global_phase).0;
        self.output
    }
}

fn small_matrix(matrix: &CMatrix) -> Matrix {
    Matrix::new(
        matrix[(0, 0)],
        matrix[(0, 1)],
        matrix[(1, 0)],
        matrix[(1, 1)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decompose::test_support::SplitMix64;
    use crate::linalg::max_abs_diff;
    use proptest::prelude::*;
    use std::f64::consts::PI;

    const BASES: [Basis; 3] = [Basis::U3Cx, Basis::RzSxXCx, Basis::U3Cz];

    const ALL_GATES: [Gate; 27] = [
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
        Gate::Cx,
        Gate::Cy,
        Gate::Cz,
        Gate::Ch,
        Gate::Cp(0.9),
        Gate::Crx(0.5),
        Gate::Cry(1.5),
        Gate::Crz(-0.6),
        Gate::Swap,
        Gate::Ccx,
        Gate::Cswap,
    ];

    /// Translates, then checks the gate set and the unitary against the input.
    fn translate_checked(circuit: &Circuit, basis: Basis) -> Circuit {
        let translated = translate(circuit, basis);
        for instruction in &translated.instructions {
            let name = instruction.gate.name();
            assert!(
                basis.gate_names().contains(&name),
                "{basis:?} output contains {name}"
            );
        }
        let error = max_abs_diff(&translated.unitary(), &circuit.unitary());
        assert!(error <= 1e-12, "{basis:?}: error {error:e}");
        translated
    }

    fn single_gate(gate: Gate) -> Circuit {
        let mut circuit = Circuit::new(gate.num_qubits());
        let qubits: Vec<usize> = (0..gate.num_qubits()).collect();
        circuit.push(gate, &qubits);
        circuit
    }

    #[test]
    fn every_gate_in_every_basis() {
        for basis in BASES {
            for gate in ALL_GATES {
                translate_checked(&single_gate(gate), basis);
            }
        }
    }

    #[test]
    fn reversed_operands_in_every_basis() {
        for basis in BASES {
            for gate in ALL_GATES.into_iter().filter(|gate| gate.num_qubits() > 1) {
                let mut circuit = Circuit::new(gate.num_qubits());
                let qubits: Vec<usize> = (0..gate.num_qubits()).rev().collect();
                circuit.push(gate, &qubits);
                translate_checked(&circuit, basis);
            }
        }
    }

    #[test]
    fn entangler_counts() {
        let expected = [
            (Gate::Ccx, 6),
            (Gate::Cswap, 8),
            (Gate::Swap, 3),
            (Gate::Cx, 1),
            (Gate::Cz, 1),
            (Gate::Cy, 1),
            (Gate::Ch, 1),
            (Gate::Cp(0.9), 2),
            (Gate::Crx(0.5), 2),
            (Gate::Cry(1.5), 2),
            (Gate::Crz(-0.6), 2),
        ];
        for basis in BASES {
            for (gate, count) in expected {
                let translated = translate_checked(&single_gate(gate), basis);
                assert_eq!(
                    translated.multi_qubit_count(),
                    count,
                    "{} in {basis:?}",
                    gate.name()
                );
            }
        }
    }

    #[test]
    fn native_gates_stay_native() {
        let cx = translate_checked(&single_gate(Gate::Cx), Basis::U3Cx);
        assert_eq!(cx.instructions.len(), 1);
        let cz = translate_checked(&single_gate(Gate::Cz), Basis::U3Cz);
        assert_eq!(cz.instructions.len(), 1);
        let x = translate_checked(&single_gate(Gate::X), Basis::RzSxXCx);
        assert_eq!(x.instructions.len(), 1);
        let cx_in_cz = translate_checked(&single_gate(Gate::Cx), Basis::U3Cz);
        assert_eq!(cx_in_cz.count("u"), 2);
    }

    #[test]
    fn one_qubit_runs_merge() {
        let mut circuit = Circuit::new(2);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::T, &[0]);
        circuit.push(Gate::Rz(0.4), &[1]);
        circuit.push(Gate::S, &[0]);
        circuit.push(Gate::Sx, &[0]);
        circuit.push(Gate::Rx(1.0), &[1]);
        let translated = translate_checked(&circuit, Basis::U3Cx);
        assert_eq!(translated.instructions.len(), 2);
    }

    #[test]
    fn identities_disappear() {
        let mut circuit = Circuit::new(2);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::H, &[0]);
        circuit.push(Gate::S, &[1]);
        circuit.push(Gate::Sdg, &[1]);
        circuit.push(Gate::Cx, &[0, 1]);
        circuit.push(Gate::X, &[1]);
        circuit.push(Gate::X, &[1]);
        circuit.push(Gate::I, &[0]);
        for basis in [Basis::U3Cx, Basis::RzSxXCx] {
            let translated = translate_checked(&circuit, basis);
            assert_eq!(translated.instructions.len(), 1, "{basis:?}");
        }
        // In the CZ basis the CX brings an H on each side of its target.
        let translated = translate_checked(&circuit, Basis::U3Cz);
        assert_eq!(translated.count("u"), 2);
        assert_eq!(translated.count("cz"), 1);
    }

    #[test]
    fn global_phase_is_kept() {
        let mut circuit = Circuit::new(1);
        circuit.global_phase = 1.3;
        circuit.push(Gate::Rz(0.5), &[0]);
        circuit.push(Gate::Y, &[0]);
        for basis in BASES {
            translate_checked(&circuit, basis);
        }
        let mut empty = Circuit::new(2);
        empty.global_phase = -2.0;
        let translated = translate_checked(&empty, Basis::U3Cz);
        assert!(translated.instructions.is_empty());
    }

    #[test]
    fn synthesize_one_qubit_uses_basis() {
        let u = Gate::U(0.4, 1.2, -0.8).matrix();
        let u3 = synthesize_one_qubit(&u, Basis::U3Cz);
        assert_eq!(u3.count("u"), 1);
        let zsx = synthesize_one_qubit(&u, Basis::RzSxXCx);
        assert_eq!(zsx.count("sx"), 2);
        assert!(max_abs_diff(&zsx.unitary(), &u) < 1e-15);
    }

    #[test]
    fn gate_names_parse() {
        assert_eq!(Basis::from_gate_names(&["u3", "cx"]), Some(Basis::U3Cx));
        assert_eq!(Basis::from_gate_names(&["cz", "u"]), Some(Basis::U3Cz));
        assert_eq!(
            Basis::from_gate_names(&["x", "sx", "rz", "cx"]),
            Some(Basis::RzSxXCx)
        );
        assert_eq!(Basis::from_gate_names(&["rz", "sx", "cx"]), None);
        assert_eq!(Basis::from_gate_names(&["u3", "cx", "cz"]), None);
    }

    /// Returns a circuit of `length` random standard gates on `num_qubits` qubits.
    fn random_circuit(seed: u64, num_qubits: usize, length: usize) -> Circuit {
        let mut rng = SplitMix64::new(seed);
        let mut circuit = Circuit::new(num_qubits);
        circuit.global_phase = (rng.next_unit() - 0.5) * 20.0;
        for _ in 0..length {
            let angle = (rng.next_unit() - 0.5) * 4.0 * PI;
            let mut gate = ALL_GATES[(rng.next_u64() % ALL_GATES.len() as u64) as usize];
            gate = match gate {
                Gate::Rx(_) => Gate::Rx(angle),
                Gate::Ry(_) => Gate::Ry(angle),
                Gate::Rz(_) => Gate::Rz(angle * 1e3),
                Gate::P(_) => Gate::P(angle),
                Gate::U(..) => Gate::U(angle, -angle * 2.0, angle * 0.5),
                Gate::Cp(_) => Gate::Cp(angle),
                Gate::Crx(_) => Gate::Crx(angle),
                Gate::Cry(_) => Gate::Cry(angle),
                Gate::Crz(_) => Gate::Crz(angle),
                other => other,
            };
            if gate.num_qubits() > num_qubits {
                continue;
            }
            let mut qubits: Vec<usize> = (0..num_qubits).collect();
            for k in (1..num_qubits).rev() {
                let other = (rng.next_u64() % (k as u64 + 1)) as usize;
                qubits.swap(k, other);
            }
            qubits.truncate(gate.num_qubits());
            circuit.push(gate, &qubits);
        }
        circuit
    }

    #[test]
    fn random_circuits_in_every_basis() {
        for seed in 0..40 {
            let circuit = random_circuit(seed, 2 + (seed % 3) as usize, 40);
            for basis in BASES {
                translate_checked(&circuit, basis);
            }
        }
    }

    #[test]
    fn long_circuit_translates() {
        // 30 000 gates, an estimate of a seven- or eight-qubit QSD's size, on three qubits
        // so that the unitary stays cheap to check. The reference unitary itself drifts
        // from unitarity by about 2e-13 over so many gates.
        let circuit = random_circuit(7, 3, 30_000);
        let expected = circuit.unitary();
        for basis in BASES {
            let translated = translate(&circuit, basis);
            let error = max_abs_diff(&translated.unitary(), &expected);
            assert!(error <= 1e-11, "{basis:?}: error {error:e}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn random_circuits_translate_exactly(seed in any::<u64>(), basis_index in 0usize..3) {
            let circuit = random_circuit(seed, 3, 25);
            let basis = BASES[basis_index];
            let translated = translate(&circuit, basis);
            let error = max_abs_diff(&translated.unitary(), &circuit.unitary());
            prop_assert!(error <= 1e-12, "error {:e}", error);
            for instruction in &translated.instructions {
                prop_assert!(basis.gate_names().contains(&instruction.gate.name()));
            }
        }
    }
}
