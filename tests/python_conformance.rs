//! Conformance of the NumPy scripts from `--emit python` with `pnnc run`: both run the same
//! compiled network on the same inputs, and their output files and printed lines must agree.
//!
//! Outputs are compared by their max-abs difference relative to `max(1, max |output|)`: digits
//! outputs reach a few hundred, where rounding alone moves the last bits by more than 1e-9
//! absolute. Python runs through `common::python_with`, so these tests skip without NumPy
//! unless `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::data::{DataType, read_npy, write_npy};

/// Largest accepted difference between the two outputs, relative to the output scale.
const TOLERANCE: f64 = 1e-9;

/// Three modes: a unitary, phases, the electro-optic activation, a 2×3 `linear` and detection.
const SMALL: &str = "network small {
    target photonic(mesh = clements)
    input x: optical[3]
    layer mix = unitary(x, [[0.6, 0.8, 0], [-0.8i, 0.6i, 0], [0, 0, 1]])
    layer shift = phase(mix, [0.1, -0.2, 0.3])
    layer act = activation(shift, kind = electro_optic, alpha = 0.2)
    layer project = linear(act, [[1, 0.5, -0.25], [0.2i, 1, 0]])
    output detect(project)
}
";

/// Complex outputs through a permutation, `abs_squared`, a 4×3 `linear` (which adds a dark
/// mode and a gain) and an electro-optic activation with every parameter set.
const MIXED: &str = "network mixed {
    target photonic(mesh = reck)
    input x: optical[3]
    layer order = permute(x, [2, 0, 1])
    layer square = activation(order, kind = abs_squared)
    layer widen = linear(square, [[1, 0, 0.5], [0, 2, 0], [0.3i, 0, 1], [1, 1, 1]])
    layer act = activation(widen, kind = electro_optic, alpha = 0.1, gain = 0.5, bias = 0.25)
    output act
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

/// SplitMix64, so every random input is reproducible from its seed.
struct Random(u64);

impl Random {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    fn signed_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    fn complex_matrix(&mut self, rows: usize, columns: usize) -> DMatrix<Complex64> {
        DMatrix::from_fn(rows, columns, |_, _| {
            Complex64::new(self.signed_unit(), self.signed_unit())
        })
    }
}

/// A temporary directory holding sources, inputs and both tools' outputs.
struct Workspace {
    directory: tempfile::TempDir,
    python: PathBuf,
}

impl Workspace {
    /// Returns `None`, after printing why, when no Python with NumPy is available.
    fn new() -> Option<Workspace> {
        let python = common::python_with(&["numpy"])?;
        let directory = tempfile::tempdir().unwrap();
        Some(Workspace { directory, python })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.directory.path().join(name)
    }

