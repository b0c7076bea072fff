"""The MLP 784-256-128-10 (ReLU, softmax cross-entropy, float32) trained on MNIST by every implementation.

Each ``make_*`` function builds one implementation for a config (dict with
``data``, ``n``, ``batch``, ``optimizer`` ("sgd" or "adam"), ``lr``,
``threads``) and returns an ``Impl`` whose ``run()`` trains one epoch over
the first ``n`` samples (shuffled each epoch, the last batch partial) and whose
``report()`` gives the mean training loss of the last epoch. Setup (imports,
data, initial weights) happens in ``make_*``, outside the timed region.
All implementations start every run from the same weights with a fresh
optimizer state, so every run does the same work: a model trained on for
several epochs would slow down as Adam's first moments of rarely active
weights decay into subnormal floats (about 100x slower arithmetic on x86),
which would make later rounds slower than earlier ones.
"""

import math

SIZES = (784, 256, 128, 10)
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


class Impl:
    """One implementation of a workload: ``run()`` is timed, ``report()`` (untimed) returns extra figures.

    ``step(xb, yb)``, where given: one training step on a batch (NumPy arrays) from the implementation's current
    state, what ``run()`` repeats; bench/interleaved.py alternates the steps of several implementations.
    """

    def __init__(self, run, report=None, step=None):
        self.run = run
        self.report = report or dict
        self.step = step


def step_flops(n):
    """Floating-point operations of the 8 GEMMs of one step on n samples: 3 forward, 3 weight grads, 2 input grads."""
    forward = sum(2 * a * b for a, b in zip(SIZES[:-1], SIZES[1:]))
    input_grads = sum(2 * a * b for a, b in zip(SIZES[1:-1], SIZES[2:]))
    return n * (2 * forward + input_grads)


def epoch_flops(config):
    """GEMM flops of one epoch (every sample once)."""
    return step_flops(config["n"])


def linear_is_out_in():
    """True when the installed gradstep's nn.Linear stores its weight (out_features, in_features), as PyTorch."""
    from gradstep import nn

    return nn.Linear(2, 3).weight.shape == (3, 2)


def initial_params(seed=0):
    """Uniform(+-1/sqrt(fan_in)) weights (in, out) and biases, float32, as a flat list [W1, b1, W2, b2, W3, b3]."""
    import numpy as np

    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / math.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return params


def load(config):
    """The config's training data: X float32 (n, 784), y int64 (n,)."""
    from datasets import mnist

    X, y, _ = mnist(config["data"], config["n"])
    return X, y


def batches(n, batch, rng):
    """Index arrays of one shuffled epoch; a full batch is the data itself (no new order, no copy)."""
    if batch >= n:
        return [slice(None)]
    order = rng.permutation(n)
    return [order[i : i + batch] for i in range(0, n, batch)]


# ----- hand-written NumPy (the reference: no autodiff) ---------------------------------------------
def hand_update(params, grads, m, v, state, lr, adam):
    """The references' in-place update of ``params`` (ndarrays) by ``grads`` (overwritten): SGD or Adam."""
    import numpy as np

    if not adam:
        for p, g in zip(params, grads):  # p -= lr * g
            g *= lr
            p -= g
        return
    # m = b1 m + (1-b1) g ; v = b2 v + (1-b2) g^2 ; p -= lr * m_hat / (sqrt(v_hat) + eps)
    beta1, beta2 = ADAM_BETAS
    state["t"] += 1
    t = state["t"]
    step_size = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    eps = ADAM_EPS * math.sqrt(1 - beta2**t)
    for p, g, mi, vi in zip(params, grads, m, v):
        mi *= beta1
        mi += (1 - beta1) * g
        vi *= beta2
        g *= g
        g *= 1 - beta2
        vi += g
        np.sqrt(vi, out=g)
        g += eps
        np.divide(mi, g, out=g)
        g *= step_size
        p -= g


