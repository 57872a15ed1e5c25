//! Checks of `target KIND(OPTION = VALUE, …)`.

use super::error::CheckError;
use super::value::Evaluator;
pub use super::written::written_value;
use crate::ir::{Layout, MeshKind, PhotonicTarget, QuantumTarget, Target};
use crate::syntax::ast::{Argument, ExprKind, TargetDecl};
use crate::synthesize::basis::Basis;

/// Target kinds pnn compiles for.
pub const TARGETS: [&str; 2] = ["photonic", "quantum"];

const QUANTUM_OPTIONS: [&str; 1] = ["basis"];

/// Supported gate bases, as sets of names, with whether they contain an entangling gate.
const BASES: [(&[&str], Basis, bool); 5] = [
    (&["u3", "cx"], Basis::U3Cx, true),
    (&["rz", "sx", "x", "cx"], Basis::RzSxXCx, true),
    (&["u3", "cz"], Basis::U3Cz, true),
    (&["u3"], Basis::U3Cx, false),
    (&["rz", "sx", "x"], Basis::RzSxXCx, false),
];

const PHOTONIC_OPTIONS: [&str; 4] = ["mesh", "layout", "mzi_loss_db", "rank_tolerance"];
const LAYOUTS: [(&str, Layout); 2] = [("compact", Layout::Compact), ("fixed", Layout::Fixed)];
const MESHES: [(&str, MeshKind); 2] = [("clements", MeshKind::Clements), ("reck", MeshKind::Reck)];

/// Checks a target statement and returns the target, or an error for each invalid option.
pub fn check_target(decl: &TargetDecl, evaluator: &Evaluator) -> Result<Target, Vec<CheckError>> {
    match decl.kind.name.as_str() {
        "photonic" => photonic(decl, evaluator).map(Target::Photonic),
        "quantum" => quantum(decl).map(Target::Quantum),
        other => Err(vec![CheckError::UnknownName {
            name: other.to_string(),
            expected: "target",
            span: decl.kind.span,
            candidates: TARGETS.iter().map(|t| t.to_string()).collect(),
        }]),
    }
}

/// Reports each option given again, e.g. the second `mesh` of
/// `target photonic(mesh = reck, mesh = clements)`, with the span of its first occurrence.
fn repeated_options(decl: &TargetDecl) -> Vec<CheckError> {
    let mut errors = Vec::new();
    for (index, option) in decl.options.iter().enumerate() {
        let Some(name) = &option.name else { continue };
        let first = decl.options[..index].iter().find(|earlier| {
            earlier
                .name
                .as_ref()
                .is_some_and(|earlier| earlier.name == name.name)
        });
        if let Some(first) = first {
            errors.push(CheckError::RepeatedOption {
                option: name.name.clone(),
                span: option.span,
                previous: first.span,
            });
        }
    }
    errors
}

/// Applies each option in turn, so that an invalid option does not hide the errors of the
/// options after it.
fn apply_options<T>(
    decl: &TargetDecl,
    mut target: T,
    mut apply: impl FnMut(&mut T, &Argument) -> Result<(), CheckError>,
) -> Result<T, Vec<CheckError>> {
    let mut errors = repeated_options(decl);
    for option in &decl.options {
        if let Err(error) = apply(&mut target, option) {
            errors.push(error);
        }
    }
    if errors.is_empty() {
        Ok(target)
    } else {
        Err(errors)
    }
}

fn photonic(decl: &TargetDecl, evaluator: &Evaluator) -> Result<PhotonicTarget, Vec<CheckError>> {
    let target = PhotonicTarget {
        mesh: MeshKind::Clements,
        layout: Layout::Compact,
        mzi_loss_db: DEFAULT_MZI_LOSS_DB,
        rank_tolerance: 0.0,
        span: decl.span,
    };
    apply_options(decl, target, |target, option| {
        photonic_option(target, option, evaluator)
    })
}

