"""Small float64 example inputs for every op in the registry, for ``gradstep gradcheck``.

Each entry maps an op's registry name to ``example(rng) -> (fn, inputs)``:
``fn`` calls the op on Tensors, ``inputs`` are float64 arrays (or constants
such as integer labels) with shapes that exercise broadcasting, chosen away
from kinks (|x| at 0 for relu/abs, ties for max/min, clip points) where the
derivative does not exist.

>>> import numpy as np
>>> fn, inputs = EXAMPLES["mul"](np.random.default_rng(0))
>>> [x.shape for x in inputs]
[(3, 4), (4,)]
"""

import numpy as np

from .. import ops
from ..ops.shape import Scatter
from ..nn import functional as F


def _normal(rng, *shape):
    return rng.standard_normal(shape)


def _away_from_zero(rng, *shape):
    # values with |x| >= 0.1, so kinks at 0 stay out of the finite-difference step
    x = rng.standard_normal(shape)
    return np.where(x >= 0, x + 0.1, x - 0.1)


def _positive(rng, *shape):
    return np.abs(rng.standard_normal(shape)) + 0.5


def _distinct(rng, *shape):
    # a shuffled grid: no two values within 0.1 of each other, so max/min have no ties
    return rng.permutation(np.arange(np.prod(shape)) * 0.3 - 1.0).reshape(shape)


def _binary(fn, b=_normal):
    return lambda rng: (fn, [_normal(rng, 3, 4), b(rng, 4)])


def _unary(fn, values=_normal):
    return lambda rng: (fn, [values(rng, 3, 4)])


def _reduction(fn):
    return lambda rng: ((lambda x: fn(x, axis=1, keepdims=True)), [_distinct(rng, 3, 4)])


def _softmax(fn):
    return lambda rng: ((lambda x: fn(x, axis=-1)), [_normal(rng, 3, 4)])


def _maximum_minimum(fn):
    def example(rng):
        a = _distinct(rng, 3, 4)
        return fn, [a, a[0] + 0.15]  # b broadcasts along the rows and never ties with a

    return example


def _clip(rng):
    x = rng.uniform(-2, 2, (3, 4))
    x = np.where(np.abs(np.abs(x) - 1) < 0.05, x * 0.8, x)  # away from the clip points +-1
    return (lambda t: ops.clip(t, -1.0, 1.0)), [x]


def _where(rng):
    cond = rng.standard_normal((3, 4)) > 0
    return (lambda a, b: ops.where(cond, a, b)), [_normal(rng, 3, 4), _normal(rng, 4)]


def _astype(rng):
    # float64 -> float64 keeps the round trip exact at the finite-difference step
    return (lambda x: ops.astype(x, np.float64)), [_normal(rng, 3, 4)]


def _getitem(rng):
    index = np.array([0, 0, 2])  # a repeated row: its gradients must add up
    return (lambda x: ops.getitem(x, index)), [_normal(rng, 3, 4)]


_LABELS = np.array([0, 2, 1])  # class labels of the 3 examples of a (3, 4) score matrix


def _labels_loss(fn, values=_normal):
    return lambda rng: ((lambda z: fn(z, _LABELS)), [values(rng, 3, 4)])


def _bce(rng):
    p = rng.uniform(0.1, 0.9, (3, 4))  # probabilities away from 0 and 1, where log clamps
    return F.binary_cross_entropy, [p, rng.uniform(0, 1, (3, 4))]


def _absolute_error(rng):
    a = _normal(rng, 3, 4)
    return F.l1_loss, [a, a + _away_from_zero(rng, 3, 4)]  # |a - b| >= 0.1: no kink at a = b


