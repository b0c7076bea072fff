"""The errors ``gradstep.data`` raises: the classes of ``gradstep.errors``, re-exported here.

>>> from gradstep.data import DataError
>>> import gradstep.errors
>>> DataError is gradstep.errors.DataError
True
"""

from ..errors import DataError, DataFormatError, DatasetNotFoundError, MissingDependencyError, NotFittedError

__all__ = ["DataError", "DataFormatError", "DatasetNotFoundError", "MissingDependencyError", "NotFittedError"]
