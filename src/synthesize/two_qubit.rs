//! Two-qubit synthesis: the KAK (Weyl chamber) decomposition into one-qubit gates and CX.

use crate::ir::CMatrix;
use crate::ir::circuit::Circuit;

/// Synthesizes a 4×4 unitary as `u` gates and the minimum number (0 to 3) of `cx` gates. The
/// circuit's unitary equals `u` to 1e-12, global phase included.
pub fn two_qubit_cx(u: &CMatrix) -> Circuit {
    let _ = u;
    unimplemented!("two-qubit synthesis is not written yet")
}

/// Synthesizes a 4×4 unitary up to a diagonal: returns `(circuit, d)` with at most two `cx`
/// and a 4×4 diagonal unitary `d` such that `u = d · circuit.unitary()`.
pub fn two_qubit_up_to_diagonal(u: &CMatrix) -> (Circuit, CMatrix) {
    let _ = u;
    unimplemented!("two-qubit synthesis up to a diagonal is not written yet")
}
