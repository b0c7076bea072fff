"""The epochs of a distributed fit: which blocks and row ranges each step uses, and the driver's step.

``EpochPlan`` is to a ChunkedData what ``gradstep.data.DataLoader`` is to an
array: ``len(plan)`` steps per epoch, a ``rng`` (saved in checkpoints), and
for each epoch the row ranges of every step (``engine.epoch_slices``) over the
blocks in a fresh shuffled order (``blocks.shuffle``, seeded from ``rng``, so
the order is the same whoever computes it).
"""

import math

import numpy as np

from ..random import as_generator
from . import blocks as B
from .engine import epoch_slices


class EpochPlan:
    """Steps of one epoch over a ChunkedData: full batch (``batch_size=None``) or global minibatches.

    >>> plan = EpochPlan(None, batch_size=4, shuffle=False, seed=0, sizes=[5, 3])
    >>> len(plan), plan.batch_size
    (2, 4)
    """

    def __init__(self, data, batch_size, shuffle, seed, sizes=None):
        self.data = data
        self.sizes = list(data.sizes if sizes is None else sizes)
        n = sum(self.sizes)
        self.batch_size = n if batch_size is None else min(int(batch_size), n)
        self.full = self.batch_size >= n
        self.shuffle = bool(shuffle) and not self.full  # a full batch needs no order
        self.rng = as_generator(seed)

    def __len__(self):
        return 1 if self.full else math.ceil(sum(self.sizes) / self.batch_size)

    def epoch(self, engine):
        """Point ``engine`` at this epoch's blocks; returns the row ranges of each step (None: whole blocks)."""
        if self.shuffle:
            seed = int(self.rng.integers(2**63))
            shuffled = self.data.derive(B.shuffle, seed, with_index=True)
            engine.use(shuffled)
        else:
            engine.use(self.data)
        return epoch_slices(self.sizes, None if self.full else self.batch_size)


def set_grads(params, grads):
    """Store each gradient in its parameter's ``.grad``, in the parameter's dtype."""
    for p, g in zip(params, grads):
        p.grad = np.asarray(g, dtype=p.data.dtype)
