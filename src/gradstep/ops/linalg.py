"""Linear algebra: matmul (1-D, 2-D, batched), transpose, the fused linear layer x W^T + b and relu(x W^T + b).

``linear`` takes the weight in PyTorch's layout, W of shape (out_features,
in_features), as ``torch.nn.functional.linear`` does: y = x W^T + b. The
course writes the same layer as y = x W + b with W of shape (in_features,
out_features); that is ``matmul(x, W) + b`` (two nodes), or ``linear(x, W.T, b)``
with the transposed array (one node; NumPy's matmul on a transposed view makes
the same BLAS call).
"""

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor
from ._lift import as_tensor
from .shape import _mark_view


def _sum_to(grad, shape):
    """Sum the leading batch dimensions that matmul broadcast, to get ``shape``."""
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


class MatMul(Function):
    """The graph node of ``ops.matmul``.

    >>> import gradstep
    >>> y = gradstep.ops.matmul(gradstep.tensor([[1.0, 2.0]], requires_grad=True), gradstep.tensor([[3.0], [4.0]]))
    >>> y.tolist(), y._ctx.fn is MatMul
    ([[11.0]], True)
    """
    # Y = A B ;  dL/dA = dL/dY B^T,  dL/dB = A^T dL/dY   (1-D operands are promoted to rows/columns)
    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b, xp = ctx.a, ctx.b, ctx.xp
        if a.ndim == 1 and b.ndim == 1:  # inner product: y = a . b
            return grad * b, grad * a
        a2 = a[np.newaxis, :] if a.ndim == 1 else a
        b2 = b[:, np.newaxis] if b.ndim == 1 else b
        g2 = grad
        if a.ndim == 1:
            g2 = g2[..., np.newaxis, :]
        if b.ndim == 1:
            g2 = g2[..., np.newaxis]
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = _sum_to(g2 @ xp.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            gb = _sum_to(xp.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
        return ga, gb

    # dY = dA B + A dB
    @staticmethod
    def jvp(ctx, da, db):
        return da @ ctx.b + ctx.a @ db


class Transpose(Function):
    """The graph node of ``ops.transpose``.

    >>> import gradstep
    >>> y = gradstep.ops.transpose(gradstep.tensor([[1.0, 2.0]], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Transpose
    ([[1.0], [2.0]], True)
    """
    # Y = X^T (axes permuted) ;  dL/dX = (dL/dY) permuted back
    @staticmethod
    def forward(ctx, x, axes=None):
        ctx.axes = axes
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, grad):
        if ctx.axes is None:
            return (ctx.xp.transpose(grad),)
        return (ctx.xp.transpose(grad, tuple(np.argsort(ctx.axes))),)

    # dY = dX^T (the same permutation)
    @staticmethod
    def jvp(ctx, dx):
        return np.transpose(dx, ctx.axes)


class Linear(Function):
    """The graph node of ``ops.linear``.

    >>> import gradstep
    >>> y = gradstep.ops.linear(gradstep.tensor([[1.0, 2.0]], requires_grad=True), gradstep.tensor([[3.0, 4.0]]), gradstep.tensor([0.5]))
    >>> y.tolist(), y._ctx.fn is Linear
    ([[11.5]], True)
    """
    # Y = X W^T + b ;  dL/dX = G W,  dL/dW = G^T X,  dL/db = sum_rows G
    fresh_grads = True  # products and sums: new arrays

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.x, ctx.w = x, w
        y = x @ w.T  # a transposed view: BLAS multiplies by W^T without a copy
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, grad):
        return _affine_grads(ctx.xp, ctx.x, ctx.w, grad, ctx.needs_input_grad)

    # dY = dX W^T + X dW^T + db
    @staticmethod
    def jvp(ctx, dx, dw, db=None):
        dy = dx @ ctx.w.T + ctx.x @ dw.T
        return dy if db is None else dy + db


class LinearReLU(Function):
    """The graph node of ``ops.linear_relu`` (what ``nn.Sequential`` runs for a Linear followed by a ReLU).

    >>> import gradstep
    >>> y = gradstep.ops.linear_relu(gradstep.tensor([[1.0, -2.0]], requires_grad=True), gradstep.tensor([[3.0, 4.0]]))
    >>> y.tolist(), y._ctx.fn is LinearReLU
    ([[0.0]], True)
    """
    # A = max(0, X W^T + b) ;  G_z = G [A > 0],  then dL/dX = G_z W,  dL/dW = G_z^T X,  dL/db = sum_rows G_z
    name = "linear_relu"
    fresh_grads = True  # products and sums: new arrays

    @staticmethod
    def forward(ctx, x, w, b=None):
        y = x @ w.T
        if b is not None:
            y += b
        np.maximum(y, 0, out=y)  # in the product's buffer: no second activation-sized array
        ctx.x, ctx.w, ctx.a = x, w, y
        return y

    @staticmethod
    def backward(ctx, grad):
        active = ctx.a > 0
        if getattr(ctx, "owns_grad", False):  # no one else holds grad: G_z in its buffer
            grad_z = np.multiply(grad, active, out=grad)
        else:
            grad_z = grad * active
        return _affine_grads(ctx.xp, ctx.x, ctx.w, grad_z, ctx.needs_input_grad)

    # dA = [A > 0] (dX W^T + X dW^T + db)
    @staticmethod
    def jvp(ctx, dx, dw, db=None):
        dz = dx @ ctx.w.T + ctx.x @ dw.T
        if db is not None:
            dz += db
        return dz * (ctx.a > 0)


