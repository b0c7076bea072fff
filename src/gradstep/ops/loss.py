"""Fused, numerically stable losses: one graph node each, with the reduction built in.

Each op takes ``reduction`` = "mean" | "sum" | "none" and, where it has them,
class or element weights as a non-differentiable ndarray attribute. The checks
on labels and shapes live in ``gradstep.nn.functional``, which is how these ops
are meant to be called; the ops themselves assume valid input.

In the comments, l_i is the loss of sample (or element) i, g_i = dL/dl_i is
what the reduction passes back: the incoming gradient divided by the
normaliser N for "mean", as is for "sum" and "none".
"""

import math

import numpy as np

from ..function import Function
from ._rowwise import row_maxima, row_totals
from . import activation, elementwise


def _reduce(losses, reduction, count):
    """The loss after reduction: sum / count for "mean", sum for "sum", the array for "none"."""
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "mean":
        total = total / losses.dtype.type(count)
        if not math.isfinite(total) and np.isfinite(losses).all():
            # sum_i l_i overflowed although every l_i is finite: the mean is sum_i (l_i / N)
            total = (losses / losses.dtype.type(count)).sum()
    return np.asarray(total, dtype=losses.dtype)


def _per_loss_grad(grad, reduction, count):
    """g = dL/dl: grad / N for "mean", grad for "sum" (scalars), the array for "none"."""
    if reduction == "mean":
        return grad / grad.dtype.type(count)
    return grad


class SoftmaxCrossEntropy(Function):
    """Fused loss node; call it through ``gradstep.nn.functional``, which checks the inputs.

    >>> import gradstep
    >>> round(SoftmaxCrossEntropy.apply(gradstep.tensor([[0.0, 0.0]], requires_grad=True), gradstep.tensor([1])).item(), 6)  # -log(1/2)
    0.693147
    """
    # l_i = -sum_k w_k t_ik log softmax(z_i)_k ;  dl_i/dz_i = (sum_k w_k t_ik) softmax(z_i) - w t_i,
    # i.e. (softmax - onehot) for labels without weights; dl_i/dt_ik = -w_k log softmax(z_i)_k
    name = "softmax_cross_entropy"
    # under create_graph: what forward kept on the side, recomputed with ops (see autograd/graph.py)
    recompute = {
        "p": lambda ctx, z, target: activation.softmax(z, axis=1),
        "log_p": lambda ctx, z, target: activation.log_softmax(z, axis=1),
        "wt": lambda ctx, z, target: target if ctx.weight is None else target * ctx.weight,
    }
    constants = ("w_y", "weight")

    @staticmethod
    def forward(ctx, z, target, weight=None, reduction="mean"):
        n, k = z.shape
        shifted = z - row_maxima(z)[:, None]  # log-sum-exp trick: exp never overflows
        labels = target.dtype.kind in "iu"
        if labels:
            # flat index of each sample's label entry, i k + y_i: 1-D indexing is twice as fast as [rows, target]
            at_label = np.arange(0, n * k, k)
            np.add(at_label, target, out=at_label, casting="unsafe")  # labels are in [0, k): any integer dtype fits
            picked = shifted.reshape(-1)[at_label]
            p = np.exp(shifted, out=shifted)  # reuse the buffer: p = softmax(z)
            total = row_totals(p)
            p /= total[:, None]
            losses = np.log(total) - picked  # -log softmax(z)_y = logsumexp(z) - z_y
            w_y = None
            count = n
            if weight is not None:
                w_y = weight[target]
                losses *= w_y
                count = w_y.sum()  # weighted mean, as PyTorch
            ctx.at_label, ctx.w_y = at_label, w_y
        else:
            p = np.exp(shifted)
            total = p.sum(axis=1, keepdims=True)
            p /= total
            log_p = shifted
            log_p -= np.log(total)
            wt = target if weight is None else target * weight
            losses = -np.einsum("ij,ij->i", wt, log_p)
            count = n  # probability targets: mean over the batch, as PyTorch
            ctx.log_p, ctx.wt, ctx.weight = log_p, wt, weight
        ctx.p, ctx.labels, ctx.reduction, ctx.count = p, labels, reduction, count
        return _reduce(losses, reduction, count)

    @staticmethod
    def backward(ctx, grad):
        g = _per_loss_grad(grad, ctx.reduction, ctx.count)
        per_row = g.ndim == 1  # reduction "none": one g_i per sample
        if ctx.labels:
            if ctx.w_y is not None:
                g = g * ctx.w_y
                per_row = True
            gz = ctx.p * (g[:, None] if per_row else g)  # (softmax - onehot) * g in one pass plus n updates
            return ctx.xp.subtract_at(gz, ctx.at_label, g), None
        g_col = g[:, None] if per_row else g
        wt = ctx.wt
        gz = (ctx.p * wt.sum(axis=1, keepdims=True) - wt) * g_col
        gt = None
        if ctx.needs_input_grad[1]:
            w_log_p = ctx.log_p if ctx.weight is None else ctx.log_p * ctx.weight
            gt = -(w_log_p * g_col)
        return gz, gt

    # dl_i = sum_k ((sum_j w_j t_ij) softmax(z_i)_k - w_k t_ik) dz_ik - sum_k w_k log softmax(z_i)_k dt_ik
    @staticmethod
    def jvp(ctx, dz, dt):
        p = ctx.p
        if ctx.labels:  # sum_k p_ik dz_ik - dz_iy, times w_y
            dl = np.einsum("ij,ij->i", p, dz) - dz.reshape(-1)[ctx.at_label]
            if ctx.w_y is not None:
                dl *= ctx.w_y
        else:
            wt = ctx.wt
            dl = np.einsum("ij,ij->i", p * wt.sum(axis=1, keepdims=True) - wt, dz)
            w_log_p = ctx.log_p if ctx.weight is None else ctx.log_p * ctx.weight
            dl -= np.einsum("ij,ij->i", w_log_p, dt)
        return _reduce(dl, ctx.reduction, ctx.count)


