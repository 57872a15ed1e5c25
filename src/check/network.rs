//! Checks of one network: its statements, the layer chain and the widths along it.

use std::collections::HashMap;
use std::path::Path;

use super::error::{CheckError, CheckWarning};
use super::integer;
use super::layers::{self, LayerContext};
use super::quantum;
use super::target;
use super::value::{Evaluator, Scope};
use super::{CheckedLayer, CheckedNetwork, LayerKind};
use crate::ir::{Input, Target};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, Ident, Statement};

/// Names defined in one namespace, with their definition sites.
#[derive(Debug, Default)]
pub struct Definitions {
    spans: HashMap<String, Span>,
}

impl Definitions {
    /// Records a definition, or reports a duplicate of an earlier one.
    pub fn define(&mut self, name: &Ident) -> Result<(), CheckError> {
        if let Some(previous) = self.spans.get(&name.name) {
            return Err(CheckError::DuplicateName {
                name: name.name.clone(),
                span: name.span,
                previous: *previous,
            });
        }
        self.spans.insert(name.name.clone(), name.span);
        Ok(())
    }
}

/// Evaluates `const NAME = EXPR` and adds it to the scope.
pub fn define_constant(
    decl: &ast::ConstDecl,
    scope: &mut Scope,
    definitions: &mut Definitions,
    base_dir: &Path,
    errors: &mut Vec<CheckError>,
) {
    if matches!(decl.name.name.as_str(), "pi" | "tau" | "e") {
        errors.push(CheckError::InvalidValue {
            message: format!("`{}` is a built-in constant", decl.name.name),
            label: "cannot be redefined".into(),
            span: decl.name.span,
            help: "choose another name for this constant".into(),
        });
        return;
    }
    if let Err(error) = definitions.define(&decl.name) {
        errors.push(error);
        return;
    }
    let evaluator = Evaluator { scope, base_dir };
    match evaluator.eval(&decl.value) {
        Ok(value) => scope.define(&decl.name.name, value, decl.name.span),
        Err(error) => errors.push(error),
    }
}

/// What a layer name stands for while checking: its width (unknown after an error in the
/// layer, so that users of it are not reported again) and its definition site.
struct Signal {
    width: Option<usize>,
    span: Span,
    /// Name of the layer or input this layer reads; `None` for the input.
    source: Option<String>,
    /// The call of the layer when it is a `measure` layer, which no layer may read.
    measured_at: Option<Span>,
}

pub struct NetworkChecker<'a> {
    decl: &'a ast::Network,
    /// Whether the network is quantum, which selects the layer kinds.
    quantum: bool,
    scope: Scope,
    base_dir: &'a Path,
    pub errors: Vec<CheckError>,
    pub warnings: Vec<CheckWarning>,
}

