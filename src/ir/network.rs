//! Networks: sequences of operations on a vector of optical modes or on a qubit register.

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::circuit::Circuit;
use super::mesh::{Mesh, MeshKind};
use crate::source::Span;
use crate::synthesize::basis::Basis;

/// Complex matrix type used throughout the IR.
pub type CMatrix = DMatrix<Complex64>;

/// Every network of one `.pnn` file, in source order.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub networks: Vec<Network>,
}

/// One `network NAME { … }` after lowering.
///
/// In a photonic network the signal is a vector of complex field amplitudes, one per mode. In
/// a quantum network it is the state of the live qubits of a register of `qubits` qubits:
/// the input qubits are `0 … input.width − 1`, each `perceptrons` layer adds fresh qubits after
/// them and its [`OpKind::Trace`] leaves only those live. `ops` act in order from the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub name: String,
    pub span: Span,
    pub target: Target,
    pub input: Input,
    pub ops: Vec<Op>,
    /// Total qubits of a quantum network's register; 0 for a photonic network.
    pub qubits: usize,
    /// Span of the `output` statement.
    pub output_span: Span,
}

/// Hardware the network compiles for, from `target KIND(…)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `target photonic(mesh = clements)`
    Photonic(PhotonicTarget),
    /// `target quantum(basis = [u3, cx])`
    Quantum(QuantumTarget),
}

impl Target {
    pub fn is_quantum(&self) -> bool {
        matches!(self, Target::Quantum(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuantumTarget {
    /// Gate set that unitaries are synthesized into and circuits translated to.
    pub basis: Basis,
    /// Whether the basis has a two-qubit gate; `basis = [u3]` and `basis = [rz, sx, x]` do
    /// not, so they only express circuits without entangling gates.
    pub entangling: bool,
    /// The basis as written, e.g. `[rz, sx, x, cx]`.
    pub basis_text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhotonicTarget {
    /// Topology that `unitary` operations decompose into.
    pub mesh: MeshKind,
    /// Whether optimization may remove devices from the meshes.
    pub layout: Layout,
    /// Insertion loss of one MZI in dB, for the compile report's loss estimate.
    pub mzi_loss_db: f64,
    /// Singular values of `linear` layers below this fraction of the largest are dropped by
    /// the low-rank pass; 0 keeps every nonzero one.
    pub rank_tolerance: f64,
    pub span: Span,
}

/// `target photonic(layout = …)`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Optimization may drop MZIs and merge phase columns (the default).
    Compact,
    /// Every MZI of the full mesh stays, as on a chip with a fixed mesh.
    Fixed,
}

/// `input NAME: optical[WIDTH]` or `input NAME: qubit[WIDTH]`
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: String,
    /// Number of optical modes or qubits.
    pub width: usize,
    pub span: Span,
}

/// One operation, with the source layer it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    pub kind: OpKind,
    /// Name of the `.pnn` layer this operation lowers (several operations may share one).
    pub layer: String,
    /// Span of that layer's declaration (or of the `output` statement for its `detect`).
    pub span: Span,
}

/// Operations on the field vector. All phases are in radians; amplitudes are
/// dimensionless field amplitudes, so powers are their squared magnitudes.
#[derive(Debug, Clone, PartialEq)]
pub enum OpKind {
    /// An N×N unitary applied to the field; lowered from `unitary` and `linear` and replaced
    /// by [`OpKind::Mesh`] during decomposition.
    Unitary(CMatrix),
    /// A compiled MZI mesh; see [`Mesh`] for its transfer matrix.
    Mesh(Mesh),
    /// `phase(x, [φ0, φ1, …])`: mode k is multiplied by `e^{iφk}`; phases in `[0, 2π)`.
    Phase(Vec<f64>),
    /// `permute(x, [p0, p1, …])`: output mode k carries input mode `pk`.
    Permutation(Vec<usize>),
    /// Per-mode amplitude transmissions in `[0, 1]` (passive attenuators), from the singular
    /// values of a `linear` layer.
    Attenuation(Vec<f64>),
    /// Changes the number of modes: the first `min(old, new)` modes pass, extra new modes
    /// are dark (amplitude 0) and dropped modes are terminated.
    Resize { modes: usize },
    /// Electronic amplitude gain applied to every mode; keeps the optics passive when a
    /// `linear` matrix has singular values above 1.
    Gain(f64),
    /// `activation(x, kind = …)`: an elementwise nonlinearity.
    Activation(Activation),
    /// `detect(x)`: photodetection, the field becomes the real power `|E|²` per mode.
    Detect,
    /// A unitary on the listed register qubits (operand 0 is the matrix's least significant
    /// bit), lowered from `unitary` and `perceptrons` and replaced by a [`OpKind::Circuit`]
    /// during synthesis.
    QubitUnitary { matrix: CMatrix, qubits: Vec<usize> },
    /// Gates on the whole register (`circuit.num_qubits` equals `Network::qubits`), from
    /// `circuit` layers and from synthesis.
    Circuit(Circuit),
    /// End of a `perceptrons` layer: the qubits in `keep` stay live and every other qubit is
    /// traced out.
    Trace { keep: Vec<usize> },
    /// `measure(q)`: computational-basis measurement of the live qubits; the output becomes
    /// their outcome probabilities.
    Measure,
}

/// Elementwise optical nonlinearities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    /// `kind = abs_squared`: `f(E) = |E|²`, photodetection followed by re-emission of a field
    /// whose amplitude equals the detected power (an optical-electrical-optical stage).
    AbsSquared,
    /// `kind = electro_optic`: the electro-optic activation of Williamson et al. (2020),
    /// `f(E) = i√(1−α) · exp(−i(g|E|² + φb)/2) · cos((g|E|² + φb)/2) · E`.
    ElectroOptic {
        /// Fraction α of the power tapped to the photodetector, in `[0, 1)`.
        alpha: f64,
        /// Phase gain g in radians per unit of input power `|E|²`.
        gain: f64,
        /// Bias phase φb in radians.
        bias: f64,
    },
}

impl OpKind {
    /// Returns the mode count after this operation, given the count before it.
    pub fn output_width(&self, input: usize) -> usize {
        match self {
            OpKind::Resize { modes } => *modes,
            OpKind::Trace { keep } => keep.len(),
            _ => input,
        }
    }

