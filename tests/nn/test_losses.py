"""Losses: known answers from the math, every reduction and target form, stability, dtypes, errors."""

import math

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.nn import functional as F
from gradstep.nn.errors import ArgumentError

Z = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0], [0.5, 0.5, 0.0], [-2.0, 1.0, 0.0]])
Y = np.array([2, 0, 1, 1])


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def per_sample_ce(z, y):
    # l_i = logsumexp(z_i) - z_{i, y_i}
    return np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y]


def logits(requires_grad=True):
    return gradstep.tensor(Z, requires_grad=requires_grad)


def grad_of(loss_fn, *args):
    z = logits()
    loss_fn(z, *args).backward()
    return z.grad


# ----- cross-entropy -------------------------------------------------------------------
def test_cross_entropy_value_and_gradient_is_softmax_minus_onehot_over_n():
    z = logits()
    loss = F.cross_entropy(z, gradstep.tensor(Y))
    assert loss.item() == pytest.approx(per_sample_ce(Z, Y).mean(), rel=1e-12)
    loss.backward()
    onehot = np.eye(3)[Y]
    np.testing.assert_allclose(z.grad, (softmax(Z) - onehot) / len(Y), rtol=1e-12, atol=1e-15)


def test_cross_entropy_labels_of_any_integer_dtype_give_the_same_loss_and_gradient():
    # int64 labels are used as they are, other integer dtypes are converted first
    results = []
    for dtype in (np.int64, np.int32, np.uint8):
        z = logits()
        loss = F.cross_entropy(z, gradstep.tensor(Y.astype(dtype)))
        loss.backward()
        results.append((loss.data.tobytes(), z.grad.data.tobytes()))
    assert results[0] == results[1] == results[2]


def test_cross_entropy_reductions():
    y = gradstep.tensor(Y)
    losses = per_sample_ce(Z, Y)
    np.testing.assert_allclose(F.cross_entropy(logits(), y, reduction="none").data, losses, rtol=1e-12)
    assert F.cross_entropy(logits(), y, reduction="sum").item() == pytest.approx(losses.sum(), rel=1e-12)
    np.testing.assert_allclose(grad_of(F.cross_entropy, y, None, "sum"), softmax(Z) - np.eye(3)[Y], atol=1e-15)


def test_cross_entropy_one_hot_targets_equal_labels():
    onehot = gradstep.tensor(np.eye(3)[Y])
    for reduction in ("mean", "sum", "none"):
        np.testing.assert_allclose(
            F.cross_entropy(logits(), onehot, reduction=reduction).data,
            F.cross_entropy(logits(), gradstep.tensor(Y), reduction=reduction).data,
            rtol=1e-12,
        )
    np.testing.assert_allclose(grad_of(F.cross_entropy, onehot), grad_of(F.cross_entropy, gradstep.tensor(Y)), atol=1e-15)


def test_cross_entropy_probability_targets():
    t = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.1, 0.1, 0.8]])
    log_p = np.log(softmax(Z))
    expected = -(t * log_p).sum(axis=1)
    assert F.cross_entropy(logits(), gradstep.tensor(t)).item() == pytest.approx(expected.mean(), rel=1e-12)
    # rows of t sum to 1, so dl/dz = softmax - t
    np.testing.assert_allclose(grad_of(F.cross_entropy, gradstep.tensor(t)), (softmax(Z) - t) / 4, atol=1e-15)


def test_cross_entropy_class_weights_weighted_mean_like_pytorch():
    w = np.array([1.0, 2.0, 0.5])
    losses = per_sample_ce(Z, Y) * w[Y]
    loss = F.cross_entropy(logits(), gradstep.tensor(Y), weight=w)
    assert loss.item() == pytest.approx(losses.sum() / w[Y].sum(), rel=1e-12)
    np.testing.assert_allclose(F.cross_entropy(logits(), gradstep.tensor(Y), w, "none").data, losses, rtol=1e-12)
    # probability targets with weights: -sum_k w_k t_k log p_k, mean over n
    t = np.eye(3)[Y]
    assert F.cross_entropy(logits(), gradstep.tensor(t), weight=w).item() == pytest.approx(losses.mean(), rel=1e-12)


