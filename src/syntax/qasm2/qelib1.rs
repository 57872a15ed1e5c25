//! The built-in gates: OpenQASM 2's `U` and `CX`, and the gates of `qelib1.inc` as Qiskit
//! defines them, expanded into pnn's [`Gate`]s.
//!
//! A gate with a pnn equivalent maps onto it, with Qiskit's matrix (so `rz(λ)` is
//! `diag(e^{−iλ/2}, e^{iλ/2})`, not qelib1's `u1(λ)`, which differs by a global phase). The
//! others expand into standard gates whose product equals Qiskit's matrix, up to a global phase
//! at most: OpenQASM 2 has no controlled modifier, so a gate's global phase never shows.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

use crate::ir::Gate;

/// A built-in gate: its name, parameter count and qubit count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    pub name: &'static str,
    pub params: usize,
    pub qubits: usize,
}

const fn builtin(name: &'static str, params: usize, qubits: usize) -> Builtin {
    Builtin {
        name,
        params,
        qubits,
    }
}

/// `U` and `CX`, defined in every program.
pub const PRIMITIVES: [Builtin; 2] = [builtin("U", 3, 1), builtin("CX", 0, 2)];

/// The gates `include "qelib1.inc";` defines, in Qiskit's order.
pub const QELIB1: [Builtin; 42] = [
    builtin("u3", 3, 1),
    builtin("u2", 2, 1),
    builtin("u1", 1, 1),
    builtin("cx", 0, 2),
    builtin("id", 0, 1),
    builtin("u0", 1, 1),
    builtin("u", 3, 1),
    builtin("p", 1, 1),
    builtin("x", 0, 1),
    builtin("y", 0, 1),
    builtin("z", 0, 1),
    builtin("h", 0, 1),
    builtin("s", 0, 1),
    builtin("sdg", 0, 1),
    builtin("t", 0, 1),
    builtin("tdg", 0, 1),
    builtin("rx", 1, 1),
    builtin("ry", 1, 1),
    builtin("rz", 1, 1),
    builtin("sx", 0, 1),
    builtin("sxdg", 0, 1),
    builtin("cz", 0, 2),
    builtin("cy", 0, 2),
    builtin("swap", 0, 2),
    builtin("ch", 0, 2),
    builtin("ccx", 0, 3),
    builtin("cswap", 0, 3),
    builtin("crx", 1, 2),
    builtin("cry", 1, 2),
    builtin("crz", 1, 2),
    builtin("cu1", 1, 2),
    builtin("cp", 1, 2),
    builtin("cu3", 3, 2),
    builtin("csx", 0, 2),
    builtin("cu", 4, 2),
    builtin("rxx", 1, 2),
    builtin("rzz", 1, 2),
    builtin("rccx", 0, 3),
    builtin("rc3x", 0, 4),
    builtin("c3x", 0, 4),
    builtin("c3sqrtx", 0, 4),
    builtin("c4x", 0, 5),
];

