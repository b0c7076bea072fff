"""Learning-rate schedules: callables ``step -> learning rate`` that any optimizer accepts as ``lr``.

Update number t (counting from 0, the optimizer's ``global_step`` before the
update) uses ``schedule(t)``.

>>> import gradstep
>>> from gradstep.optim import SGD, schedules
>>> opt = SGD([gradstep.zeros(2, requires_grad=True)], lr=schedules.step_decay(0.1, step_size=10, gamma=0.5))
>>> opt.lr, schedules.step_decay(0.1, 10, 0.5)(25)
(0.1, 0.025)
"""

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
        cosine = 0.5 * (1.0 + math.cos(math.pi * t / self.decay_steps))
        return self.initial * ((1.0 - self.alpha) * cosine + self.alpha)

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
