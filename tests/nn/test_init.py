"""Initialisers: the variance formula of each, bounds, seeding, fans and errors."""

import math

import numpy as np
import pytest

import gradstep
from gradstep import nn
from gradstep.nn import init
from gradstep.nn.errors import ArgumentError

FAN_IN, FAN_OUT = 400, 250


def filled(fn, **kw):
    # a weight in PyTorch's layout (out_features, in_features), as nn.Linear stores it
    seed = {"generator": 0} if fn.__name__.endswith("_") else {"seed": 0}  # PyTorch's names take generator=
    return fn(gradstep.zeros(FAN_OUT, FAN_IN, dtype=np.float64), **seed, **kw).data


# 100 000 samples: the sample variance is within ~1% of the true one
@pytest.mark.parametrize(
    "fn, kw, variance",
    [
        (init.xavier_uniform, {}, 2 / (FAN_IN + FAN_OUT)),
        (init.xavier_normal, {}, 2 / (FAN_IN + FAN_OUT)),
        (init.xavier_normal, {"gain": 2.0}, 4 * 2 / (FAN_IN + FAN_OUT)),
        (init.he_uniform, {}, 2 / FAN_IN),
        (init.he_normal, {}, 2 / FAN_IN),
        (init.he_normal, {"a": 1.0}, 1 / FAN_IN),  # gain^2 = 2 / (1 + a^2)
        (init.he_uniform, {"a": math.sqrt(5)}, 1 / (3 * FAN_IN)),  # PyTorch's Linear default
        (init.lecun_normal, {}, 1 / FAN_IN),
        (init.normal, {"std": 0.3}, 0.09),
        (init.uniform, {"low": -2.0, "high": 2.0}, 16 / 12),
        # PyTorch's names and signatures (torch.nn.init): the variances of its documentation
        (init.kaiming_uniform_, {}, 2 / FAN_IN),  # a = 0, leaky_relu: gain sqrt(2)
        (init.kaiming_normal_, {"mode": "fan_out", "nonlinearity": "relu"}, 2 / FAN_OUT),
        (init.kaiming_uniform_, {"a": math.sqrt(5)}, 1 / (3 * FAN_IN)),  # what torch's Linear calls
        (init.kaiming_normal_, {"nonlinearity": "tanh"}, (5 / 3) ** 2 / FAN_IN),
        (init.xavier_uniform_, {"gain": 5 / 3}, (5 / 3) ** 2 * 2 / (FAN_IN + FAN_OUT)),
        (init.xavier_normal_, {}, 2 / (FAN_IN + FAN_OUT)),
        (init.normal_, {"mean": 0.0, "std": 0.3}, 0.09),
        (init.uniform_, {"a": -2.0, "b": 2.0}, 16 / 12),
    ],
)
def test_variance_matches_the_formula(fn, kw, variance):
    data = filled(fn, **kw)
    assert abs(data.mean()) < 0.02 * math.sqrt(variance)  # ~6 standard errors
    assert data.var() == pytest.approx(variance, rel=0.03)


def test_uniform_bounds():
    assert np.abs(filled(init.xavier_uniform)).max() <= math.sqrt(6 / (FAN_IN + FAN_OUT))
    assert np.abs(filled(init.he_uniform)).max() <= math.sqrt(6 / FAN_IN)
    data = filled(init.uniform, low=1.0, high=2.0)
    assert data.min() >= 1.0 and data.max() < 2.0


def test_constants_fill_in_place_and_return_the_tensor():
    t = gradstep.ones(2, 3)
    array = t.data
    assert init.zeros(t) is t and t.data is array and not array.any()
    assert init.ones(t).data.tolist() == [[1.0] * 3] * 2
    assert init.constant(t, 0.25).data.tolist() == [[0.25] * 3] * 2


def test_parameter_stays_float32_and_the_same_array():
    p = nn.Parameter(np.zeros((3, 2), np.float32))
    array = p.data
    init.he_normal(p, seed=1)
    assert p.data is array and p.dtype == np.float32 and array.any()