class NLL(Function):
    """Fused loss node; call it through ``gradstep.nn.functional``, which checks the inputs.

    >>> import gradstep
    >>> round(NLL.apply(gradstep.tensor([[-0.5, -2.0]], requires_grad=True), gradstep.tensor([1])).item(), 6)  # -log p_1
    2.0
    """
    # l_i = -w_y log p_iy (inputs are log-probabilities) ;  dl_i/d(log p_ik) = -w_y [k = y_i]
    name = "nll"
    constants = ("w_y",)

    @staticmethod
    def forward(ctx, log_p, target, weight=None, reduction="mean"):
        rows = np.arange(log_p.shape[0])
        losses = -log_p[rows, target]
        count = log_p.shape[0]
        w_y = None
        if weight is not None:
            w_y = weight[target]
            losses *= w_y
            count = w_y.sum()
        ctx.shape, ctx.rows, ctx.target, ctx.w_y, ctx.reduction, ctx.count = (
            log_p.shape, rows, target, w_y, reduction, count
        )
        return _reduce(losses, reduction, count)

    @staticmethod
    def backward(ctx, grad):
        g = _per_loss_grad(grad, ctx.reduction, ctx.count)
        if ctx.w_y is not None:
            g = g * ctx.w_y
        return ctx.xp.scatter(-g, ctx.shape, (ctx.rows, ctx.target)), None

    # dl_i = -w_y d(log p_iy)
    @staticmethod
    def jvp(ctx, dlog_p, dt):
        dl = -dlog_p[ctx.rows, ctx.target]
        if ctx.w_y is not None:
            dl *= ctx.w_y
        return _reduce(dl, ctx.reduction, ctx.count)


