"""Version counters: how backward() notices data that changed in place after a node saved it.

A global clock counts in-place changes; every graph node remembers the clock
at its recording (``ctx.epoch``), so the engine checks only nodes older than
the latest change (never in a plain training step). A write stamps the buffer
it changed (the base ndarray, so views and ``detach()`` aliases are covered);
the check compares the stamps of the arrays a node saved with the node's
epoch, and also refuses a node one of whose inputs was re-recorded by an
in-place change since (the graph no longer holds the value it saw). Writing
into ``.data`` directly bypasses all of this, as in PyTorch.
"""

import weakref

import numpy as np

from .errors import InplaceError


class _Clock:
    #: number of in-place changes so far; a graph node records the value at its creation
    epoch = 0


#: id(buffer) -> [epoch of its latest in-place write, weakref to the buffer, op name]
_written = {}


def _buffer(array):
    """The ndarray that owns the memory of ``array`` (NumPy keeps views' ``base`` pointing at it)."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def note_write(array, op):
    """Record that ``op`` overwrote ``array`` in place (bumps the clock, stamps its buffer).

    (Optimizers stamp all the parameters of a step at once with ``note_writes``.)

    >>> import numpy as np
    >>> a = np.zeros(3); before = _Clock.epoch
    >>> note_write(a[1:], "fill_"); _Clock.epoch == before + 1
    True
    """
    note_writes((array,), op)


def note_writes(arrays, op, cache=None):
    """Record that ``op`` overwrote every array of ``arrays`` (a list) in place: one clock tick for all of them.

    What an optimizer's step calls once for the parameters it updated. ``cache``
    (a list the caller keeps between calls) remembers each array's record, so a
    step over the same parameter arrays, in the same order, only writes the new stamps.

    >>> import numpy as np
    >>> a, b = np.zeros(2), np.zeros(3); before = _Clock.epoch
    >>> note_writes([a, b], "SGD.step"); _Clock.epoch == before + 1, _written[id(b)][0] == _Clock.epoch
    (True, True)
    """
    _Clock.epoch += 1
    epoch = _Clock.epoch
    if cache is not None and len(cache) == len(arrays):
        for (known, entry), array in zip(cache, arrays):
            if known is not array:  # a parameter's array was replaced: look the records up again
                break
            entry[0], entry[2] = epoch, op
        else:
            return
    if cache is not None:
        cache.clear()
    for array in arrays:
        buffer = _buffer(array)
        entry = _written.get(id(buffer))
        if entry is not None and entry[1]() is buffer:
            entry[0], entry[2] = epoch, op
        else:
            entry = _stamp(buffer, epoch, op)
        if cache is not None:
            cache.append((array, entry))  # holds the array, so its buffer (and the record) stay alive


def _stamp(buffer, epoch, op):
    """A new entry of ``_written`` for ``buffer``, dropped when the buffer is garbage-collected."""
    key = id(buffer)

    def forget(ref, key=key):
        current = _written.get(key)
        if current is not None and current[1] is ref:
            del _written[key]

    entry = _written[key] = [epoch, weakref.ref(buffer, forget), op]
    return entry


def written_since(array, epoch):
    """The op that overwrote ``array``'s memory in place after clock ``epoch``, or None.

    >>> import numpy as np
    >>> a = np.zeros(4); then = _Clock.epoch
    >>> written_since(a[:2], then), (note_write(a[2:], "add_"), written_since(a[:2], then))[1]
    (None, 'add_')
    """
    buffer = _buffer(array)
    entry = _written.get(id(buffer))
    if entry is None or entry[0] <= epoch or entry[1]() is not buffer:
        return None
    return entry[2]


def _saved_arrays(ctx):
    """(name, ndarray) for every array a graph node saved (directly, or in a tuple/list)."""
    for name, value in ctx.__dict__.items():
        if isinstance(value, np.ndarray):
            yield name, value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, np.ndarray):
                    yield name, item


def _describe(tensor):
    return f"a tensor of shape {tensor.data.shape}, {tensor.data.dtype}"


def check_node(ctx):
    """Raise InplaceError if ``ctx``'s saved arrays or its inputs changed in place since it was recorded.

    The engine calls this only for nodes older than the latest in-place change.

    >>> import gradstep
    >>> x = gradstep.tensor([1.0, 2.0], requires_grad=True)
    >>> y = x.exp()          # exp saves its output
    >>> with gradstep.no_grad():
    ...     _ = y.mul_(2.0)
    >>> try:
    ...     y.sum().backward()
    ... except gradstep.InplaceError as err:
    ...     print(str(err)[:73])
    backward: the output of op 'exp' (a tensor of shape (2,), float32) was ov
    """
    op = ctx.fn.name
    for i, inp in enumerate(ctx.inputs):
        rebased = getattr(inp, "_rebased", None)
        if rebased is not None and rebased[0] > ctx.epoch:
            raise InplaceError(
                f"backward: input {i} of op '{op}' ({_describe(inp)}) was changed in place by '{rebased[1]}' "
                f"after '{op}' used it, so the graph no longer holds the value '{op}' saw; "
                "change a copy instead (h = h * 2 rather than h *= 2), or make the change before the tensor is used"
            )
    for _, array in _saved_arrays(ctx):
        buffer = _buffer(array)
        entry = _written.get(id(buffer))
        if entry is None or entry[0] <= ctx.epoch or entry[1]() is not buffer:
            continue
        owner = None
        for i, inp in enumerate(ctx.inputs):
            if np.may_share_memory(inp.data, array):
                owner = f"input {i} of op '{op}' ({_describe(inp)})"
                break
        if owner is None:
            owner = f"the output of op '{op}' (a tensor of shape {array.shape}, {array.dtype})"
        raise InplaceError(
            f"backward: {owner} was overwritten in place by '{entry[2]}' after '{op}' saved it for its "
            "backward, so the gradient would be wrong; change a copy instead (x.clone()), or make the "
            "in-place change after backward()"
        )
