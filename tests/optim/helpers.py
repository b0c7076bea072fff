"""Small fixed problems for the optimizer tests, in float64 so hand-computed numbers compare tightly."""

import numpy as np

import gradstep


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
