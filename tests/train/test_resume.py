"""Exact resume: N epochs in one go == k epochs, save, load into fresh objects, N - k more (bit for bit)."""

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.optim import schedules
from gradstep.train import (
    Callback,
    EarlyStopping,
    ModelCheckpoint,
    ReduceLROnPlateau,
    Trainer,
    TrainingConfigError,
    load_checkpoint,
    save_checkpoint,
)

from .helpers import blobs

pytest.importorskip("safetensors", reason="checkpoints need safetensors")

N, K = 5, 2
X, Y = blobs(60)
X_VAL, Y_VAL = blobs(20, seed=1)


def model_with_dropout(seed):
    # one Dropout draws from gradstep's default generator, the other from its own seeded generator
    return nn.Sequential(
        nn.Linear(2, 16, seed=seed), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(16, 16, seed=seed + 1), nn.ReLU(), nn.Dropout(0.2, seed=seed + 2),
        nn.Linear(16, 2, seed=seed + 3),
    )  # fmt: skip


def adam_setup(seed):
    model = model_with_dropout(seed)
    lr = schedules.exponential_decay(0.05, decay_steps=10, decay_rate=0.5)
    callbacks = [EarlyStopping(patience=50)]
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=lr), metrics=["accuracy"],
                      callbacks=callbacks, progress=False)  # fmt: skip
    fit = {"validation_split": 0.25, "batch_size": 8, "seed": 7}
    return trainer, fit


def sgd_setup(seed):
    model = model_with_dropout(seed)
    callbacks = [ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=0.0)]
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
                      callbacks=callbacks, progress=False)  # fmt: skip
    fit = {"val": (X_VAL, Y_VAL), "batch_size": 1, "seed": 11}
    return trainer, fit


def assert_identical(a, b):
    sa, sb = a.model.state_dict(), b.model.state_dict()
    assert sa.keys() == sb.keys()
    for k in sa:
        np.testing.assert_array_equal(sa[k], sb[k], err_msg=k)


def same_logs(h1, h2):
    return {k: v for k, v in h1.history.items() if k != "seconds"} == {
        k: v for k, v in h2.history.items() if k != "seconds"
    }


@pytest.mark.parametrize("setup", [adam_setup, sgd_setup])
def test_resume_is_bit_identical(setup, tmp_path):
    gradstep.manual_seed(123)
    one_go, fit = setup(seed=0)
    one_go.fit((X, Y), epochs=N, **fit)

    gradstep.manual_seed(123)
    first, fit = setup(seed=0)
    first.fit((X, Y), epochs=K, **fit)
    path = tmp_path / "resume.safetensors"
    first.save(path, note="half way")

    gradstep.manual_seed(999)  # the default generator must come back from the file
    second, fit = setup(seed=40)  # other initial weights: everything must come from the file
    assert second.load(path) == {"note": "half way"}
    assert second.epoch == K and len(second.history) == K
    second.fit((X, Y), epochs=N, initial_epoch=second.epoch, **fit)

    assert_identical(one_go, second)
    assert second.optimizer.global_step == one_go.optimizer.global_step
    assert same_logs(one_go.history, second.history) and second.history.epoch == list(range(N))


def test_resume_from_a_checkpoint_written_during_the_run(tmp_path):
    template = str(tmp_path / "epoch{epoch}.safetensors")
    gradstep.manual_seed(123)
    one_go, fit = adam_setup(seed=0)
    one_go.callbacks.append(ModelCheckpoint(template))
    one_go.fit((X, Y), epochs=N, **fit)

    gradstep.manual_seed(5)
    resumed, fit = adam_setup(seed=40)
    resumed.load(template.format(epoch=K))
    resumed.fit((X, Y), epochs=N, initial_epoch=K, **fit)
    assert_identical(one_go, resumed)
    assert same_logs(one_go.history, resumed.history)


def test_without_the_shuffling_state_the_run_differs(tmp_path):
    # control: restoring only model and optimizer (not the RNG streams) does not reproduce the run
    gradstep.manual_seed(123)
    one_go, fit = adam_setup(seed=0)
    one_go.fit((X, Y), epochs=N, **fit)
    gradstep.manual_seed(123)
    first, fit = adam_setup(seed=0)
    first.fit((X, Y), epochs=K, **fit)
    path = tmp_path / "weights.safetensors"
    save_checkpoint(path, first.model, first.optimizer)
    gradstep.manual_seed(999)
    second, fit = adam_setup(seed=40)
    load_checkpoint(path, second.model, second.optimizer, restore_default_rng=False)
    second.fit((X, Y), epochs=N, initial_epoch=K, **fit)
    a, b = one_go.model.state_dict(), second.model.state_dict()
    assert any(not np.array_equal(a[k], b[k]) for k in a)


def test_callback_state_travels_with_the_checkpoint(tmp_path):
    class Counter(Callback):
        def __init__(self):
            self.epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            self.epochs += 1

        def state_dict(self):
            return {"epochs": self.epochs}

        def load_state_dict(self, state):
            self.epochs = state["epochs"]

    first, fit = adam_setup(seed=0)
    first.callbacks.append(Counter())
    first.fit((X, Y), epochs=3, **fit)
    es = first.callbacks[0]
    path = tmp_path / "c.safetensors"
    first.save(path)

    second, fit = adam_setup(seed=0)
    second.callbacks.append(Counter())
    second.load(path)
    second.fit((X, Y), epochs=4, initial_epoch=3, **fit)
    restored = second.callbacks[0]
    assert second.callbacks[1].epochs == 4
    # EarlyStopping's counters continued rather than restarting
    assert restored.best_epoch is not None and restored.best_epoch <= 3
    assert restored.best <= es.best


def test_loading_a_plain_checkpoint_into_a_trainer_is_refused(tmp_path):
    trainer, _ = adam_setup(seed=0)
    path = tmp_path / "plain.safetensors"
    save_checkpoint(path, trainer.model, trainer.optimizer)
    with pytest.raises(TrainingConfigError, match=r"Trainer.load: '.*plain.safetensors' was written by save_checkpoint, "
                       r"not Trainer.save; use gradstep.train.load_checkpoint for it"):  # fmt: skip
        trainer.load(path)
