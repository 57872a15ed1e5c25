//! Quantum circuits: gates on qubits with an exact global phase.
//!
//! Qubit order is little-endian, as in Qiskit: qubit 0 is the least significant bit of a basis
//! index, so the state `|q2 q1 q0⟩` has index `q0 + 2·q1 + 4·q2`. A gate's matrix uses the
//! same rule over its own operands: operand 0 is the least significant bit. For controlled
//! gates the controls come first, so `cx q[0], q[1]` has control `q[0]` and target `q[1]`.
//! A [`Circuit`]'s unitary is the product of its gates times `e^{i·global_phase}`.

use std::f64::consts::FRAC_1_SQRT_2;

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::CMatrix;

/// A gate of the OpenQASM 3 standard library (and the few `qelib1.inc` extras pnn uses),
/// with its angles in radians.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gate {
    /// `id`: the identity.
    I,
    H,
    X,
    Y,
    Z,
    S,
    Sdg,
    T,
    Tdg,
    /// `sx`: the square root of X, `(1/2)[[1+i, 1−i], [1−i, 1+i]]`.
    Sx,
    Sxdg,
    /// `rx(θ) = exp(−iθX/2)`
    Rx(f64),
    /// `ry(θ) = exp(−iθY/2)`
    Ry(f64),
    /// `rz(λ) = exp(−iλZ/2) = diag(e^{−iλ/2}, e^{iλ/2})`
    Rz(f64),
    /// `p(λ) = diag(1, e^{iλ})`
    P(f64),
    /// `u(θ, φ, λ) = [[cos(θ/2), −e^{iλ}sin(θ/2)], [e^{iφ}sin(θ/2), e^{i(φ+λ)}cos(θ/2)]]`,
    /// also written `u3`.
    U(f64, f64, f64),
    Cx,
    Cy,
    Cz,
    Ch,
    Cp(f64),
    Crx(f64),
    Cry(f64),
    Crz(f64),
    Swap,
    Ccx,
    Cswap,
}

impl Gate {
    /// Returns the OpenQASM 3 name of the gate.
    pub fn name(&self) -> &'static str {
        match self {
            Gate::I => "id",
            Gate::H => "h",
            Gate::X => "x",
            Gate::Y => "y",
            Gate::Z => "z",
            Gate::S => "s",
            Gate::Sdg => "sdg",
            Gate::T => "t",
            Gate::Tdg => "tdg",
            Gate::Sx => "sx",
            Gate::Sxdg => "sxdg",
            Gate::Rx(_) => "rx",
            Gate::Ry(_) => "ry",
            Gate::Rz(_) => "rz",
            Gate::P(_) => "p",
            Gate::U(..) => "u",
            Gate::Cx => "cx",
            Gate::Cy => "cy",
            Gate::Cz => "cz",
            Gate::Ch => "ch",
            Gate::Cp(_) => "cp",
            Gate::Crx(_) => "crx",
            Gate::Cry(_) => "cry",
            Gate::Crz(_) => "crz",
            Gate::Swap => "swap",
            Gate::Ccx => "ccx",
            Gate::Cswap => "cswap",
        }
    }

    /// Returns the number of qubits the gate acts on.
    pub fn num_qubits(&self) -> usize {
        match self {
            Gate::Cx
            | Gate::Cy
            | Gate::Cz
            | Gate::Ch
            | Gate::Cp(_)
            | Gate::Crx(_)
            | Gate::Cry(_)
            | Gate::Crz(_)
            | Gate::Swap => 2,
            Gate::Ccx | Gate::Cswap => 3,
            _ => 1,
        }
    }

    /// Returns the gate's angles in the order OpenQASM writes them.
    pub fn params(&self) -> Vec<f64> {
        match *self {
            Gate::Rx(a)
            | Gate::Ry(a)
            | Gate::Rz(a)
            | Gate::P(a)
            | Gate::Cp(a)
            | Gate::Crx(a)
            | Gate::Cry(a)
            | Gate::Crz(a) => vec![a],
            Gate::U(theta, phi, lambda) => vec![theta, phi, lambda],
            _ => Vec::new(),
        }
    }

    /// Returns the 2^k × 2^k matrix of a k-qubit gate, operand 0 as the least significant bit.
    pub fn matrix(&self) -> CMatrix {
        match self.num_qubits() {
            1 => one_qubit_matrix(self),
            _ => multi_qubit_matrix(self),
        }
    }
}

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

fn expi(phase: f64) -> Complex64 {
    Complex64::from_polar(1.0, phase)
}

