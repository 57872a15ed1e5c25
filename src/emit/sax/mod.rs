//! SAX back end: one netlist per optical stage and a Python module with the device models.
//!
//! An optical stage is a maximal run of linear operations between nonlinear ones
//! (`activation`, `detect`). Each non-empty stage becomes `<network>.<first layer>.sax.json`,
//! a netlist in SAX's dict format (`instances`, `connections`, `ports`) plus an `info` object
//! that SAX ignores. `pnn_sax_models.py` defines the models the netlists name, with the MZI
//! convention of [`crate::ir::mesh`].
//!
//! Port names follow gdsfactory, which numbers ports clockwise from the bottom of the west
//! side; mode 0 is drawn at the bottom. So a 2×2 device on modes `m`, `m + 1` has inputs o1
//! (mode `m`) and o2 (mode `m + 1`) and outputs o3 (mode `m + 1`) and o4 (mode `m`). A 1×1
//! device has input o1 and output o2. A stage with N inputs and M outputs has top-level inputs
//! o1…oN for modes 0…N−1 and outputs o(N+1)…o(N+M) for modes M−1 down to 0. Its S-matrix from
//! those inputs to those outputs, times `info.gain`, is the stage's transfer matrix.

mod json;
mod netlist;
mod permutation;

#[cfg(test)]
mod tests;

use std::collections::HashSet;

pub use permutation::adjacent_transpositions;

use super::{Artifact, EmitError};
use crate::driver::Compilation;
use crate::ir::{Network, Op};

/// File name of the companion Python module, written once per build.
pub const MODELS_FILE: &str = "pnn_sax_models.py";

/// Text of the companion Python module.
pub const MODELS_SOURCE: &str = include_str!("pnn_sax_models.py");

/// Settings of the SAX emitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaxOptions {
    /// Indent the JSON (two spaces) instead of writing it on one line.
    pub pretty: bool,
}

impl Default for SaxOptions {
    fn default() -> Self {
        SaxOptions { pretty: true }
    }
}

/// A maximal run of linear operations of a network, between nonlinear operations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage<'a> {
    index: usize,
    first_op: usize,
    ops: &'a [Op],
    input_modes: usize,
    output_modes: usize,
}

impl<'a> Stage<'a> {
    /// Position among the network's non-empty stages, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Index in the network's operation list of the stage's first operation.
    pub fn first_op(&self) -> usize {
        self.first_op
    }

    /// Returns the stage's operations: at least one, all linear.
    pub fn ops(&self) -> &'a [Op] {
        self.ops
    }

    pub fn input_modes(&self) -> usize {
        self.input_modes
    }

    pub fn output_modes(&self) -> usize {
        self.output_modes
    }

    /// Names of the layers the stage's operations come from, in order, each once.
    pub fn layers(&self) -> Vec<&'a str> {
        let mut layers: Vec<&str> = Vec::new();
        for op in self.ops {
            if !layers.contains(&op.layer.as_str()) {
                layers.push(&op.layer);
            }
        }
        layers
    }
}

/// Splits a network's operations into its non-empty optical stages, in order.
pub fn stages(network: &Network) -> Vec<Stage<'_>> {
    let mut stages = Vec::new();
    let mut width = network.input.width;
    // First operation and input mode count of the stage being collected.
    let mut open: Option<(usize, usize)> = None;
    for (index, op) in network.ops.iter().enumerate() {
        if op.kind.is_linear() {
            open.get_or_insert((index, width));
        } else if let Some((first_op, input_modes)) = open.take() {
            stages.push(Stage {
                index: stages.len(),
                first_op,
                ops: &network.ops[first_op..index],
                input_modes,
                output_modes: width,
            });
        }
        width = op.kind.output_width(width);
    }
    if let Some((first_op, input_modes)) = open {
        stages.push(Stage {
            index: stages.len(),
            first_op,
            ops: &network.ops[first_op..],
            input_modes,
            output_modes: width,
        });
    }
    stages
}

/// Writes the SAX netlist JSON of one stage of `network`.
///
/// Fails when the network does not validate as compiled IR (for example when it still contains
/// a `Unitary` operation) or when the stage does not fit it.
pub fn netlist(
    network: &Network,
    stage: &Stage,
    options: &SaxOptions,
) -> Result<String, EmitError> {
    let unsupported = |message: String| EmitError::Unsupported {
        network: network.name.clone(),
        message,
    };
    crate::ir::validate(network, crate::ir::Stage::Compiled)
        .map_err(|error| unsupported(error.to_string()))?;
    let circuit = netlist::build(stage.ops, stage.input_modes).map_err(unsupported)?;
    Ok(json::write(network, stage, &circuit, options))
}

/// Emits every stage netlist of a compilation and the models module, with default options.
pub fn emit(compilation: &Compilation) -> Result<Vec<Artifact>, EmitError> {
    emit_with(compilation, &SaxOptions::default())
}

/// Emits every stage netlist of a compilation and the models module.
pub fn emit_with(
    compilation: &Compilation,
    options: &SaxOptions,
) -> Result<Vec<Artifact>, EmitError> {
    let mut artifacts = Vec::new();
    let mut used_paths = HashSet::new();
    for network in super::networks_of_family(compilation, false, "sax")? {
        for stage in stages(network) {
            log::debug!(
                "writing the SAX netlist of stage {} of network `{}`",
                stage.index,
                network.name
            );
            let contents = netlist(network, &stage, options)?;
            let path = unique_path(&network.name, &stage.ops[0].layer, &mut used_paths);
            artifacts.push(Artifact { path, contents });
        }
    }
    artifacts.push(Artifact {
        path: MODELS_FILE.to_string(),
        contents: MODELS_SOURCE.to_string(),
    });
    Ok(artifacts)
}

/// Returns `<network>.<layer>.sax.json`, or `<network>.<layer>_<n>.sax.json` with the smallest
/// `n ≥ 2` that is still free when that name is taken.
fn unique_path(network: &str, layer: &str, used: &mut HashSet<String>) -> String {
    // A fused operation is named `a+b+c` after its layers; the file takes the first one.
    let layer = layer.split('+').next().unwrap_or(layer);
    let mut path = format!("{network}.{layer}.sax.json");
    let mut suffix = 2;
    while used.contains(&path) {
        path = format!("{network}.{layer}_{suffix}.sax.json");
        suffix += 1;
    }
    used.insert(path.clone());
    path
}
