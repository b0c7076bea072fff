"""L1 and L2 penalties: values, gradients and errors."""

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.nn.errors import ArgumentError

W = np.array([[1.0, -2.0], [0.5, 0.0]])
B = np.array([-3.0, 0.25])


def params():
    return [nn.Parameter(W.copy()), nn.Parameter(B.copy())]


def test_l1_value_and_gradient_sign():
    ps = params()
    penalty = nn.l1_penalty(ps)
    assert penalty.item() == np.abs(W).sum() + np.abs(B).sum()
    penalty.backward()
    np.testing.assert_array_equal(ps[0].grad, np.sign(W))
    np.testing.assert_array_equal(ps[1].grad, np.sign(B))


def test_l2_is_the_sum_of_squares_without_a_half():
    ps = params()
    penalty = nn.l2_penalty(ps)
    assert penalty.item() == (W**2).sum() + (B**2).sum()
    penalty.backward()
    np.testing.assert_array_equal(ps[0].grad, 2 * W)
    np.testing.assert_array_equal(ps[1].grad, 2 * B)


def test_penalties_of_a_module_cover_all_parameters_and_add_to_a_loss():
    layer = nn.Linear(2, 2, dtype=np.float64)
    layer.weight.data[...] = W
    layer.bias.data[...] = B
    assert nn.l2_penalty(layer).item() == (W**2).sum() + (B**2).sum()
    weights_only = [p for name, p in layer.named_parameters() if name.endswith("weight")]
    loss = nn.MSELoss()(layer(gradstep.ones(3, 2, dtype=np.float64)), gradstep.zeros(3, 2, dtype=np.float64))
    (loss + 0.1 * nn.l2_penalty(weights_only)).backward()
    assert layer.weight.grad is not None


def test_penalty_gradchecks():
    assert gradstep.gradcheck(lambda w, b: nn.l2_penalty([w, b]), [W, B])
    assert gradstep.gradcheck(lambda w: nn.l1_penalty([w]), [np.array([[1.0, -2.0], [0.5, -0.1]])])


def test_no_parameters_is_an_error():
    layer = nn.Linear(2, 2)
    used = layer.parameters()
    list(used)
    with pytest.raises(ArgumentError, match=r"l2_penalty: no parameters given \(was the generator already used up by an optimizer\?\)"):
        nn.l2_penalty(used)
    with pytest.raises(ArgumentError, match="l1_penalty: no parameters given"):
        nn.l1_penalty([])
