"""Train an MLPClassifier (784-256-128-10, ReLU, Adam) on the real MNIST and report the test accuracy.

Usage::

    python examples/mnist_mlp.py [DATA_FOLDER] [--epochs N]

DATA_FOLDER holds the four MNIST IDX files (``train-images-idx3-ubyte.gz``, ...)
directly or in a ``mnist/`` subfolder; without it the folder named by the
``GRADSTEP_DATA`` environment variable is used, then ``../shared/data`` next
to the repository. With dropout 0.2, 20 epochs give >= 0.98 test accuracy.
"""

import argparse
import os
import time
from pathlib import Path

from gradstep.data import load_mnist
from gradstep.models import MLPClassifier


def data_folder(arg):
    """The folder given on the command line, else $GRADSTEP_DATA, else ../shared/data beside the repository."""
    if arg:
        return Path(arg)
    if os.environ.get("GRADSTEP_DATA"):
        return Path(os.environ["GRADSTEP_DATA"])
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", help="folder with the MNIST files (default: $GRADSTEP_DATA)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    folder = data_folder(args.data)
    X_train, y_train = load_mnist(folder, split="train", flatten=True)  # float32 pixels in [0, 1]
    X_test, y_test = load_mnist(folder, split="test", flatten=True)

    clf = MLPClassifier(
        hidden_layer_sizes=(256, 128),
        optimizer="adam",
        learning_rate=1e-3,
        batch_size=128,
        epochs=args.epochs,
        dropout=0.2,
        tol=None,  # run every epoch
        random_state=args.seed,
        progress=True,
    )
    start = time.perf_counter()
    clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = clf.score(X_test, y_test)
    print(f"{clf.n_iter_} epochs in {seconds:.1f} s ({seconds / clf.n_iter_:.2f} s/epoch); test accuracy {accuracy:.4f}")
    return accuracy


if __name__ == "__main__":
    main()
