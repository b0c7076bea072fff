"""History: per-epoch lists, best-epoch helpers, (de)serialisation and its errors."""

import math

import pytest

from gradstep.train import History, TrainingConfigError


def make():
    h = History()
    h.append(0, {"loss": 0.9, "val_accuracy": 0.6})
    h.append(1, {"loss": 0.5, "val_accuracy": 0.8, "extra": 1.0})  # a quantity that appears later
    h.append(2, {"loss": 0.7})  # and one that goes missing
    return h


def test_columns_stay_aligned_with_epochs():
    h = make()
    assert h.epoch == [0, 1, 2] and len(h) == 3
    assert h.history == {"loss": [0.9, 0.5, 0.7], "val_accuracy": [0.6, 0.8, None], "extra": [None, 1.0, None]}
    assert "extra" in h and "val_loss" not in h


def test_best_epoch_minimises_losses_and_maximises_accuracy():
    h = make()
    assert h.best_epoch("loss") == 1 and h.best("loss") == 0.5
    assert h.best_epoch("val_accuracy") == 1 and h.best("val_accuracy") == 0.8
    assert h.best_epoch("loss", mode="max") == 0
    tie = History()
    for e, v in enumerate([0.3, 0.3, math.nan]):
        tie.append(e + 10, {"loss": v})
    assert tie.best_epoch("loss") == 10  # the first of equally good epochs; NaN ignored; epoch labels kept


def test_round_trip_through_a_plain_dict():
    h = make()
    h.params = {"epochs": 3}
    again = History.from_dict(h.to_dict())
    assert again.history == h.history and again.epoch == h.epoch and again.params == {"epochs": 3}


def test_errors():
    h = make()
    with pytest.raises(KeyError, match=r"History: no quantity 'val_loss' was logged \(logged: loss, val_accuracy, extra\)"):
        h["val_loss"]
    empty = History()
    empty.append(0, {"loss": math.nan})
    with pytest.raises(TrainingConfigError, match=r"History: 'loss' has no finite value to pick the best epoch from"):
        empty.best_epoch("loss")
