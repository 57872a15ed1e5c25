//! Multiplexors: uniformly controlled Rz rotations and the demultiplexing of block-diagonal
//! unitaries.
//!
//! A multiplexor on a target qubit `t` applies a different operation for each basis state of
//! its control qubits. For an Rz multiplexor with k controls and angles `θ_x`, the circuit is
//! a Gray-code ladder. For `i = 0 … 2^k − 1` it applies `rz(φ_i)` on `t` and then a CX from
//! the control whose bit flips between the Gray codes `g(i)` and `g(i + 1)`; the last CX wraps
//! round to `g(0) = 0` through the highest control. Before `rz(φ_i)` the
//! target has been flipped `x·g(i)` times (mod 2) for control state `x`, so the ladder rotates
//! by `Σ_i (−1)^{x·g(i)} φ_i = θ_x`, which a Walsh–Hadamard transform inverts.

use num_complex::Complex64;

use super::draft::{Draft, Step};
use super::product::{Adjoint, multiply};
use super::unitary_eigen::unitary_eigen;
use crate::ir::CMatrix;

/// Rotation angles below this magnitude are left out of a multiplexor's ladder.
const NEGLIGIBLE_ANGLE: f64 = 1e-14;

/// The CX of the Rz ladder that is left out so that a neighbour can absorb it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trim {
    /// The whole ladder: 2^k CX for k controls.
    None,
    /// The ladder without its final CX from the highest control. The steps implement
    /// `CX·R`, where `R` is the multiplexor and `CX` has the highest control and the target.
    Last,
    /// The ladder in reverse order without its (then first) CX from the highest control. The
    /// steps implement `R·CX`.
    First,
}

/// The factors of `diag(u0, u1) = (I ⊗ v) · R · (I ⊗ w)`, where the block index is the
/// multiplexor's target qubit and `R` is an Rz multiplexor with one angle per basis state of
/// the other qubits.
#[derive(Debug, Clone)]
pub struct Demultiplexed {
    pub v: CMatrix,
    pub w: CMatrix,
    pub angles: Vec<f64>,
}

/// Demultiplexes the block-diagonal unitary `diag(u0, u1)`: `u0 = v·D·w` and `u1 = v·D†·w`
/// with `D = diag(e^{−iθ_x/2})`, from the eigendecomposition `u0·u1† = v·D²·v†`.
pub fn demultiplex(u0: &CMatrix, u1: &CMatrix) -> Demultiplexed {
    let eigen = unitary_eigen(&multiply(u0, u1, Adjoint::Right));
    let half_phases: Vec<Complex64> = eigen.values.iter().map(|value| value.sqrt()).collect();
    let angles = eigen.values.iter().map(|value| -value.arg()).collect();

    // w = D·v†·u1: row k of v†·u1 scaled by the k-th half phase.
    let mut w = multiply(&eigen.vectors, u1, Adjoint::Left);
    for (mut row, phase) in w.row_iter_mut().zip(&half_phases) {
        row *= *phase;
    }
    Demultiplexed {
        v: eigen.vectors,
        w,
        angles,
    }
}

/// Appends an Rz multiplexor: for each basis state `x` of `controls` (control `k` is bit `k`
/// of `x`), `rz(angles[x])` on `target`.
pub fn push_rz_multiplexor(
    draft: &mut Draft,
    angles: &[f64],
    controls: &[usize],
    target: usize,
    trim: Trim,
) {
    assert_eq!(
        angles.len(),
        1 << controls.len(),
        "one angle per control state"
    );
    if controls.is_empty() {
        push_rz(draft, angles[0], target);
        return;
    }

    let ladder = ladder_angles(angles);
    let last = ladder.len() - 1;
    let mut steps = Vec::with_capacity(2 * ladder.len());
    for (i, &angle) in ladder.iter().enumerate() {
        if angle.abs() > NEGLIGIBLE_ANGLE {
            steps.push(Step::Rz {
                angle,
                qubit: target,
            });
        }
        let flipped_bit = if i == last {
            controls.len() - 1
        } else {
            (i + 1).trailing_zeros() as usize
        };
        if i != last || trim == Trim::None {
            steps.push(Step::Cx {
                control: controls[flipped_bit],
                target,
            });
        }
    }
    if trim == Trim::First {
        steps.reverse();
    }
    draft.steps.extend(steps);
}

fn push_rz(draft: &mut Draft, angle: f64, qubit: usize) {
    if angle.abs() > NEGLIGIBLE_ANGLE {
        draft.push(Step::Rz { angle, qubit });
    }
}

