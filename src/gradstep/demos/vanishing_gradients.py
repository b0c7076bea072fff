"""vanishing-gradients: per-layer gradient norms of a deep sigmoid MLP against a ReLU MLP with He init.

Backpropagation multiplies, layer by layer, by W^T and by the activation's
derivative. sigmoid' <= 1/4, so with Xavier-scaled weights the gradient shrinks
by roughly a constant factor per layer and the first layers barely learn. ReLU'
is 1 on the active half and He init (Var W = 2 / fan_in) keeps the signal's
scale, so the norms stay of one order of magnitude.
"""

import numpy as np

from .. import nn
from ..random import as_generator
from ..tensor import Tensor
from ..viz import gradient_norms, plot_gradient_norms
from ._common import output_dir, print_numbers, save_figure


def deep_mlp(activation, init, depth, width, seed):
    """``depth`` Linear layers of ``width`` units with ``activation`` between them (10 outputs).

    >>> [p.shape for p in deep_mlp(nn.Sigmoid, "xavier_uniform", depth=3, width=4, seed=0).parameters()][::2]
    [(4, 4), (4, 4), (10, 4)]
    """
    layers = []
    for i in range(depth):
        out = 10 if i == depth - 1 else width
        layers.append(nn.Linear(width, out, init=init, seed=seed + i))
        if i < depth - 1:
            layers.append(activation())
    return nn.Sequential(*layers)


def layer_norms(model, X, y):
    """Gradient norm of each weight matrix after one backward pass of the cross-entropy, input layer first.

    >>> model = deep_mlp(nn.ReLU, "he_normal", depth=3, width=4, seed=0)
    >>> len(layer_norms(model, np.ones((2, 4)), np.array([0, 1])))
    3
    """
    model.zero_grad()
    nn.CrossEntropyLoss()(model(Tensor(X)), Tensor(y)).backward()
    return list(gradient_norms(model).values())


def run(out_dir, small=False, verbose=True):
    """Draw ``vanishing-gradients.png`` and return both networks' per-layer norms and first/last ratios.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["sigmoid, Xavier"]["first / last"] < 0.01 < numbers["ReLU, He"]["first / last"]  # doctest: +SKIP
    True
    """
    depth, width, n = (8, 32, 64) if small else (12, 64, 256)
    rng = as_generator(0)
    X = rng.normal(size=(n, width)).astype(np.float32)
    y = rng.integers(0, 10, size=n)
    networks = {
        "sigmoid, Xavier": deep_mlp(nn.Sigmoid, "xavier_uniform", depth, width, seed=0),
        "ReLU, He": deep_mlp(nn.ReLU, "he_uniform", depth, width, seed=0),
    }
    results = {"layers": depth, "width": width, "batch": n}
    norms = {}
    for name, model in networks.items():
        values = layer_norms(model, X, y)
        norms[name] = values
        results[name] = {"norms, input layer first": values, "first / last": values[0] / values[-1]}
    fig = plot_gradient_norms(norms, title=f"gradient norm per layer ({depth} layers)")
    results["figures"] = [save_figure(fig, output_dir(out_dir), "vanishing-gradients.png")]
    if verbose:
        print_numbers(results)
    return results
