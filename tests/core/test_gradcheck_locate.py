"""gradcheck(locate=True) names the op whose derivative is wrong; gradcheck(forward=True) checks jvp against backward."""

import numpy as np
import pytest

import gradstep
from gradstep.errors import GradcheckError
from gradstep.function import Function
from gradstep.gradcheck import forward_reverse_pairs, locate


class WrongSquare(Function):
    # y = x^2 ; a backward with a bug (3x instead of 2x), a right jvp
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return x * x

    @staticmethod
    def backward(ctx, grad):
        return (3 * ctx.x * grad,)

    @staticmethod
    def jvp(ctx, dx):
        return 2 * ctx.x * dx


class WrongTangent(Function):
    # y = x^2 ; a right backward, a jvp with a bug
    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return x * x

    @staticmethod
    def backward(ctx, grad):
        return (2 * ctx.x * grad,)

    @staticmethod
    def jvp(ctx, dx):
        return ctx.x * dx


X = [np.array([0.5, -1.0, 2.0])]


def composite(op):
    return lambda x: (op.apply(x.tanh()) * 2.0).exp().sum()


def test_locate_names_the_first_wrong_op():
    with pytest.raises(GradcheckError, match=r"analytic gradient .* != numerical.*op 1 'wrongsquare' \(inputs of shapes \(3,\)\)"):
        gradstep.gradcheck(composite(WrongSquare), X, locate=True)
    step, name, _ = locate(composite(WrongSquare), X)
    assert (step, name) == (1, "wrongsquare")  # tanh is op 0


def test_without_locate_the_error_names_only_the_input():
    with pytest.raises(GradcheckError) as info:
        gradstep.gradcheck(composite(WrongSquare), X)
    assert "wrongsquare" not in str(info.value)


def test_a_right_composite_has_no_culprit():
    assert locate(lambda x: (x * x).sigmoid().sum(), X) is None
    assert gradstep.gradcheck(lambda x: (x * x).sigmoid().sum(), X, locate=True, forward=True)


def test_forward_check_catches_a_wrong_jvp_that_backward_does_not_see():
    assert gradstep.gradcheck(composite(WrongTangent), X)  # reverse mode is right
    jv, vjp = forward_reverse_pairs(composite(WrongTangent), X)
    assert not np.isclose(jv, vjp)
    with pytest.raises(GradcheckError, match="forward and reverse mode disagree"):
        gradstep.gradcheck(composite(WrongTangent), X, forward=True)
