#!/usr/bin/env bash
# Runs pnn's benchmarks and its peers side by side and writes docs/benchmarks.md.
#
#   bash bench/run.sh [--skip-pnn] [--skip-peers] [--skip-memory]
#
# It runs the criterion benchmarks of pnn in release (`cargo bench`) and the `probe` bench
# binary for accuracy, CX counts and the peak memory of a 4096-mode Clements decomposition
# (under /usr/bin/time -v). Then it times the Python peers (bench/peers/peers.py). Last,
# bench/report.py writes the plot and the section between the performance markers of
# docs/benchmarks.md.
# A --skip flag reuses the results of an earlier run from the results folder.
#
# Environment:
#   CARGO_TARGET_DIR         build folder, default /tmp/bench-target; criterion writes its
#                            estimates under $CARGO_TARGET_DIR/criterion
#   PNN_BENCH_RESULTS        folder of the probe and peer results, default
#                            $CARGO_TARGET_DIR/pnn-bench
#   PNN_BENCH_VENV           virtual environment of bench/peers/requirements.txt, default
#                            /tmp/pnn-bench-venv (created when missing)
#   PNN_BENCH_SF_VENV        virtual environment of requirements-strawberryfields.txt,
#                            default /tmp/pnn-bench-sf-venv (created when missing)
#   PNN_BENCH_PYTHON         interpreter that creates them, default python3.11
#   PNN_BENCH_PEER_TIMEOUT   limit of one peer measurement in seconds, default 600
#   PNN_BENCH_LARGE=1        also time the 4096-mode decompositions with criterion
#   PNN_BENCH_DOCS           folder of benchmarks.md and the plot, default docs
#   PNN_BENCH_PROVISIONAL=1  mark the numbers as provisional (a machine with other load)
set -euo pipefail
cd "$(dirname "$0")/.."

skip_pnn=0
skip_peers=0
skip_memory=0
for argument in "$@"; do
    case "$argument" in
        --skip-pnn) skip_pnn=1 ;;
        --skip-peers) skip_peers=1 ;;
        --skip-memory) skip_memory=1 ;;
        *)
            echo "unknown option: $argument (expected --skip-pnn, --skip-peers or --skip-memory)" >&2
            exit 2
            ;;
    esac
done

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/bench-target}"
results="${PNN_BENCH_RESULTS:-$CARGO_TARGET_DIR/pnn-bench}"
venv="${PNN_BENCH_VENV:-/tmp/pnn-bench-venv}"
sf_venv="${PNN_BENCH_SF_VENV:-/tmp/pnn-bench-sf-venv}"
base_python="${PNN_BENCH_PYTHON:-python3.11}"
peer_timeout="${PNN_BENCH_PEER_TIMEOUT:-600}"
docs="${PNN_BENCH_DOCS:-docs}"
mkdir -p "$results"

# Creates the virtual environment $1 from the requirements file $2, or reinstalls it when the
# file changed since the last install. Returns non-zero when pip fails.
ensure_venv() {
    local target="$1" requirements="$2"
    if [[ -x "$target/bin/python" ]] && cmp -s "$requirements" "$target/installed-requirements.txt"; then
        return 0
    fi
    echo "run.sh: installing $requirements into $target" >&2
    "$base_python" -m venv "$target"
    "$target/bin/python" -m pip install --quiet --upgrade pip
    "$target/bin/python" -m pip install --quiet -r "$requirements"
    cp "$requirements" "$target/installed-requirements.txt"
}

ensure_venv "$venv" bench/peers/requirements.txt
if ! ensure_venv "$sf_venv" bench/peers/requirements-strawberryfields.txt; then
    # peers.py records the Strawberry Fields cases as failed when this interpreter is unusable.
    echo "run.sh: Strawberry Fields did not install; its cases will be reported as failed" >&2
fi

# Path of the `probe` bench executable, built in release by `cargo bench --no-run`.
probe_binary() {
    cargo bench --bench probe --no-run --message-format=json 2>/dev/null \
        | "$venv/bin/python" -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "probe":
        print(message["executable"])
'
}

if [[ $skip_pnn == 0 ]]; then
    # Estimates of an earlier run would otherwise stay next to the new ones (for example the
    # 4096-mode cases of a PNN_BENCH_LARGE run).
    for group in clements reck split_linear simulate kak qsd frontend; do
        rm -rf "$CARGO_TARGET_DIR/criterion/$group"
    done
    cargo bench --bench decompose --bench lower --bench simulate --bench synthesize \
        --bench frontend 2>&1 | tee "$results/criterion.log"

    probe="$(probe_binary)"
    : >"$results/accuracy.jsonl"
    for modes in 64 256 1024; do
        for mesh in clements reck; do
            "$probe" accuracy "$mesh" "$modes" | tee -a "$results/accuracy.jsonl"
        done
    done
    : >"$results/qsd.jsonl"
    for qubits in 3 4 5 6 7 8; do
        "$probe" qsd "$qubits" | tee -a "$results/qsd.jsonl"
    done
fi

if [[ $skip_memory == 0 ]]; then
    probe="$(probe_binary)"
    # Takes several minutes: the 4096-mode Haar unitary comes from a QR factorization in
    # nalgebra, and the decomposition itself runs once.
    /usr/bin/time -v "$probe" memory clements 4096 >"$results/memory.json" 2>"$results/memory-time.txt"
    cat "$results/memory.json"
fi

if [[ $skip_peers == 0 ]]; then
    "$venv/bin/python" bench/peers/peers.py run \
        --main-python "$venv/bin/python" \
        --sf-python "$sf_venv/bin/python" \
        --timeout "$peer_timeout" \
        --output "$results/peers.json"
fi

provisional=()
if [[ "${PNN_BENCH_PROVISIONAL:-0}" == 1 ]]; then
    provisional=(--provisional)
fi
"$venv/bin/python" bench/report.py \
    --criterion "$CARGO_TARGET_DIR/criterion" \
    --results "$results" \
    --docs "$docs" \
    "${provisional[@]}"
