//! Python literals for the embedded parameters: exact floats and line-wrapped lists.

use num_complex::Complex64;

/// Returns a Python expression for `x` that evaluates to the same `float` bit for bit.
///
/// Finite values use Rust's shortest round-trip formatting (`0.1`, `-0.0`, `1e-7`, `3.0`),
/// which is also valid Python float syntax, and Python parses decimal literals with correct
/// rounding. Infinities and NaN use the `math` module that the script imports.
pub fn float(x: f64) -> String {
    if x.is_nan() {
        "math.nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "math.inf" } else { "-math.inf" }.to_string()
    } else {
        format!("{x:?}")
    }
}

/// Returns `complex(re, im)`, exact in both parts.
pub fn complex(z: Complex64) -> String {
    format!("complex({}, {})", float(z.re), float(z.im))
}

/// Returns a Python list of `items`, on one line when it fits within `width` after a line
/// prefix of `prefix_len` characters, else one wrapped item block indented by `indent + 4`
/// spaces with the closing bracket at `indent`.
pub fn list(items: &[String], prefix_len: usize, indent: usize, width: usize) -> String {
    let one_line = format!("[{}]", items.join(", "));
    // Strictly less leaves room for the comma that follows the list in a call.
    if prefix_len + one_line.len() < width {
        return one_line;
    }
    let item_indent = " ".repeat(indent + 4);
    let mut out = String::from("[\n");
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && item_indent.len() + line.len() + item.len() + 2 > width {
            out.push_str(&item_indent);
            out.push_str(line.trim_end());
            out.push('\n');
            line.clear();
        }
        line.push_str(item);
        line.push_str(", ");
    }
    if !line.is_empty() {
        out.push_str(&item_indent);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&" ".repeat(indent));
    out.push(']');
    out
}

/// Returns the list of floats, see [`list`].
pub fn float_list(values: &[f64], prefix_len: usize, indent: usize, width: usize) -> String {
    let items: Vec<String> = values.iter().map(|&x| float(x)).collect();
    list(&items, prefix_len, indent, width)
}

/// Returns the list of integers, see [`list`].
pub fn index_list(values: &[usize], prefix_len: usize, indent: usize, width: usize) -> String {
    let items: Vec<String> = values.iter().map(usize::to_string).collect();
    list(&items, prefix_len, indent, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python float literal grammar, restricted to what `{:?}` can produce: an optional minus,
    /// digits with an optional fraction, an optional exponent.
    fn is_python_float(text: &str) -> bool {
        let body = text.strip_prefix('-').unwrap_or(text);
        let (mantissa, exponent) = match body.split_once('e') {
            Some((mantissa, exponent)) => (mantissa, Some(exponent)),
            None => (body, None),
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let mantissa_valid = match mantissa.split_once('.') {
            Some((whole, fraction)) => digits(whole) && digits(fraction),
            None => digits(mantissa) && exponent.is_some(),
        };
        let exponent_valid = exponent.is_none_or(|e| digits(e.strip_prefix('-').unwrap_or(e)));
        mantissa_valid && exponent_valid
    }

    /// SplitMix64 bit patterns cover every exponent and mantissa; non-finite ones are skipped.
    fn random_bits(count: usize) -> Vec<f64> {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut values = Vec::new();
        while values.len() < count {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let x = f64::from_bits(z ^ (z >> 31));
            if x.is_finite() {
                values.push(x);
            }
        }
        values
    }

    #[test]
    fn float_round_trips_bit_exact() {
        let edge_cases = [
            0.0,
            -0.0,
            0.1,
            1.0 / 3.0,
            std::f64::consts::PI,
            2.0 * std::f64::consts::PI - 1e-15,
            1e-7,
            1e16,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ];
        for x in edge_cases.into_iter().chain(random_bits(10_000)) {
            let text = float(x);
            assert!(
                is_python_float(&text),
                "`{text}` is not a Python float literal"
            );
            let parsed: f64 = text.parse().unwrap();
            assert_eq!(
                parsed.to_bits(),
                x.to_bits(),
                "`{text}` does not round-trip"
            );
        }
    }

    #[test]
    fn float_keeps_sign_of_zero() {
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(0.0), "0.0");
    }

    #[test]
    fn float_writes_non_finite_with_math() {
        assert_eq!(float(f64::INFINITY), "math.inf");
        assert_eq!(float(f64::NEG_INFINITY), "-math.inf");
        assert_eq!(float(f64::NAN), "math.nan");
    }

    #[test]
    fn complex_keeps_both_parts() {
        assert_eq!(complex(Complex64::new(0.5, -1e-7)), "complex(0.5, -1e-7)");
    }

    #[test]
    fn list_fits_on_one_line() {
        let items = vec!["1".to_string(), "2".to_string()];
        assert_eq!(list(&items, 10, 4, 100), "[1, 2]");
    }

    #[test]
    fn list_wraps_within_width() {
        let items: Vec<String> = (0..40).map(|i| format!("{i}.0")).collect();
        let text = list(&items, 10, 4, 40);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"["));
        assert_eq!(lines.last(), Some(&"    ]"));
        for line in &lines[1..lines.len() - 1] {
            assert!(line.len() <= 40, "line `{line}` is longer than 40");
            assert!(
                line.starts_with("        "),
                "line `{line}` is not indented"
            );
            assert!(
                line.ends_with(','),
                "line `{line}` does not end with a comma"
            );
        }
        let joined: String = lines[1..lines.len() - 1].join(" ");
        let parsed: Vec<&str> = joined
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(parsed, items);
    }
}
