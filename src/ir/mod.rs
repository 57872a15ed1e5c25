//! Intermediate representation: networks of unitaries and optical elements.

pub mod mesh;
pub mod network;
pub mod validate;

pub use mesh::{Mesh, MeshKind, Mzi, mzi_matrix};
pub use network::*;
pub use validate::{Compiled, Stage, ValidationError, validate, validate_module};
