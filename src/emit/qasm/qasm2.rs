//! OpenQASM 2 output, correct up to a global phase.
//!
//! Only gates of the original `qelib1.inc` are used directly; `sx` and `sxdg`, which that file
//! lacks, are defined in the program, so that `qiskit.qasm2.loads` accepts it with default
//! settings.

use std::fmt::Write;

use super::{Program, QasmOptions, format_angle, header_lines};
use crate::ir::Gate;

/// Writes an OpenQASM 2 program using `qelib1.inc`.
pub fn write_qasm2(program: &Program, options: &QasmOptions) -> String {
    let circuit = program.circuit;
    let mut out = String::new();
    if options.header {
        for line in header_lines(program) {
            let _ = writeln!(out, "// {line}");
        }
        let _ = writeln!(
            out,
            "// OpenQASM 2 has no global phase: the network's unitary is e^(i*{}) times this program's.",
            format_angle(circuit.global_phase)
        );
    }
    let _ = writeln!(out, "OPENQASM 2.0;");
    let _ = writeln!(out, "include \"qelib1.inc\";");
    for (name, definition) in DEFINITIONS {
        if circuit.instructions.iter().any(|i| i.gate.name() == *name) {
            let _ = writeln!(out, "{definition}");
        }
    }
    let _ = writeln!(out, "qreg q[{}];", circuit.num_qubits);
    if !program.measured.is_empty() {
        let _ = writeln!(out, "creg c[{}];", program.measured.len());
    }
    for instruction in &circuit.instructions {
        let (name, params) = qasm2_gate(&instruction.gate);
        let _ = write!(out, "{name}");
        if !params.is_empty() {
            let params: Vec<String> = params.into_iter().map(format_angle).collect();
            let _ = write!(out, "({})", params.join(", "));
        }
        let operands: Vec<String> = instruction
            .qubits
            .iter()
            .map(|q| format!("q[{q}]"))
            .collect();
        let _ = writeln!(out, " {};", operands.join(", "));
    }
    for (bit, qubit) in program.measured.iter().enumerate() {
        let _ = writeln!(out, "measure q[{qubit}] -> c[{bit}];");
    }
    out
}

/// Definitions of the standard gates that the original `qelib1.inc` lacks, each equal to the
/// gate up to a global phase.
const DEFINITIONS: &[(&str, &str)] = &[
    // sx = e^{iπ/4}·rx(π/2) and sxdg = e^{−iπ/4}·rx(−π/2).
    ("sx", "gate sx a { u3(pi/2, -pi/2, pi/2) a; }"),
    ("sxdg", "gate sxdg a { u3(-pi/2, -pi/2, pi/2) a; }"),
    ("swap", "gate swap a, b { cx a, b; cx b, a; cx a, b; }"),
    (
        "cswap",
        "gate cswap c, a, b { cx b, a; ccx c, a, b; cx b, a; }",
    ),
    (
        "crx",
        "gate crx(theta) c, t { u1(pi/2) t; cx c, t; u3(-theta/2, 0, 0) t; cx c, t; u3(theta/2, -pi/2, 0) t; }",
    ),
    (
        "cry",
        "gate cry(theta) c, t { u3(theta/2, 0, 0) t; cx c, t; u3(-theta/2, 0, 0) t; cx c, t; }",
    ),
];

/// Returns the `qelib1.inc` name and angles of a gate, replacing the gates that the original
/// file lacks by equivalents up to global phase: `p` by `u1`, `cp` by `cu1`, `u` by `u3`.
fn qasm2_gate(gate: &Gate) -> (&'static str, Vec<f64>) {
    match *gate {
        Gate::U(theta, phi, lambda) => ("u3", vec![theta, phi, lambda]),
        Gate::P(lambda) => ("u1", vec![lambda]),
        Gate::Cp(lambda) => ("cu1", vec![lambda]),
        _ => (gate.name(), gate.params()),
    }
}
