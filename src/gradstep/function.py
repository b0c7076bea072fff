"""Function: the base class of every differentiable op, and the registry that lists them all.

An op is written on NumPy arrays as three static methods side by side::

    class Mul(Function):
        # y = a * b ;  dy/da = b, dy/db = a
        @staticmethod
        def forward(ctx, a, b):
            ctx.a, ctx.b = a, b
            return a * b

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.b, grad * ctx.a

        # dy = b da + a db
        @staticmethod
        def jvp(ctx, da, db):
            return da * ctx.b + ctx.a * db

``jvp`` is forward mode (``gradstep.autograd.forward_ad``): the output's
tangent from one tangent per input (zeros for a constant floating input, None
for an integer or boolean one), with what forward saved in ``ctx`` and the
output in ``ctx.out``.

``backward`` returns one gradient per input (``None`` where an input is not
differentiable). A gradient may keep broadcast dimensions: the engine sums it
back to the input's shape. A gradient must never be updated in place later,
and an op must not return the same freshly made array for two inputs.

``backward`` may overwrite its incoming gradient only when ``ctx.owns_grad`` is
set: the engine sets it when no other code holds that array (a sum it made, or
a new array from an op whose class sets ``fresh_grads = True``, a promise that
its backward returns arrays nothing else refers to).
"""

import numpy as np

from . import tracing
from .grad_mode import _ForwardGrad, _GradMode
from .tensor import Tensor
from .versions import _Clock

#: Every op, by name. Tests sweep this to gradcheck all of them.
registry = {}


class Context:
    """One node of the graph: the op that ran, its input tensors and what forward saved.

    Bookkeeping lives in slots; whatever ``forward`` saves (``ctx.x = x``) lives
    in ``__dict__``, which ``free()`` clears after backward.

    >>> import gradstep
    >>> x = gradstep.tensor([2.0], requires_grad=True)
    >>> ctx = x.exp()._ctx
    >>> ctx.fn.name, ctx.inputs[0] is x, ctx.needs_input_grad
    ('exp', True, [True])
    """

    # epoch: the in-place clock when the node was recorded (gradstep.inplace checks saved arrays against it)
    __slots__ = ("fn", "inputs", "needs_input_grad", "freed", "retained", "epoch", "__dict__")

    #: the array namespace backward formulas call (``ctx.xp.where``...): NumPy here, gradstep's ops
    #: under create_graph (see ops/_namespace.py and autograd/graph.py); set at the end of this module
    xp = None

    def __repr__(self):
        # PyTorch's node names: op "binary_cross_entropy_with_logits" -> <BinaryCrossEntropyWithLogitsBackward>
        return f"<{''.join(part.capitalize() for part in self.fn.name.split('_'))}Backward>"

    def free(self):
        """Release saved arrays and inputs (called after backward unless retain_graph).

        >>> import gradstep
        >>> x = gradstep.tensor([2.0], requires_grad=True)
        >>> y = x.exp(); ctx = y._ctx
        >>> y.sum().backward()
        >>> ctx.freed, ctx.inputs, "y" in ctx.__dict__
        (True, (), False)
        """
        self.__dict__.clear()
        self.inputs = ()
        self.freed = True


def _as_output_array(ctx, out):
    """``out`` (a NumPy scalar from a 0-d op, say) as an ndarray, also where forward saved it.

    create_graph recognises a saved output by identity (autograd/graph.py), so ``ctx.y`` must be the array.
    """
    array = np.asarray(out)
    saved = ctx.__dict__
    for name, value in saved.items():
        if value is out:
            saved[name] = array
    return array


class Function:
    """Base class of an op: subclasses define ``forward`` and ``backward`` on ndarrays.

    >>> import numpy as np, gradstep
    >>> from gradstep.function import Function
    >>> class Square(Function):
    ...     # y = x^2 ; dy/dx = 2x
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.x = x
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         return (2 * ctx.x * grad,)
    >>> x = gradstep.tensor([3.0], requires_grad=True)
    >>> Square.apply(x).backward(np.ones(1, np.float32)); x.grad
    tensor([6.])
    """

    #: name in the registry; defaults to the lower-cased class name
    name = None
    #: True when backward returns only new arrays that nothing else refers to (see the module docstring)
    fresh_grads = False

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__ or cls.name is None:
            cls.name = cls.__name__.lower()
        if register and cls.__module__.startswith("gradstep.ops"):
            registry[cls.name] = cls

    @staticmethod
    def forward(ctx, *arrays, **attrs):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError

    @staticmethod
    def jvp(ctx, *tangents):
        """Forward mode: the tangent of the output from one tangent per input (see autograd/forward_ad.py)."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **attrs):
        """Run forward on the inputs' arrays; record a graph node when any input requires grad.

        Inputs must be Tensors (the functions in ``gradstep.ops`` convert numbers first);
        ``attrs`` are passed to ``forward`` unchanged. Under ``no_grad()`` nothing is recorded.

        >>> import gradstep
        >>> from gradstep.ops.elementwise import Mul
        >>> a = gradstep.tensor([2.0], requires_grad=True)
        >>> y = Mul.apply(a, gradstep.tensor([3.0]))
        >>> y.tolist(), y._ctx.fn is Mul
        ([6.0], True)
        >>> with gradstep.no_grad():
        ...     Mul.apply(a, a)._ctx is None
        True
        """
        arrays, needs = [], []  # one loop: in Python 3.11 each list comprehension is a function call
        for t in inputs:
            arrays.append(t.data)
            needs.append(t.requires_grad)
        ctx = Context()
        out = cls.forward(ctx, *arrays, **attrs)
        if type(out) is not np.ndarray:
            out = _as_output_array(ctx, out)
        result = Tensor.__new__(Tensor)
        result.data = out
        result._grad = None
        result._version = 0
        if True in needs and _GradMode.enabled:
            ctx.fn = cls
            ctx.inputs = inputs
            ctx.needs_input_grad = needs
            ctx.freed = False
            ctx.retained = None
            ctx.epoch = _Clock.epoch
            result.requires_grad = True
            result._ctx = ctx
        else:
            result.requires_grad = False
            result._ctx = None
        level = _ForwardGrad.level
        if level is not None:  # forward mode: push the inputs' tangents through this op
            level.propagate(cls, ctx, inputs, result)
        if tracing.recorder is not None:  # gradstep.compile is recording a step
            tracing.recorder.record(cls, inputs, attrs, result)
        return result


# Bound at the end: the ops package imports Function from this module.
from .ops._namespace import NUMPY  # noqa: E402

Context.xp = NUMPY
