//! Intermediate representation: networks of unitaries and optical elements.
//!
//! A [`Module`] holds the networks of one file. A [`Network`] is a sequence of [`Op`]s applied
//! in order to a vector of complex field amplitudes, one per optical mode, starting from the
//! [`Input`]. Invariants that every stage after lowering relies on, checked by
//! [`validate`]:
//!
//! - Widths chain: each operation acts on the mode count the previous one produced; only
//!   [`OpKind::Resize`] changes it. Matrices, phase lists, permutations and transmissions have
//!   exactly that many entries.
//! - Units: phases are in radians (`phase` entries and mesh phases wrapped into `[0, 2π)`,
//!   MZI θ in `[0, π]`); amplitudes are dimensionless, so a power is `|E|²`; transmissions are
//!   amplitude transmissions in `[0, 1]`; gains are positive amplitude factors.
//! - Conventions: mode 0 is the first vector entry; the MZI transfer matrix is fixed in
//!   [`mesh`] and in `docs/conventions.md`. There is no global phase to track: a photonic
//!   network's output phase is physical and every operation keeps it.
//! - [`OpKind::Unitary`] matrices are unitary to 1e-9 (max-abs entry of `U†U − I`); after
//!   decomposition none remains and the module validates as [`Compiled`].
//! - Every operation keeps the span of the `.pnn` layer (or `output` statement) it came from,
//!   so a diagnostic raised in a late stage still points at the source.

pub mod circuit;
pub mod mesh;
pub mod network;
pub mod validate;

pub use circuit::{Circuit, Gate, Instruction};
pub use mesh::{Mesh, MeshKind, Mzi, mzi_matrix};
pub use network::*;
pub use validate::{Compiled, Stage, ValidationError, validate, validate_module};
