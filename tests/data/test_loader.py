"""DataLoader: batches per epoch for the three training modes, shuffling, replacement, transforms, errors."""

import math

import numpy as np
import pytest

import gradstep
from gradstep.data import DataError, DataLoader


def make_data(n=10, d=3):
    X = np.arange(n * d, dtype=np.float64).reshape(n, d)
    y = np.arange(n)
    return X, y


@pytest.mark.parametrize(
    "n, batch_size, drop_last, expected_sizes",
    [
        (10, 1, False, [1] * 10),  # online: one update per example
        (10, 3, False, [3, 3, 3, 1]),  # minibatch: ceil(10 / 3) = 4 updates
        (10, 3, True, [3, 3, 3]),  # drop_last: floor(10 / 3) = 3 updates
        (10, 5, True, [5, 5]),  # exact division: drop_last drops nothing
        (10, None, False, [10]),  # full batch: one update per epoch
        (10, 32, False, [10]),  # batch larger than the data: one batch of everything
    ],
)
def test_batches_per_epoch(n, batch_size, drop_last, expected_sizes):
    X, y = make_data(n)
    loader = DataLoader(X, y, batch_size=batch_size, drop_last=drop_last, seed=0)
    sizes = [len(xb) for xb, _ in loader]
    assert sizes == expected_sizes
    assert len(loader) == len(expected_sizes)


def test_len_formula_over_many_sizes():
    X, y = make_data(23)
    for batch_size in range(1, 30):
        k = min(batch_size, 23)
        assert len(DataLoader(X, y, batch_size=batch_size)) == math.ceil(23 / k)
        if batch_size <= 23:
            assert len(DataLoader(X, y, batch_size=batch_size, drop_last=True)) == 23 // batch_size


def test_each_epoch_visits_every_example_once_with_pairs_intact():
    X, y = make_data(10)
    loader = DataLoader(X, y, batch_size=4, seed=1)
    for _ in range(3):
        seen = np.concatenate([yb for _, yb in loader])
        assert sorted(seen.tolist()) == list(range(10))
        for xb, yb in loader:
            np.testing.assert_array_equal(xb, X[yb])  # rows stay with their labels


def test_shuffle_differs_across_epochs_and_repeats_with_the_same_seed():
    X, y = make_data(50)
    first = DataLoader(X, y, batch_size=10, seed=7)
    epochs = [np.concatenate([yb for _, yb in first]) for _ in range(3)]
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(epochs[1], epochs[2])
    again = DataLoader(X, y, batch_size=10, seed=7)
    for expected in epochs:
        np.testing.assert_array_equal(np.concatenate([yb for _, yb in again]), expected)
    # the order is the permutation drawn from a Generator with that seed
    np.testing.assert_array_equal(epochs[0], np.random.default_rng(7).permutation(50))


def test_full_batch_is_the_data_itself_even_with_shuffle():
    # the full-batch gradient does not depend on the order: no permutation, no copy
    X, y = make_data(10)
    loader = DataLoader(X, y, batch_size=None, shuffle=True, seed=0)
    state = loader.rng.bit_generator.state
    (xb, yb), = list(loader)
    assert xb is X and yb is y
    assert loader.rng.bit_generator.state == state


