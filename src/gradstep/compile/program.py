"""The replayed step: a flat list of NumPy/BLAS calls on the slots of a Trace.

``Program(trace, optimizer, exact)`` turns a recorded step into

- ``forward``: one callable per entry of the trace's program, in recording
  order: a kernel's or an op's forward writing its slot, a made constant
  (dropout mask) drawn afresh, a side effect (running statistics) repeated;
- ``backward``: the nodes in the engine's order, each with its gradient
  routing fixed at build time (which input slot receives which gradient, the
  input's shape for ``unbroadcast``, whether it is a parameter);
- the update: every parameter's gradient handed to the optimizer's own
  ``step`` (so every optimizer, schedule and parameter group works), except
  where plain SGD was folded into the gradient's BLAS call (``kernels.Affine``)
  and for Adam and AdamW, whose update runs on flat arrays the gradient
  kernels write into (``adam.FusedAdam``); neither with ``exact``.

Per step nothing is built: no Tensor, no Context, no topological sort; the
kernels' buffers were allocated from the traced shapes.
"""

import numpy as np

from ..engine import unbroadcast
from ..function import Context
from ..optim.sgd import SGD
from ..versions import note_writes
from . import blas, kernels
from .linear_step import LinearBCEStep
from .trace import Cast, Const, Input, Made, Output, Param, SlotRef

#: Plain SGD is folded into the weight gradient's BLAS call only for batches of at most this many rows: measured
#: (docs/performance.md) on the MLP's three layers with nn.Linear's Fortran-ordered weights, the weight gradient
#: and the update took 0.85x the unfolded time at 64 rows and 0.92-0.94x at 128, 1.01x at 256 (where the
#: optimizer's step, skipped when every parameter is folded, still makes the fold pay), 1.03x at 384-512
#: and 1.19x at 2048, where SciPy's gemm is slower than NumPy's matmul and the two update passes.
FOLD_MAX_ROWS = 256

#: ops whose second input is a vector of class labels in [0, k), k = the first input's columns
_LABEL_OPS = ("softmax_cross_entropy", "nll", "multi_margin_hinge")


def make(trace, optimizer, exact=False, adam=None):
    """The replay of ``trace``: the fused ``LinearBCEStep`` where it applies (and not ``exact``), else a ``Program``.

    ``adam``: a callable giving the ``FusedAdam`` of a list of parameters (or None), see ``Program``.
    """
    if not exact and LinearBCEStep.applies(trace, optimizer):
        return LinearBCEStep(trace, optimizer)
    return Program(trace, optimizer, exact=exact, adam=adam)


def _uses(trace):
    """slot -> how many recorded ops read it."""
    uses = {}
    for node in trace.nodes:
        for slot in node.in_slots:
            uses[slot] = uses.get(slot, 0) + 1
    return uses


class OpNode:
    """Replay of one recorded op through its own ``Function.forward`` and ``backward`` (the same bits as eager)."""

    def __init__(self, node, release_after_forward):
        ctx = Context()
        ctx.fn, ctx.inputs, ctx.needs_input_grad, ctx.freed, ctx.retained = node.fn, (), list(node.needs), False, None
        self.ctx, self.fn, self.ins, self.out, self.attrs = ctx, node.fn, node.in_slots, node.out, node.attrs
        self.fresh = node.fn.fresh_grads
        self.release = release_after_forward  # no backward will read what forward saves

    def forward(self, v):
        out = self.fn.forward(self.ctx, *[v[i] for i in self.ins], **self.attrs)
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        v[self.out] = out
        if self.release:
            self.ctx.__dict__.clear()

    def backward(self, v, g, owns):
        ctx = self.ctx
        if owns:
            ctx.owns_grad = True
        grads = self.fn.backward(ctx, g)
        ctx.__dict__.clear()  # what forward saved: freed as the engine frees it
        return grads


