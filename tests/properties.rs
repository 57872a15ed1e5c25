//! Property tests of the whole pipeline: whatever the optimization level, a compiled network
//! reproduces its source, global phase included.

use nalgebra::DMatrix;
use num_complex::Complex64;
use proptest::prelude::*;

use pnn::passes::OptLevel;
use pnn::random::{SplitMix64, haar_unitary};
use pnn::simulate::quantum::network_unitary;
use pnn::{Compiler, Options};

const BASES: [&str; 3] = ["[u3, cx]", "[rz, sx, x, cx]", "[u3, cz]"];

fn compile_unitary(
    matrix: &DMatrix<Complex64>,
    qubits: usize,
    basis: &str,
    level: u8,
) -> DMatrix<Complex64> {
    let directory = tempfile::tempdir().unwrap();
    let row_major: Vec<Complex64> = matrix.transpose().iter().copied().collect();
    let size = matrix.nrows();
    std::fs::write(
        directory.path().join("u.npy"),
        pnn::data::write_npy(&[size, size], &row_major, false),
    )
    .unwrap();
    let source = format!(
        "network p {{ target quantum(basis = {basis}) input q: qubit[{qubits}] \
         layer u = unitary(q, load(\"u.npy\")) output u }}"
    );
    let options = Options {
        base_dir: Some(directory.path().to_path_buf()),
        opt_level: OptLevel::new(level).unwrap(),
        ..Options::default()
    };
    let compilation = Compiler::new(options)
        .compile_source("p.pnn", &source)
        .unwrap_or_else(|failure| panic!("{}", failure.render(false)));
    network_unitary(&compilation.compiled.networks()[0])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Haar-random unitaries on 1 to 4 qubits, in every basis and at every level.
    #[test]
    fn synthesized_circuit_reproduces_unitary(
        seed in any::<u64>(),
        qubits in 1usize..=4,
        basis in 0usize..3,
        level in 0u8..=3,
    ) {
        let matrix = haar_unitary(1 << qubits, &mut SplitMix64::new(seed));
        let compiled = compile_unitary(&matrix, qubits, BASES[basis], level);
        let error = pnn::linalg::max_abs_diff(&compiled, &matrix);
        prop_assert!(error <= 1e-10, "{qubits} qubits, basis {}, level {level}: {error:e}", BASES[basis]);
    }
}
