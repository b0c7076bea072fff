"""Tensor: a NumPy array that remembers how it was computed, so gradients can flow back.

Operators and methods delegate to the ops in ``gradstep.ops``; this file holds
no math of its own.
"""

import collections
import numbers

import numpy as np

from .devices import CPU, check_device, device as _device
from .dtypes import get_default_dtype
from .errors import ArgumentError, DTypeError, IndexingError, ShapeError
from .random import as_generator


def _as_array(data, dtype=None):
    """NumPy array for ``data`` under gradstep's dtype rules.

    Python floats (and lists of them) become the default float dtype (float32);
    Python ints stay integer (int64) and bools stay bool, as in PyTorch;
    ndarrays keep their dtype.
    """
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.asarray(data, dtype=dtype)
    if isinstance(data, np.ndarray):
        return data
    array = np.asarray(data)
    if array.dtype.kind == "f" and not isinstance(data, np.generic):
        array = array.astype(get_default_dtype(), copy=False)
    elif array.dtype.kind == "O":
        raise DTypeError(f"tensor: cannot make a numeric tensor from {type(data).__name__} data")
    return array


def _wrap(array):
    """A Tensor around ``array`` (no copy, no checks): for arrays gradstep made itself, such as gradients."""
    t = Tensor.__new__(Tensor)
    t.data, t._grad, t.requires_grad, t._ctx, t._version = array, None, False, None, 0
    return t


def _grad_array(t):
    """The array of ``t``'s gradient, or None, without making its Tensor (for the engine and the optimizers).

    ``t._grad`` holds None, a Tensor, or the bare array backward() stored (wrapped by ``t.grad`` on first use).
    """
    grad = t._grad
    if grad is None or type(grad) is np.ndarray:
        return grad
    return grad.data


class Size(tuple):
    """A tensor's shape as ``size()`` returns it: a tuple of ints (PyTorch's torch.Size).

    >>> s = Size([2, 3]); s, s == (2, 3), s.numel()
    (gradstep.Size([2, 3]), True, 6)
    """

    __slots__ = ()

    def numel(self):
        """The number of elements of a tensor of this shape (the product, 1 for a 0-d tensor)."""
        n = 1
        for d in self:
            n *= d
        return n

    def __repr__(self):
        return f"gradstep.Size({list(self)})"

    def __getitem__(self, index):
        item = tuple.__getitem__(self, index)
        return Size(item) if isinstance(index, slice) else item


def _check_can_require_grad(array, op="tensor"):
    if array.dtype.kind not in "fc":
        raise DTypeError(
            f"{op}: only floating tensors can require grad, got dtype {array.dtype}; "
            "convert with .float() or pass dtype=float32"
        )


#: PyTorch's tensor type names, for ``Tensor.type()``
_TYPE_NAMES = {
    np.dtype(np.float32): "FloatTensor", np.dtype(np.float64): "DoubleTensor", np.dtype(np.float16): "HalfTensor",
    np.dtype(np.int64): "LongTensor", np.dtype(np.int32): "IntTensor", np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int8): "CharTensor", np.dtype(np.uint8): "ByteTensor", np.dtype(np.bool_): "BoolTensor",
}  # fmt: skip


