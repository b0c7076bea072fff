"""Gradient clipping, in place: by total norm or by value.

Both take a list of parameters (their ``.grad`` is clipped) or the
``[(grad, param), ...]`` list of ``Optimizer.compute_gradients`` (the grads in
it are clipped), so they fit between compute_gradients and apply_gradients.
"""

import math
import numbers

import numpy as np

from ..tensor import Tensor
from .optimizer import OptimizerError


def _grads(items, where):
    """The gradient arrays (None skipped) of params or of (grad, param) pairs (a grad is a Tensor or an ndarray)."""
    if isinstance(items, Tensor):
        items = [items]
    grads = []
    for i, item in enumerate(items):
        if isinstance(item, Tensor):
            grad = item.grad
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            grad = item[0]
        else:
            raise OptimizerError(
                f"{where}: item {i} must be a Tensor or a (grad, param) pair, got {type(item).__name__}"
            )
        if grad is None:
            continue
        if isinstance(grad, Tensor):
            grad = grad.data
        if not isinstance(grad, np.ndarray) or not grad.flags.writeable:
            raise OptimizerError(f"{where}: gradient {i} must be a writeable ndarray to be clipped in place")
        grads.append(grad)
    return grads


def clip_grad_norm(params_or_grads_and_vars, max_norm, norm_type=2.0):
    """Scale all gradients together so that their total norm is at most ``max_norm``; return the norm.

    The total norm is the ``norm_type``-norm of all gradients concatenated
    (``norm_type=inf``: the largest absolute entry). If it exceeds max_norm,
    every gradient is multiplied by ``max_norm / (total_norm + 1e-6)`` (as in
    PyTorch). The returned norm is the one before clipping, a float; if it is
    not finite the gradients are left unchanged.

    >>> import numpy as np, gradstep
    >>> from gradstep.optim import clip_grad_norm
    >>> w = gradstep.zeros(2, requires_grad=True)
    >>> w.grad = np.array([3.0, 4.0], dtype=np.float32)
    >>> clip_grad_norm([w], max_norm=1.0)
    5.0
    >>> np.round(w.grad.numpy(), 4)
    array([0.6, 0.8], dtype=float32)
    """
    where = "clip_grad_norm"
    if not isinstance(max_norm, numbers.Real) or isinstance(max_norm, bool) or not max_norm >= 0:
        raise OptimizerError(f"{where}: max_norm must be a number >= 0, got {max_norm!r}")
    if not isinstance(norm_type, numbers.Real) or isinstance(norm_type, bool) or not norm_type > 0:
        raise OptimizerError(f"{where}: norm_type must be > 0 (or inf), got {norm_type!r}")
    grads = _grads(params_or_grads_and_vars, where)
    if not grads:
        return 0.0
    if math.isinf(norm_type):
        # ||g||_inf = max_i |g_i|
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        # ||g||_p = (sum_i |g_i|^p)^(1/p), over all gradients together
        total = math.fsum(float(np.linalg.norm(g.ravel(), norm_type)) ** norm_type for g in grads) ** (1.0 / norm_type)
    if math.isfinite(total):
        coef = max_norm / (total + 1e-6)
        if coef < 1.0:
            for g in grads:
                g *= coef
    return total


def clip_grad_value(params_or_grads_and_vars, clip_value):
    """Clip every gradient entry to ``[-clip_value, clip_value]``, in place.

    >>> import numpy as np, gradstep
    >>> from gradstep.optim import clip_grad_value
    >>> w = gradstep.zeros(3, requires_grad=True)
    >>> w.grad = np.array([-5.0, 0.5, 2.0], dtype=np.float32)
    >>> clip_grad_value([w], 1.0); w.grad
    tensor([-1. ,  0.5,  1. ])
    """
    where = "clip_grad_value"
    if not isinstance(clip_value, numbers.Real) or isinstance(clip_value, bool) or not clip_value >= 0:
        raise OptimizerError(f"{where}: clip_value must be a number >= 0, got {clip_value!r}")
    for g in _grads(params_or_grads_and_vars, where):
        # g_i <- min(max(g_i, -c), c)
        np.clip(g, -clip_value, clip_value, out=g)
