"""Scale-out on Dask: the cost of a distributed full-batch step, and 1 against 2 worker processes.

- per-step overhead (``dask-logreg``, ``dask-mlp``): the same estimator fit on
  NumPy arrays and on a dask array over a LocalCluster of 2 worker processes
  (1 thread each); ``report()`` gives the median time of one full-batch step
  (the Trainer's per-epoch ``seconds`` after ``warmup`` epochs, over every
  sample so far), without the one-off work of a fit (computing and
  standardising the blocks);
- throughput (``dask-throughput``): ``steps`` distributed full-batch gradients
  of a large logistic regression whose blocks were made once on the workers
  (``dask.array.random``: nothing goes through the driver), with 1 and with 2
  worker processes.
"""

import atexit
import time

from .mlp import Impl


def _cluster(workers):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                           silence_logs=50)  # fmt: skip
    client = Client(cluster)
    atexit.register(cluster.close)  # the bench worker process ends at the end of its input
    atexit.register(client.close)
    return cluster, client


def _problem(config):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(config["n"], config["d"]))
    y = (X @ rng.normal(size=config["d"]) + rng.normal(size=config["n"]) > 0).astype(np.int64)
    return X, y


def _estimator(config, epochs):
    from gradstep.models import LogisticRegression, MLPClassifier

    if config["model"] == "mlp":
        return MLPClassifier(tuple(config["hidden"]), batch_size=None, epochs=epochs, tol=None, random_state=0)
    return LogisticRegression(batch_size=None, epochs=epochs, tol=None, learning_rate=0.5)


def _per_step(config, fit):
    """Time one full-batch step as the median of the Trainer's per-epoch ``seconds`` after ``warmup`` epochs.

    Each epoch of a full-batch fit is one step; the one-off work of a fit
    (computing and standardising the blocks) is outside the epochs.
    """
    import numpy as np

    from gradstep.train.history import History

    state = {}
    append = History.append

    def recording(self, epoch, logs):
        state.setdefault("seconds", []).append(logs["seconds"])
        return append(self, epoch, logs)

    def run():
        state["seconds"] = []
        History.append = recording
        try:
            est = fit(config["warmup"] + config["steps"])
        finally:
            History.append = append
        state.setdefault("steps", []).extend(state["seconds"][config["warmup"] :])
        state["loss"] = est.loss_curve_[-1]

    def report():
        # the median step of every sample so far (warm-up run included), not of the last one only
        return {"per_step_ms": 1e3 * float(np.median(state["steps"])), "loss": state["loss"]}

    return run, report


def make_local(config):
    """The estimator on NumPy arrays, in this process."""
    X, y = _problem(config)
    run, report = _per_step(config, lambda epochs: _estimator(config, epochs).fit(X, y))
    return Impl(run, report)


def make_dask(config):
    """The same estimator on a dask array of ``blocks`` row blocks over a LocalCluster of 2 worker processes."""
    import dask.array as da

    X, y = _problem(config)
    cluster, client = _cluster(2)
    dX, dy = da.from_array(X, chunks=(len(X) // config["blocks"], -1)), da.from_array(y, chunks=len(X) // config["blocks"])
    run, report = _per_step(config, lambda epochs: _estimator(config, epochs).fit(dX, dy))
    return Impl(run, report)


def make_throughput(workers):
    def make(config):
        """``steps`` distributed gradients of a logistic regression held by ``workers`` worker processes."""
        import dask.array as da
        import numpy as np

        from gradstep.distributed import DistributedGradient
        from gradstep.distributed import blocks as B
        from gradstep.distributed.chunks import ChunkedData
        from gradstep.models._linear_gd import LinearScores, delta_rule
        from gradstep.models._score_losses import logistic

        cluster, client = _cluster(workers)
        n, d = config["n"], config["d"]
        rows = n // config["blocks"]
        X = da.random.default_rng(0).standard_normal((n, d), chunks=(rows, d))
        t = (X[:, 0] + X[:, 1] > 0).astype(np.float64)[:, None].rechunk((rows, 1))
        data = ChunkedData.from_dask(X, t, client).derive(B.regression_targets, np.float64, "bench").wait()  # t (n, 1)
        module = LinearScores(d, 1)
        engine = DistributedGradient(data, B.loss_and_grad_sums, [(module, delta_rule(module, logistic, 0.0)), False])
        W, b = np.zeros((d, 1)), np.zeros(1)
        engine([[W, b]])  # one step before the timed ones (a oneshot workload has no warm-up run)
        state = {}

        def run():
            W[...] = 0.0
            b[...] = 0.0
            for _ in range(config["steps"]):
                loss, (gW, gb), count = engine([[W, b]])
                np.subtract(W, 0.5 * gW / count, out=W)  # plain gradient descent on the mean log-loss
                np.subtract(b, 0.5 * gb / count, out=b)
            state["loss"] = loss / count

        return Impl(run, lambda: {"loss": state["loss"]})

    return make


def step_flops(config):
    """Flops of the two matrix-vector products of every step (X w and X^T g)."""
    return 4 * config["n"] * config["d"] * config["steps"]
