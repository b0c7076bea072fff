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
gradient as a new array of z's shape. Both come from the fused loss ops of
``gradstep.ops.loss`` (the same stable forms the networks use), run on bare
arrays: their forward and backward, without a graph node.
"""

import numpy as np

from ..function import Context
from ..ops.loss import BCEWithLogits, SoftmaxCrossEntropy, SquaredError


#: dL/dL = 1 in each float dtype (read-only: the ops never write their incoming gradient)
_ONE = {np.dtype(kind): np.ones((), kind) for kind in (np.float32, np.float64)}
for _one in _ONE.values():
    _one.flags.writeable = False


def _value_and_grad(op, z, target, **attrs):
    """(loss, dL/dz) from a fused loss op's forward and backward, with no graph recorded."""
    ctx = Context()
    ctx.needs_input_grad = (True, False)  # the targets are data
    loss = op.forward(ctx, z, target, **attrs)
    one = _ONE.get(z.dtype)
    grad_z, _ = op.backward(ctx, np.ones((), z.dtype) if one is None else one)  # dL/dL = 1
    return float(loss), grad_z


def squared_error(z, t, summed=False):
    """Half squared error: L = 1/(2n) sum (z - t)^2, or 1/2 sum (z - t)^2 with ``summed``; dL/dz = (z - t) / n.

    >>> loss, grad = squared_error(np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]]))
    >>> loss, grad.tolist()    # (1 + 9) / 4 ; (z - t) / n
    (2.5, [[0.5], [1.5]])
    """
    return _value_and_grad(SquaredError, z, t, factor=0.5, reduction="sum" if summed else "mean")


def logistic(z, t):
    """Binary cross-entropy of sigmoid(z) against t in {0, 1}, from the logits; dL/dz = (sigmoid(z) - t) / n.

    >>> loss, grad = logistic(np.array([[0.0], [0.0]]), np.array([[1.0], [0.0]]))
    >>> round(loss, 6), grad.tolist()    # log 2 ; (1/2 - t) / 2
    (0.693147, [[-0.25], [0.25]])
    """
    return _value_and_grad(BCEWithLogits, z, t)


def softmax_cross_entropy(z, codes):
    """Cross-entropy of softmax(z) (rows) against integer class codes; dL/dz = (softmax(z) - onehot) / n.

    >>> loss, grad = softmax_cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))
    >>> round(loss, 6), grad.tolist()    # log 2 ; softmax - onehot
    (0.693147, [[0.5, -0.5]])
    """
    return _value_and_grad(SoftmaxCrossEntropy, z, codes)
