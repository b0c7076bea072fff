"""Tensor creation, dtype rules, operators and attributes."""

import numpy as np
import pytest

import gradstep


def test_python_floats_default_to_float32_and_ints_to_int64():
    assert gradstep.tensor([1.0, 2.0]).dtype == np.float32
    assert gradstep.tensor(1.5).dtype == np.float32
    assert gradstep.tensor([1, 2]).dtype == np.int64
    assert gradstep.tensor([True]).dtype == bool


def test_ndarrays_keep_their_dtype():
    assert gradstep.tensor(np.zeros(2, np.float64)).dtype == np.float64
    assert gradstep.tensor(np.zeros(2, np.float16)).dtype == np.float16
    assert gradstep.tensor(np.zeros(2, np.int32)).dtype == np.int32


def test_set_default_dtype():
    gradstep.set_default_dtype(np.float64)
    try:
        assert gradstep.tensor([1.0]).dtype == np.float64
        assert gradstep.zeros(2).dtype == np.float64
    finally:
        gradstep.set_default_dtype(np.float32)
    with pytest.raises(gradstep.DTypeError, match="expected a floating dtype.*int32"):
        gradstep.set_default_dtype(np.int32)


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(gradstep.DTypeError, match="only floating tensors can require grad, got dtype int64"):
        gradstep.tensor([1, 2], requires_grad=True)
    with pytest.raises(gradstep.DTypeError, match="requires_grad_"):
        gradstep.arange(3).requires_grad_()


def test_object_data_is_rejected():
    with pytest.raises(gradstep.DTypeError, match="cannot make a numeric tensor"):
        gradstep.tensor([object()])


def test_tensor_copies_but_Tensor_wraps():
    a = np.zeros(3, np.float32)
    copied, wrapped = gradstep.tensor(a), gradstep.Tensor(a)
    a[0] = 5
    assert copied.data[0] == 0 and wrapped.data[0] == 5


def test_Tensor_of_an_ndarray_is_what_the_general_conversion_gives():
    from gradstep.tensor import _as_array

    # Tensor(ndarray) skips _as_array; a subclass or a dtype request still goes through it
    for array in (np.zeros(3, np.float32), np.arange(3), np.zeros((2, 2), np.float16), np.ma.zeros(2)):
        wrapped = gradstep.Tensor(array)
        assert wrapped.data is _as_array(array)
        assert type(wrapped.data) is type(array)
    assert gradstep.Tensor(np.arange(3), dtype=np.float32).dtype == np.float32


def test_creation_functions():
    assert gradstep.zeros(2, 3).shape == (2, 3) and gradstep.zeros((2, 3)).shape == (2, 3)
    assert gradstep.ones(4).tolist() == [1.0] * 4
    assert gradstep.arange(1, 7, 2).tolist() == [1, 3, 5]
    assert gradstep.full((2,), 3.0).tolist() == [3.0, 3.0]
    assert gradstep.zeros_like(gradstep.ones(2, 2)).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert gradstep.ones_like(np.zeros(3)).dtype == np.float64
    assert gradstep.randn(2, 3, seed=1).shape == (2, 3)
    r = gradstep.rand(1000, seed=1).data
    assert r.min() >= 0 and r.max() < 1 and abs(r.mean() - 0.5) < 0.05
    assert gradstep.randn_like(gradstep.zeros(3), seed=0).dtype == np.float32
    assert gradstep.rand_like(np.zeros((2, 2)), seed=0).dtype == np.float64


def test_same_seed_same_numbers_and_manual_seed():
    assert np.array_equal(gradstep.randn(5, seed=3).data, gradstep.randn(5, seed=3).data)
    gradstep.manual_seed(7)
    a = gradstep.randn(5).data
    gradstep.manual_seed(7)
    assert np.array_equal(a, gradstep.randn(5).data)


def test_attributes():
    x = gradstep.tensor([[1.0, 2.0, 3.0]])
    assert x.shape == (1, 3) and x.ndim == 2 and x.numel() == 3 and x.size() == (1, 3) and len(x) == 1
    assert x.T.shape == (3, 1)
    assert gradstep.tensor([4.0]).item() == 4.0
    assert isinstance(x.numpy(), np.ndarray)
    assert np.asarray(x).shape == (1, 3)
    assert "requires_grad=True" in repr(gradstep.tensor([1.0], requires_grad=True))
    assert "grad_fn=mul" in repr(gradstep.tensor([1.0], requires_grad=True) * 2)


