"""gradstep.autograd: derivatives beyond ``loss.backward()``.

- ``grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False)``:
  gradients returned instead of accumulated; with ``create_graph=True`` differentiable again, to any order.
- ``forward_ad``: forward mode with dual tensors (``dual_level``, ``make_dual``, ``unpack_dual``).
- ``graph``: how an op's one backward formula runs on Tensors under create_graph.
- ``Function``: custom differentiable functions with PyTorch's protocol
  (``ctx.save_for_backward``, ``ctx.saved_tensors``, ``ctx.needs_input_grad``, ``apply``).

>>> import gradstep
>>> x = gradstep.tensor(2.0, requires_grad=True)
>>> gradstep.autograd.grad(x * x, x)
(tensor(4.),)
"""

from . import forward_ad, graph
from .function import Function, FunctionCtx
from .grad import grad

__all__ = ["grad", "forward_ad", "graph", "Function", "FunctionCtx"]
