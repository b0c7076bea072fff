"""Recording one eager training step: which ops ran, on which values, in which order.

Every value the step touches gets a *slot* (a number). A slot is one of:

- ``Input(k)``: the step's x (k = 0) or y (k = 1), or ``Cast(k, dtype)``, a
  copy of it in another dtype (``cross_entropy`` turns int32 labels into int64);
- ``Param(p)``: a parameter (or any leaf tensor of the model), read live;
- ``Const(array)``: a constant frozen at its traced value (``x * 0.5``'s 0.5);
- ``Made(make, args)``: a constant made afresh each step (a dropout mask);
- ``Output(i)``: the result of the i-th recorded op.

The tracer is installed as ``gradstep.tracing.recorder`` while the model's
forward and the loss run eagerly, so ``Function.apply`` reports every op.
The result, a ``Trace``, lists the ops (``Node``), the constants made or
repeated at given points (``Made`` slots and ``Effect`` entries, in recording
order), the loss slot and the order in which backward visits the nodes.
"""

import numpy as np

from .. import tracing
from ..engine import topological_order
from ..errors import CompileError
from ..tensor import Tensor


class Input:
    """Slot kind: the step's x (index 0) or y (index 1)."""

    def __init__(self, index):
        self.index = index

    def same(self, other):
        return type(other) is Input and other.index == self.index


class Cast:
    """Slot kind: x or y converted to ``dtype`` (what a loss does to integer labels)."""

    def __init__(self, index, dtype):
        self.index, self.dtype = index, dtype

    def same(self, other):
        return type(other) is Cast and other.index == self.index and other.dtype == self.dtype


class Param:
    """Slot kind: a leaf tensor of the model (a parameter), read live at every step."""

    def __init__(self, tensor):
        self.tensor = tensor

    def same(self, other):
        return type(other) is Param and other.tensor is self.tensor


class Const:
    """Slot kind: a constant array, frozen at its traced value."""

    def __init__(self, array):
        self.array = array

    def same(self, other):
        return (
            type(other) is Const and other.array.dtype == self.array.dtype and other.array.shape == self.array.shape
            and np.array_equal(other.array, self.array, equal_nan=self.array.dtype.kind in "fc")
        )  # fmt: skip


class Made:
    """Slot kind: a constant remade at every step by ``make(*args)`` (Tensor args stand for slots)."""

    def __init__(self, make, args):
        self.make, self.args = make, args

    def same(self, other):
        return type(other) is Made and other.make is self.make and _same_args(other.args, self.args)


class Output:
    """Slot kind: the result of recorded op number ``index``."""

    def __init__(self, index):
        self.index = index

    def same(self, other):
        return type(other) is Output and other.index == self.index


class SlotRef:
    """An argument of a ``Made`` or ``Effect`` that is the value of a slot at that step."""

    def __init__(self, slot):
        self.slot = slot

    def __eq__(self, other):
        return type(other) is SlotRef and other.slot == self.slot

    __hash__ = None


class Node:
    """One recorded op: ``fn.forward(ctx, *values of in_slots, **attrs)`` gives slot ``out``.

    ``needs[i]`` says whether input i gets a gradient (as the eager ctx's ``needs_input_grad``);
    ``on_graph`` whether the op was recorded on the autograd graph at all.
    """

    def __init__(self, fn, in_slots, attrs, out, needs, on_graph):
        self.fn, self.in_slots, self.attrs, self.out, self.needs, self.on_graph = fn, in_slots, attrs, out, needs, on_graph


class Effect:
    """Work outside the ops, repeated at its point of the step: ``run(*args)`` (SlotRef args resolved)."""

    def __init__(self, run, args):
        self.run, self.args = run, args


