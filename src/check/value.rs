//! Values of expressions and their evaluation: numbers, strings, vectors, matrices.

use std::collections::HashMap;
use std::path::Path;

use nalgebra::DMatrix;
use num_complex::Complex64;

use super::error::CheckError;
use super::integer::counted;
use crate::data::{self, Array, DataError};
use crate::ir::CMatrix;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Call, Expr, ExprKind};

/// The result of evaluating an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(Complex64),
    String(String),
    Vector(Vec<Complex64>),
    Matrix(CMatrix),
    /// A list whose items are not all numbers or all vectors, e.g. `["a", "b"]`, a list of
    /// matrices, or a 3-D array read by `load` (one matrix per leading index).
    List(Vec<Value>),
}

impl Value {
    /// Returns a short description for messages, e.g. "a 4×4 matrix" or "the string `a`".
    pub fn describe(&self) -> String {
        match self {
            Value::Number(z) if z.im == 0.0 => format!("the number {}", z.re),
            Value::Number(z) => format!("the complex number {}", format_complex(*z)),
            Value::String(text) => format!("the string \"{text}\""),
            Value::Vector(items) => format!("a vector of length {}", items.len()),
            Value::Matrix(m) => format!("a {}×{} matrix", m.nrows(), m.ncols()),
            Value::List(items) => format!("a list of {}", counted(items.len(), "item", "items")),
        }
    }
}

/// Writes a complex number as `1.5 - 0.5i`.
pub fn format_complex(z: Complex64) -> String {
    if z.im == 0.0 {
        return format!("{}", z.re);
    }
    let sign = if z.im < 0.0 { '-' } else { '+' };
    format!("{} {} {}i", z.re, sign, z.im.abs())
}

/// Names visible to an expression, with the place each constant was defined.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    constants: HashMap<String, (Value, Option<Span>)>,
}

impl Scope {
    /// Returns a scope with the built-in constants `pi`, `tau` and `e`.
    pub fn with_builtins() -> Self {
        let mut scope = Scope::default();
        for (name, value) in [
            ("pi", std::f64::consts::PI),
            ("tau", std::f64::consts::TAU),
            ("e", std::f64::consts::E),
        ] {
            scope
                .constants
                .insert(name.to_string(), (Value::Number(value.into()), None));
        }
        scope
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.constants.get(name).map(|(value, _)| value)
    }

    /// Returns the definition site of a user constant (`None` for built-ins and unknowns).
    pub fn definition(&self, name: &str) -> Option<Span> {
        self.constants.get(name).and_then(|(_, span)| *span)
    }

    pub fn define(&mut self, name: &str, value: Value, span: Span) {
        self.constants.insert(name.to_string(), (value, Some(span)));
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.constants.keys().cloned().collect();
        names.sort();
        names
    }
}

/// Evaluates expressions; `base_dir` resolves relative `load` paths.
pub struct Evaluator<'a> {
    pub scope: &'a Scope,
    pub base_dir: &'a Path,
}

const FUNCTIONS: [&str; 12] = [
    "load", "sqrt", "exp", "ln", "sin", "cos", "tan", "abs", "conj", "real", "imag", "arg",
];

