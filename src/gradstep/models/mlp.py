"""Multilayer perceptrons as estimators: MLPClassifier (softmax cross-entropy) and MLPRegressor (MSE).

The network is a ``gradstep.nn.Sequential`` of ``Linear`` layers with an
activation (and optional ``Dropout``) between them, trained in float32 by
``gradstep.train.Trainer`` with a gradstep optimizer over minibatches: per step
one forward pass, one fused loss, one backward pass and one in-place optimizer
update, compiled by default (``compile="exact"``: traced once, replayed on
preallocated buffers with eager's bits; see ``gradstep.compile``). Stopping on a plateau and early stopping are Trainer's ``EarlyStopping``.

Scale. ``standardize=True`` (the default) feeds the network x' = (x - mean) / std
(statistics of the training data, applied again in predict), so the layers'
initialisation (variance ~ 1/fan_in) meets inputs of unit scale whatever the
units of the features: the same default step then trains on raw digits, on
/255 pixels or on features spanning 1e-3..1e3. MLPRegressor also standardises
its target (and maps the predictions back).

Step size. ``learning_rate="auto"`` is 1e-3 for Adam, AdamW and RMSprop
(Kingma & Ba's default, which suits unit-scale inputs), 1e-2 for Adagrad and
1e-2 for the SGD family ("sgd", "momentum", "nesterov"); a non-convex network
has no global smoothness constant to compute, so this is a rule, not a bound.
"""

import numpy as np

from .. import nn
from ..data import train_test_split
from ..optim import Optimizer, make_optimizer
from ..grad_mode import no_grad
from ..random import as_generator
from ..tensor import Tensor
from ..train import EarlyStopping, Trainer
from ..errors import DataError
from ._params import (
    BATCH_SIZE, BOOLEAN, LEARNING_RATE, NON_NEGATIVE_FLOAT, NONE, OPTIMIZER, POSITIVE_INT, RANDOM_STATE, Interval,
    Options, _Is,
)
from .base import BaseEstimator, ClassifierMixin, RegressorMixin, accepts_dask
from .linear import softmax

#: activation names -> gradstep.nn modules
ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "logistic": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "identity": nn.Identity,
}


#: learning_rate="auto" of the MLPs, by optimizer name (see the module docstring)
AUTO_LEARNING_RATES = {"adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3, "adagrad": 1e-2, "sgd": 1e-2, "momentum": 1e-2,
                       "nesterov": 1e-2}  # fmt: skip


def _hidden_sizes(value):
    sizes = (value,) if isinstance(value, (int, np.integer)) else value
    try:
        sizes = tuple(sizes)
    except TypeError:
        return None
    ok = all(POSITIVE_INT.accepts(size) for size in sizes)
    return [int(size) for size in sizes] if ok else None


