//! The compilation pipeline: parse, check, lower, optimize, decompose or synthesize, optimize,
//! validate.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::check;
use crate::decompose;
use crate::diagnostics::{self, Diagnostic};
use crate::emit::{self, Artifact, EmitError, EmitKind};
use crate::ir::{Circuit, Compiled, Module, Op, OpKind, Target, ValidationError};
use crate::lower;
use crate::passes::{self, OptLevel, PassNote};
use crate::progress::{Progress, ProgressHandle, Silent};
use crate::source::SourceMap;
use crate::syntax;
use crate::synthesize;

/// Settings of one compilation.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Directory that relative `load(…)` paths resolve against when compiling a source
    /// string; [`Compiler::compile_path`] uses the file's own directory instead. `None` means
    /// the current directory.
    pub base_dir: Option<PathBuf>,
    /// Optimization level; level 0 is the plain mapping.
    pub opt_level: OptLevel,
    /// Receives the progress of decomposition (in MZIs) and synthesis (in unitaries); `None`
    /// reports nothing.
    pub progress: Option<ProgressHandle>,
}

/// Entry point of the library: compiles `.pnn` sources into IR and artifacts.
#[derive(Debug, Clone, Default)]
pub struct Compiler {
    options: Options,
}

/// The result of a successful compilation.
#[derive(Debug, Clone)]
pub struct Compilation {
    /// Every file read, for rendering diagnostics.
    pub sources: SourceMap,
    /// IR right after lowering, before decomposition.
    pub lowered: Module,
    /// Validated IR with every unitary decomposed into a mesh.
    pub compiled: Compiled,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// What the optimization passes report, such as the error a rank truncation introduced.
    pub notes: Vec<PassNote>,
    /// The optimization level the compilation used.
    pub opt_level: OptLevel,
    /// Stem of the source file name, used to name artifacts.
    pub stem: String,
}

/// A compilation that produced errors.
#[derive(Debug, Clone)]
pub struct Failure {
    pub sources: SourceMap,
    /// Every error found, followed by the warnings.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why [`Compiler::compile_path`] failed.
#[derive(Debug)]
pub enum CompileError {
    /// The source file itself could not be read.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The source has errors.
    Diagnostics(Failure),
}

impl Compiler {
    pub fn new(options: Options) -> Self {
        Compiler { options }
    }

    /// Reads and compiles a `.pnn` file; `load(…)` paths resolve against its directory.
    pub fn compile_path(&self, path: impl AsRef<Path>) -> Result<Compilation, CompileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| CompileError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let options = Options {
            base_dir: Some(base_dir),
            ..self.options.clone()
        };
        Compiler::new(options)
            .compile_source(&path.display().to_string(), &text)
            .map_err(CompileError::Diagnostics)
    }

    /// Compiles source text; `name` labels it in diagnostics and names the artifacts.
    pub fn compile_source(&self, name: &str, text: &str) -> Result<Compilation, Failure> {
        let mut sources = SourceMap::new();
        let file = sources.add(name, text);
        let fail = |sources: SourceMap, diagnostics| Failure {
            sources,
            diagnostics,
        };

        log::info!("parsing {name}");
        let ast = match syntax::parse(text, file) {
            Ok(ast) => ast,
            Err(error) => return Err(fail(sources, vec![error.to_diagnostic()])),
        };

        let base_dir = self.options.base_dir.clone().unwrap_or_default();
        let checked = check::check(&ast, &base_dir, &mut sources);
        let warnings = limit_repeats(
            checked
                .warnings
                .iter()
                .map(check::CheckWarning::to_diagnostic)
                .collect(),
        );
        if !checked.errors.is_empty() {
            let mut diagnostics: Vec<Diagnostic> = checked
                .errors
                .iter()
                .map(check::CheckError::to_diagnostic)
                .collect();
            diagnostics.extend(warnings);
            return Err(fail(sources, diagnostics));
        }
        if checked.networks.is_empty() {
            let span = crate::source::Span::new(file, 0..0);
            let diagnostic = Diagnostic::error("E0011", "the file defines no network", span)
                .with_help("add `network NAME { … }`, see docs/language.md");
            return Err(fail(sources, vec![diagnostic]));
        }

        let lowered = lower::lower(&checked.networks);
        let level = self.options.opt_level;
        let mut notes = Vec::new();
        let progress: &dyn Progress = match &self.options.progress {
            Some(handle) => &*handle.0,
            None => &Silent,
        };
        let compiled = optimize_and_compile(&lowered, level, &mut notes, progress);
        let compiled = match compiled {
            Ok(compiled) => compiled,
            Err(error) => {
                let diagnostic = Diagnostic::error(
                    "E0900",
                    format!("internal compiler error: {error}"),
                    error.span,
                )
                .with_help("this is a bug in pnn; please report it with the input file");
                return Err(fail(sources, vec![diagnostic]));
            }
        };
        let stem = Path::new(name)
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or("network")
            .to_string();
        Ok(Compilation {
            sources,
            lowered,
            compiled,
            warnings,
            notes,
            opt_level: level,
            stem,
        })
    }
}

