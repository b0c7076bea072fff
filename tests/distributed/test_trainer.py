"""Trainer.fit on dask data: equal to the NumPy fit in full batch, every row once per epoch, resume after a crash."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from gradstep import nn, optim  # noqa: E402
from gradstep.distributed import DistributedGradient, epoch_slices  # noqa: E402
from gradstep.distributed.chunks import ChunkedData  # noqa: E402
from gradstep.distributed.loop import EpochPlan  # noqa: E402
from gradstep.train import Callback, Trainer, TrainingConfigError  # noqa: E402


def _data(n=300):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    y = (X[:, 0] - X[:, 1] > 0).astype(np.int64)
    return X, y


def _trainer(seed=0, metrics=(), callbacks=()):
    model = nn.Sequential(nn.Linear(3, 8, seed=seed), nn.Tanh(), nn.Linear(8, 2, seed=seed + 1))
    return Trainer(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=0.05), metrics=metrics,
                   callbacks=callbacks, progress=False)  # fmt: skip


def _weights(trainer):
    return [p.data.copy() for p in trainer.model.parameters()]


def test_full_batch_trainer_equals_the_numpy_trainer(client):
    X, y = _data()
    local, spread = _trainer(), _trainer()
    h_local = local.fit((X, y), val=(X[:50], y[:50]), epochs=6, batch_size=None)
    h_spread = spread.fit((da.from_array(X, chunks=70), da.from_array(y, chunks=70)), val=(X[:50], y[:50]),
                          epochs=6, batch_size=None)  # fmt: skip
    np.testing.assert_allclose(h_spread["loss"], h_local["loss"], rtol=1e-5)
    np.testing.assert_allclose(h_spread["val_loss"], h_local["val_loss"], rtol=1e-5)
    for a, b in zip(_weights(spread), _weights(local)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_epoch_slices_cover_every_row_once():
    for sizes, batch in [([5, 3], 4), ([7, 7, 1], 3), ([10], 1), ([4, 0, 9], 100), ([3, 3], 5)]:
        steps = epoch_slices(sizes, batch)
        for b, n in enumerate(sizes):
            ranges = [s[b] for s in steps]
            covered = [r for lo, hi in ((0, n) if r is None else r for r in ranges) for r in range(lo, hi)]
            assert covered == list(range(n))
        if batch < sum(sizes):  # each step holds n / S rows, give or take one per block
            assert all(abs(sum(hi - lo for lo, hi in s) - sum(sizes) / len(steps)) < len(sizes) for s in steps)


def _row_counts(blocks, rows, n):
    """The 'gradient' of a step: how often each row id (X's single column) was used."""
    out = []
    for (X, _), r in zip(blocks, rows):
        ids = (X[:, 0] if r is None else X[r[0] : r[1], 0]).astype(int)
        out.append((0.0, [np.bincount(ids, minlength=n).astype(float)], len(ids)))
    return out


def test_shuffled_minibatches_use_every_row_once_per_epoch(client):
    n = 103
    ids = da.from_array(np.arange(n, dtype=np.float64)[:, None], chunks=25)
    data = ChunkedData.from_dask(ids, np.zeros(n), client)
    engine = DistributedGradient(data, _row_counts, [n])
    plan = EpochPlan(data, batch_size=10, shuffle=True, seed=0)
    orders = []
    for _ in range(2):
        used = np.zeros(n)
        steps = list(plan)  # what Trainer's loop sees: (Step, None) pairs
        assert len(steps) == len(plan) == 11
        first = None
        for step, _ in steps:
            engine.use(step.data)
            _, (counts,), size = engine([], step.rows)
            assert size == len(step) < 10 + len(data.sizes)  # n / S rows, give or take one per block
            used += counts
            first = np.flatnonzero(counts) if first is None else first
        np.testing.assert_array_equal(used, np.ones(n))
        orders.append(first.tolist())
    assert orders[0] != orders[1]  # a new order every epoch


class _SaveAt(Callback):
    def __init__(self, path, epoch):
        self.path, self.at = path, epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.at:
            self.trainer.save(self.path)
            raise KeyboardInterrupt  # the driver "crashes" right after its checkpoint


def test_resume_after_a_driver_crash_gives_the_same_weights(client, tmp_path):
    X, y = _data()
    train = (da.from_array(X, chunks=80), da.from_array(y, chunks=80))
    straight = _trainer()
    straight.fit(train, epochs=4, batch_size=32, seed=3)
    crashed = _trainer(callbacks=[_SaveAt(tmp_path / "ckpt.safetensors", 2)])
    with pytest.raises(KeyboardInterrupt):
        crashed.fit(train, epochs=4, batch_size=32, seed=3)
    resumed = _trainer(seed=5)  # other initial weights: the checkpoint must restore them all
    resumed.load(tmp_path / "ckpt.safetensors")
    resumed.fit(train, epochs=4, batch_size=32, seed=3, initial_epoch=resumed.epoch)
    assert resumed.history["loss"] == pytest.approx(straight.history["loss"], rel=1e-12)
    for a, b in zip(_weights(resumed), _weights(straight)):
        np.testing.assert_array_equal(a, b)


def test_trainer_rejects_what_dask_data_cannot_do(client):
    X, y = _data(40)
    train = (da.from_array(X, chunks=20), da.from_array(y, chunks=20))
    history = _trainer(metrics=["accuracy"]).fit(train, val=(X, y), epochs=1)
    assert "val_accuracy" in history.history and "accuracy" not in history.history  # train metrics need every output
    with pytest.raises(TrainingConfigError, match="validation_split is not available"):
        _trainer().fit(train, validation_split=0.2, epochs=1)


class _Sizes(Callback):
    def __init__(self):
        self.sizes, self.epochs = [], []

    def on_batch_end(self, step, logs=None):
        self.sizes.append(logs["size"])

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)


def test_the_dask_fit_is_trainers_own_loop(client):
    from gradstep.errors import TrainingDivergedError
    from gradstep.train import EarlyStopping

    X, y = _data(103)
    train = (da.from_array(X, chunks=30), da.from_array(y, chunks=30))
    seen = _Sizes()
    trainer = _trainer(callbacks=[seen])
    history = trainer.fit(train, epochs=2, batch_size=25, seed=0)
    assert seen.epochs == [0, 1] and len(seen.sizes) == 2 * 5  # ceil(103 / 25) steps per epoch
    assert sum(seen.sizes[:5]) == 103 and history.params["samples"] == 103  # every row once per epoch
    stopper = EarlyStopping(monitor="loss", patience=1, min_delta=1e9)  # no epoch improves by 1e9: stop after 2
    assert len(_trainer(callbacks=[stopper]).fit(train, epochs=10, batch_size=None).epoch) == 2
    t = X[:, :1] * 2  # (n, 1) regression targets keep their shape on the workers

    def regression(lr):
        model = nn.Linear(3, 1, seed=0)
        return Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=lr), progress=False)

    local = regression(0.1).fit((X, t), epochs=3, batch_size=None)
    spread = regression(0.1).fit((train[0], da.from_array(t, chunks=30)), epochs=3, batch_size=None)
    np.testing.assert_allclose(spread["loss"], local["loss"], rtol=1e-5)
    wild = regression(1e30)
    with pytest.raises(TrainingDivergedError, match="epoch"), np.errstate(over="ignore", invalid="ignore"):
        wild.fit((train[0], da.from_array(t, chunks=30)), epochs=8, batch_size=None)  # Trainer's own NaN check
    assert wild.epoch < 8
