"""Write the performance section of docs/benchmarks.md from the results of bench/run.sh.

Reads criterion's estimates (`<criterion>/<group>/<id>/new/estimates.json`, median in ns),
the probe results (`accuracy.jsonl`, `qsd.jsonl`, `memory.json`, `memory-time.txt`) and the
peers (`peers.json`) from the results folder. It replaces the text between
PERFORMANCE_BEGIN and PERFORMANCE_END in benchmarks.md, or appends the section when the
markers are missing, and leaves the rest of the page as it is. It also draws
benchmarks-decomposition.svg next to the page.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
from pathlib import Path

PERFORMANCE_BEGIN = "<!-- performance:begin -->"
PERFORMANCE_END = "<!-- performance:end -->"
PERFORMANCE_HEADING = "## Performance against peers"
PLOT_NAME = "benchmarks-decomposition.svg"
GIB_KIB = 1024 * 1024

DECOMPOSITION_SIZES = [64, 256, 1024, 4096]


# ---------------------------------------------------------------------------------------------
# Loading


def criterion_median(criterion: Path, group: str, bench_id: str) -> float | None:
    """Return criterion's median estimate in seconds, or None when the bench did not run."""
    path = criterion / group / bench_id / "new" / "estimates.json"
    if not path.exists():
        return None
    estimates = json.loads(path.read_text())
    return estimates["median"]["point_estimate"] * 1e-9


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class Peers:
    """Peer results of peers.json, looked up by case, size and thread count."""

    def __init__(self, path: Path):
        self.data = json.loads(path.read_text()) if path.exists() else {"results": []}
        self.results = self.data["results"]

    def record(self, case: str, size: int, threads: int | None = 1) -> dict | None:
        for record in self.results:
            if record["case"] != case or record["size"] != size:
                continue
            if threads is not None and record.get("threads", 1) != threads:
                continue
            return record
        return None

    def seconds(self, case: str, size: int, threads: int | None = 1) -> float | None:
        record = self.record(case, size, threads)
        if record and record.get("status") == "ok":
            return record["median_seconds"]
        return None

    def cell(self, case: str, size: int, threads: int | None = 1) -> str:
        """Return the median time, or why there is none."""
        record = self.record(case, size, threads)
        if record is None:
            return "not timed"
        if record.get("status") == "ok":
            return format_seconds(record["median_seconds"])
        if record.get("status") == "skipped" and "predicted_seconds" in record:
            return f"skipped (≈{format_seconds(record['predicted_seconds'])} predicted)"
        return record.get("status", "not timed")

    def multi_thread_count(self, case: str, size: int) -> int | None:
        counts = [
            record.get("threads", 1)
            for record in self.results
            if record["case"] == case and record["size"] == size and record.get("threads", 1) > 1
        ]
        return max(counts) if counts else None


# ---------------------------------------------------------------------------------------------
# Formatting


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    if seconds < 1000.0:
        return f"{seconds:.3g} s"
    return f"{seconds:,.0f} s"


def format_ratio(numerator: float | None, denominator: float | None) -> str:
    """Return numerator / denominator as a compact number, or a dash when one is missing."""
    if numerator is None or denominator is None or denominator == 0:
        return "–"
    ratio = numerator / denominator
    if ratio >= 0.01:
        return f"{ratio:.3g}"
    return f"{ratio:.2e}"


def format_kib(kib: float | None) -> str:
    if kib is None:
        return "–"
    return f"{kib / 1024:.0f} MiB"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Machine and versions


def command_output(command: list[str]) -> str | None:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return completed.stdout.strip()


def machine_facts() -> list[tuple[str, str]]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        if match:
            cpu = match.group(1).strip()
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.MULTILINE)
        if match:
            memory = f"{int(match.group(1)) / GIB_KIB:.1f} GiB"
    system = platform.system()
    os_release = Path("/etc/os-release")
    if os_release.exists():
        match = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', os_release.read_text(), re.MULTILINE)
        if match:
            system = match.group(1)
    return [
        ("CPU", f"{cpu} ({os.cpu_count()} cores visible)"),
        ("Memory", memory),
        ("OS", f"{system}, Linux {platform.release()}"),
    ]


