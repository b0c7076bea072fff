"""gradstep through its public training API: Trainer.fit, MLPClassifier.fit, LogisticRegression, LinearRegression.

Same configs and data as the references in mlp.py, logreg.py and lstsq.py
(Trainer.fit also starts from the same weights). A factory raises
ImportError/AttributeError when a piece is missing from the installed
gradstep; the runner then lists the implementation as unavailable.
"""

from . import logreg, lstsq, mlp
from .mlp import Impl


def _optimizer(config, params):
    from gradstep import optim

    if config["optimizer"] == "adam":
        return optim.Adam(params, lr=config["lr"], betas=mlp.ADAM_BETAS, eps=mlp.ADAM_EPS)
    return optim.SGD(params, lr=config["lr"])


def mlp_model():
    """(model, reset): nn.Sequential(Linear, ReLU, Linear, ReLU, Linear) of mlp.SIZES in float32, and a function
    that puts the references' initial weights back (every run starts from them)."""
    import numpy as np

    from gradstep import nn

    layers = []
    for fan_in, fan_out in zip(mlp.SIZES[:-1], mlp.SIZES[1:]):
        layers += [nn.Linear(fan_in, fan_out, dtype=np.float32), nn.ReLU()]
    params = mlp.initial_params()

    def reset():
        for layer, W, b in zip(layers[::2], params[::2], params[1::2]):
            _set_weights(layer, W, b)

    return nn.Sequential(*layers[:-1]), reset


def make_trainer(config):
    """nn.Sequential(Linear, ReLU, Linear, ReLU, Linear), nn.CrossEntropyLoss, optim.SGD/Adam, Trainer.fit(epochs=1)."""
    import numpy as np

    from gradstep import nn
    from gradstep.train import Trainer

    X, y = mlp.load(config)
    model, reset = mlp_model()
    rng = np.random.default_rng(1)
    state = {}

    def run():
        # every run restarts from the initial weights with a fresh optimizer (see mlp.py)
        reset()
        trainer = Trainer(model, nn.CrossEntropyLoss(), _optimizer(config, model.parameters()), progress=False)
        # a full batch needs no new order (as in the references): shuffle only minibatches
        trainer.fit((X, y), epochs=1, batch_size=config["batch"], shuffle=config["batch"] < len(X), seed=rng)
        state["loss"] = trainer.history["loss"][-1]

    return Impl(run, lambda: {"loss": state["loss"]})


def make_mlp_classifier(config):
    """gradstep.models.MLPClassifier((256, 128), optimizer, learning_rate, batch_size, epochs=1, tol=None).fit.

    ``standardize=False``: the references train on the same unscaled inputs.
    """
    from gradstep.models import MLPClassifier

    X, y = mlp.load(config)
    state = {}

    def run():
        state["model"] = MLPClassifier(
            hidden_layer_sizes=mlp.SIZES[1:-1], optimizer=config["optimizer"], learning_rate=config["lr"],
            batch_size=config["batch"], epochs=1, tol=None, standardize=False, shuffle=True, random_state=0,
        ).fit(X, y)  # fmt: skip

    return Impl(run, lambda: {"loss": state["model"].loss_curve_[-1]})


def make_logistic_regression(config):
    """gradstep.models.LogisticRegression(alpha=0, optimizer="sgd", batch_size=256, epochs=5, tol=None).

    ``standardize=False``: the features are already standardised, and the
    references do not standardise either.
    """
    from gradstep.models import LogisticRegression

    from datasets import log_loss

    X, y = logreg.load(config)
    state = {}

    def run():
        state["model"] = LogisticRegression(
            alpha=0.0, optimizer="sgd", learning_rate=config["lr"], batch_size=config["batch"],
            epochs=config["epochs"], tol=None, standardize=False, shuffle=True, random_state=0,
        ).fit(X, y)  # fmt: skip

    def report():
        return {"log_loss": log_loss(state["model"].predict_proba(X)[:, 1], y)}

    return Impl(run, report)


