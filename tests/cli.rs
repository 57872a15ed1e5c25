//! Golden tests that run the built `pnnc` binary: exit codes, stdout, stderr and files.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn pnnc(args: &[&str]) -> Output {
    Command::new(common::pnnc())
        .args(args)
        .current_dir(common::root())
        .env_remove("RUST_LOG")
        .output()
        .expect("pnnc starts")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const DIGITS: &str = "examples/digits/digits.pnn";
const VALID: &str = "tests/corpus/valid/phase_permute.pnn";
const INVALID: &str = "tests/corpus/invalid/many_errors.pnn";

#[test]
fn check_valid_file_succeeds() {
    let output = pnnc(&["check", VALID]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "");
}

#[test]
fn check_invalid_file_exits_1() {
    let output = pnnc(&["check", "--color", "never", INVALID]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    insta::assert_snapshot!(stderr(&output));
}

#[test]
fn check_missing_file_exits_2() {
    let output = pnnc(&["check", "no/such/file.pnn"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: cannot read `no/such/file.pnn`"),
        "{message}"
    );
}

#[test]
fn usage_error_exits_2() {
    let output = pnnc(&["build", VALID]);
    assert_eq!(output.status.code(), Some(2), "--emit is required");
    let output = pnnc(&["build", VALID, "--emit", "gds"]);
    assert_eq!(output.status.code(), Some(2), "unknown emit kind");
}

#[test]
fn build_ir_to_stdout() {
    let output = pnnc(&["build", VALID, "--emit", "ir"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn build_writes_into_directory() {
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("out");
    let output = pnnc(&[
        "build",
        VALID,
        "--emit",
        "ir",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(target.join("phase_permute.ir")).unwrap();
    assert!(written.starts_with("network routing {"), "{written}");
    assert_eq!(
        file_names(&target),
        vec!["phase_permute.ir"],
        "no temporary files remain"
    );
}

#[test]
fn failed_build_writes_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let output = pnnc(&[
        "build",
        INVALID,
        "--emit",
        "ir",
        "-o",
        directory.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(file_names(directory.path()).is_empty());
}

#[test]
fn several_outputs_need_a_directory() {
    let output = pnnc(&["build", DIGITS, "--emit", "ir,python"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("pass -o DIR"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn run_digits_reports_accuracy() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("outputs.npy");
    let output = pnnc(&[
        "run",
        DIGITS,
        "--input",
        "examples/digits/data/test_x.npy",
        "--labels",
        "examples/digits/data/test_y.npy",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "accuracy: 98.15% (530/540)\n");
    let array = pnn::data::read_npy(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(array.shape, vec![540, 10]);
    assert_eq!(array.dtype, pnn::data::DataType::Float64);
}

#[test]
fn run_rejects_wrong_input_width() {
    let directory = tempfile::tempdir().unwrap();
    let input = directory.path().join("narrow.npy");
    let data = vec![num_complex::Complex64::new(1.0, 0.0); 3 * 5];
    std::fs::write(&input, pnn::data::write_npy(&[3, 5], &data, true)).unwrap();
    let out = directory.path().join("out.npy");
    let output = pnnc(&[
        "run",
        DIGITS,
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the input has 5 columns, but the network input has 64 modes"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists(), "no output file after a failed run");
}

#[test]
fn run_prints_rows_without_output_file() {
    let directory = tempfile::tempdir().unwrap();
    let input = directory.path().join("one.csv");
    std::fs::write(&input, "1, 0, 0\n0, 1, 0\n").unwrap();
    let output = pnnc(&["run", VALID, "--input", input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2);
    // permute([2, 0, 1]) moves input mode 0 to output mode 1.
    let first: Vec<&str> = rows[0].split_whitespace().collect();
    assert_eq!(first[0], "0+0j");
    assert_eq!(first[1], "1+0j");
}

#[test]
fn progress_choices_keep_outputs() {
    // Bars appear only for steps longer than a second, so these short runs draw none. The
    // test checks that every choice parses and leaves stdout and stderr alone.
    let directory = tempfile::tempdir().unwrap();
    let input = directory.path().join("one.csv");
    std::fs::write(&input, "1, 0, 0\n").unwrap();
    let plain = pnnc(&["run", VALID, "--input", input.to_str().unwrap()]);
    for choice in ["auto", "always", "never"] {
        let output = pnnc(&[
            "run",
            VALID,
            "--input",
            input.to_str().unwrap(),
            "--progress",
            choice,
        ]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{choice}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), stdout(&plain), "{choice}");
        assert_eq!(stderr(&output), "", "{choice}");
    }
}

fn file_names(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

const BELL: &str = "tests/corpus/valid/quantum_bell_measure.pnn";
const PERCEPTRON: &str = "tests/corpus/valid/quantum_perceptron_seed.pnn";

fn read_npy(path: &Path) -> pnn::data::Array {
    pnn::data::read_npy(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn run_quantum_default_state() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("probabilities.npy");
    let output = pnnc(&["run", BELL, "--output", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let array = read_npy(&out);
    assert_eq!(array.shape, vec![4], "one sample gives a 1-D output");
    assert_eq!(array.dtype, pnn::data::DataType::Float64);
    let expected = [0.5, 0.0, 0.0, 0.5];
    for (found, expected) in array.data.iter().zip(expected) {
        assert!((found.re - expected).abs() < 1e-12, "{:?}", array.data);
    }
}

#[test]
fn run_quantum_density_matrices_and_cost() {
    let directory = tempfile::tempdir().unwrap();
    let inputs = directory.path().join("inputs.npy");
    let targets = directory.path().join("targets.npy");
    let one = num_complex::Complex64::new(1.0, 0.0);
    let zero = num_complex::Complex64::new(0.0, 0.0);
    // Inputs |0⟩ and |1⟩; targets |0⟩ for both.
    std::fs::write(
        &inputs,
        pnn::data::write_npy(&[2, 2], [one, zero, zero, one], false),
    )
    .unwrap();
    std::fs::write(
        &targets,
        pnn::data::write_npy(&[2, 2], [one, zero, one, zero], false),
    )
    .unwrap();
    let out = directory.path().join("rho.npy");
    let output = pnnc(&[
        "run",
        PERCEPTRON,
        "--input",
        inputs.to_str().unwrap(),
        "--targets",
        targets.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let array = read_npy(&out);
    assert_eq!(
        array.shape,
        vec![2, 2, 2],
        "one 2×2 density matrix per input"
    );
    // The cost is the mean of ⟨0|ρ|0⟩, the (0, 0) entries.
    let expected = (array.data[0].re + array.data[4].re) / 2.0;
    let line = stdout(&output);
    let cost: f64 = line
        .strip_prefix("fidelity cost: ")
        .unwrap_or_else(|| panic!("{line}"))
        .trim()
        .parse()
        .unwrap();
    assert!((cost - expected).abs() < 1e-11, "{cost} vs {expected}");
    for rho in [&array.data[0..4], &array.data[4..8]] {
        let trace = rho[0] + rho[3];
        assert!((trace - one).norm() < 1e-12, "trace {trace}");
    }
}

#[test]
fn run_quantum_rejects_wrong_dimension() {
    let directory = tempfile::tempdir().unwrap();
    let inputs = directory.path().join("inputs.npy");
    let one = num_complex::Complex64::new(1.0, 0.0);
    std::fs::write(&inputs, pnn::data::write_npy(&[3], [one, one, one], false)).unwrap();
    let output = pnnc(&["run", BELL, "--input", inputs.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("the input has 3 columns, but the network input has 4 amplitudes (2 qubits)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn run_quantum_rejects_large_register() {
    let directory = tempfile::tempdir().unwrap();
    // 27 is the first width above the 26-qubit state-vector limit. A default input state of
    // 2^40 or 2^63 amplitudes cannot be allocated, and 2^64 does not fit in `usize`.
    for qubits in [27, 40, 63, 64] {
        let path = directory.path().join(format!("q{qubits}.pnn"));
        let source = format!(
            "network wide {{\n    target quantum\n    input q: qubit[{qubits}]\n    \
             layer c = circuit(q) {{ h q[0]; }}\n    output c\n}}\n"
        );
        std::fs::write(&path, source).unwrap();
        let output = pnnc(&["run", path.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{qubits} qubits: {}",
            stderr(&output)
        );
        let expected = format!(
            "the register has {qubits} qubits, more than the 26 that state-vector simulation handles"
        );
        assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
        assert_eq!(stdout(&output), "", "{qubits} qubits");
    }
}

#[test]
fn run_quantum_rejects_unnormalized_states() {
    let directory = tempfile::tempdir().unwrap();
    let inputs = directory.path().join("inputs.csv");
    let cases = [
        (
            "1,0,0,0\n1,1,0,0\n",
            "input row 1 (counting from 0) has norm 1.4142135623730951",
        ),
        ("0,0,0,0\n", "input row 0 (counting from 0) is all zeros"),
        (
            "1.00001,0,0,0\n",
            "input row 0 (counting from 0) has norm 1.00001",
        ),
    ];
    for (rows, expected) in cases {
        std::fs::write(&inputs, rows).unwrap();
        let output = pnnc(&["run", BELL, "--input", inputs.to_str().unwrap()]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{rows:?}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(message.contains("inputs.csv: "), "{message}");
        assert!(message.contains(expected), "{message}");
        assert_eq!(stdout(&output), "", "{rows:?}");
    }
}

#[test]
fn run_quantum_rejects_empty_targets() {
    let directory = tempfile::tempdir().unwrap();
    let targets = directory.path().join("targets.npy");
    std::fs::write(
        &targets,
        pnn::data::write_npy(&[0, 4], Vec::<num_complex::Complex64>::new(), false),
    )
    .unwrap();
    let output = pnnc(&["run", BELL, "--targets", targets.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("targets.npy: "), "{message}");
    assert!(
        message.contains("the --targets file has no samples"),
        "{message}"
    );
}

#[test]
fn run_quantum_accepts_nearly_normalized_state() {
    let directory = tempfile::tempdir().unwrap();
    let inputs = directory.path().join("inputs.csv");
    // 0.7071068 is 1/√2 rounded to 7 digits, as float32 data gives, so the norm is 1 + 3e-8.
    std::fs::write(&inputs, "0.7071068,0,0,0.7071068\n").unwrap();
    let output = pnnc(&["run", BELL, "--input", inputs.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn emit_kind_needs_matching_network() {
    let output = pnnc(&["build", BELL, "--emit", "sax"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("`--emit sax` applies to photonic networks, and the file has none"),
        "{}",
        stderr(&output)
    );
    let output = pnnc(&["build", VALID, "--emit", "qasm3"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn build_qasm3_to_stdout() {
    let output = pnnc(&["build", BELL, "--emit", "qasm3"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("OPENQASM 3.0;"), "{text}");
    assert!(text.contains("gphase(0.7853981633974483);"), "{text}");
    assert!(text.ends_with("c[1] = measure q[1];\n"), "{text}");
}

const MIXED: &str = "tests/corpus/valid/mixed_families.pnn";

#[test]
fn build_report_table() {
    let output = pnnc(&["build", MIXED, "--report"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn build_report_json() {
    let output = pnnc(&["build", MIXED, "--report=json", "-O", "0"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["opt_level"], 0);
    assert_eq!(report["networks"][0]["name"], "optics");
    assert_eq!(
        report["networks"][0]["two_qubit_gate"],
        serde_json::Value::Null
    );
    assert_eq!(report["networks"][1]["two_qubit_gate"], "cz");
    assert_eq!(report["networks"][1]["counts"]["qubits"], 2);
    let total_mzis = report["total"]["mzis"].as_u64().unwrap();
    let optics_mzis = report["networks"][0]["counts"]["mzis"].as_u64().unwrap();
    assert_eq!(total_mzis, optics_mzis);
}

#[test]
fn report_with_stdout_emit_needs_directory() {
    let output = pnnc(&["build", MIXED, "--report", "--emit", "ir"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("pass -o DIR"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn output_directory_needs_emit() {
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("out");
    let output = pnnc(&["build", MIXED, "--report", "-o", target.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--emit"), "{}", stderr(&output));
    assert!(!target.exists());
}

#[test]
fn output_directory_that_is_a_file() {
    let directory = tempfile::tempdir().unwrap();
    let file = directory.path().join("afile");
    std::fs::write(&file, "kept").unwrap();
    let output = pnnc(&[
        "build",
        DIGITS,
        "--emit",
        "ir",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a directory"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");
}

#[cfg(unix)]
#[test]
fn output_follows_symlinks_and_special_files() {
    let directory = tempfile::tempdir().unwrap();
    let real = directory.path().join("real.npy");
    let link = directory.path().join("link.npy");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = pnnc(&["run", BELL, "--output", link.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays"
    );
    assert_eq!(
        read_npy(&real).shape,
        vec![4],
        "the target receives the output"
    );
    let output = pnnc(&["run", BELL, "--output", "/dev/null"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        !std::fs::metadata("/dev/null").unwrap().is_file(),
        "/dev/null stays a device"
    );
}

#[test]
fn unwritable_target_stops_before_any_rename() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::create_dir(directory.path().join("bell.qasm3")).unwrap();
    let output = pnnc(&[
        "build",
        BELL,
        "--emit",
        "qasm2,qasm3",
        "-o",
        directory.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("it is a directory"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        file_names(directory.path()),
        vec!["bell.qasm3"],
        "bell.qasm was not written"
    );
}
