"""The default floating dtype (float32, as in PyTorch) used for Python numbers and lists."""

import numpy as np

from .errors import DTypeError

_default_dtype = np.dtype(np.float32)


def set_default_dtype(dtype):
    """Set the floating dtype of tensors built from Python numbers and lists.

    >>> import gradstep, numpy as np
    >>> gradstep.set_default_dtype(np.float64)
    >>> gradstep.tensor([1.0]).dtype
    dtype('float64')
    >>> gradstep.set_default_dtype(np.float32)
    """
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise DTypeError(f"set_default_dtype: expected a floating dtype (float32 or float64), got {dtype}")
    _default_dtype = dtype


def get_default_dtype():
    """Return the floating dtype used for Python numbers and lists.

    >>> import gradstep
    >>> gradstep.get_default_dtype()
    dtype('float32')
    """
    return _default_dtype
