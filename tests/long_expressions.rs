//! Expressions with hundreds of thousands of operators compile on the 2 MiB stack of a test
//! thread: flat sums in `.pnn` and in imported OpenQASM 2, and signs up to the nesting limit.

use pnn::{Compiler, Options};

/// Terms in each generated sum. A tree one level deeper per operator would overflow the
/// stack long before this size.
const TERMS: usize = 300_000;

/// Returns `1+1+…+1` with `terms` terms.
fn sum_of_ones(terms: usize) -> String {
    vec!["1"; terms].join("+")
}

/// Compiles `text` with relative paths resolved against `base_dir` and returns the rendered
/// diagnostics of a failure.
fn compile(base_dir: &std::path::Path, text: &str) -> Result<(), String> {
    let options = Options {
        base_dir: Some(base_dir.to_path_buf()),
        ..Options::default()
    };
    match Compiler::new(options).compile_source("long.pnn", text) {
        Ok(_) => Ok(()),
        Err(failure) => Err(failure.render(false)),
    }
}

#[test]
fn pnn_flat_sum_compiles() {
    // The width is the sum minus 299,998, so a wrong sum fails the two-entry phase list.
    let sum = sum_of_ones(TERMS);
    let text = format!(
        "network a {{\n target photonic\n input x: optical[{sum} - {}]\n \
         layer p = phase(x, [{sum}, 0])\n output p\n}}\n",
        TERMS - 2
    );
    let directory = tempfile::tempdir().unwrap();
    if let Err(rendered) = compile(directory.path(), &text) {
        panic!("the flat sum failed to compile:\n{rendered}");
    }
}

#[test]
fn qasm_flat_sum_imports() {
    let directory = tempfile::tempdir().unwrap();
    let program = format!(
        "OPENQASM 2.0;\nqreg q[2];\nU({}, 0, 0) q[0];\n",
        sum_of_ones(TERMS)
    );
    std::fs::write(directory.path().join("long.qasm"), program).unwrap();
    let text = "network a {\n target quantum\n input q: qubit[2]\n \
                layer c = circuit(q, import = \"long.qasm\")\n output c\n}\n";
    if let Err(rendered) = compile(directory.path(), text) {
        panic!("the imported flat sum failed to compile:\n{rendered}");
    }
}

#[test]
fn signs_at_nesting_limit_compile() {
    // The list, 998 signs and the number are 1000 levels, the deepest tree the parser
    // accepts and the checker then evaluates recursively.
    let signs = "-".repeat(998);
    let text = format!(
        "network a {{\n target photonic\n input x: optical[2]\n \
         layer p = phase(x, [{signs}1, 0])\n output p\n}}\n"
    );
    let directory = tempfile::tempdir().unwrap();
    if let Err(rendered) = compile(directory.path(), &text) {
        panic!("998 signs failed to compile:\n{rendered}");
    }
}

#[test]
fn signs_beyond_nesting_limit_are_rejected() {
    let signs = "-".repeat(TERMS);
    let text = format!(
        "network a {{\n target photonic\n input x: optical[2]\n \
         layer p = phase(x, [{signs}1, 0])\n output p\n}}\n"
    );
    let directory = tempfile::tempdir().unwrap();
    let rendered = compile(directory.path(), &text).unwrap_err();
    assert!(
        rendered.contains("expression nested more than 1000 levels deep"),
        "{rendered}"
    );
}
