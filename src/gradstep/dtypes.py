"""dtypes: the default floating dtype (float32, as in PyTorch), PyTorch's dtype names.

``gradstep.float32``, ``gradstep.float`` (= float32), ``gradstep.float64`` /
``double``, ``float16`` / ``half``, ``int64`` / ``long``, ``int32`` / ``int``,
``int16``, ``int8``, ``uint8`` and ``bool`` are NumPy dtypes, so they work
wherever a dtype does (``tensor(..., dtype=gradstep.float64)``, ``x.dtype == gradstep.int64``).
"""

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


# PyTorch's dtype names
float32 = float_ = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
float16 = half = np.dtype(np.float16)
int64 = long = np.dtype(np.int64)
int32 = int_ = np.dtype(np.int32)
int16 = short = np.dtype(np.int16)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)

