"""Regenerate the small data files that the corpus cases load.

Run from any directory: `python tests/corpus/data/make_data.py`. The files are committed, so
this is only needed when a case needs new data. Requires NumPy.
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def haar_unitary(n, rng):
    """Return an n×n Haar-random unitary (QR of a complex Gaussian matrix, phases fixed)."""
    z = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def main():
    rng = np.random.default_rng(2026)
    u4 = haar_unitary(4, rng)
    np.save(HERE / "u4_complex128.npy", u4)
    np.save(HERE / "u4_fortran.npy", np.asfortranarray(u4))
    orthogonal = np.linalg.qr(rng.standard_normal((4, 4)))[0]
    np.save(HERE / "o4_float32.npy", orthogonal.astype(np.float32))
    np.savetxt(HERE / "w3x4.csv", rng.standard_normal((3, 4)), delimiter=",")
    np.save(HERE / "strings.npy", np.array(["a", "b"]))
    np.save(HERE / "cube.npy", np.zeros((2, 2, 2)))
    with_nan = np.eye(4)
    with_nan[2, 1] = np.nan
    np.save(HERE / "nan4.npy", with_nan)
    nearly = u4 + 1e-8 * rng.standard_normal((4, 4))
    np.save(HERE / "u4_nearly.npy", nearly)
    # Qubit unitaries: a 3-qubit Haar unitary and a 2-qubit one perturbed by 1e-8.
    np.save(HERE / "u8_complex128.npy", haar_unitary(8, rng))
    np.save(HERE / "u4_qubits_nearly.npy", haar_unitary(4, rng) + 1e-8 * rng.standard_normal((4, 4)))


if __name__ == "__main__":
    main()
