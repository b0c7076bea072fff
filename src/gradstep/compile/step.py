"""``gradstep.compile``: a training step traced once and replayed, re-traced when what it depends on changes.

The first call with a new input shape, dtype or train/eval state runs the step
eagerly while ``trace.Recorder`` watches; the second call does the same and
compares the two recordings (a difference means Python control flow or
constants that depend on the data, which a replay would freeze); from the
third call on, ``program.Program`` replays it. A shape seen later (the last,
partial batch) needs one recording only, when it ran the same ops as the
verified one. A step that cannot be compiled runs eagerly from then on, after
one ``CompileWarning`` naming the reason (``strict=True`` raises
``CompileError`` instead).
"""

import warnings

import numpy as np

from ..errors import ArgumentError, CompileError, CompileWarning
from ..nn.module import Module, structure_version
from ..optim.optimizer import Optimizer
from ..tensor import Tensor, _grad_array
from . import blas
from . import program as _program
from .adam import FusedAdam
from .trace import Recorder


def _array(value, what):
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, np.ndarray):
        return value
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise ArgumentError(f"compiled step: {what} must be an array or a Tensor of numbers, got {type(value).__name__}")
    return array


class CompiledStep:
    """One training step of ``model`` on ``loss_fn`` with ``optimizer``: ``step(x, y)`` returns the loss as a float.

    Made by ``gradstep.compile``; see there. Attributes: ``traces`` (eager steps
    that were recorded), ``replays`` (steps run by a compiled program),
    ``eager_steps`` (steps run eagerly after a fallback), ``reason`` (why it
    fell back, or None), ``exact``, ``strict``, and ``output``: the model's
    output of the last step as an array (in a compiled step a buffer that the
    next step overwrites: copy it to keep it).

    >>> import numpy as np, gradstep
    >>> from gradstep import nn, optim
    >>> model = nn.Linear(3, 1, seed=0)
    >>> step = gradstep.compile(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1))
    >>> x, y = np.ones((4, 3), np.float32), np.zeros((4, 1), np.float32)
    >>> losses = [step(x, y) for _ in range(3)]
    >>> step.traces, step.replays, losses[2] < losses[0]
    (2, 1, True)
    """

    def __init__(self, model, loss_fn, optimizer, exact=False, strict=False, before_update=None):
        if not callable(model):
            raise ArgumentError(f"compile: model must be a Module or a callable, got {type(model).__name__}")
        if not callable(loss_fn):
            raise ArgumentError(f"compile: loss_fn must be callable (e.g. nn.CrossEntropyLoss()), got {type(loss_fn).__name__}")
        if not isinstance(optimizer, Optimizer):
            raise ArgumentError(f"compile: optimizer must be a gradstep.optim optimizer, got {type(optimizer).__name__}")
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        if before_update is not None and not callable(before_update):
            raise ArgumentError(f"compile: before_update must be callable, got {type(before_update).__name__}")
        # a hook that reads the gradients needs all of them: nothing folded
        self.exact, self.strict, self.before_update = bool(exact) or before_update is not None, bool(strict), before_update
        self.traces = self.replays = self.eager_steps = 0
        self.reason = None
        self.output = None
        self._reset()

    def _reset(self):
        """Forget every program (the model's structure changed)."""
        self._structure = structure_version()
        model = self.model
        self._modules = list(model.modules()) if isinstance(model, Module) else []
        params = [p for group in self.optimizer.param_groups for p in group["params"]]
        seen = {id(p) for p in params}
        if isinstance(model, Module):
            params += [p for p in model.parameters() if id(p) not in seen]
        self._params = params
        self._programs = {}  # key -> Program
        self._first = {}  # key -> the first Trace, waiting for the second to compare with
        self._verified = None  # a Trace confirmed by two recordings
        self._adams = {}  # frozenset of parameter ids -> FusedAdam or None (shared by the programs and the traced steps)

    def _fused_adam(self, params):
        """The ``FusedAdam`` updating ``params`` (None with ``exact`` or where it does not apply); one per set of parameters.

        The traced steps use it too, so every step of a compiled run rounds alike (a checkpoint resumes exactly).
        """
        if self.exact:
            return None
        wanted = {id(p) for p in params}
        params = [p for group in self.optimizer.param_groups for p in group["params"] if id(p) in wanted]
        key = frozenset(map(id, params))
        fused = self._adams.get(key, False)
        if fused is False or (fused is not None and not fused.valid()):
            fused = self._adams[key] = FusedAdam(self.optimizer, params) if FusedAdam.applies(self.optimizer, params) else None
        return fused

    def __call__(self, x, y):
        pinned = blas.pin_threads()  # SciPy's own BLAS on one thread while the step runs (see compile.blas)
        try:
            return self._step(x, y)
        finally:
            blas.restore_threads(pinned)

    def _step(self, x, y):
        if type(x) is not np.ndarray:
            x = _array(x, "x")
        if type(y) is not np.ndarray:
            y = _array(y, "y")
        if self.reason is not None:
            return self._eager(x, y)
        if structure_version() != self._structure:
            self._reset()
        key = (x.shape, x.dtype, y.shape, y.dtype, tuple([m.training for m in self._modules]))
        program = self._programs.get(key)
        if program is not None:
            if program.valid():
                if not program.labels_fit(x, y):
                    return self._eager(x, y)  # eager names the bad label
                loss = program.run(x, y)
                self.output = program.output
                program.update(self.before_update)
                self.replays += 1
                return float(loss)
            self._reset()  # a parameter was replaced or the update rule changed
        return self._trace(key, x, y)

    # ----- eager steps --------------------------------------------------------------------
    def _eager(self, x, y):
        """The PyTorch-style step: zero_grad, forward, loss, backward, step; returns the loss."""
        opt = self.optimizer
        opt.zero_grad()
        out = self.model(Tensor(x))
        loss = self.loss_fn(out, Tensor(y))
        self.output = out.data if isinstance(out, Tensor) else None
        self.eager_steps += 1
        loss.backward()
        if self.before_update is not None:
            self.before_update()
        opt.step(release_grads=True)
        return float(loss.data)

    def _recorded(self, x, y):
        """The eager step with the forward and loss recorded; returns (loss, Trace or the CompileError)."""
        opt = self.optimizer
        opt.zero_grad()
        recorder = Recorder(x, y, self._params)
        version = structure_version()
        with recorder:
            out = self.model(Tensor(x))
            loss = self.loss_fn(out, Tensor(y))
        if structure_version() != version:  # it would re-trace at every step
            recorder.problem = "the model assigns parameters, modules, tensors or buffers to itself during forward"
        self.output = out.data if isinstance(out, Tensor) else None
        try:
            outcome = recorder.finish(loss, out)
        except CompileError as err:
            outcome = err
            if self.strict:
                self._give_up(str(err).removeprefix("compile: "))
        del recorder  # its tensors: the step's activations
        if not isinstance(loss, Tensor):
            raise ArgumentError(f"compiled step: the loss function returned a {type(loss).__name__}, not a Tensor")
        loss.backward()
        if self.before_update is not None:
            self.before_update()
        params = [p for p in self._params if p._grad is not None]
        fused = self._fused_adam(params) if params else None
        if fused is None or not fused.step({id(p): _grad_array(p) for p in params}):
            opt.step(release_grads=True)
        return float(loss.data), outcome

    def _trace(self, key, x, y):
        loss, trace = self._recorded(x, y)
        self.traces += 1
        if isinstance(trace, CompileError):
            self._give_up(str(trace).removeprefix("compile: "))
            return loss
        first = self._first.pop(key, None)
        if first is not None:
            reason = first.difference(trace)
            if reason is not None:
                self._give_up(reason)
                return loss
            self._verified = trace
        elif self._verified is None or not self._verified.same_ops(trace):
            self._first[key] = trace  # compare with the next batch of this shape first
            return loss
        try:
            self._programs[key] = _program.make(trace, self.optimizer, exact=self.exact, adam=self._fused_adam)
        except CompileError as err:
            self._give_up(str(err).removeprefix("compile: "))
        return loss

    def _give_up(self, reason):
        self.reason = reason
        self._programs, self._first = {}, {}
        if self.strict:
            raise CompileError(f"compile: cannot compile this step: {reason}")
        warnings.warn(f"gradstep.compile: {reason}; the step runs eagerly from now on", CompileWarning, stacklevel=4)


