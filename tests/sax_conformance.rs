//! Conformance of `--emit sax` with SAX: each stage netlist, simulated by `sax.circuit` with
//! the emitted models, must reproduce the stage's transfer matrix that pnn composes from the
//! compiled operations, within 1e-9 max-abs error.
//!
//! The stages are split here again, independently of the emitter. Python runs through
//! `common::python_with`, so these tests skip without SAX unless `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::data::{read_npy, write_npy};
use pnn::ir::{Input, Network, Op, OpKind};
use pnn::{Compilation, Compiler, EmitKind, Options};

/// Largest accepted max-abs difference between SAX's and pnn's stage matrices.
const TOLERANCE: f64 = 1e-9;

/// Two stages: a 4-mode unitary, phases and a permutation; then a 2×4 `linear` that drops two
/// modes and needs a gain.
const SMALL: &str = "network small {
    target photonic(mesh = clements)
    input x: optical[4]
    layer u = unitary(x, [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5i, -0.5, -0.5i],
                          [0.5, -0.5, 0.5, -0.5], [0.5, -0.5i, -0.5, 0.5i]])
    layer p = phase(u, [0, pi / 2, pi, 3 * pi / 2])
    layer perm = permute(p, [2, 0, 3, 1])
    layer act = activation(perm, kind = abs_squared)
    layer w = linear(act, [[1, 0.5, 0, 0], [0, 2, 0, 1]])
    output detect(w)
}
";

/// A permutation straight into a 4×3 `linear`, which adds a dark mode, on a Reck mesh.
const WIDEN: &str = "network widen {
    target photonic(mesh = reck)
    input x: optical[3]
    layer order = permute(x, [2, 0, 1])
    layer w = linear(order, [[1, 0, 0.5], [0, 2, 0], [0.3i, 0, 1], [1, 1, 1]])
    output w
}
";

