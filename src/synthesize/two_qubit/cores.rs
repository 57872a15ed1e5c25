//! CX circuits that realize the canonical gate `W(a, b, c)` exactly, up to local gates.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

use nalgebra::DMatrix;

use crate::ir::CMatrix;
use crate::ir::circuit::{Circuit, Gate};

/// One step of a core between its outer local gates.
enum Step {
    Cx { control: usize, target: usize },
    OneQubit { qubit: usize, matrix: CMatrix },
}

/// A circuit with `W = e^{i·global_phase} (after[1] ⊗ after[0]) · steps · (before[1] ⊗ before[0])`
/// for the canonical gate `W` of the coordinates it was built from.
pub(super) struct CxCore {
    pub(super) global_phase: f64,
    pub(super) before: [CMatrix; 2],
    pub(super) after: [CMatrix; 2],
    steps: Vec<Step>,
}

impl CxCore {
    /// `W(0, 0, 0) = I`.
    pub(super) fn identity() -> Self {
        CxCore {
            global_phase: 0.0,
            before: [identity(), identity()],
            after: [identity(), identity()],
            steps: Vec::new(),
        }
    }

    /// `W(π/4, 0, 0) = e^{−iπ/4} (H·Rz(−π/2)·H ⊗ H·Rz(−π/2)) · CX(0→1) · (I ⊗ H)`.
    ///
    /// This follows from `CZ = e^{iπ/4} (Rz(π/2) ⊗ Rz(π/2)) · exp(iπ/4·ZZ)`, with H on both
    /// qubits turning ZZ into XX and H on the target turning CZ into CX.
    pub(super) fn one_cx() -> Self {
        let h = Gate::H.matrix();
        let rz = Gate::Rz(-FRAC_PI_2).matrix();
        CxCore {
            global_phase: -FRAC_PI_4,
            before: [h.clone(), identity()],
            after: [&h * &rz, &h * &rz * &h],
            steps: vec![Step::Cx {
                control: 0,
                target: 1,
            }],
        }
    }

    /// `W(a, b, 0) = (V ⊗ V) · CX(0→1) · (Rz(−2b) ⊗ Rx(−2a)) · CX(0→1) · (V† ⊗ V†)` with
    /// `V = Rx(π/2)`.
    ///
    /// Conjugation by CX(0→1) maps X on qubit 0 to XX and Z on qubit 1 to ZZ, so the middle
    /// is `exp(i(a·XX + b·ZZ))`, and V (which maps Z to ±Y and keeps X) turns ZZ into YY.
    pub(super) fn two_cx(a: f64, b: f64) -> Self {
        let v = Gate::Rx(FRAC_PI_2).matrix();
        let v_adjoint = v.adjoint();
        CxCore {
            global_phase: 0.0,
            before: [v_adjoint.clone(), v_adjoint],
            after: [v.clone(), v],
            steps: vec![
                Step::Cx {
                    control: 0,
                    target: 1,
                },
                Step::OneQubit {
                    qubit: 0,
                    matrix: Gate::Rx(-2.0 * a).matrix(),
                },
                Step::OneQubit {
                    qubit: 1,
                    matrix: Gate::Rz(-2.0 * b).matrix(),
                },
                Step::Cx {
                    control: 0,
                    target: 1,
                },
            ],
        }
    }

    /// `W(a, b, c) = e^{iπ/4} (I ⊗ S†) · C · (S ⊗ I)` with the three-CX circuit
    /// `C = CX(1→0) · (Ry(t2) ⊗ Rz(t1)) · CX(0→1) · (Ry(t3) ⊗ I) · CX(1→0)`,
    /// `t1 = π/2 − 2c`, `t2 = 2b − π/2`, `t3 = π/2 − 2a`.
    ///
    /// With `P₀Q₁` for Pauli P on qubit 0 and Q on qubit 1, propagating the rotations
    /// through the CX gates gives
    /// `C = exp(−i t1/2·Z₀Z₁) · exp(−i t2/2·X₀Y₁) · exp(−i t3/2·Y₀X₁) · SWAP`, and
    /// `SWAP = e^{−iπ/4} exp(iπ/4(XX + YY + ZZ))`. Conjugating qubit 0 by S turns `X₀Y₁`
    /// into `−Y₀Y₁` and `Y₀X₁` into `X₀X₁`.
    pub(super) fn three_cx(a: f64, b: f64, c: f64) -> Self {
        let t1 = FRAC_PI_2 - 2.0 * c;
        let t2 = 2.0 * b - FRAC_PI_2;
        let t3 = FRAC_PI_2 - 2.0 * a;
        CxCore {
            global_phase: FRAC_PI_4,
            before: [identity(), Gate::S.matrix()],
            after: [Gate::Sdg.matrix(), identity()],
            steps: vec![
                Step::Cx {
                    control: 1,
                    target: 0,
                },
                Step::OneQubit {
                    qubit: 1,
                    matrix: Gate::Ry(t3).matrix(),
                },
                Step::Cx {
                    control: 0,
                    target: 1,
                },
                Step::OneQubit {
                    qubit: 0,
                    matrix: Gate::Rz(t1).matrix(),
                },
                Step::OneQubit {
                    qubit: 1,
                    matrix: Gate::Ry(t2).matrix(),
                },
                Step::Cx {
                    control: 1,
                    target: 0,
                },
            ],
        }
    }

    /// Appends the steps between the outer local gates, writing one-qubit steps with
    /// `push_one_qubit`.
    pub(super) fn append_steps(
        &self,
        circuit: &mut Circuit,
        push_one_qubit: impl Fn(&mut Circuit, usize, &CMatrix),
    ) {
        for step in &self.steps {
            match step {
                Step::Cx { control, target } => circuit.push(Gate::Cx, &[*control, *target]),
                Step::OneQubit { qubit, matrix } => push_one_qubit(circuit, *qubit, matrix),
            }
        }
    }
}

fn identity() -> CMatrix {
    DMatrix::identity(2, 2)
}
