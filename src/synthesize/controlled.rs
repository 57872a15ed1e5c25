//! Multiplexed and controlled unitaries: demultiplexing on one qubit, and the Barenco
//! construction for unitaries with several controls.
//!
//! A unitary that never flips qubit `k` is `diag(u0, u1)` over that qubit, which splits into
//! two unitaries on the other qubits around an Rz multiplexor on `k`: 2^{m−1} CX plus the two
//! halves, against four halves and about 3·2^{m−1} CX for the generic decomposition.
//!
//! With two or more controls, the construction of Barenco et al. ("Elementary gates for
//! quantum computation", 1995) picks a control `c ∈ K`, the rest `K' = K ∖ {c}` and a square
//! root `s² = v`, and applies, in circuit order, `C_{K'}(s)`, `C_{K'}(X_c)`, `C_c(s†)`,
//! `C_{K'}(X_c)`, `C_c(s)`. With neither K' nor c active nothing acts, and with c only the
//! result is `s·s† = I`. With K' only, c is flipped on for `s†` and off again, so `s†·s = I`.
//! With both, c is flipped off for `s†` and on again, so `s·s = v`.
//! A doubly controlled one-qubit gate costs 8 CX that way.

use nalgebra::{DMatrix, DVector};
use num_complex::Complex64;

use super::draft::{Draft, Step, to_matrix2};
use super::lowering::lower;
use super::multiplexor::{Trim, demultiplex, push_rz_multiplexor};
use super::qsd::push_unitary;
use super::structure::{ControlledForm, controlled_matrix, qubit_block};
use super::unitary_eigen::unitary_eigen;
use crate::ir::CMatrix;
use crate::ir::circuit::Gate;

/// Appends `u = diag(u0, u1)` over local qubit `qubit` (which `u` must never flip): the
/// demultiplexed halves on the other qubits around an Rz multiplexor on `qubit`.
pub fn push_multiplexor(draft: &mut Draft, u: &CMatrix, qubit: usize, qubits: &[usize]) {
    let u0 = qubit_block(u, qubit, 0, 0);
    let u1 = qubit_block(u, qubit, 1, 1);
    let parts = demultiplex(&u0, &u1);
    let others: Vec<usize> = (0..qubits.len())
        .filter(|&local| local != qubit)
        .map(|local| qubits[local])
        .collect();
    push_unitary(draft, &parts.w, &others);
    push_rz_multiplexor(draft, &parts.angles, &others, qubits[qubit], Trim::None);
    push_unitary(draft, &parts.v, &others);
}

/// Appends the controlled unitary `u` described by `form`, by demultiplexing on one control
/// or, with two or more controls, by the Barenco construction, whichever lowers to fewer CX.
pub fn push_controlled(draft: &mut Draft, u: &CMatrix, form: &ControlledForm, qubits: &[usize]) {
    let mut demultiplexed = Draft::new(draft.num_qubits);
    push_multiplexor(&mut demultiplexed, u, form.controls[0].0, qubits);
    if form.controls.len() < 2 {
        append(draft, demultiplexed);
        return;
    }

    let mut barenco = Draft::new(draft.num_qubits);
    push_barenco(&mut barenco, form, qubits);
    let demultiplexed_cx = lower(&demultiplexed).count("cx");
    let barenco_cx = lower(&barenco).count("cx");
    if barenco_cx < demultiplexed_cx {
        append(draft, barenco);
    } else {
        append(draft, demultiplexed);
    }
}

fn append(draft: &mut Draft, part: Draft) {
    draft.steps.extend(part.steps);
    draft.global_phase += part.global_phase;
}

/// Appends the Barenco construction of a unitary with two or more controls.
fn push_barenco(draft: &mut Draft, form: &ControlledForm, qubits: &[usize]) {
    let global = |local: usize| qubits[local];
    let flips: Vec<usize> = form
        .controls
        .iter()
        .filter(|&&(_, active)| active == 0)
        .map(|&(qubit, _)| global(qubit))
        .collect();
    push_flips(draft, &flips);

    let (last, rest) = form.controls.split_last().expect("two or more controls");
    let pivot = global(last.0);
    let others: Vec<usize> = rest.iter().map(|&(qubit, _)| global(qubit)).collect();
    let targets: Vec<usize> = form.targets.iter().map(|&qubit| global(qubit)).collect();
    let root = unitary_sqrt(&form.v);
    let root_adjoint = root.adjoint();

    let with_targets =
        |controls: &[usize]| -> Vec<usize> { controls.iter().chain(&targets).copied().collect() };
    push_unitary(
        draft,
        &controlled_matrix(&root, others.len()),
        &with_targets(&others),
    );
    push_controlled_x(draft, &others, pivot);
    push_unitary(
        draft,
        &controlled_matrix(&root_adjoint, 1),
        &with_targets(&[pivot]),
    );
    push_controlled_x(draft, &others, pivot);
    push_unitary(draft, &controlled_matrix(&root, 1), &with_targets(&[pivot]));

    push_flips(draft, &flips);
    draft.global_phase += form.phase;
}

/// Appends an X on `target` controlled by all of `controls`.
fn push_controlled_x(draft: &mut Draft, controls: &[usize], target: usize) {
    if let [control] = controls {
        draft.push(Step::Cx {
            control: *control,
            target,
        });
        return;
    }
    let qubits: Vec<usize> = controls.iter().copied().chain([target]).collect();
    push_unitary(
        draft,
        &controlled_matrix(&Gate::X.matrix(), controls.len()),
        &qubits,
    );
}

fn push_flips(draft: &mut Draft, qubits: &[usize]) {
    let x = to_matrix2(&Gate::X.matrix());
    for &qubit in qubits {
        draft.push(Step::OneQubit { matrix: x, qubit });
    }
}

/// Returns the principal square root of a unitary matrix, a unitary `s` with `s² = v`.
fn unitary_sqrt(v: &CMatrix) -> CMatrix {
    let eigen = unitary_eigen(v);
    let roots: Vec<Complex64> = eigen.values.iter().map(|value| value.sqrt()).collect();
    let diagonal = DMatrix::from_diagonal(&DVector::from_vec(roots));
    &eigen.vectors * diagonal * eigen.vectors.adjoint()
}
