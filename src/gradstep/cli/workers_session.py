"""A training session on Parquet data read by the dask workers (``train`` / ``resume`` with --workers/--scheduler).

``Session`` reads the data here and splits, standardises and scores it here;
``WorkersSession`` does the same with the rows on the workers, which receive
the Parquet row groups (``load_parquet(..., dask=True)``, one block each) and
keep them:

- the task and the classes: every block's distinct labels (at most
  ``MAX_CLASSES + 1`` numbers per block), the same rule as ``target_task``;
- the split: each block is split on its own by ``train_val_test_split``
  (stratified for classification) with the seed ``[seed, block]``, so the
  split depends only on the seed and the files, not on the workers; the
  three parts stay on the workers;
- the standardisation: column means and standard deviations of the training
  part from per-block sums (``ColumnStats``), constant columns from per-block
  minima and maxima (as ``Standardizer``); the regression target's mean and
  standard deviation likewise;
- the step size ("auto"): the linear models' smoothness constant from the
  training blocks' Gram matrices; the test metrics: ``scores_on_workers``.

Only numbers per block (sizes, sums, label lists) reach this process. The
split is not the one ``Session`` draws on the whole table (that one needs
every label here), so a run trained this way is rebuilt this way: ``resume``,
``evaluate`` and ``predict`` of it go through a cluster again (see
``cluster.run_cluster``).
"""

import math

import numpy as np

from ..errors import GradstepError
from .cluster import scores_on_workers
from .datasets import MAX_CLASSES, _csv_target
from .errors import CommandLineError
from .networks import build_network, build_optimizer, check_model_fits_task
from .session import Preprocessing, Readout, Session, check_network_size


class WorkersDataset:
    """What a Session knows of its data set, for data held by the workers: name, target, task, classes, X's shape.

    ``X`` is the dask array of the features (only its ``shape`` is used here).
    """

    def __init__(self, name, X, target, task, classes):
        self.name, self.X, self.target, self.task, self.classes = name, X, target, task, classes


# ----- what the workers run on their blocks ------------------------------------------------
def target_summary(block, cap):
    """(y's dtype kind, whether every value is a whole number, its distinct values: at most ``cap + 1`` numbers).

    >>> target_summary((None, np.array([2.0, 0.0, 2.0])), 20)
    ('f', True, [0.0, 2.0])
    """
    y = block[1]
    if y.dtype.kind in "USO":
        return "U", True, np.unique(y).tolist()
    whole = y.dtype.kind in "iub" or bool(np.all(y == np.round(y)))
    return y.dtype.kind, whole, np.unique(y)[: cap + 1].tolist()


def split_block(block, fractions, stratify, seed, index):
    """The block's rows split into (train, val, test) blocks, drawn from ``default_rng([seed, index])``.

    >>> parts = split_block((np.arange(10.0)[:, None], np.arange(10) % 2), [0.6, 0.2, 0.2], True, 0, 3)
    >>> [len(X) for X, _ in parts]
    [6, 2, 2]
    """
    from ..data import train_val_test_split

    X, y = block
    X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(
        X, y, fractions=fractions, stratify=stratify, seed=np.random.default_rng([seed, index])
    )
    return (X_tr, y_tr), (X_va, y_va), (X_te, y_te)


def part(parts, k):
    """Part ``k`` (0 train, 1 val, 2 test) of a split block."""
    return parts[k]


def part_sizes(parts):
    """Rows of each part of a split block."""
    return [len(X) for X, _ in parts]


def column_extremes(block):
    """(column minima, column maxima) of a block's X (constant columns are not scaled).

    >>> column_extremes((np.array([[1.0, 5.0], [3.0, 5.0]]), None))
    ([1.0, 5.0], [3.0, 5.0])
    """
    X = block[0]
    return X.min(axis=0).tolist(), X.max(axis=0).tolist()


def scale_block(block, prep, targets, dtype):
    """The block as the network trains on it: the run's scaled features (in ``dtype``) and ``targets(y)``.

    >>> prep = Preprocessing(np.array([1.0]), np.array([2.0]))
    >>> X, t = scale_block((np.array([[3.0]], np.float32), np.array([1, 0])), prep, lambda y: 2 * y - 1, np.float32)
    >>> X.tolist(), t.tolist()
    ([[1.0]], [1, -1])
    """
    X, y = block
    return prep.features(X).astype(dtype, copy=False), targets(y)


