"""``--model``: the estimators of ``gradstep.models``, set up for the command line's Trainer.

The command line has no models of its own: each ``--model`` is one of the
course's estimators, built from the options, and the network, loss, optimizer
(with ``learning_rate="auto"`` from the same step-size rule), training step and
decision rule are the estimator's own. What the command line adds is the run
around them: its split, its standardisation, validation curves, checkpoints.

=========== ======================= ============================================ =====================
model       estimator               training step                                prediction
=========== ======================= ============================================ =====================
linear      LinearRegression (sgd)  delta rule on 1/(2n) sum (z - y)^2           z
logistic    LogisticRegression      delta rule on the binary cross-entropy       class 1 when z > 0
softmax     SoftmaxRegression       delta rule on the softmax cross-entropy      arg max z
perceptron  Perceptron              Rosenblatt's rule, one sample per step       class 1 when z > 0
adaline     Adaline                 delta rule on 1/(2n) sum (z - t)^2, t = +-1  class 1 when z > 0
mlp         MLPClassifier/Regressor backpropagation through the network          arg max z, or z
=========== ======================= ============================================ =====================
"""

from dataclasses import dataclass, field

import numpy as np

from .. import models
from ..models._linear_gd import delta_rule
from ..models.linear import sigmoid, softmax
from ..models.perceptron import _StopWithoutErrors, perceptron_criterion, perceptron_rule
from ..optim import make_optimizer, schedules
from ..train import EarlyStopping, TerminateOnNaN
from ..train.metrics import accuracy
from .errors import CommandLineError

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
    # one score per example: class 1 when z > 0, as the estimators decide (t in {0, 1} or {-1, +1} -> class t > 0)
    return accuracy((np.asarray(y_true) > 0).astype(np.int64), (np.asarray(y_pred) > 0).astype(np.int64))


_binary_accuracy.__name__ = "accuracy"


def make_estimator(options, task):
    """The gradstep.models estimator of ``options["model"]``, its parameters from the options.

    The command line standardises the features itself, so the estimator gets ``standardize=False``.

    >>> make_estimator({"model": "softmax", "lr": "auto", "alpha": 0.0, "seed": 0, "batch_size": 32}, "classification")
    SoftmaxRegression(alpha=0.0, random_state=0, standardize=False)
    """
    model, seed = options["model"], options["seed"]
    lr = options["lr"]
    if model == "perceptron":
        return models.Perceptron(learning_rate=lr, standardize=False, random_state=seed)
    common = {"learning_rate": lr, "standardize": False, "random_state": seed}
    if options.get("optimizer"):
        common["optimizer"] = options["optimizer"]  # (the perceptron's rule is plain SGD at eta)
    if model == "mlp":
        cls = models.MLPClassifier if task == "classification" else models.MLPRegressor
        return cls(hidden_layer_sizes=tuple(options["hidden"]), activation=options["activation"], alpha=options["alpha"],
                   dropout=options["dropout"], batch_size=options["batch_size"], **common)  # fmt: skip
    batch = options["batch_size"]
    if model == "linear":
        return models.LinearRegression(solver="gd" if batch is None else "sgd", batch_size=batch or 32, **common)
    if model == "adaline":
        return models.Adaline(batch_size=batch, **common)
    cls = models.LogisticRegression if model == "logistic" else models.SoftmaxRegression
    return cls(alpha=options["alpha"], batch_size=batch, **common)


