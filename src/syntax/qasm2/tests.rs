//! Unit tests of the OpenQASM 2 importer: every statement kind, broadcasting, gate
//! definitions, parameter expressions and the errors.

use std::f64::consts::PI;

use super::ast::{ExprKind, Statement};
use super::*;
use crate::ir::Gate;
use crate::source::{FileId, Span};

const HEADER: &str = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

fn import_ok(body: &str) -> Imported {
    let text = format!("{HEADER}{body}");
    match import(&text, FileId(0)) {
        Ok(imported) => imported,
        Err(errors) => panic!("import failed: {errors:#?}"),
    }
}

/// Returns the errors of a program with the standard header.
fn import_errors(body: &str) -> Vec<Qasm2Error> {
    let text = format!("{HEADER}{body}");
    match import(&text, FileId(0)) {
        Ok(imported) => panic!("import succeeded with {} gates", imported.gates.len()),
        Err(errors) => errors,
    }
}

fn codes(errors: &[Qasm2Error]) -> Vec<&'static str> {
    errors.iter().map(Qasm2Error::code).collect()
}

/// Returns the text of the program (with the header) that a span covers.
fn spanned(body: &str, span: Span) -> String {
    format!("{HEADER}{body}")[span.range()].to_string()
}

fn gates(imported: &Imported) -> Vec<(Gate, Vec<usize>)> {
    imported
        .gates
        .iter()
        .map(|gate| (gate.gate, gate.qubits.clone()))
        .collect()
}

#[test]
fn registers_concatenate_in_declaration_order() {
    let imported = import_ok("qreg a[2];\ncreg c[3];\nqreg b[3];\nx b[0];\nx a[1];\n");
    assert_eq!(imported.num_qubits, 5);
    assert_eq!(
        gates(&imported),
        vec![(Gate::X, vec![2]), (Gate::X, vec![1])]
    );
}

#[test]
fn every_statement_kind_parses() {
    let text = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\n\
                gate g(theta) a, b { rz(theta) a; barrier a, b; cx a, b; }\n\
                opaque o(x) a;\nU(0, 0, pi) q[0];\nCX q[0], q[1];\ng(0.5) q[0], q[1];\n\
                barrier q;\nmeasure q -> c;\nreset q[0];\nif (c == 1) x q[1];\n";
    let program = parse(text, FileId(0)).unwrap();
    assert_eq!(
        program.version.as_ref().map(|(v, _)| v.as_str()),
        Some("2.0")
    );
    let kinds: Vec<&str> = program
        .statements
        .iter()
        .map(|statement| match statement {
            Statement::Include { .. } => "include",
            Statement::QuantumRegister(_) => "qreg",
            Statement::ClassicalRegister(_) => "creg",
            Statement::GateDefinition(_) => "gate",
            Statement::Opaque { .. } => "opaque",
            Statement::Apply(_) => "apply",
            Statement::Measure { .. } => "measure",
            Statement::Reset { .. } => "reset",
            Statement::Barrier { .. } => "barrier",
            Statement::If { .. } => "if",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "include", "qreg", "creg", "gate", "opaque", "apply", "apply", "apply", "barrier",
            "measure", "reset", "if"
        ]
    );
    let Statement::GateDefinition(definition) = &program.statements[3] else {
        panic!("expected a gate definition");
    };
    assert_eq!(definition.params.len(), 1);
    assert_eq!(definition.qubits.len(), 2);
    assert_eq!(definition.body.len(), 3);
}

#[test]
fn header_is_optional() {
    let imported = match import("include \"qelib1.inc\";\nqreg q[1];\nh q[0];", FileId(0)) {
        Ok(imported) => imported,
        Err(errors) => panic!("{errors:?}"),
    };
    assert_eq!(gates(&imported), vec![(Gate::H, vec![0])]);
}

#[test]
fn primitives_need_no_include() {
    let imported = match import(
        "OPENQASM 2.0;\nqreg q[2];\nU(1, 2, 3) q[1];\nCX q[1], q[0];",
        FileId(0),
    ) {
        Ok(imported) => imported,
        Err(errors) => panic!("{errors:?}"),
    };
    assert_eq!(
        gates(&imported),
        vec![(Gate::U(1.0, 2.0, 3.0), vec![1]), (Gate::Cx, vec![1, 0])]
    );
}

#[test]
fn single_register_broadcasts() {
    let imported = import_ok("qreg q[3];\nh q;\n");
    assert_eq!(
        gates(&imported),
        vec![(Gate::H, vec![0]), (Gate::H, vec![1]), (Gate::H, vec![2])]
    );
}

