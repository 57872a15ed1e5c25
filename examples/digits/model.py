"""Forward pass of digits.pnn in NumPy float64, and the paths of its data files.

train.py and evaluate.py both import this module, so the accuracy they print is
computed by the same code.
"""

from pathlib import Path

import numpy as np

EXAMPLE_DIR = Path(__file__).resolve().parent
W1_PATH = EXAMPLE_DIR / "weights" / "w1.npy"
W2_PATH = EXAMPLE_DIR / "weights" / "w2.npy"
TEST_X_PATH = EXAMPLE_DIR / "data" / "test_x.npy"
TEST_Y_PATH = EXAMPLE_DIR / "data" / "test_y.npy"

N_INPUTS = 64
N_CLASSES = 10


def forward_layers(x, w1, w2):
    """Compute every layer of digits.pnn and return (hidden, act, logits, output).

    x has shape (n, 64) with one sample per row. w1 has shape (H, 64) and w2 has
    shape (10, H), stored as in the .npy files: outputs by inputs. Each returned
    array has one row per sample.
    """
    hidden = x @ w1.T
    # abs_squared detects the hidden fields and re-emits the power as amplitude.
    # The fields are real here, so |hidden|^2 is hidden^2.
    act = np.square(hidden)
    logits = act @ w2.T
    # detect() measures power, so the sign of each logit is lost.
    output = np.square(logits)
    return hidden, act, logits, output


def forward(x, w1, w2):
    """Return the detected power at each of the 10 outputs, shape (n, 10)."""
    return forward_layers(x, w1, w2)[3]


def accuracy(outputs, labels):
    """Return the fraction of samples whose highest output is at their label."""
    predictions = np.argmax(outputs, axis=1)
    return float(np.mean(predictions == labels))
