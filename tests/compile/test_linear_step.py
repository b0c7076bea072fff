"""The fused logistic-regression step (compile/linear_step.py) against eager, and the cases that must not take it."""

import warnings

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.compile.linear_step import LinearBCEStep
from gradstep.compile.program import Program
from gradstep.errors import InplaceError

from .helpers import batches, eager_step, max_difference, run_both

pytestmark = pytest.mark.usefixtures("levers")  # (conftest.py)


def problem(n=200, features=7, outputs=1, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features)).astype(dtype)
    w = rng.normal(size=(features, outputs))
    Y = (rng.random((n, outputs)) < 1 / (1 + np.exp(-(X @ w)))).astype(dtype)
    return X, Y


def program_of(step):
    (program,) = set(map(type, step._programs.values()))
    return program


# float64: the sums and the folded update round differently from eager's, a few units in the last place
TOLERANCE = {np.float64: 1e-13, np.float32: 1e-6}


@pytest.mark.parametrize(
    "dtype, outputs, reduction, lr",
    [(np.float64, 1, "mean", 0.5), (np.float32, 1, "mean", 0.5), (np.float64, 3, "sum", 0.02), (np.float32, 4, "mean", 0.5)],
)
def test_fused_step_matches_eager_after_100_steps(dtype, outputs, reduction, lr):
    X, Y = problem(outputs=outputs, dtype=dtype)
    a, b, step, losses = run_both(
        lambda: nn.Linear(7, outputs, dtype=dtype, seed=0), lambda: nn.BCEWithLogitsLoss(reduction=reduction),
        lambda p: optim.SGD(p, lr=lr), X, Y, steps=100, batch=32, exact=False,
    )  # fmt: skip
    assert program_of(step) is LinearBCEStep
    assert step.replays == 97  # batches of 32, 32, 32, 32, 32, 32, 8: two recordings, one for the 8 rows
    assert max_difference(a, b) <= TOLERANCE[dtype] * 10
    scale = max(abs(e) for e, _ in losses)
    assert max(abs(e - c) for e, c in losses) <= TOLERANCE[dtype] * scale
    assert b.weight.data.dtype == dtype and b.weight.data.flags.f_contiguous  # updated in place


def test_exact_keeps_the_generic_program_and_eagers_bits():
    X, Y = problem()
    a, b, step, _ = run_both(lambda: nn.Linear(7, 1, dtype=np.float64, seed=0), nn.BCEWithLogitsLoss,
                             lambda p: optim.SGD(p, lr=0.5), X, Y, exact=True)  # fmt: skip
    assert program_of(step) is Program
    assert max_difference(a, b) == 0.0


def test_float32_targets_of_a_float64_model_are_cast():
    X, Y = problem()
    a, b, step, _ = run_both(lambda: nn.Linear(7, 1, dtype=np.float64, seed=0), nn.BCEWithLogitsLoss,
                             lambda p: optim.SGD(p, lr=0.5), X, Y.astype(np.float32), exact=False)  # fmt: skip
    assert program_of(step) is LinearBCEStep
    assert max_difference(a, b) <= 1e-12


@pytest.mark.parametrize(
    "make_opt",
    [
        lambda p: optim.SGD(p, lr=0.5, momentum=0.9),
        lambda p: optim.SGD(p, lr=0.5, weight_decay=1e-3),
        lambda p: optim.Adam(p, lr=1e-2),
    ],
    ids=["momentum", "weight decay", "adam"],
)
def test_other_update_rules_use_the_generic_program(make_opt):
    X, Y = problem()
    a, b, step, _ = run_both(lambda: nn.Linear(7, 1, dtype=np.float64, seed=0), nn.BCEWithLogitsLoss, make_opt, X, Y,
                             exact=False)  # fmt: skip
    assert program_of(step) is Program
    fused = any(p.adam is not None for p in step._programs.values())  # Adam's update: rounded in another order
    assert max_difference(a, b) <= (1e-15 if fused else 0.0)


def test_element_weights_a_frozen_bias_or_a_deeper_model_use_the_generic_program():
    X, Y = problem()
    weight = gradstep.Tensor(np.linspace(0.5, 1.5, 32).reshape(-1, 1))
    a, b, step, _ = run_both(lambda: nn.Linear(7, 1, dtype=np.float64, seed=0), lambda: nn.BCEWithLogitsLoss(weight=weight),
                             lambda p: optim.SGD(p, lr=0.5), X[:32], Y[:32], steps=10)  # fmt: skip
    assert program_of(step) is Program

    model = nn.Linear(7, 1, dtype=np.float64, seed=0)
    step = gradstep.compile(model, nn.BCEWithLogitsLoss(), optim.SGD([model.weight], lr=0.5))
    for _ in range(3):
        step(X[:32], Y[:32])
    assert program_of(step) is Program  # the bias is not trained: the fused step would update it

    deep = nn.Sequential(nn.Linear(7, 4, dtype=np.float64, seed=0), nn.Tanh(), nn.Linear(4, 1, dtype=np.float64, seed=1))
    step = gradstep.compile(deep, nn.BCEWithLogitsLoss(), optim.SGD(deep.parameters(), lr=0.5))
    for _ in range(3):
        step(X[:32], Y[:32])
    assert program_of(step) is Program


def test_a_gradient_hook_needs_the_gradients_so_nothing_is_fused():
    X, Y = problem()
    model = nn.Linear(7, 1, dtype=np.float64, seed=0)
    seen = []
    step = gradstep.compile(model, nn.BCEWithLogitsLoss(), optim.SGD(model.parameters(), lr=0.5),
                            before_update=lambda: seen.append(model.weight.grad is not None))  # fmt: skip
    for _ in range(4):
        step(X[:32], Y[:32])
    assert program_of(step) is Program and seen == [True] * 4


