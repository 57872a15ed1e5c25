"""Simulate pnn's SAX netlists with SAX, for tests/sax_conformance.rs.

Usage: sax_check.py NETLIST.sax.json...

All netlists must sit in one directory next to the pnn_sax_models.py that
``pnnc build --emit sax`` wrote there. For each netlist the script writes the
stage matrix without the gain to NETLIST.matrix.npy (complex128, output modes
x input modes) and prints one JSON line with the netlist path, the gain and
the simulation time in seconds. Before that it checks the companion module
itself: the mzi model against C^dagger P(theta) C P(phi), 64-bit floats, and
that SAX gives the same S-matrix with and without the netlist's "info" entry.
"""

import json
import os
import sys
import time


def check_mzi_model(models, np):
    coupler = np.array([[1, 1j], [1j, 1]]) / np.sqrt(2)

    def phase(x):
        return np.diag([np.exp(1j * x), 1])

    for theta, phi in [(0.0, 0.0), (np.pi, 0.0), (0.3, 1.1), (2.5, 5.9)]:
        expected = coupler.conj().T @ phase(theta) @ coupler @ phase(phi)
        s = models.mzi(theta=theta, phi=phi)
        # Rows and columns are modes (m, m+1); inputs o1, o2 and outputs o4, o3.
        found = np.array(
            [
                [s[("o1", "o4")], s[("o2", "o4")]],
                [s[("o1", "o3")], s[("o2", "o3")]],
            ]
        )
        error = np.max(np.abs(found - expected))
        if found.dtype != np.complex128 or error > 1e-15:
            sys.exit(f"mzi({theta}, {phi}) deviates by {error:e} ({found.dtype})")


def check_info_is_ignored(models, sax, np, path):
    netlist = models.load_netlist(path)
    with_info, _ = sax.circuit(netlist, models=models.models())
    del netlist["info"]
    without_info, _ = sax.circuit(netlist, models=models.models())
    first, first_ports = sax.sdense(with_info())
    second, second_ports = sax.sdense(without_info())
    if first_ports != second_ports or not np.array_equal(first, second):
        sys.exit(f"{path}: the info entry changes the SAX result")


def main(paths):
    sys.path.insert(0, os.path.dirname(os.path.abspath(paths[0])))
    import numpy as np
    import pnn_sax_models as models
    import sax

    check_mzi_model(models, np)
    # The smallest netlist keeps the doubled circuit build short.
    check_info_is_ignored(models, sax, np, min(paths, key=os.path.getsize))
    for path in paths:
        start = time.perf_counter()
        matrix, gain = models.transfer_matrix(path)
        seconds = time.perf_counter() - start
        np.save(path + ".matrix.npy", matrix)
        print(json.dumps({"netlist": path, "gain": gain, "seconds": seconds}))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
