//! Back ends: text and code produced from compiled IR.

pub mod ir;
pub mod python;
pub mod qasm;
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
    /// OpenQASM 2 of each quantum network, equal to it up to global phase.
    Qasm2,
    /// OpenQASM 3 of each quantum network, global phase included.
    Qasm3,
}

impl EmitKind {
    pub const ALL: [EmitKind; 5] = [
        EmitKind::Ir,
        EmitKind::Sax,
        EmitKind::Python,
        EmitKind::Qasm2,
        EmitKind::Qasm3,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EmitKind::Ir => "ir",
            EmitKind::Sax => "sax",
            EmitKind::Python => "python",
            EmitKind::Qasm2 => "qasm2",
            EmitKind::Qasm3 => "qasm3",
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
    /// `--emit sax` on a file of quantum networks, or `--emit qasm3` on photonic ones.
    NoMatchingNetwork { emitter: String, quantum: bool },
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmitError::Unsupported { network, message } => {
                write!(f, "cannot emit network `{network}`: {message}")
            }
            EmitError::NoMatchingNetwork { emitter, quantum } => {
                let (wanted, instead) = if *quantum {
                    ("quantum", "`--emit sax` or `--emit python`")
                } else {
                    ("photonic", "`--emit qasm2` or `--emit qasm3`")
                };
                write!(
                    f,
                    "`--emit {emitter}` applies to {wanted} networks, and the file has none; \
                     use {instead} for the networks it has"
                )
            }
        }
    }
}

impl std::error::Error for EmitError {}

/// Returns the networks of one family (quantum or photonic) that an emitter handles, or an
/// error naming the emitter when the file has none.
pub(crate) fn networks_of_family<'a>(
    compilation: &'a Compilation,
    quantum: bool,
    emitter: &str,
) -> Result<Vec<&'a crate::ir::Network>, EmitError> {
    let networks: Vec<_> = compilation
        .compiled
        .networks()
        .iter()
        .filter(|network| network.target.is_quantum() == quantum)
        .collect();
    if networks.is_empty() {
        return Err(EmitError::NoMatchingNetwork {
            emitter: emitter.to_string(),
            quantum,
        });
    }
    Ok(networks)
}

/// Runs one emitter on a compilation.
pub fn emit(compilation: &Compilation, kind: EmitKind) -> Result<Vec<Artifact>, EmitError> {
    match kind {
        EmitKind::Ir => Ok(vec![Artifact {
            path: format!("{}.ir", compilation.stem),
            contents: ir::dump(compilation.compiled.module(), &ir::DumpOptions::default()),
        }]),
        EmitKind::Sax => sax::emit(compilation),
        EmitKind::Python => python::emit(compilation),
        EmitKind::Qasm2 => qasm::emit(compilation, qasm::Version::Two),
        EmitKind::Qasm3 => qasm::emit(compilation, qasm::Version::Three),
    }
}
