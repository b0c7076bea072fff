"""Layers and activation modules: shapes, init, gradchecks, BatchNorm statistics, Dropout statistics."""

import math

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.nn import functional as F
from gradstep.nn.errors import ArgumentError

from .helpers import gradcheck_module


def x64(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


# ----- Linear ----------------------------------------------------------------------------
def test_linear_shapes_dtype_and_default_init_bounds():
    layer = nn.Linear(100, 30, seed=0)
    assert layer.weight.shape == (30, 100) and layer.bias.shape == (30,)  # PyTorch's (out, in)
    assert layer.weight.dtype == np.float32
    bound = 1 / math.sqrt(100)  # PyTorch: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.bias.data).max() <= bound
    assert layer.weight.data.var() == pytest.approx(bound**2 / 3, rel=0.1)
    assert nn.Linear(3, 2, dtype=np.float64).weight.dtype == np.float64
    assert nn.Linear(3, 2, bias=False).bias is None


def test_linear_computes_x_w_transposed_plus_b():
    layer = nn.Linear(3, 2)
    layer.weight.data[...] = [[1, 3, 5], [2, 4, 6]]  # row j: the weights of output j
    layer.bias.data[...] = [10, 20]
    out = layer(gradstep.tensor([[1.0, 0.0, -1.0]]))
    assert out.data.tolist() == [[1 - 5 + 10, 2 - 6 + 20]]


def test_linear_named_init_zero_bias_seeding_and_callable():
    a, b = nn.Linear(50, 40, init="he_normal", seed=3), nn.Linear(50, 40, init="he_normal", seed=3)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert not a.bias.data.any()
    assert a.weight.data.var() == pytest.approx(2 / 50, rel=0.1)
    c = nn.Linear(2, 2, init=lambda t, seed=None: nn.init.constant(t, 0.5))
    assert c.weight.data.tolist() == [[0.5, 0.5], [0.5, 0.5]]


def test_linear_seed_none_follows_manual_seed():
    gradstep.manual_seed(11)
    a = nn.Linear(4, 4).weight.data.copy()
    gradstep.manual_seed(11)
    np.testing.assert_array_equal(nn.Linear(4, 4).weight.data, a)


def test_linear_errors():
    with pytest.raises(ArgumentError, match="Linear: in_features must be a positive integer, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(ArgumentError, match="Linear: out_features must be a positive integer, got 2.5"):
        nn.Linear(3, 2.5)
    with pytest.raises(ArgumentError, match="init.get: unknown initialiser 'glorot'"):
        nn.Linear(3, 2, init="glorot")
    with pytest.raises(gradstep.ShapeError, match=r"linear: cannot multiply \(2, 5\) by the transpose of weight \(2, 3\)"):
        nn.Linear(3, 2)(gradstep.ones(2, 5))


# ----- gradchecks of every layer ---------------------------------------------------------
def test_gradcheck_linear_with_and_without_bias():
    assert gradcheck_module(nn.Linear(3, 2, dtype=np.float64, seed=0), x64(4, 3))
    assert gradcheck_module(nn.Linear(3, 2, bias=False, dtype=np.float64, seed=0), x64(4, 3))


def test_gradcheck_sequential_mlp():
    model = nn.Sequential(
        nn.Linear(3, 5, dtype=np.float64, seed=0), nn.Tanh(), nn.Linear(5, 4, dtype=np.float64, seed=1), nn.Softplus(),
        nn.Linear(4, 2, dtype=np.float64, seed=2), nn.LogSoftmax(dim=1),
    )  # fmt: skip
    assert gradcheck_module(model, x64(6, 3))


def test_gradcheck_batchnorm_training_and_eval():
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    bn.weight.data[...] = [1.5, -0.5, 2.0]
    bn.bias.data[...] = [0.1, 0.2, 0.3]
    assert gradcheck_module(bn, x64(5, 3))
    assert gradcheck_module(bn, x64(4, 3, 2))  # (N, C, L)
    bn.eval()
    assert gradcheck_module(bn, x64(5, 3))
    assert gradcheck_module(nn.BatchNorm1d(3, affine=False, dtype=np.float64), x64(5, 3))


def test_gradcheck_dropout_with_a_fixed_mask():
    assert gradstep.gradcheck(lambda x: F.dropout(x, 0.3, seed=5), [x64(4, 5)])


def test_gradcheck_flatten():
    assert gradcheck_module(nn.Flatten(), x64(2, 3, 4))


@pytest.mark.parametrize(
    "module",
    [nn.Sigmoid(), nn.Tanh(), nn.ReLU(), nn.LeakyReLU(0.2), nn.ELU(0.7), nn.Softplus(), nn.Softmax(dim=0),
     nn.Softmax(dim=1), nn.LogSoftmax(dim=1), nn.Identity()],
    ids=lambda m: repr(m),
)  # fmt: skip
def test_gradcheck_activation_modules(module):
    x = x64(3, 4)
    x = np.where(np.abs(x) < 0.1, x + 0.3, x)  # keep away from the kinks at 0
    assert gradcheck_module(module, x)


def test_activation_known_values():
    z = gradstep.tensor([-1.0, 0.0, 2.0], dtype=np.float64)
    np.testing.assert_allclose(nn.Sigmoid()(z).data, 1 / (1 + np.exp([1.0, 0.0, -2.0])))
    np.testing.assert_allclose(nn.LeakyReLU(0.1)(z).data, [-0.1, 0.0, 2.0])
    np.testing.assert_allclose(nn.ELU(2.0)(z).data, [2 * (math.exp(-1) - 1), 0.0, 2.0])
    np.testing.assert_allclose(nn.Softplus()(z).data, np.log1p(np.exp([-1.0, 0.0, 2.0])))
    e = np.exp([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(nn.Softmax()(z).data, e / e.sum())
    np.testing.assert_allclose(nn.LogSoftmax()(z).data, np.log(e / e.sum()))


# ----- BatchNorm -------------------------------------------------------------------------
def test_batchnorm_training_output_has_mean_0_variance_1_per_feature():
    x = gradstep.tensor(np.random.default_rng(0).normal([5.0, -3.0, 0.0], [2.0, 0.1, 10.0], (64, 3)).astype(np.float32))
    y = nn.BatchNorm1d(3)(x).data
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-5)
    # var(x_hat) = var / (var + eps)
    expected = x.data.var(axis=0) / (x.data.var(axis=0) + 1e-5)
    np.testing.assert_allclose(y.var(axis=0), expected, rtol=1e-4)


def test_batchnorm_running_statistics_and_eval():
    x = np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 20.0]], np.float32)
    bn = nn.BatchNorm1d(2, momentum=0.5)
    bn(gradstep.tensor(x))
    mean, unbiased = x.mean(axis=0), x.var(axis=0, ddof=1)
    np.testing.assert_allclose(bn.running_mean, 0.5 * 0 + 0.5 * mean, rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, 0.5 * 1 + 0.5 * unbiased, rtol=1e-6)
    bn.weight.data[...] = [2.0, 1.0]
    bn.bias.data[...] = [0.5, 0.0]
    bn.eval()
    before = bn.running_mean.copy()
    out = bn(gradstep.tensor([[1.0, 1.0]])).data
    expected = 2.0 * (1.0 - bn.running_mean[0]) / math.sqrt(bn.running_var[0] + 1e-5) + 0.5
    assert out[0, 0] == pytest.approx(expected, rel=1e-6)
    assert out[0, 1] == pytest.approx((1.0 - bn.running_mean[1]) / math.sqrt(bn.running_var[1] + 1e-5), rel=1e-6)
    np.testing.assert_array_equal(bn.running_mean, before)  # eval leaves the statistics alone
    assert out.dtype == np.float32


