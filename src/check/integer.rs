//! Conversion of evaluated numbers to qubit indices and widths, and the compact form in which
//! messages show such numbers.

use num_complex::Complex64;

pub use crate::data::format_real;

use super::error::CheckError;
use super::value::Evaluator;
use crate::source::Span;
use crate::syntax::ast::Expr;

/// Writes a number compactly, as [`format_real`] does for each part: `2`, `1i`, `1 - 0.5i`.
pub fn format_number(z: Complex64) -> String {
    if z.im == 0.0 {
        return format_real(z.re);
    }
    if z.re == 0.0 {
        return format!("{}i", format_real(z.im));
    }
    let sign = if z.im < 0.0 { '-' } else { '+' };
    format!("{} {sign} {}i", format_real(z.re), format_real(z.im.abs()))
}

/// Returns "1 entry", "3 entries": a count with the noun in the right number.
pub fn counted(count: usize, singular: &str, plural: &str) -> String {
    if count == 1 {
        format!("1 {singular}")
    } else {
        format!("{count} {plural}")
    }
}

/// Converts a qubit index to `usize`, checking that it is a non-negative integer below
/// `width` when the width is known.
pub fn qubit_index(z: Complex64, width: Option<usize>, span: Span) -> Result<usize, CheckError> {
    if z.im != 0.0 || z.re.fract() != 0.0 || z.re < 0.0 {
        return Err(CheckError::InvalidValue {
            message: format!(
                "a qubit index must be a non-negative integer, found {}",
                format_number(z)
            ),
            label: "not a qubit index".into(),
            span,
            help: "qubits are numbered 0, 1, 2, …".into(),
        });
    }
    // Compare before the cast, which saturates at `usize::MAX` for large indices.
    if let Some(width) = width
        && z.re >= width as f64
    {
        return Err(CheckError::QubitOutOfRange {
            index: z.re,
            width,
            span,
        });
    }
    Ok(z.re as usize)
}

/// Evaluates a width: an integer from 1 to `limit`.
pub fn positive_integer_at_most(
    evaluator: &Evaluator,
    expr: &Expr,
    what: &str,
    limit: usize,
) -> Result<usize, CheckError> {
    let value = evaluator.real(expr)?;
    if value.fract() != 0.0 || value < 1.0 || value > limit as f64 {
        let label = if value > limit as f64 && value.fract() == 0.0 {
            format!("above the limit {limit}")
        } else {
            "not a positive integer".to_string()
        };
        return Err(CheckError::InvalidValue {
            message: format!(
                "{what} must be an integer from 1 to {limit}, found {}",
                format_real(value)
            ),
            label,
            span: expr.span,
            help: format!("write a whole number from 1 to {limit}"),
        });
    }
    Ok(value as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0..1)
    }

    #[test]
    fn counted_picks_the_number() {
        assert_eq!(counted(1, "item", "items"), "1 item");
        assert_eq!(counted(0, "item", "items"), "0 items");
        assert_eq!(counted(3, "entry", "entries"), "3 entries");
    }

    #[test]
    fn format_real_is_compact() {
        assert_eq!(format_real(3.0), "3");
        assert_eq!(format_real(-0.25), "-0.25");
        assert_eq!(format_real(1e20), "1e20");
        assert_eq!(format_real(1e300), "1e300");
        assert_eq!(format_real(1.5e-7), "1.5e-7");
        assert_eq!(format_real(123456789.0), "123456789");
        assert_eq!(format_real(f64::INFINITY), "inf");
    }

    #[test]
    fn format_number_shows_imaginary_part() {
        assert_eq!(format_number(Complex64::new(0.0, 1.0)), "1i");
        assert_eq!(format_number(Complex64::new(1.0, -0.5)), "1 - 0.5i");
        assert_eq!(format_number(Complex64::new(2.0, 0.0)), "2");
    }

    #[test]
    fn huge_qubit_index_is_out_of_range() {
        let error = qubit_index(Complex64::new(1e20, 0.0), Some(2), span()).unwrap_err();
        assert_eq!(
            error,
            CheckError::QubitOutOfRange {
                index: 1e20,
                width: 2,
                span: span()
            }
        );
        let message = error.to_diagnostic().message;
        assert!(message.contains("qubit index 1e20 "), "{message}");
    }

    #[test]
    fn complex_qubit_index_is_shown() {
        let error = qubit_index(Complex64::new(0.0, 1.0), Some(2), span()).unwrap_err();
        let message = error.to_diagnostic().message;
        assert_eq!(
            message,
            "a qubit index must be a non-negative integer, found 1i"
        );
    }

    #[test]
    fn valid_qubit_index_converts() {
        assert_eq!(
            qubit_index(Complex64::new(1.0, 0.0), Some(2), span()),
            Ok(1)
        );
        assert_eq!(qubit_index(Complex64::new(7.0, 0.0), None, span()), Ok(7));
    }
}
