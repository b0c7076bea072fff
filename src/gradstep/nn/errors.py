"""The errors the nn package raises beyond ShapeError and DTypeError (all are GradstepError subclasses)."""

from ..errors import GradstepError


class ArgumentError(GradstepError, ValueError):
    """An argument value a layer, loss or initialiser cannot use.

    Examples: ``reduction="avg"``, ``Dropout(p=1.5)``, an unknown ``init`` name,
    a class label outside ``[0, num_classes)``.

    >>> from gradstep.nn.errors import ArgumentError
    >>> issubclass(ArgumentError, ValueError)
    True
    """


class StateDictError(GradstepError, ValueError):
    """A state dict whose names do not match the module's parameters and buffers.

    (A shape mismatch raises ``gradstep.ShapeError`` instead.)

    >>> from gradstep.nn.errors import StateDictError
    >>> issubclass(StateDictError, ValueError)
    True
    """