/// Returns the value that `choices` pairs with the option's symbol, or the error that lists
/// the valid symbols.
fn choice<T: Copy>(
    option: &Argument,
    name: &str,
    choices: &[(&'static str, T)],
) -> Result<T, CheckError> {
    let found = symbol(&option.value.kind);
    choices
        .iter()
        .find(|(valid, _)| found == Some(*valid))
        .map(|&(_, value)| value)
        .ok_or_else(|| CheckError::InvalidChoice {
            option: name.into(),
            found: written_value(&option.value.kind),
            span: option.value.span,
            valid: choices.iter().map(|&(valid, _)| valid).collect(),
        })
}

fn photonic_option(
    target: &mut PhotonicTarget,
    option: &Argument,
    evaluator: &Evaluator,
) -> Result<(), CheckError> {
    let Some(name) = &option.name else {
        return Err(CheckError::TypeMismatch {
            expected: "a named option such as `mesh = clements`".into(),
            found: "a positional argument".into(),
            span: option.span,
        });
    };
    match name.name.as_str() {
        "mesh" => target.mesh = choice(option, "mesh", &MESHES)?,
        "layout" => target.layout = choice(option, "layout", &LAYOUTS)?,
        "mzi_loss_db" => {
            target.mzi_loss_db = non_negative(evaluator, &option.value, "mzi_loss_db", "0.1")?
        }
        "rank_tolerance" => {
            let value = non_negative(evaluator, &option.value, "rank_tolerance", "1e-6")?;
            if value >= 1.0 {
                return Err(CheckError::InvalidValue {
                        message: format!("`rank_tolerance` must be below 1, found {value}"),
                        label: "would drop every singular value".into(),
                        span: option.value.span,
                        help: "give a fraction of the largest singular value, e.g. `rank_tolerance = 1e-6`".into(),
                    });
            }
            target.rank_tolerance = value;
        }
        other => {
            return Err(CheckError::UnknownOption {
                option: other.to_string(),
                context: "`target photonic`".into(),
                span: name.span,
                valid: PHOTONIC_OPTIONS.to_vec(),
            });
        }
    }
    Ok(())
}

/// Insertion loss of one MZI, in dB, when the target does not set `mzi_loss_db`: an estimate
/// for thermally tuned silicon MZIs, used only by the compile report.
pub const DEFAULT_MZI_LOSS_DB: f64 = 0.1;

fn non_negative(
    evaluator: &Evaluator,
    expr: &crate::syntax::ast::Expr,
    option: &str,
    example: &str,
) -> Result<f64, CheckError> {
    let value = evaluator.real(expr)?;
    if value < 0.0 {
        return Err(CheckError::InvalidValue {
            message: format!("`{option}` must not be negative, found {value}"),
            label: "negative".into(),
            span: expr.span,
            help: format!("write a value such as `{option} = {example}`"),
        });
    }
    Ok(value)
}

fn quantum(decl: &TargetDecl) -> Result<QuantumTarget, Vec<CheckError>> {
    let chosen = (Basis::U3Cx, true, "[u3, cx]".to_string());
    let (basis, entangling, basis_text) = apply_options(decl, chosen, quantum_option)?;
    Ok(QuantumTarget {
        basis,
        entangling,
        basis_text,
        span: decl.span,
    })
}

/// Checks the `basis` option of a quantum target and stores the basis, whether it
/// entangles, and its names as written.
fn quantum_option(chosen: &mut (Basis, bool, String), option: &Argument) -> Result<(), CheckError> {
    let Some(name) = &option.name else {
        return Err(CheckError::TypeMismatch {
            expected: "a named option such as `basis = [u3, cx]`".into(),
            found: "a positional argument".into(),
            span: option.span,
        });
    };
    if name.name != "basis" {
        return Err(CheckError::UnknownOption {
            option: name.name.clone(),
            context: "`target quantum`".into(),
            span: name.span,
            valid: QUANTUM_OPTIONS.to_vec(),
        });
    }
    let invalid = |found: String| CheckError::InvalidChoice {
        option: "basis".into(),
        found,
        span: option.value.span,
        valid: vec![
            "[u3, cx]",
            "[rz, sx, x, cx]",
            "[u3, cz]",
            "[u3]",
            "[rz, sx, x]",
        ],
    };
    let ExprKind::List(items) = &option.value.kind else {
        return Err(invalid(written_value(&option.value.kind)));
    };
    let mut names = Vec::new();
    for item in items {
        match symbol(&item.kind) {
            // `u` is the OpenQASM 3 name of `u3`.
            Some("u") => names.push("u3"),
            Some(name) => names.push(name),
            None => return Err(invalid(written_value(&option.value.kind))),
        }
    }
    let text = format!("[{}]", names.join(", "));
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let matched = BASES.iter().find(|(set, ..)| {
        let mut set = set.to_vec();
        set.sort_unstable();
        set == sorted
    });
    match matched {
        Some((_, basis, entangling)) => *chosen = (*basis, *entangling, text),
        None => return Err(invalid(text)),
    }
    Ok(())
}

/// Returns the bare name an option value is written as, if it is one.
pub fn symbol(kind: &ExprKind) -> Option<&str> {
    match kind {
        ExprKind::Name(name) => Some(name),
        _ => None,
    }
}
