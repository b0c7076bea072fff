"""activations: sigmoid, tanh, ReLU and leaky ReLU with their derivatives (from backward()).

The numbers are the facts the course draws from the picture: sigmoid' is at
most 1/4 (at z = 0) and tanh' at most 1, so a chain of sigmoids shrinks
gradients; ReLU' is exactly 1 for z > 0 and 0 below, leaky ReLU keeps a small
slope below 0.
"""

import numpy as np

from ..viz import ACTIVATIONS, activation_curves, plot_activations
from ._common import output_dir, print_numbers, save_figure

#: the leaky ReLU's slope for z < 0 in the figure
NEGATIVE_SLOPE = 0.1


def run(out_dir, small=False, verbose=True):
    """Draw ``activations.png`` and return each derivative's maximum and its values at z = -2, 0, 2.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     numbers = run(d, small=True, verbose=False)
    >>> numbers["sigmoid"]["max derivative"]
    0.25
    """
    z = np.linspace(-5, 5, 201 if small else 401)  # both grids contain -2, 0 and 2
    curves = activation_curves(ACTIVATIONS, z, NEGATIVE_SLOPE)
    at = [int(np.argmin(np.abs(z - v))) for v in (-2.0, 0.0, 2.0)]
    results = {"leaky ReLU slope": NEGATIVE_SLOPE}
    for name in ACTIVATIONS:
        a, da = curves[name]
        results[name] = {
            "max derivative": float(da.max()),
            "a(-2), a(0), a(2)": [float(a[i]) for i in at],
            "a'(-2), a'(0), a'(2)": [float(da[i]) for i in at],
        }
    fig = plot_activations(ACTIVATIONS, (z[0], z[-1]), NEGATIVE_SLOPE)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "activations.png")]
    if verbose:
        print_numbers(results)
    return results
