//! Draft circuits: CX and rotation gates mixed with one- and two-qubit unitaries still to
//! be synthesized.
//!
//! The n-qubit decompositions emit drafts. Keeping the two-qubit leaves as matrices until the
//! end lets the lowering pass hand the diagonal left over by one leaf's synthesis to the next
//! leaf, and lets one-qubit gates fuse.

#[cfg(test)]
use nalgebra::DMatrix;
use nalgebra::{Matrix2, Matrix4};
use num_complex::Complex64;

use crate::ir::CMatrix;
#[cfg(test)]
use crate::ir::circuit::{Gate, apply_gate};

/// One operation of a [`Draft`], on global qubit indices.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Rz {
        angle: f64,
        qubit: usize,
    },
    Cx {
        control: usize,
        target: usize,
    },
    /// A one-qubit unitary.
    OneQubit {
        matrix: Matrix2<Complex64>,
        qubit: usize,
    },
    /// A two-qubit unitary; `qubits[0]` is the least significant bit of the matrix index.
    TwoQubit {
        matrix: Matrix4<Complex64>,
        qubits: [usize; 2],
    },
}

/// A sequence of steps on `num_qubits` qubits, the first step applied first, times
/// `e^{i·global_phase}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub num_qubits: usize,
    pub steps: Vec<Step>,
    pub global_phase: f64,
}

impl Draft {
    pub fn new(num_qubits: usize) -> Self {
        Draft {
            num_qubits,
            steps: Vec::new(),
            global_phase: 0.0,
        }
    }

    pub fn push(&mut self, step: Step) {
        self.steps.push(step);
    }
}

/// Copies a 2×2 dynamic matrix into a static one.
pub fn to_matrix2(matrix: &CMatrix) -> Matrix2<Complex64> {
    Matrix2::from_fn(|row, column| matrix[(row, column)])
}

/// Copies a 4×4 dynamic matrix into a static one.
pub fn to_matrix4(matrix: &CMatrix) -> Matrix4<Complex64> {
    Matrix4::from_fn(|row, column| matrix[(row, column)])
}

// Evaluation of drafts as matrices, for the tests of the decompositions.
#[cfg(test)]
impl Step {
    /// Returns the qubits the step acts on.
    pub fn qubits(&self) -> Vec<usize> {
        match *self {
            Step::Rz { qubit, .. } | Step::OneQubit { qubit, .. } => vec![qubit],
            Step::Cx { control, target } => vec![control, target],
            Step::TwoQubit { qubits, .. } => qubits.to_vec(),
        }
    }

    /// Returns the step's matrix over [`Step::qubits`], operand 0 as the least significant bit.
    pub fn matrix(&self) -> CMatrix {
        match self {
            Step::Rz { angle, .. } => Gate::Rz(*angle).matrix(),
            Step::Cx { .. } => Gate::Cx.matrix(),
            Step::OneQubit { matrix, .. } => DMatrix::from_iterator(2, 2, matrix.iter().copied()),
            Step::TwoQubit { matrix, .. } => DMatrix::from_iterator(4, 4, matrix.iter().copied()),
        }
    }
}

#[cfg(test)]
impl Draft {
    /// Counts the CX steps, leaving out the ones the leaves will add.
    pub fn cx_count(&self) -> usize {
        self.steps
            .iter()
            .filter(|step| matches!(step, Step::Cx { .. }))
            .count()
    }

    /// Returns the 2^n × 2^n unitary of the draft, global phase included.
    pub fn unitary(&self) -> CMatrix {
        let size = 1 << self.num_qubits;
        let mut matrix = DMatrix::<Complex64>::identity(size, size);
        for step in &self.steps {
            apply_gate(&step.matrix(), &step.qubits(), &mut matrix);
        }
        let phase = Complex64::from_polar(1.0, self.global_phase);
        matrix.iter_mut().for_each(|entry| *entry *= phase);
        matrix
    }
}
