"""Time pnn's peers and the NumPy/LAPACK references at the sizes of pnn's benchmarks.

Two subcommands:

    peers.py measure CASE SIZE
        Time one case at one size in this process and print one JSON object. The BLAS
        thread count comes from the environment and defaults to 1.
    peers.py run --main-python PY --sf-python PY --output FILE [--timeout S]
        Run every case at every size, each in a fresh `peers.py measure` process with a
        timeout, and write all results, versions and skipped sizes to FILE as JSON.

Each measurement runs in its own process, so that a slow call can be killed and the BLAS
thread count is fixed before NumPy starts. `run` sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS
and MKL_NUM_THREADS to 1, except for the multi-thread matrix product.
Strawberry Fields needs older NumPy and SciPy than the other peers, so its cases run under a
second interpreter (see requirements-strawberryfields.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# Fast calls repeat until their total time reaches this many seconds, so their median rests on
# several samples. A first call slower than SLOW_CALL_SECONDS is the only sample.
REPEAT_BUDGET_SECONDS = 2.0
MIN_REPEATS = 3
MAX_REPEATS = 25
SLOW_CALL_SECONDS = 1.0

# Batch of input vectors in the matrix-product reference, as in pnn's simulation benchmark.
BATCH = 4096
SEED = 2024

DECOMPOSITION_SIZES = [64, 256, 1024]

# (case, interpreter, sizes, threads). SIZE is the matrix size N, except for the Qiskit cases
# where it is the number of qubits. threads=None means one thread per core.
CASES = [
    ("numpy_qr", "main", DECOMPOSITION_SIZES + [4096], 1),
    ("numpy_qr_r", "main", DECOMPOSITION_SIZES + [4096], 1),
    ("numpy_svd", "main", [64, 256], 1),
    ("numpy_matmul", "main", [256], 1),
    ("numpy_matmul", "main", [256], None),
    ("sf_rectangular", "sf", DECOMPOSITION_SIZES, 1),
    ("sf_triangular", "sf", DECOMPOSITION_SIZES, 1),
    # The compact variants also multiply full N×N matrices per MZI and took 264 s at N = 256
    # in a trial run, so only N = 64 is timed to keep the whole run short.
    ("sf_rectangular_compact", "sf", [64], 1),
    ("sf_triangular_compact", "sf", [64], 1),
    ("interferometer_square", "main", DECOMPOSITION_SIZES, 1),
    ("interferometer_triangle", "main", DECOMPOSITION_SIZES, 1),
    ("perceval_triangle", "main", DECOMPOSITION_SIZES, 1),
    ("qiskit_kak", "main", [2], 1),
    ("qiskit_qsd", "main", [3, 4, 5, 6, 7, 8], 1),
]

# Distribution that each case's versions come from, reported next to its times.
DISTRIBUTIONS = {
    "numpy": ["numpy"],
    "sf": ["strawberryfields", "numpy", "scipy"],
    "interferometer": ["interferometer", "numpy"],
    "perceval": ["perceval-quandela", "numpy"],
    "qiskit": ["qiskit", "numpy", "scipy"],
}


def haar_unitary(size: int):
    """Return a Haar-random unitary of SciPy's `unitary_group` with a fixed seed."""
    from scipy.stats import unitary_group

    return unitary_group.rvs(size, random_state=SEED + size)


