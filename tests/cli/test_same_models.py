"""The command line trains the gradstep.models estimators: a model behaves the same from Python and from the shell."""

import numpy as np
import pytest

from gradstep.cli.options import default_epochs, default_options
from gradstep.cli.session import Session
from gradstep.models import LinearRegression, Perceptron, SoftmaxRegression


def _session(**options):
    options = {**default_options(), **options}
    options["epochs"] = options["epochs"] or default_epochs(options["model"])
    return Session(options)


def test_the_perceptron_of_the_command_line_is_the_estimators():
    session = _session(data="breast_cancer", model="perceptron", epochs=3)
    trainer = session.trainer(progress=False)
    trainer.fit((session.X_train, session.y_train), epochs=3, batch_size=session.batch_size, seed=0)
    # the same rule, order and stopping from Python, on the command line's standardised training set
    est = Perceptron(standardize=False, epochs=3, random_state=0).fit(session.X_train, session.y_train)
    np.testing.assert_array_equal(session.network.module.weight.data[:, 0], est.coef_[0])
    np.testing.assert_array_equal(session.network.module.bias.data, est.intercept_)
    predicted = session.predict(trainer, session.X_test)
    classes = np.asarray(session.dataset.classes)
    np.testing.assert_array_equal(predicted, classes[est.predict(session.X_test)])  # classes_[z > 0]


def test_softmax_on_the_command_line_takes_the_estimators_auto_step():
    session = _session(data="iris", model="softmax")
    # --alpha is the estimator's alpha (0 unless given)
    est = SoftmaxRegression(alpha=0.0, standardize=False, random_state=0, epochs=1).fit(session.X_train, session.y_train)
    assert session.network.learning_rate == pytest.approx(est.learning_rate_, rel=1e-12)
    assert session.options["optimizer"] is None and type(session.optimizer).__name__ == "SGD"


@pytest.mark.parametrize("data, model, floor", [
    ("iris", "softmax", 0.85), ("wine", "softmax", 0.9), ("breast_cancer", "logistic", 0.9),
    ("breast_cancer", "perceptron", 0.9), ("breast_cancer", "adaline", 0.9), ("iris", "mlp", 0.85),
])  # fmt: skip
def test_every_model_reaches_a_sensible_test_score_with_no_options(data, model, floor):
    session = _session(data=data, model=model)
    trainer = session.trainer(progress=False)
    trainer.fit((session.X_train, session.y_train), epochs=session.options["epochs"], batch_size=session.batch_size, seed=0)
    accuracy = np.mean(session.predict(trainer, session.X_test) == session.raw_y_test)
    assert accuracy >= floor


def test_linear_regression_with_no_options_fits_diabetes():
    session = _session(data="diabetes", model="linear")
    trainer = session.trainer(progress=False)
    trainer.fit((session.X_train, session.y_train), epochs=session.options["epochs"], batch_size=session.batch_size, seed=0)
    y, p = np.asarray(session.raw_y_test, np.float64), session.predict(trainer, session.X_test)
    y_train = session.y_train[:, 0] * session.prep.y_scale + session.prep.y_mean
    exact = LinearRegression(solver="lstsq").fit(session.X_train, y_train).predict(session.X_test)

    def r2(q):
        return 1 - np.sum((y - q) ** 2) / np.sum((y - np.mean(y)) ** 2)

    assert r2(p) >= r2(exact) - 0.02  # gradient descent reaches the least-squares fit