def test_batchnorm_errors():
    with pytest.raises(ArgumentError, match="BatchNorm1d: num_features must be a positive integer, got 0"):
        nn.BatchNorm1d(0)
    with pytest.raises(ArgumentError, match="BatchNorm1d: momentum must be in \\[0, 1\\], got 2"):
        nn.BatchNorm1d(3, momentum=2)
    with pytest.raises(gradstep.ShapeError, match=r"batch_norm: running_mean has shape \(3,\), expected \(4,\) for input of shape \(2, 4\)"):
        nn.BatchNorm1d(3)(gradstep.ones(2, 4))
    with pytest.raises(gradstep.ShapeError, match="batch_norm: training needs more than one value per feature"):
        nn.BatchNorm1d(3)(gradstep.ones(1, 3))
    with pytest.raises(gradstep.ShapeError, match=r"batch_norm: expected input of shape \(N, C\) or \(N, C, L\), got \(3,\)"):
        nn.BatchNorm1d(3)(gradstep.ones(3))
    with pytest.raises(ArgumentError, match="batch_norm: evaluation mode needs running_mean and running_var"):
        F.batch_norm(gradstep.ones(2, 3), None, None, training=False)


# ----- Dropout ---------------------------------------------------------------------------
def test_dropout_is_identity_in_eval():
    x = gradstep.randn(10, 10, seed=0)
    assert nn.Dropout(0.9).eval()(x) is x
    assert F.dropout(x, 0.5, training=False) is x


def test_dropout_kept_fraction_and_expected_activation():
    x = gradstep.ones(200, 500)
    p = 0.3
    y = nn.Dropout(p, seed=0)(x).data
    kept = y != 0
    # 100 000 draws: the kept fraction's standard deviation is sqrt(0.7 * 0.3 / 1e5) ~ 0.0015
    assert kept.mean() == pytest.approx(1 - p, abs=0.006)
    np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-6)  # inverted dropout scales survivors
    assert y.mean() == pytest.approx(1.0, abs=0.01)  # E[y] = x
    assert y.dtype == np.float32


