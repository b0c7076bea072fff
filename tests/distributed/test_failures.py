"""A worker killed in the middle of a fit costs a retried step, not the result; unrecoverable data is a clear error."""

import os
import signal
import time

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

from gradstep import nn, optim  # noqa: E402
from gradstep.errors import DistributedError  # noqa: E402
from gradstep.train import Callback, Trainer  # noqa: E402


class KillWorker(Callback):
    """SIGKILL the process of one worker after step ``at`` of the first epoch (its nanny starts a new one)."""

    def __init__(self, client, at):
        self.client, self.at, self.killed = client, at, None

    def on_batch_end(self, step, logs=None):
        if step == self.at and self.killed is None:
            pids = self.client.run(os.getpid)  # {worker address: pid}
            self.killed = sorted(pids.values())[0]
            os.kill(self.killed, signal.SIGKILL)
            time.sleep(0.2)  # the next step starts while the worker is gone


def _trainer(callbacks=()):
    model = nn.Sequential(nn.Linear(3, 8, seed=0), nn.Tanh(), nn.Linear(8, 2, seed=1))
    return Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
                   callbacks=list(callbacks), progress=False)  # fmt: skip


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64)


def test_a_killed_worker_changes_nothing(two_workers):
    X, y = _data()
    train = (da.from_array(X, chunks=50), da.from_array(y, chunks=50))
    calm = _trainer()
    calm.fit(train, epochs=2, batch_size=100, seed=0)
    killer = KillWorker(two_workers, at=1)
    disturbed = _trainer([killer])
    disturbed.fit(train, epochs=2, batch_size=100, seed=0)
    assert killer.killed is not None
    assert disturbed.history["loss"] == calm.history["loss"]
    for a, b in zip(disturbed.model.parameters(), calm.model.parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def test_scattered_data_lost_with_its_worker_is_a_clear_error(two_workers):
    X, y = _data()
    first = sorted(two_workers.scheduler_info()["workers"])[:1]
    xs = two_workers.scatter([X[:200], X[200:]], workers=first)  # no graph: nothing can rebuild them
    ys = two_workers.scatter([y[:200], y[200:]], workers=first)
    dX = da.concatenate([da.from_delayed(dask.delayed(f), shape=(200, 3), dtype=np.float32) for f in xs])
    dy = da.concatenate([da.from_delayed(dask.delayed(f), shape=(200,), dtype=np.int64) for f in ys])
    pids = two_workers.run(os.getpid, workers=first)
    with pytest.raises(DistributedError, match="lost with its worker and cannot be recomputed.*client.scatter"):
        _trainer([_KillPid(pids[first[0]])]).fit((dX, dy), epochs=2, batch_size=100, seed=0)


class _KillPid(Callback):
    def __init__(self, pid):
        self.pid, self.done = pid, False

    def on_batch_end(self, step, logs=None):
        if not self.done:
            self.done = True
            os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.2)