def source_revision() -> str:
    commit = command_output(["git", "rev-parse", "--short=12", "HEAD"])
    if commit is None:
        return "unknown (not a git checkout)"
    changed = command_output(["git", "status", "--porcelain", "--", "src", "Cargo.toml"])
    return f"{commit}, with uncommitted changes in src/ or Cargo.toml" if changed else commit


def tool_versions(peers: Peers) -> list[tuple[str, str]]:
    rows = [
        ("rustc", command_output(["rustc", "--version"]) or "unknown"),
        ("pnn source", source_revision()),
    ]
    for key, interpreter in peers.data.get("interpreters", {}).items():
        label = "Python (Strawberry Fields venv)" if key == "sf" else "Python (peers venv)"
        if not interpreter.get("available"):
            rows.append((label, f"unavailable: {interpreter.get('reason')}"))
            continue
        packages: dict[str, str] = {}
        blas = None
        for record in peers.results:
            versions = record.get("versions")
            if record.get("status") != "ok" or not versions:
                continue
            if (key == "sf") != record["case"].startswith("sf_"):
                continue
            for name, version in versions.items():
                if name not in ("python", "blas") and version:
                    packages[name] = version
            blas = blas or versions.get("blas")
        described = ", ".join(f"{name} {version}" for name, version in sorted(packages.items()))
        rows.append((label, f"{interpreter.get('python')}: {described}"))
        if blas:
            # The thread count is per measurement; the table states it where it matters.
            rows.append((f"BLAS ({'SF' if key == 'sf' else 'peers'} venv)", blas.split(" (")[0]))
    return rows


# ---------------------------------------------------------------------------------------------
# Sections


