"""Trainer.fit / evaluate / predict: updates per epoch, shuffling, logs, modes, progress output, errors."""

import gc
import re
import subprocess
import sys
import types

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.function import Context
from gradstep.train import Callback, Trainer, TrainingConfigError, progress

from .helpers import Recorder, blobs, index_data, mlp


def sgd_trainer(model, lr=0.01, **kwargs):
    kwargs.setdefault("progress", False)
    return Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=lr), **kwargs)


@pytest.mark.parametrize(("batch_size", "steps"), [(1, 10), (4, 3), (5, 2), (None, 1), (64, 1)])
def test_updates_per_epoch_online_minibatch_full_batch(batch_size, steps):
    # online: n updates per epoch; minibatch of k: ceil(n / k); full batch: one
    model = Recorder()
    trainer = sgd_trainer(model)
    history = trainer.fit(index_data(10), epochs=3, batch_size=batch_size, seed=0)
    assert trainer.optimizer.global_step == 3 * steps
    assert history.params["steps"] == steps and len(model.seen) == 3 * steps
    assert trainer.epoch == 3 and history.epoch == [0, 1, 2]


def epoch_orders(batch_size=5, n=20, epochs=3, seed=0, shuffle=True):
    model = Recorder()
    sgd_trainer(model).fit(index_data(n), epochs=epochs, batch_size=batch_size, seed=seed, shuffle=shuffle)
    per_epoch = n // batch_size
    return [np.concatenate(model.seen[e * per_epoch : (e + 1) * per_epoch]).astype(int).tolist() for e in range(epochs)]


def test_shuffling_differs_per_epoch_and_repeats_with_the_same_seed():
    orders = epoch_orders(seed=0)
    for order in orders:
        assert sorted(order) == list(range(20))  # every example exactly once per epoch
    assert orders[0] != orders[1] and orders[1] != orders[2]
    assert epoch_orders(seed=0) == orders
    assert epoch_orders(seed=1) != orders
    assert epoch_orders(shuffle=False) == [list(range(20))] * 3


def test_logs_are_plain_floats_and_the_epoch_loss_is_the_weighted_batch_mean():
    class BatchLog(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.batches = []

        def on_batch_end(self, step, logs=None):
            self.batches.append((logs["loss"], logs["size"]))

    X, y = blobs(50)
    log = BatchLog()
    model = mlp()
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), metrics=["accuracy", "f1"],
                      callbacks=[log], progress=False)  # fmt: skip
    history = trainer.fit((X, y), val=blobs(30, seed=1), epochs=3, batch_size=16, seed=0)
    assert list(history.history) == ["loss", "accuracy", "f1", "val_loss", "val_accuracy", "val_f1", "lr", "seconds"]
    for values in history.history.values():
        assert len(values) == 3 and all(type(v) is float for v in values)
    # batches of 16, 16, 16, 2: loss = sum(l_b * n_b) / 50
    assert [n for _, n in log.batches] == [16, 16, 16, 2]
    assert history["loss"][-1] == pytest.approx(sum(l * n for l, n in log.batches) / 50, rel=1e-12)
    assert history["val_loss"][-1] == trainer.evaluate(*blobs(30, seed=1))["loss"]
    assert history["lr"] == [0.1, 0.1, 0.1]


def test_no_graph_survives_training():
    X, y = blobs(64)
    model = mlp()
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.01), metrics=["accuracy"],
                      progress=False)  # fmt: skip
    trainer.fit((X, y), val=(X, y), epochs=2, batch_size=8, seed=0)
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, Context)] == []


def test_evaluate_and_predict_run_in_eval_mode_without_a_graph():
    seen = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 1, bias=False, init="ones")

        def forward(self, x):
            seen.append((self.training, gradstep.is_grad_enabled()))
            return self.linear(x)

    model = Probe()
    trainer = sgd_trainer(model)
    X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], np.float32)
    y = np.array([[2.0], [0.0], [1.0]], np.float32)
    assert model.training
    out = trainer.predict(X)
    assert isinstance(out, np.ndarray) and out[:, 0].tolist() == [3.0, 2.0, 1.0]  # w = (1, 1)
    assert seen == [(False, False)] and model.training  # the previous mode comes back
    # MSE by hand: errors 1, 2, 0 -> (1 + 4 + 0) / 3
    assert trainer.evaluate(X, y) == {"loss": pytest.approx(5 / 3)}
    np.testing.assert_array_equal(trainer.predict(X, batch_size=2), out)
    model.eval()
    trainer.predict(gradstep.tensor(X))
    assert not model.training


