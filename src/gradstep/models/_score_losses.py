"""The linear models' losses as functions of the scores z = X W + b, with dL/dz in closed form.

Each of these losses pairs an output function h with its "canonical" loss, and
for every such pair the chain rule through h and the loss collapses to the
same short formula, the course's delta rule::

    dL/dz = (h(z) - t) / n          h = identity (squared error), sigmoid (binary
                                    cross-entropy), softmax (categorical cross-entropy)

so dL/dW = X^T dL/dz and dL/db = sum_rows dL/dz. The linear models use these
instead of recording a graph: a step is then a few NumPy calls, which matters
when a minibatch is small (tests/models/test_score_losses.py checks every one
against gradstep's autodiff of the same loss from ``gradstep.nn.functional``).

Each function returns ``(loss, dL/dz)``: the loss as a Python float and the
gradient as a new array of z's shape.
"""

import numpy as np


def squared_error(z, t, summed=False):
    """Half squared error: L = 1/(2n) sum (z - t)^2, or 1/2 sum (z - t)^2 with ``summed``.

    >>> loss, grad = squared_error(np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]]))
    >>> loss, grad.tolist()    # (1 + 9) / 4 ; (z - t) / n
    (2.5, [[0.5], [1.5]])
    """
    # dL/dz = (z - t) / n   (z - t for the sum)
    grad = z - t
    loss = 0.5 * float(np.vdot(grad, grad))
    if summed:
        return loss, grad
    n = len(z)
    grad /= n
    return loss / n, grad


def logistic(z, t):
    """Binary cross-entropy of sigmoid(z) against t in {0, 1}, from the logits (stable for any z).

    >>> loss, grad = logistic(np.array([[0.0], [0.0]]), np.array([[1.0], [0.0]]))
    >>> round(loss, 6), grad.tolist()    # log 2 ; (1/2 - t) / 2
    (0.693147, [[-0.25], [0.25]])
    """
    n = len(z)
    e = np.exp(-np.abs(z))  # e^-|z| in (0, 1]: never overflows
    # L = 1/n sum softplus(z) - z t,  softplus(z) = max(z, 0) + log(1 + e^-|z|)
    losses = np.maximum(z, 0)
    losses -= z * t
    losses += np.log1p(e)
    # dL/dz = (sigmoid(z) - t) / n,  sigmoid(z) = 1 / (1 + e) for z >= 0 and e / (1 + e) below
    grad = np.where(z >= 0, 1.0, e)
    grad /= 1.0 + e
    grad -= t
    grad /= n
    return float(losses.sum()) / n, grad


def softmax_cross_entropy(z, codes):
    """Categorical cross-entropy of softmax(z) (rows) against integer class codes (log-sum-exp, stable).

    >>> loss, grad = softmax_cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
    >>> round(loss, 6), grad.tolist()    # log 2 ; softmax - onehot
    (0.693147, [[0.5, -0.5]])
    """
    n = len(z)
    rows = np.arange(n)
    grad = z - z.max(axis=1, keepdims=True)  # shifted scores: exp never overflows
    picked = grad[rows, codes]
    np.exp(grad, out=grad)
    total = grad.sum(axis=1)
    # L = 1/n sum log sum_k e^z_k - z_y
    loss = float(np.log(total).sum() - picked.sum()) / n
    # dL/dz = (softmax(z) - onehot(y)) / n
    grad /= total[:, None]
    grad[rows, codes] -= 1.0
    grad /= n
    return loss, grad
