//! Numeric data files: `.npy` and `.csv` arrays read by `load(…)` and by `pnnc run`.

mod csv;
mod npy;

pub use npy::{read_npy, write_npy};

use std::fmt;
use std::path::Path;

use num_complex::Complex64;

/// Writes a real number with the fewest digits that read back to the same value: `3`, `0.25`,
/// and in scientific form `1e20` or `1.5e-7` outside [1e-4, 1e16), where the plain form would
/// take dozens of digits. Messages and `pnnc run` output use it.
pub fn format_real(x: f64) -> String {
    let magnitude = x.abs();
    if x == 0.0 || !x.is_finite() || (1e-4..1e16).contains(&magnitude) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// An n-dimensional array read from a file, stored in C (row-major) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    pub shape: Vec<usize>,
    pub data: Vec<Complex64>,
    /// Element type as stored in the file.
    pub dtype: DataType,
}

/// Element types pnn reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    Bool,
    Int,
    Float32,
    Float64,
    Complex64,
    Complex128,
}

impl DataType {
    pub fn is_complex(self) -> bool {
        matches!(self, DataType::Complex64 | DataType::Complex128)
    }

    pub fn is_integer(self) -> bool {
        matches!(self, DataType::Bool | DataType::Int)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DataType::Bool => "bool",
            DataType::Int => "integer",
            DataType::Float32 => "float32",
            DataType::Float64 => "float64",
            DataType::Complex64 => "complex64",
            DataType::Complex128 => "complex128",
        })
    }
}

/// Why a data file could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum DataError {
    /// The file is missing or unreadable; the string is the operating system's message.
    Io(String),
    /// The file's extension is neither `.npy` nor `.csv`.
    UnknownFormat(String),
    /// The `.npy` element type is not one of [`DataType`], e.g. `<U7` (strings).
    UnsupportedDtype(String),
    /// The content is malformed: a broken `.npy` header, a CSV cell that is not a number,
    /// ragged CSV rows.
    Malformed(String),
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Io(message) => f.write_str(message),
            DataError::UnknownFormat(extension) => {
                write!(
                    f,
                    "unknown data format `{extension}`, expected `.npy` or `.csv`"
                )
            }
            DataError::UnsupportedDtype(dtype) => write!(f, "unsupported element type `{dtype}`"),
            DataError::Malformed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DataError {}

impl Array {
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Returns the shape written as `8×16`, or `scalar` for a 0-d array.
    pub fn shape_text(&self) -> String {
        shape_text(&self.shape)
    }

    /// Returns the flat C-order index and the value of the first NaN or infinite element.
    pub fn first_non_finite(&self) -> Option<(usize, Complex64)> {
        self.data
            .iter()
            .position(|z| !z.re.is_finite() || !z.im.is_finite())
            .map(|index| (index, self.data[index]))
    }

    /// Converts a flat C-order index into one index per axis.
    pub fn unravel(&self, mut flat: usize) -> Vec<usize> {
        let mut index = vec![0; self.shape.len()];
        for axis in (0..self.shape.len()).rev() {
            let extent = self.shape[axis].max(1);
            index[axis] = flat % extent;
            flat /= extent;
        }
        index
    }
}

/// Returns a shape written as `8×16`, or `scalar` for the empty shape.
pub fn shape_text(shape: &[usize]) -> String {
    if shape.is_empty() {
        return "scalar".to_string();
    }
    shape
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("×")
}

/// Reads a `.npy` or `.csv` file, chosen by extension.
pub fn read_array(path: &Path) -> Result<Array, DataError> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match extension.as_str() {
        "npy" => {
            let bytes = std::fs::read(path).map_err(|error| DataError::Io(error.to_string()))?;
            read_npy(&bytes)
        }
        "csv" => {
            let text =
                std::fs::read_to_string(path).map_err(|error| DataError::Io(error.to_string()))?;
            csv::parse_csv(&text)
        }
        other => Err(DataError::UnknownFormat(format!(".{other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::format_real;

    #[test]
    fn floats_print_in_shortest_form() {
        assert_eq!(format_real(0.0), "0");
        assert_eq!(format_real(1.0), "1");
        assert_eq!(format_real(0.25000000000000006), "0.25000000000000006");
        assert_eq!(format_real(-2.5e-3), "-0.0025");
        assert_eq!(format_real(1e-4), "0.0001");
        assert_eq!(format_real(1.5e-16), "1.5e-16");
        assert_eq!(format_real(1e16), "1e16");
        assert_eq!(format_real(f64::NAN), "NaN");
    }

    #[test]
    fn printed_floats_read_back_exactly() {
        for x in [0.1, 1.0 / 3.0, 2.0f64.sqrt() * 1e-9, 6.02e23, -7.25e-300] {
            assert_eq!(format_real(x).parse::<f64>().unwrap(), x);
        }
    }
}
