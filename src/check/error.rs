//! Semantic errors and warnings found by the checker, and their diagnostics.
//!
//! Codes are stable: once published, a code keeps its meaning. `docs/diagnostics.md` lists
//! them with an example each.

use super::integer::format_real;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::qasm2::Qasm2Error;

/// A problem found while checking a parsed file.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckError {
    /// `layer u = unitary(y, …)` where no layer, input or constant `y` exists.
    UnknownName {
        name: String,
        /// What kind of name was expected: "layer or input", "constant", "function", …
        expected: &'static str,
        span: Span,
        /// Names of that kind that exist, offered when one is close to `name`.
        candidates: Vec<String>,
    },
    /// `layer a = …` twice in one network, or a layer named like the input.
    DuplicateName {
        name: String,
        span: Span,
        previous: Span,
    },
    /// `layer a = detect(b)` before `layer b = …`.
    UsedBeforeDefinition {
        name: String,
        span: Span,
        definition: Span,
    },
    /// `unitary(x, M)` with an 8×8 `M` on a 16-mode `x`.
    WidthMismatch {
        /// What has the wrong width, e.g. "the matrix has 8 columns".
        what: String,
        expected: usize,
        found: usize,
        span: Span,
        /// Where the expected width comes from.
        source_span: Span,
        source_label: String,
    },
    /// `unitary(x, [[1, 1], [0, 1]])`: ‖U†U − I‖ above the tolerance.
    NotUnitary {
        span: Span,
        deviation: f64,
        tolerance: f64,
    },
    /// `load("missing.npy")`, or a file that cannot be read or parsed.
    FileUnreadable {
        path: String,
        reason: String,
        span: Span,
    },
    /// `load("broken.npy")`: the file exists but its content is not a valid `.npy` or `.csv`
    /// array (a truncated file, a non-numeric CSV cell, an unknown extension).
    MalformedData {
        path: String,
        reason: String,
        span: Span,
    },
    /// `load("strings.npy")` with an element type pnn cannot use, e.g. `<U7`.
    UnsupportedDtype {
        path: String,
        dtype: String,
        span: Span,
    },
    /// A value of the wrong shape: a 3-D array where a matrix is expected, a non-square
    /// `unitary` matrix.
    BadShape {
        expected: String,
        found: String,
        span: Span,
    },
    /// A NaN or infinite entry in a matrix, vector or number.
    NonFinite {
        /// Where in the value, e.g. "entry (2, 3)".
        location: String,
        value: String,
        span: Span,
        /// How to avoid the value, which depends on where it comes from: a file, an
        /// arithmetic operation, a function or a literal.
        help: &'static str,
    },
    /// `target photonic(mesh = clements, size = 3)`: an option the target does not have.
    UnknownOption {
        option: String,
        context: String,
        span: Span,
        valid: Vec<&'static str>,
    },
    /// `mesh = butterfly`: a value outside the option's choices.
    InvalidChoice {
        option: String,
        found: String,
        span: Span,
        valid: Vec<&'static str>,
    },
    /// A network without a `target`, `input` or `output` statement.
    MissingStatement {
        statement: &'static str,
        network: String,
        span: Span,
        example: &'static str,
    },
    /// A second `target`, `input` or `output` statement in one network.
    RepeatedStatement {
        statement: &'static str,
        span: Span,
        previous: Span,
    },
    /// `unitary(x)`: a required argument is missing.
    MissingArgument {
        call: String,
        argument: &'static str,
        span: Span,
        usage: &'static str,
    },
    /// `target photonic(mesh = reck, mesh = clements)`: an option given twice.
    RepeatedOption {
        option: String,
        /// The repeat.
        span: Span,
        /// The first occurrence.
        previous: Span,
    },
    /// `detect(x, y)` or an unknown named argument.
    UnexpectedArgument {
        call: String,
        span: Span,
        usage: &'static str,
    },
    /// A value of the wrong kind: a string where a number is expected.
    TypeMismatch {
        expected: String,
        found: String,
        span: Span,
    },
    /// A value of the right kind outside its allowed range: a negative width, a permutation
    /// that repeats an index, `alpha = 1.5`.
    InvalidValue {
        message: String,
        label: String,
        span: Span,
        help: String,
    },
    /// `cx q[0], q[5];` on a 3-qubit register.
    QubitOutOfRange {
        /// The index as evaluated, which may be too large for a `usize`.
        index: f64,
        width: usize,
        span: Span,
    },
    /// `cx q[1], q[1];` or `qubits = [0, 0]`.
    RepeatedQubit {
        index: usize,
        /// Position of the repeat among the operands.
        position: usize,
        span: Span,
    },
    /// `cx q[0];` or `rz q[0];`: the wrong number of qubits or parameters for a gate.
    GateArity {
        gate: String,
        qubits: usize,
        params: usize,
        found_qubits: usize,
        found_params: usize,
        span: Span,
    },
    /// `cx` in a network whose basis has no two-qubit gate, e.g. `basis = [u3]`.
    BasisCannotExpress {
        what: String,
        basis: String,
        span: Span,
        basis_span: Span,
    },
    /// `input q: qubit[3]` in a photonic network.
    TargetMismatch {
        found: String,
        target: String,
        span: Span,
        target_span: Span,
        help: String,
    },
    /// `circuit(q, import = "bad.qasm")` where `bad.qasm` has errors, such as `reset q[0];`.
    /// The layer check returns all of them in one error; [`CheckError::split_import`] makes
    /// one error of each.
    Import {
        /// The program's errors, at least one; spans point into the `.qasm` file.
        errors: Vec<Qasm2Error>,
        /// The path argument of the `import` in the `.pnn` file.
        import: Span,
    },
    /// `circuit(q, import = "bell.qasm") { h q[0]; }`: both a program and a gate block.
    BlockAndImport { import: Span, block: Span },
    /// `layer c = circuit(m) { … }` or `output measure(m)` after `layer m = measure(q)`:
    /// `measure` must be the last layer.
    ReadsMeasurement {
        /// The layer that reads the measurement, or `None` for `output measure(…)`.
        reader: Option<String>,
        /// The name of the `measure` layer.
        measure: String,
        /// The reference to the `measure` layer, or the `measure(…)` of the output.
        span: Span,
        /// The `measure(…)` call of the `measure` layer.
        measure_span: Span,
    },
}