class BCEWithLogits(Function):
    """Fused loss node; call it through ``gradstep.nn.functional``, which checks the inputs.

    >>> import gradstep
    >>> round(BCEWithLogits.apply(gradstep.tensor([0.0], requires_grad=True), gradstep.tensor([1.0])).item(), 6)  # -log sigmoid(0)
    0.693147
    """
    # l = max(z, 0) - z t + log(1 + e^-|z|)  (= -t log s(z) - (1 - t) log(1 - s(z)), stable) ;
    # dl/dz = sigmoid(z) - t,  dl/dt = -z
    name = "bce_with_logits"
    recompute = {"e": lambda ctx, z, t: elementwise.exp(-elementwise.abs(z))}
    constants = ("weight",)

    @staticmethod
    def forward(ctx, z, t, weight=None, reduction="mean"):
        e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
        losses = np.maximum(z, 0)
        losses -= z * t
        losses += np.log1p(e)
        if weight is not None:
            losses = losses * weight
        ctx.z, ctx.t, ctx.e, ctx.weight, ctx.reduction, ctx.count = z, t, e, weight, reduction, losses.size
        return _reduce(losses, reduction, losses.size)

    @staticmethod
    def backward(ctx, grad):
        g = _per_loss_grad(grad, ctx.reduction, ctx.count)
        if ctx.weight is not None:
            g = g * ctx.weight
        z, e, xp = ctx.z, ctx.e, ctx.xp
        s = xp.where(z >= 0, 1.0, e)  # sigmoid(z) from the saved e^-|z|: 1 / (1 + e) for z >= 0, e / (1 + e) below
        s = xp.imul(xp.isub(xp.idiv(s, 1 + e), ctx.t), g)
        gt = -z * g if ctx.needs_input_grad[1] else None
        return s, gt

    # dl = (sigmoid(z) - t) dz - z dt
    @staticmethod
    def jvp(ctx, dz, dt):
        z, e = ctx.z, ctx.e
        s = np.where(z >= 0, 1.0, e) / (1 + e)
        dl = (s - ctx.t) * dz - z * dt
        if ctx.weight is not None:
            dl = dl * ctx.weight
        return _reduce(dl, ctx.reduction, ctx.count)


class BCE(Function):
    """Fused loss node; call it through ``gradstep.nn.functional``, which checks the inputs.

    >>> import gradstep
    >>> round(BCE.apply(gradstep.tensor([0.5], requires_grad=True), gradstep.tensor([1.0])).item(), 6)  # -log 0.5
    0.693147
    """
    # l = -(t log p + (1 - t) log(1 - p)), each log clamped at >= -100 as PyTorch ;
    # dl/dp = (p - t) / max(p (1 - p), 1e-12),  dl/dt = log(1 - p) - log p
    name = "bce"
    recompute = {
        "log_p": lambda ctx, p, t: elementwise.maximum(elementwise.log(p), -100.0),
        "log_q": lambda ctx, p, t: elementwise.maximum(elementwise.log(1 - p), -100.0),
    }
    constants = ("weight",)

    @staticmethod
    def forward(ctx, p, t, weight=None, reduction="mean"):
        floor = p.dtype.type(-100)
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), floor)
            log_q = np.maximum(np.log1p(-p), floor)
        losses = log_p * t
        losses += log_q * (1 - t)
        np.negative(losses, out=losses)
        if weight is not None:
            losses *= weight
        ctx.p, ctx.t, ctx.log_p, ctx.log_q = p, t, log_p, log_q
        ctx.weight, ctx.reduction, ctx.count = weight, reduction, losses.size
        return _reduce(losses, reduction, losses.size)

    @staticmethod
    def backward(ctx, grad):
        g = _per_loss_grad(grad, ctx.reduction, ctx.count)
        if ctx.weight is not None:
            g = g * ctx.weight
        p, xp = ctx.p, ctx.xp
        gp = xp.imul((p - ctx.t) / xp.maximum(p * (1 - p), p.dtype.type(1e-12)), g)
        gt = (ctx.log_q - ctx.log_p) * g if ctx.needs_input_grad[1] else None
        return gp, gt

    # dl = (p - t) / max(p (1 - p), 1e-12) dp + (log(1 - p) - log p) dt
    @staticmethod
    def jvp(ctx, dp, dt):
        p = ctx.p
        dl = (p - ctx.t) / np.maximum(p * (1 - p), p.dtype.type(1e-12)) * dp + (ctx.log_q - ctx.log_p) * dt
        if ctx.weight is not None:
            dl = dl * ctx.weight
        return _reduce(dl, ctx.reduction, ctx.count)