    fn write(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Writes a batch as a row-major complex128 `.npy` of shape (rows, columns).
    fn write_batch(&self, name: &str, batch: &DMatrix<Complex64>) -> PathBuf {
        let row_major: Vec<Complex64> = batch.transpose().iter().copied().collect();
        let bytes = write_npy(&[batch.nrows(), batch.ncols()], &row_major, false);
        self.write(name, &bytes)
    }

    /// Builds the scripts of `source` into the workspace with `pnnc build --emit python`.
    fn build(&self, source: &Path) {
        let output = Command::new(common::pnnc())
            .arg("build")
            .arg(source)
            .args(["--emit", "python", "-o"])
            .arg(self.directory.path())
            .output()
            .unwrap();
        assert_success(&output, "pnnc build --emit python");
    }

    fn pnnc_run(&self, source: &Path, arguments: &[&str]) -> Output {
        Command::new(common::pnnc())
            .arg("run")
            .arg(source)
            .args(arguments)
            .output()
            .unwrap()
    }

    fn python_run(&self, network: &str, arguments: &[&str]) -> Output {
        Command::new(&self.python)
            .arg(self.path(&format!("{network}.py")))
            .args(arguments)
            .output()
            .unwrap()
    }

    /// Runs `pnnc run` and the script on one input file, compares their output files and
    /// checks that they print the same stdout, which it returns.
    fn compare_run(&self, source: &Path, network: &str, input: &Path, extra: &[&str]) -> String {
        let input = input.to_str().unwrap();
        let from_pnnc = self.path(&format!("{network}-pnnc.npy"));
        let from_python = self.path(&format!("{network}-python.npy"));

        let mut pnnc_arguments = vec!["--network", network, "--input", input, "--output"];
        pnnc_arguments.push(from_pnnc.to_str().unwrap());
        pnnc_arguments.extend(extra);
        let pnnc_output = self.pnnc_run(source, &pnnc_arguments);
        assert_success(&pnnc_output, "pnnc run");

        let mut python_arguments = vec!["--input", input, "--output"];
        python_arguments.push(from_python.to_str().unwrap());
        python_arguments.extend(extra);
        let python_output = self.python_run(network, &python_arguments);
        assert_success(&python_output, &format!("python {network}.py"));

        let stdout = String::from_utf8_lossy(&python_output.stdout).into_owned();
        assert_eq!(
            stdout,
            String::from_utf8_lossy(&pnnc_output.stdout),
            "stdout of {network}.py differs from pnnc run"
        );
        compare_npy(&from_pnnc, &from_python, network);
        stdout
    }
}

fn assert_success(output: &Output, command: &str) {
    assert!(
        output.status.success(),
        "{command} failed with {}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Checks dtype and shape and returns `max |a − b| / max(1, max |a|)`.
fn compare_npy(expected: &Path, actual: &Path, network: &str) -> f64 {
    let expected = read_npy(&std::fs::read(expected).unwrap()).unwrap();
    let actual = read_npy(&std::fs::read(actual).unwrap()).unwrap();
    assert_eq!(actual.dtype, expected.dtype, "{network}: dtypes differ");
    assert_eq!(actual.shape, expected.shape, "{network}: shapes differ");
    let scale = expected.data.iter().map(|z| z.norm()).fold(1.0, f64::max);
    let difference = expected
        .data
        .iter()
        .zip(&actual.data)
        .map(|(a, b)| (a - b).norm())
        .fold(0.0, f64::max);
    let relative = difference / scale;
    eprintln!("{network}: max-abs difference {difference:e} at output scale {scale:e}");
    assert!(
        relative <= TOLERANCE,
        "{network}: outputs differ by {difference:e} at scale {scale:e}"
    );
    relative
}

/// Returns a random unitary, the Q factor of a random complex matrix.
fn random_unitary(modes: usize, seed: u64) -> DMatrix<Complex64> {
    Random(seed).complex_matrix(modes, modes).qr().q()
}

fn write_unitary(workspace: &Workspace) {
    let unitary = random_unitary(8, 8);
    let row_major: Vec<Complex64> = unitary.transpose().iter().copied().collect();
    workspace.write("u8.npy", &write_npy(&[8, 8], &row_major, false));
}

#[test]
fn small_network_matches_pnnc() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("small.pnn", SMALL.as_bytes());
    workspace.build(&source);
    let inputs = workspace.write_batch("inputs.npy", &Random(1).complex_matrix(20, 3));
    workspace.compare_run(&source, "small", &inputs, &[]);
    let expected = read_npy(&std::fs::read(workspace.path("small-python.npy")).unwrap()).unwrap();
    assert_eq!(expected.dtype, DataType::Float64);
    assert_eq!(expected.shape, vec![20, 2]);
}

#[test]
fn complex_outputs_match_pnnc() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("mixed.pnn", MIXED.as_bytes());
    workspace.build(&source);
    let inputs = workspace.write_batch("inputs.npy", &Random(2).complex_matrix(20, 3));
    workspace.compare_run(&source, "mixed", &inputs, &[]);
    let outputs = read_npy(&std::fs::read(workspace.path("mixed-python.npy")).unwrap()).unwrap();
    assert_eq!(outputs.dtype, DataType::Complex128);
    assert_eq!(outputs.shape, vec![20, 4]);
}

#[test]
fn both_mesh_kinds_match_pnnc() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    write_unitary(&workspace);
    let source = workspace.write("meshes.pnn", MESHES.as_bytes());
    workspace.build(&source);
    let inputs = workspace.write_batch("inputs.npy", &Random(3).complex_matrix(50, 8));
    for network in ["clements8", "reck8"] {
        workspace.compare_run(&source, network, &inputs, &[]);
    }
}