def test_cross_entropy_gradchecks_every_reduction_target_form_and_weight():
    for reduction in ("mean", "sum", "none"):
        for weight in (None, np.array([0.5, 1.0, 2.0])):
            fn = lambda z, t: F.cross_entropy(z, t, weight, reduction)  # noqa: E731
            assert gradstep.gradcheck(fn, [Z, Y])
            assert gradstep.gradcheck(fn, [Z, np.random.default_rng(0).dirichlet(np.ones(3), 4)])


def test_cross_entropy_equals_nll_of_log_softmax():
    y = gradstep.tensor(Y)
    w = np.array([1.0, 3.0, 0.5])
    for reduction in ("mean", "sum", "none"):
        np.testing.assert_allclose(
            F.nll_loss(F.log_softmax(logits(), dim=1), y, w, reduction).data,
            F.cross_entropy(logits(), y, w, reduction).data,
            rtol=1e-12,
        )
        assert gradstep.gradcheck(lambda lp: F.nll_loss(lp, y, w, reduction), [np.log(softmax(Z))])


def test_cross_entropy_is_finite_for_logits_of_1e4_and_stays_float32():
    z = gradstep.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], requires_grad=True)
    loss = F.cross_entropy(z, gradstep.tensor([1, 1]))
    assert loss.dtype == np.float32
    # sample 0: logsumexp = 1e4, minus z_1 = -1e4 -> 2e4; sample 1: 0
    assert loss.item() == pytest.approx(1e4)
    loss.backward()
    assert z.grad.dtype == np.float32 and np.isfinite(z.grad.data).all()
    np.testing.assert_allclose(z.grad, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-7)
    t = gradstep.tensor([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]], dtype=np.float64)  # cast to the logits' float32
    assert F.cross_entropy(z, t).dtype == np.float32


# ----- binary cross-entropy ------------------------------------------------------------
P = np.array([[0.1, 0.6], [0.9, 0.35], [0.5, 0.01]])
T = np.array([[0.0, 1.0], [1.0, 0.0], [0.3, 1.0]])


def naive_bce(p, t):
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def test_bce_with_logits_equals_the_naive_formula_where_finite():
    z = np.log(P / (1 - P))  # logits whose sigmoid is P
    for reduction, reduce in (("none", lambda a: a), ("sum", np.sum), ("mean", np.mean)):
        got = F.binary_cross_entropy_with_logits(gradstep.tensor(z), gradstep.tensor(T), reduction=reduction).data
        np.testing.assert_allclose(got, reduce(naive_bce(P, T)), rtol=1e-10)
        np.testing.assert_allclose(F.binary_cross_entropy(gradstep.tensor(P), gradstep.tensor(T), reduction=reduction).data, reduce(naive_bce(P, T)), rtol=1e-10)


def test_bce_with_logits_gradient_is_sigmoid_minus_target_over_n():
    z = gradstep.tensor(np.log(P / (1 - P)), requires_grad=True)
    F.binary_cross_entropy_with_logits(z, gradstep.tensor(T)).backward()
    np.testing.assert_allclose(z.grad, (P - T) / P.size, rtol=1e-10)


def test_bce_with_logits_is_finite_for_logits_of_1e4():
    z = gradstep.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True)
    t = gradstep.tensor([0.0, 1.0, 1.0, 0.0])
    losses = F.binary_cross_entropy_with_logits(z, t, reduction="none")
    # a confident mistake costs |z|; a confident hit costs log(1 + e^-1e4) = 0
    np.testing.assert_allclose(losses.data, [1e4, 1e4, 0.0, 0.0])
    losses.sum().backward()
    np.testing.assert_array_equal(z.grad, [1.0, -1.0, 0.0, 0.0])


