"""Train the weights of the digits example and write its test split.

Trains the network of digits.pnn on scikit-learn's bundled 8x8 digits (no
download) with mini-batch Adam in NumPy float64, then writes
weights/w1.npy, weights/w2.npy, data/test_x.npy and data/test_y.npy next to
this script and prints the train and test accuracy.

Run: python train.py [--seed 0] [--hidden 32] [--epochs 100]
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from model import (
    N_CLASSES,
    N_INPUTS,
    TEST_X_PATH,
    TEST_Y_PATH,
    W1_PATH,
    W2_PATH,
    accuracy,
    forward,
    forward_layers,
)

TEST_FRACTION = 0.3
ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
ADAM_EPSILON = 1e-8


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the train/test split, the initial weights "
                             "and the batch order (default: 0)")
    parser.add_argument("--hidden", type=int, default=32,
                        help="number of hidden units H, the rows of w1 (default: 32)")
    parser.add_argument("--epochs", type=int, default=100,
                        help="passes over the training set (default: 100)")
    parser.add_argument("--batch-size", type=int, default=64,
                        help="samples per Adam step (default: 64)")
    parser.add_argument("--learning-rate", type=float, default=0.01,
                        help="Adam step size (default: 0.01)")
    args = parser.parse_args()

    for name in ("hidden", "epochs", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, "
                         f"got {getattr(args, name)}")
    if not args.learning_rate > 0:
        parser.error(f"--learning-rate must be positive, got {args.learning_rate}")
    return args


def load_split(seed):
    """Return (train_x, test_x, train_y, test_y) with pixels scaled to [0, 1]."""
    digits = load_digits()
    pixels = digits.data.astype(np.float64) / 16.0
    labels = digits.target.astype(np.int64)
    return train_test_split(pixels, labels, test_size=TEST_FRACTION,
                            stratify=labels, random_state=seed)


def loss_and_gradients(x, labels, w1, w2):
    """Return the mean cross-entropy of a batch and its gradients for w1 and w2.

    The network ends in photodetection, so its outputs are powers |logit|^2 and
    the sign of a logit cannot carry the class. The loss therefore treats the
    detected powers themselves as the softmax scores: a sample is classified
    by making the power at its label's detector the largest, whatever the
    sign of that logit. Training then optimizes the same quantity that argmax
    reads at prediction time. No separate scale is needed because the power
    grows with the square of w2 and the fourth power of w1, so the weights
    learn how sharp the softmax is.
    """
    hidden, act, logits, output = forward_layers(x, w1, w2)
    batch_size = x.shape[0]
    rows = np.arange(batch_size)

    shifted = output - output.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probabilities[rows, labels].mean()

    # Backpropagate layer by layer: output = logits^2, logits = act @ w2.T,
    # act = hidden^2, hidden = x @ w1.T.
    grad_output = np.exp(log_probabilities)
    grad_output[rows, labels] -= 1.0
    grad_output /= batch_size
    grad_logits = grad_output * 2.0 * logits
    grad_w2 = grad_logits.T @ act
    grad_act = grad_logits @ w2
    grad_hidden = grad_act * 2.0 * hidden
    grad_w1 = grad_hidden.T @ x
    return loss, grad_w1, grad_w2


def train(train_x, train_y, args, rng):
    """Return (w1, w2) trained with mini-batch Adam.

    Each weight starts from a normal distribution with standard deviation
    1/sqrt(fan-in).
    """
    w1 = rng.normal(0.0, 1.0 / np.sqrt(N_INPUTS), size=(args.hidden, N_INPUTS))
    w2 = rng.normal(0.0, 1.0 / np.sqrt(args.hidden), size=(N_CLASSES, args.hidden))
    weights = [w1, w2]
    first_moments = [np.zeros_like(w) for w in weights]
    second_moments = [np.zeros_like(w) for w in weights]
    step = 0

    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(train_x))
        epoch_loss = 0.0
        for start in range(0, len(order), args.batch_size):
            batch = order[start:start + args.batch_size]
            loss, grad_w1, grad_w2 = loss_and_gradients(
                train_x[batch], train_y[batch], w1, w2)
            epoch_loss += loss * len(batch)

            step += 1
            for weight, grad, m, v in zip(weights, (grad_w1, grad_w2),
                                          first_moments, second_moments):
                m *= ADAM_BETA1
                m += (1.0 - ADAM_BETA1) * grad
                v *= ADAM_BETA2
                v += (1.0 - ADAM_BETA2) * grad * grad
                m_hat = m / (1.0 - ADAM_BETA1 ** step)
                v_hat = v / (1.0 - ADAM_BETA2 ** step)
                weight -= args.learning_rate * m_hat / (np.sqrt(v_hat) + ADAM_EPSILON)

        if epoch % 20 == 0 or epoch == args.epochs:
            print(f"epoch {epoch:4d}  train loss {epoch_loss / len(train_x):.4f}")

    return w1, w2


def save_array(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.ascontiguousarray(array))


def main():
    args = parse_args()
    train_x, test_x, train_y, test_y = load_split(args.seed)
    # NOTE: the files are byte-identical across runs on one machine and NumPy
    # build. Another CPU or BLAS library may round the matrix products
    # differently and so produce slightly different weights.
    rng = np.random.default_rng(args.seed)
    w1, w2 = train(train_x, train_y, args, rng)

    save_array(W1_PATH, w1)
    save_array(W2_PATH, w2)
    save_array(TEST_X_PATH, test_x.astype(np.float64))
    save_array(TEST_Y_PATH, test_y.astype(np.int64))

    train_accuracy = accuracy(forward(train_x, w1, w2), train_y)
    test_accuracy = accuracy(forward(test_x, w1, w2), test_y)
    print(f"train accuracy: {train_accuracy:.4f} ({len(train_y)} samples)")
    print(f"test accuracy:  {test_accuracy:.4f} ({len(test_y)} samples)")
    for path in (W1_PATH, W2_PATH, TEST_X_PATH, TEST_Y_PATH):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
