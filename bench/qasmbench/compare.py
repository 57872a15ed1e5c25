"""Compare pnn's CX counts with Qiskit's on the QASMBench sample and write the table.

Usage (from the repository root, after `cargo build --release --bin pnnc`):

    python bench/qasmbench/compare.py [--qasmbench DIR] [--pnnc PATH] [--seed N]
                                      [--docs FILE] [--no-write] [--only GLOB]

For every OpenQASM 2 program in DIR (default ../shared/qasmbench), the script

- wraps the program in a .pnn network in a temporary folder, with
  `layer c = circuit(q, import = "PROGRAM")` and basis [u3, cx], measured at the end when the
  program measures, and compiles it with `pnnc build --opt-level 3 --emit qasm3` (and with
  `--opt-level 0` for the CX count before optimization);
- loads the program with Qiskit (`QuantumCircuit.from_qasm_str`) and transpiles it with
  `transpile(circuit, basis_gates=["u3", "cx"], optimization_level=3, seed_transpiler=SEED)`,
  no coupling map;
- transpiles it a second time with its final measurements removed, `routing_method="none"`
  and `qubits_initially_zero=False`, which keeps Qiskit's output equal to the program's
  unitary, as pnn's always is;
- counts CX and depth (final measurements removed) of pnn's OpenQASM 3 output, loaded with
  `qiskit.qasm3.loads`, and of Qiskit's circuits;
- checks, for programs of at most MAX_CHECKED_GATES gates, whether each output's operator
  equals the program's up to global phase.

Programs that pnn rejects (reset, conditionals, mid-circuit measurement, invalid files) are
listed as skipped with pnn's diagnostic. The three programs that measure an undeclared
register (Qiskit rejects them too) are compared a second time with their `measure` lines
removed. The table goes into the section `## CX counts against Qiskit on QASMBench` of
docs/benchmarks.md, which is created when missing; the rest of the file is kept.
"""

import argparse
import datetime
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile
import textwrap
import time

import qiskit
import qiskit.qasm3
import qiskit_qasm3_import
from qiskit import QuantumCircuit, transpile
from qiskit.qasm2 import QASM2ParseError
from qiskit.quantum_info import Operator

ROOT = pathlib.Path(__file__).resolve().parents[2]
SECTION = "## CX counts against Qiskit on QASMBench"
BASIS = ["u3", "cx"]

# Operators are built only for programs with at most this many gates; a 10-qubit operator
# costs a few milliseconds per gate.
MAX_CHECKED_GATES = 20_000

# Explanations, by program name, of the programs on which pnn needs more CX than Qiskit with
# the unitary kept, written after reading both outputs. A losing program missing here gets
# "not explained" in the table.
EXPLANATIONS = {}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--qasmbench",
        type=pathlib.Path,
        default=ROOT.parent / "shared" / "qasmbench",
        help="folder of the QASMBench .qasm programs (default: ../shared/qasmbench)",
    )
    parser.add_argument(
        "--pnnc",
        type=pathlib.Path,
        default=ROOT / "target" / "release" / "pnnc",
        help="pnnc binary (default: target/release/pnnc)",
    )
    parser.add_argument(
        "--seed", type=int, default=2026, help="seed_transpiler of Qiskit (default: 2026)"
    )
    parser.add_argument(
        "--docs",
        type=pathlib.Path,
        default=ROOT / "docs" / "benchmarks.md",
        help="Markdown file whose section gets the table (default: docs/benchmarks.md)",
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the section instead of writing it"
    )
    parser.add_argument(
        "--only",
        default="*",
        help="glob of the program names to compare, e.g. 'qft*' (default: all); implies"
        " --no-write unless every program matches",
    )
    return parser.parse_args()


def without_measurements(text):
    """Returns the program without its `measure` lines."""
    return "".join(
        line + "\n" for line in text.splitlines() if not line.lstrip().startswith("measure")
    )


