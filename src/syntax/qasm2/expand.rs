//! Expansion of a parsed OpenQASM 2 program into pnn gates on one qubit register: names are
//! resolved, gate definitions are inlined, registers are broadcast and parameters evaluated.

use std::collections::HashMap;

use super::ast::*;
use super::error::Qasm2Error;
use super::parser::unsupported_version;
use super::qelib1::{self, Builtin};
use super::resolve::{self, Operand};
use crate::ir::Gate;
use crate::source::Span;

/// Maximum number of gates and measured qubits a program may expand to. A gate takes about
/// 100 bytes, so the limit bounds an import near 100 MiB; gate definitions that nest repeated
/// calls would otherwise grow exponentially.
pub const MAX_OPERATIONS: usize = 1 << 20;

/// A program expanded into gates on qubits `0 … num_qubits − 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The total size of the quantum registers.
    pub num_qubits: usize,
    pub gates: Vec<ImportedGate>,
    /// The `measure` statements that no gate follows on their qubits; the import drops them.
    pub final_measurements: Vec<Span>,
}

/// One gate of the expanded program.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedGate {
    pub gate: Gate,
    /// Operands as qubit indices: the quantum registers are concatenated in declaration order,
    /// so the first register's qubit 0 is qubit 0.
    pub qubits: Vec<usize>,
    /// The top-level statement the gate comes from, also when it is inside a gate definition.
    pub span: Span,
}

/// Expands a parsed program; returns every error found.
pub fn expand(program: &Program) -> Result<Imported, Vec<Qasm2Error>> {
    let mut expander = Expander::default();
    if let Some(error) = program.version.as_ref().and_then(unsupported_version) {
        expander.errors.push(error);
    }
    for statement in &program.statements {
        if expander.operations > MAX_OPERATIONS {
            break;
        }
        expander.statement(statement);
    }
    if !expander.errors.is_empty() {
        return Err(expander.errors);
    }
    let final_measurements = expander
        .measurements
        .iter()
        .filter(|measurement| !measurement.followed)
        .map(|measurement| measurement.span)
        .collect();
    Ok(Imported {
        num_qubits: expander.names.num_qubits,
        gates: expander.gates,
        final_measurements,
    })
}

/// The gate a name refers to: a built-in, a user definition or an opaque declaration.
#[derive(Debug, Clone)]
enum GateEntry<'p> {
    Builtin(Builtin),
    Defined {
        definition: &'p GateDefinition,
        /// Whether the definition has errors; calls of it are then skipped without more errors.
        broken: bool,
    },
    Opaque {
        params: usize,
        qubits: usize,
        span: Span,
    },
}

impl GateEntry<'_> {
    fn arity(&self) -> (usize, usize) {
        match self {
            GateEntry::Builtin(builtin) => (builtin.params, builtin.qubits),
            GateEntry::Defined { definition, .. } => {
                (definition.params.len(), definition.qubits.len())
            }
            GateEntry::Opaque { params, qubits, .. } => (*params, *qubits),
        }
    }

    fn definition_span(&self) -> Option<Span> {
        match self {
            GateEntry::Builtin(_) => None,
            GateEntry::Defined { definition, .. } => Some(definition.name.span),
            GateEntry::Opaque { span, .. } => Some(*span),
        }
    }
}

/// A `measure` statement and whether a later gate acts on one of its qubits.
struct Measurement {
    span: Span,
    followed: bool,
}

/// A gate definition being expanded: its bound parameters and qubits, and the position of
/// the next body statement.
struct Frame<'p> {
    definition: &'p GateDefinition,
    params: Vec<f64>,
    qubits: Vec<usize>,
    next: usize,
}

impl Frame<'_> {
    /// Returns the qubit bound to one of the definition's qubit names.
    fn qubit(&self, name: &str) -> usize {
        let position = self
            .definition
            .qubits
            .iter()
            .position(|qubit| qubit.name == name)
            .expect("body arguments were checked at the definition");
        self.qubits[position]
    }
}

#[derive(Default)]
struct Expander<'p> {
    names: resolve::Names,
    gate_entries: HashMap<String, GateEntry<'p>>,
    qelib1: bool,
    gates: Vec<ImportedGate>,
    /// Gates and measured qubits so far, bounded by [`MAX_OPERATIONS`].
    operations: usize,
    measurements: Vec<Measurement>,
    /// The last measurement of each measured qubit, an index into `measurements`.
    measured: HashMap<usize, usize>,
    errors: Vec<Qasm2Error>,
}

