"""Gradient clipping against norms computed by hand, on params and on (grad, param) pairs."""

import math

import numpy as np
import pytest

import gradstep
from gradstep.optim import SGD, OptimizerError, clip_grad_norm, clip_grad_value


def params_with_grads(*grads):
    out = []
    for g in grads:
        p = gradstep.zeros(len(g), dtype=np.float64, requires_grad=True)
        p.grad = np.array(g, dtype=np.float64)
        out.append(p)
    return out


def test_clip_grad_norm_two_norm_over_all_params():
    a, b = params_with_grads([3.0, 4.0], [12.0])
    # ||g|| = sqrt(9 + 16 + 144) = 13
    total = clip_grad_norm([a, b], max_norm=6.5)
    assert total == pytest.approx(13.0, rel=1e-15)
    scale = 6.5 / (13.0 + 1e-6)
    np.testing.assert_allclose(a.grad, [3.0 * scale, 4.0 * scale], rtol=1e-15)
    np.testing.assert_allclose(b.grad, [12.0 * scale], rtol=1e-15)


def test_clip_grad_norm_other_norms():
    a, b = params_with_grads([3.0, -4.0], [12.0])
    assert clip_grad_norm([a, b], max_norm=100.0, norm_type=1) == pytest.approx(19.0, rel=1e-15)
    assert clip_grad_norm([a, b], max_norm=100.0, norm_type=math.inf) == 12.0
    assert clip_grad_norm([a, b], max_norm=100.0, norm_type=3) == pytest.approx((27 + 64 + 1728) ** (1 / 3), rel=1e-14)
    np.testing.assert_array_equal(a.grad, [3.0, -4.0])  # below max_norm: untouched
    assert clip_grad_norm([a, b], max_norm=6.0, norm_type=math.inf) == 12.0
    np.testing.assert_allclose(b.grad, [12.0 * 6.0 / (12.0 + 1e-6)], rtol=1e-15)


def test_clip_grad_norm_skips_missing_grads_and_handles_none_left():
    a, b = params_with_grads([3.0, 4.0], [1.0])
    b.grad = None
    assert clip_grad_norm([a, b], max_norm=10.0) == pytest.approx(5.0)
    assert clip_grad_norm([b], max_norm=1.0) == 0.0
    assert clip_grad_norm(a, max_norm=10.0) == pytest.approx(5.0)  # a single tensor


def test_clip_grad_norm_leaves_non_finite_gradients_alone():
    (a,) = params_with_grads([np.inf, 1.0])
    assert clip_grad_norm([a], max_norm=1.0) == math.inf
    np.testing.assert_array_equal(a.grad, [np.inf, 1.0])


def test_clipping_between_compute_and_apply_gradients():
    w = gradstep.tensor(np.array([3.0, 4.0]), requires_grad=True)
    opt = SGD([w], lr=1.0)
    grads_and_vars = opt.compute_gradients((w * w).sum() * 0.5)  # g = w = (3, 4), norm 5
    assert clip_grad_norm(grads_and_vars, max_norm=1.0) == pytest.approx(5.0, rel=1e-15)
    opt.apply_gradients(grads_and_vars)
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(w.data, [3.0 - 3.0 * scale, 4.0 - 4.0 * scale], rtol=1e-15)

    grads_and_vars = opt.compute_gradients((w * w).sum() * 10)
    clip_grad_value(grads_and_vars, 0.5)
    np.testing.assert_array_equal(grads_and_vars[0][0], [0.5, 0.5])


def test_clip_grad_value():
    a, b = params_with_grads([-5.0, 0.25], [2.0])
    clip_grad_value([a, b], 1.0)
    np.testing.assert_array_equal(a.grad, [-1.0, 0.25])
    np.testing.assert_array_equal(b.grad, [1.0])


def test_clipping_keeps_float32():
    w = gradstep.zeros(2, requires_grad=True)
    w.grad = np.array([30.0, 40.0], dtype=np.float32)
    clip_grad_norm([w], 1.0)
    clip_grad_value([w], 0.5)
    assert w.grad.dtype == np.float32


def test_clipping_errors():
    (a,) = params_with_grads([1.0])
    with pytest.raises(OptimizerError, match=r"^clip_grad_norm: max_norm must be a number >= 0, got -1.0$"):
        clip_grad_norm([a], -1.0)
    with pytest.raises(OptimizerError, match=r"^clip_grad_norm: norm_type must be > 0 \(or inf\), got 0$"):
        clip_grad_norm([a], 1.0, norm_type=0)
    with pytest.raises(OptimizerError, match=r"^clip_grad_norm: item 0 must be a Tensor or a \(grad, param\) pair, got str$"):
        clip_grad_norm(["w"], 1.0)
    a.grad = np.broadcast_to(np.ones(1), (1,))
    with pytest.raises(OptimizerError, match=r"^clip_grad_value: gradient 0 must be a writeable ndarray to be clipped in place$"):
        clip_grad_value([a], 1.0)
    with pytest.raises(OptimizerError, match=r"^clip_grad_value: clip_value must be a number >= 0, got -0.5$"):
        clip_grad_value([a], -0.5)
