"""Optimizer: the base class of every optimizer, with the PyTorch-style and the TensorFlow-style API.

PyTorch style::

    opt.zero_grad(); loss.backward(); opt.step()

TensorFlow style (the gradients may be edited in between, e.g. clipped)::

    grads_and_vars = opt.compute_gradients(loss)
    opt.apply_gradients(grads_and_vars)
    opt.minimize(loss)                      # both at once

A subclass gives its defaults to ``Optimizer.__init__``, checks one parameter
group's hyperparameters in ``_check_group``, creates a parameter's state in
``_init_state`` and applies one update to one parameter in ``_update``, in
place, with NumPy ``out=`` arguments.
"""

import math
import numbers

import numpy as np

from ..errors import OptimizerError, ShapeError
from ..tensor import Tensor, _grad_array
from ..versions import note_writes


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class Optimizer:
    """Base class of the optimizers: parameter groups, per-parameter state and both training APIs.

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The tensors to optimise (floating leaf tensors; one with
        ``requires_grad=False``, a frozen weight, never gets a gradient and is
        skipped, as in PyTorch), or
        parameter groups: dicts with a ``"params"`` list and any hyperparameters
        that override the defaults for that group.
    **defaults
        Hyperparameters of every group that does not set its own. ``lr`` may be
        a number or a schedule (any callable ``step -> learning rate``).

    Attributes
    ----------
    param_groups : list of dict
        Each with ``"params"`` (a list of Tensors) and the group's hyperparameters.
    state : dict
        Per-parameter state (ndarrays and numbers), keyed by the parameter.
    global_step : int
        Number of updates applied so far (by ``step``, ``apply_gradients`` or ``minimize``).

    Examples
    --------
    >>> import gradstep
    >>> from gradstep.optim import SGD
    >>> w = gradstep.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> w.data, opt.global_step
    (array([ 0.8, -1.6], dtype=float32), 1)
    """

    def __init__(self, params, **defaults):
        self.defaults = defaults
        self.param_groups = []
        self.state = {}
        self.global_step = 0
        self._scratch = {}
        self._stamps = []  # the parameters' version records (gradstep.versions.note_writes)
        self._releasing = False  # set by _apply(release=True) for _scratch_or_grad
        if isinstance(params, (Tensor, dict)):
            raise OptimizerError(
                f"{self._name}: params must be an iterable of Tensors or of parameter-group dicts, "
                f"got a single {type(params).__name__}; wrap it in a list"
            )
        params = list(params)
        if not params:
            raise OptimizerError(f"{self._name}: got an empty parameter list; pass the tensors to optimise")
        if not isinstance(params[0], dict):
            params = [{"params": params}]
        for group in params:
            self.add_param_group(group)

    def __getstate__(self):
        """Pickling (an estimator keeps its optimizer): without the version records, which hold weak references."""
        state = dict(self.__dict__)
        state["_stamps"] = []
        return state

    @property
    def _name(self):
        return type(self).__name__

    # ----- parameter groups -------------------------------------------------------
    def add_param_group(self, group):
        """Add a parameter group (a dict with ``"params"`` and optional hyperparameters).

        Missing hyperparameters take the optimizer's defaults; a parameter may
        belong to one group only.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> a, b = gradstep.zeros(2, requires_grad=True), gradstep.zeros(3, requires_grad=True)
        >>> opt = SGD([a], lr=0.1)
        >>> opt.add_param_group({"params": [b], "lr": 0.01})
        >>> opt.get_lr()
        [0.1, 0.01]
        """
        if not isinstance(group, dict):
            raise OptimizerError(f"{self._name}: a parameter group must be a dict, got {type(group).__name__}")
        index = len(self.param_groups)
        if "params" not in group:
            raise OptimizerError(f"{self._name}: parameter group {index} has no 'params' entry")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        if not params:
            raise OptimizerError(f"{self._name}: parameter group {index} has an empty 'params' list")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            self._check_param(p, f"parameter {i} of group {index}")
            if id(p) in seen:
                raise OptimizerError(
                    f"{self._name}: parameter {i} of group {index} (shape {p.shape}) appears more than once "
                    "in the parameter groups"
                )
            seen.add(id(p))
        hyper = {key: value for key, value in group.items() if key != "params"}
        normalised = self._normalise(hyper, index)
        self.param_groups.append({"params": params, **normalised})

    def _check_param(self, p, where):
        if not isinstance(p, Tensor):
            raise OptimizerError(f"{self._name}: {where} is a {type(p).__name__}, not a Tensor")
        if not p.is_leaf or p.data.dtype.kind != "f":
            raise OptimizerError(
                f"{self._name}: {where} (shape {p.shape}, dtype {p.dtype}) must be a floating leaf tensor, "
                "not the result of an operation"
            )

    def _normalise(self, hyper, index):
        """Fill in defaults, make NumPy scalars Python ones (so float32 stays float32), lists tuples; check."""
        unknown = sorted(set(hyper) - set(self.defaults))
        if unknown:
            raise OptimizerError(
                f"{self._name}: unknown hyperparameter {unknown[0]!r} in parameter group {index}; "
                f"known: {', '.join(self.defaults)}"
            )
        group = {}
        for key, default in self.defaults.items():
            value = hyper.get(key, default)
            if isinstance(value, (list, tuple)):
                value = tuple(v.item() if isinstance(v, np.generic) else v for v in value)
            elif isinstance(value, np.generic):
                value = value.item()
            group[key] = value
        self._check_lr(group["lr"], index)
        self._check_group(group, index)
        return group

    # ----- hyperparameter checks (subclasses call these from _check_group) --------------
    def _where(self, index):
        return "" if index == 0 else f" (parameter group {index})"

    def _check_lr(self, lr, index=0):
        if callable(lr):
            return
        self._check_number("lr", lr, index, low=0.0)

    def _check_number(self, name, value, index=0, low=None, high=None, high_open=False):
        """Raise OptimizerError unless ``value`` is a finite real in [low, high] (or [low, high))."""
        if not _is_number(value) or not math.isfinite(value):
            raise OptimizerError(f"{self._name}: {name} must be a finite number, got {value!r}{self._where(index)}")
        if low is not None and value < low:
            raise OptimizerError(f"{self._name}: {name} must be >= {low:g}, got {value!r}{self._where(index)}")
        if high is not None and (value >= high if high_open else value > high):
            bound = f"< {high:g}" if high_open else f"<= {high:g}"
            raise OptimizerError(f"{self._name}: {name} must be {bound}, got {value!r}{self._where(index)}")

    def _check_flag(self, name, value, index=0):
        if not isinstance(value, bool):
            raise OptimizerError(f"{self._name}: {name} must be True or False, got {value!r}{self._where(index)}")

    def _check_group(self, group, index):
        """Check one group's hyperparameters (other than lr); subclasses override."""

    # ----- learning rate ----------------------------------------------------------
    def _group_lr(self, group):
        """The group's learning rate for the next update (a schedule is read at ``global_step``)."""
        lr = group["lr"]
        if not callable(lr):
            return float(lr)
        value = lr(self.global_step)
        if not _is_number(value) or not math.isfinite(value) or value < 0:
            raise OptimizerError(
                f"{self._name}: the learning-rate schedule {lr!r} returned {value!r} at step {self.global_step}; "
                "a learning rate must be a finite number >= 0"
            )
        return float(value)

    @property
    def lr(self):
        """Learning rate of group 0 for the next update, a float (a schedule's value at ``global_step``).

        Setting it puts a constant learning rate (or a schedule) on every group:
        this is how a callback such as ReduceLROnPlateau changes it.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> opt = SGD([gradstep.zeros(2, requires_grad=True)], lr=0.1)
        >>> opt.lr = 0.05
        >>> opt.lr
        0.05
        """
        return self._group_lr(self.param_groups[0])

    @lr.setter
    def lr(self, value):
        if isinstance(value, np.generic):
            value = value.item()
        for index in range(len(self.param_groups)):
            self._check_lr(value, index)
        for group in self.param_groups:
            group["lr"] = value

    def get_lr(self):
        """Learning rate of every group for the next update, a list of floats.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> opt = SGD([gradstep.zeros(2, requires_grad=True)], lr=0.1)
        >>> opt.get_lr()
        [0.1]
        """
        return [self._group_lr(group) for group in self.param_groups]

    # ----- PyTorch style ------------------------------------------------------------
    def _params(self):
        return [p for group in self.param_groups for p in group["params"]]

    def zero_grad(self, set_to_none=True):
        """Clear the gradients: set them to None, or (``set_to_none=False``) fill them with 0 in place.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> w = gradstep.tensor([1.0], requires_grad=True)
        >>> (w * 3).sum().backward()
        >>> SGD([w], lr=0.1).zero_grad(); w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p._grad = None
                elif p._grad is not None:
                    p.grad.zero_()

    def step(self, closure=None, release_grads=False):
        """Update every parameter that has a gradient, then increment ``global_step``.

        ``closure``, if given, is called first (with grad mode on) to recompute
        the loss and the gradients; its result is returned.

        ``release_grads=True`` hands the gradients over to the update: it may use
        each gradient array as its scratch space (one pass over memory less per
        parameter, the way a hand-written ``g *= lr; w -= g`` works) and sets
        every ``.grad`` it used to None afterwards, as ``zero_grad()`` would. Use
        it in a loop that does not read the gradients after the step;
        ``Trainer.fit`` and the estimators do.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> w = gradstep.tensor([1.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.5)
        >>> (w * w).sum().backward(); opt.step(); w.data
        array([0.], dtype=float32)
        >>> opt.zero_grad(); (w * 4).sum().backward(); opt.step(release_grads=True)  # w <- 0 - 0.5 * 4
        >>> w.data, w.grad
        (array([-2.], dtype=float32), None)
        """
        loss = None
        if closure is not None:
            from ..grad_mode import enable_grad

            with enable_grad():
                loss = closure()
        self._apply(release=bool(release_grads))
        return loss

    def _apply(self, grads=None, release=False):
        """Update the parameters that have a gradient; count the step.

        ``grads`` maps id(parameter) -> gradient ndarray; without it, each
        parameter's ``.grad`` (a Tensor) holds its gradient. Everything is
        checked before any parameter changes. ``release``: the ``.grad`` arrays
        may serve as scratch (see ``_scratch_or_grad``) and are set to None
        afterwards. Each updated parameter's version counter is bumped, so a
        backward() through a graph that saved its old value refuses.
        """
        work, written = [], []
        for g, group in enumerate(self.param_groups):
            lr = self._group_lr(group)
            for i, p in enumerate(group["params"]):
                if grads is None:
                    grad = p._grad
                    if grad is None:
                        continue
                    if type(grad) is not np.ndarray:
                        grad = grad.data
                else:
                    grad = grads.get(id(p))
                    if grad is None:
                        continue
                w = p.data
                if grad.shape != w.shape:
                    raise ShapeError(
                        f"{self._name}.step: the gradient of parameter {i} of group {g} has shape {grad.shape}, "
                        f"the parameter has shape {w.shape}"
                    )
                work.append((p, grad, group, lr))
                written.append(w)
        states, update = self.state, self._update
        self._releasing = release
        try:
            for p, grad, group, lr in work:
                state = states.get(p)
                if state is None:
                    state = states[p] = self._init_state(p, group)
                p._version += 1  # counted before the update: a failure half-way may have changed p already
                update(p, grad, group, state, lr)
                if release:
                    p._grad = None
        finally:
            self._releasing = False
            if written:  # one clock tick for the step, also after a failed update (some parameters may have changed)
                note_writes(written, self._step_name, self._stamps)
        self.global_step += 1

    @property
    def _step_name(self):
        return f"{type(self).__name__}.step"

    def _scratch_or_grad(self, p, grad):
        """Where ``_update`` may write its last temporaries: the gradient itself when the step releases it, else a buffer.

        Only for writes after which ``_update`` reads ``grad`` no more except
        element by element in the same ufunc (``np.multiply(g, lr, out=g)``).
        """
        own = p._grad  # None, an ndarray or a Tensor (see Tensor.grad)
        if self._releasing and own is not None and (grad is own or (type(own) is not np.ndarray and grad is own.data)):
            if grad.flags.writeable and grad.dtype == p.data.dtype:
                return grad
        return self._buffer(p, 1)

    def _buffer(self, p, slot):
        """Scratch array ``slot`` for parameter ``p`` (allocated once, reused every step, not saved)."""
        buffer = self._scratch.get((p, slot))
        if buffer is None or buffer.shape != p.data.shape or buffer.dtype != p.data.dtype:
            buffer = self._scratch[p, slot] = np.empty_like(p.data)
        return buffer

    def _init_state(self, p, group):
        """New state of one parameter (a dict of ndarrays and numbers); subclasses override."""
        return {}

    def _update(self, p, grad, group, state, lr):
        """Update ``p.data`` in place from ``grad``; subclasses implement."""
        raise NotImplementedError(f"{self._name} does not implement _update")

    # ----- TensorFlow style ---------------------------------------------------------
    def compute_gradients(self, loss, params=None):
        """Zero the gradients, run ``loss.backward()`` and return ``[(grad, param), ...]``.

        Each grad is the parameter's ``.grad`` Tensor (edit it in place, or put
        another Tensor or ndarray in the pair). ``params`` defaults to every
        parameter of the optimizer. A parameter the loss does not depend on
        gets ``None`` as its gradient.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> w = gradstep.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.1)
        >>> [(g.tolist(), p is w) for g, p in opt.compute_gradients((w * w).sum())]
        [([2.0, 4.0], True)]
        """
        if not isinstance(loss, Tensor):
            raise OptimizerError(f"{self._name}.compute_gradients: loss must be a Tensor, got {type(loss).__name__}")
        params = self._params() if params is None else self._param_list(params, "compute_gradients")
        self.zero_grad()
        for p in params:
            p.grad = None
        loss.backward()
        return [(p.grad, p) for p in params]

    def _param_list(self, params, where):
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise OptimizerError(f"{self._name}.{where}: params[{i}] is a {type(p).__name__}, not a Tensor")
        return params

    def apply_gradients(self, grads_and_vars):
        """Apply ``[(grad, param), ...]`` (possibly edited) to those parameters and increment ``global_step``.

        Each gradient becomes the parameter's ``.grad``; ``None`` gradients are skipped.

        >>> import numpy as np, gradstep
        >>> from gradstep.optim import SGD
        >>> w = gradstep.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.1)
        >>> opt.apply_gradients([(np.array([10.0, 0.0], dtype=np.float32), w)])
        >>> w.data, opt.global_step
        (array([0., 2.], dtype=float32), 1)
        """
        managed = {id(p) for p in self._params()}
        checked = []
        pairs = list(grads_and_vars)
        for i, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise OptimizerError(
                    f"{self._name}.apply_gradients: item {i} must be a (grad, param) pair, got {type(pair).__name__}"
                )
            grad, p = pair
            if not isinstance(p, Tensor) or id(p) not in managed:
                raise OptimizerError(
                    f"{self._name}.apply_gradients: the parameter of pair {i} is not one of this optimizer's parameters"
                )
            if grad is None:
                continue
            grad = grad.data if isinstance(grad, Tensor) else np.asarray(grad)
            if grad.shape != p.data.shape:
                raise ShapeError(
                    f"{self._name}.apply_gradients: gradient {i} has shape {grad.shape} but its parameter "
                    f"has shape {p.data.shape}"
                )
            checked.append((grad, p))
        self._apply({id(p): self._set_grad(p, grad) for grad, p in checked})

    @staticmethod
    def _set_grad(p, grad):
        """Make the array ``grad`` the parameter's ``.grad`` (copied into the existing buffer when there is one).

        Returns the array the update reads.
        """
        current = _grad_array(p)
        if current is not None and grad is current:
            return grad
        if current is not None and current.shape == grad.shape and current.flags.writeable:
            np.copyto(current, grad)
            return current
        p.grad = np.array(grad, dtype=p.data.dtype)
        return p.grad.data

    def minimize(self, loss, params=None):
        """``apply_gradients(compute_gradients(loss, params))``: one update that lowers ``loss``.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> w = gradstep.tensor([3.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.25)
        >>> opt.minimize((w * w).sum()); w.data
        array([1.5], dtype=float32)
        """
        self.apply_gradients(self.compute_gradients(loss, params))

    # ----- saving and restoring -----------------------------------------------------------
    def state_dict(self):
        """The optimizer's state as plain data: ints, floats, bools, lists, strings and ndarrays (copies).

        ``{"global_step": int, "param_groups": [{hyperparameters..., "params": [indices]}],
        "state": {index: {name: ndarray or number}}}``. Parameters are numbered
        in group order. A schedule is code, not data: its group stores the
        current value as ``"lr"`` and the schedule's repr as ``"lr_schedule"``.

        >>> import gradstep
        >>> from gradstep.optim import SGD
        >>> w = gradstep.tensor([1.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.1, momentum=0.9)
        >>> opt.minimize((w * w).sum())
        >>> sd = opt.state_dict()
        >>> sd["global_step"], sd["param_groups"][0]["params"], sd["state"][0]["momentum_buffer"]
        (1, [0], array([2.], dtype=float32))
        """
        groups = []
        state = {}
        index = 0
        for group in self.param_groups:
            packed = {}
            for key, value in group.items():
                if key == "params":
                    continue
                if callable(value):
                    packed[key] = self._group_lr(group)
                    packed[f"{key}_schedule"] = repr(value)
                elif isinstance(value, tuple):
                    packed[key] = list(value)
                else:
                    packed[key] = value
            packed["params"] = list(range(index, index + len(group["params"])))
            for p in group["params"]:
                if p in self.state:
                    state[index] = {
                        name: value.copy() if isinstance(value, np.ndarray) else value
                        for name, value in self.state[p].items()
                    }
                index += 1
            groups.append(packed)
        return {"global_step": self.global_step, "param_groups": groups, "state": state}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict()``: hyperparameters, per-parameter state and ``global_step``.

        The optimizer must have the same number of groups and of parameters per
        group; the saved parameter ``i`` is this optimizer's ``i``-th parameter in
        group order. A group whose lr is a schedule keeps its schedule if the saved
        group had one too; a saved constant lr (set through ``opt.lr``) wins. Nothing
        changes unless everything checks out.

        >>> import gradstep
        >>> from gradstep.optim import Adam
        >>> w = gradstep.tensor([1.0], requires_grad=True)
        >>> opt = Adam([w]); opt.minimize((w * w).sum())
        >>> other = Adam([gradstep.tensor([1.0], requires_grad=True)])
        >>> other.load_state_dict(opt.state_dict()); other.global_step
        1
        """
        where = f"{self._name}.load_state_dict"
        if not isinstance(state_dict, dict) or not {"global_step", "param_groups", "state"} <= set(state_dict):
            raise OptimizerError(f"{where}: expected a dict with 'global_step', 'param_groups' and 'state'")
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise OptimizerError(
                f"{where}: the state dict has {len(saved_groups)} parameter groups, "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index = {}
        new_groups = []
        for g, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            indices = list(saved["params"])
            if len(indices) != len(group["params"]):
                raise OptimizerError(
                    f"{where}: parameter group {g} has {len(indices)} parameters in the state dict, "
                    f"{len(group['params'])} in this optimizer"
                )
            for i, p in zip(indices, group["params"]):
                by_index[int(i)] = p
            hyper = {k: (tuple(v) if isinstance(v, list) else v) for k, v in saved.items() if k != "params"}
            saved_a_schedule = hyper.pop("lr_schedule", None) is not None
            if callable(group["lr"]) and saved_a_schedule:
                hyper["lr"] = group["lr"]  # the schedule goes on from the restored global_step
            hyper = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in hyper.items()}
            new_groups.append(self._normalise(hyper, g))
        new_state = {}
        for key, values in state_dict["state"].items():
            i = int(key)
            p = by_index.get(i)
            if p is None:
                raise OptimizerError(f"{where}: the state dict has state for parameter {i}, which is not in any group")
            restored = {}
            for name, value in values.items():
                if isinstance(value, np.ndarray):
                    if value.shape != p.data.shape:
                        raise ShapeError(
                            f"{where}: state {name!r} of parameter {i} has shape {value.shape}, "
                            f"the parameter has shape {p.data.shape}"
                        )
                    value = np.array(value, dtype=p.data.dtype)
                elif isinstance(value, np.generic):
                    value = value.item()
                restored[name] = value
            new_state[p] = restored
        for group, hyper in zip(self.param_groups, new_groups):
            group.update(hyper)
        self.state = new_state
        self.global_step = int(state_dict["global_step"])

    def __repr__(self):
        lines = [f"{self._name}("]
        for g, group in enumerate(self.param_groups):
            settings = ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")
            lines.append(f"  group {g}: {len(group['params'])} parameters, {settings}")
        lines.append(")")
        return "\n".join(lines)
