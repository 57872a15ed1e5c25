//! Simulation of a compiled 256-mode Clements mesh on a batch of 4096 inputs, on one thread
//! and on rayon's default pool (all cores), next to the one matrix product with the composed
//! transfer matrix that it replaces.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use pnn::decompose::clements;

const MODES: usize = 256;
const BATCH: usize = 4096;

fn mesh_simulation(c: &mut Criterion) {
    let mesh = clements(&common::haar(MODES));
    let transfer_transpose = mesh.matrix().transpose();
    let mut fields = common::complex_normal(BATCH, MODES, common::SEED);

    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    // The mesh is unitary, so applying it to the same batch again and again keeps the field
    // norms, and no copy of the batch enters the timing.
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    group.bench_function("mesh_apply_256x4096", |b| {
        b.iter(|| one_thread.install(|| mesh.apply(black_box(&mut fields))))
    });
    group.bench_function("mesh_apply_256x4096_all_cores", |b| {
        b.iter(|| mesh.apply(black_box(&mut fields)))
    });
    // The same linear map as one dense product: rows are samples, so the batch multiplies the
    // transpose of the transfer matrix from the right (nalgebra's own matrix product).
    group.bench_function("composed_product_256x4096", |b| {
        b.iter(|| black_box(&fields) * black_box(&transfer_transpose))
    });
    group.finish();
}

criterion_group!(benches, mesh_simulation);
criterion_main!(benches);
