"""One gradcheck case per registered op: how to draw its inputs and how to call it.

Each case is ``draw_case(data, rng) -> (fn, inputs[, gradcheck options])``: ``data`` is hypothesis'
data object (for shapes), ``rng`` a seeded NumPy Generator (for values). The
sweep in test_gradcheck_all_ops.py fails when an op in the registry has no case
here, so a new op cannot go unchecked.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradstep import ops
from gradstep.ops.shape import Scatter

from .loss_op_cases import LOSS_CASES

SMALL = dict(min_dims=0, max_dims=3, min_side=1, max_side=4)


def shape(data, **kw):
    return data.draw(hnp.array_shapes(**{**SMALL, **kw}), label="shape")


def two_shapes(data):
    """Two shapes that broadcast together (sometimes equal, sometimes not)."""
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, **SMALL), label="shapes")
    return shapes.input_shapes


def normal(rng, shape):
    return rng.standard_normal(shape)


def away_from(rng, shape, point=0.0, gap=0.1):
    """Values at least ``gap`` away from a kink at ``point``."""
    x = rng.standard_normal(shape)
    return point + np.where(x >= 0, x + gap, x - gap)


def positive(rng, shape):
    return np.abs(rng.standard_normal(shape)) + 0.5


def binary(fn, a_values=normal, b_values=normal):
    def case(data, rng):
        sa, sb = two_shapes(data)
        return fn, [a_values(rng, sa), b_values(rng, sb)]

    return case


def unary(fn, values=normal, **shape_kw):
    def case(data, rng):
        return fn, [values(rng, shape(data, **shape_kw))]

    return case


def reduction(fn):
    def case(data, rng):
        s = shape(data, min_dims=1)
        axis = data.draw(st.one_of(st.none(), st.integers(-len(s), len(s) - 1)), label="axis")
        keepdims = data.draw(st.booleans(), label="keepdims")
        return (lambda x: fn(x, axis=axis, keepdims=keepdims)), [normal(rng, s)]

    return case


def without_ties(fn):
    """Two inputs that never tie, where maximum and minimum are not differentiable."""

    def case(data, rng):
        sa, sb = two_shapes(data)
        a, b = normal(rng, sa), normal(rng, sb)
        gap = np.abs(np.broadcast_to(a, np.broadcast_shapes(sa, sb)) - b)
        if gap.min() < 1e-3:
            b = b + 0.5
        return fn, [a, b]

    return case


def matmul_case(data, rng):
    kind = data.draw(st.sampled_from(["1x1", "1x2", "2x1", "2x2", "batched", "batched_broadcast"]), label="kind")
    n, k, m, batch = (data.draw(st.integers(1, 4)) for _ in range(4))
    a_shape, b_shape = {
        "1x1": ((k,), (k,)),
        "1x2": ((k,), (k, m)),
        "2x1": ((n, k), (k,)),
        "2x2": ((n, k), (k, m)),
        "batched": ((batch, n, k), (batch, k, m)),
        "batched_broadcast": ((batch, n, k), (k, m)),
    }[kind]
    return ops.matmul, [normal(rng, a_shape), normal(rng, b_shape)]


def linear_case(data, rng):
    n, k, m = (data.draw(st.integers(1, 4)) for _ in range(3))
    with_bias = data.draw(st.booleans(), label="bias")
    inputs = [normal(rng, (n, k)), normal(rng, (m, k))] + ([normal(rng, (m,))] if with_bias else [])  # W (out, in)
    return ops.linear, inputs


def _offsets_away_from_zero(z, gap=0.1):
    """Per-column offsets c with every |z[:, j] + c_j| >= gap: the middle of the widest gap between -z's."""
    offsets = []
    for column in z.T:
        kinks = np.sort(-column)
        points = np.concatenate([[kinks[0] - 1.0], kinks, [kinks[-1] + 1.0]])
        widest = np.argmax(np.diff(points))  # always >= 1 wide at the ends, so >= 2 * gap
        offsets.append((points[widest] + points[widest + 1]) / 2)
    return np.array(offsets)


def linear_relu_case(data, rng):
    # x W^T + b kept 0.1 away from the kink at 0; without a bias, x gets a column of ones and W the offsets
    n, k, m = (data.draw(st.integers(1, 4)) for _ in range(3))
    x, w = normal(rng, (n, k)), normal(rng, (m, k))  # W (out, in)
    offsets = _offsets_away_from_zero(x @ w.T)
    if data.draw(st.booleans(), label="bias"):
        return ops.linear_relu, [x, w, offsets]
    return ops.linear_relu, [np.c_[x, np.ones(n)], np.c_[w, offsets]]


def transpose_case(data, rng):
    s = shape(data, min_dims=1)
    axes = data.draw(st.permutations(range(len(s))), label="axes")
    return (lambda x: ops.transpose(x, *axes)), [normal(rng, s)]


def reshape_case(data, rng):
    s = shape(data)
    return (lambda x: ops.reshape(x, -1, 1)), [normal(rng, s)]


def flatten_case(data, rng):
    s = shape(data, min_dims=2)
    return (lambda x: ops.flatten(x, 1)), [normal(rng, s)]


def getitem_case(data, rng):
    s = shape(data, min_dims=1)
    kind = data.draw(st.sampled_from(["int", "slice", "array", "mask", "tuple"]), label="index kind")
    index = {
        "int": -1,
        "slice": slice(None, None, 2),
        "array": np.array([0, 0, s[0] - 1]),  # a repeated index: gradients must add up
        "mask": rng.standard_normal(s) > 0,
        "tuple": (slice(0, 1),) + (Ellipsis,),
    }[kind]
    return (lambda x: ops.getitem(x, index)), [normal(rng, s)]


