"""The errors the nn package raises beyond ShapeError and DTypeError: classes of ``gradstep.errors``, re-exported.

``ArgumentError`` is a bad argument value (``reduction="avg"``, ``Dropout(p=1.5)``,
an unknown ``init`` name, a class label outside ``[0, num_classes)``);
``StateDictError`` a state dict whose names do not match the module.

>>> from gradstep.nn.errors import StateDictError
>>> issubclass(StateDictError, ValueError)
True
"""

from ..errors import ArgumentError, StateDictError

__all__ = ["ArgumentError", "StateDictError"]
