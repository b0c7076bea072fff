"""The compiled step's fused Adam/AdamW update (compile.adam): the math, the state it keeps, when it steps aside."""

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.compile import blas
from gradstep.compile.adam import FusedAdam

from .helpers import batches, data, eager_step, max_difference, run_both

pytestmark = pytest.mark.usefixtures("levers")  # (conftest.py)
X, Y = data()


def adam_reference(w, grads, lr, betas, eps, weight_decay=0.0, decoupled=False):
    """Adam (or AdamW) in float64, the paper's formula with the bias-corrected moments."""
    w = w.astype(np.float64)
    m, v = np.zeros_like(w), np.zeros_like(w)
    b1, b2 = betas
    for t, g in enumerate(grads, start=1):
        g = g.astype(np.float64)
        if weight_decay and decoupled:
            w = w * (1 - lr * weight_decay)
        elif weight_decay:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w = w - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return w


@pytest.mark.parametrize(
    "make, decay, decoupled",
    [
        (lambda p: optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6), 0.0, False),
        (lambda p: optim.Adam(p, lr=0.01, weight_decay=0.1), 0.1, False),
        (lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.1), 0.1, True),
    ],
    ids=["adam", "adam l2", "adamw"],
)
def test_the_fused_update_is_adams_formula_to_float32_rounding(make, decay, decoupled):
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(5, 7)).astype(np.float32)
    grads = [rng.normal(size=(5, 7)).astype(np.float32) * 10.0 ** rng.integers(-4, 2) for _ in range(20)]
    w = gradstep.tensor(np.asfortranarray(w0), requires_grad=True)  # nn.Linear's memory order
    opt = make([w])
    fused = FusedAdam(opt, [w])
    for g in grads:
        assert fused.step({id(w): g.copy()})
    group = opt.param_groups[0]
    expected = adam_reference(w0, grads, group["lr"], group["betas"], group["eps"], decay, decoupled)
    np.testing.assert_allclose(w.data, expected, rtol=0, atol=1e-6)
    assert opt.global_step == 20 and opt.state[w]["step"] == 20 and w.grad is None


def test_a_missing_gradient_or_uneven_step_counts_leave_it_to_adam_step():
    a, b = gradstep.zeros(3, requires_grad=True), gradstep.zeros(2, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    fused = FusedAdam(opt, [a, b])
    assert not fused.step({id(a): np.ones(3, np.float32)})  # b has no gradient: Adam.step would skip b alone
    assert opt.global_step == 0 and not opt.state and np.all(a.data == 0)
    a.grad = np.ones(3, np.float32)
    opt.step()  # a is one step ahead of b now
    assert not fused.step({id(a): np.ones(3, np.float32), id(b): np.ones(2, np.float32)})
    assert opt.global_step == 1


def test_it_applies_to_adam_and_adamw_only_without_amsgrad():
    w = [gradstep.zeros(3, requires_grad=True)]
    assert FusedAdam.applies(optim.Adam(w), w) and FusedAdam.applies(optim.AdamW(w), w)
    assert not FusedAdam.applies(optim.Adam(w, amsgrad=True), w)
    assert not FusedAdam.applies(optim.RMSprop(w, lr=0.1), w)
    half = [gradstep.tensor(np.zeros(3, np.float16), requires_grad=True)]
    assert not FusedAdam.applies(optim.Adam(half), half)


def mlp():
    return nn.Sequential(nn.Linear(6, 8, seed=1), nn.ReLU(), nn.Linear(8, 3, seed=2))


def test_the_mlp_writes_its_gradients_into_the_flat_array_and_the_state_holds_views():
    _, b, step, _ = run_both(mlp, nn.CrossEntropyLoss, lambda p: optim.Adam(p, lr=1e-2), X, Y, exact=False)
    (program,) = step._programs.values()
    fused = program.adam
    kernels = [impl for impl, _, _ in program.backward if hasattr(impl, "gw")]
    assert len(kernels) == 2 and all(np.shares_memory(k.gw, fused.groups[0].g) for k in kernels)
    opt = step.optimizer
    for p in b.parameters():
        assert np.shares_memory(opt.state[p]["exp_avg"], fused.groups[0].m)
        assert np.shares_memory(opt.state[p]["exp_avg_sq"], fused.groups[0].v)
    saved = opt.state_dict()  # the state a checkpoint writes: copies of the views, eager's step counts
    assert saved["global_step"] == 100 and all(s["step"] == 100 for s in saved["state"].values())


def test_a_state_loaded_mid_run_is_adopted():
    eager_model, compiled_model = mlp(), mlp()
    eager_opt, compiled_opt = optim.Adam(eager_model.parameters(), lr=1e-2), optim.Adam(compiled_model.parameters(), lr=1e-2)
    step = gradstep.compile(compiled_model, nn.CrossEntropyLoss(), compiled_opt)
    donor_model = mlp()
    donor = optim.Adam(donor_model.parameters(), lr=1e-2)
    for x, y in batches(X, Y, 7, 32):
        eager_step(donor_model, nn.CrossEntropyLoss(), donor, x, y)
    for i, (x, y) in enumerate(batches(X, Y, 40, 32)):
        if i == 20:  # another run's moments and step counts, into both
            eager_opt.load_state_dict(donor.state_dict())
            compiled_opt.load_state_dict(donor.state_dict())
        eager_step(eager_model, nn.CrossEntropyLoss(), eager_opt, x, y)
        step(x, y)
    assert step.replays == 38 and max_difference(eager_model, compiled_model) <= 1e-6
    for p, q in zip(eager_model.parameters(), compiled_model.parameters()):
        assert eager_opt.state[p]["step"] == compiled_opt.state[q]["step"] == 27
        np.testing.assert_allclose(compiled_opt.state[q]["exp_avg_sq"], eager_opt.state[p]["exp_avg_sq"], rtol=1e-5, atol=1e-12)


def test_a_replaced_parameter_gets_a_new_flat_update():
    eager_model, compiled_model = mlp(), mlp()
    eager_opt, compiled_opt = optim.Adam(eager_model.parameters(), lr=1e-2), optim.Adam(compiled_model.parameters(), lr=1e-2)
    step = gradstep.compile(compiled_model, nn.CrossEntropyLoss(), compiled_opt)
    for i, (x, y) in enumerate(batches(X, Y, 30, 32)):
        if i == 15:
            for model in (eager_model, compiled_model):
                model[0].weight.data = np.asfortranarray(model[0].weight.data * 0.5)
        eager_step(eager_model, nn.CrossEntropyLoss(), eager_opt, x, y)
        step(x, y)
    assert max_difference(eager_model, compiled_model) <= 1e-6
    fused = [p.adam for p in step._programs.values()][0]
    assert fused.valid() and np.shares_memory(fused.groups[0].w_flat[0], compiled_model[0].weight.data)


def test_exact_or_a_gradient_hook_keep_adam_step():
    for options in ({"exact": True}, {"before_update": lambda: None}):
        a, b, step, _ = run_both(mlp, nn.CrossEntropyLoss, lambda p: optim.Adam(p, lr=1e-2), X, Y, **options)
        assert max_difference(a, b) == 0.0
        assert all(p.adam is None for p in step._programs.values())


def test_without_scipy_adam_step_runs(monkeypatch):
    monkeypatch.setattr(blas, "available", lambda: False)
    a, b, step, _ = run_both(mlp, nn.CrossEntropyLoss, lambda p: optim.Adam(p, lr=1e-2), X, Y, exact=False)
    assert max_difference(a, b) == 0.0
    assert all(p.adam is None for p in step._programs.values())
