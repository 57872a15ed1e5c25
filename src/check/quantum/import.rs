//! `circuit(q, import = "file.qasm")`: reads an OpenQASM 2 program into a circuit layer.

use std::cell::RefCell;
use std::path::{Component, Path, PathBuf};

use super::CheckedGate;
use crate::check::error::{CheckError, CheckWarning};
use crate::check::layers::LayerContext;
use crate::check::value::{Evaluator, Value, type_mismatch};
use crate::check::{CheckedNetwork, LayerKind};
use crate::source::{FileId, SourceMap};
use crate::syntax::ast::Expr;
use crate::syntax::qasm2;

thread_local! {
    /// The source map of the running [`crate::check::check`] call, which imported files are
    /// added to.
    // NOTE: a thread-local because the layer checks receive no handle on the source map;
    // passing one would need a field in `NetworkChecker` and `LayerContext`.
    static SOURCES: RefCell<Option<SourceMap>> = const { RefCell::new(None) };
}

/// Runs `check` with `sources` open for imported files, and returns its result.
pub fn with_sources<R>(sources: &mut SourceMap, check: impl FnOnce() -> R) -> R {
    /// Moves the source map back to the caller, also when `check` panics.
    struct Restore<'a> {
        sources: &'a mut SourceMap,
        previous: Option<SourceMap>,
    }
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let current = SOURCES.replace(self.previous.take());
            if let Some(current) = current {
                *self.sources = current;
            }
        }
    }

    let previous = SOURCES.replace(Some(std::mem::take(sources)));
    let _restore = Restore { sources, previous };
    check()
}

fn add_source(name: String, text: String) -> FileId {
    SOURCES.with_borrow_mut(|sources| {
        sources
            .as_mut()
            .expect("check::check opens the source map before checking layers")
            .add(name, text)
    })
}

/// Checks `import = PATH` of a `circuit` layer: reads, parses and expands the program and
/// matches its qubit count with the layer's input.
pub fn circuit(
    layer: &LayerContext,
    evaluator: &Evaluator,
    path_expr: &Expr,
    warnings: &mut Vec<CheckWarning>,
) -> Result<Vec<CheckedGate>, CheckError> {
    let path = match evaluator.eval(path_expr)? {
        Value::String(path) => path,
        other => return Err(type_mismatch("a file path string", &other, path_expr)),
    };
    let resolved = evaluator.base_dir.join(&path);
    log::debug!("importing {}", resolved.display());
    let text = std::fs::read_to_string(&resolved).map_err(|error| CheckError::FileUnreadable {
        path: path.clone(),
        reason: error.to_string(),
        span: path_expr.span,
    })?;
    let file = add_source(display_name(&resolved), text.clone());
    let imported = qasm2::import(&text, file).map_err(|errors| CheckError::Import {
        errors,
        import: path_expr.span,
    })?;

    if let Some(width) = layer.width
        && width != imported.num_qubits
    {
        return Err(CheckError::WidthMismatch {
            what: format!("`{path}` declares {}", qubits(imported.num_qubits)),
            expected: width,
            found: imported.num_qubits,
            span: path_expr.span,
            source_span: layer.source_span,
            source_label: format!("`{}` has {}", layer.source, qubits(width)),
        });
    }
    if let Some(&first) = imported.final_measurements.first() {
        warnings.push(CheckWarning::MeasurementsDropped {
            path,
            count: imported.final_measurements.len(),
            span: first,
            import: path_expr.span,
        });
    }
    log::debug!(
        "imported {} gates on {} qubits",
        imported.gates.len(),
        imported.num_qubits
    );
    Ok(imported
        .gates
        .into_iter()
        .map(|gate| CheckedGate {
            gate: gate.gate,
            qubits: gate.qubits,
            span: gate.span,
        })
        .collect())
}

fn qubits(count: usize) -> String {
    if count == 1 {
        "1 qubit".to_string()
    } else {
        format!("{count} qubits")
    }
}

/// Returns the path with `.` and `dir/..` removed, for diagnostics, without touching the
/// file system.
fn display_name(path: &Path) -> String {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(normal.components().next_back(), Some(Component::Normal(_))) =>
            {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal.display().to_string()
}

/// Removes the warnings about dropped measurements that the network's output makes moot:
/// those of an imported layer that only `measure` layers follow, in a network whose output
/// is `measure(…)`, which measures every qubit right after the program's gates.
pub fn drop_measured_at_output(network: &CheckedNetwork, warnings: &mut Vec<CheckWarning>) {
    let ends_in_measurement = network.output_measure
        || network
            .layers
            .last()
            .is_some_and(|layer| layer.kind == LayerKind::Measure);
    if !ends_in_measurement {
        return;
    }
    let Some(index) = network
        .layers
        .iter()
        .rposition(|layer| layer.kind != LayerKind::Measure)
    else {
        return;
    };
    let layer_span = network.layers[index].span;
    warnings.retain(|warning| match warning {
        CheckWarning::MeasurementsDropped { import, .. } => {
            !(import.file == layer_span.file
                && layer_span.start <= import.start
                && import.end <= layer_span.end)
        }
        _ => true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_removes_parent_steps() {
        let path = Path::new("tests/corpus/invalid/../data/./bell.qasm");
        assert_eq!(display_name(path), "tests/corpus/data/bell.qasm");
        assert_eq!(display_name(Path::new("../x.qasm")), "../x.qasm");
    }
}