def make_numpy(config):
    """The MLP written by hand in NumPy: forward, backward and in-place updates on preallocated state."""
    import numpy as np

    X, y = load(config)
    initial = initial_params()
    params = [p.copy() for p in initial]
    W1, b1, W2, b2, W3, b3 = params
    lr, batch, adam = np.float32(config["lr"]), config["batch"], config["optimizer"] == "adam"
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    state = {"t": 0, "loss": 0.0}
    rng = np.random.default_rng(1)

    def restart():
        for p, p0, mi, vi in zip(params, initial, m, v):
            p[...] = p0
            mi.fill(0)
            vi.fill(0)
        state["t"] = 0

    def step(xb, yb):
        n = len(yb)
        rows = np.arange(n)
        a1 = xb @ W1
        a1 += b1
        np.maximum(a1, 0, out=a1)
        a2 = a1 @ W2
        a2 += b2
        np.maximum(a2, 0, out=a2)
        z = a2 @ W3
        z += b3
        z -= z.max(axis=1, keepdims=True)
        picked = z[rows, yb]
        np.exp(z, out=z)
        total = z.sum(axis=1, keepdims=True)
        # L = mean(log sum_j e^(z_j) - z_y)   (z shifted by its row max)
        loss = np.log(total[:, 0]).mean() - picked.mean()
        # dL/dz = (softmax - onehot) / n
        z /= total
        z[rows, yb] -= 1
        z *= np.float32(1 / n)
        g2 = z @ W3.T
        g2 *= a2 > 0
        g1 = g2 @ W2.T
        g1 *= a1 > 0
        if n == 1:  # an outer product: a broadcast multiply is several times faster than matmul
            grads = (xb.T * g1, g1[0], a1.T * g2, g2[0], a2.T * z, z[0])
        else:
            grads = (xb.T @ g1, g1.sum(0), a1.T @ g2, g2.sum(0), a2.T @ z, z.sum(0))
        hand_update(params, grads, m, v, state, lr, adam)
        return loss

    def run():
        restart()
        total = 0.0
        for idx in batches(len(X), batch, rng):
            yb = y[idx]
            total += float(step(X[idx], yb)) * len(yb)
        state["loss"] = total / len(X)

    return Impl(run, lambda: {"loss": state["loss"]}, step)


# ----- the GEMM-only floor ---------------------------------------------------------------------------
def make_gemm(config):
    """Only the 8 matrix products of each step, into preallocated outputs: the limit of a dense implementation.

    The compiled step can do less on MNIST: it leaves the batch's all-zero input columns out of the first layer.
    """
    import numpy as np

    X, _ = load(config)
    W1, _, W2, _, W3, _ = initial_params()
    batch = config["batch"]
    z1, z2, z3 = (np.empty((batch, k), np.float32) for k in SIZES[1:])
    g2, g1 = np.empty((batch, SIZES[2]), np.float32), np.empty((batch, SIZES[1]), np.float32)
    gW1, gW2, gW3 = np.empty_like(W1), np.empty_like(W2), np.empty_like(W3)

    def step(xb, yb=None):
        k = len(xb)
        np.matmul(xb, W1, out=z1[:k])
        np.matmul(z1[:k], W2, out=z2[:k])
        np.matmul(z2[:k], W3, out=z3[:k])
        np.matmul(z2[:k].T, z3[:k], out=gW3)
        np.matmul(z3[:k], W3.T, out=g2[:k])
        np.matmul(z1[:k].T, g2[:k], out=gW2)
        np.matmul(g2[:k], W2.T, out=g1[:k])
        np.matmul(xb.T, g1[:k], out=gW1)

    def run():
        for i in range(0, len(X), batch):
            step(X[i : i + batch])

    return Impl(run, step=step)


