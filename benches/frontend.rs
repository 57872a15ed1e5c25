//! Front end on a generated source of 10,000 `phase` layers of width 4: parse and check
//! alone, and the whole `compile_source` (lowering, optimization and validation included).

use std::fmt::Write;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use pnn::Compiler;
use pnn::source::SourceMap;

const LAYERS: usize = 10_000;

/// Writes one network whose layers form a chain of `layers` four-mode phase screens.
fn phase_chain(layers: usize) -> String {
    let mut text = String::from(
        "network chain {\n    target photonic(mesh = clements)\n    input x: optical[4]\n",
    );
    let mut previous = String::from("x");
    for layer in 0..layers {
        let phase = (layer % 628) as f64 / 100.0;
        writeln!(
            text,
            "    layer p{layer} = phase({previous}, [{phase}, 0.5, -{phase}, pi / 4])"
        )
        .expect("writing to a String cannot fail");
        previous = format!("p{layer}");
    }
    writeln!(text, "    output detect({previous})\n}}").expect("writing to a String cannot fail");
    text
}

fn front_end(c: &mut Criterion) {
    let text = phase_chain(LAYERS);

    // Fail early, outside the timing, if the generated source does not compile.
    if let Err(failure) = Compiler::default().compile_source("chain.pnn", &text) {
        panic!("generated source is invalid:\n{}", failure.render(false));
    }

    let mut group = c.benchmark_group("frontend");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    // Each iteration registers the source anew, as `compile_source` does, because checking
    // adds imported files to the source map.
    group.bench_function("parse_check_10000_layers", |b| {
        b.iter(|| {
            let mut sources = SourceMap::new();
            let file = sources.add("chain.pnn", text.as_str());
            let ast = pnn::syntax::parse(black_box(&text), file).expect("the source parses");
            pnn::check::check(&ast, Path::new("."), &mut sources)
        })
    });
    group.bench_function("compile_source_10000_layers", |b| {
        b.iter(|| Compiler::default().compile_source("chain.pnn", black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, front_end);
criterion_main!(benches);
