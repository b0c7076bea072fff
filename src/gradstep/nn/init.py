"""Weight initialisers: each fills a Tensor or Parameter in place (on ``.data``) and returns it.

Weights are stored as PyTorch stores them, (out_features, in_features),
because ``nn.Linear`` computes y = x W^T + b, so ``fan_in = shape[1]`` and
``fan_out = shape[0]``. For a 1-D tensor (a bias) fan_in = fan_out = its
length; for more than two dimensions the trailing axes multiply into both fans
(receptive field size), as in ``torch.nn.init``.

Every random initialiser takes ``seed``: an int, a ``numpy.random.Generator``,
or None for the default generator that ``gradstep.manual_seed`` sets.
"""

import math

from ..random import as_generator
from ..tensor import Tensor
from .errors import ArgumentError


def _array(tensor, op):
    if not isinstance(tensor, Tensor):
        raise ArgumentError(f"init.{op}: expected a Tensor or Parameter to fill in place, got {type(tensor).__name__}")
    return tensor.data


def fans(shape):
    """(fan_in, fan_out) of a weight of ``shape`` = (out_features, in_features, *receptive field).

    >>> fans((128, 784))   # nn.Linear(784, 128).weight
    (784, 128)
    """
    if len(shape) == 0:
        raise ArgumentError("init.fans: a 0-d tensor has no fan-in or fan-out")
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fill_uniform(tensor, bound, seed, op):
    data = _array(tensor, op)
    rng = as_generator(seed)
    data[...] = rng.uniform(-bound, bound, data.shape)
    return tensor


def _fill_normal(tensor, std, seed, op, mean=0.0):
    data = _array(tensor, op)
    rng = as_generator(seed)
    data[...] = rng.normal(mean, std, data.shape)
    return tensor


def zeros(tensor):
    """Fill with 0.

    >>> import gradstep
    >>> zeros(gradstep.ones(2)).tolist()
    [0.0, 0.0]
    """
    _array(tensor, "zeros").fill(0)
    return tensor


def ones(tensor):
    """Fill with 1.

    >>> import gradstep
    >>> ones(gradstep.zeros(2)).tolist()
    [1.0, 1.0]
    """
    _array(tensor, "ones").fill(1)
    return tensor


def constant(tensor, value):
    """Fill with ``value``.

    >>> import gradstep
    >>> constant(gradstep.zeros(2), 0.5).tolist()
    [0.5, 0.5]
    """
    _array(tensor, "constant").fill(value)
    return tensor


def normal(tensor, mean=0.0, std=1.0, seed=None):
    """Samples of N(mean, std^2): Var = std^2.

    >>> import gradstep
    >>> normal(gradstep.zeros(1000), std=0.1, seed=0).data.std().round(1)
    np.float32(0.1)
    """
    if std < 0:
        raise ArgumentError(f"init.normal: std must be >= 0, got {std}")
    return _fill_normal(tensor, std, seed, "normal", mean)


def uniform(tensor, low=0.0, high=1.0, seed=None):
    """Samples of U(low, high): Var = (high - low)^2 / 12.

    >>> import gradstep
    >>> x = uniform(gradstep.zeros(100), -1.0, 1.0, seed=0)
    >>> bool((x.data >= -1).all() and (x.data < 1).all())
    True
    """
    if not low <= high:
        raise ArgumentError(f"init.uniform: need low <= high, got low={low}, high={high}")
    data = _array(tensor, "uniform")
    data[...] = as_generator(seed).uniform(low, high, data.shape)
    return tensor


def xavier_uniform(tensor, gain=1.0, seed=None):
    """Glorot/Xavier uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), so Var = gain^2 * 2 / (fan_in + fan_out).

    Keeps the variance of activations and of gradients about constant through
    layers with tanh/sigmoid-like (linear near 0) activations.

    >>> import gradstep
    >>> w = xavier_uniform(gradstep.zeros(300, 100), seed=0)
    >>> bool(abs(w.data).max() <= (6 / 400) ** 0.5)
    True
    """
    fan_in, fan_out = fans(_array(tensor, "xavier_uniform").shape)
    return _fill_uniform(tensor, gain * math.sqrt(6.0 / (fan_in + fan_out)), seed, "xavier_uniform")


