"""train_val_test_split and train_test_split: sizes, disjoint parts, stratification, seeds, errors."""

import numpy as np
import pytest

import gradstep
from gradstep.data import DataError, train_test_split, train_val_test_split


def test_default_fractions_are_60_20_20_and_parts_partition_the_data():
    X, y = np.arange(200).reshape(100, 2), np.arange(100)
    X_tr, X_va, X_te, y_tr, y_va, y_te = train_val_test_split(X, y, seed=0)
    assert (len(y_tr), len(y_va), len(y_te)) == (60, 20, 20)
    assert sorted(np.concatenate([y_tr, y_va, y_te]).tolist()) == list(range(100))
    for Xp, yp in ((X_tr, y_tr), (X_va, y_va), (X_te, y_te)):
        np.testing.assert_array_equal(Xp, X[yp])  # rows stay with their labels


def test_sizes_round_by_largest_remainder():
    # n = 7: exact sizes 4.2, 1.4, 1.4 -> floors 4, 1, 1; the one left over goes to the
    # largest remainder (0.4, a tie between val and test, broken towards the earlier part).
    parts = train_val_test_split(np.arange(7), np.arange(7), seed=0)
    assert [len(p) for p in parts[:3]] == [4, 2, 1]


def test_same_seed_same_split_other_seed_other_split():
    X = np.arange(50)
    a = train_test_split(X, X, seed=3)
    b = train_test_split(X, X, seed=3)
    c = train_test_split(X, X, seed=4)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_stratified_split_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    X = np.arange(100)
    *_, y_tr, y_va, y_te = train_val_test_split(X, y, stratify=True, seed=0)
    # each class is split 60/20/20 on its own: 50 -> 30/10/10, 30 -> 18/6/6, 20 -> 12/4/4
    assert np.bincount(y_tr).tolist() == [30, 18, 12]
    assert np.bincount(y_va).tolist() == [10, 6, 4]
    assert np.bincount(y_te).tolist() == [10, 6, 4]


def test_stratified_parts_are_shuffled_not_grouped_by_class():
    y = np.repeat([0, 1], 50)
    _, _, y_tr, _ = train_test_split(np.arange(100), y, stratify=True, seed=0)
    assert not np.array_equal(y_tr, np.sort(y_tr))


def test_stratify_on_one_hot_rows_and_on_strings():
    y = np.eye(2)[np.repeat([0, 1], [40, 10])]
    _, _, y_tr, y_te = train_test_split(np.arange(50), y, test_fraction=0.2, stratify=True, seed=1)
    assert y_tr.sum(axis=0).tolist() == [32, 8] and y_te.sum(axis=0).tolist() == [8, 2]
    names = np.array(["cat"] * 10 + ["dog"] * 5)
    _, _, _, y_te = train_test_split(np.arange(15), names, test_fraction=0.4, stratify=True, seed=1)
    assert sorted(y_te.tolist()) == ["cat"] * 4 + ["dog"] * 2


def test_train_test_split_sizes_and_tensors():
    X = gradstep.Tensor(np.arange(30.0).reshape(10, 3))
    X_tr, X_te, y_tr, y_te = train_test_split(X, None, test_fraction=0.3, seed=0)
    assert X_tr.shape == (7, 3) and X_te.shape == (3, 3) and isinstance(X_tr, np.ndarray)
    assert y_tr is None and y_te is None


def test_fractions_must_sum_to_one():
    with pytest.raises(DataError, match=r"^train_val_test_split: fractions must sum to 1, got \(0\.6, 0\.3, 0\.2\) \(sum 1\.1\)$"):
        train_val_test_split(np.zeros(10), np.zeros(10), fractions=(0.6, 0.3, 0.2))


def test_fractions_must_be_three_non_negative_numbers():
    with pytest.raises(DataError, match=r"^train_val_test_split: fractions must be three numbers \(train, val, test\), got \(0\.8, 0\.2\)$"):
        train_val_test_split(np.zeros(10), fractions=(0.8, 0.2))
    with pytest.raises(DataError, match=r"^train_val_test_split: fractions must be finite and >= 0, got \(1\.2, -0\.1, -0\.1\)$"):
        train_val_test_split(np.zeros(10), fractions=(1.2, -0.1, -0.1))
    with pytest.raises(DataError, match=r"^train_val_test_split: fractions must be numbers, got \('a', 0\.5, 0\.5\)$"):
        train_val_test_split(np.zeros(10), fractions=("a", 0.5, 0.5))
    with pytest.raises(DataError, match=r"^train_val_test_split: the training fraction must be > 0, got \(0, 0\.5, 0\.5\)$"):
        train_val_test_split(np.zeros(10), fractions=(0, 0.5, 0.5))


@pytest.mark.parametrize("bad", [1.0, -0.1, "0.2", True])
def test_test_fraction_out_of_range(bad):
    with pytest.raises(DataError, match=r"^train_test_split: test_fraction must be a number in \[0, 1\), got "):
        train_test_split(np.zeros(10), test_fraction=bad)


def test_split_errors_for_lengths_empty_data_and_stratify_without_labels():
    with pytest.raises(gradstep.ShapeError, match=r"^train_test_split: X and y must have the same number of examples, got X with shape \(10, 2\) and y with shape \(8,\)$"):
        train_test_split(np.zeros((10, 2)), np.zeros(8))
    with pytest.raises(DataError, match=r"^train_val_test_split: X is empty \(shape \(0,\)\); there is nothing to split$"):
        train_val_test_split(np.zeros(0), np.zeros(0))
    with pytest.raises(DataError, match=r"^train_test_split: stratify=True needs the class labels y, got y=None$"):
        train_test_split(np.zeros(10), stratify=True)
