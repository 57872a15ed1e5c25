import argparse
import decimal
import math
import os
import sys
import tempfile

import numpy as np

# Exit code for usage errors, unreadable or unwritable files and invalid inputs, as in pnnc.
_EXIT_USAGE = 2


class _InputError(Exception):
    """An input, label or output file that cannot be used. main() prints it and exits with 2."""


# ---------------------------------------------------------------------------------------------
# Operations. Each takes and returns a complex128 batch with one row per sample and one column
# per mode.


def _phase_factors(phases):
    """Return e^(i phase) elementwise, built from cos and sin so no complex exp rounds it."""
    phases = np.asarray(phases, dtype=np.float64)
    factors = np.empty(phases.shape, dtype=np.complex128)
    factors.real = np.cos(phases)
    factors.imag = np.sin(phases)
    return factors


def _power(fields):
    """Return |E|^2 per entry as re*re + im*im, the rounding pnn's simulator uses."""
    return fields.real * fields.real + fields.imag * fields.imag


class _Mesh:
    """An MZI mesh followed by one output phase shifter per mode.

    MZIs are listed column by column. MZIs of one column act on disjoint mode pairs, so a
    column is applied to the whole batch at once.
    """

    def __init__(self, modes, tops, columns, thetas, phis, output_phases):
        self.modes = modes
        self.tops = np.array(tops, dtype=np.intp)
        self.columns = np.array(columns, dtype=np.intp)
        self.thetas = np.array(thetas, dtype=np.float64)
        self.phis = np.array(phis, dtype=np.float64)
        self.output_phases = np.array(output_phases, dtype=np.float64)
        self._stages = self._column_stages()

    def _column_stages(self):
        """Return (upper modes, lower modes, m11, m12, m21, m22) for each column."""
        common = _phase_factors(self.thetas / 2.0)
        external = _phase_factors(self.phis)
        sin = np.sin(self.thetas / 2.0)
        cos = np.cos(self.thetas / 2.0)
        m11 = common * external * cos
        m12 = -common * sin
        m21 = common * external * sin
        m22 = common * cos
        starts = np.flatnonzero(np.diff(self.columns)) + 1
        bounds = zip(np.concatenate(([0], starts)), np.concatenate((starts, [len(self.tops)])))
        stages = []
        for start, stop in bounds:
            if start == stop:
                continue
            upper = self.tops[start:stop]
            part = slice(start, stop)
            stages.append((upper, upper + 1, m11[part], m12[part], m21[part], m22[part]))
        return stages

    def apply(self, fields):
        """Apply the mesh to the batch in place and return it."""
        for upper, lower, m11, m12, m21, m22 in self._stages:
            upper_fields = fields[:, upper]
            lower_fields = fields[:, lower]
            fields[:, upper] = m11 * upper_fields + m12 * lower_fields
            fields[:, lower] = m21 * upper_fields + m22 * lower_fields
        fields *= _phase_factors(self.output_phases)
        return fields


def _unitary(fields, matrix):
    return fields @ matrix.T


def _phase(fields, phases):
    return fields * _phase_factors(phases)


def _permute(fields, permutation):
    """Output mode k carries input mode permutation[k]."""
    return fields[:, permutation]


def _attenuate(fields, transmissions):
    return fields * transmissions


def _resize(fields, modes):
    """Keep the first min(old, new) modes. Added modes are dark and dropped modes are lost."""
    resized = np.zeros((fields.shape[0], modes), dtype=np.complex128)
    kept_modes = min(modes, fields.shape[1])
    resized[:, :kept_modes] = fields[:, :kept_modes]
    return resized


def _gain(fields, gain):
    return fields * gain


def _abs_squared(fields):
    return _power(fields).astype(np.complex128)


def _electro_optic(fields, alpha, gain, bias):
    """f(E) = i sqrt(1 - alpha) exp(-i (g|E|^2 + bias)/2) cos((g|E|^2 + bias)/2) E."""
    half = (gain * _power(fields) + bias) / 2.0
    return 1j * math.sqrt(1.0 - alpha) * _phase_factors(-half) * np.cos(half) * fields


def _detect(fields):
    return _power(fields).astype(np.complex128)


# ---------------------------------------------------------------------------------------------
# Module interface.


