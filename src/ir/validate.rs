//! IR validation: the invariants every stage after lowering relies on.
//!
//! A [`Compiled`] module can only be built by validating a module in which every unitary has
//! been decomposed; simulators and emitters take `&Compiled`, so valid IR never makes them
//! panic.

use std::fmt;

use super::network::{Module, Network, OpKind, Target};
use crate::source::Span;

/// Tolerance on ‖U†U − I‖ (max-abs entry) for `Unitary` operations in the IR. The checker
/// projects user matrices to the nearest unitary, so lowered unitaries are exact up to
/// rounding.
const UNITARY_TOLERANCE: f64 = 1e-9;

/// Which stage's invariants to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// After lowering or an optimization pass: unitaries may remain.
    Lowered,
    /// After decomposition and synthesis: no `Unitary` or `QubitUnitary` operation remains,
    /// and quantum circuits contain only gates of the target basis.
    Compiled,
}

/// An IR invariant that does not hold: a compiler bug, never a user error.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    pub network: String,
    /// Index of the offending operation, `None` for the network itself.
    pub op_index: Option<usize>,
    pub span: Span,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op_index {
            Some(index) => write!(
                f,
                "invalid IR in network `{}`, operation {index}: {}",
                self.network, self.message
            ),
            None => write!(
                f,
                "invalid IR in network `{}`: {}",
                self.network, self.message
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

/// A module that passed validation at [`Stage::Compiled`].
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    module: Module,
}

impl Compiled {
    /// Validates a decomposed module.
    pub fn new(module: Module) -> Result<Self, ValidationError> {
        validate_module(&module, Stage::Compiled)?;
        Ok(Compiled { module })
    }

    pub fn module(&self) -> &Module {
        &self.module
    }

    pub fn networks(&self) -> &[Network] {
        &self.module.networks
    }

    pub fn network(&self, name: &str) -> Option<&Network> {
        self.module
            .networks
            .iter()
            .find(|network| network.name == name)
    }
}

pub fn validate_module(module: &Module, stage: Stage) -> Result<(), ValidationError> {
    module
        .networks
        .iter()
        .try_for_each(|network| validate(network, stage))
}

/// Checks widths along the chain, shapes, ranges and finiteness of every operation.
pub fn validate(network: &Network, stage: Stage) -> Result<(), ValidationError> {
    let error = |op_index: Option<usize>, span: Span, message: String| ValidationError {
        network: network.name.clone(),
        op_index,
        span,
        message,
    };
    if network.input.width == 0 {
        return Err(error(None, network.span, "the input has no modes".into()));
    }
    let quantum = network.target.is_quantum();
    if quantum && network.qubits < network.input.width {
        return Err(error(
            None,
            network.span,
            "the register is narrower than the input".into(),
        ));
    }
    let mut width = network.input.width;
    for (index, op) in network.ops.iter().enumerate() {
        let fail = |message: String| Err(error(Some(index), op.span, message));
        let finite = |values: &[f64]| values.iter().all(|x| x.is_finite());
        if op.kind.is_quantum() != quantum {
            return fail(format!(
                "`{}` does not belong in this network's target",
                op.kind.name()
            ));
        }
        if quantum {
            if let Err(message) = validate_quantum(network, &op.kind, index, stage) {
                return fail(message);
            }
            width = op.kind.output_width(width);
            continue;
        }
        match &op.kind {
            OpKind::Unitary(matrix) => {
                if stage == Stage::Compiled {
                    return fail("a unitary was not decomposed".into());
                }
                if matrix.shape() != (width, width) {
                    return fail(format!(
                        "unitary is {}×{} on {width} modes",
                        matrix.nrows(),
                        matrix.ncols()
                    ));
                }
                let deviation = crate::linalg::max_abs(&crate::linalg::gram_defect(matrix));
                // Written so that a NaN deviation fails too.
                if deviation.is_nan() || deviation > UNITARY_TOLERANCE {
                    return fail(format!("matrix deviates from unitary by {deviation:e}"));
                }
            }
            OpKind::Mesh(mesh) => {
                if mesh.modes != width || mesh.output_phases.len() != width {
                    return fail(format!("mesh of {} modes on {width} modes", mesh.modes));
                }
                for mzi in &mesh.mzis {
                    if mzi.top + 1 >= width {
                        return fail(format!(
                            "MZI on modes {} and {} of {width}",
                            mzi.top,
                            mzi.top + 1
                        ));
                    }
                    if !finite(&[mzi.theta, mzi.phi]) {
                        return fail("MZI phase is not finite".into());
                    }
                }
                if !finite(&mesh.output_phases) {
                    return fail("output phase is not finite".into());
                }
            }
            OpKind::Phase(phases) => {
                if phases.len() != width || !finite(phases) {
                    return fail(format!("{} phases on {width} modes", phases.len()));
                }
            }
            OpKind::Permutation(permutation) => {
                let mut seen = vec![false; width];
                let valid = permutation.len() == width
                    && permutation
                        .iter()
                        .all(|&p| p < width && !std::mem::replace(&mut seen[p], true));
                if !valid {
                    return fail(format!(
                        "{permutation:?} is not a permutation of {width} modes"
                    ));
                }
            }
            OpKind::Attenuation(transmissions) => {
                let in_range = transmissions.iter().all(|t| (0.0..=1.0).contains(t));
                if transmissions.len() != width || !in_range {
                    return fail(format!("attenuation {transmissions:?} on {width} modes"));
                }
            }
            OpKind::Resize { modes } => {
                if *modes == 0 {
                    return fail("resize to zero modes".into());
                }
            }
            OpKind::Gain(gain) => {
                if !gain.is_finite() || *gain <= 0.0 {
                    return fail(format!("gain {gain} is not positive and finite"));
                }
            }
            OpKind::Activation(super::Activation::ElectroOptic { alpha, gain, bias }) => {
                if !(0.0..1.0).contains(alpha) || !finite(&[*gain, *bias]) {
                    return fail("electro-optic parameters out of range".into());
                }
            }
            OpKind::Activation(_) | OpKind::Detect => {}
            OpKind::QubitUnitary { .. }
            | OpKind::Circuit(_)
            | OpKind::Trace { .. }
            | OpKind::Measure => unreachable!("quantum operations are checked above"),
        }
        width = op.kind.output_width(width);
    }
    Ok(())
}

/// Checks one operation of a quantum network.
fn validate_quantum(
    network: &Network,
    op: &OpKind,
    index: usize,
    stage: Stage,
) -> Result<(), String> {
    let register = network.qubits;
    let distinct_in_register = |qubits: &[usize]| {
        let mut seen = vec![false; register];
        qubits
            .iter()
            .all(|&q| q < register && !std::mem::replace(&mut seen[q], true))
    };
    match op {
        OpKind::QubitUnitary { matrix, qubits } => {
            if stage == Stage::Compiled {
                return Err("a unitary was not synthesized".into());
            }
            let size = 1usize << qubits.len();
            if matrix.shape() != (size, size) || !distinct_in_register(qubits) {
                return Err(format!(
                    "{}×{} unitary on qubits {qubits:?} of {register}",
                    matrix.nrows(),
                    matrix.ncols()
                ));
            }
            let deviation = crate::linalg::max_abs(&crate::linalg::gram_defect(matrix));
            if deviation.is_nan() || deviation > UNITARY_TOLERANCE {
                return Err(format!("matrix deviates from unitary by {deviation:e}"));
            }
        }
        OpKind::Circuit(circuit) => {
            if circuit.num_qubits != register || !circuit.global_phase.is_finite() {
                return Err(format!(
                    "circuit on {} qubits in a register of {register}",
                    circuit.num_qubits
                ));
            }
            let Target::Quantum(target) = &network.target else {
                unreachable!("quantum operations only reach here in quantum networks")
            };
            let names = target.basis.gate_names();
            for instruction in &circuit.instructions {
                let gate = &instruction.gate;
                if gate.num_qubits() != instruction.qubits.len()
                    || !distinct_in_register(&instruction.qubits)
                    || !gate.params().iter().all(|p| p.is_finite())
                {
                    return Err(format!(
                        "invalid {} on {:?}",
                        gate.name(),
                        instruction.qubits
                    ));
                }
                if stage == Stage::Compiled && !names.contains(&gate.name()) {
                    return Err(format!(
                        "{} is not in the basis {}",
                        gate.name(),
                        target.basis_text
                    ));
                }
            }
        }
        OpKind::Trace { keep } => {
            if keep.is_empty() || !distinct_in_register(keep) {
                return Err(format!("trace keeps {keep:?} of {register} qubits"));
            }
        }
        OpKind::Measure => {
            if index + 1 != network.ops.len() {
                return Err("measure is not the last operation".into());
            }
        }
        _ => unreachable!("only quantum operations are passed here"),
    }
    Ok(())
}
