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

#: a worker's share of a step with at most this many values of X runs on the worker's event loop (no hop to
#: the actor's thread: ~1 ms less per step); bigger shares run in that thread, so the worker stays responsive
INLINE_VALUES = 1 << 20


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

    Each worker holds one ``blocks.BlockActor`` (a dask actor) with the step
    function, its static arguments and references to the blocks in that
    worker's memory; a step is one direct message per worker (the parameters
    in, the per-block sums out), not a task through the scheduler, all of them
    awaited at once on the client's event loop, and the driver adds the sums
    in block order. A worker's share of at most ``INLINE_VALUES`` values of X
    runs on that worker's event loop (``separate_thread=False``), a bigger one
    in the actor's thread. If a worker is lost, the step is
    retried: the scheduler recomputes the lost blocks from their graph on the
    remaining workers, the actors are made again where the blocks now are.

    Parameters
    ----------
    data : ChunkedData
    step : function ``(blocks, rows, *params, *static) -> [(loss, [grads], n)]`` run on each worker
        (``blocks.loss_and_grad_sums``); ``params`` are sent every step.
    static : sequence
        Arguments that do not change between steps (the model and its step);
        sent to each worker once, when its actor is made.
    where : str
        Names the estimator or Trainer in errors.
    """

    #: attempts of one step when workers are lost (each waits for the lost blocks to be recomputed)
    ATTEMPTS = 4

    def __init__(self, data, step, static=(), where="gradstep.distributed"):
        self.step = step
        self.where = where
        self.static = list(static)
        self._actors = {}  # worker address -> (actor future, actor)
        self.data = None
        self.use(data)

    def use(self, data):
        """Run later steps on ``data`` (e.g. an epoch's shuffled blocks): the actors take its blocks."""
        if data is not self.data:
            self.data = data
            self._place()

    def _place(self):
        """Find where every block is and give each worker's actor its blocks (making actors where needed)."""
        data, client = self.data, self.data.client
        self.groups = data.groups()
        from .blocks import BlockActor

        for address in self.groups:
            if address not in self._actors:
                future = client.submit(BlockActor, self.step, self.static, actor=True, workers=[address],
                                       allow_other_workers=False, pure=False)  # fmt: skip
                self._actors[address] = (future, future.result())
        for address in list(self._actors):
            if address not in self.groups:
                self._actors.pop(address)[0].release()  # a worker without blocks of this data set
        calls = [
            self._actors[address][1].attach({i: data.futures[i].key for i in indices})
            for address, indices in self.groups.items()
        ]
        for call in calls:
            call.result()

    def __call__(self, params, rows=None):
        """Sum over the blocks, in block order, of the step's (loss, gradients, rows)."""
        rows = rows if rows is not None else [None] * len(self.data.futures)
        for attempt in range(self.ATTEMPTS):
            try:
                per_block = self._run(params, rows)
                break
            except Exception as err:  # noqa: BLE001 - a lost worker shows up as several error types
                if attempt == self.ATTEMPTS - 1:
                    raise
                self._recover(err)
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
        return loss, grads, count

    def _run(self, params, rows):
        sizes, width = self.data.sizes, self.data.n_features
        calls = []
        for address, indices in self.groups.items():
            indices = [i for i in indices if rows[i] is None or rows[i][1] > rows[i][0]]
            if not indices:  # nothing of this worker's is in this step's minibatch
                continue
            share = [rows[i] for i in indices]
            values = width * sum(sizes[i] if r is None else r[1] - r[0] for i, r in zip(indices, share))
            inline = values <= INLINE_VALUES  # a short step: on the worker's event loop, no hop to a thread
            calls.append((address, indices, [indices, share, *params], inline))
        client = self.data.client
        if client.direct_to_workers is False:  # the user asked for every message through the scheduler
            futures = [self._actors[a][1].run(*args, separate_thread=not inline) for a, _, args, inline in calls]
            replies = client.sync(_replies, futures)
        else:
            replies = client.sync(_direct_replies, client, [(a, self._actors[a][1].key, args, inline)
                                                            for a, _, args, inline in calls])  # fmt: skip
        per_block = {}
        for (_, indices, _, _), reply in zip(calls, replies):
            per_block.update(zip(indices, reply))
        return per_block

    def _recover(self, err):
        """After a failed step: wait for the lost blocks to be recomputed (or say they cannot be), place them again."""
        distributed = _distributed()
        if not isinstance(err, (RuntimeError, OSError, distributed.comm.CommClosedError, KeyError)):
            raise err  # an error of the step itself (bad data, a bug): not a lost worker
        data = self.data
        try:
            with data.client.as_current():
                distributed.wait(data.futures)
        except Exception as lost:  # noqa: BLE001 - only lost, unrecoverable data is translated
            check_recoverable(lost, self.where)
        for f in data.futures:
            if f.status != "finished":
                try:
                    f.result()
                except Exception as lost:  # noqa: BLE001 - only lost, unrecoverable data is translated
                    check_recoverable(lost, self.where)
        for future, _ in self._actors.values():
            future.release()
        self._actors = {}  # actors on lost workers are gone; the others are made again with the new placement
        self._place()

    def close(self):
        """Release the actors (and with them their references to the blocks)."""
        for future, _ in self._actors.values():
            future.release()
        self._actors = {}


async def _replies(calls):
    """The results of the actor calls (ActorFutures), awaited on the client's event loop."""
    return [await call for call in calls]


async def _direct_replies(client, calls):
    """``run(*args)`` of the actors ``[(worker address, actor key, args, inline)]``, straight to their workers.

    An actor's own proxy sends its calls through the scheduler unless the
    client was made with ``direct_to_workers=True`` (two more hops per message
    and the scheduler's work); this is the message it sends, on the client's
    connection pool to each worker. A lost worker raises OSError (the step is
    retried), an error of the step itself is raised as it is.
    """
    import asyncio

    from distributed.protocol import to_serialize

    replies = await asyncio.gather(*[
        client.rpc(address).actor_execute(function="run", actor=key, args=[to_serialize(a) for a in args],
                                          kwargs={"separate_thread": not inline})
        for address, key, args, inline in calls
    ])  # fmt: skip
    for reply in replies:
        if reply["status"] != "OK":
            raise reply["exception"]
    return [reply["result"] for reply in replies]


def _distributed():
    from ._dask import require

    return require("distributed")
