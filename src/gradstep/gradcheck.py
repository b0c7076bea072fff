"""Checking analytic gradients against central finite differences, in float64."""

import numpy as np

from .errors import GradcheckError
from .grad_mode import no_grad
from .numerical import gradient
from .tensor import Tensor


def _projected(out, weights):
    """The scalar sum(out * weights) whose gradient is compared (weights None for scalars)."""
    return out if weights is None else (out * weights).sum()


def gradient_pairs(fn, inputs, eps=1e-6, seed=0):
    """Analytic and numerical gradients of ``fn(*inputs)``, one ``(analytic, numerical)`` pair per input.

    Floating inputs are copied to float64 tensors that require grad; other
    inputs (integer labels, boolean masks) are passed as constants and get
    ``None``. A non-scalar output is reduced with fixed random weights,
    ``sum(out * w)``, so every output element counts. Each input element is
    nudged by +-eps: numerical = (f(x + eps) - f(x - eps)) / (2 eps), by
    ``gradstep.numerical.gradient``.

    >>> import numpy as np
    >>> [(a, n)] = gradient_pairs(lambda x: (x * x).sum(), [np.array([3.0])])
    >>> a, np.round(n, 6)
    (array([6.]), array([6.]))
    """
    tensors = []
    for value in inputs:
        data = value.data if isinstance(value, Tensor) else np.asarray(value)
        if data.dtype.kind == "f":
            tensors.append(Tensor(data.astype(np.float64), requires_grad=True))
        else:
            tensors.append(Tensor(data))
    out = fn(*tensors)
    weights = None
    if out.data.size != 1:
        weights = Tensor(np.random.default_rng(seed).standard_normal(out.shape))
    _projected(out, weights).backward()

    pairs = []
    for position, x in enumerate(tensors):
        if not x.requires_grad:
            pairs.append(None)
            continue
        analytic = x.grad if x.grad is not None else np.zeros_like(x.data)

        def projected(value, position=position):
            nudged = list(tensors)
            nudged[position] = Tensor(value)
            return _projected(fn(*nudged), weights).item()

        with no_grad():
            numerical = gradient(projected, x.data, h=eps, method="central")
        pairs.append((analytic, numerical))
    return pairs


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0):
    """Compare the gradients backward() gives for ``fn(*inputs)`` with central differences.

    See ``gradient_pairs`` for how inputs and outputs are treated. Returns
    True, or raises GradcheckError naming the input, the index and both
    values, when ``|analytic - numerical| > atol + rtol * |numerical|``.

    >>> import gradstep
    >>> gradstep.gradcheck(lambda x: (x * x).sum(), [gradstep.randn(3, seed=0)])
    True
    """
    for position, pair in enumerate(gradient_pairs(fn, inputs, eps, seed)):
        if pair is None:
            continue
        analytic, numerical = pair
        bad = ~np.isclose(analytic, numerical, rtol=rtol, atol=atol)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise GradcheckError(
                f"gradcheck: input {position} (shape {analytic.shape}) at index {index}: "
                f"analytic gradient {analytic[index]:.10g} != numerical {numerical[index]:.10g} "
                f"(atol={atol}, rtol={rtol}); {int(bad.sum())} of {bad.size} elements differ"
            )
    return True
