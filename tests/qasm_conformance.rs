//! Conformance of the OpenQASM emitters with Qiskit: every emitted program loads with
//! `qiskit.qasm2.loads` / `qiskit.qasm3.loads` and its `Operator` equals the network's unitary,
//! computed from the source matrices before synthesis: exactly (global phase included) for
//! OpenQASM 3, up to a global phase for OpenQASM 2.

mod common;

use std::path::Path;
use std::process::Command;

use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::random::{SplitMix64, haar_unitary};
use pnn::simulate::quantum::network_unitary;
use pnn::{Compiler, EmitKind, Options};

const TOLERANCE: f64 = 1e-9;
const BASES: [&str; 3] = ["[u3, cx]", "[rz, sx, x, cx]", "[u3, cz]"];

fn write_matrix(path: &Path, matrix: &DMatrix<Complex64>) {
    let row_major: Vec<Complex64> = matrix.transpose().iter().copied().collect();
    let bytes = pnn::data::write_npy(&[matrix.nrows(), matrix.ncols()], &row_major, false);
    std::fs::write(path, bytes).unwrap();
}

/// Compiles a source, writes its QASM programs and expected unitary as NAME.* into `out`.
fn emit_case(out: &Path, name: &str, source: &str, base_dir: &Path) {
    let options = Options {
        base_dir: Some(base_dir.to_path_buf()),
        ..Options::default()
    };
    let compilation = match Compiler::new(options).compile_source(&format!("{name}.pnn"), source) {
        Ok(compilation) => compilation,
        Err(failure) => panic!("{name} failed to compile:\n{}", failure.render(false)),
    };
    let [lowered] = compilation.lowered.networks.as_slice() else {
        panic!("{name}: one network expected");
    };
    write_matrix(
        &out.join(format!("{name}.expected.npy")),
        &network_unitary(lowered),
    );
    for (kind, extension) in [(EmitKind::Qasm2, "qasm"), (EmitKind::Qasm3, "qasm3")] {
        let artifacts = compilation.emit(kind).unwrap();
        let [artifact] = artifacts.as_slice() else {
            panic!("{name}: one program expected");
        };
        std::fs::write(out.join(format!("{name}.{extension}")), &artifact.contents).unwrap();
    }
}

/// Runs the Qiskit check on a directory and asserts every case within the tolerance.
fn check_directory(python: &Path, directory: &Path, expected_cases: usize) {
    let script = common::root().join("tests/conformance/qasm_check.py");
    let output = Command::new(python)
        .arg(&script)
        .arg(directory)
        .output()
        .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "qasm_check.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut checked = 0;
    for line in stdout.lines() {
        let result: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = result["name"].as_str().unwrap();
        let qasm3 = result["qasm3_error"].as_f64().unwrap();
        let qasm2 = result["qasm2_error"].as_f64().unwrap();
        eprintln!(
            "{name}: qasm3 {qasm3:.1e}, qasm2 {qasm2:.1e}, ops {}",
            result["qasm3_ops"]
        );
        assert!(
            qasm3 <= TOLERANCE,
            "{name}: OpenQASM 3 operator off by {qasm3:e}"
        );
        assert!(
            qasm2 <= TOLERANCE,
            "{name}: OpenQASM 2 operator off by {qasm2:e} (up to phase)"
        );
        checked += 1;
    }
    assert_eq!(checked, expected_cases, "every case was checked");
}

fn qiskit() -> Option<std::path::PathBuf> {
    common::python_with(&["qiskit", "qiskit_qasm3_import", "numpy"])
}

#[test]
fn random_unitaries_in_every_basis() {
    let Some(python) = qiskit() else { return };
    let directory = tempfile::tempdir().unwrap();
    let mut rng = SplitMix64::new(2026);
    let mut cases = 0;
    for qubits in 1..=5 {
        let matrix = haar_unitary(1 << qubits, &mut rng);
        let matrix_file = format!("u{qubits}.npy");
        write_matrix(&directory.path().join(&matrix_file), &matrix);
        for (index, basis) in BASES.iter().enumerate() {
            let source = format!(
                "network random {{\n    target quantum(basis = {basis})\n    input q: qubit[{qubits}]\n    \
                 layer u = unitary(q, load(\"{matrix_file}\"))\n    output u\n}}\n"
            );
            emit_case(
                directory.path(),
                &format!("haar{qubits}_basis{index}"),
                &source,
                directory.path(),
            );
            cases += 1;
        }
    }
    check_directory(&python, directory.path(), cases);
}

