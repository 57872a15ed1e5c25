//! Detection of structured unitaries: scalars, tensor factors, diagonals, multiplexors and
//! controlled unitaries.
//!
//! Every test compares entries against [`STRUCTURE_TOLERANCE`], so a detected form rebuilds
//! the input to within about that much per entry. Qubit `k` of a 2^m × 2^m matrix is bit `k`
//! of its row and column indices.

use nalgebra::DMatrix;
use num_complex::Complex64;

use crate::ir::CMatrix;

/// Largest entry that a structure test treats as zero, and the largest deviation it accepts.
pub const STRUCTURE_TOLERANCE: f64 = 1e-12;

/// Reports whether `value` is within [`STRUCTURE_TOLERANCE`] of zero.
fn negligible(value: Complex64) -> bool {
    value.norm_sqr() <= STRUCTURE_TOLERANCE * STRUCTURE_TOLERANCE
}

/// Inserts `bit` at position `qubit` of `index`, shifting the higher bits up by one.
pub fn insert_bit(index: usize, qubit: usize, bit: usize) -> usize {
    let low = index & ((1 << qubit) - 1);
    low | (bit << qubit) | ((index >> qubit) << (qubit + 1))
}

/// Returns the block of `u` whose rows have bit `qubit` equal to `row_bit` and whose columns
/// have it equal to `column_bit`, over the remaining qubits in their order.
pub fn qubit_block(u: &CMatrix, qubit: usize, row_bit: usize, column_bit: usize) -> CMatrix {
    let half = u.nrows() / 2;
    DMatrix::from_fn(half, half, |row, column| {
        u[(
            insert_bit(row, qubit, row_bit),
            insert_bit(column, qubit, column_bit),
        )]
    })
}

/// Returns `φ` when `u = e^{iφ}·I`.
pub fn scalar_phase(u: &CMatrix) -> Option<f64> {
    let first = u[(0, 0)];
    for column in 0..u.ncols() {
        for row in 0..u.nrows() {
            let expected = if row == column {
                first
            } else {
                Complex64::default()
            };
            if !negligible(u[(row, column)] - expected) {
                return None;
            }
        }
    }
    Some(u.trace().arg())
}

/// Reports whether every off-diagonal entry of `u` is negligible.
pub fn is_diagonal(u: &CMatrix) -> bool {
    (0..u.ncols())
        .all(|column| (0..u.nrows()).all(|row| row == column || negligible(u[(row, column)])))
}

/// Reports whether `u` never flips qubit `qubit`: the blocks that change its value vanish.
pub fn keeps_qubit(u: &CMatrix, qubit: usize) -> bool {
    let mask = 1 << qubit;
    (0..u.ncols()).all(|column| {
        (0..u.nrows()).all(|row| (row ^ column) & mask == 0 || negligible(u[(row, column)]))
    })
}

/// Splits `u = a ⊗ b` where `a` (2×2) acts on `qubit` and `b` on the other qubits in their
/// order; `None` when `u` is not such a product.
pub fn factor_qubit(u: &CMatrix, qubit: usize) -> Option<(CMatrix, CMatrix)> {
    let half = u.nrows() / 2;
    let bits = [(0, 0), (0, 1), (1, 0), (1, 1)];
    let block_norm = |(row_bit, column_bit): (usize, usize)| -> f64 {
        let mut sum = 0.0;
        for column in 0..half {
            for row in 0..half {
                let full_row = insert_bit(row, qubit, row_bit);
                let full_column = insert_bit(column, qubit, column_bit);
                sum += u[(full_row, full_column)].norm_sqr();
            }
        }
        sum.sqrt()
    };
    let norms = bits.map(block_norm);
    let largest = (0..4)
        .max_by(|&i, &j| norms[i].total_cmp(&norms[j]))
        .expect("four blocks");

    // For u = a ⊗ b with b unitary, each block is a_xy·b and ‖b‖_F = √half, so the largest
    // block rescaled to that norm is b up to a phase, which a then absorbs.
    let (row_bit, column_bit) = bits[largest];
    let scale = (half as f64).sqrt() / norms[largest];
    let b = qubit_block(u, qubit, row_bit, column_bit) * Complex64::new(scale, 0.0);

    let mut a = DMatrix::<Complex64>::zeros(2, 2);
    for (row_bit, column_bit) in bits {
        let block = qubit_block(u, qubit, row_bit, column_bit);
        let overlap: Complex64 = b.iter().zip(block.iter()).map(|(x, y)| x.conj() * y).sum();
        let coefficient = overlap / half as f64;
        let fits = block
            .iter()
            .zip(b.iter())
            .all(|(entry, unit)| negligible(entry - coefficient * unit));
        if !fits {
            return None;
        }
        a[(row_bit, column_bit)] = coefficient;
    }
    Some((a, b))
}