/// Returns the ladder angles `φ_i = ψ_{g(i)}`, where `ψ` is the Walsh–Hadamard transform of
/// the multiplexor angles divided by their count and `g(i) = i ⊕ (i ≫ 1)` is the Gray code.
fn ladder_angles(angles: &[f64]) -> Vec<f64> {
    let mut transform = angles.to_vec();
    let size = transform.len();
    let mut span = 1;
    while span < size {
        for start in (0..size).step_by(2 * span) {
            for k in start..start + span {
                let (a, b) = (transform[k], transform[k + span]);
                transform[k] = a + b;
                transform[k + span] = a - b;
            }
        }
        span *= 2;
    }
    let scale = 1.0 / size as f64;
    (0..size).map(|i| transform[i ^ (i >> 1)] * scale).collect()
}

/// Returns `diag(u0, u1)`, the block index being the most significant bit.
#[cfg(test)]
pub fn block_diagonal(u0: &CMatrix, u1: &CMatrix) -> CMatrix {
    let half = u0.nrows();
    let mut matrix = nalgebra::DMatrix::<Complex64>::zeros(2 * half, 2 * half);
    matrix.view_mut((0, 0), (half, half)).copy_from(u0);
    matrix.view_mut((half, half), (half, half)).copy_from(u1);
    matrix
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::linalg::max_abs_diff;

    /// Returns the diagonal matrix of an Rz multiplexor whose target is the top qubit.
    fn multiplexor_matrix(angles: &[f64]) -> CMatrix {
        let half = angles.len();
        let mut matrix = DMatrix::<Complex64>::zeros(2 * half, 2 * half);
        for (x, &angle) in angles.iter().enumerate() {
            matrix[(x, x)] = Complex64::from_polar(1.0, -angle / 2.0);
            matrix[(x + half, x + half)] = Complex64::from_polar(1.0, angle / 2.0);
        }
        matrix
    }

    fn embed_lower(u: &CMatrix) -> CMatrix {
        block_diagonal(u, u)
    }

    #[test]
    fn ladder_matches_multiplexor() {
        for controls in 0..4 {
            let angles: Vec<f64> = (0..1 << controls).map(|x| 0.3 + 0.7 * x as f64).collect();
            let mut draft = Draft::new(controls + 1);
            let control_qubits: Vec<usize> = (0..controls).collect();
            push_rz_multiplexor(&mut draft, &angles, &control_qubits, controls, Trim::None);
            let error = max_abs_diff(&draft.unitary(), &multiplexor_matrix(&angles));
            assert!(error < 1e-14, "{controls} controls: {error:e}");
            let expected_cx = if controls == 0 { 0 } else { 1 << controls };
            assert_eq!(draft.cx_count(), expected_cx);
        }
    }

    #[test]
    fn trimmed_ladders_differ_by_one_cx() {
        let angles = [0.1, -0.4, 1.3, 2.2, 0.5, -1.0, 0.9, 0.05];
        let controls = [0, 1, 2];
        let mut cx = Draft::new(4);
        cx.push(Step::Cx {
            control: 2,
            target: 3,
        });
        let cx = cx.unitary();
        let full = multiplexor_matrix(&angles);

        let mut last = Draft::new(4);
        push_rz_multiplexor(&mut last, &angles, &controls, 3, Trim::Last);
        assert!(max_abs_diff(&last.unitary(), &(&cx * &full)) < 1e-14);
        assert_eq!(last.cx_count(), 7);

        let mut first = Draft::new(4);
        push_rz_multiplexor(&mut first, &angles, &controls, 3, Trim::First);
        assert!(max_abs_diff(&first.unitary(), &(&full * &cx)) < 1e-14);
        assert_eq!(first.cx_count(), 7);
    }

    #[test]
    fn demultiplex_rebuilds_blocks() {
        let u0 = haar_unitary(8, 11);
        let u1 = haar_unitary(8, 12);
        let parts = demultiplex(&u0, &u1);
        let rebuilt =
            embed_lower(&parts.v) * multiplexor_matrix(&parts.angles) * embed_lower(&parts.w);
        let error = max_abs_diff(&rebuilt, &block_diagonal(&u0, &u1));
        assert!(error < 1e-13, "{error:e}");
    }

    #[test]
    fn demultiplex_handles_equal_blocks() {
        let u = haar_unitary(4, 13);
        let parts = demultiplex(&u, &u);
        assert!(parts.angles.iter().all(|angle| angle.abs() < 1e-13));
        let rebuilt =
            embed_lower(&parts.v) * multiplexor_matrix(&parts.angles) * embed_lower(&parts.w);
        assert!(max_abs_diff(&rebuilt, &block_diagonal(&u, &u)) < 1e-13);
    }
}