EXAMPLES = {
    "add": _binary(ops.add),
    "sub": _binary(ops.sub),
    "mul": _binary(ops.mul),
    "div": _binary(ops.div, b=lambda rng, *s: _away_from_zero(rng, *s) * 2),
    "neg": _unary(ops.neg),
    "pow": lambda rng: (ops.pow, [_positive(rng, 3, 4), _normal(rng, 4)]),
    "exp": _unary(ops.exp),
    "sin": _unary(ops.sin),
    "cos": _unary(ops.cos),
    "log": _unary(ops.log, _positive),
    "sqrt": _unary(ops.sqrt, _positive),
    "abs": _unary(ops.abs, _away_from_zero),
    "maximum": _maximum_minimum(ops.maximum),
    "minimum": _maximum_minimum(ops.minimum),
    "clip": _clip,
    "where": _where,
    "astype": _astype,
    "sum": _reduction(ops.sum),
    "mean": _reduction(ops.mean),
    "max": _reduction(ops.max),
    "min": _reduction(ops.min),
    "matmul": lambda rng: (ops.matmul, [_normal(rng, 2, 3, 4), _normal(rng, 4, 5)]),
    "transpose": lambda rng: ((lambda x: ops.transpose(x, 2, 0, 1)), [_normal(rng, 2, 3, 4)]),
    "linear": lambda rng: (ops.linear, [_normal(rng, 3, 4), _normal(rng, 2, 4), _normal(rng, 2)]),
    # x W^T + b = x scaled column by column (W diagonal, positive; b = 0): every entry >= 0.05 from the kink
    "linear_relu": lambda rng: (ops.linear_relu, [_away_from_zero(rng, 3, 2), np.diag(_positive(rng, 2)), np.zeros(2)]),
    "reshape": lambda rng: ((lambda x: ops.reshape(x, 4, 3)), [_normal(rng, 3, 4)]),
    "getitem": _getitem,
    "scatter": lambda rng: ((lambda v: Scatter.apply(v, shape=(4, 3), index=np.array([0, 0, 2]))), [_normal(rng, 3, 3)]),
    "index_put": lambda rng: ((lambda x, v: ops.index_put(x, (slice(None), 1), v)), [_normal(rng, 3, 4), _normal(rng, 3)]),
    "concatenate": lambda rng: ((lambda a, b: ops.concatenate([a, b], axis=1)), [_normal(rng, 3, 4), _normal(rng, 3, 2)]),
    "stack": lambda rng: ((lambda a, b: ops.stack([a, b], axis=1)), [_normal(rng, 3, 4), _normal(rng, 3, 4)]),
    "broadcast_to": lambda rng: ((lambda x: ops.broadcast_to(x, (2, 3, 4))), [_normal(rng, 3, 1)]),
    "expand_dims": lambda rng: ((lambda x: ops.expand_dims(x, 1)), [_normal(rng, 3, 4)]),
    "squeeze": lambda rng: (ops.squeeze, [_normal(rng, 3, 1, 4)]),
    "sigmoid": _unary(ops.sigmoid),
    "tanh": _unary(ops.tanh),
    "relu": _unary(ops.relu, _away_from_zero),
    "leaky_relu": _unary(lambda x: ops.leaky_relu(x, 0.1), _away_from_zero),
    "elu": _unary(ops.elu, _away_from_zero),
    "softplus": _unary(ops.softplus),
    "softmax": _softmax(ops.softmax),
    "log_softmax": _softmax(ops.log_softmax),
    "softmax_cross_entropy": _labels_loss(F.cross_entropy),
    "nll": _labels_loss(F.nll_loss, lambda rng, *s: -_positive(rng, *s)),
    "multi_margin_hinge": _labels_loss(F.hinge_loss, _distinct),
    "bce_with_logits": lambda rng: (F.binary_cross_entropy_with_logits, [_normal(rng, 3, 4), rng.uniform(0, 1, (3, 4))]),
    "bce": _bce,
    "squared_error": lambda rng: (F.mse_loss, [_normal(rng, 3, 4), _normal(rng, 3, 4)]),
    "absolute_error": _absolute_error,
}