impl Evaluator<'_> {
    pub fn eval(&self, expr: &Expr) -> Result<Value, CheckError> {
        let value = match &expr.kind {
            ExprKind::Number(x) => Value::Number(Complex64::new(*x, 0.0)),
            ExprKind::Imaginary(y) => Value::Number(Complex64::new(0.0, *y)),
            ExprKind::String(text) => Value::String(text.clone()),
            ExprKind::Name(name) => match self.scope.get(name) {
                Some(value) => value.clone(),
                None => {
                    return Err(CheckError::UnknownName {
                        name: name.clone(),
                        expected: "constant",
                        span: expr.span,
                        candidates: self.scope.names(),
                    });
                }
            },
            ExprKind::List(items) => self.list(items)?,
            ExprKind::Call(call) => self.call(call)?,
            ExprKind::Neg(operand) => negate(self.eval(operand)?, operand.span)?,
            ExprKind::Chain(first, rest) => self.chain(first, rest)?,
            ExprKind::Binary(op, left, right) => {
                let left_value = self.eval(left)?;
                let right_value = self.eval(right)?;
                binary(*op, left_value, left.span, right_value, right.span)?
            }
        };
        check_finite(&value, expr.span, non_finite_help(&expr.kind))?;
        Ok(match value {
            Value::Number(z) => Value::Number(without_negative_zero(z)),
            other => other,
        })
    }

    /// Evaluates an expression that must be a number.
    pub fn number(&self, expr: &Expr) -> Result<Complex64, CheckError> {
        match self.eval(expr)? {
            Value::Number(z) => Ok(z),
            other => Err(type_mismatch("a number", &other, expr)),
        }
    }

    /// Evaluates an expression that must be a real number.
    pub fn real(&self, expr: &Expr) -> Result<f64, CheckError> {
        let z = self.number(expr)?;
        if z.im != 0.0 {
            return Err(CheckError::TypeMismatch {
                expected: "a real number".into(),
                found: format!("the complex number {}", format_complex(z)),
                span: expr.span,
            });
        }
        Ok(z.re)
    }

    /// Evaluates `first op1 operand1 op2 operand2 …` from left to right, checking each
    /// partial result as if the chain were nested binary operations.
    fn chain(&self, first: &Expr, rest: &[(BinaryOp, Expr)]) -> Result<Value, CheckError> {
        let mut value = self.eval(first)?;
        let mut span = first.span;
        for (op, operand) in rest {
            let operand_value = self.eval(operand)?;
            value = binary(*op, value, span, operand_value, operand.span)?;
            span = span.to(operand.span);
            check_finite(&value, span, ARITHMETIC_HELP)?;
        }
        Ok(value)
    }

    fn list(&self, items: &[Expr]) -> Result<Value, CheckError> {
        let values = items
            .iter()
            .map(|item| self.eval(item))
            .collect::<Result<Vec<_>, _>>()?;
        if values.iter().all(|value| matches!(value, Value::Number(_))) {
            let numbers = values
                .into_iter()
                .map(|value| match value {
                    Value::Number(z) => z,
                    _ => unreachable!("checked above"),
                })
                .collect();
            return Ok(Value::Vector(numbers));
        }
        if values.iter().all(|value| matches!(value, Value::Vector(_))) {
            let rows: Vec<&Vec<Complex64>> = values
                .iter()
                .map(|value| match value {
                    Value::Vector(row) => row,
                    _ => unreachable!("checked above"),
                })
                .collect();
            let columns = rows[0].len();
            if let Some((index, row)) = rows
                .iter()
                .enumerate()
                .find(|(_, row)| row.len() != columns)
            {
                return Err(CheckError::BadShape {
                    expected: format!("rows of {columns} entries, as in the first row"),
                    found: format!("{} in row {index}", counted(row.len(), "entry", "entries")),
                    span: items[index].span,
                });
            }
            let matrix = DMatrix::from_fn(rows.len(), columns, |i, j| rows[i][j]);
            return Ok(Value::Matrix(matrix));
        }
        Ok(Value::List(values))
    }

    fn call(&self, call: &Call) -> Result<Value, CheckError> {
        let name = call.callee.name.as_str();
        if !FUNCTIONS.contains(&name) {
            return Err(CheckError::UnknownName {
                name: name.to_string(),
                expected: "function",
                span: call.callee.span,
                candidates: FUNCTIONS.iter().map(|f| f.to_string()).collect(),
            });
        }
        let (usage, parameter) = if name == "load" {
            ("load(\"file.npy\")", "path")
        } else {
            ("sqrt(2)", "value")
        };
        let [argument] = call.args.as_slice() else {
            let span = call.args.get(1).map_or(call.span, |argument| argument.span);
            return Err(if call.args.is_empty() {
                CheckError::MissingArgument {
                    call: name.to_string(),
                    argument: parameter,
                    span: call.span,
                    usage,
                }
            } else {
                CheckError::UnexpectedArgument {
                    call: name.to_string(),
                    span,
                    usage,
                }
            });
        };
        if argument.name.is_some() {
            return Err(CheckError::UnexpectedArgument {
                call: name.to_string(),
                span: argument.span,
                usage,
            });
        }
        if name == "load" {
            return self.load(&argument.value);
        }
        let z = self.number(&argument.value)?;
        let result = match name {
            "sqrt" => z.sqrt(),
            "exp" => z.exp(),
            "ln" => z.ln(),
            "sin" => z.sin(),
            "cos" => z.cos(),
            "tan" => z.tan(),
            "abs" => z.norm().into(),
            "conj" => z.conj(),
            "real" => z.re.into(),
            "imag" => z.im.into(),
            "arg" => z.arg().into(),
            _ => unreachable!("`{name}` is in FUNCTIONS"),
        };
        Ok(Value::Number(result))
    }

    fn load(&self, path_expr: &Expr) -> Result<Value, CheckError> {
        let Value::String(path) = self.eval(path_expr)? else {
            return Err(CheckError::TypeMismatch {
                expected: "a file path string".into(),
                found: self.eval(path_expr)?.describe(),
                span: path_expr.span,
            });
        };
        let resolved = self.base_dir.join(&path);
        log::debug!("loading {}", resolved.display());
        let array = data::read_array(&resolved).map_err(|error| match error {
            DataError::UnsupportedDtype(dtype) => CheckError::UnsupportedDtype {
                path: path.clone(),
                dtype,
                span: path_expr.span,
            },
            DataError::Io(reason) => CheckError::FileUnreadable {
                path: path.clone(),
                reason,
                span: path_expr.span,
            },
            malformed @ (DataError::Malformed(_) | DataError::UnknownFormat(_)) => {
                CheckError::MalformedData {
                    path: path.clone(),
                    reason: malformed.to_string(),
                    span: path_expr.span,
                }
            }
        })?;
        array_to_value(array, &path, path_expr.span)
    }
}

