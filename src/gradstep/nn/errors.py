"""The errors the nn package raises beyond ShapeError and DTypeError (all are GradstepError subclasses).

``ArgumentError`` (a bad argument value: ``reduction="avg"``, ``Dropout(p=1.5)``,
an unknown ``init`` name, a class label outside ``[0, num_classes)``) is the
core's ``gradstep.ArgumentError``, re-exported here.
"""

from ..errors import ArgumentError, GradstepError

__all__ = ["ArgumentError", "StateDictError"]


class StateDictError(GradstepError, ValueError):
    """A state dict whose names do not match the module's parameters and buffers.

    (A shape mismatch raises ``gradstep.ShapeError`` instead.)

    >>> from gradstep.nn.errors import StateDictError
    >>> issubclass(StateDictError, ValueError)
    True
    """
