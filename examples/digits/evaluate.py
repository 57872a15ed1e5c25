"""Print the NumPy float64 test accuracy of the digits example.

Loads weights/w1.npy, weights/w2.npy and the test split in data/ (written by
train.py) and runs the forward pass of digits.pnn on it. With --output, also
saves the detected power at each output for every test sample, shape
(n_test, 10), to compare against `pnnc run`.

Run: python evaluate.py [--output OUT.npy]
"""

import argparse
import sys

import numpy as np

from model import (
    N_CLASSES,
    N_INPUTS,
    TEST_X_PATH,
    TEST_Y_PATH,
    W1_PATH,
    W2_PATH,
    accuracy,
    forward,
)


def load_array(path):
    try:
        return np.load(path)
    except FileNotFoundError:
        sys.exit(f"error: {path} not found. Run train.py first to write it.")


def check_shapes(w1, w2, test_x, test_y):
    """Exit with an error message unless the arrays fit digits.pnn and each other."""
    hidden = w1.shape[0] if w1.ndim == 2 else -1
    n_test = len(test_y) if test_y.ndim == 1 else -1
    checks = [
        (W1_PATH, w1.shape, (hidden, N_INPUTS), f"(H, {N_INPUTS})"),
        (W2_PATH, w2.shape, (N_CLASSES, hidden), f"({N_CLASSES}, H) with H = {hidden}"),
        (TEST_Y_PATH, test_y.shape, (n_test,), "(n_test,)"),
        (TEST_X_PATH, test_x.shape, (n_test, N_INPUTS),
         f"(n_test, {N_INPUTS}) with n_test = {n_test}"),
    ]
    for path, shape, expected_shape, description in checks:
        if shape != expected_shape:
            sys.exit(f"error: {path} has shape {shape}, expected {description}. "
                     "Run train.py again to rewrite the files.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", metavar="OUT.npy",
                        help="also save the float64 outputs, one row of 10 "
                             "detected powers per test sample, to this .npy file")
    args = parser.parse_args()

    w1 = load_array(W1_PATH)
    w2 = load_array(W2_PATH)
    test_x = load_array(TEST_X_PATH)
    test_y = load_array(TEST_Y_PATH)

    check_shapes(w1, w2, test_x, test_y)

    outputs = forward(test_x, w1, w2)
    print(f"test accuracy: {accuracy(outputs, test_y):.4f} "
          f"({len(test_y)} samples)")

    if args.output is not None:
        np.save(args.output, outputs)
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
