"""gradstep.autograd.Function: PyTorch's custom-function protocol."""

import numpy as np
import pytest

import gradstep
from gradstep import InplaceError
from gradstep.autograd import Function


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):  # d e^x/dx = e^x
        (y,) = ctx.saved_tensors
        return grad_output * y


class MulAdd(Function):
    """y = a * b + c with a constant c (non-Tensor) argument."""

    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        ctx.seen = ctx.needs_input_grad
        return a * b + c

    @staticmethod
    def backward(ctx, grad_output):  # dy/da = b, dy/db = a
        a, b = ctx.saved_tensors
        return grad_output * b, grad_output * a, None


def test_a_custom_function_gives_the_gradient_of_its_backward():
    x = gradstep.tensor([0.0, 1.0], dtype=np.float64, requires_grad=True)
    y = Exp.apply(x)
    assert not y.is_leaf and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp([0.0, 1.0]))


def test_a_custom_function_agrees_with_finite_differences():
    assert gradstep.gradcheck(lambda a, b: MulAdd.apply(a, b, 2.0).tanh().sum(), [np.random.default_rng(0).standard_normal(3), np.random.default_rng(1).standard_normal(3)])


def test_needs_input_grad_and_a_tuple_backward_with_none_for_a_constant():
    a = gradstep.tensor([2.0], requires_grad=True)
    b = gradstep.tensor([5.0])
    y = MulAdd.apply(a, b, 1.0)
    assert y.tolist() == [11.0]
    assert y._ctx.user_ctx.seen == (True, False, False)
    y.sum().backward()
    assert a.grad.tolist() == [5.0] and b.grad is None


def test_forward_ops_are_not_recorded_only_the_custom_node():
    x = gradstep.tensor([1.0], requires_grad=True)
    y = Exp.apply(x)
    assert y._ctx.fn.name == "custom" and y._ctx.inputs == (x,)


def test_changing_a_saved_tensor_in_place_before_backward_raises_naming_the_function():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    y = Exp.apply(x)
    with gradstep.no_grad():
        y.mul_(2.0)
    with pytest.raises(InplaceError, match=r"^Exp.backward: saved tensor 0 \(shape \(2,\)\) was changed in place after save_for_backward"):
        y.sum().backward()


def test_wrong_number_of_gradients_and_bad_outputs_are_clear_errors():
    class Bad(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g

    a = gradstep.tensor([1.0], requires_grad=True)
    with pytest.raises(gradstep.GradstepError, match=r"Bad.backward: returned 1 gradient\(s\) for 2 forward argument\(s\)"):
        Bad.apply(a, a).sum().backward()

    class Pair(Function):
        @staticmethod
        def forward(ctx, a):
            return a, a

    with pytest.raises(gradstep.GradstepError, match=r"Pair.forward: must return one Tensor, got tuple"):
        Pair.apply(a)

    class Saves(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a.data)
            return a

    with pytest.raises(gradstep.GradstepError, match=r"Saves.save_for_backward: argument 0 is a ndarray, not a Tensor or None"):
        Saves.apply(a)


def test_a_custom_function_under_create_graph_is_differentiable_again():
    x = gradstep.tensor(1.5, dtype=np.float64, requires_grad=True)
    (g,) = gradstep.autograd.grad(Exp.apply(x) * x, x, create_graph=True)  # d(x e^x) = (1 + x) e^x
    (h,) = gradstep.autograd.grad(g, x)  # (2 + x) e^x
    assert g.item() == pytest.approx(2.5 * np.exp(1.5)) and h.item() == pytest.approx(3.5 * np.exp(1.5))
