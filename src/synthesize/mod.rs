//! Gate synthesis: unitaries and standard gates to circuits in a target basis.
//!
//! - [`euler`]: one-qubit unitaries to Euler-angle gates (ZYZ, U3, ZSX), exact global phase.
//! - [`two_qubit`]: two-qubit unitaries by the KAK (Weyl chamber) decomposition with the
//!   minimum number of CX gates.
//! - [`qsd`]: n-qubit unitaries by the quantum Shannon decomposition with the block-ZXZ
//!   refinement, and the cheaper forms of controlled unitaries and diagonals.
//! - [`basis`]: translation of circuits of standard gates into a target basis.

pub mod basis;
mod controlled;
mod diagonal;
mod draft;
pub mod euler;
mod lowering;
mod multiplexor;
mod product;
pub mod qsd;
mod structure;
mod svd;
pub mod two_qubit;
mod unitary_eigen;
