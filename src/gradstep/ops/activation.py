"""Activation functions in numerically stable forms (no overflow warnings for inputs up to +-1e4)."""

import numpy as np

from ..function import Function
from ._lift import as_tensor


class Sigmoid(Function):
    """The graph node of ``ops.sigmoid``.

    >>> import gradstep
    >>> y = gradstep.ops.sigmoid(gradstep.tensor([0.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Sigmoid
    ([0.5], True)
    """
    # s = 1 / (1 + e^-z) ;  ds/dz = s (1 - s)
    @staticmethod
    def forward(ctx, z):
        e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
        s = np.where(z >= 0, 1, e)  # 1 / (1 + e) for z >= 0, e / (1 + e) for z < 0
        e += 1
        s /= e
        ctx.s = s
        return s

    @staticmethod
    def backward(ctx, grad):
        s = ctx.s
        return (grad * (s * (1 - s)),)

    # ds = s (1 - s) dz
    @staticmethod
    def jvp(ctx, dz):
        s = ctx.s
        return s * (1 - s) * dz


class Tanh(Function):
    """The graph node of ``ops.tanh``.

    >>> import gradstep
    >>> y = gradstep.ops.tanh(gradstep.tensor([0.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Tanh
    ([0.0], True)
    """
    # a = tanh(z) ;  da/dz = 1 - a^2
    @staticmethod
    def forward(ctx, z):
        a = np.tanh(z)
        ctx.a = a
        return a

    @staticmethod
    def backward(ctx, grad):
        return ((1 - ctx.a * ctx.a) * grad,)

    # da = (1 - a^2) dz
    @staticmethod
    def jvp(ctx, dz):
        return (1 - ctx.a * ctx.a) * dz


class ReLU(Function):
    """The graph node of ``ops.relu``.

    >>> import gradstep
    >>> y = gradstep.ops.relu(gradstep.tensor([-1.0, 2.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is ReLU
    ([0.0, 2.0], True)
    """
    # a = max(0, z) ;  da/dz = [z > 0]
    name = "relu"

    @staticmethod
    def forward(ctx, z):
        a = np.maximum(z, 0)
        ctx.a = a
        return a

    @staticmethod
    def backward(ctx, grad):
        if getattr(ctx, "owns_grad", False):  # no one else holds grad: overwrite it
            return (np.multiply(grad, ctx.a > 0, out=grad),)
        return (grad * (ctx.a > 0),)

    # da = [z > 0] dz
    @staticmethod
    def jvp(ctx, dz):
        return dz * (ctx.a > 0)


class LeakyReLU(Function):
    """The graph node of ``ops.leaky_relu``.

    >>> import gradstep
    >>> y = gradstep.ops.leaky_relu(gradstep.tensor([-2.0, 2.0], requires_grad=True), 0.5)
    >>> y.tolist(), y._ctx.fn is LeakyReLU
    ([-1.0, 2.0], True)
    """
    # a = z if z > 0 else slope z ;  da/dz = 1 if z > 0 else slope
    name = "leaky_relu"

    @staticmethod
    def forward(ctx, z, negative_slope=0.01):
        positive = z > 0
        ctx.positive, ctx.slope = positive, negative_slope
        return np.where(positive, z, z * z.dtype.type(negative_slope))

    @staticmethod
    def backward(ctx, grad):
        return (ctx.xp.where(ctx.positive, grad, grad * grad.dtype.type(ctx.slope)),)

    # da = dz if z > 0 else slope dz
    @staticmethod
    def jvp(ctx, dz):
        return np.where(ctx.positive, dz, dz * dz.dtype.type(ctx.slope))


class ELU(Function):
    """The graph node of ``ops.elu``.

    >>> import gradstep
    >>> y = gradstep.ops.elu(gradstep.tensor([0.0, 2.0], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is ELU
    ([0.0, 2.0], True)
    """
    # a = z if z > 0 else alpha (e^z - 1) ;  da/dz = 1 if z > 0 else a + alpha
    name = "elu"

    @staticmethod
    def forward(ctx, z, alpha=1.0):
        positive = z > 0
        alpha = z.dtype.type(alpha)
        a = np.where(positive, z, alpha * np.expm1(np.minimum(z, 0)))
        ctx.positive, ctx.a, ctx.alpha = positive, a, alpha
        return a

    @staticmethod
    def backward(ctx, grad):
        return (ctx.xp.where(ctx.positive, grad, grad * (ctx.a + ctx.alpha)),)

    # da = dz if z > 0 else (a + alpha) dz
    @staticmethod
    def jvp(ctx, dz):
        return np.where(ctx.positive, dz, dz * (ctx.a + ctx.alpha))


