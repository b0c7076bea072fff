"""Everyday PyTorch idioms on tensors: long/int/bool, eq..ge, view_as, empty, eye, randint, add/sub/mul/div
methods, out=, grad_fn, randperm, Sequential(OrderedDict), Module.apply, inference_mode, set_grad_enabled, F.one_hot (what the tutorials and training scripts write)."""

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.data import DataError
from gradstep.errors import ArgumentError, ShapeError
from gradstep.nn import functional as F


def test_integer_and_bool_casts():
    x = gradstep.tensor([-1.5, 0.0, 2.7])
    assert (x > 0).long().dtype == np.int64 and (x > 0).long().tolist() == [0, 0, 1]
    assert x.int().dtype == np.int32 and x.int().tolist() == [-1, 0, 2]  # truncation toward 0, as PyTorch
    assert x.bool().tolist() == [True, False, True]


def test_named_comparisons_equal_the_operators():
    x, y = gradstep.tensor([1, 2, 3]), gradstep.tensor([3, 2, 1])
    for named, op in [(x.eq, np.equal), (x.ne, np.not_equal), (x.lt, np.less), (x.le, np.less_equal),
                      (x.gt, np.greater), (x.ge, np.greater_equal)]:  # fmt: skip
        out = named(y)
        assert out.dtype == np.bool_ and not out.requires_grad
        assert out.tolist() == op(x.data, y.data).tolist()


def test_the_evaluation_loop_idioms_count_the_same_correct_predictions():
    output = gradstep.tensor([[0.1, 2.0, 0.3], [1.0, 0.0, -1.0], [0.0, 0.1, 0.2]], requires_grad=True)
    target = gradstep.tensor([1, 2, 2])
    pred = output.argmax(dim=1, keepdim=True)
    assert pred.shape == (3, 1) and target.view_as(pred).shape == (3, 1)
    assert pred.eq(target.view_as(pred)).sum().item() == 2
    _, predicted = gradstep.max(output.data, 1)
    assert (predicted == target).sum().item() == 2
    assert gradstep.zeros(2, 3).t().reshape_as(gradstep.zeros(6)).shape == (6,)


def test_empty_and_randint():
    e = gradstep.empty(2, 3)
    assert e.shape == (2, 3) and e.dtype == np.float32 and not e.data.any()
    r = gradstep.randint(2, 5, (1000,), seed=0)
    assert r.dtype == np.int64 and set(r.tolist()) == {2, 3, 4}
    assert gradstep.randint(3, (4, 2), seed=0).shape == (4, 2)
    assert set(gradstep.randint(3, size=(200,), seed=0).tolist()) == {0, 1, 2}  # randint(high, size=...)
    assert np.array_equal(gradstep.randint(10, (5,), seed=1).data, gradstep.randint(10, (5,), seed=1).data)
    with pytest.raises(ArgumentError, match=r"^randint: need low < high, got low=5, high=5"):
        gradstep.randint(5, 5, (2,))
    with pytest.raises(ArgumentError, match=r"^randint: expected randint\(low, high, size\)"):
        gradstep.randint(5)


def test_inference_mode_records_nothing_and_inference_mode_false_changes_nothing():
    w = gradstep.tensor([1.0], requires_grad=True)
    with gradstep.inference_mode():
        assert not (w * 2).requires_grad
    with gradstep.inference_mode(False):
        assert (w * 2).requires_grad

    @gradstep.inference_mode()
    def predict(x):
        return x * 2

    assert not predict(w).requires_grad and gradstep.is_grad_enabled()


def test_set_grad_enabled_as_a_call_a_block_and_a_decorator():
    w = gradstep.tensor([1.0], requires_grad=True)
    with gradstep.set_grad_enabled(False):
        assert not (w * 2).requires_grad
    assert gradstep.is_grad_enabled()
    with gradstep.no_grad(), gradstep.set_grad_enabled(True):
        assert (w * 2).requires_grad
    gradstep.set_grad_enabled(False)
    try:
        assert not gradstep.is_grad_enabled()
    finally:
        gradstep.set_grad_enabled(True)

    @gradstep.set_grad_enabled(False)
    def frozen(x):
        return x * 2

    assert gradstep.is_grad_enabled()  # decorating sets nothing
    assert not frozen(w).requires_grad and gradstep.is_grad_enabled()


def test_functional_one_hot_is_int64_along_a_new_last_axis():
    assert F.one_hot(gradstep.tensor([0, 2])).tolist() == [[1, 0, 0], [0, 0, 1]]
    out = F.one_hot(gradstep.tensor([[1], [0]]), num_classes=4)
    assert out.dtype == np.int64 and out.shape == (2, 1, 4) and out.tolist() == [[[0, 1, 0, 0]], [[1, 0, 0, 0]]]
    with pytest.raises(DataError, match=r"one_hot"):
        F.one_hot(gradstep.tensor([0, 3]), num_classes=3)


def test_the_cross_entropy_of_uniform_logits_is_log_k():
    # a check of the functional losses a script calls by name: uniform logits give log(3)
    assert F.cross_entropy(gradstep.zeros(2, 3), gradstep.tensor([0, 1])).item() == pytest.approx(np.log(3))
    assert F.nll_loss(F.log_softmax(gradstep.zeros(2, 3), dim=1), gradstep.tensor([0, 1]), reduction="sum").item() == (
        pytest.approx(2 * np.log(3))
    )
    assert nn.MSELoss()(gradstep.ones(3), gradstep.zeros(3)).item() == 1.0