def xavier_normal(tensor, gain=1.0, seed=None):
    """Glorot/Xavier normal: N(0, std^2) with Var = std^2 = gain^2 * 2 / (fan_in + fan_out).

    >>> import gradstep
    >>> round(float(xavier_normal(gradstep.zeros(300, 100), seed=0).data.var()), 3)
    0.005
    """
    fan_in, fan_out = fans(_array(tensor, "xavier_normal").shape)
    return _fill_normal(tensor, gain * math.sqrt(2.0 / (fan_in + fan_out)), seed, "xavier_normal")


def calculate_gain(nonlinearity, param=None):
    """PyTorch's ``calculate_gain``: the factor by which ``nonlinearity`` scales the standard deviation to keep.

    linear / identity / sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu
    sqrt(2 / (1 + slope^2)) (slope ``param``, 0.01 when None), selu 3/4.

    >>> round(calculate_gain("relu"), 6), calculate_gain("tanh"), round(calculate_gain("leaky_relu", 0.2), 6)
    (1.414214, 1.6666666666666667, 1.38675)
    """
    if nonlinearity in ("linear", "identity", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ArgumentError(f"init.calculate_gain: the negative slope must be a number, got {slope!r}")
        return math.sqrt(2.0 / (1.0 + slope * slope))  # a = 0 is ReLU's sqrt(2)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ArgumentError(
        f"init.calculate_gain: unknown nonlinearity {nonlinearity!r}; "
        "choose linear, identity, sigmoid, tanh, relu, leaky_relu or selu"
    )