#[test]
fn single_sample_gives_one_dimensional_output() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("small.pnn", SMALL.as_bytes());
    workspace.build(&source);
    let sample: Vec<Complex64> = Random(4).complex_matrix(1, 3).iter().copied().collect();
    let input = workspace.write("sample.npy", &write_npy(&[3], &sample, false));
    workspace.compare_run(&source, "small", &input, &[]);
    let outputs = read_npy(&std::fs::read(workspace.path("small-python.npy")).unwrap()).unwrap();
    assert_eq!(outputs.shape, vec![2]);
}

#[test]
fn csv_input_matches_pnnc() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("mixed.pnn", MIXED.as_bytes());
    workspace.build(&source);
    let csv = "# one sample per line\n0.5, (1-2j), -0.25j\n1e-1,2i, 3\n\n1, 0, 0\n";
    let input = workspace.write("inputs.csv", csv.as_bytes());
    workspace.compare_run(&source, "mixed", &input, &[]);
    let outputs = read_npy(&std::fs::read(workspace.path("mixed-python.npy")).unwrap()).unwrap();
    assert_eq!(outputs.shape, vec![3, 4]);
}

#[test]
fn printed_outputs_match_pnnc() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let inputs = Random(5).complex_matrix(4, 3);
    for (network, text) in [("small", SMALL), ("mixed", MIXED)] {
        let source = workspace.write(&format!("{network}.pnn"), text.as_bytes());
        workspace.build(&source);
        let input = workspace.write_batch("inputs.npy", &inputs);
        let input = input.to_str().unwrap();
        let from_pnnc = workspace.pnnc_run(&source, &["--input", input]);
        assert_success(&from_pnnc, "pnnc run");
        let from_python = workspace.python_run(network, &["--input", input]);
        assert_success(&from_python, &format!("python {network}.py"));
        let pnnc_lines = String::from_utf8_lossy(&from_pnnc.stdout).into_owned();
        let python_lines = String::from_utf8_lossy(&from_python.stdout).into_owned();
        assert_eq!(pnnc_lines.lines().count(), 4);
        // The printed digits are the shortest round-trip ones, so they agree only where the
        // values agree bit for bit. The test therefore compares the parsed numbers.
        for (pnnc_line, python_line) in pnnc_lines.lines().zip(python_lines.lines()) {
            let pnnc_cells = parse_printed_row(pnnc_line);
            let python_cells = parse_printed_row(python_line);
            assert_eq!(
                python_cells.len(),
                pnnc_cells.len(),
                "{network}: row widths differ"
            );
            for (a, b) in pnnc_cells.iter().zip(&python_cells) {
                assert!(
                    (a - b).norm() <= TOLERANCE * a.norm().max(1.0),
                    "{network}: printed {b} differs from pnnc's {a}"
                );
            }
        }
    }
}

/// Parses a line of `pnnc run` output: cells like `0.15`, `1.5e-5` or `0.15-2j` separated by
/// spaces.
fn parse_printed_row(line: &str) -> Vec<Complex64> {
    line.split(' ')
        .map(|cell| match cell.strip_suffix('j') {
            Some(body) => {
                let split = body
                    .char_indices()
                    .filter(|&(i, c)| (c == '+' || c == '-') && i > 0 && &body[i - 1..i] != "e")
                    .map(|(i, _)| i)
                    .next_back()
                    .unwrap_or_else(|| panic!("`{cell}` has no imaginary part"));
                Complex64::new(
                    body[..split].parse().unwrap(),
                    body[split..].parse().unwrap(),
                )
            }
            None => Complex64::new(cell.parse().unwrap(), 0.0),
        })
        .collect()
}

