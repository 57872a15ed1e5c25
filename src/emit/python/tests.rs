use super::*;
use crate::Compiler;
use crate::ir::{Mesh, MeshKind};

/// Three modes through every kind of operation a small network lowers to: a mesh from the
/// unitary, phases, the electro-optic activation, a 2×3 `linear` (mesh, attenuators, resize,
/// mesh) and detection.
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

/// The 4×4 discrete Fourier transform divided by 2, a unitary with no zero entries.
const FOURIER: &str = "[[0.5, 0.5, 0.5, 0.5], [0.5, 0.5i, -0.5, -0.5i], \
                       [0.5, -0.5, 0.5, -0.5], [0.5, -0.5i, -0.5, 0.5i]]";

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

fn fourier_network(mesh: &str) -> String {
    format!(
        "network fourier {{
    target photonic(mesh = {mesh})
    input x: optical[4]
    layer u = unitary(x, {FOURIER})
    output u
}}
"
    )
}

fn only_script(compilation: &Compilation) -> String {
    let artifacts = emit(compilation).unwrap();
    assert_eq!(artifacts.len(), 1);
    artifacts.into_iter().next().unwrap().contents
}

#[test]
fn small_network_script() {
    let script = only_script(&compile("small.pnn", SMALL));
    insta::assert_snapshot!("small_network_script", script);
}

#[test]
fn emit_names_one_script_per_network() {
    let text = format!("{SMALL}\n{}", fourier_network("reck"));
    let artifacts = emit(&compile("two.pnn", &text)).unwrap();
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(paths, vec!["small.py", "fourier.py"]);
    assert!(artifacts[1].contents.contains("NETWORK = \"fourier\""));
}

#[test]
fn script_is_deterministic() {
    let first = only_script(&compile("small.pnn", SMALL));
    let second = only_script(&compile("small.pnn", SMALL));
    assert_eq!(first, second);
}

#[test]
fn script_starts_with_docstring() {
    let script = only_script(&compile("small.pnn", SMALL));
    assert!(script.starts_with("\"\"\"Run the compiled photonic network `small` with NumPy."));
    assert!(script.contains("python small.py --input X.npy --output OUT.npy"));
    assert!(script.ends_with("if __name__ == \"__main__\":\n    sys.exit(main())\n"));
}

#[test]
fn forward_has_one_line_per_operation() {
    let compilation = compile("small.pnn", SMALL);
    let network = &compilation.compiled.networks()[0];
    let script = script(network, &ScriptOptions::default()).unwrap();
    let body: Vec<&str> = script
        .lines()
        .skip_while(|line| *line != "def _forward(fields):")
        .skip(2)
        .take_while(|line| *line != "    return fields")
        .collect();
    let calls: Vec<&str> = body
        .iter()
        .filter_map(|line| line.strip_prefix("    fields = "))
        .collect();
    assert_eq!(calls.len(), network.ops.len());
    assert_eq!(calls[0], "_MESH_0.apply(fields)");
    assert_eq!(calls[8], "_detect(fields)");
    let layers: Vec<&str> = body
        .iter()
        .filter_map(|line| line.strip_prefix("    # layer "))
        .collect();
    assert_eq!(
        layers,
        ["`mix`", "`shift`", "`act`", "`project`", "`output`"]
    );
}

#[test]
fn output_dtype_follows_detection() {
    let detected = only_script(&compile("small.pnn", SMALL));
    assert!(detected.contains("OUTPUT_IS_REAL = True\n"));
    assert!(detected.contains("Output: 2 modes, real powers (float64)."));
    let fields = only_script(&compile("fourier.pnn", &fourier_network("clements")));
    assert!(fields.contains("OUTPUT_IS_REAL = False\n"));
    assert!(fields.contains("Output: 4 modes, complex field amplitudes (complex128)."));
}

#[test]
fn electro_optic_parameters_are_exact() {
    let script = only_script(&compile("small.pnn", SMALL));
    let pi = std::f64::consts::PI;
    let expected = format!("_electro_optic(fields, alpha=0.2, gain={pi:?}, bias={pi:?})");
    assert!(script.contains(&expected), "missing `{expected}`");
}

#[test]
fn mesh_columns_match_decomposition() {
    for kind in ["clements", "reck"] {
        let compilation = compile("fourier.pnn", &fourier_network(kind));
        let network = &compilation.compiled.networks()[0];
        let OpKind::Mesh(compiled) = &network.ops[0].kind else {
            panic!("the {kind} network does not start with a mesh");
        };
        let mut layout: Vec<(usize, usize)> = compiled
            .mzis
            .iter()
            .map(|mzi| (mzi.column, mzi.top))
            .collect();
        layout.sort_by_key(|&(column, _)| column);
        let scheduled: Vec<(usize, usize)> = mesh::schedule(compiled)
            .iter()
            .map(|&(column, mzi)| (column, mzi.top))
            .collect();
        assert_eq!(scheduled, layout, "{kind} columns differ from the IR");
    }
}

#[test]
fn lowered_unitary_becomes_matrix_literal() {
    let compilation = compile("fourier.pnn", &fourier_network("clements"));
    let network = &compilation.lowered.networks[0];
    let script = script(network, &ScriptOptions::default()).unwrap();
    assert!(script.contains("    # layer `u`\n    fields = _unitary(fields, _UNITARY_0)\n"));
    assert!(script.contains(
        "_UNITARY_0 = np.array([\n    [complex(0.5, 0.0), complex(0.5, 0.0), complex(0.5, 0.0), \
         complex(0.5, 0.0)],\n"
    ));
}

#[test]
fn empty_mesh_has_empty_lists() {
    let mesh = Mesh {
        kind: MeshKind::Clements,
        modes: 1,
        mzis: Vec::new(),
        output_phases: vec![0.5],
    };
    let mut out = String::new();
    mesh::write_mesh(&mut out, "_MESH_0", &mesh, 100);
    assert!(out.contains("    tops=[],\n    columns=[],\n    thetas=[],\n    phis=[],\n"));
}
