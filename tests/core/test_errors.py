"""Every bad input gets a clear error naming the op and the shapes or values."""

import numpy as np
import pytest

import gradstep
from gradstep import ops


def test_shape_error_is_a_value_error():
    assert issubclass(gradstep.ShapeError, ValueError)
    assert issubclass(gradstep.ShapeError, gradstep.GradstepError)


def test_matmul_inner_dimension_mismatch_names_both_shapes():
    a, b = gradstep.zeros(128, 784), gradstep.zeros(512, 10)
    with pytest.raises(gradstep.ShapeError, match=r"^matmul: cannot multiply \(128, 784\) by \(512, 10\): 784 != 512$"):
        a @ b


def test_matmul_of_scalars_and_bad_batch_dims():
    with pytest.raises(gradstep.ShapeError, match=r"matmul: operands must have at least 1 dimension"):
        ops.matmul(gradstep.tensor(1.0), gradstep.zeros(2))
    with pytest.raises(gradstep.ShapeError, match=r"matmul: batch dimensions of \(2, 3, 4\) and \(3, 4, 5\)"):
        ops.matmul(gradstep.zeros(2, 3, 4), gradstep.zeros(3, 4, 5))


def test_linear_shape_errors():
    with pytest.raises(
        gradstep.ShapeError,
        match=r"linear: cannot multiply \(5, 3\) by the transpose of weight \(2, 4\) \(out_features, in_features\): "
        r"3 input features != in_features 4",
    ):
        ops.linear(gradstep.zeros(5, 3), gradstep.zeros(2, 4))
    with pytest.raises(gradstep.ShapeError, match=r"linear: bias must have shape \(2,\).*got \(3,\)"):
        ops.linear(gradstep.zeros(5, 3), gradstep.zeros(2, 3), gradstep.zeros(3))
    with pytest.raises(gradstep.ShapeError, match=r"linear: weight must be 2-D"):
        ops.linear(gradstep.zeros(5, 3), gradstep.zeros(3))


def test_elementwise_broadcast_mismatch_names_op_and_shapes():
    with pytest.raises(gradstep.ShapeError, match=r"add: cannot broadcast shapes \(2, 3\) and \(4,\)"):
        gradstep.zeros(2, 3) + gradstep.zeros(4)
    with pytest.raises(gradstep.ShapeError, match=r"mul: cannot broadcast shapes \(3,\) and \(2,\)"):
        gradstep.zeros(3) * gradstep.zeros(2)


def test_reshape_transpose_and_broadcast_errors():
    with pytest.raises(gradstep.ShapeError, match=r"reshape: cannot reshape tensor of shape \(2, 3\) \(6 elements\) into \(4,\)"):
        gradstep.zeros(2, 3).reshape(4)
    with pytest.raises(gradstep.ShapeError, match=r"transpose: axes \(0, 0\) are not a permutation"):
        gradstep.zeros(2, 3).transpose(0, 0)
    with pytest.raises(gradstep.ShapeError, match=r"broadcast_to: cannot broadcast shape \(3,\) to \(2, 4\)"):
        ops.broadcast_to(gradstep.zeros(3), (2, 4))
    with pytest.raises(gradstep.ShapeError, match=r"squeeze: axis 0 of shape \(2, 1\) does not have size 1"):
        ops.squeeze(gradstep.zeros(2, 1), 0)
    with pytest.raises(gradstep.ShapeError, match=r"expand_dims: axis 5 is out of range for shape \(2,\)"):
        ops.expand_dims(gradstep.zeros(2), 5)
    with pytest.raises(gradstep.ShapeError, match=r"flatten: start_axis 1 comes after end_axis 0"):
        ops.flatten(gradstep.zeros(2, 3), 1, 0)


def test_concatenate_and_stack_errors():
    with pytest.raises(gradstep.ShapeError, match=r"concatenate: shapes \(2, 3\) and \(2, 4\) must match except along axis 0"):
        ops.concatenate([gradstep.zeros(2, 3), gradstep.zeros(2, 4)])
    with pytest.raises(gradstep.ShapeError, match=r"stack: shapes \(3,\) and \(2,\) must match"):
        ops.stack([gradstep.zeros(3), gradstep.zeros(2)])
    with pytest.raises(gradstep.ShapeError, match=r"concatenate: needs at least one tensor"):
        ops.concatenate([])


def test_reduction_axis_and_empty_errors():
    with pytest.raises(gradstep.ShapeError, match=r"sum: axis 2 is out of range for a tensor with 2 dimensions"):
        gradstep.zeros(2, 3).sum(axis=2)
    with pytest.raises(gradstep.ShapeError, match=r"max: cannot reduce an empty tensor of shape \(0,\)"):
        gradstep.zeros(0).max()


def test_getitem_out_of_range():
    with pytest.raises(gradstep.ShapeError, match=r"getitem: index 5 is invalid for shape \(3,\)"):
        gradstep.zeros(3)[5]


def test_where_needs_a_boolean_condition():
    with pytest.raises(gradstep.DTypeError, match="where: condition must be a boolean tensor, got dtype float32"):
        ops.where(gradstep.zeros(2), 1.0, 0.0)


def test_clip_needs_a_bound():
    from gradstep.errors import ArgumentError

    assert issubclass(ArgumentError, ValueError) and issubclass(ArgumentError, gradstep.GradstepError)
    with pytest.raises(ArgumentError, match=r"^clip: give min, max or both \(got neither, for a tensor of shape \(2,\)\)$"):
        ops.clip(gradstep.zeros(2))


def test_len_of_a_0d_tensor():
    with pytest.raises(TypeError, match=r"^len\(\) of a 0-d tensor$"):
        len(gradstep.tensor(1.0))


def test_backward_returning_a_gradient_of_the_wrong_shape_names_both_shapes():
    from gradstep.function import Function

    class WrongShape(Function, register=False):
        # y = sum(x), with a deliberately wrong gradient of shape (3,) for an input of shape (2,)
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return (np.ones(3) * grad,)

    x = gradstep.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(gradstep.ShapeError, match=r"^backward: gradient of shape \(3,\) cannot be reduced to input shape \(2,\)$"):
        WrongShape.apply(x).backward()


def test_gradcheck_failure_names_input_index_and_values():
    from gradstep.function import Function

    class WrongSquare(Function, register=False):
        # y = x^2, with a deliberately wrong derivative 3x
        @staticmethod
        def forward(ctx, x):
            ctx.x = x
            return x * x

        @staticmethod
        def backward(ctx, grad):
            return (3 * ctx.x * grad,)

    with pytest.raises(gradstep.GradcheckError, match=r"input 0 \(shape \(2,\)\) at index \(0,\): analytic gradient 3 != numerical 2"):
        gradstep.gradcheck(lambda x: WrongSquare.apply(x).sum(), [np.array([1.0, 2.0])])
