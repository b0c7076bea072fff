"""SciPy's own BLAS pool, apart from NumPy's: pinned to one thread while a compiled step runs.

With SciPy's wheels, SciPy's BLAS is a library apart from NumPy's, with a pool
of threads of its own; the two pools' spinning threads made the compiled step
6-8x slower than eager at 2 threads (compile/blas.py).
"""

import pytest
from threadpoolctl import ThreadpoolController, threadpool_limits

import gradstep
from gradstep import nn, optim
from gradstep.compile import blas

from .helpers import data

X, Y = data()


@pytest.fixture
def own(levers):
    """SciPy's own BLAS pools: skips where SciPy shares NumPy's BLAS library."""
    pools = blas._loaded[1]
    if not pools:
        pytest.skip("SciPy uses NumPy's BLAS library here: one pool, nothing to pin")
    return pools


def limited(pools, threads):
    """A context giving only ``pools`` ``threads`` threads."""
    return ThreadpoolController().select(filepath=sorted({pool.filepath for pool in pools})).limit(limits=threads)


def recording(routine, pools, seen):
    """``routine`` (a SciPy BLAS wrapper), appending the ``pools``' numbers of threads to ``seen`` at each call."""

    def call(*args, **kwargs):
        seen.append([pool.get_num_threads() for pool in pools])
        return routine(*args, **kwargs)

    return call


def mlp():
    return nn.Sequential(nn.Linear(6, 8, seed=1), nn.ReLU(), nn.Linear(8, 3, seed=2))


def test_scipys_pool_is_told_apart_from_numpys(own):
    paths = {pool.filepath for pool in own}
    others = [p for p in ThreadpoolController().select(user_api="blas").lib_controllers if p.filepath not in paths]
    assert others  # NumPy's
    with threadpool_limits(2, user_api="blas"), limited(others, 1):
        assert all(pool.get_num_threads() == 1 for pool in others)
        assert all(pool.get_num_threads() == 2 for pool in own)


def test_scipys_pool_runs_one_thread_during_a_compiled_step_and_gets_its_threads_back(own):
    model = mlp()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-2))
    seen = []
    with threadpool_limits(2, user_api="blas"):  # NumPy's and SciPy's pools on 2 threads: the levers are still used
        for _ in range(3):  # trace, verify, replay
            step(X[:32], Y[:32])
        (program,) = step._programs.values()
        for group in program.adam.groups:  # the fused Adam's v update is SciPy's rot: look at the pool from there
            group.rot = recording(group.rot, own, seen)
        step(X[:32], Y[:32])
        assert seen == [[1] * len(own)]
        assert all(pool.get_num_threads() == 2 for pool in own)  # given back after the step


def test_the_folded_update_runs_with_scipys_pool_pinned(own):
    with threadpool_limits(2, user_api="blas"):
        model = mlp()
        step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
        for _ in range(3):
            step(X[:32], Y[:32])
        (program,) = step._programs.values()
        assert len(program.folded) == 4  # both weights and both biases
        first = program.forward[0].__self__.weight_update
        seen = []
        first.gemm = recording(first.gemm, own, seen)
        step(X[:32], Y[:32])
        assert seen == [[1] * len(own)]
        assert all(pool.get_num_threads() == 2 for pool in own)