class SquaredError(Function):
    """Fused loss node; call it through ``gradstep.nn.functional``, which checks the inputs.

    >>> import gradstep
    >>> round(SquaredError.apply(gradstep.tensor([1.0, 3.0], requires_grad=True), gradstep.tensor([0.0, 1.0])).item(), 6)  # (1 + 4) / 2
    2.5
    """
    # l = c (x - y)^2 ;  dl/dx = 2 c (x - y),  dl/dy = -2 c (x - y)   (c = 1, or 1/2 for the course's half form)
    name = "squared_error"
    recompute = {"d": lambda ctx, x, y: x - y}

    @staticmethod
    def forward(ctx, x, y, factor=1.0, reduction="mean"):
        d = x - y
        losses = d * d
        if factor != 1.0:
            losses *= losses.dtype.type(factor)
        ctx.d, ctx.factor, ctx.reduction, ctx.count = d, factor, reduction, d.size
        return _reduce(losses, reduction, d.size)

    @staticmethod
    def backward(ctx, grad):
        g = _per_loss_grad(grad, ctx.reduction, ctx.count)
        gx = ctx.d * (g * grad.dtype.type(2 * ctx.factor))
        gy = -gx if ctx.needs_input_grad[1] else None
        return gx, gy

    # dl = 2 c (x - y) (dx - dy)
    @staticmethod
    def jvp(ctx, dx, dy):
        return _reduce(ctx.d * (dx - dy) * ctx.d.dtype.type(2 * ctx.factor), ctx.reduction, ctx.count)


class AbsoluteError(Function):
    """Fused loss node; call it through ``gradstep.nn.functional``, which checks the inputs.

    >>> import gradstep
    >>> round(AbsoluteError.apply(gradstep.tensor([1.0, 3.0], requires_grad=True), gradstep.tensor([0.0, 1.0])).item(), 6)  # (1 + 2) / 2
    1.5
    """
    # l = |x - y| ;  dl/dx = sign(x - y),  dl/dy = -sign(x - y)   (0 where x = y)
    name = "absolute_error"
    constants = ("sign",)  # piecewise constant: its derivative is 0 almost everywhere

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        d = x - y
        ctx.sign, ctx.reduction, ctx.count = np.sign(d), reduction, d.size
        return _reduce(np.abs(d, out=d), reduction, d.size)

    @staticmethod
    def backward(ctx, grad):
        gx = ctx.sign * _per_loss_grad(grad, ctx.reduction, ctx.count)
        gy = -gx if ctx.needs_input_grad[1] else None
        return gx, gy

    # dl = sign(x - y) (dx - dy)
    @staticmethod
    def jvp(ctx, dx, dy):
        return _reduce(ctx.sign * (dx - dy), ctx.reduction, ctx.count)


class MultiMarginHinge(Function):
    """Fused loss node; call it through ``gradstep.nn.functional``, which checks the inputs.

    >>> import gradstep
    >>> round(MultiMarginHinge.apply(gradstep.tensor([[1.0, 0.5, 3.0]], requires_grad=True), gradstep.tensor([0])).item(), 6)  # max(0, 0.5 - 1 + 1) + max(0, 3 - 1 + 1)
    3.5
    """
    # l_i = sum_{j != y_i} max(0, s_ij - s_iy + margin) ;
    # dl_i/ds_ij = [s_ij - s_iy + margin > 0] for j != y_i,  dl_i/ds_iy = -(number of such j)
    name = "multi_margin_hinge"

    @staticmethod
    def forward(ctx, s, target, margin=1.0, reduction="mean"):
        rows = np.arange(s.shape[0])
        margins = s - s[rows, target][:, None]
        margins += s.dtype.type(margin)
        margins[rows, target] = 0
        active = margins > 0
        losses = np.einsum("ij,ij->i", margins, active.astype(s.dtype))
        ctx.rows, ctx.target, ctx.active, ctx.reduction, ctx.count = rows, target, active, reduction, s.shape[0]
        return _reduce(losses, reduction, s.shape[0])

    @staticmethod
    def backward(ctx, grad):
        g = _per_loss_grad(grad, ctx.reduction, ctx.count)
        g_col = g[:, None] if g.ndim == 1 else g
        active = ctx.active
        counts = active.sum(axis=1).astype(grad.dtype)  # at the label: minus the number of active margins
        return active * g_col - ctx.xp.scatter(counts * g, active.shape, (ctx.rows, ctx.target)), None

    # dl_i = sum_{j != y_i} [s_ij - s_iy + margin > 0] (ds_ij - ds_iy)
    @staticmethod
    def jvp(ctx, ds, dt):
        active = ctx.active
        dl = np.einsum("ij,ij->i", active.astype(ds.dtype), ds) - active.sum(axis=1) * ds[ctx.rows, ctx.target]
        return _reduce(dl, ctx.reduction, ctx.count)


