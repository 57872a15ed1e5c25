//! Corpus tests: every `.pnn` file under `tests/corpus/` states its expected result per stage
//! in header comments (`// parse: ok`, `// check: error E0004, E0002`,
//! `// check: warning W0001`); the runner checks those results and snapshots the rendered
//! diagnostics and the IR before and after decomposition.

use std::path::Path;

use pnn::emit::ir::{DumpOptions, dump};
use pnn::{CompileError, Compiler, EmitKind};

/// Expected outcome of one stage.
#[derive(Debug, PartialEq)]
enum Expected {
    Ok,
    Errors(Vec<String>),
    Warnings(Vec<String>),
}

fn header(source: &str, stage: &str) -> Option<Expected> {
    let prefix = format!("// {stage}:");
    let line = source.lines().find(|line| line.starts_with(&prefix))?;
    let value = line[prefix.len()..].trim();
    let codes = |rest: &str| {
        rest.split(',')
            .map(|code| code.trim().to_string())
            .filter(|code| !code.is_empty())
            .collect::<Vec<_>>()
    };
    Some(match value.split_once(' ') {
        None if value == "ok" => Expected::Ok,
        Some(("error", rest)) => Expected::Errors(codes(rest)),
        Some(("warning", rest)) => Expected::Warnings(codes(rest)),
        _ => panic!("unreadable header line `{line}`"),
    })
}

/// Returns the path relative to the package root, so that rendered diagnostics do not
/// depend on where the repository lives.
fn relative(path: &Path) -> &Path {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
}

fn codes_of(diagnostics: &[pnn::diagnostics::Diagnostic], errors: bool) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error() == errors)
        .map(|diagnostic| diagnostic.code.to_string())
        .collect();
    codes.sort();
    codes
}

fn sorted(mut codes: Vec<String>) -> Vec<String> {
    codes.sort();
    codes
}

#[test]
fn valid_corpus() {
    insta::glob!("corpus/valid/*.pnn", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        assert_eq!(
            header(&source, "parse"),
            Some(Expected::Ok),
            "{}",
            path.display()
        );
        let compilation = match Compiler::default().compile_path(relative(path)) {
            Ok(compilation) => compilation,
            Err(error) => panic!("{} failed to compile:\n{error}", path.display()),
        };
        match header(&source, "check").expect("a `// check:` header") {
            Expected::Ok => assert!(
                compilation.warnings.is_empty(),
                "unexpected warnings:\n{}",
                compilation.render_warnings(false)
            ),
            Expected::Warnings(codes) => {
                assert_eq!(codes_of(&compilation.warnings, false), sorted(codes))
            }
            Expected::Errors(codes) => panic!("expected errors {codes:?}, but it compiled"),
        }
        let options = DumpOptions::default();
        insta::assert_snapshot!("lowered", dump(&compilation.lowered, &options));
        insta::assert_snapshot!("compiled", dump(compilation.compiled.module(), &options));
        if !compilation.warnings.is_empty() {
            insta::assert_snapshot!("warnings", compilation.render_warnings(false));
        }
        let quantum = compilation
            .compiled
            .networks()
            .iter()
            .any(|network| network.target.is_quantum());
        if quantum {
            for (kind, name) in [(EmitKind::Qasm2, "qasm2"), (EmitKind::Qasm3, "qasm3")] {
                let artifacts = compilation.emit(kind).expect("quantum networks emit QASM");
                let text: String = artifacts
                    .iter()
                    .map(|artifact| format!("// file: {}\n{}", artifact.path, artifact.contents))
                    .collect();
                insta::assert_snapshot!(name, text);
            }
        }
    });
}

#[test]
fn invalid_corpus() {
    insta::glob!("corpus/invalid/*.pnn", |path| {
        let source = std::fs::read_to_string(path).unwrap();
        let failure = match Compiler::default().compile_path(relative(path)) {
            Ok(_) => panic!("{} compiled, but it should fail", path.display()),
            Err(CompileError::Io { error, .. }) => {
                panic!("cannot read {}: {error}", path.display())
            }
            Err(CompileError::Diagnostics(failure)) => failure,
        };
        let expected = match header(&source, "parse").expect("a `// parse:` header") {
            Expected::Errors(codes) => codes,
            Expected::Ok => match header(&source, "check").expect("a `// check:` header") {
                Expected::Errors(codes) => codes,
                other => panic!("an invalid case must expect errors, found {other:?}"),
            },
            Expected::Warnings(_) => panic!("the parse stage has no warnings"),
        };
        assert_eq!(codes_of(&failure.diagnostics, true), sorted(expected));
        insta::assert_snapshot!("diagnostics", failure.render(false));
    });
}
