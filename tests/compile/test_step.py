"""The compiled step's life: re-tracing, fallback and strict mode, dropout masks, checkpoints, bad input."""

import warnings

import numpy as np
import pytest

import gradstep
from gradstep import nn, optim
from gradstep.errors import ArgumentError, CompileError, CompileWarning

from .helpers import batches, data, eager_step, max_difference

X, Y = data()


def mlp(dropout=None):
    layers = [nn.Linear(6, 8, seed=1), nn.ReLU()]
    if dropout is not None:
        layers.append(nn.Dropout(0.5, seed=dropout))
    return nn.Sequential(*layers, nn.Linear(8, 3, seed=2))


def compiled(model=None, lr=0.1, **options):
    model = model or mlp()
    opt = optim.SGD(model.parameters(), lr=lr)
    return model, opt, gradstep.compile(model, nn.CrossEntropyLoss(), opt, **options)


def test_traced_twice_then_replayed():
    _, _, step = compiled()
    for _ in range(5):
        step(X[:32], Y[:32])
    assert (step.traces, step.replays, step.eager_steps) == (2, 3, 0)


def test_a_partial_batch_is_traced_once_and_both_shapes_replay():
    model, opt, step = compiled()
    eager_model = mlp()
    eager_opt = optim.SGD(eager_model.parameters(), lr=0.1)
    for x, y in batches(X, Y, 40, 40):  # 96 samples: batches of 40, 40, 16
        eager_step(eager_model, nn.CrossEntropyLoss(), eager_opt, x, y)
        step(x, y)
    assert step.traces == 3  # two for the full batch, one for the partial one (the same ops)
    assert len(step._programs) == 2 and step.replays == 37
    assert max_difference(model, eager_model) <= 1e-5


def test_train_eval_switch_retraces_and_eval_skips_dropout():
    model, opt, step = compiled(mlp(dropout=3))
    for _ in range(3):
        step(X[:32], Y[:32])
    model.eval()
    for _ in range(3):
        step(X[:32], Y[:32])
    assert step.traces == 4 and len(step._programs) == 2
    # in eval mode the dropout layer is the identity: the loss equals the eval-mode forward
    w = [p.data.copy() for p in model.parameters()]
    loss = step(X[:32], Y[:32])
    for p, old in zip(model.parameters(), w):
        p.data[...] = old  # undo the update to compare with the same weights
    assert loss == pytest.approx(float(nn.CrossEntropyLoss()(model(gradstep.Tensor(X[:32])), gradstep.Tensor(Y[:32]))), rel=1e-6)


def test_replaced_parameter_or_layer_is_seen():
    model, opt, step = compiled()
    for _ in range(3):
        step(X[:32], Y[:32])
    model[2].weight.data = np.zeros((8, 3), np.float32) if model[2].weight.shape == (8, 3) else np.zeros((3, 8), np.float32)
    step(X[:32], Y[:32])
    assert step.traces == 3  # re-traced: the new array is the one trained
    assert np.any(model[2].weight.data != 0)
    model[0].bias = nn.Parameter(np.zeros(8, np.float32))  # a new parameter object (not in the optimizer)
    before = step.traces
    step(X[:32], Y[:32])
    assert step.traces == before + 1


def test_changed_update_rule_retraces():
    model, opt, step = compiled()
    for _ in range(3):
        step(X[:32], Y[:32])
    opt.param_groups[0]["momentum"] = 0.9  # the folded plain-SGD update no longer applies
    step(X[:32], Y[:32])
    assert step.traces == 3
    assert "momentum_buffer" in opt.state[model[0].weight]


