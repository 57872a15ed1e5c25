//! Front end: the `.pnn` grammar, its AST and syntax errors.

pub mod ast;
mod error;
mod parser;
pub mod qasm2;

pub use error::{Nesting, SyntaxError};
pub use parser::parse;