#[test]
fn digits_matches_pnnc_and_accuracy() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let example = common::root().join("examples/digits");
    let source = example.join("digits.pnn");
    workspace.build(&source);
    let inputs = example.join("data/test_x.npy");
    let labels = example.join("data/test_y.npy");
    let labels = ["--labels", labels.to_str().unwrap()];
    // compare_run checks that both print the same accuracy line.
    let printed = workspace.compare_run(&source, "digits", &inputs, &labels);
    assert!(
        printed.starts_with("accuracy: "),
        "no accuracy line in `{printed}`"
    );
    assert_eq!(printed.lines().count(), 1);

    let script = std::fs::read_to_string(workspace.path("digits.py")).unwrap();
    eprintln!("digits.py is {} bytes", script.len());
}

#[test]
fn embedded_phases_are_bit_exact() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    write_unitary(&workspace);
    let source = workspace.write("meshes.pnn", MESHES.as_bytes());
    workspace.build(&source);
    let compilation = pnn::Compiler::default().compile_path(&source).unwrap();
    let network = compilation.compiled.network("clements8").unwrap();
    let pnn::ir::OpKind::Mesh(mesh) = &network.ops[0].kind else {
        panic!("clements8 does not start with a mesh");
    };

    let program = "import sys\n\
                   sys.path.insert(0, sys.argv[1])\n\
                   import clements8\n\
                   mesh = clements8._MESH_0\n\
                   for value in list(mesh.thetas) + list(mesh.phis) + list(mesh.output_phases):\n\
                   \x20   print(repr(float(value)))\n";
    let output = Command::new(&workspace.python)
        .args(["-c", program])
        .arg(workspace.directory.path())
        .output()
        .unwrap();
    assert_success(&output, "importing clements8.py");
    let mut from_python: Vec<u64> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|text| text.parse::<f64>().unwrap().to_bits())
        .collect();
    // The script lists MZIs by column, so compare the sorted bit patterns of each group.
    let mut from_pnnc: Vec<u64> = Vec::new();
    for values in [
        mesh.mzis.iter().map(|mzi| mzi.theta).collect::<Vec<_>>(),
        mesh.mzis.iter().map(|mzi| mzi.phi).collect(),
        mesh.output_phases.clone(),
    ] {
        from_pnnc.extend(values.iter().map(|x| x.to_bits()));
    }
    let mzis = mesh.mzis.len();
    from_python[..mzis].sort_unstable();
    from_python[mzis..2 * mzis].sort_unstable();
    from_pnnc[..mzis].sort_unstable();
    from_pnnc[mzis..2 * mzis].sort_unstable();
    assert_eq!(from_python, from_pnnc);
}

#[test]
fn lowered_network_matches_simulator() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let compilation = pnn::Compiler::default()
        .compile_source("mixed.pnn", MIXED)
        .unwrap();
    let network = &compilation.lowered.networks[0];
    let script = pnn::emit::python::script(network, &Default::default()).unwrap();
    workspace.write("mixed.py", script.as_bytes());

    let inputs = Random(6).complex_matrix(10, 3);
    let input = workspace.write_batch("inputs.npy", &inputs);
    let expected = pnn::simulate::run(network, &inputs).unwrap();
    let row_major: Vec<Complex64> = expected.transpose().iter().copied().collect();
    let from_simulator = workspace.write(
        "simulator.npy",
        &write_npy(&[10, 4], &row_major, network.output_is_real()),
    );
    let from_python = workspace.path("python.npy");
    let output = workspace.python_run(
        "mixed",
        &[
            "--input",
            input.to_str().unwrap(),
            "--output",
            from_python.to_str().unwrap(),
        ],
    );
    assert_success(&output, "python mixed.py on the lowered network");
    compare_npy(&from_simulator, &from_python, "mixed (lowered)");
}

