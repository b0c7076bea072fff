"""Adam: momentum on the gradient and on its square, with bias correction."""

import math

import numpy as np

from .optimizer import Optimizer, OptimizerError


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015), PyTorch's rule and defaults.

    Update of a parameter w with gradient g at step t = 1, 2, ...::

        g <- g + lambda * w                       if weight_decay != 0 (L2, coupled)
        m <- b1 * m + (1 - b1) * g                m, v start at 0
        v <- b2 * v + (1 - b2) * g * g
        vmax <- max(vmax, v); use vmax for v      if amsgrad
        w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float or callable, default 1e-3
    betas : (float, float), default (0.9, 0.999)
        Decay rates b1, b2 of the two running averages, each in [0, 1).
    eps : float, default 1e-8
    weight_decay : float, default 0
        L2 penalty added to the gradient (see AdamW for the decoupled form).
    amsgrad : bool, default False

    Examples
    --------
    >>> import gradstep
    >>> from gradstep.optim import Adam
    >>> w = gradstep.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = Adam([w], lr=0.1, eps=0.0)
    >>> opt.minimize((w * 5).sum())   # first step: m_hat = g, v_hat = g^2, w <- w - 0.1 * sign(g)
    >>> w.data
    array([ 0.9, -1.1], dtype=float32)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    def _check_group(self, group, index):
        betas = group["betas"]
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise OptimizerError(f"{self._name}: betas must be a pair (b1, b2), got {betas!r}{self._where(index)}")
        self._check_number("betas[0]", betas[0], index, low=0.0, high=1.0, high_open=True)
        self._check_number("betas[1]", betas[1], index, low=0.0, high=1.0, high_open=True)
        self._check_number("eps", group["eps"], index, low=0.0)
        self._check_number("weight_decay", group["weight_decay"], index, low=0.0)
        self._check_flag("amsgrad", group["amsgrad"], index)

    def _init_state(self, p, group):
        state = {"step": 0, "exp_avg": np.zeros_like(p.data), "exp_avg_sq": np.zeros_like(p.data)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(p.data)
        return state

    def _decay(self, p, grad, group, lr):
        """Weight decay; Adam adds the L2 gradient lambda * w (AdamW overrides this)."""
        if group["weight_decay"] == 0:
            return grad
        # g <- g + lambda * w
        g = np.multiply(p.data, group["weight_decay"], out=self._buffer(p, 0))
        g += grad
        return g

    def _update(self, p, grad, group, state, lr):
        w, (beta1, beta2), eps = p.data, group["betas"], group["eps"]
        state["step"] += 1
        t = state["step"]
        g = self._decay(p, grad, group, lr)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        # m <- b1 * m + (1 - b1) * g
        m *= beta1
        m += np.multiply(g, 1.0 - beta1, out=self._buffer(p, 1))
        # v <- b2 * v + (1 - b2) * g^2  (from here on g is read only by the ufunc that overwrites tmp)
        tmp = self._scratch_or_grad(p, grad)
        v *= beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - beta2
        v += tmp
        if group["amsgrad"]:
            # vmax <- max(vmax, v)
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        # w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
        step_size = lr / (1.0 - beta1**t)
        np.sqrt(v, out=tmp)
        tmp /= math.sqrt(1.0 - beta2**t)
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= step_size
        w -= tmp
