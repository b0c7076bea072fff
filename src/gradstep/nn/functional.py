"""Stateless forms of the layers, activations and losses: ``import gradstep.nn.functional as F``.

The losses check their inputs (shapes, label dtypes and ranges, reduction)
and then call one fused op from ``gradstep.ops.loss`` each, so a loss is a
single node of the graph whose backward is written out by hand; for example
the gradient of ``cross_entropy`` with respect to the logits is
(softmax(z) - onehot(y)) / n, computed from the softmax saved by the forward.
"""

import numpy as np

from .. import ops, tracing
from ..errors import DTypeError, ShapeError
from ..ops._lift import as_tensor
from ..ops.loss import (
    BCE,
    NLL,
    AbsoluteError,
    BCEWithLogits,
    MultiMarginHinge,
    SoftmaxCrossEntropy,
    SquaredError,
)
from ..data.preprocessing import one_hot as _one_hot_rows
from ..random import as_generator
from ..tensor import Tensor
from .errors import ArgumentError

_REDUCTIONS = ("mean", "sum", "none")


# ----- layers and activations -----------------------------------------------------------
def linear(x, weight, bias=None):
    """x W^T + b with W of shape (out_features, in_features) (PyTorch's ``F.linear``), one fused op.

    >>> import gradstep
    >>> linear(gradstep.ones(2, 3), gradstep.ones(4, 3)).shape
    (2, 4)
    """
    return ops.linear(x, weight, bias)


