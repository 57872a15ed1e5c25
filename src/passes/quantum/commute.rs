//! Commutation rules for the quantum passes: the local basis a gate is diagonal in.
//!
//! A gate is *Z-type* on one of its qubits when it is block-diagonal in that qubit's
//! computational basis (`rz`, `p`, a CX control, either qubit of a CZ) and *X-type* when it
//! is block-diagonal in that qubit's Hadamard basis (`x`, `sx`, `rx`, a CX target). Two gates
//! whose every shared qubit has the same type on both commute: written in the product of
//! those local bases, both are block-diagonal with blocks on disjoint qubits. The rule is
//! sufficient, not necessary, so a pass that uses it may miss a commutation but never invents
//! one.

use nalgebra::Matrix2;
use num_complex::Complex64;

use crate::ir::circuit::Gate;

/// Largest entry that the type tests treat as zero. Commuting a gate that is only this close
/// to the type moves the circuit's unitary by about as much.
pub const TYPE_TOLERANCE: f64 = 1e-14;

/// The local basis in which a gate is block-diagonal on one qubit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Block-diagonal in `|0⟩, |1⟩`.
    Z,
    /// Block-diagonal in `|+⟩, |−⟩`.
    X,
}

/// Returns the axis of a one-qubit matrix: Z when it is diagonal, X when it is `a·I + b·X`,
/// `None` otherwise. An identity up to phase counts as Z.
pub fn one_qubit_axis(matrix: &Matrix2<Complex64>) -> Option<Axis> {
    let [[a, c], [b, d]] = matrix.data.0;
    if b.norm() <= TYPE_TOLERANCE && c.norm() <= TYPE_TOLERANCE {
        Some(Axis::Z)
    } else if (a - d).norm() <= TYPE_TOLERANCE && (b - c).norm() <= TYPE_TOLERANCE {
        Some(Axis::X)
    } else {
        None
    }
}

/// Returns the axis of a gate on two or three qubits on its operand `operand`, or `None`
/// when it has none there.
pub fn operand_axis(gate: Gate, operand: usize) -> Option<Axis> {
    match (gate, operand) {
        (Gate::Cz | Gate::Cp(_) | Gate::Crz(_), _) => Some(Axis::Z),
        (Gate::Cx | Gate::Cy | Gate::Ch | Gate::Crx(_) | Gate::Cry(_), 0) => Some(Axis::Z),
        (Gate::Cx | Gate::Crx(_), 1) => Some(Axis::X),
        (Gate::Ccx, 0 | 1) => Some(Axis::Z),
        (Gate::Ccx, 2) => Some(Axis::X),
        (Gate::Cswap, 0) => Some(Axis::Z),
        _ => None,
    }
}

/// Returns the axis of a multi-qubit gate on `qubit`, one of `qubits`, its operands.
pub fn axis_on(gate: Gate, qubits: &[usize], qubit: usize) -> Option<Axis> {
    let operand = qubits.iter().position(|&q| q == qubit)?;
    operand_axis(gate, operand)
}

/// Whether two multi-qubit gates commute by the rule of the module: on each shared qubit both
/// have an axis, and it is the same.
pub fn multi_commute(first: (Gate, &[usize]), second: (Gate, &[usize])) -> bool {
    first.1.iter().all(|&qubit| {
        if !second.1.contains(&qubit) {
            return true;
        }
        match (
            axis_on(first.0, first.1, qubit),
            axis_on(second.0, second.1, qubit),
        ) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::circuit::Circuit;
    use crate::linalg::max_abs_diff;

    fn matrix_of(gate: Gate) -> Matrix2<Complex64> {
        let m = gate.matrix();
        Matrix2::from_fn(|row, column| m[(row, column)])
    }

    /// Checks commutation numerically on a register of `num_qubits`.
    fn commute_numerically(
        num_qubits: usize,
        first: (Gate, &[usize]),
        second: (Gate, &[usize]),
    ) -> bool {
        let mut forward = Circuit::new(num_qubits);
        forward.push(first.0, first.1);
        forward.push(second.0, second.1);
        let mut backward = Circuit::new(num_qubits);
        backward.push(second.0, second.1);
        backward.push(first.0, first.1);
        max_abs_diff(&forward.unitary(), &backward.unitary()) < 1e-12
    }

    #[test]
    fn one_qubit_axes() {
        assert_eq!(one_qubit_axis(&matrix_of(Gate::Rz(0.3))), Some(Axis::Z));
        assert_eq!(
            one_qubit_axis(&matrix_of(Gate::U(0.0, 0.0, 1.1))),
            Some(Axis::Z)
        );
        assert_eq!(one_qubit_axis(&matrix_of(Gate::X)), Some(Axis::X));
        assert_eq!(one_qubit_axis(&matrix_of(Gate::Sx)), Some(Axis::X));
        assert_eq!(
            one_qubit_axis(&matrix_of(Gate::U(
                0.7,
                -std::f64::consts::FRAC_PI_2,
                std::f64::consts::FRAC_PI_2
            ))),
            Some(Axis::X)
        );
        assert_eq!(one_qubit_axis(&matrix_of(Gate::H)), None);
        assert_eq!(one_qubit_axis(&matrix_of(Gate::Ry(0.4))), None);
    }

    #[test]
    fn claimed_commutations_hold() {
        let gates = [
            Gate::Cx,
            Gate::Cz,
            Gate::Cy,
            Gate::Ch,
            Gate::Cp(0.4),
            Gate::Crx(0.7),
            Gate::Cry(0.2),
            Gate::Crz(1.3),
            Gate::Swap,
            Gate::Ccx,
            Gate::Cswap,
        ];
        let placements: [&[usize]; 6] = [&[0, 1], &[1, 0], &[0, 2], &[2, 0], &[1, 2], &[2, 1]];
        let triples: [&[usize]; 3] = [&[0, 1, 2], &[2, 0, 1], &[1, 2, 0]];
        let operands = |gate: Gate| -> Vec<&[usize]> {
            if gate.num_qubits() == 2 {
                placements.to_vec()
            } else {
                triples.to_vec()
            }
        };
        let mut claimed = 0;
        for first in gates {
            for second in gates {
                for a in operands(first) {
                    for b in operands(second) {
                        if multi_commute((first, a), (second, b)) {
                            claimed += 1;
                            assert!(
                                commute_numerically(3, (first, a), (second, b)),
                                "{} {a:?} and {} {b:?}",
                                first.name(),
                                second.name()
                            );
                        }
                    }
                }
            }
        }
        assert!(claimed > 100, "only {claimed} commuting pairs claimed");
    }

    #[test]
    fn cx_rules() {
        let cx = |qubits: &'static [usize]| (Gate::Cx, qubits);
        assert!(multi_commute(cx(&[0, 1]), cx(&[0, 2])));
        assert!(multi_commute(cx(&[0, 2]), cx(&[1, 2])));
        assert!(!multi_commute(cx(&[0, 1]), cx(&[1, 2])));
        assert!(!multi_commute(cx(&[0, 1]), cx(&[1, 0])));
        assert!(multi_commute(cx(&[0, 1]), (Gate::Cz, &[2, 0])));
        assert!(!multi_commute(cx(&[0, 1]), (Gate::Cz, &[1, 2])));
    }
}
