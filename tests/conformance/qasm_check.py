"""Load pnn's OpenQASM output in Qiskit and compare operators, for tests/qasm_conformance.rs.

Usage: qasm_check.py DIRECTORY

For every NAME.expected.npy in DIRECTORY (the network's unitary over its whole register,
computed by pnn from the source matrices before synthesis), the script loads NAME.qasm with
qiskit.qasm2.loads and NAME.qasm3 with qiskit.qasm3.loads (default settings), drops final
measurements, builds qiskit.quantum_info.Operator of each circuit and prints one JSON line:
the name, the max-abs error of the OpenQASM 3 operator (exact, global phase included), the
max-abs error of the OpenQASM 2 operator after the best global phase, and the gate counts.
Qiskit orders qubits little-endian, as pnn does, so the matrices compare entry by entry.
"""

import json
import pathlib
import sys

import numpy as np
import qiskit.qasm2
import qiskit.qasm3
from qiskit.quantum_info import Operator


def operator(circuit):
    circuit = circuit.copy()
    circuit.remove_final_measurements(inplace=True)
    return Operator(circuit).data


def error_up_to_phase(found, expected):
    # The phase that best aligns the two matrices: arg of <found, expected>.
    overlap = np.vdot(found, expected)
    phase = overlap / abs(overlap) if abs(overlap) > 0 else 1.0
    return float(np.max(np.abs(found * phase - expected)))


def main():
    directory = pathlib.Path(sys.argv[1])
    for expected_path in sorted(directory.glob("*.expected.npy")):
        name = expected_path.name[: -len(".expected.npy")]
        expected = np.load(expected_path)
        qasm2 = qiskit.qasm2.loads((directory / f"{name}.qasm").read_text())
        qasm3 = qiskit.qasm3.loads((directory / f"{name}.qasm3").read_text())
        result = {
            "name": name,
            "qasm3_error": float(np.max(np.abs(operator(qasm3) - expected))),
            "qasm2_error": error_up_to_phase(operator(qasm2), expected),
            "qasm3_ops": {k: int(v) for k, v in qasm3.count_ops().items()},
            "qasm2_ops": {k: int(v) for k, v in qasm2.count_ops().items()},
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