/// One random 8-mode unitary decomposed into both mesh kinds.
const MESHES: &str = "network clements8 {
    target photonic(mesh = clements)
    input x: optical[8]
    layer u = unitary(x, load(\"u8.npy\"))
    output u
}

network reck8 {
    target photonic(mesh = reck)
    input x: optical[8]
    layer u = unitary(x, load(\"u8.npy\"))
    output u
}
";

/// SplitMix64, so the random unitary is reproducible from its seed.
struct Random(u64);

impl Random {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard complex Gaussian, by the Box–Muller transform.
    fn complex_gaussian(&mut self) -> Complex64 {
        let radius = (-2.0 * self.unit().ln()).sqrt();
        Complex64::from_polar(radius, std::f64::consts::TAU * self.unit())
    }

    /// Haar-random unitary: the Q of a complex Gaussian matrix, with R's diagonal phases
    /// moved into Q.
    fn unitary(&mut self, modes: usize) -> DMatrix<Complex64> {
        let gaussian = DMatrix::from_fn(modes, modes, |_, _| self.complex_gaussian());
        let qr = gaussian.qr();
        let (q, r) = (qr.q(), qr.r());
        let phases = DMatrix::from_diagonal(&r.diagonal().map(|z| z / z.norm()));
        q * phases
    }
}

/// One stage as this test splits it: the network file name it expects and the matrix.
struct ExpectedStage {
    path: String,
    matrix: DMatrix<Complex64>,
    gain: f64,
}

/// Splits a network into runs of linear operations and composes each into its transfer
/// matrix by simulating the run on the identity batch.
fn expected_stages(network: &Network) -> Vec<ExpectedStage> {
    // Each run with the mode count at its start.
    let mut runs: Vec<(usize, Vec<Op>)> = Vec::new();
    let mut in_run = false;
    let mut width = network.input.width;
    for op in &network.ops {
        if !op.kind.is_linear() {
            in_run = false;
        } else if in_run {
            runs.last_mut().unwrap().1.push(op.clone());
        } else {
            runs.push((width, vec![op.clone()]));
            in_run = true;
        }
        width = op.kind.output_width(width);
    }
    runs.iter()
        .map(|(width, ops)| expected_stage(network, ops, *width))
        .collect()
}

fn expected_stage(network: &Network, ops: &[Op], width: usize) -> ExpectedStage {
    let stage_network = Network {
        input: Input {
            width,
            ..network.input.clone()
        },
        ops: ops.to_vec(),
        ..network.clone()
    };
    let identity = DMatrix::identity(width, width);
    let matrix = pnn::simulate::run(&stage_network, &identity)
        .expect("a stage accepts its own width")
        .transpose();
    let gain = ops
        .iter()
        .map(|op| match op.kind {
            OpKind::Gain(gain) => gain,
            _ => 1.0,
        })
        .product();
    ExpectedStage {
        // Fused operations are named `a+b+c`; the file takes the first layer's name.
        path: format!(
            "{}.{}.sax.json",
            network.name,
            ops[0].layer.split('+').next().unwrap_or(&ops[0].layer)
        ),
        matrix,
        gain,
    }
}

/// Result of SAX on one netlist.
struct SaxStage {
    matrix: DMatrix<Complex64>,
    gain: f64,
    seconds: f64,
}

/// Emits the SAX files into `dir` and simulates every netlist with SAX.
fn run_sax(python: &Path, compilation: &Compilation, dir: &Path) -> Vec<(String, SaxStage)> {
    let artifacts = compilation
        .emit(EmitKind::Sax)
        .expect("the SAX emitter runs");
    let mut netlists = Vec::new();
    for artifact in &artifacts {
        let path = dir.join(&artifact.path);
        std::fs::write(&path, &artifact.contents).unwrap();
        if artifact.path.ends_with(".sax.json") {
            netlists.push(path);
        }
    }
    let script = common::root().join("tests/conformance/sax_check.py");
    let started = Instant::now();
    let output = Command::new(python)
        .arg(&script)
        .args(&netlists)
        .output()
        .expect("python starts");
    assert!(
        output.status.success(),
        "sax_check.py failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "sax_check.py on {} netlists took {:.1} s",
        netlists.len(),
        started.elapsed().as_secs_f64()
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(parse_result_line)
        .collect()
}

fn parse_result_line(line: &str) -> (String, SaxStage) {
    let record: serde_json::Value = serde_json::from_str(line).expect("one JSON object a line");
    let netlist = PathBuf::from(record["netlist"].as_str().unwrap());
    let matrix_path = format!("{}.matrix.npy", netlist.display());
    let array = read_npy(&std::fs::read(&matrix_path).unwrap()).unwrap();
    let [rows, columns] = array.shape[..] else {
        panic!("{matrix_path} has shape {:?}", array.shape);
    };
    let name = netlist.file_name().unwrap().to_str().unwrap().to_string();
    let stage = SaxStage {
        matrix: DMatrix::from_row_slice(rows, columns, &array.data),
        gain: record["gain"].as_f64().unwrap(),
        seconds: record["seconds"].as_f64().unwrap(),
    };
    (name, stage)
}

/// Checks every stage of every network of a compilation against SAX.
fn check(compilation: &Compilation, expected_files: &[&str]) {
    let Some(python) = common::python_with(&["sax", "numpy", "jax"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let results = run_sax(&python, compilation, dir.path());
    let names: Vec<&str> = results.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, expected_files);

    let expected: Vec<ExpectedStage> = compilation
        .compiled
        .networks()
        .iter()
        .flat_map(expected_stages)
        .collect();
    assert_eq!(expected.len(), results.len(), "one netlist per stage");
    for (stage, (name, sax)) in expected.iter().zip(&results) {
        assert_eq!(&stage.path, name);
        assert_eq!(sax.gain, stage.gain, "{name}: gain");
        assert_eq!(
            sax.matrix.shape(),
            stage.matrix.shape(),
            "{name}: matrix shape"
        );
        let scaled = &sax.matrix * Complex64::new(sax.gain, 0.0);
        let error = pnn::linalg::max_abs_diff(&scaled, &stage.matrix);
        eprintln!(
            "{name}: {}x{} stage, max-abs error {error:.2e}, SAX {:.1} s",
            stage.matrix.nrows(),
            stage.matrix.ncols(),
            sax.seconds
        );
        assert!(error <= TOLERANCE, "{name}: max-abs error {error:e}");
    }
}

fn compile(name: &str, text: &str, base_dir: Option<PathBuf>) -> Compilation {
    let compiler = Compiler::new(Options {
        base_dir,
        ..Options::default()
    });
    match compiler.compile_source(name, text) {
        Ok(compilation) => compilation,
        Err(failure) => panic!("{name} does not compile:\n{failure}"),
    }
}

#[test]
fn small_network_matches_sax() {
    let compilation = compile("small.pnn", SMALL, None);
    check(&compilation, &["small.u.sax.json", "small.w.sax.json"]);
}

#[test]
fn dark_modes_match_sax() {
    let compilation = compile("widen.pnn", WIDEN, None);
    check(&compilation, &["widen.order.sax.json"]);
}

#[test]
fn random_meshes_match_sax() {
    let dir = tempfile::tempdir().unwrap();
    let unitary = Random(8).unitary(8);
    // `write_npy` takes row-major data; nalgebra stores columns, so transpose first.
    let data: Vec<Complex64> = unitary.transpose().iter().copied().collect();
    std::fs::write(dir.path().join("u8.npy"), write_npy(&[8, 8], &data, false)).unwrap();
    let compilation = compile("meshes.pnn", MESHES, Some(dir.path().to_path_buf()));
    check(&compilation, &["clements8.u.sax.json", "reck8.u.sax.json"]);
}

#[test]
fn digits_example_matches_sax() {
    let path = common::root().join("examples/digits/digits.pnn");
    let compilation = Compiler::default()
        .compile_path(&path)
        .expect("the digits example compiles");
    check(
        &compilation,
        &["digits.hidden.sax.json", "digits.logits.sax.json"],
    );
}