impl<'p> Expander<'p> {
    fn statement(&mut self, statement: &'p Statement) {
        match statement {
            Statement::Include { path, span, .. } => {
                if path == "qelib1.inc" {
                    self.qelib1 = true;
                } else {
                    self.errors.push(Qasm2Error::UnsupportedInclude {
                        path: path.clone(),
                        span: *span,
                    });
                }
            }
            Statement::QuantumRegister(register) => {
                if self.define_name(&register.name) {
                    self.names.declare(register, true);
                }
            }
            Statement::ClassicalRegister(register) => {
                if self.define_name(&register.name) {
                    self.names.declare(register, false);
                }
            }
            Statement::GateDefinition(definition) => self.define_gate(definition),
            Statement::Opaque {
                name,
                params,
                qubits,
                span,
            } => {
                if self.define_name(name) {
                    let entry = GateEntry::Opaque {
                        params: params.len(),
                        qubits: qubits.len(),
                        span: *span,
                    };
                    self.gate_entries.insert(name.name.clone(), entry);
                }
            }
            Statement::Apply(call) => self.apply(call),
            Statement::Measure { qubit, bit, span } => self.measure(qubit, bit, *span),
            Statement::Reset { qubit, span } => {
                if self.names.operand(qubit, true, &mut self.errors).is_some() {
                    self.errors.push(Qasm2Error::NotUnitary {
                        statement: "reset",
                        span: *span,
                        later_gate: None,
                    });
                }
            }
            Statement::Barrier { arguments, .. } => {
                // A barrier only orders gates for a scheduler; its operands must still exist.
                for argument in arguments {
                    self.names.operand(argument, true, &mut self.errors);
                }
            }
            Statement::If { span, .. } => self.errors.push(Qasm2Error::NotUnitary {
                statement: "if",
                span: *span,
                later_gate: None,
            }),
        }
    }

    /// Reserves a global name for a register or gate; reports a duplicate and returns false
    /// when it is taken.
    fn define_name(&mut self, name: &Ident) -> bool {
        let previous = match self.gate_entries.get(&name.name) {
            Some(entry) => Some(entry.definition_span()),
            None if self.builtin(&name.name).is_some() => Some(None),
            None => self.names.declaration(&name.name).map(Some),
        };
        match previous {
            Some(previous) => {
                self.errors.push(Qasm2Error::DuplicateName {
                    name: name.name.clone(),
                    span: name.span,
                    previous,
                });
                false
            }
            None => true,
        }
    }

    fn builtin(&self, name: &str) -> Option<Builtin> {
        qelib1::find(name, self.qelib1)
    }

