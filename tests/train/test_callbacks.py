"""Callbacks: early stopping, checkpoints, learning-rate control, CSV logs, divergence."""

import csv
import re
import math

import numpy as np
import pytest

from gradstep import nn, optim
from gradstep.train import (
    CSVLogger,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TerminateOnNaN,
    Trainer,
    TrainingConfigError,
    TrainingDivergedError,
)

from .helpers import blobs, mlp, rising_val_trainer


def weight(trainer):
    return float(trainer.model[0].weight.data[0, 0])


def test_rising_val_loss_setup_is_what_the_helper_says():
    # w after epoch e (lr = 0.1): w_{e+1} = w_e + 0.2 (1 - w_e) -> 0.2, 0.36, 0.488; val loss = w^2
    trainer, train, val = rising_val_trainer()
    history = trainer.fit(train, val=val, epochs=3, batch_size=None)
    np.testing.assert_allclose(history["val_loss"], [0.2**2, 0.36**2, 0.488**2], rtol=1e-6)
    assert weight(trainer) == pytest.approx(0.488, rel=1e-6)


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    es = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    trainer, train, val = rising_val_trainer(callbacks=[es])
    history = trainer.fit(train, val=val, epochs=20, batch_size=None)
    # best is epoch 0 (w = 0.2); epochs 1 and 2 are worse -> stop after epoch 2
    assert es.best_epoch == 0 and es.stopped_epoch == 2 and len(history) == 3
    assert es.best == pytest.approx(0.04, rel=1e-6)
    assert weight(trainer) == pytest.approx(0.2, rel=1e-6)  # not 0.488, the weight after epoch 2
    assert trainer.stop_reason == "early stopping at epoch 3: val_loss did not improve for 2 epochs (best 0.04 at epoch 1)"


def test_early_stopping_without_restore_keeps_the_last_weights_and_patience_zero_stops_at_once():
    es = EarlyStopping(patience=0)
    trainer, train, val = rising_val_trainer(callbacks=[es])
    assert len(trainer.fit(train, val=val, epochs=20, batch_size=None)) == 2
    assert weight(trainer) == pytest.approx(0.36, rel=1e-6)


def test_early_stopping_min_delta_and_max_mode():
    es = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05)
    es.on_train_begin()
    for epoch, acc in enumerate([0.80, 0.84]):  # 0.84 is not better by more than 0.05
        es.on_epoch_end(epoch, {"val_accuracy": acc})
    assert es.stopped_epoch == 1 and es.best == 0.80
    nan_first = EarlyStopping(monitor="loss", patience=1)
    nan_first.on_epoch_end(0, {"loss": math.nan})
    assert nan_first.stopped_epoch == 0 and nan_first.best is None


def test_reduce_lr_on_plateau_lowers_the_learning_rate():
    # val loss rises every epoch: with patience 1 the lr halves at the end of every epoch after the first
    trainer, train, val = rising_val_trainer(callbacks=[ReduceLROnPlateau(factor=0.5, patience=1)])
    history = trainer.fit(train, val=val, epochs=4, batch_size=None)
    assert history["lr"] == [0.1, 0.1, 0.05, 0.025]  # lr logged is the one used during the epoch
    assert trainer.optimizer.lr == 0.0125


def test_reduce_lr_on_plateau_respects_min_lr_and_cooldown():
    cb = ReduceLROnPlateau(factor=0.5, patience=1, min_lr=0.04, cooldown=1)
    trainer, train, val = rising_val_trainer(callbacks=[cb])
    history = trainer.fit(train, val=val, epochs=6, batch_size=None)
    # end of epoch 1: 0.1 -> 0.05, cooldown 1 epoch (epoch 2), end of epoch 3: max(0.025, 0.04) = 0.04
    assert history["lr"] == [0.1, 0.1, 0.05, 0.05, 0.04, 0.04]


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    trainer, train, val = rising_val_trainer(callbacks=[LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))])
    history = trainer.fit(train, epochs=3, batch_size=None)
    assert history["lr"] == [0.1, 0.05, 0.1 / 3]
    # w: 0 -> 0.2 (lr 0.1) -> 0.2 + 0.1 * 0.8 = 0.28 (lr 0.05) -> 0.28 + (0.2/3) * 0.72 = 0.328
    assert weight(trainer) == pytest.approx(0.328, rel=1e-6)