def prepare(case: str, size: int):
    """Return `(call, after)`: the timed call, and an untimed function of its result that
    returns extra facts (the CX count for Qiskit), or None."""
    import numpy as np

    if case in ("numpy_qr", "numpy_qr_r"):
        matrix = haar_unitary(size)
        mode = "reduced" if case == "numpy_qr" else "r"
        return (lambda: np.linalg.qr(matrix, mode=mode)), None
    if case == "numpy_svd":
        rng = np.random.default_rng(SEED)
        weight = rng.standard_normal((size, size)) + 1j * rng.standard_normal((size, size))
        return (lambda: np.linalg.svd(weight)), None
    if case == "numpy_matmul":
        rng = np.random.default_rng(SEED)
        transfer = haar_unitary(size)
        batch = rng.standard_normal((size, BATCH)) + 1j * rng.standard_normal((size, BATCH))
        return (lambda: transfer @ batch), None
    if case.startswith("sf_"):
        from strawberryfields import decompositions

        function = getattr(decompositions, case.removeprefix("sf_"))
        matrix = haar_unitary(size)
        return (lambda: function(matrix)), None
    if case.startswith("interferometer_"):
        import interferometer

        function = getattr(interferometer, case.removeprefix("interferometer_") + "_decomposition")
        matrix = haar_unitary(size)
        return (lambda: function(matrix)), None
    if case == "perceval_triangle":
        import perceval as pcvl

        matrix = pcvl.Matrix(haar_unitary(size))
        mzi = (
            pcvl.BS()
            // (0, pcvl.PS(phi=pcvl.P("phi_a")))
            // pcvl.BS()
            // (1, pcvl.PS(phi=pcvl.P("phi_b")))
        )

        def decompose():
            return pcvl.Circuit.decomposition(
                matrix,
                mzi,
                phase_shifter_fn=pcvl.PS,
                shape=pcvl.InterferometerShape.TRIANGLE,
            )

        def check(circuit):
            if circuit is None:
                raise RuntimeError("Perceval found no decomposition")
            error = float(np.abs(np.array(circuit.compute_unitary()) - np.array(matrix)).max())
            return {"max_abs_error": error}

        return decompose, check
    if case == "qiskit_kak":
        from qiskit.circuit.library import CXGate
        from qiskit.synthesis import TwoQubitBasisDecomposer

        decomposer = TwoQubitBasisDecomposer(CXGate())
        matrix = haar_unitary(4)
        return (lambda: decomposer(matrix)), None
    if case == "qiskit_qsd":
        from qiskit import transpile
        from qiskit.synthesis import qs_decomposition

        matrix = haar_unitary(2**size)

        def count_cx(circuit):
            # Optimization level 0 only translates the gates, so the count is that of the
            # synthesized circuit itself.
            lowered = transpile(circuit, basis_gates=["u", "cx"], optimization_level=0)
            return {
                "cx": int(lowered.count_ops().get("cx", 0)),
                "cx_as_synthesized": int(circuit.count_ops().get("cx", 0)),
            }

        return (lambda: qs_decomposition(matrix)), count_cx
    raise SystemExit(f"unknown case `{case}`")


def versions(case: str) -> dict:
    """Return the versions of the packages behind `case` and of the BLAS that NumPy uses."""
    from importlib.metadata import PackageNotFoundError, version

    from threadpoolctl import threadpool_info

    family = case.split("_")[0]
    found = {"python": sys.version.split()[0]}
    for distribution in DISTRIBUTIONS.get(family, ["numpy"]):
        try:
            found[distribution] = version(distribution)
        except PackageNotFoundError:
            found[distribution] = None
    blas = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    # SciPy may load its own OpenBLAS next to NumPy's, so NumPy's is picked by its path.
    blas.sort(key=lambda pool: "numpy" not in pool.get("filepath", ""))
    if blas:
        pool = blas[0]
        found["blas"] = (
            f"{pool.get('internal_api')} {pool.get('version')} "
            f"({pool.get('architecture')}, {pool.get('num_threads')} threads)"
        )
    return found


def measure(case: str, size: int) -> dict:
    """Time `case` at `size` and return the samples, their median and the case's facts."""
    call, after = prepare(case, size)
    start = time.perf_counter()
    result = call()
    first = time.perf_counter() - start
    extra = after(result) if after else {}

    samples = [first]
    if first < SLOW_CALL_SECONDS:
        # The first call warmed caches and imports, so it is dropped from a repeated series.
        # Calls shorter than about 10 ms are timed in loops, so each sample spans at least that.
        calls_per_sample = max(1, int(0.01 / max(first, 1e-9)))
        samples = []
        while len(samples) < MAX_REPEATS and (
            len(samples) < MIN_REPEATS or sum(samples) * calls_per_sample < REPEAT_BUDGET_SECONDS
        ):
            start = time.perf_counter()
            for _ in range(calls_per_sample):
                call()
            samples.append((time.perf_counter() - start) / calls_per_sample)
    return {
        "case": case,
        "size": size,
        "median_seconds": statistics.median(samples),
        "samples": len(samples),
        "extra": extra,
        "versions": versions(case),
    }


def extrapolate(timings: list[tuple[int, float]], size: int) -> tuple[float, float]:
    """Return `(predicted seconds, exponent)` at `size` from a power law through the last two
    timings, or with exponent 3 from a single one."""
    import math

    (last_size, last_seconds) = timings[-1]
    exponent = 3.0
    if len(timings) >= 2:
        (previous_size, previous_seconds) = timings[-2]
        exponent = math.log(last_seconds / previous_seconds) / math.log(last_size / previous_size)
    return last_seconds * (size / last_size) ** exponent, exponent


