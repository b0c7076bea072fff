"""backward(): accumulation, repeated use, deep graphs, freeing, no_grad."""

import gc
import weakref

import numpy as np
import pytest

import gradstep
from gradstep import ops
from gradstep.engine import topological_order


def test_x_times_x_sums_both_paths():
    x = gradstep.tensor(3.0, requires_grad=True)
    (x * x).backward()
    assert float(x.grad) == 6.0


def test_tensor_used_in_several_branches():
    # f = x^2 + 3x + exp(x) ; df/dx = 2x + 3 + exp(x)
    x = gradstep.tensor(np.array(0.5), requires_grad=True)
    f = x * x + 3 * x + x.exp()
    f.backward()
    assert np.isclose(float(x.grad), 2 * 0.5 + 3 + np.exp(0.5))


def test_diamond_graph_visits_shared_node_once():
    x = gradstep.tensor(np.array(2.0), requires_grad=True)
    h = x * 3
    y = h * h + h  # dy/dh = 2h + 1, dh/dx = 3
    y.backward()
    assert float(x.grad) == (2 * 6 + 1) * 3


def test_chain_of_100000_ops_needs_no_recursion():
    x = gradstep.tensor(np.array(1.0), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert float(x.grad) == 1.0
    assert y.item() == 100_001.0


def test_backward_twice_accumulates():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    assert np.array_equal(x.grad, [4.0, 8.0])


def test_retain_graph_allows_a_second_pass():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert np.array_equal(x.grad, [6.0, 6.0])


def test_backward_through_freed_graph_is_a_clear_error():
    x = gradstep.tensor([1.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(gradstep.GraphFreedError, match="freed.*retain_graph=True"):
        y.backward()


def test_saved_arrays_are_released_after_backward():
    x = gradstep.tensor(np.ones(1000), requires_grad=True)
    h = x.exp()  # exp saves its output for backward
    saved = weakref.ref(h._ctx.y)
    y = (h * 2).sum()
    del h
    y.backward()
    gc.collect()
    assert saved() is None


def test_intermediate_tensors_are_released_after_backward():
    x = gradstep.tensor(np.ones(10), requires_grad=True)
    h = x * 2
    h_ref = weakref.ref(h)
    y = (h * h).sum()
    del h
    y.backward()
    gc.collect()
    assert h_ref() is None


def test_no_grad_records_nothing():
    x = gradstep.tensor([1.0], requires_grad=True)
    with gradstep.no_grad():
        y = x * 2
        assert not gradstep.is_grad_enabled()
    assert gradstep.is_grad_enabled()
    assert not y.requires_grad and y._ctx is None


def test_no_grad_as_decorator_and_enable_grad_inside():
    x = gradstep.tensor([1.0], requires_grad=True)

    @gradstep.no_grad()
    def double(t):
        with gradstep.enable_grad():
            inner = t * 2
        return t * 2, inner

    outer, inner = double(x)
    assert not outer.requires_grad and inner.requires_grad


def test_detach_cuts_the_graph():
    x = gradstep.tensor([2.0], requires_grad=True)
    y = (x * x).detach() * x  # only the last factor is differentiated: dy/dx = x^2
    y.sum().backward()
    assert np.array_equal(x.grad, [4.0])


def test_non_scalar_backward_needs_grad():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(gradstep.GradstepError, match=r"shape \(2,\) is not a scalar"):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, 10.0], dtype=np.float32))
    assert np.array_equal(x.grad, [2.0, 20.0])


