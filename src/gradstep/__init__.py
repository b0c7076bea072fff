"""gradstep: learning with gradient descent, from the chain rule up.

>>> import gradstep
>>> x = gradstep.tensor(1.0, requires_grad=True)
>>> y = 1 / (1 + (-x).exp())
>>> y.backward()
>>> round(y.item(), 7), round(float(x.grad), 7)
(0.7310586, 0.1966119)
"""

from .creation import arange, full, ones, ones_like, rand, rand_like, randn, randn_like, tensor, zeros, zeros_like
from .dtypes import get_default_dtype, set_default_dtype
from . import errors
from .errors import (
    ArgumentError, DataError, DTypeError, GradcheckError, GradstepError, GraphFreedError, IndexingError, InplaceError,
    NotFittedError, ShapeError, TrainingDivergedError,
)  # fmt: skip
from .errors import CompileError, CompileWarning
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import gradcheck
from .random import manual_seed
from .tensor import Tensor
from . import ops
from . import autograd, func, numerical
from . import data, nn, optim, train  # the core packages need only NumPy
from .compile import compile  # noqa: A004  the function; the package is gradstep/compile/

__version__ = "0.1.0"

__all__ = [
    "Tensor", "tensor", "zeros", "ones", "full", "randn", "rand", "arange",
    "zeros_like", "ones_like", "randn_like", "rand_like",
    "no_grad", "enable_grad", "is_grad_enabled",
    "set_default_dtype", "get_default_dtype", "manual_seed", "gradcheck",
    "errors", "GradstepError", "ShapeError", "ArgumentError", "DTypeError", "GraphFreedError", "GradcheckError",
    "DataError", "NotFittedError", "TrainingDivergedError",
    "CompileError", "CompileWarning", "compile",
    "IndexingError", "InplaceError",
    "ops", "nn", "optim", "data", "train", "autograd", "func", "numerical",
]  # fmt: skip
