//! `.npy` reading (bool, integer, float32/64 and complex64/128 in C or Fortran order) and
//! writing (float64 or complex128 in C order).

use std::borrow::Borrow;

use npyz::{Deserialize, NpyFile, Order, TypeChar, WriterBuilder};
use num_complex::{Complex, Complex64};

use super::{Array, DataError, DataType};

/// Parses the bytes of a `.npy` file into a C-order array.
pub fn read_npy(bytes: &[u8]) -> Result<Array, DataError> {
    check_header_shape(bytes)?;
    let file = NpyFile::new(bytes)
        .map_err(|error| DataError::Malformed(format!("invalid .npy header: {error}")))?;
    let shape: Vec<usize> = file.shape().iter().map(|&n| n as usize).collect();
    let Some(elements) = shape
        .iter()
        .try_fold(1usize, |product, &n| product.checked_mul(n))
    else {
        return Err(DataError::Malformed(format!(
            "the .npy shape {shape:?} has more elements than memory can address"
        )));
    };
    let order = file.order();
    let npyz::DType::Plain(type_str) = file.dtype() else {
        return Err(DataError::UnsupportedDtype(file.dtype().descr()));
    };
    let size = type_str.size_field();
    let (dtype, data) = match (type_str.type_char(), size) {
        (TypeChar::Bool, 1) => (
            DataType::Bool,
            convert(file, |b: bool| f64::from(u8::from(b)))?,
        ),
        (TypeChar::Int, 1) => (DataType::Int, convert(file, |x: i8| f64::from(x))?),
        (TypeChar::Int, 2) => (DataType::Int, convert(file, |x: i16| f64::from(x))?),
        (TypeChar::Int, 4) => (DataType::Int, convert(file, |x: i32| f64::from(x))?),
        (TypeChar::Int, 8) => (DataType::Int, convert(file, |x: i64| x as f64)?),
        (TypeChar::Uint, 1) => (DataType::Int, convert(file, |x: u8| f64::from(x))?),
        (TypeChar::Uint, 2) => (DataType::Int, convert(file, |x: u16| f64::from(x))?),
        (TypeChar::Uint, 4) => (DataType::Int, convert(file, |x: u32| f64::from(x))?),
        (TypeChar::Uint, 8) => (DataType::Int, convert(file, |x: u64| x as f64)?),
        (TypeChar::Float, 4) => (DataType::Float32, convert(file, |x: f32| f64::from(x))?),
        (TypeChar::Float, 8) => (DataType::Float64, convert(file, |x: f64| x)?),
        (TypeChar::Complex, 8) => (
            DataType::Complex64,
            read_all(file, |z: Complex<f32>| {
                Complex64::new(z.re.into(), z.im.into())
            })?,
        ),
        (TypeChar::Complex, 16) => (DataType::Complex128, read_all(file, |z: Complex64| z)?),
        _ => return Err(DataError::UnsupportedDtype(type_str.to_string())),
    };
    if data.len() != elements {
        return Err(DataError::Malformed(format!(
            "the .npy file holds {} elements, but its shape {shape:?} needs {elements}",
            data.len()
        )));
    }
    let data = match order {
        Order::C => data,
        Order::Fortran => fortran_to_c(&data, &shape),
    };
    Ok(Array { shape, data, dtype })
}

/// Rejects a header whose shape has more elements than the address space, before npyz
/// multiplies the dimensions without overflow checks.
fn check_header_shape(bytes: &[u8]) -> Result<(), DataError> {
    let header_end = bytes.len().min(65_536 + 12);
    let header = String::from_utf8_lossy(&bytes[..header_end]);
    let Some(start) = header.find("'shape'") else {
        return Ok(());
    };
    let rest = &header[start..];
    let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) else {
        return Ok(());
    };
    if close < open {
        return Ok(());
    }
    let mut elements: usize = 1;
    for dimension in rest[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        let Ok(dimension) = dimension.parse::<usize>() else {
            return Ok(());
        };
        elements = elements.checked_mul(dimension).ok_or_else(|| {
            DataError::Malformed(format!(
                "the .npy shape ({}) has more elements than memory can address",
                &rest[open + 1..close]
            ))
        })?;
    }
    Ok(())
}

