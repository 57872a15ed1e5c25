//! Readable text dump of the IR, used by `--emit ir` and by snapshot tests.
//!
//! Numbers are printed with a fixed number of decimals and `-0` as `0`, so that the dump is
//! deterministic for a given build and input.

use std::fmt::Write;

use crate::ir::{Activation, CMatrix, Circuit, Mesh, MeshKind, Module, Network, OpKind, Target};

/// Settings of the IR dump.
#[derive(Debug, Clone)]
pub struct DumpOptions {
    /// Decimals printed for every number.
    pub decimals: usize,
    /// Matrices with at most this many rows and columns are printed entry by entry; larger
    /// ones are summarized by their shape and Frobenius norm.
    pub max_matrix_size: usize,
}

impl Default for DumpOptions {
    fn default() -> Self {
        DumpOptions {
            decimals: 6,
            max_matrix_size: 8,
        }
    }
}

/// Dumps every network of a module.
pub fn dump(module: &Module, options: &DumpOptions) -> String {
    let mut out = String::new();
    for (index, network) in module.networks.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        dump_network(&mut out, network, options);
    }
    out
}

fn dump_network(out: &mut String, network: &Network, options: &DumpOptions) {
    let number = |x: f64| format_number(x, options.decimals);
    let _ = writeln!(out, "network {} {{", network.name);
    match &network.target {
        Target::Photonic(target) => {
            let mesh = match target.mesh {
                MeshKind::Clements => "clements",
                MeshKind::Reck => "reck",
            };
            let _ = writeln!(out, "  target photonic(mesh = {mesh})");
            let _ = writeln!(
                out,
                "  input {}: optical[{}]",
                network.input.name, network.input.width
            );
        }
        Target::Quantum(target) => {
            let _ = writeln!(out, "  target quantum(basis = {})", target.basis_text);
            let _ = writeln!(
                out,
                "  input {}: qubit[{}]",
                network.input.name, network.input.width
            );
            let _ = writeln!(out, "  register: {}", count(network.qubits, "qubit"));
        }
    }
    let mut width = network.input.width;
    for (index, op) in network.ops.iter().enumerate() {
        let _ = write!(out, "  %{index} = {}", op.kind.name());
        match &op.kind {
            OpKind::Unitary(matrix) => {
                let _ = writeln!(out, " {0}×{0}  // {1}", matrix.nrows(), op.layer);
                dump_matrix(out, matrix, options);
            }
            OpKind::Mesh(mesh) => {
                let _ = writeln!(
                    out,
                    " {}, {}, {}  // {}",
                    count(mesh.modes, "mode"),
                    count(mesh.mzis.len(), "MZI"),
                    count(mesh.columns(), "column"),
                    op.layer
                );
                dump_mesh(out, mesh, options);
            }
            OpKind::Phase(phases) | OpKind::Attenuation(phases) => {
                let _ = writeln!(out, " {}  // {}", list(phases, options), op.layer);
            }
            OpKind::Permutation(permutation) => {
                let _ = writeln!(out, " {permutation:?}  // {}", op.layer);
            }
            OpKind::Resize { modes } => {
                let _ = writeln!(out, " {width} -> {modes}  // {}", op.layer);
            }
            OpKind::Gain(gain) => {
                let _ = writeln!(out, " {}  // {}", number(*gain), op.layer);
            }
            OpKind::Activation(Activation::AbsSquared) => {
                let _ = writeln!(out, " abs_squared  // {}", op.layer);
            }
            OpKind::Activation(Activation::ElectroOptic { alpha, gain, bias }) => {
                let _ = writeln!(
                    out,
                    " electro_optic(alpha = {}, gain = {}, bias = {})  // {}",
                    number(*alpha),
                    number(*gain),
                    number(*bias),
                    op.layer
                );
            }
            OpKind::Detect | OpKind::Measure => {
                let _ = writeln!(out, "  // {}", op.layer);
            }
            OpKind::QubitUnitary { matrix, qubits } => {
                let _ = writeln!(
                    out,
                    " {0}×{0} on {1}  // {2}",
                    matrix.nrows(),
                    qubit_list(qubits),
                    op.layer
                );
                dump_matrix(out, matrix, options);
            }
            OpKind::Circuit(circuit) => {
                let _ = writeln!(
                    out,
                    " {}, {} two-qubit, global phase {}  // {}",
                    count(circuit.instructions.len(), "gate"),
                    circuit.multi_qubit_count(),
                    number(circuit.global_phase),
                    op.layer
                );
                dump_circuit(out, circuit, options);
            }
            OpKind::Trace { keep } => {
                let _ = writeln!(out, " keeping {}  // {}", qubit_list(keep), op.layer);
            }
        }
        width = op.kind.output_width(width);
    }
    let kind = match (&network.target, network.output_is_real()) {
        (Target::Photonic(_), true) => "real".to_string(),
        (Target::Photonic(_), false) => "complex".to_string(),
        (Target::Quantum(_), true) => "outcome probabilities".to_string(),
        (Target::Quantum(_), false) if network.output_is_mixed() => "density matrix".to_string(),
        (Target::Quantum(_), false) => "state vector".to_string(),
    };
    let unit = if network.target.is_quantum() {
        "qubit"
    } else {
        "mode"
    };
    let _ = writeln!(out, "  output: {}, {kind}", count(width, unit));
    let _ = writeln!(out, "}}");
}