#[test]
fn equal_registers_pair_up() {
    let imported = import_ok("qreg a[2];\nqreg b[2];\nqreg c[1];\ncx a, b;\nccx a, c[0], b;\n");
    assert_eq!(
        gates(&imported),
        vec![
            (Gate::Cx, vec![0, 2]),
            (Gate::Cx, vec![1, 3]),
            (Gate::Ccx, vec![0, 4, 2]),
            (Gate::Ccx, vec![1, 4, 3]),
        ]
    );
}

#[test]
fn every_gate_span_is_its_statement() {
    let body = "qreg q[2];\ngate bell a, b { h a; cx a, b; }\nbell q[0], q[1];\n";
    let imported = import_ok(body);
    assert_eq!(imported.gates.len(), 2);
    for gate in &imported.gates {
        assert_eq!(spanned(body, gate.span), "bell q[0], q[1];");
    }
}

#[test]
fn nested_definitions_expand_with_bound_parameters() {
    let body = "qreg q[3];\n\
                gate inner(a) x { rz(a / 2) x; }\n\
                gate middle(a, b) x, y { inner(a + b) x; cx x, y; inner(-a) y; }\n\
                gate outer(t) x, y, z { middle(t, 2 * t) z, x; barrier x, y; U(t, 0, 0) y; }\n\
                outer(pi / 4) q[0], q[1], q[2];\n";
    let imported = import_ok(body);
    let t = PI / 4.0;
    assert_eq!(
        gates(&imported),
        vec![
            (Gate::Rz(3.0 * t / 2.0), vec![2]),
            (Gate::Cx, vec![2, 0]),
            (Gate::Rz(-t / 2.0), vec![0]),
            (Gate::U(t, 0.0, 0.0), vec![1]),
        ]
    );
}

#[test]
fn parameter_expressions_follow_precedence() {
    let cases = [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("-2^2", -4.0),
        ("2^3^2", 512.0),
        ("2^-1", 0.5),
        ("2 * -3", -6.0),
        ("8 / 4 / 2", 1.0),
        ("10 - 4 - 3", 3.0),
        ("sin(pi / 2) + cos(0) + tan(0)", 2.0),
        ("exp(ln(3))", 3.0),
        ("sqrt(16)", 4.0),
        ("1.5e1", 15.0),
        (".5", 0.5),
        ("3.", 3.0),
    ];
    for (expression, expected) in cases {
        let imported = import_ok(&format!("qreg q[1];\nrz({expression}) q[0];\n"));
        let [(Gate::Rz(value), _)] = gates(&imported)[..] else {
            panic!("`{expression}` gave {:?}", imported.gates);
        };
        assert!(
            (value - expected).abs() < 1e-12,
            "`{expression}` = {value}, expected {expected}"
        );
    }
}

#[test]
fn negation_binds_looser_than_power() {
    let program = parse("qreg q[1]; rz(-2^2) q[0];", FileId(0)).unwrap();
    let Statement::Apply(call) = &program.statements[1] else {
        panic!("expected a gate call");
    };
    assert!(matches!(call.params[0].kind, ExprKind::Neg(_)));
}

#[test]
fn library_gates_map_onto_pnn_gates() {
    let imported = import_ok(
        "qreg q[2];\nu1(0.1) q[0];\nu2(0.2, 0.3) q[0];\nu3(1, 2, 3) q[0];\nu0(5) q[0];\n\
         cu1(0.4) q[0], q[1];\nsxdg q[1];\n",
    );
    assert_eq!(
        gates(&imported),
        vec![
            (Gate::P(0.1), vec![0]),
            (Gate::U(PI / 2.0, 0.2, 0.3), vec![0]),
            (Gate::U(1.0, 2.0, 3.0), vec![0]),
            (Gate::I, vec![0]),
            (Gate::Cp(0.4), vec![0, 1]),
            (Gate::Sxdg, vec![1]),
        ]
    );
}

#[test]
fn final_measurements_are_recorded() {
    let body = "qreg q[2];\ncreg c[2];\nh q[0];\nmeasure q[0] -> c[0];\nx q[1];\n\
                measure q -> c;\nbarrier q;\n";
    let imported = import_ok(body);
    assert_eq!(imported.gates.len(), 2);
    let measured: Vec<String> = imported
        .final_measurements
        .iter()
        .map(|span| spanned(body, *span))
        .collect();
    assert_eq!(measured, ["measure q[0] -> c[0];", "measure q -> c;"]);
}