def test_csv_logger_writes_one_row_per_epoch_and_can_append(tmp_path):
    path = tmp_path / "log.csv"
    trainer, train, val = rising_val_trainer(callbacks=[CSVLogger(path)])
    trainer.fit(train, val=val, epochs=2, batch_size=None)
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "loss", "val_loss", "lr", "seconds"]
    assert [r[0] for r in rows[1:]] == ["0", "1"]
    assert float(rows[2][2]) == pytest.approx(0.36**2, rel=1e-6)
    trainer.callbacks = [CSVLogger(path, append=True)]
    trainer.fit(train, val=val, epochs=3, batch_size=None, initial_epoch=2)
    rows = list(csv.reader(path.open()))
    assert [r[0] for r in rows] == ["epoch", "0", "1", "2"]


def test_model_checkpoint_saves_every_epoch_with_a_template(tmp_path):
    template = str(tmp_path / "epoch{epoch:02d}-{val_loss:.4f}.safetensors")
    cb = ModelCheckpoint(template)
    trainer, train, val = rising_val_trainer(callbacks=[cb])
    trainer.fit(train, val=val, epochs=2, batch_size=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch01-0.0400.safetensors", "epoch02-0.1296.safetensors"]
    assert cb.last_saved == str(tmp_path / "epoch02-0.1296.safetensors")


def test_model_checkpoint_save_best_only_keeps_the_best_epoch(tmp_path):
    path = tmp_path / "best.safetensors"
    trainer, train, val = rising_val_trainer(callbacks=[ModelCheckpoint(path, save_best_only=True)])
    trainer.fit(train, val=val, epochs=4, batch_size=None)
    fresh, _, _ = rising_val_trainer()
    fresh.load(path)
    assert fresh.epoch == 1 and weight(fresh) == pytest.approx(0.2, rel=1e-6)


def exploding_trainer(callbacks):
    """Linear regression whose lr becomes 1e4 at epoch 2: the weights blow up to inf within a few steps."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 4)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5, 3.0], np.float32)).reshape(-1, 1)
    model = nn.Sequential(nn.Linear(4, 1, seed=0))
    schedule = LearningRateScheduler(lambda epoch: 0.01 if epoch < 2 else 1e4)
    trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.01), callbacks=[schedule, *callbacks],
                      progress=False)  # fmt: skip
    return trainer, (X, y)


def test_nan_loss_stops_training_with_a_message_and_the_last_checkpoint_stays_intact(tmp_path):
    path = tmp_path / "last.safetensors"
    trainer, data = exploding_trainer([ModelCheckpoint(path)])
    with pytest.raises(TrainingDivergedError) as info, np.errstate(over="ignore", invalid="ignore"):
        trainer.fit(data, epochs=10, batch_size=8, seed=0)
    message = str(info.value)
    assert re.fullmatch(
        r"Trainer\.fit: the training loss became (nan|inf) at epoch 3/10, step \d \(optimizer global step \d+\); "
        r"training stopped\. The learning rate \(10000\) is probably too large: try a smaller one, e\.g\. 1000\. "
        r"Checkpoints saved before this point are intact\.",
        message,
    ), message
    assert trainer.stop_reason == message and len(info.value.history) == 2
    # the checkpoint of epoch 2 is intact: finite and loadable
    fresh, _ = exploding_trainer([])
    fresh.load(path)
    assert fresh.epoch == 2 and np.isfinite(fresh.model[0].weight.data).all()


def test_terminate_on_nan_is_on_by_default_and_can_be_turned_off():
    trainer, data = exploding_trainer([])
    assert any(isinstance(cb, TerminateOnNaN) for cb in trainer._all_callbacks())
    with pytest.raises(TrainingDivergedError), np.errstate(over="ignore", invalid="ignore"):
        trainer.fit(data, epochs=5, batch_size=8, seed=0)
    quiet, data = exploding_trainer([])
    quiet.terminate_on_nan = False
    with np.errstate(all="ignore"):
        history = quiet.fit(data, epochs=4, batch_size=8, seed=0)
    assert not math.isfinite(history["loss"][-1])


def test_monitor_missing_from_the_logs():
    trainer, train, _ = rising_val_trainer(callbacks=[EarlyStopping()])
    with pytest.raises(TrainingConfigError, match=r"EarlyStopping: monitor 'val_loss' is not in the epoch logs; "
                       r"available: loss, lr, seconds \(pass val=\.\.\. or validation_split=\.\.\. to fit\)"):  # fmt: skip
        trainer.fit(train, epochs=2, batch_size=None)
    trainer, train, _ = rising_val_trainer(callbacks=[ReduceLROnPlateau(monitor="accuracy")])
    with pytest.raises(TrainingConfigError, match=r"ReduceLROnPlateau: monitor 'accuracy' is not in the epoch logs; available: loss, lr, seconds$"):
        trainer.fit(train, epochs=2, batch_size=None)


def test_callback_argument_errors(tmp_path):
    with pytest.raises(TrainingConfigError, match=r"EarlyStopping: patience must be an int >= 0, got -1"):
        EarlyStopping(patience=-1)
    with pytest.raises(TrainingConfigError, match=r"EarlyStopping: min_delta must be a number >= 0, got -0.1"):
        EarlyStopping(min_delta=-0.1)
    with pytest.raises(TrainingConfigError, match=r"metric_mode: mode must be 'auto', 'min' or 'max', got 'up'"):
        EarlyStopping(mode="up")
    with pytest.raises(TrainingConfigError, match=r"ReduceLROnPlateau: factor must be in \(0, 1\), got 1.5"):
        ReduceLROnPlateau(factor=1.5)
    with pytest.raises(TrainingConfigError, match=r"ReduceLROnPlateau: min_lr must be a number >= 0, got -1"):
        ReduceLROnPlateau(min_lr=-1)
    with pytest.raises(TrainingConfigError, match=r"ReduceLROnPlateau: cooldown must be an int >= 0, got 0.5"):
        ReduceLROnPlateau(cooldown=0.5)
    with pytest.raises(TrainingConfigError, match=r"LearningRateScheduler: schedule must be callable, got 0.1"):
        LearningRateScheduler(0.1)
    trainer, train, _ = rising_val_trainer(callbacks=[LearningRateScheduler(lambda epoch: -1.0)])
    with pytest.raises(TrainingConfigError, match=r"LearningRateScheduler: schedule\(0\) returned -1.0; it must return a finite number >= 0"):
        trainer.fit(train, epochs=1, batch_size=None)
    bad = ModelCheckpoint(tmp_path / "{val_acc}.safetensors")
    with pytest.raises(TrainingConfigError, match=r"ModelCheckpoint: cannot fill the path template '.*\{val_acc\}\.safetensors' "
                       r"\(KeyError\('val_acc'\)\); available fields: epoch, loss, lr"):  # fmt: skip
        bad.filepath(0, {"loss": 1.0, "lr": 0.1})


def test_blobs_classifier_with_early_stopping_on_accuracy():
    X, y = blobs(200)
    model = mlp()
    es = EarlyStopping(monitor="val_accuracy", patience=3, restore_best_weights=True)
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), metrics=["accuracy"],
                      callbacks=[es], progress=False)  # fmt: skip
    history = trainer.fit((X, y), validation_split=0.25, epochs=50, batch_size=16, seed=0)
    assert es.best == max(history["val_accuracy"]) and es.best >= 0.95
    assert history.best_epoch("val_accuracy") == es.best_epoch


def test_divergence_message_without_a_learning_rate():
    class PlainStep:
        """An optimizer without an ``lr`` attribute: w <- w - 1e4 * grad."""

        def __init__(self, params):
            self.params = list(params)
            self.global_step = 0

        def zero_grad(self):
            for p in self.params:
                p.grad = None

        def step(self):
            for p in self.params:
                p.data -= 1e4 * p.grad.data
            self.global_step += 1

    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 4)).astype(np.float32)
    y = X.sum(axis=1, keepdims=True)
    model = nn.Sequential(nn.Linear(4, 1, seed=0))
    trainer = Trainer(model, nn.MSELoss(), PlainStep(model.parameters()), progress=False)
    with pytest.raises(TrainingDivergedError, match=r"at epoch 1/3, step \d+ \(optimizer global step \d+\); training "
                       r"stopped\. The learning rate is probably too large: try a smaller one\. Checkpoints"), \
            np.errstate(over="ignore", invalid="ignore"):  # fmt: skip
        trainer.fit((X, y), epochs=3, batch_size=4, seed=0)
