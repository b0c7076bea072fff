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
from ..viz._style import COLORS, style_axes, subplots
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


#: line styles that keep paths apart where they run along the same valley
STYLES = {"SGD": "-", "momentum": "--", "Nesterov": ":", "Adagrad": "-", "RMSprop": "-.", "Adam": "-"}
#: the optimizers that follow Rosenbrock's valley on top of each other: drawn one per panel too
ALONG_THE_VALLEY = ("SGD", "momentum", "Nesterov")


def _restyle(ax):
    for line in ax.get_lines():
        style = STYLES.get(line.get_label())
        if style is not None and line.get_linestyle() != "None":
            line.set_linestyle(style)
            line.set_linewidth(2.0)


def run(out_dir, small=False, verbose=True):
    """Draw ``optimizers.png`` and return every end point and loss.

    Top row: both surfaces with all paths, and the Rosenbrock loss per step;
    bottom row: SGD, momentum and Nesterov on Rosenbrock one per panel, with a
    dot every tenth of the run (their paths share the valley, so only their
    speed along it tells them apart).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["rosenbrock"]["Adam"]["distance to minimum"] < 0.05  # doctest: +SKIP
    True
    """
    steps = {"quadratic": 60, "rosenbrock": 800 if small else 2000}
    windows = {"quadratic": ((-4.5, 4.5), (-2.0, 2.0)), "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0))}
    results = {}
    fig, axes = subplots(2, 3, width=19, height=10.5)
    all_paths = {}
    for ax, (surface, spec) in zip(axes[0], SURFACES.items()):
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
        all_paths[surface] = paths
        w_range, b_range = windows[surface]
        plot_loss_landscape(spec["f"], w_range, b_range, paths=paths, minimum=spec["minimum"], resolution=201,
                            levels=25, log_levels=surface == "rosenbrock", xlabel="w1", ylabel="w2",
                            title=f"{surface}: every optimizer ({steps[surface]} steps)", ax=ax)
        _restyle(ax)
    # Rosenbrock loss per step: where the paths overlap, their speed differs
    ax = axes[0, 2]
    for i, (name, path) in enumerate(all_paths["rosenbrock"].items()):
        losses = rosenbrock(path[:, 0], path[:, 1])
        ax.plot(np.arange(len(losses)), np.maximum(losses, 1e-12), STYLES[name], color=COLORS[i % len(COLORS)],
                linewidth=2, label=name)  # fmt: skip
    ax.set_yscale("log")
    style_axes(ax, title="rosenbrock: loss per step", xlabel="step", ylabel="f(w1, w2) (log scale)", legend=True)
    spec, n = SURFACES["rosenbrock"], steps["rosenbrock"]
    names = list(spec["optimizers"])
    for ax, name in zip(axes[1], ALONG_THE_VALLEY):
        path = all_paths["rosenbrock"][name]
        end = results["rosenbrock"][name]
        plot_loss_landscape(rosenbrock, (-2.0, 2.0), (-1.0, 3.0), paths={name: path}, minimum=spec["minimum"],
                            resolution=151, levels=25, log_levels=True, xlabel="w1", ylabel="w2",
                            title=f"rosenbrock, {name} alone: end ({end['end'][0]:.3f}, {end['end'][1]:.3f}), "
                                  f"f = {end['loss']:.2g}", ax=ax)  # fmt: skip
        color = COLORS[names.index(name) % len(COLORS)]
        for line in ax.get_lines():
            if line.get_label() == name:
                line.set_color(color)
        every = max(1, n // 10)
        ax.plot(path[::every, 0], path[::every, 1], "o", color=color, markeredgecolor="black", markersize=6,
                label=f"every {every} steps")  # fmt: skip
        ax.legend(fontsize=8, frameon=False)
    fig.suptitle("optimizers from gradstep.optim on an ill-conditioned quadratic and on Rosenbrock's valley",
                 fontsize=14)  # fmt: skip
    fig.tight_layout()
    results["figures"] = [save_figure(fig, output_dir(out_dir), "optimizers.png")]
    if verbose:
        print_numbers(results)
    return results
