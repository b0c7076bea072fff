"""plot_history, best_epoch, plot_curves, plot_learning_rates."""

import math

import numpy as np
import pytest

from gradstep.errors import GradstepError
from gradstep.train import History
from gradstep.viz import best_epoch, plot_curves, plot_history, plot_learning_rates


def _history():
    h = History()
    for epoch, (loss, val, acc, val_acc) in enumerate([(1.0, 1.2, 0.5, 0.4), (0.6, 0.7, 0.7, 0.6), (0.4, 0.9, 0.8, 0.6)]):
        h.append(epoch, {"loss": loss, "val_loss": val, "accuracy": acc, "val_accuracy": val_acc, "lr": 0.1, "seconds": 0.01})
    return h


def test_plot_history_accepts_a_history_object_and_marks_the_best_epoch(tmp_path):
    fig = plot_history(_history(), path=tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 0
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]  # lr and seconds are not metrics
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["train loss", "val loss", "best epoch 2"]
    train = fig.axes[0].get_lines()[0]
    assert train.get_xdata().tolist() == [1, 2, 3] and train.get_ydata().tolist() == [1.0, 0.6, 0.4]
    assert fig.axes[0].get_lines()[2].get_xdata()[0] == 2


def test_plot_history_accepts_the_dict_and_chosen_metrics():
    fig = plot_history(_history().history, metrics=[])
    assert len(fig.axes) == 1


def test_best_epoch_uses_val_loss_then_loss_and_skips_nan():
    assert best_epoch({"loss": [3.0, 1.0], "val_loss": [1.0, 2.0]}) == 1
    assert best_epoch({"loss": [3.0, 1.0]}) == 2
    assert best_epoch({"loss": [float("nan"), 2.0, 1.5]}) == 3
    assert best_epoch({"loss": [1.0, 0.5], "val_loss": [None, 0.7]}) == 2


def test_history_errors_name_the_problem():
    with pytest.raises(GradstepError, match=r"plot_history: expected a History or a dict of per-epoch lists, got list"):
        plot_history([1.0, 2.0])
    with pytest.raises(GradstepError, match=r"plot_history: history has no 'loss' column; it has \['val_loss'\]"):
        plot_history({"val_loss": [1.0]})
    with pytest.raises(GradstepError, match=r"plot_history: no column 'f1' in the history"):
        plot_history({"loss": [1.0]}, metrics=["f1"])
    with pytest.raises(GradstepError, match=r"best_epoch: history has no values for 'val_acc'"):
        best_epoch({"loss": [1.0]}, monitor="val_acc")
    with pytest.raises(GradstepError, match=r"best_epoch: every value of 'loss' is NaN"):
        best_epoch({"loss": [math.nan, math.nan]})


def test_plot_curves_draws_each_curve_and_marks():
    fig = plot_curves({"a": [3.0, 2.0, 1.0], "b": ([0.0, 2.0], [4.0, 0.0])}, marks={"b": 1.0}, logy=False)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines[:2]] == ["a", "b"]
    mark = [line for line in lines if line.get_marker() == "o"][0]
    assert mark.get_xdata()[0] == 1.0 and mark.get_ydata()[0] == 2.0  # interpolated on b


def test_plot_curves_errors():
    with pytest.raises(GradstepError, match=r"plot_curves: no curves given"):
        plot_curves({})
    with pytest.raises(GradstepError, match=r"plot_curves: curve 'a' has x of shape \(3,\) but y of shape \(2,\)"):
        plot_curves({"a": ([1, 2, 3], [1, 2])})


def test_plot_learning_rates_labels_diverged_runs_and_uses_log_scale():
    fig = plot_learning_rates({0.01: [1.0, 0.9], 5.0: [1.0, math.nan]})
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["lr = 0.01", "lr = 5 (diverged)"]
    assert ax.get_yscale() == "log"
    assert np.isnan(ax.get_lines()[1].get_ydata()[1])
