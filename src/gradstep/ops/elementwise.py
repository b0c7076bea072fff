"""Elementwise ops. Binary ops broadcast; the engine sums gradients back to each input's shape."""

import numpy as np

from ..dtypes import get_default_dtype
from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Function
from ..tensor import Tensor
from ._lift import as_tensor, lift_pair


class Add(Function):
    """The graph node of ``ops.add``.

    >>> import gradstep
    >>> y = gradstep.ops.add(gradstep.tensor([1.0], requires_grad=True), 2.0)
    >>> y.tolist(), y._ctx.fn is Add
    ([3.0], True)
    """
    # y = a + b ;  dy/da = 1, dy/db = 1
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, grad

    # dy = da + db
    @staticmethod
    def jvp(ctx, da, db):
        return da + db


class Sub(Function):
    """The graph node of ``ops.sub``.

    >>> import gradstep
    >>> y = gradstep.ops.sub(gradstep.tensor([1.0], requires_grad=True), 3.0)
    >>> y.tolist(), y._ctx.fn is Sub
    ([-2.0], True)
    """
    # y = a - b ;  dy/da = 1, dy/db = -1
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad

    # dy = da - db
    @staticmethod
    def jvp(ctx, da, db):
        return da - db


class Mul(Function):
    """The graph node of ``ops.mul``.

    >>> import gradstep
    >>> y = gradstep.ops.mul(gradstep.tensor([2.0], requires_grad=True), 3.0)
    >>> y.tolist(), y._ctx.fn is Mul
    ([6.0], True)
    """
    # y = a * b ;  dy/da = b, dy/db = a
    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return a * b

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.b, grad * ctx.a

    # dy = b da + a db
    @staticmethod
    def jvp(ctx, da, db):
        return da * ctx.b + ctx.a * db


class Div(Function):
    """The graph node of ``ops.div``.

    >>> import gradstep
    >>> y = gradstep.ops.div(gradstep.tensor([1.0], requires_grad=True), 4.0)
    >>> y.tolist(), y._ctx.fn is Div
    ([0.25], True)
    """
    # y = a / b ;  dy/da = 1/b, dy/db = -a/b^2 = -y/b
    @staticmethod
    def forward(ctx, a, b):
        y = a / b
        ctx.b, ctx.y = b, y
        return y

    @staticmethod
    def backward(ctx, grad):
        ga = grad / ctx.b
        return ga, -ga * ctx.y

    # dy = (da - y db) / b
    @staticmethod
    def jvp(ctx, da, db):
        return (da - ctx.y * db) / ctx.b


class Neg(Function):
    """The graph node of ``ops.neg``.

    >>> import gradstep
    >>> y = gradstep.ops.neg(gradstep.tensor([2.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Neg
    ([-2.0], True)
    """
    # y = -x ;  dy/dx = -1
    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return (-grad,)

    # dy = -dx
    @staticmethod
    def jvp(ctx, dx):
        return -dx


class Pow(Function):
    """The graph node of ``ops.pow``.

    >>> import gradstep
    >>> y = gradstep.ops.pow(gradstep.tensor([3.0], requires_grad=True), 2.0)
    >>> y.tolist(), y._ctx.fn is Pow
    ([9.0], True)
    """
    # y = a^b ;  dy/da = b a^(b-1) (0 where b = 0, as PyTorch: a^0 is constant), dy/db = y ln a
    @staticmethod
    def forward(ctx, a, b):
        y = a**b
        ctx.a, ctx.b, ctx.y = a, b, y
        return y

    @staticmethod
    def backward(ctx, grad):
        a, b, y, xp = ctx.a, ctx.b, ctx.y, ctx.xp
        zero_exponent = np.asarray(b == 0)  # (an ndarray under create_graph too)
        if zero_exponent.any():  # 0 * 0^-1 would be nan
            with np.errstate(divide="ignore", invalid="ignore"):
                ga = xp.where(zero_exponent, 0, grad * b * a ** (b - 1))
        else:
            ga = grad * b * a ** (b - 1)
        gb = None
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = grad * y * xp.where(a > 0, xp.log(xp.where(a > 0, a, 1)), 0)
        return ga, gb

    # dy = b a^(b-1) da + y ln(a) db   (the first term is 0 where b = 0, the second where a <= 0)
    @staticmethod
    def jvp(ctx, da, db):
        a, b, y = ctx.a, ctx.b, ctx.y
        with np.errstate(divide="ignore", invalid="ignore"):
            dy = da * np.where(b == 0, 0, b * a ** (b - 1))
            return dy + db * y * np.where(a > 0, np.log(np.where(a > 0, a, 1)), 0)


