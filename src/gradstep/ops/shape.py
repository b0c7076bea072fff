"""Shape ops: they move values around; gradients are moved back the same way."""

import numpy as np

from ..errors import IndexingError, ShapeError
from ..function import Function
from ._lift import as_tensor


class Reshape(Function):
    """The graph node of ``ops.reshape``.

    >>> import gradstep
    >>> y = gradstep.ops.reshape(gradstep.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True), 2, 2)
    >>> y.tolist(), y._ctx.fn is Reshape
    ([[1.0, 2.0], [3.0, 4.0]], True)
    """
    # Y = X viewed with another shape ;  dL/dX = dL/dY reshaped back
    @staticmethod
    def forward(ctx, x, shape=()):
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)

    # dY = dX reshaped
    @staticmethod
    def jvp(ctx, dx):
        return dx.reshape(ctx.out.shape)


class GetItem(Function):
    """The graph node of ``ops.getitem``.

    >>> import gradstep
    >>> y = gradstep.ops.getitem(gradstep.tensor([1.0, 2.0, 3.0], requires_grad=True), slice(1, None))
    >>> y.tolist(), y._ctx.fn is GetItem
    ([2.0, 3.0], True)
    """
    # Y = X[index] ;  dL/dX = zeros with dL/dY scattered (added) at index
    name = "getitem"

    @staticmethod
    def forward(ctx, x, index=None):
        ctx.shape, ctx.dtype, ctx.index = x.shape, x.dtype, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):
        return (ctx.xp.scatter(grad, ctx.shape, ctx.index),)  # repeated indices add up

    # dY = dX[index]
    @staticmethod
    def jvp(ctx, dx):
        return dx[ctx.index]


class Scatter(Function):
    """Zeros of ``shape`` with the values added at ``index``: the backward of getitem, recorded under create_graph.

    >>> import numpy as np, gradstep
    >>> y = Scatter.apply(gradstep.tensor([1.0, 2.0], requires_grad=True), shape=(3,), index=np.array([2, 2]))
    >>> y.tolist(), y._ctx.fn is Scatter
    ([0.0, 0.0, 3.0], True)
    """
    # Y = zeros(shape) with Y[index] += X ;  dL/dX = dL/dY[index]
    @staticmethod
    def forward(ctx, x, shape=(), index=None):
        ctx.index = index
        return ctx.xp.scatter(x, shape, index)

    @staticmethod
    def backward(ctx, grad):
        return (grad[ctx.index],)

    # dY = zeros with dX added at index
    @staticmethod
    def jvp(ctx, dx):
        return ctx.xp.scatter(dx, ctx.out.shape, ctx.index)


class IndexPut(Function):
    """The graph node of ``ops.index_put`` (``x[index] = value`` recorded in the graph).

    >>> import gradstep
    >>> y = gradstep.ops.index_put(gradstep.zeros(3, requires_grad=True), 1, gradstep.tensor(5.0))
    >>> y.tolist(), y._ctx.fn is IndexPut
    ([0.0, 5.0, 0.0], True)
    """
    # Y = X with Y[index] = V ;  dL/dX = dL/dY with 0 at index, dL/dV = dL/dY[index] (summed to V's shape)
    name = "index_put"

    @staticmethod
    def forward(ctx, x, value, index=None):
        ctx.index = index
        ctx.written = np.zeros(x.shape, dtype=bool)
        ctx.written[index] = True
        out = x.copy()
        out[index] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return ctx.xp.where(ctx.written, 0, grad), grad[ctx.index]

    # dY = dX with dY[index] = dV
    @staticmethod
    def jvp(ctx, dx, dv):
        out = np.array(dx, dtype=ctx.out.dtype)
        out[ctx.index] = dv
        return out