/// Every standard gate, with angles that avoid special values.
const ALL_GATES: &str = "
        id q[0]; h q[1]; x q[2]; y q[0]; z q[1]; s q[2]; sdg q[0]; t q[1]; tdg q[2];
        sx q[0]; sxdg q[1]; rx(0.3) q[2]; ry(-1.2) q[0]; rz(2.5) q[1]; p(0.7) q[2];
        u(0.4, 1.1, -0.6) q[0]; u3(1.3, -0.2, 0.9) q[1];
        cx q[0], q[1]; cy q[1], q[2]; cz q[2], q[0]; ch q[0], q[2]; cp(0.8) q[1], q[0];
        crx(0.5) q[2], q[1]; cry(-0.9) q[0], q[1]; crz(1.7) q[1], q[2]; swap q[0], q[2];
        ccx q[0], q[1], q[2]; cswap q[2], q[0], q[1];
";

#[test]
fn every_gate_in_every_basis() {
    let Some(python) = qiskit() else { return };
    let directory = tempfile::tempdir().unwrap();
    for (index, basis) in BASES.iter().enumerate() {
        let source = format!(
            "network gates {{\n    target quantum(basis = {basis})\n    input q: qubit[3]\n    \
             layer c = circuit(q) {{{ALL_GATES}}}\n    output c\n}}\n"
        );
        emit_case(
            directory.path(),
            &format!("gates_basis{index}"),
            &source,
            directory.path(),
        );
    }
    check_directory(&python, directory.path(), BASES.len());
}

#[test]
fn subsets_perceptrons_and_measurement() {
    let Some(python) = qiskit() else { return };
    let directory = tempfile::tempdir().unwrap();
    let mut rng = SplitMix64::new(7);
    write_matrix(&directory.path().join("v.npy"), &haar_unitary(4, &mut rng));
    let cases = [
        (
            "subset",
            "network subset {
                target quantum(basis = [u3, cx])
                input q: qubit[3]
                layer v = unitary(q, load(\"v.npy\"), qubits = [2, 0])
                layer c = circuit(v) { h q[1]; cx q[1], q[2]; }
                output c
            }",
        ),
        (
            "dqnn",
            "network dqnn {
                target quantum(basis = [rz, sx, x, cx])
                input q: qubit[2]
                layer hidden = perceptrons(q, width = 3, seed = 11)
                layer out = perceptrons(hidden, width = 2, seed = 12)
                output out
            }",
        ),
        (
            "bell",
            "network bell {
                target quantum(basis = [u3, cz])
                input q: qubit[2]
                layer prep = circuit(q) { h q[0]; cx q[0], q[1]; }
                output measure(prep)
            }",
        ),
    ];
    for (name, source) in cases {
        // Operands in the circuit block name its source layer.
        let source = source.replace(
            "circuit(v) { h q[1]; cx q[1], q[2]; }",
            "circuit(v) { h v[1]; cx v[1], v[2]; }",
        );
        emit_case(directory.path(), name, &source, directory.path());
    }
    check_directory(&python, directory.path(), cases.len());
}

#[test]
fn examples_match_qiskit() {
    let Some(python) = qiskit() else { return };
    let directory = tempfile::tempdir().unwrap();
    let mut cases = 0;
    for entry in glob_examples() {
        let source = std::fs::read_to_string(&entry).unwrap();
        if !source.contains("target quantum") {
            continue;
        }
        let name = entry.file_stem().unwrap().to_string_lossy().into_owned();
        emit_case(directory.path(), &name, &source, entry.parent().unwrap());
        cases += 1;
    }
    assert!(cases > 0, "the examples include quantum networks");
    check_directory(&python, directory.path(), cases);
}

/// Returns every `.pnn` file under `examples/`.
fn glob_examples() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for example in std::fs::read_dir(common::root().join("examples")).unwrap() {
        let example = example.unwrap().path();
        if !example.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&example).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|extension| extension == "pnn") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}
