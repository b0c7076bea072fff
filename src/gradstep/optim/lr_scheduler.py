"""PyTorch's learning-rate schedulers: ``scheduler.step()`` after each epoch (or batch) sets every group's lr.

The protocol is ``torch.optim.lr_scheduler``'s: building a scheduler records
each group's lr as its base rate and sets the rate of step 0; every
``step()`` advances ``last_epoch`` by one and writes the rate of that step into
``optimizer.param_groups[i]["lr"]``; ``get_last_lr()`` returns what it wrote.
The rates are the closed forms of ``gradstep.optim.schedules`` (one formula
each) evaluated at ``last_epoch``, equal to PyTorch's when one scheduler drives
the optimizer. Chaining two schedulers on one optimizer is not supported: an lr
changed from outside between two steps is an error, not a silent overwrite.

>>> import gradstep
>>> from gradstep import optim
>>> opt = optim.SGD([gradstep.zeros(2, requires_grad=True)], lr=0.1)
>>> sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     lrs.append(sched.get_last_lr()[0])   # train one epoch with this rate, then:
...     opt.step(); sched.step()
>>> lrs
[0.1, 0.1, 0.05, 0.05, 0.025]
"""

import math
import numbers

from . import schedules
from .optimizer import Optimizer, OptimizerError


class LRScheduler:
    """Base class: subclasses give ``_schedule(base_lr, index)``, a callable ``step -> lr`` from ``schedules``.

    >>> import gradstep
    >>> from gradstep.optim import SGD, lr_scheduler
    >>> opt = SGD([gradstep.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = lr_scheduler.ExponentialLR(opt, gamma=0.5); s.step(); s.step()
    >>> s.last_epoch, s.get_last_lr(), opt.lr
    (2, [0.25], 0.25)
    """

    def __init__(self, optimizer, last_epoch=-1):
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise OptimizerError(f"{name}: expected a gradstep Optimizer, got {type(optimizer).__name__}")
        if last_epoch != -1:
            raise OptimizerError(
                f"{name}: last_epoch={last_epoch!r}; to resume, build the scheduler with last_epoch=-1 and call "
                f"load_state_dict(saved_scheduler_state)"
            )
        for i, group in enumerate(optimizer.param_groups):
            if callable(group["lr"]):
                raise OptimizerError(
                    f"{name}: parameter group {i} already has a schedule as its lr ({group['lr']!r}); give the "
                    f"optimizer a number and let the scheduler set it, or use the schedule alone"
                )
        self.optimizer = optimizer
        self.base_lrs = [float(group["lr"]) for group in optimizer.param_groups]
        self._schedules = [self._schedule(lr, i) for i, lr in enumerate(self.base_lrs)]
        self.last_epoch = -1
        self._last_lr = None
        self.step()

    def _schedule(self, base_lr, index):
        raise NotImplementedError

    def get_lr(self):
        """The rates of step ``last_epoch``, one per parameter group (what ``step()`` writes)."""
        return [schedule(self.last_epoch) for schedule in self._schedules]

    def get_last_lr(self):
        """The rates the last ``step()`` set, one per parameter group.

        >>> import gradstep
        >>> from gradstep.optim import SGD, lr_scheduler
        >>> opt = SGD([gradstep.zeros(1, requires_grad=True)], lr=0.5)
        >>> lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1)).get_last_lr()
        [0.5]
        """
        return list(self._last_lr)

    def _check_untouched(self):
        if self._last_lr is None:
            return
        for i, (group, last) in enumerate(zip(self.optimizer.param_groups, self._last_lr)):
            if group["lr"] != last:
                raise OptimizerError(
                    f"{type(self).__name__}.step: the lr of parameter group {i} was changed outside this scheduler "
                    f"({last!r} -> {group['lr']!r}); gradstep's schedulers compute PyTorch's closed forms from "
                    f"base_lrs and do not chain: use one scheduler per optimizer"
                )

    def step(self, epoch=None):
        """Advance to the next step (or to ``epoch``, PyTorch's deprecated form) and set every group's lr."""
        self._check_untouched()
        if epoch is None:
            self.last_epoch += 1
        else:
            if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
                raise OptimizerError(f"{type(self).__name__}.step: epoch must be an integer >= 0, got {epoch!r}")
            self.last_epoch = int(epoch)
        values = self.get_lr()
        for group, value in zip(self.optimizer.param_groups, values):
            group["lr"] = value
        self._last_lr = values

    def state_dict(self):
        """The scheduler's position as plain data (numbers and lists; the optimizer is not included).

        >>> import gradstep
        >>> from gradstep.optim import SGD, lr_scheduler
        >>> s = lr_scheduler.StepLR(SGD([gradstep.zeros(1, requires_grad=True)], lr=0.1), step_size=1); s.step()
        >>> s.state_dict()
        {'last_epoch': 1, 'base_lrs': [0.1], 'last_lr': [0.010000000000000002]}
        """
        return {"last_epoch": self.last_epoch, "base_lrs": list(self.base_lrs), "last_lr": list(self._last_lr)}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict()``; the optimizer's own state (its lr) comes from ``optimizer.load_state_dict``."""
        name = type(self).__name__
        if not isinstance(state_dict, dict) or not {"last_epoch", "base_lrs", "last_lr"} <= set(state_dict):
            raise OptimizerError(f"{name}.load_state_dict: expected a dict with 'last_epoch', 'base_lrs' and 'last_lr'")
        if len(state_dict["base_lrs"]) != len(self.optimizer.param_groups):
            raise OptimizerError(
                f"{name}.load_state_dict: the state has {len(state_dict['base_lrs'])} parameter groups, "
                f"the optimizer {len(self.optimizer.param_groups)}"
            )
        self.base_lrs = [float(v) for v in state_dict["base_lrs"]]
        self._schedules = [self._schedule(lr, i) for i, lr in enumerate(self.base_lrs)]
        self.last_epoch = int(state_dict["last_epoch"])
        self._last_lr = [float(v) for v in state_dict["last_lr"]]
        for group, value in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = value

    def __repr__(self):
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self._last_lr})"


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size).

    >>> import gradstep
    >>> from gradstep.optim import SGD, lr_scheduler
    >>> s = lr_scheduler.StepLR(SGD([gradstep.zeros(1, requires_grad=True)], lr=1.0), step_size=3, gamma=0.1)
    >>> s.step(epoch=3); s.get_last_lr()
    [0.1]
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, index):
        return schedules.step_decay(base_lr, self.step_size, self.gamma)


