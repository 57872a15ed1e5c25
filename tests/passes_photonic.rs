//! Photonic optimization passes: every level and every single pass keeps the function of
//! every photonic corpus network and example, the IR validates after each pass, and IR
//! snapshots show a few networks before and after optimization.

use std::path::{Path, PathBuf};

use nalgebra::DMatrix;
use num_complex::Complex64;
use proptest::prelude::*;

use pnn::driver::decompose_module;
use pnn::emit::ir::{DumpOptions, dump};
use pnn::ir::{Module, Network, OpKind, Stage, validate};
use pnn::passes::photonic::{DETECT_STRUCTURE, DROP_IDLE_MZIS, FUSE_LINEAR, LOW_RANK};
use pnn::passes::{OptLevel, Pass};
use pnn::{Compilation, Compiler, Options};

/// Largest difference between the responses of two compilations of one network, relative
/// to the largest response entry (or absolute below 1).
const TOLERANCE: f64 = 1e-10;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options(level: u8) -> Options {
    Options {
        opt_level: OptLevel::new(level).unwrap(),
        ..Options::default()
    }
}

fn compile_path(path: &Path, level: u8) -> Compilation {
    Compiler::new(options(level))
        .compile_path(path)
        .unwrap_or_else(|error| panic!("{} failed at level {level}:\n{error}", path.display()))
}

fn compile_source(source: &str, level: u8) -> Compilation {
    Compiler::new(options(level))
        .compile_source("case.pnn", source)
        .unwrap_or_else(|failure| panic!("level {level}:\n{failure}"))
}

/// Returns the photonic corpus files and the photonic examples.
fn photonic_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/corpus/valid"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "pnn"))
        .collect();
    files.sort();
    files.push(root().join("examples/digits/digits.pnn"));
    files.push(root().join("examples/mesh/mesh.pnn"));
    files.retain(|path| {
        compile_path(path, 0)
            .lowered
            .networks
            .iter()
            .any(|network| !network.target.is_quantum())
    });
    assert!(files.len() >= 10, "found only {files:?}");
    files
}

/// SplitMix64 with Box–Muller Gaussians, so every case is reproducible from its seed.
struct Random(u64);

impl Random {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `(0, 1]`.
    fn next_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    fn next_gaussian(&mut self) -> Complex64 {
        let radius = (-2.0 * self.next_unit().ln()).sqrt();
        Complex64::from_polar(radius, std::f64::consts::TAU * self.next_unit())
    }

    fn matrix(&mut self, rows: usize, columns: usize) -> DMatrix<Complex64> {
        DMatrix::from_fn(rows, columns, |_, _| self.next_gaussian())
    }

    /// Returns a random permutation of `0..modes`, by Fisher–Yates shuffle.
    fn permutation(&mut self, modes: usize) -> Vec<usize> {
        let mut permutation: Vec<usize> = (0..modes).collect();
        for k in (1..modes).rev() {
            permutation.swap(k, (self.next_u64() % (k as u64 + 1)) as usize);
        }
        permutation
    }

    /// Returns a unitary of random 2×2 blocks on modes (0, 1), (2, 3), …, and a phase on the
    /// last mode when `modes` is odd.
    fn paired_blocks(&mut self, modes: usize) -> DMatrix<Complex64> {
        let mut blocks = DMatrix::zeros(modes, modes);
        for top in (0..modes).step_by(2) {
            let size = (modes - top).min(2);
            let block = self.matrix(size, size).qr().q();
            blocks.view_mut((top, top), (size, size)).copy_from(&block);
        }
        blocks
    }
}

/// Runs the network on the identity (giving its transfer matrix, when it is linear) and on
/// random complex inputs, and returns the outputs stacked.
fn response(network: &Network) -> DMatrix<Complex64> {
    let width = network.input.width;
    let samples = 6;
    let mut inputs = DMatrix::<Complex64>::zeros(width + samples, width);
    inputs.view_mut((0, 0), (width, width)).fill_with_identity();
    let random = Random(width as u64).matrix(samples, width);
    inputs.rows_mut(width, samples).copy_from(&random);
    pnn::simulate::run(network, &inputs).expect("photonic networks simulate")
}

/// Asserts that the photonic networks of two modules have the same responses within
/// `tolerance`.
fn assert_close_function(expected: &Module, found: &Module, tolerance: f64, context: &str) {
    for (before, after) in expected.networks.iter().zip(&found.networks) {
        if before.target.is_quantum() {
            continue;
        }
        let (reference, result) = (response(before), response(after));
        assert_eq!(
            reference.shape(),
            result.shape(),
            "{context}: `{}`",
            before.name
        );
        let scale = reference.iter().map(|z| z.norm()).fold(1.0, f64::max);
        let error = (&reference - &result)
            .iter()
            .map(|z| z.norm())
            .fold(0.0, f64::max);
        assert!(
            error <= tolerance * scale,
            "{context}: network `{}` differs by {error:e} at scale {scale}",
            before.name
        );
    }
}

