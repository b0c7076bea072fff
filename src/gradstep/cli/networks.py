"""``--model``: the network, loss, per-epoch metric and output decoding of each of the course's models.

Every model is a gradstep.nn module trained by ``gradstep.train.Trainer`` (so
the command line gets the progress bar, validation curves and exact-resume
checkpoints of the training package):

=========== ========================== ================================= ============================
model       network                    loss                              prediction
=========== ========================== ================================= ============================
linear      z = x W + b                1/(2n) sum (z - y)^2              z
logistic    z = x w + b (two classes)  binary cross-entropy of sigmoid(z) class 1 when z >= 0
softmax     z = x W + b (K outputs)    cross-entropy of softmax(z)       arg max z
perceptron  z = x w + b (two classes)  perceptron criterion max(0, -t z) class 1 when z >= 0
adaline     z = x w + b (two classes)  1/(2n) sum (z - t)^2, t = +-1     class 1 when z >= 0
mlp         hidden layers, then linear cross-entropy, or MSE (regression) arg max z, or z
=========== ========================== ================================= ============================
"""

from dataclasses import dataclass

import numpy as np

from .. import nn
from ..optim import schedules
from ..train.metrics import accuracy
from ..optim import make_optimizer
from .errors import CommandLineError

ACTIVATIONS = {
    "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU,
    "softplus": nn.Softplus,
}  # fmt: skip
BINARY_MODELS = ("logistic", "perceptron", "adaline")
CLASSIFIERS = ("logistic", "softmax", "perceptron", "adaline")


def check_model_fits_task(model, task, classes, data_name):
    """Raise CommandLineError when ``--model`` cannot learn this target.

    >>> check_model_fits_task("linear", "classification", [0, 1, 2], "iris")
    Traceback (most recent call last):
    ...
    gradstep.errors.CommandLineError: --model linear is a regression model, but the target of iris holds 3 class labels; use --model softmax or mlp
    """
    if model == "linear" and task == "classification":
        other = "logistic, softmax" if len(classes) == 2 else "softmax"
        raise CommandLineError(
            f"--model linear is a regression model, but the target of {data_name} holds {len(classes)} class labels; "
            f"use --model {other} or mlp"
        )
    if model in CLASSIFIERS and task == "regression":
        raise CommandLineError(
            f"--model {model} is a classifier, but the target of {data_name} is continuous; use --model linear or mlp"
        )
    if model in BINARY_MODELS and len(classes) != 2:
        raise CommandLineError(
            f"--model {model} separates two classes, but the target of {data_name} holds {len(classes)}; "
            "use --model softmax or mlp"
        )


def _binary_accuracy(y_true, y_pred):
    # one score per example: class 1 when z >= 0 (t in {0, 1} or {-1, +1} -> class t > 0)
    return accuracy((np.asarray(y_true) > 0).astype(np.int64), (np.asarray(y_pred) >= 0).astype(np.int64))


_binary_accuracy.__name__ = "accuracy"


@dataclass
class Network:
    """What Trainer needs for one run, and how to turn outputs into predictions."""

    module: nn.Module
    loss: object
    metric: object  # a metric name or function for the per-epoch logs
    kind: str  # "multiclass", "binary" or "regression"

    def targets(self, codes):
        """Training targets from class codes 0..K-1 (or standardized regression values)."""
        if self.kind == "multiclass":
            return codes.astype(np.int64)
        if self.kind == "binary-pm1":
            return (2.0 * codes - 1.0).astype(np.float32)[:, None]  # t = +1 or -1
        return codes.astype(np.float32)[:, None]

    def decode(self, outputs):
        """Class codes (classifiers) or values (regression) from network outputs."""
        if self.kind == "multiclass":
            return outputs.argmax(axis=1)
        if self.kind in ("binary", "binary-pm1"):
            return (outputs[:, 0] >= 0).astype(np.int64)
        return outputs[:, 0]

    def probabilities(self, outputs):
        """Class probabilities (n, K) for models with a probabilistic output, else None."""
        if self.kind == "multiclass":
            z = outputs - outputs.max(axis=1, keepdims=True)  # softmax(z) = exp(z - max z) / sum exp(z - max z)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)
        if self.kind == "binary" and isinstance(self.loss, _Penalized) and self.loss.probabilistic:
            p = 1.0 / (1.0 + np.exp(-np.clip(outputs[:, 0], -500, 500)))  # sigmoid(z)
            return np.stack([1.0 - p, p], axis=1)
        return None


