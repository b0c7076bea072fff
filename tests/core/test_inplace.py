"""In-place changes under autograd's rules, version counters, and .grad as a Tensor."""

import math

import numpy as np
import pytest

import gradstep
from gradstep import InplaceError
from gradstep.optim import SGD


def leaf(*values):
    return gradstep.tensor(np.array(values, dtype=np.float64), requires_grad=True)


# ----- .grad is a Tensor ---------------------------------------------------------------------


def test_grad_is_a_tensor_that_can_be_zeroed_and_measured_in_place():
    w = leaf(1.0, 2.0)
    (w * w).sum().backward()
    assert isinstance(w.grad, gradstep.Tensor) and not w.grad.requires_grad
    assert w.grad.norm().item() == pytest.approx(math.sqrt(2.0**2 + 4.0**2))  # d(w.w)/dw = 2w
    grad = w.grad
    assert grad.zero_() is grad and w.grad is grad
    assert w.grad.tolist() == [0.0, 0.0]
    (w * 3).sum().backward()  # accumulates into the zeroed tensor
    assert w.grad is grad and w.grad.tolist() == [3.0, 3.0]


def test_assigning_an_ndarray_to_grad_wraps_it_and_anything_else_is_refused():
    w = leaf(1.0, 2.0)
    w.grad = np.array([0.5, 0.5])
    assert isinstance(w.grad, gradstep.Tensor) and w.grad.tolist() == [0.5, 0.5]
    with pytest.raises(gradstep.DTypeError, match=r"grad: expected a Tensor, an ndarray or None, got list"):
        w.grad = [0.5, 0.5]


def test_optimizer_zero_grad_in_place_keeps_the_grad_tensor():
    w = leaf(1.0, 2.0)
    opt = SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and w.grad.tolist() == [0.0, 0.0]


# ----- the rule on leaves that require grad ---------------------------------------------------


@pytest.mark.parametrize(
    "op, change",
    [
        ("\\+=", lambda w: w.__iadd__(1.0)),
        ("-=", lambda w: w.__isub__(1.0)),
        ("\\*=", lambda w: w.__imul__(2.0)),
        ("/=", lambda w: w.__itruediv__(2.0)),
        ("add_", lambda w: w.add_(1.0)),
        ("sub_", lambda w: w.sub_(1.0)),
        ("mul_", lambda w: w.mul_(2.0)),
        ("div_", lambda w: w.div_(2.0)),
        ("clamp_", lambda w: w.clamp_(0.0, 1.0)),
        ("zero_", lambda w: w.zero_()),
        ("fill_", lambda w: w.fill_(3.0)),
        ("copy_", lambda w: w.copy_(gradstep.tensor([5.0, 6.0]))),
        ("normal_", lambda w: w.normal_(generator=0)),
        ("uniform_", lambda w: w.uniform_(generator=0)),
        ("__setitem__", lambda w: (w.__setitem__(0, 9.0), w)[1]),
    ],
)
def test_in_place_change_of_a_leaf_requiring_grad_outside_no_grad_raises_naming_the_op(op, change):
    w = leaf(1.0, 2.0)
    with pytest.raises(InplaceError, match=rf"^{op}: a leaf tensor that requires grad \(shape \(2,\)\) cannot be changed in place"):
        change(w)
    assert w.tolist() == [1.0, 2.0] and w._version == 0  # nothing changed
    with gradstep.no_grad():
        assert change(w) is w
    assert w.requires_grad and w.is_leaf and w._version == 1


def test_in_place_ops_change_the_array_itself_and_give_the_numbers_of_their_formulas():
    x = gradstep.tensor([1.0, -2.0, 4.0])
    array = x.data
    x += 1.0
    x -= gradstep.tensor([1.0, 1.0, 1.0])
    x *= 2.0
    x /= 4.0
    assert x.data is array and x.tolist() == [0.5, -1.0, 2.0]  # ((x + 1 - 1) * 2) / 4
    assert x.add_(gradstep.tensor([1.0, 1.0, 1.0]), alpha=2).tolist() == [2.5, 1.0, 4.0]
    assert x.sub_(1.0, alpha=0.5).tolist() == [2.0, 0.5, 3.5]
    assert x.clamp_(max=3.0).tolist() == [2.0, 0.5, 3.0]
    assert x.clamp_(min=1.0).tolist() == [2.0, 1.0, 3.0]
    x[1] = 7.0
    x[x > 2.5] = 0.0  # a boolean mask: 7 and 3 are above 2.5
    assert x.tolist() == [2.0, 0.0, 0.0]
    assert x.fill_(4.0).tolist() == [4.0, 4.0, 4.0] and x.zero_().tolist() == [0.0, 0.0, 0.0]
    assert x.copy_(gradstep.tensor([1, 2, 3])).tolist() == [1.0, 2.0, 3.0] and x.dtype == np.float32
    assert x.data is array and x._version == 13


