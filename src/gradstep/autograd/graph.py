"""Differentiable backward: an op's one backward formula run on Tensors, so the backward pass is itself a graph.

Under ``backward(create_graph=True)`` or ``autograd.grad(..., create_graph=True)``
the engine calls each op's ``backward(ctx, grad)`` with

- ``grad`` a Tensor (it may itself depend on the inputs: a gradient of a gradient),
- ``ctx`` a ``GraphContext``: reading a saved array gives the graph's Tensor
  when it is one of the op's inputs or its output (found by identity), the
  array itself when it cannot carry a derivative (boolean masks, integer
  indices, shapes, numbers, and the float arrays an op lists in
  ``constants``, such as class weights), and a Tensor recomputed with
  gradstep ops for the intermediates an op lists in ``recompute`` (the
  softmax a fused loss kept from its forward);
- ``ctx.xp`` the ``TENSORS`` namespace: the NumPy functions backward formulas
  call, built from gradstep ops.

Every op recorded by the backward is an ordinary graph node, so the result can
be differentiated again, to any order. A float array that is none of these
raises an error naming the op rather than being taken, wrongly, as a constant.

>>> import gradstep
>>> x = gradstep.tensor(2.0, requires_grad=True)
>>> (g,) = gradstep.autograd.grad(x**3, [x], create_graph=True)   # 3 x^2
>>> (h,) = gradstep.autograd.grad(g, [x])                          # 6 x
>>> g.item(), h.item()
(12.0, 12.0)
"""

import numpy as np

from .. import ops
from ..errors import GradstepError
from ..ops._lift import as_tensor
from ..ops.shape import Scatter
from ..tensor import Tensor


def _axis_index(axis, ndim, position):
    """An index that picks ``position`` (an int or a slice) along ``axis`` of an ``ndim``-D tensor."""
    axis %= ndim
    return (slice(None),) * axis + (position,)


class TensorNamespace:
    """The functions of ``ops._namespace.NumPyNamespace``, recorded in the graph as gradstep ops."""

    @staticmethod
    def where(cond, a, b):
        return ops.where(cond, a, b)

    maximum = staticmethod(ops.maximum)
    exp = staticmethod(ops.exp)

    @staticmethod
    def expm1(x):
        """e^x - 1 as two ops (NumPy's expm1 is exact for tiny x; this loses those digits, not the derivative e^x)."""
        return ops.exp(x) - 1

    log = staticmethod(ops.log)
    sin = staticmethod(ops.sin)
    cos = staticmethod(ops.cos)
    abs = staticmethod(ops.abs)

    @staticmethod
    def sign(x):
        """sign(x) is piecewise constant: a constant tensor (its derivative is 0 almost everywhere)."""
        return Tensor(np.sign(getattr(x, "data", x)))

    @staticmethod
    def transpose(x, axes=None):
        return ops.transpose(x) if axes is None else ops.transpose(x, *axes)

    @staticmethod
    def swapaxes(x, a, b):
        axes = list(range(x.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return ops.transpose(x, *axes)

    @staticmethod
    def squeeze(x, axis=None):
        return ops.squeeze(x, axis)

    @staticmethod
    def split(x, splits, axis=0):
        bounds = [0, *[int(s) for s in splits], x.shape[axis]]
        return [x[_axis_index(axis, x.ndim, slice(lo, hi))] for lo, hi in zip(bounds[:-1], bounds[1:])]

    @staticmethod
    def take(x, i, axis=0):
        return x[_axis_index(axis, x.ndim, i)]

    @staticmethod
    def isub(a, b):
        return a - b

    @staticmethod
    def imul(a, b):
        return a * b

    @staticmethod
    def idiv(a, b):
        return a / b

    @staticmethod
    def subtract_at(a, flat_index, values):
        return a - Scatter.apply(as_tensor(values, like=a), shape=(a.numel(),), index=flat_index).reshape(a.shape)

    @staticmethod
    def spread(grad, shape):
        return ops.broadcast_to(grad, shape)

    @staticmethod
    def scatter(values, shape, index):
        return Scatter.apply(as_tensor(values), shape=tuple(shape), index=index)

    @staticmethod
    def column_totals(a):
        return ops.sum(a, axis=0)

    @staticmethod
    def rows_outer(x, g):
        return x.T @ g


TENSORS = TensorNamespace()


class GraphContext:
    """What an op's backward reads under create_graph: saved arrays as graph Tensors (see the module docstring).

    >>> import gradstep
    >>> x = gradstep.tensor([2.0], requires_grad=True)
    >>> y = x.exp()
    >>> view = GraphContext(y._ctx, y)
    >>> view.y is y, view.xp is TENSORS, view.owns_grad
    (True, True, False)
    """

    xp = TENSORS
    owns_grad = False  # a backward never works in the buffer of a gradient that is part of a graph

    def __init__(self, ctx, out):
        self._node, self._out = ctx, out
        self.fn, self.inputs, self.needs_input_grad = ctx.fn, ctx.inputs, ctx.needs_input_grad

    def __getattr__(self, name):  # called only for what forward saved
        try:
            value = self._node.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None
        value = self._resolve(name, value)
        setattr(self, name, value)  # resolved once per node
        return value

    def _resolve(self, name, value):
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fc":
            return value  # shapes, numbers, masks, indices: no derivative to carry
        if value is self._out.data:
            return self._out
        for t in self._node.inputs:
            if value is t.data:
                return t
        fn = self.fn
        recompute = getattr(fn, "recompute", {})
        if name in recompute:
            return recompute[name](self, *self._node.inputs)
        if name in getattr(fn, "constants", ()):
            return value
        raise GradstepError(
            f"create_graph: op '{fn.name}' saved the array '{name}' (shape {value.shape}), which is neither an input, "
            "its output nor declared in its `constants` or `recompute`; its backward cannot be differentiated"
        )


def differentiable_backward(ctx, out, grad):
    """Run ``ctx``'s backward on Tensors (``out`` is the node's output tensor): input gradients as Tensors."""
    grads = ctx.fn.backward(GraphContext(ctx, out), grad)
    return tuple(g if g is None or isinstance(g, Tensor) else Tensor(np.asarray(g)) for g in grads)