#[test]
fn mid_circuit_measurement_is_not_unitary() {
    let body = "qreg q[2];\ncreg c[2];\nmeasure q[0] -> c[0];\ncx q[1], q[0];\nh q[0];\n";
    let errors = import_errors(body);
    assert_eq!(codes(&errors), ["E0020"]);
    let Qasm2Error::NotUnitary {
        statement,
        span,
        later_gate,
    } = &errors[0]
    else {
        panic!("expected a non-unitary error, got {errors:?}");
    };
    assert_eq!(*statement, "measure");
    assert_eq!(spanned(body, *span), "measure q[0] -> c[0];");
    assert_eq!(spanned(body, later_gate.unwrap()), "cx q[1], q[0];");
}

#[test]
fn reset_and_if_are_not_unitary() {
    let body = "qreg q[1];\ncreg c[1];\nreset q[0];\nif (c == 1) x q[0];\n";
    let errors = import_errors(body);
    assert_eq!(codes(&errors), ["E0020", "E0020"]);
    assert_eq!(spanned(body, errors[0].span()), "reset q[0];");
    assert_eq!(spanned(body, errors[1].span()), "if (c == 1) x q[0];");
}

#[test]
fn syntax_errors_name_the_expectation() {
    let cases = [
        ("qreg q[2]\nh q;", "`;`", "`h`"),
        ("qreg q[2];\nh q[0]", "`;`", "end of file"),
        ("qreg q[2];\ngate g a { h a[0]; }", "`,` or `;`", "`[`"),
        ("qreg q[2];\nrz(1 +) q[0];", "an expression", "`)`"),
        (
            "qreg q[2];\nh q[0] @;",
            "a name, a number, a string or punctuation",
            "`@`",
        ),
        (
            "qreg q[2];\ngate g a { measure a -> c; }",
            "a gate call, `barrier` or `}`",
            "`measure`",
        ),
    ];
    for (body, expected, found) in cases {
        let errors = match import(&format!("{HEADER}{body}"), FileId(0)) {
            Ok(_) => panic!("`{body}` parsed"),
            Err(errors) => errors,
        };
        let [
            Qasm2Error::Syntax {
                expected: actual_expected,
                found: actual_found,
                ..
            },
        ] = errors.as_slice()
        else {
            panic!("`{body}` gave {errors:?}");
        };
        assert!(
            actual_expected.starts_with(expected),
            "`{body}`: expected {actual_expected}"
        );
        assert_eq!(actual_found, found, "`{body}`");
    }
}

#[test]
fn unknown_names_are_reported() {
    let body = "qreg q[2];\nfoo q[0];\nh r;\nswapp q[0], q[1];\nrz(theta) q[0];\n";
    let errors = import_errors(body);
    assert_eq!(codes(&errors), ["E0002"; 4]);
    let names: Vec<String> = errors
        .iter()
        .map(|error| spanned(body, error.span()))
        .collect();
    assert_eq!(names, ["foo", "r", "swapp", "theta"]);
    let Qasm2Error::UnknownName { help, .. } = &errors[2] else {
        panic!("expected an unknown name");
    };
    assert_eq!(help, "did you mean `swap`?");
}

#[test]
fn library_gate_without_include_suggests_it() {
    let errors = match import("OPENQASM 2.0;\nqreg q[1];\nh q[0];\n", FileId(0)) {
        Ok(_) => panic!("`h` without qelib1.inc imported"),
        Err(errors) => errors,
    };
    let [Qasm2Error::UnknownName { help, .. }] = errors.as_slice() else {
        panic!("expected one unknown name, got {errors:?}");
    };
    assert!(help.contains("include \"qelib1.inc\";"), "{help}");
}

#[test]
fn register_errors() {
    let body = "qreg q[2];\nqreg r[3];\ncreg c[2];\nh q[2];\ncx q, r;\nx c;\nmeasure q -> r;\n\
                cx q[1], q[1];\nqreg q[1];\n";
    let errors = import_errors(body);
    assert_eq!(
        codes(&errors),
        ["E0016", "E0004", "E0013", "E0013", "E0017", "E0003"]
    );
    let sites: Vec<String> = errors
        .iter()
        .map(|error| spanned(body, error.span()))
        .collect();
    assert_eq!(sites, ["q[2]", "r", "c", "r", "q[1]", "q"]);
}

