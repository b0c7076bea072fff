"""Compiled against eager: every nn layer, loss and optimizer, parameters after 100 steps.

``exact=True`` promises eager's bits (checked with equality); the default also
folds plain SGD's update into the weight gradient's BLAS call, which rounds
once where eager rounds twice, and updates Adam and AdamW with the bias
corrections folded into the step size and eps (``compile.adam``): within
float32 rounding (measured 3e-8 to 6e-7 on these models after 100 steps;
the tolerance is 1e-5).
"""

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.compile import blas
from gradstep.compile.program import OpNode

from .helpers import data, max_difference, max_scaled_difference, run_both

X, Y = data()
FOLD_TOLERANCE = 1e-5


def mlp(*middle, out=3):
    """A factory of Linear(6, 8), the ``middle`` layers (callables making a fresh module each), Linear(8, out)."""

    def make():
        return nn.Sequential(nn.Linear(6, 8, seed=1), *[layer() for layer in middle], nn.Linear(8, out, seed=2))

    return make


LAYERS = {
    "linear+relu (fused)": (mlp(nn.ReLU), nn.CrossEntropyLoss),
    "identity": (mlp(nn.Identity), nn.CrossEntropyLoss),
    "sigmoid": (mlp(nn.Sigmoid), nn.CrossEntropyLoss),
    "tanh": (mlp(nn.Tanh), nn.CrossEntropyLoss),
    "leaky_relu": (mlp(lambda: nn.LeakyReLU(0.1)), nn.CrossEntropyLoss),
    "elu": (mlp(nn.ELU), nn.CrossEntropyLoss),
    "softplus": (mlp(nn.Softplus), nn.CrossEntropyLoss),
    "softmax": (mlp(lambda: nn.Tanh(), lambda: nn.Softmax(dim=1), lambda: nn.Linear(8, 8, seed=3)), nn.CrossEntropyLoss),
    "log_softmax + nll": (lambda: nn.Sequential(mlp(nn.Tanh)(), nn.LogSoftmax(dim=1)), nn.NLLLoss),
    "flatten": (lambda: nn.Sequential(nn.Flatten(), mlp(nn.ReLU)()), nn.CrossEntropyLoss),
    "dropout": (mlp(nn.ReLU, lambda: nn.Dropout(0.3, seed=5)), nn.CrossEntropyLoss),
    "batchnorm": (mlp(lambda: nn.BatchNorm1d(8), nn.ReLU), nn.CrossEntropyLoss),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_layer_gives_eager_bits(name):
    make_model, make_loss = LAYERS[name]
    a, b, step, losses = run_both(make_model, make_loss, lambda p: optim.SGD(p, lr=0.1, momentum=0.9), X, Y)
    assert max_difference(a, b) == 0.0
    assert [u for u, _ in losses] == [v for _, v in losses]
    assert step.reason is None and step.replays >= 95


def regression_targets(shape):
    rng = np.random.default_rng(3)
    return rng.normal(size=shape).astype(np.float32)


LOSSES = {
    "mse": (nn.MSELoss, 1, lambda: regression_targets((96, 1))),
    "mse half": (lambda: nn.MSELoss(half=True), 1, lambda: regression_targets((96, 1))),
    "sse": (nn.SSELoss, 1, lambda: regression_targets((96, 1))),
    "l1": (nn.L1Loss, 1, lambda: regression_targets((96, 1))),
    "bce with logits": (nn.BCEWithLogitsLoss, 1, lambda: (regression_targets((96, 1)) > 0).astype(np.float32)),
    "bce": (nn.BCELoss, 1, lambda: (regression_targets((96, 1)) > 0).astype(np.float32)),
    "cross entropy": (nn.CrossEntropyLoss, 3, lambda: Y),
    "cross entropy sum": (lambda: nn.CrossEntropyLoss(reduction="sum"), 3, lambda: Y),
    "cross entropy weighted": (lambda: nn.CrossEntropyLoss(weight=np.array([1.0, 2.0, 0.5], np.float32)), 3, lambda: Y),
    "cross entropy int32 labels": (nn.CrossEntropyLoss, 3, lambda: Y.astype(np.int32)),
    "cross entropy one-hot": (nn.CrossEntropyLoss, 3, lambda: np.eye(3, dtype=np.float32)[Y]),
    "nll": (nn.NLLLoss, 3, lambda: Y),
    "hinge multi-class": (nn.HingeLoss, 3, lambda: Y),
    "hinge binary": (nn.HingeLoss, 1, lambda: np.where(regression_targets((96, 1)) > 0, 1.0, -1.0).astype(np.float32)),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_gives_eager_bits(name):
    make_loss, out, make_y = LOSSES[name]
    last = [nn.Sigmoid()] if name == "bce" else []

    def make_model():
        return nn.Sequential(nn.Linear(6, 8, seed=1), nn.Tanh(), nn.Linear(8, out, seed=2), *last)

    lr = 0.002 if "sse" in name or "sum" in name else 0.05  # summed losses: a step size for 32 samples at once
    a, b, step, _ = run_both(make_model, make_loss, lambda p: optim.SGD(p, lr=lr), X, make_y())
    assert np.isfinite(max_difference(a, mlp(nn.Tanh, out=out)()))
    assert max_difference(a, b) == 0.0
    assert step.reason is None


OPTIMIZERS = {
    "sgd": lambda p: optim.SGD(p, lr=0.1),
    "sgd momentum dampening": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1),
    "sgd nesterov weight decay": lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "sgd step decay": lambda p: optim.SGD(p, lr=optim.schedules.step_decay(0.2, step_size=10, gamma=0.5)),
    "sgd cosine": lambda p: optim.SGD(p, lr=optim.schedules.cosine_decay(0.2, decay_steps=100)),
    "sgd warmup": lambda p: optim.SGD(p, lr=optim.schedules.warmup(0.1, warmup_steps=20)),
    "adam": lambda p: optim.Adam(p, lr=1e-2),
    "adam weight decay": lambda p: optim.Adam(p, lr=1e-2, weight_decay=1e-2),
    "adam cosine": lambda p: optim.Adam(p, lr=optim.schedules.cosine_decay(0.02, decay_steps=100), betas=(0.8, 0.99)),
    "adam amsgrad": lambda p: optim.Adam(p, lr=1e-2, amsgrad=True, weight_decay=1e-3),
    "adamw": lambda p: optim.AdamW(p, lr=1e-2),
    "rmsprop centered momentum": lambda p: optim.RMSprop(p, lr=1e-3, momentum=0.5, centered=True),
    "adagrad": lambda p: optim.Adagrad(p, lr=0.1, lr_decay=1e-3),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("exact", [True, False])
def test_every_optimizer(name, exact):
    make_opt = OPTIMIZERS[name]
    a, b, step, _ = run_both(mlp(nn.ReLU), nn.CrossEntropyLoss, make_opt, X, Y, exact=exact)
    diff = max_difference(a, b)
    folded = bool(step._programs and any(p.folded for p in step._programs.values()))
    fused = bool(step._programs and any(p.adam is not None for p in step._programs.values()))
    if exact or not (folded or fused):
        assert diff == 0.0
    else:  # plain SGD folded into gemm (one rounding instead of two per update), Adam's other order of operations
        assert diff <= FOLD_TOLERANCE
    assert folded == (not exact and blas.available() and name in ("sgd", "sgd step decay", "sgd cosine", "sgd warmup"))
    assert fused == (not exact and blas.available() and name in ("adam", "adam weight decay", "adam cosine", "adamw"))


def test_parameter_groups_and_a_changed_learning_rate():
    def make_opt(p):
        p = list(p)
        return optim.SGD([{"params": p[:2], "lr": 0.05}, {"params": p[2:]}], lr=0.1)

    eager_model, compiled_model = mlp(nn.ReLU)(), mlp(nn.ReLU)()
    ea, ca = make_opt(eager_model.parameters()), make_opt(compiled_model.parameters())
    step = gradstep.compile(compiled_model, nn.CrossEntropyLoss(), ca)
    from .helpers import batches, eager_step

    for i, (x, y) in enumerate(batches(X, Y, 60, 32)):
        if i == 30:  # what ReduceLROnPlateau does
            ea.lr = ca.lr = 0.01
        eager_step(eager_model, nn.CrossEntropyLoss(), ea, x, y)
        step(x, y)
    assert max_difference(eager_model, compiled_model) <= FOLD_TOLERANCE
    assert ea.global_step == ca.global_step == 60


def test_float64_model():
    def make():
        return nn.Sequential(nn.Linear(6, 8, seed=1, dtype=np.float64), nn.ReLU(), nn.Linear(8, 3, seed=2, dtype=np.float64))

    a, b, step, _ = run_both(make, nn.CrossEntropyLoss, lambda p: optim.SGD(p, lr=0.1), X.astype(np.float64), Y, exact=False)
    assert max_difference(a, b) <= 1e-13


def test_batch_of_one_rank_one_update():
    a, b, step, _ = run_both(mlp(nn.ReLU), nn.CrossEntropyLoss, lambda p: optim.SGD(p, lr=0.1), X, Y, batch=1, exact=False)
    assert max_difference(a, b) <= FOLD_TOLERANCE
    a, b, step, _ = run_both(mlp(nn.ReLU), nn.CrossEntropyLoss, lambda p: optim.SGD(p, lr=0.1), X, Y, batch=1, exact=True)
    assert max_difference(a, b) == 0.0


def test_without_scipy_nothing_is_folded_and_bits_are_eager(monkeypatch):
    monkeypatch.setattr(blas, "available", lambda: False)
    a, b, step, _ = run_both(mlp(nn.ReLU), nn.CrossEntropyLoss, lambda p: optim.SGD(p, lr=0.1), X, Y, exact=False)
    assert max_difference(a, b) == 0.0
    assert not any(p.folded for p in step._programs.values())


def test_the_mlp_runs_on_kernels_not_on_generic_op_nodes():
    model = mlp(nn.ReLU)()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
    for _ in range(3):
        step(X[:32], Y[:32])
    (program,) = step._programs.values()
    assert not any(isinstance(impl, OpNode) for impl, _, _ in program.backward)


def test_l2_penalty_in_the_loss():
    from gradstep.nn.regularizers import l2_penalty

    def make_loss():
        ce = nn.CrossEntropyLoss()
        holder = {}

        def loss(out, y):
            return ce(out, y) + 1e-3 * l2_penalty(holder["model"].parameters())

        loss.holder = holder
        return loss

    eager_model, compiled_model = mlp(nn.ReLU)(), mlp(nn.ReLU)()
    le, lc = make_loss(), make_loss()
    le.holder["model"], lc.holder["model"] = eager_model, compiled_model
    ea, ca = optim.SGD(eager_model.parameters(), lr=0.1), optim.SGD(compiled_model.parameters(), lr=0.1)
    step = gradstep.compile(compiled_model, lc, ca)
    from .helpers import batches, eager_step

    for x, y in batches(X, Y, 50, 32):
        eager_step(eager_model, le, ea, x, y)
        step(x, y)
    assert step.reason is None
    assert max_difference(eager_model, compiled_model) <= FOLD_TOLERANCE


def test_large_batches_are_not_folded_and_keep_eagers_bits():
    from gradstep.compile.program import FOLD_MAX_ROWS

    X2, Y2 = data(n=2 * (FOLD_MAX_ROWS + 1))
    a, b, step, _ = run_both(mlp(nn.ReLU), nn.CrossEntropyLoss, lambda p: optim.SGD(p, lr=0.1), X2, Y2, steps=20,
                             batch=FOLD_MAX_ROWS + 1, exact=False)  # fmt: skip
    (program,) = step._programs.values()
    assert program.folded == [] and step.replays == 18
    assert max_difference(a, b) == 0.0


def test_folded_at_the_largest_folded_batch_within_rounding_and_versions_move():
    from gradstep.compile.program import FOLD_MAX_ROWS
    from gradstep.errors import InplaceError

    X2, Y2 = data(n=FOLD_MAX_ROWS)
    a, b, step, _ = run_both(mlp(nn.ReLU), nn.CrossEntropyLoss, lambda p: optim.SGD(p, lr=0.1), X2, Y2, steps=20,
                             batch=FOLD_MAX_ROWS, exact=False)  # fmt: skip
    (program,) = step._programs.values()
    assert len(program.folded) == 4 and program.only_count  # both weights and both biases
    assert 0 < max_difference(a, b) <= FOLD_TOLERANCE
    # a graph that saved a weight before a folded update refuses to backward, as after SGD.step
    first = b[0]
    held = (first(gradstep.Tensor(X2[:4])) ** 2).sum()
    version = first.weight._version
    step(X2, Y2)
    assert first.weight._version == version + 1 and first.weight.grad is None
    with pytest.raises(InplaceError):
        held.backward()


def sparse_inputs(n=96, features=40, used=12, seed=4):
    """Inputs where only ``used`` of the columns are ever nonzero (like MNIST's border pixels), and one sparse row."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, features), np.float32)
    cols = rng.choice(features, used, replace=False)
    x[:, cols] = rng.normal(size=(n, used)).astype(np.float32)
    x[5, :] = 0.0  # a row of zeros: nothing special, its columns are zero in this row only
    return x, rng.integers(0, 3, n), cols


def sparse_mlp():
    return nn.Sequential(nn.Linear(40, 8, seed=1), nn.ReLU(), nn.Linear(8, 3, seed=2))


@pytest.mark.parametrize("name", ["sgd", "adam", "sgd momentum dampening"])
@pytest.mark.parametrize("batch", [1, 32])
def test_zero_input_columns_are_left_out_of_the_first_layer_within_rounding(name, batch):
    x, y, cols = sparse_inputs()
    a, b, step, _ = run_both(sparse_mlp, nn.CrossEntropyLoss, OPTIMIZERS[name], x, y, batch=batch, exact=False)
    (program,) = [p for p in step._programs.values() if p.v[p.inputs[0][0]].shape[0] == batch]
    first = program.forward[0].__self__
    assert first.skip and first.cols is not None and set(first.cols) <= set(cols)  # it ran on the used columns only
    # batch 1 with momentum grows the weights to ~50 in 100 steps (3.6e-5 apart with AMD EPYC's OpenBLAS kernels,
    # 7e-7 of their size): the rounding is compared with the weights' size
    assert max_scaled_difference(a, b) <= FOLD_TOLERANCE
    unused = np.setdiff1d(np.arange(40), cols)  # never read, never updated (their gradient is 0)
    np.testing.assert_array_equal(a[0].weight.data[:, unused], b[0].weight.data[:, unused])


def test_only_columns_of_positive_zeros_count_as_unused():
    # -0.0, the smallest subnormal, nan and inf in one row each: their columns are used (only +0.0 has no bits set)
    x, y, cols = sparse_inputs()
    model = sparse_mlp()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
    for _ in range(3):  # trace, verify, replay
        step(x[:32], y[:32])
    (program,) = step._programs.values()
    first = program.forward[0].__self__
    free = np.setdiff1d(np.arange(40), cols)[:4]
    batch = x[:32].copy()
    for col, value in zip(free, (-0.0, np.float32(1e-45), np.nan, np.inf)):
        batch[7, col] = value
    assert first._gather_used(batch, model[0].weight.data)
    np.testing.assert_array_equal(first.cols, np.sort(np.concatenate([cols, free])))


def test_zero_input_columns_with_exact_keep_eagers_bits():
    x, y, _ = sparse_inputs()
    a, b, step, _ = run_both(sparse_mlp, nn.CrossEntropyLoss, OPTIMIZERS["adam"], x, y, exact=True)
    assert max_difference(a, b) == 0.0
    assert not any(p.forward[0].__self__.skip for p in step._programs.values())


def test_a_batch_using_most_columns_runs_on_all_of_them():
    x, y, _ = sparse_inputs(used=38)
    a, b, step, _ = run_both(sparse_mlp, nn.CrossEntropyLoss, OPTIMIZERS["sgd momentum dampening"], x, y, exact=False)
    assert max_difference(a, b) == 0.0  # momentum is not folded: with every column used, eager's bits
    assert all(p.forward[0].__self__.cols is None for p in step._programs.values())
