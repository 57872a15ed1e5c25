//! Tests of the SAX emitter: stage splitting, netlist wiring and snapshots of the JSON.

use std::collections::{HashMap, HashSet};

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::{SaxOptions, emit, netlist, stages};
use crate::driver::Compilation;
use crate::ir::{CMatrix, Network, OpKind, mzi_matrix};
use crate::{Compiler, EmitKind};

/// Two stages. The first is a 4-mode unitary, phases and a permutation. The second, after an
/// activation, is a 2×4 `linear` whose largest singular value exceeds 1, so it lowers with a
/// resize and a gain.
const SMALL: &str = "\
network small {
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

/// A 2-mode input widened to 3 modes by a 3×2 `linear`, so one output mode starts dark.
const WIDEN: &str = "\
network widen {
    target photonic(mesh = reck)
    input x: optical[2]
    layer w = linear(x, [[0.5, 0], [0, 0.25], [0.25, 0.25]])
    output w
}
";

/// Compiles at level 0, so that the emitter sees the plain structure of each test network.
fn compile(name: &str, text: &str) -> Compilation {
    let options = crate::Options {
        opt_level: crate::passes::OptLevel::NONE,
        ..crate::Options::default()
    };
    match Compiler::new(options).compile_source(name, text) {
        Ok(compilation) => compilation,
        Err(failure) => panic!("{name} does not compile:\n{failure}"),
    }
}

/// Returns every permutation of `0..modes`, in lexicographic order.
pub(super) fn permutations(modes: usize) -> Vec<Vec<usize>> {
    if modes == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for smaller in permutations(modes - 1) {
        for position in 0..modes {
            let mut permutation = smaller.clone();
            permutation.insert(position, modes - 1);
            all.push(permutation);
        }
    }
    all.sort();
    all
}

/// Multiplies out a netlist's devices, following its connections, into the M×N matrix from
/// the input ports to the output ports listed in its `info`. The result excludes the gain.
fn netlist_matrix(netlist: &serde_json::Value) -> CMatrix {
    let info = &netlist["info"];
    let inputs = port_list(&info["input_ports"]);
    let outputs = port_list(&info["output_ports"]);
    let ports: HashMap<&str, &str> = object_pairs(&netlist["ports"]);
    let connections: HashMap<&str, &str> = object_pairs(&netlist["connections"]);
    let mut matrix = CMatrix::zeros(outputs.len(), inputs.len());
    let outputs: HashMap<&str, usize> = outputs
        .iter()
        .enumerate()
        .map(|(mode, port)| (ports[port.as_str()], mode))
        .collect();
    for (column, input) in inputs.iter().enumerate() {
        // Propagates unit amplitude from one input through the device graph. The netlist
        // has no loops, so each path ends at an output or an unconnected port.
        let mut frontier = vec![(ports[input.as_str()].to_string(), Complex64::new(1.0, 0.0))];
        while let Some((endpoint, amplitude)) = frontier.pop() {
            let (instance, port) = endpoint.split_once(',').unwrap();
            let device = &netlist["instances"][instance];
            for (exit, factor) in device_transfer(device, port) {
                let exit = format!("{instance},{exit}");
                if let Some(&row) = outputs.get(exit.as_str()) {
                    matrix[(row, column)] += amplitude * factor;
                } else if let Some(next) = connections.get(exit.as_str()) {
                    frontier.push((next.to_string(), amplitude * factor));
                }
            }
        }
    }
    matrix
}

/// Returns the exits and amplitudes of light entering `port` of one device.
fn device_transfer(device: &serde_json::Value, port: &str) -> Vec<(&'static str, Complex64)> {
    let setting = |name: &str| device["settings"][name].as_f64().unwrap();
    let one = Complex64::new(1.0, 0.0);
    match (device["component"].as_str().unwrap(), port) {
        ("mzi", _) => {
            let m = mzi_matrix(setting("theta"), setting("phi"));
            let input = usize::from(port == "o2");
            vec![("o4", m[0][input]), ("o3", m[1][input])]
        }
        ("crossing", "o1") => vec![("o3", one)],
        ("crossing", "o2") => vec![("o4", one)],
        ("phase_shifter", "o1") => vec![("o2", Complex64::from_polar(1.0, setting("phi")))],
        ("attenuator", "o1") => vec![("o2", one * setting("transmission"))],
        ("waveguide", "o1") => vec![("o2", one)],
        (component, port) => panic!("light enters {component} at {port}"),
    }
}