#[test]
fn broadcast_repeating_a_qubit_is_reported() {
    let errors = import_errors("qreg q[2];\ncx q, q[1];\n");
    assert_eq!(codes(&errors), ["E0017"]);
    let Qasm2Error::RepeatedQubit { qubit, .. } = &errors[0] else {
        panic!("expected a repeated qubit");
    };
    assert_eq!(qubit, "q[1]");
}

#[test]
fn measure_shapes_must_match() {
    let errors =
        import_errors("qreg q[2];\ncreg c[2];\ncreg d[3];\nmeasure q -> c[0];\nmeasure q -> d;\n");
    assert_eq!(codes(&errors), ["E0004", "E0004"]);
}

#[test]
fn arity_errors_point_at_the_definition() {
    let body = "qreg q[2];\ngate g(a) x, y { rz(a) x; }\ng q[0], q[1];\nrz q[0];\ncx q[0];\n";
    let errors = import_errors(body);
    assert_eq!(codes(&errors), ["E0018"; 3]);
    let Qasm2Error::GateArity { definition, .. } = &errors[0] else {
        panic!("expected an arity error");
    };
    assert_eq!(spanned(body, definition.unwrap()), "g");
    assert!(matches!(
        errors[1],
        Qasm2Error::GateArity {
            definition: None,
            ..
        }
    ));
}

#[test]
fn definition_errors_are_reported_once() {
    let body = "qreg q[2];\ngate g(a) x, x { rz(b) x; h y; cx x, x; nope x; }\ng(1) q[0], q[1];\ng(2) q, q;\n";
    let errors = import_errors(body);
    assert_eq!(
        codes(&errors),
        ["E0003", "E0002", "E0002", "E0017", "E0002"]
    );
}

#[test]
fn gate_names_share_the_register_namespace() {
    let errors = import_errors("qreg h[1];\ngate q a { x a; }\nqreg q[1];\ngate x a { y a; }\n");
    assert_eq!(codes(&errors), ["E0003", "E0003", "E0003"]);
    assert!(matches!(
        errors[0],
        Qasm2Error::DuplicateName { previous: None, .. }
    ));
    assert!(matches!(
        errors[1],
        Qasm2Error::DuplicateName {
            previous: Some(_),
            ..
        }
    ));
}

#[test]
fn unsupported_constructs() {
    let errors = match import(
        "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqreg q[1];\nopaque magic a;\nmagic q[0];\n",
        FileId(0),
    ) {
        Ok(_) => panic!("imported"),
        Err(errors) => errors,
    };
    assert_eq!(codes(&errors), ["E0021", "E0021", "E0021"]);
    assert!(matches!(errors[0], Qasm2Error::UnsupportedVersion { .. }));
    assert!(matches!(errors[1], Qasm2Error::UnsupportedInclude { .. }));
    assert!(matches!(errors[2], Qasm2Error::OpaqueGate { .. }));
}

/// Returns the errors of importing `text`, which has its own header.
fn errors_of_program(text: &str) -> Vec<Qasm2Error> {
    match import(text, FileId(0)) {
        Ok(imported) => panic!("import succeeded with {} gates", imported.gates.len()),
        Err(errors) => errors,
    }
}

#[test]
fn version_3_syntax_reports_version() {
    let text = "OPENQASM 3;\ninclude \"stdgates.inc\";\nqubit[2] q;\nh q[0];\n";
    let errors = errors_of_program(text);
    assert_eq!(codes(&errors), ["E0021"]);
    let Qasm2Error::UnsupportedVersion { version, span } = &errors[0] else {
        panic!("expected the version error, got {:?}", errors[0]);
    };
    assert_eq!(version, "3");
    assert_eq!(&text[span.range()], "3");
}

#[test]
fn version_3_lexer_error_reports_version() {
    let text = "OPENQASM 3.0;\nqubit q;\nctrl @ x q;\n";
    let errors = errors_of_program(text);
    assert_eq!(codes(&errors), ["E0021"]);
    assert!(matches!(errors[0], Qasm2Error::UnsupportedVersion { .. }));
}

#[test]
fn version_3_after_comments_reports_version() {
    for text in [
        "/* header */\nOPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\n",
        "// x\nOPENQASM 3.0;\nqubit[2] q;\n",
    ] {
        let errors = errors_of_program(text);
        assert_eq!(codes(&errors), ["E0021"], "{text}");
        let Qasm2Error::UnsupportedVersion { version, span } = &errors[0] else {
            panic!("expected the version error, got {:?}", errors[0]);
        };
        assert_eq!(version, "3.0");
        assert_eq!(&text[span.range()], "3.0");
    }
}