/// Appends the gates of the built-in `name` on `qubits` with `params` (in radians) to `out`.
/// The counts must match the gate's [`Builtin`] entry.
pub fn expand(name: &str, params: &[f64], qubits: &[usize], out: &mut Vec<(Gate, Vec<usize>)>) {
    let mut push = |gate: Gate, operands: &[usize]| out.push((gate, operands.to_vec()));
    let p = |i: usize| params[i];
    let q = qubits;
    let simple = match name {
        "U" | "u3" | "u" => Some(Gate::U(p(0), p(1), p(2))),
        "u2" => Some(Gate::U(FRAC_PI_2, p(0), p(1))),
        "u1" | "p" => Some(Gate::P(p(0))),
        "CX" | "cx" => Some(Gate::Cx),
        // `u0(γ)` idles for γ gate durations; its unitary is the identity.
        "id" | "u0" => Some(Gate::I),
        "x" => Some(Gate::X),
        "y" => Some(Gate::Y),
        "z" => Some(Gate::Z),
        "h" => Some(Gate::H),
        "s" => Some(Gate::S),
        "sdg" => Some(Gate::Sdg),
        "t" => Some(Gate::T),
        "tdg" => Some(Gate::Tdg),
        "rx" => Some(Gate::Rx(p(0))),
        "ry" => Some(Gate::Ry(p(0))),
        "rz" => Some(Gate::Rz(p(0))),
        "sx" => Some(Gate::Sx),
        "sxdg" => Some(Gate::Sxdg),
        "cz" => Some(Gate::Cz),
        "cy" => Some(Gate::Cy),
        "swap" => Some(Gate::Swap),
        "ch" => Some(Gate::Ch),
        "ccx" => Some(Gate::Ccx),
        "cswap" => Some(Gate::Cswap),
        "crx" => Some(Gate::Crx(p(0))),
        "cry" => Some(Gate::Cry(p(0))),
        "crz" => Some(Gate::Crz(p(0))),
        "cu1" | "cp" => Some(Gate::Cp(p(0))),
        _ => None,
    };
    if let Some(gate) = simple {
        push(gate, q);
        return;
    }
    match name {
        "cu3" => controlled_u3(p(0), p(1), p(2), q[0], q[1], &mut push),
        // Controlled e^{iγ}·u3(θ, φ, λ): the phase γ applies when the control is set.
        "cu" => {
            push(Gate::P(p(3)), &[q[0]]);
            controlled_u3(p(0), p(1), p(2), q[0], q[1], &mut push);
        }
        // sx = h·p(π/2)·h exactly, so the controlled versions agree too.
        "csx" => {
            push(Gate::H, &[q[1]]);
            push(Gate::Cp(FRAC_PI_2), q);
            push(Gate::H, &[q[1]]);
        }
        // rxx(θ) = exp(−iθ/2 X⊗X): Hadamards turn X⊗X into Z⊗Z, which two CXs collect on
        // the second qubit.
        "rxx" => {
            push(Gate::H, &[q[0]]);
            push(Gate::H, &[q[1]]);
            push(Gate::Cx, q);
            push(Gate::Rz(p(0)), &[q[1]]);
            push(Gate::Cx, q);
            push(Gate::H, &[q[0]]);
            push(Gate::H, &[q[1]]);
        }
        // rzz(θ) = exp(−iθ/2 Z⊗Z).
        "rzz" => {
            push(Gate::Cx, q);
            push(Gate::Rz(p(0)), &[q[1]]);
            push(Gate::Cx, q);
        }
        "rccx" => relative_phase_toffoli(q, &mut push),
        "rc3x" => relative_phase_c3x(q, &mut push),
        // A multi-controlled X (or √X) is a multi-controlled phase between Hadamards on the
        // target: h·p(π)·h = x and h·p(π/2)·h = sx.
        "c3x" | "c4x" | "c3sqrtx" => {
            let target = q[q.len() - 1];
            let angle = if name == "c3sqrtx" { FRAC_PI_2 } else { PI };
            push(Gate::H, &[target]);
            multi_controlled_phase(angle, q, &mut push);
            push(Gate::H, &[target]);
        }
        other => unreachable!("`{other}` is not a built-in gate"),
    }
}

/// Controlled u3(θ, φ, λ) with control `c` and target `t`, exact: `t` gets A·X·B·X·C with
/// A·B·C = I, and the control's phase restores u3's diagonal.
fn controlled_u3(
    theta: f64,
    phi: f64,
    lambda: f64,
    c: usize,
    t: usize,
    push: &mut impl FnMut(Gate, &[usize]),
) {
    push(Gate::P((lambda + phi) / 2.0), &[c]);
    push(Gate::P((lambda - phi) / 2.0), &[t]);
    push(Gate::Cx, &[c, t]);
    push(Gate::U(-theta / 2.0, 0.0, -(phi + lambda) / 2.0), &[t]);
    push(Gate::Cx, &[c, t]);
    push(Gate::U(theta / 2.0, phi, 0.0), &[t]);
}

