"""Adagrad: per-coordinate learning rates that shrink with the sum of squared gradients."""

import numpy as np

from .optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), PyTorch's rule and defaults.

    Update of a parameter w with gradient g at step t = 1, 2, ...::

        g   <- g + lambda * w                     if weight_decay != 0
        lr_t = lr / (1 + (t - 1) * lr_decay)
        G   <- G + g * g                          G starts at initial_accumulator_value
        w   <- w - lr_t * g / (sqrt(G) + eps)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float or callable, default 1e-2
    lr_decay : float, default 0
    weight_decay : float, default 0
    initial_accumulator_value : float, default 0
    eps : float, default 1e-10

    Examples
    --------
    >>> import gradstep
    >>> from gradstep.optim import Adagrad
    >>> w = gradstep.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = Adagrad([w], lr=0.5)
    >>> opt.minimize((w * 3).sum())   # G = 9, w <- w - 0.5 * 3 / 3
    >>> w.data
    array([ 0.5, -1.5], dtype=float32)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(
            params,
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )

    def _check_group(self, group, index):
        self._check_number("lr_decay", group["lr_decay"], index, low=0.0)
        self._check_number("weight_decay", group["weight_decay"], index, low=0.0)
        self._check_number("initial_accumulator_value", group["initial_accumulator_value"], index, low=0.0)
        self._check_number("eps", group["eps"], index, low=0.0)

    def _init_state(self, p, group):
        return {"step": 0, "sum": np.full_like(p.data, group["initial_accumulator_value"])}

    def _update(self, p, grad, group, state, lr):
        w, total = p.data, state["sum"]
        state["step"] += 1
        g = grad
        if group["weight_decay"] != 0:
            # g <- g + lambda * w
            g = np.multiply(w, group["weight_decay"], out=self._buffer(p, 0))
            g += grad
        # lr_t = lr / (1 + (t - 1) * lr_decay)
        clr = lr / (1 + (state["step"] - 1) * group["lr_decay"])
        tmp = self._buffer(p, 1)
        # G <- G + g^2
        total += np.multiply(g, g, out=tmp)
        # w <- w - lr_t * g / (sqrt(G) + eps)
        np.sqrt(total, out=tmp)
        tmp += group["eps"]
        np.divide(g, tmp, out=tmp)
        tmp *= clr
        w -= tmp
