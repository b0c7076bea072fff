"""SGD: (stochastic) gradient descent with optional momentum, Nesterov momentum and weight decay."""

import numpy as np

from .optimizer import Optimizer, OptimizerError


class SGD(Optimizer):
    """Gradient descent, PyTorch's rule and defaults.

    Update of a parameter w with gradient g (mu = momentum, tau = dampening,
    lambda = weight_decay)::

        g <- g + lambda * w                       if weight_decay != 0
        if mu != 0:
            b <- g                                on the first step
            b <- mu * b + (1 - tau) * g           afterwards
            g <- g + mu * b  if nesterov  else  b
        w <- w - lr * g

    The course writes momentum as ``v <- a*v - lr*g ; w <- w + v``. With a = mu,
    no dampening and a constant learning rate, both give the same trajectory:
    v = -lr * b at every step. They differ only when lr changes during training
    (a schedule): here the new lr scales the whole buffer b, in the course's
    form it scales only the newest gradient.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float or callable
        Learning rate, or a schedule ``step -> lr``. Required.
    momentum : float, default 0
    dampening : float, default 0
    nesterov : bool, default False
        Nesterov momentum; needs momentum > 0 and dampening = 0.
    weight_decay : float, default 0
        L2 penalty coefficient lambda (adds lambda * w to the gradient).

    Examples
    --------
    >>> import gradstep
    >>> from gradstep.optim import SGD
    >>> w = gradstep.tensor([1.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.minimize((w * w).sum())
    >>> w.data  # b1 = 2, w1 = 0.8; b2 = 0.9*2 + 1.6 = 3.4, w2 = 0.8 - 0.34
    array([0.46], dtype=float32)
    """

    def __init__(self, params, lr=None, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0):
        if lr is None:
            raise OptimizerError("SGD: lr is required (a number or a schedule)")
        super().__init__(
            params, lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=weight_decay
        )

    def _check_group(self, group, index):
        self._check_number("momentum", group["momentum"], index, low=0.0)
        self._check_number("dampening", group["dampening"], index, low=0.0, high=1.0)
        self._check_number("weight_decay", group["weight_decay"], index, low=0.0)
        self._check_flag("nesterov", group["nesterov"], index)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise OptimizerError(
                f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum={group['momentum']!r}, "
                f"dampening={group['dampening']!r}{self._where(index)}"
            )

    def _update(self, p, grad, group, state, lr):
        momentum, dampening, weight_decay = group["momentum"], group["dampening"], group["weight_decay"]
        w = p.data
        g = grad
        if weight_decay != 0:
            # g <- g + lambda * w
            g = np.multiply(w, weight_decay, out=self._buffer(p, 0))
            g += grad
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                # b_1 = g_1
                buf = state["momentum_buffer"] = np.array(g, dtype=w.dtype)
            else:
                # b <- mu * b + (1 - tau) * g
                buf *= momentum
                if dampening != 0:
                    buf += np.multiply(g, 1.0 - dampening, out=self._buffer(p, 1))
                else:
                    buf += g
            if group["nesterov"]:
                # g <- g + mu * b
                g = np.add(g, np.multiply(buf, momentum, out=self._buffer(p, 1)), out=self._buffer(p, 1))
            else:
                g = buf
        # w <- w - lr * g
        np.subtract(w, np.multiply(g, lr, out=self._scratch_or_grad(p, grad)), out=w)