def test_no_shuffle_keeps_the_order_and_yields_views():
    X, y = make_data(10)
    batches = list(DataLoader(X, y, batch_size=4, shuffle=False))
    assert [yb.tolist() for _, yb in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert all(np.shares_memory(xb, X) for xb, _ in batches)


def test_full_batch_without_shuffle_yields_the_arrays_themselves():
    X, y = make_data(10)
    xb, yb = next(iter(DataLoader(X, y, batch_size=None, shuffle=False)))
    assert xb is X and yb is y


def test_tensors_are_accepted_and_batches_are_ndarrays():
    X, y = make_data(6)
    loader = DataLoader(gradstep.Tensor(X), gradstep.Tensor(y), batch_size=4, shuffle=False)
    xb, yb = next(iter(loader))
    assert isinstance(xb, np.ndarray) and isinstance(yb, np.ndarray)
    np.testing.assert_array_equal(xb, X[:4])


def test_without_y_yields_X_batches_alone():
    X, _ = make_data(5)
    batches = list(DataLoader(X, batch_size=2, shuffle=False))
    assert [b.shape for b in batches] == [(2, 3), (2, 3), (1, 3)]


def test_replacement_draws_n_indices_with_replacement():
    X, y = make_data(20)
    loader = DataLoader(X, y, batch_size=5, replacement=True, seed=3)
    assert len(loader) == 4
    drawn = np.concatenate([yb for _, yb in loader])
    np.testing.assert_array_equal(drawn, np.random.default_rng(3).integers(0, 20, size=20))
    # with 20 draws out of 20 some examples repeat (probability 1 - 20!/20^20)
    assert len(np.unique(drawn)) < 20


def test_rng_state_can_be_saved_and_restored():
    X, y = make_data(30)
    loader = DataLoader(X, y, batch_size=30, seed=0)
    next(iter(loader))
    state = loader.rng.bit_generator.state
    expected = next(iter(loader))[1].copy()
    resumed = DataLoader(X, y, batch_size=30, seed=123)
    resumed.rng.bit_generator.state = state
    np.testing.assert_array_equal(next(iter(resumed))[1], expected)


def test_transform_applies_in_training_mode_only():
    X, y = make_data(4)
    calls = []

    def double(xb, rng):
        calls.append(rng)
        return 2 * xb

    loader = DataLoader(X, y, batch_size=None, shuffle=False, transform=double, seed=0)
    np.testing.assert_array_equal(next(iter(loader))[0], 2 * X)
    assert calls == [loader.rng]
    assert loader.eval() is loader and loader.augment is False
    assert next(iter(loader))[0] is X
    loader.train()
    np.testing.assert_array_equal(next(iter(loader))[0], 2 * X)


def test_mismatched_lengths():
    with pytest.raises(
        gradstep.ShapeError,
        match=r"^DataLoader: X and y must have the same number of examples, got X with shape \(10, 3\) "
        r"\(10 examples\) and y with shape \(9,\) \(9 examples\)$",
    ):
        DataLoader(np.zeros((10, 3)), np.zeros(9))


def test_empty_data():
    with pytest.raises(DataError, match=r"^DataLoader: X is empty \(shape \(0, 3\)\); there is nothing to iterate over$"):
        DataLoader(np.zeros((0, 3)))


def test_scalar_data():
    with pytest.raises(DataError, match=r"^DataLoader: X must have a sample axis, got the scalar 1\.0$"):
        DataLoader(1.0)


@pytest.mark.parametrize("batch_size", [0, -3])
def test_batch_size_below_one(batch_size):
    with pytest.raises(
        DataError, match=rf"^DataLoader: batch_size must be >= 1 \(1 = online, None = full batch\), got {batch_size}$"
    ):
        DataLoader(np.zeros((4, 1)), batch_size=batch_size)


@pytest.mark.parametrize("batch_size", [2.5, "8", True])
def test_batch_size_not_an_integer(batch_size):
    with pytest.raises(DataError, match=r"^DataLoader: batch_size must be a positive integer or None \(full batch\), got "):
        DataLoader(np.zeros((4, 1)), batch_size=batch_size)


def test_drop_last_with_a_batch_larger_than_the_data():
    with pytest.raises(DataError, match=r"^DataLoader: batch_size=8 with drop_last=True leaves no batch for 5 examples"):
        DataLoader(np.zeros((5, 1)), batch_size=8, drop_last=True)


def test_transform_not_callable():
    with pytest.raises(DataError, match=r"^DataLoader: transform must be callable \(X_batch, rng\) -> X_batch, got 3$"):
        DataLoader(np.zeros((5, 1)), transform=3)


@pytest.mark.parametrize("batch_size", [1, 15, 16, 64, 256])
def test_shuffled_batches_are_fresh_copies_of_the_permuted_rows(batch_size):
    # every batch size (fancy indexing below 16 rows, np.take from 16 on) gives the rows of the epoch's
    # permutation, in that order, as new arrays: writing into a batch never changes the data
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 3))
    y = np.arange(300)
    X_before = X.copy()
    seen = []
    for xb, yb in DataLoader(X, y, batch_size=batch_size, shuffle=True, seed=4):
        np.testing.assert_array_equal(xb, X_before[yb])
        assert xb.flags.c_contiguous and xb.dtype == X.dtype
        xb[...] = -1.0
        seen.extend(yb.tolist())
    assert sorted(seen) == list(range(300))
    np.testing.assert_array_equal(X, X_before)
