"""GradientStats against the same statistics computed by hand with NumPy on a tiny linear model."""

import json

import numpy as np
import pytest

from gradstep import nn, optim
from gradstep.train import GradientStats, Trainer, TrainingConfigError

X = np.array([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.5], [1.5, 1.0], [0.0, -0.5], [2.0, 1.0]])
Y = np.array([[1.0], [0.0], [-1.0], [2.0], [0.5], [1.0]])
W0, B0, LR = np.array([0.3, -0.2]), 0.1, 0.05


def tiny_trainer(stats):
    model = nn.Linear(2, 1, dtype="float64")
    model.weight.data[...] = W0.reshape(model.weight.shape)  # the same numbers in either weight layout
    model.bias.data[...] = B0
    trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=LR), callbacks=[stats], progress=False)
    return trainer


def by_hand(epochs, batch_size, every):
    """Per epoch: mean ||g|| and mean ||dw|| / ||w|| over the sampled batches, ||w|| at the end."""
    w, b = W0.copy(), B0
    out = {"grad_norm": {"weight": [], "bias": []}, "update_ratio": {"weight": [], "bias": []},
           "weight_norm": {"weight": [], "bias": []}}  # fmt: skip
    for _ in range(epochs):
        sums = {k: [] for k in ("gw", "gb", "rw", "rb")}
        for step, start in enumerate(range(0, len(X), batch_size)):
            xb, yb = X[start : start + batch_size], Y[start : start + batch_size, 0]
            d = 2 * (xb @ w + b - yb) / len(xb)  # dL/dy_hat of the mean squared error
            gw, gb = xb.T @ d, d.sum()
            new_w, new_b = w - LR * gw, b - LR * gb
            if step % every == 0:
                sums["gw"].append(np.linalg.norm(gw))
                sums["gb"].append(abs(gb))
                sums["rw"].append(np.linalg.norm(new_w - w) / np.linalg.norm(w))
                sums["rb"].append(abs(new_b - b) / abs(b))
            w, b = new_w, new_b
        out["grad_norm"]["weight"].append(np.mean(sums["gw"]))
        out["grad_norm"]["bias"].append(np.mean(sums["gb"]))
        out["update_ratio"]["weight"].append(np.mean(sums["rw"]))
        out["update_ratio"]["bias"].append(np.mean(sums["rb"]))
        out["weight_norm"]["weight"].append(np.linalg.norm(w))
        out["weight_norm"]["bias"].append(abs(b))
    return out


@pytest.mark.parametrize("batch_size, every", [(2, 1), (2, 2), (6, 1), (1, 4)])
def test_statistics_match_the_hand_computation(batch_size, every):
    stats = GradientStats(every=every)
    tiny_trainer(stats).fit((X, Y), epochs=3, batch_size=batch_size, shuffle=False)
    expected = by_hand(3, batch_size, every)
    assert stats.records["epoch"] == [1, 2, 3]
    for stat in ("grad_norm", "update_ratio", "weight_norm"):
        for name in ("weight", "bias"):
            np.testing.assert_allclose(stats.records[stat][name], expected[stat][name], rtol=1e-12)


def test_sgd_update_ratio_is_lr_times_gradient_over_weight():
    # one full-batch SGD step: ||dw|| = lr ||g||, so ratio = lr ||g|| / ||w_before||
    stats = GradientStats()
    tiny_trainer(stats).fit((X, Y), epochs=1, batch_size=None, shuffle=False)
    g = stats.records["grad_norm"]["weight"][0]
    assert stats.records["update_ratio"]["weight"][0] == pytest.approx(LR * g / np.linalg.norm(W0), rel=1e-12)


def test_weights_only_leaves_biases_out():
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.ReLU(), nn.Linear(4, 2, seed=1))
    stats = GradientStats(weights_only=True)
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.01), callbacks=[stats],
                      progress=False)  # fmt: skip
    rng = np.random.default_rng(0)
    trainer.fit((rng.normal(size=(16, 3)).astype(np.float32), rng.integers(0, 2, 16)), epochs=2, batch_size=8, seed=0)
    assert sorted(stats.records["grad_norm"]) == ["0.weight", "2.weight"]
    assert all(v > 0 for column in stats.records["update_ratio"].values() for v in column)


def test_records_continue_across_save_and_load(tmp_path):
    straight = GradientStats()
    tiny_trainer(straight).fit((X, Y), epochs=4, batch_size=2, shuffle=False)
    first = GradientStats(path=tmp_path / "stats.json")
    trainer = tiny_trainer(first)
    trainer.fit((X, Y), epochs=2, batch_size=2, shuffle=False)
    trainer.save(tmp_path / "run.safetensors")
    resumed = GradientStats(path=tmp_path / "stats.json")
    again = tiny_trainer(resumed)
    again.load(tmp_path / "run.safetensors")
    again.fit((X, Y), epochs=4, batch_size=2, shuffle=False, initial_epoch=again.epoch)
    assert resumed.records["epoch"] == [1, 2, 3, 4]
    for stat in ("grad_norm", "update_ratio", "weight_norm"):
        np.testing.assert_allclose(resumed.records[stat]["weight"], straight.records[stat]["weight"], rtol=1e-12)
    assert json.loads((tmp_path / "stats.json").read_text()) == resumed.records


def test_a_fresh_fit_starts_new_records():
    stats = GradientStats()
    trainer = tiny_trainer(stats)
    trainer.fit((X, Y), epochs=2, batch_size=None)
    trainer.fit((X, Y), epochs=1, batch_size=None)
    assert stats.records["epoch"] == [1]


@pytest.mark.parametrize("every", [0, -1, 1.5, True, "2"])
def test_every_must_be_a_positive_int(every):
    with pytest.raises(TrainingConfigError, match=r"GradientStats: every must be an int >= 1, got"):
        GradientStats(every=every)