class Trace:
    """What one eager step did: slots, nodes, the program order, the loss slot and the backward order.

    ``program`` lists, in recording order, ``("node", i)``, ``("made", slot)`` and ``("effect", j)``;
    ``backward`` the node indices in the order the engine visits them; ``values`` the array of every
    slot at the traced step (shapes and dtypes for the buffers).
    """

    def __init__(self, kinds, nodes, effects, program, loss_slot, backward, values, output_slot=None):
        self.kinds, self.nodes, self.effects, self.program = kinds, nodes, effects, program
        self.loss_slot, self.backward, self.values, self.output_slot = loss_slot, backward, values, output_slot

    def same_ops(self, other):
        """True when ``other`` ran the same ops on the same slots in the same order (shapes may differ)."""
        return (
            len(self.nodes) == len(other.nodes) and self.program == other.program
            and self.loss_slot == other.loss_slot and self.backward == other.backward
            and all(a.fn is b.fn and a.in_slots == b.in_slots and a.needs == b.needs for a, b in zip(self.nodes, other.nodes))
            and all(type(a) is type(b) for a, b in zip(self.kinds, other.kinds))
        )  # fmt: skip

    def difference(self, other):
        """None when ``other`` recorded the same program (same ops, attributes, constants); else a reason."""
        if len(other.nodes) != len(self.nodes):
            return f"the step ran {len(self.nodes)} ops at one batch and {len(other.nodes)} at the next"
        for i, (a, b) in enumerate(zip(self.nodes, other.nodes)):
            if a.fn is not b.fn:
                return f"op {i} was '{a.fn.name}' at one batch and '{b.fn.name}' at the next"
            if a.in_slots != b.in_slots or a.needs != b.needs or not _same_args(tuple(a.attrs.items()), tuple(b.attrs.items())):
                return f"op {i} ('{a.fn.name}') had other inputs or attributes at the next batch"
        for slot, (a, b) in enumerate(zip(self.kinds, other.kinds)):
            if not a.same(b):
                what = "a constant" if isinstance(a, Const) else type(a).__name__.lower()
                return f"{what} (slot {slot}) changed between two batches (computed from the data in Python?)"
        if self.program != other.program or self.loss_slot != other.loss_slot or self.backward != other.backward:
            return "the order of the step's operations changed between two batches"
        if len(self.effects) != len(other.effects) or any(
            a.run is not b.run or not _same_args(a.args, b.args) for a, b in zip(self.effects, other.effects)
        ):
            return "the step's side effects changed between two batches"
        return None


def _same_args(a, b):
    if len(a) != len(b):
        return False
    for u, v in zip(a, b):
        if isinstance(u, tuple) and isinstance(v, tuple):
            if not _same_args(u, v):
                return False
        elif isinstance(u, np.ndarray) or isinstance(v, np.ndarray):
            if not (isinstance(u, np.ndarray) and isinstance(v, np.ndarray) and u.shape == v.shape
                    and u.dtype == v.dtype and np.array_equal(u, v)):  # fmt: skip
                return False
        elif type(u) is not type(v):
            return False
        elif isinstance(u, np.random.Generator):
            if u is not v:
                return False
        else:
            try:
                if u != v:
                    return False
            except (TypeError, ValueError):
                if u is not v:
                    return False
    return True