def test_normal_and_uniform_fill_with_the_requested_distribution_reproducibly():
    a = gradstep.zeros(20000).normal_(3.0, 2.0, generator=1)
    assert a.mean().item() == pytest.approx(3.0, abs=0.05) and float(np.std(a.data)) == pytest.approx(2.0, abs=0.05)
    assert np.array_equal(gradstep.zeros(5).normal_(generator=7).data, gradstep.zeros(5).normal_(generator=7).data)
    u = gradstep.zeros(20000).uniform_(-3.0, 1.0, generator=2)
    assert u.data.min() >= -3.0 and u.data.max() < 1.0 and u.mean().item() == pytest.approx(-1.0, abs=0.05)
    assert u.dtype == np.float32


def test_bad_in_place_changes_give_clear_errors():
    x = gradstep.zeros(3)
    with pytest.raises(gradstep.ShapeError, match=r"^add_: cannot change a tensor of shape \(3,\) in place"):
        x.add_(gradstep.zeros(2, 3))  # the result would be (2, 3)
    with pytest.raises(gradstep.DTypeError, match=r"^\+=: cannot change a int64 tensor in place"):
        y = gradstep.arange(3)
        y += 0.5
    with pytest.raises(gradstep.ArgumentError, match=r"^clamp_: give min, max or both"):
        x.clamp_()
    frozen = gradstep.Tensor(np.broadcast_to(np.zeros(1), (3,)))
    with pytest.raises(InplaceError, match=r"^fill_: the tensor's data \(shape \(3,\)\) is read-only"):
        frozen.fill_(1.0)
    with pytest.raises(IndexError, match=r"__setitem__: index 5 is invalid for shape \(3,\)"):
        x[5] = 1.0


# ----- p -= lr * p.grad trains (the PyTorch tutorial's polynomial) -----------------------------


def test_the_pytorch_tutorial_polynomial_trains_with_in_place_updates_under_no_grad():
    # "Learning PyTorch with Examples", autograd version: y = a + b x + c x^2 + d x^3 fitted to sin(x)
    x = gradstep.linspace(-math.pi, math.pi, 2000, dtype=gradstep.float)
    y = gradstep.sin(x)
    rng = np.random.default_rng(0)
    a, b, c, d = (gradstep.tensor(rng.standard_normal(()), dtype=np.float32, requires_grad=True) for _ in range(4))
    learning_rate = 1e-6
    losses = []
    for _ in range(2000):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = ((y_pred - y) ** 2).sum()
        losses.append(loss.item())
        loss.backward()
        with gradstep.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    assert all(p.requires_grad and p.is_leaf for p in (a, b, c, d))
    assert losses[-1] < losses[0] / 20 and losses[-1] < 50.0  # the tutorial prints about 9 at the end
    assert all(later <= earlier * (1 + 1e-6) for earlier, later in zip(losses[100:], losses[101:]))
    assert b.item() == pytest.approx(0.85, abs=0.1)  # the least-squares cubic has b = 0.857


# ----- version counters and the backward check ------------------------------------------------


def test_modifying_a_saved_input_then_backward_raises_naming_the_op_and_the_input():
    w = leaf(1.0, 2.0)
    x = gradstep.tensor([3.0, 4.0], dtype=np.float64)
    y = (w * x).sum()  # mul saves x for dy/dw
    x.mul_(2.0)
    assert x._version == 1
    with pytest.raises(
        InplaceError,
        match=r"^backward: input 1 of op 'mul' \(a tensor of shape \(2,\), float64\) was overwritten in place by 'mul_' after 'mul' saved it",
    ):
        y.backward()