/// Returns the 2×2 matrix of a one-qubit gate, `[[a, b], [c, d]]`.
fn one_qubit_matrix(gate: &Gate) -> CMatrix {
    let zero = c(0.0, 0.0);
    let one = c(1.0, 0.0);
    let h = c(FRAC_1_SQRT_2, 0.0);
    let [a, b, cc, d] = match *gate {
        Gate::I => [one, zero, zero, one],
        Gate::H => [h, h, h, -h],
        Gate::X => [zero, one, one, zero],
        Gate::Y => [zero, c(0.0, -1.0), c(0.0, 1.0), zero],
        Gate::Z => [one, zero, zero, -one],
        Gate::S => [one, zero, zero, c(0.0, 1.0)],
        Gate::Sdg => [one, zero, zero, c(0.0, -1.0)],
        Gate::T => [one, zero, zero, expi(std::f64::consts::FRAC_PI_4)],
        Gate::Tdg => [one, zero, zero, expi(-std::f64::consts::FRAC_PI_4)],
        Gate::Sx => [c(0.5, 0.5), c(0.5, -0.5), c(0.5, -0.5), c(0.5, 0.5)],
        Gate::Sxdg => [c(0.5, -0.5), c(0.5, 0.5), c(0.5, 0.5), c(0.5, -0.5)],
        Gate::Rx(theta) => {
            let (sin, cos) = (theta / 2.0).sin_cos();
            [c(cos, 0.0), c(0.0, -sin), c(0.0, -sin), c(cos, 0.0)]
        }
        Gate::Ry(theta) => {
            let (sin, cos) = (theta / 2.0).sin_cos();
            [c(cos, 0.0), c(-sin, 0.0), c(sin, 0.0), c(cos, 0.0)]
        }
        Gate::Rz(lambda) => [expi(-lambda / 2.0), zero, zero, expi(lambda / 2.0)],
        Gate::P(lambda) => [one, zero, zero, expi(lambda)],
        Gate::U(theta, phi, lambda) => {
            let (sin, cos) = (theta / 2.0).sin_cos();
            [
                c(cos, 0.0),
                -expi(lambda) * sin,
                expi(phi) * sin,
                expi(phi + lambda) * cos,
            ]
        }
        _ => unreachable!("{} is not a one-qubit gate", gate.name()),
    };
    DMatrix::from_row_slice(2, 2, &[a, b, cc, d])
}

/// Returns the matrix of a gate on two or three qubits.
fn multi_qubit_matrix(gate: &Gate) -> CMatrix {
    match *gate {
        Gate::Cx => controlled(&one_qubit_matrix(&Gate::X), 1),
        Gate::Cy => controlled(&one_qubit_matrix(&Gate::Y), 1),
        Gate::Cz => controlled(&one_qubit_matrix(&Gate::Z), 1),
        Gate::Ch => controlled(&one_qubit_matrix(&Gate::H), 1),
        Gate::Cp(lambda) => controlled(&one_qubit_matrix(&Gate::P(lambda)), 1),
        Gate::Crx(theta) => controlled(&one_qubit_matrix(&Gate::Rx(theta)), 1),
        Gate::Cry(theta) => controlled(&one_qubit_matrix(&Gate::Ry(theta)), 1),
        Gate::Crz(lambda) => controlled(&one_qubit_matrix(&Gate::Rz(lambda)), 1),
        Gate::Ccx => controlled(&one_qubit_matrix(&Gate::X), 2),
        Gate::Swap => permutation_matrix(2, |index| swap_bits(index, 0, 1)),
        Gate::Cswap => permutation_matrix(3, |index| {
            if index & 1 == 1 {
                swap_bits(index, 1, 2)
            } else {
                index
            }
        }),
        _ => unreachable!("{} is not a multi-qubit gate", gate.name()),
    }
}

/// Returns the matrix of `target` (2×2) controlled by `controls` qubits: the controls are
/// operands `0 … controls − 1` and the target is operand `controls`.
pub fn controlled(target: &CMatrix, controls: usize) -> CMatrix {
    let size = 1 << (controls + 1);
    let mask = (1 << controls) - 1;
    let target_bit = 1 << controls;
    let mut matrix = DMatrix::<Complex64>::identity(size, size);
    for low in [0, target_bit] {
        for high in [0, target_bit] {
            let row = mask | low;
            let column = mask | high;
            matrix[(row, column)] = target[((low != 0) as usize, (high != 0) as usize)];
        }
    }
    matrix
}

