"""SAX models for the netlists that ``pnnc build --emit sax`` writes.

pnn convention implemented here:

* ``mzi(theta, phi)`` on modes (m, m+1) has the transfer matrix
  ``M(theta, phi) = C^dagger P(theta) C P(phi)
  = exp(i theta/2) [[exp(i phi) cos(theta/2), -sin(theta/2)],
                    [exp(i phi) sin(theta/2),  cos(theta/2)]]``
  with the 50:50 coupler ``C = [[1, i], [i, 1]] / sqrt(2)`` and the phase
  shifter ``P(x) = diag(exp(i x), 1)`` on mode m. Row and column 0 are mode m.
* ``phase_shifter(phi)`` multiplies the field by ``exp(i phi)``,
  ``attenuator(transmission)`` by the amplitude transmission, ``crossing``
  swaps modes m and m+1, and ``waveguide`` passes the field unchanged.
* Ports follow gdsfactory, which numbers them clockwise from the bottom of the
  west side, with mode 0 drawn at the bottom. A 2x2 device has inputs o1
  (mode m) and o2 (mode m+1) and outputs o3 (mode m+1) and o4 (mode m). A 1x1
  device has input o1 and output o2. Every model is reciprocal and has no
  reflections.

A netlist's ``info`` lists the top-level port of each input and output mode
and the stage's electronic gain, which no optical device carries.
``transfer_matrix(path)`` returns the stage's matrix without that gain, and
the gain separately.

Importing this module turns on ``jax_enable_x64`` so that every S-parameter is
a 64-bit complex number. It needs only ``sax``, ``jax`` and ``numpy``.
"""

import json

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import sax  # noqa: E402

WAVELENGTH = 1.55
"""Default wavelength in micrometres; every model here is wavelength-independent."""


def _ones(wl):
    # Broadcasts a wavelength-independent S-parameter to the shape of `wl`.
    return jnp.ones_like(jnp.asarray(wl, dtype=jnp.float64))


def mzi(*, wl=WAVELENGTH, theta=0.0, phi=0.0):
    """Mach-Zehnder interferometer M(theta, phi); theta and phi in radians."""
    common = jnp.exp(0.5j * theta)
    external = jnp.exp(1j * phi)
    cos = jnp.cos(theta / 2)
    sin = jnp.sin(theta / 2)
    one = _ones(wl)
    return sax.reciprocal(
        {
            ("o1", "o4"): common * external * cos * one,
            ("o1", "o3"): common * external * sin * one,
            ("o2", "o4"): -common * sin * one,
            ("o2", "o3"): common * cos * one,
        }
    )


def phase_shifter(*, wl=WAVELENGTH, phi=0.0):
    """Phase shifter multiplying the field by exp(i phi); phi in radians."""
    return sax.reciprocal({("o1", "o2"): jnp.exp(1j * phi) * _ones(wl)})


def attenuator(*, wl=WAVELENGTH, transmission=1.0):
    """Attenuator multiplying the field by an amplitude transmission in [0, 1]."""
    return sax.reciprocal({("o1", "o2"): (transmission + 0j) * _ones(wl)})


def crossing(*, wl=WAVELENGTH):
    """Waveguide crossing: mode m (o1) leaves at o3, mode m+1 (o2) at o4."""
    one = (1.0 + 0j) * _ones(wl)
    return sax.reciprocal({("o1", "o3"): one, ("o2", "o4"): one})


def waveguide(*, wl=WAVELENGTH):
    """Ideal waveguide with transmission 1."""
    return sax.reciprocal({("o1", "o2"): (1.0 + 0j) * _ones(wl)})


def models():
    """Return the models for ``sax.circuit(netlist, models=models())``."""
    return {
        "mzi": mzi,
        "phase_shifter": phase_shifter,
        "attenuator": attenuator,
        "crossing": crossing,
        "waveguide": waveguide,
    }


def load_netlist(path):
    """Read a ``.sax.json`` netlist; SAX ignores its ``info`` entry."""
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def transfer_matrix(netlist_path):
    """Simulate a netlist with SAX and return ``(matrix, gain)``.

    ``matrix`` is the stage's ``output_modes x input_modes`` complex128 NumPy
    array in mode order (row k = output mode k, column j = input mode j),
    without the electronic gain; ``gain * matrix`` is the stage's transfer
    matrix. Raises ``RuntimeError`` when ``jax_enable_x64`` was turned off
    after import, because 32-bit floats lose about half of the digits.
    """
    if not jax.config.jax_enable_x64:
        raise RuntimeError(
            "jax_enable_x64 is off; turn it back on with "
            'jax.config.update("jax_enable_x64", True)'
        )
    netlist = load_netlist(netlist_path)
    info = netlist["info"]
    circuit, _ = sax.circuit(netlist, models=models())
    s_matrix, port_index = sax.sdense(circuit())
    # Entry [p, q] of SAX's dense S-matrix is the transmission from port q to port p.
    rows = [port_index[port] for port in info["output_ports"]]
    columns = [port_index[port] for port in info["input_ports"]]
    matrix = np.asarray(s_matrix)[np.ix_(rows, columns)]
    return matrix.astype(np.complex128), float(info["gain"])
