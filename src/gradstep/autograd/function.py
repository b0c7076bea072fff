"""``gradstep.autograd.Function``: custom differentiable functions written the PyTorch way.

A subclass defines ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)``
as static methods on Tensors; ``ctx.save_for_backward(*tensors)`` keeps what
backward needs, ``ctx.saved_tensors`` gives it back, ``ctx.needs_input_grad``
says which inputs want a gradient. ``MyFunction.apply(*args)`` runs it and
records one graph node. ``backward`` returns one gradient per forward argument
(a Tensor, an ndarray or None), as a tuple, or a single one when forward has
one argument. (The ops of ``gradstep.ops`` are written on ndarrays with the
base class ``gradstep.function.Function``; this is the user-facing protocol.)

Saved tensors are checked like PyTorch's: reading ``ctx.saved_tensors`` after
one of them was changed in place since ``save_for_backward`` raises an error
naming the function and the tensor. One output Tensor per function.

>>> import gradstep
>>> class Exp(gradstep.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         y = x.exp()
...         ctx.save_for_backward(y)
...         return y
...     @staticmethod
...     def backward(ctx, grad_output):   # d e^x / dx = e^x
...         (y,) = ctx.saved_tensors
...         return grad_output * y
>>> x = gradstep.tensor([0.0, 1.0], requires_grad=True)
>>> Exp.apply(x).sum().backward()
>>> x.grad
tensor([1.      , 2.718282])
"""

import numpy as np

from .. import function as _function
from ..errors import GradstepError, InplaceError
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from ..versions import _Clock, written_since


class FunctionCtx:
    """What ``forward`` and ``backward`` of an ``autograd.Function`` share.

    >>> import gradstep
    >>> ctx = FunctionCtx((True, False))
    >>> ctx.save_for_backward(gradstep.ones(2), None)
    >>> [t if t is None else t.tolist() for t in ctx.saved_tensors], ctx.needs_input_grad
    ([[1.0, 1.0], None], (True, False))
    """

    def __init__(self, needs_input_grad, name="Function"):
        self.needs_input_grad = tuple(needs_input_grad)
        self._name = name
        self._saved = ()
        self._versions = ()
        self._epoch = 0

    def save_for_backward(self, *tensors):
        """Keep Tensors (or None) for backward; their version counters are noted to catch later in-place changes."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise GradstepError(
                    f"{self._name}.save_for_backward: argument {i} is a {type(t).__name__}, not a Tensor or None; "
                    "keep other values as attributes of ctx (ctx.scale = 2.0)"
                )
        self._saved = tensors
        self._versions = tuple(None if t is None else t._version for t in tensors)
        self._epoch = _Clock.epoch  # writes through views or aliases show in the memory's stamp (gradstep.versions)

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``, as a tuple (an error if one changed in place since)."""
        for i, (t, version) in enumerate(zip(self._saved, self._versions)):
            if t is None:
                continue
            writer = written_since(t.data, self._epoch)
            if t._version != version or writer is not None:
                how = f"version {version}, now {t._version}" if t._version != version else f"by '{writer}' through a view"
                raise InplaceError(
                    f"{self._name}.backward: saved tensor {i} (shape {t.data.shape}) was changed in place after "
                    f"save_for_backward ({how}), so the gradient would be wrong; "
                    "save a copy (x.clone()) or change the tensor after backward()"
                )
        return tuple(self._saved)


class _Node(_function.Function, register=False):
    """The graph node that runs a user Function's backward (one per ``apply``)."""

    name = "custom"

    @staticmethod
    def forward(ctx, *arrays, user=None, user_ctx=None, output=None):
        ctx.user, ctx.user_ctx = user, user_ctx
        return output.data

    @staticmethod
    def backward(ctx, grad):
        user, user_ctx = ctx.user, ctx.user_ctx
        graph = isinstance(grad, Tensor)  # create_graph: the backward is recorded as well
        with enable_grad() if graph else no_grad():
            grads = user.backward(user_ctx, grad if graph else Tensor(grad))
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        args = ctx.user_args
        if len(grads) < len(args) or any(g is not None for g in grads[len(args) :]):
            raise GradstepError(
                f"{user.__name__}.backward: returned {len(grads)} gradient(s) for {len(args)} forward argument(s); "
                "return one per argument (None for those without a gradient)"
            )
        out = []
        for arg, g in zip(args, grads):
            if not isinstance(arg, Tensor):
                continue
            if g is not None and not graph:
                g = g.data if isinstance(g, Tensor) else np.asarray(g)
            out.append(g)
        return tuple(out)


class Function:
    """Base class of a custom differentiable function (PyTorch's ``torch.autograd.Function`` protocol).

    >>> import gradstep
    >>> class Scale(gradstep.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x, factor):          # a non-Tensor argument gets None as its gradient
    ...         ctx.factor = factor
    ...         return x * factor
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         return grad_output * ctx.factor, None
    >>> w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    >>> Scale.apply(w, 3.0).sum().backward(); w.grad
    tensor([3., 3.])
    """

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("a gradstep.autograd.Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("a gradstep.autograd.Function subclass must define backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *args):
        """Run ``forward`` on the arguments (without recording its ops) and record one node whose backward is ``backward``."""
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        user_ctx = FunctionCtx(needs, cls.__name__)
        with no_grad():
            output = cls.forward(user_ctx, *args)
        if not isinstance(output, Tensor):
            raise GradstepError(
                f"{cls.__name__}.forward: must return one Tensor, got {type(output).__name__}"
                + (" (gradstep's custom functions have one output)" if isinstance(output, (tuple, list)) else "")
            )
        tensors = [a for a in args if isinstance(a, Tensor)]
        if not tensors:
            return output
        result = _Node.apply(*tensors, user=cls, user_ctx=user_ctx, output=output)
        if result._ctx is not None:
            result._ctx.user_args = args
            # a saved output is the graph's output tensor from now on (its in-place changes count; create_graph sees it)
            user_ctx._saved = tuple(result if t is output else t for t in user_ctx._saved)
        return result
