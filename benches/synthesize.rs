//! Qubit synthesis: two-qubit KAK with minimal CX (`two_qubit_cx`) and the Shannon
//! decomposition (`qsd::synthesize`) of Haar-random unitaries on 3 to 8 qubits.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use pnn::synthesize::qsd;
use pnn::synthesize::two_qubit::two_qubit_cx;

fn kak(c: &mut Criterion) {
    let u = common::haar(4);
    let mut group = c.benchmark_group("kak");
    group.bench_function("two_qubit_cx", |b| b.iter(|| two_qubit_cx(black_box(&u))));
    group.finish();
}

fn shannon(c: &mut Criterion) {
    let mut group = c.benchmark_group("qsd");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for qubits in 3..=8 {
        let u = common::haar(1 << qubits);
        group.bench_with_input(BenchmarkId::from_parameter(qubits), &u, |b, u| {
            b.iter(|| qsd::synthesize(black_box(u)))
        });
    }
    group.finish();
}

criterion_group!(benches, kak, shannon);
criterion_main!(benches);
