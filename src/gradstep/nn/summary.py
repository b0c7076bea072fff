"""Module.summary(): a Keras-like table of layers, output shapes and parameter counts."""

import numpy as np

from ..errors import ShapeError
from ..grad_mode import no_grad
from ..tensor import Tensor


def _rows(model):
    """(name, module) of the layers to list: modules without children, or with parameters of their own."""
    rows = []
    for name, module in model.named_modules():
        has_children = next(module.named_children(), None) is not None
        own = next(module._own_parameters(), None) is not None
        if module is model and has_children and not own:
            continue
        if not has_children or own:
            rows.append((name or "(model)", module))
    return rows


def _shape_text(shape):
    """(None, 3) for an output of shape (2, 3): the batch axis shown as None, as Keras does."""
    return "(" + ", ".join(["None"] + [str(n) for n in shape[1:]]) + ("," if len(shape) == 1 else "") + ")"


def _output_shapes(model, modules, input_shape):
    """Run a zero batch of two samples through ``model`` and record each listed module's output shape."""
    shapes = {}
    for module in modules:
        call = module.forward

        def recording(*args, _call=call, _module=module, **kwargs):
            out = _call(*args, **kwargs)
            shapes[id(_module)] = _shape_text(out.shape) if isinstance(out, Tensor) else type(out).__name__
            return out

        module.__dict__["forward"] = recording  # an instance attribute shadows the class method for a moment
    modes = {id(m): m.training for m in model.modules()}
    dtype = next((p.dtype for p in model.parameters()), None)
    try:
        model.eval()
        with no_grad():
            model(Tensor(np.zeros((2,) + tuple(input_shape), dtype=dtype)))
    except Exception as err:  # noqa: BLE001 - reported with the shape that caused it
        raise ShapeError(
            f"summary: running {type(model).__name__} on an input of shape (batch,) + {tuple(input_shape)} failed: {err}"
        ) from err
    finally:
        for module in modules:
            del module.__dict__["forward"]
        for module in model.modules():
            object.__setattr__(module, "training", modes[id(module)])
    return shapes


def summarize(model, input_shape=None):
    """The text of ``model.summary(input_shape)`` (see Module.summary).

    >>> from gradstep import nn
    >>> print(summarize(nn.Linear(2, 2)).splitlines()[0])
    Model: Linear
    """
    rows = _rows(model)
    modules = [m for _, m in rows]
    shapes = _output_shapes(model, modules, input_shape) if input_shape is not None else {}
    table = []
    for name, module in rows:
        count = sum(p.numel() for _, p in module._own_parameters())
        table.append((f"{name} ({type(module).__name__})", shapes.get(id(module), "?"), f"{count:,}"))
    width0 = max([len("Layer (type)")] + [len(r[0]) for r in table]) + 2
    width1 = max([len("Output Shape")] + [len(r[1]) for r in table]) + 2
    width2 = max([len("Param #")] + [len(r[2]) for r in table])
    total = width0 + width1 + width2
    params = list(model.parameters())
    trainable = sum(p.numel() for p in params if p.requires_grad)
    frozen = sum(p.numel() for p in params if not p.requires_grad)
    buffers = sum(b.size for b in model.buffers())
    lines = [f"Model: {type(model).__name__}", "-" * total]
    header = ("Layer (type)", "Output Shape", "Param #")
    for row in [header, None] + table:
        if row is None:
            lines.append("=" * total)
            continue
        if input_shape is None:
            lines.append(f"{row[0]:<{width0 + width1}}{row[2]:>{width2}}")
        else:
            lines.append(f"{row[0]:<{width0}}{row[1]:<{width1}}{row[2]:>{width2}}")
    lines += [
        "=" * total,
        f"Total params: {trainable + frozen:,}",
        f"Trainable params: {trainable:,}",
        f"Non-trainable params: {frozen:,}",
    ]
    if buffers:
        lines.append(f"Buffers (running statistics, not trained): {buffers:,}")
    lines.append("-" * total)
    return "\n".join(lines)