def test_bce_on_probabilities_is_clamped_and_finite():
    p = gradstep.tensor([0.0, 1.0, 0.0], requires_grad=True)
    losses = F.binary_cross_entropy(p, gradstep.tensor([1.0, 0.0, 0.0]), reduction="none")
    np.testing.assert_allclose(losses.data, [100.0, 100.0, 0.0])  # log clamped at -100, as PyTorch
    losses.sum().backward()
    assert np.isfinite(p.grad.data).all() and p.grad.data[0] < 0 < p.grad.data[1]


def test_bce_gradient_matches_the_math():
    p = gradstep.tensor(P, requires_grad=True)
    F.binary_cross_entropy(p, gradstep.tensor(T), reduction="sum").backward()
    np.testing.assert_allclose(p.grad, (P - T) / (P * (1 - P)), rtol=1e-10)


def test_bce_element_weights():
    w = np.array([2.0, 0.5])
    got = F.binary_cross_entropy_with_logits(gradstep.tensor(np.log(P / (1 - P))), gradstep.tensor(T), weight=w)
    assert got.item() == pytest.approx((naive_bce(P, T) * w).mean(), rel=1e-10)
    assert nn.BCELoss(weight=w, reduction="sum")(gradstep.tensor(P), gradstep.tensor(T)).item() == pytest.approx((naive_bce(P, T) * w).sum(), rel=1e-10)


def test_bce_gradchecks_every_reduction_and_weight():
    z = np.log(P / (1 - P))
    for reduction in ("mean", "sum", "none"):
        for weight in (None, np.array([2.0, 0.5])):
            assert gradstep.gradcheck(lambda a, t: F.binary_cross_entropy_with_logits(a, t, weight, reduction), [z, T])
            assert gradstep.gradcheck(lambda a, t: F.binary_cross_entropy(a, t, weight, reduction), [P, T])


def test_bce_accepts_integer_targets():
    got = F.binary_cross_entropy_with_logits(gradstep.tensor([0.0, 0.0]), gradstep.tensor([0, 1]))
    assert got.dtype == np.float32 and got.item() == pytest.approx(math.log(2))


# ----- regression losses ---------------------------------------------------------------
X = np.array([[1.0, -2.0], [0.5, 3.0]])
T2 = np.array([[0.0, 1.0], [2.0, 2.5]])


def test_mse_sse_l1_known_values():
    d = X - T2
    x, t = gradstep.tensor(X), gradstep.tensor(T2)
    assert F.mse_loss(x, t).item() == pytest.approx((d**2).mean())
    assert F.mse_loss(x, t, half=True).item() == pytest.approx(F.mse_loss(x, t).item() / 2)
    assert F.sse_loss(x, t).item() == pytest.approx((d**2).sum())
    assert F.sse_loss(x, t, half=True).item() == pytest.approx((d**2).sum() / 2)
    np.testing.assert_allclose(F.mse_loss(x, t, reduction="none").data, d**2)
    assert F.l1_loss(x, t).item() == pytest.approx(np.abs(d).mean())
    assert F.l1_loss(x, t, reduction="sum").item() == pytest.approx(np.abs(d).sum())


def test_mse_half_gradient_is_the_error_over_n():
    x = gradstep.tensor(X, requires_grad=True)
    F.mse_loss(x, gradstep.tensor(T2), half=True).backward()
    np.testing.assert_allclose(x.grad, (X - T2) / X.size)


def test_regression_gradchecks_every_reduction():
    for reduction in ("mean", "sum", "none"):
        assert gradstep.gradcheck(lambda a, b: F.mse_loss(a, b, reduction), [X, T2])
        assert gradstep.gradcheck(lambda a, b: F.mse_loss(a, b, reduction, half=True), [X, T2])
        assert gradstep.gradcheck(lambda a, b: F.l1_loss(a, b, reduction), [X, T2])
    assert gradstep.gradcheck(F.sse_loss, [X, T2])


def test_regression_losses_keep_float32():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    loss = F.mse_loss(x, np.array([0.0, 0.0]))  # a float64 target is cast to the input's float32
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32


