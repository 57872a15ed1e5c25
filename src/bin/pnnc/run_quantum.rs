//! `pnnc run` on a quantum network: input states, output states, density matrices or
//! probabilities, and the fidelity cost against target states.

use nalgebra::DMatrix;
use num_complex::Complex64;
use pnn::data;
use pnn::ir::Network;
use pnn::simulate::quantum::{self, QuantumOutput};

use super::run::{RunArgs, accuracy, accuracy_line, as_batch, print_rows, read};
use super::{Failure, output};

pub fn run(args: &RunArgs, network: &Network) -> Result<(), Failure> {
    // The default input state has 2^n amplitudes, so the register size is checked first.
    quantum::check_simulable(network).map_err(|error| Failure::Usage(error.to_string()))?;
    let (inputs, single) = match &args.input {
        Some(path) => {
            let array = read(path, "input")?;
            as_batch(&array, "--input")
                .map_err(|message| Failure::Usage(format!("{}: {message}", path.display())))?
        }
        None => {
            let dimension = 1usize << network.input.width;
            let mut zero = DMatrix::<Complex64>::zeros(1, dimension);
            zero[(0, 0)] = Complex64::new(1.0, 0.0);
            (zero, true)
        }
    };
    let outputs = quantum::run(network, &inputs).map_err(|error| match &args.input {
        Some(path) => Failure::Usage(format!("{}: {error}", path.display())),
        None => Failure::Usage(error.to_string()),
    })?;

    if let Some(path) = &args.targets {
        let array = read(path, "targets")?;
        let (targets, _) = as_batch(&array, "--targets")
            .map_err(|message| Failure::Usage(format!("{}: {message}", path.display())))?;
        let cost = quantum::fidelity_cost(&outputs, &targets)
            .map_err(|error| Failure::Usage(format!("{}: {error}", path.display())))?;
        output::stdout(&format!("fidelity cost: {cost:.12}\n"))?;
    }
    if let Some(path) = &args.labels {
        let labels = read(path, "labels")?;
        let rows = match &outputs {
            QuantumOutput::Probabilities(p) => p.map(|x| Complex64::new(x, 0.0)),
            QuantumOutput::States(states) => states.clone(),
            QuantumOutput::DensityMatrices(_) => {
                return Err(Failure::Usage(
                    "--labels needs states or probabilities; end the network in `measure` to classify a mixed output".into(),
                ));
            }
        };
        let (correct, total) = accuracy(&rows, &labels)
            .map_err(|message| Failure::Usage(format!("{}: {message}", path.display())))?;
        output::stdout(&accuracy_line(correct, total))?;
    }

    let (shape, data, real) = flatten(&outputs, single);
    match &args.output {
        Some(path) => {
            let bytes = data::write_npy(&shape, data, real);
            output::write_file(path, &bytes).map_err(Failure::from)?;
        }
        None if args.labels.is_none() && args.targets.is_none() => {
            let columns = *shape.last().unwrap_or(&0);
            let rows = data.len() / columns.max(1);
            print_rows(&DMatrix::from_row_slice(rows, columns, &data), real)?;
        }
        None => {}
    }
    Ok(())
}

/// Returns the outputs as a C-order array: its shape, its data and whether it is real.
fn flatten(outputs: &QuantumOutput, single: bool) -> (Vec<usize>, Vec<Complex64>, bool) {
    let with_batch = |rows: usize, mut rest: Vec<usize>| {
        if single {
            rest
        } else {
            rest.insert(0, rows);
            rest
        }
    };
    match outputs {
        QuantumOutput::States(states) => (
            with_batch(states.nrows(), vec![states.ncols()]),
            states.transpose().iter().copied().collect(),
            false,
        ),
        QuantumOutput::Probabilities(probabilities) => (
            with_batch(probabilities.nrows(), vec![probabilities.ncols()]),
            probabilities
                .transpose()
                .iter()
                .map(|&p| Complex64::new(p, 0.0))
                .collect(),
            true,
        ),
        QuantumOutput::DensityMatrices(rhos) => {
            let dimension = rhos.first().map_or(0, |rho| rho.nrows());
            let data = rhos
                .iter()
                .flat_map(|rho| rho.transpose().iter().copied().collect::<Vec<_>>())
                .collect();
            (
                with_batch(rhos.len(), vec![dimension, dimension]),
                data,
                false,
            )
        }
    }
}