fn port_list(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|port| port.as_str().unwrap().to_string())
        .collect()
}

fn object_pairs(value: &serde_json::Value) -> HashMap<&str, &str> {
    value
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str().unwrap()))
        .collect()
}

/// Composes a stage's operations, gain included, into its M×N transfer matrix.
fn stage_matrix(network: &Network, stage_index: usize) -> CMatrix {
    let stage = stages(network)[stage_index];
    let stage_network = Network {
        input: crate::ir::Input {
            width: stage.input_modes(),
            ..network.input.clone()
        },
        ops: stage.ops().to_vec(),
        ..network.clone()
    };
    let identity = DMatrix::identity(stage.input_modes(), stage.input_modes());
    crate::simulate::run(&stage_network, &identity)
        .unwrap()
        .transpose()
}

fn parse(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn stages_split_at_nonlinear_operations() {
    let compilation = compile("small.pnn", SMALL);
    let network = &compilation.compiled.networks()[0];
    let stages = stages(network);
    assert_eq!(stages.len(), 2);

    assert_eq!(stages[0].layers(), ["u", "p", "perm"]);
    assert_eq!(stages[0].first_op(), 0);
    assert_eq!((stages[0].input_modes(), stages[0].output_modes()), (4, 4));

    assert_eq!(stages[1].layers(), ["w"]);
    assert_eq!(stages[1].index(), 1);
    assert_eq!(stages[1].first_op(), 4);
    assert_eq!((stages[1].input_modes(), stages[1].output_modes()), (4, 2));
    assert!(stages[1].ops().iter().all(|op| op.kind.is_linear()));
}

#[test]
fn stages_skip_empty_runs() {
    let text = "\
network n {
    target photonic(mesh = clements)
    input x: optical[2]
    layer a = activation(x, kind = abs_squared)
    layer b = activation(a, kind = abs_squared)
    output detect(b)
}
";
    let compilation = compile("n.pnn", text);
    assert!(stages(&compilation.compiled.networks()[0]).is_empty());
    let artifacts = emit(&compilation).unwrap();
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, ["pnn_sax_models.py"]);
}

#[test]
fn emit_names_files_by_network_and_first_layer() {
    let compilation = compile("small.pnn", SMALL);
    let artifacts = compilation.emit(EmitKind::Sax).unwrap();
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        ["small.u.sax.json", "small.w.sax.json", "pnn_sax_models.py"]
    );
    assert_eq!(artifacts[2].contents, super::MODELS_SOURCE);
}

#[test]
fn colliding_file_names_get_a_suffix() {
    let mut used = HashSet::new();
    assert_eq!(super::unique_path("n", "a", &mut used), "n.a.sax.json");
    assert_eq!(super::unique_path("n", "a", &mut used), "n.a_2.sax.json");
    assert_eq!(super::unique_path("n", "a", &mut used), "n.a_3.sax.json");
}

#[test]
fn netlists_reproduce_stage_matrices() {
    for (name, text) in [("small.pnn", SMALL), ("widen.pnn", WIDEN)] {
        let compilation = compile(name, text);
        let network = &compilation.compiled.networks()[0];
        for stage in stages(network) {
            let json = parse(&netlist(network, &stage, &SaxOptions::default()).unwrap());
            let gain = json["info"]["gain"].as_f64().unwrap();
            let matrix = netlist_matrix(&json) * Complex64::new(gain, 0.0);
            let expected = stage_matrix(network, stage.index());
            let error = crate::linalg::max_abs_diff(&matrix, &expected);
            assert!(
                error < 1e-12,
                "{name} stage {}: error {error:e}",
                stage.index()
            );
        }
    }
}

#[test]
fn gain_is_the_product_of_stage_gains() {
    let compilation = compile("small.pnn", SMALL);
    let network = &compilation.compiled.networks()[0];
    let stage = stages(network)[1];
    let expected: f64 = stage
        .ops()
        .iter()
        .filter_map(|op| match op.kind {
            OpKind::Gain(gain) => Some(gain),
            _ => None,
        })
        .product();
    assert!(expected > 1.0, "the `w` layer should need a gain");
    let json = parse(&netlist(network, &stage, &SaxOptions::default()).unwrap());
    assert_eq!(json["info"]["gain"].as_f64().unwrap(), expected);
}

