"""Data sets: scikit-learn's bundled tables, MNIST and Fashion-MNIST from local IDX files, and CSV files.

Nothing is downloaded. The small tables (digits, iris, breast cancer, wine,
diabetes) ship inside scikit-learn, which is imported only when one of them is
asked for. MNIST and Fashion-MNIST are read from the original ``.gz`` files in a
folder given by ``path=`` or by the ``GRADSTEP_DATA`` environment variable.
"""

import os
from pathlib import Path

import numpy as np

from .errors import DataError, DataFormatError, DatasetNotFoundError, MissingDependencyError
from .idx import read_idx
from .tabular import load_csv

__all__ = [
    "load_digits", "load_iris", "load_breast_cancer", "load_wine", "load_diabetes",
    "load_mnist", "load_fashion_mnist", "load_csv", "MNIST_FILES", "FASHION_MNIST_CLASSES",
]  # fmt: skip

# split -> (images file, labels file), the names used by the original distributions
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip


def _sklearn_dataset(name, dtype, classification):
    """Load ``sklearn.datasets.<name>`` as (X, y) with X in ``dtype``; sklearn is imported here only."""
    try:
        from sklearn import datasets
    except ImportError as err:
        raise MissingDependencyError(
            f'{name} reads the data set bundled with scikit-learn, which is not installed; '
            f'install it with: pip install "gradstep[datasets]"'
        ) from err
    bunch = getattr(datasets, name)()
    X = np.asarray(bunch.data, dtype=dtype)
    y = np.asarray(bunch.target, dtype=np.int64 if classification else dtype)
    return X, y


def load_digits(dtype=np.float32):
    """8x8 images of handwritten digits: X (1797, 64) with values 0..16, y (1797,) in 0..9.

    >>> from gradstep.data import load_digits
    >>> X, y = load_digits()
    >>> X.shape, y.shape, X.dtype.name, int(X.max())
    ((1797, 64), (1797,), 'float32', 16)
    """
    return _sklearn_dataset("load_digits", dtype, classification=True)


def load_iris(dtype=np.float32):
    """Fisher's iris flowers: X (150, 4) measurements in cm, y (150,) in 0..2, 50 per class.

    >>> from gradstep.data import load_iris
    >>> X, y = load_iris()
    >>> X.shape, y.tolist().count(2)
    ((150, 4), 50)
    """
    return _sklearn_dataset("load_iris", dtype, classification=True)


def load_breast_cancer(dtype=np.float32):
    """Wisconsin breast cancer: X (569, 30) features, y (569,) with 0 = malignant, 1 = benign.

    >>> from gradstep.data import load_breast_cancer
    >>> X, y = load_breast_cancer()
    >>> X.shape, int(y.sum())
    ((569, 30), 357)
    """
    return _sklearn_dataset("load_breast_cancer", dtype, classification=True)


def load_wine(dtype=np.float32):
    """Wine recognition: X (178, 13) chemical measurements, y (178,) in 0..2.

    >>> from gradstep.data import load_wine
    >>> X, y = load_wine()
    >>> X.shape, sorted(set(y.tolist()))
    ((178, 13), [0, 1, 2])
    """
    return _sklearn_dataset("load_wine", dtype, classification=True)


def load_diabetes(dtype=np.float32):
    """Diabetes regression: X (442, 10) scaled features, y (442,) disease progression (25..346).

    >>> from gradstep.data import load_diabetes
    >>> X, y = load_diabetes()
    >>> X.shape, y.dtype.name
    ((442, 10), 'float32')
    """
    return _sklearn_dataset("load_diabetes", dtype, classification=False)


