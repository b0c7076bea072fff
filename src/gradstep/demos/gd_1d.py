"""gd-1d: gradient descent on J(x) = x^2 - 6x + 5 from x0 = 0 with three step sizes.

J'(x) = 2x - 6, so one step is x <- x - eta (2x - 6) and the error to the
minimum x* = 3 shrinks by the factor (1 - 2 eta) each step: eta = 0.01 creeps
(0.98), eta = 0.1 converges (0.8), eta = 1.1 overshoots further every step
(|1 - 2.2| = 1.2 > 1) and diverges. The gradient comes from gradstep's autodiff.
"""

import numpy as np

from ..tensor import Tensor
from ..viz import plot_loss_landscape
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure

#: the three step sizes: too small, good, too large
STEP_SIZES = {"too small": 0.01, "good": 0.1, "too large": 1.1}


def J(x):
    """The course's function, J(x) = x^2 - 6x + 5 (NumPy arrays or Tensors).

    >>> J(3.0)
    -4.0
    """
    return x * x - 6 * x + 5


def descend(lr, steps, x0=0.0):
    """Iterates x_0 .. x_steps of gradient descent on J, the gradient by backward().

    >>> [round(x, 10) for x in descend(0.1, 2)]  # x1 = 0 - 0.1 (0 - 6), x2 = 0.6 - 0.1 (1.2 - 6)
    [0.0, 0.6, 1.08]
    """
    x = Tensor(np.array(x0, dtype=np.float64), requires_grad=True)
    path = [float(x.data)]
    for _ in range(steps):
        x.grad = None
        J(x).backward()
        x.data = x.data - lr * x.grad.data  # x <- x - eta J'(x)
        path.append(float(x.data))
    return path


def run(out_dir, small=False, verbose=True):
    """Run the three step sizes, draw them on the curve (``gd-1d.png``), return and print the iterates.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     numbers = run(d, small=True, verbose=False)
    >>> abs(numbers["good"]["x_final"] - 3) < 1e-3
    True
    """
    steps = 50 if small else 60
    results = {"J": "x^2 - 6x + 5, x0 = 0, minimum x* = 3", "steps": steps}
    fig, axes = subplots(1, 3)
    for ax, (name, lr) in zip(axes, STEP_SIZES.items()):
        path = descend(lr, steps)
        results[name] = {"lr": lr, "x_final": path[-1], "|x_final - 3|": abs(path[-1] - 3), "iterates": path}
        shown = path if name != "too large" else path[:12]
        reach = max(abs(v - 3) for v in shown) * 1.1 + 0.5
        plot_loss_landscape(J, (3 - reach, 3 + reach), paths={f"eta = {lr:g}": shown}, minimum=3.0,
                            xlabel="x", ylabel="J(x)", title=f"{name} step", ax=ax)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "gd-1d.png")]
    if verbose:
        print_numbers(results)
    return results