def decomposition_section(criterion: Path, peers: Peers, memory: dict | None) -> tuple[str, dict]:
    """Return the decomposition tables and the pnn times by (mesh, N)."""
    pnn: dict[tuple[str, int], float] = {}
    single_run: set[tuple[str, int]] = set()
    for mesh in ("clements", "reck"):
        for size in DECOMPOSITION_SIZES:
            seconds = criterion_median(criterion, mesh, str(size))
            if seconds is not None:
                pnn[(mesh, size)] = seconds
    if memory and ("clements", memory["modes"]) not in pnn:
        pnn[("clements", memory["modes"])] = memory["seconds"]
        single_run.add(("clements", memory["modes"]))

    def pnn_cell(mesh: str, size: int) -> str:
        seconds = pnn.get((mesh, size))
        text = format_seconds(seconds)
        return text + " (one run)" if (mesh, size) in single_run else text

    sizes = [size for size in DECOMPOSITION_SIZES if any((m, size) in pnn for m in ("clements", "reck"))]
    lapack_rows = []
    for size in sizes:
        qr = peers.seconds("numpy_qr", size)
        qr_r = peers.seconds("numpy_qr_r", size)
        lapack_rows.append(
            [
                str(size),
                pnn_cell("clements", size),
                pnn_cell("reck", size),
                peers.cell("numpy_qr", size),
                peers.cell("numpy_qr_r", size),
                format_ratio(pnn.get(("clements", size)), qr),
                format_ratio(pnn.get(("reck", size)), qr),
                format_ratio(pnn.get(("clements", size)), qr_r),
            ]
        )
    lapack = table(
        [
            "N",
            "pnn Clements",
            "pnn Reck",
            "`numpy.linalg.qr` (Q and R)",
            "`qr(mode='r')`",
            "Clements / qr",
            "Reck / qr",
            "Clements / qr(r)",
        ],
        lapack_rows,
    )

    def peer_table(mesh: str, cases: list[tuple[str, str]]) -> str:
        header = ["N", f"pnn {mesh.capitalize()}"]
        for _, label in cases:
            header += [label, f"pnn / {label.split(' ')[0]}"]
        rows = []
        for size in sizes:
            row = [str(size), pnn_cell(mesh, size)]
            for case, _ in cases:
                row += [
                    peers.cell(case, size),
                    format_ratio(pnn.get((mesh, size)), peers.seconds(case, size)),
                ]
            rows.append(row)
        return table(header, rows)

    rectangular = peer_table(
        "clements",
        [
            ("sf_rectangular", "SF `rectangular`"),
            ("sf_rectangular_compact", "SF `rectangular_compact`"),
            ("interferometer_square", "interferometer `square_decomposition`"),
        ],
    )
    triangular = peer_table(
        "reck",
        [
            ("sf_triangular", "SF `triangular`"),
            ("sf_triangular_compact", "SF `triangular_compact`"),
            ("interferometer_triangle", "interferometer `triangle_decomposition`"),
            ("perceval_triangle", "Perceval `Circuit.decomposition`"),
        ],
    )
    text = f"""### Mesh decomposition

Input: one Haar-random N×N unitary per size (pnn draws it with `pnn::random::haar_unitary`, the
peers with SciPy's `unitary_group`). pnn times are criterion medians of 10 samples
(`benches/decompose.rs`); "one run" marks the 4096-mode Clements time taken from the memory
probe below, used when criterion did not run that size (`PNN_BENCH_LARGE=1` adds it). The
LAPACK reference is `numpy.linalg.qr` of the same kind of matrix with one thread, in its
default mode (Householder QR and the explicit Q) and in mode `'r'` (the factorization only).

![Decomposition time against N]({PLOT_NAME})

Against LAPACK (ratios are pnn / NumPy; below 1 pnn is faster):

{lapack}

Clements against rectangular peers (SF is Strawberry Fields; ratios are pnn / peer). A peer
call slower than 1 s is timed once. The SF `_compact` variants are timed at N = 64 only, because
they too multiply full N×N matrices for each MZI and took 264 s at N = 256 in a trial run.

{rectangular}

Reck against triangular peers. Perceval's `Circuit.decomposition` solves each MZI numerically
with a default precision of 1e-6, so its meshes are less exact than the others:

{triangular}
"""
    return text, pnn


def accuracy_section(accuracy: list[dict]) -> str:
    if not accuracy:
        return "### Accuracy\n\nThe accuracy probe did not run.\n"
    by_key = {(entry["mesh"], entry["modes"]): entry for entry in accuracy}
    sizes = sorted({entry["modes"] for entry in accuracy})
    rows = []
    for size in sizes:
        row = [str(size)]
        for mesh in ("clements", "reck"):
            entry = by_key.get((mesh, size))
            row.append(f"{entry['max_abs_error']:.2e}" if entry else "–")
        rows.append(row)
    return f"""### Accuracy

Max-abs entry of `Mesh::matrix() − U` for the benchmark's Haar unitaries
(`probe accuracy MESH N` in `benches/probe.rs`):

{table(["N", "Clements", "Reck"], rows)}
"""


