"""Train the 2-3-2 quantum perceptron network of dqnn.pnn to learn a random two-qubit unitary.

Draws a Haar-random target unitary V, training and test pairs (|phi>, V|phi>) from
Haar-random input states, and trains the perceptron unitaries with the layer-wise
update of Beer et al., "Training deep quantum neural networks", Nature Communications
11, 808 (2020), arXiv:1902.10445. Writes weights/layer1.npy, weights/layer2.npy and
data/{train,test}_{inputs,targets}.npy next to this script, and prints the fidelity
cost of the initial and of the trained network on both sets.

Qubit order follows pnn: little-endian, so qubit 0 is the least significant bit of a
basis-state index. A perceptron unitary of a layer with n inputs is 2^(n+1) x 2^(n+1):
its operands 0 ... n-1 are the layer's input qubits in order, and operand n, the most
significant bit, is the perceptron's own output qubit. Output j of a layer is input
qubit j of the next layer.

Run: python train.py [--seed 0] [--train 10] [--test 20] [--rounds 500] [--step 0.4]
                     [--output-dir DIR]
Needs Python 3.9 or later and NumPy only.
"""

import argparse
import time
from pathlib import Path

import numpy as np

WIDTHS = (2, 3, 2)
HERE = Path(__file__).resolve().parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the target unitary, the data and the initial "
                             "unitaries (default: 0)")
    parser.add_argument("--train", type=int, default=10,
                        help="number of training pairs N (default: 10)")
    parser.add_argument("--test", type=int, default=20,
                        help="number of test pairs (default: 20)")
    parser.add_argument("--rounds", type=int, default=500,
                        help="training rounds; each updates every perceptron once "
                             "(default: 500)")
    parser.add_argument("--step", type=float, default=0.4,
                        help="step size epsilon of U <- exp(i epsilon K) U (default: 0.4)")
    parser.add_argument("--output-dir", type=Path, default=HERE,
                        help="directory that receives weights/ and data/ (default: the "
                             "directory of this script)")
    args = parser.parse_args()

    for name in ("train", "test", "rounds"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    if not args.step > 0:
        parser.error(f"--step must be positive, got {args.step}")
    return args


# Random draws ------------------------------------------------------------------------------

def haar_unitary(rng, dimension):
    """Return a Haar-random unitary: the QR factor Q of a complex Gaussian matrix, with the
    phases of R's diagonal moved into Q so that the distribution is exactly Haar."""
    gaussian = (rng.standard_normal((dimension, dimension))
                + 1j * rng.standard_normal((dimension, dimension))) / np.sqrt(2)
    q, r = np.linalg.qr(gaussian)
    phases = np.diagonal(r) / np.abs(np.diagonal(r))
    return q * phases


def haar_states(rng, count, dimension):
    """Return `count` Haar-random pure states as rows: normalized complex Gaussian vectors."""
    gaussian = (rng.standard_normal((count, dimension))
                + 1j * rng.standard_normal((count, dimension)))
    return gaussian / np.linalg.norm(gaussian, axis=1, keepdims=True)


# Operators on a few qubits -----------------------------------------------------------------

def embed(matrix, bits, qubits):
    """Return `matrix` acting on the listed bit positions of a `qubits`-qubit register.

    Operand a of `matrix` (its bit a, little-endian) is register bit `bits[a]`. Entry
    (i, j) of the result is matrix[s(i), s(j)] when i and j agree on every other bit and
    zero otherwise, where s(i) gathers the bits `bits` of i into an operand index.
    """
    index = np.arange(2**qubits)
    operand = np.zeros_like(index)
    rest = index.copy()
    for a, bit in enumerate(bits):
        operand |= ((index >> bit) & 1) << a
        rest &= ~(1 << bit)
    same_rest = rest[:, None] == rest[None, :]
    return np.where(same_rest, matrix[operand[:, None], operand[None, :]], 0)


def partial_trace(rho, keep, qubits):
    """Trace a batch of density matrices (..., 2^qubits, 2^qubits) down to the bits `keep`.

    Kept bit `keep[k]` becomes bit k of the result, so `keep` also orders the result."""
    traced = [bit for bit in range(qubits) if bit not in keep]
    kept_index = np.zeros(2**len(keep), dtype=np.int64)
    for k, bit in enumerate(keep):
        kept_index |= ((np.arange(2**len(keep)) >> k) & 1) << bit
    reduced = 0
    for t in range(2**len(traced)):
        offset = sum(((t >> k) & 1) << bit for k, bit in enumerate(traced))
        rows = kept_index + offset
        reduced = reduced + rho[..., rows[:, None], rows[None, :]]
    return reduced


def dagger(matrices):
    return np.conj(np.swapaxes(matrices, -1, -2))


def expm_hermitian(hermitian, scale):
    """Return exp(i * scale * H) for a Hermitian H, from its eigendecomposition."""
    values, vectors = np.linalg.eigh(hermitian)
    return (vectors * np.exp(1j * scale * values)) @ dagger(vectors)


# The network -------------------------------------------------------------------------------
#
# Layer l maps n = WIDTHS[l-1] qubits to m = WIDTHS[l] qubits. It works on n + m qubits:
# the inputs at bits 0 ... n-1 and output j at bit n + j, which is the register order of
# pnn. Perceptron j acts on bits (0, ..., n-1, n+j), and with U = U_m ... U_1
#
#     rho_out = E(rho_in) = tr_in( U (rho_in (x) |0...0><0...0|) U^dagger ).
#
# Its adjoint channel, with tr(sigma E(rho)) = tr(F(sigma) rho), is
#
#     sigma_in = F(sigma_out) = <0...0|_out U^dagger (1_in (x) sigma_out) U |0...0>_out.

def layer_operators(unitaries, inputs):
    """Embed the perceptron unitaries of one layer into its (inputs + outputs)-qubit space."""
    outputs = len(unitaries)
    bits = list(range(inputs))
    return [embed(u, bits + [inputs + j], inputs + outputs) for j, u in enumerate(unitaries)]


def with_zero_outputs(rho, outputs):
    """Return rho (x) |0...0><0...0| with the outputs as the more significant bits."""
    zero = np.zeros((2**outputs, 2**outputs))
    zero[0, 0] = 1
    return np.kron(zero, rho)


def apply_layer(rho, unitaries, inputs):
    """Apply the channel E of one layer to a batch of density matrices."""
    outputs = len(unitaries)
    state = with_zero_outputs(rho, outputs)
    for operator in layer_operators(unitaries, inputs):
        state = operator @ state @ dagger(operator)
    return partial_trace(state, list(range(inputs, inputs + outputs)), inputs + outputs)


def adjoint_layer(sigma, unitaries, inputs):
    """Apply the adjoint channel F of one layer to a batch of operators on its outputs."""
    total = np.eye(2**(inputs + len(unitaries)), dtype=complex)
    for operator in layer_operators(unitaries, inputs):
        total = operator @ total
    lifted = dagger(total) @ np.kron(sigma, np.eye(2**inputs)) @ total
    # The block with every output bit 0 is the top-left 2^inputs x 2^inputs block.
    return lifted[..., :2**inputs, :2**inputs]


def feed_forward(layers, states):
    """Return the density matrices rho^0, ..., rho^L of every layer for input states (rows)."""
    rhos = [states[:, :, None] * np.conj(states[:, None, :])]
    for unitaries, inputs in zip(layers, WIDTHS):
        rhos.append(apply_layer(rhos[-1], unitaries, inputs))
    return rhos


def fidelity_cost(rho, targets):
    """Return C = (1/N) sum_x <phi_x| rho_x |phi_x> for target states phi_x (rows)."""
    fidelities = np.einsum("xi,xij,xj->x", np.conj(targets), rho, targets).real
    return float(np.mean(fidelities))


def network_cost(layers, inputs, targets):
    return fidelity_cost(feed_forward(layers, inputs)[-1], targets)


# Training ----------------------------------------------------------------------------------
#
# The cost is C = (1/N) sum_x tr(sigma^L_x rho^L_x) with sigma^L_x = |phi_x><phi_x|. For
# layer l, back-propagating sigma^l_x = F^{l+1}(... F^L(sigma^L_x)) gives
# C = (1/N) sum_x tr(sigma^l_x rho^l_x). For perceptron j of layer l, let
#
#     A_j = U_j ... U_1 (rho^{l-1}_x (x) |0...0><0...0|) U_1^dagger ... U_j^dagger
#     B_j = U_{j+1}^dagger ... U_m^dagger (1_in (x) sigma^l_x) U_m ... U_{j+1}
#
# and C = (1/N) sum_x tr(B_j A_j). Replacing U_j by exp(i eps K_j) U_j, with K_j Hermitian
# on the perceptron's qubits, changes the cost by
#
#     dC/d eps = (i/N) sum_x tr( (K_j (x) 1) [A_j, B_j] ) = tr(K_j G_j),
#     G_j = (i/N) sum_x tr_rest [A_j, B_j],
#
# where tr_rest traces out the layer's other output qubits. G_j is Hermitian, and K_j = G_j
# is the steepest ascent for a bounded Frobenius norm of K_j, with dC/d eps = tr(G_j^2) >= 0.
# A constant factor in K_j would only rescale the step size eps. All perceptrons of all
# layers are updated at once from one forward and one backward pass:
# U_j <- exp(i eps K_j) U_j, which keeps every U_j unitary.

def update_matrices(layers, inputs, targets):
    """Return the matrices K_j of every perceptron of every layer, as lists per layer."""
    rhos = feed_forward(layers, inputs)
    sigmas = [None] * len(layers)
    sigma = targets[:, :, None] * np.conj(targets[:, None, :])
    for layer in reversed(range(len(layers))):
        sigmas[layer] = sigma
        sigma = adjoint_layer(sigma, layers[layer], WIDTHS[layer])

    samples = inputs.shape[0]
    all_k = []
    for layer, unitaries in enumerate(layers):
        n, m = WIDTHS[layer], len(unitaries)
        operators = layer_operators(unitaries, n)
        a = [None] * m
        state = with_zero_outputs(rhos[layer], m)
        for j in range(m):
            state = operators[j] @ state @ dagger(operators[j])
            a[j] = state
        b = [None] * m
        observable = np.kron(sigmas[layer], np.eye(2**n))
        for j in reversed(range(m)):
            b[j] = observable
            observable = dagger(operators[j]) @ observable @ operators[j]
        layer_k = []
        for j in range(m):
            commutator = a[j] @ b[j] - b[j] @ a[j]
            keep = list(range(n)) + [n + j]
            reduced = partial_trace(commutator.sum(axis=0), keep, n + m)
            layer_k.append(1j / samples * reduced)
        all_k.append(layer_k)
    return all_k


def train(layers, inputs, targets, rounds, step):
    for round_number in range(1, rounds + 1):
        all_k = update_matrices(layers, inputs, targets)
        layers = [
            np.stack([expm_hermitian(k, step) @ u for k, u in zip(layer_k, unitaries)])
            for layer_k, unitaries in zip(all_k, layers)
        ]
        if round_number % 50 == 0 or round_number == rounds:
            cost = network_cost(layers, inputs, targets)
            print(f"round {round_number:4d}: training cost {cost:.6f}")
    return layers


def main():
    args = parse_args()
    rng = np.random.default_rng(args.seed)
    dimension = 2**WIDTHS[0]
    target_unitary = haar_unitary(rng, dimension)
    train_inputs = haar_states(rng, args.train, dimension)
    test_inputs = haar_states(rng, args.test, dimension)
    train_targets = train_inputs @ target_unitary.T
    test_targets = test_inputs @ target_unitary.T
    initial = [
        np.stack([haar_unitary(rng, 2**(inputs + 1)) for _ in range(outputs)])
        for inputs, outputs in zip(WIDTHS[:-1], WIDTHS[1:])
    ]

    started = time.perf_counter()
    trained = train(initial, train_inputs, train_targets, args.rounds, args.step)
    seconds = time.perf_counter() - started

    weights_dir = args.output_dir / "weights"
    data_dir = args.output_dir / "data"
    weights_dir.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    for number, unitaries in enumerate(trained, start=1):
        np.save(weights_dir / f"layer{number}.npy", unitaries)
    np.save(data_dir / "train_inputs.npy", train_inputs)
    np.save(data_dir / "train_targets.npy", train_targets)
    np.save(data_dir / "test_inputs.npy", test_inputs)
    np.save(data_dir / "test_targets.npy", test_targets)

    print(f"trained {args.rounds} rounds in {seconds:.1f} s")
    for name, layers in (("untrained", initial), ("trained", trained)):
        train_cost = network_cost(layers, train_inputs, train_targets)
        test_cost = network_cost(layers, test_inputs, test_targets)
        print(f"{name} training cost: {train_cost:.12f}")
        print(f"{name} test cost: {test_cost:.12f}")


if __name__ == "__main__":
    main()
