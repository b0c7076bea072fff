"""The batches of a distributed fit: which blocks and row ranges each step uses.

``EpochPlan`` is to a ChunkedData what ``gradstep.data.DataLoader`` is to an
array, and Trainer's loop iterates it the same way: ``len(plan)`` steps per
epoch, a ``rng`` (saved in checkpoints), ``batch_size`` and ``n_samples``;
each epoch yields ``(Step, None)`` pairs, a Step being the epoch's blocks (in a
fresh shuffled order, ``blocks.shuffle`` seeded from ``rng``, so the order is
the same whoever computes it) and the row range of every block in that step
(``engine.epoch_slices``). ``len(step)`` is its number of rows.
"""

import math

from ..random import as_generator
from . import blocks as B
from .engine import epoch_slices


class Step:
    """One step's share of the data: ``data`` (a ChunkedData) and ``rows``, a row range (or None) per block.

    >>> len(Step(None, [(0, 2), (1, 4)]))
    5
    """

    __slots__ = ("data", "rows", "n")

    def __init__(self, data, rows):
        self.data, self.rows = data, rows
        sizes = data.sizes if data is not None else [None] * len(rows)
        self.n = sum(n if r is None else r[1] - r[0] for r, n in zip(rows, sizes))

    def __len__(self):
        return self.n


class EpochPlan:
    """Steps of one epoch over a ChunkedData: full batch (``batch_size=None``) or global minibatches.

    >>> plan = EpochPlan(None, batch_size=4, shuffle=False, seed=0, sizes=[5, 3])
    >>> len(plan), plan.batch_size, plan.n_samples
    (2, 4, 8)
    """

    def __init__(self, data, batch_size, shuffle, seed, sizes=None):
        self.data = data
        self.sizes = list(data.sizes if sizes is None else sizes)
        self.n_samples = sum(self.sizes)
        self.batch_size = self.n_samples if batch_size is None else min(int(batch_size), self.n_samples)
        self.full = self.batch_size >= self.n_samples
        self.shuffle = bool(shuffle) and not self.full  # a full batch needs no order
        self.rng = as_generator(seed)

    def __len__(self):
        return 1 if self.full else math.ceil(self.n_samples / self.batch_size)

    def epoch(self):
        """This epoch's blocks (shuffled when asked) and the row ranges of each step (None: whole blocks)."""
        data = self.data
        if self.shuffle:
            data = data.derive(B.shuffle, int(self.rng.integers(2**63)), with_index=True)
        return data, epoch_slices(self.sizes, None if self.full else self.batch_size)

    def __iter__(self):
        data, steps = self.epoch()
        for rows in steps:
            yield Step(data, rows), None
