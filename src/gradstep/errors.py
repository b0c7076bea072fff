"""The errors gradstep raises. Every message names the operation and the shapes or values involved."""


class GradstepError(Exception):
    """Base class of every error gradstep raises on purpose.

    >>> import gradstep
    >>> try:
    ...     gradstep.tensor([1.0, 2.0]).backward()
    ... except gradstep.GradstepError as err:
    ...     print(type(err).__name__)
    GradstepError
    """


class ShapeError(GradstepError, ValueError):
    """Shapes that an operation cannot combine, e.g. ``matmul`` of (128, 784) by (512, 10).

    >>> import gradstep
    >>> issubclass(gradstep.ShapeError, ValueError)
    True
    """


class ArgumentError(GradstepError, ValueError):
    """An argument value an operation cannot use, e.g. ``clip`` with neither bound (also a ValueError).

    >>> import gradstep
    >>> from gradstep.errors import ArgumentError
    >>> try:
    ...     gradstep.zeros(2).clip()
    ... except ArgumentError as err:
    ...     print(err)
    clip: give min, max or both (got neither, for a tensor of shape (2,))
    """


class DTypeError(GradstepError, TypeError):
    """A dtype an operation cannot use, e.g. an integer tensor that should require grad.

    >>> import gradstep
    >>> issubclass(gradstep.DTypeError, TypeError)
    True
    """


class GraphFreedError(GradstepError, RuntimeError):
    """backward() through a graph whose saved arrays were already released.

    >>> import gradstep
    >>> issubclass(gradstep.GraphFreedError, RuntimeError)
    True
    """


class GradcheckError(GradstepError, AssertionError):
    """An analytic gradient that disagrees with central finite differences.

    >>> import gradstep
    >>> issubclass(gradstep.GradcheckError, AssertionError)
    True
    """
