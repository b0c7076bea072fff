"""Layers: Linear, Sequential, ModuleList, Flatten, Dropout, BatchNorm1d."""

import numpy as np

from .. import ops
from ..dtypes import get_default_dtype
from ..random import as_generator
from . import functional as F
from . import init as initializers
from .activations import ReLU
from .errors import ArgumentError
from .module import Module, Parameter, _structure


class Linear(Module):
    """Fully connected layer y = x W^T + b with W of shape (out_features, in_features), as in PyTorch.

    The weight's layout is PyTorch's, so a state dict moves between the two
    libraries as it is and ``weight[:, i]`` holds the weights of input i. (The
    course's y = x W + b uses W of shape (in_features, out_features), which is
    ``layer.weight.T``.)

    ``init`` picks the weight initialiser: "default" (PyTorch's: W and b from
    U(-1/sqrt(in_features), 1/sqrt(in_features)), i.e. he_uniform with
    a = sqrt(5)), or a name from ``gradstep.nn.init`` ("he_uniform",
    "he_normal", "xavier_uniform", "xavier_normal", "lecun_normal", "normal",
    "uniform", "zeros", ...), or a callable ``f(tensor, seed=...)`` that
    fills the weight in place. With any init other than "default" the bias
    starts at zero. ``seed`` (int or Generator) makes the init reproducible.

    >>> import gradstep
    >>> layer = Linear(3, 2, seed=0)
    >>> layer.weight.shape, layer.bias.shape
    ((2, 3), (2,))
    >>> layer(gradstep.ones(4, 3)).shape
    (4, 2)
    """

    def __init__(self, in_features, out_features, bias=True, init="default", seed=None, dtype=None):
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ArgumentError(f"Linear: {name} must be a positive integer, got {value!r}")
        dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
        self.in_features, self.out_features = int(in_features), int(out_features)
        rng = as_generator(seed)
        # (out, in) as PyTorch, stored in Fortran order (the transpose of a C-ordered (in, out) array): the
        # forward X W^T and dL/dW = G^T X then run as BLAS's fast untransposed products (on OpenBLAS a
        # row-major A B^T is up to 1.7x slower than A B), the first layer never needs the slow one
        self.weight = Parameter(np.empty((in_features, out_features), dtype).T)
        self.bias = Parameter(np.zeros(out_features, dtype)) if bias else None
        if isinstance(init, str) and init == "default":
            initializers.default_linear(self.weight, in_features, seed=rng)
            if self.bias is not None:
                initializers.default_linear(self.bias, in_features, seed=rng)
        else:
            initializers.get(init)(self.weight, seed=rng)

    def forward(self, x):
        return ops.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Sequential(Module):
    """Layers applied one after the other; parameters are named "0.weight", "0.bias", "2.weight", ...

    Supports indexing (an int gives the layer, a slice a new Sequential
    sharing the layers), ``len``, iteration and ``append``. As in PyTorch, a
    dict (``OrderedDict``) of layers names them: ``Sequential(OrderedDict(fc1=Linear(4, 8)))``
    has ``model.fc1`` and parameters "fc1.weight", "fc1.bias".

    A ``Linear`` followed by a ``ReLU`` runs as one fused node,
    ``ops.linear_relu`` (the activation written over the product: one array and
    one node less per layer, the same values and gradients to the last bit).
    The pre-activation is never visible inside a Sequential, so nothing can
    tell the difference but the graph, which shows one ``linear_relu`` node.

    >>> import gradstep
    >>> from gradstep import nn
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    >>> len(model), type(model[1]).__name__, len(model[:2])
    (3, 'ReLU', 2)
    >>> model(gradstep.ones(5, 4)).shape
    (5, 3)
    >>> model[:2](gradstep.ones(5, 4, requires_grad=True))._ctx.fn.name
    'linear_relu'
    """

    def __init__(self, *layers):
        super().__init__()
        named = len(layers) == 1 and isinstance(layers[0], dict)
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        self._layers, self._names = [], []
        for name, layer in layers[0].items() if named else enumerate(layers):
            self._add(str(name) if not named else name, layer)

    def _add(self, name, layer):
        if not isinstance(layer, Module):
            raise ArgumentError(f"Sequential: layers must be Modules, got {type(layer).__name__} at position {len(self._layers)}")
        if not isinstance(name, str) or not name or "." in name or name in self._names:
            raise ArgumentError(f"Sequential: layer names must be distinct non-empty strings without '.', got {name!r}")
        self._layers.append(layer)
        self._names.append(name)
        _structure[0] += 1  # a compiled step re-traces

    def _members(self):
        yield from zip(self._names, self._layers)

    def __getattr__(self, name):
        # the named layers of Sequential(OrderedDict(...)) as attributes, as PyTorch
        names = self.__dict__.get("_names")
        if names is not None and name in names:
            return self._layers[names.index(name)]
        return super().__getattr__(name)

    def append(self, layer):
        """Add a layer at the end; returns self.

        >>> from gradstep import nn
        >>> len(nn.Sequential().append(nn.ReLU()))
        1
        """
        self._add(str(len(self._layers)), layer)
        return self

    def forward(self, x):
        layers = self._layers
        i, n = 0, len(layers)
        while i < n:
            layer = layers[i]
            if i + 1 < n and _fusable(layer, layers[i + 1]):
                x = ops.linear_relu(x, layer.weight, layer.bias)  # relu(x W^T + b), one node
                i += 2
            else:
                x = layer(x)
                i += 1
        return x

    def __getitem__(self, index):
        if isinstance(index, slice):  # the layers keep their names, as in PyTorch
            return Sequential(dict(zip(self._names[index], self._layers[index])))
        return self._layers[index]

    def __len__(self):
        return len(self._layers)

    def __iter__(self):
        return iter(self._layers)


