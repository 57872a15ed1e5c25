//! Conformance of the OpenQASM 2 import with Qiskit. The tests import every unitary QASMBench
//! program of at most 8 qubits, and a program that calls every qelib1.inc gate. The unitary of
//! each compiled network must equal Qiskit's `Operator(qiskit.qasm2.loads(program))`, with
//! final measurements removed, up to a global phase. The QASMBench programs compile at the
//! default optimization level, the every-gate program at level 0.
//!
//! Qiskit loads the programs with `LEGACY_CUSTOM_INSTRUCTIONS`, whose qelib1.inc has the 42
//! gates pnn builds in (`swap`, `sx`, `rzz`, `c4x`, …); its plain qelib1.inc lacks some.

mod common;
mod qasm_import_sample;

use std::path::Path;
use std::process::Command;

use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::passes::OptLevel;
use pnn::simulate::quantum::network_unitary;
use pnn::{Compiler, Options};
use qasm_import_sample::*;

const TOLERANCE: f64 = 1e-9;

/// Largest program checked: Qiskit's and pnn's unitaries have 4^n entries.
const MAX_QUBITS: usize = 8;

/// Every gate of qelib1.inc and both primitives, with angles that avoid special values.
const EVERY_GATE: &str = r#"OPENQASM 2.0;
include "qelib1.inc";
qreg a[3];
qreg b[2];
creg c[5];
U(0.3, -0.4, 1.2) a[0];
CX a[0], b[1];
u3(0.5, 1.1, -0.7) a[1]; u2(0.2, -1.3) a[2]; u1(0.9) b[0]; id b[1]; u0(2) a[0];
u(1.4, 0.1, 0.6) a[1]; p(-0.8) a[2];
x a[0]; y a[1]; z a[2]; h b[0]; s b[1]; sdg a[0]; t a[1]; tdg a[2];
rx(0.7) b[0]; ry(-1.9) b[1]; rz(2.3) a[0]; sx a[1]; sxdg a[2];
cz a[0], b[0]; cy b[1], a[1]; swap a[2], b[0]; ch a[1], b[1];
ccx a[0], a[1], a[2]; cswap b[0], a[2], a[0];
crx(0.4) a[0], a[1]; cry(-0.6) b[1], a[2]; crz(1.3) a[2], b[0];
cu1(0.8) a[1], b[0]; cp(-1.2) b[0], a[0]; cu3(0.9, -0.3, 1.7) a[0], b[1];
csx b[1], a[0]; cu(1.1, 0.2, -0.5, 0.75) a[2], a[1];
rxx(0.65) a[0], b[0]; rzz(-1.05) b[1], a[1];
rccx a[0], b[0], a[2]; rc3x b[1], a[0], a[1], a[2];
c3x a[2], b[0], a[0], b[1]; c3sqrtx b[1], a[1], a[2], a[0]; c4x a[0], a[1], a[2], b[0], b[1];
measure a[0] -> c[0];
measure b[1] -> c[4];
"#;

/// Runs in Qiskit: prints one JSON line per case with the distance, after the best global
/// phase, between Qiskit's operator and the unitary pnn wrote.
const CHECK_SCRIPT: &str = r#"
import json, sys
import numpy as np
import qiskit.qasm2
from qiskit.quantum_info import Operator

directory = sys.argv[1]
for name in sys.argv[2:]:
    with open(f"{directory}/{name}.qasm") as handle:
        circuit = qiskit.qasm2.loads(
            handle.read(), custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS
        )
    circuit.remove_final_measurements()
    expected = Operator(circuit).data
    actual = np.load(f"{directory}/{name}.npy")
    # Align the global phase on the largest entry, then compare every entry.
    index = np.unravel_index(np.argmax(np.abs(expected)), expected.shape)
    phase = actual[index] / expected[index]
    phase /= abs(phase)
    error = float(np.max(np.abs(actual - phase * expected)))
    print(json.dumps({"name": name, "error": error, "qubits": circuit.num_qubits}))
