//! Front end for OpenQASM 2.0 programs, which `circuit(q, import = "file.qasm")` layers
//! import: a lexer, a recursive-descent parser and the expansion into pnn gates.
//!
//! The importer reads the language of the OpenQASM 2.0 specification, with Qiskit's
//! `qelib1.inc` built in. `docs/language.md` describes what it accepts and how each statement
//! maps onto a `circuit` layer.

pub mod ast;
mod error;
mod expand;
mod lexer;
mod parser;
pub mod qelib1;
mod resolve;
mod version;

#[cfg(test)]
mod tests;

pub use error::Qasm2Error;
pub use expand::{Imported, ImportedGate, MAX_OPERATIONS, expand};
pub use parser::parse;

use crate::source::FileId;

/// Parses and expands a program; `file` is the id its spans refer to. Returns the syntax
/// error, or every error the expansion found.
pub fn import(text: &str, file: FileId) -> Result<Imported, Vec<Qasm2Error>> {
    let program = parse(text, file).map_err(|error| vec![error])?;
    expand(&program)
}
