"""gradstep: learning with gradient descent, from the chain rule up.

>>> import gradstep
>>> x = gradstep.tensor(1.0, requires_grad=True)
>>> y = 1 / (1 + (-x).exp())
>>> y.backward()
>>> round(y.item(), 7), round(x.grad.item(), 7)
(0.7310586, 0.1966119)
"""

from .creation import (
    arange, empty, eye, from_numpy, full, linspace, ones, ones_like, rand, rand_like, randint, randn, randn_like, randperm,
    tensor, zeros, zeros_like,
)  # fmt: skip
from .devices import device, get_default_device, set_default_device
from .dtypes import get_default_dtype, set_default_dtype
from .dtypes import bool_ as bool, double, float16, float32, float64, float_ as float, half, int8, int16, int32  # noqa: A001
from .dtypes import int64, int_ as int, long, short, uint8  # noqa: A001  PyTorch's dtype names
from . import errors
from .errors import (
    ArgumentError, DataError, DeviceError, DTypeError, GradcheckError, GradstepError, GraphFreedError, IndexingError,
    InplaceError, NotFittedError, ShapeError, TrainingDivergedError,
)  # fmt: skip
from .errors import CompileError, CompileWarning
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck
from .random import manual_seed
from .tensor import Size, Tensor
from .tensor_functions import (  # noqa: A004  PyTorch's module-level functions (sum, max, ... as in torch)
    abs, add, argmax, argmin, cat, clamp, clone, cos, div, equal, exp, flatten, log, log_softmax, matmul, max, maximum,
    mean, min, minimum, mul, neg, numel, permute, pow, relu, reshape, sigmoid, sin, softmax, sqrt, squeeze, stack, sub,
    sum, tanh, transpose, unsqueeze, where,
)  # fmt: skip
from . import ops
from . import accelerator, autograd, cuda, func, numerical, utils
from . import data, nn, optim, train  # the core packages need only NumPy
from .compile import compile  # noqa: A004  the function; the package is gradstep/compile/
from .serialization import load, save  # state dicts as safetensors + JSON, never pickle

__version__ = "0.1.0"

__all__ = [
    "Tensor", "Size", "tensor", "from_numpy", "zeros", "ones", "full", "empty", "eye", "randn", "rand", "randint", "randperm",
    "arange",
    "linspace",
    "zeros_like", "ones_like", "randn_like", "rand_like",
    # PyTorch's module-level functions (those named like Python builtins, sum max min abs pow, stay out of *)
    "add", "sub", "mul", "div", "neg", "exp", "log", "sqrt", "sin", "cos", "sigmoid", "tanh", "relu",
    "maximum", "minimum", "where", "clamp", "matmul", "mean", "argmax", "argmin", "softmax", "log_softmax",
    "cat", "stack", "reshape", "flatten", "squeeze", "unsqueeze", "permute", "transpose", "clone", "numel", "equal",
    # dtype names (float, int, bool stay out of *: they would hide Python's)
    "float32", "float64", "double", "float16", "half", "int64", "long", "int32", "int16", "short", "int8", "uint8",
    "no_grad", "enable_grad", "is_grad_enabled", "inference_mode", "set_grad_enabled",
    "set_default_dtype", "get_default_dtype", "manual_seed", "gradcheck",
    "device", "get_default_device", "set_default_device", "cuda", "accelerator", "utils",
    "errors", "GradstepError", "ShapeError", "ArgumentError", "DTypeError", "GraphFreedError", "GradcheckError",
    "DataError", "NotFittedError", "TrainingDivergedError",
    "CompileError", "CompileWarning", "compile", "save", "load",
    "IndexingError", "InplaceError", "DeviceError",
    "ops", "nn", "optim", "data", "train", "autograd", "func", "numerical",
]  # fmt: skip