def test_predict_with_dropout_is_deterministic_and_batches_agree():
    X, _ = blobs(40)
    model = mlp(dropout=0.5)
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), progress=False)
    full = trainer.predict(X)
    np.testing.assert_array_equal(trainer.predict(X), full)
    np.testing.assert_allclose(trainer.predict(X, batch_size=7), full, rtol=1e-6, atol=1e-7)


def test_transform_augments_training_batches_only():
    model = Recorder()
    trainer = sgd_trainer(model, lr=0.0)
    trainer.fit(index_data(6), epochs=1, batch_size=None, shuffle=False, transform=lambda X, rng: X + 100.0)
    assert model.seen[0].tolist() == [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]
    model.linear.weight.data[...] = 1.0
    model.linear.bias.data[...] = 0.0
    assert trainer.predict(index_data(6)[0])[:, 0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_validation_split_holds_out_a_seeded_fraction():
    X, y = blobs(100)

    def run():
        model = mlp()
        trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), progress=False)
        return trainer.fit((X, y), validation_split=0.2, epochs=2, batch_size=10, seed=3)

    first = run()
    assert first.params["samples"] == 80 and first.params["steps"] == 8
    assert first["val_loss"] == run()["val_loss"]


def test_small_mlp_on_digits_reaches_95_percent_test_accuracy():
    pytest.importorskip("sklearn", reason="load_digits reads scikit-learn's bundled copy")
    from gradstep.data import load_digits, train_test_split

    X, y = load_digits()
    X = X / np.float32(16.0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, stratify=True, seed=0)
    model = nn.Sequential(nn.Linear(64, 64, seed=0), nn.ReLU(), nn.Linear(64, 10, seed=1))
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.01), metrics=["accuracy"],
                      progress=False)  # fmt: skip
    trainer.fit((X_train, y_train), epochs=15, batch_size=32, seed=0)
    assert trainer.evaluate(X_test, y_test)["accuracy"] >= 0.95


def test_progress_prints_a_summary_line_per_epoch(capsys):
    X, y = blobs(40)
    model = mlp()
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), metrics=["accuracy"])
    trainer.fit((X, y), val=(X, y), epochs=2, batch_size=8, seed=0)
    lines = [l for l in re.split(r"[\r\n]", capsys.readouterr().out) if l.startswith("Epoch ") and " - " in l]
    assert len(lines) == 2
    assert re.match(r"Epoch 1/2 - \d+\.\d\ds - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - "
                    r"val_accuracy: \d\.\d{4} - lr: 0\.1$", lines[0])  # fmt: skip


def test_progress_bar_shows_the_running_loss_after_every_batch(capsys, monkeypatch):
    bars = []

    class FakeBar:  # records what the Trainer asks of tqdm
        def __init__(self, total, desc, **kwargs):
            self.total, self.desc, self.postfixes, self.updates = total, desc, [], 0
            bars.append(self)

        def set_postfix_str(self, text, refresh=True):
            self.postfixes.append(text)

        def update(self, n):
            self.updates += n

        def close(self):
            pass

    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    monkeypatch.setattr(progress, "interactive", lambda file: True)  # as on a terminal (pytest captures stdout)
    X, y = blobs(40)
    model = mlp()
    batch_losses = []

    class BatchLosses(Callback):
        def on_batch_end(self, step, logs=None):
            batch_losses.append(logs["loss"])

    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), callbacks=[BatchLosses()])
    history = trainer.fit((X, y), epochs=2, batch_size=8, seed=0)
    assert [(b.desc, b.total, b.updates) for b in bars] == [("Epoch 1/2", 5, 5), ("Epoch 2/2", 5, 5)]
    # equal batches of 8: after batch j of an epoch the running loss is the mean of its first j batch losses
    for bar, losses in zip(bars, (batch_losses[:5], batch_losses[5:])):
        assert bar.postfixes == [f"loss={np.mean(losses[: j + 1]):.4f}" for j in range(5)]
    assert bars[-1].postfixes[-1] == f"loss={history['loss'][-1]:.4f}"
    capsys.readouterr()