"#;

fn write_matrix(path: &Path, matrix: &DMatrix<Complex64>) {
    let row_major: Vec<Complex64> = matrix.transpose().iter().copied().collect();
    let bytes = pnn::data::write_npy(&[matrix.nrows(), matrix.ncols()], &row_major, false);
    std::fs::write(path, bytes).unwrap();
}

/// Writes the program as NAME.qasm into `out`, compiles a network importing it at
/// `opt_level` and writes the compiled network's unitary as NAME.npy.
fn compile_case(out: &Path, name: &str, program: &str, opt_level: OptLevel) {
    let qasm_file = format!("{name}.qasm");
    std::fs::write(out.join(&qasm_file), program).unwrap();
    let options = Options {
        base_dir: Some(out.to_path_buf()),
        opt_level,
        ..Options::default()
    };
    let source = importing_network(&qasm_file, declared_qubits(program));
    let compilation = match Compiler::new(options).compile_source(&format!("{name}.pnn"), &source) {
        Ok(compilation) => compilation,
        Err(failure) => panic!("{name} failed to compile:\n{}", failure.render(false)),
    };
    let [network] = compilation.compiled.networks() else {
        panic!("{name}: one network expected");
    };
    write_matrix(&out.join(format!("{name}.npy")), &network_unitary(network));
}

/// Runs the Qiskit check on the cases in `directory` and asserts each within the tolerance.
fn check_cases(python: &Path, directory: &Path, names: &[String]) {
    let output = Command::new(python)
        .arg("-c")
        .arg(CHECK_SCRIPT)
        .arg(directory)
        .args(names)
        .output()
        .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the Qiskit check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut checked = 0;
    for line in stdout.lines() {
        let result: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = result["name"].as_str().unwrap();
        let error = result["error"].as_f64().unwrap();
        eprintln!("{name}: {} qubits, error {error:.1e}", result["qubits"]);
        assert!(
            error <= TOLERANCE,
            "{name}: the unitary differs from Qiskit's by {error:e}"
        );
        checked += 1;
    }
    assert_eq!(checked, names.len(), "every case was checked");
}

fn qiskit() -> Option<std::path::PathBuf> {
    common::python_with(&["qiskit", "qiskit_qasm3_import"])
}

#[test]
fn every_qelib1_gate_matches_qiskit() {
    let Some(python) = qiskit() else { return };
    let directory = tempfile::tempdir().unwrap();
    compile_case(directory.path(), "every_gate", EVERY_GATE, OptLevel::NONE);
    check_cases(&python, directory.path(), &["every_gate".to_string()]);
}

#[test]
fn every_qelib1_gate_matches_qiskit_optimized() {
    let Some(python) = qiskit() else { return };
    let directory = tempfile::tempdir().unwrap();
    compile_case(
        directory.path(),
        "every_gate",
        EVERY_GATE,
        OptLevel::DEFAULT,
    );
    check_cases(&python, directory.path(), &["every_gate".to_string()]);
}

#[test]
fn qasmbench_programs_match_qiskit() {
    let Some(python) = qiskit() else { return };
    let Some(sample) = qasmbench_dir() else {
        return;
    };
    let directory = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for path in qasm_files(&sample) {
        let file = file_name(&path);
        if NOT_UNITARY.contains(&file.as_str()) {
            continue;
        }
        let mut program = std::fs::read_to_string(&path).unwrap();
        if INVALID.contains(&file.as_str()) {
            program = without_measurements(&program);
        }
        if declared_qubits(&program) > MAX_QUBITS {
            eprintln!("{file}: skipped, more than {MAX_QUBITS} qubits");
            continue;
        }
        let name = file.trim_end_matches(".qasm").to_string();
        compile_case(directory.path(), &name, &program, OptLevel::DEFAULT);
        names.push(name);
    }
    check_cases(&python, directory.path(), &names);
}
