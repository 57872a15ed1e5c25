//! The digits example end to end: the compiled optics reach at least 90 % test accuracy and
//! agree with the float64 NumPy model of `examples/digits/evaluate.py`, output by output.

mod common;

use std::process::Command;

#[test]
fn compiled_optics_match_numpy_model() {
    let Some(python) = common::python_with(&["numpy"]) else {
        return;
    };
    let directory = tempfile::tempdir().unwrap();
    let example = common::root().join("examples/digits");
    let numpy_outputs = directory.path().join("numpy.npy");
    let pnnc_outputs = directory.path().join("pnnc.npy");

    let numpy_run = Command::new(&python)
        .arg(example.join("evaluate.py"))
        .arg("--output")
        .arg(&numpy_outputs)
        .output()
        .unwrap();
    assert!(
        numpy_run.status.success(),
        "{}",
        String::from_utf8_lossy(&numpy_run.stderr)
    );
    let numpy_text = String::from_utf8_lossy(&numpy_run.stdout).into_owned();

    let pnnc_run = Command::new(common::pnnc())
        .current_dir(common::root())
        .args(["run", "examples/digits/digits.pnn"])
        .args(["--input", "examples/digits/data/test_x.npy"])
        .args(["--labels", "examples/digits/data/test_y.npy"])
        .arg("--output")
        .arg(&pnnc_outputs)
        .output()
        .unwrap();
    assert!(
        pnnc_run.status.success(),
        "{}",
        String::from_utf8_lossy(&pnnc_run.stderr)
    );
    let pnnc_text = String::from_utf8_lossy(&pnnc_run.stdout).into_owned();

    // Accuracy: at least 90 %, and within one percentage point of NumPy's.
    let pnnc_accuracy = percent(&pnnc_text, "accuracy: ", "%");
    let numpy_accuracy = 100.0 * percent(&numpy_text, "test accuracy: ", " ");
    assert!(pnnc_accuracy >= 90.0, "{pnnc_text}");
    assert!(
        (pnnc_accuracy - numpy_accuracy).abs() <= 1.0,
        "pnnc {pnnc_accuracy}% vs NumPy {numpy_accuracy}%"
    );

    // Outputs: equal to rounding, relative to the largest output.
    let read = |path| pnn::data::read_npy(&std::fs::read(path).unwrap()).unwrap();
    let (ours, theirs) = (read(&pnnc_outputs), read(&numpy_outputs));
    assert_eq!(ours.shape, theirs.shape);
    let scale = theirs.data.iter().map(|z| z.norm()).fold(1.0, f64::max);
    let error = ours
        .data
        .iter()
        .zip(&theirs.data)
        .map(|(a, b)| (a - b).norm())
        .fold(0.0, f64::max);
    eprintln!("max difference {error:e} at output scale {scale}");
    assert!(
        error <= 1e-12 * scale,
        "max difference {error:e} at scale {scale}"
    );
}

/// Reads the number between `prefix` and `suffix` on the line that starts with `prefix`.
fn percent(text: &str, prefix: &str, suffix: &str) -> f64 {
    let line = text
        .lines()
        .find(|line| line.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with `{prefix}` in:\n{text}"));
    let rest = &line[prefix.len()..];
    rest[..rest.find(suffix).unwrap_or(rest.len())]
        .trim()
        .parse()
        .unwrap()
}