def test_same_seed_same_values_and_generators_advance():
    a = init.he_normal(gradstep.zeros(5, 5), seed=7).data
    b = init.he_normal(gradstep.zeros(5, 5), seed=7).data
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(7)
    c = init.he_normal(gradstep.zeros(5, 5), seed=rng).data
    d = init.he_normal(gradstep.zeros(5, 5), seed=rng).data
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(c, d)


def test_default_generator_follows_manual_seed():
    gradstep.manual_seed(3)
    a = init.normal(gradstep.zeros(4)).data.copy()
    gradstep.manual_seed(3)
    np.testing.assert_array_equal(init.normal(gradstep.zeros(4)).data, a)


def test_fans():
    # torch.nn.init's rule: shape (out, in, *receptive field) -> (in * receptive, out * receptive)
    assert init.fans((128, 784)) == (784, 128)
    assert init.fans(nn.Linear(784, 128).weight.shape) == (784, 128)
    assert init.fans((10,)) == (10, 10)
    assert init.fans((3, 4, 5)) == (20, 15)
    with pytest.raises(ArgumentError, match="init.fans: a 0-d tensor has no fan-in or fan-out"):
        init.fans(())


def test_get_by_name_alias_and_callable():
    assert init.get("kaiming_normal") is init.he_normal
    fn = lambda t, seed=None: t  # noqa: E731
    assert init.get(fn) is fn
    with pytest.raises(ArgumentError, match=r"init.get: unknown initialiser 'he'; choose one of \["):
        init.get("he")


def test_errors():
    with pytest.raises(ArgumentError, match="init.normal: expected a Tensor or Parameter to fill in place, got ndarray"):
        init.normal(np.zeros(3))
    with pytest.raises(ArgumentError, match="init.normal: std must be >= 0, got -1"):
        init.normal(gradstep.zeros(3), std=-1)
    with pytest.raises(ArgumentError, match="init.uniform: need low <= high, got low=1, high=0"):
        init.uniform(gradstep.zeros(3), 1, 0)


def test_pytorch_named_initialisers_fill_in_place_with_torchs_signatures():
    w = gradstep.zeros(3, 4)
    assert init.ones_(w) is w and w.tolist() == [[1.0] * 4] * 3
    assert init.constant_(w, 0.25).tolist() == [[0.25] * 4] * 3
    assert init.zeros_(w).tolist() == [[0.0] * 4] * 3
    a = init.kaiming_uniform_(gradstep.zeros(50, 20), generator=0).data
    b = init.kaiming_uniform_(gradstep.zeros(50, 20), generator=0).data
    assert np.array_equal(a, b) and np.abs(a).max() <= math.sqrt(6 / 20)  # b = sqrt(3) sqrt(2) / sqrt(fan_in)
    assert np.abs(init.kaiming_uniform_(gradstep.zeros(50, 20), mode="fan_out", generator=1).data).max() <= math.sqrt(6 / 50)
    data = init.uniform_(gradstep.zeros(1000), 1.0, 2.0, generator=0).data
    assert data.min() >= 1.0 and data.max() < 2.0


def test_calculate_gain_gives_torchs_table():
    # torch.nn.init.calculate_gain's documented values
    assert init.calculate_gain("linear") == init.calculate_gain("sigmoid") == init.calculate_gain("identity") == 1.0
    assert init.calculate_gain("tanh") == 5 / 3 and init.calculate_gain("selu") == 3 / 4
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01**2))
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ArgumentError, match=r"^init.calculate_gain: unknown nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ArgumentError, match=r"^init.calculate_gain: the negative slope must be a number, got 'x'"):
        init.calculate_gain("leaky_relu", "x")
    with pytest.raises(ArgumentError, match=r"^init.kaiming_normal_: mode must be 'fan_in' or 'fan_out', got 'fan_avg'"):
        init.kaiming_normal_(gradstep.zeros(2, 2), mode="fan_avg")