fn dump_mesh(out: &mut String, mesh: &Mesh, options: &DumpOptions) {
    let number = |x: f64| format_number(x, options.decimals);
    for mzi in &mesh.mzis {
        let _ = writeln!(
            out,
            "    mzi column {} modes ({}, {}) theta = {} phi = {}",
            mzi.column,
            mzi.top,
            mzi.top + 1,
            number(mzi.theta),
            number(mzi.phi)
        );
    }
    let _ = writeln!(
        out,
        "    output phases {}",
        list(&mesh.output_phases, options)
    );
}

fn dump_circuit(out: &mut String, circuit: &Circuit, options: &DumpOptions) {
    for instruction in &circuit.instructions {
        let params = instruction.gate.params();
        let params = if params.is_empty() {
            String::new()
        } else {
            let texts: Vec<String> = params
                .iter()
                .map(|&p| format_number(p, options.decimals))
                .collect();
            format!("({})", texts.join(", "))
        };
        let _ = writeln!(
            out,
            "    {}{params} {}",
            instruction.gate.name(),
            qubit_list(&instruction.qubits)
        );
    }
}

/// Returns "q[0], q[2]".
fn qubit_list(qubits: &[usize]) -> String {
    qubits
        .iter()
        .map(|q| format!("q[{q}]"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn dump_matrix(out: &mut String, matrix: &CMatrix, options: &DumpOptions) {
    if matrix.nrows() > options.max_matrix_size || matrix.ncols() > options.max_matrix_size {
        let _ = writeln!(
            out,
            "    (entries omitted; Frobenius norm {})",
            format_number(matrix.norm(), options.decimals)
        );
        return;
    }
    for row in matrix.row_iter() {
        let entries: Vec<String> = row
            .iter()
            .map(|z| {
                let re = format_number(z.re, options.decimals);
                let im = format_number(z.im.abs(), options.decimals);
                let sign = if z.im < 0.0 && !im.trim_start_matches(['0', '.']).is_empty() {
                    '-'
                } else {
                    '+'
                };
                format!("{re} {sign} {im}i")
            })
            .collect();
        let _ = writeln!(out, "    [{}]", entries.join(", "));
    }
}

/// Returns "1 mode", "3 modes".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn list(values: &[f64], options: &DumpOptions) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|&x| format_number(x, options.decimals))
        .collect();
    format!("[{}]", items.join(", "))
}

/// Formats with fixed decimals and prints values that round to zero as an unsigned `0…`.
pub fn format_number(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn negative_zero_prints_unsigned() {
        assert_eq!(format_number(-1e-12, 6), "0.000000");
        assert_eq!(format_number(-0.5, 2), "-0.50");
    }
}
