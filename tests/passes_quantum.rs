//! Quantum passes: each pass, and the whole pass list at every level, keeps the unitary of
//! every circuit (global phase included) and its gates in the target basis, and lowers the
//! gate counts on known cases.

use std::path::{Path, PathBuf};

use pnn::emit::ir::{DumpOptions, dump};
use pnn::ir::circuit::{Circuit, Gate};
use pnn::ir::{Input, Module, Network, Op, OpKind, QuantumTarget, Target};
use pnn::linalg::max_abs_diff;
use pnn::passes::{self, OptLevel, Pass, quantum};
use pnn::random::SplitMix64;
use pnn::simulate::quantum::network_unitary;
use pnn::source::{FileId, Span};
use pnn::synthesize::basis::Basis;
use pnn::{Compilation, Compiler, Options};
use proptest::prelude::*;

/// Largest entry error allowed between a network's unitary before and after the passes.
const TOLERANCE: f64 = 1e-10;

const PASSES: [Pass; 5] = [
    quantum::MERGE_CIRCUITS,
    quantum::CANCEL_ADJACENT,
    quantum::CANCEL_COMMUTING,
    quantum::CONSOLIDATE_TWO_QUBIT_BLOCKS,
    quantum::CONSOLIDATE_THREE_QUBIT_BLOCKS,
];

const BASES: [(Basis, &str); 3] = [
    (Basis::U3Cx, "[u3, cx]"),
    (Basis::RzSxXCx, "[rz, sx, x, cx]"),
    (Basis::U3Cz, "[u3, cz]"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compile(path: &Path, level: u8) -> Compilation {
    let options = Options {
        opt_level: OptLevel::new(level).unwrap(),
        ..Options::default()
    };
    Compiler::new(options)
        .compile_path(path)
        .unwrap_or_else(|error| panic!("{} failed to compile:\n{error}", path.display()))
}

fn compile_source(source: &str, level: u8) -> Compilation {
    let options = Options {
        opt_level: OptLevel::new(level).unwrap(),
        ..Options::default()
    };
    Compiler::new(options)
        .compile_source("case.pnn", source)
        .unwrap_or_else(|failure| panic!("{}", failure.render(false)))
}

/// Returns the first compiled network of a source.
fn compiled_network(source: &str, level: u8) -> Network {
    compile_source(source, level).compiled.networks()[0].clone()
}

/// Counts the gates with an OpenQASM name over every circuit of a network.
fn count(network: &Network, name: &str) -> usize {
    circuits(network).map(|circuit| circuit.count(name)).sum()
}

fn circuits(network: &Network) -> impl Iterator<Item = &Circuit> {
    network.ops.iter().filter_map(|op| match &op.kind {
        OpKind::Circuit(circuit) => Some(circuit),
        _ => None,
    })
}

fn total_gates(network: &Network) -> usize {
    circuits(network)
        .map(|circuit| circuit.instructions.len())
        .sum()
}

/// Checks that every gate of the network is in its basis.
fn assert_in_basis(network: &Network, context: &str) {
    let Target::Quantum(target) = &network.target else {
        panic!("{context}: a quantum network is expected");
    };
    for circuit in circuits(network) {
        for instruction in &circuit.instructions {
            let name = instruction.gate.name();
            assert!(
                target.basis.gate_names().contains(&name),
                "{context}: `{name}` is not in {}",
                target.basis_text
            );
        }
    }
}

/// Runs the passes one at a time on a copy of `network`, checking the unitary, the basis and
/// the two-qubit count after each, and returns the result.
fn run_each_pass(network: &Network, context: &str) -> Network {
    let expected = network_unitary(network);
    let mut current = network.clone();
    for pass in &PASSES {
        let before = two_qubit_count(&current);
        (pass.run)(&mut current);
        let error = max_abs_diff(&network_unitary(&current), &expected);
        assert!(
            error <= TOLERANCE,
            "{context}, after {}: unitary off by {error:e}",
            pass.name
        );
        assert_in_basis(&current, &format!("{context}, after {}", pass.name));
        assert!(
            two_qubit_count(&current) <= before,
            "{context}, after {}: more two-qubit gates",
            pass.name
        );
    }
    current
}

fn two_qubit_count(network: &Network) -> usize {
    circuits(network).map(Circuit::multi_qubit_count).sum()
}

fn quantum_corpus() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("tests/corpus/valid"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("quantum_") && name.ends_with(".pnn"))
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "the corpus has quantum cases");
    paths
}