class Concatenate(Function):
    """The graph node of ``ops.concatenate``.

    >>> import gradstep
    >>> y = gradstep.ops.concatenate([gradstep.tensor([1.0, 2.0], requires_grad=True), gradstep.tensor([3.0])])
    >>> y.tolist(), y._ctx.fn is Concatenate
    ([1.0, 2.0, 3.0], True)
    """
    # Y = [X1, X2, ...] along axis ;  dL/dXi = the slice of dL/dY that Xi filled
    @staticmethod
    def forward(ctx, *xs, axis=0):
        ctx.axis = axis
        ctx.splits = np.cumsum([x.shape[axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return tuple(ctx.xp.split(grad, ctx.splits, axis=ctx.axis))

    # dY = [dX1, dX2, ...] along axis
    @staticmethod
    def jvp(ctx, *dxs):
        return np.concatenate(dxs, axis=ctx.axis)


class Stack(Function):
    """The graph node of ``ops.stack``.

    >>> import gradstep
    >>> y = gradstep.ops.stack([gradstep.tensor([1.0, 2.0], requires_grad=True), gradstep.tensor([3.0, 4.0])])
    >>> y.tolist(), y._ctx.fn is Stack
    ([[1.0, 2.0], [3.0, 4.0]], True)
    """
    # Y[i] = Xi along a new axis ;  dL/dXi = dL/dY[i]
    @staticmethod
    def forward(ctx, *xs, axis=0):
        ctx.axis, ctx.count = axis, len(xs)
        return np.stack(xs, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return tuple(ctx.xp.take(grad, i, axis=ctx.axis) for i in range(ctx.count))

    # dY[i] = dXi along the new axis
    @staticmethod
    def jvp(ctx, *dxs):
        return np.stack(dxs, axis=ctx.axis)


class BroadcastTo(Function):
    """The graph node of ``ops.broadcast_to``.

    >>> import gradstep
    >>> y = gradstep.ops.broadcast_to(gradstep.tensor([1.0, 2.0], requires_grad=True), (2, 2))
    >>> y.tolist(), y._ctx.fn is BroadcastTo
    ([[1.0, 2.0], [1.0, 2.0]], True)
    """
    # Y = X repeated to a larger shape ;  dL/dX = dL/dY summed over the repeats (by the engine)
    name = "broadcast_to"

    @staticmethod
    def forward(ctx, x, shape=()):
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return (grad,)

    # dY = dX repeated to the larger shape
    @staticmethod
    def jvp(ctx, dx):
        return np.broadcast_to(dx, ctx.out.shape)


class ExpandDims(Function):
    """The graph node of ``ops.expand_dims``.

    >>> import gradstep
    >>> y = gradstep.ops.expand_dims(gradstep.tensor([1.0, 2.0], requires_grad=True), 0)
    >>> y.tolist(), y._ctx.fn is ExpandDims
    ([[1.0, 2.0]], True)
    """
    # Y = X with a new axis of size 1 ;  dL/dX = dL/dY without it
    name = "expand_dims"

    @staticmethod
    def forward(ctx, x, axis=0):
        ctx.axis = axis
        return np.expand_dims(x, axis)

    @staticmethod
    def backward(ctx, grad):
        return (ctx.xp.squeeze(grad, axis=ctx.axis),)

    # dY = dX with the new axis
    @staticmethod
    def jvp(ctx, dx):
        return np.expand_dims(dx, ctx.axis)


class Squeeze(Function):
    """The graph node of ``ops.squeeze``.

    >>> import gradstep
    >>> y = gradstep.ops.squeeze(gradstep.tensor([[1.0, 2.0]], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Squeeze
    ([1.0, 2.0], True)
    """
    # Y = X without axes of size 1 ;  dL/dX = dL/dY reshaped back
    @staticmethod
    def forward(ctx, x, axis=None):
        ctx.shape = x.shape
        return np.squeeze(x, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)

    # dY = dX without the axes of size 1
    @staticmethod
    def jvp(ctx, dx):
        return dx.reshape(ctx.out.shape)


def _owner(array):
    """The array that owns ``array``'s memory (NumPy points a view's ``base`` at it)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _mark_view(result, x):
    """Note ``result._base`` (x, or the tensor x is itself a view of) when ``result`` shares x's memory, as PyTorch.

    In-place changes read it (``gradstep.inplace``): a write through a view bumps the base's version,
    and one recorded in the graph is refused.
    """
    out, data = result.data, x.data
    if out is not data and out.base is not None and _owner(out) is _owner(data):
        base = getattr(x, "_view_of", None)
        result._view_of = x if base is None else base
    return result


def _index_data(index):
    """Tensors inside an index become their arrays."""
    if isinstance(index, tuple):
        return tuple(_index_data(p) for p in index)
    return getattr(index, "data", index) if hasattr(index, "requires_grad") else index


def reshape(x, *shape):
    """Same values, another shape (one dimension may be -1).

    >>> import gradstep
    >>> gradstep.ops.reshape(gradstep.ones(2, 3), 3, 2).shape
    (3, 2)
    """
    x = as_tensor(x)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        np.broadcast_to(0, x.shape).reshape(shape)  # checks the shape without touching data
    except ValueError:
        raise ShapeError(f"reshape: cannot reshape tensor of shape {x.shape} ({x.numel()} elements) into {shape}") from None
    return _mark_view(Reshape.apply(x, shape=shape), x)  # a view when the memory allows, else a copy (as PyTorch)


def view(x, *shape):
    """The same memory in another shape (one dimension may be -1): PyTorch's ``view``, never a copy.

    Writing into the result changes ``x`` (and the other way round). A shape the
    memory layout cannot give without copying is a ShapeError naming ``reshape``.

    >>> import gradstep
    >>> x = gradstep.arange(6.0)
    >>> v = gradstep.ops.view(x, 2, 3); v._base is x
    True
    >>> try:
    ...     gradstep.ops.view(v.t(), 6)
    ... except gradstep.ShapeError as err:
    ...     print(str(err)[:61])
    view: a tensor of shape (3, 2) with strides (4, 12) cannot be
    """
    x = as_tensor(x)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for d in shape:
        if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
            raise ShapeError(
                f"view: the shape must be ints, got {shape!r} (a view of another dtype, view(dtype), is not supported; "
                "use .to(dtype), which copies)"
            )
    result = reshape(x, *shape)
    if x.data.size and result.data is not x.data and not np.may_share_memory(result.data, x.data):
        raise ShapeError(
            f"view: a tensor of shape {x.shape} with strides {x.data.strides} cannot be viewed as {shape} without "
            "a copy (its memory is not laid out in that order, e.g. after a transpose); use reshape(), which copies"
        )
    return result


def flatten(x, start_axis=0, end_axis=-1):
    """Merge the axes start_axis..end_axis into one (``flatten(x, 1)`` keeps the batch axis).

    >>> import gradstep
    >>> gradstep.ops.flatten(gradstep.ones(4, 28, 28), 1).shape
    (4, 784)
    """
    x = as_tensor(x)
    if x.ndim == 0:
        return reshape(x, 1)
    start, end = start_axis % x.ndim, end_axis % x.ndim
    if start > end:
        raise ShapeError(f"flatten: start_axis {start_axis} comes after end_axis {end_axis} for shape {x.shape}")
    shape = x.shape[:start] + (-1,) + x.shape[end + 1 :]
    if x.data.size == 0:
        shape = x.shape[:start] + (int(np.prod(x.shape[start : end + 1])),) + x.shape[end + 1 :]
    return _mark_view(Reshape.apply(x, shape=shape), x)


def getitem(x, index):
    """Indexing and slicing as in NumPy (ints, slices, None, ..., integer or boolean arrays).

    >>> import gradstep
    >>> gradstep.ops.getitem(gradstep.arange(6).reshape(2, 3), (1, slice(0, 2)))
    tensor([3, 4])
    """
    x = as_tensor(x)
    index = _index_data(index)
    try:
        np.broadcast_to(0, x.shape)[index]
    except IndexError as err:
        raise IndexingError(f"getitem: index {index!r} is invalid for shape {x.shape}: {err}") from None
    return _mark_view(GetItem.apply(x, index=index), x)  # basic indexing (ints, slices) gives a view


def index_put(x, index, value):
    """A copy of ``x`` with ``value`` (broadcast) written at ``index``: ``x[index] = value`` as a graph op.

    >>> import gradstep
    >>> gradstep.ops.index_put(gradstep.zeros(2, 2), (0, slice(None)), 1.0).tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """
    x = as_tensor(x)
    value = as_tensor(value, like=x)
    index = _index_data(index)
    try:
        target = np.broadcast_to(0, x.shape)[index]
    except IndexError as err:
        raise IndexingError(f"index_put: index {index!r} is invalid for shape {x.shape}: {err}") from None
    try:
        np.broadcast_to(value.data, np.shape(target))
    except ValueError:
        raise ShapeError(f"index_put: a value of shape {value.shape} cannot fill x{_show(index)} of shape {np.shape(target)}") from None
    return IndexPut.apply(x, value, index=index)


def _show(index):
    return "[" + ", ".join(map(repr, index if isinstance(index, tuple) else (index,))) + "]"


def _check_same_shapes(op, xs, axis, skip_axis):
    if not xs:
        raise ShapeError(f"{op}: needs at least one tensor")
    first = xs[0].shape
    for x in xs[1:]:
        a = [n for i, n in enumerate(first) if not (skip_axis and i == axis % max(len(first), 1))]
        b = [n for i, n in enumerate(x.shape) if not (skip_axis and i == axis % max(len(x.shape), 1))]
        if len(first) != len(x.shape) or a != b:
            where = f" except along axis {axis}" if skip_axis else ""
            raise ShapeError(f"{op}: shapes {first} and {x.shape} must match{where}")


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis.

    >>> import gradstep
    >>> gradstep.ops.concatenate([gradstep.ones(2, 3), gradstep.zeros(1, 3)]).shape
    (3, 3)
    """
    xs = [as_tensor(t) for t in tensors]
    _check_same_shapes("concatenate", xs, axis, True)
    return Concatenate.apply(*xs, axis=axis)


def stack(tensors, axis=0):
    """Join same-shaped tensors along a new axis.

    >>> import gradstep
    >>> gradstep.ops.stack([gradstep.ones(3), gradstep.zeros(3)]).shape
    (2, 3)
    """
    xs = [as_tensor(t) for t in tensors]
    _check_same_shapes("stack", xs, axis, False)
    return Stack.apply(*xs, axis=axis)


def broadcast_to(x, shape):
    """Repeat along axes of size 1 (and new leading axes) to reach ``shape``.

    >>> import gradstep
    >>> gradstep.ops.broadcast_to(gradstep.ones(3), (2, 3)).shape
    (2, 3)
    """
    x = as_tensor(x)
    shape = tuple(shape)
    try:
        fits = np.broadcast_shapes(x.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}")
    return _mark_view(BroadcastTo.apply(x, shape=shape), x)  # a read-only view: writing into it is an error


def expand_dims(x, axis):
    """Insert an axis of size 1 at ``axis``.

    >>> import gradstep
    >>> gradstep.ops.expand_dims(gradstep.ones(3), 0).shape
    (1, 3)
    """
    x = as_tensor(x)
    if not -x.ndim - 1 <= axis <= x.ndim:
        raise ShapeError(f"expand_dims: axis {axis} is out of range for shape {x.shape}")
    return _mark_view(ExpandDims.apply(x, axis=axis), x)


def squeeze(x, axis=None):
    """Remove axes of size 1 (all of them, or the given one).

    >>> import gradstep
    >>> gradstep.ops.squeeze(gradstep.ones(1, 3, 1)).shape
    (3,)
    """
    x = as_tensor(x)
    if axis is not None:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        for a in axes:
            if not -x.ndim <= a < x.ndim or x.shape[a] != 1:
                raise ShapeError(f"squeeze: axis {a} of shape {x.shape} does not have size 1")
    return _mark_view(Squeeze.apply(x, axis=axis), x)