def run(inputs):
    """Run the network on one input vector of shape (modes,) or a batch (samples, modes).

    Returns float64 outputs when OUTPUT_IS_REAL, else complex128, with the leading shape of
    the input. Raises ValueError when the input is not 1-D or 2-D or has the wrong width.
    """
    fields = np.array(inputs, dtype=np.complex128)
    if fields.ndim not in (1, 2):
        raise ValueError(
            f"expected a 1-D or 2-D array of inputs, found shape {_shape_text(fields.shape)}"
        )
    single = fields.ndim == 1
    fields = fields.reshape(1, -1) if single else fields
    if fields.shape[1] != INPUT_WIDTH:
        raise ValueError(
            f"the input has {fields.shape[1]} columns, but the network input has "
            f"{INPUT_WIDTH} modes"
        )
    outputs = _forward(np.ascontiguousarray(fields))
    outputs = np.ascontiguousarray(outputs.real if OUTPUT_IS_REAL else outputs)
    return outputs[0] if single else outputs


# ---------------------------------------------------------------------------------------------
# Command line, with the input formats, messages and exit codes of `pnnc run`.


def _reason(error):
    """Return the operating system's message for an OSError, which omits the path."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def _shape_text(shape):
    return "x".join(str(extent) for extent in shape) if shape else "scalar"


def _parse_cell(cell):
    """Parse `1.5`, `2j`, `1-2j`, `(1+2j)` or `1-2i`, and return None for anything else."""
    if cell.startswith("(") and cell.endswith(")"):
        cell = cell[1:-1]
    # Python accepts these in numbers, pnnc does not.
    if "_" in cell or "(" in cell or any(character.isspace() for character in cell):
        return None
    try:
        return complex(float(cell))
    except ValueError:
        pass
    if cell.endswith("i"):
        cell = cell[:-1] + "j"
    if not cell.endswith("j"):
        return None
    try:
        return complex(cell)
    except ValueError:
        return None


def _read_csv(path):
    """Read a table of numbers with one row per line and `#` comment lines, always as 2-D."""
    with open(path, encoding="utf-8") as file:
        lines = file.read().split("\n")
    rows = []
    for line_number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        row = []
        for column, cell in enumerate(line.split(","), 1):
            value = _parse_cell(cell.strip())
            if value is None:
                raise ValueError(
                    f"line {line_number}, column {column}: `{cell.strip()}` is not a number"
                )
            row.append(value)
        if rows and len(row) != len(rows[0]):
            raise ValueError(
                f"line {line_number} has {len(row)} values, but the first row has {len(rows[0])}"
            )
        rows.append(row)
    columns = len(rows[0]) if rows else 0
    return np.array(rows, dtype=np.complex128).reshape(len(rows), columns)


# Element sizes in bytes that pnnc reads, by NumPy dtype kind: bool, signed and unsigned
# integers, float32/64 and complex64/128. float16 and extended precision are rejected.
_NPY_ITEM_SIZES = {"b": (1,), "i": (1, 2, 4, 8), "u": (1, 2, 4, 8), "f": (4, 8), "c": (8, 16)}


def _read_npy(path):
    array = np.load(path, allow_pickle=False)
    if not isinstance(array, np.ndarray):
        array.close()
        raise ValueError("the file is a .npz archive, not a .npy array")
    if array.dtype.itemsize not in _NPY_ITEM_SIZES.get(array.dtype.kind, ()):
        raise ValueError(f"unsupported element type `{array.dtype.str}`")
    return array.astype(np.complex128)


def _read_array(path, role):
    """Read a .npy or .csv file as a complex128 array, chosen by the file extension."""
    extension = os.path.splitext(path)[1].lower()
    try:
        if extension == ".npy":
            return _read_npy(path)
        if extension == ".csv":
            return _read_csv(path)
        raise ValueError(f"unknown data format `{extension}`, expected `.npy` or `.csv`")
    except (OSError, ValueError, EOFError, UnicodeDecodeError) as error:
        raise _InputError(f"cannot read {role} `{path}`: {_reason(error)}") from error


def _check_inputs(inputs, path):
    if inputs.ndim not in (1, 2):
        raise _InputError(
            f"{path}: expected a 1-D or 2-D array of inputs, "
            f"found shape {_shape_text(inputs.shape)}"
        )
    finite = np.isfinite(inputs)
    if not finite.all():
        index = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise _InputError(f"{path}: entry {list(index)} is {inputs[index]}, not a finite number")
    width = inputs.shape[-1]
    if width != INPUT_WIDTH:
        raise _InputError(
            f"{path}: the input has {width} columns, but the network input has {INPUT_WIDTH} modes"
        )


def _accuracy(outputs, labels, path):
    """Count rows whose largest output magnitude is at the labelled index.

    Ties go to the first of the equal outputs, as in pnnc and NumPy's argmax. Labels may be
    1-D or a single row or column, as a CSV file gives.
    """
    flat = labels.ndim == 1 or (labels.ndim == 2 and 1 in labels.shape)
    if not flat or labels.size != outputs.shape[0]:
        raise _InputError(
            f"{path}: expected {outputs.shape[0]} labels in a 1-D array, "
            f"found shape {_shape_text(labels.shape)}"
        )
    labels = labels.reshape(-1)
    predicted = np.argmax(np.abs(outputs), axis=1)
    correct = 0
    for row, label in enumerate(labels):
        if label.imag != 0 or not float(label.real).is_integer() or label.real < 0:
            raise _InputError(f"{path}: label {row} is {label}, not a class index")
        if predicted[row] == label.real:
            correct += 1
    return correct, len(labels)


def _shortest_digits(magnitude):
    """Return the shortest digits that read back as the positive float `magnitude`, and the
    power of ten of the first digit.

    Where two such digit strings are equally close to the value, Python's repr picks the one
    ending in an even digit and Rust's formatting picks the larger one. This returns Rust's.
    """
    _, digit_tuple, exponent = decimal.Decimal(repr(magnitude)).as_tuple()
    power = exponent + len(digit_tuple) - 1
    digits = "".join(str(digit) for digit in digit_tuple).rstrip("0")
    if int(digits[-1]) % 2 == 0:
        with decimal.localcontext() as context:
            # Enough digits for the exact value of any float, so the differences are exact.
            context.prec = 1000
            last_place = power - len(digits) + 1
            exact = decimal.Decimal(magnitude)
            lower = decimal.Decimal(int(digits)).scaleb(last_place)
            upper = decimal.Decimal(int(digits) + 1).scaleb(last_place)
            if exact - lower == upper - exact and float(upper) == magnitude:
                digits = str(int(digits) + 1)
    return digits, power


def _format_exponent(value, plus=False):
    """Format a float like Rust's `{:e}` (or `{:+e}` with `plus`), e.g. `1.5e-3` or `2e0`."""
    if math.isnan(value):
        return "NaN"
    if math.copysign(1.0, value) < 0:
        sign = "-"
    else:
        sign = "+" if plus else ""
    if math.isinf(value):
        return sign + "inf"
    if value == 0:
        return sign + "0e0"
    digits, power = _shortest_digits(abs(value))
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{power}"


