"""gradstep through its public training API: Trainer.fit, MLPClassifier.fit, LogisticRegression, LinearRegression.

Same configs, data and initial weights as the references in mlp.py, logreg.py
and lstsq.py. A factory raises ImportError/AttributeError while a piece is
not in gradstep yet; the runner then lists the implementation as unavailable.
"""

from .mlp import Impl


def make_trainer(config):
    raise ImportError("gradstep.train.Trainer is not available yet")


def make_mlp_classifier(config):
    raise ImportError("gradstep.models.MLPClassifier is not available yet")


def make_logistic_regression(config):
    raise ImportError("gradstep.models.LogisticRegression is not available yet")


def make_linear_regression(config):
    raise ImportError("gradstep.models.LinearRegression is not available yet")


__all__ = ["Impl", "make_trainer", "make_mlp_classifier", "make_logistic_regression", "make_linear_regression"]