fn assert_same_function(expected: &Module, found: &Module, context: &str) {
    assert_close_function(expected, found, TOLERANCE, context);
}

fn validate_photonic(module: &Module, stage: Stage, context: &str) {
    for network in module.networks.iter().filter(|n| !n.target.is_quantum()) {
        if let Err(error) = validate(network, stage) {
            panic!("{context}: {error}");
        }
    }
}

fn run_on_photonic(module: &mut Module, pass: &Pass) {
    for network in module
        .networks
        .iter_mut()
        .filter(|network| !network.target.is_quantum())
    {
        (pass.run)(network);
    }
}

fn mzi_count(module: &Module) -> usize {
    module
        .networks
        .iter()
        .flat_map(|network| &network.ops)
        .map(|op| match &op.kind {
            OpKind::Mesh(mesh) => mesh.mzis.len(),
            _ => 0,
        })
        .sum()
}

#[test]
fn levels_keep_corpus_function() {
    for path in photonic_files() {
        let reference = compile_path(&path, 0);
        for level in 1..=3 {
            let optimized = compile_path(&path, level);
            let context = format!("{} at level {level}", path.display());
            assert_same_function(
                reference.compiled.module(),
                optimized.compiled.module(),
                &context,
            );
            assert!(
                mzi_count(optimized.compiled.module()) <= mzi_count(reference.compiled.module()),
                "{context} uses more MZIs than level 0"
            );
        }
    }
}

/// Runs each photonic pass alone on the lowered IR of `reference` (or, for the pass after
/// decomposition, on its plain decomposition), validates, and compares with level 0.
fn assert_single_passes_keep_function(reference: &Compilation, context: &str) {
    let lowered = &reference.lowered;
    for pass in [&FUSE_LINEAR, &DETECT_STRUCTURE, &LOW_RANK] {
        let context = format!("{context} after pass `{}`", pass.name);
        let mut module = lowered.clone();
        run_on_photonic(&mut module, pass);
        validate_photonic(&module, Stage::Lowered, &context);
        let compiled = decompose_module(&module);
        validate_photonic(&compiled, Stage::Compiled, &context);
        assert_same_function(reference.compiled.module(), &compiled, &context);
    }
    let context = format!("{context} after pass `{}`", DROP_IDLE_MZIS.name);
    let mut compiled = decompose_module(lowered);
    run_on_photonic(&mut compiled, &DROP_IDLE_MZIS);
    validate_photonic(&compiled, Stage::Compiled, &context);
    assert_same_function(reference.compiled.module(), &compiled, &context);
}

#[test]
fn single_passes_keep_corpus_function() {
    for path in photonic_files() {
        let reference = compile_path(&path, 0);
        assert_single_passes_keep_function(&reference, &path.display().to_string());
    }
}

/// A chain that fusion turns into one mesh: unitary, phase, permutation, unitary.
const FUSABLE_CHAIN: &str = r#"
const s = 1 / sqrt(3)
const w = exp(2i * pi / 3)
network chain {
    target photonic(mesh = clements)
    input x: optical[3]
    layer a = unitary(x, [[s, s, s], [s, s * w, s * w ^ 2], [s, s * w ^ 2, s * w]])
    layer b = phase(a, [0.5, 0, pi])
    layer c = permute(b, [2, 0, 1])
    layer d = unitary(c, [[s, s, s], [s, s * w ^ 2, s * w], [s, s * w, s * w ^ 2]])
    output d
}
"#;

/// Unitaries with structure, one per network so that fusion does not join them.
const STRUCTURED: &str = r#"
const s = 1 / sqrt(2)
network diagonal {
    target photonic(mesh = clements)
    input x: optical[3]
    layer u = unitary(x, [[1i, 0, 0], [0, -1, 0], [0, 0, exp(0.25i)]])
    output u
}
network routing {
    target photonic(mesh = clements)
    input x: optical[4]
    layer u = unitary(x, [[0, 0, 1, 0], [1i, 0, 0, 0], [0, 0, 0, 1], [0, -1, 0, 0]])
    output u
}
network blocks {
    target photonic(mesh = reck)
    input x: optical[5]
    layer u = unitary(x, [[s, s, 0, 0, 0], [s, -s, 0, 0, 0], [0, 0, 1i, 0, 0], [0, 0, 0, s, 1i * s], [0, 0, 0, 1i * s, s]])
    output u
}
network shuffled_blocks {
    target photonic(mesh = clements)
    input x: optical[4]
    layer u = unitary(x, [[s, 0, s, 0], [0, 1, 0, 0], [s, 0, -s, 0], [0, 0, 0, -1i]])
    output u
}
"#;