fn array_to_value(array: Array, path: &str, span: Span) -> Result<Value, CheckError> {
    if let Some((flat, value)) = array.first_non_finite() {
        let index = array.unravel(flat);
        let index_text = index
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(CheckError::NonFinite {
            location: format!("entry ({index_text}) of `{path}`"),
            value: format_complex(value),
            span,
            help: "replace NaN and infinite entries with finite numbers",
        });
    }
    match array.shape.as_slice() {
        [] => Ok(Value::Number(array.data[0])),
        [_] => Ok(Value::Vector(array.data)),
        &[rows, columns] => Ok(Value::Matrix(DMatrix::from_row_slice(
            rows,
            columns,
            &array.data,
        ))),
        &[count, rows, columns] => {
            let stride = rows * columns;
            let matrices = (0..count)
                .map(|k| {
                    Value::Matrix(DMatrix::from_row_slice(
                        rows,
                        columns,
                        &array.data[k * stride..(k + 1) * stride],
                    ))
                })
                .collect();
            Ok(Value::List(matrices))
        }
        _ => Err(CheckError::BadShape {
            expected: "a vector, a matrix or a stack of matrices (1-D to 3-D array)".into(),
            found: format!("a {}-D array of shape {}", array.ndim(), array.shape_text()),
            span,
        }),
    }
}

pub fn type_mismatch(expected: &str, found: &Value, expr: &Expr) -> CheckError {
    CheckError::TypeMismatch {
        expected: expected.to_string(),
        found: found.describe(),
        span: expr.span,
    }
}

/// Help for a NaN or infinite result of arithmetic.
const ARITHMETIC_HELP: &str =
    "avoid division by zero and results beyond the range of a 64-bit float";

/// Returns the help for a NaN or infinite value computed by an expression of this kind.
fn non_finite_help(kind: &ExprKind) -> &'static str {
    match kind {
        ExprKind::Number(_) | ExprKind::Imaginary(_) => {
            "write a number of magnitude below about 1.8e308, the largest 64-bit float"
        }
        ExprKind::Call(_) => {
            "avoid logarithms of zero and results beyond the range of a 64-bit float"
        }
        _ => ARITHMETIC_HELP,
    }
}

fn check_finite(value: &Value, span: Span, help: &'static str) -> Result<(), CheckError> {
    let bad = |z: &Complex64| !z.re.is_finite() || !z.im.is_finite();
    let found = match value {
        Value::Number(z) if bad(z) => Some(("the value".to_string(), *z)),
        Value::Vector(items) => items
            .iter()
            .position(bad)
            .map(|i| (format!("entry {i}"), items[i])),
        Value::Matrix(m) => (0..m.nrows())
            .flat_map(|i| (0..m.ncols()).map(move |j| (i, j)))
            .find(|&(i, j)| bad(&m[(i, j)]))
            .map(|(i, j)| (format!("entry ({i}, {j})"), m[(i, j)])),
        _ => None,
    };
    match found {
        Some((location, z)) => Err(CheckError::NonFinite {
            location,
            value: format_complex(z),
            span,
            help,
        }),
        None => Ok(()),
    }
}