class Exp(Function):
    """The graph node of ``ops.exp``.

    >>> import gradstep
    >>> y = gradstep.ops.exp(gradstep.tensor([0.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Exp
    ([1.0], True)
    """
    # y = e^x ;  dy/dx = y
    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.y = y
        return y

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.y,)

    # dy = y dx
    @staticmethod
    def jvp(ctx, dx):
        return ctx.y * dx


class Log(Function):
    """The graph node of ``ops.log``.

    >>> import gradstep
    >>> y = gradstep.ops.log(gradstep.tensor([1.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Log
    ([0.0], True)
    """
    # y = ln x ;  dy/dx = 1/x
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        return (grad / ctx.x,)

    # dy = dx / x
    @staticmethod
    def jvp(ctx, dx):
        return dx / ctx.x


class Sin(Function):
    """The graph node of ``ops.sin``.

    >>> import gradstep
    >>> y = gradstep.ops.sin(gradstep.tensor([0.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Sin
    ([0.0], True)
    """
    # y = sin x ;  dy/dx = cos x
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return np.sin(x)

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.xp.cos(ctx.x),)

    # dy = cos(x) dx
    @staticmethod
    def jvp(ctx, dx):
        return np.cos(ctx.x) * dx


class Cos(Function):
    """The graph node of ``ops.cos``.

    >>> import gradstep
    >>> y = gradstep.ops.cos(gradstep.tensor([0.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Cos
    ([1.0], True)
    """
    # y = cos x ;  dy/dx = -sin x
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return np.cos(x)

    @staticmethod
    def backward(ctx, grad):
        return (-grad * ctx.xp.sin(ctx.x),)

    # dy = -sin(x) dx
    @staticmethod
    def jvp(ctx, dx):
        return -np.sin(ctx.x) * dx


class Sqrt(Function):
    """The graph node of ``ops.sqrt``.

    >>> import gradstep
    >>> y = gradstep.ops.sqrt(gradstep.tensor([4.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Sqrt
    ([2.0], True)
    """
    # y = sqrt(x) ;  dy/dx = 1 / (2 y)
    @staticmethod
    def forward(ctx, x):
        y = np.sqrt(x)
        ctx.y = y
        return y

    @staticmethod
    def backward(ctx, grad):
        return (grad / (2 * ctx.y),)

    # dy = dx / (2 y)
    @staticmethod
    def jvp(ctx, dx):
        return dx / (2 * ctx.y)


class Abs(Function):
    """The graph node of ``ops.abs``.

    >>> import gradstep
    >>> y = gradstep.ops.abs(gradstep.tensor([-2.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Abs
    ([2.0], True)
    """
    # y = |x| ;  dy/dx = sign(x)  (0 at x = 0)
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.xp.sign(ctx.x),)

    # dy = sign(x) dx
    @staticmethod
    def jvp(ctx, dx):
        return np.sign(ctx.x) * dx


class Maximum(Function):
    """The graph node of ``ops.maximum``.

    >>> import gradstep
    >>> y = gradstep.ops.maximum(gradstep.tensor([1.0, 3.0], requires_grad=True), 2.0)
    >>> y.tolist(), y._ctx.fn is Maximum
    ([2.0, 3.0], True)
    """
    # y = max(a, b) ;  dy/da = [a >= b], dy/db = [a < b]  (ties go to a)
    @staticmethod
    def forward(ctx, a, b):
        ctx.a_wins = a >= b
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        wins = ctx.a_wins
        return grad * wins, grad * ~wins

    # dy = da where a >= b, else db
    @staticmethod
    def jvp(ctx, da, db):
        return np.where(ctx.a_wins, da, db)