def test_schedules_and_a_learning_rate_per_group():
    X, Y = problem()

    def make_opt(p):
        w, b = list(p)
        return optim.SGD([{"params": [w], "lr": optim.schedules.step_decay(0.8, step_size=10, gamma=0.5)},
                          {"params": [b], "lr": 0.05}], lr=0.1)  # fmt: skip

    eager_model, compiled_model = (nn.Linear(7, 1, dtype=np.float64, seed=0) for _ in range(2))
    ea, ca = make_opt(eager_model.parameters()), make_opt(compiled_model.parameters())
    step = gradstep.compile(compiled_model, nn.BCEWithLogitsLoss(), ca)
    for i, (x, y) in enumerate(batches(X, Y, 60, 32)):
        if i == 30:
            ea.param_groups[1]["lr"] = ca.param_groups[1]["lr"] = 0.5
        eager_step(eager_model, nn.BCEWithLogitsLoss(), ea, x, y)
        step(x, y)
    assert program_of(step) is LinearBCEStep
    assert max_difference(eager_model, compiled_model) <= 1e-13
    assert ea.global_step == ca.global_step == 60
    # with the second group's rate kept at 0.05 the bias would differ by far more than rounding
    assert abs(compiled_model.bias.data[0] - eager_model.bias.data[0]) <= 1e-13


def test_momentum_set_later_or_a_replaced_weight_leaves_the_fused_step():
    X, Y = problem()
    eager_model, compiled_model = (nn.Linear(7, 1, dtype=np.float64, seed=0) for _ in range(2))
    ea, ca = optim.SGD(eager_model.parameters(), lr=0.5), optim.SGD(compiled_model.parameters(), lr=0.5)
    step = gradstep.compile(compiled_model, nn.BCEWithLogitsLoss(), ca)
    for i, (x, y) in enumerate(batches(X, Y, 40, 32)):
        if i == 10:
            ea.param_groups[0]["momentum"] = ca.param_groups[0]["momentum"] = 0.9
        if i == 25:
            for m in (eager_model, compiled_model):
                m.weight.data = np.asfortranarray(m.weight.data * 0.5)
        eager_step(eager_model, nn.BCEWithLogitsLoss(), ea, x, y)
        step(x, y)
    assert program_of(step) is Program
    assert max_difference(eager_model, compiled_model) <= 1e-13


def test_versions_and_the_step_count_move_as_in_eager():
    X, Y = problem()
    model = nn.Linear(7, 1, dtype=np.float64, seed=0)
    opt = optim.SGD(model.parameters(), lr=0.5)
    step = gradstep.compile(model, nn.BCEWithLogitsLoss(), opt)
    for _ in range(3):
        step(X[:32], Y[:32])
    assert program_of(step) is LinearBCEStep
    version = model.weight._version
    held = (model(gradstep.Tensor(X[:4])) ** 2).sum()  # a graph that saved the weight
    step(X[:32], Y[:32])
    assert model.weight._version == version + 1 and opt.global_step == 4
    assert model.weight.grad is None and model.bias.grad is None
    with pytest.raises(InplaceError):
        held.backward()


def replaying(X, Y, dtype=np.float64, lr=0.5, weight=None):
    """A logistic regression's compiled step, past its two traced batches; returns (model, step)."""
    model = nn.Linear(7, 1, dtype=dtype, seed=0)
    if weight is not None:
        model.weight.data[...] = weight
    step = gradstep.compile(model, nn.BCEWithLogitsLoss(), optim.SGD(model.parameters(), lr=lr))
    for _ in range(3):
        step(X[:32], Y[:32])
    assert program_of(step) is LinearBCEStep
    return model, step


def mean_log_loss(z, t):
    """The stable binary cross-entropy of logits, in float64: mean of max(z, 0) - z t + log(1 + e^-|z|)."""
    return np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))))


def test_output_is_the_logits_before_the_update_and_the_loss_is_the_mean():
    X, Y = problem()
    model, step = replaying(X, Y)
    z = X[32:64] @ model.weight.data.T + model.bias.data
    loss = step(X[32:64], Y[32:64])
    np.testing.assert_allclose(step.output, z, rtol=1e-14)
    assert abs(loss - mean_log_loss(z, Y[32:64])) <= 1e-15


def test_huge_logits_give_no_warning_and_the_exact_loss():
    X, Y = problem()
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model, step = replaying(X32, Y32, dtype=np.float32, lr=1e-6, weight=2000.0)  # |z| up to ~1e4
        z = (X32[32:64] @ model.weight.data.T + model.bias.data).astype(np.float64)
        loss = step(X32[32:64], Y32[32:64])
    expected = mean_log_loss(z, Y[32:64])
    assert np.isfinite(loss) and abs(loss - expected) <= 1e-6 * expected


def test_a_nan_in_the_data_gives_a_nan_loss():
    X, Y = problem()
    _, step = replaying(X, Y)
    bad = X[:32].copy()
    bad[5, 2] = np.nan
    assert np.isnan(step(bad, Y[:32]))


def test_trainer_compiled_logistic_regression_matches_eager():
    from gradstep.train import Trainer

    X, Y = problem(n=300)
    runs = {}
    for mode in (False, True):
        model = nn.Linear(7, 1, dtype=np.float64, seed=0)
        trainer = Trainer(model, nn.BCEWithLogitsLoss(), optim.SGD(model.parameters(), lr=0.5), progress=False, compile=mode)
        trainer.fit((X, Y), epochs=3, batch_size=64, shuffle=True, seed=0)
        runs[mode] = (model, trainer.history["loss"])
    assert max_difference(runs[False][0], runs[True][0]) <= 1e-13
    np.testing.assert_allclose(runs[True][1], runs[False][1], rtol=1e-13)
