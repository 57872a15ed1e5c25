//! Intermediate representation: networks of unitaries and optical elements.

pub mod mesh;

pub use mesh::{Mesh, MeshKind, Mzi, mzi_matrix};