@dataclass
class Network:
    """What Trainer needs for one run, taken from the estimator, and how to turn outputs into predictions."""

    module: object
    loss: object
    metric: object  # a metric name or function for the per-epoch logs
    kind: str  # "multiclass", "binary", "binary-pm1" or "regression"
    estimator: object = None
    loss_and_grad: object = None  # the estimator's closed-form step (None: the autodiff graph)
    callbacks: list = field(default_factory=list)  # the estimator's own stopping rule, if any
    learning_rate: float = None  # the estimator's learning_rate_ ("auto" resolved)

    def targets(self, codes):
        """Training targets from class codes 0..K-1 (or standardized regression values)."""
        if self.kind == "multiclass":
            return codes.astype(np.int64)
        if self.kind == "perceptron":
            return codes.astype(np.int64)  # the rule compares y in {0, 1} with [z > 0]
        if self.kind == "binary-pm1":
            return (2.0 * codes - 1.0).astype(np.float32)[:, None]  # t = +1 or -1
        return codes.astype(np.float32)[:, None]

    def decode(self, outputs):
        """Class codes (classifiers) or values (regression) from network outputs."""
        if self.kind == "multiclass":
            return outputs.argmax(axis=1)
        if self.kind in ("binary", "binary-pm1", "perceptron"):
            return (outputs[:, 0] > 0).astype(np.int64)  # the estimators' rule: classes_[z > 0]
        return outputs[:, 0]

    def probabilities(self, outputs):
        """Class probabilities (n, K) for models with a probabilistic output, else None."""
        if self.kind == "multiclass":
            return softmax(outputs)
        if self.kind == "binary":
            p = sigmoid(outputs[:, 0])
            return np.stack([1.0 - p, p], axis=1)
        return None


def _kind(model, task):
    if task == "regression":
        return "regression"
    return {"softmax": "multiclass", "mlp": "multiclass", "logistic": "binary", "adaline": "binary-pm1",
            "perceptron": "perceptron"}[model]  # fmt: skip


def build_network(options, X_train, codes, n_classes, task, init=None):
    """The Network of ``options["model"]``: the estimator's module, loss, optimizer and step on (X_train, codes).

    ``codes`` are the training set's class codes (or standardized regression
    targets); the estimator's step size ("auto": 1/L of this data) comes from them.
    ``init(estimator, network, n_outputs, where)``, when given, does the linear
    models' ``_init_params`` instead (data held elsewhere: ``X_train`` then only
    gives the shape, ``codes`` may be empty).

    >>> X = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32); y = np.arange(20) % 3
    >>> net = build_network({"model": "mlp", "hidden": [8], "activation": "relu", "dropout": 0.0, "alpha": 0.0,
    ...                      "lr": "auto", "seed": 0, "batch_size": 32}, X, y, n_classes=3, task="classification")
    >>> net.kind, net.learning_rate, [p.shape for p in net.module.parameters()]
    ('multiclass', 0.001, [(8, 4), (8,), (3, 8), (3,)])
    """
    model = options["model"]
    kind = _kind(model, task)
    est = make_estimator(options, task)
    partial = Network(None, None, "accuracy" if kind == "multiclass" else "r2" if kind == "regression" else _binary_accuracy,
                      kind, estimator=est)  # fmt: skip
    t = partial.targets(np.asarray(codes))
    where = f"--model {model}"
    est._validate_parameters(where)
    X = np.asarray(X_train)
    if model == "mlp":
        est._build(X, n_classes if task == "classification" else 1, where)
        module, loss, step, callbacks = est._model, est._objective(), None, []
    elif model == "perceptron":
        est._reset(X, where)
        module, loss, step, callbacks = est._module, perceptron_criterion, perceptron_rule(est._module), [_StopWithoutErrors()]
    else:
        est._fit_scaling(X, where)
        n_outputs = n_classes if kind == "multiclass" else 1
        if init is None:
            est._init_params(X, t, n_outputs, where)
        else:
            init(est, partial, n_outputs, where)
        module, loss = est._module, est._objective()
        step = delta_rule(module, est._score_loss, est._penalty_alpha())
        # the estimator's own rules: its divergence message and its stop on a plateau of the training loss
        callbacks = [TerminateOnNaN(advice=est._advice, where="gradstep train"),
                     EarlyStopping(monitor="loss", patience=int(est.patience), min_delta=float(est.tol))]  # fmt: skip
    partial.module, partial.loss, partial.loss_and_grad, partial.callbacks = module, loss, step, callbacks
    partial.learning_rate = est.learning_rate_
    return partial


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


def build_optimizer(options, network, steps_per_epoch):
    """The estimator's optimizer, or with ``--schedule`` the same one over the scheduled rate (``--lr auto`` resolved)."""
    if options["schedule"] == "constant":
        return network.estimator._optimizer
    lr = learning_rate({**options, "lr": network.learning_rate}, steps_per_epoch)
    name = "sgd" if options["model"] == "perceptron" else options["optimizer"]
    return make_optimizer(name, list(network.module.parameters()), lr, "--optimizer")
