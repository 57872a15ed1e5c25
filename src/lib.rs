//! pnn: a compiler for physical neural networks.

pub mod decompose;
pub mod diagnostics;
pub mod ir;
pub mod source;
pub mod syntax;