def measures(text):
    return any(line.lstrip().startswith("measure") for line in text.splitlines())


def declared_qubits(circuit_text):
    return sum(int(size) for size in re.findall(r"\bqreg\s+\w+\s*\[\s*(\d+)\s*\]", circuit_text))


def pnn_source(program, qubits, measured):
    output = "measure(c)" if measured else "c"
    return (
        "network imported {\n"
        "    target quantum(basis = [u3, cx])\n"
        f"    input q: qubit[{qubits}]\n"
        f'    layer c = circuit(q, import = "{program}")\n'
        f"    output {output}\n"
        "}\n"
    )


class PnnError(Exception):
    """pnnc rejected the program; the message is its first diagnostic line."""


def run_pnn(pnnc, program, qubits, measured, level, folder):
    """Compiles the program with pnnc and returns the OpenQASM 3 text and the time taken."""
    wrapper = folder / f"wrapper_O{level}.pnn"
    wrapper.write_text(pnn_source(program, qubits, measured))
    output = folder / f"out_O{level}"
    started = time.perf_counter()
    result = subprocess.run(
        [str(pnnc), "--color", "never", "build", str(wrapper)]
        + ["--opt-level", str(level), "--emit", "qasm3", "-o", str(output)],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        # Diagnostics start with a line like "[E0020] Error: `reset` is not unitary".
        errors = []
        for line in result.stderr.splitlines():
            match = re.match(r"\s*\[(E\d+)\] Error: (.*)", line)
            if match and f"{match[1]} {match[2]}" not in errors:
                errors.append(f"{match[1]} {match[2]}")
        raise PnnError("; ".join(errors) or result.stderr.strip() or "pnnc failed")
    return (output / "imported.qasm3").read_text(), elapsed


def unmeasured(circuit):
    circuit = circuit.copy()
    circuit.remove_final_measurements(inplace=True)
    return circuit


def counts(circuit):
    """Returns (CX count, depth) of a circuit without its final measurements."""
    circuit = unmeasured(circuit)
    return circuit.count_ops().get("cx", 0), circuit.depth()


def transpile_keeping_unitary(circuit, seed):
    """Transpiles the circuit so that the result has its unitary: without its final
    measurements and the zero initial state, and without the final permutation of
    `ElidePermutations` unless that permutation is the identity."""
    options = dict(
        basis_gates=BASIS,
        optimization_level=3,
        seed_transpiler=seed,
        qubits_initially_zero=False,
    )
    circuit = unmeasured(circuit)
    elided = transpile(circuit, **options)
    layout = elided.layout
    if layout is None or layout.final_index_layout() == list(range(circuit.num_qubits)):
        return elided
    return transpile(circuit, routing_method="none", **options)


def same_operator(first, second):
    return Operator(unmeasured(first)).equiv(Operator(unmeasured(second)))


def compare_program(name, text, args, folder):
    """Returns one table row (a dict) for a program text."""
    row = {"circuit": name}
    qubits = declared_qubits(text)
    row["qubits"] = qubits
    measured = measures(text)
    program = folder / "program.qasm"
    program.write_text(text)
    try:
        original_qasm, _ = run_pnn(args.pnnc, program, qubits, measured, 0, folder)
        pnn_qasm, pnn_seconds = run_pnn(args.pnnc, program, qubits, measured, 3, folder)
    except PnnError as error:
        row["skipped"] = f"pnn: {error}"
        return row
    try:
        circuit = QuantumCircuit.from_qasm_str(text)
    except QASM2ParseError as error:
        row["skipped"] = f"Qiskit: {error}"
        return row

    started = time.perf_counter()
    qiskit_circuit = transpile(
        circuit, basis_gates=BASIS, optimization_level=3, seed_transpiler=args.seed
    )
    qiskit_seconds = time.perf_counter() - started
    kept_circuit = transpile_keeping_unitary(circuit, args.seed)
    pnn_circuit = qiskit.qasm3.loads(pnn_qasm)
    row["original_cx"], _ = counts(qiskit.qasm3.loads(original_qasm))
    row["pnn_cx"], row["pnn_depth"] = counts(pnn_circuit)
    row["qiskit_cx"], row["qiskit_depth"] = counts(qiskit_circuit)
    row["kept_cx"], _ = counts(kept_circuit)
    row["pnn_seconds"] = pnn_seconds
    row["qiskit_seconds"] = qiskit_seconds
    layout = qiskit_circuit.layout
    permuted = layout is not None and layout.final_index_layout() != list(range(qubits))
    row["qiskit_permutes"] = permuted

    if circuit.size() <= MAX_CHECKED_GATES:
        row["pnn_equal"] = same_operator(pnn_circuit, circuit)
        row["qiskit_equal"] = same_operator(qiskit_circuit, circuit)
        row["kept_equal"] = same_operator(kept_circuit, circuit)
    row["why"] = verdict(name, row)
    return row


def verdict(name, row):
    """Returns the ok/why cell of a compared program."""
    if row.get("pnn_equal") is False:
        return "**pnn's output is not the program's unitary**"
    if row["pnn_cx"] <= row["qiskit_cx"]:
        return "ok"
    reasons = []
    if row["qiskit_permutes"]:
        reasons.append(
            "Qiskit removes SWAPs into a final qubit permutation (`layout.final_layout`)"
        )
    if row.get("qiskit_equal") is False and not row["qiskit_permutes"]:
        reasons.append("Qiskit's output is not the program's unitary (it uses the final measurements or the zero initial state)")
    if row["pnn_cx"] <= row["kept_cx"]:
        reasons.append(f"with the unitary kept Qiskit needs {row['kept_cx']} CX")
        return "; ".join(reasons)
    reasons.append(EXPLANATIONS.get(name, "not explained"))
    return "; ".join(reasons)


def compare_all(args):
    files = sorted(args.qasmbench.glob(args.only + ".qasm"))
    if not files:
        sys.exit(f"no .qasm files in {args.qasmbench}")
    rows = []
    for path in files:
        text = path.read_text()
        with tempfile.TemporaryDirectory() as folder:
            row = compare_program(path.stem, text, args, pathlib.Path(folder))
        rows.append(row)
        print(f"{path.name}: {row.get('skipped') or row['why']}", file=sys.stderr, flush=True)
        if row.get("skipped", "").startswith("pnn: E0002") and measures(text):
            row["skipped"] += "; compared with its `measure` lines removed"
            repaired = without_measurements(text)
            with tempfile.TemporaryDirectory() as folder:
                row = compare_program(
                    f"{path.stem} (measure lines removed)", repaired, args, pathlib.Path(folder)
                )
            rows.append(row)
            print(f"{path.name} repaired: {row.get('skipped') or row['why']}", file=sys.stderr)
    return rows


def command_line():
    arguments = " ".join(sys.argv[1:])
    return f"python bench/qasmbench/compare.py {arguments}".strip()


def machine():
    model = "unknown CPU"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}"


