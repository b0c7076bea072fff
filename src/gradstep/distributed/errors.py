"""The errors of ``gradstep.distributed``: the classes of ``gradstep.errors``, re-exported here."""

from ..errors import DistributedError, MissingDependencyError

__all__ = ["DistributedError", "MissingDependencyError"]