    /// Returns the lowercase name the IR dump uses for this operation.
    pub fn name(&self) -> &'static str {
        match self {
            OpKind::Unitary(_) => "unitary",
            OpKind::Mesh(_) => "mesh",
            OpKind::Phase(_) => "phase",
            OpKind::Permutation(_) => "permute",
            OpKind::Attenuation(_) => "attenuate",
            OpKind::Resize { .. } => "resize",
            OpKind::Gain(_) => "gain",
            OpKind::Activation(_) => "activation",
            OpKind::Detect => "detect",
            OpKind::QubitUnitary { .. } => "unitary",
            OpKind::Circuit(_) => "circuit",
            OpKind::Trace { .. } => "trace",
            OpKind::Measure => "measure",
        }
    }

    /// Whether the operation is linear in the field, so that consecutive linear operations
    /// compose into one matrix.
    pub fn is_linear(&self) -> bool {
        !matches!(
            self,
            OpKind::Activation(_) | OpKind::Detect | OpKind::Trace { .. } | OpKind::Measure
        )
    }

    /// Whether the operation belongs to quantum networks.
    pub fn is_quantum(&self) -> bool {
        matches!(
            self,
            OpKind::QubitUnitary { .. }
                | OpKind::Circuit(_)
                | OpKind::Trace { .. }
                | OpKind::Measure
        )
    }
}

impl Network {
    /// Returns the mode count of the network's output.
    pub fn output_width(&self) -> usize {
        self.ops
            .iter()
            .fold(self.input.width, |width, op| op.kind.output_width(width))
    }

    /// Whether the output is real: photonic networks whose last nonlinear operation produces
    /// powers (`detect` or `abs_squared`) with only real-preserving operations after it, and
    /// quantum networks that end in `measure`.
    pub fn output_is_real(&self) -> bool {
        for op in self.ops.iter().rev() {
            match &op.kind {
                OpKind::Gain(_)
                | OpKind::Attenuation(_)
                | OpKind::Permutation(_)
                | OpKind::Resize { .. } => continue,
                OpKind::Detect | OpKind::Activation(Activation::AbsSquared) | OpKind::Measure => {
                    return true;
                }
                _ => return false,
            }
        }
        false
    }

    /// Whether a quantum network traces qubits out, so that its output is a density matrix.
    pub fn output_is_mixed(&self) -> bool {
        self.ops
            .iter()
            .any(|op| matches!(op.kind, OpKind::Trace { .. }))
    }
}