def simulation_section(criterion: Path, peers: Peers) -> tuple[str, dict]:
    apply = criterion_median(criterion, "simulate", "mesh_apply_256x4096")
    all_cores = criterion_median(criterion, "simulate", "mesh_apply_256x4096_all_cores")
    nalgebra = criterion_median(criterion, "simulate", "composed_product_256x4096")
    cores = os.cpu_count()
    numpy_one = peers.seconds("numpy_matmul", 256, threads=1)
    threads = peers.multi_thread_count("numpy_matmul", 256)
    numpy_many = peers.seconds("numpy_matmul", 256, threads=threads) if threads else None
    rows = [
        ["pnn `Mesh::apply` (32,640 MZIs), 1 thread", format_seconds(apply), "1"],
        [
            f"pnn `Mesh::apply`, rayon on all {cores} cores",
            format_seconds(all_cores),
            format_ratio(apply, all_cores),
        ],
        [
            "nalgebra product with the composed matrix",
            format_seconds(nalgebra),
            format_ratio(apply, nalgebra),
        ],
        ["NumPy `U @ X`, 1 thread", format_seconds(numpy_one), format_ratio(apply, numpy_one)],
    ]
    if threads:
        rows.append(
            [
                f"NumPy `U @ X`, {threads} threads",
                format_seconds(numpy_many),
                format_ratio(apply, numpy_many),
            ]
        )
    text = f"""### Mesh simulation

A compiled 256-mode Clements mesh applied to a batch of 4096 complex input vectors
(`benches/simulate.rs`), against one complex matrix product of the same size: the composed
256×256 transfer matrix times a 256×4096 batch. The first row runs pnn on a one-thread rayon
pool, the second on the default pool (one thread per core).

{table(["", "median", "pnn apply / this"], rows)}
"""
    return text, {
        "apply": apply,
        "all_cores": all_cores,
        "cores": cores,
        "numpy_one": numpy_one,
        "nalgebra": nalgebra,
    }


def lowering_section(criterion: Path, peers: Peers) -> str:
    rows = []
    for size in (64, 256):
        pnn = criterion_median(criterion, "split_linear", str(size))
        rows.append(
            [
                str(size),
                format_seconds(pnn),
                peers.cell("numpy_svd", size),
                format_ratio(pnn, peers.seconds("numpy_svd", size)),
            ]
        )
    return f"""### SVD lowering

`pnn::lower::split_linear` of a dense complex N×N weight: the SVD (faer) and the
completion of both factors to square unitaries. The reference is `numpy.linalg.svd` of a
complex N×N matrix with one thread (LAPACK `zgesdd`).

{table(["N", "pnn `split_linear`", "`numpy.linalg.svd`", "pnn / NumPy"], rows)}
"""


def synthesis_section(criterion: Path, peers: Peers, qsd: list[dict]) -> tuple[str, dict]:
    counts = {entry["qubits"]: entry for entry in qsd}
    rows = []
    facts = {}
    for qubits in range(3, 9):
        pnn = criterion_median(criterion, "qsd", str(qubits))
        qiskit = peers.seconds("qiskit_qsd", qubits)
        record = peers.record("qiskit_qsd", qubits)
        qiskit_cx = record["extra"]["cx"] if record and record.get("status") == "ok" else None
        pnn_cx = counts.get(qubits, {}).get("cx")
        error = counts.get(qubits, {}).get("max_abs_error")
        facts[qubits] = {"pnn": pnn, "qiskit": qiskit, "pnn_cx": pnn_cx, "qiskit_cx": qiskit_cx}
        rows.append(
            [
                str(qubits),
                format_seconds(pnn),
                peers.cell("qiskit_qsd", qubits),
                format_ratio(pnn, qiskit),
                str(pnn_cx) if pnn_cx is not None else "–",
                str(qiskit_cx) if qiskit_cx is not None else "–",
                f"{error:.1e}" if error is not None else "–",
            ]
        )
    kak = criterion_median(criterion, "kak", "two_qubit_cx")
    qiskit_kak = peers.seconds("qiskit_kak", 2)
    text = f"""### Qubit synthesis

Shannon decomposition of a Haar-random 2^n × 2^n unitary: `pnn::synthesize::qsd::synthesize`
(criterion, `benches/synthesize.rs`) against `qiskit.synthesis.qs_decomposition` with its
default options. Qiskit's CX count is that of its circuit transpiled to `['u', 'cx']` at
optimization level 0, which equals the count in the synthesized circuit. pnn's count and its
max-abs error against the input come from `probe qsd n`.

{table(["n", "pnn", "Qiskit", "pnn / Qiskit", "pnn CX", "Qiskit CX", "pnn error"], rows)}

Two-qubit KAK with the minimal CX count: pnn `two_qubit_cx` {format_seconds(kak)} (criterion,
100 samples), Qiskit `TwoQubitBasisDecomposer(CXGate())` {format_seconds(qiskit_kak)}, ratio
{format_ratio(kak, qiskit_kak)}.
"""
    return text, facts