# ----- hinge ---------------------------------------------------------------------------
def test_binary_hinge_known_values_and_gradient():
    s = gradstep.tensor([2.0, 0.5, -0.3, -3.0], dtype=np.float64, requires_grad=True)
    t = gradstep.tensor([1.0, 1.0, 1.0, -1.0], dtype=np.float64)
    losses = F.hinge_loss(s, t, reduction="none")
    np.testing.assert_allclose(losses.data, [0.0, 0.5, 1.3, 0.0])  # max(0, 1 - t s)
    F.hinge_loss(s, t).backward()
    np.testing.assert_allclose(s.grad, [0.0, -0.25, -0.25, 0.0])  # -t [1 - t s > 0] / n
    assert F.hinge_loss(s, t, margin=2.0, reduction="sum").item() == pytest.approx(0 + 1.5 + 2.3 + 0)


def test_multiclass_hinge_known_values_and_gradient():
    s = gradstep.tensor([[3.0, 1.0, 2.5], [0.0, 2.0, 2.2]], dtype=np.float64, requires_grad=True)
    y = gradstep.tensor([0, 1])
    # sample 0: max(0, 1-3+1) + max(0, 2.5-3+1) = 0 + 0.5 ; sample 1: max(0, 0-2+1) + max(0, 2.2-2+1) = 0 + 1.2
    np.testing.assert_allclose(F.hinge_loss(s, y, reduction="none").data, [0.5, 1.2])
    F.hinge_loss(s, y, reduction="sum").backward()
    np.testing.assert_allclose(s.grad, [[-1.0, 0.0, 1.0], [0.0, -1.0, 1.0]])


def test_hinge_gradchecks():
    s = np.array([2.0, 0.5, -0.3, -3.0])
    for reduction in ("mean", "sum", "none"):
        assert gradstep.gradcheck(lambda a: F.hinge_loss(a, np.array([1.0, 1.0, 1.0, -1.0]), reduction=reduction), [s])
        assert gradstep.gradcheck(lambda a: F.hinge_loss(a, np.array([0, 1]), reduction=reduction), [np.array([[3.0, 1.0, 2.5], [0.0, 2.0, 2.2]])])


# ----- loss modules --------------------------------------------------------------------
def test_loss_modules_match_the_functions():
    x, t = gradstep.tensor(X), gradstep.tensor(T2)
    assert nn.MSELoss(half=True)(x, t).item() == F.mse_loss(x, t, half=True).item()
    assert nn.SSELoss()(x, t).item() == F.sse_loss(x, t).item()
    assert nn.L1Loss("sum")(x, t).item() == F.l1_loss(x, t, "sum").item()
    y, w = gradstep.tensor(Y), np.array([1.0, 2.0, 3.0])
    assert nn.CrossEntropyLoss(weight=w)(logits(), y).item() == F.cross_entropy(logits(), y, w).item()
    assert nn.NLLLoss(reduction="sum")(logits(), y).item() == F.nll_loss(logits(), y, reduction="sum").item()
    p, tp = gradstep.tensor(P), gradstep.tensor(T)
    assert nn.BCELoss()(p, tp).item() == F.binary_cross_entropy(p, tp).item()
    assert nn.BCEWithLogitsLoss(reduction="none")(p, tp).shape == (3, 2)
    assert nn.HingeLoss(margin=2.0)(x, gradstep.tensor(np.sign(X))).item() == F.hinge_loss(x, np.sign(X), 2.0).item()
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss(reduction='mean')"
    assert list(nn.CrossEntropyLoss(weight=w).parameters()) == []


# ----- errors --------------------------------------------------------------------------
def test_label_out_of_range_names_the_value_and_index():
    with pytest.raises(ArgumentError, match=r"cross_entropy: label 3 \(at index 1\) is out of range for 3 classes \[0, 2\]"):
        F.cross_entropy(logits(), gradstep.tensor([0, 3, 1, 1]))
    with pytest.raises(ArgumentError, match=r"nll_loss: label -1 \(at index 2\) is out of range for 3 classes"):
        F.nll_loss(logits(), np.array([0, 1, -1, 1]))
    with pytest.raises(ArgumentError, match=r"hinge_loss: label 5 \(at index 0\) is out of range"):
        F.hinge_loss(logits(), np.array([5, 1, 1, 1]))