def _kaiming_std(tensor, a, mode, nonlinearity, op):
    """gain / sqrt(fan) of He/Kaiming initialisation, fan = fan_in (keeps forward variance) or fan_out (backward)."""
    if mode not in ("fan_in", "fan_out"):
        raise ArgumentError(f"init.{op}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fans(_array(tensor, op).shape)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def he_uniform(tensor, a=0.0, seed=None):
    """He/Kaiming uniform: U(-b, b) with b = gain * sqrt(3 / fan_in), gain = sqrt(2 / (1 + a^2)), so Var = gain^2 / fan_in.

    For ReLU (a = 0) Var = 2 / fan_in, which keeps the variance of activations
    constant through ReLU layers. ``a`` is the negative slope of a leaky ReLU;
    ``a = sqrt(5)`` gives b = 1 / sqrt(fan_in), PyTorch's default for Linear.

    >>> import gradstep
    >>> w = he_uniform(gradstep.zeros(100, 600), seed=0)   # (out, in): fan_in = 600
    >>> bool(abs(w.data).max() <= (6 / 600) ** 0.5)
    True
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, "fan_in", "leaky_relu", "he_uniform")  # Var(U(-b, b)) = b^2 / 3
    return _fill_uniform(tensor, bound, seed, "he_uniform")


def he_normal(tensor, a=0.0, seed=None):
    """He/Kaiming normal: N(0, std^2) with Var = std^2 = gain^2 / fan_in, gain = sqrt(2 / (1 + a^2)) (2 / fan_in for ReLU).

    >>> import gradstep
    >>> round(float(he_normal(gradstep.zeros(200, 400), seed=0).data.var()), 3)   # (out, in): fan_in = 400
    0.005
    """
    return _fill_normal(tensor, _kaiming_std(tensor, a, "fan_in", "leaky_relu", "he_normal"), seed, "he_normal")


def lecun_normal(tensor, seed=None):
    """LeCun normal: N(0, std^2) with Var = 1 / fan_in (for SELU, and the classic choice for tanh).

    >>> import gradstep
    >>> round(float(lecun_normal(gradstep.zeros(200, 400), seed=0).data.var()), 4)
    0.0025
    """
    fan_in, _ = fans(_array(tensor, "lecun_normal").shape)
    return _fill_normal(tensor, 1.0 / math.sqrt(fan_in), seed, "lecun_normal")


def default_linear(tensor, fan_in, seed=None):
    """PyTorch's default for Linear weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), Var = 1 / (3 fan_in).

    This is he_uniform with a = sqrt(5); for a bias, ``fan_in`` is the layer's
    in_features (not the bias length), as in PyTorch.

    >>> import gradstep
    >>> b = default_linear(gradstep.zeros(10), fan_in=4, seed=0)
    >>> bool(abs(b.data).max() <= 0.5)
    True
    """
    return _fill_uniform(tensor, 1.0 / math.sqrt(fan_in), seed, "default_linear")



# ----- PyTorch's names and signatures (torch.nn.init): the same fills, ``generator`` for the seed -----


def zeros_(tensor):
    """PyTorch's ``zeros_``: ``zeros``.

    >>> import gradstep
    >>> zeros_(gradstep.ones(2)).tolist()
    [0.0, 0.0]
    """
    return zeros(tensor)


def ones_(tensor):
    """PyTorch's ``ones_``: ``ones``.

    >>> import gradstep
    >>> ones_(gradstep.zeros(2)).tolist()
    [1.0, 1.0]
    """
    return ones(tensor)


def constant_(tensor, val):
    """PyTorch's ``constant_``: ``constant``.

    >>> import gradstep
    >>> constant_(gradstep.zeros(2), 0.5).tolist()
    [0.5, 0.5]
    """
    return constant(tensor, val)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """PyTorch's ``normal_``: samples of N(mean, std^2); ``generator`` is a seed or ``numpy.random.Generator``.

    >>> import gradstep
    >>> round(float(normal_(gradstep.zeros(10000), 1.0, 2.0, generator=0).data.std()), 1)
    2.0
    """
    return normal(tensor, mean, std, seed=generator)


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """PyTorch's ``uniform_``: samples of U(a, b).

    >>> import gradstep
    >>> bool((uniform_(gradstep.zeros(100), -2.0, 2.0, generator=0).data >= -2).all())
    True
    """
    return uniform(tensor, a, b, seed=generator)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """PyTorch's ``xavier_uniform_``: ``xavier_uniform``.

    >>> import gradstep
    >>> bool(abs(xavier_uniform_(gradstep.zeros(300, 100), generator=0).data).max() <= (6 / 400) ** 0.5)
    True
    """
    return xavier_uniform(tensor, gain, seed=generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """PyTorch's ``xavier_normal_``: ``xavier_normal``.

    >>> import gradstep
    >>> round(float(xavier_normal_(gradstep.zeros(300, 100), generator=0).data.var()), 3)
    0.005
    """
    return xavier_normal(tensor, gain, seed=generator)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """PyTorch's ``kaiming_uniform_``: U(-b, b), b = sqrt(3) * gain / sqrt(fan), gain = ``calculate_gain(nonlinearity, a)``.

    The defaults (a = 0, leaky_relu) give ReLU's gain sqrt(2), as ``he_uniform``.

    >>> import gradstep
    >>> w = kaiming_uniform_(gradstep.zeros(100, 600), mode="fan_out", nonlinearity="relu", generator=0)
    >>> bool(abs(w.data).max() <= (6 / 100) ** 0.5)   # fan_out = 100
    True
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return _fill_uniform(tensor, bound, generator, "kaiming_uniform_")


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """PyTorch's ``kaiming_normal_``: N(0, std^2), std = gain / sqrt(fan), gain = ``calculate_gain(nonlinearity, a)``.

    >>> import gradstep
    >>> round(float(kaiming_normal_(gradstep.zeros(200, 400), nonlinearity="relu", generator=0).data.var()), 3)
    0.005
    """
    return _fill_normal(tensor, _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_"), generator, "kaiming_normal_")


#: initialisers by name, for ``Linear(init=...)``; the Glorot and Kaiming spellings are aliases
INITIALIZERS = {
    "zeros": lambda t, seed=None: zeros(t),
    "ones": lambda t, seed=None: ones(t),
    "normal": lambda t, seed=None: normal(t, seed=seed),
    "uniform": lambda t, seed=None: uniform(t, seed=seed),
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "kaiming_uniform": he_uniform,
    "kaiming_normal": he_normal,
    "lecun_normal": lecun_normal,
}


def get(name):
    """The initialiser called ``name`` (a function ``f(tensor, seed=None)``); a callable is returned as is.

    >>> get("glorot_uniform") is xavier_uniform
    True
    """
    if callable(name):
        return name
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        raise ArgumentError(
            f"init.get: unknown initialiser {name!r}; choose one of {sorted(INITIALIZERS)} or pass a callable"
        ) from None
