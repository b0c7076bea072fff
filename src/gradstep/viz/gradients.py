"""Per-layer gradient norms: how strongly each layer's weights are told to change."""

import numpy as np

from ..errors import GradstepError
from ._style import COLORS, figure_and_axes, finish, style_axes


def gradient_norms(model):
    """The Frobenius norm of each weight matrix's gradient, input layer first: ``{name: norm}``.

    Weights are the parameters with two or more dimensions (biases are left
    out); call backward() first so that their ``.grad`` is set. ``model`` is a
    module with ``named_parameters()`` (or ``parameters()``), or a list of tensors.

    >>> import gradstep
    >>> from gradstep.viz import gradient_norms
    >>> W1 = gradstep.tensor([[1.0, 2.0]], requires_grad=True); W2 = gradstep.tensor([[3.0], [4.0]], requires_grad=True)
    >>> ((gradstep.tensor([[1.0]]) @ W1) @ W2).sum().backward()
    >>> {k: round(v, 4) for k, v in gradient_norms([W1, W2]).items()}
    {'0': 5.0, '1': 2.2361}
    """
    if hasattr(model, "named_parameters"):
        named = list(model.named_parameters())
    elif hasattr(model, "parameters"):
        named = [(str(i), p) for i, p in enumerate(model.parameters())]
    else:
        named = [(str(i), p) for i, p in enumerate(model)]
    norms = {}
    for name, param in named:
        if param.data.ndim < 2:
            continue
        if param.grad is None:
            raise GradstepError(f"gradient_norms: parameter {name!r} of shape {param.shape} has no gradient; call backward() first")
        norms[name] = float(np.linalg.norm(param.grad.data))
    if not norms:
        raise GradstepError("gradient_norms: the model has no weight matrices (parameters with 2 or more dimensions)")
    return norms


def _series(value):
    """Per-layer norms from a module, a list of tensors, a list of numbers or a dict name -> number."""
    if isinstance(value, dict):
        return list(value.keys()), np.asarray(list(value.values()), dtype=float)
    if hasattr(value, "parameters") or (isinstance(value, (list, tuple)) and value and hasattr(value[0], "grad")):
        norms = gradient_norms(value)
        return list(norms.keys()), np.asarray(list(norms.values()), dtype=float)
    values = np.asarray(value, dtype=float).reshape(-1)
    return [str(i + 1) for i in range(values.size)], values


def plot_gradient_norms(norms, logy=True, title="gradient norm per layer", ax=None, path=None):
    """Gradient norm of each layer's weights against the layer, input layer on the left.

    Parameters
    ----------
    norms : module, sequence or dict
        A model after backward() (norms computed with ``gradient_norms``), a
        sequence of per-layer norms, a dict ``{layer name: norm}``, or a dict
        ``{label: any of those}`` to compare several networks on one plot.
    logy : bool
        Log scale (vanishing gradients span orders of magnitude).

    Returns
    -------
    matplotlib.figure.Figure

    >>> fig = plot_gradient_norms({"sigmoid": [1e-6, 1e-4, 1e-2], "relu + He": [0.5, 0.6, 0.4]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['sigmoid', 'relu + He']
    """
    comparing = isinstance(norms, dict) and norms and not all(np.isscalar(v) for v in norms.values())
    series = {label: _series(v) for label, v in norms.items()} if comparing else {None: _series(norms)}
    fig, ax = figure_and_axes(ax)
    for i, (label, (names, values)) in enumerate(series.items()):
        ax.plot(np.arange(1, len(values) + 1), values, "o-", color=COLORS[i % len(COLORS)], label=label)
    longest = max(series.values(), key=lambda s: len(s[1]))[0]
    if len(longest) <= 12:
        ax.set_xticks(np.arange(1, len(longest) + 1), longest, rotation=30 if max(map(len, longest)) > 3 else 0)
    if logy:
        ax.set_yscale("log")
    style_axes(ax, title=title, xlabel="layer (input first)", ylabel="||dL/dW||", legend=comparing)
    return finish(fig, path)
