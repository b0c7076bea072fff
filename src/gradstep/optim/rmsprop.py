"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

import numpy as np

from .optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), PyTorch's rule and defaults.

    Update of a parameter w with gradient g (a = alpha, mu = momentum)::

        g    <- g + lambda * w                    if weight_decay != 0
        v    <- a * v + (1 - a) * g * g           v starts at 0
        if centered:
            gbar <- a * gbar + (1 - a) * g        gbar starts at 0
            avg  = sqrt(max(v - gbar * gbar, 0)) + eps
        else:
            avg  = sqrt(v) + eps
        if mu > 0:
            b <- mu * b + g / avg                 b starts at 0
            w <- w - lr * b
        else:
            w <- w - lr * g / avg

    (The ``max(., 0)`` only guards against rounding: v - gbar^2 >= 0 in exact
    arithmetic, and where rounding makes it negative PyTorch would give NaN.)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float or callable, default 1e-2
    alpha : float, default 0.99
        Smoothing constant of the running average, in [0, 1].
    eps : float, default 1e-8
    weight_decay : float, default 0
    momentum : float, default 0
    centered : bool, default False
        Divide by an estimate of the gradient's variance instead of its second moment.

    Examples
    --------
    >>> import gradstep
    >>> from gradstep.optim import RMSprop
    >>> w = gradstep.tensor([1.0], requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01, alpha=0.75, eps=0.0)
    >>> opt.minimize((w * 2).sum())   # v = 0.25 * 4 = 1, w <- 1 - 0.01 * 2 / 1
    >>> w.data
    array([0.98], dtype=float32)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
        super().__init__(
            params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered
        )

    def _check_group(self, group, index):
        self._check_number("alpha", group["alpha"], index, low=0.0, high=1.0)
        self._check_number("eps", group["eps"], index, low=0.0)
        self._check_number("weight_decay", group["weight_decay"], index, low=0.0)
        self._check_number("momentum", group["momentum"], index, low=0.0)
        self._check_flag("centered", group["centered"], index)

    def _init_state(self, p, group):
        state = {"step": 0, "square_avg": np.zeros_like(p.data)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(p.data)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(p.data)
        return state

    def _update(self, p, grad, group, state, lr):
        w, alpha, eps, momentum = p.data, group["alpha"], group["eps"], group["momentum"]
        state["step"] += 1
        g = grad
        if group["weight_decay"] != 0:
            # g <- g + lambda * w
            g = np.multiply(w, group["weight_decay"], out=self._buffer(p, 0))
            g += grad
        tmp = self._buffer(p, 1)
        # v <- a * v + (1 - a) * g^2
        square_avg = state["square_avg"]
        square_avg *= alpha
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - alpha
        square_avg += tmp
        if group["centered"]:
            # gbar <- a * gbar + (1 - a) * g ;  avg = sqrt(max(v - gbar^2, 0)) + eps
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += np.multiply(g, 1.0 - alpha, out=tmp)
            np.multiply(grad_avg, grad_avg, out=tmp)
            np.subtract(square_avg, tmp, out=tmp)
            np.maximum(tmp, 0.0, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            # avg = sqrt(v) + eps
            np.sqrt(square_avg, out=tmp)
        tmp += eps
        np.divide(g, tmp, out=tmp)
        if momentum > 0:
            # b <- mu * b + g / avg ;  w <- w - lr * b
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += tmp
            np.multiply(buf, lr, out=tmp)
        else:
            # w <- w - lr * g / avg
            tmp *= lr
        w -= tmp
