"""PyTorch's ``torch.nn.utils`` gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_``.

One implementation: both call ``gradstep.optim.clip`` (which also takes the
``[(grad, param)]`` list of ``Optimizer.compute_gradients``); these wrappers add
PyTorch's signatures and return values.
"""

import math

import numpy as np

from ..errors import TrainingDivergedError
from ..optim import clip
from ..tensor import Tensor


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale the gradients of ``parameters`` together so their total norm is at most ``max_norm``; return that norm.

    Total norm = the ``norm_type``-norm of all gradients as one vector; when it
    exceeds ``max_norm`` every gradient is multiplied by max_norm / (norm + 1e-6).
    Returns the norm before clipping as a 0-d Tensor, as PyTorch. A NaN or
    infinite norm leaves the gradients unchanged (PyTorch would scale them by
    it); ``error_if_nonfinite=True`` raises instead. ``foreach`` is accepted
    and ignored (one NumPy pass per gradient either way).

    >>> import numpy as np, gradstep
    >>> from gradstep import nn
    >>> layer = nn.Linear(2, 1, bias=False, init="ones")
    >>> layer(gradstep.tensor([[30.0, 40.0]])).sum().backward()   # dL/dW = [[30, 40]], norm 50
    >>> float(nn.utils.clip_grad_norm_(layer.parameters(), max_norm=5.0))
    50.0
    >>> np.round(np.asarray(layer.weight.grad), 3).tolist()
    [[3.0, 4.0]]
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    total = clip.clip_grad_norm(params, max_norm, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise TrainingDivergedError(
            f"clip_grad_norm_: the total {norm_type}-norm of the gradients is {total}, so they cannot be clipped "
            f"(left unchanged); pass error_if_nonfinite=False to go on anyway"
        )
    dtypes = [p.dtype for p in params if p.grad is not None]
    return Tensor(np.asarray(total, dtype=dtypes[0] if dtypes else np.float32))


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clip every gradient entry of ``parameters`` to [-clip_value, clip_value] in place; returns None.

    >>> import numpy as np, gradstep
    >>> from gradstep import nn
    >>> w = nn.Parameter(np.zeros(3, np.float32))
    >>> (w * gradstep.tensor([-5.0, 0.5, 2.0])).sum().backward()
    >>> nn.utils.clip_grad_value_([w], 1.0); np.asarray(w.grad).tolist()
    [-1.0, 0.5, 1.0]
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    clip.clip_grad_value(params, clip_value)
