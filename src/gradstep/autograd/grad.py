"""``gradstep.autograd.grad``: gradients returned instead of accumulated, to any order (PyTorch's semantics)."""

import numpy as np

from .. import engine
from ..errors import GradstepError, ShapeError
from ..tensor import Tensor


def _as_list(value, what):
    if isinstance(value, Tensor):
        return [value], True
    if isinstance(value, (list, tuple)) and all(isinstance(v, Tensor) for v in value):
        return list(value), False
    raise GradstepError(f"grad: {what} must be a Tensor or a sequence of Tensors, got {type(value).__name__}")


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """d(outputs)/d(inputs): the sum over outputs of the vector-Jacobian products, one Tensor per input.

    ``grad_outputs`` are the vectors v in v^T J (one per output, its shape);
    they default to 1 for scalar outputs. Nothing accumulates into ``.grad``.
    With ``create_graph=True`` the gradients are themselves differentiable
    (grad of grad, Hessians); ``retain_graph`` defaults to ``create_graph``, and
    without it the graph is freed. An input the outputs do not depend on is an
    error unless ``allow_unused=True``, which gives None for it.

    >>> import gradstep
    >>> x = gradstep.tensor(1.0, requires_grad=True)
    >>> y = x.sigmoid()
    >>> (dy,) = grad(y, x, create_graph=True)            # s (1 - s)
    >>> (d2y,) = grad(dy, x)                              # s (1 - s) (1 - 2 s)
    >>> round(dy.item(), 6), round(d2y.item(), 6)
    (0.196612, -0.090858)
    """
    outputs, _ = _as_list(outputs, "outputs")
    inputs, _ = _as_list(inputs, "inputs")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise GradstepError(f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    for i, x in enumerate(inputs):
        if not x.requires_grad:
            raise GradstepError(
                f"grad: input {i} (shape {x.shape}) does not require grad; create it with requires_grad=True"
            )
    vectors = []
    for i, (out, v) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise GradstepError(
                f"grad: output {i} (shape {out.shape}, dtype {out.dtype}) does not require grad and has no graph: "
                "it was computed under no_grad(), from tensors that do not require grad, or through an op that is "
                "not differentiable (a cast to an integer dtype, argmax, a comparison)"
            )
        if v is None:
            if out.data.size != 1:
                raise GradstepError(
                    f"grad: output {i} of shape {out.shape} is not a scalar; pass grad_outputs of that shape "
                    "(the v of v^T J), or use gradstep.func.jacrev for the whole Jacobian"
                )
            v = np.ones(out.shape, out.dtype)
        elif not isinstance(v, Tensor) or not create_graph:
            v = np.asarray(getattr(v, "data", v), dtype=out.dtype)
        if v.shape != out.shape:
            raise ShapeError(f"grad: grad_outputs[{i}] of shape {v.shape} does not match output {i} of shape {out.shape}")
        vectors.append(v)
    if retain_graph is None:
        retain_graph = create_graph
    results = engine.differentiate(outputs, vectors, inputs, retain_graph, create_graph)
    grads = []
    for i, (x, g) in enumerate(zip(inputs, results)):
        if g is None:
            if not allow_unused:
                raise GradstepError(
                    f"grad: input {i} (shape {x.shape}) was not used to compute the outputs; "
                    "pass allow_unused=True to get None for it"
                )
            grads.append(None)
            continue
        if not isinstance(g, Tensor):
            g = Tensor(np.array(g, dtype=x.data.dtype))  # a copy: it may be shared with another gradient
        elif g.dtype != x.data.dtype:
            g = g.astype(x.data.dtype)
        grads.append(g)
    return tuple(grads)
