"""The first three updates of each optimizer equal the update rule worked out by hand.

Each expected trajectory is the rule unrolled step by step in plain Python
arithmetic (or a closed form, for a constant gradient), not output of gradstep.
"""

import math

import numpy as np
import pytest

from gradstep.optim import SGD, Adagrad, Adam, AdamW, RMSprop

from .helpers import linear_loss, square_loss, trajectory


def check(make_optimizer, w0, loss, expected, rtol=1e-12):
    got = trajectory(make_optimizer, w0, loss)
    np.testing.assert_allclose(got, np.array(expected, dtype=np.float64).reshape(got.shape), rtol=rtol, atol=1e-15)


# ----- SGD on L = w^2 (g = 2w) from w = 1, lr = 0.1 -------------------------------------------


def test_sgd_plain():
    # w <- w - 0.1 * 2w = 0.8 w
    check(lambda p: SGD(p, lr=0.1), [1.0], square_loss, [0.8, 0.64, 0.512])


def test_sgd_plain_elementwise_on_a_vector():
    # same rule per coordinate: w0 * 0.8^t
    check(lambda p: SGD(p, lr=0.1), [1.0, -2.0], square_loss, [[0.8, -1.6], [0.64, -1.28], [0.512, -1.024]])


def test_sgd_weight_decay():
    # g = 2w + 0.5w = 2.5w ; w <- w - 0.1 * 2.5w = 0.75 w
    check(lambda p: SGD(p, lr=0.1, weight_decay=0.5), [1.0], square_loss, [0.75, 0.5625, 0.421875])


def test_sgd_momentum():
    # g1 = 2,    b1 = 2,                     w1 = 1 - 0.2 = 0.8
    # g2 = 1.6,  b2 = 0.9*2 + 1.6 = 3.4,     w2 = 0.8 - 0.34 = 0.46
    # g3 = 0.92, b3 = 0.9*3.4 + 0.92 = 3.98, w3 = 0.46 - 0.398 = 0.062
    check(lambda p: SGD(p, lr=0.1, momentum=0.9), [1.0], square_loss, [0.8, 0.46, 0.062])


def test_sgd_momentum_with_dampening():
    # g1 = 2,    b1 = 2 (no dampening on the first step), w1 = 0.8
    # g2 = 1.6,  b2 = 0.9*2 + 0.5*1.6 = 2.6,              w2 = 0.8 - 0.26 = 0.54
    # g3 = 1.08, b3 = 0.9*2.6 + 0.5*1.08 = 2.88,          w3 = 0.54 - 0.288 = 0.252
    check(lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.5), [1.0], square_loss, [0.8, 0.54, 0.252])


def test_sgd_nesterov():
    # g1 = 2,      b1 = 2,                          d1 = 2 + 0.9*2 = 3.8,              w1 = 1 - 0.38 = 0.62
    # g2 = 1.24,   b2 = 1.8 + 1.24 = 3.04,          d2 = 1.24 + 0.9*3.04 = 3.976,      w2 = 0.62 - 0.3976 = 0.2224
    # g3 = 0.4448, b3 = 0.9*3.04 + 0.4448 = 3.1808, d3 = 0.4448 + 0.9*3.1808 = 3.30752, w3 = 0.2224 - 0.330752
    expected = [0.62, 0.2224, -0.108352]
    check(lambda p: SGD(p, lr=0.1, momentum=0.9, nesterov=True), [1.0], square_loss, expected)


def test_sgd_momentum_equals_the_course_form_v_equals_a_v_minus_lr_g():
    # course: v <- a*v - lr*g ; w <- w + v, with a = 0.9, lr = 0.1, v0 = 0
    w, v, expected = 1.0, 0.0, []
    for _ in range(3):
        v = 0.9 * v - 0.1 * (2 * w)
        w = w + v
        expected.append(w)
    check(lambda p: SGD(p, lr=0.1, momentum=0.9), [1.0], square_loss, expected)


def test_sgd_momentum_constant_gradient_closed_form():
    # g = c constant: b_t = (1 + 0.9 + ... + 0.9^(t-1)) c, so w3 = w0 - 0.1 * (1 + 1.9 + 2.71) c
    c = [0.5, -3.0]
    expected = [[1.0 - 0.1 * s * c[0], -2.0 - 0.1 * s * c[1]] for s in (1.0, 1.0 + 1.9, 1.0 + 1.9 + 2.71)]
    check(lambda p: SGD(p, lr=0.1, momentum=0.9), [1.0, -2.0], linear_loss(c), expected)


# ----- Adagrad ------------------------------------------------------------------------------------


