"""Shared test helpers: gradchecking a module with respect to its input and all its parameters."""

import gradstep


def gradcheck_module(module, x, **options):
    """gradstep.gradcheck of ``module(x)`` with respect to x and every parameter (float64)."""
    named = list(module.named_parameters())
    owners = dict(module.named_modules())
    originals = [p for _, p in named]

    def place(values):
        for (name, _), value in zip(named, values):
            owner, _, attr = name.rpartition(".")
            object.__setattr__(owners[owner], attr, value)

    def fn(x, *params):
        place(params)
        return module(x)

    try:
        return gradstep.gradcheck(fn, [x] + [p.data for p in originals], **options)
    finally:
        place(originals)
