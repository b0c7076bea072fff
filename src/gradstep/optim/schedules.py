"""Learning-rate schedules: callables ``step -> learning rate`` that any optimizer accepts as ``lr``.

Update number t (counting from 0, the optimizer's ``global_step`` before the
update) uses ``schedule(t)``. The PyTorch-style schedulers of
``gradstep.optim.lr_scheduler`` evaluate these same formulas at their step
count (``multi_step_decay``, ``linear_factor``, ``cosine_annealing`` and
``one_cycle`` are PyTorch's closed forms).

>>> import gradstep
>>> from gradstep.optim import SGD, schedules
>>> opt = SGD([gradstep.zeros(2, requires_grad=True)], lr=schedules.step_decay(0.1, step_size=10, gamma=0.5))
>>> opt.lr, schedules.step_decay(0.1, 10, 0.5)(25)
(0.1, 0.025)
"""

import bisect
import math
import numbers

from .optimizer import OptimizerError


def _check(name, value, low=None, high=None, positive=False, integer=False):
    kind = numbers.Integral if integer else numbers.Real
    if not isinstance(value, kind) or isinstance(value, bool) or not math.isfinite(value):
        what = "an integer" if integer else "a finite number"
        raise OptimizerError(f"{name} must be {what}, got {value!r}")
    if positive and value <= 0:
        raise OptimizerError(f"{name} must be > 0, got {value!r}")
    if low is not None and value < low:
        raise OptimizerError(f"{name} must be >= {low:g}, got {value!r}")
    if high is not None and value > high:
        raise OptimizerError(f"{name} must be <= {high:g}, got {value!r}")
    return int(value) if integer else float(value)


def _check_step(schedule, step):
    if not isinstance(step, numbers.Integral) or isinstance(step, bool) or step < 0:
        raise OptimizerError(f"{schedule!r}: the step must be an integer >= 0, got {step!r}")
    return int(step)


class constant:
    """The same learning rate at every step.

    >>> from gradstep.optim import schedules
    >>> schedules.constant(0.01)(1000)
    0.01
    """

    def __init__(self, lr):
        self.lr = _check("constant: lr", lr, low=0.0)

    def __call__(self, step):
        _check_step(self, step)
        return self.lr

    def __repr__(self):
        return f"constant({self.lr!r})"


