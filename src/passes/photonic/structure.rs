//! Structure detection: unitaries that are diagonal, permutations or block diagonal get
//! cheaper hardware than a full mesh.
//!
//! An entry of modulus at most [`ZERO_TOLERANCE`] counts as zero. The nonzero pattern links
//! rows to columns, and its connected components split a unitary `U` into square blocks:
//! `U = P_out · diag(B_1, B_2, …) · P_in`. Here `P_in` lists the columns component by
//! component, ordered by their first column, and `P_out` sends each block's rows back to
//! theirs. Then:
//!
//! - all blocks 1×1: `U` is a permutation times phases, so it becomes `permute` operations
//!   (waveguide crossings) and a phase column, with no MZI. Entries within the tolerance of
//!   1, i, −1 or −i give exactly 0, π/2, π or 3π/2. The identity disappears.
//! - several blocks, some larger: one mesh of independent block meshes on contiguous modes
//!   ([`crate::decompose::block_diagonal`]), between the permutations that the block order
//!   needs. A block of n modes costs n(n − 1)/2 MZIs, against N(N − 1)/2 for the whole.
//! - one block: the unitary stays for the regular decomposition.
//!
//! Permutations equal to the identity are left out. Every new operation keeps the layer and
//! span of the unitary it replaces.

use std::f64::consts::{FRAC_PI_2, PI};

use num_complex::Complex64;

use super::{count, is_compact, photonic_target};
use crate::decompose::{block_diagonal, wrap_phase};
use crate::ir::{CMatrix, MeshKind, Network, Op, OpKind};

/// Largest entry modulus that counts as an exact zero, and largest distance from 1, i, −1 or
/// −i that counts as exactly that value.
pub const ZERO_TOLERANCE: f64 = 1e-12;

/// Runs the pass on one network; see the module documentation.
pub fn run(network: &mut Network) -> Vec<String> {
    let Some(target) = photonic_target(network) else {
        return Vec::new();
    };
    if !is_compact(network) {
        return Vec::new();
    }
    let kind = target.mesh;
    let mut unitaries = unitaries_per_layer(&network.ops);
    let mut notes = Vec::new();
    let mut ops = Vec::with_capacity(network.ops.len());
    for op in std::mem::take(&mut network.ops) {
        let OpKind::Unitary(matrix) = &op.kind else {
            ops.push(op);
            continue;
        };
        let (_, total, seen) = unitaries
            .iter_mut()
            .find(|(layer, ..)| *layer == op.layer)
            .expect("every unitary's layer is counted");
        *seen += 1;
        let which = if *total > 1 {
            format!(" (unitary {seen} of {total})")
        } else {
            String::new()
        };
        let Some((kinds, description)) = rewrite(matrix, kind) else {
            ops.push(op);
            continue;
        };
        notes.push(format!("layer `{}`{which}: {description}", op.layer));
        ops.extend(kinds.into_iter().map(|kind| Op {
            kind,
            layer: op.layer.clone(),
            span: op.span,
        }));
    }
    network.ops = ops;
    notes
}

/// Counts the unitaries of each layer, as `(layer, count, 0)`; a `linear` layer has two, so
/// the notes number them with the third field.
fn unitaries_per_layer(ops: &[Op]) -> Vec<(String, usize, usize)> {
    let mut unitaries: Vec<(String, usize, usize)> = Vec::new();
    for op in ops {
        if matches!(op.kind, OpKind::Unitary(_)) {
            match unitaries.iter_mut().find(|(layer, ..)| *layer == op.layer) {
                Some((_, total, _)) => *total += 1,
                None => unitaries.push((op.layer.clone(), 1, 0)),
            }
        }
    }
    unitaries
}

/// Rows and columns of one connected component of a matrix's nonzero pattern, each in
/// increasing order.
#[derive(Debug, Default, PartialEq)]
struct Component {
    rows: Vec<usize>,
    columns: Vec<usize>,
}