impl<'a> NetworkChecker<'a> {
    pub fn new(decl: &'a ast::Network, scope: Scope, base_dir: &'a Path) -> Self {
        NetworkChecker {
            decl,
            quantum: false,
            scope,
            base_dir,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Checks the network; returns it when no error was found.
    pub fn run(&mut self) -> Option<CheckedNetwork> {
        let statements = self.collect_statements();
        let target = statements.target.and_then(|decl| {
            let result = target::check_target(decl, &self.evaluator());
            self.record_all(result)
        });
        // Without a valid target, the input type decides which layer kinds apply.
        self.quantum = match &target {
            Some(target) => target.is_quantum(),
            None => statements
                .input
                .is_some_and(|input| input.ty.name == "qubit"),
        };
        let input = statements
            .input
            .and_then(|decl| self.check_input(decl, target.as_ref()));

        let mut signals: HashMap<String, Signal> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut checked_layers: HashMap<String, CheckedLayer> = HashMap::new();
        if let Some(decl) = statements.input {
            signals.insert(
                decl.name.name.clone(),
                Signal {
                    width: input.as_ref().map(|input| input.width),
                    span: decl.span,
                    source: None,
                    measured_at: None,
                },
            );
        }
        let later: HashMap<&str, Span> = statements
            .layers
            .iter()
            .map(|layer| (layer.name.name.as_str(), layer.name.span))
            .collect();

        for decl in &statements.layers {
            let (signal, layer) = self.check_layer(decl, &signals, &later, target.as_ref());
            signals.insert(decl.name.name.clone(), signal);
            order.push(decl.name.name.clone());
            if let Some(layer) = layer {
                checked_layers.insert(decl.name.name.clone(), layer);
            }
        }

        let output = statements
            .output
            .and_then(|decl| self.check_output(decl, &signals, &later));

        // Walk from the output back to the input to find the chain and the unused layers.
        // After an error the chain may be cut short, so unused layers are reported only for
        // networks without errors.
        let errors_before = self.errors.len();
        let mut chain: Vec<String> = Vec::new();
        if let Some((name, _)) = &output {
            let mut current = Some(name.clone());
            while let Some(name) = current {
                let Some(signal) = signals.get(&name) else {
                    break;
                };
                if signal.source.is_some() {
                    chain.push(name.clone());
                }
                current = signal.source.clone();
            }
            chain.reverse();
            let in_chain: std::collections::HashSet<&String> = chain.iter().collect();
            let name_spans: HashMap<&str, Span> = statements
                .layers
                .iter()
                .map(|layer| (layer.name.name.as_str(), layer.name.span))
                .collect();
            for name in order.iter().filter(|_| errors_before == 0) {
                if !in_chain.contains(name) {
                    let span = name_spans
                        .get(name.as_str())
                        .copied()
                        .unwrap_or(self.decl.span);
                    self.warnings.push(CheckWarning::UnusedLayer {
                        name: name.clone(),
                        span,
                    });
                }
            }
        }

        if !self.errors.is_empty() {
            return None;
        }
        let (target, input, output_decl, (_, wrap)) =
            (target?, input?, statements.output?, output?);
        let layers = chain
            .iter()
            .map(|name| checked_layers.remove(name))
            .collect::<Option<Vec<_>>>()?;
        Some(CheckedNetwork {
            name: self.decl.name.name.clone(),
            span: self.decl.name.span,
            target,
            input,
            layers,
            output_span: output_decl.span,
            output_detect: wrap == OutputWrap::Detect,
            output_measure: wrap == OutputWrap::Measure,
        })
    }

    /// Stores an error and returns `None`, or passes the value on.
    fn record<T>(&mut self, result: Result<T, CheckError>) -> Option<T> {
        result.map_err(|error| self.errors.push(error)).ok()
    }

    /// Stores every error and returns `None`, or passes the value on.
    fn record_all<T>(&mut self, result: Result<T, Vec<CheckError>>) -> Option<T> {
        result.map_err(|errors| self.errors.extend(errors)).ok()
    }

    fn collect_statements(&mut self) -> Statements<'a> {
        let mut statements = Statements::default();
        let mut names = Definitions::default();
        let mut constants = Definitions::default();
        for statement in &self.decl.statements {
            match statement {
                Statement::Target(decl) => {
                    self.once("target", &mut statements.target, decl, decl.span)
                }
                Statement::Output(decl) => {
                    self.once("output", &mut statements.output, decl, decl.span)
                }
                Statement::Input(decl) => {
                    self.once("input", &mut statements.input, decl, decl.span);
                    if let Err(error) = names.define(&decl.name) {
                        self.errors.push(error);
                    }
                }
                Statement::Layer(decl) => match names.define(&decl.name) {
                    Ok(()) => statements.layers.push(decl),
                    Err(error) => self.errors.push(error),
                },
                Statement::Const(decl) => define_constant(
                    decl,
                    &mut self.scope,
                    &mut constants,
                    self.base_dir,
                    &mut self.errors,
                ),
            }
        }
        let example = |statement| match statement {
            "target" => "target photonic(mesh = clements)",
            "input" => "input x: optical[4]",
            _ => "output x",
        };
        // Statements are collected before the target is checked, so the input type decides
        // between the photonic and the quantum examples.
        let quantum_input = statements
            .input
            .is_some_and(|input| input.ty.name == "qubit");
        let example = |statement| match (statement, quantum_input) {
            ("target", true) => "target quantum(basis = [u3, cx])",
            ("input", true) => "input q: qubit[2]",
            _ => example(statement),
        };
        for (statement, present) in [
            ("target", statements.target.is_some()),
            ("input", statements.input.is_some()),
            ("output", statements.output.is_some()),
        ] {
            if !present {
                self.errors.push(CheckError::MissingStatement {
                    statement,
                    network: self.decl.name.name.clone(),
                    span: self.decl.name.span,
                    example: example(statement),
                });
            }
        }
        statements
    }

    /// Records the first occurrence of a statement that may appear once.
    fn once<T>(
        &mut self,
        statement: &'static str,
        slot: &mut Option<&'a T>,
        decl: &'a T,
        span: Span,
    ) where
        T: HasSpan,
    {
        match slot {
            Some(previous) => self.errors.push(CheckError::RepeatedStatement {
                statement,
                span,
                previous: previous.span(),
            }),
            None => *slot = Some(decl),
        }
    }

    fn evaluator(&self) -> Evaluator<'_> {
        Evaluator {
            scope: &self.scope,
            base_dir: self.base_dir,
        }
    }

