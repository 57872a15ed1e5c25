//! Angles as OpenQASM real literals.

/// Formats an angle so that it parses back to the same `f64` and is a valid real literal in
/// both OpenQASM versions: always with a decimal point, exponent only where Rust's shortest
/// round-trip form has one.
pub fn format_angle(angle: f64) -> String {
    let text = format!("{angle:?}");
    match text.split_once('e') {
        Some((mantissa, exponent)) if !mantissa.contains('.') => {
            format!("{mantissa}.0e{exponent}")
        }
        _ if !text.contains('.') && !text.contains('e') => format!("{text}.0"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::format_angle;

    #[test]
    fn literals_round_trip() {
        for angle in [
            0.0,
            -0.5,
            1e-17,
            -3e300,
            std::f64::consts::PI,
            2.0,
            123456.789,
        ] {
            let text = format_angle(angle);
            assert!(text.contains('.'), "{text}");
            assert_eq!(text.parse::<f64>().unwrap(), angle, "{text}");
        }
        assert_eq!(format_angle(1e-17), "1.0e-17");
        assert_eq!(format_angle(2.0), "2.0");
    }
}
