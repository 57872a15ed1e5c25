//! Comma-separated numeric tables: one matrix row per line, `#` starts a comment line.
//!
//! Cells are real numbers or complex numbers written as Python prints them (`1+2j`, `-0.5j`,
//! `(1-2j)`). A file with one row or one column still gives a 2-D array.

use num_complex::Complex64;

use super::{Array, DataError, DataType};

pub fn parse_csv(text: &str) -> Result<Array, DataError> {
    let mut rows: Vec<Vec<Complex64>> = Vec::new();
    let mut complex = false;
    for (line_index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut row = Vec::new();
        for (column, cell) in line.split(',').enumerate() {
            let (value, is_complex) = parse_cell(cell.trim()).ok_or_else(|| {
                DataError::Malformed(format!(
                    "line {}, column {}: `{}` is not a number",
                    line_index + 1,
                    column + 1,
                    cell.trim()
                ))
            })?;
            complex |= is_complex;
            row.push(value);
        }
        if let Some(first) = rows.first()
            && first.len() != row.len()
        {
            let noun = if row.len() == 1 { "value" } else { "values" };
            return Err(DataError::Malformed(format!(
                "line {} has {} {noun}, but the first row has {}",
                line_index + 1,
                row.len(),
                first.len()
            )));
        }
        rows.push(row);
    }
    let columns = rows.first().map_or(0, Vec::len);
    Ok(Array {
        shape: vec![rows.len(), columns],
        data: rows.into_iter().flatten().collect(),
        dtype: if complex {
            DataType::Complex128
        } else {
            DataType::Float64
        },
    })
}

/// Parses `1.5`, `2j`, `1-2j`, `(1+2j)` or `1-2i`; the flag says whether the cell was complex.
fn parse_cell(cell: &str) -> Option<(Complex64, bool)> {
    let cell = cell
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(cell);
    if let Ok(real) = cell.parse::<f64>() {
        return Some((Complex64::new(real, 0.0), false));
    }
    let body = cell.strip_suffix(['j', 'i'])?;
    // Split before the last sign that does not follow an exponent marker.
    let split = body
        .char_indices()
        .filter(|&(i, c)| {
            (c == '+' || c == '-') && i > 0 && !matches!(body.as_bytes()[i - 1], b'e' | b'E')
        })
        .map(|(i, _)| i)
        .next_back();
    let (real, imaginary) = match split {
        Some(i) => (body[..i].parse::<f64>().ok()?, &body[i..]),
        None => (0.0, body),
    };
    let imaginary = match imaginary {
        "" | "+" => 1.0,
        "-" => -1.0,
        text => text.parse::<f64>().ok()?,
    };
    Some((Complex64::new(real, imaginary), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_table() {
        let array = parse_csv("# weights\n1, 2\n3.5, -4e-1\n").unwrap();
        assert_eq!(array.shape, vec![2, 2]);
        assert_eq!(array.data[3], Complex64::new(-0.4, 0.0));
        assert_eq!(array.dtype, DataType::Float64);
    }

    #[test]
    fn complex_cells() {
        let array = parse_csv("(1+2j), -0.5j, 1e-3-2e+2j, 3").unwrap();
        assert_eq!(array.shape, vec![1, 4]);
        assert_eq!(array.data[0], Complex64::new(1.0, 2.0));
        assert_eq!(array.data[1], Complex64::new(0.0, -0.5));
        assert_eq!(array.data[2], Complex64::new(1e-3, -2e2));
        assert_eq!(array.dtype, DataType::Complex128);
    }

    #[test]
    fn ragged_rows_rejected() {
        let error = parse_csv("1, 2\n3\n").unwrap_err();
        assert!(matches!(error, DataError::Malformed(message) if message.contains("line 2")));
    }

    #[test]
    fn bad_cell_rejected() {
        assert!(parse_csv("1, x\n").is_err());
    }
}
