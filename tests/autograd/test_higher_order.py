"""Higher order: create_graph and gradstep.autograd.grad, every op's backward differentiated again."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradstep
from gradstep import numerical, ops
from gradstep.autograd import grad
from gradstep.errors import GradstepError, GraphFreedError, ShapeError

from ..ops.op_cases import CASES


def _first_order(fn, values, W, V, create_graph):
    """s = sum_i <d<f(x), W>/dx_i, V_i> (and the float input tensors): its gradient is H V."""
    xs = [gradstep.tensor(v, requires_grad=v.dtype.kind == "f") for v in values]
    floats = [x for x in xs if x.requires_grad]
    out = fn(*xs)
    grads = grad((out * W).sum(), floats, create_graph=create_graph, allow_unused=True)
    s = sum(((g * v).sum() for g, v in zip(grads, V) if g is not None), gradstep.tensor(np.float64(0.0)))
    return s, floats


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_op_second_derivative_matches_differences_of_its_gradient(name, data, seed):
    # the gradient of <grad f, V> (a Hessian-vector product, by backward through the recorded backward)
    # against central differences of the first-order gradient
    rng = np.random.default_rng(seed)
    fn, inputs, *options = CASES[name](data, rng)
    if options:  # astype rounds through float32: its first derivative is exact, its second is 0
        return
    values = [np.asarray(v, np.float64) if np.asarray(v).dtype.kind == "f" else np.asarray(v) for v in inputs]
    out_shape = fn(*[gradstep.tensor(v) for v in values]).shape
    W = rng.standard_normal(out_shape)
    V = [rng.standard_normal(v.shape) for v in values if v.dtype.kind == "f"]
    s, floats = _first_order(fn, values, W, V, create_graph=True)
    analytic = [np.zeros(x.shape) for x in floats]
    if s.requires_grad:
        analytic = [np.zeros(x.shape) if h is None else h.data for x, h in zip(floats, grad(s, floats, allow_unused=True))]
    positions = [i for i, v in enumerate(values) if v.dtype.kind == "f"]
    for k, position in enumerate(positions):

        def along(v, position=position):
            moved = list(values)
            moved[position] = v
            return _first_order(fn, moved, W, V, create_graph=False)[0].item()

        expected = numerical.gradient(along, values[position], h=1e-5)
        np.testing.assert_allclose(analytic[k], expected, rtol=1e-4, atol=1e-5, err_msg=f"{name}: input {position}")


@pytest.mark.parametrize("x", [-1.5, 0.5, 2.0])
def test_derivatives_of_x_cubed_to_the_fourth(x):
    t = gradstep.tensor(x, requires_grad=True)
    (d1,) = grad(t**3, t, create_graph=True)
    (d2,) = grad(d1, t, create_graph=True)
    (d3,) = grad(d2, t, create_graph=True)
    (d4,) = grad(d3, t, allow_unused=True) if d3.requires_grad else (gradstep.tensor(0.0),)
    assert [d1.item(), d2.item(), d3.item(), d4.item()] == pytest.approx([3 * x**2, 6 * x, 6.0, 0.0])


@pytest.mark.parametrize("x", [-2.0, 0.3, 1.0])
def test_sin_and_sigmoid_second_and_third_derivatives(x):
    t = gradstep.tensor(np.float64(x), requires_grad=True)
    (d1,) = grad(t.sin(), t, create_graph=True)
    (d2,) = grad(d1, t, create_graph=True)
    (d3,) = grad(d2, t)
    assert [d1.item(), d2.item(), d3.item()] == pytest.approx([np.cos(x), -np.sin(x), -np.cos(x)])
    s = 1 / (1 + np.exp(-x))
    (d1,) = grad(t.sigmoid(), t, create_graph=True)
    (d2,) = grad(d1, t, create_graph=True)
    (d3,) = grad(d2, t)
    # s' = s(1-s), s'' = s(1-s)(1-2s), s''' = s(1-s)(1 - 6s + 6s^2)
    assert [d1.item(), d2.item(), d3.item()] == pytest.approx(
        [s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)]
    )


def test_hessian_of_the_one_neuron_example():
    # C = (sigmoid(W.x + b) - y)^2 ; d2C/dz2 = 2 [s(1-s)]^2 + 2 (s - y) s (1 - s)(1 - 2s) ; H_W = d2C/dz2 x x^T
    x, y = np.array([4.0, -2.0, 1.0]), 1.0
    W = gradstep.tensor(np.array([-1.0, 0.5, 10.0]), requires_grad=True)
    b = gradstep.tensor(np.float64(-2.0), requires_grad=True)
    C = (((gradstep.tensor(x) * W).sum() + b).sigmoid() - y) ** 2
    gW, gb = grad(C, [W, b], create_graph=True)
    np.testing.assert_allclose(gW.data, [-0.0171403, 0.0085702, -0.0042851], atol=1e-7)
    assert gb.item() == pytest.approx(-0.0042851, abs=1e-7)
    rows = [grad(gW[i], [W, b], retain_graph=True) for i in range(3)]
    H_W = np.array([r[0].data for r in rows])
    s = 1 / (1 + np.exp(-3.0))
    d2 = 2 * (s * (1 - s)) ** 2 + 2 * (s - y) * s * (1 - s) * (1 - 2 * s)
    np.testing.assert_allclose(H_W, d2 * np.outer(x, x), rtol=1e-10)
    np.testing.assert_allclose([r[1].item() for r in rows], d2 * x, rtol=1e-10)  # d2C/dW db


def test_backward_with_create_graph_gives_differentiable_grads():
    x = gradstep.tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    np.testing.assert_allclose(np.asarray(g.data), [3.0, 12.0])
    (h,) = grad(g.sum(), x)  # d/dx sum 3 x^2 = 6 x
    np.testing.assert_allclose(h.data, [6.0, 12.0])


def test_grad_does_not_touch_dot_grad_and_sums_over_outputs():
    a = gradstep.tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = gradstep.tensor(np.array([3.0, 4.0]), requires_grad=True)
    ga, gb = grad([(a * b).sum(), a.sum()], [a, b])
    np.testing.assert_allclose(ga.data, [4.0, 5.0])  # b + 1
    np.testing.assert_allclose(gb.data, [1.0, 2.0])
    assert a.grad is None and b.grad is None
    (gy,) = grad(a + a, a, grad_outputs=gradstep.tensor(np.array([1.0, -1.0])))
    np.testing.assert_allclose(gy.data, [2.0, -2.0])


def test_grad_with_respect_to_an_intermediate_tensor():
    x = gradstep.tensor(np.float64(3.0), requires_grad=True)
    h = x * 2
    (gh,) = grad(h * h, h)
    assert gh.item() == 12.0


def test_grad_of_a_non_scalar_output_needs_grad_outputs():
    x = gradstep.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(GradstepError, match=r"output 0 of shape \(3,\) is not a scalar; pass grad_outputs"):
        grad(x * 2, x)
    with pytest.raises(ShapeError, match=r"grad_outputs\[0\] of shape \(2,\) does not match output 0 of shape \(3,\)"):
        grad(x * 2, x, grad_outputs=np.ones(2))


def test_unused_inputs_and_inputs_without_grad():
    x = gradstep.tensor(np.float64(1.0), requires_grad=True)
    z = gradstep.tensor(np.float64(1.0), requires_grad=True)
    with pytest.raises(GradstepError, match=r"input 1 \(shape \(\)\) was not used.*allow_unused=True"):
        grad(x * 2, [x, z])
    assert grad(x * 2, [x, z], allow_unused=True)[1] is None
    with pytest.raises(GradstepError, match=r"input 0 \(shape \(\)\) does not require grad"):
        grad(x * 2, [gradstep.tensor(1.0)])


def test_differentiating_through_an_integer_op_is_a_clear_error():
    x = gradstep.tensor(np.array([1.5, 2.5]), requires_grad=True)
    rounded = x.astype(np.int64)
    with pytest.raises(GradstepError, match=r"output 0 \(shape \(\), dtype int64\) does not require grad.*integer"):
        grad(rounded.sum(), x)


def test_second_pass_through_a_freed_graph_names_the_op():
    x = gradstep.tensor(np.float64(2.0), requires_grad=True)
    y = x.exp() * 3
    (g,) = grad(y, x)  # no create_graph: the graph is freed
    with pytest.raises(GraphFreedError, match="op 'mul' was freed"):
        grad(y, x)
    y = x.exp()
    (g,) = grad(y, x, create_graph=True)  # retain_graph defaults to create_graph
    assert grad(y, x)[0].item() == pytest.approx(np.exp(2.0))