/// A wide `linear` layer, and a rank-1 one whose tiny singular values the tolerance drops.
const LOW_RANK_LINEAR: &str = r#"
network wide {
    target photonic(mesh = clements)
    input x: optical[4]
    layer y = linear(x, [[0.5, 0.1i, 0, 0.2], [0.3, -0.2, 0.4i, 0]])
    output detect(y)
}
network rank_one {
    target photonic(mesh = clements, rank_tolerance = 1e-6)
    input x: optical[3]
    layer y = linear(x, [[1, 2, 0], [2, 4, 0], [0, 0, 1e-9]])
    output y
}
"#;

/// Dumps the IR at level 0 and at level 2 with the notes of the passes, after checking that
/// the responses of both levels agree within `tolerance`.
fn before_and_after(source: &str, tolerance: f64) -> String {
    let options = DumpOptions::default();
    let reference = compile_source(source, 0);
    let optimized = compile_source(source, 2);
    assert_close_function(
        reference.compiled.module(),
        optimized.compiled.module(),
        tolerance,
        "level 2",
    );
    let notes: Vec<String> = optimized
        .notes
        .iter()
        .map(|note| format!("{} ({}): {}", note.network, note.pass, note.message))
        .collect();
    format!(
        "=== level 0\n{}\n=== level 2\n{}\n=== notes\n{}\n",
        dump(reference.compiled.module(), &options),
        dump(optimized.compiled.module(), &options),
        notes.join("\n")
    )
}

#[test]
fn snapshot_fusable_chain() {
    insta::assert_snapshot!(before_and_after(FUSABLE_CHAIN, TOLERANCE));
}

#[test]
fn snapshot_structured_unitaries() {
    insta::assert_snapshot!(before_and_after(STRUCTURED, TOLERANCE));
}

#[test]
fn snapshot_low_rank_linear() {
    // `rank_one` drops a singular value of 1e-9 on request, so its response moves by about
    // that much.
    insta::assert_snapshot!(before_and_after(LOW_RANK_LINEAR, 1e-8));
}

#[test]
fn fixed_layout_keeps_full_meshes() {
    for source in [FUSABLE_CHAIN, STRUCTURED, LOW_RANK_LINEAR] {
        let fixed = source.replace(
            "target photonic(mesh = ",
            "target photonic(layout = fixed, mesh = ",
        );
        let reference = compile_source(&fixed, 0);
        let optimized = compile_source(&fixed, 3);
        for (before, after) in reference
            .compiled
            .networks()
            .iter()
            .zip(optimized.compiled.networks())
        {
            let meshes = after.ops.iter().filter_map(|op| match &op.kind {
                OpKind::Mesh(mesh) => Some(mesh),
                _ => None,
            });
            for mesh in meshes {
                assert_eq!(mesh.mzis.len(), mesh.modes * (mesh.modes - 1) / 2);
            }
            // Only the rank truncation runs, and only `rank_one` requests it.
            if before.name != "rank_one" {
                assert_eq!(before, after);
            }
        }
    }
}

/// Reads a real or complex matrix from a `.npy` file.
fn read_matrix(path: &Path) -> DMatrix<Complex64> {
    let array = pnn::data::read_npy(&std::fs::read(path).unwrap()).unwrap();
    let [rows, columns] = array.shape[..] else {
        panic!("{} is not a matrix", path.display())
    };
    DMatrix::from_row_slice(rows, columns, &array.data)
}

/// Returns the transfer matrix of the operations of one layer, from their response to the
/// identity.
fn layer_matrix(network: &Network, layer: &str) -> DMatrix<Complex64> {
    let mut width = network.input.width;
    let mut input_width = None;
    let mut ops = Vec::new();
    for op in &network.ops {
        if op.layer == layer {
            input_width.get_or_insert(width);
            ops.push(op.clone());
        }
        width = op.kind.output_width(width);
    }
    let width = input_width.expect("the layer has operations");
    let mut part = network.clone();
    part.input.width = width;
    part.ops = ops;
    let identity = DMatrix::<Complex64>::identity(width, width);
    pnn::simulate::run(&part, &identity).unwrap().transpose()
}

#[test]
fn digits_mzi_counts_by_level() {
    let path = root().join("examples/digits/digits.pnn");
    let counts: Vec<usize> = (0..=3)
        .map(|level| mzi_count(compile_path(&path, level).compiled.module()))
        .collect();
    // Level 2 prunes the first mesh of each layer to the light cone of the lit modes:
    // 32 of 64 rows (1776 MZIs, not 2016) and 10 of 32 rows (386, not 496), at the same
    // depth; the isometry meshes with fewer MZIs would be deeper.
    assert_eq!(counts, [3053, 3053, 2703, 2703]);
}