class Program:
    """A traced step ready to replay: ``loss = program.run(x, y)`` then ``program.update()``.

    ``adam(params)``, if given (and not ``exact``), returns the ``FusedAdam`` that updates those parameters
    (or None): the compiled step shares one between its programs and its traced steps.
    """

    def __init__(self, trace, optimizer, exact=False, adam=None):
        kinds, values = trace.kinds, trace.values
        self.optimizer, self.exact = optimizer, exact
        self.v = [None] * len(kinds)
        self.inputs, self.casts, self.guards = [], [], []
        opt_params = {id(p): p for group in optimizer.param_groups for p in group["params"]}
        self.params = []  # (parameter, slot) of the optimizer's parameters the step uses
        for slot, kind in enumerate(kinds):
            if isinstance(kind, Param):
                self.v[slot] = kind.tensor.data
                if id(kind.tensor) in opt_params:
                    self.params.append((kind.tensor, slot))
            elif isinstance(kind, Const):
                self.v[slot] = kind.array
            elif isinstance(kind, Input):
                self.inputs.append((slot, kind.index))
            elif isinstance(kind, Cast):
                self.casts.append((slot, kind.index, kind.dtype))
        self.param_arrays = [(p, p.data) for p, _ in self.params]
        param_slots = {slot for _, slot in self.params}
        self.rates = {}  # id(group) -> (group, Rate) for the folded groups
        uses = _uses(trace)
        folds = {} if exact else self._foldable(trace, optimizer, param_slots, uses)
        impls = {}
        reached = set(trace.backward)
        for i, node in enumerate(trace.nodes):
            impls[i] = self._implement(node, values, folds, release=i not in reached)
            name = node.fn.name
            if name in _LABEL_OPS and len(node.in_slots) > 1:
                kind = kinds[node.in_slots[1]]
                labels = values[node.in_slots[1]]
                if isinstance(kind, (Input, Cast)) and labels.dtype.kind in "iu":
                    # seen as unsigned, a negative label is huge: one max finds both ends
                    unsigned = np.dtype(labels.dtype.str.replace("i", "u"))
                    self.guards.append((kind.index, unsigned, values[node.in_slots[0]].shape[1]))
        self.forward = []
        for what, index in trace.program:
            if what == "node":
                self.forward.append(impls[index].forward)
            elif what == "made":
                self.forward.append(self._made(index, kinds[index]))
            else:
                self.forward.append(self._effect(trace.effects[index]))
        self.adam = None if exact or adam is None else adam([p for p, _ in self.params])
        if self.adam is not None:
            self._gradients_into_adam(trace, impls, param_slots, uses)
        self.backward = []
        for i in trace.backward:
            node = trace.nodes[i]
            routes = []
            for slot, need in zip(node.in_slots, node.needs):
                if not need:
                    routes.append(None)
                elif isinstance(kinds[slot], Output):
                    routes.append((slot, values[slot].shape, False))
                elif slot in param_slots:
                    routes.append((slot, values[slot].shape, True))
                else:
                    routes.append(None)  # a leaf outside the optimizer: eager would store a .grad nobody uses
            self.backward.append((impls[i], node.out, routes))
        self.loss_slot, self.output_slot = trace.loss_slot, trace.output_slot
        self.output = None
        loss = values[trace.loss_slot]
        self.seed = np.ones(loss.shape, loss.dtype)  # dL/dL = 1
        self.dtypes = {slot: values[slot].dtype for _, slot in self.params}
        self.folded = sorted(folds)
        self.folded_params = [kinds[slot].tensor for slot in self.folded]
        self.folded_arrays = [p.data for p in self.folded_params]
        self.stamps = []  # the folded parameters' version records (versions.note_writes)
        # plain SGD with every parameter folded: its step() would only count the update
        self.only_count = bool(folds) and all(slot in folds for _, slot in self.params) and len(self.params) == len(
            [p for group in optimizer.param_groups for p in group["params"]]
        )

    # ----- building ---------------------------------------------------------------------
    def _foldable(self, trace, optimizer, param_slots, uses):
        """slot -> Rate for the parameters whose plain SGD update can run inside their gradient's BLAS call."""
        if type(optimizer) is not SGD or not blas.available():
            return {}
        group_of = {id(p): group for group in optimizer.param_groups for p in group["params"]}
        folds = {}
        for node in trace.nodes:
            if node.fn.name not in ("linear", "linear_relu") or not kernels.Affine.applies(node, trace.values):
                continue
            if trace.values[node.in_slots[0]].shape[0] > FOLD_MAX_ROWS:
                continue
            for slot in node.in_slots[1:]:
                kind = trace.kinds[slot]
                if slot not in param_slots or uses[slot] != 1 or not blas.supports(trace.values[slot].dtype):
                    continue
                group = group_of[id(kind.tensor)]
                if group["momentum"] != 0 or group["weight_decay"] != 0:
                    continue
                if id(group) not in self.rates:
                    self.rates[id(group)] = (group, kernels.Rate())
                folds[slot] = self.rates[id(group)][1]
        return folds

    def _gradients_into_adam(self, trace, impls, param_slots, uses):
        """Point the gradient buffers of the ``Affine`` kernels at the fused Adam's flat gradients (no copy a step).

        Only for a parameter read by one op: a shared weight's gradients are summed, in a buffer of their own.
        """
        for i, node in enumerate(trace.nodes):
            impl = impls[i]
            if type(impl) is not kernels.Affine:
                continue
            for slot, name in zip(node.in_slots[1:], ("gw", "gb")):
                own = getattr(impl, name)
                if own is None or slot not in param_slots or uses[slot] != 1:
                    continue
                view = self.adam.gradient_buffer(trace.kinds[slot].tensor)
                if view.shape == own.shape and view.strides == own.strides and view.dtype == own.dtype:
                    setattr(impl, name, view)

    def _implement(self, node, values, folds, release):
        name = node.fn.name
        if name in ("linear", "linear_relu") and kernels.Affine.applies(node, values):
            slots = node.in_slots
            return kernels.Affine(
                node, values, relu=name == "linear_relu",
                fold_weight=folds.get(slots[1]), fold_bias=folds.get(slots[2]) if len(slots) > 2 else None,
                skip_zero_columns=not self.exact,
            )  # fmt: skip
        if name == "softmax_cross_entropy" and kernels.SoftmaxCrossEntropy.applies(node, values):
            return kernels.SoftmaxCrossEntropy(node, values)
        if name == "bce_with_logits" and kernels.BCEWithLogits.applies(node, values):
            return kernels.BCEWithLogits(node, values)
        return OpNode(node, release_after_forward=release or not node.on_graph)

    def _made(self, slot, kind):
        make, args = kind.make, kind.args

        def made(v):
            v[slot] = np.asarray(make(*[v[a.slot] if type(a) is SlotRef else a for a in args]))

        return made

    def _effect(self, effect):
        run, args = effect.run, effect.args

        def repeat(v):
            run(*[v[a.slot] if type(a) is SlotRef else a for a in args])

        return repeat

    # ----- replaying --------------------------------------------------------------------
    def valid(self):
        """False when a parameter's array was replaced (``p.data = ...``) or a folded group's rule changed."""
        for p, array in self.param_arrays:
            if p.data is not array:
                return False
        for group, _ in self.rates.values():  # a folded update is plain SGD's: momentum or decay set since?
            if group["momentum"] != 0 or group["weight_decay"] != 0:
                return False
        return True

    def labels_fit(self, x, y):
        """False when a label of this batch is outside [0, k) of the traced classes (the step then runs eagerly, which names it)."""
        arrays = (x, y)
        for index, unsigned, classes in self.guards:
            labels = arrays[index]
            if labels.size and np.maximum.reduce(labels.view(unsigned), axis=None) >= classes:
                return False
        return True

    def run(self, x, y):
        """Forward, loss and backward on (x, y); returns the loss array.

        Gradients go to ``self.grads``, the model's output to ``self.output`` (a buffer the next step overwrites).
        """
        v = self.v
        arrays = (x, y)
        for slot, index in self.inputs:
            v[slot] = arrays[index]
        for slot, index, dtype in self.casts:
            v[slot] = arrays[index].astype(dtype)
        for group, rate in self.rates.values():
            rate.value = self.optimizer._group_lr(group)
        for step in self.forward:
            step(v)
        loss = v[self.loss_slot]
        if self.output_slot is not None:
            self.output = v[self.output_slot]
        pending = {self.loss_slot: self.seed}
        private = set()  # slots whose pending gradient nothing else holds (as in engine.backward)
        grads = {}
        for impl, out, routes in self.backward:
            g = pending.pop(out, None)
            if g is None:
                continue
            input_grads = impl.backward(v, g, out in private)
            fresh = impl.fresh
            for route, ig in zip(routes, input_grads):
                if route is None or ig is None:
                    continue
                slot, shape, leaf = route
                if ig.shape != shape:
                    ig = unbroadcast(ig, shape)
                if leaf:
                    self._store(grads, slot, ig, g, fresh)
                    continue
                earlier = pending.get(slot)
                if earlier is None:
                    pending[slot] = ig
                    if fresh and ig is not g:
                        private.add(slot)
                else:
                    pending[slot] = earlier + ig
                    private.add(slot)
        self.grads = grads
        return loss

    def _store(self, grads, slot, ig, g, fresh):
        """A parameter's gradient, kept without a copy when it is fresh (as ``engine._accumulate_leaf``)."""
        dtype = self.dtypes[slot]
        earlier = grads.get(slot)
        if earlier is not None:
            np.add(earlier, ig if ig.dtype == dtype else ig.astype(dtype), out=earlier)
        elif ig.dtype != dtype:
            grads[slot] = ig.astype(dtype)
        elif (fresh and ig is not g) or not (ig is g or ig.base is not None or not ig.flags.writeable):
            grads[slot] = ig
        else:
            grads[slot] = np.array(ig)

    def update(self, before_update=None):
        """The optimizer's step on the gradients of ``run`` (folded parameters were updated already).

        ``before_update()``, if given, runs once the gradients are in ``.grad``, before the step.
        """
        if self.folded_params:  # updated in place by the folded BLAS calls: their versions go up as in SGD.step
            for p in self.folded_params:
                p._version += 1
            note_writes(self.folded_arrays, "SGD.step", self.stamps)
        if self.only_count and before_update is None:
            self.optimizer.global_step += 1  # all that SGD.step does when no parameter has a gradient left
            self.grads = None
            return
        grads = self.grads
        if self.adam is not None and before_update is None and self.adam.step({id(p): grads.get(slot) for p, slot in self.params}):
            self.grads = None
            return
        for p, slot in self.params:
            p._grad = grads.get(slot)  # a bare array, as backward() stores it (.grad wraps it when read)
        if before_update is not None:
            before_update()
        self.optimizer.step(release_grads=True)
        self.grads = None