def test_operators_match_numpy():
    a_np, b_np = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -1.0])
    a, b = gradstep.tensor(a_np), gradstep.tensor(b_np)
    assert np.allclose((a + b).data, a_np + b_np)
    assert np.allclose((a - b).data, a_np - b_np)
    assert np.allclose((a * b).data, a_np * b_np)
    assert np.allclose((a / b).data, a_np / b_np)
    assert np.allclose((a**2).data, a_np**2)
    assert np.allclose((2**b).data, 2**b_np)
    assert np.allclose((a @ b).data, a_np @ b_np)
    assert np.allclose((-a).data, -a_np)
    assert np.allclose((1 - a).data, 1 - a_np)
    assert np.allclose((1 / a).data, 1 / a_np)
    assert np.allclose((a_np + b).data, a_np + b_np)  # ndarray on the left defers to Tensor
    assert np.allclose(abs(b).data, np.abs(b_np))
    assert np.allclose(a[1, :1].data, a_np[1, :1])
    assert np.allclose(a[:, None].data, a_np[:, None])


def test_comparisons_are_not_differentiable():
    x = gradstep.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result in (x > 1.5, x >= 2, x < 2, x <= 2, x == 2, x != 2):
        assert result.dtype == bool and not result.requires_grad
    assert (x > 1.5).tolist() == [False, True, True]


def test_tensors_hash_by_identity():
    a, b = gradstep.tensor([1.0]), gradstep.tensor([1.0])
    assert len({a, b}) == 2


def test_methods_delegate_to_ops():
    x = gradstep.tensor([[1.0, -2.0], [3.0, -4.0]])
    assert x.sum().item() == -2.0
    assert x.mean(axis=0).tolist() == [2.0, -3.0]
    assert x.max(axis=1).tolist() == [1.0, 3.0]
    assert x.min().item() == -4.0
    assert x.relu().tolist() == [[1.0, 0.0], [3.0, 0.0]]
    assert x.abs().sqrt().shape == (2, 2)
    assert x.reshape(4).shape == (4,) and x.flatten().shape == (4,)
    assert x.argmax(axis=1).tolist() == [0, 0]
    assert x.clip(-1.0, 1.0).tolist() == [[1.0, -1.0], [1.0, -1.0]]
    assert np.allclose(x.softmax(axis=1).sum(axis=1).data, 1.0)
    assert x.double().dtype == np.float64 and x.double().float().dtype == np.float32


def test_casting_to_an_integer_dtype_leaves_the_graph():
    # rounding has derivative 0 almost everywhere: the cast result is a constant, like PyTorch's .to(int64)
    x = gradstep.tensor([1.5, -2.5], requires_grad=True)
    y = x.astype(np.int64)
    assert y.dtype == np.int64 and y.tolist() == [1, -2]
    assert not y.requires_grad and y.is_leaf
    (x.double() * 2).sum().backward()  # a floating cast stays differentiable, the gradient cast back
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [2.0, 2.0]


def test_integer_operands_take_the_floating_dtype_as_in_pytorch():
    # NumPy would promote int64 with float32 to float64; gradstep keeps the float operand's dtype
    ints = gradstep.arange(3)
    assert (ints * 0.5).dtype == np.float32 and (ints * 0.5).tolist() == [0.0, 0.5, 1.0]
    assert (gradstep.tensor([1.0, 2.0, 3.0]) - ints).dtype == np.float32
    assert (ints + gradstep.tensor(np.ones(3))).dtype == np.float64  # a float64 operand stays float64
    assert (gradstep.tensor([True, False]) * gradstep.tensor([2.0, 2.0])).dtype == np.float32
    assert (ints + 1).dtype == np.int64  # integers with integers stay integer
    halves = gradstep.tensor([1, 2]) / 4  # true division of integers gives the default float dtype
    assert halves.dtype == np.float32 and halves.tolist() == [0.25, 0.5]
    w = gradstep.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (w * ints).sum().backward()  # d(sum w_i i)/dw_i = i, in w's dtype
    assert w.grad.dtype == np.float32 and w.grad.tolist() == [0.0, 1.0, 2.0]