def front_end_section(criterion: Path) -> str:
    parse_check = criterion_median(criterion, "frontend", "parse_check_10000_layers")
    compile_source = criterion_median(criterion, "frontend", "compile_source_10000_layers")
    return f"""### Front end

A generated `.pnn` file of one network with 10,000 `phase` layers of width 4 in a chain
(`benches/frontend.rs`): `syntax::parse` and `check::check` take {format_seconds(parse_check)},
and the whole `Compiler::compile_source` (lowering, optimization and validation included)
{format_seconds(compile_source)}. No peer compiles this language.
"""


def memory_facts(results: Path) -> dict | None:
    memory_path = results / "memory.json"
    if not memory_path.exists():
        return None
    memory = json.loads(memory_path.read_text())
    time_path = results / "memory-time.txt"
    if time_path.exists():
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_path.read_text())
        if match:
            memory["max_rss_kib"] = int(match.group(1))
    return memory


def memory_section(memory: dict | None) -> str:
    if memory is None:
        return "### Memory\n\nThe memory probe did not run.\n"
    matrix_kib = memory["modes"] ** 2 * 16 / 1024
    return f"""### Memory

`/usr/bin/time -v` on `probe memory clements {memory['modes']}`, a release binary that draws one
{memory['modes']}×{memory['modes']} Haar unitary and decomposes it once
({memory['mzis']:,} MZIs, {format_seconds(memory['seconds'])}).

| | resident memory |
|---|---|
| peak of the whole process (`Maximum resident set size`) | {format_kib(memory.get('max_rss_kib'))} |
| peak while drawing the Haar unitary (nalgebra QR) | {format_kib(memory.get('input_peak_kib'))} |
| after drawing, before decomposing (the input matrix: {matrix_kib / 1024:.0f} MiB) | {format_kib(memory.get('input_resident_kib'))} |
| peak during the decomposition alone (VmHWM after a reset) | {format_kib(memory.get('decompose_peak_kib'))} |
"""


def unmeasured_section(peers: Peers) -> str:
    rows = []
    for record in peers.results:
        if record.get("status") == "ok":
            continue
        rows.append([record["case"], str(record["size"]), record.get("status", ""), record.get("reason", "")])
    if not rows:
        return ""
    return f"""### Peer sizes not measured

A peer's sizes run in increasing order, each in a fresh process with a limit of
{peers.data.get('timeout_seconds', 0):.0f} s. A size is skipped when a power law through the
two previous sizes predicts more than the limit, and every size after a timeout or a failure is
skipped.

{table(["case", "N or qubits", "status", "reason"], rows)}
"""


