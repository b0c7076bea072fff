"""PyTorch's device idioms on a CPU-only library: gradstep.device, .to / .cpu / .cuda on tensors and modules,
gradstep.cuda / gradstep.accelerator, set_default_device, gradstep.utils.data, load(map_location, weights_only)."""

import io
import math

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.errors import ArgumentError, DeviceError, DTypeError

CPU_MESSAGE = r"gradstep runs on the CPU \(NumPy\); use device=\"cpu\" or leave it out"


# ----- gradstep.device -------------------------------------------------------------------------


def test_device_objects_behave_like_torch_devices():
    cpu = gradstep.device("cpu")
    assert (cpu.type, cpu.index, str(cpu), repr(cpu)) == ("cpu", None, "cpu", "device(type='cpu')")
    assert gradstep.device("cpu:0") == gradstep.device("cpu", 0) != cpu
    assert str(gradstep.device("cuda", 1)) == "cuda:1" and repr(gradstep.device("cuda:1")) == "device(type='cuda', index=1)"
    assert gradstep.device(cpu) == cpu and len({cpu, gradstep.device("cpu")}) == 1
    assert gradstep.zeros(2).device == cpu and gradstep.get_default_device() == cpu


@pytest.mark.parametrize("bad", ["gpu", "cuda:x", "cpu:-1", 3])
def test_a_malformed_device_is_an_argument_error(bad):
    with pytest.raises(ArgumentError, match=r"^device: "):
        gradstep.device(bad)


@pytest.mark.parametrize("args", [("cpu", -1), ("cpu", True), ("cpu:0", 1), ("cuda", "0")])
def test_a_bad_device_index_is_an_argument_error(args):
    with pytest.raises(ArgumentError, match=r"^device: (the index must be a non-negative int|invalid device string)"):
        gradstep.device(*args)


def test_a_device_object_is_accepted_wherever_a_device_string_is():
    cpu = gradstep.device("cpu")
    x = gradstep.ones(2, device=cpu)
    assert x.to(cpu) is x and x.to(device=cpu) is x and x.cpu() is x
    assert gradstep.tensor([1.0], device=cpu).device == cpu
    gradstep.set_default_device(cpu)
    gradstep.set_default_device("cpu")


@pytest.mark.parametrize("where", ["cuda", "cuda:0", "mps"])
def test_another_device_is_a_clear_error_everywhere(where):
    named = gradstep.device(where)  # naming it is fine, as in PyTorch; using it is not
    for use in (
        lambda: gradstep.zeros(2, device=named),
        lambda: gradstep.zeros(2).to(where),
        lambda: gradstep.zeros(2).to(named),
        lambda: nn.Linear(2, 2).to(named),
        lambda: gradstep.set_default_device(where),
        lambda: gradstep.load(io.BytesIO(b""), map_location=where),
    ):
        with pytest.raises(DeviceError, match=rf"device '{where}' is not available: {CPU_MESSAGE}"):
            use()
    with pytest.raises(DeviceError, match=r"^cuda: device 'cuda'"):
        gradstep.zeros(1).cuda()
    with pytest.raises(DeviceError, match=r"^Module.to: device 'cuda'"):
        nn.Linear(2, 2).cuda()


def test_no_cuda_and_no_accelerator_so_the_usual_idioms_pick_the_cpu():
    assert gradstep.cuda.is_available() is False and gradstep.cuda.device_count() == 0
    gradstep.cuda.manual_seed(0), gradstep.cuda.manual_seed_all(0)  # nothing to seed, accepted as in PyTorch
    assert gradstep.accelerator.is_available() is False and gradstep.accelerator.current_accelerator() is None
    assert gradstep.accelerator.device_count() == 0
    device = "cuda" if gradstep.cuda.is_available() else "cpu"
    assert gradstep.zeros(1, device=device).device == gradstep.device(device)


# ----- Tensor.to / type ------------------------------------------------------------------------


def test_tensor_type_casts_or_names_the_type_as_pytorch_does():
    x = gradstep.tensor([True, False, True])
    assert x.type() == "gradstep.BoolTensor"
    as_float = x.type(gradstep.float)
    assert as_float.dtype == np.float32 and as_float.type() == "gradstep.FloatTensor" and as_float.sum().item() == 2.0
    assert gradstep.tensor([1, 2]).type() == "gradstep.LongTensor" and gradstep.zeros(1).double().type() == "gradstep.DoubleTensor"


def test_to_with_a_device_and_a_dtype_and_a_bad_argument():
    x = gradstep.tensor([1.5, 2.5], requires_grad=True)
    y = x.to("cpu", gradstep.float64)
    assert y.dtype == np.float64 and y.data.tolist() == [1.5, 2.5]
    y.sum().backward()  # the cast is differentiable
    assert x.grad.tolist() == [1.0, 1.0] and x.grad.dtype == np.float32
    assert x.to(gradstep.zeros(1, dtype=gradstep.float64)).dtype == np.float64
    with pytest.raises(DTypeError, match=r"^to: expected a device or a dtype, got <object"):
        x.to(object())
    with pytest.raises(ArgumentError, match=r"^to: unexpected arguments \['stream'\]"):
        x.to("cpu", stream=1)