class MultiStepLR(LRScheduler):
    """lr = base_lr * gamma ** (number of milestones <= epoch); milestones increasing.

    >>> import gradstep
    >>> from gradstep.optim import SGD, lr_scheduler
    >>> s = lr_scheduler.MultiStepLR(SGD([gradstep.zeros(1, requires_grad=True)], lr=1.0), milestones=[1, 3], gamma=0.5)
    >>> for epoch in range(4):
    ...     s.step()
    >>> s.last_epoch, s.get_last_lr()
    (4, [0.25])
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones, self.gamma = sorted(milestones), gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, index):
        return schedules.multi_step_decay(base_lr, self.milestones, self.gamma)


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** epoch (gamma > 0)."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, index):
        return schedules.exponential_decay(base_lr, decay_steps=1, decay_rate=self.gamma)


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) (1 + cos(pi epoch / T_max)) / 2 (past T_max the cosine goes on, as in PyTorch)."""

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, index):
        return schedules.cosine_annealing(base_lr, self.T_max, self.eta_min)


class _Scaled:
    """``base_lr * factor(step)``: LambdaLR's rate."""

    def __init__(self, base_lr, factor):
        self.base_lr, self.factor = base_lr, factor

    def __call__(self, step):
        value = self.factor(step)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
            raise OptimizerError(f"LambdaLR: lr_lambda({step}) returned {value!r}; it must be a finite number >= 0")
        return self.base_lr * float(value)  # lr = base_lr * lr_lambda(epoch)


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch); ``lr_lambda`` a function, or a list with one per parameter group.

    >>> import gradstep
    >>> from gradstep.optim import SGD, lr_scheduler
    >>> s = lr_scheduler.LambdaLR(SGD([gradstep.zeros(1, requires_grad=True)], lr=2.0), lambda e: 0.5 ** e)
    >>> s.step(); s.get_last_lr()
    [1.0]
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 0
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * n
        if len(lambdas) != n or not all(callable(f) for f in lambdas):
            raise OptimizerError(
                f"LambdaLR: lr_lambda must be a function or a list of {n} functions (one per parameter group), "
                f"got {lr_lambda!r}"
            )
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, index):
        return _Scaled(base_lr, self.lr_lambdas[index])


