"""Every optimizer minimises an ill-conditioned quadratic; Adam and momentum minimise Rosenbrock."""

import numpy as np
import pytest

import gradstep
from gradstep.optim import SGD, Adagrad, Adam, AdamW, RMSprop, schedules

# f(w) = (w1^2 + 100 w2^2) / 2: condition number 100, minimum 0 at w = (0, 0)
CURVATURE = np.array([1.0, 100.0])

QUADRATIC = {
    # plain gradient descent is stable for lr < 2 / 100
    "sgd": (lambda p: SGD(p, lr=0.015), 1500),
    "momentum": (lambda p: SGD(p, lr=0.01, momentum=0.9), 500),
    "nesterov": (lambda p: SGD(p, lr=0.01, momentum=0.9, nesterov=True), 500),
    "adagrad": (lambda p: Adagrad(p, lr=0.5), 500),
    "rmsprop": (lambda p: RMSprop(p, lr=0.01), 1000),
    "rmsprop-centered": (lambda p: RMSprop(p, lr=0.01, centered=True, momentum=0.5), 1000),
    "adam": (lambda p: Adam(p, lr=0.05), 1000),
    "amsgrad": (lambda p: Adam(p, lr=0.05, amsgrad=True), 1000),
    "adamw-cosine": (lambda p: AdamW(p, lr=schedules.cosine_decay(0.1, 1000)), 1000),
}


@pytest.mark.parametrize("name", list(QUADRATIC))
def test_ill_conditioned_quadratic(name):
    make, steps = QUADRATIC[name]
    h = gradstep.tensor(CURVATURE)
    w = gradstep.tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = make([w])
    for _ in range(steps):
        opt.minimize((h * w * w).sum() * 0.5)
    assert np.abs(w.data).max() < 1e-6


def rosenbrock_run(make, steps):
    # f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1); start at (-1.5, 2)
    x = gradstep.tensor(np.array(-1.5), requires_grad=True)
    y = gradstep.tensor(np.array(2.0), requires_grad=True)
    opt = make([x, y])
    for _ in range(steps):
        opt.minimize((1 - x) ** 2 + 100 * (y - x * x) ** 2)
    return np.array([x.item(), y.item()])


def test_adam_on_rosenbrock():
    np.testing.assert_allclose(rosenbrock_run(lambda p: Adam(p, lr=0.02), 3000), [1.0, 1.0], atol=1e-3)


def test_momentum_on_rosenbrock():
    np.testing.assert_allclose(rosenbrock_run(lambda p: SGD(p, lr=5e-4, momentum=0.9), 4000), [1.0, 1.0], atol=1e-3)
