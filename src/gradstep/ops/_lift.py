"""Turning the operands of an op into Tensors (Python numbers take the tensor's float dtype)."""

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor, _as_array


def as_tensor(value, like=None):
    """``value`` as a Tensor; a Python number or list takes ``like``'s floating dtype.

    So ``x * 2.0`` stays float32 when x is float32 (no silent upcast).

    >>> import numpy as np, gradstep
    >>> x = gradstep.tensor(np.ones(2, np.float64))
    >>> as_tensor(2.0, like=x).dtype
    dtype('float64')
    """
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return Tensor(value)
    array = np.asarray(value)
    if array.dtype.kind in "iub" and (like is None or like.data.dtype.kind not in "fc"):
        return Tensor(array)
    dtype = like.data.dtype if like is not None and like.data.dtype.kind in "fc" else get_default_dtype()
    return Tensor(_as_array(array, dtype))


def lift_pair(a, b):
    """Both operands of a binary op as Tensors, constants taking the other's dtype.

    >>> import numpy as np, gradstep
    >>> a, b = lift_pair(2.0, gradstep.tensor(np.ones(2)))
    >>> a.dtype, b.dtype
    (dtype('float64'), dtype('float64'))
    >>> a, b = lift_pair(gradstep.arange(2), gradstep.tensor([0.5, 1.5]))  # int64 with float32
    >>> a.dtype, b.dtype
    (dtype('float32'), dtype('float32'))
    """
    if not isinstance(a, Tensor):
        a = as_tensor(a, like=b if isinstance(b, Tensor) else None)
    if not isinstance(b, Tensor):
        b = as_tensor(b, like=a)
    if a.data.dtype is not b.data.dtype:
        # an integer or boolean operand takes the floating operand's dtype (as in PyTorch),
        # where NumPy would promote int64 with float32 to float64
        kind_a, kind_b = a.data.dtype.kind, b.data.dtype.kind
        if kind_a in "fc" and kind_b in "iub":
            b = Tensor(b.data.astype(a.data.dtype))
        elif kind_b in "fc" and kind_a in "iub":
            a = Tensor(a.data.astype(b.data.dtype))
    return a, b
