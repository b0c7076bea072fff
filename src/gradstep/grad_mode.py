"""Whether operations record a computation graph: ``no_grad()`` and ``enable_grad()``."""

import functools


class _GradMode:
    enabled = True


class _ForwardGrad:
    """The active forward-mode level (``gradstep.autograd.forward_ad.dual_level``), or None.

    ``Function.apply`` asks it to push tangents through each op while it is set.
    """

    level = None


def is_grad_enabled():
    """True when operations record the graph that backward() needs.

    >>> import gradstep
    >>> gradstep.is_grad_enabled()
    True
    """
    return _GradMode.enabled


class _SetGradMode:
    """Context manager and decorator that sets grad mode and restores the previous one."""

    mode = True

    def __enter__(self):
        self._previous = _GradMode.enabled
        _GradMode.enabled = self.mode
        return self

    def __exit__(self, *exc):
        _GradMode.enabled = self._previous
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._again():
                return fn(*args, **kwargs)

        return wrapper

    def _again(self):
        """A fresh context like this one, entered on each call of a decorated function."""
        return self.__class__()


class no_grad(_SetGradMode):
    """Inside this block (or decorated function) no graph is recorded.

    >>> import gradstep
    >>> w = gradstep.tensor([1.0], requires_grad=True)
    >>> with gradstep.no_grad():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_SetGradMode):
    """Turn graph recording back on inside a ``no_grad`` block.

    >>> import gradstep
    >>> w = gradstep.tensor([1.0], requires_grad=True)
    >>> with gradstep.no_grad():
    ...     with gradstep.enable_grad():
    ...         y = w * 2
    >>> y.requires_grad
    True
    """

    mode = True


class inference_mode(_SetGradMode):
    """PyTorch's ``inference_mode``: here the same as ``no_grad()`` (no graph is recorded); ``inference_mode(False)`` changes nothing.

    >>> import gradstep
    >>> w = gradstep.tensor([1.0], requires_grad=True)
    >>> with gradstep.inference_mode():
    ...     y = w * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, mode=True):
        self.inference = bool(mode)

    def __enter__(self):
        self.mode = False if self.inference else _GradMode.enabled
        return super().__enter__()

    def _again(self):
        return inference_mode(self.inference)


class set_grad_enabled(_SetGradMode):
    """PyTorch's ``set_grad_enabled(mode)``: called, it sets grad mode at once; as a ``with`` block it restores the old one after.

    >>> import gradstep
    >>> w = gradstep.tensor([1.0], requires_grad=True)
    >>> with gradstep.set_grad_enabled(False):
    ...     (w * 2).requires_grad
    False
    >>> gradstep.is_grad_enabled()
    True
    >>> _ = gradstep.set_grad_enabled(False); gradstep.is_grad_enabled()
    False
    >>> _ = gradstep.set_grad_enabled(True)
    """

    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = _GradMode.enabled
        _GradMode.enabled = self.mode

    def __enter__(self):
        return self  # the mode is set already; __exit__ restores the one before the call

    def __call__(self, fn):
        _GradMode.enabled = self._previous  # as a decorator, set the mode only while fn runs
        return super().__call__(fn)

    def _again(self):
        return set_grad_enabled(self.mode)