# ----- PyTorch eager -----------------------------------------------------------------------------------
def make_torch(config):
    """nn.Sequential of Linear/ReLU, F.cross_entropy, torch.optim.SGD or Adam: the usual PyTorch loop."""
    import numpy as np
    import torch

    torch.set_num_threads(config["threads"])
    X, y = load(config)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    layers = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    params = initial_params()
    rng = np.random.default_rng(1)
    state = {"loss": 0.0}

    def restart():
        with torch.no_grad():
            for layer, (W, b) in zip(model[::2], zip(params[::2], params[1::2])):
                layer.weight.copy_(torch.from_numpy(W.T))
                layer.bias.copy_(torch.from_numpy(b))
        if config["optimizer"] == "adam":
            return torch.optim.Adam(model.parameters(), lr=config["lr"], betas=ADAM_BETAS, eps=ADAM_EPS)
        return torch.optim.SGD(model.parameters(), lr=config["lr"])

    def step(xb, yb):  # tensors, or NumPy arrays (shared, not copied)
        loss = torch.nn.functional.cross_entropy(model(torch.as_tensor(xb)), torch.as_tensor(yb))
        opt = state["opt"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    def run():
        state["opt"] = restart()
        total = 0.0
        for idx in batches(len(X), config["batch"], rng):
            if not isinstance(idx, slice):
                idx = torch.from_numpy(idx)
            yb = yt[idx]
            total += step(Xt[idx], yb) * len(yb)
        state["loss"] = total / len(X)

    state["opt"] = restart()
    return Impl(run, lambda: {"loss": state["loss"]}, step)


# ----- scikit-learn ------------------------------------------------------------------------------------
def make_sklearn(config):
    """sklearn.neural_network.MLPClassifier(...).fit for one epoch (max_iter=1), no L2 penalty, no momentum."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = load(config)
    options = dict(
        hidden_layer_sizes=SIZES[1:-1], activation="relu", alpha=0.0, batch_size=config["batch"],
        learning_rate_init=config["lr"], max_iter=1, shuffle=True, random_state=0, tol=0.0,
    )  # fmt: skip
    if config["optimizer"] == "adam":
        options.update(solver="adam", beta_1=ADAM_BETAS[0], beta_2=ADAM_BETAS[1], epsilon=ADAM_EPS)
    else:
        options.update(solver="sgd", momentum=0.0, nesterovs_momentum=False)
    state = {}

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            state["model"] = MLPClassifier(**options).fit(X, y)

    return Impl(run, lambda: {"loss": float(state["model"].loss_)})


# ----- gradstep: the autodiff core with a hand-written update ------------------------------------------
def make_gradstep_ops(config):
    """gradstep.ops (linear, relu, log_softmax, indexing, mean) for the loss and gradients; update by hand.

    Isolates the autodiff core from nn/optim/train: the update is the
    reference's in-place SGD or Adam on the parameters' arrays.
    """
    import numpy as np

    import gradstep
    from gradstep import ops

    X, y = load(config)
    # the weights in nn.Linear's (out, in) layout, as ops.linear takes them (PyTorch's; the others use (in, out)),
    # in nn.Linear's memory order too: the transpose of the (in, out) array (an older gradstep, run by
    # run.py --baseline, takes (in, out))
    initial = [p.T if linear_is_out_in() else p for p in initial_params()]
    tensors = [gradstep.Tensor(np.copy(p), requires_grad=True) for p in initial]  # np.copy keeps the order
    lr, adam = np.float32(config["lr"]), config["optimizer"] == "adam"
    m = [np.zeros_like(t.data) for t in tensors]
    v = [np.zeros_like(t.data) for t in tensors]
    state = {"t": 0, "loss": 0.0}
    rng = np.random.default_rng(1)

    def restart():
        for p, p0, mi, vi in zip(tensors, initial, m, v):
            p.data[...] = p0
            mi.fill(0)
            vi.fill(0)
        state["t"] = 0

    def step(xb, yb):
        for t in tensors:
            t.grad = None
        h = gradstep.Tensor(xb)
        for i in range(3):
            h = ops.linear(h, tensors[2 * i], tensors[2 * i + 1])
            if i < 2:
                h = ops.relu(h)
        loss = -ops.log_softmax(h)[np.arange(len(yb)), yb].mean()
        loss.backward()
        hand_update([p.data for p in tensors], [np.asarray(p.grad) for p in tensors], m, v, state, lr, adam)
        return loss.item()

    def run():
        restart()
        total = 0.0
        for idx in batches(len(X), config["batch"], rng):
            yb = y[idx]
            total += step(X[idx], yb) * len(yb)
        state["loss"] = total / len(X)

    return Impl(run, lambda: {"loss": state["loss"]}, step)
