//! Optimization passes: rewrites that keep a network's function and use less hardware.
//!
//! Passes run at three points of the pipeline, each gated by the optimization level:
//! [`before_decomposition`] on lowered photonic networks (fusion, structure detection, rank
//! truncation), [`after_decomposition`] on compiled meshes (dropping idle MZIs, merging phase
//! columns) and [`after_synthesis`] on quantum circuits (cancellation, resynthesis).
//! Level 0 is the plain mapping; level 2 is the default; level 3 adds the costly searches.
//! Every pass returns notes for the compile report, and the driver validates the IR after
//! each pass.

use std::fmt;

use crate::ir::{Module, Network, Stage, ValidationError, validate};

pub mod photonic;
pub mod quantum;

/// An optimization level from 0 to 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptLevel(u8);

impl OptLevel {
    /// The plain mapping, without optimization.
    pub const NONE: OptLevel = OptLevel(0);
    /// The default level.
    pub const DEFAULT: OptLevel = OptLevel(2);
    pub const MAX: OptLevel = OptLevel(3);

    /// Returns the level, or `None` above 3.
    pub fn new(level: u8) -> Option<OptLevel> {
        (level <= 3).then_some(OptLevel(level))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for OptLevel {
    fn default() -> Self {
        OptLevel::DEFAULT
    }
}

impl fmt::Display for OptLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A fact a pass reports for the compile report, e.g. the error a truncation introduced.
#[derive(Debug, Clone, PartialEq)]
pub struct PassNote {
    pub pass: &'static str,
    pub network: String,
    pub message: String,
}

/// One pass: its name, the lowest level it runs at, and the rewrite of one network, which
/// returns notes.
pub struct Pass {
    pub name: &'static str,
    pub min_level: u8,
    pub run: fn(&mut Network) -> Vec<String>,
}

/// Runs the passes that apply at `level` to the networks of one family and validates each
/// network after each pass.
fn run_passes(
    module: &mut Module,
    passes: &[Pass],
    level: OptLevel,
    quantum: bool,
    stage: Stage,
    notes: &mut Vec<PassNote>,
) -> Result<(), ValidationError> {
    for network in module
        .networks
        .iter_mut()
        .filter(|network| network.target.is_quantum() == quantum)
    {
        for pass in passes.iter().filter(|pass| level.get() >= pass.min_level) {
            log::info!("running pass `{}` on network `{}`", pass.name, network.name);
            for message in (pass.run)(network) {
                notes.push(PassNote {
                    pass: pass.name,
                    network: network.name.clone(),
                    message,
                });
            }
            validate(network, stage).map_err(|mut error| {
                error.message = format!("after pass `{}`: {}", pass.name, error.message);
                error
            })?;
        }
    }
    Ok(())
}

/// Photonic passes on lowered IR, before unitaries become meshes; see [`photonic`].
const BEFORE_DECOMPOSITION: &[Pass] = &[
    photonic::FUSE_LINEAR,
    photonic::DETECT_STRUCTURE,
    photonic::LOW_RANK,
];

/// Photonic passes on compiled meshes; see [`photonic`].
const AFTER_DECOMPOSITION: &[Pass] = &[photonic::DROP_IDLE_MZIS];

/// Quantum passes on circuits in the target basis; see [`quantum`].
const AFTER_SYNTHESIS: &[Pass] = &[
    quantum::MERGE_CIRCUITS,
    quantum::CANCEL_ADJACENT,
    quantum::CANCEL_COMMUTING,
    quantum::CONSOLIDATE_TWO_QUBIT_BLOCKS,
    quantum::CONSOLIDATE_THREE_QUBIT_BLOCKS,
];

pub fn before_decomposition(
    module: &mut Module,
    level: OptLevel,
    notes: &mut Vec<PassNote>,
) -> Result<(), ValidationError> {
    run_passes(
        module,
        BEFORE_DECOMPOSITION,
        level,
        false,
        Stage::Lowered,
        notes,
    )
}

pub fn after_decomposition(
    module: &mut Module,
    level: OptLevel,
    notes: &mut Vec<PassNote>,
) -> Result<(), ValidationError> {
    run_passes(
        module,
        AFTER_DECOMPOSITION,
        level,
        false,
        Stage::Compiled,
        notes,
    )
}

pub fn after_synthesis(
    module: &mut Module,
    level: OptLevel,
    notes: &mut Vec<PassNote>,
) -> Result<(), ValidationError> {
    run_passes(module, AFTER_SYNTHESIS, level, true, Stage::Compiled, notes)
}