/// A finding that does not stop compilation.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckWarning {
    /// A layer that the output does not depend on.
    UnusedLayer { name: String, span: Span },
    /// A `unitary` matrix whose deviation from unitarity was above 1e-9 but within the
    /// tolerance; the nearest unitary (polar factor) replaces it.
    ProjectedToUnitary {
        span: Span,
        deviation: f64,
        tolerance: f64,
    },
    /// `circuit(q, import = "bell.qasm")` where `bell.qasm` ends in `measure` statements, in a
    /// network that does not measure right after the layer; the layer drops them.
    MeasurementsDropped {
        path: String,
        /// The number of final `measure` statements.
        count: usize,
        /// The first final `measure` statement, in the `.qasm` file.
        span: Span,
        /// The path argument of the `import`.
        import: Span,
    },
}

impl CheckError {
    /// Returns the stable diagnostic code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CheckError::UnknownName { .. } => "E0002",
            CheckError::DuplicateName { .. } => "E0003",
            CheckError::UsedBeforeDefinition { .. } => "E0003",
            CheckError::WidthMismatch { .. } => "E0004",
            CheckError::NotUnitary { .. } => "E0005",
            CheckError::FileUnreadable { .. } | CheckError::MalformedData { .. } => "E0006",
            CheckError::UnsupportedDtype { .. } => "E0007",
            CheckError::BadShape { .. } => "E0008",
            CheckError::NonFinite { .. } => "E0009",
            CheckError::UnknownOption { .. } | CheckError::InvalidChoice { .. } => "E0010",
            CheckError::MissingStatement { .. } | CheckError::RepeatedStatement { .. } => "E0011",
            CheckError::MissingArgument { .. }
            | CheckError::RepeatedOption { .. }
            | CheckError::UnexpectedArgument { .. } => "E0012",
            CheckError::TypeMismatch { .. } => "E0013",
            CheckError::InvalidValue { .. } => "E0014",
            CheckError::TargetMismatch { .. } => "E0015",
            CheckError::QubitOutOfRange { .. } => "E0016",
            CheckError::RepeatedQubit { .. } => "E0017",
            CheckError::GateArity { .. } => "E0018",
            CheckError::BasisCannotExpress { .. } => "E0019",
            CheckError::Import { errors, .. } => errors.first().map_or("E0021", Qasm2Error::code),
            CheckError::BlockAndImport { .. } => "E0012",
            CheckError::ReadsMeasurement { .. } => "E0022",
        }
    }

    /// Splits an [`CheckError::Import`] with several program errors into one error each, so
    /// that each becomes its own diagnostic; returns any other error unchanged.
    pub fn split_import(self) -> Vec<CheckError> {
        match self {
            CheckError::Import { errors, import } if errors.len() > 1 => errors
                .into_iter()
                .map(|error| CheckError::Import {
                    errors: vec![error],
                    import,
                })
                .collect(),
            other => vec![other],
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let code = self.code();
        match self {
            CheckError::UnknownName {
                name,
                expected,
                span,
                candidates,
            } => {
                let diagnostic = Diagnostic::error(code, format!("unknown {expected} `{name}`"), *span)
                    .with_label(format!("no {expected} named `{name}`"));
                match closest(name, candidates) {
                    Some(candidate) => diagnostic.with_help(format!("did you mean `{candidate}`?")),
                    None if *expected == "constant" => diagnostic.with_help(format!(
                        "define it first with `const {name} = …`; the built-in constants are `e`, `pi` and `tau`"
                    )),
                    None if candidates.is_empty() => diagnostic
                        .with_help(format!("define the {expected} `{name}` before this use")),
                    None => diagnostic.with_help(format!(
                        "expected one of {}",
                        quote_list(candidates.iter().map(String::as_str))
                    )),
                }
            }
            CheckError::DuplicateName {
                name,
                span,
                previous,
            } => Diagnostic::error(code, format!("the name `{name}` is defined twice"), *span)
                .with_label("defined again here")
                .with_secondary(*previous, "first defined here")
                .with_help(format!("rename one of the two definitions of `{name}`")),
            CheckError::UsedBeforeDefinition {
                name,
                span,
                definition,
            } => Diagnostic::error(code, format!("`{name}` is used before its definition"), *span)
                .with_label("used here")
                .with_secondary(*definition, "defined later here")
                .with_help("layers form a chain from the input: move the definition above this use"),
            CheckError::WidthMismatch {
                what,
                expected,
                found,
                span,
                source_span,
                source_label,
            } => Diagnostic::error(
                code,
                format!("width mismatch: expected {expected}, found {found}"),
                *span,
            )
            .with_label(what.clone())
            .with_secondary(*source_span, source_label.clone())
            .with_help(format!(
                "give this value width {expected}, or feed the layer a signal of width {found}"
            )),
            CheckError::NotUnitary {
                span,
                deviation,
                tolerance,
            } => Diagnostic::error(code, "matrix is not unitary", *span)
                .with_label(format!("‖U†U − I‖ = {deviation:.3e}"))
                .with_note(format!(
                    "the deviation ‖U†U − I‖ (Frobenius norm) is {deviation:.3e}, above the tolerance {tolerance:.1e}"
                ))
                .with_help(
                    "use `linear` for a general matrix, or raise the bound with `tolerance = …` if the matrix is unitary up to rounding",
                ),
            CheckError::FileUnreadable { path, reason, span } => {
                Diagnostic::error(code, format!("cannot read `{path}`"), *span)
                    .with_label(reason.clone())
                    .with_help("check the path; relative paths are resolved against the directory of the .pnn file")
            }
            CheckError::MalformedData { path, reason, span } => {
                Diagnostic::error(code, format!("`{path}` is not a valid data file"), *span)
                    .with_label(reason.clone())
                    .with_help("save the array again, e.g. with `numpy.save(path, array)`, or as comma-separated numbers in a .csv file")
            }
            CheckError::UnsupportedDtype { path, dtype, span } => Diagnostic::error(
                code,
                format!("unsupported element type `{dtype}` in `{path}`"),
                *span,
            )
            .with_label(format!("`{path}` holds `{dtype}` elements"))
            .with_help(
                "save the array as float32, float64, complex64, complex128 or integers (e.g. `numpy.save(path, a.astype(numpy.float64))`)",
            ),
            CheckError::BadShape {
                expected,
                found,
                span,
            } => Diagnostic::error(code, format!("expected {expected}, found {found}"), *span)
                .with_label(format!("this is {found}"))
                .with_help(format!("provide {expected}")),
            CheckError::NonFinite {
                location,
                value,
                span,
                help,
            } => Diagnostic::error(code, format!("{location} is `{value}`"), *span)
                .with_label("not a finite number")
                .with_help(*help),
            CheckError::UnknownOption {
                option,
                context,
                span,
                valid,
            } => Diagnostic::error(code, format!("unknown option `{option}` for {context}"), *span)
                .with_label("unknown option")
                .with_help(match valid.as_slice() {
                    [] => format!("{context} takes no options: remove `{option}`"),
                    _ => format!("valid options are {}", quote_list(valid.iter().copied())),
                }),
            CheckError::InvalidChoice {
                option,
                found,
                span,
                valid,
            } => Diagnostic::error(code, format!("invalid value `{found}` for `{option}`"), *span)
                .with_label(format!("expected one of {}", quote_list(valid.iter().copied())))
                .with_help(format!("write `{option} = {}`", valid[0])),
            CheckError::MissingStatement {
                statement,
                network,
                span,
                example,
            } => Diagnostic::error(
                code,
                format!("network `{network}` has no `{statement}` statement"),
                *span,
            )
            .with_label(format!("`{statement}` missing in this network"))
            .with_help(format!("add a statement such as `{example}`")),
            CheckError::RepeatedStatement {
                statement,
                span,
                previous,
            } => Diagnostic::error(code, format!("a second `{statement}` statement"), *span)
                .with_label("repeated here")
                .with_secondary(*previous, "first given here")
                .with_help(format!("a network has exactly one `{statement}`: remove one")),
            CheckError::MissingArgument {
                call,
                argument,
                span,
                usage,
            } => Diagnostic::error(code, format!("`{call}` is missing the argument `{argument}`"), *span)
                .with_label(format!("`{argument}` missing"))
                .with_help(format!("write `{usage}`")),
            CheckError::RepeatedOption {
                option,
                span,
                previous,
            } => Diagnostic::error(code, format!("the option `{option}` is given twice"), *span)
                .with_label("repeated here")
                .with_secondary(*previous, "first given here")
                .with_help("give each option once"),
            CheckError::UnexpectedArgument { call, span, usage } => {
                Diagnostic::error(code, format!("unexpected argument to `{call}`"), *span)
                    .with_label("not an argument of this call")
                    .with_help(format!("write `{usage}`"))
            }
            CheckError::TypeMismatch {
                expected,
                found,
                span,
            } => Diagnostic::error(code, format!("expected {expected}, found {found}"), *span)
                .with_label(format!("this is {found}"))
                .with_help(format!("provide {expected} here")),
            CheckError::InvalidValue {
                message,
                label,
                span,
                help,
            } => Diagnostic::error(code, message.clone(), *span)
                .with_label(label.clone())
                .with_help(help.clone()),
            CheckError::QubitOutOfRange { index, width, span } => Diagnostic::error(
                code,
                format!(
                    "qubit index {} is out of range for a register of {width} qubits",
                    format_real(*index)
                ),
                *span,
            )
            .with_label(format!("valid indices are 0 to {}", width.saturating_sub(1)))
            .with_help("use an index below the register width, or widen the input"),
            CheckError::RepeatedQubit {
                index,
                position,
                span,
            } => Diagnostic::error(code, format!("qubit {index} appears twice in one gate"), *span)
                .with_label(format!("operand {position} repeats qubit {index}"))
                .with_help("a gate acts on distinct qubits: use another qubit for this operand"),
            CheckError::GateArity {
                gate,
                qubits,
                params,
                found_qubits,
                found_params,
                span,
            } => Diagnostic::error(
                code,
                format!(
                    "`{gate}` takes {} and {}, found {} and {}",
                    plural(*qubits, "qubit"),
                    plural(*params, "parameter"),
                    plural(*found_qubits, "qubit"),
                    plural(*found_params, "parameter")
                ),
                *span,
            )
            .with_label("wrong number of operands or parameters")
            .with_help(gate_usage(gate, *qubits, *params)),
            CheckError::BasisCannotExpress {
                what,
                basis,
                span,
                basis_span,
            } => Diagnostic::error(code, format!("the basis {basis} cannot express {what}"), *span)
                .with_label(format!("needs an entangling gate, which {basis} lacks"))
                .with_secondary(*basis_span, "basis chosen here")
                .with_help("add a two-qubit gate to the basis, e.g. `basis = [u3, cx]`"),
            CheckError::TargetMismatch {
                found,
                target,
                span,
                target_span,
                help,
            } => Diagnostic::error(code, format!("{found} in a {target} network"), *span)
                .with_label(format!("not available on a {target} target"))
                .with_secondary(*target_span, "target declared here")
                .with_help(help.clone()),
            CheckError::Import { errors, import } => {
                let Some((first, others)) = errors.split_first() else {
                    return Diagnostic::error(code, "the imported program has errors", *import);
                };
                let diagnostic = first
                    .to_diagnostic()
                    .with_secondary(*import, "imported here");
                match others.len() {
                    0 => diagnostic,
                    more => diagnostic.with_note(format!(
                        "the program has {more} more errors, not shown"
                    )),
                }
            }
            CheckError::BlockAndImport { import, block } => Diagnostic::error(
                code,
                "a `circuit` layer has both an imported program and a gate block",
                *import,
            )
            .with_label("the gates come from this program")
            .with_secondary(*block, "and from this gate block")
            .with_help("remove the gate block, or the `import` argument"),
            CheckError::ReadsMeasurement {
                reader,
                measure,
                span,
                measure_span,
            } => reads_measurement(reader.as_deref(), measure, *span, *measure_span),
        }
    }
}