def compile(model, loss_fn, optimizer, exact=False, strict=False, before_update=None):  # noqa: A001  (as torch.compile)
    """Trace one training step of ``model`` and replay it: returns ``step``, where ``step(x, y)`` -> loss (float).

    ``step(x, y)`` does what ``optimizer.zero_grad(); loss = loss_fn(model(x), y);
    loss.backward(); optimizer.step()`` does, as a flat program of NumPy/BLAS
    calls on buffers allocated when it was traced. It is re-traced when the
    shape or dtype of x or y changes (the last, partial batch), when the model
    switches between train and eval, and when a parameter, layer or buffer is
    replaced. Dropout draws fresh masks from its generator at every step,
    BatchNorm updates its running statistics, and any optimizer, parameter
    group and learning-rate schedule applies its own update.

    Parameters
    ----------
    model : Module or callable
        Maps a Tensor x to the model's output.
    loss_fn : callable
        ``loss_fn(output, y)`` -> scalar Tensor (an ``nn`` loss or a function).
    optimizer : gradstep.optim.Optimizer
    exact : bool, default False
        True: every parameter gets exactly eager's bits. False also folds plain
        SGD's update into the weight gradient's BLAS call for batches of at
        most 256 rows (W <- W - lr G^T X in one gemm, a rank-1 ger at batch 1;
        needs SciPy), which rounds once where eager rounds twice, and runs
        logistic regression (``nn.Linear``, ``nn.BCEWithLogitsLoss``, plain SGD)
        as one fused step (``compile.linear_step``), and runs the layer that
        reads the batch on the input columns the batch uses when at most 80%
        of them are (a column of zeros adds nothing to either product;
        ``kernels.SKIP_MAX_FRACTION``): the same weights to rounding (float32:
        a few units in the last place); and updates Adam and AdamW (without
        ``amsgrad``) in few passes over flat arrays, the bias corrections
        folded into the step size and eps (``compile.adam``; needs SciPy): the
        same values, rounded differently. Other batches, models and optimizers
        get eager's bits either way.
    strict : bool, default False
        Raise ``CompileError`` when the step cannot be compiled, instead of
        warning once (``CompileWarning``) and running it eagerly.
    before_update : callable, optional
        Called with no arguments at every step once the gradients are in the
        parameters' ``.grad``, before the update (what ``Trainer`` runs its
        ``on_after_backward`` callbacks from). Implies ``exact=True``: every
        gradient is there to be read.

    Examples
    --------
    >>> import numpy as np, gradstep
    >>> from gradstep import nn, optim
    >>> model = nn.Sequential(nn.Linear(4, 8, seed=0), nn.ReLU(), nn.Linear(8, 3, seed=1))
    >>> step = gradstep.compile(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1))
    >>> x, y = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32), np.arange(16) % 3
    >>> first = step(x, y)
    >>> for _ in range(20):
    ...     last = step(x, y)
    >>> last < first, step.replays
    (True, 19)
    """
    return CompiledStep(model, loss_fn, optimizer, exact=exact, strict=strict, before_update=before_update)
