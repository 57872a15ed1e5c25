//! The OpenQASM 2 importer never panics: random token sequences and random edits of the
//! corpus programs must produce either gates or diagnostics that render.

use proptest::prelude::*;

use pnn::diagnostics::render;
use pnn::source::SourceMap;
use pnn::syntax::qasm2;

fn import(text: &str) {
    let mut sources = SourceMap::new();
    let file = sources.add("fuzz.qasm", text);
    match qasm2::import(text, file) {
        Ok(imported) => {
            for gate in &imported.gates {
                assert!(gate.qubits.iter().all(|&qubit| qubit < imported.num_qubits));
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let diagnostics: Vec<_> = errors.iter().map(|error| error.to_diagnostic()).collect();
            let _ = render(&diagnostics, &sources, false);
        }
    }
}

fn corpus_programs() -> Vec<String> {
    let mut programs = Vec::new();
    for entry in std::fs::read_dir("tests/corpus/data").unwrap() {
        let path = entry.unwrap().path();
        if path
            .extension()
            .is_some_and(|extension| extension == "qasm")
        {
            programs.push(std::fs::read_to_string(path).unwrap());
        }
    }
    programs.sort();
    programs
}

/// Words and symbols of OpenQASM 2, so that random text reaches past the first statement.
const ALPHABET: &[&str] = &[
    "OPENQASM 2.0;",
    "include \"qelib1.inc\";",
    "qreg",
    "creg",
    "gate",
    "opaque",
    "measure",
    "reset",
    "barrier",
    "if",
    "U",
    "CX",
    "h",
    "cx",
    "rz",
    "c4x",
    "q",
    "c",
    "a",
    "pi",
    "sin",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ";",
    ",",
    "->",
    "==",
    "+",
    "-",
    "*",
    "/",
    "^",
    "0",
    "1",
    "2",
    "3",
    "0.5",
    "1e400",
    "\"",
    "//",
    "\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn random_tokens_never_panic(
        words in prop::collection::vec(prop::sample::select(ALPHABET), 0..80)
    ) {
        import(&words.join(" "));
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        import(&text);
    }

    #[test]
    fn edited_corpus_programs_never_panic(
        program in prop::sample::select(corpus_programs()),
        position in 0.0f64..1.0,
        length in 0usize..20,
        insert in prop::sample::select(ALPHABET),
    ) {
        // Replace a stretch of the program with one word, at a character boundary.
        let boundaries: Vec<usize> = program
            .char_indices()
            .map(|(index, _)| index)
            .chain([program.len()])
            .collect();
        let start = boundaries[(position * (boundaries.len() - 1) as f64) as usize];
        let end = boundaries
            .iter()
            .copied()
            .find(|&boundary| boundary >= start + length)
            .unwrap_or(program.len());
        let edited = format!("{}{insert}{}", &program[..start], &program[end..]);
        import(&edited);
    }
}
