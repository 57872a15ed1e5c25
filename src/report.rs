//! The compile report: hardware counts of each compiled network and in total.
//!
//! Photonic counts: MZIs; mesh depth, the MZI columns along the network summed over its
//! meshes; phase shifters, every programmable phase (two per MZI, one per output phase and one
//! per `phase` entry); attenuators with a transmission below 1; waveguide crossings of
//! permutations (adjacent swaps); and the insertion loss estimate, mesh depth times the
//! target's `mzi_loss_db`, the loss of the longest MZI path. Quantum counts: one-qubit gates,
//! two-qubit gates (CX or CZ, by basis), circuit depth in gate layers and register qubits.

use std::fmt::Write;

use serde::Serialize;

use crate::driver::Compilation;
use crate::emit::sax::adjacent_transpositions;
use crate::ir::{Circuit, Network, OpKind, Target};
use crate::passes::PassNote;

/// Counts of one network, or totals over several.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub mzis: usize,
    pub mesh_depth: usize,
    pub phase_shifters: usize,
    pub attenuators: usize,
    pub crossings: usize,
    /// Estimated insertion loss along the longest MZI path, in dB.
    pub insertion_loss_db: f64,
    pub one_qubit_gates: usize,
    pub two_qubit_gates: usize,
    /// Gates on three or more qubits; compiled circuits in a basis have none.
    pub multi_qubit_gates: usize,
    pub circuit_depth: usize,
    pub qubits: usize,
}

/// The report of one network.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkReport {
    pub name: String,
    /// `photonic` or `quantum`.
    pub target: String,
    /// Name of the two-qubit gate of a quantum basis (`cx` or `cz`); `None` for photonic
    /// networks and for bases without one (JSON `null`).
    pub two_qubit_gate: Option<String>,
    pub counts: Counts,
}

/// The report of a compilation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub opt_level: u8,
    pub networks: Vec<NetworkReport>,
    pub total: Counts,
    /// Facts the passes reported, such as the error a rank truncation introduced.
    pub notes: Vec<String>,
}

impl Report {
    /// Counts the hardware of every compiled network.
    pub fn new(compilation: &Compilation) -> Report {
        let networks: Vec<NetworkReport> = compilation
            .compiled
            .networks()
            .iter()
            .map(network_report)
            .collect();
        let mut total = Counts::default();
        for network in &networks {
            add(&mut total, &network.counts);
        }
        Report {
            opt_level: compilation.opt_level.get(),
            networks,
            total,
            notes: compilation.notes.iter().map(note_text).collect(),
        }
    }