#[test]
fn wrong_width_exits_with_usage_error() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("small.pnn", SMALL.as_bytes());
    workspace.build(&source);
    let input = workspace.write_batch("wide.npy", &Random(7).complex_matrix(2, 4));
    let output = workspace.python_run("small", &["--input", input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the input has 4 columns, but the network input has 3 modes"),
        "unexpected message: {stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn unreadable_input_exits_with_usage_error() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("small.pnn", SMALL.as_bytes());
    workspace.build(&source);
    let cases = [
        ("missing.npy", None),
        ("garbage.npy", Some(&b"not an array"[..])),
        ("ragged.csv", Some(&b"1, 2, 3\n4, 5\n"[..])),
        ("words.csv", Some(&b"1, two, 3\n"[..])),
        ("inputs.txt", Some(&b"1 2 3\n"[..])),
    ];
    for (name, contents) in cases {
        let path = match contents {
            Some(bytes) => workspace.write(name, bytes),
            None => workspace.path(name),
        };
        let output = workspace.python_run("small", &["--input", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: cannot read input `{}`", path.display())),
            "{name}: unexpected message: {stderr}"
        );
    }
}

#[test]
fn float16_input_exits_with_usage_error() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("small.pnn", SMALL.as_bytes());
    workspace.build(&source);
    let input = workspace.path("half.npy");
    let program = "import sys, numpy\nnumpy.save(sys.argv[1], numpy.ones((1, 3), numpy.float16))";
    let saved = Command::new(&workspace.python)
        .args(["-c", program])
        .arg(&input)
        .output()
        .unwrap();
    assert_success(&saved, "saving a float16 array");

    // pnnc reads no float16, so the script rejects it too.
    let from_pnnc = workspace.pnnc_run(&source, &["--input", input.to_str().unwrap()]);
    assert_eq!(from_pnnc.status.code(), Some(2));
    let output = workspace.python_run("small", &["--input", input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unsupported element type `<f2`"),
        "unexpected message: {stderr}"
    );
}

#[test]
fn non_finite_input_exits_with_usage_error() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("small.pnn", SMALL.as_bytes());
    workspace.build(&source);
    let input = workspace.write("nan.csv", b"1, 2, 3\n4, nan, 6\n");
    let output = workspace.python_run("small", &["--input", input.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("entry [1, 1] is"),
        "unexpected message: {stderr}"
    );
}

#[test]
fn exponent_format_matches_rust() {
    let Some(workspace) = Workspace::new() else {
        return;
    };
    let source = workspace.write("small.pnn", SMALL.as_bytes());
    workspace.build(&source);
    let mut values = vec![
        0.0,
        -0.0,
        1.0,
        -2.5,
        0.1,
        123.0,
        1e-7,
        1e16,
        1.0 / 3.0,
        5e-324,
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    // Between 2^49 and 2^50 floats are 1/8 apart, so n + 0.25 lies exactly halfway between
    // the 16-digit decimals n.2 and n.3, which both read back as it.
    values.extend((0..20).map(|k| (1u64 << 49) as f64 + 12_345.0 * k as f64 + 0.25));
    let mut random = Random(9);
    for _ in 0..2000 {
        let power = (random.next_u64() % 40) as i32 - 20;
        values.push(random.signed_unit() * 10f64.powi(power));
    }

    let program = "import sys\n\
                   sys.path.insert(0, sys.argv[1])\n\
                   import small\n\
                   for line in sys.stdin:\n\
                   \x20   value = float(line)\n\
                   \x20   print(small._format_exponent(value), small._format_exponent(value, plus=True))\n";
    let mut child = Command::new(&workspace.python)
        .args(["-c", program])
        .arg(workspace.directory.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = values.iter().map(|x| format!("{x:?}\n")).collect();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_success(&output, "formatting with small.py");
    let printed = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), values.len());
    for (value, line) in values.iter().zip(lines) {
        assert_eq!(
            line,
            format!("{value:e} {value:+e}"),
            "formatting {value:?}"
        );
    }
}