/// Replaces a negative zero part of `z` with positive zero. In IEEE 754 arithmetic
/// `-0.0 + 0.0` is `+0.0`, and adding zero leaves every other value unchanged. Without this,
/// `-1` would be `-1 - 0i`, and `sqrt`, `ln` and `arg` would take the branch below the
/// negative real axis: `sqrt(-1)` would be `-1i` rather than `1i`.
fn without_negative_zero(z: Complex64) -> Complex64 {
    Complex64::new(z.re + 0.0, z.im + 0.0)
}

fn negate(value: Value, span: Span) -> Result<Value, CheckError> {
    Ok(match value {
        Value::Number(z) => Value::Number(-z),
        Value::Vector(items) => Value::Vector(items.into_iter().map(|z| -z).collect()),
        Value::Matrix(m) => Value::Matrix(-m),
        other => {
            return Err(CheckError::TypeMismatch {
                expected: "a number, vector or matrix".into(),
                found: other.describe(),
                span,
            });
        }
    })
}

/// Returns `a / b` without forming `|b|²`, which overflows once `|b|` passes about 1e154 and
/// turns `1e308 / 2` into `inf`. A real or imaginary divisor divides the parts directly; any
/// other is first divided by its larger part (Smith's method).
fn divide(a: Complex64, b: Complex64) -> Complex64 {
    if b.im == 0.0 {
        return Complex64::new(a.re / b.re, a.im / b.re);
    }
    if b.re == 0.0 {
        return Complex64::new(a.im / b.im, -a.re / b.im);
    }
    if b.re.abs() >= b.im.abs() {
        let ratio = b.im / b.re;
        let denominator = b.re + b.im * ratio;
        Complex64::new(
            (a.re + a.im * ratio) / denominator,
            (a.im - a.re * ratio) / denominator,
        )
    } else {
        let ratio = b.re / b.im;
        let denominator = b.re * ratio + b.im;
        Complex64::new(
            (a.re * ratio + a.im) / denominator,
            (a.im * ratio - a.re) / denominator,
        )
    }
}