def sigmoid(x):
    """1 / (1 + exp(-x)), stable for any x.

    >>> import gradstep
    >>> sigmoid(gradstep.tensor([0.0]))
    tensor([0.5])
    """
    return ops.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent.

    >>> import gradstep
    >>> tanh(gradstep.tensor([0.0]))
    tensor([0.])
    """
    return ops.tanh(x)


def relu(x):
    """max(0, x).

    >>> import gradstep
    >>> relu(gradstep.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return ops.relu(x)


def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, negative_slope * x otherwise.

    >>> import gradstep
    >>> leaky_relu(gradstep.tensor([-2.0]), 0.5)
    tensor([-1.])
    """
    return ops.leaky_relu(x, negative_slope)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) otherwise.

    >>> import gradstep
    >>> elu(gradstep.tensor([1.0]))
    tensor([1.])
    """
    return ops.elu(x, alpha)


def softplus(x):
    """log(1 + exp(x)), stable.

    >>> import gradstep
    >>> round(softplus(gradstep.tensor([0.0])).item(), 4)
    0.6931
    """
    return ops.softplus(x)


def softmax(x, dim=-1):
    """exp(x) / sum(exp(x)) along ``dim``.

    >>> import gradstep
    >>> softmax(gradstep.tensor([[1.0, 1.0]]), dim=1)
    tensor([[0.5, 0.5]])
    """
    return ops.softmax(x, axis=dim)


def log_softmax(x, dim=-1):
    """log(softmax(x)) as x - logsumexp(x) along ``dim``.

    >>> import gradstep
    >>> log_softmax(gradstep.tensor([[0.0, 0.0]]), dim=1).data.round(4)
    array([[-0.6931, -0.6931]], dtype=float32)
    """
    return ops.log_softmax(x, axis=dim)


def one_hot(tensor, num_classes=-1):
    """PyTorch's ``one_hot``: int64 one-hot vectors along a new last axis; ``num_classes=-1`` means max + 1.

    Labels outside [0, num_classes) or not integers are an error (``gradstep.data.one_hot`` does the checks).

    >>> import gradstep
    >>> from gradstep.nn import functional as F
    >>> F.one_hot(gradstep.tensor([[0, 2]]), num_classes=3).tolist()
    [[[1, 0, 0], [0, 0, 1]]]
    """
    labels = as_tensor(tensor).data
    rows = _one_hot_rows(labels.reshape(-1), None if num_classes == -1 else num_classes, dtype=np.int64)
    return Tensor(rows.reshape(labels.shape + rows.shape[-1:]))


def dropout(x, p=0.5, training=True, seed=None):
    """Inverted dropout: zero each element with probability p and scale the rest by 1 / (1 - p).

    The expected value of every element is unchanged, so nothing needs
    rescaling at test time (``training=False`` returns x itself). TensorFlow 1
    and many course notes use ``keep_prob``; here ``p`` is the drop
    probability, ``p = 1 - keep_prob``. ``seed`` is an int, a Generator, or
    None for the default generator.

    >>> import gradstep
    >>> y = dropout(gradstep.ones(8), p=0.5, seed=0)
    >>> sorted(set(y.tolist()))
    [0.0, 2.0]
    """
    if not 0.0 <= p <= 1.0:
        raise ArgumentError(f"dropout: p is the probability of dropping an element and must be in [0, 1], got {p}")
    x = as_tensor(x)
    if not training or p == 0.0:
        return x
    dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    if p == 1.0:
        return ops.mul(x, Tensor(np.zeros(x.shape, dtype)))
    mask = tracing.generated(Tensor(_dropout_mask(x.shape, dtype, p, seed)), _dropout_mask, x.shape, dtype, p, seed)
    return ops.mul(x, mask)


def _dropout_mask(shape, dtype, p, seed):
    """A fresh mask of inverted dropout, drawn from ``seed``'s generator (a compiled step draws one per step)."""
    keep = as_generator(seed).random(shape, dtype=dtype) >= dtype.type(p)
    return keep * dtype.type(1.0 / (1.0 - p))  # m_i = [kept] / (1 - p): E[m_i] = 1


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=True, momentum=0.1, eps=1e-5):
    """Batch normalisation over axis 0 (and axis 2 of (N, C, L) input), per feature/channel.

    Training: x_hat = (x - mean_B) / sqrt(var_B + eps) with the batch's mean and
    biased variance; ``running_mean``/``running_var`` (ndarrays, or None) are
    updated in place as r <- (1 - momentum) r + momentum * stat, using the
    unbiased variance, as PyTorch. Eval: the running statistics replace the
    batch's. Then y = weight * x_hat + bias.

    >>> import numpy as np, gradstep
    >>> x = gradstep.tensor([[1.0], [3.0]])
    >>> batch_norm(x, np.zeros(1, np.float32), np.ones(1, np.float32)).data.round(3)
    array([[-1.],
           [ 1.]], dtype=float32)
    """
    x = as_tensor(x)
    if x.ndim not in (2, 3):
        raise ShapeError(f"batch_norm: expected input of shape (N, C) or (N, C, L), got {x.shape}")
    axes = (0,) if x.ndim == 2 else (0, 2)
    features = x.shape[1]
    param_shape = (features,) if x.ndim == 2 else (features, 1)
    for name, array in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if array is not None and np.shape(getattr(array, "data", array)) != (features,):
            raise ShapeError(
                f"batch_norm: {name} has shape {np.shape(getattr(array, 'data', array))}, "
                f"expected ({features},) for input of shape {x.shape}"
            )
    dtype = x.dtype.type
    if training:
        count = x.data.size // features
        if count < 2:
            raise ShapeError(
                f"batch_norm: training needs more than one value per feature to compute a variance, got input of shape {x.shape}"
            )
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)  # biased: divided by n
        x_hat = centered / ops.sqrt(var + dtype(eps))
        if running_mean is not None or running_var is not None:
            tracing.side_effect(_update_running_stats, running_mean, running_var, mean, var, momentum, count)
    else:
        if running_mean is None or running_var is None:
            raise ArgumentError("batch_norm: evaluation mode needs running_mean and running_var")
        inv_std = tracing.generated(
            Tensor(_inverse_std(running_var, eps, x.dtype, param_shape)), _inverse_std, running_var, eps, x.dtype, param_shape
        )
        shift = tracing.generated(
            Tensor(_shift(running_mean, inv_std.data, x.dtype, param_shape)), _shift, running_mean, inv_std, x.dtype, param_shape
        )
        inv_std, shift = inv_std.data, shift.data
        if weight is None:
            return x * inv_std + shift  # (x - mu) / sigma as one multiply and one add
        scale = ops.reshape(weight, param_shape) * inv_std
        out = x * scale + ops.reshape(weight, param_shape) * shift
        return out if bias is None else out + ops.reshape(bias, param_shape)
    if weight is not None:
        x_hat = x_hat * ops.reshape(weight, param_shape)
    if bias is not None:
        x_hat = x_hat + ops.reshape(bias, param_shape)
    return x_hat