def test_progress_without_tqdm_falls_back_to_plain_lines(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    model = Recorder()
    sgd_trainer(model, progress=True).fit(index_data(8), epochs=2, batch_size=4, seed=0)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[1].startswith("Epoch 2/2 - ") and "loss: " in out[1]


def test_progress_false_is_silent_and_never_imports_tqdm(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # an import would fail loudly
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    sgd_trainer(Recorder(), progress=False).fit(index_data(8), epochs=2, batch_size=4, seed=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_importing_the_training_package_needs_neither_tqdm_nor_safetensors():
    code = "import sys, gradstep.train; print('tqdm' in sys.modules, 'safetensors' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_a_callback_can_stop_training_after_a_batch():
    class StopAtThirdBatch(Callback):
        def on_batch_end(self, step, logs=None):
            if step == 2:
                self.trainer.stop_training = True
                self.trainer.stop_reason = "enough"

    trainer = sgd_trainer(Recorder(), callbacks=[StopAtThirdBatch()])
    history = trainer.fit(index_data(10), epochs=5, batch_size=2, seed=0)
    assert trainer.optimizer.global_step == 3 and len(history) == 1 and trainer.stop_reason == "enough"


def test_hooks_run_in_order():
    calls = []

    class Spy(Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin {epoch}")

        def on_batch_end(self, step, logs=None):
            calls.append(f"batch {step}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end {epoch} {sorted(logs)}")

        def on_train_end(self, logs=None):
            calls.append("train_end")

    sgd_trainer(Recorder(), callbacks=[Spy()]).fit(index_data(4), epochs=2, batch_size=2, seed=0)
    keys = "['loss', 'lr', 'seconds']"
    assert calls == ["train_begin", "epoch_begin 0", "batch 0", "batch 1", f"epoch_end 0 {keys}",
                     "epoch_begin 1", "batch 0", "batch 1", f"epoch_end 1 {keys}", "train_end"]  # fmt: skip


def test_a_second_fit_starts_a_new_history():
    trainer = sgd_trainer(Recorder())
    trainer.fit(index_data(4), epochs=2, batch_size=2, seed=0)
    assert len(trainer.fit(index_data(4), epochs=3, batch_size=2, seed=0)) == 3


def test_constructor_errors():
    model = Recorder()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TrainingConfigError, match=r"Trainer: model must be callable \(a Module\), got int"):
        Trainer(3, nn.MSELoss(), opt)
    with pytest.raises(TrainingConfigError, match=r"Trainer: loss must be callable \(output, target\) -> Tensor, got 'mse'"):
        Trainer(model, "mse", opt)
    with pytest.raises(TrainingConfigError, match=r"Trainer: optimizer has no zero_grad\(\) method"):
        Trainer(model, nn.MSELoss(), object())
    with pytest.raises(TrainingConfigError, match=r"get_metric: unknown metric 'acc'"):
        Trainer(model, nn.MSELoss(), opt, metrics=["acc"])
    with pytest.raises(TrainingConfigError, match=r"Trainer: metric names must be unique and not 'loss' or 'lr': \['mse'\]"):
        Trainer(model, nn.MSELoss(), opt, metrics=["mse", "mse"])
    with pytest.raises(TrainingConfigError, match=r"Trainer: callbacks must be Callback instances, got 'early'"):
        Trainer(model, nn.MSELoss(), opt, callbacks=["early"])
    assert [name for name, _ in Trainer(model, nn.MSELoss(), opt, metrics="mae").metrics] == ["mae"]


def test_fit_errors():
    trainer = sgd_trainer(Recorder())
    data = index_data(6)
    with pytest.raises(TrainingConfigError, match=r"Trainer.fit: train must be a pair \(X, y\), got ndarray"):
        trainer.fit(data[0])
    with pytest.raises(gradstep.ShapeError, match=r"Trainer.fit: train X has shape \(6, 1\) but y has shape \(5, 1\)"):
        trainer.fit((data[0], data[1][:5]))
    with pytest.raises(gradstep.ShapeError, match=r"Trainer.fit: val X has shape \(6, 1\) but y has shape \(2, 1\)"):
        trainer.fit(data, val=(data[0], data[1][:2]))
    with pytest.raises(TrainingConfigError, match=r"Trainer.fit: train y is None"):
        trainer.fit((data[0], None))
    with pytest.raises(TrainingConfigError, match=r"Trainer.fit: epochs must be an int >= 1, got 0"):
        trainer.fit(data, epochs=0)
    with pytest.raises(TrainingConfigError, match=r"Trainer.fit: initial_epoch must be an int in \[0, epochs\), got 3 with epochs=3"):
        trainer.fit(data, epochs=3, initial_epoch=3)
    with pytest.raises(TrainingConfigError, match=r"Trainer.fit: validation_split must be in \[0, 1\), got 1.5"):
        trainer.fit(data, validation_split=1.5)
    with pytest.raises(TrainingConfigError, match=r"Trainer.fit: pass either val=\(X_val, y_val\) or validation_split, not both"):
        trainer.fit(data, val=data, validation_split=0.2)
    assert trainer.optimizer.global_step == 0  # nothing ran


def test_predict_and_evaluate_errors():
    trainer = sgd_trainer(Recorder())
    with pytest.raises(gradstep.ShapeError, match=r"Trainer.predict: X must have a batch dimension, got shape \(\)"):
        trainer.predict(np.float32(1.0))
    with pytest.raises(TrainingConfigError, match=r"Trainer.predict: batch_size must be None or an int >= 1, got 0"):
        trainer.predict(np.zeros((2, 1), np.float32), batch_size=0)
    with pytest.raises(gradstep.ShapeError, match=r"Trainer.evaluate: data X has shape \(2, 1\) but y has shape \(3,\)"):
        trainer.evaluate(np.zeros((2, 1), np.float32), np.zeros(3, np.float32))


@pytest.mark.parametrize("make_optimizer", [lambda p: optim.SGD(p, lr=0.1), lambda p: optim.Adam(p, lr=0.01)])
def test_fit_equals_the_plain_loop_and_releases_the_gradients(make_optimizer):
    # Trainer steps with release_grads=True; the weights must be those of zero_grad/backward/step by hand
    X, y = blobs()
    by_trainer, by_hand = mlp(), mlp()
    Trainer(by_trainer, nn.CrossEntropyLoss(), make_optimizer(by_trainer.parameters()), progress=False).fit(
        (X, y), epochs=2, batch_size=16, shuffle=False
    )
    opt = make_optimizer(by_hand.parameters())
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(2):
        for start in range(0, len(X), 16):
            opt.zero_grad()
            loss_fn(by_hand(gradstep.Tensor(X[start : start + 16])), gradstep.Tensor(y[start : start + 16])).backward()
            opt.step()
    for a, b in zip(by_trainer.parameters(), by_hand.parameters()):
        np.testing.assert_array_equal(a.data, b.data)
        assert a.grad is None and b.grad is not None


def test_an_optimizer_object_that_is_not_a_gradstep_optimizer_gets_a_plain_step():
    class Counting:
        def __init__(self, params):
            self.inner, self.calls = optim.SGD(params, lr=0.1), []

        def zero_grad(self):
            self.inner.zero_grad()

        def step(self, *args, **kwargs):
            self.calls.append((args, kwargs))
            self.inner.step()

    model = mlp()
    opt = Counting(model.parameters())
    Trainer(model, nn.CrossEntropyLoss(), opt, progress=False).fit(blobs(), epochs=1, batch_size=60)
    assert opt.calls == [((), {}), ((), {})]
    assert all(p.grad is not None for p in model.parameters())
