//! n-qubit synthesis: the quantum Shannon decomposition with the block-ZXZ refinement, and
//! the cheaper circuits of structured unitaries.
//!
//! A generic unitary on m ≥ 3 qubits, with the top qubit `t` as the block index, is written
//! (Krol and Al-Ars, "Beyond quantum Shannon decomposition: circuit construction for n-qubit
//! gates based on block-ZXZ decomposition", 2024) as
//!
//! ```text
//! U = diag(A1, A2) · H_t · diag(I, B) · H_t · diag(I, C)
//! ```
//!
//! with unitaries A1, A2, B, C on the other m − 1 qubits. From `U = [[X, Y], [U21, U22]]`
//! and the polar forms `X = S_X·W_X`, `Y = S_Y·W_Y` (so `S_X² + S_Y² = I`):
//! `C = −i·W_X†·W_Y`, `A1 = (S_X + i·S_Y)·W_X`, `B = 2·A1†·X − I` and `A2 = U21 + U22·C†`.
//! `S_X` and `S_Y` commute, so `A1` is unitary.
//! Each block-diagonal factor is demultiplexed into two (m − 1)-qubit unitaries around an Rz
//! multiplexor on `t`. The inner unitaries of the outer factors merge into the middle one, so
//! four (m − 1)-qubit unitaries remain. The outer multiplexors drop the CX next to the
//! Hadamards: across `H_t` that CX becomes a CZ, which the middle factor absorbs as a sign flip
//! of its lower half. Each level thus costs `3·2^{m−1} − 2` CX, and with the two-qubit leaves
//! handing their diagonals on (see [`lowering`](super::lowering)) a Haar-random unitary
//! needs `(22/48)·4^n − (3/2)·2^n + 5/3` CX: 19, 95, 423 for n = 3, 4, 5.

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::controlled::{push_controlled, push_multiplexor};
use super::diagonal::push_diagonal;
use super::draft::{Draft, Step, to_matrix2, to_matrix4};
use super::euler::u3_circuit;
use super::lowering::lower;
use super::multiplexor::{Trim, demultiplex, push_rz_multiplexor};
use super::product::{Adjoint, multiply};
use super::structure::{factor_qubit, find_controls, is_diagonal, keeps_qubit, scalar_phase};
use super::svd::polar_unitary;
use super::two_qubit::two_qubit_cx;
use crate::ir::CMatrix;
use crate::ir::circuit::{Circuit, Gate};

/// Synthesizes a 2^n × 2^n unitary (n ≥ 1) as `u` and `cx` gates whose unitary, global phase
/// included, equals `u`.
///
/// One qubit gives one `u` gate and two qubits the minimum number of CX (at most 3). From
/// three qubits on, the block-ZXZ decomposition handles generic inputs. Structured inputs take
/// their own constructions when those lower to fewer CX: a scalar, a tensor product with a
/// one-qubit factor, a diagonal, a unitary that never flips some qubit, a controlled unitary.
///
/// The tests bound the largest entry error by 1e-10 up to five qubits; Haar-random unitaries
/// on eight qubits measured about 2e-12. An input that is not unitary gives a circuit that
/// does not match it.
///
/// # Panics
///
/// Panics if `u` is not square with a power-of-two size of at least 2.
pub fn synthesize(u: &CMatrix) -> Circuit {
    let size = u.nrows();
    assert!(
        u.is_square() && size >= 2 && size.is_power_of_two(),
        "a unitary to synthesize must be 2^n × 2^n with n ≥ 1, found {} × {}",
        u.nrows(),
        u.ncols()
    );
    let num_qubits = size.trailing_zeros() as usize;
    match num_qubits {
        1 => u3_circuit(u),
        2 => two_qubit_cx(u),
        _ => synthesize_many(u, num_qubits),
    }
}

/// Synthesizes a unitary on three or more qubits, comparing a structured construction, when
/// one applies, with the generic decomposition.
fn synthesize_many(u: &CMatrix, num_qubits: usize) -> Circuit {
    let qubits: Vec<usize> = (0..num_qubits).collect();
    let mut structured = Draft::new(num_qubits);
    if !push_structured(&mut structured, u, &qubits) {
        let mut generic = Draft::new(num_qubits);
        push_block_zxz(&mut generic, u, &qubits);
        return lower(&generic);
    }

    let structured = lower(&structured);
    if structured.count("cx") == 0 {
        return structured;
    }
    let mut generic = Draft::new(num_qubits);
    push_block_zxz(&mut generic, u, &qubits);
    let generic = lower(&generic);
    if generic.count("cx") < structured.count("cx") {
        generic
    } else {
        structured
    }
}

/// Appends a synthesis of `u`, whose local qubit `k` is the draft's qubit `qubits[k]`.
pub(super) fn push_unitary(draft: &mut Draft, u: &CMatrix, qubits: &[usize]) {
    match *qubits {
        [qubit] => draft.push(Step::OneQubit {
            matrix: to_matrix2(u),
            qubit,
        }),
        [low, high] => draft.push(Step::TwoQubit {
            matrix: to_matrix4(u),
            qubits: [low, high],
        }),
        _ => {
            if !push_structured(draft, u, qubits) {
                push_block_zxz(draft, u, qubits);
            }
        }
    }
}

