//! Figures that criterion does not give: accuracy and peak memory of the mesh decompositions
//! and the CX counts of the Shannon decomposition. Prints one JSON object.
//!
//! ```text
//! probe accuracy clements|reck N   decompose a Haar unitary, compose Mesh::matrix, compare
//! probe memory clements|reck N     decompose a Haar unitary and report resident memory
//! probe qsd QUBITS                 synthesize a Haar unitary, count CX, check the circuit
//! ```
//!
//! `bench/run.sh` runs `probe memory clements 4096` under `/usr/bin/time -v`, whose peak
//! resident set covers the Haar generation too. The `memory` mode therefore also reports the
//! resident set after the input exists and the peak during the decomposition alone, read from
//! `/proc/self/status` after resetting the peak with `/proc/self/clear_refs` (Linux only). A
//! run without arguments, as `cargo bench` does, prints the usage and exits with status 0.

mod common;

use std::process::ExitCode;
use std::time::Instant;

use pnn::decompose::{clements, reck};
use pnn::ir::{CMatrix, Mesh};
use pnn::linalg::max_abs_diff;
use pnn::synthesize::qsd;

const USAGE: &str = "usage: probe accuracy|memory clements|reck MODES, or probe qsd QUBITS";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args()
        .skip(1)
        .filter(|argument| argument != "--bench")
        .collect();
    if arguments.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if let [mode, qubits] = arguments.as_slice()
        && mode == "qsd"
    {
        let Ok(qubits @ 1..=12) = qubits.parse::<usize>() else {
            eprintln!("invalid qubit count `{qubits}`, expected 1 to 12\n{USAGE}");
            return ExitCode::FAILURE;
        };
        shannon(qubits);
        return ExitCode::SUCCESS;
    }
    let [mode, kind, modes] = arguments.as_slice() else {
        eprintln!("expected 3 arguments, found {}\n{USAGE}", arguments.len());
        return ExitCode::FAILURE;
    };
    let decompose: fn(&CMatrix) -> Mesh = match kind.as_str() {
        "clements" => clements,
        "reck" => reck,
        _ => {
            eprintln!("unknown mesh `{kind}`, expected clements or reck\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(modes) = modes.parse::<usize>() else {
        eprintln!("invalid mode count `{modes}`, expected a positive integer\n{USAGE}");
        return ExitCode::FAILURE;
    };
    match mode.as_str() {
        "accuracy" => accuracy(kind, decompose, modes),
        "memory" => memory(kind, decompose, modes),
        _ => {
            eprintln!("unknown mode `{mode}`, expected accuracy, memory or qsd\n{USAGE}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Prints the max-abs reconstruction error of `Mesh::matrix` against the input unitary.
fn accuracy(kind: &str, decompose: fn(&CMatrix) -> Mesh, modes: usize) {
    let u = common::haar(modes);
    let start = Instant::now();
    let mesh = decompose(&u);
    let decompose_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let reconstructed = mesh.matrix();
    let matrix_seconds = start.elapsed().as_secs_f64();
    let error = max_abs_diff(&reconstructed, &u);
    println!(
        "{{\"mode\": \"accuracy\", \"mesh\": \"{kind}\", \"modes\": {modes}, \
         \"max_abs_error\": {error:e}, \"decompose_seconds\": {decompose_seconds}, \
         \"matrix_seconds\": {matrix_seconds}}}"
    );
}

/// Prints the CX count of the Shannon decomposition and its max-abs error against the input.
fn shannon(qubits: usize) {
    let u = common::haar(1 << qubits);
    let start = Instant::now();
    let circuit = qsd::synthesize(&u);
    let seconds = start.elapsed().as_secs_f64();
    let error = max_abs_diff(&circuit.unitary(), &u);
    println!(
        "{{\"mode\": \"qsd\", \"qubits\": {qubits}, \"cx\": {}, \"max_abs_error\": {error:e}, \
         \"seconds\": {seconds}}}",
        circuit.count("cx")
    );
}

/// Prints resident-memory figures of one decomposition, in KiB.
fn memory(kind: &str, decompose: fn(&CMatrix) -> Mesh, modes: usize) {
    let u = common::haar(modes);
    let input_peak = status_kib("VmHWM");
    let input_resident = status_kib("VmRSS");
    // Writing 5 resets VmHWM to the current resident set (Linux 4.0 and later).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();

    let start = Instant::now();
    let mesh = decompose(&u);
    let seconds = start.elapsed().as_secs_f64();
    let decompose_peak = if reset { status_kib("VmHWM") } else { None };
    let json = |value: Option<u64>| value.map_or("null".to_string(), |kib| kib.to_string());
    println!(
        "{{\"mode\": \"memory\", \"mesh\": \"{kind}\", \"modes\": {modes}, \"mzis\": {}, \
         \"seconds\": {seconds}, \"input_peak_kib\": {}, \"input_resident_kib\": {}, \
         \"decompose_peak_kib\": {}}}",
        mesh.mzis.len(),
        json(input_peak),
        json(input_resident),
        json(decompose_peak),
    );
}

/// Reads a `kB` field such as `VmHWM` from `/proc/self/status`; `None` off Linux.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|line| line.starts_with(field) && line[field.len()..].starts_with(':'))?;
    line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
