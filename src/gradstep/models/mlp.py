"""Multilayer perceptrons as estimators: MLPClassifier (softmax cross-entropy) and MLPRegressor (MSE).

The network is a ``gradstep.nn.Sequential`` of ``Linear`` layers with an
activation (and optional ``Dropout``) between them, trained in float32 by
``gradstep.train.Trainer`` with a gradstep optimizer over minibatches: per step
one forward pass, one fused loss, one backward pass and one in-place optimizer
update. Stopping on a plateau and early stopping are Trainer's ``EarlyStopping``.
"""

import numpy as np

from .. import nn
from ..optim import make_optimizer
from ..data import train_test_split
from ..grad_mode import no_grad
from ..random import as_generator
from ..tensor import Tensor
from ..train import EarlyStopping, Trainer
from ._gradient import batch_size_of, check_positive_int
from .base import BaseEstimator, ClassifierMixin, DataError, RegressorMixin, accepts_dask
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


class _BaseMLP(BaseEstimator):
    """Network construction, the training loop with early stopping, partial_fit and the forward pass."""

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        optimizer="adam",
        learning_rate=1e-3,
        batch_size=200,
        epochs=200,
        l2=0.0,
        dropout=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=10,
        tol=1e-4,
        shuffle=True,
        random_state=None,
        warm_start=False,
        progress=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.l2 = l2
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.progress = progress

    # ----- construction -------------------------------------------------------------
    def _check_params(self, where):
        sizes = self.hidden_layer_sizes
        sizes = (sizes,) if isinstance(sizes, (int, np.integer)) else tuple(sizes)
        for size in sizes:
            check_positive_int(size, "every entry of hidden_layer_sizes", where)
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"{where}: unknown activation {self.activation!r}; choose one of {sorted(ACTIVATIONS)}")
        if not (isinstance(self.dropout, (int, float)) and 0.0 <= self.dropout < 1.0):
            raise ValueError(f"{where}: dropout must be a probability in [0, 1), got {self.dropout!r}")
        if not (isinstance(self.l2, (int, float)) and self.l2 >= 0):
            raise ValueError(f"{where}: l2 must be a number >= 0, got {self.l2!r}")
        if self.early_stopping and not (isinstance(self.validation_fraction, float) and 0.0 < self.validation_fraction < 1.0):
            raise ValueError(f"{where}: validation_fraction must be in (0, 1), got {self.validation_fraction!r}")
        return [int(s) for s in sizes]

    def _build(self, n_in, n_out, where):
        """Fresh network (seeded from random_state), optimizer and history."""
        sizes = self._check_params(where)
        self._rng = as_generator(self.random_state)
        layers = []
        widths = [n_in, *sizes]
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            layers.append(nn.Linear(fan_in, fan_out, seed=self._rng, dtype=np.float32))
            layers.append(ACTIVATIONS[self.activation]())
            if self.dropout > 0:
                layers.append(nn.Dropout(self.dropout, seed=self._rng))
        layers.append(nn.Linear(widths[-1], n_out, seed=self._rng, dtype=np.float32))
        self._model = nn.Sequential(*layers)
        self._weights = [m.weight for m in layers if isinstance(m, nn.Linear)]
        self._optimizer = make_optimizer(self.optimizer, list(self._model.parameters()), self.learning_rate, where)
        self.loss_curve_ = []
        self.validation_loss_curve_ = []

    def _objective(self):
        """The training loss (output, target) -> Tensor: the data loss plus l2/2 sum ||W||^2."""
        weights, l2, loss_fn = self._weights, float(self.l2), self._loss
        if not l2:
            return loss_fn

        def objective(out, t):
            return loss_fn(out, t) + (0.5 * l2) * nn.regularizers.l2_penalty(weights)  # l2/2 sum ||W||^2

        return objective

    # ----- training -----------------------------------------------------------------
    def _train(self, X, t, method, reset, n_out, stratify):
        """Epochs with gradstep.train.Trainer; fit stops on a plateau (tol/patience), partial_fit runs one epoch."""
        where = f"{type(self).__name__}.{method}"
        if reset:
            self._build(X.shape[1], n_out, where)
        batch_size = batch_size_of(self.batch_size, where)
        one_pass = method == "partial_fit"
        epochs = 1 if one_pass else check_positive_int(self.epochs, "epochs", where)
        patience = check_positive_int(self.patience, "patience", where)
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
        trainer = Trainer(self._model, self._objective(), self._optimizer, callbacks=callbacks, progress=bool(self.progress))
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
        X = self._validate_X(X, method, reset=False, dtype=np.float64)
        self._model.eval()
        with no_grad():
            return self._model(Tensor(X)).data

    def _warm(self):
        return bool(self.warm_start) and hasattr(self, "_model")

    @property
    def coefs_(self):
        """Weight matrices, one per layer, shape (fan_in, fan_out) (copies)."""
        self._check_is_fitted("coefs_")
        return [w.data.copy() for w in self._weights]

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
    learning_rate : float
        Step size (for named optimizers and classes).
    batch_size : int, "full" or None
        Minibatch size; 1 is online learning, ``"full"``/``None`` full-batch gradient descent.
    epochs : int
        Maximum number of passes over the training data.
    l2 : float
        Strength of the L2 penalty l2/2 sum ||W||^2 on the weight matrices (not the biases).
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
    shuffle : bool
        New order of the samples every epoch.
    random_state : int, numpy Generator or None
        Seed of the initial weights, shuffling, dropout and validation split.
    warm_start : bool
        ``fit`` continues from the current weights.
    progress : bool
        Show the Trainer's progress bar and one summary line per epoch (loss, val_loss, seconds).

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

    Parameters are those of ``MLPClassifier``. The targets are used as given:
    standardising y (and X) usually helps a lot.

    >>> import numpy as np
    >>> X = np.linspace(-1, 1, 64)[:, None]; y = X[:, 0] ** 2
    >>> reg = MLPRegressor((32,), activation="tanh", learning_rate=0.01, batch_size=16, epochs=300, random_state=0)
    >>> round(reg.fit(X, y).score(X, y), 2) > 0.95
    True
    """

    @staticmethod
    def _loss(out, t):
        return nn.functional.mse_loss(out, t, half=True)  # 1/(2n) sum (y_hat - y)^2

    @accepts_dask
    def fit(self, X, y):
        """Train on X (n_samples, n_features) and real targets y (n_samples,); returns self."""
        warm = self._warm()
        X = self._validate_X(X, "fit", reset=not warm, dtype=np.float32)
        t = self._validate_regression_y(y, X.shape[0], "fit", dtype=np.float32)[:, None]
        return self._train(X, t, "fit", reset=not warm, n_out=1, stratify=False)

    @accepts_dask
    def partial_fit(self, X, y):
        """One epoch on (X, y): the online mode with one sample or a small batch at a time."""
        first = not hasattr(self, "_model")
        X = self._validate_X(X, "partial_fit", reset=first, dtype=np.float32)
        t = self._validate_regression_y(y, X.shape[0], "partial_fit", dtype=np.float32)[:, None]
        return self._train(X, t, "partial_fit", reset=first, n_out=1, stratify=False)

    def predict(self, X):
        """Network output, shape (n_samples,)."""
        return self._forward(X, "predict")[:, 0]