/// Builds the diagnostic of [`CheckError::ReadsMeasurement`].
fn reads_measurement(
    reader: Option<&str>,
    measure: &str,
    span: Span,
    measure_span: Span,
) -> Diagnostic {
    let (message, help) = match reader {
        Some(layer) => (
            format!("layer `{layer}` reads the `measure` layer `{measure}`"),
            format!(
                "`measure` must be the last layer: apply `{layer}` before measuring, or remove `{measure}`"
            ),
        ),
        None => (
            format!("the output measures the `measure` layer `{measure}` again"),
            format!("`{measure}` already measures every qubit: write `output {measure}`"),
        ),
    };
    Diagnostic::error("E0022", message, span)
        .with_label(format!("`{measure}` is already measured"))
        .with_secondary(
            measure_span,
            "measured here, so this must be the last layer",
        )
        .with_help(help)
}

impl CheckWarning {
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            CheckWarning::UnusedLayer { name, span } => {
                Diagnostic::warning("W0001", format!("layer `{name}` is never used"), *span)
                    .with_label("the output does not depend on this layer")
                    .with_help("remove the layer, or feed it into the layer chain")
            }
            CheckWarning::ProjectedToUnitary {
                span,
                deviation,
                tolerance,
            } => Diagnostic::warning("W0002", "matrix is only nearly unitary", *span)
                .with_label(format!("‖U†U − I‖ = {deviation:.3e}"))
                .with_note(format!(
                    "the deviation is within the tolerance {tolerance:.1e}, so the nearest unitary (the polar factor) replaces the matrix"
                ))
                .with_help("save the matrix in float64 and re-orthonormalize it to silence this warning"),
            CheckWarning::MeasurementsDropped {
                path,
                count,
                span,
                import,
            } => Diagnostic::warning(
                "W0003",
                format!("the final measurements of `{path}` are dropped"),
                *span,
            )
            .with_label(match count {
                1 => "this measurement is dropped".to_string(),
                _ => format!("the first of {count} dropped `measure` statements"),
            })
            .with_secondary(*import, "imported here")
            .with_note("a `circuit` layer is unitary, so it keeps only the program's gates")
            .with_help("end the network with `output measure(…)` of this layer to measure every qubit"),
        }
    }
}

