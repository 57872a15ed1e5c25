use std::f64::consts::PI;

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::{Mesh, MeshKind, Mzi, mzi_matrix};
use crate::random::SplitMix64;

/// Reference: each MZI as a 2×2 complex product on the two columns, then the output phases.
fn apply_plain(mesh: &Mesh, fields: &mut DMatrix<Complex64>) {
    for mzi in &mesh.mzis {
        let [[a, b], [c, d]] = mzi_matrix(mzi.theta, mzi.phi);
        for row in 0..fields.nrows() {
            let (top, bottom) = (fields[(row, mzi.top)], fields[(row, mzi.top + 1)]);
            fields[(row, mzi.top)] = a * top + b * bottom;
            fields[(row, mzi.top + 1)] = c * top + d * bottom;
        }
    }
    for (mode, &phase) in mesh.output_phases.iter().enumerate() {
        let factor = Complex64::from_polar(1.0, phase);
        fields
            .column_mut(mode)
            .iter_mut()
            .for_each(|z| *z *= factor);
    }
}

/// Returns a Clements-shaped mesh (every column full, alternating offsets) with random phases.
fn random_mesh(modes: usize, seed: u64) -> Mesh {
    let mut rng = SplitMix64::new(seed);
    let mut mzis = Vec::new();
    for column in 0..modes {
        for top in (column % 2..modes.saturating_sub(1)).step_by(2) {
            mzis.push(Mzi {
                top,
                column,
                theta: PI * rng.next_open_unit(),
                phi: 2.0 * PI * rng.next_open_unit(),
            });
        }
    }
    let output_phases = (0..modes)
        .map(|_| 2.0 * PI * rng.next_open_unit())
        .collect();
    Mesh {
        kind: MeshKind::Clements,
        modes,
        mzis,
        output_phases,
    }
}

fn random_fields(rows: usize, modes: usize, seed: u64) -> DMatrix<Complex64> {
    let mut rng = SplitMix64::new(seed);
    DMatrix::from_fn(rows, modes, |_, _| rng.next_complex_normal())
}

/// Largest entrywise distance; infinite when an entry is not finite, which `f64::max` would
/// otherwise skip.
fn max_difference(a: &DMatrix<Complex64>, b: &DMatrix<Complex64>) -> f64 {
    assert_eq!(a.shape(), b.shape());
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).norm())
        .map(|distance| {
            if distance.is_nan() {
                f64::INFINITY
            } else {
                distance
            }
        })
        .fold(0.0, f64::max)
}

/// Applies `mesh` to `inputs` with the kernel and with the reference, in that order.
fn both_ways(mesh: &Mesh, inputs: DMatrix<Complex64>) -> (DMatrix<Complex64>, DMatrix<Complex64>) {
    let mut fast = inputs.clone();
    mesh.apply(&mut fast);
    let mut plain = inputs;
    apply_plain(mesh, &mut plain);
    (fast, plain)
}

/// Applies `mesh` with the kernel and with the reference and returns the largest difference.
fn kernel_error(mesh: &Mesh, rows: usize, seed: u64) -> f64 {
    let (fast, plain) = both_ways(mesh, random_fields(rows, mesh.modes, seed));
    max_difference(&fast, &plain)
}

/// Asserts that the kernel and the reference agree exactly on `inputs`: for cases whose
/// arithmetic is exact in both (no MZIs, one mode, cross states).
fn assert_bit_identical_to_plain(mesh: &Mesh, inputs: DMatrix<Complex64>) {
    let (fast, plain) = both_ways(mesh, inputs);
    assert_eq!(fast, plain);
}

#[test]
fn apply_matches_plain_product() {
    for (modes, rows) in [(2, 5), (3, 1), (8, 64), (16, 33), (64, 129), (100, 7)] {
        let mesh = random_mesh(modes, modes as u64);
        let error = kernel_error(&mesh, rows, 7);
        assert!(error < 1e-13, "{modes} modes, {rows} rows: error {error:e}");
    }
}