    fn lookup(&self, name: &str) -> Option<GateEntry<'p>> {
        match self.gate_entries.get(name) {
            Some(entry) => Some(entry.clone()),
            None => self.builtin(name).map(GateEntry::Builtin),
        }
    }

    /// Checks a gate definition's names and body once, so that errors in it are reported at
    /// the definition and not at every call.
    fn define_gate(&mut self, definition: &'p GateDefinition) {
        if !self.define_name(&definition.name) {
            return;
        }
        let errors_before = self.errors.len();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for name in definition.params.iter().chain(&definition.qubits) {
            if let Some(previous) = seen.insert(&name.name, name.span) {
                self.errors.push(Qasm2Error::DuplicateName {
                    name: name.name.clone(),
                    span: name.span,
                    previous: Some(previous),
                });
            }
        }
        for statement in &definition.body {
            match statement {
                Statement::Apply(call) => self.check_body_call(definition, call),
                Statement::Barrier { arguments, .. } => {
                    for argument in arguments {
                        self.body_qubit(definition, argument);
                    }
                }
                _ => unreachable!("the parser puts only gate calls and barriers in a gate body"),
            }
        }
        let broken = self.errors.len() > errors_before;
        self.gate_entries.insert(
            definition.name.name.clone(),
            GateEntry::Defined { definition, broken },
        );
    }

    fn check_body_call(&mut self, definition: &GateDefinition, call: &GateCall) {
        let Some(entry) = self.known_gate(call) else {
            return;
        };
        if let GateEntry::Opaque { span, .. } = entry {
            self.errors.push(Qasm2Error::OpaqueGate {
                name: call.name.name.clone(),
                span: call.span,
                declaration: span,
            });
            return;
        }
        if !self.check_arity(&entry, call) {
            return;
        }
        for param in &call.params {
            check_parameter_names(param, &definition.params, &mut self.errors);
        }
        let mut used: Vec<(usize, Span)> = Vec::new();
        for argument in &call.arguments {
            let Some(position) = self.body_qubit(definition, argument) else {
                continue;
            };
            if let Some(&(_, first)) = used.iter().find(|(other, _)| *other == position) {
                self.errors.push(Qasm2Error::RepeatedQubit {
                    qubit: argument.register.name.clone(),
                    span: argument.span,
                    first,
                });
            }
            used.push((position, argument.span));
        }
    }

    /// Returns the position of a qubit argument of a gate body among the gate's qubits.
    fn body_qubit(&mut self, definition: &GateDefinition, argument: &Argument) -> Option<usize> {
        let position = definition
            .qubits
            .iter()
            .position(|qubit| qubit.name == argument.register.name);
        if position.is_none() {
            let names: Vec<String> = definition
                .qubits
                .iter()
                .map(|qubit| format!("`{}`", qubit.name))
                .collect();
            self.errors.push(Qasm2Error::UnknownName {
                name: argument.register.name.clone(),
                expected: "qubit argument",
                span: argument.register.span,
                help: format!(
                    "a gate body acts only on the gate's qubits, here {}",
                    names.join(", ")
                ),
            });
        }
        position
    }

    /// Looks up a called gate, reporting an unknown name.
    fn known_gate(&mut self, call: &GateCall) -> Option<GateEntry<'p>> {
        let name = &call.name.name;
        if let Some(entry) = self.lookup(name) {
            return Some(entry);
        }
        let help = if !self.qelib1 && qelib1::find(name, true).is_some() {
            format!(
                "`{name}` is defined in qelib1.inc: add `include \"qelib1.inc\";` before this statement"
            )
        } else {
            let known = self
                .gate_entries
                .keys()
                .map(String::as_str)
                .chain(qelib1::PRIMITIVES.iter().map(|gate| gate.name))
                .chain(
                    qelib1::QELIB1
                        .iter()
                        .filter(|_| self.qelib1)
                        .map(|gate| gate.name),
                );
            match resolve::closest(name, known) {
                Some(candidate) => format!("did you mean `{candidate}`?"),
                None => format!("define it first with `gate {name} … {{ … }}`"),
            }
        };
        self.errors.push(Qasm2Error::UnknownName {
            name: name.clone(),
            expected: "gate",
            span: call.name.span,
            help,
        });
        None
    }

    fn check_arity(&mut self, entry: &GateEntry, call: &GateCall) -> bool {
        let (params, qubits) = entry.arity();
        if call.params.len() == params && call.arguments.len() == qubits {
            return true;
        }
        self.errors.push(Qasm2Error::GateArity {
            gate: call.name.name.clone(),
            qubits,
            params,
            found_qubits: call.arguments.len(),
            found_params: call.params.len(),
            span: call.span,
            definition: entry.definition_span(),
        });
        false
    }

    /// Applies a top-level gate call, broadcast over whole-register arguments.
    fn apply(&mut self, call: &GateCall) {
        let Some(entry) = self.known_gate(call) else {
            return;
        };
        if !self.check_arity(&entry, call) {
            return;
        }
        let errors_before = self.errors.len();
        let mut params = Vec::with_capacity(call.params.len());
        for param in &call.params {
            check_parameter_names(param, &[], &mut self.errors);
            if self.errors.len() == errors_before {
                match evaluate(param, &[], &[]) {
                    Ok(value) => params.push(value),
                    Err(error) => self.errors.push(error),
                }
            }
        }
        let operands: Vec<Option<Operand>> = call
            .arguments
            .iter()
            .map(|argument| self.names.operand(argument, true, &mut self.errors))
            .collect();
        if self.errors.len() > errors_before {
            return;
        }
        let operands: Vec<Operand> = operands.into_iter().flatten().collect();
        let Some(rounds) = resolve::broadcast_size(&operands, &mut self.errors) else {
            return;
        };
        match entry {
            GateEntry::Defined { broken: true, .. } => return,
            GateEntry::Opaque { span, .. } => {
                self.errors.push(Qasm2Error::OpaqueGate {
                    name: call.name.name.clone(),
                    span: call.span,
                    declaration: span,
                });
                return;
            }
            _ => {}
        }
        for round in 0..rounds {
            let qubits: Vec<usize> = operands
                .iter()
                .map(|operand| operand.qubit(round))
                .collect();
            if let Some(error) = resolve::repeated_qubit(&qubits, &operands, round) {
                self.errors.push(error);
                return;
            }
            self.mark_measured_followed(&qubits, call.span);
            let mut expanded = Vec::new();
            if let Err(error) =
                self.expand_entry(&entry, &params, &qubits, call.span, &mut expanded)
            {
                self.errors.push(error);
                return;
            }
            self.operations += expanded.len();
            if self.operations > MAX_OPERATIONS {
                self.errors.push(Qasm2Error::TooManyGates {
                    limit: MAX_OPERATIONS,
                    span: call.span,
                });
                return;
            }
            self.gates
                .extend(expanded.into_iter().map(|(gate, qubits)| ImportedGate {
                    gate,
                    qubits,
                    span: call.span,
                }));
        }
    }

    /// Reports the measurements of `qubits` that this gate follows as mid-circuit.
    fn mark_measured_followed(&mut self, qubits: &[usize], gate_span: Span) {
        for qubit in qubits {
            let Some(&index) = self.measured.get(qubit) else {
                continue;
            };
            let measurement = &mut self.measurements[index];
            if !measurement.followed {
                measurement.followed = true;
                self.errors.push(Qasm2Error::NotUnitary {
                    statement: "measure",
                    span: measurement.span,
                    later_gate: Some(gate_span),
                });
            }
        }
    }

    /// Appends the gates of one call with evaluated parameters on distinct qubits.
    ///
    /// Nested gate definitions expand with an explicit stack rather than recursion, so that a
    /// long chain of definitions cannot overflow the call stack.
    fn expand_entry(
        &self,
        entry: &GateEntry<'p>,
        params: &[f64],
        qubits: &[usize],
        call_span: Span,
        out: &mut Vec<(Gate, Vec<usize>)>,
    ) -> Result<(), Qasm2Error> {
        let definition = match entry {
            GateEntry::Builtin(builtin) => {
                qelib1::expand(builtin.name, params, qubits, out);
                return Ok(());
            }
            GateEntry::Defined { definition, .. } => *definition,
            GateEntry::Opaque { .. } => unreachable!("calls of opaque gates are rejected before"),
        };
        let mut stack = vec![Frame {
            definition,
            params: params.to_vec(),
            qubits: qubits.to_vec(),
            next: 0,
        }];
        while let Some(frame) = stack.last_mut() {
            let Some(statement) = frame.definition.body.get(frame.next) else {
                stack.pop();
                continue;
            };
            frame.next += 1;
            let Statement::Apply(call) = statement else {
                continue;
            };
            let inner_params = call
                .params
                .iter()
                .map(|param| {
                    evaluate(param, &frame.definition.params, &frame.params).map_err(|error| {
                        match error {
                            Qasm2Error::NonFinite { value, span, .. } => Qasm2Error::NonFinite {
                                value,
                                span,
                                call: Some(call_span),
                            },
                            other => other,
                        }
                    })
                })
                .collect::<Result<Vec<f64>, _>>()?;
            let inner_qubits: Vec<usize> = call
                .arguments
                .iter()
                .map(|argument| frame.qubit(&argument.register.name))
                .collect();
            match self
                .lookup(&call.name.name)
                .expect("body calls were checked at the definition")
            {
                GateEntry::Builtin(builtin) => {
                    qelib1::expand(builtin.name, &inner_params, &inner_qubits, out);
                    if out.len() > MAX_OPERATIONS {
                        return Err(Qasm2Error::TooManyGates {
                            limit: MAX_OPERATIONS,
                            span: call_span,
                        });
                    }
                }
                GateEntry::Defined { definition, .. } => stack.push(Frame {
                    definition,
                    params: inner_params,
                    qubits: inner_qubits,
                    next: 0,
                }),
                GateEntry::Opaque { .. } => {
                    unreachable!("bodies that call opaque gates are rejected at the definition")
                }
            }
        }
        Ok(())
    }

    fn measure(&mut self, qubit: &Argument, bit: &Argument, span: Span) {
        let qubit_operand = self.names.operand(qubit, true, &mut self.errors);
        let bit_operand = self.names.operand(bit, false, &mut self.errors);
        let (Some(qubit_operand), Some(bit_operand)) = (qubit_operand, bit_operand) else {
            return;
        };

        let operands = [qubit_operand, bit_operand];
        let Some(rounds) = resolve::broadcast_size(&operands, &mut self.errors) else {
            return;
        };
        let [qubit_operand, bit_operand] = operands;
        if qubit_operand.is_register() != bit_operand.is_register() {
            self.errors.push(resolve::measure_shape_mismatch(
                &qubit_operand,
                &bit_operand,
            ));
            return;
        }

        self.operations += rounds;
        if self.operations > MAX_OPERATIONS {
            self.errors.push(Qasm2Error::TooManyGates {
                limit: MAX_OPERATIONS,
                span,
            });
            return;
        }
        let index = self.measurements.len();
        self.measurements.push(Measurement {
            span,
            followed: false,
        });
        for round in 0..rounds {
            self.measured.insert(qubit_operand.qubit(round), index);
        }
    }
}