/// Most warnings of one code reported in full; a generated file with thousands of unused
/// layers would otherwise print megabytes.
const MAX_WARNINGS_PER_CODE: usize = 20;

/// Keeps the first [`MAX_WARNINGS_PER_CODE`] warnings of each code and replaces the rest by
/// one warning that counts them.
fn limit_repeats(warnings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut kept = Vec::new();
    let mut omitted: Vec<(&'static str, usize, crate::source::Span)> = Vec::new();
    for warning in warnings {
        let shown = kept
            .iter()
            .filter(|w: &&Diagnostic| w.code == warning.code)
            .count();
        if shown < MAX_WARNINGS_PER_CODE {
            kept.push(warning);
        } else if let Some(entry) = omitted.iter_mut().find(|(code, ..)| *code == warning.code) {
            entry.1 += 1;
        } else {
            omitted.push((warning.code, 1, warning.primary.span));
        }
    }
    for (code, count, span) in omitted {
        kept.push(
            Diagnostic::warning(
                code,
                format!("{count} more {code} warnings not shown"),
                span,
            )
            .with_label("the first one left out"),
        );
    }
    kept
}

/// Runs the passes of `level` around decomposition and synthesis and validates the result.
fn optimize_and_compile(
    lowered: &Module,
    level: OptLevel,
    notes: &mut Vec<PassNote>,
    progress: &dyn Progress,
) -> Result<Compiled, ValidationError> {
    let mut module = lowered.clone();
    passes::before_decomposition(&mut module, level, notes)?;
    let mut module = decompose_module_observed(&module, progress);
    passes::after_decomposition(&mut module, level, notes)?;
    let mut module = synthesize_module_observed(&module, progress);
    passes::after_synthesis(&mut module, level, notes)?;
    Compiled::new(module)
}

/// Replaces every unitary of a photonic network by an MZI mesh of the target topology.
pub fn decompose_module(module: &Module) -> Module {
    decompose_module_observed(module, &Silent)
}

/// [`decompose_module`], reporting the MZIs placed to `progress` as one step.
pub fn decompose_module_observed(module: &Module, progress: &dyn Progress) -> Module {
    let mut module = module.clone();
    let total: u64 = photonic_unitaries(&module)
        .map(|matrix| mzi_count(matrix.nrows()))
        .sum();
    if total > 0 {
        progress.begin("decomposing", total);
    }
    for network in &mut module.networks {
        let Target::Photonic(target) = &network.target else {
            continue;
        };
        let kind = target.mesh;
        for op in &mut network.ops {
            if let OpKind::Unitary(matrix) = &op.kind {
                log::info!(
                    "decomposing the {}×{} unitary of layer `{}`",
                    matrix.nrows(),
                    matrix.ncols(),
                    op.layer
                );
                let mesh = decompose::decompose_observed(matrix, kind, &mut |placed| {
                    progress.advance(placed as u64)
                });
                *op = Op {
                    kind: OpKind::Mesh(mesh),
                    ..op.clone()
                };
            }
        }
    }
    if total > 0 {
        progress.end();
    }
    module
}

/// Returns the unitaries of the photonic networks of `module`, which decomposition replaces.
fn photonic_unitaries(module: &Module) -> impl Iterator<Item = &crate::ir::CMatrix> {
    module
        .networks
        .iter()
        .filter(|network| matches!(network.target, Target::Photonic(_)))
        .flat_map(|network| &network.ops)
        .filter_map(|op| match &op.kind {
            OpKind::Unitary(matrix) => Some(matrix),
            _ => None,
        })
}

/// N(N − 1)/2, the MZIs of a full mesh on `modes` modes.
fn mzi_count(modes: usize) -> u64 {
    let modes = modes as u64;
    modes * modes.saturating_sub(1) / 2
}

/// Synthesizes every qubit unitary of a quantum network into gates, translates every
/// circuit into the target basis and merges consecutive circuits into one.
pub fn synthesize_module(module: &Module) -> Module {
    synthesize_module_observed(module, &Silent)
}

/// [`synthesize_module`], reporting each qubit unitary synthesized to `progress`.
pub fn synthesize_module_observed(module: &Module, progress: &dyn Progress) -> Module {
    let mut module = module.clone();
    let total = module
        .networks
        .iter()
        .flat_map(|network| &network.ops)
        .filter(|op| matches!(op.kind, OpKind::QubitUnitary { .. }))
        .count() as u64;
    if total > 0 {
        progress.begin("synthesizing", total);
    }
    for network in &mut module.networks {
        let Target::Quantum(target) = &network.target else {
            continue;
        };
        let basis = target.basis;
        let qubits = network.qubits;
        let mut ops: Vec<Op> = Vec::with_capacity(network.ops.len());
        for op in network.ops.drain(..) {
            let circuit = match &op.kind {
                OpKind::QubitUnitary {
                    matrix,
                    qubits: operands,
                } => {
                    log::info!(
                        "synthesizing the {}-qubit unitary of layer `{}`",
                        operands.len(),
                        op.layer
                    );
                    let local = synthesize::qsd::synthesize(matrix);
                    let mut circuit = Circuit::new(qubits);
                    circuit.append_mapped(&local, operands);
                    progress.advance(1);
                    circuit
                }
                OpKind::Circuit(circuit) => circuit.clone(),
                _ => {
                    ops.push(op);
                    continue;
                }
            };
            let translated = synthesize::basis::translate(&circuit, basis);
            // Consecutive circuits of one layer merge; circuits of different layers stay
            // apart so that every operation keeps the span of its layer.
            match ops.last_mut() {
                Some(Op {
                    kind: OpKind::Circuit(previous),
                    layer,
                    ..
                }) if *layer == op.layer => {
                    previous.append_mapped(&translated, &(0..qubits).collect::<Vec<_>>());
                }
                _ => ops.push(Op {
                    kind: OpKind::Circuit(translated),
                    ..op
                }),
            }
        }
        network.ops = ops;
    }
    if total > 0 {
        progress.end();
    }
    module
}

impl Compilation {
    /// Produces the files of one output kind.
    pub fn emit(&self, kind: EmitKind) -> Result<Vec<Artifact>, EmitError> {
        emit::emit(self, kind)
    }

    /// Counts the compiled hardware of every network; see [`crate::report`].
    pub fn report(&self) -> crate::report::Report {
        crate::report::Report::new(self)
    }

    /// Renders the warnings, with or without colour.
    pub fn render_warnings(&self, color: bool) -> String {
        diagnostics::render(&self.warnings, &self.sources, color)
    }
}

impl Failure {
    /// Renders every diagnostic, with or without colour.
    pub fn render(&self, color: bool) -> String {
        diagnostics::render(&self.diagnostics, &self.sources, color)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Failure {}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Io { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            CompileError::Diagnostics(failure) => failure.fmt(f),
        }
    }
}

impl std::error::Error for CompileError {}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::progress::testing::Recorder;

    fn compile_observed(source: &str) -> Arc<Recorder> {
        let recorder = Arc::new(Recorder::default());
        let options = Options {
            progress: Some(ProgressHandle(recorder.clone())),
            ..Options::default()
        };
        Compiler::new(options)
            .compile_source("observed.pnn", source)
            .expect("the source compiles");
        recorder
    }

    #[test]
    fn decomposition_reports_every_mzi() {
        // A dense 4-mode unitary (a DFT matrix) survives the structure passes and becomes one
        // full mesh of 6 MZIs.
        let recorder = compile_observed(
            "network dft {
                target photonic(mesh = reck)
                input x: optical[4]
                layer u = unitary(x, [[1, 1, 1, 1], [1, 1i, -1, -1i], [1, -1, 1, -1],
                                      [1, -1i, -1, 1i]] / 2)
                output u
            }",
        );
        let events = recorder.events();
        assert_eq!(
            events.first().map(String::as_str),
            Some("begin decomposing 6")
        );
        assert_eq!(events.last().map(String::as_str), Some("end"));
        assert_eq!(recorder.advanced_in("decomposing"), 6);
    }

    #[test]
    fn synthesis_reports_each_unitary() {
        let recorder = compile_observed(
            "network pair {
                target quantum(basis = [u3, cx])
                input q: qubit[2]
                layer a = unitary(q, [[0, 1], [1, 0]], qubits = [0])
                layer b = unitary(a, [[1, 0], [0, 1i]], qubits = [1])
                output b
            }",
        );
        assert_eq!(recorder.events()[0], "begin synthesizing 2");
        assert_eq!(recorder.advanced_in("synthesizing"), 2);
    }

    #[test]
    fn small_compilation_without_unitaries_reports_nothing() {
        let recorder = compile_observed(
            "network shifter {
                target photonic(mesh = clements)
                input x: optical[2]
                layer p = phase(x, [0.5, 1])
                output p
            }",
        );
        assert!(recorder.events().is_empty(), "{:?}", recorder.events());
    }
}