class Recorder:
    """The tracer installed as ``gradstep.tracing.recorder`` during one eager forward and loss.

    >>> import numpy as np, gradstep
    >>> from gradstep import nn
    >>> model = nn.Linear(3, 2, seed=0)
    >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32)
    >>> rec = Recorder(x, y, list(model.parameters()))
    >>> with rec:
    ...     loss = nn.functional.mse_loss(model(gradstep.Tensor(x)), gradstep.Tensor(y))
    >>> trace = rec.finish(loss)
    >>> [node.fn.name for node in trace.nodes]
    ['linear', 'squared_error']
    """

    def __init__(self, x, y, params):
        self.arrays = (x, y)
        self.kinds, self.values, self.nodes, self.effects, self.program = [], [], [], [], []
        self.slot_of = {}  # id(Tensor) -> slot
        self.keep = []  # tensors whose ids are keys of slot_of, kept alive while recording
        self.ctx_node = {}  # id(graph node) -> index of the recorded op
        self.problem = None
        for p in params:
            self._new_slot(p, Param(p), p.data)

    def __enter__(self):
        if tracing.recorder is not None:
            raise CompileError("compile: a step is already being traced (a compiled step called inside another)")
        tracing.recorder = self
        return self

    def __exit__(self, *exc):
        tracing.recorder = None
        return False

    def _new_slot(self, tensor, kind, value):
        slot = len(self.kinds)
        self.kinds.append(kind)
        self.values.append(value)
        if tensor is not None:
            self.slot_of[id(tensor)] = slot
            self.keep.append(tensor)
        return slot

    def _slot(self, t):
        """The slot of input tensor ``t``, made on first sight (an input, a cast of one, a parameter or a constant)."""
        slot = self.slot_of.get(id(t))
        if slot is not None:
            return slot
        data = t.data
        for k, array in enumerate(self.arrays):
            if data is array:
                return self._new_slot(t, Input(k), data)
        if t._ctx is not None:
            self.problem = self.problem or "a tensor computed before the step (outside the traced forward) feeds it"
        if t.requires_grad:  # a leaf that wants a gradient but is no parameter of the optimizer: read live
            return self._new_slot(t, Param(t), data)
        for k, array in enumerate(self.arrays):
            if data.shape == array.shape and data.dtype != array.dtype and np.array_equal(data, array):
                return self._new_slot(t, Cast(k, data.dtype), data)
        return self._new_slot(t, Const(data), data)

    def _arg(self, value):
        if isinstance(value, Tensor):
            return SlotRef(self._slot(value))
        return value

    # ----- the three reports of gradstep.tracing --------------------------------------
    def record(self, fn, inputs, attrs, result):
        """An op ran: ``result = fn(*inputs, **attrs)``."""
        index = len(self.nodes)
        in_slots = tuple(self._slot(t) for t in inputs)
        if any(isinstance(v, Tensor) for v in attrs.values()):
            self.problem = self.problem or f"op '{fn.name}' takes a tensor as an attribute"
        on_graph = result._ctx is not None
        needs = tuple(result._ctx.needs_input_grad) if on_graph else (False,) * len(inputs)
        out = self._new_slot(result, Output(index), result.data)
        self.nodes.append(Node(fn, in_slots, dict(attrs), out, needs, on_graph))
        self.program.append(("node", index))
        if on_graph:
            self.ctx_node[result._ctx] = index

    def generated(self, tensor, make, args):
        """``tensor`` was made by ``make(*args)``: remake it at every step."""
        slot = self._new_slot(tensor, Made(make, tuple(self._arg(a) for a in args)), tensor.data)
        self.program.append(("made", slot))

    def side_effect(self, run, args):
        """``run(*args)`` is about to run outside the ops: repeat it at this point."""
        self.effects.append(Effect(run, tuple(self._arg(a) for a in args)))
        self.program.append(("effect", len(self.effects) - 1))

    # ----- the result -----------------------------------------------------------------
    def finish(self, loss, output=None):
        """The Trace of the recorded step whose loss is ``loss``; raises CompileError when it cannot be replayed.

        ``output``, the model's output tensor, is remembered as ``Trace.output_slot`` (None if unseen).
        """
        if self.problem:
            raise CompileError(f"compile: {self.problem}")
        if not isinstance(loss, Tensor):
            raise CompileError(f"compile: the loss function returned a {type(loss).__name__}, not a Tensor")
        if loss.data.size != 1:
            raise CompileError(f"compile: the loss has shape {loss.shape}; a training step needs a scalar loss")
        slot = self.slot_of.get(id(loss))
        if slot is None or not isinstance(self.kinds[slot], Output) or loss._ctx is None:
            raise CompileError("compile: the loss does not depend on the model's parameters through recorded ops")
        order = []
        for ctx in topological_order(loss._ctx):
            index = self.ctx_node.get(ctx)
            if index is None:
                raise CompileError(f"compile: op '{ctx.fn.name}' of the graph ran outside the traced step")
            order.append(index)
        # the program needs only the shapes and dtypes of the step's arrays: zero-strided stand-ins keep no memory
        values = [
            v if isinstance(kind, (Param, Const)) else np.broadcast_to(np.zeros((), v.dtype), v.shape)
            for kind, v in zip(self.kinds, self.values)
        ]
        output_slot = self.slot_of.get(id(output)) if output is not None else None
        return Trace(self.kinds, self.nodes, self.effects, self.program, slot, order, values, output_slot)