class step_decay:
    """Multiply by ``gamma`` every ``step_size`` steps: ``initial * gamma ** (t // step_size)``.

    >>> from gradstep.optim import schedules
    >>> s = schedules.step_decay(1.0, step_size=2, gamma=0.5)
    >>> [s(t) for t in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, initial, step_size, gamma=0.1):
        self.initial = _check("step_decay: initial", initial, low=0.0)
        self.step_size = _check("step_decay: step_size", step_size, positive=True, integer=True)
        self.gamma = _check("step_decay: gamma", gamma, low=0.0)

    def __call__(self, step):
        t = _check_step(self, step)
        # lr_t = initial * gamma^floor(t / step_size)
        return self.initial * self.gamma ** (t // self.step_size)

    def __repr__(self):
        return f"step_decay(initial={self.initial!r}, step_size={self.step_size!r}, gamma={self.gamma!r})"


class exponential_decay:
    """TensorFlow's exponential decay: ``initial * decay_rate ** (t / decay_steps)``.

    With ``staircase=True`` the exponent is ``floor(t / decay_steps)``.

    >>> from gradstep.optim import schedules
    >>> s = schedules.exponential_decay(1.0, decay_steps=2, decay_rate=0.25)
    >>> s(0), s(1), s(2)
    (1.0, 0.5, 0.25)
    >>> schedules.exponential_decay(1.0, 2, 0.25, staircase=True)(1)
    1.0
    """

    def __init__(self, initial, decay_steps, decay_rate, staircase=False):
        self.initial = _check("exponential_decay: initial", initial, low=0.0)
        self.decay_steps = _check("exponential_decay: decay_steps", decay_steps, positive=True)
        self.decay_rate = _check("exponential_decay: decay_rate", decay_rate, positive=True)
        self.staircase = bool(staircase)

    def __call__(self, step):
        p = _check_step(self, step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        # lr_t = initial * decay_rate^(t / decay_steps)
        return self.initial * self.decay_rate**p

    def __repr__(self):
        return (
            f"exponential_decay(initial={self.initial!r}, decay_steps={self.decay_steps!r}, "
            f"decay_rate={self.decay_rate!r}, staircase={self.staircase!r})"
        )


class inverse_time_decay:
    """TensorFlow's inverse-time decay: ``initial / (1 + decay_rate * t / decay_steps)``.

    With ``staircase=True``, ``t / decay_steps`` is floored.

    >>> from gradstep.optim import schedules
    >>> s = schedules.inverse_time_decay(1.0, decay_steps=10, decay_rate=0.5)
    >>> s(0), s(10), s(20)
    (1.0, 0.6666666666666666, 0.5)
    """

    def __init__(self, initial, decay_steps, decay_rate, staircase=False):
        self.initial = _check("inverse_time_decay: initial", initial, low=0.0)
        self.decay_steps = _check("inverse_time_decay: decay_steps", decay_steps, positive=True)
        self.decay_rate = _check("inverse_time_decay: decay_rate", decay_rate, low=0.0)
        self.staircase = bool(staircase)

    def __call__(self, step):
        p = _check_step(self, step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        # lr_t = initial / (1 + decay_rate * t / decay_steps)
        return self.initial / (1.0 + self.decay_rate * p)

    def __repr__(self):
        return (
            f"inverse_time_decay(initial={self.initial!r}, decay_steps={self.decay_steps!r}, "
            f"decay_rate={self.decay_rate!r}, staircase={self.staircase!r})"
        )


class cosine_decay:
    """TensorFlow's cosine decay from ``initial`` to ``alpha * initial`` over ``decay_steps``, then flat.

    ``lr_t = initial * ((1 - alpha) * (1 + cos(pi * min(t, decay_steps) / decay_steps)) / 2 + alpha)``

    >>> from gradstep.optim import schedules
    >>> s = schedules.cosine_decay(1.0, decay_steps=4, alpha=0.2)
    >>> [round(s(t), 6) for t in (0, 2, 4, 9)]
    [1.0, 0.6, 0.2, 0.2]
    """

    def __init__(self, initial, decay_steps, alpha=0.0):
        self.initial = _check("cosine_decay: initial", initial, low=0.0)
        self.decay_steps = _check("cosine_decay: decay_steps", decay_steps, positive=True)
        self.alpha = _check("cosine_decay: alpha", alpha, low=0.0, high=1.0)

    def __call__(self, step):
        t = min(_check_step(self, step), self.decay_steps)
        # lr_t = initial * ((1 - alpha) * (1 + cos(pi t / T)) / 2 + alpha)
        return _cosine_between(self.initial, self.alpha * self.initial, t / self.decay_steps)

    def __repr__(self):
        return f"cosine_decay(initial={self.initial!r}, decay_steps={self.decay_steps!r}, alpha={self.alpha!r})"


class warmup:
    """Linear warm-up in front of a schedule (or a constant learning rate).

    For t < warmup_steps the rate ramps linearly up to the wrapped schedule's
    first value, ``base(0) * (t + 1) / warmup_steps``, so update 0 already
    moves; from t = warmup_steps on, the wrapped schedule runs from its own
    step 0: ``base(t - warmup_steps)``.

    >>> from gradstep.optim import schedules
    >>> s = schedules.warmup(schedules.step_decay(1.0, step_size=2, gamma=0.5), warmup_steps=4)
    >>> [s(t) for t in range(8)]
    [0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 0.5, 0.5]
    """

    def __init__(self, schedule_or_lr, warmup_steps):
        if callable(schedule_or_lr):
            self.schedule = schedule_or_lr
        else:
            self.schedule = constant(_check("warmup: schedule_or_lr", schedule_or_lr, low=0.0))
        self.warmup_steps = _check("warmup: warmup_steps", warmup_steps, positive=True, integer=True)

    def __call__(self, step):
        t = _check_step(self, step)
        if t < self.warmup_steps:
            # lr_t = base(0) * (t + 1) / warmup_steps
            return self.schedule(0) * (t + 1) / self.warmup_steps
        return self.schedule(t - self.warmup_steps)

    def __repr__(self):
        return f"warmup({self.schedule!r}, warmup_steps={self.warmup_steps!r})"


def _cosine_between(start, end, fraction):
    """Half a cosine from ``start`` (fraction 0) to ``end`` (fraction 1): end + (start - end) (1 + cos(pi f)) / 2."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1.0)