def _affine_grads(xp, x, w, grad, need):
    """(dL/dX, dL/dW, dL/db) of Y = X W^T + b from G = dL/dY; None where ``need`` says no."""
    gx = grad @ w if need[0] else None
    if x.ndim != 2:  # leading batch axes (or none): fold them into the rows
        x, grad = x.reshape(-1, x.shape[-1]), grad.reshape(-1, grad.shape[-1])
    gw = None
    if need[1]:
        # G^T X, (out, in) like W and in W's memory order, so the optimizer's update is one contiguous pass;
        # for a Fortran-ordered W (nn.Linear's) the same product as (X^T G)^T: one BLAS call either way
        if type(w) is np.ndarray and not w.flags.c_contiguous:
            gw = xp.rows_outer(x, grad).T
        else:
            gw = xp.rows_outer(grad, x)
    gb = xp.column_totals(grad) if len(need) > 2 and need[2] else None
    return gx, gw, gb


def _check_matmul(op, a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"{op}: operands must have at least 1 dimension, got shapes {a.shape} and {b.shape}")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ShapeError(f"{op}: cannot multiply {a.shape} by {b.shape}: {k_a} != {k_b}")
    batch_a, batch_b = a.shape[:-2], b.shape[:-2]
    try:
        np.broadcast_shapes(batch_a, batch_b)
    except ValueError:
        raise ShapeError(f"{op}: batch dimensions of {a.shape} and {b.shape} do not broadcast") from None


def matmul(a, b):
    """Matrix product a @ b: 1-D (inner product / vector-matrix), 2-D, or batched over leading axes.

    A mismatch of the inner dimensions is an error, never silently broadcast.

    >>> import gradstep
    >>> a = gradstep.ones(2, 3); b = gradstep.ones(3, 4)
    >>> gradstep.ops.matmul(a, b).shape
    (2, 4)
    """
    a, b = as_tensor(a), as_tensor(b)
    _check_matmul("matmul", a, b)
    return MatMul.apply(a, b)


def transpose(x, *axes):
    """Permute axes; with no axes, reverse them (x.T).

    >>> import gradstep
    >>> gradstep.ops.transpose(gradstep.ones(2, 3)).shape
    (3, 2)
    """
    x = as_tensor(x)
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if axes and sorted(a % x.ndim for a in axes) != list(range(x.ndim)):
        raise ShapeError(f"transpose: axes {axes} are not a permutation of the {x.ndim} axes of shape {x.shape}")
    return _mark_view(Transpose.apply(x, axes=tuple(a % x.ndim for a in axes) if axes else None), x)


def _affine_apply(fn, op, x, weight, bias):
    """Check the shapes of x W^T + b for ``op`` and record ``fn``'s node."""
    if not isinstance(x, Tensor):  # (the common case skips the call)
        x = as_tensor(x)
    if not isinstance(weight, Tensor):
        weight = as_tensor(weight)
    x_shape, w_shape = x.data.shape, weight.data.shape
    if len(w_shape) != 2:
        raise ShapeError(f"{op}: weight must be 2-D (out_features, in_features), got shape {w_shape}")
    if not x_shape or x_shape[-1] != w_shape[1]:
        raise ShapeError(
            f"{op}: cannot multiply {x_shape} by the transpose of weight {w_shape} (out_features, in_features): "
            f"{x_shape[-1] if x_shape else None} input features != in_features {w_shape[1]}"
        )
    if bias is None:
        return fn.apply(x, weight)
    if not isinstance(bias, Tensor):
        bias = as_tensor(bias)
    if bias.data.shape != w_shape[:1]:
        raise ShapeError(f"{op}: bias must have shape ({w_shape[0]},) to match weight {w_shape}, got {bias.data.shape}")
    return fn.apply(x, weight, bias)


def linear(x, weight, bias=None):
    """The fused affine map y = x W^T + b, with W of shape (out_features, in_features) as in PyTorch.

    ``x`` has shape (..., in_features), the result (..., out_features). The
    course's y = x W + b with W of shape (in_features, out_features) is
    ``matmul(x, W) + b``, or ``linear(x, W.T, b)`` with the transposed array.

    >>> import gradstep
    >>> x = gradstep.ones(5, 3); W = gradstep.ones(2, 3); b = gradstep.zeros(2)
    >>> gradstep.ops.linear(x, W, b).shape
    (5, 2)
    >>> import numpy as np; Wc = np.ones((3, 2), np.float32)   # the course's (in, out) layout
    >>> bool((gradstep.ops.linear(x, Wc.T, b).data == (gradstep.ops.matmul(x, Wc) + b).data).all())
    True
    """
    return _affine_apply(Linear, "linear", x, weight, bias)


def linear_relu(x, weight, bias=None):
    """relu(x W^T + b) as one graph node, W of shape (out_features, in_features), the activation in the product's buffer.

    Equal, to the last bit, to ``relu(linear(x, W, b))`` in value and gradients;
    it saves one activation-sized array and one node per layer.

    >>> import gradstep
    >>> x = gradstep.tensor([[1.0, -1.0]]); W = gradstep.tensor([[1.0, 1.0], [2.0, -2.0]])
    >>> gradstep.ops.linear_relu(x, W, gradstep.tensor([0.5, -1.0]))   # relu([0.5, 3.0])
    tensor([[0.5, 3. ]])
    """
    return _affine_apply(LinearReLU, "linear_relu", x, weight, bias)