def scatter_case(data, rng):
    # the backward of getitem as an op (what create_graph records): values added into zeros at an index
    s = shape(data, min_dims=1)
    kind = data.draw(st.sampled_from(["int", "slice", "array", "mask"]), label="index kind")
    index = {
        "int": -1,
        "slice": slice(None, None, 2),
        "array": np.array([0, 0, s[0] - 1]),  # repeated indices add up
        "mask": rng.standard_normal(s) > 0,
    }[kind]
    values_shape = np.broadcast_to(0, s)[index].shape
    return (lambda v: Scatter.apply(v, shape=s, index=index)), [normal(rng, values_shape)]


def index_put_case(data, rng):
    s = shape(data, min_dims=1)
    kind = data.draw(st.sampled_from(["int", "slice", "mask"]), label="index kind")
    index = {"int": -1, "slice": slice(None, None, 2), "mask": rng.standard_normal(s) > 0}[kind]
    target = np.shape(np.zeros(s)[index])
    value_shape = data.draw(st.sampled_from([target, target[1:], ()]), label="value shape")  # broadcast values too
    return (lambda x, v: ops.index_put(x, index, v)), [normal(rng, s), normal(rng, value_shape)]


def concatenate_case(data, rng):
    s = shape(data, min_dims=1)
    axis = data.draw(st.integers(0, len(s) - 1), label="axis")
    other = list(s)
    other[axis] = data.draw(st.integers(1, 3))
    return (lambda a, b: ops.concatenate([a, b], axis=axis)), [normal(rng, s), normal(rng, tuple(other))]


def stack_case(data, rng):
    s = shape(data)
    axis = data.draw(st.integers(0, len(s)), label="axis")
    return (lambda a, b, c: ops.stack([a, b, c], axis=axis)), [normal(rng, s) for _ in range(3)]


def broadcast_to_case(data, rng):
    s = shape(data, max_dims=2)
    target = (2,) + tuple(3 if n == 1 else n for n in s)
    return (lambda x: ops.broadcast_to(x, target)), [normal(rng, s)]


def expand_dims_case(data, rng):
    s = shape(data)
    axis = data.draw(st.integers(-len(s) - 1, len(s)), label="axis")
    return (lambda x: ops.expand_dims(x, axis)), [normal(rng, s)]


def squeeze_case(data, rng):
    s = shape(data) + (1,)
    return ops.squeeze, [normal(rng, s)]


def where_case(data, rng):
    sa, sb = two_shapes(data)
    cond = rng.standard_normal(np.broadcast_shapes(sa, sb)) > 0
    return (lambda a, b: ops.where(cond, a, b)), [normal(rng, sa), normal(rng, sb)]


def clip_case(data, rng):
    s = shape(data)
    x = rng.uniform(-2, 2, s)
    x = np.where(np.abs(np.abs(x) - 1) < 0.05, x * 0.8, x)  # keep away from the clip points
    return (lambda t: ops.clip(t, -1.0, 1.0)), [x]


def pow_case(data, rng):
    sa, sb = two_shapes(data)
    return ops.pow, [positive(rng, sa), normal(rng, sb)]


def astype_case(data, rng):
    # a round trip through float32 is linear but rounds at 1e-7: a wide step keeps that out
    fn = lambda x: ops.astype(x, np.float32).astype(np.float64)  # noqa: E731
    return fn, [normal(rng, shape(data))], {"eps": 0.1, "atol": 1e-4}


def softmax_case(fn):
    def case(data, rng):
        s = shape(data, min_dims=1)
        axis = data.draw(st.integers(-len(s), len(s) - 1), label="axis")
        return (lambda x: fn(x, axis=axis)), [normal(rng, s)]

    return case


CASES = {
    "add": binary(ops.add),
    "sub": binary(ops.sub),
    "mul": binary(ops.mul),
    "div": binary(ops.div, b_values=lambda rng, s: away_from(rng, s, gap=0.5)),
    "neg": unary(ops.neg),
    "pow": pow_case,
    "exp": unary(ops.exp),
    "log": unary(ops.log, positive),
    "sin": unary(ops.sin),
    "cos": unary(ops.cos),
    "sqrt": unary(ops.sqrt, positive),
    "abs": unary(ops.abs, away_from),
    "maximum": without_ties(ops.maximum),
    "minimum": without_ties(ops.minimum),
    "clip": clip_case,
    "where": where_case,
    "astype": astype_case,
    "sum": reduction(ops.sum),
    "mean": reduction(ops.mean),
    "max": reduction(ops.max),
    "min": reduction(ops.min),
    "matmul": matmul_case,
    "transpose": transpose_case,
    "linear": linear_case,
    "linear_relu": linear_relu_case,
    "reshape": reshape_case,
    "getitem": getitem_case,
    "scatter": scatter_case,
    "index_put": index_put_case,
    "concatenate": concatenate_case,
    "stack": stack_case,
    "broadcast_to": broadcast_to_case,
    "expand_dims": expand_dims_case,
    "squeeze": squeeze_case,
    "sigmoid": unary(ops.sigmoid),
    "tanh": unary(ops.tanh),
    "relu": unary(ops.relu, away_from),
    "leaky_relu": unary(lambda x: ops.leaky_relu(x, 0.1), away_from),
    "elu": unary(ops.elu, away_from),
    "softplus": unary(ops.softplus),
    "softmax": softmax_case(ops.softmax),
    "log_softmax": softmax_case(ops.log_softmax),
}
CASES.update(LOSS_CASES)