/// Returns "1 qubit", "2 qubits", "0 parameters".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Returns an example call of a gate with the right operand and parameter counts.
fn gate_usage(gate: &str, qubits: usize, params: usize) -> String {
    let params = match params {
        0 => String::new(),
        n => format!("({})", vec!["pi / 2"; n].join(", ")),
    };
    let operands: Vec<String> = (0..qubits).map(|i| format!("q[{i}]")).collect();
    format!("write `{gate}{params} {};`", operands.join(", "))
}

/// Returns `items` as "`a`, `b` or `c`".
fn quote_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.map(|item| format!("`{item}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Returns the candidate within edit distance 2 of `name` (and shorter than `name` is long),
/// closest first. A single candidate is always returned: the checker passes one only when it
/// knows the intended name.
fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    if let [only] = candidates {
        return Some(only);
    }
    // Names whose lengths differ by more than 2 cannot be within distance 2; skipping them
    // keeps a typo in a very long name from costing a quadratic distance computation.
    let length = name.chars().count();
    if length > 64 {
        return None;
    }
    candidates
        .iter()
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= 2)
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|&(distance, candidate)| {
            distance <= 2 && distance < name.len().max(candidate.len())
        })
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_name_suggestion() {
        let candidates = vec!["hidden".to_string(), "logits".to_string()];
        assert_eq!(closest("hiden", &candidates), Some("hidden"));
        assert_eq!(closest("zzz", &candidates), None);
    }
}
