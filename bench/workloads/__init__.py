"""Every workload of the suite: its config, its implementations, the references its ratios use.

A workload's implementations are factories ``make(config) -> Impl`` looked up
by name in a worker process; a factory that raises ImportError or
AttributeError (PyTorch or scikit-learn not installed, a gradstep piece not
there yet) makes the implementation "unavailable" rather than failing the run.
"""

from . import gradstep_api, logreg, lstsq, mlp, scaleout


class Workload:
    """One row group of the report: what to run, how to express it, what to compare with.

    ``unit`` is "s" (seconds per run, lower is better) or "samples/s" (``n``
    divided by the time). ``oneshot`` workloads start a fresh process for each
    sample and skip the warm-up (peak memory). ``quick`` overrides the config
    for ``--quick`` runs.
    """

    def __init__(self, title, config, impls, references, flops=None, unit="s", oneshot=False, quick=None):
        self.title, self.config, self.impls, self.references = title, config, impls, references
        self.flops, self.unit, self.oneshot, self.quick = flops, unit, oneshot, quick or {}

    def configured(self, quick=False, **extra):
        """The config dict for a run (with the quick overrides when asked)."""
        config = dict(self.config, **extra)
        if quick:
            config.update(self.quick)
        return config


def _mlp_impls(optimizer):
    impls = {
        "gradstep Trainer.fit": gradstep_api.make_trainer,
        "gradstep MLPClassifier.fit": gradstep_api.make_mlp_classifier,
        "gradstep compiled": gradstep_api.make_compiled,
        "gradstep eager loop": gradstep_api.make_eager_loop,
        "gradstep ops + hand update": mlp.make_gradstep_ops,
        "pytorch": mlp.make_torch,
        "sklearn MLPClassifier": mlp.make_sklearn,
        "numpy": mlp.make_numpy,
    }
    if optimizer == "sgd":
        impls["gemm floor"] = mlp.make_gemm
    return impls


def _throughput(batch, n, quick_n):
    return Workload(
        f"MLP {'-'.join(map(str, mlp.SIZES))} samples/s, batch {batch}, SGD lr 0.01, {n} samples per run",
        dict(n=n, batch=batch, optimizer="sgd", lr=0.01),
        {
            "gradstep Trainer.fit": gradstep_api.make_trainer,
            "gradstep compiled": gradstep_api.make_compiled,
            "gradstep ops + hand update": mlp.make_gradstep_ops,
            "pytorch": mlp.make_torch,
            "numpy": mlp.make_numpy,
        },
        ["pytorch", "numpy"],
        flops=mlp.epoch_flops,
        unit="samples/s",
        quick={"n": quick_n},
    )


WORKLOADS = {
    "mlp-sgd": Workload(
        "MLP 784-256-128-10 ReLU, softmax CE, batch 128, SGD lr 0.1, one epoch of 60000 (float32)",
        dict(n=60000, batch=128, optimizer="sgd", lr=0.1),
        _mlp_impls("sgd"),
        ["pytorch", "sklearn MLPClassifier", "numpy", "gemm floor"],
        flops=mlp.epoch_flops,
        quick={"n": 12800},
    ),
    "mlp-adam": Workload(
        "MLP 784-256-128-10 ReLU, softmax CE, batch 128, Adam lr 1e-3, one epoch of 60000 (float32)",
        dict(n=60000, batch=128, optimizer="adam", lr=1e-3),
        _mlp_impls("adam"),
        ["pytorch", "sklearn MLPClassifier", "numpy"],
        flops=mlp.epoch_flops,
        quick={"n": 12800},
    ),
    "batch1": _throughput(1, 3000, 1000),
    "batch32": _throughput(32, 19200, 6400),
    "batch512": _throughput(512, 60000, 15360),
    "fullbatch": _throughput(60000, 60000, 60000),
    "logreg": Workload(
        "binary logistic regression 200000 x 100 float64, minibatch SGD batch 256 lr 0.1, 5 epochs",
        dict(n=logreg.N, batch=256, lr=0.1, epochs=5),
        {
            "gradstep LogisticRegression.fit": gradstep_api.make_logistic_regression,
            "gradstep compiled": gradstep_api.make_compiled_logreg,
            "gradstep ops + hand update": logreg.make_gradstep_ops,
            "pytorch": logreg.make_torch,
            "sklearn SGDClassifier": logreg.make_sklearn,
            "numpy": logreg.make_numpy,
        },
        ["pytorch", "sklearn SGDClassifier", "numpy"],
        flops=logreg.epoch_flops,
        quick={"n": 50000, "epochs": 2},
    ),
    "lstsq": Workload(
        "least squares 200000 x 100 float64, no intercept",
        dict(n=lstsq.N),
        {
            "gradstep LinearRegression(normal)": gradstep_api.make_linear_regression,
            "pytorch lstsq": lstsq.make_torch,
            "sklearn LinearRegression": lstsq.make_sklearn,
            "numpy solve(X.T@X, X.T@y)": lstsq.make_numpy,
        },
        ["pytorch lstsq", "sklearn LinearRegression", "numpy solve(X.T@X, X.T@y)"],
        flops=lstsq.epoch_flops,
        quick={"n": 50000},
    ),
    "dask-logreg": Workload(
        "dask: one full-batch LogisticRegression step, 20000 x 20 float64 in 8 blocks, NumPy vs 2 worker processes",
        dict(model="logreg", n=20000, d=20, blocks=8, warmup=3, steps=40),
        {"gradstep NumPy": scaleout.make_local, "gradstep dask 2 workers": scaleout.make_dask},
        ["gradstep NumPy"],
        quick={"steps": 15},
    ),
    "dask-mlp": Workload(
        "dask: one full-batch MLPClassifier (64, 32) step, 20000 x 20 float32 in 8 blocks, NumPy vs 2 worker processes",
        dict(model="mlp", hidden=[64, 32], n=20000, d=20, blocks=8, warmup=3, steps=20),
        {"gradstep NumPy": scaleout.make_local, "gradstep dask 2 workers": scaleout.make_dask},
        ["gradstep NumPy"],
        quick={"steps": 8},
    ),
    "dask-throughput": Workload(
        "dask: full-batch logistic-regression gradients, 2000000 x 100 float64 in 8 blocks, 1 vs 2 worker processes",
        dict(n=2000000, d=100, blocks=8, steps=5),
        {"gradstep dask 1 worker": scaleout.make_throughput(1), "gradstep dask 2 workers": scaleout.make_throughput(2)},
        ["gradstep dask 1 worker"],
        flops=scaleout.step_flops,
        unit="samples/s",
        oneshot=True,  # one cluster at a time: with both holding 1.6 GB alive, 2 workers ran up to 10x slower
        quick={"n": 400000},
    ),
    "memory": Workload(
        "peak resident memory of a training run: MLP, one SGD epoch of 60000, batch 128, data included",
        dict(n=60000, batch=128, optimizer="sgd", lr=0.1),
        {
            "gradstep Trainer.fit": gradstep_api.make_trainer,
            "gradstep compiled": gradstep_api.make_compiled,
            "gradstep ops + hand update": mlp.make_gradstep_ops,
            "pytorch": mlp.make_torch,
            "numpy": mlp.make_numpy,
        },
        ["numpy"],
        unit="MiB",
        oneshot=True,
        quick={"n": 12800},
    ),
}
