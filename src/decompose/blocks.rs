//! Block-diagonal decomposition: one mesh of independent meshes on contiguous mode ranges.

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::{assign_columns, decompose};
use crate::ir::{Mesh, MeshKind};

/// Decomposes `diag(blocks[0], blocks[1], …)` into one mesh: each square unitary block becomes
/// a mesh of `kind` on its own modes, the first block on the first modes.
///
/// No MZI crosses a block boundary, so a block of n modes costs n(n − 1)/2 MZIs and a 1×1
/// block only its output phase. MZIs are listed block by block and placed in the earliest
/// free column, so every block's columns start at 0. Same precondition as [`decompose`].
pub fn block_diagonal(blocks: &[DMatrix<Complex64>], kind: MeshKind) -> Mesh {
    let modes = blocks.iter().map(|block| block.nrows()).sum();
    let mut mzis = Vec::new();
    let mut output_phases = Vec::with_capacity(modes);
    let mut offset = 0;
    for block in blocks {
        let mesh = decompose(block, kind);
        mzis.extend(mesh.mzis.iter().map(|mzi| {
            let mut shifted = *mzi;
            shifted.top += offset;
            shifted
        }));
        output_phases.extend(mesh.output_phases);
        offset += mesh.modes;
    }
    assign_columns(&mut mzis, modes);
    Mesh {
        kind,
        modes,
        mzis,
        output_phases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decompose::test_support::{haar_unitary, max_abs_error};

    #[test]
    fn blocks_compose_to_direct_sum() {
        let blocks = [
            haar_unitary(3, 1),
            haar_unitary(1, 2),
            haar_unitary(2, 3),
            haar_unitary(4, 4),
        ];
        for kind in [MeshKind::Clements, MeshKind::Reck] {
            let mesh = block_diagonal(&blocks, kind);
            assert_eq!(mesh.modes, 10);
            assert_eq!(mesh.mzis.len(), 3 + 1 + 6, "{kind:?}");
            let mut expected = DMatrix::zeros(10, 10);
            let mut offset = 0;
            for block in &blocks {
                let size = block.nrows();
                expected
                    .view_mut((offset, offset), (size, size))
                    .copy_from(block);
                offset += size;
            }
            let error = max_abs_error(&mesh.matrix(), &expected);
            assert!(error < 1e-14, "{kind:?}: error {error:e}");
        }
    }

    #[test]
    fn no_mzi_crosses_a_boundary() {
        let blocks = [haar_unitary(3, 5), haar_unitary(4, 6)];
        let mesh = block_diagonal(&blocks, MeshKind::Clements);
        for mzi in &mesh.mzis {
            assert_ne!(mzi.top, 2, "{mzi:?} couples both blocks");
        }
        // Both blocks start in column 0 and the deeper block sets the depth.
        assert_eq!(mesh.columns(), 4);
        assert!(mesh.mzis.iter().any(|mzi| mzi.top == 0 && mzi.column == 0));
        assert!(mesh.mzis.iter().any(|mzi| mzi.top == 3 && mzi.column == 0));
    }

    #[test]
    fn no_blocks_give_empty_mesh() {
        let mesh = block_diagonal(&[], MeshKind::Reck);
        assert_eq!(mesh.modes, 0);
        assert!(mesh.mzis.is_empty());
    }
}