#[test]
fn digits_layers_reproduce_weights() {
    let digits = root().join("examples/digits");
    let compilation = compile_path(&digits.join("digits.pnn"), 2);
    let network = &compilation.compiled.networks()[0];
    for (layer, file) in [("hidden", "weights/w1.npy"), ("logits", "weights/w2.npy")] {
        let weights = read_matrix(&digits.join(file));
        let realized = layer_matrix(network, layer);
        assert_eq!(realized.shape(), weights.shape(), "{layer}");
        let error = (&realized - &weights).norm() / weights.norm();
        assert!(error <= 1e-12, "{layer}: relative error {error:e}");
    }
}

/// One layer of a random chain.
#[derive(Debug, Clone)]
enum ChainLayer {
    Unitary,
    /// A sparse unitary: 2×2 blocks, a permutation, 2×2 blocks. Its zeros give bar-state
    /// MZIs with nonzero phases, and sometimes independent blocks.
    Sparse,
    Phase,
    Permute,
    /// `linear` with this many output modes, of full rank or of rank 1.
    Linear {
        outputs: usize,
        rank_one: bool,
    },
}

fn chain_layer() -> impl Strategy<Value = ChainLayer> {
    prop_oneof![
        Just(ChainLayer::Unitary),
        Just(ChainLayer::Sparse),
        Just(ChainLayer::Phase),
        Just(ChainLayer::Permute),
        (1usize..=4, any::<bool>())
            .prop_map(|(outputs, rank_one)| ChainLayer::Linear { outputs, rank_one }),
    ]
}

/// Writes a complex number as a `.pnn` expression that reads back exactly.
fn complex(z: Complex64) -> String {
    format!("({:?} + {:?}i)", z.re, z.im)
}

fn matrix_literal(matrix: &DMatrix<Complex64>) -> String {
    let rows: Vec<String> = matrix
        .row_iter()
        .map(|row| {
            let entries: Vec<String> = row.iter().map(|&z| complex(z)).collect();
            format!("[{}]", entries.join(", "))
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Writes the chain as a `.pnn` network on `width` input modes.
fn chain_source(width: usize, layers: &[ChainLayer], seed: u64) -> String {
    let mut random = Random(seed);
    let mut source = format!(
        "network chain {{\n    target photonic(mesh = clements)\n    input x: optical[{width}]\n"
    );
    let mut previous = "x".to_string();
    let mut modes = width;
    for (index, layer) in layers.iter().enumerate() {
        let name = format!("l{index}");
        let arguments = match layer {
            ChainLayer::Unitary => {
                let q = random.matrix(modes, modes).qr().q();
                format!("unitary({previous}, {})", matrix_literal(&q))
            }
            ChainLayer::Sparse => {
                let first = random.paired_blocks(modes);
                let second = random.paired_blocks(modes);
                let permutation = random.permutation(modes);
                let shuffle = DMatrix::from_fn(modes, modes, |row, column| {
                    Complex64::from(f64::from(u8::from(permutation[row] == column)))
                });
                let sparse = second * shuffle * first;
                format!("unitary({previous}, {})", matrix_literal(&sparse))
            }
            ChainLayer::Phase => {
                let phases: Vec<String> = (0..modes)
                    .map(|_| format!("{:?}", 7.0 * random.next_unit()))
                    .collect();
                format!("phase({previous}, [{}])", phases.join(", "))
            }
            ChainLayer::Permute => {
                format!("permute({previous}, {:?})", random.permutation(modes))
            }
            ChainLayer::Linear { outputs, rank_one } => {
                let matrix = if *rank_one {
                    random.matrix(*outputs, 1) * random.matrix(1, modes)
                } else {
                    random.matrix(*outputs, modes)
                };
                modes = *outputs;
                format!("linear({previous}, {})", matrix_literal(&matrix))
            }
        };
        source.push_str(&format!("    layer {name} = {arguments}\n"));
        previous = name;
    }
    source.push_str(&format!("    output {previous}\n}}\n"));
    source
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random chains of linear layers compile at level 2, and after each single pass, to the
    /// transfer matrix of level 0.
    #[test]
    fn random_linear_chains_keep_matrix(
        width in 1usize..=4,
        layers in prop::collection::vec(chain_layer(), 1..=5),
        seed in any::<u64>(),
    ) {
        let source = chain_source(width, &layers, seed);
        let reference = compile_source(&source, 0);
        let optimized = compile_source(&source, 2);
        assert_same_function(
            reference.compiled.module(),
            optimized.compiled.module(),
            &source,
        );
        assert_single_passes_keep_function(&reference, &source);
    }
}
