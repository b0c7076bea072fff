"""PyTorch's size() and views: shared memory, versions shared with the base, autograd through views.

Expected behaviour is PyTorch 2.x's documented semantics (torch.Tensor.size,
torch.Tensor.view, "Tensor Views" in the PyTorch docs), written down here.
"""

import numpy as np
import pytest

import gradstep
from gradstep import InplaceError, ShapeError


# ----- size() ------------------------------------------------------------------------------
def test_size_is_the_shape_as_a_tuple_subclass_and_size_dim_an_int():
    x = gradstep.zeros(2, 3, 4)
    s = x.size()
    assert isinstance(s, tuple) and isinstance(s, gradstep.Size)
    assert s == (2, 3, 4) and s == x.shape
    assert repr(s) == "gradstep.Size([2, 3, 4])"
    assert s.numel() == 24 and x.numel() == 24
    assert isinstance(s[1:], gradstep.Size) and s[1:] == (3, 4)
    assert x.size(0) == 2 and x.size(2) == 4
    assert x.size(-1) == 4 and x.size(-3) == 2
    assert type(x.size(1)) is int


@pytest.mark.parametrize("dim", [3, -4, 10])
def test_size_out_of_range_is_an_index_error(dim):
    with pytest.raises(IndexError, match=r"out of range.*\[-3, 2\]"):
        gradstep.zeros(2, 3, 4).size(dim)


def test_size_of_a_0d_tensor():
    x = gradstep.tensor(1.0)
    assert x.size() == () and x.numel() == 1
    with pytest.raises(IndexError, match="0-d tensor"):
        x.size(0)


def test_size_dim_must_be_an_int():
    with pytest.raises(gradstep.ArgumentError, match="dim must be an int"):
        gradstep.zeros(2).size(0.5)


def test_numel_is_the_element_count():
    assert gradstep.zeros(0, 3).numel() == 0
    assert gradstep.numel(gradstep.ones(5, 2)) == 10


# ----- views share memory ------------------------------------------------------------------
def test_view_shares_memory_both_ways():
    x = gradstep.arange(6.0)
    v = x.view(2, 3)
    v[1, 2] = 10.0  # through the view into the base
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 10.0]
    x[0] = -1.0  # and back
    assert v.tolist() == [[-1.0, 1.0, 2.0], [3.0, 4.0, 10.0]]
    assert v._base is x and v._is_view() and not x._is_view()
    assert x.view(-1, 2).shape == (3, 2)


def test_view_of_a_view_has_the_original_base():
    x = gradstep.zeros(2, 3)
    assert x.view(6).view(3, 2)._base is x
    assert x.t()[0]._base is x


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x.t(),
        lambda x: x.T,
        lambda x: x.permute(1, 0),
        lambda x: x.transpose(1, 0),
        lambda x: x.unsqueeze(0),
        lambda x: x.unsqueeze(0).squeeze(0),
        lambda x: x[1],
        lambda x: x[:, 1:],
        lambda x: x[..., None],
        lambda x: x.reshape(3, 2),
        lambda x: x.flatten(),
    ],
    ids=["t", "T", "permute", "transpose", "unsqueeze", "squeeze", "int index", "slice", "None index", "reshape", "flatten"],
)
def test_view_ops_share_memory_with_the_base(make):
    x = gradstep.zeros(2, 3)
    v = make(x)
    assert v._base is x and np.shares_memory(v.data, x.data)
    with gradstep.no_grad():
        v.fill_(5.0)
    assert float(x.data.sum()) == 5.0 * v.numel()


def test_reshape_copies_when_it_must_and_view_refuses():
    x = gradstep.arange(6.0).view(2, 3)
    flat = x.t().reshape(6)  # a transpose cannot be flattened in place: reshape copies (as PyTorch)
    assert flat.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert flat._base is None and not np.shares_memory(flat.data, x.data)
    with pytest.raises(ShapeError, match=r"cannot be viewed as \(6,\) without a copy.*reshape"):
        x.t().view(6)
    with pytest.raises(ShapeError, match="cannot reshape"):
        x.view(4)
    with pytest.raises(ShapeError, match="view\\(dtype\\)"):
        x.view(np.float64)


def test_advanced_indexing_copies_as_in_pytorch():
    x = gradstep.arange(4.0)
    picked = x[np.array([0, 2])]
    assert picked._base is None
    picked[0] = 9.0
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]


# ----- versions ----------------------------------------------------------------------------
def test_an_in_place_change_through_a_view_bumps_the_base_version():
    x = gradstep.zeros(4)
    v = x[1:3]
    before = x._version
    v.add_(1.0)
    assert x._version == before + 1 and v._version == 1
    assert x.tolist() == [0.0, 1.0, 1.0, 0.0]


def test_backward_refuses_a_saved_output_changed_through_a_view():
    w = gradstep.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = w.exp()  # exp saves its output for the backward
    with gradstep.no_grad():
        y.view(3)[0:2].mul_(2.0)
    with pytest.raises(InplaceError, match="'exp'.*overwritten in place by 'mul_'"):
        y.sum().backward()