# ----- the session ----------------------------------------------------------------------------
class WorkersSession(Session):
    """``Session`` for Parquet ``--data`` read and kept by ``client``'s workers (see the module docstring).

    ``training_blocks()`` gives the training and validation blocks (scaled
    features and training targets, ChunkedData; made when first asked for),
    ``test_scores`` scores the test blocks on the workers.
    """

    on_workers = True

    def __init__(self, options, client):
        from ..data import parquet
        from ..distributed import blocks as B
        from ..distributed.chunks import ChunkedData
        from ..distributed.estimators import ColumnStats, TargetMean

        self.options, self.client = options, client
        spec = options["data"]
        where = f"--data {spec}"
        try:
            names = parquet.column_names(spec)
            column = _csv_target(options["target"])
            if isinstance(column, int):
                if not -len(names) <= column < len(names):
                    raise CommandLineError(f"--target: index {column} is out of range for the columns {names}")
                column = names[column]
            X, y = parquet.load_parquet(spec, target=column, dask=True, dtype=np.float32)
            raw = ChunkedData.from_dask(X, y, client, np.float32, "gradstep train")  # NaN/inf named by block and row
        except CommandLineError:
            raise
        except GradstepError as err:
            raise CommandLineError(f"{where}: {err}") from None
        task, classes = self._task(raw, spec, column)
        self.dataset = WorkersDataset(spec, X, column, task, classes)
        check_model_fits_task(options["model"], task, classes, spec)
        stratify = task == "classification"
        splits = [client.submit(split_block, f, list(options["split"]), stratify, int(options["seed"]), i, pure=False)
                  for i, f in enumerate(raw.futures)]  # fmt: skip
        try:
            sizes = np.array(client.gather([client.submit(part_sizes, s, pure=False) for s in splits]))
        except GradstepError as err:
            raise CommandLineError(f"--split: {err}") from None
        self.parts = []
        for k, name in enumerate(("training", "validation", "test")):
            kept = [(client.submit(part, s, k, pure=False), int(n)) for s, n in zip(splits, sizes[:, k]) if n > 0]
            if not kept:
                raise CommandLineError(
                    f"--split {','.join(map(str, options['split']))}: the {name} split of {spec} "
                    f"({raw.n_samples} rows) is empty; give it a larger fraction"
                )
            self.parts.append(ChunkedData(client, [f for f, _ in kept], [n for _, n in kept], raw.n_features))
        raw.release()
        self.sizes = {k: p.n_samples for k, p in zip(("train", "val", "test"), self.parts)}
        check_network_size(options, raw.n_features, len(classes))
        train = self.parts[0]
        self.prep = self._preprocessing(train, task == "regression", ColumnStats, TargetMean, B)
        self.readout = Readout(task, classes, self.prep)
        shape = np.broadcast_to(np.float32(0), (train.n_samples, train.n_features))  # the shape, no memory
        self.network = build_network(options, shape, np.zeros(0, np.int64), len(classes), task, init=self._init_linear)
        self.readout.network = self.network
        batch = self.batch_size
        self.steps_per_epoch = 1 if batch is None else math.ceil(train.n_samples / batch)
        self.optimizer = build_optimizer(options, self.network, self.steps_per_epoch)
        self._scaled = None

    def _init_linear(self, est, network, n_outputs, where):
        """The linear models' start and step size from the training blocks (``distributed.estimators._init_linear``)."""
        from ..distributed.estimators import _init_linear

        readout = Readout(self.readout.task, self.readout.classes, self.prep, network)
        blocks = self.parts[0].derive(scale_block, self.prep, readout.targets, np.float64)
        _init_linear(est, blocks, n_outputs, where)
        blocks.release()

    def _task(self, raw, spec, column):
        """("classification" with the sorted classes, or "regression" with []) from every block's labels."""
        summaries = raw.map(target_summary, MAX_CLASSES)
        values = np.unique(np.concatenate([np.asarray(s[2]) for s in summaries]))
        text = any(s[0] == "U" for s in summaries)
        whole = all(s[1] for s in summaries)
        if text or (whole and len(values) <= MAX_CLASSES):
            classes = values.tolist()
            if len(classes) < 2:
                raise CommandLineError(
                    f"--data {spec}: the target column {column!r} holds a single class {classes}; a classifier "
                    "needs at least two (for a numeric target, every row is that value)"
                )
            return "classification", classes
        return "regression", []

    def _preprocessing(self, train, regression, ColumnStats, TargetMean, B):
        """The run's Preprocessing from reductions over the training blocks (``Preprocessing.fit``'s statistics)."""
        if not self.options["standardize"]:
            return Preprocessing(np.zeros(train.n_features), np.ones(train.n_features))
        stats = ColumnStats(train)
        mean, scale = stats.mean().copy(), stats.std().copy()
        lows, highs = zip(*train.map(column_extremes))
        low, high = np.min(lows, axis=0), np.max(highs, axis=0)
        constant = low == high  # as Standardizer: kept unscaled, its value as the mean, so it maps to 0
        scale[constant] = 1.0
        mean[constant] = low[constant]
        if not regression:
            return Preprocessing(mean, scale)
        y_mean = float(TargetMean(train).mean()[0])
        std = float(np.sqrt(train.sum(B.target_sums, y_mean)[0] / train.n_samples))
        return Preprocessing(mean, scale, y_mean, std if std > 0 else 1.0)

    def training_blocks(self):
        """(train, val) ChunkedData of scaled features and training targets, in the model's dtype (made once)."""
        if self._scaled is None:
            dtype = next(iter(self.network.module.parameters())).data.dtype
            self._scaled = [p.derive(scale_block, self.prep, self.readout.targets, dtype) for p in self.parts[:2]]
        return [(blocks, None) for blocks in self._scaled]

    def test_scores(self, trainer, rows="test"):
        """``(metrics, confusion or None)`` of the test blocks (``rows="all"``: every block), scored on the workers."""
        parts = self.parts[2:] if rows == "test" else self.parts
        if len(parts) == 1:
            return scores_on_workers(parts[0], self.readout, trainer.model, trainer.loss)
        from ..distributed.chunks import ChunkedData

        every = ChunkedData(self.client, [f for p in parts for f in p.futures], [n for p in parts for n in p.sizes],
                            parts[0].n_features)  # fmt: skip
        return scores_on_workers(every, self.readout, trainer.model, trainer.loss)
