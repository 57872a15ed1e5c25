//! `pnnc run`: compile, then simulate the compiled network on inputs from a file.

use std::path::PathBuf;

use anyhow::Context;
use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::data::{self, Array};
use pnn::simulate;

use super::{Failure, compile, output};

#[derive(clap::Args)]
pub struct RunArgs {
    /// The .pnn file.
    file: PathBuf,
    /// Input fields: a .npy or .csv array of shape (samples, modes) or (modes,).
    #[arg(long)]
    input: PathBuf,
    /// Integer class labels, shape (samples,); prints the argmax accuracy.
    #[arg(long)]
    labels: Option<PathBuf>,
    /// Where to write the outputs as .npy (float64 for detected outputs, else complex128).
    /// Without it, the outputs are printed to stdout.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Network to run when the file defines several.
    #[arg(long)]
    network: Option<String>,
}

pub fn run(args: &RunArgs, color: bool) -> Result<(), Failure> {
    let compilation = compile(&args.file, color)?;
    let network = simulate::select(&compilation.compiled, args.network.as_deref())
        .map_err(|error| Failure::Usage(error.to_string()))?;

    let input = read(&args.input, "input")?;
    let (batch, single) = as_batch(&input)
        .map_err(|message| Failure::Usage(format!("{}: {message}", args.input.display())))?;
    let outputs = simulate::run(network, &batch)
        .map_err(|error| Failure::Usage(format!("{}: {error}", args.input.display())))?;
    let real = network.output_is_real();

    if let Some(path) = &args.labels {
        let labels = read(path, "labels")?;
        let (correct, total) = accuracy(&outputs, &labels)
            .map_err(|message| Failure::Usage(format!("{}: {message}", path.display())))?;
        println!(
            "accuracy: {:.2}% ({correct}/{total})",
            100.0 * correct as f64 / total.max(1) as f64
        );
    }

    match &args.output {
        Some(path) => {
            let shape = if single {
                vec![outputs.ncols()]
            } else {
                vec![outputs.nrows(), outputs.ncols()]
            };
            let row_major: Vec<Complex64> = outputs.transpose().iter().copied().collect();
            let bytes = data::write_npy(&shape, &row_major, real);
            output::write_file(path, &bytes).map_err(Failure::from)?;
        }
        None if args.labels.is_none() => print_rows(&outputs, real),
        None => {}
    }
    Ok(())
}

fn read(path: &std::path::Path, what: &str) -> Result<Array, Failure> {
    data::read_array(path)
        .with_context(|| format!("cannot read {what} `{}`", path.display()))
        .map_err(Failure::from)
}

/// Turns a 1-D or 2-D array into a batch with one sample per row; the flag says whether
/// the input was a single 1-D sample.
fn as_batch(array: &Array) -> Result<(DMatrix<Complex64>, bool), String> {
    match array.shape.as_slice() {
        &[modes] => Ok((DMatrix::from_row_slice(1, modes, &array.data), true)),
        &[rows, modes] => Ok((DMatrix::from_row_slice(rows, modes, &array.data), false)),
        _ => Err(format!(
            "expected a 1-D or 2-D array of inputs, found shape {}",
            array.shape_text()
        )),
    }
    .and_then(|(batch, single)| match array.first_non_finite() {
        Some((index, value)) => Err(format!(
            "entry {:?} is {value}, not a finite number",
            array.unravel(index)
        )),
        None => Ok((batch, single)),
    })
}

/// Counts rows whose largest output (by magnitude) is at the labelled index.
fn accuracy(outputs: &DMatrix<Complex64>, labels: &Array) -> Result<(usize, usize), String> {
    if labels.ndim() != 1 || labels.shape[0] != outputs.nrows() {
        return Err(format!(
            "expected {} labels in a 1-D array, found shape {}",
            outputs.nrows(),
            labels.shape_text()
        ));
    }
    let mut correct = 0;
    for (row, label) in labels.data.iter().enumerate() {
        if label.im != 0.0 || label.re.fract() != 0.0 || label.re < 0.0 {
            return Err(format!("label {row} is {label}, not a class index"));
        }
        let predicted = outputs
            .row(row)
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.norm().total_cmp(&b.1.norm()))
            .map(|(index, _)| index);
        if predicted == Some(label.re as usize) {
            correct += 1;
        }
    }
    Ok((correct, labels.data.len()))
}

fn print_rows(outputs: &DMatrix<Complex64>, real: bool) {
    for row in outputs.row_iter() {
        let cells: Vec<String> = row
            .iter()
            .map(|z| {
                if real {
                    format!("{:e}", z.re)
                } else {
                    format!("{:e}{:+e}j", z.re, z.im)
                }
            })
            .collect();
        println!("{}", cells.join(" "));
    }
}
