"""PyTorch's module-level tensor functions: ``gradstep.sum(x, dim=1)`` is ``x.sum(dim=1)``.

Each function accepts what the Tensor method of the same name accepts (so
``dim=``/``keepdim=`` and ``axis=``/``keepdims=`` both work) and turns a
number, list or ndarray argument into a Tensor first. The elementwise ops come
straight from ``gradstep.ops``.
"""

import numpy as np

from . import ops
from .errors import ArgumentError, ShapeError
from .grad_mode import is_grad_enabled, no_grad
from .ops._lift import as_tensor
from .tensor import Tensor, _axis



def _accepting_out(op):
    """``op`` that also takes PyTorch's ``out=``: the result written into an existing tensor of its shape.

    As in PyTorch, ``out=`` records no graph, so it is refused when an input
    requires grad outside ``no_grad()``.
    """

    def function(*args, out=None, **kwargs):
        if out is None:
            return op(*args, **kwargs)
        name = op.__name__
        if not isinstance(out, Tensor):
            raise ArgumentError(f"{name}: out= must be a gradstep Tensor, got {type(out).__name__}")
        if is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args):
            raise ArgumentError(
                f"{name}: out= records no graph, and an input requires grad; drop out= or work under gradstep.no_grad()"
            )
        with no_grad():
            result = op(*args, **kwargs)
        if result.shape != out.shape:
            raise ShapeError(f"{name}: the result has shape {result.shape}, but out= has shape {out.shape}")
        return out.copy_(result)

    function.__name__ = function.__qualname__ = op.__name__
    function.__doc__ = (op.__doc__ or "") + "\n\n``out=`` (PyTorch's) writes the result into a tensor of its shape."
    function.__wrapped__ = op
    return function


# elementwise and linear algebra: the ops themselves, with PyTorch's out=
abs, add, cos, div, exp, log, matmul, maximum, minimum, mul, neg, pow, relu, sigmoid, sin, sqrt, sub, tanh, where = (
    _accepting_out(getattr(ops, name))
    for name in ("abs", "add", "cos", "div", "exp", "log", "matmul", "maximum", "minimum", "mul", "neg", "pow", "relu",
                 "sigmoid", "sin", "sqrt", "sub", "tanh", "where")
)  # fmt: skip


def _method(name, doc):
    def function(input, *args, **kwargs):
        return getattr(as_tensor(input), name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


sum = _method("sum", """``input.sum(...)``.

>>> import gradstep
>>> gradstep.sum(gradstep.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1).tolist()
[3.0, 7.0]
""")
mean = _method("mean", """``input.mean(...)``.

>>> import gradstep
>>> gradstep.mean(gradstep.tensor([1.0, 3.0])).item()
2.0
""")
max = _method("max", """``input.max(...)``: the largest element, ``(values, indices)`` with a dim, or the elementwise maximum with a tensor.

>>> import gradstep
>>> gradstep.max(gradstep.tensor([[1.0, 5.0], [4.0, 3.0]]), 1).indices.tolist()
[1, 0]
""")
min = _method("min", """``input.min(...)``, the forms of ``max``.

>>> import gradstep
>>> gradstep.min(gradstep.tensor([2.0, -1.0])).item()
-1.0
""")
argmax = _method("argmax", """``input.argmax(...)``.

>>> import gradstep
>>> gradstep.argmax(gradstep.tensor([[1.0, 3.0], [4.0, 2.0]]), dim=1).tolist()
[1, 0]
""")
argmin = _method("argmin", """``input.argmin(...)``.

>>> import gradstep
>>> gradstep.argmin(gradstep.tensor([2.0, -1.0])).item()
1
""")
softmax = _method("softmax", """``input.softmax(...)`` (``dim=`` or ``axis=``).

>>> import gradstep
>>> gradstep.softmax(gradstep.tensor([[0.0, 0.0]]), dim=1).tolist()
[[0.5, 0.5]]
""")
log_softmax = _method("log_softmax", """``input.log_softmax(...)`` (``dim=`` or ``axis=``).

>>> import gradstep
>>> round(gradstep.log_softmax(gradstep.tensor([0.0, 0.0]), dim=0)[0].item(), 6)
-0.693147
""")
clamp = _method("clamp", """``input.clamp(min, max)``.

>>> import gradstep
>>> gradstep.clamp(gradstep.tensor([-2.0, 2.0]), -1.0, 1.0).tolist()
[-1.0, 1.0]
""")
squeeze = _method("squeeze", """``input.squeeze(...)``.

>>> import gradstep
>>> gradstep.squeeze(gradstep.zeros(1, 3)).shape
(3,)
""")
unsqueeze = _method("unsqueeze", """``input.unsqueeze(dim)``.

>>> import gradstep
>>> gradstep.unsqueeze(gradstep.zeros(3), 0).shape
(1, 3)
""")
flatten = _method("flatten", """``input.flatten(...)`` (``start_dim=``/``end_dim=`` accepted).

>>> import gradstep
>>> gradstep.flatten(gradstep.zeros(2, 3, 4), start_dim=1).shape
(2, 12)
""")
reshape = _method("reshape", """``input.reshape(*shape)``.

>>> import gradstep
>>> gradstep.reshape(gradstep.arange(6), (2, 3)).shape
(2, 3)
""")
permute = _method("permute", """``input.permute(*dims)``.

>>> import gradstep
>>> gradstep.permute(gradstep.zeros(2, 3), (1, 0)).shape
(3, 2)
""")
transpose = _method("transpose", """``input.transpose(*axes)`` (all axes reversed when none are given).

>>> import gradstep
>>> gradstep.transpose(gradstep.zeros(2, 3)).shape
(3, 2)
""")
numel = _method("numel", """``input.numel()``.

>>> import gradstep
>>> gradstep.numel(gradstep.zeros(2, 3))
6
""")
clone = _method("clone", """``input.clone()``.

>>> import gradstep
>>> gradstep.clone(gradstep.ones(2)).tolist()
[1.0, 1.0]
""")


def cat(tensors, dim=0, *, axis=None):
    """Join tensors along an existing dimension (``ops.concatenate``).

    >>> import gradstep
    >>> gradstep.cat([gradstep.ones(2, 3), gradstep.zeros(1, 3)]).shape
    (3, 3)
    """
    return ops.concatenate(tensors, axis=_axis("cat", dim, axis, default=0))


def stack(tensors, dim=0, *, axis=None):
    """Join same-shaped tensors along a new dimension (``ops.stack``).

    >>> import gradstep
    >>> gradstep.stack([gradstep.ones(3), gradstep.zeros(3)], dim=1).shape
    (3, 2)
    """
    return ops.stack(tensors, axis=_axis("stack", dim, axis, default=0))


def equal(a, b):
    """True when ``a`` and ``b`` have the same shape and the same elements (a Python bool).

    >>> import gradstep
    >>> gradstep.equal(gradstep.tensor([1, 2]), gradstep.tensor([1, 2])), gradstep.equal(gradstep.ones(2), gradstep.ones(3))
    (True, False)
    """
    a, b = as_tensor(a).data, as_tensor(b).data
    return a.shape == b.shape and bool(np.array_equal(a, b))