/// Appends the construction for a structured `u` and returns true, or returns false and
/// appends nothing when `u` has none of the structures.
fn push_structured(draft: &mut Draft, u: &CMatrix, qubits: &[usize]) -> bool {
    if let Some(phase) = scalar_phase(u) {
        draft.global_phase += phase;
        return true;
    }
    for local in 0..qubits.len() {
        if let Some((factor, rest)) = factor_qubit(u, local) {
            let others: Vec<usize> = (0..qubits.len())
                .filter(|&other| other != local)
                .map(|other| qubits[other])
                .collect();
            push_unitary(draft, &factor, &[qubits[local]]);
            push_unitary(draft, &rest, &others);
            return true;
        }
    }
    if is_diagonal(u) {
        let phases: Vec<f64> = u.diagonal().iter().map(|entry| entry.arg()).collect();
        push_diagonal(draft, &phases, qubits);
        return true;
    }
    if let Some(form) = find_controls(u) {
        push_controlled(draft, u, &form, qubits);
        return true;
    }
    if let Some(local) = (0..qubits.len()).find(|&local| keeps_qubit(u, local)) {
        push_multiplexor(draft, u, local, qubits);
        return true;
    }
    false
}

/// Appends the block-ZXZ decomposition of a unitary on three or more qubits.
fn push_block_zxz(draft: &mut Draft, u: &CMatrix, qubits: &[usize]) {
    let count = qubits.len();
    let (lower_qubits, top) = (&qubits[..count - 1], qubits[count - 1]);
    let factors = block_zxz(u);

    // diag(I, C) = (I ⊗ v_c)·R_c·(I ⊗ w_c) and diag(A1, A2) = (I ⊗ v_a)·R_a·(I ⊗ w_a).
    let identity = DMatrix::<Complex64>::identity(factors.c.nrows(), factors.c.nrows());
    let right = demultiplex(&identity, &factors.c);
    let left = demultiplex(&factors.a1, &factors.a2);

    // The middle factor diag(w_a·v_c, w_a·B·v_c), with the lower half conjugated by Z on the
    // highest lower qubit: the two CZ left over from the trimmed outer multiplexors.
    let upper = multiply(&left.w, &right.v, Adjoint::None);
    let outer_b = multiply(&left.w, &factors.b, Adjoint::None);
    let mut lower_half = multiply(&outer_b, &right.v, Adjoint::None);
    conjugate_by_top_z(&mut lower_half);
    let middle = demultiplex(&upper, &lower_half);

    push_unitary(draft, &right.w, lower_qubits);
    push_rz_multiplexor(draft, &right.angles, lower_qubits, top, Trim::Last);
    push_hadamard(draft, top);
    push_unitary(draft, &middle.w, lower_qubits);
    push_rz_multiplexor(draft, &middle.angles, lower_qubits, top, Trim::None);
    push_unitary(draft, &middle.v, lower_qubits);
    push_hadamard(draft, top);
    push_rz_multiplexor(draft, &left.angles, lower_qubits, top, Trim::First);
    push_unitary(draft, &left.v, lower_qubits);
}

/// Multiplies by `Z` on the most significant qubit from both sides: negates the entries whose
/// row and column lie in different halves.
fn conjugate_by_top_z(matrix: &mut CMatrix) {
    let half = matrix.nrows() / 2;
    for column in 0..matrix.ncols() {
        for row in 0..matrix.nrows() {
            if (row < half) != (column < half) {
                matrix[(row, column)] = -matrix[(row, column)];
            }
        }
    }
}

fn push_hadamard(draft: &mut Draft, qubit: usize) {
    let h = to_matrix2(&Gate::H.matrix());
    draft.push(Step::OneQubit { matrix: h, qubit });
}

/// The four (m − 1)-qubit unitaries of `U = diag(A1, A2) · H_t · diag(I, B) · H_t · diag(I, C)`.
#[derive(Debug, Clone)]
struct BlockZxz {
    a1: CMatrix,
    a2: CMatrix,
    b: CMatrix,
    c: CMatrix,
}

/// Computes the block-ZXZ factors of a unitary with the most significant qubit as the block
/// index.
///
/// Only the unitary polar factors are needed: `S_Y·W_X = Y·W_Y†·W_X`, so
/// `A1 = S_X·W_X + i·S_Y·W_X = X + Y·C†` with `C† = i·W_Y†·W_X`.
fn block_zxz(u: &CMatrix) -> BlockZxz {
    let half = u.nrows() / 2;
    let x = u.view((0, 0), (half, half)).into_owned();
    let y = u.view((0, half), (half, half)).into_owned();
    let w_x = polar_unitary(&x);
    let w_y = polar_unitary(&y);

    let c = multiply(&w_x, &w_y, Adjoint::Left) * Complex64::new(0.0, -1.0);
    let a1 = x.clone() + multiply(&y, &c, Adjoint::Right);
    let mut b = multiply(&a1, &x, Adjoint::Left) * Complex64::new(2.0, 0.0);
    for k in 0..half {
        b[(k, k)] -= Complex64::new(1.0, 0.0);
    }
    let lower_left = u.view((half, 0), (half, half)).into_owned();
    let lower_right = u.view((half, half), (half, half)).into_owned();
    let a2 = lower_left + multiply(&lower_right, &c, Adjoint::Right);
    BlockZxz { a1, a2, b, c }
}

#[cfg(test)]
mod tests;
