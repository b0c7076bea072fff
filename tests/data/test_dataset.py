"""Map-style data sets and DataLoader(dataset), as torch.utils.data defines them."""

import numpy as np
import pytest

import gradstep
from gradstep.data import DataError, DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split


class Squares(Dataset):
    """A user's Dataset as a PyTorch tutorial writes it: one (x, y) sample per index."""

    def __init__(self, n):
        self.n = n
        self.calls = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        self.calls += 1
        return np.array([i, -i], np.float32), i * i


class DuckTyped:
    """Not a Dataset subclass: PyTorch accepts any object with __len__ and __getitem__."""

    def __len__(self):
        return 3

    def __getitem__(self, i):
        return {"x": float(i), "name": f"s{i}"}


def test_pytorch_defaults_batch_1_in_order_and_tensors_out():
    loader = DataLoader(Squares(3))
    batches = list(loader)
    assert len(loader) == 3 and len(batches) == 3
    x, y = batches[2]
    assert isinstance(x, gradstep.Tensor) and isinstance(y, gradstep.Tensor)
    assert x.tolist() == [[2.0, -2.0]] and x.dtype == np.float32
    assert y.tolist() == [4] and y.dtype == np.int64  # Python ints collate to int64, as in PyTorch


def test_batches_of_a_user_dataset_are_stacked_samples_and_drop_last_drops_the_short_one():
    loader = DataLoader(Squares(7), batch_size=3)
    assert [y.tolist() for _, y in loader] == [[0, 1, 4], [9, 16, 25], [36]]
    assert [x.shape for x, _ in loader] == [(3, 2), (3, 2), (1, 2)]
    dropped = DataLoader(Squares(7), batch_size=3, drop_last=True)
    assert len(dropped) == 2 and [y.tolist() for _, y in dropped] == [[0, 1, 4], [9, 16, 25]]


def test_shuffle_visits_every_sample_once_per_epoch_and_the_seed_repeats_it():
    def epoch(seed):
        return np.concatenate([y.data for _, y in DataLoader(Squares(10), batch_size=4, shuffle=True, seed=seed)])

    first = epoch(0)
    assert sorted(first.tolist()) == [i * i for i in range(10)]
    assert first.tolist() != [i * i for i in range(10)]
    np.testing.assert_array_equal(first, epoch(0))
    np.testing.assert_array_equal(first, np.concatenate(
        [y.data for _, y in DataLoader(Squares(10), batch_size=4, shuffle=True, generator=np.random.default_rng(0))]
    ))  # fmt: skip


def test_duck_typed_dataset_and_dict_samples_collate_per_key():
    (batch,) = list(DataLoader(DuckTyped(), batch_size=3))
    assert batch["x"].tolist() == [0.0, 1.0, 2.0] and batch["x"].dtype == np.float64  # Python floats: float64
    assert batch["name"] == ["s0", "s1", "s2"]


def test_collate_fn_receives_the_list_of_samples():
    seen = []

    def collate(samples):
        seen.append(len(samples))
        return [y for _, y in samples]

    assert list(DataLoader(Squares(5), batch_size=2, collate_fn=collate)) == [[0, 1], [4, 9], [16]]
    assert seen == [2, 2, 1]


def test_tensor_dataset_rows_and_fast_batches_equal_the_collated_samples():
    X = np.arange(20.0, dtype=np.float32).reshape(10, 2)
    y = np.arange(10) % 3
    ds = TensorDataset(gradstep.tensor(X), y)
    x0, y0 = ds[4]
    assert isinstance(x0, gradstep.Tensor) and x0.tolist() == [8.0, 9.0] and y0 == 1
    fast = list(DataLoader(ds, batch_size=4, shuffle=True, seed=3))
    slow = list(DataLoader(ds, batch_size=4, shuffle=True, seed=3, collate_fn=default_collate))
    assert len(fast) == len(slow) == 3
    for (xf, yf), (xs, ys) in zip(fast, slow):
        assert isinstance(xf, gradstep.Tensor) and isinstance(yf, gradstep.Tensor)
        np.testing.assert_array_equal(xf.data, xs.data)
        np.testing.assert_array_equal(yf.data, ys.data)
        assert xf.dtype == np.float32 and yf.dtype == y.dtype