/// Qiskit's `rccx`: a Toffoli up to relative phases on the target, with three CXs.
fn relative_phase_toffoli(q: &[usize], push: &mut impl FnMut(Gate, &[usize])) {
    let (a, b, target) = (q[0], q[1], q[2]);
    let h = Gate::U(FRAC_PI_2, 0.0, PI);
    push(h, &[target]);
    push(Gate::P(FRAC_PI_4), &[target]);
    push(Gate::Cx, &[b, target]);
    push(Gate::P(-FRAC_PI_4), &[target]);
    push(Gate::Cx, &[a, target]);
    push(Gate::P(FRAC_PI_4), &[target]);
    push(Gate::Cx, &[b, target]);
    push(Gate::P(-FRAC_PI_4), &[target]);
    push(h, &[target]);
}

/// Qiskit's `rc3x`: a three-controlled X up to relative phases, with six CXs.
fn relative_phase_c3x(q: &[usize], push: &mut impl FnMut(Gate, &[usize])) {
    let (a, b, c, target) = (q[0], q[1], q[2], q[3]);
    let h = Gate::U(FRAC_PI_2, 0.0, PI);
    let t = Gate::P(FRAC_PI_4);
    let tdg = Gate::P(-FRAC_PI_4);
    push(h, &[target]);
    push(t, &[target]);
    push(Gate::Cx, &[c, target]);
    push(tdg, &[target]);
    push(h, &[target]);
    push(Gate::Cx, &[a, target]);
    push(t, &[target]);
    push(Gate::Cx, &[b, target]);
    push(tdg, &[target]);
    push(Gate::Cx, &[a, target]);
    push(t, &[target]);
    push(Gate::Cx, &[b, target]);
    push(tdg, &[target]);
    push(h, &[target]);
    push(t, &[target]);
    push(Gate::Cx, &[c, target]);
    push(tdg, &[target]);
    push(h, &[target]);
}

/// Applies the phase e^{iλ} to the basis states where every qubit in `qubits` is 1, exactly.
///
/// The product of k bits is a signed sum of parities: x₁⋯x_k = 2^{1−k} Σ_S (−1)^{|S|+1} ⊕_{i∈S} x_i
/// over the non-empty subsets S. Each parity term is a phase gate on the last qubit of S
/// between CX ladders that store the parity there. The gate count grows as k·2^k, which is
/// fine for qelib1's gates (k ≤ 5).
fn multi_controlled_phase(lambda: f64, qubits: &[usize], push: &mut impl FnMut(Gate, &[usize])) {
    let k = qubits.len();
    let scale = lambda / (1u64 << (k - 1)) as f64;
    for subset in 1u32..(1 << k) {
        let members: Vec<usize> = (0..k)
            .filter(|bit| subset >> bit & 1 == 1)
            .map(|bit| qubits[bit])
            .collect();
        let (&last, others) = members.split_last().expect("the subset is not empty");
        let sign = if members.len() % 2 == 1 { 1.0 } else { -1.0 };
        for &other in others {
            push(Gate::Cx, &[other, last]);
        }
        push(Gate::P(sign * scale), &[last]);
        for &other in others.iter().rev() {
            push(Gate::Cx, &[other, last]);
        }
    }
}