#[test]
fn corpus_keeps_unitary_at_every_level() {
    for path in quantum_corpus() {
        for level in 0..=3 {
            let compilation = compile(&path, level);
            let lowered = &compilation.lowered.networks;
            let compiled = compilation.compiled.networks();
            for (before, after) in lowered.iter().zip(compiled) {
                let context = format!("{} at level {level}", path.display());
                let error = max_abs_diff(&network_unitary(after), &network_unitary(before));
                assert!(error <= TOLERANCE, "{context}: unitary off by {error:e}");
                assert_in_basis(after, &context);
            }
        }
    }
}

#[test]
fn corpus_keeps_unitary_after_each_pass() {
    for path in quantum_corpus() {
        let compilation = compile(&path, 0);
        for network in compilation.compiled.networks() {
            run_each_pass(network, &path.display().to_string());
        }
    }
}

#[test]
fn levels_never_add_gates() {
    for path in quantum_corpus() {
        let counts: Vec<(usize, usize)> = (0..=3)
            .map(|level| {
                let compilation = compile(&path, level);
                let networks = compilation.compiled.networks();
                (
                    networks.iter().map(two_qubit_count).sum(),
                    networks.iter().map(total_gates).sum(),
                )
            })
            .collect();
        for level in 1..=3 {
            assert!(
                counts[level] <= counts[level - 1],
                "{}: level {level} has {:?} two-qubit and total gates, level {} {:?}",
                path.display(),
                counts[level],
                level - 1,
                counts[level - 1]
            );
        }
    }
}

/// Returns a network of one circuit operation in `basis`.
fn network_of(circuit: Circuit, basis: Basis, basis_text: &str) -> Network {
    let span = Span::new(FileId(0), 0..1);
    Network {
        name: "random".to_string(),
        span,
        target: Target::Quantum(QuantumTarget {
            basis,
            entangling: true,
            basis_text: basis_text.to_string(),
            span,
        }),
        input: Input {
            name: "q".to_string(),
            width: circuit.num_qubits,
            span,
        },
        qubits: circuit.num_qubits,
        ops: vec![Op {
            kind: OpKind::Circuit(circuit),
            layer: "c".to_string(),
            span,
        }],
        output_span: span,
    }
}

/// Returns a random circuit of basis gates with many chances to cancel: repeated two-qubit
/// gates on few pairs, diagonal and X-type one-qubit gates, and exact inverses.
fn random_basis_circuit(seed: u64, num_qubits: usize, length: usize, basis: Basis) -> Circuit {
    let mut rng = SplitMix64::new(seed);
    let mut circuit = Circuit::new(num_qubits);
    circuit.global_phase = rng.next_open_unit() * 6.0 - 3.0;
    let pick = |rng: &mut SplitMix64, n: u64| (rng.next_u64() % n) as usize;
    for _ in 0..length {
        let angle = match pick(&mut rng, 4) {
            0 => std::f64::consts::FRAC_PI_2 * pick(&mut rng, 4) as f64,
            _ => rng.next_open_unit() * 6.0 - 3.0,
        };
        let qubit = pick(&mut rng, num_qubits as u64);
        let other = (qubit + 1 + pick(&mut rng, num_qubits as u64 - 1)) % num_qubits;
        let one_qubit = match (basis, pick(&mut rng, 4)) {
            (Basis::RzSxXCx, 0) => Gate::Sx,
            (Basis::RzSxXCx, 1) => Gate::X,
            (Basis::RzSxXCx, _) => Gate::Rz(angle),
            (_, 0) => Gate::U(0.0, 0.0, angle),
            (_, 1) => Gate::U(
                angle,
                -std::f64::consts::FRAC_PI_2,
                std::f64::consts::FRAC_PI_2,
            ),
            (_, 2) => Gate::U(std::f64::consts::FRAC_PI_2, 0.0, std::f64::consts::PI),
            _ => Gate::U(angle, angle * 0.5, -angle),
        };
        match pick(&mut rng, 3) {
            0 => circuit.push(one_qubit, &[qubit]),
            _ => circuit.push(basis.entangler(), &[qubit, other]),
        }
    }
    circuit
}