def test_tensor_dataset_errors():
    with pytest.raises(gradstep.ShapeError, match=r"TensorDataset: every tensor needs the same first dimension, got shapes \[\(3, 2\), \(4,\)\]"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(DataError, match="TensorDataset: give at least one array or Tensor"):
        TensorDataset()


def test_subset_maps_indices_and_keeps_the_fast_path():
    ds = TensorDataset(np.arange(10) * 10)
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and sub[0] == (70,) and sub[-1] == (50,)
    (batch,) = list(DataLoader(sub, batch_size=3))
    assert batch[0].tolist() == [70, 20, 50]
    assert list(DataLoader(Subset(Squares(4), [3, 1]), batch_size=2))[0][1].tolist() == [9, 1]
    with pytest.raises(DataError, match=r"Subset: indices must lie in \[-10, 10\) for a data set of 10 samples"):
        Subset(ds, [3, 10])
    with pytest.raises(DataError, match="Subset: indices must be a 1-D sequence of integers"):
        Subset(ds, [0.5])


def test_random_split_counts_partition_the_data_and_repeat_with_the_seed():
    ds = TensorDataset(np.arange(10))
    a, b, c = random_split(ds, [5, 3, 2], seed=0)
    assert [len(a), len(b), len(c)] == [5, 3, 2]
    assert sorted(np.r_[a.indices, b.indices, c.indices].tolist()) == list(range(10))
    again = random_split(ds, [5, 3, 2], seed=0)
    np.testing.assert_array_equal(again[0].indices, a.indices)


def test_random_split_fractions_deal_the_remainder_round_robin_as_pytorch():
    # PyTorch: floor(n * f) each, then the remainder one by one from the first subset: 11 * [0.3, 0.3, 0.4]
    # -> floors [3, 3, 4] (10), remainder 1 goes to the first -> [4, 3, 4]
    parts = random_split(TensorDataset(np.arange(11)), [0.3, 0.3, 0.4], seed=1)
    assert [len(p) for p in parts] == [4, 3, 4]


def test_random_split_errors():
    ds = TensorDataset(np.arange(10))
    with pytest.raises(DataError, match=r"random_split: lengths \[5, 4\] sum to 9, not to the 10 samples"):
        random_split(ds, [5, 4])
    with pytest.raises(DataError, match=r"random_split: fractions \[0.5, 0.4\] must sum to 1"):
        random_split(ds, [0.5, 0.4])
    with pytest.raises(DataError, match="random_split: lengths must be non-negative counts or fractions"):
        random_split(ds, [12, -2])


def test_default_collate_rules():
    x, y = default_collate([(np.zeros(2), 1.5), (np.ones(2), 2.5)])
    assert x.shape == (2, 2) and y.dtype == np.float64
    (flags,) = default_collate([(True,), (False,)])
    assert flags.dtype == np.bool_ and flags.tolist() == [True, False]
    with pytest.raises(gradstep.ShapeError, match=r"default_collate: samples of different shapes \[\(2,\), \(3,\)\] cannot be stacked"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(DataError, match="default_collate: every sample needs the same number of fields"):
        default_collate([(1, 2), (1,)])
    with pytest.raises(DataError, match="default_collate: cannot batch samples of type NoneType"):
        default_collate([None, None])
    with pytest.raises(DataError, match="default_collate: got an empty batch"):
        default_collate([])


def test_dataloader_over_a_dataset_errors():
    with pytest.raises(DataError, match="DataLoader: a Dataset holds its targets; pass DataLoader\\(dataset\\) without y"):
        DataLoader(Squares(3), np.zeros(3))
    with pytest.raises(DataError, match=r"batch_size=None over a Dataset \(PyTorch's unbatched mode\) is not supported"):
        DataLoader(Squares(3), batch_size=None)
    with pytest.raises(DataError, match="DataLoader: the data set Squares is empty"):
        DataLoader(Squares(0))
    with pytest.raises(DataError, match="DataLoader: transform works on arrays"):
        DataLoader(Squares(3), transform=lambda X, rng: X)
    with pytest.raises(DataError, match="DataLoader: collate_fn joins the samples of a Dataset"):
        DataLoader(np.zeros((3, 2)), collate_fn=list)
    with pytest.raises(DataError, match="DataLoader: give seed or generator"):
        DataLoader(Squares(3), seed=0, generator=1)
    with pytest.raises(DataError, match="DataLoader: num_workers must be an integer >= 0, got -1"):
        DataLoader(Squares(3), num_workers=-1)
    with pytest.raises(DataError, match=r"batch_size=4 with drop_last=True leaves no batch for 3 examples"):
        DataLoader(Squares(3), batch_size=4, drop_last=True)


def test_dataset_base_class_names_what_a_subclass_must_define():
    with pytest.raises(NotImplementedError, match="Dataset must define __getitem__"):
        Dataset()[0]


def test_arrays_keep_gradsteps_fast_path_and_defaults():
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    loader = DataLoader(X, y)  # arrays: batch 32 (all 5 here), shuffled, ndarrays out
    (xb, yb), = list(loader)
    assert isinstance(xb, np.ndarray) and sorted(yb.tolist()) == [0, 1, 2, 3, 4]
    assert loader.batch_size == 5 and loader.shuffle
