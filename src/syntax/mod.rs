//! Front end: the `.pnn` grammar, its AST and syntax errors.

pub mod ast;
mod error;
mod parser;

pub use error::SyntaxError;
pub use parser::parse;