def test_dropout_seeding():
    x = gradstep.ones(50)
    a, b = nn.Dropout(0.5, seed=4), nn.Dropout(0.5, seed=4)
    first = a(x).data
    np.testing.assert_array_equal(first, b(x).data)  # same seed, same mask
    assert not np.array_equal(first, a(x).data)  # the next call draws a new mask
    gradstep.manual_seed(2)
    c = nn.Dropout(0.5)(x).data
    gradstep.manual_seed(2)
    np.testing.assert_array_equal(c, nn.Dropout(0.5)(x).data)


def test_dropout_gradient_is_the_mask():
    x = gradstep.ones(20, requires_grad=True)
    y = F.dropout(x, 0.25, seed=1)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, y.data)  # dy/dx = m and x = 1


def test_dropout_edge_probabilities_and_errors():
    x = gradstep.randn(5, seed=0)
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).data.any()
    with pytest.raises(ArgumentError, match=r"Dropout: p is the probability of dropping an element and must be in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ArgumentError, match=r"dropout: p is the probability .* got -0.1"):
        F.dropout(x, -0.1)


# ----- containers ------------------------------------------------------------------------
def test_sequential_indexing_slicing_len_append_iteration():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert model[0] is layers[0] and model[-1] is layers[2]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is layers[0]
    assert list(model) == layers
    model.append(nn.Sigmoid())
    assert len(model) == 4 and model(gradstep.ones(2, 2)).shape == (2, 1)
    assert len(nn.Sequential(layers)) == 3  # a list works too


def _layer_by_layer(model, x):
    for layer in model:
        x = layer(x)
    return x


@pytest.mark.parametrize("batch", [1, 7])
def test_sequential_fuses_linear_relu_with_identical_values_and_gradients(batch):
    # float32, as trained: the fused node must give the bits of Linear then ReLU, forward and backward
    model = nn.Sequential(nn.Linear(6, 5, seed=0), nn.ReLU(), nn.Linear(5, 4, seed=1), nn.ReLU(), nn.Linear(4, 3, seed=2))
    x = np.random.default_rng(3).standard_normal((batch, 6)).astype(np.float32)
    x[0, :] = 0.0  # a zero row: the first layer's units sit at relu's kink unless the bias moves them
    model[0].bias.data[:2] = 0.0  # two units exactly at the kink, where relu' = 0
    results = []
    for forward in (model, lambda t: _layer_by_layer(model, t)):
        model.zero_grad()
        inp = gradstep.Tensor(x.copy(), requires_grad=True)
        out = forward(inp)
        (out * out).sum().backward()
        results.append([out.data, inp.grad] + [p.grad for p in model.parameters()])
    assert [r.dtype for r in results[0]] == [np.float32] * len(results[0])
    for fused, plain in zip(*results):
        assert np.array_equal(fused, plain)


def test_sequential_fused_graph_has_one_node_per_linear_relu_pair():
    model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 2), nn.ReLU())
    out = model(gradstep.ones(2, 3, requires_grad=True))
    names = [ctx.fn.name for ctx in gradstep.engine.topological_order(out._ctx)]
    assert names == ["linear_relu", "tanh", "linear", "linear_relu"]


def test_sequential_does_not_fuse_subclasses_or_replaced_forwards():
    class Shifted(nn.ReLU):
        def forward(self, x):
            return super().forward(x) + 1.0

    model = nn.Sequential(nn.Linear(2, 2, init="ones"), Shifted())
    assert model(gradstep.tensor([[1.0, -3.0]])).tolist() == [[1.0, 1.0]]  # relu(-2) + 1 twice
    plain = nn.Sequential(nn.Linear(2, 2, init="ones"), nn.ReLU())
    plain[1].forward = lambda x: x * 2.0  # an instance forward (as summary() installs) is honoured
    assert plain(gradstep.tensor([[1.0, -3.0]])).tolist() == [[-4.0, -4.0]]


def test_sequential_and_modulelist_reject_non_modules():
    with pytest.raises(ArgumentError, match="Sequential: layers must be Modules, got function at position 1"):
        nn.Sequential(nn.ReLU(), lambda x: x)
    with pytest.raises(ArgumentError, match="ModuleList: items must be Modules, got int"):
        nn.ModuleList([3])


def test_modulelist():
    blocks = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)]).append(nn.Linear(2, 1))
    assert [n for n, _ in blocks.named_parameters()][-2:] == ["2.weight", "2.bias"]
    assert len(blocks[1:]) == 2 and len(list(blocks)) == 3


def test_flatten():
    assert nn.Flatten()(gradstep.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0)(gradstep.zeros(2, 3, 4)).shape == (24,)
