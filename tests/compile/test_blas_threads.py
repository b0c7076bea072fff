"""SciPy's own BLAS pool and NumPy's: the levers only while NumPy's runs one thread, SciPy's pinned to one in a step.

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
def pools(levers):
    """(SciPy's own BLAS pools, the others): skips where SciPy shares NumPy's BLAS library."""
    _, own, others = blas._loaded
    if not own:
        pytest.skip("SciPy uses NumPy's BLAS library here: one pool, nothing to pin")
    return own, others


def mlp():
    return nn.Sequential(nn.Linear(6, 8, seed=1), nn.ReLU(), nn.Linear(8, 3, seed=2))


def test_scipys_pool_is_told_apart_from_numpys(pools):
    own, others = pools
    assert others and not set(own) & set(others)
    # limiting the others (NumPy's) leaves SciPy's pool as it was, and decides whether the levers are on
    with threadpool_limits(2, user_api="blas"):
        assert not blas.available()  # NumPy's BLAS on 2 threads: the levers are off
        with ThreadpoolController().select(filepath=sorted({pool.filepath for pool in others})).limit(limits=1):
            assert all(pool.get_num_threads() == 1 for pool in others)
            assert all(pool.get_num_threads() == 2 for pool in own)
            assert blas.available()  # NumPy's on one thread: they pay


def test_the_levers_are_off_while_numpys_blas_runs_several_threads(pools):
    with threadpool_limits(2, user_api="blas"):
        model = mlp()
        step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
        for _ in range(3):
            step(X[:32], Y[:32])
    (program,) = step._programs.values()
    assert not program.folded  # the optimizer's own update, on NumPy's products
    model = mlp()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
    for _ in range(3):  # (the autouse fixture: every pool on one thread)
        step(X[:32], Y[:32])
    (program,) = step._programs.values()
    assert len(program.folded) == 4


def test_scipys_pool_runs_one_thread_during_a_compiled_step_and_gets_its_threads_back(pools):
    own, _ = pools
    model = mlp()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-2))
    seen = []
    with ThreadpoolController().select(filepath=sorted({pool.filepath for pool in own})).limit(limits=2):
        for _ in range(3):  # trace, verify, replay
            step(X[:32], Y[:32])
        (program,) = step._programs.values()
        for group in program.adam.groups:  # the fused Adam's v update is SciPy's rot: look at the pool from there
            rot = group.rot
            group.rot = lambda *args, rot=rot, **kwargs: seen.append([p.get_num_threads() for p in own]) or rot(*args, **kwargs)
        step(X[:32], Y[:32])
        assert seen == [[1] * len(own)]
        assert all(pool.get_num_threads() == 2 for pool in own)  # given back after the step
