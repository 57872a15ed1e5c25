//! Imports every OpenQASM 2 program of the QASMBench sample next to the repository: each
//! must compile, or fail only because it is not unitary (E0020: `reset`, a classically
//! controlled `if` or a mid-circuit measurement), except the known invalid programs.

mod qasm_import_sample;

use pnn::{Compiler, Options};
use qasm_import_sample::*;

#[test]
fn every_qasmbench_program_imports_or_is_not_unitary() {
    let Some(dir) = qasmbench_dir() else { return };
    let files = qasm_files(&dir);
    assert!(!files.is_empty(), "no .qasm files in {}", dir.display());

    let compiler = Compiler::new(Options {
        base_dir: Some(dir.clone()),
        ..Options::default()
    });
    let mut compiled = Vec::new();
    let mut rejected = Vec::new();
    let mut invalid = Vec::new();
    for path in &files {
        let name = file_name(path);
        let text = std::fs::read_to_string(path).unwrap();
        let source = importing_network(&name, declared_qubits(&text));
        let failure = match compiler.compile_source(&format!("{name}.pnn"), &source) {
            Ok(compilation) => {
                assert!(
                    compilation.warnings.is_empty(),
                    "{name} warns:\n{}",
                    compilation.render_warnings(false)
                );
                eprintln!("{name}: compiled");
                compiled.push(name);
                continue;
            }
            Err(failure) => failure,
        };
        let codes: Vec<&str> = failure
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| diagnostic.code)
            .collect();
        let expected = if INVALID.contains(&name.as_str()) {
            invalid.push(name.clone());
            "E0002"
        } else {
            rejected.push(name.clone());
            "E0020"
        };
        assert!(
            codes.iter().all(|code| *code == expected),
            "{name} fails with other errors than {expected}:\n{}",
            failure.render(false)
        );
        eprintln!("{name}: rejected with {} {expected} errors", codes.len());
    }
    eprintln!(
        "{} of {} programs compile; not unitary: {}; invalid: {}",
        compiled.len(),
        files.len(),
        rejected.join(", "),
        invalid.join(", ")
    );
    assert_eq!(rejected, NOT_UNITARY);
    assert_eq!(invalid, INVALID);
}

/// The invalid programs without their measurements of undeclared registers, among them the
/// largest program of the sample (`hhl_n10.qasm`, 186 000 gates on 10 qubits).
#[test]
fn invalid_programs_compile_without_their_measurements() {
    let Some(dir) = qasmbench_dir() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let compiler = Compiler::new(Options {
        base_dir: Some(scratch.path().to_path_buf()),
        ..Options::default()
    });
    for name in INVALID {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        std::fs::write(scratch.path().join(name), without_measurements(&text)).unwrap();
        let source = importing_network(name, declared_qubits(&text));
        let started = std::time::Instant::now();
        if let Err(failure) = compiler.compile_source(&format!("{name}.pnn"), &source) {
            panic!("{name} failed to compile:\n{}", failure.render(false));
        }
        eprintln!(
            "{name} without measurements: compiled in {:.1?}",
            started.elapsed()
        );
    }
}