/// Applies an arithmetic operator. Numbers combine with numbers; a number scales a vector or
/// matrix (`*`, `/`); vectors and matrices add and subtract elementwise when shapes agree.
fn binary(
    op: BinaryOp,
    left: Value,
    left_span: Span,
    right: Value,
    right_span: Span,
) -> Result<Value, CheckError> {
    use Value::{Matrix, Number, Vector};
    let result = match (op, left, right) {
        // Real operands use real arithmetic, so that `1 / 0` is `inf` rather than the
        // `NaN + NaNi` of complex division.
        (op, Number(a), Number(b)) if a.im == 0.0 && b.im == 0.0 && op != BinaryOp::Pow => {
            Number(Complex64::new(
                match op {
                    BinaryOp::Add => a.re + b.re,
                    BinaryOp::Sub => a.re - b.re,
                    BinaryOp::Mul => a.re * b.re,
                    _ => a.re / b.re,
                },
                0.0,
            ))
        }
        (op, Number(a), Number(b)) => Number(match op {
            BinaryOp::Add => a + b,
            BinaryOp::Sub => a - b,
            BinaryOp::Mul => a * b,
            BinaryOp::Div => divide(a, b),
            BinaryOp::Pow if b.im == 0.0 && a.im == 0.0 && (a.re >= 0.0 || b.re.fract() == 0.0) => {
                Complex64::new(a.re.powf(b.re), 0.0)
            }
            BinaryOp::Pow => a.powc(b),
        }),
        (BinaryOp::Mul, Number(a), Vector(v)) | (BinaryOp::Mul, Vector(v), Number(a)) => {
            Vector(v.into_iter().map(|z| a * z).collect())
        }
        (BinaryOp::Mul, Number(a), Matrix(m)) | (BinaryOp::Mul, Matrix(m), Number(a)) => {
            Matrix(m * a)
        }
        (BinaryOp::Div, Vector(v), Number(a)) => {
            Vector(v.into_iter().map(|z| divide(z, a)).collect())
        }
        (BinaryOp::Div, Matrix(m), Number(a)) => Matrix(m.map(|z| divide(z, a))),
        (op @ (BinaryOp::Add | BinaryOp::Sub), Vector(a), Vector(b)) if a.len() == b.len() => {
            Vector(
                a.iter()
                    .zip(&b)
                    .map(|(x, y)| if op == BinaryOp::Add { x + y } else { x - y })
                    .collect(),
            )
        }
        (op @ (BinaryOp::Add | BinaryOp::Sub), Matrix(a), Matrix(b)) if a.shape() == b.shape() => {
            Matrix(if op == BinaryOp::Add { a + b } else { a - b })
        }
        (op, left, right) => {
            let (bad, span) = if matches!(left, Number(_) | Vector(_) | Matrix(_)) {
                (right, right_span)
            } else {
                (left, left_span)
            };
            return Err(CheckError::TypeMismatch {
                expected: format!("an operand that `{}` accepts", op.symbol()),
                found: bad.describe(),
                span,
            });
        }
    };
    Ok(result)
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;
    use crate::source::FileId;
    use crate::syntax::ast::Item;
    use crate::syntax::parse;

    /// Evaluates `text` as the value of a file-level `const`.
    fn eval_number(text: &str) -> Complex64 {
        let file =
            parse(&format!("const c = {text}"), FileId(0)).expect("the test expression parses");
        let Item::Const(constant) = &file.items[0] else {
            panic!("the test file contains one `const`");
        };
        let scope = Scope::with_builtins();
        let evaluator = Evaluator {
            scope: &scope,
            base_dir: Path::new("."),
        };
        match evaluator
            .eval(&constant.value)
            .expect("the test expression evaluates")
        {
            Value::Number(z) => z,
            other => panic!("expected a number, found {}", other.describe()),
        }
    }

    #[test]
    fn division_by_large_numbers_stays_finite() {
        assert_eq!(eval_number("(1e308 + 1i) / 2"), Complex64::new(5e307, 0.5));
        assert_eq!(eval_number("1e10i / 1e160"), Complex64::new(0.0, 1e-150));
        assert_eq!(eval_number("4e300 / 2e300i"), Complex64::new(0.0, -2.0));
        let quotient = eval_number("(3 + 4i) / (1e200 + 1e200i)");
        let expected = Complex64::new(3.5e-200, 0.5e-200);
        assert!(
            (quotient - expected).norm() <= 1e-15 * expected.norm(),
            "{quotient}"
        );
    }

    #[test]
    fn division_matches_complex_arithmetic() {
        for (a, b) in [
            ((1.0, 2.0), (3.0, -4.0)),
            ((-0.5, 0.25), (0.1, 7.0)),
            ((2.0, 0.0), (0.0, -3.0)),
        ] {
            let (a, b) = (Complex64::new(a.0, a.1), Complex64::new(b.0, b.1));
            let quotient = divide(a, b);
            assert!(
                (quotient * b - a).norm() <= 1e-15 * a.norm(),
                "{a} / {b} = {quotient}"
            );
        }
    }

    #[test]
    fn sqrt_of_negative_is_positive_imaginary() {
        assert_eq!(eval_number("sqrt(-1)"), Complex64::new(0.0, 1.0));
        assert_eq!(eval_number("sqrt(-4)"), Complex64::new(0.0, 2.0));
    }

    #[test]
    fn arg_of_negative_is_plus_pi() {
        assert_eq!(eval_number("arg(-1)").re, PI);
        assert_eq!(eval_number("arg(-1 + 0i)").re, PI);
    }

    #[test]
    fn ln_of_negative_has_plus_pi_imaginary() {
        assert_eq!(eval_number("ln(-1)"), Complex64::new(0.0, PI));
    }

    #[test]
    fn negative_zero_products_lose_sign() {
        assert_eq!(eval_number("arg(0 * -1)").re, 0.0);
        assert_eq!(eval_number("sqrt(conj(-1))"), Complex64::new(0.0, 1.0));
        assert!(eval_number("-0").re.is_sign_positive());
    }

    #[test]
    fn negation_keeps_nonzero_parts() {
        assert_eq!(eval_number("-(1 - 2i)"), Complex64::new(-1.0, 2.0));
    }
}
