"""step(release_grads=True): the same update, the gradients used as scratch and then set to None."""

import numpy as np
import pytest

import gradstep
from gradstep.optim import SGD, Adam

from .helpers import OPTIMIZERS, make_problem


def run(name, release, steps=4):
    """Parameters after ``steps`` zero_grad/backward/step updates of the shared float32 problem."""
    params, loss, _ = make_problem()
    opt = OPTIMIZERS[name](params)
    for _ in range(steps):
        opt.zero_grad()
        loss().backward()
        opt.step(release_grads=release)
    return params, opt


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_release_gives_bit_identical_updates_and_state(name):
    kept, opt_kept = run(name, release=False)
    released, opt_released = run(name, release=True)
    for a, b in zip(kept, released):
        np.testing.assert_array_equal(a.data, b.data)
    for a, b in zip(kept, released):
        for key, value in opt_kept.state.get(a, {}).items():
            np.testing.assert_array_equal(np.asarray(value), np.asarray(opt_released.state[b][key]))
    assert opt_kept.global_step == opt_released.global_step == 4


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_release_sets_the_used_gradients_to_none_and_keeps_them_otherwise(name):
    released, _ = run(name, release=True, steps=1)
    assert all(p.grad is None for p in released)
    kept, _ = run(name, release=False, steps=1)
    W, b, u = kept
    assert W.grad is not None and b.grad is not None
    assert u.grad is None  # unused by the loss: never had one


def test_without_release_the_gradient_array_is_left_untouched():
    w = gradstep.tensor([1.0, -2.0], requires_grad=True)
    (w * w).sum().backward()
    grad, before = w.grad, w.grad.data.copy()
    SGD([w], lr=0.1).step()
    assert w.grad is grad
    np.testing.assert_array_equal(grad, before)  # 2w, not 0.1 * 2w


@pytest.mark.parametrize("make", [lambda p: SGD(p, lr=0.5), lambda p: Adam(p, lr=0.5)])
def test_a_read_only_gradient_is_not_written_even_when_released(make):
    # a gradient the caller set and made read-only: the update falls back to the optimizer's own buffer
    w = gradstep.tensor([1.0, 3.0], requires_grad=True)
    grad = np.array([2.0, 4.0], dtype=np.float32)
    grad.flags.writeable = False
    w.grad = grad
    reference = gradstep.tensor([1.0, 3.0], requires_grad=True)
    reference.grad = grad.copy()
    make([w]).step(release_grads=True)
    make([reference]).step()
    np.testing.assert_array_equal(grad, [2.0, 4.0])
    np.testing.assert_array_equal(w.data, reference.data)
    assert w.grad is None


def test_sgd_release_moves_the_weights_by_lr_times_the_gradient():
    # w = [1, -2], L = sum(w^2): g = 2w = [2, -4]; w <- w - 0.25 g = [0.5, -1]
    w = gradstep.tensor([1.0, -2.0], requires_grad=True)
    (w * w).sum().backward()
    SGD([w], lr=0.25).step(release_grads=True)
    np.testing.assert_array_equal(w.data, [0.5, -1.0])
    assert w.grad is None
