//! pnn: a compiler for physical neural networks.

pub mod decompose;
pub mod ir;