def test_backward_refuses_a_saved_input_changed_through_a_view_of_it():
    x = gradstep.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = gradstep.tensor([[1.0, 0.0], [0.0, 1.0]], requires_grad=True)
    y = (x @ w).sum()  # matmul saves x
    x.t()[0, 1] = 7.0
    with pytest.raises(InplaceError, match="input 0 of op 'matmul'.*overwritten in place"):
        y.backward()


def test_custom_function_saved_tensor_changed_through_a_view_is_caught():
    class Square(gradstep.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    base = gradstep.tensor([1.0, 2.0, 3.0])
    x = base.detach().requires_grad_()  # same memory as base, another Tensor
    y = Square.apply(x)
    base[1:].mul_(10.0)
    with pytest.raises(InplaceError, match="saved tensor 0.*changed in place"):
        y.sum().backward()


def test_a_parameter_updated_by_the_optimizer_is_caught_by_a_later_backward():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    opt = gradstep.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    y = (w * w).sum()  # saves w
    opt.step()  # changes w in place
    with pytest.raises(InplaceError, match="overwritten in place by 'SGD.step'"):
        y.backward()


# ----- autograd through views --------------------------------------------------------------
def test_gradients_flow_through_views():
    x = gradstep.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    # L = sum_ij 2 x^T_ij * c_ij with c = [[1, 2], [3, 4], [5, 6]]  ->  dL/dx = 2 c^T
    c = gradstep.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    (x.t() * c * 2).sum().backward()
    assert x.grad.tolist() == [[2.0, 6.0, 10.0], [4.0, 8.0, 12.0]]
    x.grad = None
    (x.view(6)[1:4] * 3).sum().backward()  # elements 1, 2, 3 of the flat view
    assert x.grad.tolist() == [[0.0, 3.0, 3.0], [3.0, 0.0, 0.0]]


def test_gradcheck_view_and_permute():
    rng = np.random.default_rng(0)
    assert gradstep.gradcheck(lambda x: (x.view(3, 4) ** 2).sum(axis=0), [rng.normal(size=(2, 6))])
    assert gradstep.gradcheck(lambda x: x.permute(2, 0, 1).unsqueeze(1) * 1.5, [rng.normal(size=(2, 3, 4))])


def test_recorded_in_place_change_of_a_view_is_a_clear_error():
    x = gradstep.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    h = x * 2
    row = h.view(2, 2)[0]
    for change in (lambda v: v.mul_(2.0), lambda v: v.__iadd__(1.0), lambda v: v.zero_(), lambda v: v.__setitem__(0, 5.0)):
        with pytest.raises(InplaceError, match="is a view of another tensor.*base"):
            change(row)
    assert h.tolist() == [2.0, 4.0, 6.0, 8.0]  # nothing changed


def test_in_place_change_of_a_view_under_no_grad_changes_the_base():
    w = gradstep.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with gradstep.no_grad():
        w[0].mul_(0.5)  # PyTorch: allowed, and w sees it
        w.t()[1, 1] = -4.0
    assert w.tolist() == [[0.5, 1.0], [3.0, -4.0]]
    (w * w).sum().backward()
    assert w.grad.tolist() == [[1.0, 2.0], [6.0, -8.0]]


def test_in_place_change_of_a_base_through_setitem_still_records():
    x = gradstep.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 3
    h[0] = 0.0  # h is not a view: recorded as index_put
    h.sum().backward()
    assert x.grad.tolist() == [0.0, 3.0, 3.0]


# ----- Linear's memory order (the fast BLAS products) ----------------------------------------
def test_linear_weight_is_out_in_in_fortran_order_and_its_gradient_too():
    layer = gradstep.nn.Linear(4, 3, dtype=np.float64, seed=0)
    w = layer.weight.data
    assert w.shape == (3, 4) and w.flags.f_contiguous
    x = gradstep.tensor(np.arange(8.0).reshape(2, 4))
    layer(x).sum().backward()
    g = layer.weight.grad.data
    # dL/dW = G^T X with G = ones(2, 3): every row is the column sums of X
    assert np.array_equal(g, np.tile([4.0, 6.0, 8.0, 10.0], (3, 1)))
    assert g.flags.f_contiguous  # the optimizer's update is one contiguous pass over both
    layer.weight.grad = None
    layer(x[:1]).sum().backward()  # batch of one: the outer product
    assert np.array_equal(layer.weight.grad.data, np.tile([0.0, 1.0, 2.0, 3.0], (3, 1)))


def test_numerical_differences_of_a_fortran_ordered_array():
    w = np.asfortranarray(np.array([[1.0, 2.0], [3.0, 4.0]]))
    grad = gradstep.numerical.gradient(lambda v: (v * np.array([[1.0, 10.0], [100.0, 1000.0]])).sum(), w)
    assert np.allclose(grad, [[1.0, 10.0], [100.0, 1000.0]])


def test_views_taken_before_a_recorded_in_place_change_of_the_base_keep_the_old_values():
    # the difference listed in docs/pytorch.md: the base gets a new array; a backward through the old view refuses
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    first = h[0]
    h *= 3
    assert h.tolist() == [3.0, 6.0] and first.item() == 1.0
    with pytest.raises(InplaceError, match="changed in place by '\\*='"):
        (first * 2).backward()
    h.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
