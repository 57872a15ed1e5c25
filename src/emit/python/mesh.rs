//! MZI meshes as `_Mesh(…)` literals, with MZIs grouped into columns of disjoint mode pairs.

use crate::ir::{Mesh, Mzi};

use super::literal;

/// Returns the mesh's MZIs in column order, each with its column.
///
/// The column of an MZI is the earliest one after every previous MZI on its two modes, computed
/// from the propagation order of `mesh.mzis` rather than read from `Mzi::column`. MZIs of one
/// column therefore act on disjoint mode pairs, and applying the columns in order gives the same
/// transfer matrix as applying `mesh.mzis` in order. For pnn's decompositions these columns are
/// the layout columns of the IR.
pub fn schedule(mesh: &Mesh) -> Vec<(usize, Mzi)> {
    let mut next_free_column = vec![0; mesh.modes];
    let mut scheduled: Vec<(usize, Mzi)> = mesh
        .mzis
        .iter()
        .map(|mzi| {
            let column = next_free_column[mzi.top].max(next_free_column[mzi.top + 1]);
            next_free_column[mzi.top] = column + 1;
            next_free_column[mzi.top + 1] = column + 1;
            (column, *mzi)
        })
        .collect();
    // A stable sort keeps the propagation order of MZIs that share a column.
    scheduled.sort_by_key(|&(column, _)| column);
    scheduled
}

/// Writes `NAME = _Mesh(…)` with the mesh's parameters as keyword arguments.
pub fn write_mesh(out: &mut String, name: &str, mesh: &Mesh, width: usize) {
    let scheduled = schedule(mesh);
    let tops: Vec<usize> = scheduled.iter().map(|(_, mzi)| mzi.top).collect();
    let columns: Vec<usize> = scheduled.iter().map(|&(column, _)| column).collect();
    let thetas: Vec<f64> = scheduled.iter().map(|(_, mzi)| mzi.theta).collect();
    let phis: Vec<f64> = scheduled.iter().map(|(_, mzi)| mzi.phi).collect();

    out.push_str(&format!("{name} = _Mesh(\n"));
    out.push_str(&format!("    modes={},\n", mesh.modes));
    let argument = |out: &mut String, keyword: &str, list: String| {
        out.push_str(&format!("    {keyword}={list},\n"));
    };
    let prefix = |keyword: &str| 4 + keyword.len() + 1;
    argument(
        out,
        "tops",
        literal::index_list(&tops, prefix("tops"), 4, width),
    );
    argument(
        out,
        "columns",
        literal::index_list(&columns, prefix("columns"), 4, width),
    );
    argument(
        out,
        "thetas",
        literal::float_list(&thetas, prefix("thetas"), 4, width),
    );
    argument(
        out,
        "phis",
        literal::float_list(&phis, prefix("phis"), 4, width),
    );
    argument(
        out,
        "output_phases",
        literal::float_list(&mesh.output_phases, prefix("output_phases"), 4, width),
    );
    out.push_str(")\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::MeshKind;

    fn mzi(top: usize) -> Mzi {
        Mzi {
            top,
            column: 0,
            theta: 1.0,
            phi: 0.5,
        }
    }

    #[test]
    fn schedule_separates_shared_modes() {
        let mesh = Mesh {
            kind: MeshKind::Reck,
            modes: 4,
            mzis: vec![mzi(0), mzi(1), mzi(2), mzi(0)],
            output_phases: vec![0.0; 4],
        };
        let columns: Vec<(usize, usize)> = schedule(&mesh)
            .iter()
            .map(|&(column, mzi)| (column, mzi.top))
            .collect();
        // (1, 2) waits for (0, 1), and (2, 3) for (1, 2). The second (0, 1) waits for (1, 2)
        // through mode 1, so it shares column 2 with (2, 3) but no mode.
        assert_eq!(columns, vec![(0, 0), (1, 1), (2, 2), (2, 0)]);
    }

    #[test]
    fn schedule_keeps_order_within_a_mode_pair() {
        let mut first = mzi(0);
        first.theta = 0.25;
        let mut second = mzi(0);
        second.theta = 0.75;
        let mesh = Mesh {
            kind: MeshKind::Clements,
            modes: 2,
            mzis: vec![first, second],
            output_phases: vec![0.0; 2],
        };
        let thetas: Vec<f64> = schedule(&mesh).iter().map(|(_, mzi)| mzi.theta).collect();
        assert_eq!(thetas, vec![0.25, 0.75]);
    }

    #[test]
    fn write_mesh_lists_every_parameter() {
        let mesh = Mesh {
            kind: MeshKind::Clements,
            modes: 2,
            mzis: vec![Mzi {
                top: 0,
                column: 0,
                theta: 0.5,
                phi: 1e-7,
            }],
            output_phases: vec![0.0, -0.0],
        };
        let mut out = String::new();
        write_mesh(&mut out, "_MESH_0", &mesh, 100);
        let expected = "_MESH_0 = _Mesh(\n    modes=2,\n    tops=[0],\n    columns=[0],\n    \
                        thetas=[0.5],\n    phis=[1e-7],\n    output_phases=[0.0, -0.0],\n)\n";
        assert_eq!(out, expected);
    }
}