def to_arguments(op, args, kwargs):
    """The dtype asked for by PyTorch's ``to(device, dtype, non_blocking, copy)`` arguments (None: keep it).

    A device must be the CPU; a tensor argument stands for its dtype.

    >>> import numpy as np
    >>> to_arguments("to", ("cpu", np.float64), {}), to_arguments("to", (), {"device": "cpu"})
    (dtype('float64'), None)
    """
    dtype, where = kwargs.pop("dtype", None), kwargs.pop("device", None)
    kwargs.pop("non_blocking", None), kwargs.pop("copy", None), kwargs.pop("memory_format", None)
    if kwargs:
        raise ArgumentError(f"{op}: unexpected arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg.data.dtype
        elif isinstance(arg, (str, _device)):
            where = arg
        else:
            dtype = arg
    check_device(where, op)
    if dtype is None:
        return None
    try:
        return np.dtype(dtype)
    except TypeError:
        raise DTypeError(f"{op}: expected a device or a dtype, got {dtype!r}") from None


class Tensor:
    """An n-dimensional array with a gradient.

    ``data`` is the numpy.ndarray, ``grad`` the accumulated gradient (a Tensor
    of the same shape, or None), ``requires_grad`` whether backward() should
    compute it, ``_version`` the number of in-place changes so far (see
    ``gradstep.inplace``). ``Tensor(ndarray)`` wraps the array without copying;
    use ``gradstep.tensor`` to copy.

    >>> import gradstep
    >>> x = gradstep.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    # _rebased (unset until an in-place change is recorded in the graph): (clock, op) of that change;
    # _grad: None, a Tensor, or the bare ndarray backward() stored (``grad`` wraps it when first read)
    # _view_of (unset unless this tensor is a view made by view/reshape/t/permute/unsqueeze/indexing...): the
    # tensor whose memory it shares (``_base``)
    __slots__ = ("data", "_grad", "requires_grad", "_ctx", "_version", "_rebased", "_view_of", "__weakref__")
    __array_ufunc__ = None  # make ``ndarray + Tensor`` call Tensor.__radd__

    def __init__(self, data, requires_grad=False, dtype=None):
        # an ndarray without a dtype request is wrapped as it is (what _as_array would return)
        self.data = data if dtype is None and type(data) is np.ndarray else _as_array(data, dtype)
        self._grad = None
        self._ctx = None
        self._version = 0
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @property
    def grad(self):
        """The gradient accumulated by backward(): a Tensor of this tensor's shape, or None.

        Assigning an ndarray wraps it in a Tensor (without copying).

        >>> import gradstep
        >>> w = gradstep.tensor([1.0, 2.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> round(w.grad.norm().item(), 4)  # sqrt(2^2 + 4^2)
        4.4721
        >>> _ = w.grad.zero_(); w.grad
        tensor([0., 0.])
        """
        grad = self._grad
        if type(grad) is np.ndarray:  # the engine stores the bare array; the Tensor is made when first asked for
            grad = self._grad = _wrap(grad)
        return grad

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Tensor):
            if not isinstance(value, np.ndarray):
                raise DTypeError(f"grad: expected a Tensor, an ndarray or None, got {type(value).__name__}")
            value = _wrap(value)
        self._grad = value

    # ----- basic attributes -------------------------------------------------------
    @property
    def shape(self):
        """Shape of the data, a tuple.

        >>> import gradstep
        >>> gradstep.zeros(2, 3).shape
        (2, 3)
        """
        return self.data.shape

    @property
    def dtype(self):
        """NumPy dtype of the data.

        >>> import gradstep
        >>> gradstep.tensor([1.0]).dtype
        dtype('float32')
        """
        return self.data.dtype

    @property
    def ndim(self):
        """Number of dimensions.

        >>> import gradstep
        >>> gradstep.zeros(2, 3).ndim
        2
        """
        return self.data.ndim

    def size(self, dim=None):
        """The shape as a ``gradstep.Size`` (a tuple), or with ``dim`` the length of that dimension, as PyTorch.

        ``dim`` may be negative (-1 is the last); out of range is an IndexError.
        The element count is ``numel()`` (NumPy's ``size`` is ``t.data.size``).

        >>> import gradstep
        >>> x = gradstep.zeros(2, 3)
        >>> x.size(), x.size(1), x.size(-2)
        (gradstep.Size([2, 3]), 3, 2)
        """
        shape = self.data.shape
        if dim is None:
            return Size(shape)
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise ArgumentError(f"size: dim must be an int, got {dim!r}")
        ndim = len(shape)
        if ndim == 0:
            raise IndexingError(f"size: dimension {dim} was asked of a 0-d tensor, which has no dimensions")
        if not -ndim <= dim < ndim:
            raise IndexingError(
                f"size: dimension {dim} is out of range for a tensor of shape {shape} (expected a dim in [{-ndim}, {ndim - 1}])"
            )
        return shape[dim]

    @property
    def _base(self):
        """The tensor this one is a view of (they share memory), or None, as PyTorch's ``_base``.

        >>> import gradstep
        >>> x = gradstep.zeros(2, 3)
        >>> x.view(6)._base is x, x.t()._base is x, x._base
        (True, True, None)
        """
        return getattr(self, "_view_of", None)

    def _is_view(self):
        """True when this tensor shares the memory of another one (``_base``).

        >>> import gradstep
        >>> x = gradstep.zeros(2, 3)
        >>> x[0]._is_view(), (x + 1)._is_view()
        (True, False)
        """
        return getattr(self, "_view_of", None) is not None

    @property
    def grad_fn(self):
        """The graph node that made this tensor (its op and inputs), None for a leaf, as PyTorch's ``grad_fn``.

        >>> import gradstep
        >>> w = gradstep.tensor([1.0], requires_grad=True)
        >>> w.grad_fn is None, (w * 2).grad_fn, (w.exp() + 1).grad_fn.fn.name
        (True, <MulBackward>, 'add')
        """
        return self._ctx

    @property
    def is_leaf(self):
        """True for tensors not produced by a recorded op (their .grad is kept).

        >>> import gradstep
        >>> w = gradstep.tensor([1.0], requires_grad=True)
        >>> w.is_leaf, (w * 2).is_leaf
        (True, False)
        """
        return self._ctx is None

    @property
    def T(self):
        """Transpose (all axes reversed), differentiable.

        >>> import gradstep
        >>> gradstep.zeros(2, 3).T.shape
        (3, 2)
        """
        return ops.transpose(self)

    def item(self):
        """The value of a one-element tensor as a Python number.

        >>> import gradstep
        >>> gradstep.tensor([2.5]).item()
        2.5
        """
        return self.data.item()

    def numpy(self):
        """The underlying ndarray (shared, not copied).

        >>> import gradstep
        >>> gradstep.tensor([1.0]).numpy()
        array([1.], dtype=float32)
        """
        return self.data

    def tolist(self):
        """The data as nested Python lists.

        >>> import gradstep
        >>> gradstep.tensor([[1.0, 2.0]]).tolist()
        [[1.0, 2.0]]
        """
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self):
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extra = ""
        if self.data.dtype != get_default_dtype() and self.data.dtype.kind in "fc":
            extra += f", dtype={self.data.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn={self._ctx.fn.name}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    __hash__ = object.__hash__

    # ----- autograd ---------------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        """Set requires_grad in place (floating leaf tensors only); returns self.

        >>> import gradstep
        >>> gradstep.zeros(2).requires_grad_().requires_grad
        True
        """
        if requires_grad:
            _check_can_require_grad(self.data, "requires_grad_")
        self.requires_grad = bool(requires_grad)
        return self

    def backward(self, grad=None, retain_graph=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

        ``grad`` is needed when self is not a scalar (it is dL/d(self)). With
        ``create_graph=True`` the backward pass is recorded, so the gradients
        can be differentiated again; ``retain_graph`` defaults to ``create_graph``.

        >>> import gradstep
        >>> w = gradstep.tensor([2.0], requires_grad=True)
        >>> (3 * w).sum().backward(); w.grad
        tensor([3.])
        """
        engine.backward(self, grad, retain_graph, create_graph)

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` during backward(); returns self.

        >>> import gradstep
        >>> x = gradstep.tensor(2.0, requires_grad=True)
        >>> h = (x * 3).retain_grad()
        >>> (h * h).backward(); float(h.grad)  # d(h^2)/dh = 2h = 12
        12.0
        """
        engine.retain(self)
        return self

    def detach(self):
        """A tensor sharing the data but cut from the graph (never requires grad).

        >>> import gradstep
        >>> gradstep.tensor([1.0], requires_grad=True).detach().requires_grad
        False
        """
        return Tensor(self.data)

    def zero_grad(self):
        """Set ``.grad`` to None.

        >>> import gradstep
        >>> w = gradstep.tensor([1.0], requires_grad=True)
        >>> (w * 2).sum().backward(); w.zero_grad(); w.grad is None
        True
        """
        self.grad = None

    # ----- dtype ------------------------------------------------------------------
    def astype(self, dtype):
        """Copy with another dtype; differentiable between floating dtypes (the gradient is cast back).

        >>> import gradstep, numpy as np
        >>> gradstep.tensor([1.5]).astype(np.float64).dtype
        dtype('float64')
        """
        return ops.astype(self, dtype=np.dtype(dtype))

    def float(self):
        """As float32.

        >>> import gradstep, numpy as np
        >>> gradstep.tensor(np.array([1.0])).float().dtype
        dtype('float32')
        """
        return self.astype(np.float32)

    def double(self):
        """As float64.

        >>> import gradstep
        >>> gradstep.tensor([1.0]).double().dtype
        dtype('float64')
        """
        return self.astype(np.float64)

    def long(self):
        """As int64 (PyTorch's ``long``), e.g. labels from a comparison.

        >>> import gradstep
        >>> (gradstep.tensor([-1.0, 2.0]) > 0).long().tolist()
        [0, 1]
        """
        return self.astype(np.int64)

    def int(self):
        """As int32.

        >>> import gradstep
        >>> gradstep.tensor([1.7]).int().dtype
        dtype('int32')
        """
        return self.astype(np.int32)

    def bool(self):
        """As bool (nonzero is True).

        >>> import gradstep
        >>> gradstep.tensor([0.0, 2.0]).bool().tolist()
        [False, True]
        """
        return self.astype(np.bool_)

    # ----- arithmetic operators -----------------------------------------------------
    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __getitem__(self, index):
        return ops.getitem(self, index)

    # comparisons give boolean tensors that are not part of any graph
    def __lt__(self, other):
        return Tensor(self.data < _as_array(other))

    def __le__(self, other):
        return Tensor(self.data <= _as_array(other))

    def __gt__(self, other):
        return Tensor(self.data > _as_array(other))

    def __ge__(self, other):
        return Tensor(self.data >= _as_array(other))

    def __eq__(self, other):
        return Tensor(self.data == _as_array(other))

    def __ne__(self, other):
        return Tensor(self.data != _as_array(other))

    def eq(self, other):
        """PyTorch's ``eq``: ``self == other``, a boolean tensor outside any graph.

        >>> import gradstep
        >>> x = gradstep.tensor([1, 2, 3]); x.eq(2).tolist()
        [False, True, False]
        """
        return self == other

    def ne(self, other):
        """PyTorch's ``ne``: ``self != other``, a boolean tensor outside any graph.

        >>> import gradstep
        >>> x = gradstep.tensor([1, 2, 3]); x.ne(2).tolist()
        [True, False, True]
        """
        return self != other

    def lt(self, other):
        """PyTorch's ``lt``: ``self < other``, a boolean tensor outside any graph.

        >>> import gradstep
        >>> x = gradstep.tensor([1, 2, 3]); x.lt(2).tolist()
        [True, False, False]
        """
        return self < other

    def le(self, other):
        """PyTorch's ``le``: ``self <= other``, a boolean tensor outside any graph.

        >>> import gradstep
        >>> x = gradstep.tensor([1, 2, 3]); x.le(2).tolist()
        [True, True, False]
        """
        return self <= other

    def gt(self, other):
        """PyTorch's ``gt``: ``self > other``, a boolean tensor outside any graph.

        >>> import gradstep
        >>> x = gradstep.tensor([1, 2, 3]); x.gt(2).tolist()
        [False, False, True]
        """
        return self > other

    def ge(self, other):
        """PyTorch's ``ge``: ``self >= other``, a boolean tensor outside any graph.

        >>> import gradstep
        >>> x = gradstep.tensor([1, 2, 3]); x.ge(2).tolist()
        [False, True, True]
        """
        return self >= other

    # ----- in-place changes (autograd's rules: gradstep.inplace) -----------------------
    def __iadd__(self, other):
        return inplace.binary(self, other, "+=", ops.add, np.add)

    def __isub__(self, other):
        return inplace.binary(self, other, "-=", ops.sub, np.subtract)

    def __imul__(self, other):
        return inplace.binary(self, other, "*=", ops.mul, np.multiply)

    def __itruediv__(self, other):
        return inplace.binary(self, other, "/=", ops.div, np.true_divide)

    def __setitem__(self, index, value):
        inplace.setitem(self, index, value)

    def add_(self, other, alpha=1):
        """In place: ``self <- self + alpha * other``; returns self.

        On a leaf that requires grad only under ``no_grad()`` (see ``gradstep.inplace``).

        >>> import gradstep
        >>> gradstep.ones(2).add_(gradstep.tensor([1.0, 2.0]), alpha=10).tolist()
        [11.0, 21.0]
        """
        return inplace.binary(self, _scaled(other, alpha), "add_", ops.add, np.add)

    def sub_(self, other, alpha=1):
        """In place: ``self <- self - alpha * other``; returns self.

        >>> import gradstep
        >>> w = gradstep.tensor([1.0, 2.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> with gradstep.no_grad():
        ...     _ = w.sub_(w.grad, alpha=0.25)   # w <- w - 0.25 * 2w
        >>> w.tolist(), w.requires_grad
        ([0.5, 1.0], True)
        """
        return inplace.binary(self, _scaled(other, alpha), "sub_", ops.sub, np.subtract)

    def mul_(self, other):
        """In place: ``self <- self * other``; returns self.

        >>> import gradstep
        >>> gradstep.tensor([1.0, 2.0]).mul_(3).tolist()
        [3.0, 6.0]
        """
        return inplace.binary(self, other, "mul_", ops.mul, np.multiply)

    def div_(self, other):
        """In place: ``self <- self / other``; returns self.

        >>> import gradstep
        >>> gradstep.tensor([1.0, 2.0]).div_(2).tolist()
        [0.5, 1.0]
        """
        return inplace.binary(self, other, "div_", ops.div, np.true_divide)

    def clamp_(self, min=None, max=None):
        """In place: values limited to [min, max]; returns self.

        >>> import gradstep
        >>> gradstep.tensor([-2.0, 0.5, 2.0]).clamp_(-1.0, 1.0).tolist()
        [-1.0, 0.5, 1.0]
        """
        if min is None and max is None:
            raise ArgumentError(f"clamp_: give min, max or both (got neither, for a tensor of shape {self.shape})")
        return inplace.unary(
            self, "clamp_", lambda prev: ops.clip(prev, min, max), lambda a: np.clip(a, min, max, out=a)
        )

    def zero_(self):
        """In place: every element 0; returns self.

        >>> import gradstep
        >>> gradstep.ones(2).zero_().tolist()
        [0.0, 0.0]
        """
        return inplace.overwrite(self, "zero_", 0)

    def fill_(self, value):
        """In place: every element ``value``; returns self.

        >>> import gradstep
        >>> gradstep.zeros(2).fill_(7).tolist()
        [7.0, 7.0]
        """
        return inplace.overwrite(self, "fill_", value)

    def copy_(self, src):
        """In place: the values of ``src`` (broadcast, cast to this tensor's dtype); returns self.

        >>> import gradstep
        >>> gradstep.zeros(2, 2).copy_(gradstep.tensor([1.0, 2.0])).tolist()
        [[1.0, 2.0], [1.0, 2.0]]
        """
        return inplace.overwrite(self, "copy_", src)

    def normal_(self, mean=0.0, std=1.0, generator=None):
        """In place: samples of N(mean, std^2); ``generator`` is a seed or numpy Generator; returns self.

        >>> import gradstep
        >>> x = gradstep.zeros(1000).normal_(2.0, 0.5, generator=0)
        >>> bool(abs(x.mean().item() - 2.0) < 0.1)
        True
        """
        rng = as_generator(generator)
        return inplace.overwrite(self, "normal_", rng.normal(mean, std, self.data.shape))

    def uniform_(self, a=0.0, b=1.0, generator=None):
        """In place: samples of the uniform distribution on [a, b); returns self.

        >>> import gradstep
        >>> x = gradstep.zeros(100).uniform_(-1.0, 1.0, generator=0)
        >>> bool((x.data >= -1).all() and (x.data < 1).all())
        True
        """
        rng = as_generator(generator)
        return inplace.overwrite(self, "uniform_", rng.uniform(a, b, self.data.shape))

    # ----- methods: thin wrappers over gradstep.ops ---------------------------------
    def exp(self):
        """Elementwise e^x (``ops.exp``).

        >>> import gradstep
        >>> gradstep.tensor([0.0]).exp().tolist()
        [1.0]
        """
        return ops.exp(self)

    def log(self):
        """Elementwise natural logarithm (``ops.log``).

        >>> import gradstep
        >>> gradstep.tensor([1.0]).log().tolist()
        [0.0]
        """
        return ops.log(self)

    def sin(self):
        """Elementwise sine (``ops.sin``).

        >>> import gradstep
        >>> gradstep.tensor([0.0]).sin().tolist()
        [0.0]
        """
        return ops.sin(self)

    def cos(self):
        """Elementwise cosine (``ops.cos``).

        >>> import gradstep
        >>> gradstep.tensor([0.0]).cos().tolist()
        [1.0]
        """
        return ops.cos(self)

    def sqrt(self):
        """Elementwise square root (``ops.sqrt``).

        >>> import gradstep
        >>> gradstep.tensor([4.0, 9.0]).sqrt().tolist()
        [2.0, 3.0]
        """
        return ops.sqrt(self)

    def abs(self):
        """Elementwise absolute value (``ops.abs``; the gradient at 0 is 0).

        >>> import gradstep
        >>> gradstep.tensor([-2.0, 3.0]).abs().tolist()
        [2.0, 3.0]
        """
        return ops.abs(self)

    def pow(self, exponent):
        """Elementwise ``self ** exponent`` (``ops.pow``).

        >>> import gradstep
        >>> gradstep.tensor([2.0, 3.0]).pow(2).tolist()
        [4.0, 9.0]
        """
        return ops.pow(self, exponent)

    def clip(self, min=None, max=None):
        """Values limited to [min, max] (``ops.clip``; the gradient is 0 where clipped).

        >>> import gradstep
        >>> gradstep.tensor([-2.0, 0.5, 2.0]).clip(-1.0, 1.0).tolist()
        [-1.0, 0.5, 1.0]
        """
        return ops.clip(self, min, max)

    def maximum(self, other):
        """Elementwise maximum with ``other``, broadcasting (``ops.maximum``).

        >>> import gradstep
        >>> gradstep.tensor([-1.0, 2.0]).maximum(0.0).tolist()
        [0.0, 2.0]
        """
        return ops.maximum(self, other)

    def minimum(self, other):
        """Elementwise minimum with ``other``, broadcasting (``ops.minimum``).

        >>> import gradstep
        >>> gradstep.tensor([-1.0, 2.0]).minimum(0.0).tolist()
        [-1.0, 0.0]
        """
        return ops.minimum(self, other)

    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Sum over ``axis`` (an int, a tuple, or None for all), optionally keeping the axes (``ops.sum``).

        PyTorch's spellings ``dim=`` and ``keepdim=`` mean the same as ``axis=`` and ``keepdims=``.

        >>> import gradstep
        >>> gradstep.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0).tolist()
        [4.0, 6.0]
        >>> gradstep.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(dim=1, keepdim=True).tolist()
        [[3.0], [7.0]]
        """
        return ops.sum(self, _axis("sum", axis, dim), _keep("sum", keepdims, keepdim))

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Mean over ``axis`` (``ops.mean``); ``dim=``/``keepdim=`` as in PyTorch.

        >>> import gradstep
        >>> gradstep.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1, keepdims=True).tolist()
        [[1.5], [3.5]]
        """
        return ops.mean(self, _axis("mean", axis, dim), _keep("mean", keepdims, keepdim))

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Maximum: over everything, or PyTorch's ``max(dim)`` giving ``(values, indices)``, or NumPy's ``max(axis=)``.

        ``x.max()`` is the largest element; ``x.max(1)`` / ``x.max(dim=1)`` a
        named tuple ``(values, indices)`` as in PyTorch; ``x.max(axis=1)``
        the values only, as in NumPy; ``x.max(other_tensor)`` the elementwise
        maximum. Ties share the gradient (``ops.max``).

        >>> import gradstep
        >>> x = gradstep.tensor([[1.0, 5.0], [3.0, 4.0]])
        >>> x.max(axis=1).tolist(), x.max().item()
        ([5.0, 4.0], 5.0)
        >>> values, indices = x.max(dim=1); values.tolist(), indices.tolist()
        ([5.0, 4.0], [1, 1])
        """
        return _extremum(self, "max", ops.max, ops.maximum, np.argmax, dim, keepdim, axis, keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Minimum, with the same forms as ``max`` (``(values, indices)`` for ``min(dim)``).

        >>> import gradstep
        >>> x = gradstep.tensor([[1.0, 5.0], [3.0, 4.0]])
        >>> x.min().item(), x.min(0).indices.tolist()
        (1.0, [0, 1])
        """
        return _extremum(self, "min", ops.min, ops.minimum, np.argmin, dim, keepdim, axis, keepdims)

    def norm(self, p=2, axis=None, keepdims=False):
        """The ``p``-norm (sum |x|^p)^(1/p) over ``axis`` (all elements by default); p may be inf.

        >>> import gradstep
        >>> gradstep.tensor([3.0, -4.0]).norm().item()
        5.0
        >>> gradstep.tensor([3.0, -4.0]).norm(1).item(), gradstep.tensor([3.0, -4.0]).norm(float("inf")).item()
        (7.0, 4.0)
        """
        if p == 2:
            return ops.sqrt(ops.sum(self * self, axis, keepdims))  # ||x||_2 = sqrt(sum x^2)
        if p == float("inf"):
            return ops.max(ops.abs(self), axis, keepdims)  # ||x||_inf = max |x|
        if p == 1:
            return ops.sum(ops.abs(self), axis, keepdims)  # ||x||_1 = sum |x|
        return ops.sum(ops.abs(self) ** p, axis, keepdims) ** (1.0 / p)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Indices of the maxima (an integer tensor, not differentiable); ``dim=``/``keepdim=`` accepted.

        >>> import gradstep
        >>> gradstep.tensor([[1.0, 3.0], [4.0, 2.0]]).argmax(axis=1).tolist()
        [1, 0]
        """
        return Tensor(np.argmax(self.data, axis=_axis("argmax", axis, dim), keepdims=_keep("argmax", keepdims, keepdim)))

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        """Indices of the minima (an integer tensor, not differentiable); ``dim=``/``keepdim=`` accepted.

        >>> import gradstep
        >>> gradstep.tensor([[1.0, 3.0], [4.0, 2.0]]).argmin(dim=1).tolist()
        [0, 1]
        """
        return Tensor(np.argmin(self.data, axis=_axis("argmin", axis, dim), keepdims=_keep("argmin", keepdims, keepdim)))

    def add(self, other, alpha=1):
        """``self + alpha * other``, PyTorch's method form of ``+``.

        >>> import gradstep
        >>> gradstep.ones(2).add(gradstep.tensor([1.0, 2.0]), alpha=10).tolist()
        [11.0, 21.0]
        """
        return ops.add(self, _scaled(other, alpha))

    def sub(self, other, alpha=1):
        """``self - alpha * other``, PyTorch's method form of ``-``.

        >>> import gradstep
        >>> gradstep.ones(2).sub(gradstep.tensor([1.0, 2.0])).tolist()
        [0.0, -1.0]
        """
        return ops.sub(self, _scaled(other, alpha))

    def mul(self, other):
        """``self * other``, PyTorch's method form of ``*``.

        >>> import gradstep
        >>> gradstep.tensor([1.0, 2.0]).mul(3).tolist()
        [3.0, 6.0]
        """
        return ops.mul(self, other)

    def div(self, other):
        """``self / other``, PyTorch's method form of ``/``.

        >>> import gradstep
        >>> gradstep.tensor([1.0, 2.0]).div(2).tolist()
        [0.5, 1.0]
        """
        return ops.div(self, other)

    def matmul(self, other):
        """Matrix product ``self @ other`` (``ops.matmul``: 1-D, 2-D and batched).

        >>> import gradstep
        >>> gradstep.ones(2, 3).matmul(gradstep.ones(3, 4)).shape
        (2, 4)
        """
        return ops.matmul(self, other)

    def transpose(self, *axes):
        """Permute the axes (all reversed when none are given) (``ops.transpose``).

        >>> import gradstep
        >>> gradstep.zeros(2, 3, 4).transpose(0, 2, 1).shape
        (2, 4, 3)
        """
        return ops.transpose(self, *axes)

    def reshape(self, *shape):
        """Same data in another shape; one dimension may be -1 (``ops.reshape``).

        >>> import gradstep
        >>> gradstep.arange(6.0).reshape(2, -1).shape
        (2, 3)
        """
        return ops.reshape(self, *shape)

    def flatten(self, start_axis=0, end_axis=-1, *, start_dim=None, end_dim=None):
        """Merge axes ``start_axis`` .. ``end_axis`` into one (``ops.flatten``).

        >>> import gradstep
        >>> gradstep.zeros(8, 28, 28).flatten(1).shape
        (8, 784)
        """
        start = _axis("flatten", start_axis, start_dim, default=0)
        return ops.flatten(self, start, _axis("flatten", end_axis, end_dim, default=-1))

    def broadcast_to(self, shape):
        """Broadcast to ``shape``; the gradient is summed back (``ops.broadcast_to``).

        >>> import gradstep
        >>> gradstep.zeros(3).broadcast_to((2, 3)).shape
        (2, 3)
        """
        return ops.broadcast_to(self, shape)

    def expand_dims(self, axis):
        """Insert an axis of size 1 at ``axis`` (``ops.expand_dims``).

        >>> import gradstep
        >>> gradstep.zeros(3).expand_dims(0).shape
        (1, 3)
        """
        return ops.expand_dims(self, axis)

    def squeeze(self, axis=None, *, dim=None):
        """Remove axes of size 1 (all of them, or ``axis``) (``ops.squeeze``).

        >>> import gradstep
        >>> gradstep.zeros(3, 1).squeeze().shape
        (3,)
        """
        return ops.squeeze(self, _axis("squeeze", axis, dim))

    def sin(self):
        """Elementwise sine (``ops.sin``).

        >>> import gradstep
        >>> gradstep.tensor([0.0]).sin().tolist()
        [0.0]
        """
        return ops.sin(self)

    def cos(self):
        """Elementwise cosine (``ops.cos``).

        >>> import gradstep
        >>> gradstep.tensor([0.0]).cos().tolist()
        [1.0]
        """
        return ops.cos(self)

    def clamp(self, min=None, max=None):
        """PyTorch's name of ``clip``: values limited to [min, max].

        >>> import gradstep
        >>> gradstep.tensor([-2.0, 2.0]).clamp(min=0.0).tolist()
        [0.0, 2.0]
        """
        return ops.clip(self, min, max)

    # ----- PyTorch's shape and copy methods ---------------------------------------------
    def __iter__(self):
        """Iterate over the first dimension (each item a differentiable ``self[i]``).

        >>> import gradstep
        >>> a, b = gradstep.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> b.tolist()
        [3.0, 4.0]
        """
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self.data.shape[0]):
            yield ops.getitem(self, i)

    def numel(self):
        """Number of elements (PyTorch's name of ``size``).

        >>> import gradstep
        >>> gradstep.zeros(2, 3).numel()
        6
        """
        return self.data.size

    def dim(self):
        """Number of dimensions (PyTorch's name of ``ndim``).

        >>> import gradstep
        >>> gradstep.zeros(2, 3).dim()
        2
        """
        return self.data.ndim

    def view_as(self, other):
        """``view(other.shape)``: the same memory in ``other``'s shape, as PyTorch's ``view_as``.

        >>> import gradstep
        >>> gradstep.zeros(6).view_as(gradstep.zeros(2, 3)).shape
        (2, 3)
        """
        return self.view(*other.shape)

    def reshape_as(self, other):
        """``reshape(other.shape)``, as PyTorch's ``reshape_as``.

        >>> import gradstep
        >>> gradstep.zeros(2, 3).t().reshape_as(gradstep.zeros(6)).shape
        (6,)
        """
        return self.reshape(*other.shape)

    def view(self, *shape):
        """The same memory in another shape, as PyTorch (``ops.view``): writing into the view changes this tensor.

        A shape that the memory layout cannot give without a copy (a view of a
        transpose, say) is a ShapeError: use ``reshape``, which copies then.

        >>> import gradstep
        >>> x = gradstep.zeros(6)
        >>> v = x.view(2, 3); _ = v[1].fill_(7.0); x.tolist()
        [0.0, 0.0, 0.0, 7.0, 7.0, 7.0]
        """
        return ops.view(self, *shape)

    def permute(self, *dims):
        """The axes in the order ``dims`` (``transpose`` with axes).

        >>> import gradstep
        >>> gradstep.zeros(2, 3, 4).permute(2, 0, 1).shape
        (4, 2, 3)
        """
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        if sorted(d % max(self.data.ndim, 1) for d in dims) != list(range(self.data.ndim)):
            raise ShapeError(f"permute: dims {dims} are not a permutation of the {self.data.ndim} axes of shape {self.shape}")
        return ops.transpose(self, *dims)

    def t(self):
        """Transpose of a matrix (0-D and 1-D tensors are returned as they are, as in PyTorch).

        >>> import gradstep
        >>> gradstep.zeros(2, 3).t().shape
        (3, 2)
        """
        if self.data.ndim > 2:
            raise ShapeError(f"t: expects a tensor of at most 2 dimensions, got shape {self.shape}; use permute")
        return self if self.data.ndim < 2 else ops.transpose(self)

    def unsqueeze(self, dim):
        """Insert an axis of size 1 at ``dim`` (``expand_dims``).

        >>> import gradstep
        >>> gradstep.zeros(3).unsqueeze(1).shape
        (3, 1)
        """
        return ops.expand_dims(self, dim)

    def clone(self):
        """A copy that stays in the graph (the gradient flows back to self).

        >>> import gradstep
        >>> x = gradstep.tensor([1.0], requires_grad=True)
        >>> y = x.clone(); y.data is x.data, y.requires_grad
        (False, True)
        """
        return ops.astype(self, self.data.dtype)  # astype copies; d(copy)/dx = 1

    @property
    def device(self):
        """Always the CPU, ``device(type='cpu')``: gradstep computes with NumPy on the CPU.

        >>> import gradstep
        >>> gradstep.zeros(1).device
        device(type='cpu')
        """
        return CPU

    def cpu(self):
        """Self (gradstep tensors live on the CPU).

        >>> import gradstep
        >>> x = gradstep.zeros(1); x.cpu() is x
        True
        """
        return self

    def cuda(self, *args, **kwargs):
        """Always a DeviceError: gradstep runs on the CPU."""
        check_device("cuda", "cuda")

    def to(self, *args, **kwargs):
        """PyTorch's ``to``: a device (only the CPU), a dtype, or another tensor's dtype; self when nothing changes.

        >>> import gradstep
        >>> x = gradstep.zeros(2)
        >>> x.to("cpu") is x, x.to(gradstep.device("cpu")) is x, x.to(gradstep.float64).dtype
        (True, True, dtype('float64'))
        """
        dtype = to_arguments("to", args, kwargs)
        if dtype is None or dtype == self.data.dtype:
            return self
        return self.astype(dtype)

    def type(self, dtype=None):
        """PyTorch's ``type``: with a dtype, ``to(dtype)``; without, the tensor type's name ("gradstep.FloatTensor").

        >>> import gradstep
        >>> x = gradstep.tensor([True, False])
        >>> x.type(gradstep.float).sum().item(), x.type(gradstep.float).type()
        (1.0, 'gradstep.FloatTensor')
        """
        if dtype is None:
            return f"gradstep.{_TYPE_NAMES.get(self.data.dtype, self.data.dtype.name)}"
        return self.to(dtype)

    def sigmoid(self):
        """Logistic sigmoid 1 / (1 + e^-x), stable for large |x| (``ops.sigmoid``).

        >>> import gradstep
        >>> gradstep.tensor([0.0]).sigmoid().tolist()
        [0.5]
        """
        return ops.sigmoid(self)

    def tanh(self):
        """Hyperbolic tangent (``ops.tanh``).

        >>> import gradstep
        >>> gradstep.tensor([0.0]).tanh().tolist()
        [0.0]
        """
        return ops.tanh(self)

    def relu(self):
        """max(x, 0) (``ops.relu``; the gradient at 0 is 0).

        >>> import gradstep
        >>> gradstep.tensor([-1.0, 2.0]).relu().tolist()
        [0.0, 2.0]
        """
        return ops.relu(self)

    def leaky_relu(self, negative_slope=0.01):
        """x for x > 0, ``negative_slope * x`` otherwise (``ops.leaky_relu``).

        >>> import gradstep
        >>> gradstep.tensor([-2.0, 2.0]).leaky_relu(0.5).tolist()
        [-1.0, 2.0]
        """
        return ops.leaky_relu(self, negative_slope)

    def elu(self, alpha=1.0):
        """x for x > 0, ``alpha * (e^x - 1)`` otherwise (``ops.elu``).

        >>> import gradstep
        >>> gradstep.tensor([0.0, 2.0]).elu().tolist()
        [0.0, 2.0]
        """
        return ops.elu(self, alpha)

    def softplus(self):
        """log(1 + e^x), stable for large |x| (``ops.softplus``).

        >>> import gradstep
        >>> round(gradstep.tensor([0.0]).softplus().item(), 6)  # log 2
        0.693147
        """
        return ops.softplus(self)

    def softmax(self, axis=-1, *, dim=None):
        """e^x / sum(e^x) along ``axis`` (``ops.softmax``).

        >>> import gradstep
        >>> gradstep.tensor([[0.0, 0.0]]).softmax(axis=1).tolist()
        [[0.5, 0.5]]
        """
        return ops.softmax(self, _axis("softmax", axis, dim, default=-1))

    def log_softmax(self, axis=-1, *, dim=None):
        """x - logsumexp(x) along ``axis``, never log(softmax(x)) (``ops.log_softmax``).

        >>> import gradstep
        >>> round(gradstep.tensor([[0.0, 0.0]]).log_softmax().data[0, 0].item(), 6)  # log(1/2)
        -0.693147
        """
        return ops.log_softmax(self, _axis("log_softmax", axis, dim, default=-1))


def _axis(op, axis, dim, default=None):
    """``axis`` or its PyTorch spelling ``dim`` (giving both, differently, is an error)."""
    if dim is None:
        return axis
    if axis is not default and axis != dim:
        raise ArgumentError(f"{op}: got axis={axis!r} and dim={dim!r}; give one of them (they mean the same)")
    return dim


def _keep(op, keepdims, keepdim):
    """``keepdims`` or its PyTorch spelling ``keepdim``."""
    if keepdim is None:
        return keepdims
    if keepdims and not keepdim:
        raise ArgumentError(f"{op}: got keepdims={keepdims!r} and keepdim={keepdim!r}; give one of them")
    return bool(keepdim)


#: what ``max(dim)`` / ``min(dim)`` return, as PyTorch's torch.return_types.max
ValuesIndices = collections.namedtuple("ValuesIndices", ["values", "indices"])


def _extremum(x, op, reduce, elementwise, arg, dim, keepdim, axis, keepdims):
    """The forms of Tensor.max / Tensor.min (see Tensor.max)."""
    if isinstance(dim, Tensor):
        return elementwise(x, dim)
    if axis is not None or keepdims is not None:
        if dim is not None:
            raise ArgumentError(f"{op}: got dim={dim!r} and axis={axis!r}; give one of them")
        return reduce(x, axis, bool(keepdims))
    if dim is None:
        return reduce(x, None, False)
    if not isinstance(dim, (int, np.integer)):
        raise ArgumentError(f"{op}: dim must be an int (for several axes use axis=), got {dim!r}")
    values = reduce(x, dim, keepdim)
    return ValuesIndices(values, Tensor(arg(x.data, axis=dim, keepdims=bool(keepdim))))


def _scaled(other, alpha):
    """``alpha * other`` for add_/sub_ (``other`` itself when alpha is 1)."""
    if alpha == 1:
        return other
    return other * alpha if isinstance(other, Tensor) else np.multiply(np.asarray(other), alpha)


# Bound at the end: the ops import Tensor from this module.
from . import engine  # noqa: E402
from . import ops  # noqa: E402
from . import inplace  # noqa: E402