class _Penalized:
    """``loss(out, t) + l2/2 sum ||W||^2`` over the weight matrices (not the biases)."""

    def __init__(self, loss, weights, l2, probabilistic):
        self.loss, self.weights, self.l2, self.probabilistic = loss, weights, float(l2), probabilistic

    def __call__(self, out, target):
        value = self.loss(out, target)
        if self.l2:
            value = value + (0.5 * self.l2) * nn.l2_penalty(self.weights)  # l2/2 sum ||W||^2
        return value


def build_network(options, n_features, n_classes, task, seed):
    """The Network for ``options["model"]`` on ``n_features`` inputs; weights drawn from ``seed``.

    >>> net = build_network({"model": "mlp", "hidden": [8], "activation": "relu", "dropout": 0.0, "l2": 0.0},
    ...                     n_features=4, n_classes=3, task="classification", seed=0)
    >>> net.kind, [p.shape for p in net.module.parameters()]
    ('multiclass', [(4, 8), (8,), (8, 3), (3,)])
    """
    model = options["model"]
    rng = np.random.default_rng(seed)
    if model == "mlp":
        widths = [n_features, *options["hidden"]]
        layers = []
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(fan_in, fan_out, seed=rng, dtype=np.float32), ACTIVATIONS[options["activation"]]()]
            if options["dropout"] > 0:
                layers.append(nn.Dropout(options["dropout"], seed=np.random.default_rng([seed, len(layers)])))
        n_out = n_classes if task == "classification" else 1
        layers.append(nn.Linear(widths[-1], n_out, seed=rng, dtype=np.float32))
        module = nn.Sequential(*layers)
    else:
        n_out = n_classes if model == "softmax" else 1
        module = nn.Sequential(nn.Linear(n_features, n_out, seed=rng, dtype=np.float32))
    weights = [m.weight for m in module.modules() if isinstance(m, nn.Linear)]
    if model in ("softmax", "mlp") and task == "classification":
        kind, loss, metric = "multiclass", nn.CrossEntropyLoss(), "accuracy"
    elif model == "logistic":
        kind, loss, metric = "binary", nn.BCEWithLogitsLoss(), _binary_accuracy
    elif model == "perceptron":
        kind, loss, metric = "binary-pm1", nn.HingeLoss(margin=0.0), _binary_accuracy  # max(0, -t z)
    elif model == "adaline":
        kind, loss, metric = "binary-pm1", nn.MSELoss(half=True), _binary_accuracy
    else:
        kind, loss, metric = "regression", nn.MSELoss(half=True), "r2"
    penalized = _Penalized(loss, weights, options["l2"], probabilistic=model == "logistic")
    return Network(module, penalized, metric, kind)


def learning_rate(options, steps_per_epoch):
    """``--lr`` with ``--schedule`` (given in epochs) as a gradstep.optim schedule over update steps.

    >>> s = learning_rate({"lr": 0.1, "schedule": "step:2:0.5", "epochs": 10}, steps_per_epoch=3)
    >>> s(5), s(6)
    (0.1, 0.05)
    """
    lr = options["lr"]
    kind, *params = options["schedule"].split(":")
    params = [float(p) for p in params]
    expected = {"constant": 0, "step": 2, "exponential": 1, "inverse_time": 1, "cosine": (0, 1)}[kind]
    if len(params) not in (expected if isinstance(expected, tuple) else (expected,)):
        raise CommandLineError(
            f"--schedule {options['schedule']!r}: expected constant, step:EPOCHS:FACTOR, exponential:RATE, "
            "inverse_time:DECAY, cosine or cosine:EPOCHS"
        )
    if kind == "constant":
        return lr
    if kind == "step":
        # lr_t = lr * FACTOR^floor(epoch / EPOCHS)
        return schedules.step_decay(lr, step_size=int(params[0] * steps_per_epoch), gamma=params[1])
    if kind == "exponential":
        # lr_t = lr * RATE^epoch
        return schedules.exponential_decay(lr, decay_steps=steps_per_epoch, decay_rate=params[0])
    if kind == "inverse_time":
        # lr_t = lr / (1 + DECAY * epoch)
        return schedules.inverse_time_decay(lr, decay_steps=steps_per_epoch, decay_rate=params[0])
    horizon = params[0] if params else options["epochs"]
    # lr_t = lr * (1 + cos(pi * epoch / EPOCHS)) / 2, then 0
    return schedules.cosine_decay(lr, decay_steps=int(horizon * steps_per_epoch))


def build_optimizer(options, module, steps_per_epoch):
    """The ``--optimizer`` over the module's parameters with the scheduled ``--lr``."""
    lr = learning_rate(options, steps_per_epoch)
    return make_optimizer(options["optimizer"], list(module.parameters()), lr, "--optimizer")
