//! Inputs shared by the benchmarks: seeded Haar unitaries, random batches and the size lists.

// Each bench target compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::ir::CMatrix;
use pnn::random::{SplitMix64, haar_unitary};

/// Seed of every random input, so that pnn and the Python peers time comparable matrices
/// (the peers draw their own Haar unitaries of the same sizes with NumPy).
pub const SEED: u64 = 2024;

/// Mesh sizes of the decomposition benchmarks: 64, 256 and 1024 modes, plus 4096 when the
/// environment variable `PNN_BENCH_LARGE` is `1`.
pub fn decomposition_sizes() -> Vec<usize> {
    let mut sizes = vec![64, 256, 1024];
    if large_enabled() {
        sizes.push(4096);
    }
    sizes
}

/// Returns whether `PNN_BENCH_LARGE=1` requests the slow 4096-mode cases.
pub fn large_enabled() -> bool {
    std::env::var("PNN_BENCH_LARGE").is_ok_and(|value| value == "1")
}

/// Haar-random `dimension × dimension` unitary drawn from [`SEED`] and `dimension`.
pub fn haar(dimension: usize) -> CMatrix {
    let mut rng = SplitMix64::new(SEED ^ dimension as u64);
    haar_unitary(dimension, &mut rng)
}

/// Matrix of independent standard complex normal entries.
pub fn complex_normal(rows: usize, columns: usize, seed: u64) -> CMatrix {
    let mut rng = SplitMix64::new(seed);
    DMatrix::<Complex64>::from_fn(rows, columns, |_, _| rng.next_complex_normal())
}