# ----- Module.to / cpu / float / double --------------------------------------------------------


def test_module_to_a_dtype_casts_parameters_and_buffers_keeping_the_objects():
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2, seed=1))
    params = list(model.parameters())
    before = [p.data.copy() for p in params]
    optimizer = gradstep.optim.SGD(model.parameters(), lr=0.1)  # built before the cast, as the PyTorch docs allow
    assert model.to("cpu") is model and model.cpu() is model
    assert model.to(gradstep.float64) is model
    assert [p is q for p, q in zip(model.parameters(), params)] == [True] * len(params)
    assert all(p.dtype == np.float64 for p in params)
    assert all(np.array_equal(p.data, b) for p, b in zip(params, before))  # float32 -> float64 is exact
    assert model[1].running_mean.dtype == np.float64 and model[1].running_var.dtype == np.float64
    x = gradstep.tensor(np.random.default_rng(0).normal(size=(8, 3)), dtype=gradstep.float64)
    loss = model(x).pow(2).mean()
    loss.backward()
    optimizer.step()  # the optimizer still holds the parameters and updates them in float64
    assert all(p.dtype == np.float64 for p in params) and not np.array_equal(params[0].data, before[0])
    assert model.float() is model and all(p.dtype == np.float32 for p in params)
    assert model.double()[0].weight.dtype == np.float64


def test_module_to_an_integer_dtype_is_refused():
    with pytest.raises(DTypeError, match=r"^Module.to: parameters must stay floating, got dtype int64"):
        nn.Linear(2, 2).to(gradstep.int64)


def test_a_compiled_step_traces_again_after_module_to():
    model = nn.Linear(3, 1, seed=0)
    opt = gradstep.optim.SGD(model.parameters(), lr=0.1)
    step = gradstep.compile(model, nn.MSELoss(), opt)
    x32, y32 = gradstep.ones(4, 3), gradstep.zeros(4, 1)
    step(x32, y32)
    model.double()
    x64, y64 = x32.double(), y32.double()
    eager = nn.Linear(3, 1, seed=0).double()
    eager.load_state_dict(model.state_dict())
    expected = nn.MSELoss()(eager(x64), y64).item()
    assert step(x64, y64) == pytest.approx(expected, rel=1e-12)
    assert model.weight.dtype == np.float64


# ----- gradstep.utils.data, load(map_location, weights_only) -----------------------------------


def test_torch_utils_data_path_gives_gradsteps_own_classes():
    from gradstep.utils.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split

    assert (DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split) == (
        gradstep.data.DataLoader, gradstep.data.Dataset, gradstep.data.Subset, gradstep.data.TensorDataset,
        gradstep.data.default_collate, gradstep.data.random_split,
    )  # fmt: skip


def test_load_accepts_pytorchs_map_location_and_weights_only():
    pytest.importorskip("safetensors")
    model = nn.Linear(2, 2, seed=0)
    buffer = io.BytesIO()
    gradstep.save(model.state_dict(), buffer)
    for kwargs in ({"weights_only": True}, {"map_location": "cpu"}, {"map_location": gradstep.device("cpu")},
                   {"map_location": {"cuda:0": "cpu"}}, {"weights_only": False}):  # fmt: skip
        state = gradstep.load(io.BytesIO(buffer.getvalue()), **kwargs)
        assert np.array_equal(state["weight"], model.weight.data)


# ----- the PyTorch tutorial that names torch.device("cpu") --------------------------------------


def test_the_pytorch_tutorial_legendre_custom_function_runs_renamed_and_matches_pytorch():
    # "Learning PyTorch with Examples", polynomial_custom_function.py, torch -> gradstep, 2000 iterations
    class LegendrePolynomial3(gradstep.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)  # P3(x) = (5x^3 - 3x) / 2

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)  # P3'(x) = 3 (5x^2 - 1) / 2

    dtype, device = gradstep.float, gradstep.device("cpu")
    x = gradstep.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = gradstep.sin(x)
    a = gradstep.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = gradstep.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = gradstep.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = gradstep.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    for t in range(2000):
        y_pred = a + b * LegendrePolynomial3.apply(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t == 999:
            assert loss.item() == pytest.approx(14.877889, rel=1e-4)  # PyTorch 2.13 CPU prints 14.877889633178711
        loss.backward()
        with gradstep.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad = None
    # PyTorch 2.13 CPU: loss 8.943641662597656 at t = 1999, y = ~0 + -2.2085268 * P3(~0 + 0.2554861 x)
    assert loss.item() == pytest.approx(8.943642, rel=1e-4)
    assert b.item() == pytest.approx(-2.2085268, rel=1e-4) and d.item() == pytest.approx(0.2554861, rel=1e-4)
    assert abs(a.item()) < 1e-6 and abs(c.item()) < 1e-6
