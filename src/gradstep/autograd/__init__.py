"""gradstep.autograd: derivatives beyond ``loss.backward()``.

- ``forward_ad``: forward mode with dual tensors (``dual_level``, ``make_dual``, ``unpack_dual``).
"""

from . import forward_ad

__all__ = ["forward_ad"]