    fn check_input(&mut self, decl: &ast::InputDecl, target: Option<&Target>) -> Option<Input> {
        let ty = decl.ty.name.as_str();
        match (ty, target) {
            ("qubit", Some(Target::Photonic(photonic))) => {
                self.errors.push(CheckError::TargetMismatch {
                    found: "a qubit input".into(),
                    target: "photonic".into(),
                    span: decl.ty.span,
                    target_span: photonic.span,
                    help: "declare the input as `optical[N]`, or use `target quantum(…)`".into(),
                });
                return None;
            }
            ("optical", Some(Target::Quantum(quantum))) => {
                self.errors.push(CheckError::TargetMismatch {
                    found: "an optical input".into(),
                    target: "quantum".into(),
                    span: decl.ty.span,
                    target_span: quantum.span,
                    help: "declare the input as `qubit[N]`, or use `target photonic(…)`".into(),
                });
                return None;
            }
            ("optical" | "qubit", _) => {}
            _ => {
                self.errors.push(CheckError::UnknownName {
                    name: ty.to_string(),
                    expected: "input type",
                    span: decl.ty.span,
                    candidates: vec!["optical".into(), "qubit".into()],
                });
                return None;
            }
        }
        let (what, limit) = match ty {
            "qubit" => ("a qubit input width", quantum::MAX_INPUT_QUBITS),
            _ => ("an input width", u32::MAX as usize),
        };
        let width = self.record(integer::positive_integer_at_most(
            &self.evaluator(),
            &decl.width,
            what,
            limit,
        ))?;
        Some(Input {
            name: decl.name.name.clone(),
            width,
            span: decl.span,
        })
    }

    fn check_layer(
        &mut self,
        decl: &ast::LayerDecl,
        signals: &HashMap<String, Signal>,
        later: &HashMap<&str, Span>,
        target: Option<&Target>,
    ) -> (Signal, Option<CheckedLayer>) {
        let failed = |source| Signal {
            width: None,
            span: decl.span,
            source,
            measured_at: None,
        };
        let (signature, kinds) = if self.quantum {
            (
                quantum::signature(&decl.call.callee.name),
                &quantum::KINDS[..],
            )
        } else {
            (
                layers::signature(&decl.call.callee.name),
                &layers::KINDS[..],
            )
        };
        let Some(signature) = signature else {
            self.errors.push(CheckError::UnknownName {
                name: decl.call.callee.name.clone(),
                expected: if self.quantum {
                    "quantum layer kind"
                } else {
                    "photonic layer kind"
                },
                span: decl.call.callee.span,
                candidates: kinds.iter().map(|kind| kind.to_string()).collect(),
            });
            return (failed(None), None);
        };
        if decl.body.is_some() && decl.call.callee.name != "circuit" {
            self.errors.push(CheckError::UnexpectedArgument {
                call: decl.call.callee.name.clone(),
                span: decl.span,
                usage: signature.usage,
            });
            return (failed(None), None);
        }
        let bound = match signature.bind(&decl.call) {
            Ok(bound) => bound,
            Err(error) => {
                self.errors.push(error);
                return (failed(None), None);
            }
        };
        let source_expr = bound.get("input").expect("every layer kind takes an input");
        let Some(source) = self.resolve(source_expr, signals, later, decl.name.span) else {
            return (failed(None), None);
        };
        let source_signal = &signals[&source];
        if let Some(measure_span) = source_signal.measured_at {
            self.errors.push(CheckError::ReadsMeasurement {
                reader: Some(decl.name.name.clone()),
                measure: source.clone(),
                span: source_expr.span,
                measure_span,
            });
        }
        let width = source_signal.width;
        let context = LayerContext {
            kind: &decl.call.callee.name,
            bound: &bound,
            call: &decl.call,
            width,
            source: &source,
            source_span: source_signal.span,
            body: decl.body.as_deref(),
        };
        let evaluator = Evaluator {
            scope: &self.scope,
            base_dir: self.base_dir,
        };
        let result = if self.quantum {
            let quantum_target = match target {
                Some(Target::Quantum(quantum_target)) => Some(quantum_target),
                _ => None,
            };
            quantum::check_layer(&context, &evaluator, quantum_target, &mut self.warnings).and_then(
                |checked| match quantum_target {
                    Some(quantum_target) => {
                        quantum::check_basis(&checked.0, quantum_target, decl.span)
                            .map_err(|error| vec![error])?;
                        Ok(checked)
                    }
                    None => Ok(checked),
                },
            )
        } else {
            layers::check_layer(&context, &evaluator, &mut self.warnings)
                .map_err(|error| vec![error])
        };
        match self.record_all(result) {
            // After an error upstream the layer is checked but not kept.
            Some(_) if width.is_none() => (failed(Some(source)), None),
            Some((kind, output_width)) => (
                Signal {
                    width: output_width,
                    span: decl.span,
                    source: Some(source),
                    measured_at: matches!(kind, LayerKind::Measure).then_some(decl.call.span),
                },
                Some(CheckedLayer {
                    name: decl.name.name.clone(),
                    span: decl.span,
                    kind,
                }),
            ),
            None => (failed(Some(source)), None),
        }
    }

