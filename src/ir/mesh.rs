//! Compiled MZI meshes: the optical form of a unitary after decomposition.
//!
//! Convention (written out in `docs/conventions.md`): the MZI on modes `m` (upper arm) and
//! `m + 1` (lower arm) has the transfer matrix
//!
//! ```text
//! M(θ, φ) = C† · P(θ) · C · P(φ)
//!         = e^{iθ/2} · [[e^{iφ} cos(θ/2), −sin(θ/2)],
//!                       [e^{iφ} sin(θ/2),  cos(θ/2)]]
//! ```
//!
//! with the 50:50 coupler `C = (1/√2)[[1, i], [i, 1]]` and `P(x) = diag(e^{ix}, 1)`, a phase
//! shifter on the upper arm. `φ` is the external phase (before the first coupler), `θ` the internal
//! phase (between the couplers). `θ = 0` is the bar state, `θ = π` the cross state. Up to the
//! factor `e^{iθ/2}`, `M(θ, φ)` is the Clements et al. (2016) matrix `T(θ/2, φ)`.

mod kernel;
#[cfg(test)]
mod tests;

use nalgebra::DMatrix;
use num_complex::Complex64;

/// One Mach–Zehnder interferometer acting on modes `top` and `top + 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mzi {
    /// Upper mode of the pair; the MZI couples `top` and `top + 1`.
    pub top: usize,
    /// Layout column, counted from 0 at the mesh input.
    pub column: usize,
    /// Internal phase θ in radians, in `[0, π]`; 0 is the bar state.
    pub theta: f64,
    /// External phase φ in radians, in `[0, 2π)`, on the upper input arm.
    pub phi: f64,
}

/// Mesh topology, chosen by `target photonic(mesh = …)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeshKind {
    /// Rectangular mesh of Clements et al. (2016): N columns for N ≥ 3, balanced path
    /// lengths.
    Clements,
    /// Triangular mesh of Reck et al. (1994): 2N − 3 columns for N ≥ 2.
    Reck,
}

/// A mesh of MZIs followed by one column of output phase shifters.
///
/// Its transfer matrix is `diag(e^{i·output_phases}) · M_K ⋯ M_1`, where `M_1 = mzis[0]`
/// is the first MZI the light meets.
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    pub kind: MeshKind,
    /// Number of optical modes N.
    pub modes: usize,
    /// MZIs in propagation order; an MZI never comes before one it depends on.
    pub mzis: Vec<Mzi>,
    /// Output phase screen, one phase per mode, in radians in `[0, 2π)`.
    pub output_phases: Vec<f64>,
}

/// Returns the 2×2 transfer matrix `M(θ, φ)` of one MZI, row-major.
pub fn mzi_matrix(theta: f64, phi: f64) -> [[Complex64; 2]; 2] {
    let (sin, cos) = half_angle_sin_cos(theta);
    let common = Complex64::new(cos, sin);
    let external = Complex64::from_polar(1.0, phi);
    [
        [common * external * cos, -common * sin],
        [common * external * sin, common * cos],
    ]
}

/// Returns `(sin(θ/2), cos(θ/2))`, exactly `(1, 0)` at `θ = π`.
fn half_angle_sin_cos(theta: f64) -> (f64, f64) {
    // `cos(π/2)` is 6e-17 in floating point; the cross state is common enough (permutations)
    // to deserve exact zeros.
    if theta == std::f64::consts::PI {
        (1.0, 0.0)
    } else {
        (theta / 2.0).sin_cos()
    }
}

impl Mesh {
    /// Number of MZI columns (the optical depth); 0 for a mesh without MZIs.
    pub fn columns(&self) -> usize {
        self.mzis
            .iter()
            .map(|mzi| mzi.column + 1)
            .max()
            .unwrap_or(0)
    }

    /// Applies the mesh to a batch of fields in place.
    ///
    /// `fields` has one row per sample and one column per mode, so each mode is a contiguous
    /// column of the column-major matrix. The batch is processed in row tiles that stay in
    /// cache while every MZI passes over them, in parallel on rayon's global pool (sized by
    /// `RAYON_NUM_THREADS`). The result does not depend on the number of threads.
    ///
    /// # Panics
    ///
    /// If `fields` does not have one column per mode.
    pub fn apply(&self, fields: &mut DMatrix<Complex64>) {
        assert_eq!(
            fields.ncols(),
            self.modes,
            "field width must equal the mesh modes"
        );
        kernel::apply(self, fields);
    }

    /// Composes the mesh's N×N transfer matrix from its MZIs and output phases.
    pub fn matrix(&self) -> DMatrix<Complex64> {
        // Propagating the identity's rows gives the transpose of the transfer matrix,
        // because `apply` acts on row vectors of fields.
        let mut fields = DMatrix::<Complex64>::identity(self.modes, self.modes);
        self.apply(&mut fields);
        fields.transpose()
    }
}
