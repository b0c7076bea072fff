"""plot_loss_landscape: one weight (curve) and two weights (contours) with paths."""

import numpy as np
import pytest

from gradstep.errors import GradstepError, ShapeError
from gradstep.viz import plot_loss_landscape


def test_one_weight_curve_and_path_lie_on_the_loss(tmp_path):
    fig = plot_loss_landscape(lambda w: (w - 3) ** 2, (0, 6), paths={"gd": [0.0, 1.2, 2.28]}, minimum=3,
                              resolution=61, path=tmp_path / "l.png")
    assert (tmp_path / "l.png").stat().st_size > 0
    curve, path = fig.axes[0].get_lines()[:2]
    assert np.allclose(curve.get_ydata(), (np.linspace(0, 6, 61) - 3) ** 2)
    assert np.allclose(path.get_ydata(), [9.0, 3.24, 0.5184])
    assert fig.axes[0].get_lines()[-1].get_label() == "minimum"


def test_two_weights_contours_paths_and_pointwise_loss():
    calls = []

    def loss(w, b):  # a function of numbers only
        calls.append(1)
        return float(w * w + 10 * b * b)

    fig = plot_loss_landscape(loss, (-2, 2), (-1, 1), paths={"gd": np.array([[-2.0, 1.0], [-1.6, -0.6]])},
                              minimum=(0, 0), resolution=11, vectorized=False)
    assert len(calls) == 121
    ax = fig.axes[0]
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 1.0)
    assert [line.get_label() for line in ax.get_lines()][::2] == ["gd", "minimum"]


def test_log_levels_and_explicit_grids():
    fig = plot_loss_landscape(lambda a, b: (1 - a) ** 2 + 100 * (b - a * a) ** 2, np.linspace(-2, 2, 41),
                              np.linspace(-1, 3, 41), log_levels=True, levels=10)
    assert fig.axes[0].get_xlim() == (-2.0, 2.0)


def test_landscape_errors():
    with pytest.raises(ShapeError, match=r"plot_loss_landscape: w_range must be \(low, high\) or a 1-D array of values, got shape \(1,\)"):
        plot_loss_landscape(lambda w: w, [1.0])
    with pytest.raises(GradstepError, match=r"plot_loss_landscape: b_range = \(1, -1\) needs low < high"):
        plot_loss_landscape(lambda w, b: w, (0, 1), (1, -1))
    with pytest.raises(ShapeError, match=r"loss_fn returned shape \(\) for a grid of shape \(5,\); .* vectorized=False"):
        plot_loss_landscape(lambda w: 1.0, (0, 1), resolution=5)
    with pytest.raises(GradstepError, match=r"log_levels=True needs a loss that is positive somewhere"):
        plot_loss_landscape(lambda w, b: -w * w - 1, (0, 1), (0, 1), log_levels=True, resolution=5)
    with pytest.raises(ShapeError, match=r"plot_loss_landscape: path 'p' must have shape \(steps, 2\), got \(3,\)"):
        plot_loss_landscape(lambda w, b: w * w + b * b, (0, 1), (0, 1), paths={"p": [1, 2, 3]}, resolution=5)
    with pytest.raises(ShapeError, match=r"minimum must be \(w, b\) over two weights, got 1 values"):
        plot_loss_landscape(lambda w, b: w * w + b * b, (0, 1), (0, 1), minimum=0.5, resolution=5)
