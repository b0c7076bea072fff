"""Module and Parameter: discovery, names, modes, gradients, state dicts, repr and summary."""

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.nn.errors import StateDictError


class Net(nn.Module):
    """Parameters and modules held directly, in a list, in a dict and in a tuple."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(3, np.float32))
        self.layers = [nn.Linear(3, 4, seed=0), nn.Linear(4, 2, seed=1)]
        self.heads = {"a": nn.Linear(2, 1, seed=2)}
        self.extras = (nn.Parameter(np.zeros(2, np.float32)), nn.ReLU())
        self.note = "not a member"

    def forward(self, x):
        h = x * self.scale
        for layer in self.layers:
            h = layer(h).relu()
        return self.heads["a"](h + self.extras[0])


# ----- Parameter ----------------------------------------------------------------------
def test_parameter_is_a_floating_tensor_that_requires_grad():
    p = nn.Parameter([1, 2, 3])
    assert isinstance(p, gradstep.Tensor)
    assert p.requires_grad and p.dtype == np.float32
    assert not nn.Parameter(np.zeros(2), requires_grad=False).requires_grad


def test_parameter_wraps_a_floating_array_without_copy():
    array = np.zeros(3, np.float64)
    p = nn.Parameter(array)
    assert p.data is array and p.dtype == np.float64
    assert nn.Parameter(gradstep.tensor([1.0])).data.dtype == np.float32


def test_parameter_has_no_instance_dict():
    p = nn.Parameter([1.0])
    with pytest.raises(AttributeError):
        p.anything = 1


def test_parameter_repr_and_bad_dtype():
    assert repr(nn.Parameter([1.0])).startswith("Parameter containing:\ntensor([1.]")
    with pytest.raises(gradstep.DTypeError, match="Parameter: expected numbers, got dtype <U1"):
        nn.Parameter(np.array(["a"]))


# ----- discovery ----------------------------------------------------------------------
def test_named_parameters_finds_attributes_lists_dicts_and_tuples_in_order():
    names = [name for name, _ in Net().named_parameters()]
    assert names == [
        "scale", "extras.0",
        "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
        "heads.a.weight", "heads.a.bias",
    ]  # fmt: skip


def test_sequential_names_and_children_and_modules():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 3), nn.Tanh()))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.0.weight", "2.0.bias"]
    assert [type(c).__name__ for c in model.children()] == ["Linear", "ReLU", "Sequential"]
    assert [n for n, _ in model.named_modules()] == ["", "0", "1", "2", "2.0", "2.1"]
    assert len(list(model.modules())) == 6


def test_shared_parameters_and_modules_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(model.modules())) == 3


def test_a_module_that_refers_to_its_parent_does_not_loop():
    outer = nn.Sequential(nn.Linear(2, 2))
    outer[0].parent = outer
    assert len(list(outer.modules())) == 2


def test_parameters_non_recursive():
    net = Net()
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale", "extras.0"]


def test_forgetting_super_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter([1.0])

    with pytest.raises(AttributeError, match=r"Broken: call super\(\).__init__\(\)"):
        list(Broken().named_buffers())


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Module: subclasses of Module must define forward"):
        nn.Module()(1)


# ----- modes and gradients ------------------------------------------------------------
def test_train_and_eval_reach_every_submodule():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5)))
    assert model.training and model[1][0].training
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_to_none_and_to_zero_in_place():
    net = Net()
    net(gradstep.ones(5, 3)).sum().backward()
    grads = [p.grad for p in net.parameters()]
    assert all(g is not None for g in grads)
    net.zero_grad(set_to_none=False)
    assert all(p.grad is g and not g.data.any() for p, g in zip(net.parameters(), grads))
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_requires_grad_freezes_all_parameters():
    layer = nn.Linear(2, 2).requires_grad_(False)
    assert not any(p.requires_grad for p in layer.parameters())


# ----- buffers and state dicts --------------------------------------------------------
def test_buffers_are_attributes_and_in_the_state_dict():
    bn = nn.BatchNorm1d(3)
    assert bn.running_mean is dict(bn.named_buffers())["running_mean"]
    bn.running_mean = np.full(3, 2.0, np.float32)  # assignment replaces the buffer
    assert bn.state_dict()["running_mean"].tolist() == [2.0, 2.0, 2.0]
    model = nn.Sequential(nn.Linear(3, 3), bn)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"]


def test_register_buffer_errors():
    m = nn.Module()
    m.w = 1
    with pytest.raises(StateDictError, match="register_buffer: Module already has an attribute 'w'"):
        m.register_buffer("w", np.zeros(1))
    with pytest.raises(StateDictError, match="register_buffer: buffer name must be a non-empty string without dots, got 'a.b'"):
        m.register_buffer("a.b", np.zeros(1))


def test_register_buffer_before_super_init_is_a_clear_error():
    class Early(nn.Module):
        def __init__(self):
            self.register_buffer("count", np.zeros(1))
            super().__init__()

    with pytest.raises(StateDictError, match=r"^Early.register_buffer: call super\(\).__init__\(\) first$"):
        Early()


def test_state_dict_holds_copies():
    layer = nn.Linear(2, 2)
    state = layer.state_dict()
    state["weight"][...] = 100
    assert not (layer.weight.data == 100).any()


def test_state_dict_round_trip_gives_identical_outputs():
    def make(seed):
        return nn.Sequential(nn.Linear(4, 8, seed=seed), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2, seed=seed + 1))

    source, target = make(0), make(10)
    x = gradstep.randn(16, 4, seed=3)
    source(x)  # a training step moves the running statistics
    source.eval(), target.eval()
    weight_array = target[0].weight.data
    assert target.load_state_dict(source.state_dict()) == ([], [])
    assert target[0].weight.data is weight_array  # loaded in place: optimizers keep working
    np.testing.assert_array_equal(target(x).data, source(x).data)


def test_load_state_dict_missing_and_unexpected_names():
    layer = nn.Linear(2, 2)
    state = layer.state_dict()
    del state["bias"]
    state["extra"] = np.zeros(1)
    with pytest.raises(StateDictError, match=r"load_state_dict: names do not match Linear: missing \['bias'\]; unexpected \['extra'\]"):
        layer.load_state_dict(state)
    before = layer.bias.data.copy()
    assert layer.load_state_dict(state, strict=False) == (["bias"], ["extra"])
    np.testing.assert_array_equal(layer.bias.data, before)
    np.testing.assert_array_equal(layer.weight.data, state["weight"])


def test_load_state_dict_shape_mismatch_names_the_entry_and_both_shapes_and_changes_nothing():
    layer = nn.Linear(2, 3)
    state = {"weight": np.ones((3, 2)), "bias": np.ones(4)}
    before = layer.weight.data.copy()
    with pytest.raises(gradstep.ShapeError, match=r"shape mismatch for 'bias': the module has shape \(3,\), the state dict has shape \(4,\)"):
        layer.load_state_dict(state)
    np.testing.assert_array_equal(layer.weight.data, before)


def test_load_state_dict_casts_to_the_parameter_dtype():
    layer = nn.Linear(2, 2)
    layer.load_state_dict({"weight": np.ones((2, 2), np.float64), "bias": [1, 2]})
    assert layer.weight.dtype == np.float32 and layer.bias.data.tolist() == [1.0, 2.0]


# ----- repr and summary ---------------------------------------------------------------
def test_repr_is_nested_and_readable():
    model = nn.Sequential(nn.Linear(4, 3), nn.LeakyReLU(0.2), nn.Sequential(nn.Dropout(0.1)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "  (1): LeakyReLU(negative_slope=0.2)\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.1)\n"
        "  )\n"
        ")"
    )


def test_summary_counts_and_shapes():
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 2, bias=False))
    model[1].requires_grad_(False)
    text = model.summary(input_shape=(3, 4))
    # 12*5+5 = 65 frozen, 5+5 (BatchNorm affine) + 5*2 = 20 trainable, 10 buffer values
    rows = [line.split() for line in text.splitlines()]
    assert ["0", "(Flatten)", "(None,", "12)", "0"] in rows
    assert ["2", "(BatchNorm1d)", "(None,", "5)", "10"] in rows
    assert ["4", "(Linear)", "(None,", "2)", "10"] in rows
    assert "Total params: 85" in text and "Trainable params: 20" in text and "Non-trainable params: 65" in text
    assert "Buffers (running statistics, not trained): 10" in text
    assert model.training and model[2].running_mean.tolist() == [0.0] * 5  # summary ran in eval, left no trace
    assert "forward" not in model[1].__dict__


def test_summary_without_shapes_and_of_a_custom_module():
    text = Net().summary()
    assert "Output Shape" not in text.splitlines()[2]
    assert "(model) (Net)" in text  # the root holds parameters of its own
    assert "layers.1 (Linear)" in text
    # 3 + 2 + (12 + 4) + (8 + 2) + (2 + 1)
    assert "Total params: 34" in text


def test_summary_with_a_wrong_input_shape_names_it():
    with pytest.raises(gradstep.ShapeError, match=r"summary: running Sequential on an input of shape \(batch,\) \+ \(5,\) failed: linear: cannot multiply"):
        nn.Sequential(nn.Linear(4, 2)).summary(input_shape=(5,))