#[test]
fn apply_odd_batch_spans_blocks() {
    // Blocks have 16 rows and parallel tasks 256: these batches end in partial blocks and
    // partial tasks.
    let mesh = random_mesh(5, 11);
    for rows in [15, 17, 255, 257, 1031] {
        let error = kernel_error(&mesh, rows, rows as u64);
        assert!(error < 1e-13, "{rows} rows: error {error:e}");
    }
}

#[test]
fn apply_single_sample() {
    let mesh = random_mesh(32, 5);
    let error = kernel_error(&mesh, 1, 3);
    assert!(error < 1e-13, "error {error:e}");
}

#[test]
fn apply_one_mode_multiplies_output_phase() {
    let mesh = Mesh {
        kind: MeshKind::Clements,
        modes: 1,
        mzis: Vec::new(),
        output_phases: vec![1.25],
    };
    assert_bit_identical_to_plain(&mesh, random_fields(9, 1, 4));
}

#[test]
fn apply_without_mzis_equals_phase_screen() {
    let mut mesh = random_mesh(6, 8);
    mesh.mzis.clear();
    assert_bit_identical_to_plain(&mesh, random_fields(17, 6, 9));
}

#[test]
fn apply_empty_batch() {
    let mesh = random_mesh(4, 1);
    let mut fields = DMatrix::<Complex64>::zeros(0, 4);
    mesh.apply(&mut fields);
    assert_eq!(fields.shape(), (0, 4));
}

#[test]
fn apply_cross_states_permute_exactly() {
    // θ = π everywhere with φ = 0: every MZI swaps its modes up to exact factors of ±i.
    let mut mesh = random_mesh(5, 2);
    for mzi in &mut mesh.mzis {
        mzi.theta = PI;
        mzi.phi = 0.0;
    }
    mesh.output_phases = vec![0.0; 5];
    assert_bit_identical_to_plain(&mesh, DMatrix::identity(5, 5));
}

#[test]
fn apply_rescales_long_chains() {
    // Balanced MZIs shrink the pending factor by 1/√2 each, so 4000 of them on two modes
    // would grow the stored fields by 2^2000, past the largest f64, without rescaling.
    let mzis = (0..4000)
        .map(|column| Mzi {
            top: 0,
            column,
            theta: PI / 2.0,
            phi: 0.1 * column as f64,
        })
        .collect();
    let mesh = Mesh {
        kind: MeshKind::Clements,
        modes: 2,
        mzis,
        output_phases: vec![0.3, 0.4],
    };
    // Both versions round 4000 times in a row, so the bound is looser than elsewhere.
    let error = kernel_error(&mesh, 19, 6);
    assert!(error < 1e-11, "error {error:e}");
}

#[test]
fn apply_independent_of_thread_count() {
    let mesh = random_mesh(48, 12);
    let inputs = random_fields(1000, 48, 13);
    let run_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut fields = inputs.clone();
        pool.install(|| mesh.apply(&mut fields));
        fields
    };
    let one = run_with(1);
    let three = run_with(3);
    assert_eq!(one, three);
}

#[test]
fn apply_independent_of_blocking() {
    // A batch of one row is a padded block of its own, so applying row by row changes every
    // block and task boundary.
    let mesh = random_mesh(24, 14);
    let inputs = random_fields(300, 24, 15);
    let mut whole = inputs.clone();
    mesh.apply(&mut whole);
    for row in 0..inputs.nrows() {
        let mut single = inputs.rows(row, 1).into_owned();
        mesh.apply(&mut single);
        assert_eq!(single, whole.rows(row, 1), "row {row}");
    }
}

#[test]
fn matrix_is_unitary_product() {
    let mesh = random_mesh(12, 16);
    let matrix = mesh.matrix();
    let mut expected = DMatrix::<Complex64>::identity(12, 12);
    apply_plain(&mesh, &mut expected);
    assert!(max_difference(&matrix, &expected.transpose()) < 1e-13);
    let gram = matrix.adjoint() * &matrix;
    assert!(max_difference(&gram, &DMatrix::identity(12, 12)) < 1e-13);
}

#[test]
#[should_panic(expected = "field width must equal the mesh modes")]
fn apply_rejects_wrong_width() {
    let mesh = random_mesh(4, 1);
    let mut fields = DMatrix::<Complex64>::zeros(2, 3);
    mesh.apply(&mut fields);
}
