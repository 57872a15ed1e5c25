//! Diagonal unitaries as cascades of Rz multiplexors, 2^n − 2 CX on n qubits.
//!
//! `diag(e^{iφ_x})` splits on its most significant qubit: for each state `x` of the other
//! qubits, the pair `(φ_x, φ_{x+half})` is `rz(φ_{x+half} − φ_x)` on the top qubit times the
//! phase `(φ_x + φ_{x+half})/2`. The rotations form one multiplexor and the phases form a
//! diagonal on one qubit fewer, so the CX count is `2^{n−1} + 2^{n−2} + … + 2`.

use super::draft::Draft;
use super::multiplexor::{Trim, push_rz_multiplexor};

/// Appends the diagonal unitary `diag(e^{i·phases[x]})` on `qubits` (qubit `k` is bit `k` of
/// `x`), global phase included.
pub fn push_diagonal(draft: &mut Draft, phases: &[f64], qubits: &[usize]) {
    assert_eq!(phases.len(), 1 << qubits.len(), "one phase per basis state");
    let mut phases = phases.to_vec();
    for top in (0..qubits.len()).rev() {
        let half = 1 << top;
        let angles: Vec<f64> = (0..half).map(|x| phases[x + half] - phases[x]).collect();
        push_rz_multiplexor(draft, &angles, &qubits[..top], qubits[top], Trim::None);
        phases = (0..half)
            .map(|x| (phases[x] + phases[x + half]) / 2.0)
            .collect();
    }
    draft.global_phase += phases[0];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::max_abs_diff;
    use nalgebra::{DMatrix, DVector};
    use num_complex::Complex64;

    fn diagonal_matrix(phases: &[f64]) -> crate::ir::CMatrix {
        let entries: Vec<Complex64> = phases
            .iter()
            .map(|&phase| Complex64::from_polar(1.0, phase))
            .collect();
        DMatrix::from_diagonal(&DVector::from_vec(entries))
    }

    #[test]
    fn diagonal_is_exact_with_minimal_cx() {
        for qubits in 1..5 {
            let phases: Vec<f64> = (0..1 << qubits)
                .map(|x| (x as f64 * 1.7).sin() * 3.0)
                .collect();
            let mut draft = Draft::new(qubits);
            let order: Vec<usize> = (0..qubits).collect();
            push_diagonal(&mut draft, &phases, &order);
            let error = max_abs_diff(&draft.unitary(), &diagonal_matrix(&phases));
            assert!(error < 1e-14, "{qubits} qubits: {error:e}");
            assert_eq!(draft.cx_count(), (1 << qubits) - 2);
        }
    }

    #[test]
    fn diagonal_on_permuted_qubits() {
        let phases = [0.0, 0.5, -1.0, 2.0, 0.25, 1.5, -0.75, 3.0];
        let mut draft = Draft::new(3);
        push_diagonal(&mut draft, &phases, &[2, 0, 1]);
        // Bit k of x is qubit qubits[k], so q2 is bit 0 of x, q0 bit 1 and q1 bit 2.
        let mut expected = vec![0.0; 8];
        for (x, phase) in phases.iter().enumerate() {
            let global = ((x & 1) << 2) | ((x >> 1) & 1) | (((x >> 2) & 1) << 1);
            expected[global] = *phase;
        }
        let error = max_abs_diff(&draft.unitary(), &diagonal_matrix(&expected));
        assert!(error < 1e-14, "{error:e}");
    }
}
