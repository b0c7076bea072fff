"""Every differentiable op, as functions on Tensors. One file per family; ``registry`` lists them all.

>>> import gradstep
>>> from gradstep import ops
>>> ops.relu(gradstep.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""

from ..function import registry
from .activation import elu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
from .elementwise import abs, add, astype, clip, cos, div, exp, log, maximum, minimum, mul, neg, pow, sin, sqrt, sub, where
from .linalg import linear, linear_relu, matmul, transpose
from . import loss  # noqa: F401  the fused losses; called through gradstep.nn.functional
from .reduce import max, mean, min, sum
from .shape import broadcast_to, concatenate, expand_dims, flatten, getitem, index_put, reshape, squeeze, stack, view

__all__ = [
    "registry",
    "add", "sub", "mul", "div", "neg", "pow", "exp", "log", "sin", "cos", "sqrt", "abs",
    "maximum", "minimum", "clip", "where", "astype",
    "sum", "mean", "max", "min",
    "matmul", "transpose", "linear", "linear_relu",
    "reshape", "view", "flatten", "getitem", "index_put", "concatenate", "stack", "broadcast_to", "expand_dims", "squeeze",
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softmax", "log_softmax",
]  # fmt: skip
