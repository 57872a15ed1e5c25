//! pnn: a compiler for physical neural networks.
//!
//! pnn reads networks written in the `.pnn` language, checks them, lowers their layers to an
//! IR of unitaries and optical elements, decomposes unitaries into meshes of Mach–Zehnder
//! interferometers (Clements or Reck), and emits simulations and netlists. The pipeline is
//! parse ([`syntax`]), check ([`check`]), lower ([`lower`]), decompose ([`decompose`]),
//! validate ([`ir::Compiled`]), then simulate ([`simulate`]) or emit ([`emit`]).
//!
//! The whole pipeline from a source string:
//!
//! ```
//! use nalgebra::DMatrix;
//! use num_complex::Complex64;
//! use pnn::{Compiler, EmitKind};
//!
//! let source = r#"
//!     network splitter {
//!         target photonic(mesh = clements)
//!         input x: optical[2]
//!         layer u = unitary(x, [[1, 1i], [1i, 1]] / sqrt(2))
//!         output detect(u)
//!     }
//! "#;
//! let compilation = Compiler::default()
//!     .compile_source("splitter.pnn", source)
//!     .map_err(|failure| failure.render(false))?;
//!
//! // Simulate the compiled mesh: light in mode 0 splits evenly.
//! let network = pnn::simulate::select(&compilation.compiled, None)?;
//! let input = DMatrix::from_row_slice(1, 2, &[Complex64::new(1.0, 0.0), Complex64::new(0.0, 0.0)]);
//! let output = pnn::simulate::run(network, &input)?;
//! assert!((output[(0, 0)].re - 0.5).abs() < 1e-12);
//! assert!((output[(0, 1)].re - 0.5).abs() < 1e-12);
//!
//! // Every emitter returns its files as strings.
//! let artifacts = compilation.emit(EmitKind::Ir)?;
//! assert!(artifacts[0].contents.contains("mesh 2 modes, 1 MZI"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The library never prints and never exits; it logs through the `log` crate.

#![deny(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::dbg_macro,
    clippy::todo,
    clippy::exit
)]

pub mod check;
pub mod data;
pub mod decompose;
pub mod diagnostics;
pub mod driver;
pub mod emit;
pub mod ir;
pub mod linalg;
pub mod lower;
pub mod passes;
pub mod progress;
pub mod random;
pub mod report;
pub mod simulate;
pub mod source;
pub mod syntax;
pub mod synthesize;

pub use driver::{Compilation, CompileError, Compiler, Failure, Options};
pub use emit::{Artifact, EmitError, EmitKind};
