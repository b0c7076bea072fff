"""The course's figures, one function each: ``gradstep demo NAME`` runs them.

``DEMOS`` maps each name to ``(one-line description, run)``, where
``run(out_dir, small=False, verbose=True)`` writes the demo's PNG(s) into
``out_dir``, prints the numbers behind them (unless ``verbose=False``) and
returns them as a dict (``"figures"`` lists the files written). ``small=True``
is a quick version for tests.

>>> from gradstep.demos import DEMOS
>>> DEMOS["gd-1d"][0]
'gradient descent on J(x) = x^2 - 6x + 5 with a too-small, a good and a too-large step'
"""

from ..errors import UnknownDemoError
from . import (
    activations,
    backprop,
    batch_modes,
    decision_boundary,
    forward_vs_reverse,
    gd_1d,
    jacobian,
    learning_rates,
    numerical_derivatives,
    optimizers,
    overfitting,
    random_search,
    regression_landscape,
    vanishing_gradients,
)

#: name -> (one-line description, run(out_dir, small=False, verbose=True) -> dict of numbers)
DEMOS = {
    "gd-1d": ("gradient descent on J(x) = x^2 - 6x + 5 with a too-small, a good and a too-large step", gd_1d.run),
    "regression-landscape": (
        "MSE contours over (w, b) with full-batch, minibatch and online paths; raw vs standardised inputs",
        regression_landscape.run,
    ),
    "optimizers": ("SGD, momentum, Nesterov, Adagrad, RMSprop and Adam on a narrow quadratic and Rosenbrock",
                   optimizers.run),
    "learning-rates": ("training loss of one MLP for learning rates from too small to diverging", learning_rates.run),
    "batch-modes": ("online, minibatch and full-batch training: loss per epoch and per second", batch_modes.run),
    "activations": ("sigmoid, tanh, ReLU and leaky ReLU with their derivatives", activations.run),
    "vanishing-gradients": ("per-layer gradient norms: deep sigmoid MLP vs ReLU MLP with He init",
                            vanishing_gradients.run),
    "backprop": ("the one-neuron worked example as a computation graph with every value and gradient", backprop.run),
    "decision-boundary": ("logistic regression vs an MLP on a ring around a disc (model too simple)",
                          decision_boundary.run),
    "overfitting": ("an over-large MLP without and with L2, dropout and early stopping", overfitting.run),
    "random-search": ("brute-force random search vs gradient descent on a linear regression", random_search.run),
    "numerical-derivatives": ("error of forward and central differences against the step h, log-log",
                              numerical_derivatives.run),
    "forward-vs-reverse": ("time to build a Jacobian with jacfwd and jacrev as the inputs and outputs grow",
                           forward_vs_reverse.run),
    "jacobian": ("the multivariable chain rule as a product of Jacobians, printed and drawn", jacobian.run),
}  # fmt: skip


def run_demo(name, out_dir, small=False, verbose=True):
    """Run the demo ``name`` (see ``DEMOS``) into ``out_dir``; returns its numbers.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     numbers = run_demo("backprop", d, verbose=False)
    >>> numbers["y_hat"]
    0.9525741268224334
    """
    if name not in DEMOS:
        raise UnknownDemoError(f"run_demo: unknown demo {name!r}; demos: {', '.join(DEMOS)}")
    return DEMOS[name][1](out_dir, small=small, verbose=verbose)


__all__ = ["DEMOS", "run_demo", "UnknownDemoError"]