class LinearLR(LRScheduler):
    """lr = base_lr * (start_factor + (end_factor - start_factor) * min(epoch, total_iters) / total_iters)."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5, last_epoch=-1):
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, index):
        return schedules.linear_factor(base_lr, self.start_factor, self.end_factor, self.total_iters)


class OneCycleLR(LRScheduler):
    """The 1cycle policy; step it after every batch. ``total_steps`` or ``epochs`` and ``steps_per_epoch``.

    The rate goes from max_lr / div_factor up to ``max_lr`` (per group: a
    number or a list) over ``pct_start`` of the steps, then down to
    max_lr / div_factor / final_div_factor (see ``schedules.one_cycle``). With
    ``cycle_momentum`` the momentum (SGD's ``momentum``, Adam's beta1) runs the
    other way between ``base_momentum`` and ``max_momentum``. The base rates
    are ``max_lr / div_factor``, not the optimizer's lr, as in PyTorch.

    >>> import gradstep
    >>> from gradstep.optim import SGD, lr_scheduler
    >>> opt = SGD([gradstep.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    >>> s = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> round(s.get_last_lr()[0], 12), opt.param_groups[0]["momentum"]   # max_lr / 25 at step 0
    (0.04, 0.95)
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
                 anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85, max_momentum=0.95,
                 div_factor=25.0, final_div_factor=1e4, three_phase=False, last_epoch=-1):  # fmt: skip
        if not isinstance(optimizer, Optimizer):
            raise OptimizerError(f"OneCycleLR: expected a gradstep Optimizer, got {type(optimizer).__name__}")
        n = len(optimizer.param_groups)
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise OptimizerError("OneCycleLR: give total_steps, or both epochs and steps_per_epoch")
            for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                    raise OptimizerError(f"OneCycleLR: {name} must be a positive integer, got {value!r}")
            total_steps = epochs * steps_per_epoch
        max_lrs = list(max_lr) if isinstance(max_lr, (list, tuple)) else [max_lr] * n
        if len(max_lrs) != n:
            raise OptimizerError(f"OneCycleLR: max_lr has {len(max_lrs)} values for {n} parameter groups")
        self._cycles = [
            schedules.one_cycle(m, total_steps, pct_start, anneal_strategy, div_factor, final_div_factor, three_phase)
            for m in max_lrs
        ]  # fmt: skip
        self.total_steps = self._cycles[0].total_steps
        self.cycle_momentum = bool(cycle_momentum)
        self._momentum_key = None
        if self.cycle_momentum:
            keys = optimizer.param_groups[0]
            self._momentum_key = "betas" if "betas" in keys else "momentum" if "momentum" in keys else None
            if self._momentum_key is None:
                raise OptimizerError(
                    f"OneCycleLR: {type(optimizer).__name__} has no momentum or betas to cycle; "
                    f"pass cycle_momentum=False"
                )
        self.base_momentum, self.max_momentum = base_momentum, max_momentum
        for group, cycle in zip(optimizer.param_groups, self._cycles):
            group["lr"] = cycle.initial  # the base rate is max_lr / div_factor
        super().__init__(optimizer, last_epoch)

    def _schedule(self, base_lr, index):
        return self._cycles[index]

    def step(self, epoch=None):
        super().step(epoch)
        if self._momentum_key is None:
            return
        for group, cycle in zip(self.optimizer.param_groups, self._cycles):
            m = cycle.momentum(self.last_epoch, self.base_momentum, self.max_momentum)
            if self._momentum_key == "betas":
                group["betas"] = (m, *tuple(group["betas"])[1:])
            else:
                group["momentum"] = m


class ReduceLROnPlateau:
    """Divide the rate by 1/factor when the metric given to ``step(metric)`` stops improving for ``patience`` epochs.

    PyTorch's rule: the metric improves when it beats the best by
    ``threshold`` (``threshold_mode="rel"``: below best * (1 - threshold) in
    "min" mode, above best * (1 + threshold) in "max" mode; ``"abs"``: by
    ``threshold``). After more than ``patience`` epochs without improvement each
    group's lr becomes max(lr * factor, min_lr) (unless that changes it by less
    than ``eps``), then ``cooldown`` epochs pass before bad epochs count again.

    >>> import gradstep
    >>> from gradstep.optim import SGD, lr_scheduler
    >>> opt = SGD([gradstep.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> for val_loss in [3.0, 2.0, 2.5, 2.4, 2.2, 2.1]:
    ...     s.step(val_loss)
    >>> s.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):  # fmt: skip
        if not isinstance(optimizer, Optimizer):
            raise OptimizerError(f"ReduceLROnPlateau: expected a gradstep Optimizer, got {type(optimizer).__name__}")
        if mode not in ("min", "max"):
            raise OptimizerError(f"ReduceLROnPlateau: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise OptimizerError(f"ReduceLROnPlateau: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        if not isinstance(factor, numbers.Real) or not 0 <= factor < 1:
            raise OptimizerError(f"ReduceLROnPlateau: factor must be in [0, 1), got {factor!r}")
        n = len(optimizer.param_groups)
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * n
        if len(min_lrs) != n:
            raise OptimizerError(f"ReduceLROnPlateau: min_lr has {len(min_lrs)} values for {n} parameter groups")
        for i, group in enumerate(optimizer.param_groups):
            if callable(group["lr"]):
                raise OptimizerError(
                    f"ReduceLROnPlateau: parameter group {i} has a schedule as its lr ({group['lr']!r}); give a number"
                )
        self.optimizer, self.mode, self.factor, self.patience = optimizer, mode, float(factor), int(patience)
        self.threshold, self.threshold_mode, self.cooldown = float(threshold), threshold_mode, int(cooldown)
        self.min_lrs, self.eps = [float(v) for v in min_lrs], float(eps)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs, self.cooldown_counter, self.last_epoch = 0, 0, 0
        self._last_lr = [float(group["lr"]) for group in optimizer.param_groups]

    def _is_better(self, a, best):
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return a > (best * (1.0 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold)

    def step(self, metrics):
        """Record one epoch's metric (a number or a one-element Tensor); reduce the rates if it has plateaued."""
        current = float(getattr(metrics, "data", metrics))
        if math.isnan(current):
            raise OptimizerError("ReduceLROnPlateau.step: the metric is NaN (has training diverged?)")
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in cooldown do not count
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)  # lr <- max(lr * factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [float(group["lr"]) for group in self.optimizer.param_groups]

    def get_last_lr(self):
        """The rates after the last ``step``, one per parameter group."""
        return list(self._last_lr)

    def state_dict(self):
        """The counters and the best metric, as plain data."""
        keys = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch")
        return {key: getattr(self, key) for key in keys} | {"last_lr": list(self._last_lr)}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict()``."""
        missing = {"best", "num_bad_epochs", "cooldown_counter", "last_epoch", "last_lr"} - set(state_dict)
        if missing:
            raise OptimizerError(f"ReduceLROnPlateau.load_state_dict: missing {sorted(missing)}")
        self.best = float(state_dict["best"])
        self.num_bad_epochs, self.cooldown_counter = int(state_dict["num_bad_epochs"]), int(state_dict["cooldown_counter"])
        self.last_epoch, self._last_lr = int(state_dict["last_epoch"]), [float(v) for v in state_dict["last_lr"]]
