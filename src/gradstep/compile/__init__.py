"""A compiled training step: trace once, replay as NumPy/BLAS calls on preallocated buffers.

``gradstep.compile(model, loss_fn, optimizer)`` returns a ``CompiledStep``;
``step(x, y)`` runs forward, loss, backward and the update and returns the
loss. Files: ``trace.py`` records an eager step, ``program.py`` replays it,
``kernels.py`` holds the buffer forms of the hot ops, ``blas.py`` the SGD
update folded into BLAS, ``step.py`` the re-tracing and the fallback.
See docs/performance.md for the design.

The package and the function share the name ``gradstep.compile`` (as
``torch.compile``); importing a submodule may bind the package to that name,
so the package itself is callable and calls the function.

>>> import gradstep
>>> from gradstep.compile import CompiledStep
>>> model = gradstep.nn.Linear(2, 1)
>>> isinstance(gradstep.compile(model, gradstep.nn.MSELoss(), gradstep.optim.SGD(model.parameters(), lr=0.1)), CompiledStep)
True
"""

import sys
import types

from .step import CompiledStep, compile

__all__ = ["CompiledStep", "compile"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        return compile(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
