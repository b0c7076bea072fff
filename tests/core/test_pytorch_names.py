"""PyTorch's names and signatures on gradstep tensors: dim/keepdim, max(dim), iteration, devices, dtypes, functions."""

import numpy as np
import pytest

import gradstep
from gradstep import ops


def matrix():
    return gradstep.tensor(np.array([[1.0, 5.0, 2.0], [3.0, 4.0, 6.0]]))


@pytest.mark.parametrize("name", ["sum", "mean"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keep", [False, True])
def test_dim_and_keepdim_give_identical_results_to_axis_and_keepdims(name, axis, keep):
    x = gradstep.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    a = getattr(x, name)(axis=axis, keepdims=keep)
    b = getattr(x, name)(dim=axis, keepdim=keep)
    c = getattr(gradstep, name)(x, dim=axis, keepdim=keep)
    assert a.shape == b.shape == c.shape and np.array_equal(a.data, b.data) and np.array_equal(a.data, c.data)
    a.sum().backward()
    first = x.grad.data.copy()
    x.grad = None
    b.sum().backward()
    assert np.array_equal(first, x.grad.data)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_dim_for_softmax_and_friends(name):
    x = matrix()
    assert np.array_equal(getattr(x, name)(axis=0).data, getattr(x, name)(dim=0).data)
    assert np.array_equal(getattr(x, name)(dim=0).data, getattr(gradstep, name)(x, dim=0).data)
    assert np.array_equal(x.argmax(axis=1).data, x.argmax(dim=1).data)
    assert x.argmin(dim=0, keepdim=True).shape == (1, 3)
    assert gradstep.zeros(2, 1, 3).squeeze(dim=1).shape == gradstep.zeros(2, 1, 3).squeeze(axis=1).shape == (2, 3)
    assert gradstep.zeros(2, 3, 4).flatten(start_dim=1).shape == (2, 12)


def test_conflicting_spellings_are_an_error():
    with pytest.raises(gradstep.ArgumentError, match=r"^sum: got axis=0 and dim=1; give one of them"):
        matrix().sum(axis=0, dim=1)


def test_max_and_min_with_a_dim_return_values_and_indices_as_a_named_tuple():
    x = matrix()
    values, indices = x.max(1)
    assert values.tolist() == [5.0, 6.0] and indices.tolist() == [1, 2]
    result = x.min(dim=0, keepdim=True)
    assert result.values.tolist() == [[1.0, 4.0, 2.0]] and result.indices.tolist() == [[0, 1, 0]]
    assert x.max().item() == 6.0 and x.max(axis=1).tolist() == [5.0, 6.0]  # NumPy's form: values only
    assert x.max(gradstep.full((2, 3), 4.5)).tolist() == [[4.5, 5.0, 4.5], [4.5, 4.5, 6.0]]  # elementwise
    w = gradstep.tensor([[1.0, 5.0], [3.0, 4.0]], requires_grad=True)
    w.max(dim=1).values.sum().backward()  # the gradient goes to the maxima
    assert w.grad.tolist() == [[0.0, 1.0], [0.0, 1.0]]


def test_iteration_and_unpacking_over_the_first_dimension():
    x = gradstep.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]] and len(x) == 3
    a, b, c = x
    (a * 1 + c * 2).sum().backward()  # rows stay in the graph
    assert x.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]]
    with pytest.raises(ValueError):
        p, q = x  # three rows do not unpack into two
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(gradstep.tensor(1.0)).__next__()


def test_an_integer_index_out_of_range_is_an_index_error():
    with pytest.raises(IndexError, match=r"getitem: index 3 is invalid for shape \(3,\)"):
        gradstep.zeros(3)[3]
    with pytest.raises(gradstep.ShapeError):  # still a ShapeError for gradstep code that catches that
        gradstep.zeros(3)[-4]


