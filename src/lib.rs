//! pnn: a compiler for physical neural networks.

pub mod check;
pub mod data;
pub mod decompose;
pub mod diagnostics;
pub mod driver;
pub mod emit;
pub mod ir;
pub mod linalg;
pub mod lower;
pub mod simulate;
pub mod source;
pub mod syntax;

pub use driver::{Compilation, CompileError, Compiler, Failure, Options};
pub use emit::{Artifact, EmitError, EmitKind};
