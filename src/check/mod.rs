//! Semantic checks: names, targets, argument values, widths and data files.
//!
//! The checker evaluates every argument, loads data files and validates shapes, so that
//! lowering works on plain values and never fails. It reports every error it finds in a file,
//! not only the first; a layer whose arguments are invalid does not cause follow-up errors in
//! the layers that use it.

mod error;
mod integer;
mod layers;
mod network;
mod quantum;
mod signature;
mod target;
mod value;
mod written;

pub use error::{CheckError, CheckWarning};
pub use quantum::CheckedGate;
pub use value::{Scope, Value};

use std::path::Path;

use crate::ir::{Activation, CMatrix, Input, Target};
use crate::source::{SourceMap, Span};
use crate::syntax::ast;

/// A checked file: its networks, ready for lowering, and what the checks found.
#[derive(Debug, Default)]
pub struct Checked {
    pub networks: Vec<CheckedNetwork>,
    pub errors: Vec<CheckError>,
    pub warnings: Vec<CheckWarning>,
}

/// A network whose statements are all valid, with its layers in chain order from the input
/// to the output.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedNetwork {
    pub name: String,
    pub span: Span,
    pub target: Target,
    pub input: Input,
    /// The layers the output depends on, from the input onwards.
    pub layers: Vec<CheckedLayer>,
    /// Span of the `output` statement.
    pub output_span: Span,
    /// Whether the output is `detect(…)` of the last layer.
    pub output_detect: bool,
    /// Whether the output is `measure(…)` of the last layer.
    pub output_measure: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckedLayer {
    pub name: String,
    pub span: Span,
    pub kind: LayerKind,
}

/// A layer with its evaluated arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerKind {
    /// `unitary(x, U)`: U is N×N and unitary to the checker's tolerance (projected to the
    /// nearest unitary when slightly off).
    Unitary(CMatrix),
    /// `linear(x, W)`: W is M×N for an N-mode input.
    Linear(CMatrix),
    /// `phase(x, [φ…])`, one phase in radians per mode.
    Phase(Vec<f64>),
    /// `permute(x, [p…])`: output mode k carries input mode `p[k]`.
    Permute(Vec<usize>),
    /// `activation(x, kind = …)`
    Activation(Activation),
    /// `detect(x)`
    Detect,
    /// `unitary(q, U, qubits = […])` in a quantum network: U is 2^k × 2^k for the k listed
    /// qubits (all live qubits when the list is omitted), indices relative to the input.
    QubitUnitary { matrix: CMatrix, qubits: Vec<usize> },
    /// `circuit(q) { … }` or `circuit(q, import = "file.qasm")`, operands relative to the
    /// input register.
    Circuit(Vec<CheckedGate>),
    /// `perceptrons(q, …)`: one 2^(m+1)-dimensional unitary per perceptron, on the m input
    /// qubits (operands 0 … m − 1) and the perceptron's output qubit (operand m).
    Perceptrons(Vec<CMatrix>),
    /// `measure(q)`
    Measure,
}

/// Checks a parsed file. `base_dir` resolves relative paths in `load(…)` and `import`;
/// the files that `circuit(q, import = …)` layers read are added to `sources`, so that
/// diagnostics can point into them.
pub fn check(file: &ast::File, base_dir: &Path, sources: &mut SourceMap) -> Checked {
    quantum::with_sources(sources, || check_items(file, base_dir))
}

fn check_items(file: &ast::File, base_dir: &Path) -> Checked {
    let mut checked = Checked::default();
    let mut file_scope = Scope::with_builtins();
    let mut file_constants = network::Definitions::default();

    for item in &file.items {
        match item {
            ast::Item::Const(decl) => network::define_constant(
                decl,
                &mut file_scope,
                &mut file_constants,
                base_dir,
                &mut checked.errors,
            ),
            ast::Item::Network(_) => {}
        }
    }

    let mut network_names = network::Definitions::default();
    for item in &file.items {
        let ast::Item::Network(decl) = item else {
            continue;
        };
        if let Err(error) = network_names.define(&decl.name) {
            checked.errors.push(error);
        }
        let mut checker = network::NetworkChecker::new(decl, file_scope.clone(), base_dir);
        let result = checker.run();
        if let Some(network) = &result {
            quantum::drop_measured_at_output(network, &mut checker.warnings);
        }
        let errors = std::mem::take(&mut checker.errors);
        checked
            .errors
            .extend(errors.into_iter().flat_map(CheckError::split_import));
        checked.warnings.append(&mut checker.warnings);
        if let Some(network) = result {
            checked.networks.push(network);
        }
    }
    log::info!(
        "checked {} network(s): {} error(s), {} warning(s)",
        checked.networks.len(),
        checked.errors.len(),
        checked.warnings.len()
    );
    checked
}
