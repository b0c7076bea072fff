"""nn.utils.clip_grad_norm_ / clip_grad_value_: PyTorch's signatures over optim.clip, values from the formulas."""

import math

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.errors import OptimizerError, TrainingDivergedError


def _with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(np.ones(np.shape(g), np.float32))  # (ones: the forward p * g stays finite for g = inf)
        (p * gradstep.tensor(np.asarray(g, np.float32))).sum().backward()  # dL/dp = g
        params.append(p)
    return params


def test_clip_grad_norm_scales_all_gradients_together_and_returns_the_norm_as_a_tensor():
    params = _with_grads([3.0, 0.0], [[4.0]])  # total 2-norm 5
    norm = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(norm, gradstep.Tensor) and norm.shape == () and norm.dtype == np.float32
    assert float(norm) == pytest.approx(5.0)
    coef = 1.0 / (5.0 + 1e-6)  # PyTorch: max_norm / (total + 1e-6)
    np.testing.assert_allclose(np.asarray(params[0].grad), [3.0 * coef, 0.0], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(params[1].grad), [[4.0 * coef]], rtol=1e-6)


def test_clip_grad_norm_below_the_bound_changes_nothing_and_takes_a_generator_or_one_tensor():
    params = _with_grads([0.3, 0.4])
    assert float(nn.utils.clip_grad_norm_(iter(params), max_norm=1.0)) == pytest.approx(0.5)
    np.testing.assert_allclose(np.asarray(params[0].grad), [0.3, 0.4], rtol=1e-7)
    assert float(nn.utils.clip_grad_norm_(params[0], max_norm=0.1, norm_type=math.inf)) == pytest.approx(0.4)


def test_clip_grad_norm_nonfinite():
    params = _with_grads([math.inf, 1.0])
    assert math.isinf(float(nn.utils.clip_grad_norm_(params, 1.0)))
    assert np.asarray(params[0].grad).tolist()[1] == 1.0  # left unchanged
    with pytest.raises(TrainingDivergedError, match=r"clip_grad_norm_: the total 2.0-norm of the gradients is inf"):
        nn.utils.clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    with pytest.raises(OptimizerError, match="clip_grad_norm: max_norm must be a number >= 0"):
        nn.utils.clip_grad_norm_(params, -1.0)


def test_clip_grad_value_clamps_each_entry_and_returns_none():
    params = _with_grads([-5.0, 0.5, 2.0])
    assert nn.utils.clip_grad_value_(params, 1.0) is None
    assert np.asarray(params[0].grad).tolist() == [-1.0, 0.5, 1.0]
    with pytest.raises(OptimizerError, match="clip_grad_value: clip_value must be a number >= 0"):
        nn.utils.clip_grad_value_(params, -1)
