"""The array namespace every op's backward is written against: NumPy here, gradstep's own ops under create_graph.

An op's ``backward(ctx, grad)`` is its derivative, written once. On the fast
first-order path ``grad`` and everything ``ctx`` saved are ndarrays and
``ctx.xp`` is ``NUMPY`` below (NumPy's functions, plus a few helpers NumPy
lacks). Under ``backward(create_graph=True)`` the engine passes a
``gradstep.autograd.graph.GraphContext`` instead: ``grad`` is a Tensor, the
saved inputs and output are the graph's Tensors and ``ctx.xp`` has the same
functions built from gradstep ops, so the same formula records a graph that
can be differentiated again. Operators (``+ - * / ** @``, ``.T``,
``.reshape``, ``.sum``, indexing) need no namespace: ndarrays and Tensors
both have them.

>>> import numpy as np
>>> NUMPY.scatter(np.array([1.0, 2.0]), (4,), np.array([0, 0])).tolist()   # repeated indices add up
[3.0, 0.0, 0.0, 0.0]
"""

import math

import numpy as np

from ._rowwise import column_totals, rows_outer

#: below this many elements a filled array is cheaper than np.broadcast_to (about 5 us of Python)
_SMALL = 8192


def _is_basic(index):
    """True for indexing by ints, slices, None and Ellipsis only (no element appears twice)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


class NumPyNamespace:
    """NumPy's functions that backward formulas call, and the helpers that NumPy lacks."""

    where = staticmethod(np.where)
    maximum = staticmethod(np.maximum)
    exp = staticmethod(np.exp)
    expm1 = staticmethod(np.expm1)
    log = staticmethod(np.log)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    abs = staticmethod(np.abs)
    sign = staticmethod(np.sign)
    transpose = staticmethod(np.transpose)
    swapaxes = staticmethod(np.swapaxes)
    squeeze = staticmethod(np.squeeze)
    split = staticmethod(np.split)
    take = staticmethod(np.take)

    # a op= b on an array the formula just made (so nobody else sees the change): in place here,
    # a new graph node under create_graph
    @staticmethod
    def isub(a, b):
        return np.subtract(a, b, out=a)

    @staticmethod
    def imul(a, b):
        return np.multiply(a, b, out=a)

    @staticmethod
    def idiv(a, b):
        return np.divide(a, b, out=a)

    @staticmethod
    def subtract_at(a, flat_index, values):
        """``a`` with ``values`` subtracted at the (distinct) flat indices; ``a`` is a fresh array, changed in place."""
        a.reshape(-1)[flat_index] -= values
        return a

    @staticmethod
    def spread(grad, shape):
        """``grad`` (reduced axes kept as size 1) over ``shape``: the gradient of every summed element."""
        if math.prod(shape) > _SMALL:
            return np.broadcast_to(grad, shape)
        out = np.empty(shape, grad.dtype)
        out[...] = grad
        return out

    @staticmethod
    def scatter(values, shape, index):
        """Zeros of ``shape`` with ``values`` added at ``index`` (repeated indices add up): the adjoint of x[index]."""
        out = np.zeros(shape, dtype=values.dtype)
        if _is_basic(index):
            out[index] = values
        else:
            np.add.at(out, index, values)
        return out

    column_totals = staticmethod(column_totals)  # sum_i a[i, j] of a 2-D array (through BLAS)

    rows_outer = staticmethod(rows_outer)  # X^T G of 2-D arrays (a batch of one the fast way)


NUMPY = NumPyNamespace()
