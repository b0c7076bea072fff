"""Forward-mode automatic differentiation with dual tensors, in the style of ``torch.autograd.forward_ad``.

Forward mode evaluates the chain rule from the inside out: each tensor carries,
next to its value x, a tangent dx = dx/ds for one direction s of the inputs,
and every op turns its inputs' tangents into its output's tangent with its
``jvp`` rule (the Jacobian-vector product J dx, written beside the op's forward
and backward in ``gradstep/ops``). One forward pass gives J v, a column of the
Jacobian when v is a unit vector, at about the cost of one more evaluation.

Design: dual tensors. Inside ``dual_level()``, ``make_dual(x, v)`` returns a
tensor sharing x's data whose tangent is v; the tangents live in the level (a
dictionary from tensor to ndarray), not on the Tensor, and ``Function.apply``
asks the level to run each op's ``jvp`` whenever a level is active. Tensors
without a tangent count as constants (tangent zero). ``unpack_dual(y)`` gives
back ``(primal, tangent)``. Leaving the level drops every tangent. Forward mode
also runs through the graph that ``backward(create_graph=True)`` records, so a
tangent pushed through a reverse pass gives Hessian-vector products
(forward-over-reverse, what ``gradstep.func.hessian`` uses). One level at a
time, as in PyTorch: forward-over-forward is not supported.

>>> import gradstep
>>> import gradstep.autograd.forward_ad as fwAD
>>> x = gradstep.tensor([1.0, 2.0])
>>> with fwAD.dual_level():
...     y = fwAD.make_dual(x, gradstep.tensor([1.0, 0.0])) ** 3   # d(x^3) = 3 x^2 dx
...     fwAD.unpack_dual(y).tangent
tensor([3., 0.])
"""

from collections import namedtuple

import numpy as np

from ..errors import DTypeError, GradstepError, ShapeError
from ..grad_mode import _ForwardGrad
from ..ops.shape import Reshape
from ..tensor import Tensor

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])


class _Level:
    """One active dual level: the tangent of every dual tensor made or computed inside it."""

    def __init__(self):
        self.tangents = {}  # Tensor -> ndarray (Tensors hash by identity)

    def propagate(self, fn, ctx, inputs, result):
        """Run ``fn.jvp`` for one op when any of its inputs carries a tangent (called by Function.apply)."""
        tangents = self.tangents
        found = False
        per_input = []
        for t in inputs:
            tangent = tangents.get(t)
            if tangent is not None:
                found = True
            elif t.data.dtype.kind in "fc":
                tangent = np.zeros(t.data.shape, t.data.dtype)  # a constant: tangent zero
            per_input.append(tangent)
        if not found:
            return
        out = result.data
        ctx.out = out
        tangent = fn.jvp(ctx, *per_input)
        if tangent is None or out.dtype.kind not in "fc":
            return
        tangent = np.asarray(tangent)
        if tangent.dtype != out.dtype:
            tangent = tangent.astype(out.dtype)
        if tangent.shape != out.shape:
            tangent = np.broadcast_to(tangent, out.shape)
        tangents[result] = tangent


class dual_level:
    """Context manager: inside it, dual tensors carry tangents through every op.

    >>> import gradstep
    >>> import gradstep.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     y = fwAD.make_dual(gradstep.tensor(0.0), gradstep.tensor(1.0)).exp()   # d(e^x) = e^x dx
    ...     fwAD.unpack_dual(y).tangent
    tensor(1.)
    >>> fwAD.is_active()   # leaving the level drops the tangents
    False
    """

    def __enter__(self):
        if _ForwardGrad.level is not None:
            raise GradstepError(
                "dual_level: a dual level is already active; nested forward mode (forward-over-forward) "
                "is not supported, use gradstep.func.jacfwd over jacrev for second derivatives"
            )
        self.level = _Level()
        _ForwardGrad.level = self.level
        return self.level

    def __exit__(self, *exc):
        _ForwardGrad.level = None
        self.level.tangents.clear()
        return False


def is_active():
    """True inside ``dual_level()``.

    >>> import gradstep.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     fwAD.is_active()
    True
    """
    return _ForwardGrad.level is not None


def _active_level(op):
    level = _ForwardGrad.level
    if level is None:
        raise GradstepError(f"{op}: no dual level is active; use it inside `with forward_ad.dual_level():`")
    return level


def make_dual(tensor, tangent):
    """A tensor with ``tensor``'s data (shared) whose tangent is ``tangent`` (same shape, floating).

    >>> import gradstep
    >>> import gradstep.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     x = fwAD.make_dual(gradstep.tensor([2.0]), gradstep.tensor([1.0]))
    ...     fwAD.unpack_dual(x * x).tangent   # d(x^2) = 2 x dx
    tensor([4.])
    """
    level = _active_level("make_dual")
    if not isinstance(tensor, Tensor):
        raise DTypeError(f"make_dual: the primal must be a Tensor, got {type(tensor).__name__}")
    if tensor.data.dtype.kind not in "fc":
        raise DTypeError(f"make_dual: only floating tensors have tangents, got a primal of dtype {tensor.dtype}")
    value = np.asarray(getattr(tangent, "data", tangent))
    if value.shape != tensor.shape:
        raise ShapeError(f"make_dual: tangent of shape {value.shape} does not match the primal's shape {tensor.shape}")
    if value.dtype.kind not in "fciub":
        raise DTypeError(f"make_dual: the tangent must be numeric, got dtype {value.dtype}")
    # a view of the primal through an identity node, so reverse-mode gradients still reach the primal
    dual = Reshape.apply(tensor, shape=tensor.shape)
    level.tangents[dual] = value.astype(tensor.data.dtype, copy=True)
    return dual


def unpack_dual(tensor):
    """``(primal, tangent)`` of a tensor: the tangent is a Tensor, or None when it has none.

    >>> import gradstep
    >>> import gradstep.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     fwAD.unpack_dual(gradstep.tensor([1.0])).tangent is None
    True
    """
    level = _ForwardGrad.level
    tangent = None if level is None else level.tangents.get(tensor)
    primal = Tensor(tensor.data)  # the same data and graph node, without the tangent
    primal.requires_grad, primal._ctx = tensor.requires_grad, tensor._ctx
    return UnpackedDualTensor(primal, None if tangent is None else Tensor(tangent))