class Branchy(nn.Module):
    """Python control flow on the data: a replay would freeze the branch taken when traced."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 3, seed=0)

    def forward(self, x):
        h = self.fc(x)
        return h.relu() if float(x.data.mean()) > 0 else h.tanh()


def signed_batches():
    x = np.abs(X[:32])
    return [(x, Y[:32]), (-x, Y[:32])] * 3


def test_data_dependent_control_flow_falls_back_with_one_warning():
    model = Branchy()
    eager = Branchy()
    opt, eager_opt = optim.SGD(model.parameters(), lr=0.1), optim.SGD(eager.parameters(), lr=0.1)
    step = gradstep.compile(model, nn.CrossEntropyLoss(), opt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x, y in signed_batches():
            assert step(x, y) == eager_step(eager, nn.CrossEntropyLoss(), eager_opt, x, y)
    messages = [str(w.message) for w in caught if issubclass(w.category, CompileWarning)]
    assert len(messages) == 1 and "changed between two batches" in messages[0] or "op 1" in messages[0]
    assert step.reason is not None and step.replays == 0 and step.eager_steps == 4
    assert max_difference(model, eager) == 0.0


def test_strict_mode_raises_naming_the_reason():
    model = Branchy()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), strict=True)
    x = np.abs(X[:32])
    step(x, Y[:32])
    with pytest.raises(CompileError, match="cannot compile this step: op 1"):
        step(-x, Y[:32])


def test_a_loss_that_is_not_a_scalar_cannot_be_compiled():
    model = mlp()
    step = gradstep.compile(model, nn.CrossEntropyLoss(reduction="none"), optim.SGD(model.parameters(), lr=0.1), strict=True)
    with pytest.raises(CompileError, match="scalar loss"):
        step(X[:8], Y[:8])


def test_dropout_masks_are_fresh_each_step_and_repeat_with_the_seed():
    def losses(seed):
        model, opt, step = compiled(mlp(dropout=seed), lr=0.0)  # lr 0: only the masks change the loss
        return [step(X[:32], Y[:32]) for _ in range(8)]

    first, again, other = losses(7), losses(7), losses(8)
    assert first == again
    assert len(set(first)) == 8  # a new mask every step, also in the replayed steps 3-8
    assert first != other


def test_dropout_with_the_default_generator_follows_manual_seed():
    def run():
        gradstep.manual_seed(11)
        model = nn.Sequential(nn.Linear(6, 8, seed=1), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3, seed=2))
        opt = optim.SGD(model.parameters(), lr=0.0)
        step = gradstep.compile(model, nn.CrossEntropyLoss(), opt)
        return [step(X[:32], Y[:32]) for _ in range(5)]

    assert run() == run()


def test_batchnorm_running_statistics_are_updated_by_the_replay():
    model = nn.Sequential(nn.Linear(6, 8, seed=1), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3, seed=2))
    _, _, step = compiled(model, exact=True)  # eager's bits (the folded SGD update rounds differently on some BLAS)
    for _ in range(6):
        step(X[:32], Y[:32])
    eager = nn.Sequential(nn.Linear(6, 8, seed=1), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3, seed=2))
    eopt = optim.SGD(eager.parameters(), lr=0.1)
    for _ in range(6):
        eager_step(eager, nn.CrossEntropyLoss(), eopt, X[:32], Y[:32])
    assert np.array_equal(model[1].running_mean, eager[1].running_mean)
    assert np.array_equal(model[1].running_var, eager[1].running_var)
    assert not np.allclose(model[1].running_mean, 0)


@pytest.mark.parametrize("exact", [False, True])
def test_checkpoint_of_a_compiled_run_resumes_exactly(tmp_path, exact):
    pytest.importorskip("safetensors")
    from gradstep.train.checkpoint import load_checkpoint, save_checkpoint

    def make():
        model = mlp(dropout=4)
        return model, optim.Adam(model.parameters(), lr=1e-2)

    straight, straight_opt = make()
    step = gradstep.compile(straight, nn.CrossEntropyLoss(), straight_opt, exact=exact)
    for i, (x, y) in enumerate(batches(X, Y, 40, 32)):
        step(x, y)
        if i == 19:
            save_checkpoint(tmp_path / "half.safetensors", straight, straight_opt, rngs={"drop": straight[2].rng})
    for compile_again in (True, False):
        resumed, resumed_opt = make()
        load_checkpoint(tmp_path / "half.safetensors", resumed, resumed_opt, rngs={"drop": resumed[2].rng})
        run = gradstep.compile(resumed, nn.CrossEntropyLoss(), resumed_opt, exact=exact) if compile_again else None
        for x, y in list(batches(X, Y, 40, 32))[20:]:
            if run is not None:
                run(x, y)
            else:
                eager_step(resumed, nn.CrossEntropyLoss(), resumed_opt, x, y)
        if compile_again or exact:  # the traced steps update as the replays do: the same bits
            assert max_difference(straight, resumed) == 0.0
        else:  # eager's Adam.step after the compiled one's fused update (compile.adam): within float32 rounding
            assert max_difference(straight, resumed) <= 1e-6
        assert resumed_opt.global_step == straight_opt.global_step == 40


def test_a_bad_label_in_a_replayed_step_gives_eagers_clear_error():
    _, _, step = compiled()
    for _ in range(3):
        step(X[:32], Y[:32])
    bad = Y[:32].copy()
    bad[5] = 7
    with pytest.raises(ArgumentError, match="label 7 .at index 5. is out of range for 3 classes"):
        step(X[:32], bad)
    bad[5] = -1
    with pytest.raises(ArgumentError, match="label -1"):
        step(X[:32], bad)


def test_bad_arguments_to_compile():
    model = mlp()
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ArgumentError, match="optimizer must be a gradstep.optim optimizer"):
        gradstep.compile(model, nn.CrossEntropyLoss(), "sgd")
    with pytest.raises(ArgumentError, match="loss_fn must be callable"):
        gradstep.compile(model, 3, opt)
    with pytest.raises(ArgumentError, match="model must be a Module or a callable"):
        gradstep.compile(None, nn.CrossEntropyLoss(), opt)
    step = gradstep.compile(model, nn.CrossEntropyLoss(), opt)
    with pytest.raises(ArgumentError, match="x must be an array or a Tensor"):
        step(object(), Y[:4])


def test_a_step_inside_a_traced_step_is_refused():
    model, opt, step = compiled()
    inner_model, inner_opt, inner = compiled()

    class Calls(nn.Module):
        def forward(self, x):
            inner(X[:4], Y[:4])
            return model(x)

    outer = gradstep.compile(Calls(), nn.CrossEntropyLoss(), opt)
    with pytest.raises(CompileError, match="already being traced"):
        outer(X[:4], Y[:4])


def test_tensors_as_inputs_and_loss_returned_as_float():
    _, _, step = compiled()
    loss = step(gradstep.Tensor(X[:8]), gradstep.Tensor(Y[:8]))
    assert type(loss) is float and np.isfinite(loss)


def test_the_models_output_of_the_last_step_is_kept():
    model, _, step = compiled(lr=0.0)
    for _ in range(4):
        step(X[:16], Y[:16])
    assert step.replays == 2
    assert np.array_equal(step.output, model(gradstep.Tensor(X[:16])).data)


def test_trainer_compile_matches_eager_fit_and_sees_gradients():
    from gradstep.train import Trainer
    from gradstep.train.callbacks import Callback

    class Norms(Callback):
        def __init__(self):
            super().__init__()
            self.norms = []

        def on_after_backward(self, step, logs=None):
            self.norms.append(float(np.linalg.norm(self.trainer.model[0].weight.grad)))

    histories, norms, weights = [], [], []
    for compile_mode in (False, "exact", True):
        model = mlp()
        callback = Norms()
        trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), metrics=["accuracy"],
                          callbacks=[callback], progress=False, compile=compile_mode)  # fmt: skip
        histories.append(trainer.fit((X, Y), epochs=3, batch_size=40, seed=0))  # batches of 40, 40, 16
        norms.append(callback.norms)
        weights.append(model.state_dict())
    for other in (1, 2):  # a gradient callback makes compile=True exact too
        assert histories[other]["loss"] == histories[0]["loss"]
        assert histories[other]["accuracy"] == histories[0]["accuracy"]
        assert norms[other] == norms[0] and len(norms[0]) == 9
        assert all(np.array_equal(weights[0][k], weights[other][k]) for k in weights[0])


def test_trainer_compile_rejects_bad_values():
    from gradstep.errors import TrainingConfigError
    from gradstep.train import Trainer

    model = mlp()
    with pytest.raises(TrainingConfigError, match="compile must be False, True or 'exact'"):
        Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1), compile="yes")


def test_a_model_that_assigns_attributes_in_forward_falls_back_instead_of_retracing_forever():
    class Caching(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 3, seed=0)

        def forward(self, x):
            self.last = self.fc(x)  # a Tensor attribute set at every call
            return self.last

    model = Caching()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
    with pytest.warns(CompileWarning, match="assigns parameters, modules, tensors or buffers to itself"):
        step(X[:8], Y[:8])
    step(X[:8], Y[:8])
    assert step.eager_steps == 1 and step.traces == 1
