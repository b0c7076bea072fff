"""jacobian: the multivariable chain rule as a product of Jacobians, on a small two-stage example.

x in R^2 -> u = f(x) = (x1 x2, x1 + x2, sin x1) in R^3 -> y = g(u) = (u1 + u2 u3, u1^2 - u3) in R^2.
The chain rule says J_{g o f}(x) = J_g(f(x)) J_f(x): a (2 x 3) times a (3 x 2)
matrix. Each Jacobian comes from ``gradstep.func.jacrev`` (J_f also from
``jacfwd``, and from the formulas written out below), the product is compared
with the Jacobian of the composition, and all three are printed and drawn.
"""

import numpy as np

from ..func import jacfwd, jacrev
from ..ops import concatenate
from ..tensor import Tensor
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure

X = np.array([0.5, 2.0])


def f(x):
    """u = (x1 x2, x1 + x2, sin x1)."""
    return concatenate([x[0:1] * x[1:2], x[0:1] + x[1:2], x[0:1].sin()])


def g(u):
    """y = (u1 + u2 u3, u1^2 - u3)."""
    return concatenate([u[0:1] + u[1:2] * u[2:3], u[0:1] * u[0:1] - u[2:3]])


def jacobians(x=X):
    """(J_f(x), J_g(f(x)), J_{g o f}(x)) as ndarrays.

    >>> J_f, J_g, J = jacobians()
    >>> np.allclose(J_g @ J_f, J)
    True
    """
    x = Tensor(np.asarray(x, dtype=np.float64))
    u = f(x)
    return jacrev(f)(x).data, jacrev(g)(u).data, jacrev(lambda v: g(f(v)))(x).data


def _draw(ax, matrix, title):
    ax.imshow(matrix, cmap="coolwarm", vmin=-np.abs(matrix).max(), vmax=np.abs(matrix).max())
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, f"{value:.3f}", ha="center", va="center", fontsize=8)
    ax.set(title=title, xticks=range(matrix.shape[1]), yticks=range(matrix.shape[0]),
           xlabel="input j (d/dx_j)", ylabel="output i")


def run(out_dir, small=False, verbose=True):
    """Print and draw J_g, J_f and their product next to J_{g o f} (``jacobian.png``).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["max |J_g J_f - J|"] < 1e-12
    True
    """
    x1, x2 = X
    J_f, J_g, J = jacobians()
    by_hand = np.array([[x2, x1], [1.0, 1.0], [np.cos(x1), 0.0]])  # d(x1 x2, x1 + x2, sin x1) / d(x1, x2)
    results = {
        "x": X.tolist(),
        "u = f(x)": f(Tensor(X)).data.tolist(),
        "J_f(x) (3 x 2)": J_f.tolist(),
        "J_g(u) (2 x 3)": J_g.tolist(),
        "J_g J_f (2 x 2)": (J_g @ J_f).tolist(),
        "J_{g o f}(x)": J.tolist(),
        "max |J_g J_f - J|": float(np.abs(J_g @ J_f - J).max()),
        "max |J_f - by hand|": float(np.abs(J_f - by_hand).max()),
        "max |jacfwd - jacrev| of f": float(np.abs(jacfwd(f)(Tensor(X)).data - J_f).max()),
    }
    fig, axes = subplots(1, 4, width=13)
    _draw(axes[0], J_g, "J_g(f(x))")
    _draw(axes[1], J_f, "J_f(x)")
    _draw(axes[2], J_g @ J_f, "J_g J_f")
    _draw(axes[3], J, "J of g(f(x))")
    results["figures"] = [save_figure(fig, output_dir(out_dir), "jacobian.png")]
    if verbose:
        print_numbers(results)
    return results
