"""The course's models as scikit-learn-compatible estimators (scikit-learn itself is optional).

``fit`` / ``predict`` / ``predict_proba`` / ``decision_function`` / ``score``,
``get_params`` / ``set_params``, ``partial_fit`` for online learning, fitted
attributes ending in ``_``:

- ``LinearRegression`` (normal equations, lstsq, gradient descent), ``LogisticRegression``, ``SoftmaxRegression``
- ``Perceptron`` (the classic rule), ``Adaline`` (Widrow-Hoff)
- ``MLPClassifier``, ``MLPRegressor`` (multilayer perceptrons on gradstep.nn)

>>> from gradstep.models import LinearRegression
>>> LinearRegression().fit([[0.0], [1.0]], [1.0, 3.0]).predict([[2.0]]).tolist()
[5.0]
"""

from ..errors import (
    ConvergenceWarning, DataConversionWarning, DataError, IllConditionedWarning, NotFittedError, StepSizeWarning,
    TrainingDivergedError,
)
from .base import BaseEstimator, ClassifierMixin, RegressorMixin
from .linear import LinearRegression, LogisticRegression, SoftmaxRegression
from .mlp import MLPClassifier, MLPRegressor
from .perceptron import Adaline, Perceptron

__all__ = [
    "LinearRegression", "LogisticRegression", "SoftmaxRegression", "Perceptron", "Adaline",
    "MLPClassifier", "MLPRegressor",
    "BaseEstimator", "ClassifierMixin", "RegressorMixin",
    "NotFittedError", "DataError", "TrainingDivergedError",
    "DataConversionWarning", "IllConditionedWarning", "StepSizeWarning", "ConvergenceWarning",
]  # fmt: skip