/// A unitary `e^{iφ}·(I + P ⊗ (v − I))` that applies `v` to `targets` only when every control
/// qubit has its active value, where `P` projects onto that control state.
#[derive(Debug, Clone)]
pub struct ControlledForm {
    /// Local control qubits with the value (0 or 1) that activates each, in increasing order.
    pub controls: Vec<(usize, usize)>,
    /// Local qubits `v` acts on, in increasing order.
    pub targets: Vec<usize>,
    pub v: CMatrix,
    pub phase: f64,
}

/// Finds every qubit that controls `u`: a qubit whose one value leaves `u` acting as the same
/// scalar on all the other qubits. `None` when no qubit controls `u` or when all do (then `u`
/// is a scalar).
pub fn find_controls(u: &CMatrix) -> Option<ControlledForm> {
    let qubits = u.nrows().trailing_zeros() as usize;
    let mut controls = Vec::new();
    let mut phase = 0.0;
    for qubit in 0..qubits {
        if !keeps_qubit(u, qubit) {
            continue;
        }
        for (inactive, active) in [(0, 1), (1, 0)] {
            if let Some(found) = scalar_phase(&qubit_block(u, qubit, inactive, inactive)) {
                controls.push((qubit, active));
                phase = found;
                break;
            }
        }
    }
    if controls.is_empty() || controls.len() == qubits {
        return None;
    }

    let targets: Vec<usize> = (0..qubits)
        .filter(|qubit| controls.iter().all(|(control, _)| control != qubit))
        .collect();
    let active_base: usize = controls.iter().map(|&(qubit, value)| value << qubit).sum();
    let full_index = |local: usize| -> usize {
        targets
            .iter()
            .enumerate()
            .map(|(bit, &qubit)| ((local >> bit) & 1) << qubit)
            .sum::<usize>()
            + active_base
    };
    let size = 1 << targets.len();
    let unphase = Complex64::from_polar(1.0, -phase);
    let v = DMatrix::from_fn(size, size, |row, column| {
        u[(full_index(row), full_index(column))] * unphase
    });
    Some(ControlledForm {
        controls,
        targets,
        v,
        phase,
    })
}

/// Returns `e^{iφ}·(I + P ⊗ (v − I))` with controls as the low qubits, all active at 1, and
/// `v` on the high qubits: the inverse of [`find_controls`] for that layout.
pub fn controlled_matrix(v: &CMatrix, controls: usize) -> CMatrix {
    let size = v.nrows() << controls;
    let ones = (1 << controls) - 1;
    let mut matrix = DMatrix::<Complex64>::identity(size, size);
    for column in 0..v.ncols() {
        for row in 0..v.nrows() {
            matrix[((row << controls) | ones, (column << controls) | ones)] = v[(row, column)];
        }
    }
    matrix
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decompose::test_support::haar_unitary;
    use crate::ir::circuit::Gate;
    use crate::linalg::max_abs_diff;

    #[test]
    fn factor_finds_each_qubit() {
        let a = haar_unitary(2, 31);
        let b = haar_unitary(4, 32);
        // u = b ⊗ a puts a on qubit 0, then b on qubits 1 and 2.
        let u = b.kronecker(&a);
        let (found_a, found_b) = factor_qubit(&u, 0).expect("qubit 0 factors");
        assert!(max_abs_diff(&found_b.kronecker(&found_a), &u) < 1e-14);
        assert!(factor_qubit(&u, 1).is_none());
        assert!(factor_qubit(&haar_unitary(8, 33), 2).is_none());
    }

    #[test]
    fn toffoli_has_two_controls() {
        let form = find_controls(&Gate::Ccx.matrix()).expect("controlled");
        assert_eq!(form.controls, vec![(0, 1), (1, 1)]);
        assert_eq!(form.targets, vec![2]);
        assert!(max_abs_diff(&form.v, &Gate::X.matrix()) < 1e-15);
        assert!(max_abs_diff(&controlled_matrix(&form.v, 2), &Gate::Ccx.matrix()) < 1e-15);
    }

    #[test]
    fn anti_control_is_found() {
        // X on q0, then CX(q0 → q1), then X on q0: q1 flips when q0 is 0.
        let x = Gate::X.matrix();
        let identity = DMatrix::<Complex64>::identity(2, 2);
        let flip = identity.kronecker(&x);
        let u = &flip * Gate::Cx.matrix() * &flip;
        let form = find_controls(&u).expect("controlled");
        assert_eq!(form.controls, vec![(0, 0)]);
        assert!(max_abs_diff(&form.v, &x) < 1e-15);
    }

    #[test]
    fn scalar_is_not_controlled() {
        let u = DMatrix::<Complex64>::identity(8, 8) * Complex64::from_polar(1.0, 0.7);
        assert!(find_controls(&u).is_none());
        assert!((scalar_phase(&u).expect("scalar") - 0.7).abs() < 1e-15);
    }
}