def _print_rows(outputs):
    for row in np.atleast_2d(outputs):
        if OUTPUT_IS_REAL:
            cells = [_format_exponent(float(value)) for value in row]
        else:
            cells = [
                _format_exponent(float(value.real))
                + _format_exponent(float(value.imag), plus=True)
                + "j"
                for value in row
            ]
        print(" ".join(cells))


def _write_npy(path, outputs):
    """Write the array to exactly `path`, through a temporary file so no partial file remains."""
    directory = os.path.dirname(path) or "."
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".pnn-", delete=False) as file:
            temporary = file.name
            np.save(file, outputs)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None and os.path.exists(temporary):
            os.remove(temporary)
        raise _InputError(f"cannot write `{path}`: {_reason(error)}") from error


def main(argv=None):
    """Run the command line and return the exit code: 0, or 2 for invalid inputs and files.

    Argument errors exit with 2 from argparse itself.
    """
    parser = argparse.ArgumentParser(
        description=f"Run the compiled photonic network `{NETWORK}` on inputs from a file."
    )
    parser.add_argument(
        "--input",
        required=True,
        help="input fields: a .npy or .csv array of shape (samples, modes) or (modes,)",
    )
    parser.add_argument(
        "--labels", help="integer class labels, shape (samples,); prints the argmax accuracy"
    )
    parser.add_argument(
        "--output",
        help="where to write the outputs as .npy (float64 for real outputs, else complex128); "
        "without it and without --labels, the outputs are printed",
    )
    args = parser.parse_args(argv)
    try:
        inputs = _read_array(args.input, "input")
        _check_inputs(inputs, args.input)
        outputs = run(inputs)
        if args.labels is not None:
            labels = _read_array(args.labels, "labels")
            correct, total = _accuracy(np.atleast_2d(outputs), labels, args.labels)
            print(f"accuracy: {100.0 * correct / max(total, 1):.2f}% ({correct}/{total})")
        if args.output is not None:
            _write_npy(args.output, outputs)
        elif args.labels is None:
            _print_rows(outputs)
    except _InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return _EXIT_USAGE
    return 0
