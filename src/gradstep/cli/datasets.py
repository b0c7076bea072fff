"""``--data``: a bundled data set, MNIST / Fashion-MNIST from local files, or a CSV file, as (X, y) and its task.

The task follows from the target: class labels (text, or whole numbers with at
most ``MAX_CLASSES`` distinct values) make a classification problem, anything
else a regression problem. MNIST and Fashion-MNIST are read from the folder in
the ``GRADSTEP_DATA`` environment variable, else from ``./data``.
"""

import csv
import os
import re
from dataclasses import dataclass, field

import numpy as np

from .. import data as gsdata
from ..errors import GradstepError
from .errors import CommandLineError
from .options import DATASETS

#: integer targets with at most this many distinct values are class labels
MAX_CLASSES = 20
#: folder searched for mnist/ and fashion-mnist/ when GRADSTEP_DATA is not set
DEFAULT_DATA_DIR = "data"


@dataclass
class Dataset:
    """Features, raw targets and what they are: ``task`` is "classification" or "regression".

    >>> ds = Dataset("toy", np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    >>> ds.task, ds.classes
    ('classification', [0, 1])
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    target: str = "target"
    task: str = field(init=False)
    classes: list = field(init=False)

    def __post_init__(self):
        self.task = target_task(self.y)
        self.classes = np.unique(self.y).tolist() if self.task == "classification" else []


def target_task(y):
    """"classification" for text labels or few whole numbers, else "regression".

    >>> target_task(np.array(["cat", "dog"])), target_task(np.array([0.5, 1.25]))
    ('classification', 'regression')
    >>> target_task(np.arange(100))  # 100 distinct whole numbers: a count, not classes
    'regression'
    """
    if y.dtype.kind in "USO":
        return "classification"
    whole = y.dtype.kind in "iub" or bool(np.all(y == np.round(y)))
    return "classification" if whole and len(np.unique(y)) <= MAX_CLASSES else "regression"


def _mnist(name, split):
    loader = gsdata.load_mnist if name == "mnist" else gsdata.load_fashion_mnist
    folder = os.environ.get("GRADSTEP_DATA", DEFAULT_DATA_DIR)
    try:
        return loader(path=folder, split=split, flatten=True)
    except gsdata.DatasetNotFoundError as err:
        raise CommandLineError(
            f"--data {name}: {err} (or set GRADSTEP_DATA to the folder that holds {name}/)"
        ) from None


def _csv_target(target):
    """A --target that is a whole number is a column index, anything else a column name."""
    if target is None:
        return -1
    return int(target) if re.fullmatch(r"-?\d+", target) else target


def csv_header(path):
    """The column names in the first line of a CSV file.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(path, "w").write("a, b,c\\n1,2,3\\n")
    >>> csv_header(path)
    ['a', 'b', 'c']
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            return [name.strip() for name in next(csv.reader(f), [])]
    except UnicodeDecodeError as err:
        raise CommandLineError(
            f"{path} is not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start}); "
            "save it as UTF-8"
        ) from None
    except (OSError, csv.Error) as err:
        raise CommandLineError(f"cannot read {path}: {getattr(err, 'strerror', None) or err}") from None


def load_dataset(spec, target=None, split="train"):
    """The data set named by ``--data`` (and ``--target`` for a CSV file) as a ``Dataset``.

    ``split`` picks MNIST's official "train" or "test" file; other data sets
    come whole and are split by ``split_dataset``.

    >>> ds = load_dataset("iris")
    >>> ds.X.shape, ds.task, ds.classes
    ((150, 4), 'classification', [0, 1, 2])
    """
    if spec in DATASETS and target is not None:
        raise CommandLineError(
            f"--target {target}: applies to CSV files only; the built-in data set {spec} has its own target"
        )
    if spec in ("mnist", "fashion-mnist"):
        X, y = _mnist(spec, split)
        return Dataset(spec, X, y, target="label")
    if spec in DATASETS:
        X, y = getattr(gsdata, f"load_{spec}")()
        return Dataset(spec, X, y)
    if is_parquet(spec):
        return _parquet(spec, target)
    if not spec.lower().endswith(".csv"):
        raise CommandLineError(
            f"--data: unknown data set {spec!r}; use one of {', '.join(DATASETS)}, a FILE.csv, a FILE.parquet "
            "or a FOLDER of .parquet files"
        )
    if not os.path.isfile(spec):
        raise CommandLineError(f"--data: no such file: {spec}")
    column = _csv_target(target)
    try:
        X, y = gsdata.load_csv(spec, target=column)
    except GradstepError as err:
        raise CommandLineError(f"--data {spec}: {err}") from None
    names = csv_header(spec)
    return Dataset(spec, X.astype(np.float32), y, target=names[column] if isinstance(column, int) else column)


def is_parquet(spec):
    """True for a ``.parquet`` file or glob, or a folder (of Parquet files).

    >>> is_parquet("data/train.parquet"), is_parquet("iris")
    (True, False)
    """
    return spec.lower().endswith(".parquet") or os.path.isdir(spec)


def _parquet(spec, target):
    """A Parquet file, folder or glob read on the driver: the target by name, index or (default) the last column."""
    try:
        names = gsdata.parquet.column_names(spec)
        column = _csv_target(target)
        if isinstance(column, int):
            if not -len(names) <= column < len(names):
                raise CommandLineError(f"--target: index {column} is out of range for the columns {names}")
            column = names[column]
        X, y = gsdata.load_parquet(spec, target=column, dask=False, dtype=np.float32)
    except CommandLineError:
        raise
    except GradstepError as err:
        raise CommandLineError(f"--data {spec}: {err}") from None
    return Dataset(spec, X, y, target=column)


def split_dataset(dataset, fractions, seed):
    """``(X_train, X_val, X_test, y_train, y_val, y_test)``: stratified for classification.

    For MNIST and Fashion-MNIST the test part is the official test file and the
    official training file is divided into train and validation in the ratio
    of the first two fractions.

    >>> parts = split_dataset(load_dataset("iris"), [0.6, 0.2, 0.2], seed=0)
    >>> [len(p) for p in parts[:3]]
    [90, 30, 30]
    """
    stratify = dataset.task == "classification"
    if dataset.name in ("mnist", "fashion-mnist"):
        test = load_dataset(dataset.name, split="test")
        val_fraction = fractions[1] / (fractions[0] + fractions[1])
        X_train, X_val, y_train, y_val = gsdata.train_test_split(
            dataset.X, dataset.y, test_fraction=val_fraction, stratify=True, seed=seed
        )
        return X_train, X_val, test.X, y_train, y_val, test.y
    try:
        return gsdata.train_val_test_split(dataset.X, dataset.y, fractions=fractions, stratify=stratify, seed=seed)
    except GradstepError as err:
        raise CommandLineError(f"--split: {err}") from None
