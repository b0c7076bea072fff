"""Activation functions and their derivatives, the derivatives computed by gradstep's autodiff."""

import numpy as np

from .. import ops
from ..errors import GradstepError
from ..tensor import Tensor
from ._style import COLORS, finish, subplots, style_axes

#: the activations the course compares
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")

_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU",
           "softplus": "softplus"}


def activation_curves(names=ACTIVATIONS, z=None, negative_slope=0.1):
    """Values and derivatives of activations on a grid: ``{name: (a, da_dz)}``, ``z`` included as ``"z"``.

    The derivative comes from backward() through the op (d(sum a)/dz = a'(z)
    elementwise), so the figure shows what the autodiff computes. The leaky ReLU
    uses ``negative_slope`` (0.1 here so that the slope is visible).

    >>> curves = activation_curves(("sigmoid", "relu"), z=np.array([-1.0, 0.0, 2.0]))
    >>> curves["sigmoid"][1].round(4).tolist()
    [0.1966, 0.25, 0.105]
    >>> curves["relu"][1].tolist()
    [0.0, 0.0, 1.0]
    """
    functions = {
        "sigmoid": ops.sigmoid,
        "tanh": ops.tanh,
        "relu": ops.relu,
        "leaky_relu": lambda t: ops.leaky_relu(t, negative_slope),
        "elu": ops.elu,
        "softplus": ops.softplus,
    }
    unknown = [name for name in names if name not in functions]
    if unknown:
        raise GradstepError(f"activation_curves: unknown activation {unknown[0]!r}; choose from {sorted(functions)}")
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z, dtype=np.float64)
    curves = {"z": z}
    for name in names:
        t = Tensor(z.copy(), requires_grad=True)
        a = functions[name](t)
        a.sum().backward()
        curves[name] = (a.data, t.grad.data)
    return curves


def plot_activations(names=ACTIVATIONS, z_range=(-5.0, 5.0), negative_slope=0.1, path=None):
    """Two panels: the activations, and their derivatives (from backward()).

    >>> fig = plot_activations(("sigmoid", "tanh"))
    >>> [ax.get_title() for ax in fig.axes]
    ['activation a(z)', "derivative a'(z)"]
    """
    z = np.linspace(z_range[0], z_range[1], 401)
    curves = activation_curves(names, z, negative_slope)
    fig, (left, right) = subplots(1, 2)
    for i, name in enumerate(names):
        a, da = curves[name]
        label = _LABELS[name] + (f" ({negative_slope:g})" if name == "leaky_relu" else "")
        left.plot(z, a, color=COLORS[i % len(COLORS)], label=label)
        right.plot(z, da, color=COLORS[i % len(COLORS)], label=label)
    style_axes(left, title="activation a(z)", xlabel="z", ylabel="a", legend=True)
    style_axes(right, title="derivative a'(z)", xlabel="z", ylabel="da/dz", legend=True)
    return finish(fig, path)
