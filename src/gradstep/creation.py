"""Functions that make tensors: tensor, from_numpy, zeros, ones, full, randn, rand, arange, linspace, the *_like forms.

Each accepts PyTorch's ``device=`` ("cpu" or None; any other device is a DeviceError).
"""

import numpy as np

from .devices import check_device
from .dtypes import get_default_dtype
from .errors import ArgumentError, DTypeError
from .random import as_generator
from .tensor import Tensor, _as_array


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _float_dtype(dtype):
    return np.dtype(dtype) if dtype is not None else get_default_dtype()


def tensor(data, dtype=None, requires_grad=False, device=None):
    """A new tensor holding a copy of ``data`` (a number, nested list, ndarray or Tensor).

    Python floats give the default dtype (float32), Python ints int64, ndarrays keep theirs.

    >>> import gradstep
    >>> gradstep.tensor([[1.0, 2.0]]).shape
    (1, 2)
    >>> gradstep.tensor([1, 2]).dtype
    dtype('int64')
    """
    check_device(device, "tensor")
    array = np.array(_as_array(data, dtype), copy=True)
    return Tensor(array, requires_grad=requires_grad)


def zeros(*shape, dtype=None, requires_grad=False, device=None):
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``.

    >>> import gradstep
    >>> gradstep.zeros(2, 3).shape
    (2, 3)
    """
    check_device(device, "zeros")
    return Tensor(np.zeros(_shape(shape), _float_dtype(dtype)), requires_grad=requires_grad)


def ones(*shape, dtype=None, requires_grad=False, device=None):
    """A tensor of ones.

    >>> import gradstep
    >>> gradstep.ones(2).tolist()
    [1.0, 1.0]
    """
    check_device(device, "ones")
    return Tensor(np.ones(_shape(shape), _float_dtype(dtype)), requires_grad=requires_grad)


def full(shape, fill_value, dtype=None, requires_grad=False, device=None):
    """A tensor filled with one value.

    >>> import gradstep
    >>> gradstep.full((2,), 7.0).tolist()
    [7.0, 7.0]
    """
    check_device(device, "full")
    return Tensor(np.full(_shape((shape,)), fill_value, _float_dtype(dtype)), requires_grad=requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False, device=None):
    """The n x m matrix with ones on the diagonal (m = n when left out), as PyTorch's ``eye``.

    >>> import gradstep
    >>> gradstep.eye(2, 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    check_device(device, "eye")
    return Tensor(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def empty(*shape, dtype=None, requires_grad=False, device=None):
    """PyTorch's ``empty``: a new tensor of ``shape`` to be filled; here its entries are 0 (never leftover memory).

    >>> import gradstep
    >>> gradstep.empty(2, 3).uniform_(0, 1).shape
    (2, 3)
    """
    check_device(device, "empty")
    return Tensor(np.zeros(_shape(shape), _float_dtype(dtype)), requires_grad=requires_grad)


def randint(low, high=None, size=None, dtype=None, device=None, seed=None):
    """Integers drawn uniformly from [low, high) (``randint(high, size)`` draws from [0, high)), int64 by default.

    >>> import gradstep
    >>> x = gradstep.randint(0, 10, (100,), seed=0)
    >>> x.dtype, bool((x.data >= 0).all() and (x.data < 10).all())
    (dtype('int64'), True)
    >>> gradstep.randint(3, (2, 2), seed=0).shape
    (2, 2)
    """
    check_device(device, "randint")
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise ArgumentError("randint: expected randint(low, high, size) or randint(high, size), size a tuple")
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=...)
        low, high = 0, low
    if high is None or not low < high:
        raise ArgumentError(f"randint: need low < high, got low={low}, high={high}")
    dtype = np.dtype(np.int64 if dtype is None else dtype)
    return Tensor(as_generator(seed).integers(low, high, size=_shape((size,)), dtype=np.int64).astype(dtype, copy=False))


def randperm(n, dtype=None, device=None, seed=None):
    """A random permutation of 0..n-1 (int64), as PyTorch's ``randperm``.

    >>> import gradstep
    >>> sorted(gradstep.randperm(5, seed=0).tolist())
    [0, 1, 2, 3, 4]
    """
    check_device(device, "randperm")
    return Tensor(as_generator(seed).permutation(n).astype(np.int64 if dtype is None else dtype, copy=False))


def randn(*shape, dtype=None, requires_grad=False, device=None, seed=None):
    """Samples of the standard normal distribution; ``seed`` is an int or numpy Generator.

    >>> import gradstep
    >>> bool((gradstep.randn(3, seed=0).data == gradstep.randn(3, seed=0).data).all())
    True
    """
    check_device(device, "randn")
    rng = as_generator(seed)
    return Tensor(rng.standard_normal(_shape(shape), dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def rand(*shape, dtype=None, requires_grad=False, device=None, seed=None):
    """Samples of the uniform distribution on [0, 1).

    >>> import gradstep
    >>> x = gradstep.rand(100, seed=0); bool((x.data >= 0).all() and (x.data < 1).all())
    True
    """
    check_device(device, "rand")
    rng = as_generator(seed)
    return Tensor(rng.random(_shape(shape), dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False, device=None):
    """Evenly spaced values in [start, stop): integers for integer arguments, floats otherwise.

    >>> import gradstep
    >>> gradstep.arange(3).tolist()
    [0, 1, 2]
    >>> gradstep.arange(0.0, 1.0, 0.5).dtype
    dtype('float32')
    """
    check_device(device, "arange")
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = np.int64 if is_int else get_default_dtype()
    return Tensor(np.arange(start, stop, step, dtype=dtype), requires_grad=requires_grad)


def zeros_like(other, dtype=None, requires_grad=False, device=None):
    """Zeros with the shape (and dtype) of ``other``.

    >>> import gradstep
    >>> gradstep.zeros_like(gradstep.ones(2, 2)).shape
    (2, 2)
    """
    check_device(device, "zeros_like")
    data = _as_array(other)
    return Tensor(np.zeros(data.shape, dtype or data.dtype), requires_grad=requires_grad)


def ones_like(other, dtype=None, requires_grad=False, device=None):
    """Ones with the shape (and dtype) of ``other``.

    >>> import gradstep
    >>> gradstep.ones_like(gradstep.zeros(2)).tolist()
    [1.0, 1.0]
    """
    check_device(device, "ones_like")
    data = _as_array(other)
    return Tensor(np.ones(data.shape, dtype or data.dtype), requires_grad=requires_grad)


def randn_like(other, dtype=None, requires_grad=False, device=None, seed=None):
    """Standard normal samples with the shape of ``other`` (its dtype when floating).

    >>> import gradstep
    >>> gradstep.randn_like(gradstep.zeros(2, 3), seed=0).shape
    (2, 3)
    """
    check_device(device, "randn_like")
    data = _as_array(other)
    dtype = dtype or (data.dtype if data.dtype.kind == "f" else None)
    return randn(*data.shape, dtype=dtype, requires_grad=requires_grad, seed=seed)


def rand_like(other, dtype=None, requires_grad=False, device=None, seed=None):
    """Uniform [0, 1) samples with the shape of ``other``.

    >>> import gradstep
    >>> gradstep.rand_like(gradstep.zeros(4), seed=0).shape
    (4,)
    """
    check_device(device, "rand_like")
    data = _as_array(other)
    dtype = dtype or (data.dtype if data.dtype.kind == "f" else None)
    return rand(*data.shape, dtype=dtype, requires_grad=requires_grad, seed=seed)


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    """``steps`` evenly spaced values from start to end, both included (float32 by default).

    >>> import gradstep
    >>> gradstep.linspace(0.0, 1.0, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    check_device(device, "linspace")
    return Tensor(np.linspace(start, end, steps, dtype=_float_dtype(dtype)), requires_grad=requires_grad)


def from_numpy(array):
    """A tensor sharing ``array``'s memory and dtype (as PyTorch's from_numpy; ``tensor`` copies).

    >>> import numpy as np, gradstep
    >>> a = np.zeros(2); t = gradstep.from_numpy(a); t.data is a, t.dtype
    (True, dtype('float64'))
    """
    if not isinstance(array, np.ndarray):
        raise DTypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor(array)