def test_method_forms_of_the_arithmetic_operators_and_their_gradients():
    x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    y = gradstep.tensor([3.0, 5.0])
    assert x.add(y).tolist() == [4.0, 7.0] and x.add(y, alpha=2).tolist() == [7.0, 12.0]
    assert x.sub(y, alpha=2).tolist() == [-5.0, -8.0] and x.mul(y).tolist() == [3.0, 10.0]
    assert x.div(2).tolist() == [0.5, 1.0]
    x.add(y, alpha=2).mul(y).sum().backward()  # d/dx sum((x + 2y) y) = y
    assert x.grad.tolist() == [3.0, 5.0]


def test_out_writes_into_an_existing_tensor_as_the_pytorch_tensor_tutorial_does():
    t = gradstep.ones(4, 4)
    t[:, 1] = 0
    y3 = gradstep.rand_like(t)
    assert gradstep.matmul(t, t.T, out=y3) is y3
    assert gradstep.equal(y3, t @ t.T)
    z3 = gradstep.zeros(4, 4)
    gradstep.mul(t, t, out=z3)
    assert gradstep.equal(z3, t * t) and z3._version == 1  # an in-place write: its version moves
    with pytest.raises(ShapeError, match=r"^add: the result has shape \(4, 4\), but out= has shape \(2,\)"):
        gradstep.add(t, t, out=gradstep.zeros(2))
    w = gradstep.ones(2, requires_grad=True)
    with pytest.raises(ArgumentError, match=r"^exp: out= records no graph, and an input requires grad"):
        gradstep.exp(w, out=gradstep.zeros(2))
    with gradstep.no_grad():
        assert gradstep.exp(w, out=gradstep.zeros(2)).tolist() == pytest.approx([np.e, np.e])
    with pytest.raises(ArgumentError, match=r"^sin: out= must be a gradstep Tensor, got ndarray"):
        gradstep.sin(t, out=np.zeros((4, 4)))


def test_grad_fn_names_the_node_as_pytorch_does_and_is_none_for_leaves():
    x, w, b = gradstep.ones(5), gradstep.randn(5, 3, requires_grad=True, seed=0), gradstep.zeros(3, requires_grad=True)
    z = gradstep.matmul(x, w) + b
    loss = F.binary_cross_entropy_with_logits(z, gradstep.zeros(3))
    assert repr(z.grad_fn) == "<AddBackward>" and z.grad_fn.fn.name == "add"
    assert loss.grad_fn is not None and repr(loss.grad_fn).endswith("Backward>")
    assert w.grad_fn is None and x.grad_fn is None


def test_eye_and_the_autograd_tutorials_accumulating_gradients():
    inp = gradstep.eye(4, 5, requires_grad=True)
    assert inp.tolist() == np.eye(4, 5).tolist() and gradstep.eye(3).shape == (3, 3)
    out = (inp + 1).pow(2).t()
    out.backward(gradstep.ones_like(out), retain_graph=True)
    expected = 2 * (np.eye(4, 5) + 1)  # d/dx (x + 1)^2 = 2 (x + 1)
    assert inp.grad.tolist() == expected.tolist()
    out.backward(gradstep.ones_like(out), retain_graph=True)
    assert inp.grad.tolist() == (2 * expected).tolist()  # gradients accumulate
    inp.grad.zero_()
    out.backward(gradstep.ones_like(out), retain_graph=True)
    assert inp.grad.tolist() == expected.tolist()


def test_randperm_is_a_seeded_permutation():
    p = gradstep.randperm(50, seed=3)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(50))
    assert p.tolist() == gradstep.randperm(50, seed=3).tolist() != list(range(50))


def test_sequential_of_an_ordered_dict_names_its_layers_as_pytorch_does():
    from collections import OrderedDict

    model = nn.Sequential(OrderedDict([("fc1", nn.Linear(3, 4, seed=0)), ("act", nn.ReLU()), ("fc2", nn.Linear(4, 1, seed=1))]))
    assert model.fc1 is model[0] and model.fc2 is model[2] and isinstance(model.act, nn.ReLU)
    assert list(model.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [name for name, _ in model.named_children()] == ["fc1", "act", "fc2"]
    x = gradstep.ones(2, 3)
    expected = model.fc2(model.fc1(x).relu())
    assert np.array_equal(model(x).data, expected.data)
    tail = model[1:]
    assert [name for name, _ in tail.named_children()] == ["act", "fc2"] and tail.fc2 is model.fc2
    model.append(nn.Sigmoid())
    assert [name for name, _ in model.named_children()][-1] == "3"
    with pytest.raises(ArgumentError, match=r"^Sequential: layer names must be distinct non-empty strings without '.', got 'a.b'"):
        nn.Sequential({"a.b": nn.ReLU()})
    with pytest.raises(ArgumentError, match=r"^Sequential: layers must be Modules, got int at position 0"):
        nn.Sequential({"a": 3})
    with pytest.raises(AttributeError, match=r"'Sequential' object has no attribute 'fc3'"):
        model.fc3


def test_module_apply_visits_every_submodule_children_first():
    seen = []
    model = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Sequential"]  # PyTorch's order

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight, generator=0)
            m.bias.data[...] = 0.01  # .data is the NumPy array (PyTorch code writes m.bias.data.fill_(0.01))

    model.apply(init_weights)
    assert model[0].bias.tolist() == pytest.approx([0.01] * 3) and model[1][1].bias.item() == pytest.approx(0.01)