fn swap_bits(index: usize, a: usize, b: usize) -> usize {
    let bit_a = (index >> a) & 1;
    let bit_b = (index >> b) & 1;
    if bit_a == bit_b {
        index
    } else {
        index ^ ((1 << a) | (1 << b))
    }
}

fn permutation_matrix(qubits: usize, map: impl Fn(usize) -> usize) -> CMatrix {
    let size = 1 << qubits;
    let mut matrix = DMatrix::<Complex64>::zeros(size, size);
    for column in 0..size {
        matrix[(map(column), column)] = c(1.0, 0.0);
    }
    matrix
}

/// One gate applied to specific qubits of a circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    pub gate: Gate,
    /// The gate's operands in order, as qubit indices of the circuit; distinct.
    pub qubits: Vec<usize>,
}

/// A sequence of gates on `num_qubits` qubits, the first instruction applied first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Circuit {
    pub num_qubits: usize,
    pub instructions: Vec<Instruction>,
    /// Global phase in radians: the circuit's unitary is `e^{i·global_phase}` times the product
    /// of its gates.
    pub global_phase: f64,
}

impl Circuit {
    pub fn new(num_qubits: usize) -> Self {
        Circuit {
            num_qubits,
            instructions: Vec::new(),
            global_phase: 0.0,
        }
    }

    /// Appends a gate on the given qubits.
    pub fn push(&mut self, gate: Gate, qubits: &[usize]) {
        debug_assert_eq!(
            gate.num_qubits(),
            qubits.len(),
            "operand count of {}",
            gate.name()
        );
        self.instructions.push(Instruction {
            gate,
            qubits: qubits.to_vec(),
        });
    }

    /// Appends another circuit whose qubit `k` is this circuit's qubit `map[k]`.
    pub fn append_mapped(&mut self, other: &Circuit, map: &[usize]) {
        for instruction in &other.instructions {
            let qubits: Vec<usize> = instruction.qubits.iter().map(|&q| map[q]).collect();
            self.push(instruction.gate, &qubits);
        }
        // Wrapping keeps the sum accurate over the tens of thousands of appends of a large
        // synthesis: an unwrapped sum of many phases loses low bits.
        self.global_phase = wrap_phase(self.global_phase + other.global_phase);
    }

    /// Counts the gates with the given OpenQASM name, e.g. `"cx"`.
    pub fn count(&self, name: &str) -> usize {
        self.instructions
            .iter()
            .filter(|instruction| instruction.gate.name() == name)
            .count()
    }

    /// Counts the gates on two or more qubits.
    pub fn multi_qubit_count(&self) -> usize {
        self.instructions
            .iter()
            .filter(|instruction| instruction.qubits.len() > 1)
            .count()
    }

    /// Applies the circuit, global phase included, to each column of `states` (each column
    /// a state vector of length 2^n).
    pub fn apply(&self, states: &mut CMatrix) {
        assert_eq!(
            states.nrows(),
            1 << self.num_qubits,
            "state length must be 2^qubits"
        );
        for instruction in &self.instructions {
            apply_gate(&instruction.gate.matrix(), &instruction.qubits, states);
        }
        let phase = expi(self.global_phase);
        states.iter_mut().for_each(|amplitude| *amplitude *= phase);
    }

    /// Returns the 2^n × 2^n unitary of the circuit, global phase included.
    pub fn unitary(&self) -> CMatrix {
        let size = 1 << self.num_qubits;
        let mut matrix = DMatrix::<Complex64>::identity(size, size);
        self.apply(&mut matrix);
        matrix
    }
}

/// Wraps a phase into `(−π, π]`.
pub fn wrap_phase(phase: f64) -> f64 {
    let wrapped = phase.rem_euclid(std::f64::consts::TAU);
    if wrapped > std::f64::consts::PI {
        wrapped - std::f64::consts::TAU
    } else {
        wrapped
    }
}

