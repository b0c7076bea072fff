"""In-place changes of tensors (``add_``, ``-=``, ``x[i] = v``, ...) under autograd's rules.

The rules are PyTorch's:

- a leaf tensor that requires grad (a parameter) may be changed in place only
  under ``no_grad()`` (``with no_grad(): w -= lr * w.grad``); elsewhere the
  change would be invisible to the graph, so it is an error naming the op;
- any other tensor is changed in place. Under grad mode, when the tensor or the
  other operand requires grad, the change is recorded: the tensor becomes the
  output of a new graph node whose input is its previous value;
- every in-place change bumps the tensor's version counter (``t._version``),
  and that of the tensor it is a view of (``t._base``: views share memory);
- an in-place change of a view that would be recorded in the graph is refused
  (PyTorch rewrites the base's graph; gradstep does not): change the base,
  or a copy;
- backward() through a node refuses (naming the op and the tensor) when an
  array the node saved for its backward was overwritten in place after the
  node was recorded, or when one of its inputs was re-recorded by an in-place
  change since: either way the gradient would be silently wrong.

The version bookkeeping and the backward check live in ``gradstep.versions``.
"""

import numpy as np

from . import ops
from .errors import DTypeError, GradstepError, IndexingError, InplaceError, ShapeError
from .grad_mode import _GradMode
from .ops.shape import _index_data
from .tensor import Tensor
from .versions import _Clock, note_write


def _recording(t, others=()):
    """Whether an in-place change of ``t`` (with operands ``others``) must be recorded in the graph."""
    if not _GradMode.enabled:
        return False
    return t.requires_grad or any(getattr(o, "requires_grad", False) for o in others)


def _refuse_leaf(t, op):
    raise InplaceError(
        f"{op}: a leaf tensor that requires grad (shape {t.data.shape}) cannot be changed in place while "
        "the graph is recorded; update it under `with gradstep.no_grad():` (as optimizers do), "
        "or change a copy (t.clone())"
    )


def _refuse_view(t, op):
    """A recorded in-place change of a view: PyTorch rewrites the base's graph too; gradstep refuses, clearly."""
    if getattr(t, "_view_of", None) is not None:
        raise InplaceError(
            f"{op}: this tensor (shape {t.data.shape}) is a view of another tensor (shape {t._view_of.data.shape}, "
            "made by view/reshape/indexing/t()/permute...), and an in-place change recorded in the graph would not "
            "reach the base's gradient; change the base itself (base[index] = value), use the out-of-place op "
            "(v = v * 2), or make the change under no_grad()"
        )


def _snapshot(t):
    """A new tensor holding ``t``'s current value and graph position (the input of the recorded change)."""
    prev = Tensor.__new__(Tensor)
    prev.data, prev._grad, prev.requires_grad, prev._ctx, prev._version = t.data, None, t.requires_grad, t._ctx, 0
    return prev


def _rebase(t, result, op):
    """Make ``t`` the output of the graph node that computed ``result`` (its new value)."""
    if result.data.shape != t.data.shape:
        raise ShapeError(f"{op}: the result has shape {result.data.shape}, the tensor changed in place has {t.data.shape}")
    if result.data.dtype != t.data.dtype:
        result = ops.astype(result, t.data.dtype)
    _Clock.epoch += 1
    t.data, t._ctx, t.requires_grad = result.data, result._ctx, result.requires_grad
    t._version += 1
    t._rebased = (_Clock.epoch, op)
    return t


def _write(t, op, write):
    """Run ``write(array)`` on ``t``'s data in place, with clear errors; bump the version."""
    try:
        write(t.data)
    except GradstepError:
        raise
    except ValueError as err:
        if not t.data.flags.writeable:
            raise InplaceError(f"{op}: the tensor's data (shape {t.data.shape}) is read-only; change a copy (t.clone())") from None
        raise ShapeError(f"{op}: cannot change a tensor of shape {t.data.shape} in place: {err}") from None
    except TypeError as err:  # NumPy's casting errors (e.g. float into an integer tensor)
        raise DTypeError(f"{op}: cannot change a {t.data.dtype} tensor in place with this value: {err}") from None
    t._version += 1
    base = getattr(t, "_view_of", None)
    if base is not None:  # a view and its base share memory: both have changed (PyTorch shares the counter)
        base._version += 1
    note_write(t.data, op)
    return t


def binary(t, other, op, fn, ufunc):
    """``t <- fn(t, other)`` in place (add_, sub_, mul_, div_ and the operators += -= *= /=)."""
    if _recording(t, (other,)):
        if t.requires_grad and t._ctx is None:
            _refuse_leaf(t, op)
        _refuse_view(t, op)
        prev = _snapshot(t)
        return _rebase(t, fn(prev, prev if other is t else other), op)  # h *= h squares the old h
    value = other.data if isinstance(other, Tensor) else other
    return _write(t, op, lambda a: ufunc(a, value, out=a, casting="same_kind"))


def unary(t, op, fn, write):
    """``t <- fn(t)`` in place: ``fn`` builds the recorded result, ``write(array)`` changes the data."""
    if _recording(t):
        if t._ctx is None:
            _refuse_leaf(t, op)
        _refuse_view(t, op)
        return _rebase(t, fn(_snapshot(t)), op)
    return _write(t, op, write)


def overwrite(t, op, values):
    """``t <- values`` in place (fill_, zero_, copy_, normal_, uniform_); ``values`` is a Tensor or array-like."""
    if _recording(t, (values,)):
        if t.requires_grad and t._ctx is None:
            _refuse_leaf(t, op)
        _refuse_view(t, op)
        # the new value does not depend on the old one: d(t_new)/d(t_old) = 0
        source = values if isinstance(values, Tensor) else Tensor(np.asarray(values, dtype=t.data.dtype))
        result = ops.where(np.zeros(t.data.shape, dtype=bool), _snapshot(t), ops.broadcast_to(source, t.data.shape))
        return _rebase(t, result, op)
    data = values.data if isinstance(values, Tensor) else values
    return _write(t, op, lambda a: np.copyto(a, data, casting="unsafe"))


def setitem(t, index, value):
    """``t[index] = value`` in place (recorded as ``ops.index_put`` when it must be)."""
    if _recording(t, (value,)):
        if t.requires_grad and t._ctx is None:
            _refuse_leaf(t, "__setitem__")
        _refuse_view(t, "__setitem__")
        return _rebase(t, ops.index_put(_snapshot(t), index, value), "__setitem__")
    data = value.data if isinstance(value, Tensor) else value
    index = _index_data(index)

    def write(a):
        try:
            a[index] = data
        except IndexError as err:
            raise IndexingError(f"__setitem__: index {index!r} is invalid for shape {a.shape}: {err}") from None

    return _write(t, "__setitem__", write)