def run_case(python: str, case: str, sizes: list[int], threads, timeout: float) -> list[dict]:
    """Measure one case at increasing sizes in child processes, skipping sizes that the
    sizes already timed predict to exceed `timeout`, and stopping after a failure."""
    environment = dict(os.environ)
    thread_count = threads or os.cpu_count() or 1
    for variable in THREAD_VARIABLES:
        environment[variable] = str(thread_count)

    records = []
    timings: list[tuple[int, float]] = []
    stopped = None
    for size in sizes:
        record = {"case": case, "size": size, "threads": thread_count}
        if stopped:
            record.update(status="skipped", reason=stopped)
            records.append(record)
            continue
        if timings:
            predicted, exponent = extrapolate(timings, size)
            if predicted > timeout:
                scaling = (
                    f"O(N^{exponent:.1f}) scaling measured over the last two sizes"
                    if len(timings) >= 2
                    else f"an assumed O(N^{exponent:.0f}) scaling"
                )
                record.update(
                    status="skipped",
                    reason=f"predicted {predicted:,.0f} s from {scaling}, over the {timeout:.0f} s limit",
                    predicted_seconds=predicted,
                )
                records.append(record)
                continue
        command = [python, os.path.abspath(__file__), "measure", case, str(size)]
        print(f"peers: {case} at {size} ({thread_count} threads)", file=sys.stderr, flush=True)
        try:
            completed = subprocess.run(
                command, env=environment, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            stopped = f"the call at {size} timed out after {timeout:.0f} s"
            record.update(status="timeout", reason=f"timed out after {timeout:.0f} s")
            records.append(record)
            continue
        if completed.returncode != 0:
            error = completed.stderr.strip().splitlines()
            message = error[-1] if error else f"exit status {completed.returncode}"
            stopped = f"the call at {size} failed: {message}"
            record.update(status="failed", reason=message)
            records.append(record)
            continue
        record.update(json.loads(completed.stdout.strip().splitlines()[-1]), status="ok")
        timings.append((size, record["median_seconds"]))
        records.append(record)
    return records


def probe_interpreter(python: str) -> dict:
    """Return whether `python` exists, with its version or the reason it cannot be used."""
    if not python or not os.path.exists(python):
        return {"available": False, "reason": f"interpreter not found: {python!r}"}
    completed = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        return {"available": False, "reason": completed.stderr.strip()}
    return {"available": True, "python": completed.stdout.strip()}


def run_all(arguments) -> None:
    interpreters = {"main": arguments.main_python, "sf": arguments.sf_python}
    status = {key: probe_interpreter(python) for key, python in interpreters.items()}
    results = []
    for case, interpreter, sizes, threads in CASES:
        if arguments.only and case not in arguments.only:
            continue
        if not status[interpreter]["available"]:
            reason = status[interpreter]["reason"]
            results.extend(
                {"case": case, "size": size, "status": "failed", "reason": reason}
                for size in sizes
            )
            continue
        results.extend(
            run_case(interpreters[interpreter], case, sizes, threads, arguments.timeout)
        )
    output = {
        "timeout_seconds": arguments.timeout,
        "interpreters": {key: {"path": interpreters[key], **status[key]} for key in status},
        "results": results,
    }
    with open(arguments.output, "w", encoding="utf-8") as file:
        json.dump(output, file, indent=1)
    print(f"peers: wrote {arguments.output}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    measure_parser = commands.add_parser("measure", help="time one case at one size, print JSON")
    measure_parser.add_argument("case")
    measure_parser.add_argument("size", type=int)
    run_parser = commands.add_parser("run", help="time every case in child processes")
    run_parser.add_argument("--main-python", required=True, help="interpreter of requirements.txt")
    run_parser.add_argument(
        "--sf-python", required=True, help="interpreter of requirements-strawberryfields.txt"
    )
    run_parser.add_argument("--output", required=True, help="JSON file to write")
    run_parser.add_argument(
        "--timeout", type=float, default=600.0, help="limit of one measurement, in seconds"
    )
    run_parser.add_argument("--only", nargs="*", help="run only these cases")
    arguments = parser.parse_args()

    if arguments.command == "measure":
        # A direct run gets one BLAS thread unless the caller chose otherwise; NumPy reads
        # these variables once, when it is first imported below.
        for variable in THREAD_VARIABLES:
            os.environ.setdefault(variable, "1")
        print(json.dumps(measure(arguments.case, arguments.size)))
    else:
        run_all(arguments)


if __name__ == "__main__":
    main()
