"""Hyper-parameter tables: each estimator declares what every parameter accepts, checked once per fit.

In the spirit of scikit-learn's ``_parameter_constraints``: an estimator class
sets ``_parameters = {"name": (constraint, ...), ...}`` and ``fit`` calls
``validate_parameters(self, where)``, which raises ``ArgumentError`` naming the
parameter, the value and what it accepts. The command line builds the same
estimators, so it is checked by the same table.

One name per concept across the estimators: ``alpha`` (L2 strength),
``learning_rate``, ``epochs``, ``batch_size``, ``patience``, ``tol``,
``standardize``. Passing scikit-learn's name for one of them (``max_iter``,
``learning_rate_init``, ``C``, ...) raises an ArgumentError that names
gradstep's parameter.

>>> from gradstep.models import LogisticRegression
>>> try:
...     LogisticRegression(max_iter=100)
... except ArgumentError as err:
...     print(err)
LogisticRegression: max_iter is scikit-learn's name; gradstep calls it epochs (passes over the data)
"""

import numbers

import numpy as np

from ..errors import ArgumentError

#: scikit-learn's (and other libraries') names -> gradstep's parameter and a hint
FOREIGN_NAMES = {
    "max_iter": "epochs (passes over the data)",
    "n_iter": "epochs (passes over the data)",
    "learning_rate_init": "learning_rate",
    "eta0": "learning_rate",
    "lr": "learning_rate",
    "C": "alpha, the L2 strength of the mean loss (alpha = 1 / (C * n_samples))",
    "l2": "alpha (the L2 strength)",
    "penalty": "alpha (the L2 strength; alpha=0 for no penalty)",
    "n_iter_no_change": "patience",
    "hidden": "hidden_layer_sizes",
    "seed": "random_state",
    "normalize": "standardize",
}


_SKLEARN_NAMES = {"max_iter", "n_iter", "learning_rate_init", "eta0", "C", "penalty", "n_iter_no_change", "normalize"}


class Interval:
    """Numbers of ``kind`` (int or float) between ``low`` and ``high`` (None: unbounded), ends as ``closed``.

    >>> Interval(float, 0, None, closed="neither").describe()
    'a float in (0, inf)'
    >>> Interval(int, 1, None).accepts(3), Interval(int, 1, None).accepts(0), Interval(int, 1, None).accepts(True)
    (True, False, False)
    """

    def __init__(self, kind, low, high, closed="both"):
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def accepts(self, value):
        if isinstance(value, (bool, np.bool_)):
            return False
        if self.kind is int and not isinstance(value, numbers.Integral):
            return False
        if self.kind is float and not isinstance(value, numbers.Real):
            return False
        if not np.isfinite(value):
            return False
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True

    def describe(self):
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return f"{'an int' if self.kind is int else 'a float'} in {left}{low}, {high}{right}"


class Options:
    """One of a fixed set of values (strings compared exactly).

    >>> Options("gd", "sgd").describe()
    "one of 'gd', 'sgd'"
    """

    def __init__(self, *values):
        self.values = values

    def accepts(self, value):
        return isinstance(value, str) and value in self.values

    def describe(self):
        return "one of " + ", ".join(repr(v) for v in self.values)


class _Is:
    def __init__(self, test, text):
        self.test, self.text = test, text

    def accepts(self, value):
        return self.test(value)

    def describe(self):
        return self.text


BOOLEAN = _Is(lambda v: isinstance(v, (bool, np.bool_)), "True or False")
NONE = _Is(lambda v: v is None, "None")
RANDOM_STATE = _Is(
    lambda v: v is None or isinstance(v, np.random.Generator) or (isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 0),
    "None, an int >= 0 or a numpy Generator",
)  # fmt: skip
OPTIMIZER = _Is(
    lambda v: isinstance(v, str) or callable(v) or hasattr(v, "step"),
    "an optimizer name ('sgd', 'momentum', 'nesterov', 'adam', ...), a gradstep optimizer (class) or a factory",
)
POSITIVE_INT = Interval(int, 1, None)
POSITIVE_FLOAT = Interval(float, 0, None, closed="neither")
NON_NEGATIVE_FLOAT = Interval(float, 0, None)
BATCH_SIZE = (POSITIVE_INT, Options("full"), NONE)
LEARNING_RATE = (Options("auto"), POSITIVE_FLOAT)


def validate_parameters(estimator, where):
    """Check every parameter of ``estimator`` against its class's ``_parameters`` table.

    >>> from gradstep.models import LinearRegression
    >>> validate_parameters(LinearRegression(epochs=0), "LinearRegression.fit")
    Traceback (most recent call last):
    ...
    gradstep.errors.ArgumentError: LinearRegression.fit: epochs must be an int in [1, inf), got 0
    """
    table = type(estimator)._parameters
    for name, constraints in table.items():
        value = getattr(estimator, name)
        if not any(c.accepts(value) for c in constraints):
            allowed = " or ".join(c.describe() for c in constraints)
            raise ArgumentError(f"{where}: {name} must be {allowed}, got {value!r}")


def reject_foreign_names(cls, names, valid):
    """Raise ArgumentError for a keyword that is another library's name of a gradstep parameter (or unknown)."""
    for name in names:
        if name in valid:
            continue
        if name in FOREIGN_NAMES:
            origin = "scikit-learn's name" if name in _SKLEARN_NAMES else "not a gradstep parameter"
            raise ArgumentError(f"{cls.__name__}: {name} is {origin}; gradstep calls it {FOREIGN_NAMES[name]}")
        raise ArgumentError(f"{cls.__name__}: unknown parameter {name!r}; valid parameters are {sorted(valid)}")
