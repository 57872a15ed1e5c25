//! The front end never panics: random text and random edits of corpus files must produce
//! either a compilation or diagnostics that render.

use proptest::prelude::*;

use pnn::{Compiler, Options};

fn compile(text: &str) {
    let options = Options {
        base_dir: Some(std::path::PathBuf::from("tests/corpus/valid")),
        ..Options::default()
    };
    match Compiler::new(options).compile_source("fuzz.pnn", text) {
        Ok(compilation) => {
            let _ = compilation.render_warnings(false);
        }
        Err(failure) => {
            assert!(!failure.diagnostics.is_empty());
            let _ = failure.render(false);
        }
    }
}

fn corpus_sources() -> Vec<String> {
    let mut sources = Vec::new();
    for directory in ["tests/corpus/valid", "tests/corpus/invalid"] {
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|extension| extension == "pnn") {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    sources.sort();
    sources
}

/// Characters and words of the language, so that random text reaches past the first token.
const ALPHABET: &[&str] = &[
    "network",
    "target",
    "input",
    "layer",
    "output",
    "const",
    "photonic",
    "optical",
    "unitary",
    "linear",
    "phase",
    "permute",
    "activation",
    "detect",
    "load",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    ":",
    ";",
    "+",
    "-",
    "*",
    "/",
    "^",
    "x",
    "u",
    "1",
    "0.5",
    "2i",
    "1e308",
    "1e309",
    "\"u.npy\"",
    "\"",
    "pi",
    " ",
    "\n",
    "//",
    "/*",
    "*/",
    "é",
    "mesh",
    "clements",
    "kind",
    "abs_squared",
    "electro_optic",
    "-0",
    "0",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_token_soup_never_panics(tokens in proptest::collection::vec(0..ALPHABET.len(), 0..60)) {
        let text: String = tokens.iter().map(|&i| ALPHABET[i]).collect::<Vec<_>>().join(" ");
        compile(&text);
    }

    #[test]
    fn edited_corpus_never_panics(
        file in 0usize..1000,
        start in 0usize..2000,
        length in 0usize..40,
        insert in 0..ALPHABET.len(),
    ) {
        let sources = corpus_sources();
        let source = &sources[file % sources.len()];
        let mut cut = start % (source.len() + 1);
        while !source.is_char_boundary(cut) {
            cut -= 1;
        }
        let mut end = (cut + length).min(source.len());
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let edited = format!("{}{}{}", &source[..cut], ALPHABET[insert], &source[end..]);
        compile(&edited);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        compile(&text);
    }
}

#[test]
fn huge_linear_entries_compile_up_to_norm_overflow() {
    let source = |entry: &str| {
        format!(
            "network huge {{
                target photonic
                input x: optical[2]
                layer l = linear(x, [[{entry}, 2e300], [-1e300, {entry}]])
                output l
            }}"
        )
    };
    // Entries whose squares overflow, with a finite Frobenius norm: they compile.
    let compiled = Compiler::new(Options::default()).compile_source("huge.pnn", &source("1e308"));
    assert!(compiled.is_ok(), "1e308 entries were rejected");
    // A norm above the largest f64 is rejected with a diagnostic.
    let Err(failure) =
        Compiler::new(Options::default()).compile_source("huge.pnn", &source("1.7e308"))
    else {
        panic!("1.7e308 entries compiled");
    };
    assert!(failure.render(false).contains("E0014"));
}
