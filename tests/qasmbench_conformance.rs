//! Conformance of the optimized QASMBench circuits with Qiskit.
//!
//! Every program of the sample next to the repository (`../shared/qasmbench/`) with at most 10
//! qubits compiles at `--opt-level 3`. The operator of pnn's OpenQASM 3 output must equal the
//! operator of the program up to a global phase, both loaded by Qiskit with the final
//! measurements removed.

mod common;
mod qasm_import_sample;

use std::path::Path;
use std::process::Command;

use pnn::passes::OptLevel;
use pnn::{Compiler, EmitKind, Options};
use qasm_import_sample::*;

/// Largest entry error allowed between the two operators after aligning their phases.
const TOLERANCE: f64 = 1e-8;

/// Programs with more qubits are left out: Qiskit's operator of a 10-qubit circuit is a
/// 1024×1024 matrix.
const MAX_QUBITS: usize = 10;

/// Programs with more statements are left out to keep the test short; this skips only
/// `hhl_n10.qasm`, whose 186 000 gates take minutes in `Operator`.
const MAX_STATEMENTS: usize = 50_000;

/// Compiles one program at level 3 and writes it with pnn's OpenQASM 3 output into `out`.
fn compile_into(out: &Path, name: &str, text: &str) {
    let stem = name.trim_end_matches(".qasm");
    std::fs::write(out.join(name), text).unwrap();
    let options = Options {
        base_dir: Some(out.to_path_buf()),
        opt_level: OptLevel::MAX,
        ..Options::default()
    };
    let source = importing_network(name, declared_qubits(text));
    let compilation = Compiler::new(options)
        .compile_source(&format!("{stem}.pnn"), &source)
        .unwrap_or_else(|failure| panic!("{name} failed to compile:\n{}", failure.render(false)));
    let artifacts = compilation.emit(EmitKind::Qasm3).unwrap();
    let [artifact] = artifacts.as_slice() else {
        panic!("{name}: one program expected");
    };
    std::fs::write(out.join(format!("{stem}.qasm3")), &artifact.contents).unwrap();
}

#[test]
fn optimized_programs_keep_their_operator() {
    let Some(python) = common::python_with(&["qiskit", "qiskit_qasm3_import"]) else {
        return;
    };
    let Some(dir) = qasmbench_dir() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for path in qasm_files(&dir) {
        let name = file_name(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        if NOT_UNITARY.contains(&name.as_str()) {
            continue;
        }
        // The invalid programs measure an undeclared register; without those lines they
        // are valid for both pnn and Qiskit.
        let text = if INVALID.contains(&name.as_str()) {
            without_measurements(&text)
        } else {
            text
        };
        if declared_qubits(&text) > MAX_QUBITS || text.matches(';').count() > MAX_STATEMENTS {
            eprintln!("{name}: left out, too large for an operator check");
            continue;
        }
        compile_into(scratch.path(), &name, &text);
        expected.push(name.trim_end_matches(".qasm").to_string());
    }
    assert!(!expected.is_empty(), "no program was compiled");

    let script = common::root().join("bench/qasmbench/check_operators.py");
    let output = Command::new(&python)
        .arg(&script)
        .arg(scratch.path())
        .output()
        .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "check_operators.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut checked = Vec::new();
    for line in stdout.lines() {
        let result: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = result["name"].as_str().unwrap().to_string();
        let error = result["error"].as_f64().unwrap();
        eprintln!(
            "{name}: operator error {error:.1e}, CX {} in the program, {} after pnn",
            result["original_cx"], result["compiled_cx"]
        );
        assert!(error <= TOLERANCE, "{name}: operator off by {error:e}");
        checked.push(name);
    }
    assert_eq!(checked, expected, "every compiled program was checked");
}
