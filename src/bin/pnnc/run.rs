//! `pnnc run`: compile, then simulate the compiled network on inputs from a file.

use std::path::PathBuf;

use anyhow::Context;
use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::data::{self, Array};
use pnn::simulate;

use super::{Failure, Settings, compile, output};

#[derive(clap::Args)]
pub struct RunArgs {
    /// The .pnn file.
    pub(crate) file: PathBuf,
    /// Inputs, a .npy or .csv array with one sample per row: field amplitudes of shape
    /// (samples, modes) for a photonic network, states of shape (samples, 2^qubits) for a
    /// quantum one; a 1-D array is one sample. Quantum networks default to the all-zero state.
    #[arg(long)]
    pub(crate) input: Option<PathBuf>,
    /// Integer class labels, shape (samples,); prints the accuracy of the largest output.
    #[arg(long)]
    pub(crate) labels: Option<PathBuf>,
    /// Target states of a quantum network, one per input row; prints the fidelity cost.
    #[arg(long)]
    pub(crate) targets: Option<PathBuf>,
    /// Where to write the outputs as .npy: float64 for detected powers and measurement
    /// probabilities, complex128 for fields, states and density matrices. Without it, the
    /// outputs are printed to stdout.
    #[arg(long)]
    pub(crate) output: Option<PathBuf>,
    /// Network to run when the file defines several.
    #[arg(long)]
    pub(crate) network: Option<String>,
}

pub fn run(args: &RunArgs, settings: &Settings) -> Result<(), Failure> {
    let compilation = compile(&args.file, settings)?;
    let network = simulate::select(&compilation.compiled, args.network.as_deref())
        .map_err(|error| Failure::Usage(error.to_string()))?;

    if network.target.is_quantum() {
        return super::run_quantum::run(args, network);
    }
    if args.targets.is_some() {
        return Err(Failure::Usage(
            "--targets applies to quantum networks; use --labels for a photonic one".into(),
        ));
    }
    let Some(input_path) = &args.input else {
        return Err(Failure::Usage(
            "a photonic network needs --input with field amplitudes".into(),
        ));
    };
    // The file's array and the batch are dropped as soon as they are used: a large batch
    // is hundreds of megabytes, and each copy alive at once adds as much to the peak.
    let (batch, single) = as_batch(&read(input_path, "input")?, "--input")
        .map_err(|message| Failure::Usage(format!("{}: {message}", input_path.display())))?;
    let outputs = match settings.progress() {
        Some(progress) => simulate::run_observed(network, &batch, &*progress.0),
        None => simulate::run(network, &batch),
    }
    .map_err(|error| Failure::Usage(format!("{}: {error}", input_path.display())))?;
    drop(batch);
    let real = network.output_is_real();

    if let Some(path) = &args.labels {
        let labels = read(path, "labels")?;
        let (correct, total) = accuracy(&outputs, &labels)
            .map_err(|message| Failure::Usage(format!("{}: {message}", path.display())))?;
        output::stdout(&accuracy_line(correct, total))?;
    }

    match &args.output {
        Some(path) => {
            let shape = if single {
                vec![outputs.ncols()]
            } else {
                vec![outputs.nrows(), outputs.ncols()]
            };
            let (rows, columns) = outputs.shape();
            let outputs = &outputs;
            let row_major =
                (0..rows).flat_map(|row| (0..columns).map(move |column| outputs[(row, column)]));
            let bytes = data::write_npy(&shape, row_major, real);
            output::write_file(path, &bytes).map_err(Failure::from)?;
        }
        None if args.labels.is_none() => print_rows(&outputs, real)?,
        None => {}
    }
    Ok(())
}

pub(crate) fn read(path: &std::path::Path, what: &str) -> Result<Array, Failure> {
    data::read_array(path)
        .with_context(|| format!("cannot read {what} `{}`", path.display()))
        .map_err(Failure::from)
}

/// Turns a 1-D or 2-D array into a batch with one sample per row; the flag says whether
/// the array was a single 1-D sample. `option` is the flag that named the file, such as
/// `--input`, for messages.
pub(crate) fn as_batch(array: &Array, option: &str) -> Result<(DMatrix<Complex64>, bool), String> {
    match *array.shape.as_slice() {
        [modes] => Ok((DMatrix::from_row_slice(1, modes, &array.data), true)),
        [rows, modes] => Ok((DMatrix::from_row_slice(rows, modes, &array.data), false)),
        _ => Err(format!(
            "expected a 1-D or 2-D array for {option}, found shape {}",
            array.shape_text()
        )),
    }
    .and_then(|(batch, single)| match array.first_non_finite() {
        Some((index, value)) => Err(format!(
            "entry {:?} is {}, not a finite number",
            array.unravel(index),
            number_text(value)
        )),
        None if batch.nrows() == 0 => Err(format!("the {option} file has no samples")),
        None => Ok((batch, single)),
    })
}

/// Counts rows whose largest output magnitude is at the labelled index; ties go to the first
/// largest entry, as NumPy's `argmax` does. Labels may be 1-D or a single row or column (as a
/// CSV file gives).
pub(crate) fn accuracy(
    outputs: &DMatrix<Complex64>,
    labels: &Array,
) -> Result<(usize, usize), String> {
    let flat = matches!(labels.shape.as_slice(), [_] | [1, _] | [_, 1]);
    if !flat || labels.data.len() != outputs.nrows() {
        return Err(format!(
            "expected {} labels in a 1-D array, found shape {}",
            outputs.nrows(),
            labels.shape_text()
        ));
    }
    let mut correct = 0;
    for (row, label) in labels.data.iter().enumerate() {
        if label.im != 0.0 || label.re.fract() != 0.0 || label.re < 0.0 {
            return Err(format!(
                "label {row} is {}, not a class index",
                number_text(*label)
            ));
        }
        if label.re >= outputs.ncols() as f64 {
            return Err(format!(
                "label {row} is {}, but the network has only {} outputs (classes 0 to {})",
                label.re,
                outputs.ncols(),
                outputs.ncols().saturating_sub(1)
            ));
        }
        let mut predicted = 0;
        for (index, value) in outputs.row(row).iter().enumerate() {
            if value.norm() > outputs[(row, predicted)].norm() {
                predicted = index;
            }
        }
        if predicted == label.re as usize {
            correct += 1;
        }
    }
    Ok((correct, labels.data.len()))
}

/// Writes a number as `1.5`, `NaN` or `1-2i`.
fn number_text(z: Complex64) -> String {
    if z.im == 0.0 {
        format!("{}", z.re)
    } else {
        format!("{}{:+}i", z.re, z.im)
    }
}

/// Returns the line `accuracy: 98.15% (530/540)`.
pub(crate) fn accuracy_line(correct: usize, total: usize) -> String {
    format!(
        "accuracy: {:.2}% ({correct}/{total})\n",
        100.0 * correct as f64 / total.max(1) as f64
    )
}

pub(crate) fn print_rows(outputs: &DMatrix<Complex64>, real: bool) -> Result<(), Failure> {
    let mut text = String::new();
    for row in outputs.row_iter() {
        let cells: Vec<String> = row
            .iter()
            .map(|z| {
                if real {
                    data::format_real(z.re)
                } else {
                    let imaginary = data::format_real(z.im);
                    let sign = if imaginary.starts_with('-') { "" } else { "+" };
                    format!("{}{sign}{imaginary}j", data::format_real(z.re))
                }
            })
            .collect();
        text.push_str(&cells.join(" "));
        text.push('\n');
    }
    output::stdout(&text).map_err(Failure::from)
}