class Softplus(Function):
    """The graph node of ``ops.softplus``.

    >>> import gradstep
    >>> y = gradstep.ops.softplus(gradstep.tensor([-1e4, 1e4], requires_grad=True))  # log(1 + e^z), no overflow
    >>> y.tolist(), y._ctx.fn is Softplus
    ([0.0, 10000.0], True)
    """
    # a = ln(1 + e^z) ;  da/dz = sigmoid(z) = 1 - e^(-a)
    # (from the output: e^(-a) = 1 / (1 + e^z); -expm1(-a) keeps every digit of a tiny sigmoid and
    # takes 3 array passes where the stable e^(-|z|) form takes 9)
    @staticmethod
    def forward(ctx, z):
        ctx.y = y = np.logaddexp(z, 0)
        return y

    @staticmethod
    def backward(ctx, grad):
        return (grad * -ctx.xp.expm1(-ctx.y),)

    # da = sigmoid(z) dz
    @staticmethod
    def jvp(ctx, dz):
        return dz * -np.expm1(-ctx.y)


class Softmax(Function):
    """The graph node of ``ops.softmax``.

    >>> import gradstep
    >>> y = gradstep.ops.softmax(gradstep.tensor([[0.0, 0.0]], requires_grad=True))
    >>> y.tolist(), y._ctx.fn is Softmax
    ([[0.5, 0.5]], True)
    """
    # p_i = e^(z_i - max z) / sum_j e^(z_j - max z) ;  dL/dz = p * (g - sum_j g_j p_j)
    @staticmethod
    def forward(ctx, z, axis=-1):
        p = z - z.max(axis=axis, keepdims=True)
        np.exp(p, out=p)
        p /= p.sum(axis=axis, keepdims=True)
        ctx.p, ctx.axis = p, axis
        return p

    @staticmethod
    def backward(ctx, grad):
        p = ctx.p
        return ((grad - (grad * p).sum(axis=ctx.axis, keepdims=True)) * p,)

    # dp = p * (dz - sum_j p_j dz_j)
    @staticmethod
    def jvp(ctx, dz):
        p = ctx.p
        return p * (dz - (p * dz).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Function):
    """The graph node of ``ops.log_softmax``.

    >>> import gradstep
    >>> y = gradstep.ops.log_softmax(gradstep.tensor([[0.0, 1e4]], requires_grad=True))  # z - logsumexp(z), no overflow
    >>> y.tolist(), y._ctx.fn is LogSoftmax
    ([[-10000.0, 0.0]], True)
    """
    # y_i = z_i - logsumexp(z) ;  dL/dz = g - softmax(z) * sum_j g_j
    name = "log_softmax"

    @staticmethod
    def forward(ctx, z, axis=-1):
        y = z - z.max(axis=axis, keepdims=True)
        y -= np.log(np.exp(y).sum(axis=axis, keepdims=True))
        ctx.y, ctx.axis = y, axis
        return y

    @staticmethod
    def backward(ctx, grad):
        return (grad - ctx.xp.exp(ctx.y) * grad.sum(axis=ctx.axis, keepdims=True),)

    # dy = dz - sum_j softmax(z)_j dz_j
    @staticmethod
    def jvp(ctx, dz):
        return dz - (np.exp(ctx.y) * dz).sum(axis=ctx.axis, keepdims=True)


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), stable for any z.

    >>> import gradstep
    >>> gradstep.ops.sigmoid(gradstep.tensor([0.0]))
    tensor([0.5])
    """
    return Sigmoid.apply(as_tensor(z))


def tanh(z):
    """Hyperbolic tangent.

    >>> import gradstep
    >>> gradstep.ops.tanh(gradstep.tensor([0.0]))
    tensor([0.])
    """
    return Tanh.apply(as_tensor(z))


def relu(z):
    """max(0, z); the gradient at 0 is 0.

    >>> import gradstep
    >>> gradstep.ops.relu(gradstep.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return ReLU.apply(as_tensor(z))


def leaky_relu(z, negative_slope=0.01):
    """z for z > 0, negative_slope * z otherwise.

    >>> import gradstep
    >>> gradstep.ops.leaky_relu(gradstep.tensor([-1.0, 2.0]), 0.1)
    tensor([-0.1,  2. ])
    """
    return LeakyReLU.apply(as_tensor(z), negative_slope=negative_slope)


def elu(z, alpha=1.0):
    """z for z > 0, alpha * (exp(z) - 1) otherwise.

    >>> import gradstep
    >>> gradstep.ops.elu(gradstep.tensor([0.0, 2.0]))
    tensor([0., 2.])
    """
    return ELU.apply(as_tensor(z), alpha=alpha)


def softplus(z):
    """ln(1 + exp(z)), a smooth ReLU; computed as logaddexp(z, 0).

    >>> import gradstep
    >>> round(gradstep.ops.softplus(gradstep.tensor([0.0])).item(), 6)
    0.693147
    """
    return Softplus.apply(as_tensor(z))


def softmax(z, axis=-1):
    """exp(z) normalised to sum to 1 along ``axis`` (computed with the max subtracted).

    >>> import gradstep
    >>> gradstep.ops.softmax(gradstep.tensor([0.0, 0.0]))
    tensor([0.5, 0.5])
    """
    return Softmax.apply(as_tensor(z), axis=axis)


def log_softmax(z, axis=-1):
    """log(softmax(z)) as z - logsumexp(z): finite even where softmax underflows to 0.

    >>> import gradstep
    >>> gradstep.ops.log_softmax(gradstep.tensor([0.0, 1e4]))
    tensor([-10000.,      0.])
    """
    return LogSoftmax.apply(as_tensor(z), axis=axis)
