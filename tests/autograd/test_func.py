"""gradstep.func against Jacobians and Hessians derived by hand, and its transforms against each other."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradstep
from gradstep import func, numerical, ops
from gradstep.errors import ArgumentError, DTypeError, GradstepError, ShapeError


def t64(values):
    return gradstep.tensor(np.asarray(values, dtype=np.float64))


def test_softmax_jacobian_is_diag_s_minus_s_s_transpose():
    z = t64([0.5, -1.0, 2.0, 0.0])
    s = np.exp(z.data) / np.exp(z.data).sum()
    expected = np.diag(s) - np.outer(s, s)
    np.testing.assert_allclose(func.jacrev(ops.softmax)(z).data, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(func.jacfwd(ops.softmax)(z).data, expected, rtol=1e-12, atol=1e-15)


def _logistic_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3))
    y = (rng.random(20) < 0.5).astype(np.float64)
    return X, y


def test_hessian_of_logistic_loss_is_x_t_diag_p_1_minus_p_x_over_n():
    X, y = _logistic_data()
    w0 = np.array([0.3, -0.5, 0.8])

    def loss(w):  # mean binary cross-entropy from the logits, through the fused op
        return gradstep.nn.functional.binary_cross_entropy_with_logits(t64(X) @ w, t64(y))

    p = 1 / (1 + np.exp(-X @ w0))
    np.testing.assert_allclose(func.grad(loss)(t64(w0)).data, X.T @ (p - y) / len(y), rtol=1e-10)
    expected = X.T @ np.diag(p * (1 - p)) @ X / len(y)
    np.testing.assert_allclose(func.hessian(loss)(t64(w0)).data, expected, rtol=1e-10)
    np.testing.assert_allclose(func.jacfwd(func.jacrev(loss))(t64(w0)).data, expected, rtol=1e-10)
    np.testing.assert_allclose(func.jacrev(func.jacrev(loss))(t64(w0)).data, expected, rtol=1e-10)


def test_hessian_vector_product_is_jvp_of_grad():
    X, y = _logistic_data()
    w0, v = np.array([0.3, -0.5, 0.8]), np.array([1.0, 2.0, -1.0])

    def loss(w):
        z = t64(X) @ w
        return (ops.softplus(z) - z * t64(y)).mean()  # the same loss from elementary ops

    p = 1 / (1 + np.exp(-X @ w0))
    _, hv = func.jvp(func.grad(loss), (t64(w0),), (t64(v),))
    np.testing.assert_allclose(hv.data, X.T @ (p * (1 - p) * (X @ v)) / len(y), rtol=1e-10)


def test_hessian_of_the_one_neuron_example():
    x, y = np.array([4.0, -2.0, 1.0]), 1.0

    def cost(W):
        return (((t64(x) * W).sum() - 2.0).sigmoid() - y) ** 2

    W = t64([-1.0, 0.5, 10.0])
    np.testing.assert_allclose(func.grad(cost)(W).data, [-0.0171403, 0.0085702, -0.0042851], atol=1e-7)
    s = 1 / (1 + np.exp(-3.0))
    d2 = 2 * (s * (1 - s)) ** 2 + 2 * (s - y) * s * (1 - s) * (1 - 2 * s)
    np.testing.assert_allclose(func.hessian(cost)(W).data, d2 * np.outer(x, x), rtol=1e-10)


def test_grad_of_grad_and_third_derivative():
    x = t64(0.7)
    d = func.grad(ops.sin)
    assert func.grad(d)(x).item() == pytest.approx(-np.sin(0.7))
    assert func.grad(func.grad(d))(x).item() == pytest.approx(-np.cos(0.7))
    assert func.grad(func.grad(func.grad(lambda t: t**3)))(x).item() == pytest.approx(6.0)


COMPOSITIONS = [
    lambda x: (x * x).tanh() * x.sum(),
    lambda x: ops.softmax(x * 2.0) * x.exp(),
    lambda x: ops.reshape(x, -1, 1) @ ops.reshape(x.sigmoid(), 1, -1),
    lambda x: ops.log_softmax(x) + ops.softplus(x) ** 2,
    lambda x: ops.concatenate([x.sin(), ops.mean(x * x, keepdims=True)]),
]


@pytest.mark.parametrize("k", range(len(COMPOSITIONS)))
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_jacfwd_equals_jacrev_equals_finite_differences(k, n, seed):
    f = COMPOSITIONS[k]
    x = np.random.default_rng(seed).standard_normal(n)
    forward = func.jacfwd(f)(t64(x)).data
    reverse = func.jacrev(f)(t64(x)).data
    np.testing.assert_allclose(forward, reverse, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(forward, numerical.jacobian(lambda v: f(t64(v)), x), rtol=1e-6, atol=1e-8)


def test_transforms_are_pure():
    # no .grad leaks onto the inputs; a plain input gives a plain result, one that requires grad a
    # result still connected to it (so ordinary autograd can differentiate it again, as in torch.func)
    plain = t64([1.0, 2.0])
    g = func.grad(lambda v: (v * v).sum())(plain)
    assert not g.requires_grad and g._ctx is None and plain.grad is None
    w = gradstep.tensor(np.array([1.0, 2.0]), requires_grad=True)
    g = func.grad(lambda v: (v**3).sum())(w)
    assert w.grad is None and g.requires_grad
    g.sum().backward()  # d/dw sum 3 w^2 = 6 w
    np.testing.assert_allclose(np.asarray(getattr(w.grad, "data", w.grad)), [6.0, 12.0])
    func.hessian(lambda v: (v**3).sum())(plain)
    assert plain.grad is None


def test_argnums_has_aux_and_grad_and_value():
    f = lambda a, b: ((a * b).sum(), a.sum())  # noqa: E731
    (ga, gb), aux = func.grad(f, argnums=(0, 1), has_aux=True)(t64([1.0, 2.0]), t64([3.0, 4.0]))
    assert ga.tolist() == [3.0, 4.0] and gb.tolist() == [1.0, 2.0] and aux.item() == 3.0
    g, value = func.grad_and_value(lambda a, b: (a * b).sum(), argnums=1)(t64([1.0, 2.0]), t64([3.0, 4.0]))
    assert g.tolist() == [1.0, 2.0] and value.item() == 11.0
    J = func.jacrev(lambda a, b: a * b, argnums=1)(t64([1.0, 2.0]), t64([3.0, 4.0]))
    np.testing.assert_allclose(J.data, np.diag([1.0, 2.0]))


def test_vjp_and_jvp_agree():
    x, u, v = t64([0.5, -1.0, 2.0]), np.array([1.0, 0.5, -2.0]), np.array([0.3, 0.2, 0.1])
    f = lambda x: ops.softmax(x) * x  # noqa: E731
    out, vjp_fn = func.vjp(f, x)
    (ju,) = vjp_fn(t64(u))
    (ju_again,) = vjp_fn(t64(u))  # vjp_fn can be called again
    _, jv = func.jvp(f, (x,), (t64(v),))
    assert float(u @ jv.data) == pytest.approx(float(ju.data @ v), rel=1e-12)
    np.testing.assert_array_equal(ju.data, ju_again.data)
    np.testing.assert_allclose(out.data, f(x).data)


def test_a_function_that_ignores_its_argument_has_zero_gradient():
    assert func.grad(lambda x: gradstep.tensor(3.0))(t64([1.0, 2.0])).tolist() == [0.0, 0.0]
    assert func.jacfwd(lambda x: gradstep.tensor([1.0]))(t64([1.0, 2.0])).tolist() == [[0.0, 0.0]]


def test_errors_name_the_transform_and_shapes():
    with pytest.raises(GradstepError, match=r"grad: f must return a single number.*got shape \(2,\)"):
        func.grad(lambda x: x * 2)(t64([1.0, 2.0]))
    with pytest.raises(ShapeError, match=r"jvp: tangent 0 of shape \(3,\) does not match primal 0 of shape \(2,\)"):
        func.jvp(lambda x: x, (t64([1.0, 2.0]),), (t64([1.0, 2.0, 3.0]),))
    with pytest.raises(ShapeError, match=r"vjp: cotangent of shape \(1,\) does not match the output's shape \(2,\)"):
        func.vjp(lambda x: x * 2, t64([1.0, 2.0]))[1](t64([1.0]))
    with pytest.raises(DTypeError, match="argument 0 has dtype int64"):
        func.grad(lambda x: x.sum())(gradstep.tensor([1, 2]))
    with pytest.raises(GradstepError, match=r"forward mode inside a reverse-mode transform"):
        func.jacrev(func.jacfwd(lambda x: x * x))(t64([1.0, 2.0]))
    with pytest.raises(GradstepError, match="nested forward mode"):
        func.jacfwd(func.jacfwd(lambda x: x * x))(t64([1.0, 2.0]))
    with pytest.raises(ArgumentError, match=r"argnums 2 is out of range for 1 positional arguments"):
        func.grad(lambda x: x.sum(), argnums=2)(t64([1.0]))
