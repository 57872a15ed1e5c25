//! Clements and Reck decomposition of Haar-random unitaries at 64, 256 and 1024 modes
//! (and 4096 with `PNN_BENCH_LARGE=1`).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pnn::decompose::{clements, reck};

fn decompositions(c: &mut Criterion) {
    for (name, decompose) in [
        ("clements", clements as fn(&_) -> _),
        ("reck", reck as fn(&_) -> _),
    ] {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(5));
        for modes in common::decomposition_sizes() {
            let u = common::haar(modes);
            group.bench_with_input(BenchmarkId::from_parameter(modes), &u, |b, u| {
                b.iter(|| decompose(black_box(u)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, decompositions);
criterion_main!(benches);
