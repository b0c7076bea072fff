"""Checking analytic gradients against central finite differences, in float64."""

import numpy as np

from .errors import GradcheckError
from .grad_mode import no_grad
from .numerical import gradient
from . import tracing
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
        analytic = x.grad.data if x.grad is not None else np.zeros_like(x.data)

        def projected(value, position=position):
            nudged = list(tensors)
            nudged[position] = Tensor(value)
            return _projected(fn(*nudged), weights).item()

        with no_grad():
            numerical = gradient(projected, x.data, h=eps, method="central")
        pairs.append((analytic, numerical))
    return pairs


def _first_mismatch(pairs, atol, rtol):
    """(input position, index, analytic, numerical, count, size) of the first disagreement, or None."""
    for position, pair in enumerate(pairs):
        if pair is None:
            continue
        analytic, numerical = pair
        analytic = np.asarray(getattr(analytic, "data", analytic))
        bad = ~np.isclose(analytic, numerical, rtol=rtol, atol=atol)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            return position, index, analytic, numerical, int(bad.sum()), bad.size
    return None


class _OpRecorder:
    """A ``tracing`` recorder that lists the ops one evaluation runs, with their inputs and attributes."""

    def __init__(self):
        self.ops = []

    def record(self, fn, inputs, attrs, result):
        self.ops.append((fn, inputs, attrs))

    def generated(self, tensor, make, args):
        pass

    def side_effect(self, run, args):
        pass


def _recorded_ops(fn, inputs):
    """Every op ``fn(*inputs)`` runs, in order: (Function class, input tensors, attributes)."""
    tensors = []
    for value in inputs:
        data = np.asarray(getattr(value, "data", value))
        tensors.append(Tensor(data.astype(np.float64) if data.dtype.kind == "f" else data))
    recorder, tracing.recorder = tracing.recorder, _OpRecorder()
    try:
        fn(*tensors)
        return tracing.recorder.ops
    finally:
        tracing.recorder = recorder


def locate(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0):
    """The first op of ``fn(*inputs)`` whose own backward disagrees with finite differences of that op alone.

    Each recorded node is checked on the values it saw, in the order the ops
    ran. Returns ``(step, op name, message)`` for the first wrong one, or None.

    >>> import gradstep
    >>> locate(lambda x: (x * x).exp().sum(), [gradstep.randn(3, seed=0)]) is None
    True
    """
    for step, (op, op_inputs, attrs) in enumerate(_recorded_ops(fn, inputs)):
        if not any(t.data.dtype.kind == "f" for t in op_inputs):
            continue
        pairs = gradient_pairs(lambda *xs: op.apply(*xs, **attrs), [t.data for t in op_inputs], eps, seed)
        found = _first_mismatch(pairs, atol, rtol)
        if found is not None:
            position, index, analytic, numerical, count, size = found
            shapes = ", ".join(str(t.shape) for t in op_inputs)
            return step, op.name, (
                f"op {step} '{op.name}' (inputs of shapes {shapes}): its backward gives d/d(input {position})"
                f" at index {index} = {analytic[index]:.10g}, finite differences of the op alone {numerical[index]:.10g}"
                f"; {count} of {size} elements differ"
            )
    return None


def forward_reverse_pairs(fn, inputs, seed=0):
    """``(<u, J v> by forward mode, <J^T u, v> by reverse mode)`` for random u, v, in float64.

    >>> import numpy as np, gradstep
    >>> forward, reverse = forward_reverse_pairs(lambda x: x.exp() * x, [np.array([0.5, -1.0])])
    >>> bool(np.isclose(forward, reverse))
    True
    """
    from .autograd import forward_ad

    rng = np.random.default_rng(seed)
    values = [np.asarray(getattr(v, "data", v)) for v in inputs]
    values = [v.astype(np.float64) if v.dtype.kind == "f" else v for v in values]
    tangents = [rng.standard_normal(v.shape) if v.dtype.kind == "f" else None for v in values]
    with forward_ad.dual_level():
        duals = [forward_ad.make_dual(Tensor(v), t) if t is not None else Tensor(v) for v, t in zip(values, tangents)]
        out = fn(*duals)
        tangent = forward_ad.unpack_dual(out).tangent
    jv = np.zeros(out.shape) if tangent is None else tangent.data
    u = rng.standard_normal(out.shape)
    tensors = [Tensor(v, requires_grad=t is not None) for v, t in zip(values, tangents)]
    fn(*tensors).backward(u)
    reverse = 0.0
    for x, t in zip(tensors, tangents):
        if t is not None and x.grad is not None:
            reverse += float(np.sum(np.asarray(getattr(x.grad, "data", x.grad)) * t))
    return float(np.sum(u * jv)), reverse


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0, locate=False, forward=False):
    """Compare the gradients backward() gives for ``fn(*inputs)`` with central differences.

    See ``gradient_pairs`` for how inputs and outputs are treated. Returns
    True, or raises GradcheckError naming the input, the index and both
    values, when ``|analytic - numerical| > atol + rtol * |numerical|``.
    With ``locate=True`` a mismatch is traced to the first op whose own
    backward is wrong (each recorded op checked alone, see ``locate``), and the
    error names it. With ``forward=True`` forward mode is checked too: <u, J v>
    from the ops' jvp rules must equal <J^T u, v> from backward.

    >>> import gradstep
    >>> gradstep.gradcheck(lambda x: (x * x).sum(), [gradstep.randn(3, seed=0)], forward=True)
    True
    """
    found = _first_mismatch(gradient_pairs(fn, inputs, eps, seed), atol, rtol)
    if found is not None:
        position, index, analytic, numerical, count, size = found
        message = (
            f"gradcheck: input {position} (shape {analytic.shape}) at index {index}: "
            f"analytic gradient {analytic[index]:.10g} != numerical {numerical[index]:.10g} "
            f"(atol={atol}, rtol={rtol}); {count} of {size} elements differ"
        )
        if locate:
            culprit = _locate(fn, inputs, eps, atol, rtol, seed)
            message += "; " + (culprit[2] if culprit else "every op agrees with finite differences on its own")
        raise GradcheckError(message)
    if forward:
        jv, vjp = forward_reverse_pairs(fn, inputs, seed)
        if not np.isclose(jv, vjp, rtol=rtol, atol=atol):
            raise GradcheckError(
                f"gradcheck: forward and reverse mode disagree: <u, J v> = {jv:.10g} by the ops' jvp rules, "
                f"<J^T u, v> = {vjp:.10g} by backward (atol={atol}, rtol={rtol})"
            )
    return True


_locate = locate
