"""Write `qft4.npy`: the 16×16 discrete Fourier transform matrix F[j, k] = exp(2πi·j·k/16) / 4.

Run `python make_qft.py` in this directory; it needs NumPy. With little-endian qubit order
(qubit 0 is the least significant bit of j and k), this is the unitary of the 4-qubit quantum
Fourier transform in qft_circuit.pnn.
"""

from pathlib import Path

import numpy as np

QUBITS = 4

if __name__ == "__main__":
    size = 2**QUBITS
    j, k = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    dft = np.exp(2j * np.pi * j * k / size) / np.sqrt(size)
    np.save(Path(__file__).resolve().parent / "qft4.npy", dft)