fn convert<T: Deserialize>(
    file: NpyFile<&[u8]>,
    to_real: impl Fn(T) -> f64,
) -> Result<Vec<Complex64>, DataError> {
    read_all(file, |x| Complex64::new(to_real(x), 0.0))
}

fn read_all<T: Deserialize>(
    file: NpyFile<&[u8]>,
    map: impl Fn(T) -> Complex64,
) -> Result<Vec<Complex64>, DataError> {
    let reader = file
        .data::<T>()
        .map_err(|error| DataError::UnsupportedDtype(error.to_string()))?;
    reader
        .map(|item| {
            item.map(&map)
                .map_err(|error| DataError::Malformed(format!("truncated .npy data: {error}")))
        })
        .collect()
}

/// Reorders Fortran-order (first index fastest) data into C order (last index fastest).
fn fortran_to_c(data: &[Complex64], shape: &[usize]) -> Vec<Complex64> {
    let mut out = vec![Complex64::default(); data.len()];
    let mut index = vec![0usize; shape.len()];
    for value in data {
        let mut flat = 0;
        for (axis, &i) in index.iter().enumerate() {
            flat = flat * shape[axis] + i;
        }
        out[flat] = *value;
        for (axis, i) in index.iter_mut().enumerate() {
            *i += 1;
            if *i < shape[axis] {
                break;
            }
            *i = 0;
        }
    }
    out
}

/// Serializes a C-order array as `.npy`: float64 when `real` is set (imaginary parts are
/// dropped), complex128 otherwise. `data` is an iterator so that callers can stream a
/// matrix in row order without copying it first.
pub fn write_npy(
    shape: &[usize],
    data: impl IntoIterator<Item = impl Borrow<Complex64>>,
    real: bool,
) -> Vec<u8> {
    let shape: Vec<u64> = shape.iter().map(|&n| n as u64).collect();
    let mut bytes = Vec::new();
    // Writing into a Vec<u8> cannot fail, so the io::Results below are infallible.
    if real {
        let mut writer = npyz::WriteOptions::new()
            .default_dtype()
            .shape(&shape)
            .writer(&mut bytes)
            .begin_nd()
            .expect("writing to memory");
        writer
            .extend(data.into_iter().map(|z| z.borrow().re))
            .expect("writing to memory");
        writer.finish().expect("writing to memory");
    } else {
        let mut writer = npyz::WriteOptions::new()
            .default_dtype()
            .shape(&shape)
            .writer(&mut bytes)
            .begin_nd()
            .expect("writing to memory");
        writer
            .extend(data.into_iter().map(|z| *z.borrow()))
            .expect("writing to memory");
        writer.finish().expect("writing to memory");
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_complex() {
        let data = vec![Complex64::new(1.0, -0.5), Complex64::new(2.0, 0.25)];
        let bytes = write_npy(&[1, 2], &data, false);
        let array = read_npy(&bytes).unwrap();
        assert_eq!(array.shape, vec![1, 2]);
        assert_eq!(array.dtype, DataType::Complex128);
        assert_eq!(array.data, data);
    }

    #[test]
    fn round_trip_real() {
        let data = vec![Complex64::new(1.5, 0.0), Complex64::new(-3.0, 0.0)];
        let array = read_npy(&write_npy(&[2], &data, true)).unwrap();
        assert_eq!(array.dtype, DataType::Float64);
        assert_eq!(array.data, data);
    }

    #[test]
    fn overflowing_shape_rejected() {
        // A version 1.0 header whose shape has 2^64 elements and no data after it.
        let mut header =
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"
                .to_string();
        while !(10 + header.len() + 1).is_multiple_of(64) {
            header.push(' ');
        }
        header.push('\n');
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((header.len() as u16).to_le_bytes());
        bytes.extend(header.bytes());
        let error = read_npy(&bytes).unwrap_err();
        assert!(matches!(error, DataError::Malformed(_)), "{error:?}");
    }

    #[test]
    fn fortran_reorder() {
        // 2×3 matrix [[0, 1, 2], [3, 4, 5]] stored column by column.
        let fortran: Vec<Complex64> = [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
            .iter()
            .map(|&x| Complex64::new(x, 0.0))
            .collect();
        let c = fortran_to_c(&fortran, &[2, 3]);
        let expected: Vec<f64> = (0..6).map(f64::from).collect();
        assert_eq!(c.iter().map(|z| z.re).collect::<Vec<_>>(), expected);
    }
}