#[test]
fn version_3_without_semicolon_reports_version() {
    let errors = errors_of_program("OPENQASM 3.0\nqubit[2] q;\n");
    assert_eq!(codes(&errors), ["E0021"]);
}

#[test]
fn lowercase_header_is_syntax_error() {
    // OpenQASM keywords are case-sensitive, so `openqasm` is read as a gate name.
    let errors = errors_of_program("openqasm 3.0;\nqubit[2] q;\n");
    assert_eq!(codes(&errors), ["E0001"]);
}

#[test]
fn version_2_without_semicolon_is_syntax_error() {
    let errors = errors_of_program("OPENQASM 2.0\nqreg q[1];\n");
    assert_eq!(codes(&errors), ["E0001"]);
}

#[test]
fn version_2_syntax_error_stays_syntax_error() {
    let errors = errors_of_program("OPENQASM 2.0;\nqubit[2] q;\n");
    assert_eq!(codes(&errors), ["E0001"]);
    let errors = errors_of_program("OPENQASM 2.0;\nqreg q[1];\nctrl @ x q[0];\n");
    assert_eq!(codes(&errors), ["E0001"]);
}

#[test]
fn non_finite_parameters_are_reported() {
    let body = "qreg q[1];\ngate g(a) x { rz(1 / a) x; }\nrz(ln(0)) q[0];\ng(0) q[0];\n";
    let errors = import_errors(body);
    assert_eq!(codes(&errors), ["E0009", "E0009"]);
    assert_eq!(spanned(body, errors[0].span()), "ln(0)");
    let Qasm2Error::NonFinite { span, call, .. } = &errors[1] else {
        panic!("expected a non-finite parameter");
    };
    assert_eq!(spanned(body, *span), "1 / a");
    assert_eq!(spanned(body, call.unwrap()), "g(0) q[0];");
}

#[test]
fn exponential_definitions_hit_the_gate_limit() {
    let mut body = String::from("qreg q[1];\ngate g0 a { x a; x a; x a; x a; }\n");
    for level in 1..12 {
        let previous = level - 1;
        body.push_str(&format!(
            "gate g{level} a {{ g{previous} a; g{previous} a; g{previous} a; g{previous} a; }}\n"
        ));
    }
    body.push_str("g11 q[0];\n");
    let errors = import_errors(&body);
    assert_eq!(codes(&errors), ["E0021"]);
    assert!(matches!(errors[0], Qasm2Error::TooManyGates { .. }));
}

#[test]
fn huge_register_broadcast_hits_the_gate_limit() {
    let errors = import_errors("qreg q[100000000];\nh q;\n");
    assert_eq!(codes(&errors), ["E0021"]);
}

#[test]
fn every_error_has_a_diagnostic() {
    let body = "qreg q[2];\ncreg c[2];\nqreg r[3];\nh q[5];\ncx q, r;\nreset q[0];\n";
    for error in import_errors(body) {
        let diagnostic = error.to_diagnostic();
        assert_eq!(diagnostic.code, error.code());
        assert!(!diagnostic.message.is_empty());
        assert!(diagnostic.help.is_some(), "{diagnostic:?}");
    }
}

#[test]
fn deep_expression_is_a_syntax_error() {
    let depth = 10_000;
    let body = format!(
        "qreg q[1];\nrz({}1{}) q[0];\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let errors = import_errors(&body);
    assert_eq!(codes(&errors), ["E0001"]);
    let minus_chain = format!("qreg q[1];\nrz({}1) q[0];\n", "-".repeat(depth));
    assert_eq!(codes(&import_errors(&minus_chain)), ["E0001"]);
}

#[test]
fn expression_within_depth_limit_parses() {
    let body = format!(
        "qreg q[1];\nrz({}0.5{}) q[0];\n",
        "(".repeat(90),
        ")".repeat(90)
    );
    let imported = import_ok(&body);
    assert_eq!(gates(&imported), vec![(Gate::Rz(0.5), vec![0])]);
}

#[test]
fn long_definition_chain_expands() {
    let mut body = String::from("qreg q[2];\ngate g0(t) a, b { crz(t) a, b; }\n");
    for level in 1..5_000 {
        let previous = level - 1;
        body.push_str(&format!(
            "gate g{level}(t) a, b {{ g{previous}(t + 1) b, a; }}\n"
        ));
    }
    body.push_str("g4999(0) q[0], q[1];\n");
    let imported = import_ok(&body);
    // 4999 swaps of the operands end with the original order, the angle counts the levels.
    assert_eq!(gates(&imported), vec![(Gate::Crz(4999.0), vec![1, 0])]);
}
