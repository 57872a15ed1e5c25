"""Compare the operators of QASMBench programs with pnn's OpenQASM 3 output of them.

Usage: check_operators.py DIRECTORY

For every NAME.qasm in DIRECTORY with a NAME.qasm3 next to it, the script loads the program
with `QuantumCircuit.from_qasm_file` and pnn's output with `qiskit.qasm3.loads`, and removes
the final measurements of both. It prints one JSON line per program: the name, the max-abs
entry error between the two operators after the global phase that aligns them best, and the
CX counts.
tests/qasmbench_conformance.rs runs it and checks the errors.
"""

import json
import pathlib
import sys

import numpy as np
import qiskit.qasm3
from qiskit import QuantumCircuit
from qiskit.quantum_info import Operator


def operator(circuit):
    circuit = circuit.copy()
    circuit.remove_final_measurements(inplace=True)
    return Operator(circuit).data


def error_up_to_phase(found, expected):
    # The phase that best aligns the two matrices is the argument of <found, expected>.
    overlap = np.vdot(found, expected)
    phase = overlap / abs(overlap) if abs(overlap) > 0 else 1.0
    return float(np.max(np.abs(found * phase - expected)))


def main():
    directory = pathlib.Path(sys.argv[1])
    for program in sorted(directory.glob("*.qasm")):
        output = program.with_suffix(".qasm3")
        if not output.exists():
            continue
        original = QuantumCircuit.from_qasm_file(str(program))
        compiled = qiskit.qasm3.loads(output.read_text())
        result = {
            "name": program.stem,
            "error": error_up_to_phase(operator(compiled), operator(original)),
            "original_cx": int(original.count_ops().get("cx", 0)),
            "compiled_cx": int(compiled.count_ops().get("cx", 0)),
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
