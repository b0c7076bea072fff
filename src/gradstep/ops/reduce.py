"""Reductions over axes: sum, mean, max, min (``axis`` an int, a tuple or None; ``keepdims``)."""

import math

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ._lift import as_tensor


def _normalize_axis(axis, ndim, op):
    """``axis`` as a tuple of non-negative ints (None means every axis), with a clear error."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    normalized = []
    for a in axes:
        if not -ndim <= a < (ndim or 1):
            raise ShapeError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        normalized.append(int(a) % (ndim or 1))
    return tuple(normalized)


def _expand(grad, shape, axes, keepdims):
    """Put back the reduced axes of ``grad`` (size 1) so it broadcasts against the input."""
    if keepdims or not axes or grad.ndim == len(shape):
        return grad
    # a reshape is a view like np.expand_dims, at a fifth of its Python cost
    return grad.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


class Sum(Function):
    """The graph node of ``ops.sum``.

    >>> import gradstep
    >>> y = gradstep.ops.sum(gradstep.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True), axis=0)
    >>> y.tolist(), y._ctx.fn is Sum
    ([4.0, 6.0], True)
    """
    # y = sum_i x_i ;  dy/dx_i = 1
    @staticmethod
    def forward(ctx, x, axes=(), keepdims=False):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        return (ctx.xp.spread(_expand(grad, ctx.shape, ctx.axes, ctx.keepdims), ctx.shape),)

    # dy = sum_i dx_i
    @staticmethod
    def jvp(ctx, dx):
        return dx.sum(axis=ctx.axes, keepdims=ctx.keepdims)


class Mean(Function):
    """The graph node of ``ops.mean``.

    >>> import gradstep
    >>> y = gradstep.ops.mean(gradstep.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True), axis=1)
    >>> y.tolist(), y._ctx.fn is Mean
    ([1.5, 3.5], True)
    """
    # y = (1/n) sum_i x_i ;  dy/dx_i = 1/n
    @staticmethod
    def forward(ctx, x, axes=(), keepdims=False):
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        ctx.count = math.prod([x.shape[a] for a in axes])
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4 and ctx.count:
            # what x.mean computes for float32/float64, without its Python wrapper (~4 us)
            return x.sum(axis=axes, keepdims=keepdims) / ctx.count
        return x.mean(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        g = _expand(grad, ctx.shape, ctx.axes, ctx.keepdims) / grad.dtype.type(ctx.count)
        return (ctx.xp.spread(g, ctx.shape),)

    # dy = (1/n) sum_i dx_i
    @staticmethod
    def jvp(ctx, dx):
        return dx.sum(axis=ctx.axes, keepdims=ctx.keepdims) / dx.dtype.type(ctx.count)


class Max(Function):
    """The graph node of ``ops.max``.

    >>> import gradstep
    >>> y = gradstep.ops.max(gradstep.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True), axis=1)
    >>> y.tolist(), y._ctx.fn is Max
    ([2.0, 4.0], True)
    """
    # y = max_i x_i ;  dy/dx_i = [x_i = y] / (number of maxima)   (ties share the gradient)
    @staticmethod
    def forward(ctx, x, axes=(), keepdims=False):
        return _extreme_forward(ctx, x, x.max(axis=axes, keepdims=True), axes, keepdims)

    @staticmethod
    def backward(ctx, grad):
        return (_extreme_grad(ctx, grad),)

    # dy = sum_i [x_i = y] dx_i / (number of maxima)
    @staticmethod
    def jvp(ctx, dx):
        return _extreme_jvp(ctx, dx)


class Min(Function):
    """The graph node of ``ops.min``.

    >>> import gradstep
    >>> y = gradstep.ops.min(gradstep.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True), axis=0)
    >>> y.tolist(), y._ctx.fn is Min
    ([1.0, 2.0], True)
    """
    # y = min_i x_i ;  dy/dx_i = [x_i = y] / (number of minima)   (ties share the gradient)
    @staticmethod
    def forward(ctx, x, axes=(), keepdims=False):
        return _extreme_forward(ctx, x, x.min(axis=axes, keepdims=True), axes, keepdims)

    @staticmethod
    def backward(ctx, grad):
        return (_extreme_grad(ctx, grad),)

    # dy = sum_i [x_i = y] dx_i / (number of minima)
    @staticmethod
    def jvp(ctx, dx):
        return _extreme_jvp(ctx, dx)


def _extreme_forward(ctx, x, extreme, axes, keepdims):
    """Save where x reaches its max or min (``extreme``, reduced axes kept) and return the result."""
    ctx.hit = x == extreme
    ctx.axes, ctx.keepdims = axes, keepdims
    return extreme if keepdims else np.squeeze(extreme, axis=axes)


def _extreme_grad(ctx, grad):
    hit = ctx.hit
    g = _expand(grad, hit.shape, ctx.axes, ctx.keepdims)
    return hit * (g / hit.sum(axis=ctx.axes, keepdims=True).astype(g.dtype))


def _extreme_jvp(ctx, dx):
    hit = ctx.hit
    dy = (hit * dx).sum(axis=ctx.axes, keepdims=True) / hit.sum(axis=ctx.axes, keepdims=True).astype(dx.dtype)
    return dy if ctx.keepdims else np.squeeze(dy, axis=ctx.axes)


def _reduce(op, fn, x, axis, keepdims):
    x = as_tensor(x)
    if fn is not Sum and fn is not Mean and x.data.size == 0:
        raise ShapeError(f"{op}: cannot reduce an empty tensor of shape {x.shape}")
    return fn.apply(x, axes=_normalize_axis(axis, x.ndim, op), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes by default).

    >>> import gradstep
    >>> gradstep.ops.sum(gradstep.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    return _reduce("sum", Sum, x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (all axes by default).

    >>> import gradstep
    >>> gradstep.ops.mean(gradstep.tensor([1.0, 2.0, 3.0]))
    tensor(2.)
    """
    return _reduce("mean", Mean, x, axis, keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis``; tied maxima share the gradient equally.

    >>> import gradstep
    >>> gradstep.ops.max(gradstep.tensor([[1.0, 5.0], [3.0, 4.0]]), axis=1)
    tensor([5., 4.])
    """
    return _reduce("max", Max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over ``axis``; tied minima share the gradient equally.

    >>> import gradstep
    >>> gradstep.ops.min(gradstep.tensor([[1.0, 5.0], [3.0, 4.0]]), axis=1)
    tensor([1., 3.])
    """
    return _reduce("min", Min, x, axis, keepdims)