def _update_running_stats(running_mean, running_var, mean, var, momentum, count):
    """r <- (1 - m) r + m * stat in place; the running variance uses the unbiased n / (n - 1) estimate."""
    if running_mean is not None:
        running_mean *= 1 - momentum
        running_mean += momentum * mean.reshape(-1)
    if running_var is not None:
        running_var *= 1 - momentum
        running_var += (momentum * count / (count - 1)) * var.reshape(-1)


def _inverse_std(running_var, eps, dtype, shape):
    """1 / sqrt(r_var + eps) in ``dtype``, shaped to broadcast over the input."""
    return (1.0 / np.sqrt(running_var + eps)).astype(dtype).reshape(shape)


def _shift(running_mean, inv_std, dtype, shape):
    """-r_mean / sqrt(r_var + eps): the offset of evaluation-mode normalisation."""
    return (-np.asarray(running_mean, dtype=dtype)).reshape(shape) * inv_std


# ----- input checks of the losses ------------------------------------------------------
def _check_reduction(op, reduction):
    if reduction not in _REDUCTIONS:
        raise ArgumentError(f"{op}: reduction must be one of 'mean', 'sum', 'none', got {reduction!r}")


def _float_like(target, like, op):
    """``target`` as a Tensor of ``like``'s float dtype (keeping its graph if it requires grad)."""
    target = as_tensor(target, like=like)
    if target.dtype == like.dtype:
        return target
    if target.dtype.kind not in "fiub":
        raise DTypeError(f"{op}: target must be numeric, got dtype {target.dtype}")
    if target.requires_grad:
        return ops.astype(target, like.dtype)
    return Tensor(target.data.astype(like.dtype))


def _floating_input(x, op):
    x = as_tensor(x)
    if x.data.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be floating (predictions, logits or probabilities), got dtype {x.dtype}")
    return x


def _same_shape(op, input, target):
    if input.shape != target.shape:
        raise ShapeError(
            f"{op}: input of shape {input.shape} and target of shape {target.shape} must have the same shape "
            "(reshape one of them; broadcasting them here is almost always a bug)"
        )


def _class_labels(op, target, n, k):
    """Integer labels of shape (n,) in [0, k), as an int64 ndarray, with clear errors otherwise."""
    labels = target.data
    if labels.dtype.kind not in "iu":
        raise DTypeError(
            f"{op}: class labels must be integers, got dtype {labels.dtype}; "
            "convert with .astype(int), or pass one-hot / probability targets of shape (n, k)"
        )
    if labels.shape != (n,):
        raise ShapeError(f"{op}: input of shape ({n}, {k}) needs {n} labels of shape ({n},), got target of shape {labels.shape}")
    labels = labels.astype(np.int64, copy=False)
    # one pass: seen as unsigned, a negative label is huge, so max >= k catches both ends
    if n and labels.view(np.uint64).max() >= k:
        index = int(np.flatnonzero((labels < 0) | (labels >= k))[0])
        raise ArgumentError(f"{op}: label {int(labels[index])} (at index {index}) is out of range for {k} classes [0, {k - 1}]")
    return labels


def _class_weight(op, weight, k, dtype):
    if weight is None:
        return None
    weight = np.asarray(getattr(weight, "data", weight), dtype=dtype)
    if weight.shape != (k,):
        raise ShapeError(f"{op}: weight must have one entry per class, shape ({k},), got {weight.shape}")
    return weight