/// Reports names in an expression other than `pi`, the unary functions and `params`.
fn check_parameter_names(expr: &Expr, params: &[Ident], errors: &mut Vec<Qasm2Error>) {
    match &expr.kind {
        ExprKind::Number(_) | ExprKind::Pi => {}
        ExprKind::Parameter(name) => {
            if !params.iter().any(|param| &param.name == name) {
                let help = if params.is_empty() {
                    "expressions outside gate definitions use only numbers, `pi` and the functions sin, cos, tan, exp, ln and sqrt".to_string()
                } else {
                    let names: Vec<String> = params
                        .iter()
                        .map(|param| format!("`{}`", param.name))
                        .collect();
                    format!("the gate's parameters are {}", names.join(", "))
                };
                errors.push(Qasm2Error::UnknownName {
                    name: name.clone(),
                    expected: "parameter",
                    span: expr.span,
                    help,
                });
            }
        }
        ExprKind::Neg(operand) | ExprKind::Call(_, operand) => {
            check_parameter_names(operand, params, errors)
        }
        ExprKind::Chain(first, rest) => {
            check_parameter_names(first, params, errors);
            for (_, operand) in rest {
                check_parameter_names(operand, params, errors);
            }
        }
        ExprKind::Binary(_, left, right) => {
            check_parameter_names(left, params, errors);
            check_parameter_names(right, params, errors);
        }
    }
}