def _fusable(first, second):
    """A plain Linear then a plain ReLU, neither with a forward replaced on the instance (as summary() does)."""
    return (
        type(first) is Linear and type(second) is ReLU
        and "forward" not in first.__dict__ and "forward" not in second.__dict__
    )  # fmt: skip


class ModuleList(Module):
    """A list of modules whose parameters are found (named "0.weight", ...); has no forward of its own.

    >>> from gradstep import nn
    >>> blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> len(blocks), len(list(blocks.parameters()))
    (3, 6)
    """

    def __init__(self, modules=()):
        super().__init__()
        self._items = []
        self.extend(modules)

    def _members(self):
        for i, module in enumerate(self._items):
            yield str(i), module

    def append(self, module):
        """Add a module at the end; returns self.

        >>> from gradstep import nn
        >>> len(nn.ModuleList().append(nn.Linear(2, 2)))
        1
        """
        if not isinstance(module, Module):
            raise ArgumentError(f"ModuleList: items must be Modules, got {type(module).__name__}")
        self._items.append(module)
        _structure[0] += 1  # a compiled step re-traces
        return self

    def extend(self, modules):
        """Add several modules; returns self.

        >>> from gradstep import nn
        >>> len(nn.ModuleList([nn.ReLU()]).extend([nn.Tanh(), nn.Sigmoid()]))
        3
        """
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(self._items[index])
        return self._items[index]

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)


class Flatten(Module):
    """Flatten axes start_dim..end_dim into one (default: all but the batch axis).

    >>> import gradstep
    >>> Flatten()(gradstep.zeros(2, 3, 4)).shape
    (2, 12)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return ops.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability p and scale the rest by 1/(1-p).

    The expected activation is unchanged, so evaluation (``model.eval()``)
    passes the input through untouched. ``p`` is the probability of DROPPING;
    TensorFlow 1 and the course notes use ``keep_prob``, and ``p = 1 - keep_prob``.
    ``seed`` (int or Generator) fixes the sequence of masks; None uses the
    default generator of ``gradstep.manual_seed`` at each call.

    >>> import gradstep
    >>> drop = Dropout(0.5, seed=0)
    >>> sorted(set(drop(gradstep.ones(10)).tolist()))
    [0.0, 2.0]
    >>> drop.eval()(gradstep.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, p=0.5, seed=None):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ArgumentError(f"Dropout: p is the probability of dropping an element and must be in [0, 1], got {p}")
        self.p = p
        self.rng = None if seed is None else as_generator(seed)

    def forward(self, x):
        return F.dropout(x, self.p, self.training, seed=self.rng)

    def extra_repr(self):
        return f"p={self.p}"


class BatchNorm1d(Module):
    """Batch normalisation of each feature of (N, C) or (N, C, L) input.

    Training: normalise with the batch's mean and (biased) variance and update
    the running statistics, r <- (1 - momentum) r + momentum * batch_stat
    (unbiased variance, as PyTorch). Eval: normalise with the running
    statistics. Then y = weight * x_hat + bias when ``affine``.

    >>> import gradstep
    >>> bn = BatchNorm1d(2)
    >>> y = bn(gradstep.tensor([[1.0, 10.0], [3.0, 30.0]]))
    >>> y.data.round(3).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    >>> bn.running_mean.tolist()
    [0.20000000298023224, 2.0]
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, dtype=None):
        super().__init__()
        if not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ArgumentError(f"BatchNorm1d: num_features must be a positive integer, got {num_features!r}")
        if not 0.0 <= momentum <= 1.0:
            raise ArgumentError(f"BatchNorm1d: momentum must be in [0, 1], got {momentum}")
        dtype = np.dtype(dtype) if dtype is not None else get_default_dtype()
        self.num_features, self.eps, self.momentum, self.affine = int(num_features), eps, momentum, affine
        self.weight = Parameter(np.ones(num_features, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_features, dtype)) if affine else None
        self.register_buffer("running_mean", np.zeros(num_features, dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype))

    def forward(self, x):
        return F.batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            training=self.training, momentum=self.momentum, eps=self.eps,
        )  # fmt: skip

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}"