    /// Returns the report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serializes") + "\n"
    }

    /// Returns the report as a text table, one column per network and one for the total.
    pub fn to_table(&self) -> String {
        let photonic = self.networks.iter().any(|n| n.target == "photonic");
        let quantum = self.networks.iter().any(|n| n.target == "quantum");
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        let mut row = |label: &str, value: &dyn Fn(&Counts) -> String| {
            let mut cells: Vec<String> = self.networks.iter().map(|n| value(&n.counts)).collect();
            if self.networks.len() > 1 {
                cells.push(value(&self.total));
            }
            rows.push((label.to_string(), cells));
        };
        if photonic {
            row("MZIs", &|c| c.mzis.to_string());
            row("mesh depth (columns)", &|c| c.mesh_depth.to_string());
            row("phase shifters", &|c| c.phase_shifters.to_string());
            row("attenuators", &|c| c.attenuators.to_string());
            row("crossings", &|c| c.crossings.to_string());
            row("insertion loss (dB)", &|c| {
                format!("{:.2}", c.insertion_loss_db)
            });
        }
        if quantum {
            let two = match self.two_qubit_names() {
                names if names.is_empty() => "two-qubit gates".to_string(),
                names => format!("two-qubit gates ({names})"),
            };
            row("one-qubit gates", &|c| c.one_qubit_gates.to_string());
            row(&two, &|c| c.two_qubit_gates.to_string());
            row("circuit depth", &|c| c.circuit_depth.to_string());
            row("qubits", &|c| c.qubits.to_string());
        }

        let mut header: Vec<String> = self.networks.iter().map(|n| n.name.clone()).collect();
        if self.networks.len() > 1 {
            header.push("total".to_string());
        }
        let label_width = rows
            .iter()
            .map(|(label, _)| label.chars().count())
            .max()
            .unwrap_or(0);
        let widths: Vec<usize> = (0..header.len())
            .map(|column| {
                rows.iter()
                    .map(|(_, cells)| cells[column].len())
                    .chain([header[column].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();

        let mut out = String::new();
        let _ = writeln!(out, "compile report (opt level {})", self.opt_level);
        let _ = write!(out, "{:label_width$}", "");
        for (name, width) in header.iter().zip(&widths) {
            let _ = write!(out, "  {name:>width$}");
        }
        out.push('\n');
        for (label, cells) in &rows {
            let _ = write!(out, "{label:label_width$}");
            for (cell, width) in cells.iter().zip(&widths) {
                let _ = write!(out, "  {cell:>width$}");
            }
            out.push('\n');
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }

    /// Returns "cx", "cz" or "cx/cz" for the quantum networks' two-qubit gates.
    fn two_qubit_names(&self) -> String {
        let mut names: Vec<&str> = self
            .networks
            .iter()
            .filter_map(|n| n.two_qubit_gate.as_deref())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.join("/")
    }
}

fn note_text(note: &PassNote) -> String {
    format!("{} ({}): {}", note.network, note.pass, note.message)
}

fn add(total: &mut Counts, counts: &Counts) {
    total.mzis += counts.mzis;
    total.mesh_depth += counts.mesh_depth;
    total.phase_shifters += counts.phase_shifters;
    total.attenuators += counts.attenuators;
    total.crossings += counts.crossings;
    total.insertion_loss_db += counts.insertion_loss_db;
    total.one_qubit_gates += counts.one_qubit_gates;
    total.two_qubit_gates += counts.two_qubit_gates;
    total.multi_qubit_gates += counts.multi_qubit_gates;
    total.circuit_depth += counts.circuit_depth;
    total.qubits += counts.qubits;
}

/// Counts the hardware of one compiled network.
pub fn network_report(network: &Network) -> NetworkReport {
    let mut counts = Counts::default();
    let (target, two_qubit_gate) = match &network.target {
        Target::Photonic(photonic) => {
            photonic_counts(network, &mut counts);
            counts.insertion_loss_db = counts.mesh_depth as f64 * photonic.mzi_loss_db;
            ("photonic", None)
        }
        Target::Quantum(quantum) => {
            let whole = crate::simulate::quantum::network_circuit(network);
            quantum_counts(&whole, &mut counts);
            counts.qubits = network.qubits;
            let entangler = quantum
                .basis
                .gate_names()
                .iter()
                .find(|name| matches!(**name, "cx" | "cz"))
                .filter(|_| quantum.entangling)
                .map(|name| name.to_string());
            ("quantum", entangler)
        }
    };
    NetworkReport {
        name: network.name.clone(),
        target: target.to_string(),
        two_qubit_gate,
        counts,
    }
}

fn photonic_counts(network: &Network, counts: &mut Counts) {
    for op in &network.ops {
        match &op.kind {
            OpKind::Mesh(mesh) => {
                counts.mzis += mesh.mzis.len();
                counts.mesh_depth += mesh.columns();
                counts.phase_shifters += 2 * mesh.mzis.len() + mesh.output_phases.len();
            }
            OpKind::Phase(phases) => counts.phase_shifters += phases.len(),
            OpKind::Attenuation(transmissions) => {
                counts.attenuators += transmissions.iter().filter(|&&t| t < 1.0).count();
            }
            OpKind::Permutation(permutation) => {
                counts.crossings += adjacent_transpositions(permutation)
                    .map_or(0, |columns| columns.iter().map(Vec::len).sum());
            }
            _ => {}
        }
    }
}

fn quantum_counts(circuit: &Circuit, counts: &mut Counts) {
    let mut layer_of_qubit = vec![0usize; circuit.num_qubits];
    for instruction in &circuit.instructions {
        match instruction.qubits.len() {
            1 => counts.one_qubit_gates += 1,
            2 => counts.two_qubit_gates += 1,
            _ => counts.multi_qubit_gates += 1,
        }
        let layer = instruction
            .qubits
            .iter()
            .map(|&q| layer_of_qubit[q])
            .max()
            .unwrap_or(0)
            + 1;
        for &q in &instruction.qubits {
            layer_of_qubit[q] = layer;
        }
    }
    counts.circuit_depth = layer_of_qubit.into_iter().max().unwrap_or(0);
}
