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
    assert_eq!(first[0], "0e0+0e0j");
    assert_eq!(first[1], "1e0+0e0j");
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