def _element_weight(op, weight, shape, dtype):
    if weight is None:
        return None
    weight = np.asarray(getattr(weight, "data", weight), dtype=dtype)
    try:
        np.broadcast_shapes(weight.shape, shape)
    except ValueError:
        raise ShapeError(f"{op}: weight of shape {weight.shape} does not broadcast to input of shape {shape}") from None
    return weight


def _matrix(op, x, what="input"):
    if x.data.ndim != 2:
        raise ShapeError(f"{op}: {what} must be 2-D (batch, classes), got shape {x.shape}")


# ----- losses ------------------------------------------------------------------------
def cross_entropy(input, target, weight=None, reduction="mean"):
    """Softmax cross-entropy of logits (n, k) with integer labels (n,) or one-hot/probability targets (n, k).

    l_i = -sum_k w_k t_ik log softmax(z_i)_k (for labels: -w_y log softmax(z_i)_y),
    computed with log-sum-exp in one fused op whose logit gradient is
    (softmax(z) - onehot(y)) / n. With class weights and labels, "mean" divides
    by sum_i w_{y_i} (as PyTorch); with probability targets it divides by n.

    >>> import gradstep
    >>> z = gradstep.tensor([[0.0, 0.0]], requires_grad=True)
    >>> loss = cross_entropy(z, gradstep.tensor([1]))
    >>> round(loss.item(), 4)   # log 2
    0.6931
    >>> loss.backward(); z.grad  # softmax - onehot
    tensor([[ 0.5, -0.5]])
    """
    op = "cross_entropy"
    _check_reduction(op, reduction)
    z = _floating_input(input, op)
    _matrix(op, z)
    n, k = z.data.shape
    target = as_tensor(target)
    if target.data.ndim == 2:
        if target.shape != z.shape:
            raise ShapeError(f"{op}: input of shape {z.shape} and one-hot/probability target of shape {target.shape} must match")
        target = _float_like(target, z, op)
    else:
        labels = _class_labels(op, target, n, k)
        if labels is not target.data:  # converted to int64
            target = Tensor(labels)
    return SoftmaxCrossEntropy.apply(z, target, weight=_class_weight(op, weight, k, z.data.dtype), reduction=reduction)


