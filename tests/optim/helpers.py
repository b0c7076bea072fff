"""Small fixed problems for the optimizer tests, in float64 so hand-computed numbers compare tightly."""

import numpy as np

import gradstep
from gradstep.optim import SGD, Adagrad, Adam, AdamW, RMSprop, schedules


def param(*values):
    """A float64 leaf tensor that requires grad."""
    return gradstep.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def square_loss(w):
    """L(w) = sum(w^2), so g = 2w."""
    return (w * w).sum()


def linear_loss(c):
    """L(w) = sum(c * w): a constant gradient g = c."""
    coef = gradstep.tensor(np.array(c, dtype=np.float64))
    return lambda w: (w * coef).sum()


def trajectory(make_optimizer, w0, loss, steps=3):
    """Parameter values after each of ``steps`` updates (zero_grad, backward, step)."""
    w = param(*w0)
    opt = make_optimizer([w])
    values = []
    for _ in range(steps):
        opt.zero_grad()
        loss(w).backward()
        opt.step()
        values.append(w.data.copy())
    return np.array(values)


OPTIMIZERS = {
    "sgd": lambda p: SGD(p, lr=0.05),
    "sgd-momentum": lambda p: SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd-nesterov": lambda p: SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    "adagrad": lambda p: Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1),
    "rmsprop": lambda p: RMSprop(p, lr=0.01, momentum=0.5, centered=True, weight_decay=0.01),
    "adam": lambda p: Adam(p, lr=0.01, weight_decay=0.01),
    "adam-amsgrad": lambda p: Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda p: AdamW(p, lr=0.01),
    "adam-schedule": lambda p: Adam(p, lr=schedules.warmup(schedules.cosine_decay(0.01, 10), 2)),
}


def make_problem(seed=0):
    """A float32 linear model W (3, 2), b (2,), an unused parameter u, its squared-error loss and the data."""
    rng = np.random.default_rng(seed)
    W = gradstep.tensor(rng.standard_normal((3, 2)).astype(np.float32), requires_grad=True)
    b = gradstep.tensor(rng.standard_normal(2).astype(np.float32), requires_grad=True)
    u = gradstep.tensor(np.ones(2, dtype=np.float32), requires_grad=True)
    x = gradstep.tensor(rng.standard_normal((5, 3)).astype(np.float32))
    y = gradstep.tensor(rng.standard_normal((5, 2)).astype(np.float32))

    def loss():
        r = x @ W + b - y
        return (r * r).sum()

    return [W, b, u], loss, (x.data, y.data)