def _find_file(folder, name):
    """``folder/name`` (gzip) or its uncompressed twin without ``.gz``, if either exists."""
    for candidate in (folder / name, folder / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def _locate(where, path, subfolder, split):
    """The two files of ``split``, searched in ``path`` (or $GRADSTEP_DATA) and its ``subfolder``."""
    names = MNIST_FILES[split]
    root = path if path is not None else os.environ.get("GRADSTEP_DATA")
    all_files = ", ".join(name for pair in MNIST_FILES.values() for name in pair)
    if root is None:
        raise DatasetNotFoundError(
            f'{where}: no data folder given. Pass path="folder" or set the GRADSTEP_DATA environment '
            f"variable to a folder that holds {subfolder}/ with the files {all_files}"
        )
    root = Path(root).expanduser()
    searched = [root / subfolder, root]  # a folder of data sets, or the data set's own folder
    for folder in searched:
        files = [_find_file(folder, name) for name in names]
        if all(files):
            return files
    source = "path" if path is not None else "GRADSTEP_DATA"
    raise DatasetNotFoundError(
        f"{where}: cannot find {names[0]} and {names[1]} in {searched[0]} or {searched[1]} (from {source}). "
        f"Put the original files ({all_files}) in {searched[0]}"
    )


def _load_idx_pair(where, path, subfolder, split, normalize, flatten, dtype):
    if split not in MNIST_FILES:
        raise DataError(f"{where}: split must be 'train' or 'test', got {split!r}")
    images_file, labels_file = _locate(where, path, subfolder, split)
    # the magic numbers fix type and rank: 2051 = uint8 with 3 sizes, 2049 = uint8 with 1 size
    images = read_idx(images_file, IMAGES_MAGIC, where)
    labels = read_idx(labels_file, LABELS_MAGIC, where)
    if images.shape[1:] != (28, 28):
        raise DataFormatError(
            f"{where}: {images_file} should hold uint8 images of 28x28 pixels, "
            f"got shape {images.shape} and dtype {images.dtype}"
        )
    if len(images) != len(labels):
        raise DataFormatError(
            f"{where}: {images_file} holds {len(images)} images but {labels_file} holds {len(labels)} labels"
        )
    if len(labels) and labels.max() > 9:
        raise DataFormatError(f"{where}: {labels_file} holds label {labels.max()}; labels must lie in 0..9")
    if flatten:
        images = images.reshape(len(images), -1)
    if normalize:
        images = images.astype(dtype)
        images /= 255  # pixel intensities 0..255 -> [0, 1]
    return images, labels.astype(np.int64)


def load_mnist(path=None, split="train", normalize=True, flatten=False, dtype=np.float32):
    """Load MNIST handwritten digits from the original IDX ``.gz`` files.

    The files ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``
    (60 000 examples) and ``t10k-images-idx3-ubyte.gz``,
    ``t10k-labels-idx1-ubyte.gz`` (10 000) are looked up in ``path/mnist/`` and
    then ``path/`` itself; without ``path``, in the folder named by the
    ``GRADSTEP_DATA`` environment variable. Uncompressed files (the same names
    without ``.gz``) work too. Headers, counts and sizes are checked; a damaged
    file raises ``DataFormatError`` naming it.

    Parameters
    ----------
    path : str or Path, optional
    split : "train" or "test"
    normalize : bool
        Scale pixels to [0, 1] in ``dtype`` (otherwise the raw uint8 values 0..255).
    flatten : bool
        Images as rows of 784 values instead of 28x28.
    dtype : floating dtype of the normalized images (float32).

    Returns
    -------
    X : ndarray (n, 28, 28) or (n, 784)
    y : ndarray (n,) of int64 labels 0..9

    Examples
    --------
    >>> from gradstep.data import load_mnist
    >>> X, y = load_mnist(split="test", flatten=True)  # doctest: +SKIP
    >>> X.shape, y[:5].tolist()  # doctest: +SKIP
    ((10000, 784), [7, 2, 1, 0, 4])
    """
    return _load_idx_pair("load_mnist", path, "mnist", split, normalize, flatten, dtype)


def load_fashion_mnist(path=None, split="train", normalize=True, flatten=False, dtype=np.float32):
    """Load Fashion-MNIST (Zalando) from the original IDX ``.gz`` files: like ``load_mnist``.

    Same file names and format as MNIST, looked up in ``path/fashion-mnist/``
    then ``path/`` (or ``GRADSTEP_DATA``). Labels 0..9 name the classes in
    ``FASHION_MNIST_CLASSES`` (0 T-shirt/top ... 9 Ankle boot).

    Examples
    --------
    >>> from gradstep.data import load_fashion_mnist
    >>> X, y = load_fashion_mnist(split="test")  # doctest: +SKIP
    >>> X.shape, y[:3].tolist()  # doctest: +SKIP
    ((10000, 28, 28), [9, 2, 1])
    """
    return _load_idx_pair("load_fashion_mnist", path, "fashion-mnist", split, normalize, flatten, dtype)