def targets_section(pnn: dict, peers: Peers, accuracy: list[dict], simulation: dict, synthesis: dict, memory: dict | None) -> str:
    rows = []

    def status(value: float | None, limit: float, at_most: bool = True) -> str:
        if value is None:
            return "not measured"
        met = value <= limit if at_most else value >= limit
        return "met" if met else "**not met**"

    qr_1024 = peers.seconds("numpy_qr", 1024)
    for mesh in ("clements", "reck"):
        ratio = pnn[(mesh, 1024)] / qr_1024 if (mesh, 1024) in pnn and qr_1024 else None
        rows.append(
            [
                f"{mesh.capitalize()} at N = 1024 ≤ 2× `numpy.linalg.qr` (1 thread)",
                f"{ratio:.2f}×" if ratio is not None else "–",
                status(ratio, 2.0),
            ]
        )
    for mesh, case in (("clements", "sf_rectangular"), ("reck", "sf_triangular")):
        sf = peers.seconds(case, 256)
        speedup = sf / pnn[(mesh, 256)] if sf and (mesh, 256) in pnn else None
        rows.append(
            [
                f"{mesh.capitalize()} at N = 256 ≥ 10,000× faster than SF `{case[3:]}`",
                f"{speedup:,.0f}× faster" if speedup is not None else "–",
                status(speedup, 10_000, at_most=False),
            ]
        )
    by_key = {(entry["mesh"], entry["modes"]): entry for entry in accuracy}
    for mesh in ("clements", "reck"):
        entry = by_key.get((mesh, 1024))
        error = entry["max_abs_error"] if entry else None
        rows.append(
            [
                f"{mesh.capitalize()} max-abs error at N = 1024 ≤ 1e-12",
                f"{error:.1e}" if error is not None else "–",
                status(error, 1e-12),
            ]
        )
    apply, product = simulation["apply"], simulation["numpy_one"]
    ratio = apply / product if apply and product else None
    rows.append(
        [
            "Mesh simulation, N = 256, batch 4096 ≤ 1.5× one complex product (NumPy, 1 thread)",
            f"{ratio:.2f}×" if ratio is not None else "–",
            status(ratio, 1.5),
        ]
    )
    all_cores = simulation["all_cores"]
    ratio = all_cores / product if all_cores and product else None
    rows.append(
        [
            f"Mesh simulation on all {simulation['cores']} cores faster than that product",
            f"{ratio:.2f}×" if ratio is not None else "–",
            status(ratio, 1.0),
        ]
    )
    for qubits, qiskit_count in ((7, 7319), (8, 29655)):
        facts = synthesis.get(qubits, {})
        ratio = facts["pnn"] / facts["qiskit"] if facts.get("pnn") and facts.get("qiskit") else None
        rows.append(
            [
                f"QSD n = {qubits} no slower than Qiskit",
                f"{ratio:.2f}× Qiskit's time" if ratio is not None else "–",
                status(ratio, 1.0),
            ]
        )
        count = facts.get("pnn_cx")
        rows.append(
            [
                f"QSD n = {qubits} CX count ≤ {qiskit_count:,} (Qiskit measured: {facts.get('qiskit_cx')})",
                f"{count:,}" if count is not None else "–",
                status(count, qiskit_count),
            ]
        )
    peak = memory.get("max_rss_kib") if memory else None
    rows.append(
        [
            "4096-mode Clements peak resident memory < 1 GiB",
            format_kib(peak),
            status(peak, GIB_KIB - 1),
        ]
    )
    return f"""### Targets

{table(["target", "measured", "status"], rows)}
"""


# ---------------------------------------------------------------------------------------------
# Plot and page