def test_modifying_an_input_the_op_did_not_save_is_fine_as_in_pytorch():
    w = leaf(1.0, 2.0)
    x = gradstep.tensor([3.0, 4.0], dtype=np.float64)
    y = (w + x).sum()  # add saves nothing
    x.mul_(2.0)
    y.backward()
    assert w.grad.tolist() == [1.0, 1.0]


def test_modifying_a_saved_output_then_backward_raises():
    x = leaf(0.0, 1.0)
    y = x.exp()  # exp saves its output
    with gradstep.no_grad():
        y.mul_(2.0)
    with pytest.raises(InplaceError, match=r"^backward: the output of op 'exp' \(a tensor of shape \(2,\), float64\) was overwritten in place by 'mul_'"):
        y.sum().backward()


def test_a_change_through_an_alias_is_caught_too():
    w = leaf(1.0, 2.0)
    x = gradstep.tensor([3.0, 4.0], dtype=np.float64)
    y = (w * x).sum()
    x.detach()[0] = 100.0  # shares x's memory
    with pytest.raises(InplaceError, match=r"input 1 of op 'mul'.*overwritten in place by '__setitem__'"):
        y.backward()


def test_an_optimizer_step_bumps_versions_so_an_old_graph_cannot_backward_again():
    w = leaf(1.0, 2.0)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    SGD([w], lr=0.1).step()
    assert w._version == 1
    with pytest.raises(InplaceError, match=r"input 0 of op 'mul'.*overwritten in place by 'SGD.step'"):
        loss.backward()


def test_changes_before_recording_do_not_count():
    w = leaf(1.0, 2.0)
    x = gradstep.tensor([3.0, 4.0], dtype=np.float64)
    x.mul_(2.0)
    (w * x).sum().backward()
    assert w.grad.tolist() == [6.0, 8.0]


# ----- in-place changes recorded in the graph -------------------------------------------------


def test_in_place_add_on_a_non_leaf_is_recorded_and_backpropagates_to_both_operands():
    x, b = leaf(1.0, 2.0), leaf(0.5)
    h = x * 3.0
    h += b  # h = 3x + b
    h *= h  # h = (3x + b)^2
    assert h._ctx.fn.name == "mul" and not h.is_leaf
    h.sum().backward()
    # d/dx sum (3x + b)^2 = 6 (3x + b) ; d/db = sum 2 (3x + b)
    np.testing.assert_allclose(x.grad.data, [6 * 3.5, 6 * 6.5])
    np.testing.assert_allclose(b.grad.data, [2 * 3.5 + 2 * 6.5])


def test_a_leaf_without_grad_changed_by_an_operand_that_requires_grad_joins_the_graph():
    acc = gradstep.zeros(2, dtype=np.float64)
    w = leaf(1.0, 2.0)
    acc.add_(w, alpha=3.0)
    assert acc.requires_grad and not acc.is_leaf
    acc.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


def test_setitem_in_the_graph_sends_gradients_to_the_value_and_to_the_rest():
    x, v = leaf(1.0, 2.0, 3.0), gradstep.tensor(10.0, dtype=np.float64, requires_grad=True)
    h = x * 1.0
    h[1] = v * 2.0  # h = [x0, 2v, x2]
    (h * gradstep.tensor([1.0, 2.0, 3.0], dtype=np.float64)).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 3.0] and v.grad.item() == 4.0


def test_copy_and_fill_in_the_graph_cut_the_old_value_off():
    src = leaf(1.0, 2.0)
    x = leaf(5.0, 6.0)
    h = x * 1.0
    h.copy_(src * 3.0)
    h.sum().backward()
    assert src.grad.tolist() == [3.0, 3.0] and x.grad.tolist() == [0.0, 0.0]
    g = x * 2.0
    g.fill_(1.0)
    assert g.requires_grad and g.tolist() == [1.0, 1.0]


def test_a_node_whose_input_was_changed_and_recorded_since_refuses_to_backward():
    x = leaf(1.0, 2.0)
    h = x * 1.0
    s = h.sigmoid()
    h.mul_(2.0)  # recorded: h is now the output of a new mul node
    with pytest.raises(InplaceError, match=r"^backward: input 0 of op 'sigmoid' .* was changed in place by 'mul_' after 'sigmoid' used it"):
        s.sum().backward()
