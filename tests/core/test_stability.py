"""Stable forms: no overflow, no warnings, finite values and gradients at +-1e4."""

import warnings

import numpy as np
import pytest

import gradstep
from gradstep import ops

EXTREMES = np.array([-1e4, -500.0, -30.0, 0.0, 30.0, 500.0, 1e4])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", [ops.sigmoid, ops.softplus, ops.tanh, ops.elu, ops.log_softmax, ops.softmax])
def test_extreme_inputs_are_finite_and_warning_free(op, dtype):
    x = gradstep.tensor(EXTREMES.astype(dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = op(x)
        y.backward(np.ones_like(y.data))
    assert np.isfinite(y.data).all() and np.isfinite(x.grad).all()


def test_sigmoid_limits_and_symmetry():
    s = ops.sigmoid(gradstep.tensor(EXTREMES)).data
    assert s[0] == 0.0 and s[-1] == 1.0
    assert np.allclose(s + s[::-1], 1.0)


def test_softplus_matches_the_formula_where_it_is_finite_and_is_linear_beyond():
    z = np.array([-20.0, -1.0, 0.0, 1.0, 20.0])
    assert np.allclose(ops.softplus(gradstep.tensor(z)).data, np.log1p(np.exp(z)))
    assert ops.softplus(gradstep.tensor(np.array([1e4]))).item() == 1e4


def test_log_softmax_of_huge_logits():
    y = ops.log_softmax(gradstep.tensor(np.array([[0.0, 1e4, -1e4]]))).data
    assert np.allclose(y, [[-1e4, 0.0, -2e4]])
