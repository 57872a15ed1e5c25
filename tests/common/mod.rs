//! Helpers shared by the integration tests: locating the Python peers for conformance tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

/// Returns a Python interpreter that can import every module in `modules`.
///
/// The interpreter is `$PNN_PYTHON` when set, else `python3`. When it is missing or lacks a
/// module, the test is skipped with a printed reason (`None`), except under `CI=true`,
/// where a missing peer fails the test.
pub fn python_with(modules: &[&str]) -> Option<PathBuf> {
    let python = std::env::var_os("PNN_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let imports = modules
        .iter()
        .map(|module| format!("import {module}"))
        .collect::<Vec<_>>()
        .join("; ");
    let status = Command::new(&python).args(["-c", &imports]).output();
    let reason = match status {
        Ok(output) if output.status.success() => return Some(python),
        Ok(output) => format!(
            "`{}` cannot import {}: {}",
            python.display(),
            modules.join(", "),
            last_line(&String::from_utf8_lossy(&output.stderr))
        ),
        Err(error) => format!("cannot start `{}`: {error}", python.display()),
    };
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("conformance peer missing under CI=true: {reason}");
    }
    // libtest captures `eprintln!` of passing tests; writing to the stderr handle directly
    // keeps the reason visible in a plain `cargo test` run.
    let _ = writeln!(
        std::io::stderr(),
        "skipping conformance test: {reason} (set PNN_PYTHON to a Python with these modules)"
    );
    None
}

/// Returns the last non-empty line of a Python traceback: the exception and its message.
fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// Returns the path of the built `pnnc` binary.
pub fn pnnc() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pnnc"))
}

/// Returns the repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
