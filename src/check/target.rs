//! Checks of `target KIND(OPTION = VALUE, …)`.

use super::error::CheckError;
use crate::ir::{MeshKind, PhotonicTarget, Target};
use crate::syntax::ast::{ExprKind, TargetDecl};

/// Target kinds pnn compiles for.
pub const TARGETS: [&str; 1] = ["photonic"];

const PHOTONIC_OPTIONS: [&str; 1] = ["mesh"];
const MESHES: [&str; 2] = ["clements", "reck"];

pub fn check_target(decl: &TargetDecl) -> Result<Target, CheckError> {
    match decl.kind.name.as_str() {
        "photonic" => photonic(decl).map(Target::Photonic),
        other => Err(CheckError::UnknownName {
            name: other.to_string(),
            expected: "target",
            span: decl.kind.span,
            candidates: TARGETS.iter().map(|t| t.to_string()).collect(),
        }),
    }
}

fn photonic(decl: &TargetDecl) -> Result<PhotonicTarget, CheckError> {
    let mut mesh = MeshKind::Clements;
    for option in &decl.options {
        let Some(name) = &option.name else {
            return Err(CheckError::TypeMismatch {
                expected: "a named option such as `mesh = clements`".into(),
                found: "a positional argument".into(),
                span: option.span,
            });
        };
        match name.name.as_str() {
            "mesh" => {
                mesh = match symbol(&option.value.kind) {
                    Some("clements") => MeshKind::Clements,
                    Some("reck") => MeshKind::Reck,
                    _ => {
                        return Err(CheckError::InvalidChoice {
                            option: "mesh".into(),
                            found: symbol(&option.value.kind).unwrap_or("…").to_string(),
                            span: option.value.span,
                            valid: MESHES.to_vec(),
                        });
                    }
                }
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
    }
    Ok(PhotonicTarget {
        mesh,
        span: decl.span,
    })
}

/// Returns the bare name an option value is written as, if it is one.
pub fn symbol(kind: &ExprKind) -> Option<&str> {
    match kind {
        ExprKind::Name(name) => Some(name),
        _ => None,
    }
}
