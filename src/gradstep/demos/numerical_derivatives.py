"""numerical-derivatives: the error of forward and central differences against the step h, log-log.

For f(x) = x^2 and f(x) = sin x at x = 1.3, with h from 1e-15 to 1: the forward
difference's error is h |f''| / 2 (truncation, slope 1) for large h and about
eps |f| / h (round-off, slope -1) for small h, smallest near h = eps^(1/2) ~ 1.5e-8;
the central difference's truncation error is h^2 |f'''| / 6 (slope 2), so its
best h is larger, near eps^(1/3) ~ 6e-6, and its best error far smaller. For x^2
(f''' = 0) the central difference has no truncation error at all: only round-off.
The differences are ``gradstep.numerical.derivative``.
"""

import numpy as np

from ..numerical import derivative
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure

EPS = np.finfo(np.float64).eps
X0 = 1.3  # not a power of two: its rounding errors are typical
#: name -> (f, exact f'(x0))
FUNCTIONS = {"x^2": (lambda x: x * x, 2 * X0), "sin x": (np.sin, np.cos(X0))}


def errors(f, exact, steps, method):
    """|finite difference - f'(x0)| for each step h.

    >>> round(float(errors(lambda x: x * x, 2 * X0, [0.5], "forward")[0]), 12)   # ((x + h)^2 - x^2) / h - 2x = h
    0.5
    """
    return np.array([abs(derivative(f, X0, h=h, method=method) - exact) for h in steps])


def run(out_dir, small=False, verbose=True):
    """Draw the error curves (``numerical-derivatives.png``); return the best step and error of each method.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     numbers = run(d, small=True, verbose=False)
    >>> 1e-10 < numbers["sin x"]["forward"]["best h"] < 1e-6
    True
    """
    steps = np.logspace(-15, 0, 31 if small else 151)
    results = {"x0": X0, "eps^(1/2)": EPS**0.5, "eps^(1/3)": EPS ** (1 / 3)}
    fig, axes = subplots(1, 2)
    for ax, (name, (f, exact)) in zip(axes, FUNCTIONS.items()):
        results[name] = {}
        for method, style in (("forward", "-"), ("central", "--")):
            err = errors(f, exact, steps, method)
            shown = np.maximum(err, 1e-18)  # an exact 0 has no logarithm
            # a rounding error can cancel by luck at one h: the best h is where the running median is least
            typical = np.array([np.median(err[max(0, i - 3) : i + 4]) for i in range(len(err))])
            best = int(np.argmin(typical))
            results[name][method] = {"best h": float(steps[best]), "typical error there": float(typical[best])}
            ax.loglog(steps, shown, style, label=f"{method} (best h = {steps[best]:.0e})")
        for h, label in ((EPS**0.5, "eps^(1/2)"), (EPS ** (1 / 3), "eps^(1/3)")):
            ax.axvline(h, color="gray", lw=0.8, ls=":")
            ax.text(h, 1e-17, label, rotation=90, fontsize=7, va="bottom", ha="right")
        ax.text(1e-15, 1e-3, "round-off\n~ eps/h", fontsize=8)
        ax.text(1e-3, 1e-3, "truncation\nO(h), O(h^2)", fontsize=8, ha="right")
        ax.set(title=f"f(x) = {name} at x = {X0}", xlabel="step h", ylabel=f"|error of f'({X0})|", ylim=(1e-18, 10))
        ax.legend(fontsize=7, loc="lower left")
    results["figures"] = [save_figure(fig, output_dir(out_dir), "numerical-derivatives.png")]
    if verbose:
        print_numbers(results)
    return results