class Minimum(Function):
    """The graph node of ``ops.minimum``.

    >>> import gradstep
    >>> y = gradstep.ops.minimum(gradstep.tensor([1.0, 3.0], requires_grad=True), 2.0)
    >>> y.tolist(), y._ctx.fn is Minimum
    ([1.0, 2.0], True)
    """
    # y = min(a, b) ;  dy/da = [a <= b], dy/db = [a > b]  (ties go to a)
    @staticmethod
    def forward(ctx, a, b):
        ctx.a_wins = a <= b
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        wins = ctx.a_wins
        return grad * wins, grad * ~wins

    # dy = da where a <= b, else db
    @staticmethod
    def jvp(ctx, da, db):
        return np.where(ctx.a_wins, da, db)


class Clip(Function):
    """The graph node of ``ops.clip``.

    >>> import gradstep
    >>> y = gradstep.ops.clip(gradstep.tensor([-1.0, 0.5, 2.0], requires_grad=True), 0.0, 1.0)
    >>> y.tolist(), y._ctx.fn is Clip
    ([0.0, 0.5, 1.0], True)
    """
    # y = min(max(x, lo), hi) ;  dy/dx = [lo <= x <= hi]
    @staticmethod
    def forward(ctx, x, lo=None, hi=None):
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        ctx.inside = inside
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.inside,)

    # dy = [lo <= x <= hi] dx
    @staticmethod
    def jvp(ctx, dx):
        return dx * ctx.inside


class Where(Function):
    """The graph node of ``ops.where``.

    >>> import gradstep
    >>> y = gradstep.ops.where(gradstep.tensor([False, True]), gradstep.tensor([-1.0, 2.0], requires_grad=True), 0.0)
    >>> y.tolist(), y._ctx.fn is Where
    ([0.0, 2.0], True)
    """
    # y = c ? a : b ;  dy/da = [c], dy/db = [not c]   (c is not differentiable)
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        cond, xp = ctx.cond, ctx.xp
        return None, xp.where(cond, grad, 0), xp.where(cond, 0, grad)

    # dy = c ? da : db
    @staticmethod
    def jvp(ctx, dc, da, db):
        return np.where(ctx.cond, da, db)


class AsType(Function):
    """The graph node of ``ops.astype``.

    >>> import gradstep
    >>> y = gradstep.ops.astype(gradstep.tensor([1.5], requires_grad=True), 'float64')
    >>> y.tolist(), y._ctx.fn is AsType
    ([1.5], True)
    """
    # y = x as another float dtype ;  dy/dx = 1 (cast back)
    name = "astype"

    @staticmethod
    def forward(ctx, x, dtype=None):
        ctx.dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return (grad.astype(ctx.dtype),)

    # dy = dx in the new dtype
    @staticmethod
    def jvp(ctx, dx):
        return dx.astype(ctx.out.dtype)


# ----- functional forms ---------------------------------------------------------------


def _binary(fn, a, b):
    """Apply a broadcasting binary op, with a clear error when the shapes cannot broadcast."""
    a, b = lift_pair(a, b)
    if a.data.shape != b.data.shape:
        _check_broadcast(fn.name, a.data.shape, b.data.shape)
    return fn.apply(a, b)


def _check_broadcast(op, *shapes):
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(s) for s in shapes)
        raise ShapeError(f"{op}: cannot broadcast shapes {listed}") from None


def add(a, b):
    """a + b with broadcasting.

    >>> import gradstep
    >>> gradstep.ops.add(gradstep.tensor([1.0, 2.0]), 1.0)
    tensor([2., 3.])
    """
    return _binary(Add, a, b)


def sub(a, b):
    """a - b with broadcasting.

    >>> import gradstep
    >>> gradstep.ops.sub(gradstep.tensor([1.0, 2.0]), 1.0)
    tensor([0., 1.])
    """
    return _binary(Sub, a, b)


def mul(a, b):
    """a * b elementwise with broadcasting.

    >>> import gradstep
    >>> gradstep.ops.mul(gradstep.tensor([1.0, 2.0]), 3.0)
    tensor([3., 6.])
    """
    return _binary(Mul, a, b)


def div(a, b):
    """a / b elementwise with broadcasting.

    >>> import gradstep
    >>> gradstep.ops.div(1.0, gradstep.tensor([2.0, 4.0]))
    tensor([0.5 , 0.25])
    >>> (gradstep.tensor([1, 2]) / 4).dtype  # integers divide into the default float dtype
    dtype('float32')
    """
    a, b = lift_pair(a, b)
    if a.data.dtype.kind in "iub" and b.data.dtype.kind in "iub":
        dtype = get_default_dtype()
        a, b = Tensor(a.data.astype(dtype)), Tensor(b.data.astype(dtype))
    return _binary(Div, a, b)