def _line_between(start, end, fraction):
    """A straight line from ``start`` (fraction 0) to ``end`` (fraction 1): start + (end - start) f."""
    return (end - start) * fraction + start


class multi_step_decay:
    """Multiply by ``gamma`` at each milestone: ``initial * gamma ** (number of milestones <= t)`` (PyTorch's MultiStepLR).

    >>> from gradstep.optim import schedules
    >>> s = schedules.multi_step_decay(1.0, milestones=[2, 4], gamma=0.5)
    >>> [s(t) for t in range(6)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, initial, milestones, gamma=0.1):
        self.initial = _check("multi_step_decay: initial", initial, low=0.0)
        marks = [_check("multi_step_decay: milestone", m, low=0, integer=True) for m in milestones]
        if marks != sorted(marks):
            raise OptimizerError(f"multi_step_decay: milestones must be increasing, got {list(milestones)!r}")
        self.milestones = marks
        self.gamma = _check("multi_step_decay: gamma", gamma, low=0.0)

    def __call__(self, step):
        t = _check_step(self, step)
        # lr_t = initial * gamma^(#milestones <= t)
        return self.initial * self.gamma ** bisect.bisect_right(self.milestones, t)

    def __repr__(self):
        return f"multi_step_decay(initial={self.initial!r}, milestones={self.milestones!r}, gamma={self.gamma!r})"


class linear_factor:
    """``initial`` times a factor going linearly from ``start_factor`` to ``end_factor`` in ``total_steps``, then flat.

    ``lr_t = initial * (start + (end - start) * min(t, total_steps) / total_steps)`` (PyTorch's LinearLR).

    >>> from gradstep.optim import schedules
    >>> s = schedules.linear_factor(1.0, start_factor=0.5, end_factor=1.0, total_steps=2)
    >>> [s(t) for t in range(4)]
    [0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, initial, start_factor=1.0 / 3, end_factor=1.0, total_steps=5):
        self.initial = _check("linear_factor: initial", initial, low=0.0)
        self.start_factor = _check("linear_factor: start_factor", start_factor, high=1.0, positive=True)
        self.end_factor = _check("linear_factor: end_factor", end_factor, low=0.0, high=1.0)
        self.total_steps = _check("linear_factor: total_steps", total_steps, positive=True, integer=True)

    def __call__(self, step):
        t = min(_check_step(self, step), self.total_steps)
        # lr_t = initial * (start + (end - start) * min(t, T) / T)
        return self.initial * _line_between(self.start_factor, self.end_factor, t / self.total_steps)

    def __repr__(self):
        return (
            f"linear_factor(initial={self.initial!r}, start_factor={self.start_factor!r}, "
            f"end_factor={self.end_factor!r}, total_steps={self.total_steps!r})"
        )


class cosine_annealing:
    """PyTorch's CosineAnnealingLR: ``eta_min + (initial - eta_min) (1 + cos(pi t / T_max)) / 2``.

    SGDR's cosine without the restarts: past ``T_max`` the cosine goes on and
    climbs back towards ``initial`` (period 2 T_max), as in PyTorch; TensorFlow's
    ``cosine_decay`` stays flat instead.

    >>> from gradstep.optim import schedules
    >>> s = schedules.cosine_annealing(1.0, T_max=2, eta_min=0.2)
    >>> [round(s(t), 6) for t in range(5)]
    [1.0, 0.6, 0.2, 0.6, 1.0]
    """

    def __init__(self, initial, T_max, eta_min=0.0):
        self.initial = _check("cosine_annealing: initial", initial, low=0.0)
        self.T_max = _check("cosine_annealing: T_max", T_max, positive=True, integer=True)
        self.eta_min = _check("cosine_annealing: eta_min", eta_min, low=0.0)

    def __call__(self, step):
        t = _check_step(self, step)
        # lr_t = eta_min + (initial - eta_min) (1 + cos(pi t / T_max)) / 2
        return _cosine_between(self.initial, self.eta_min, t / self.T_max)

    def __repr__(self):
        return f"cosine_annealing(initial={self.initial!r}, T_max={self.T_max!r}, eta_min={self.eta_min!r})"


class one_cycle:
    """The 1cycle policy (Smith): up from ``max_lr / div_factor`` to ``max_lr``, then down to a tiny rate.

    PyTorch's OneCycleLR. Two phases: steps 0 .. pct_start*total_steps - 1 go
    from ``initial = max_lr / div_factor`` to ``max_lr``, the rest to
    ``initial / final_div_factor`` at step total_steps - 1; ``three_phase``
    comes back to ``initial`` first (at 2 pct_start total_steps - 2) and only
    then goes down. Each phase is a half cosine (``anneal_strategy="cos"``) or a
    line (``"linear"``). ``momentum(t, base, max)`` runs the opposite cycle for
    the momentum (max -> base -> max). Steps past ``total_steps`` are an error.

    >>> from gradstep.optim import schedules
    >>> s = schedules.one_cycle(1.0, total_steps=10, pct_start=0.3, anneal_strategy="linear", div_factor=10)
    >>> [round(s(t), 4) for t in (0, 1, 2)], round(s(9), 8)   # 0.1 / final_div_factor at the end
    ([0.1, 0.55, 1.0], 1e-05)
    """

    def __init__(self, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                 final_div_factor=1e4, three_phase=False):  # fmt: skip
        self.max_lr = _check("one_cycle: max_lr", max_lr, low=0.0)
        self.total_steps = _check("one_cycle: total_steps", total_steps, positive=True, integer=True)
        self.pct_start = _check("one_cycle: pct_start", pct_start, low=0.0, high=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise OptimizerError(f"one_cycle: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        self.anneal_strategy = anneal_strategy
        self.div_factor = _check("one_cycle: div_factor", div_factor, positive=True)
        self.final_div_factor = _check("one_cycle: final_div_factor", final_div_factor, positive=True)
        self.three_phase = bool(three_phase)
        self.initial = self.max_lr / self.div_factor
        self.min_lr = self.initial / self.final_div_factor
        up = float(self.pct_start * self.total_steps) - 1
        if three_phase:
            self._ends = [up, float(2 * self.pct_start * self.total_steps) - 2, self.total_steps - 1]
        else:
            self._ends = [up, self.total_steps - 1]
        if self._ends[0] <= 0 or any(a >= b for a, b in zip(self._ends, self._ends[1:])):
            raise OptimizerError(
                f"one_cycle: pct_start={self.pct_start!r} with total_steps={self.total_steps} leaves a phase without "
                f"steps (phase ends {self._ends}); need pct_start * total_steps > 1 and room for the other phases"
            )

    def _interpolate(self, step, points):
        t = _check_step(self, step)
        if t > self.total_steps:
            raise OptimizerError(
                f"one_cycle: tried to step {t} times; the specified number of total steps is {self.total_steps}"
            )
        anneal = _cosine_between if self.anneal_strategy == "cos" else _line_between
        start = 0.0
        for i, end in enumerate(self._ends):
            if t <= end or i == len(self._ends) - 1:
                # phase i: from points[i] at step `start` to points[i + 1] at step `end`
                return anneal(points[i], points[i + 1], (t - start) / (end - start))
            start = end

    def __call__(self, step):
        if self.three_phase:
            return self._interpolate(step, [self.initial, self.max_lr, self.initial, self.min_lr])
        return self._interpolate(step, [self.initial, self.max_lr, self.min_lr])

    def momentum(self, step, base_momentum, max_momentum):
        """The momentum at ``step``: max -> base while the rate rises, back to max while it falls.

        >>> from gradstep.optim import schedules
        >>> s = schedules.one_cycle(1.0, total_steps=10, anneal_strategy="linear")
        >>> [round(s.momentum(t, 0.85, 0.95), 3) for t in (0, 2, 9)]
        [0.95, 0.85, 0.95]
        """
        if self.three_phase:
            return self._interpolate(step, [max_momentum, base_momentum, max_momentum, max_momentum])
        return self._interpolate(step, [max_momentum, base_momentum, max_momentum])

    def __repr__(self):
        return (
            f"one_cycle(max_lr={self.max_lr!r}, total_steps={self.total_steps!r}, pct_start={self.pct_start!r}, "
            f"anneal_strategy={self.anneal_strategy!r}, div_factor={self.div_factor!r}, "
            f"final_div_factor={self.final_div_factor!r}, three_phase={self.three_phase!r})"
        )