def nll_loss(input, target, weight=None, reduction="mean"):
    """Negative log-likelihood of log-probabilities (n, k) (e.g. log_softmax output) with labels (n,).

    l_i = -w_{y_i} log p_{i, y_i}; cross_entropy(z, y) == nll_loss(log_softmax(z), y).

    >>> import math, gradstep
    >>> logp = gradstep.tensor([[math.log(0.25), math.log(0.75)]])
    >>> round(nll_loss(logp, gradstep.tensor([1])).item(), 4)
    0.2877
    """
    op = "nll_loss"
    _check_reduction(op, reduction)
    log_p = _floating_input(input, op)
    _matrix(op, log_p)
    n, k = log_p.shape
    labels = _class_labels(op, as_tensor(target), n, k)
    return NLL.apply(log_p, Tensor(labels), weight=_class_weight(op, weight, k, log_p.dtype), reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean"):
    """Binary cross-entropy of logits z and targets t in [0, 1], stable for any z.

    l = max(z, 0) - z t + log(1 + exp(-|z|)), which equals
    -(t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))); dl/dz = sigmoid(z) - t.
    ``weight`` rescales each element (broadcast); "mean" divides by the number of elements.

    >>> import gradstep
    >>> round(binary_cross_entropy_with_logits(gradstep.tensor([0.0]), gradstep.tensor([1.0])).item(), 4)
    0.6931
    """
    op = "binary_cross_entropy_with_logits"
    _check_reduction(op, reduction)
    z = _floating_input(input, op)
    t = _float_like(target, z, op)
    _same_shape(op, z, t)
    return BCEWithLogits.apply(z, t, weight=_element_weight(op, weight, z.shape, z.dtype), reduction=reduction)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Binary cross-entropy of probabilities p in [0, 1] and targets t.

    l = -(t log p + (1 - t) log(1 - p)) with each log clamped at -100 (as
    PyTorch), so p = 0 or 1 gives a large finite loss, not inf. Prefer
    binary_cross_entropy_with_logits on logits: it is exact where this clamps.

    >>> import gradstep
    >>> round(binary_cross_entropy(gradstep.tensor([0.5]), gradstep.tensor([1.0])).item(), 4)
    0.6931
    """
    op = "binary_cross_entropy"
    _check_reduction(op, reduction)
    p = _floating_input(input, op)
    t = _float_like(target, p, op)
    _same_shape(op, p, t)
    if p.numel():
        low, high = p.data.min(), p.data.max()
        if not (low >= 0 and high <= 1):
            raise ArgumentError(
                f"{op}: input must hold probabilities in [0, 1], got values from {low} to {high}; "
                "for logits use binary_cross_entropy_with_logits"
            )
    return BCE.apply(p, t, weight=_element_weight(op, weight, p.shape, p.dtype), reduction=reduction)


def mse_loss(input, target, reduction="mean", half=False):
    """Mean squared error: mean((input - target)^2); ``half=True`` gives the course's 1/(2n) sum.

    >>> import gradstep
    >>> mse_loss(gradstep.tensor([1.0, 3.0]), gradstep.tensor([0.0, 0.0])).item()
    5.0
    >>> mse_loss(gradstep.tensor([1.0, 3.0]), gradstep.tensor([0.0, 0.0]), half=True).item()
    2.5
    """
    op = "mse_loss"
    _check_reduction(op, reduction)
    x = _floating_input(input, op)
    y = _float_like(target, x, op)
    _same_shape(op, x, y)
    return SquaredError.apply(x, y, factor=0.5 if half else 1.0, reduction=reduction)


def sse_loss(input, target, half=False):
    """Sum of squared errors: sum((input - target)^2) (times 1/2 with ``half=True``).

    >>> import gradstep
    >>> sse_loss(gradstep.tensor([1.0, 3.0]), gradstep.tensor([0.0, 0.0])).item()
    10.0
    """
    return mse_loss(input, target, reduction="sum", half=half)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: mean(|input - target|).

    >>> import gradstep
    >>> l1_loss(gradstep.tensor([1.0, -3.0]), gradstep.tensor([0.0, 0.0])).item()
    2.0
    """
    op = "l1_loss"
    _check_reduction(op, reduction)
    x = _floating_input(input, op)
    y = _float_like(target, x, op)
    _same_shape(op, x, y)
    return AbsoluteError.apply(x, y, reduction=reduction)


def hinge_loss(input, target, margin=1.0, reduction="mean"):
    """Hinge loss of scores: binary with targets in {-1, +1}, or multi-class with integer labels.

    Binary (input and target of the same shape): l = max(0, margin - t s).
    Multi-class (input (n, k), integer labels (n,)): the SVM loss
    l_i = sum_{j != y_i} max(0, s_ij - s_iy + margin).

    >>> import gradstep
    >>> hinge_loss(gradstep.tensor([2.0, 0.5]), gradstep.tensor([1.0, 1.0])).item()
    0.25
    >>> hinge_loss(gradstep.tensor([[3.0, 1.0, 2.5]]), gradstep.tensor([0])).item()
    0.5
    """
    op = "hinge_loss"
    _check_reduction(op, reduction)
    s = _floating_input(input, op)
    target = as_tensor(target)
    if s.ndim == 2 and target.ndim == 1 and s.shape[1] > 1:
        labels = _class_labels(op, target, *s.shape)
        return MultiMarginHinge.apply(s, Tensor(labels), margin=margin, reduction=reduction)
    t = _float_like(target, s, op)
    _same_shape(op, s, t)
    bad = (t.data != 1) & (t.data != -1)
    if bad.any():
        value = t.data[bad].flat[0]
        raise ArgumentError(f"{op}: binary targets must be -1 or +1, got {value} (map 0/1 labels with 2 * y - 1)")
    losses = ops.relu(s.dtype.type(margin) - t * s)  # max(0, margin - t s)
    if reduction == "none":
        return losses
    return losses.mean() if reduction == "mean" else losses.sum()
