"""What a worker runs on its blocks: the step in cache-sized pieces gives the sums of the whole block."""

import numpy as np
import pytest

from gradstep import nn
from gradstep.distributed import blocks as B
from gradstep.models._linear_gd import LinearScores, delta_rule
from gradstep.models._score_losses import logistic
from gradstep.train.trainer import graph_loss_and_grad
from gradstep.distributed.networks import _GradsCleared


def _block(n=1000, d=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, (X[:, :1] + rng.normal(size=(n, 1)) > 0).astype(np.float64)


@pytest.mark.parametrize("piece_bytes", [8 * 7 * 64, 8 * 7 * 333, 1])
def test_pieces_give_the_sums_of_the_whole_block(monkeypatch, piece_bytes):
    X, t = _block()
    m = LinearScores(7, 1)
    rng = np.random.default_rng(1)
    params = [rng.normal(size=(7, 1)), rng.normal(size=1)]
    step = (m, delta_rule(m, logistic, 0.3))  # with a penalty: part of every piece's mean loss, once in the sum
    [(whole_loss, whole, n)] = B.loss_and_grad_sums([(X, t)], [None], params, step, False)
    monkeypatch.setattr(B, "PIECE_BYTES", piece_bytes)
    assert len(B.pieces(len(X), X[0].nbytes)) > 1
    [(loss, grads, n_pieces)] = B.loss_and_grad_sums([(X, t)], [None], params, step, False)
    assert n == n_pieces == 1000
    # the math: sum_i (loss_i + alpha/2 ||W||^2) and X^T delta + n alpha W, whatever the cut
    z = X @ params[0] + params[1]
    p = 1 / (1 + np.exp(-z))
    expected = np.sum(-t * np.log(p) - (1 - t) * np.log(1 - p)) + 1000 * 0.15 * float(np.sum(params[0] ** 2))
    assert loss == pytest.approx(expected, rel=1e-12) and whole_loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grads[0], X.T @ (p - t) + 1000 * 0.3 * params[0], rtol=1e-12)
    np.testing.assert_allclose(grads[1], np.sum(p - t, axis=0), rtol=1e-12)
    np.testing.assert_allclose(grads[0], whole[0], rtol=1e-12)


def test_pieces_of_an_autodiff_step_and_of_a_row_range(monkeypatch):
    X, t = _block(n=300, d=3)
    X, codes = X.astype(np.float32), t[:, 0].astype(np.int64)
    model = nn.Sequential(nn.Linear(3, 5, seed=0), nn.Tanh(), nn.Linear(5, 2, seed=1))
    step = (model, graph_loss_and_grad(model, nn.CrossEntropyLoss(), _GradsCleared()))
    params = [p.data for p in model.parameters()]
    [(loss, grads, n)] = B.loss_and_grad_sums([(X, codes)], [(20, 270)], params, step, False)
    monkeypatch.setattr(B, "PIECE_BYTES", 12 * 16)  # 16 rows of 3 float32 per piece
    [(loss_p, grads_p, n_p)] = B.loss_and_grad_sums([(X, codes)], [(20, 270)], params, step, False)
    assert n == n_p == 250
    assert loss_p == pytest.approx(loss, rel=1e-5)
    for a, b in zip(grads_p, grads):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def _failing_step(blocks, rows, params):
    raise ValueError("a bug in the step")


@pytest.mark.parametrize("direct", [None, False])  # straight to the workers (default), or through the scheduler
def test_a_step_on_the_workers_event_loop_or_in_their_threads_gives_the_same_sums(client, monkeypatch, direct):
    da = pytest.importorskip("dask.array")
    from gradstep.distributed import engine
    from gradstep.distributed.chunks import ChunkedData

    monkeypatch.setattr(client, "direct_to_workers", direct)
    X, t = _block(n=600, d=4)
    data = ChunkedData.from_dask(da.from_array(X, chunks=(100, 4)), da.from_array(t, chunks=(100, 1)), client,
                                 flat_y=False)  # fmt: skip
    m = LinearScores(4, 1)
    params = [[np.full((4, 1), 0.1), np.zeros(1)]]
    results = []
    for inline in (1 << 20, 0):  # every share small enough for the event loop; none
        monkeypatch.setattr(engine, "INLINE_VALUES", inline)
        grad = engine.DistributedGradient(data, B.loss_and_grad_sums, [(m, delta_rule(m, logistic, 0.0)), False])
        results.append(grad(params, [(10, 60)] * 6))  # a minibatch: rows 10..59 of every block
        grad.close()
        failing = engine.DistributedGradient(data, _failing_step)
        with pytest.raises(ValueError, match="a bug in the step"):  # raised as it is, not retried as a lost worker
            failing([[]])
        failing.close()
    (loss_a, grads_a, n_a), (loss_b, grads_b, n_b) = results
    assert n_a == n_b == 300 and loss_a == loss_b
    rows = np.concatenate([np.arange(b * 100 + 10, b * 100 + 60) for b in range(6)])
    p = 1 / (1 + np.exp(-(X[rows] @ params[0][0])))
    np.testing.assert_allclose(grads_a[0], X[rows].T @ (p - t[rows]), rtol=1e-12)
    for a, b in zip(grads_a, grads_b):
        np.testing.assert_array_equal(a, b)
