"""Gradients checked against closed forms written out from the math."""

import numpy as np

import gradstep
from gradstep import ops


def test_sum_of_broadcast_add_counts_repeats():
    a = gradstep.tensor(np.zeros((3, 1)), requires_grad=True)
    b = gradstep.tensor(np.zeros((1, 4)), requires_grad=True)
    (a + b).sum().backward()
    # each element of a is repeated 4 times, each element of b 3 times
    assert np.array_equal(a.grad, np.full((3, 1), 4.0))
    assert np.array_equal(b.grad, np.full((1, 4), 3.0))


def test_softmax_cross_entropy_by_hand_gradient_is_p_minus_onehot():
    z = gradstep.tensor(np.array([[1.0, 2.0, 3.0]]), requires_grad=True)
    loss = -ops.log_softmax(z)[0, 2]
    loss.backward()
    p = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    assert np.allclose(z.grad, p - np.array([0, 0, 1.0]))


def test_sigmoid_derivative_is_s_times_one_minus_s():
    z = gradstep.tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
    ops.sigmoid(z).sum().backward()
    s = 1 / (1 + np.exp(-np.array([-2.0, 0.0, 3.0])))
    assert np.allclose(z.grad, s * (1 - s))


def test_matmul_gradients_are_g_bt_and_at_g():
    a_val = np.arange(6.0).reshape(2, 3)
    b_val = np.arange(12.0).reshape(3, 4) / 10
    a = gradstep.tensor(a_val, requires_grad=True)
    b = gradstep.tensor(b_val, requires_grad=True)
    (a @ b).sum().backward()
    g = np.ones((2, 4))
    assert np.allclose(a.grad, g @ b_val.T)
    assert np.allclose(b.grad, a_val.T @ g)


def test_linear_batch_of_one_outer_product():
    x_val = np.array([[1.0, 2.0, 3.0]])
    x = gradstep.tensor(x_val)
    w = gradstep.tensor(np.zeros((2, 3)), requires_grad=True)  # (out, in)
    b = gradstep.tensor(np.zeros(2), requires_grad=True)
    out = ops.linear(x, w, b)
    out.backward(np.array([[1.0, -1.0]]))
    assert np.array_equal(w.grad, np.outer([1.0, -1.0], x_val[0]))  # dL/dW = g^T x
    assert np.array_equal(b.grad, [1.0, -1.0])


def test_linear_batch_of_one_gradient_is_exactly_the_outer_product_in_float32():
    rng = np.random.default_rng(0)
    x_val = rng.standard_normal((1, 784), dtype=np.float32)
    g = rng.standard_normal((1, 256), dtype=np.float32)
    w = gradstep.tensor(rng.standard_normal((256, 784), dtype=np.float32), requires_grad=True)
    ops.linear(gradstep.tensor(x_val), w).backward(g)
    assert w.grad.dtype == np.float32
    assert np.array_equal(w.grad, np.outer(g[0], x_val[0]))  # one product per entry: no rounding of sums


def test_linear_gradients_are_g_w_and_gt_x_and_column_sums():
    # y = x W^T + b with W (out, in), as torch.nn.functional.linear: dL/dx = G W, dL/dW = G^T x, dL/db = sum_rows G
    x_val = np.arange(6.0).reshape(2, 3)
    w_val = np.arange(12.0).reshape(4, 3) / 10
    g = np.arange(8.0).reshape(2, 4) - 3
    x, w, b = (gradstep.tensor(v, requires_grad=True) for v in (x_val, w_val, np.zeros(4)))
    out = ops.linear(x, w, b)
    np.testing.assert_allclose(out.data, x_val @ w_val.T)
    out.backward(g)
    np.testing.assert_allclose(x.grad, g @ w_val)
    np.testing.assert_allclose(w.grad, g.T @ x_val)
    np.testing.assert_allclose(b.grad, g.sum(axis=0))


def test_max_ties_share_the_gradient():
    x = gradstep.tensor(np.array([1.0, 3.0, 3.0]), requires_grad=True)
    ops.max(x).backward()
    assert np.array_equal(x.grad, [0.0, 0.5, 0.5])


def test_getitem_with_repeated_indices_adds_up():
    x = gradstep.tensor(np.zeros(3), requires_grad=True)
    x[np.array([0, 0, 2])].sum().backward()
    assert np.array_equal(x.grad, [2.0, 0.0, 1.0])
