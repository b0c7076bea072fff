"""AdamW: Adam with decoupled weight decay."""

from .adam import Adam


class AdamW(Adam):
    """AdamW (Loshchilov and Hutter, 2019), PyTorch's rule and defaults.

    The weight decay shrinks the weights directly instead of entering the
    gradient, so it is not rescaled by Adam's per-coordinate step sizes::

        w <- w * (1 - lr * lambda)
        then Adam's update with g unchanged (see Adam)

    Parameters
    ----------
    params : iterable of Tensor or of dict
        Parameters or parameter groups.
    lr : float or callable, default 1e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 1e-2
        Decoupled decay coefficient lambda.
    amsgrad : bool, default False

    Examples
    --------
    >>> import gradstep
    >>> from gradstep.optim import AdamW
    >>> w = gradstep.tensor([2.0], requires_grad=True)
    >>> opt = AdamW([w], lr=0.1, eps=0.0, weight_decay=0.5)
    >>> opt.minimize((w * 4).sum())   # w <- 2 * (1 - 0.05) = 1.9, then Adam: 1.9 - 0.1
    >>> w.data
    array([1.8], dtype=float32)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    def _decay(self, p, grad, group, lr):
        """Decoupled weight decay: shrink the weights, leave the gradient alone."""
        if group["weight_decay"] != 0:
            # w <- w * (1 - lr * lambda)
            p.data *= 1.0 - lr * group["weight_decay"]
        return grad