/// Evaluates a checked expression with `values[i]` bound to `params[i]`.
fn evaluate(expr: &Expr, params: &[Ident], values: &[f64]) -> Result<f64, Qasm2Error> {
    let value = match &expr.kind {
        ExprKind::Number(value) => *value,
        ExprKind::Pi => std::f64::consts::PI,
        ExprKind::Parameter(name) => {
            let position = params
                .iter()
                .position(|param| &param.name == name)
                .expect("parameter names were checked");
            values[position]
        }
        ExprKind::Neg(operand) => -evaluate(operand, params, values)?,
        ExprKind::Call(function, operand) => function.apply(evaluate(operand, params, values)?),
        ExprKind::Chain(first, rest) => evaluate_chain(first, rest, params, values)?,
        ExprKind::Binary(op, left, right) => {
            let left = evaluate(left, params, values)?;
            let right = evaluate(right, params, values)?;
            apply(*op, left, right)
        }
    };
    if !value.is_finite() {
        return Err(Qasm2Error::NonFinite {
            value,
            span: expr.span,
            call: None,
        });
    }
    Ok(value)
}

/// Evaluates `first op1 operand1 op2 operand2 …` from left to right, checking each partial
/// result as if the chain were nested binary operations.
fn evaluate_chain(
    first: &Expr,
    rest: &[(BinaryOp, Expr)],
    params: &[Ident],
    values: &[f64],
) -> Result<f64, Qasm2Error> {
    let mut value = evaluate(first, params, values)?;
    let mut span = first.span;
    for (op, operand) in rest {
        value = apply(*op, value, evaluate(operand, params, values)?);
        span = span.to(operand.span);
        if !value.is_finite() {
            return Err(Qasm2Error::NonFinite {
                value,
                span,
                call: None,
            });
        }
    }
    Ok(value)
}

fn apply(op: BinaryOp, left: f64, right: f64) -> f64 {
    match op {
        BinaryOp::Add => left + right,
        BinaryOp::Sub => left - right,
        BinaryOp::Mul => left * right,
        BinaryOp::Div => left / right,
        BinaryOp::Pow => left.powf(right),
    }
}