#[test]
fn random_circuits_keep_unitary() {
    for seed in 0..12 {
        for (basis, text) in BASES {
            let qubits = 2 + (seed % 3) as usize;
            let circuit = random_basis_circuit(seed, qubits, 60, basis);
            let network = network_of(circuit, basis, text);
            let optimized = run_each_pass(&network, &format!("seed {seed}, {text}"));
            assert!(two_qubit_count(&optimized) < two_qubit_count(&network));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn passes_keep_random_circuits(
        seed in any::<u64>(),
        qubits in 1usize..=4,
        length in 0usize..80,
        basis_index in 0usize..3,
    ) {
        let (basis, text) = BASES[basis_index];
        let circuit = random_basis_circuit(seed, qubits.max(2), length, basis);
        let network = network_of(circuit, basis, text);
        run_each_pass(&network, &format!("seed {seed}, {text}"));
    }

    #[test]
    fn levels_keep_random_circuits(
        seed in any::<u64>(),
        length in 0usize..60,
        basis_index in 0usize..3,
        level in 0u8..=3,
    ) {
        let (basis, text) = BASES[basis_index];
        let network = network_of(random_basis_circuit(seed, 3, length, basis), basis, text);
        let expected = network_unitary(&network);
        let mut module = Module { networks: vec![network] };
        let mut notes = Vec::new();
        passes::after_synthesis(&mut module, OptLevel::new(level).unwrap(), &mut notes)
            .expect("the passes keep the IR valid");
        let error = max_abs_diff(&network_unitary(&module.networks[0]), &expected);
        prop_assert!(error <= TOLERANCE, "level {}: unitary off by {:e}", level, error);
    }
}

/// Returns the source of a network of one circuit layer in `basis` on `qubits` qubits.
fn circuit_source(basis: &str, qubits: usize, body: &str) -> String {
    format!(
        "network c {{\n    target quantum(basis = {basis})\n    input q: qubit[{qubits}]\n    \
         layer c = circuit(q) {{ {body} }}\n    output c\n}}\n"
    )
}

#[test]
fn cx_pair_vanishes_at_level_one() {
    for (_, basis) in BASES {
        let source = circuit_source(basis, 2, "cx q[0], q[1]; cx q[0], q[1];");
        assert!(total_gates(&compiled_network(&source, 0)) >= 2, "{basis}");
        let network = &compiled_network(&source, 1);
        assert_eq!(total_gates(network), 0, "{basis}");
    }
}

#[test]
fn hadamard_pair_vanishes_at_level_one() {
    // The basis translation already merges the pair inside one layer, so the two Hadamards
    // sit in two layers here; merging the layers lets them cancel.
    let source = "network c {
        target quantum(basis = [rz, sx, x, cx])
        input q: qubit[1]
        layer a = circuit(q) { h q[0]; }
        layer b = circuit(a) { h a[0]; }
        output b
    }";
    assert_eq!(
        total_gates(&compile_source(source, 0).compiled.networks()[0]),
        6
    );
    let network = &compiled_network(source, 1);
    assert_eq!(total_gates(network), 0);
    assert_eq!(network.ops.len(), 1);
}

#[test]
fn commuting_cx_pair_vanishes_at_level_two() {
    let body = "cx q[0], q[1]; rz(0.3) q[0]; cx q[0], q[2]; x q[1]; cx q[0], q[1];";
    for (_, basis) in BASES {
        let source = circuit_source(basis, 3, body);
        let level_one = &compiled_network(&source, 1);
        let level_two = &compiled_network(&source, 2);
        assert_eq!(two_qubit_count(level_one), 3, "{basis}");
        assert_eq!(two_qubit_count(level_two), 1, "{basis}");
    }
}

#[test]
fn qft_cx_count_drops() {
    let path = root().join("examples/qft/qft_circuit.pnn");
    let counts: Vec<usize> = (0..=3)
        .map(|level| count(&compile(&path, level).compiled.networks()[0], "cx"))
        .collect();
    // Six controlled phases of two CX and two SWAPs of three; each SWAP merges with the
    // controlled phase on its pair into three CX.
    assert_eq!(counts, [18, 18, 14, 14]);
}

#[test]
fn snapshot_qft_before_and_after() {
    let path = root().join("examples/qft/qft_circuit.pnn");
    let options = DumpOptions::default();
    let before = dump(compile(&path, 0).compiled.module(), &options);
    let after = dump(compile(&path, 2).compiled.module(), &options);
    insta::assert_snapshot!("qft_level_0", before);
    insta::assert_snapshot!("qft_level_2", after);
}

#[test]
fn snapshot_cancellation_before_and_after() {
    let source = "network cancel {
        target quantum(basis = [rz, sx, x, cx])
        input q: qubit[3]
        layer a = circuit(q) {
            h q[0];
            cx q[0], q[1];
            rz(0.25) q[0];
            cx q[0], q[2];
            cx q[0], q[1];
            x q[2];
        }
        layer b = circuit(a) {
            x a[2];
            cz a[0], a[2];
            t a[0];
            cz a[2], a[0];
            sx a[1];
        }
        output b
    }";
    let options = DumpOptions::default();
    let before = dump(compile_source(source, 0).compiled.module(), &options);
    let after = dump(compile_source(source, 2).compiled.module(), &options);
    insta::assert_snapshot!("cancellation_level_0", before);
    insta::assert_snapshot!("cancellation_level_2", after);
}