/// Splits the nonzero pattern of a square matrix into connected components, ordered by their
/// first column. A row without any nonzero entry comes last, as a component of its own.
fn components(matrix: &CMatrix) -> Vec<Component> {
    let size = matrix.nrows();
    // Union–find over rows 0..size and columns size..2·size.
    let mut parent: Vec<usize> = (0..2 * size).collect();
    fn root(parent: &mut [usize], mut node: usize) -> usize {
        while parent[node] != node {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }
        node
    }
    for column in 0..size {
        for row in 0..size {
            if matrix[(row, column)].norm() > ZERO_TOLERANCE {
                let (a, b) = (root(&mut parent, row), root(&mut parent, size + column));
                parent[a] = b;
            }
        }
    }

    let mut component_of_root = vec![usize::MAX; 2 * size];
    let mut found: Vec<Component> = Vec::new();
    let mut component_index = |parent: &mut [usize], node: usize, found: &mut Vec<Component>| {
        let node_root = root(parent, node);
        if component_of_root[node_root] == usize::MAX {
            component_of_root[node_root] = found.len();
            found.push(Component::default());
        }
        component_of_root[node_root]
    };
    for column in 0..size {
        let index = component_index(&mut parent, size + column, &mut found);
        found[index].columns.push(column);
    }
    for row in 0..size {
        let index = component_index(&mut parent, row, &mut found);
        found[index].rows.push(row);
    }
    found
}

/// Returns the replacement of a unitary with structure and a description for the notes, or
/// `None` when the unitary needs its full mesh.
fn rewrite(matrix: &CMatrix, kind: MeshKind) -> Option<(Vec<OpKind>, String)> {
    let size = matrix.nrows();
    let components = components(matrix);
    // A unitary's blocks are square; anything else is not a unitary and stays as it is.
    if components
        .iter()
        .any(|component| component.rows.len() != component.columns.len())
    {
        return None;
    }
    let diagonal_blocks = components.iter().all(|component| component.rows.len() == 1);
    if components.len() == 1 && !diagonal_blocks {
        return None;
    }

    let input_permutation: Vec<usize> = components
        .iter()
        .flat_map(|component| component.columns.iter().copied())
        .collect();
    let mut output_permutation = vec![0; size];
    let mut blocks = Vec::with_capacity(components.len());
    let mut offset = 0;
    for component in &components {
        let block_size = component.rows.len();
        for (position, &row) in component.rows.iter().enumerate() {
            output_permutation[row] = offset + position;
        }
        blocks.push(CMatrix::from_fn(block_size, block_size, |row, column| {
            matrix[(component.rows[row], component.columns[column])]
        }));
        offset += block_size;
    }

    let mut kinds = Vec::new();
    if !is_identity(&input_permutation) {
        kinds.push(OpKind::Permutation(input_permutation));
    }
    let full_mzis = size * (size - 1) / 2;
    let description;
    if diagonal_blocks {
        let phases: Vec<f64> = blocks
            .iter()
            .map(|block| exact_phase(block[(0, 0)]))
            .collect();
        let has_phases = phases.iter().any(|&phase| phase != 0.0);
        if has_phases {
            kinds.push(OpKind::Phase(phases));
        }
        description = match (is_identity(&output_permutation), has_phases) {
            (true, false) => "the unitary is the identity and is removed".to_string(),
            (true, true) => format!(
                "the unitary is diagonal: a phase column replaces its mesh of {}",
                count(full_mzis, "MZI")
            ),
            (false, false) => format!(
                "the unitary is a permutation matrix: waveguide crossings replace its mesh of {}",
                count(full_mzis, "MZI")
            ),
            (false, true) => format!(
                "the unitary is a permutation matrix with phases: waveguide crossings and a \
                 phase column replace its mesh of {}",
                count(full_mzis, "MZI")
            ),
        };
    } else {
        let mut mesh = block_diagonal(&blocks, kind);
        let mut offset = 0;
        for block in &blocks {
            if block.nrows() == 1 {
                mesh.output_phases[offset] = exact_phase(block[(0, 0)]);
            }
            offset += block.nrows();
        }
        let sizes: Vec<String> = blocks
            .iter()
            .map(|block| block.nrows().to_string())
            .collect();
        description = format!(
            "the unitary is block diagonal{} with blocks of {} modes: {} instead of \
             {full_mzis}",
            if kinds.is_empty() && is_identity(&output_permutation) {
                ""
            } else {
                " after a permutation of modes"
            },
            sizes.join(", "),
            count(mesh.mzis.len(), "MZI")
        );
        kinds.push(OpKind::Mesh(mesh));
    }
    if !is_identity(&output_permutation) {
        kinds.push(OpKind::Permutation(output_permutation));
    }
    Some((kinds, description))
}

