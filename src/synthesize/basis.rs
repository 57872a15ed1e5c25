//! Basis translation: circuits of standard gates rewritten into a target gate set.

use crate::ir::CMatrix;
use crate::ir::circuit::Circuit;

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
    /// Returns the OpenQASM names of the basis gates (`u3` is spelled `u`, as in [`Gate::name`]).
    ///
    /// [`Gate::name`]: crate::ir::circuit::Gate::name
    pub fn gate_names(&self) -> &'static [&'static str] {
        match self {
            Basis::U3Cx => &["u", "cx"],
            Basis::RzSxXCx => &["rz", "sx", "x", "cx"],
            Basis::U3Cz => &["u", "cz"],
        }
    }
}

/// Rewrites every gate of `circuit` into `basis`; the unitary, global phase included, is kept.
pub fn translate(circuit: &Circuit, basis: Basis) -> Circuit {
    let _ = (circuit, basis);
    unimplemented!("basis translation is not written yet")
}

/// Synthesizes a 2×2 unitary with the one-qubit gates of `basis`.
pub fn synthesize_one_qubit(u: &CMatrix, basis: Basis) -> Circuit {
    let _ = (u, basis);
    unimplemented!("one-qubit synthesis in a basis is not written yet")
}
