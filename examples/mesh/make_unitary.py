"""Write `u.npy`: a 16×16 Haar-random unitary (complex128) for the `mesh` example.

Run `python make_unitary.py` in this directory; it needs NumPy. The seed is fixed, so the file
is the same on every run with the same NumPy version.
"""

from pathlib import Path

import numpy as np

SEED = 16
MODES = 16


def haar_unitary(n, rng):
    """Return an n×n Haar-random unitary: the QR factor of a complex Gaussian matrix with the
    phases of R's diagonal moved into Q."""
    z = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


if __name__ == "__main__":
    u = haar_unitary(MODES, np.random.default_rng(SEED))
    np.save(Path(__file__).resolve().parent / "u.npy", u)
