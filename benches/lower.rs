//! SVD lowering of a dense complex N×N `linear` weight (`split_linear`) at N = 64 and 256.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pnn::lower::split_linear;

fn svd_lowering(c: &mut Criterion) {
    let mut group = c.benchmark_group("split_linear");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for size in [64, 256] {
        let weight = common::complex_normal(size, size, common::SEED);
        group.bench_with_input(BenchmarkId::from_parameter(size), &weight, |b, weight| {
            b.iter(|| split_linear(black_box(weight)))
        });
    }
    group.finish();
}

criterion_group!(benches, svd_lowering);
criterion_main!(benches);