def neg(x):
    """-x.

    >>> import gradstep
    >>> gradstep.ops.neg(gradstep.tensor([1.0]))
    tensor([-1.])
    """
    return Neg.apply(as_tensor(x))


def pow(a, b):
    """a ** b elementwise; the exponent may be a number or a tensor.

    >>> import gradstep
    >>> gradstep.ops.pow(gradstep.tensor([3.0]), 2)
    tensor([9.])
    """
    return _binary(Pow, a, b)


def exp(x):
    """e ** x.

    >>> import gradstep
    >>> gradstep.ops.exp(gradstep.tensor([0.0]))
    tensor([1.])
    """
    return Exp.apply(as_tensor(x))


def log(x):
    """Natural logarithm.

    >>> import gradstep
    >>> gradstep.ops.log(gradstep.tensor([1.0]))
    tensor([0.])
    """
    return Log.apply(as_tensor(x))


def sin(x):
    """Sine (radians).

    >>> import gradstep
    >>> gradstep.ops.sin(gradstep.tensor([0.0]))
    tensor([0.])
    """
    return Sin.apply(as_tensor(x))


def cos(x):
    """Cosine (radians).

    >>> import gradstep
    >>> gradstep.ops.cos(gradstep.tensor([0.0]))
    tensor([1.])
    """
    return Cos.apply(as_tensor(x))


def sqrt(x):
    """Square root.

    >>> import gradstep
    >>> gradstep.ops.sqrt(gradstep.tensor([4.0]))
    tensor([2.])
    """
    return Sqrt.apply(as_tensor(x))


def abs(x):
    """|x| (subgradient 0 at 0).

    >>> import gradstep
    >>> gradstep.ops.abs(gradstep.tensor([-2.0]))
    tensor([2.])
    """
    return Abs.apply(as_tensor(x))


def maximum(a, b):
    """Elementwise maximum with broadcasting.

    >>> import gradstep
    >>> gradstep.ops.maximum(gradstep.tensor([1.0, 5.0]), 2.0)
    tensor([2., 5.])
    """
    return _binary(Maximum, a, b)


def minimum(a, b):
    """Elementwise minimum with broadcasting.

    >>> import gradstep
    >>> gradstep.ops.minimum(gradstep.tensor([1.0, 5.0]), 2.0)
    tensor([1., 2.])
    """
    return _binary(Minimum, a, b)


def clip(x, min=None, max=None):
    """Limit values to [min, max]; the gradient is zero where x was clipped.

    >>> import gradstep
    >>> gradstep.ops.clip(gradstep.tensor([-1.0, 0.5, 2.0]), 0.0, 1.0)
    tensor([0. , 0.5, 1. ])
    """
    x = as_tensor(x)
    if min is None and max is None:
        raise ArgumentError(f"clip: give min, max or both (got neither, for a tensor of shape {x.shape})")
    return Clip.apply(x, lo=min, hi=max)


def where(condition, a, b):
    """Elementwise ``a if condition else b``; differentiable in a and b.

    >>> import gradstep
    >>> x = gradstep.tensor([-1.0, 2.0])
    >>> gradstep.ops.where(x > 0, x, 0.0)
    tensor([0., 2.])
    """
    cond = as_tensor(condition)
    if cond.dtype != bool:
        raise DTypeError(f"where: condition must be a boolean tensor, got dtype {cond.dtype}")
    a, b = lift_pair(a, b)
    _check_broadcast("where", cond.shape, a.shape, b.shape)
    return Where.apply(cond, a, b)


def astype(x, dtype):
    """Cast to another dtype; between floating dtypes gradients are cast back.

    A cast to an integer or boolean dtype rounds, so it is not differentiable:
    the result is a constant outside the graph (integer tensors never require grad).

    >>> import gradstep, numpy as np
    >>> gradstep.ops.astype(gradstep.tensor([1.0]), np.float64).dtype
    dtype('float64')
    >>> gradstep.ops.astype(gradstep.tensor([1.5], requires_grad=True), np.int64)
    tensor([1])
    """
    x, dtype = as_tensor(x), np.dtype(dtype)
    if dtype.kind not in "fc":
        return Tensor(x.data.astype(dtype))
    return AsType.apply(x, dtype=dtype)