fn is_identity(permutation: &[usize]) -> bool {
    permutation
        .iter()
        .enumerate()
        .all(|(mode, &from)| mode == from)
}

/// Returns the phase of a unit-modulus entry, exactly 0, π/2, π or 3π/2 when the entry lies
/// within [`ZERO_TOLERANCE`] of 1, i, −1 or −i.
fn exact_phase(entry: Complex64) -> f64 {
    let quarter_turns = [
        (Complex64::ONE, 0.0),
        (Complex64::I, FRAC_PI_2),
        (-Complex64::ONE, PI),
        (-Complex64::I, 3.0 * FRAC_PI_2),
    ];
    for (value, phase) in quarter_turns {
        if (entry - value).norm() <= ZERO_TOLERANCE {
            return phase;
        }
    }
    wrap_phase(entry.arg())
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::super::test_support::{assert_same_function, network, set_layout};
    use super::*;
    use crate::decompose::test_support::{haar_unitary, permutation_matrix};
    use crate::ir::Layout;
    use crate::linalg::phase_factor;

    fn rewritten(matrix: CMatrix) -> (Network, Network, Vec<String>) {
        let width = matrix.nrows();
        let before = network(width, vec![OpKind::Unitary(matrix)]);
        let mut after = before.clone();
        let notes = run(&mut after);
        (before, after, notes)
    }

    fn kind_names(network: &Network) -> Vec<&'static str> {
        network.ops.iter().map(|op| op.kind.name()).collect()
    }

    fn diagonal(phases: &[f64]) -> CMatrix {
        let entries: Vec<Complex64> = phases.iter().map(|&phase| phase_factor(phase)).collect();
        CMatrix::from_diagonal(&nalgebra::DVector::from_vec(entries))
    }

    /// `diag(blocks…)` with the blocks on contiguous modes.
    fn direct_sum(blocks: &[CMatrix]) -> CMatrix {
        let size = blocks.iter().map(|block| block.nrows()).sum();
        let mut matrix = DMatrix::zeros(size, size);
        let mut offset = 0;
        for block in blocks {
            let n = block.nrows();
            matrix.view_mut((offset, offset), (n, n)).copy_from(block);
            offset += n;
        }
        matrix
    }

    #[test]
    fn identity_is_removed() {
        let (before, after, notes) = rewritten(CMatrix::identity(4, 4));
        assert!(after.ops.is_empty());
        assert!(notes[0].contains("identity"), "{notes:?}");
        assert_same_function(&before, &after, 0.0);
    }

    #[test]
    fn diagonal_becomes_exact_phases() {
        let mut matrix = CMatrix::identity(4, 4);
        matrix[(1, 1)] = Complex64::I;
        matrix[(2, 2)] = Complex64::new(-1.0, 1e-17);
        matrix[(3, 3)] = phase_factor(0.3);
        let (before, after, _) = rewritten(matrix);
        assert_eq!(kind_names(&after), ["phase"]);
        let OpKind::Phase(phases) = &after.ops[0].kind else {
            unreachable!()
        };
        assert_eq!(phases[..3], [0.0, FRAC_PI_2, PI]);
        assert!((phases[3] - 0.3).abs() < 1e-15);
        assert_same_function(&before, &after, 1e-15);
    }

    #[test]
    fn single_mode_becomes_phase() {
        let (_, after, _) = rewritten(diagonal(&[1.5]));
        assert_eq!(kind_names(&after), ["phase"]);
    }

    #[test]
    fn permutation_becomes_crossings() {
        let matrix = permutation_matrix(&[2, 0, 3, 1]);
        let (before, after, notes) = rewritten(matrix);
        assert_eq!(kind_names(&after), ["permute"]);
        assert!(notes[0].contains("permutation matrix"), "{notes:?}");
        assert_same_function(&before, &after, 0.0);
    }

    #[test]
    fn permutation_with_phases() {
        let matrix = permutation_matrix(&[1, 2, 0]) * diagonal(&[0.4, 0.0, 2.0]);
        let (before, after, _) = rewritten(matrix);
        assert_eq!(kind_names(&after), ["phase", "permute"]);
        assert_same_function(&before, &after, 1e-15);
    }

    #[test]
    fn contiguous_blocks_share_one_mesh() {
        let blocks = [haar_unitary(3, 1), diagonal(&[0.7]), haar_unitary(2, 2)];
        let (before, after, notes) = rewritten(direct_sum(&blocks));
        assert_eq!(kind_names(&after), ["mesh"]);
        let OpKind::Mesh(mesh) = &after.ops[0].kind else {
            unreachable!()
        };
        assert_eq!(mesh.mzis.len(), 3 + 1);
        assert!(mesh.mzis.iter().all(|mzi| mzi.top != 2 && mzi.top != 3));
        assert!(notes[0].contains("blocks of 3, 1, 2 modes"), "{notes:?}");
        assert!(!notes[0].contains("permutation"), "{notes:?}");
        assert_same_function(&before, &after, 1e-14);
    }

    #[test]
    fn permuted_blocks_get_crossings() {
        let blocks = [haar_unitary(2, 3), haar_unitary(2, 4), diagonal(&[0.1])];
        let shuffle = permutation_matrix(&[3, 0, 4, 1, 2]);
        let matrix = &shuffle * direct_sum(&blocks) * shuffle.transpose();
        let (before, after, notes) = rewritten(matrix);
        assert_eq!(kind_names(&after), ["permute", "mesh", "permute"]);
        assert!(notes[0].contains("after a permutation"), "{notes:?}");
        assert_same_function(&before, &after, 1e-14);
    }

    #[test]
    fn tiny_entries_count_as_zero() {
        let mut matrix = permutation_matrix(&[1, 0]);
        matrix[(0, 0)] = Complex64::new(1e-13, 0.0);
        let (before, after, _) = rewritten(matrix);
        assert_eq!(kind_names(&after), ["permute"]);
        assert_same_function(&before, &after, 1e-12);
    }

    #[test]
    fn dense_unitary_stays() {
        let (before, after, notes) = rewritten(haar_unitary(5, 5));
        assert_eq!(after, before);
        assert!(notes.is_empty());
    }

    #[test]
    fn fixed_layout_keeps_diagonal() {
        let mut before = network(3, vec![OpKind::Unitary(diagonal(&[0.1, 0.2, 0.3]))]);
        set_layout(&mut before, Layout::Fixed);
        let mut after = before.clone();
        assert!(run(&mut after).is_empty());
        assert_eq!(after, before);
    }

    #[test]
    fn components_order_by_first_column() {
        let matrix = permutation_matrix(&[1, 0]);
        let found = components(&matrix);
        assert_eq!(
            found,
            [
                Component {
                    rows: vec![1],
                    columns: vec![0]
                },
                Component {
                    rows: vec![0],
                    columns: vec![1]
                },
            ]
        );
    }
}
