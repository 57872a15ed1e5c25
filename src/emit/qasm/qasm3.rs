//! OpenQASM 3 output with the exact global phase.

use std::fmt::Write;

use super::{Program, QasmOptions, format_angle, header_lines};

/// Writes an OpenQASM 3 program using `stdgates.inc`.
pub fn write_qasm3(program: &Program, options: &QasmOptions) -> String {
    let circuit = program.circuit;
    let mut out = String::new();
    if options.header {
        for line in header_lines(program) {
            let _ = writeln!(out, "// {line}");
        }
        let _ = writeln!(
            out,
            "// The gphase statement carries the global phase, so the program's unitary equals the network's exactly."
        );
    }
    let _ = writeln!(out, "OPENQASM 3.0;");
    let _ = writeln!(out, "include \"stdgates.inc\";");
    let _ = writeln!(out, "qubit[{}] q;", circuit.num_qubits);
    if !program.measured.is_empty() {
        let _ = writeln!(out, "bit[{}] c;", program.measured.len());
    }
    if circuit.global_phase != 0.0 {
        let _ = writeln!(out, "gphase({});", format_angle(circuit.global_phase));
    }
    for instruction in &circuit.instructions {
        let _ = write!(out, "{}", qasm3_name(instruction.gate.name()));
        let params = instruction.gate.params();
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
        let _ = writeln!(out, "c[{bit}] = measure q[{qubit}];");
    }
    out
}

/// Maps pnn's gate names to `stdgates.inc` names; `u` is written `u3`, its standard alias.
fn qasm3_name(name: &str) -> &str {
    match name {
        "u" => "u3",
        other => other,
    }
}
