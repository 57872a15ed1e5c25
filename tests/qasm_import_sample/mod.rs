//! The QASMBench sample next to the repository (`../shared/qasmbench/`), shared by the import
//! tests: locating it, and wrapping a program in a network that imports it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use pnn::source::FileId;
use pnn::syntax::qasm2::{self, ast::Statement};

/// The programs of the sample that use `reset`, `if` or mid-circuit measurements.
pub const NOT_UNITARY: [&str; 4] = [
    "bb84_n8.qasm",
    "inverseqft_n4.qasm",
    "ipea_n2.qasm",
    "qec_sm_n5.qasm",
];

/// Programs of the sample that are not valid OpenQASM 2: they declare their qubits under
/// another name (`q0`…`q2` or `reg`) but measure `q[i]` into an undeclared `c`.
/// `qiskit.qasm2` 2.6.2 rejects them too ("'q' is not defined in this scope"). Without their
/// `measure` lines they are valid.
pub const INVALID: [&str; 3] = ["hhl_n10.qasm", "vqe_uccsd_n4.qasm", "vqe_uccsd_n8.qasm"];

/// Returns the sample folder, or `None` with a printed reason when it is absent. The folder
/// is outside the repository, so its absence skips the test also under `CI=true`.
pub fn qasmbench_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/qasmbench");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!(
        "skipping: the QASMBench sample {} does not exist",
        dir.display()
    );
    None
}

/// Returns the `.qasm` files of a folder, sorted by name.
pub fn qasm_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "qasm")
        })
        .collect();
    files.sort();
    files
}

pub fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_str().unwrap().to_string()
}

/// Returns the program without its `measure` lines, which repairs the [`INVALID`] programs.
pub fn without_measurements(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("measure"))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Returns the total size of a program's quantum registers, read from its syntax tree.
pub fn declared_qubits(text: &str) -> usize {
    let program = qasm2::parse(text, FileId(0)).expect("the program parses");
    program
        .statements
        .iter()
        .map(|statement| match statement {
            Statement::QuantumRegister(register) => register.size,
            _ => 0,
        })
        .sum()
}

/// Returns a network that imports `file` into a circuit layer and measures at the end.
pub fn importing_network(file: &str, qubits: usize) -> String {
    format!(
        "network imported {{\n    target quantum(basis = [u3, cx])\n    input q: qubit[{qubits}]\n    \
         layer c = circuit(q, import = \"{file}\")\n    output measure(c)\n}}\n"
    )
}