def test_adagrad_defaults_except_lr():
    eps = 1e-10
    g1 = 2.0
    G1 = g1**2
    w1 = 1.0 - 0.1 * g1 / (math.sqrt(G1) + eps)  # 0.9
    g2 = 2 * w1
    G2 = G1 + g2**2
    w2 = w1 - 0.1 * g2 / (math.sqrt(G2) + eps)
    g3 = 2 * w2
    G3 = G2 + g3**2
    w3 = w2 - 0.1 * g3 / (math.sqrt(G3) + eps)
    check(lambda p: Adagrad(p, lr=0.1), [1.0], square_loss, [w1, w2, w3])


def test_adagrad_lr_decay_initial_accumulator_and_weight_decay():
    eps = 1e-10
    # g = 2w + 0.5w ; lr_t = 0.1 / (1 + (t-1)*0.5) ; G0 = 1
    g1 = 2.5 * 1.0
    G1 = 1.0 + g1**2
    w1 = 1.0 - 0.1 * g1 / (math.sqrt(G1) + eps)
    g2 = 2.5 * w1
    G2 = G1 + g2**2
    w2 = w1 - (0.1 / 1.5) * g2 / (math.sqrt(G2) + eps)
    g3 = 2.5 * w2
    G3 = G2 + g3**2
    w3 = w2 - (0.1 / 2.0) * g3 / (math.sqrt(G3) + eps)
    make = lambda p: Adagrad(p, lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0, weight_decay=0.5)  # noqa: E731
    check(make, [1.0], square_loss, [w1, w2, w3])


def test_adagrad_constant_gradient_closed_form():
    # G_t = t c^2, so step t moves by lr * c / (sqrt(t) |c|) = lr * sign(c) / sqrt(t) (eps = 0)
    c = np.array([0.5, -3.0])
    s = np.cumsum([1.0, 1 / math.sqrt(2), 1 / math.sqrt(3)])
    expected = [np.array([1.0, -2.0]) - 0.1 * np.sign(c) * k for k in s]
    check(lambda p: Adagrad(p, lr=0.1, eps=0.0), [1.0, -2.0], linear_loss(c), expected)


# ----- RMSprop, alpha = 0.9, lr = 0.01 --------------------------------------------------------


def test_rmsprop_plain():
    eps = 1e-8
    g1 = 2.0
    v1 = 0.1 * g1**2
    w1 = 1.0 - 0.01 * g1 / (math.sqrt(v1) + eps)
    g2 = 2 * w1
    v2 = 0.9 * v1 + 0.1 * g2**2
    w2 = w1 - 0.01 * g2 / (math.sqrt(v2) + eps)
    g3 = 2 * w2
    v3 = 0.9 * v2 + 0.1 * g3**2
    w3 = w2 - 0.01 * g3 / (math.sqrt(v3) + eps)
    check(lambda p: RMSprop(p, lr=0.01, alpha=0.9), [1.0], square_loss, [w1, w2, w3])


def test_rmsprop_centered_momentum_weight_decay():
    eps = 1e-8
    # g = 2w + 0.1w ; gbar is the running mean of g ; b the momentum buffer (mu = 0.5)
    g1 = 2.1
    v1 = 0.1 * g1**2
    a1 = 0.1 * g1
    b1 = g1 / (math.sqrt(v1 - a1**2) + eps)
    w1 = 1.0 - 0.01 * b1
    g2 = 2.1 * w1
    v2 = 0.9 * v1 + 0.1 * g2**2
    a2 = 0.9 * a1 + 0.1 * g2
    b2 = 0.5 * b1 + g2 / (math.sqrt(v2 - a2**2) + eps)
    w2 = w1 - 0.01 * b2
    g3 = 2.1 * w2
    v3 = 0.9 * v2 + 0.1 * g3**2
    a3 = 0.9 * a2 + 0.1 * g3
    b3 = 0.5 * b2 + g3 / (math.sqrt(v3 - a3**2) + eps)
    w3 = w2 - 0.01 * b3
    make = lambda p: RMSprop(p, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)  # noqa: E731
    check(make, [1.0], square_loss, [w1, w2, w3])


def test_rmsprop_constant_gradient_closed_form():
    # v_t = (1 - 0.9^t) c^2, so step t moves by lr * sign(c) / sqrt(1 - 0.9^t) (eps = 0)
    c = np.array([0.5, -3.0])
    s = np.cumsum([1 / math.sqrt(1 - 0.9**t) for t in (1, 2, 3)])
    expected = [np.array([1.0, -2.0]) - 0.01 * np.sign(c) * k for k in s]
    check(lambda p: RMSprop(p, lr=0.01, alpha=0.9, eps=0.0), [1.0, -2.0], linear_loss(c), expected)


