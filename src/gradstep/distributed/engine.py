"""The distributed gradient: given the parameters, the loss and gradient summed over the blocks on the workers.

One step of data-parallel gradient descent::

    driver:   params ----------------------------> one task per worker (its blocks, its row ranges)
    worker:   for each of its blocks b: (sum_i loss_i, sum_i dloss_i/dparams, n_b)  on the rows of b
    driver:   sum over b = 0, 1, ..., B-1 (block order, float64), divide by sum n_b  -> loss, gradient

The sum runs over the blocks in their fixed order whatever worker computed
them, so the result does not depend on the placement of the blocks, on
retries, or on the number of workers.

Minibatches (``epoch_slices``): an epoch of ``S = ceil(n / batch_size)`` steps
takes, at step s, from every block b the rows ``[s n_b // S, (s + 1) n_b // S)``
of that block (in the epoch's shuffled order when shuffling): each step's
global minibatch is made of every block's local share, every row is used once
per epoch, and the batches hold ``n / S`` rows (differing by at most one per
block) instead of ending with one short batch.
"""

import math

import numpy as np

from .chunks import check_recoverable


def epoch_slices(sizes, batch_size):
    """Per step, the row range ``(lo, hi)`` of each block: the steps of one epoch.

    ``batch_size=None`` is the full batch: one step of whole blocks (``None`` ranges).

    >>> epoch_slices([5, 3], 4)    # 8 rows, batches of at most 4: 2 steps, each half of every block
    [[(0, 2), (0, 1)], [(2, 5), (1, 3)]]
    >>> epoch_slices([5, 3], None)
    [[None, None]]
    """
    if batch_size is None or batch_size >= sum(sizes):
        return [[None] * len(sizes)]
    steps = math.ceil(sum(sizes) / batch_size)
    return [[(s * n // steps, (s + 1) * n // steps) for n in sizes] for s in range(steps)]


class DistributedGradient:
    """``engine(params, rows=None) -> (loss sum, [gradient sums], rows)`` over the blocks of a ChunkedData.

    Parameters
    ----------
    data : ChunkedData
    step : function ``(blocks, rows, *params, *static) -> [(loss, [grads], n)]`` run on each worker
        (``blocks.loss_and_grad_sums``); ``params`` are sent every step.
    static : sequence
        Arguments that do not change between steps (the model's code and settings);
        sent to the cluster once, as futures.
    where : str
        Names the estimator or Trainer in errors.
    """

    def __init__(self, data, step, static=(), where="gradstep.distributed"):
        self.data = data
        self.step = step
        self.where = where
        self._static_values = list(static)
        self._static = {}  # worker address -> that worker's own copy of the static arguments (futures)
        self.groups = data.groups()
        self.static = self.static_for(next(iter(self.groups)))
        self.steps_taken = 0

    def static_for(self, address):
        """Futures of the static arguments held by the worker at ``address`` (made there once).

        One copy per worker: a step's task then finds them where it runs, instead
        of fetching a replica that the scheduler's memory manager may have dropped.
        """
        if address not in self._static:
            place = {} if address is None else {"workers": [address], "allow_other_workers": True}
            client = self.data.client
            self._static[address] = [client.submit(_keep, s, pure=False, **place) for s in self._static_values]
        return self._static[address]

    def use(self, data):
        """Run later steps on ``data`` (e.g. an epoch's shuffled blocks): same blocks, new futures."""
        if data is not self.data:
            self.data = data
            self.groups = data.groups()

    def __call__(self, params, rows=None):
        """Sum over the blocks, in block order, of the step's (loss, gradients, rows)."""
        data, client = self.data, self.data.client
        rows = rows if rows is not None else [None] * len(data.futures)
        tasks = []
        for address, indices in self.groups.items():
            indices = [i for i in indices if rows[i] is None or rows[i][1] > rows[i][0]]
            if not indices:
                continue  # nothing of this worker's in this step's minibatch
            place = {} if address is None else {"workers": [address], "allow_other_workers": True}
            future = client.submit(
                self.step, [data.futures[i] for i in indices], [rows[i] for i in indices], *params,
                *self.static_for(address), pure=False, **place,
            )  # fmt: skip
            tasks.append((indices, future))
        try:
            gathered = client.gather([f for _, f in tasks])
        except Exception as err:  # noqa: BLE001 - only lost, unrecoverable data is translated
            check_recoverable(err, self.where)
        per_block = {}
        for (indices, _), results in zip(tasks, gathered):
            per_block.update(zip(indices, results))
        loss, grads, count = 0.0, None, 0
        for i in sorted(per_block):  # the fixed order of the blocks
            block_loss, block_grads, n = per_block[i]
            loss += block_loss
            count += n
            if grads is None:
                grads = [np.array(g, dtype=np.float64) for g in block_grads]
            else:
                for total, g in zip(grads, block_grads):
                    total += g
        self.steps_taken += 1
        return loss, grads, count

    def map_blocks(self, fn, *args):
        """``[fn(block, *args, *static)]`` over the current blocks, gathered in block order."""
        return self.data.map(fn, *args, *self.static)

    def refresh(self):
        """Look up again where the blocks are (after workers came or went)."""
        self.groups = self.data.groups()


def _keep(value):
    return value

