"""Binary logistic regression, 200 000 x 100 float64, minibatch SGD (batch 256, lr 0.1), 5 epochs.

``run()`` trains from zero weights; ``report()`` gives the final log-loss on
the training set (and, for the NumPy reference, the optimum found by Newton's
method, so every implementation's gap to it can be shown).
"""

from .mlp import Impl, linear_is_out_in

N, D = 200000, 100


def epoch_flops(config):
    """Flops of the two matrix-vector products per sample per epoch (forward X w, gradient X^T g)."""
    return 4 * config["n"] * D * config["epochs"]


def load(config):
    from datasets import logistic_problem

    return logistic_problem(config["n"], D)


def _newton_optimum(X, y, steps=8):
    """Minimum training log-loss (unregularised) by Newton's method on [w, b]."""
    import numpy as np

    from datasets import log_loss

    A = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(A.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(A @ w)))
        # Newton: w -= (A^T S A)^-1 A^T (p - y),  S = diag(p (1 - p))
        H = A.T @ (A * (p * (1 - p))[:, None])
        w -= np.linalg.solve(H, A.T @ (p - y))
    return log_loss(1 / (1 + np.exp(-(A @ w))), y)


def make_numpy(config):
    """Hand-written minibatch SGD: p = sigmoid(Xb w + b); w -= lr Xb^T (p - y) / n; b -= lr mean(p - y)."""
    import numpy as np

    from datasets import log_loss

    X, y = load(config)
    lr, batch = config["lr"], config["batch"]
    rng = np.random.default_rng(1)
    state = {}

    def run():
        w, b = np.zeros(D), 0.0
        for _ in range(config["epochs"]):
            order = rng.permutation(len(X))
            for i in range(0, len(X), batch):
                idx = order[i : i + batch]
                xb = X[idx]
                z = xb @ w
                z += b
                # sigmoid(z) = 1 / (1 + e^-z); gradient of the mean log-loss: X^T (p - y) / n
                np.negative(z, out=z)
                np.exp(z, out=z)
                z += 1
                np.reciprocal(z, out=z)
                z -= y[idx]
                z *= lr / len(idx)
                w -= xb.T @ z
                b -= z.sum()
        state["w"], state["b"] = w, b

    def report():
        p = 1 / (1 + np.exp(-(X @ state["w"] + state["b"])))
        return {"log_loss": log_loss(p, y), "optimum_log_loss": _newton_optimum(X, y)}

    return Impl(run, report)


def make_torch(config):
    """torch.nn.Linear(100, 1) in float64, BCEWithLogitsLoss, torch.optim.SGD."""
    import numpy as np
    import torch

    from datasets import log_loss

    torch.set_num_threads(config["threads"])
    X, y = load(config)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rng = np.random.default_rng(1)
    state = {}

    def run():
        model = torch.nn.Linear(D, 1, dtype=torch.float64)
        torch.nn.init.zeros_(model.weight)
        torch.nn.init.zeros_(model.bias)
        opt = torch.optim.SGD(model.parameters(), lr=config["lr"])
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(config["epochs"]):
            for idx in torch.from_numpy(rng.permutation(len(X))).split(config["batch"]):
                loss = loss_fn(model(Xt[idx])[:, 0], yt[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        state["model"] = model

    def report():
        with torch.no_grad():
            p = torch.sigmoid(state["model"](Xt)[:, 0]).numpy()
        return {"log_loss": log_loss(p, y)}

    return Impl(run, report)


def make_sklearn(config):
    """sklearn SGDClassifier(loss="log_loss"): plain SGD one sample at a time, constant step 0.01, 5 epochs."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier

    from datasets import log_loss

    X, y = load(config)
    state = {}

    def run():
        model = SGDClassifier(
            loss="log_loss", penalty=None, learning_rate="constant", eta0=0.01,
            max_iter=config["epochs"], tol=None, shuffle=True, random_state=0,
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            state["model"] = model.fit(X, y)

    def report():
        return {"log_loss": log_loss(state["model"].predict_proba(X)[:, 1], y)}

    return Impl(run, report)


def make_gradstep_ops(config):
    """gradstep.ops: mean(softplus(z) - y z) with z = linear(Xb, w, b) (the stable log-loss); update by hand."""
    import numpy as np

    import gradstep
    from gradstep import ops

    from datasets import log_loss

    X, y = load(config)
    lr, batch = config["lr"], config["batch"]
    rng = np.random.default_rng(1)
    state = {}

    def run():
        # (out, in), as ops.linear takes it ((in, out) in a gradstep from before, run by run.py --baseline)
        w = gradstep.Tensor(np.zeros((1, D) if linear_is_out_in() else (D, 1)), requires_grad=True)
        b = gradstep.Tensor(np.zeros(1), requires_grad=True)
        for _ in range(config["epochs"]):
            order = rng.permutation(len(X))
            for i in range(0, len(X), batch):
                idx = order[i : i + batch]
                z = ops.linear(gradstep.Tensor(X[idx]), w, b)
                # -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z
                loss = (ops.softplus(z) - z * gradstep.Tensor(y[idx, None])).mean()
                w.grad = b.grad = None
                loss.backward()
                w.data -= lr * np.asarray(w.grad)  # (np.asarray: .grad was an ndarray before it was a Tensor)
                b.data -= lr * np.asarray(b.grad)
        state["w"], state["b"] = w.data.reshape(-1), b.data[0]

    def report():
        p = 1 / (1 + np.exp(-(X @ state["w"] + state["b"])))
        return {"log_loss": log_loss(p, y)}

    return Impl(run, report)
