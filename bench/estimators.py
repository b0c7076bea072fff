"""gradstep's estimators at default settings vs scikit-learn: test score and fit time, as a Markdown table.

    PYTHONPATH=$PWD/src python bench/estimators.py            # the table of docs/estimators.md
    PYTHONPATH=$PWD/src python bench/estimators.py --quick    # without the digits MLPs (the slow rows)

Every data set is split 75/25, stratified, with scikit-learn's
``train_test_split(random_state=0)``; "scales" sets are ``make_classification``
with feature j multiplied by 10^(-3 + 6 j / 19) (scales 1e-3..1e3). The
references are scikit-learn's ``LogisticRegression(max_iter=5000)`` and
``MLPClassifier(random_state=0)`` on the raw features (scikit-learn's own
defaults; its warnings are silenced and counted). gradstep runs with its
defaults and ``random_state=0`` (LogisticRegression also with alpha = 1e-4,
1e-2, 1); a gradstep warning is reported in the table. The regression rows fit
``LinearRegression(solver="gd"|"sgd")`` on diabetes with its features scaled by
100 and compare its test R^2 with the least-squares fit's (scikit-learn's
``LinearRegression``).
Times are wall-clock seconds of one ``fit`` (noisy on a shared machine).
"""

import argparse
import time
import warnings

import numpy as np
from sklearn import datasets
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from gradstep.models import Adaline, LinearRegression, LogisticRegression, MLPClassifier, Perceptron, SoftmaxRegression


def data_sets():
    """name -> (X, y) of every data set of the table."""
    digits = datasets.load_digits()
    out = {"digits": (digits.data, digits.target), "digits/16": (digits.data / 16, digits.target),
           "digits/255": (digits.data / 255, digits.target)}  # fmt: skip
    for name in ("breast_cancer", "wine", "iris"):
        out[name] = getattr(datasets, f"load_{name}")(return_X_y=True)
    for name, classes, seed in (("scales-3class", 3, 0), ("scales-2class", 2, 1)):
        X, y = datasets.make_classification(1000, 20, n_informative=10, n_classes=classes, random_state=seed)
        out[name] = (X * np.logspace(-3, 3, 20), y)
    return out


def timed_fit(estimator, X, y, X_test, y_test):
    """(test score: accuracy or R^2, fit seconds, number of warnings) of one fit."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        started = time.perf_counter()
        estimator.fit(X, y)
        seconds = time.perf_counter() - started
    return estimator.score(X_test, y_test), seconds, len(caught)


def rows(quick):
    for name, (X, y) in data_sets().items():
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
        binary = len(np.unique(y)) == 2
        sk_linear = timed_fit(SkLogisticRegression(max_iter=5000), X_train, y_train, X_test, y_test)
        models = {"SoftmaxRegression": SoftmaxRegression(random_state=0)}
        if binary:
            models.update({
                "LogisticRegression": LogisticRegression(random_state=0),
                **{f"LogisticRegression(alpha={alpha:g})": LogisticRegression(alpha=alpha, random_state=0)
                   for alpha in (1e-4, 1e-2, 1.0)},
                "Adaline": Adaline(random_state=0), "Perceptron": Perceptron(random_state=0),
            })  # fmt: skip
        for model_name, model in models.items():
            yield name, model_name, timed_fit(model, X_train, y_train, X_test, y_test), "LogisticRegression", sk_linear
        if quick and name.startswith("digits"):
            continue
        sk_mlp = timed_fit(SkMLPClassifier(random_state=0), X_train, y_train, X_test, y_test)
        ours = timed_fit(MLPClassifier(random_state=0), X_train, y_train, X_test, y_test)
        yield name, "MLPClassifier", ours, "MLPClassifier", sk_mlp
    X, y = datasets.load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X * 100, y, test_size=0.25, random_state=0)
    least_squares = timed_fit(SkLinearRegression(), X_train, y_train, X_test, y_test)
    for solver in ("gd", "sgd"):
        ours = timed_fit(LinearRegression(solver=solver, random_state=0), X_train, y_train, X_test, y_test)
        yield "diabetes x 100 (R^2)", f'LinearRegression(solver="{solver}")', ours, "LinearRegression", least_squares


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the MLPs on digits")
    args = parser.parse_args(argv)
    print("| data | gradstep estimator | score | fit s | scikit-learn | score | fit s | difference |")
    print("|---|---|---|---|---|---|---|---|")
    for data, model, (acc, sec, warned), sk_model, (sk_acc, sk_sec, sk_warned) in rows(args.quick):
        note = f" ({warned} warnings)" if warned else ""
        sk_note = f" ({sk_warned} warnings)" if sk_warned else ""
        print(f"| {data} | {model}{note} | {acc:.3f} | {sec:.2f} | {sk_model}{sk_note} | {sk_acc:.3f} | {sk_sec:.2f} "
              f"| {acc - sk_acc:+.3f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
