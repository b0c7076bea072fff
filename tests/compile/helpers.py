"""Shared pieces of the compile tests: the eager reference loop and seeded data."""

import numpy as np

import gradstep


def data(n=96, features=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)).astype(np.float32), rng.integers(0, classes, n)


def eager_step(model, loss_fn, optimizer, x, y):
    """The PyTorch-style step the compiled one must reproduce."""
    optimizer.zero_grad()
    loss = loss_fn(model(gradstep.Tensor(x)), gradstep.Tensor(y))
    loss.backward()
    optimizer.step()
    return float(loss.data)


def batches(X, Y, steps, batch):
    """``steps`` minibatches cycling over the data (the last one of each pass may be partial)."""
    n = len(X)
    starts = list(range(0, n, batch))
    for i in range(steps):
        s = starts[i % len(starts)]
        yield X[s : s + batch], Y[s : s + batch]


def run_both(make_model, make_loss, make_opt, X, Y, steps=100, batch=32, exact=True, **compile_options):
    """Train two identical models, one eagerly and one compiled; returns (eager model, compiled model, step, losses)."""
    eager_model, compiled_model = make_model(), make_model()
    eager_opt, compiled_opt = make_opt(eager_model.parameters()), make_opt(compiled_model.parameters())
    eager_loss, compiled_loss = make_loss(), make_loss()
    step = gradstep.compile(compiled_model, compiled_loss, compiled_opt, exact=exact, **compile_options)
    losses = []
    for x, y in batches(X, Y, steps, batch):
        a = eager_step(eager_model, eager_loss, eager_opt, x, y)
        b = step(x, y)
        losses.append((a, b))
    return eager_model, compiled_model, step, losses


def max_difference(model_a, model_b):
    """Largest absolute difference between the two models' parameters and buffers."""
    a, b = model_a.state_dict(), model_b.state_dict()
    return max(float(np.max(np.abs(np.asarray(a[k], np.float64) - np.asarray(b[k], np.float64)))) for k in a)


def max_scaled_difference(model_a, model_b):
    """Largest |a - b| / max(1, max |a|) over the parameters and buffers: rounding as a share of their size.

    A run whose weights grow (batch 1 with momentum reaches |w| ~ 50) amplifies float32 rounding with them.
    """
    a, b = model_a.state_dict(), model_b.state_dict()
    shares = []
    for k in a:
        x, y = np.asarray(a[k], np.float64), np.asarray(b[k], np.float64)
        shares.append(float(np.max(np.abs(x - y))) / max(1.0, float(np.max(np.abs(x)))))
    return max(shares)