def pnn_version(pnnc):
    version = subprocess.run([str(pnnc), "--version"], capture_output=True, text=True)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return f"{version.stdout.strip()} (commit {commit.stdout.strip() or 'unknown'})"


def render(rows, args):
    compared = [row for row in rows if "skipped" not in row]
    skipped = [row for row in rows if "skipped" in row]
    at_most = sum(row["pnn_cx"] <= row["qiskit_cx"] for row in compared)
    at_most_kept = sum(row["pnn_cx"] <= row["kept_cx"] for row in compared)
    checked = [row for row in compared if "pnn_equal" in row]
    programs = len({row["circuit"].split(" (")[0] for row in rows})
    method = (
        f"The table compares {programs} OpenQASM 2 programs from the `small/` folder of QASMBench"
        f" (pnnl/QASMBench, commit 357b942), read from the folder given by `--qasmbench`. pnn"
        f" compiles them at `--opt-level 3` and Qiskit with `transpile(circuit,"
        f" basis_gates=['u3', 'cx'], optimization_level=3, seed_transpiler={args.seed})`, both"
        f" into the basis `[u3, cx]` without a coupling map."
        " *original CX* is pnn's count at `--opt-level 0`, the plain translation into the basis."
        " Plain `transpile` may move SWAPs into a final qubit permutation"
        " (`layout.final_layout`), drop diagonal gates before measurements and assume the zero"
        " initial state, so its circuit need not have the program's unitary, while pnn's always"
        " does. *Qiskit CX, unitary kept* therefore transpiles the program without its final"
        " measurements and with `qubits_initially_zero=False`. When Qiskit's"
        " `ElidePermutations` still leaves a final permutation other than the identity, it"
        " transpiles again with `routing_method='none'`. Depths are those of"
        " `QuantumCircuit.depth()` after removing the final measurements, with pnn's OpenQASM 3"
        " output loaded by `qiskit.qasm3.loads`. Programs that measure an undeclared register"
        " are invalid for both tools and are compared with their `measure` lines removed."
    )
    summary = (
        f"pnn needs at most as many CX as Qiskit on {at_most} of {len(compared)} programs, and"
        f" on {at_most_kept} of {len(compared)} against Qiskit with the unitary kept. pnn's"
        f" output equals the program's unitary (up to global phase) on"
        f" {sum(row['pnn_equal'] for row in checked)} of the {len(checked)} programs small"
        f" enough to check (at most {MAX_CHECKED_GATES} gates)."
    )
    lines = [
        SECTION,
        "",
        textwrap.fill(method, width=96, break_on_hyphens=False),
        "",
        textwrap.fill(summary, width=96, break_on_hyphens=False),
        "",
        f"- Machine: {machine()}",
        f"- Python {platform.python_version()}, Qiskit {qiskit.__version__},"
        f" qiskit-qasm3-import {qiskit_qasm3_import.__version__}",
        f"- pnn: {pnn_version(args.pnnc)}",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Command: `{command_line()}`",
        "",
        "| circuit | qubits | original CX | pnn CX | Qiskit CX | Qiskit CX, unitary kept"
        " | pnn depth | Qiskit depth | ok/why |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in compared:
        lines.append(
            f"| {row['circuit']} | {row['qubits']} | {row['original_cx']} | {row['pnn_cx']}"
            f" | {row['qiskit_cx']} | {row['kept_cx']} | {row['pnn_depth']}"
            f" | {row['qiskit_depth']} | {row['why']} |"
        )
    if skipped:
        lines += ["", "Skipped programs:", ""]
        for row in skipped:
            reason = row["skipped"].replace("|", "\\|")
            lines.append(f"- {row['circuit']}: {reason}")
    return "\n".join(lines) + "\n"


def write_section(docs, section):
    """Replaces the section in docs (from its heading to the next `## ` heading)."""
    text = docs.read_text() if docs.exists() else "# Benchmarks\n"
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(SECTION))
        rest = "" if following < 0 else text[following + 1 :]
        text = text[:start] + section + ("\n" + rest if rest else "")
    docs.write_text(text)


def main():
    args = parse_arguments()
    if not args.pnnc.exists():
        sys.exit(
            f"pnnc not found at {args.pnnc}: build it with `cargo build --release --bin pnnc`"
            " or pass --pnnc"
        )
    args.pnnc = args.pnnc.resolve()
    rows = compare_all(args)
    section = render(rows, args)
    if args.no_write or args.only != "*":
        print(section, end="")
    else:
        write_section(args.docs, section)
        print(f"wrote {SECTION!r} into {args.docs}", file=sys.stderr)


if __name__ == "__main__":
    main()