class _BaseMLP(BaseEstimator):
    """Network construction, the training loop with early stopping, partial_fit and the forward pass."""

    _parameters = {
        "hidden_layer_sizes": (_Is(lambda v: _hidden_sizes(v) is not None, "an int >= 1 or a sequence of them"),),
        "activation": (Options(*ACTIVATIONS),),
        "optimizer": (OPTIMIZER,),
        "learning_rate": LEARNING_RATE,
        "batch_size": BATCH_SIZE,
        "epochs": (POSITIVE_INT,),
        "alpha": (NON_NEGATIVE_FLOAT,),
        "dropout": (Interval(float, 0, 1, closed="left"),),
        "early_stopping": (BOOLEAN,),
        "validation_fraction": (Interval(float, 0, 1, closed="neither"),),
        "patience": (POSITIVE_INT,),
        "tol": (NON_NEGATIVE_FLOAT, NONE),
        "standardize": (BOOLEAN,),
        "shuffle": (BOOLEAN,),
        "random_state": (RANDOM_STATE,),
        "warm_start": (BOOLEAN,),
        "progress": (BOOLEAN,),
        "compile": (BOOLEAN, Options("exact")),
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        optimizer="adam",
        learning_rate="auto",
        batch_size=200,
        epochs=200,
        alpha=0.0,
        dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        tol=1e-4,
        standardize=True,
        shuffle=True,
        random_state=None,
        warm_start=False,
        progress=False,
        compile="exact",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.alpha = alpha
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.tol = tol
        self.standardize = standardize
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.progress = progress
        self.compile = compile

    # ----- construction -------------------------------------------------------------
    def _learning_rate(self):
        if self.learning_rate != "auto":
            return float(self.learning_rate)
        name = self.optimizer.lower() if isinstance(self.optimizer, str) else None
        return AUTO_LEARNING_RATES.get(name, 1e-3)

    def _build(self, X, n_out, where):
        """Fresh input scaling, network (seeded from random_state), optimizer and history."""
        sizes = _hidden_sizes(self.hidden_layer_sizes)
        if self.standardize:
            mean, std = X.mean(axis=0, dtype=np.float64), X.std(axis=0, dtype=np.float64)
            if not (np.isfinite(mean).all() and np.isfinite(std).all()):
                raise DataError(f"{where}: the features overflow float64 arithmetic (largest |x| = {np.abs(X).max():.3g})")
            self._x_mean, self._x_scale = mean, np.where(std > 0, std, 1.0)
        else:
            self._x_mean = self._x_scale = None
        self._rng = as_generator(self.random_state)
        layers = []
        widths = [X.shape[1], *sizes]
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            layers.append(nn.Linear(fan_in, fan_out, seed=self._rng, dtype=np.float32))
            layers.append(ACTIVATIONS[self.activation]())
            if self.dropout > 0:
                layers.append(nn.Dropout(self.dropout, seed=self._rng))
        layers.append(nn.Linear(widths[-1], n_out, seed=self._rng, dtype=np.float32))
        self._model = nn.Sequential(*layers)
        self._weights = [m.weight for m in layers if isinstance(m, nn.Linear)]
        self.learning_rate_ = self._learning_rate()
        self._optimizer = make_optimizer(self.optimizer, list(self._model.parameters()), self.learning_rate_, where)
        self.loss_curve_ = []
        self.validation_loss_curve_ = []

    def _inputs(self, X, dtype):
        """The network's input: x' = (x - mean) / std with the training statistics (as is without standardize)."""
        if self._x_mean is None:
            return X.astype(dtype, copy=False)
        return ((X - self._x_mean) / self._x_scale).astype(dtype)

    def _objective(self):
        """The training loss (output, target) -> Tensor: the data loss plus alpha/2 sum ||W||^2."""
        weights, alpha, loss_fn = self._weights, float(self.alpha), self._loss
        if not alpha:
            return loss_fn

        def objective(out, t):
            return loss_fn(out, t) + (0.5 * alpha) * nn.regularizers.l2_penalty(weights)  # alpha/2 sum ||W||^2

        return objective

    # ----- training -----------------------------------------------------------------
    def _train(self, X, t, method, reset, n_out, stratify):
        """Epochs with gradstep.train.Trainer; fit stops on a plateau (tol/patience), partial_fit runs one epoch."""
        where = f"{type(self).__name__}.{method}"
        self._validate_parameters(where)
        if reset:
            self._build(X, n_out, where)
        X = self._inputs(X, np.float32)
        batch_size = None if self.batch_size in (None, "full") else int(self.batch_size)
        one_pass = method == "partial_fit"
        epochs = 1 if one_pass else int(self.epochs)
        patience = int(self.patience)
        val = None
        if self.early_stopping and not one_pass:
            X, X_val, t, t_val = self._split(X, t, stratify, where)
            val = (X_val, t_val)
        stopper = None
        if not one_pass and (val is not None or self.tol is not None):
            # stop when the monitored loss has not improved by more than tol for `patience` epochs
            stopper = EarlyStopping(
                monitor="loss" if val is None else "val_loss", patience=patience,
                min_delta=self.tol if self.tol is not None else 0.0, restore_best_weights=val is not None,
            )  # fmt: skip
        callbacks = [] if stopper is None else [stopper]
        steps = epochs * -(-len(X) // min(batch_size or len(X), len(X)))  # batches per epoch, the last one partial
        trainer = Trainer(self._model, self._objective(), self._optimizer, callbacks=callbacks,
                          progress=bool(self.progress), compile=self._compile_mode(steps))  # fmt: skip
        history = trainer.fit(train=(X, t), val=val, epochs=epochs, batch_size=batch_size, shuffle=self.shuffle, seed=self._rng)
        self.loss_curve_.extend(history.history["loss"])
        self.validation_loss_curve_.extend(history.history.get("val_loss", []))
        self.n_iter_ = len(self.loss_curve_)
        self.history_ = {"loss": list(self.loss_curve_)}
        if self.validation_loss_curve_:
            self.history_["val_loss"] = list(self.validation_loss_curve_)
        if val is not None:
            self.best_validation_loss_ = stopper.best  # the validation loss of the weights kept
        return self

    def _compile_mode(self, steps):
        """Trainer's ``compile`` for a run of ``steps`` batches: "exact" (eager's bits), True (SGD folded) or False.

        A compiled step replays from the third batch of a shape on (the first two are traced eager
        steps), so a shorter run (a partial_fit on one or two batches) trains eagerly; so does an
        optimizer object that is no gradstep optimizer.
        """
        if not self.compile or steps < 3 or not isinstance(self._optimizer, Optimizer):
            return False
        return "exact" if self.compile == "exact" else True

    def _split(self, X, t, stratify, where):
        n_val = int(round(self.validation_fraction * len(X)))
        if n_val < 1 or len(X) - n_val < 1:
            raise DataError(
                f"{where}: early_stopping with validation_fraction={self.validation_fraction} leaves an empty "
                f"training or validation set for {len(X)} samples; use more data or early_stopping=False"
            )
        return train_test_split(X, t, test_fraction=self.validation_fraction, stratify=stratify, seed=self._rng)

    def _forward(self, X, method):
        """Network output for X in evaluation mode (dropout off), shape (n_samples, n_out).

        Inference runs in float64 (the float32 weights are promoted): the result
        of a row then does not depend on the other rows of the batch, as it can
        in float32 where BLAS sums blocks of rows in different orders.
        """
        self._check_is_fitted(method)
        X = self._inputs(self._validate_X(X, method, reset=False, dtype=np.float64), np.float64)
        self._model.eval()
        with no_grad():
            return self._model(Tensor(X)).data

    def _warm(self):
        return bool(self.warm_start) and hasattr(self, "_model")

    @property
    def coefs_(self):
        """Weight matrices, one per layer, shape (fan_in, fan_out) as in scikit-learn (copies).

        scikit-learn's convention, the transpose of ``nn.Linear.weight``
        (out_features, in_features): ``X @ coefs_[0] + intercepts_[0]`` is the
        first layer's pre-activation.
        """
        self._check_is_fitted("coefs_")
        return [w.data.T.copy() for w in self._weights]

    @property
    def intercepts_(self):
        """Bias vectors, one per layer (copies)."""
        self._check_is_fitted("intercepts_")
        return [m.bias.data.copy() for m in self._model.modules() if isinstance(m, nn.Linear)]


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multilayer perceptron classifier: ReLU (or other) hidden layers, softmax output, cross-entropy loss.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int
        Width of each hidden layer, e.g. ``(256, 128)``.
    activation : {"relu", "tanh", "sigmoid", "logistic", "leaky_relu", "elu", "identity"}
        Hidden-layer activation.
    optimizer : str, gradstep optimizer, optimizer class or callable params -> optimizer
        ``"adam"`` (default), ``"sgd"``, ``"momentum"``, ``"nesterov"``, ``"adamw"``, ``"adagrad"``, ``"rmsprop"``;
        an optimizer instance is used as a template (its class and hyper-parameters).
    learning_rate : "auto" or float
        Step size (for named optimizers and classes); ``"auto"``: 1e-3 for Adam/AdamW/RMSprop,
        1e-2 for Adagrad and the SGD family (stored as ``learning_rate_``).
    batch_size : int, "full" or None
        Minibatch size; 1 is online learning, ``"full"``/``None`` full-batch gradient descent.
    epochs : int
        Maximum number of passes over the training data.
    alpha : float
        Strength of the L2 penalty alpha/2 sum ||W||^2 on the weight matrices (not the biases).
    dropout : float
        Probability of dropping a hidden unit during training (0: no dropout layers).
    early_stopping : bool
        Hold out ``validation_fraction`` of the data (stratified), stop when the
        validation loss has not improved by more than ``tol`` for ``patience``
        epochs, and keep the weights of the best epoch.
    validation_fraction : float
        Share of the data held out when ``early_stopping``.
    patience : int
        Epochs without improvement before stopping.
    tol : float or None
        Smallest improvement of the monitored loss (training loss without
        early stopping) that counts; ``None`` runs all ``epochs``.
    standardize : bool
        Feed the network standardised features (x - mean) / std of the training data
        (and, for MLPRegressor, learn the standardised target); see the module docstring.
    shuffle : bool
        New order of the samples every epoch.
    random_state : int, numpy Generator or None
        Seed of the initial weights, shuffling, dropout and validation split.
    warm_start : bool
        ``fit`` continues from the current weights.
    progress : bool
        Show the Trainer's progress bar and one summary line per epoch (loss, val_loss, seconds).
    compile : "exact" (default), True or False
        How each training step runs (see docs/performance.md). ``"exact"``:
        through ``gradstep.compile``, traced on the first two batches of each
        shape (the last, partial batch is traced once more) and replayed on
        preallocated buffers with eager's bits: the fitted weights are
        bit-identical to ``compile=False``. ``True`` also folds plain SGD's
        update into the weight gradient's BLAS call at batches of up to 256 rows
        (about 2x faster at batch 1), which rounds once where eager rounds
        twice: the same weights to float32 rounding after a step (measured
        below 4e-7 after 100 steps), a difference that training may then
        amplify. ``False``: the eager autodiff graph at every step.

    Attributes
    ----------
    classes_, n_features_in_, loss_curve_, validation_loss_curve_, history_ ({"loss", "val_loss"}), n_iter_,
    best_validation_loss_ (with early stopping), coefs_, intercepts_.

    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10)
    >>> y = np.array(["same", "diff", "diff", "same"] * 10)  # XOR: not linearly separable
    >>> clf = MLPClassifier((16,), learning_rate=0.05, batch_size=8, epochs=200, random_state=0).fit(X, y)
    >>> clf.predict([[0.0, 1.0], [1.0, 1.0]]).tolist()
    ['diff', 'same']
    """

    @staticmethod
    def _loss(out, t):
        return nn.functional.cross_entropy(out, t)  # -1/n sum log softmax(z)_y (fused)

    @accepts_dask
    def fit(self, X, y):
        """Train on X (n_samples, n_features) and labels y; returns self."""
        warm = self._warm()
        X = self._validate_X(X, "fit", reset=not warm, dtype=np.float32)
        codes = self._encode_y(y, X.shape[0], "fit", reset=not warm)
        return self._train(X, codes, "fit", reset=not warm, n_out=len(self.classes_), stratify=True)

    @accepts_dask
    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y); the first call fixes the labels (all of them via ``classes=``, else those in y)."""
        first = not hasattr(self, "_model")
        X = self._validate_X(X, "partial_fit", reset=first, dtype=np.float32)
        codes = self._encode_y(y, X.shape[0], "partial_fit", reset=first, classes=classes)
        return self._train(X, codes, "partial_fit", reset=first, n_out=len(self.classes_), stratify=False)

    def predict_proba(self, X):
        """Softmax of the network output, shape (n_samples, K), columns in the order of classes_."""
        return softmax(self._forward(X, "predict_proba"))

    def predict(self, X):
        """The label with the largest network output for each row of X."""
        scores = self._forward(X, "predict")
        return self.classes_[scores.argmax(axis=1)]


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multilayer perceptron regressor: hidden layers, one linear output, the course's MSE 1/(2n) sum (y_hat - y)^2.

    Parameters are those of ``MLPClassifier``. With ``standardize=True`` the
    network learns the standardised target (y - mean) / std (the statistics of
    the first fit), and ``predict`` maps its output back to y's units.

    >>> import numpy as np
    >>> X = np.linspace(-1, 1, 64)[:, None]; y = X[:, 0] ** 2
    >>> reg = MLPRegressor((32,), activation="tanh", learning_rate=0.01, batch_size=16, epochs=300, random_state=0)
    >>> round(reg.fit(X, y).score(X, y), 2) > 0.95
    True
    """

    @staticmethod
    def _loss(out, t):
        return nn.functional.mse_loss(out, t, half=True)  # 1/(2n) sum (y_hat - y)^2

    def _targets(self, y, reset):
        if reset:
            std = float(y.std()) if self.standardize else 1.0
            self._y_mean = float(y.mean()) if self.standardize else 0.0
            self._y_scale = std if std > 0 else 1.0
        return ((y - self._y_mean) / self._y_scale).astype(np.float32)[:, None]  # t = (y - mean) / std

    @accepts_dask
    def fit(self, X, y):
        """Train on X (n_samples, n_features) and real targets y (n_samples,); returns self."""
        warm = self._warm()
        X = self._validate_X(X, "fit", reset=not warm, dtype=np.float32)
        t = self._targets(self._validate_regression_y(y, X.shape[0], "fit"), reset=not warm)
        return self._train(X, t, "fit", reset=not warm, n_out=1, stratify=False)

    @accepts_dask
    def partial_fit(self, X, y):
        """One epoch on (X, y): the online mode with one sample or a small batch at a time."""
        first = not hasattr(self, "_model")
        X = self._validate_X(X, "partial_fit", reset=first, dtype=np.float32)
        t = self._targets(self._validate_regression_y(y, X.shape[0], "partial_fit"), reset=first)
        return self._train(X, t, "partial_fit", reset=first, n_out=1, stratify=False)

    def predict(self, X):
        """Network output in y's units, shape (n_samples,)."""
        return self._forward(X, "predict")[:, 0] * self._y_scale + self._y_mean