    /// Resolves a reference to the input or an earlier layer.
    fn resolve(
        &mut self,
        expr: &ast::Expr,
        signals: &HashMap<String, Signal>,
        later: &HashMap<&str, Span>,
        own_span: Span,
    ) -> Option<String> {
        let ExprKind::Name(name) = &expr.kind else {
            self.errors.push(CheckError::TypeMismatch {
                expected: "the name of the input or of a layer".into(),
                found: "an expression".into(),
                span: expr.span,
            });
            return None;
        };
        if signals.contains_key(name) {
            return Some(name.clone());
        }
        match later.get(name.as_str()) {
            Some(definition) if *definition == own_span => {
                self.errors.push(CheckError::InvalidValue {
                    message: format!("layer `{name}` reads itself"),
                    label: "a layer cannot be its own input".into(),
                    span: expr.span,
                    help: "read the input or an earlier layer".into(),
                })
            }
            Some(definition) => self.errors.push(CheckError::UsedBeforeDefinition {
                name: name.clone(),
                span: expr.span,
                definition: *definition,
            }),
            _ => {
                let mut candidates: Vec<String> = signals.keys().cloned().collect();
                candidates.sort();
                self.errors.push(CheckError::UnknownName {
                    name: name.clone(),
                    expected: "layer or input",
                    span: expr.span,
                    candidates,
                });
            }
        }
        None
    }

    /// Checks `output NAME`, `output detect(NAME)` (photonic) or `output measure(NAME)`
    /// (quantum); returns the name and the wrapping call.
    fn check_output(
        &mut self,
        decl: &ast::OutputDecl,
        signals: &HashMap<String, Signal>,
        later: &HashMap<&str, Span>,
    ) -> Option<(String, OutputWrap)> {
        let (wrap_name, wrap) = if self.quantum {
            ("measure", OutputWrap::Measure)
        } else {
            ("detect", OutputWrap::Detect)
        };
        match &decl.value.kind {
            ExprKind::Name(_) => self
                .resolve(&decl.value, signals, later, decl.span)
                .map(|name| (name, OutputWrap::None)),
            ExprKind::Call(call) if call.callee.name == wrap_name => {
                let signature = if self.quantum {
                    quantum::signature(wrap_name)?
                } else {
                    layers::signature(wrap_name)?
                };
                let bound = self.record(signature.bind(call))?;
                let source = bound.get("input")?;
                let name = self.resolve(source, signals, later, decl.span)?;
                if let Some(measure_span) = signals[&name].measured_at {
                    self.errors.push(CheckError::ReadsMeasurement {
                        reader: None,
                        measure: name.clone(),
                        span: decl.value.span,
                        measure_span,
                    });
                }
                Some((name, wrap))
            }
            _ => {
                let found = match &decl.value.kind {
                    ExprKind::Call(call) => format!("a call of `{}`", call.callee.name),
                    _ => "another expression".into(),
                };
                self.errors.push(CheckError::TypeMismatch {
                    expected: format!("a layer name or `{wrap_name}(NAME)`"),
                    found,
                    span: decl.value.span,
                });
                None
            }
        }
    }
}

/// What the `output` statement wraps around its layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutputWrap {
    None,
    Detect,
    Measure,
}

#[derive(Default)]
struct Statements<'a> {
    target: Option<&'a ast::TargetDecl>,
    input: Option<&'a ast::InputDecl>,
    output: Option<&'a ast::OutputDecl>,
    layers: Vec<&'a ast::LayerDecl>,
}

trait HasSpan {
    fn span(&self) -> Span;
}

impl HasSpan for ast::TargetDecl {
    fn span(&self) -> Span {
        self.span
    }
}

impl HasSpan for ast::InputDecl {
    fn span(&self) -> Span {
        self.span
    }
}

impl HasSpan for ast::OutputDecl {
    fn span(&self) -> Span {
        self.span
    }
}
