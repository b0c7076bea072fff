"""The hook through which ``gradstep.compile`` watches one eager training step.

While a step is traced, ``recorder`` is the tracer of ``gradstep.compile``
(``compile/trace.py``); otherwise it is None and the calls below cost one
attribute test. Three things are reported to it:

- every op ``Function.apply`` runs (the op, its input tensors, attributes and
  result): the program the compiled step replays;
- ``generated(tensor, make, *args)``: a constant that must be made afresh at
  every step by ``make(*args)`` instead of being frozen at its traced value
  (dropout's random mask, the constants evaluation-mode batch norm computes
  from the running statistics);
- ``side_effect(run, *args)``: work done outside the ops that the replay must
  repeat at the same point (batch norm's update of its running statistics).
  Tensors among ``args`` stand for their values at that step.

Code below ``compile`` (ops, nn) calls only these two functions, so it never
imports the compiler.
"""

from .tensor import Tensor

#: The active tracer, or None (set by ``gradstep.compile`` while it records a step).
recorder = None


def generated(tensor, make, *args):
    """Tell an active tracer that ``tensor`` was made by ``make(*args)`` and must be remade at each step.

    Returns ``tensor``. Without a tracer it does nothing.

    >>> import numpy as np, gradstep
    >>> t = gradstep.Tensor(np.zeros(2))
    >>> generated(t, np.zeros, 2) is t
    True
    """
    if recorder is not None:
        recorder.generated(tensor, make, args)
    return tensor


def side_effect(run, *args):
    """Run ``run(*args)`` now and, while a step is traced, have the compiled step repeat it.

    Tensor arguments are passed as their arrays (``.data``).

    >>> import numpy as np
    >>> counter = np.zeros(1)
    >>> side_effect(np.add, counter, 1.0, counter)
    >>> counter
    array([1.])
    """
    if recorder is not None:
        recorder.side_effect(run, args)
    run(*(a.data if isinstance(a, Tensor) else a for a in args))
