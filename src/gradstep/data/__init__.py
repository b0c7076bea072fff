"""Data for training: loaders, splits, preprocessing, augmentation and data sets.

>>> import numpy as np
>>> from gradstep.data import DataLoader, Standardizer, train_test_split
>>> X, y = np.random.default_rng(0).normal(size=(100, 3)), np.arange(100) % 2
>>> X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=True, seed=0)
>>> scaler = Standardizer().fit(X_train)
>>> loader = DataLoader(scaler.transform(X_train), y_train, batch_size=16, seed=0)
>>> len(loader), len(X_test)
(5, 20)
"""

from . import augmentation, datasets
from .augmentation import Compose, GaussianNoise, RandomRotation, RandomShift
from .datasets import (
    FASHION_MNIST_CLASSES,
    load_breast_cancer,
    load_csv,
    load_diabetes,
    load_digits,
    load_fashion_mnist,
    load_iris,
    load_mnist,
    load_wine,
)
from .dataset import Dataset, Subset, TensorDataset, default_collate, random_split
from .errors import DataError, DataFormatError, DatasetNotFoundError, MissingDependencyError, NotFittedError
from .idx import read_idx
from .loader import DataLoader
from .parquet import load_parquet
from .preprocessing import LabelEncoder, MinMaxScaler, Standardizer, one_hot
from .split import train_test_split, train_val_test_split

__all__ = [
    "DataLoader", "Dataset", "TensorDataset", "Subset", "random_split", "default_collate",
    "train_val_test_split", "train_test_split",
    "Standardizer", "MinMaxScaler", "one_hot", "LabelEncoder",
    "Compose", "GaussianNoise", "RandomRotation", "RandomShift", "augmentation",
    "load_digits", "load_iris", "load_breast_cancer", "load_wine", "load_diabetes",
    "load_mnist", "load_fashion_mnist", "load_csv", "load_parquet", "read_idx", "FASHION_MNIST_CLASSES", "datasets",
    "DataError", "DataFormatError", "DatasetNotFoundError", "MissingDependencyError", "NotFittedError",
]  # fmt: skip