def make_linear_regression(config):
    """gradstep.models.LinearRegression(solver="normal", fit_intercept=False).fit."""
    import numpy as np

    from gradstep.models import LinearRegression

    X, y = lstsq.load(config)
    state = {}

    def run():
        state["coef"] = np.ravel(LinearRegression(solver="normal", fit_intercept=False).fit(X, y).coef_)

    return Impl(run, lambda: {"coef": [float(c) for c in state["coef"]]})


def _set_weights(layer, W, b):
    """Copy reference weights stored (in, out) into a Linear, which stores PyTorch's (out, in).

    (A gradstep from before the layout change, run by ``run.py --baseline``, stores (in, out).)
    """
    layer.weight.data[...] = W.T if mlp.linear_is_out_in() else W
    layer.bias.data[...] = b


def make_compiled(config):
    """The PyTorch-style loop over the same batches, its step made by gradstep.compile (SGD folded into BLAS).

    The step is compiled once and kept across runs, as in a training run of many epochs; each run puts back the
    references' initial weights and the optimizer's initial state (Adam's moments at zero, step 0), so it computes
    what the references compute, and the full batch (one step a run) measures the replay, not the traced steps.
    """
    import numpy as np

    import gradstep
    from gradstep import nn

    compile_step = gradstep.compile  # looked up here: a gradstep without it is "unavailable" (also one-shot)
    X, y = mlp.load(config)
    model, reset = mlp_model()
    reset()
    rng = np.random.default_rng(1)
    optimizer = _optimizer(config, model.parameters())
    initial = optimizer.state_dict()  # before any step
    step = compile_step(model, nn.CrossEntropyLoss(), optimizer)
    state = {}

    def run():
        reset()
        optimizer.load_state_dict(initial)
        total = 0.0
        for idx in mlp.batches(len(X), config["batch"], rng):
            yb = y[idx]
            total += step(X[idx], yb) * len(yb)
        state["loss"] = total / len(X)

    return Impl(run, lambda: {"loss": state["loss"]}, step)


def make_compiled_logreg(config):
    """nn.Linear(100, 1) in float64, nn.BCEWithLogitsLoss, optim.SGD, the step made by gradstep.compile.

    With compile's default (not ``exact``) the replay is ``compile.linear_step.LinearBCEStep``: the fused step.
    """
    import numpy as np

    import gradstep
    from gradstep import nn, optim

    from datasets import log_loss

    X, y = logreg.load(config)
    batch = config["batch"]
    rng = np.random.default_rng(1)
    model = nn.Linear(logreg.D, 1, dtype=np.float64)
    state = {}

    def run():
        model.weight.data[...] = 0
        model.bias.data[...] = 0
        step = gradstep.compile(model, nn.BCEWithLogitsLoss(), optim.SGD(model.parameters(), lr=config["lr"]))
        for _ in range(config["epochs"]):
            order = rng.permutation(len(X))
            for i in range(0, len(X), batch):
                idx = order[i : i + batch]
                step(X[idx], y[idx].reshape(-1, 1))  # (n, 1) targets for the (n, 1) logits

    def report():
        z = X @ model.weight.data.reshape(-1) + model.bias.data[0]
        return {"log_loss": log_loss(1 / (1 + np.exp(-z)), y)}

    return Impl(run, report)


def make_eager_loop(config):
    """The plain PyTorch-style loop on gradstep (zero_grad, forward, loss, backward, step), no Trainer."""
    import numpy as np

    import gradstep
    from gradstep import nn

    X, y = mlp.load(config)
    model, reset = mlp_model()
    rng = np.random.default_rng(1)
    loss_fn = nn.CrossEntropyLoss()
    state = {"opt": _optimizer(config, model.parameters())}

    def step(xb, yb):
        opt = state["opt"]
        opt.zero_grad()
        loss = loss_fn(model(gradstep.Tensor(xb)), gradstep.Tensor(yb))
        loss.backward()
        opt.step()
        return loss.item()

    def run():
        reset()
        state["opt"] = _optimizer(config, model.parameters())
        total = 0.0
        for idx in mlp.batches(len(X), config["batch"], rng):
            yb = y[idx]
            total += step(X[idx], yb) * len(yb)
        state["loss"] = total / len(X)

    return Impl(run, lambda: {"loss": state["loss"]}, step)