#[test]
fn dark_and_dropped_modes_get_waveguides() {
    let compilation = compile("widen.pnn", WIDEN);
    let network = &compilation.compiled.networks()[0];
    let json = parse(&netlist(network, &stages(network)[0], &SaxOptions::default()).unwrap());
    assert_eq!(json["info"]["input_ports"], serde_json::json!(["o1", "o2"]));
    assert_eq!(
        json["info"]["output_ports"],
        serde_json::json!(["o5", "o4", "o3"])
    );
    // Output mode 2 is dark at the resize. The 3-mode mesh after it mixes it with the others,
    // so it needs no waveguide, and every top-level port exists.
    let ports = json["ports"].as_object().unwrap();
    let names: Vec<&str> = ports.keys().map(String::as_str).collect();
    assert_eq!(names, ["o1", "o2", "o3", "o4", "o5"]);
}

#[test]
fn pass_through_modes_get_waveguides() {
    // An identity permutation places no device, so each mode needs a waveguide. The two
    // resizes then drop mode 2 and add it back dark.
    let network = Network {
        ops: vec![
            op(OpKind::Permutation(vec![0, 1, 2])),
            op(OpKind::Resize { modes: 2 }),
            op(OpKind::Resize { modes: 3 }),
        ],
        ..compile("widen.pnn", WIDEN).compiled.networks()[0].clone()
    };
    let network = Network {
        input: crate::ir::Input {
            width: 3,
            ..network.input
        },
        ..network
    };
    let stage = stages(&network)[0];
    let json = parse(&netlist(&network, &stage, &SaxOptions::default()).unwrap());

    // `serde_json::Value` sorts object keys.
    let instances: Vec<&str> = json["instances"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        instances,
        ["wg_dark_m2", "wg_in_m0", "wg_in_m1", "wg_in_m2"]
    );

    assert_eq!(json["ports"]["o1"], "wg_in_m0,o1");
    assert_eq!(json["ports"]["o3"], "wg_in_m2,o1");
    assert_eq!(json["ports"]["o4"], "wg_dark_m2,o2");
    assert_eq!(json["ports"]["o6"], "wg_in_m0,o2");

    let expected = stage_matrix(&network, 0);
    assert!(crate::linalg::max_abs_diff(&netlist_matrix(&json), &expected) < 1e-15);
}

fn op(kind: OpKind) -> crate::ir::Op {
    crate::ir::Op {
        kind,
        layer: "l".into(),
        span: crate::source::Span::new(crate::source::FileId(0), 0..0),
    }
}

#[test]
fn permutation_netlist_places_crossings() {
    let compilation = compile("small.pnn", SMALL);
    let network = &compilation.compiled.networks()[0];
    let json = parse(&netlist(network, &stages(network)[0], &SaxOptions::default()).unwrap());
    let crossings: Vec<&str> = json["instances"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, device)| device["component"] == "crossing")
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(crossings, ["perm_x_c0_m1", "perm_x_c1_m0", "perm_x_c1_m2"]);
}

#[test]
fn undecomposed_unitary_is_an_error() {
    let compilation = compile("small.pnn", SMALL);
    let network = &compilation.lowered.networks[0];
    let error = netlist(network, &stages(network)[0], &SaxOptions::default()).unwrap_err();
    assert!(error.to_string().contains("not decomposed"), "{error}");
}

#[test]
fn output_is_deterministic() {
    let first = compile("small.pnn", SMALL).emit(EmitKind::Sax).unwrap();
    let second = compile("small.pnn", SMALL).emit(EmitKind::Sax).unwrap();
    assert_eq!(first, second);
}

#[test]
fn compact_output_parses_to_the_same_json() {
    let compilation = compile("small.pnn", SMALL);
    let network = &compilation.compiled.networks()[0];
    let stage = stages(network)[0];
    let pretty = netlist(network, &stage, &SaxOptions::default()).unwrap();
    let compact = netlist(network, &stage, &SaxOptions { pretty: false }).unwrap();
    assert_eq!(compact.lines().count(), 1);
    assert_eq!(parse(&pretty), parse(&compact));
}

#[test]
fn snapshot_small_network() {
    let artifacts = compile("small.pnn", SMALL).emit(EmitKind::Sax).unwrap();
    insta::assert_snapshot!("small_u", artifacts[0].contents);
    insta::assert_snapshot!("small_w", artifacts[1].contents);
}
