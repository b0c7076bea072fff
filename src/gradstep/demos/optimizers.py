"""optimizers: SGD, momentum, Nesterov, Adagrad, RMSprop and Adam (gradstep.optim) on two surfaces.

- an ill-conditioned quadratic f(w1, w2) = (w1^2 + 25 w2^2) / 2: curvature 25
  times larger along w2, so plain GD zig-zags across and crawls along;
- the Rosenbrock function f = (1 - w1)^2 + 100 (w2 - w1^2)^2: a curved, flat
  valley with its minimum at (1, 1).

Each optimizer starts from the same point with a learning rate chosen for it;
the paths are the iterates of ``gradstep.optim`` updating one 2-element tensor.
"""

import numpy as np

from ..optim import SGD, Adagrad, Adam, RMSprop
from ..tensor import Tensor
from ..viz import plot_loss_landscape
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure


def quadratic(w1, w2):
    """(w1^2 + 25 w2^2) / 2, minimum 0 at (0, 0); works on arrays and Tensors.

    >>> quadratic(2.0, 1.0)  # (4 + 25) / 2
    14.5
    """
    return 0.5 * (w1 * w1 + 25 * w2 * w2)


def rosenbrock(w1, w2):
    """(1 - w1)^2 + 100 (w2 - w1^2)^2, minimum 0 at (1, 1); works on arrays and Tensors.

    >>> rosenbrock(1.0, 1.0), rosenbrock(0.0, 0.0)
    (0.0, 1.0)
    """
    return (1 - w1) ** 2 + 100 * (w2 - w1 * w1) ** 2


#: for each surface: start, minimum, and each optimizer with its learning rate
SURFACES = {
    "quadratic": {
        "f": quadratic, "start": (-4.0, 1.5), "minimum": (0.0, 0.0),
        "optimizers": {
            "SGD": lambda p: SGD(p, lr=0.07),
            "momentum": lambda p: SGD(p, lr=0.02, momentum=0.9),
            "Nesterov": lambda p: SGD(p, lr=0.02, momentum=0.9, nesterov=True),
            "Adagrad": lambda p: Adagrad(p, lr=1.0),
            "RMSprop": lambda p: RMSprop(p, lr=0.1),
            "Adam": lambda p: Adam(p, lr=0.3),
        },
    },
    "rosenbrock": {
        "f": rosenbrock, "start": (-1.5, 2.0), "minimum": (1.0, 1.0),
        "optimizers": {
            "SGD": lambda p: SGD(p, lr=1e-3),
            "momentum": lambda p: SGD(p, lr=2e-4, momentum=0.9),
            "Nesterov": lambda p: SGD(p, lr=2e-4, momentum=0.9, nesterov=True),
            "Adagrad": lambda p: Adagrad(p, lr=0.5),
            "RMSprop": lambda p: RMSprop(p, lr=0.01),
            "Adam": lambda p: Adam(p, lr=0.1),
        },
    },
}  # fmt: skip


def optimize(f, make_optimizer, start, steps):
    """Iterates (steps + 1, 2) of an optimizer minimising f(w1, w2) from ``start``.

    >>> path = optimize(quadratic, lambda p: SGD(p, lr=0.1), (1.0, 1.0), 1)
    >>> path[-1].tolist()  # w <- w - 0.1 * (w1, 25 w2)
    [0.9, -1.5]
    """
    w = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
    optimizer = make_optimizer([w])
    path = [w.data.copy()]
    for _ in range(steps):
        optimizer.zero_grad()
        f(w[0], w[1]).backward()
        optimizer.step()
        path.append(w.data.copy())
    return np.array(path)


def run(out_dir, small=False, verbose=True):
    """Draw ``optimizers.png`` (both surfaces with all paths) and return every end point and loss.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["rosenbrock"]["Adam"]["distance to minimum"] < 0.05  # doctest: +SKIP
    True
    """
    steps = {"quadratic": 60, "rosenbrock": 800 if small else 2000}
    windows = {"quadratic": ((-4.5, 4.5), (-2.0, 2.0)), "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0))}
    results = {}
    fig, axes = subplots(1, 2, width=12, height=4.6)
    for ax, (surface, spec) in zip(axes, SURFACES.items()):
        numbers = {"steps": steps[surface], "start": list(spec["start"])}
        paths = {}
        for name, make in spec["optimizers"].items():
            path = optimize(spec["f"], make, spec["start"], steps[surface])
            paths[name] = path
            numbers[name] = {
                "end": path[-1].tolist(),
                "loss": float(spec["f"](*path[-1])),
                "distance to minimum": float(np.linalg.norm(path[-1] - np.array(spec["minimum"]))),
            }
        results[surface] = numbers
        w_range, b_range = windows[surface]
        plot_loss_landscape(spec["f"], w_range, b_range, paths=paths, minimum=spec["minimum"], resolution=201,
                            levels=25, log_levels=surface == "rosenbrock", xlabel="w1", ylabel="w2",
                            title=f"{surface} ({steps[surface]} steps)", ax=ax)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "optimizers.png")]
    if verbose:
        print_numbers(results)
    return results