def test_float_labels_are_a_dtype_error():
    with pytest.raises(gradstep.DTypeError, match=r"cross_entropy: class labels must be integers, got dtype float32; convert with .astype\(int\)"):
        F.cross_entropy(logits(), gradstep.tensor([0.0, 1.0, 2.0, 1.0]))


def test_batch_size_mismatch_names_both_shapes():
    with pytest.raises(gradstep.ShapeError, match=r"cross_entropy: input of shape \(4, 3\) needs 4 labels of shape \(4,\), got target of shape \(3,\)"):
        F.cross_entropy(logits(), gradstep.tensor([0, 1, 2]))
    with pytest.raises(gradstep.ShapeError, match=r"cross_entropy: input of shape \(4, 3\) and one-hot/probability target of shape \(3, 3\) must match"):
        F.cross_entropy(logits(), np.eye(3))
    with pytest.raises(gradstep.ShapeError, match=r"mse_loss: input of shape \(4, 1\) and target of shape \(4,\) must have the same shape"):
        F.mse_loss(gradstep.zeros(4, 1), gradstep.zeros(4))
    for fn in (F.l1_loss, F.binary_cross_entropy, F.binary_cross_entropy_with_logits, F.hinge_loss):
        with pytest.raises(gradstep.ShapeError, match=rf"{fn.__name__}: input of shape \(3,\) and target of shape \(2,\)"):
            fn(gradstep.full((3,), 0.5), gradstep.ones(2))


def test_bad_reduction_string():
    with pytest.raises(ArgumentError, match=r"mse_loss: reduction must be one of 'mean', 'sum', 'none', got 'avg'"):
        F.mse_loss(gradstep.zeros(2), gradstep.zeros(2), reduction="avg")
    with pytest.raises(ArgumentError, match=r"CrossEntropyLoss: reduction must be one of 'mean', 'sum', 'none', got 'max'"):
        nn.CrossEntropyLoss(reduction="max")


def test_other_input_errors():
    with pytest.raises(gradstep.ShapeError, match=r"cross_entropy: input must be 2-D \(batch, classes\), got shape \(3,\)"):
        F.cross_entropy(gradstep.zeros(3), gradstep.tensor([1]))
    with pytest.raises(gradstep.DTypeError, match="cross_entropy: input must be floating .* got dtype int64"):
        F.cross_entropy(gradstep.tensor([[1, 2]]), gradstep.tensor([1]))
    with pytest.raises(gradstep.ShapeError, match=r"cross_entropy: weight must have one entry per class, shape \(3,\), got \(2,\)"):
        F.cross_entropy(logits(), gradstep.tensor(Y), weight=[1.0, 2.0])
    with pytest.raises(gradstep.ShapeError, match=r"binary_cross_entropy_with_logits: weight of shape \(3,\) does not broadcast to input of shape \(3, 2\)"):
        F.binary_cross_entropy_with_logits(gradstep.tensor(P), gradstep.tensor(T), weight=np.ones(3))
    with pytest.raises(ArgumentError, match="binary_cross_entropy: input must hold probabilities in \\[0, 1\\], got values from -0.5 to 2.0; for logits use binary_cross_entropy_with_logits"):
        F.binary_cross_entropy(gradstep.tensor([-0.5, 2.0]), gradstep.tensor([0.0, 1.0]))
    with pytest.raises(ArgumentError, match=r"hinge_loss: binary targets must be -1 or \+1, got 0.0 \(map 0/1 labels with 2 \* y - 1\)"):
        F.hinge_loss(gradstep.tensor([0.5, 1.0]), gradstep.tensor([0.0, 1.0]))
    with pytest.raises(gradstep.DTypeError, match="mse_loss: target must be numeric, got dtype <U1"):
        F.mse_loss(gradstep.tensor([1.0, 2.0]), np.array(["a", "b"]))
    with pytest.raises(gradstep.DTypeError, match="binary_cross_entropy_with_logits: target must be numeric, got dtype complex128"):
        F.binary_cross_entropy_with_logits(gradstep.tensor([0.0, 1.0]), np.array([1 + 0j, 0j]))