/// Applies a 2^k × 2^k gate matrix on the given qubits to every column of `states`.
pub fn apply_gate(gate: &CMatrix, qubits: &[usize], states: &mut CMatrix) {
    let k = qubits.len();
    let dimension = 1 << k;
    let size = states.nrows();
    let gate_mask: usize = qubits.iter().map(|&q| 1 << q).sum();
    // Offsets of the 2^k basis states that differ only in the gate's qubits, in the gate's
    // own little-endian order.
    let offsets: Vec<usize> = (0..dimension)
        .map(|local| {
            qubits
                .iter()
                .enumerate()
                .filter(|(bit, _)| (local >> bit) & 1 == 1)
                .map(|(_, &q)| 1 << q)
                .sum()
        })
        .collect();
    let mut gathered = vec![Complex64::default(); dimension];
    for mut column in states.column_iter_mut() {
        for base in (0..size).filter(|index| index & gate_mask == 0) {
            for (slot, offset) in gathered.iter_mut().zip(&offsets) {
                *slot = column[base + offset];
            }
            for (row, offset) in offsets.iter().enumerate() {
                let mut sum = Complex64::default();
                for (entry, value) in gate.row(row).iter().zip(&gathered) {
                    sum += entry * value;
                }
                column[base + offset] = sum;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::max_abs_diff;

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

    #[test]
    fn every_gate_is_unitary() {
        for gate in ALL_GATES {
            let m = gate.matrix();
            let size = 1 << gate.num_qubits();
            assert_eq!(m.shape(), (size, size), "{}", gate.name());
            let error = max_abs_diff(&(m.adjoint() * &m), &DMatrix::identity(size, size));
            assert!(error < 1e-15, "{} deviates by {error:e}", gate.name());
        }
    }

    #[test]
    fn cx_is_little_endian() {
        // Control q0 set (index 1) flips the target q1: |01⟩ → |11⟩, index 1 → 3.
        let cx = Gate::Cx.matrix();
        assert_eq!(cx[(3, 1)], c(1.0, 0.0));
        assert_eq!(cx[(1, 3)], c(1.0, 0.0));
        assert_eq!(cx[(0, 0)], c(1.0, 0.0));
        assert_eq!(cx[(2, 2)], c(1.0, 0.0));
    }

    #[test]
    fn ccx_flips_target_when_both_controls_set() {
        let ccx = Gate::Ccx.matrix();
        assert_eq!(ccx[(7, 3)], c(1.0, 0.0));
        assert_eq!(ccx[(3, 7)], c(1.0, 0.0));
        assert_eq!(ccx[(5, 5)], c(1.0, 0.0));
    }

    #[test]
    fn sx_squares_to_x() {
        let sx = Gate::Sx.matrix();
        assert!(max_abs_diff(&(&sx * &sx), &Gate::X.matrix()) < 1e-15);
        assert!(max_abs_diff(&(Gate::Sxdg.matrix() * &sx), &DMatrix::identity(2, 2)) < 1e-15);
    }

    #[test]
    fn u_matches_rotations() {
        // u(θ, −π/2, π/2) = rx(θ) and u(θ, 0, 0) = ry(θ), exactly (no phase).
        let theta = 0.83;
        let u = Gate::U(
            theta,
            -std::f64::consts::FRAC_PI_2,
            std::f64::consts::FRAC_PI_2,
        );
        assert!(max_abs_diff(&u.matrix(), &Gate::Rx(theta).matrix()) < 1e-15);
        assert!(
            max_abs_diff(
                &Gate::U(theta, 0.0, 0.0).matrix(),
                &Gate::Ry(theta).matrix()
            ) < 1e-15
        );
    }

    #[test]
    fn circuit_order_and_embedding() {
        // h on q1 then cx(q1 → q0) on |00⟩ gives (|00⟩ + |11⟩)/√2.
        let mut circuit = Circuit::new(2);
        circuit.push(Gate::H, &[1]);
        circuit.push(Gate::Cx, &[1, 0]);
        let u = circuit.unitary();
        assert!((u[(0, 0)].re - FRAC_1_SQRT_2).abs() < 1e-15);
        assert!((u[(3, 0)].re - FRAC_1_SQRT_2).abs() < 1e-15);
        assert!(u[(1, 0)].norm() < 1e-15 && u[(2, 0)].norm() < 1e-15);
    }

    #[test]
    fn global_phase_multiplies_unitary() {
        let mut circuit = Circuit::new(1);
        circuit.global_phase = 0.5;
        assert!((circuit.unitary()[(0, 0)] - expi(0.5)).norm() < 1e-15);
    }

    #[test]
    fn operand_order_of_three_qubit_gate() {
        // ccx with controls q2, q0 and target q1 flips q1 only when q2 and q0 are set:
        // index 0b101 = 5 goes to 0b111 = 7.
        let mut circuit = Circuit::new(3);
        circuit.push(Gate::Ccx, &[2, 0, 1]);
        let u = circuit.unitary();
        assert_eq!(u[(7, 5)], c(1.0, 0.0));
        assert_eq!(u[(3, 3)], c(1.0, 0.0));
    }
}