/// Returns the built-in gate `name`: a primitive, or a qelib1 gate when `qelib1` is included.
pub fn find(name: &str, qelib1: bool) -> Option<Builtin> {
    let library: &[Builtin] = if qelib1 { &QELIB1 } else { &[] };
    PRIMITIVES
        .iter()
        .chain(library)
        .find(|gate| gate.name == name)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Circuit;
    use crate::ir::circuit::controlled;
    use crate::linalg::max_abs_diff;

    fn unitary(name: &str, params: &[f64], qubits: usize) -> crate::ir::CMatrix {
        let mut gates = Vec::new();
        expand(name, params, &(0..qubits).collect::<Vec<_>>(), &mut gates);
        let mut circuit = Circuit::new(qubits);
        for (gate, operands) in gates {
            circuit.push(gate, &operands);
        }
        circuit.unitary()
    }

    #[test]
    fn every_gate_expands_with_its_arity() {
        for gate in PRIMITIVES.iter().chain(&QELIB1) {
            let params = vec![0.3; gate.params];
            let operands: Vec<usize> = (0..gate.qubits).collect();
            let mut out = Vec::new();
            expand(gate.name, &params, &operands, &mut out);
            assert!(!out.is_empty(), "{} expands to nothing", gate.name);
            for (expanded, qubits) in out {
                assert_eq!(expanded.num_qubits(), qubits.len(), "{}", gate.name);
                assert!(qubits.iter().all(|&q| q < gate.qubits), "{}", gate.name);
            }
        }
    }

    #[test]
    fn controlled_u3_is_exact() {
        let (theta, phi, lambda) = (0.7, -1.3, 2.1);
        let expected = controlled(&Gate::U(theta, phi, lambda).matrix(), 1);
        let error = max_abs_diff(&unitary("cu3", &[theta, phi, lambda], 2), &expected);
        assert!(error < 1e-14, "cu3 is off by {error:e}");
    }

    #[test]
    fn cu_applies_its_phase_on_the_control() {
        let (theta, phi, lambda, gamma) = (0.4, 0.9, -0.2, 1.1);
        let phased =
            Gate::U(theta, phi, lambda).matrix() * num_complex::Complex64::from_polar(1.0, gamma);
        let error = max_abs_diff(
            &unitary("cu", &[theta, phi, lambda, gamma], 2),
            &controlled(&phased, 1),
        );
        assert!(error < 1e-14, "cu is off by {error:e}");
    }

    #[test]
    fn multi_controlled_gates_are_exact() {
        let x = Gate::X.matrix();
        for (name, qubits, target) in [
            ("c3x", 4, &x),
            ("c4x", 5, &x),
            ("c3sqrtx", 4, &Gate::Sx.matrix()),
            ("csx", 2, &Gate::Sx.matrix()),
        ] {
            let error = max_abs_diff(&unitary(name, &[], qubits), &controlled(target, qubits - 1));
            assert!(error < 1e-13, "{name} is off by {error:e}");
        }
    }

    #[test]
    fn two_qubit_rotations_match_their_exponentials() {
        let theta: f64 = 0.8;
        let (sin, cos) = (theta / 2.0).sin_cos();
        let rzz = unitary("rzz", &[theta], 2);
        for index in 0..4 {
            let parity = (index & 1) ^ (index >> 1);
            let phase = if parity == 0 {
                -theta / 2.0
            } else {
                theta / 2.0
            };
            let expected = num_complex::Complex64::from_polar(1.0, phase);
            assert!(
                (rzz[(index, index)] - expected).norm() < 1e-14,
                "rzz entry {index}"
            );
        }
        let rxx = unitary("rxx", &[theta], 2);
        for index in 0..4 {
            assert!(
                (rxx[(index, index)].re - cos).abs() < 1e-14,
                "rxx diagonal {index}"
            );
            let flipped = rxx[(3 - index, index)];
            assert!(
                (flipped.im + sin).abs() < 1e-14 && flipped.re.abs() < 1e-14,
                "rxx off-diagonal {index}"
            );
        }
    }

    #[test]
    fn relative_phase_gates_permute_like_their_exact_versions() {
        for (name, qubits) in [("rccx", 3), ("rc3x", 4)] {
            let matrix = unitary(name, &[], qubits);
            let exact = controlled(&Gate::X.matrix(), qubits - 1);
            for column in 0..1 << qubits {
                let row = (0..1 << qubits)
                    .find(|&row| exact[(row, column)].norm() > 0.5)
                    .unwrap();
                assert!(
                    (matrix[(row, column)].norm() - 1.0).abs() < 1e-14,
                    "{name} maps basis state {column} elsewhere"
                );
            }
        }
    }
}