# ----- Adam, lr = 0.1 ---------------------------------------------------------------------------


def adam_by_hand(w0, lr, b1, b2, eps, grad, amsgrad=False, decoupled_decay=0.0):
    """Three Adam steps unrolled; ``grad(w)`` gives g; AdamW's decay applied before the step."""
    w, m, v, vmax = w0, 0.0, 0.0, 0.0
    out = []
    g = grad(w)
    w = w * (1 - lr * decoupled_decay)
    m, v = (1 - b1) * g, (1 - b2) * g**2
    vmax = max(vmax, v)
    w = w - lr / (1 - b1) * m / (math.sqrt(vmax if amsgrad else v) / math.sqrt(1 - b2) + eps)
    out.append(w)
    g = grad(w)
    w = w * (1 - lr * decoupled_decay)
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    vmax = max(vmax, v)
    w = w - lr / (1 - b1**2) * m / (math.sqrt(vmax if amsgrad else v) / math.sqrt(1 - b2**2) + eps)
    out.append(w)
    g = grad(w)
    w = w * (1 - lr * decoupled_decay)
    m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    vmax = max(vmax, v)
    w = w - lr / (1 - b1**3) * m / (math.sqrt(vmax if amsgrad else v) / math.sqrt(1 - b2**3) + eps)
    out.append(w)
    return out


def test_adam_defaults_except_lr():
    expected = adam_by_hand(1.0, 0.1, 0.9, 0.999, 1e-8, lambda w: 2 * w)
    assert expected[0] == pytest.approx(0.9)  # the first Adam step is lr * sign(g)
    check(lambda p: Adam(p, lr=0.1), [1.0], square_loss, expected)


def test_adam_coupled_weight_decay():
    expected = adam_by_hand(1.0, 0.1, 0.9, 0.999, 1e-8, lambda w: 2 * w + 0.5 * w)
    check(lambda p: Adam(p, lr=0.1, weight_decay=0.5), [1.0], square_loss, expected)


def test_adam_amsgrad_uses_the_largest_second_moment():
    # with b2 = 0.5 the second moment falls at step 2 (v1 = 2, v2 = 1.5), so vmax != v
    expected = adam_by_hand(1.0, 0.5, 0.9, 0.5, 1e-8, lambda w: 2 * w, amsgrad=True)
    plain = adam_by_hand(1.0, 0.5, 0.9, 0.5, 1e-8, lambda w: 2 * w)
    assert expected[1] != pytest.approx(plain[1])
    check(lambda p: Adam(p, lr=0.5, betas=(0.9, 0.5), amsgrad=True), [1.0], square_loss, expected)


def test_adam_constant_gradient_moves_lr_per_step():
    # m_hat = c and v_hat = c^2 exactly, so each step is lr * c / (|c| + eps)
    c = np.array([0.5, -3.0])
    expected = [np.array([1.0, -2.0]) - k * 0.1 * c / (np.abs(c) + 1e-8) for k in (1, 2, 3)]
    check(lambda p: Adam(p, lr=0.1), [1.0, -2.0], linear_loss(c), expected, rtol=1e-10)


def test_adamw_decoupled_weight_decay():
    expected = adam_by_hand(1.0, 0.1, 0.9, 0.999, 1e-8, lambda w: 2 * w, decoupled_decay=0.5)
    check(lambda p: AdamW(p, lr=0.1, weight_decay=0.5), [1.0], square_loss, expected)


def test_adamw_default_weight_decay_is_1e_2():
    expected = adam_by_hand(1.0, 0.1, 0.9, 0.999, 1e-8, lambda w: 2 * w, decoupled_decay=1e-2)
    check(lambda p: AdamW(p, lr=0.1), [1.0], square_loss, expected)


def test_pytorch_defaults():
    from .helpers import param

    w = param(1.0)
    assert Adagrad([w]).param_groups[0] == {
        "params": [w], "lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10,
    }  # fmt: skip
    assert RMSprop([w]).param_groups[0] == {
        "params": [w], "lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False,
    }  # fmt: skip
    assert Adam([w]).param_groups[0] == {
        "params": [w], "lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False,
    }  # fmt: skip
    assert AdamW([w]).param_groups[0]["weight_decay"] == 1e-2
    assert SGD([w], lr=0.1).param_groups[0] == {
        "params": [w], "lr": 0.1, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0,
    }  # fmt: skip
