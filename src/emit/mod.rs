//! Back ends: text and code produced from compiled IR.

pub mod ir;
pub mod python;
pub mod sax;

use std::fmt;

use crate::driver::Compilation;

/// Output kinds of `pnnc build --emit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmitKind {
    /// Readable dump of the compiled IR.
    Ir,
    /// SAX netlists of the optical stages and a Python module with their models.
    Sax,
    /// A standalone NumPy script that runs the compiled network.
    Python,
}

impl EmitKind {
    pub const ALL: [EmitKind; 3] = [EmitKind::Ir, EmitKind::Sax, EmitKind::Python];

    pub fn name(self) -> &'static str {
        match self {
            EmitKind::Ir => "ir",
            EmitKind::Sax => "sax",
            EmitKind::Python => "python",
        }
    }
}

/// One output file: a path relative to the output directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub path: String,
    pub contents: String,
}

/// Why an emitter could not produce its output.
#[derive(Debug, Clone, PartialEq)]
pub enum EmitError {
    /// The network uses something this back end cannot express.
    Unsupported { network: String, message: String },
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmitError::Unsupported { network, message } => {
                write!(f, "cannot emit network `{network}`: {message}")
            }
        }
    }
}

impl std::error::Error for EmitError {}

/// Runs one emitter on a compilation.
pub fn emit(compilation: &Compilation, kind: EmitKind) -> Result<Vec<Artifact>, EmitError> {
    match kind {
        EmitKind::Ir => Ok(vec![Artifact {
            path: format!("{}.ir", compilation.stem),
            contents: ir::dump(compilation.compiled.module(), &ir::DumpOptions::default()),
        }]),
        EmitKind::Sax => sax::emit(compilation),
        EmitKind::Python => python::emit(compilation),
    }
}