def draw_plot(path: Path, pnn: dict, peers: Peers) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # A fixed salt and no date keep the SVG identical between runs with the same numbers.
    plt.rcParams["svg.hashsalt"] = "pnn-benchmarks"
    figure, axes = plt.subplots(figsize=(7.5, 5.0))
    series = [
        ("pnn Clements", [(n, pnn.get(("clements", n))) for n in DECOMPOSITION_SIZES], "o-", "C0"),
        ("pnn Reck", [(n, pnn.get(("reck", n))) for n in DECOMPOSITION_SIZES], "s-", "C1"),
    ]
    peer_series = [
        ("numpy.linalg.qr (1 thread)", "numpy_qr", "k--"),
        ("SF rectangular", "sf_rectangular", "^-"),
        ("SF triangular", "sf_triangular", "v-"),
        ("SF rectangular_compact", "sf_rectangular_compact", "<-"),
        ("SF triangular_compact", "sf_triangular_compact", ">-"),
        ("interferometer square", "interferometer_square", "d-"),
        ("interferometer triangle", "interferometer_triangle", "D-"),
        ("Perceval triangle", "perceval_triangle", "x-"),
    ]
    for label, case, style in peer_series:
        series.append((label, [(n, peers.seconds(case, n)) for n in DECOMPOSITION_SIZES], style, None))
    for label, points, style, color in series:
        points = [(n, t) for n, t in points if t is not None]
        if not points:
            continue
        sizes, times = zip(*points)
        style_options = {"color": color} if color else {}
        axes.plot(sizes, times, style, label=label, markersize=5, **style_options)
    axes.set_xscale("log", base=2)
    axes.set_xticks(DECOMPOSITION_SIZES, [str(size) for size in DECOMPOSITION_SIZES])
    axes.set_yscale("log")
    axes.set_xlabel("modes N")
    axes.set_ylabel("median time of one decomposition [s]")
    axes.set_title("Decomposition of a Haar-random N×N unitary, one thread")
    axes.grid(True, which="major", alpha=0.4)
    axes.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def write_page(page: Path, body: str) -> None:
    """Replace the text between the performance markers of `page`, or append the section.

    The heading stays outside the markers, so a tool that rewrites another `## ` section up to
    the next `## ` heading stops before them.
    """
    block = f"{PERFORMANCE_BEGIN}\n{body.strip()}\n{PERFORMANCE_END}"
    heading = f"{PERFORMANCE_HEADING}\n\n"
    if not page.exists():
        page.write_text(
            "# Benchmarks\n\nMeasured performance of pnn and of comparable tools.\n\n"
            + heading
            + block
            + "\n"
        )
        return
    text = page.read_text()
    begin, end = text.find(PERFORMANCE_BEGIN), text.find(PERFORMANCE_END)
    if begin != -1 and end > begin:
        text = text[:begin] + block + text[end + len(PERFORMANCE_END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + heading + block + "\n"
    page.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", type=Path, required=True, help="criterion output folder")
    parser.add_argument("--results", type=Path, required=True, help="probe and peer results")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="folder of benchmarks.md")
    parser.add_argument(
        "--provisional",
        action="store_true",
        help="mark the numbers as taken on a machine with other load",
    )
    arguments = parser.parse_args()

    peers = Peers(arguments.results / "peers.json")
    accuracy = read_jsonl(arguments.results / "accuracy.jsonl")
    qsd = read_jsonl(arguments.results / "qsd.jsonl")
    memory = memory_facts(arguments.results)

    decomposition, pnn = decomposition_section(arguments.criterion, peers, memory)
    simulation, simulation_facts = simulation_section(arguments.criterion, peers)
    synthesis, synthesis_facts = synthesis_section(arguments.criterion, peers, qsd)
    machine = table(["", "version or model"], [list(row) for row in machine_facts() + tool_versions(peers)])
    provisional = ""
    if arguments.provisional:
        provisional = (
            "\n**Provisional numbers.** This run shared the machine's two cores with other "
            "work, so times and ratios can be off by a large factor in either direction. They "
            "are to be replaced by a run of `bash bench/run.sh` on an otherwise idle machine.\n"
        )

    section = f"""{provisional}
Generated by `bash bench/run.sh` (from `bench/report.py`), so edit those and not this section.
All times are medians on one thread unless a row states otherwise. The peers run in Python virtual
environments pinned by `bench/peers/requirements.txt` and
`bench/peers/requirements-strawberryfields.txt` (Strawberry Fields 0.23 needs SciPy < 1.14),
with `OMP_NUM_THREADS`, `OPENBLAS_NUM_THREADS` and `MKL_NUM_THREADS` set to 1.

{machine}

{targets_section(pnn, peers, accuracy, simulation_facts, synthesis_facts, memory)}
{decomposition}
{accuracy_section(accuracy)}
{simulation}
{lowering_section(arguments.criterion, peers)}
{synthesis}
{front_end_section(arguments.criterion)}
{memory_section(memory)}
{unmeasured_section(peers)}"""
    arguments.docs.mkdir(parents=True, exist_ok=True)
    draw_plot(arguments.docs / PLOT_NAME, pnn, peers)
    write_page(arguments.docs / "benchmarks.md", section)
    print(f"report: wrote {arguments.docs / 'benchmarks.md'} and {arguments.docs / PLOT_NAME}")


if __name__ == "__main__":
    main()