def test_backward_grad_of_wrong_shape():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(gradstep.ShapeError, match=r"grad of shape \(3,\) does not match output of shape \(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_without_graph_is_a_clear_error():
    with pytest.raises(gradstep.GradstepError, match="does not require grad"):
        gradstep.tensor(1.0).backward()


def test_leaf_grads_are_independent_arrays():
    # add passes the same gradient to both inputs: each leaf must still own its .grad
    a = gradstep.tensor([1.0], requires_grad=True)
    b = gradstep.tensor([1.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad *= 10
    assert b.grad[0] == 1.0


def test_retain_grad_keeps_intermediate_gradient():
    x = gradstep.tensor(2.0, requires_grad=True)
    h = (x * 3).retain_grad()
    (h * h).backward()
    assert float(h.grad) == 12.0


def test_float32_stays_float32_with_python_scalars():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 0.5 + 1.0) / 3.0 - 2.0
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_gradient_cast_back_to_leaf_dtype_when_dtypes_mix():
    x32 = gradstep.tensor([1.0], requires_grad=True)
    x64 = gradstep.tensor(np.array([2.0]), requires_grad=True)
    (x32 * x64).sum().backward()
    assert x32.grad.dtype == np.float32 and x64.grad.dtype == np.float64


def test_topological_order_puts_outputs_first():
    x = gradstep.tensor(1.0, requires_grad=True)
    y = ((x + 1) * 2).exp()
    assert [c.fn.name for c in topological_order(y._ctx)] == ["exp", "mul", "add"]


# ----- gradients a backward may overwrite (ctx.owns_grad) ----------------------------------
def test_a_gradient_shared_by_two_consumers_is_never_overwritten():
    # out = relu(x W1^T) + relu(x W2^T): Add hands the same dL/d(out) array to both branches,
    # so neither relu may mask it in place (the second would see the first one's mask)
    rng = np.random.default_rng(0)
    x, W1, W2, G = (rng.standard_normal(s) for s in [(5, 3), (4, 3), (4, 3), (5, 4)])
    t1, t2 = gradstep.Tensor(W1, requires_grad=True), gradstep.Tensor(W2, requires_grad=True)
    out = ops.linear_relu(gradstep.Tensor(x), t1) + ops.relu(ops.linear(gradstep.Tensor(x), t2))
    (out * gradstep.Tensor(G)).sum().backward()
    np.testing.assert_allclose(t1.grad, (G * (x @ W1.T > 0)).T @ x, rtol=1e-12)
    np.testing.assert_allclose(t2.grad, (G * (x @ W2.T > 0)).T @ x, rtol=1e-12)


def test_only_arrays_no_one_else_holds_are_marked_for_overwriting():
    seen = {}
    original = ops.linalg.LinearReLU.backward

    def spy(ctx, grad):
        seen[ctx.x.shape[1]] = getattr(ctx, "owns_grad", False)
        return original(ctx, grad)

    ops.linalg.LinearReLU.backward = staticmethod(spy)
    try:
        x = gradstep.ones(2, 3)
        W1 = gradstep.ones(4, 3, requires_grad=True)  # (out, in)
        W2 = gradstep.ones(5, 4, requires_grad=True)
        W3 = gradstep.ones(1, 5, requires_grad=True)
        h = ops.linear_relu(ops.linear_relu(x, W1), W2)  # fed by a linear's fresh dL/dX: may overwrite
        (ops.linear(h, W3) * 2.0).sum().backward()
    finally:
        ops.linalg.LinearReLU.backward = staticmethod(original)
    assert seen == {4: True, 3: True}
    seen.clear()
    ops.linalg.LinearReLU.backward = staticmethod(spy)
    try:
        (ops.linear_relu(gradstep.ones(2, 3), W1) * 2.0).sum().backward()  # fed by mul, which promises nothing
    finally:
        ops.linalg.LinearReLU.backward = staticmethod(original)
    assert seen == {3: False}


def test_a_retained_gradient_is_copied_before_a_backward_overwrites_it():
    x = gradstep.Tensor(np.array([[1.0, -1.0]]))
    W = gradstep.Tensor(np.eye(2), requires_grad=True)
    z = ops.linear(x, W)
    h = ops.linear_relu(z, gradstep.Tensor(np.eye(2), requires_grad=True)).retain_grad()
    ops.linear(h, gradstep.Tensor(np.ones((1, 2)))).sum().backward()
    assert h.grad.tolist() == [[1.0, 1.0]]  # dL/dh, not the masked dL/dz = [[1, 0]]
    assert W.grad.tolist() == [[1.0, -1.0], [0.0, 0.0]]  # dL/dW = (dL/dz)^T x


def test_a_weight_used_by_two_fused_linears_gets_the_sum_of_both_gradients():
    # y = sum(x W^T) + sum(x W^T) with x = [[1, 2]]: dy/dW = 2 x = [[2, 4]], stored first, then added in place
    x = gradstep.tensor([[1.0, 2.0]])
    W = gradstep.tensor([[0.5, -1.0]], requires_grad=True)
    (gradstep.ops.linear(x, W) + gradstep.ops.linear(x, W)).sum().backward()
    np.testing.assert_array_equal(W.grad, [[2.0, 4.0]])
    first = W.grad
    gradstep.ops.linear(x, W).sum().backward()  # accumulates into the same array
    assert W.grad is first
    np.testing.assert_array_equal(first, [[3.0, 6.0]])


def test_a_gradient_of_another_dtype_is_cast_when_stored_and_when_added():
    x32 = gradstep.tensor([1.0], requires_grad=True)
    x64 = gradstep.tensor(np.array([2.0]), requires_grad=True)
    for _ in range(2):
        (x32 * x64).sum().backward()  # d/dx32 = x64 = 2.0 (float64), cast to float32 each time
    assert x32.grad.dtype == np.float32 and x32.grad.tolist() == [4.0]