def test_shape_and_copy_methods():
    x = gradstep.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.view(3, 2).shape == (3, 2) and x.view(-1).shape == (6,)
    assert x.permute(1, 0).shape == (3, 2) and x.t().tolist() == x.data.T.tolist()
    assert gradstep.zeros(3).t().shape == (3,)
    assert x.unsqueeze(0).shape == (1, 2, 3) and x.unsqueeze(-1).shape == (2, 3, 1)
    assert x.numel() == 6 and x.dim() == 2
    y = x.clone()
    assert y.data is not x.data and np.array_equal(y.data, x.data) and y.requires_grad
    (y * 3).sum().backward()
    assert x.grad.tolist() == [[3.0] * 3] * 2
    with pytest.raises(gradstep.ShapeError, match=r"permute: dims \(0, 0\) are not a permutation"):
        x.permute(0, 0)


def test_cpu_is_the_only_device_and_others_are_a_clear_error():
    x = gradstep.zeros(2, device="cpu")
    assert x.device == gradstep.device("cpu") and str(x.device) == "cpu"
    assert x.cpu() is x and x.to("cpu") is x and x.to(device="cpu:0") is x
    assert x.to(gradstep.float64).dtype == np.float64 and x.to("cpu", gradstep.float64).dtype == np.float64
    assert x.to(gradstep.zeros(1, dtype=gradstep.float64)).dtype == np.float64
    for make in (
        lambda: gradstep.zeros(2, device="cuda"),
        lambda: gradstep.tensor([1.0], device="cuda:0"),
        lambda: gradstep.linspace(0, 1, 3, device="mps"),
        lambda: x.to("cuda"),
        lambda: x.cuda(),
    ):
        with pytest.raises(gradstep.DeviceError, match=r"is not available: gradstep runs on the CPU"):
            make()


def test_pytorch_dtype_names():
    assert gradstep.float32 == gradstep.float == np.float32 and gradstep.float64 == gradstep.double == np.float64
    assert gradstep.int64 == gradstep.long == np.int64 and gradstep.int32 == gradstep.int == np.int32
    assert gradstep.bool == np.bool_ and gradstep.uint8 == np.uint8 and gradstep.half == np.float16
    assert gradstep.tensor([1, 2], dtype=gradstep.float).dtype == np.float32
    assert gradstep.zeros(2, dtype=gradstep.float64).dtype == gradstep.float64
    assert gradstep.arange(3).dtype == gradstep.long


def test_creation_functions():
    assert gradstep.linspace(-1.0, 1.0, 5).tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert gradstep.linspace(0, 1, 3).dtype == np.float32
    assert gradstep.full((2, 2), 3.0).tolist() == [[3.0, 3.0], [3.0, 3.0]]
    array = np.arange(3.0)
    t = gradstep.from_numpy(array)
    array[0] = 7.0
    assert t.data is array and t[0].item() == 7.0 and t.dtype == np.float64  # shares memory, keeps the dtype
    with pytest.raises(gradstep.DTypeError, match=r"from_numpy: expected a numpy.ndarray, got list"):
        gradstep.from_numpy([1.0])


def test_module_level_functions_match_the_methods_and_ops():
    x = gradstep.tensor([[0.5, -1.0], [2.0, 0.25]])
    for name in ("exp", "sin", "cos", "tanh", "sigmoid", "relu", "abs"):
        assert np.array_equal(getattr(gradstep, name)(x).data, getattr(ops, name)(x).data), name
    assert np.array_equal(gradstep.sqrt(gradstep.abs(x)).data, np.sqrt(np.abs(x.data)))
    assert gradstep.cat([x, x], dim=1).shape == (2, 4) and gradstep.cat([x, x]).shape == (4, 2)
    assert gradstep.stack([x, x], dim=2).shape == (2, 2, 2)
    assert gradstep.equal(x, x.clone()) and not gradstep.equal(x, x * 2) and not gradstep.equal(x, x[0])
    assert gradstep.clamp(x, min=0.0).tolist() == [[0.5, 0.0], [2.0, 0.25]]
    assert gradstep.matmul(x, x).tolist() == (x.data @ x.data).tolist()
    assert gradstep.max(x).item() == 2.0 and gradstep.max(x, 1).indices.tolist() == [0, 0]
    assert gradstep.sum([1.0, 2.0]).item() == 3.0  # lists become tensors
    assert gradstep.unsqueeze(x, 0).shape == (1, 2, 2) and gradstep.numel(x) == 4
