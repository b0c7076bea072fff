"""Module and Parameter: the containers that hold a model's weights and find them for the optimizer.

A ``Module`` finds its parameters and sub-modules by looking at its attributes,
including attributes that are lists, tuples or dicts of them, so::

    class MLP(Module):
        def __init__(self):
            super().__init__()
            self.layers = [Linear(4, 8), Linear(8, 1)]

        def forward(self, x):
            return self.layers[1](self.layers[0](x).relu())

has ``named_parameters()`` ``layers.0.weight``, ``layers.0.bias``,
``layers.1.weight``, ``layers.1.bias`` without any registration call.
Non-trainable state (BatchNorm's running statistics) is registered with
``register_buffer`` and saved in ``state_dict`` next to the parameters.
"""

import numpy as np

from ..dtypes import get_default_dtype
from ..errors import DTypeError, ShapeError
from ..grad_mode import no_grad
from ..tensor import Tensor, to_arguments
from .errors import StateDictError

# attributes of every Module that are bookkeeping, never members
_INTERNAL = frozenset(("_buffers", "training"))

#: Bumped whenever a module gets a new parameter, sub-module, container of them or buffer array:
#: ``gradstep.compile`` re-traces its step when this number changed (``structure_version()``).
_structure = [0]


def structure_version():
    """A number that changes whenever a parameter, sub-module or buffer of any Module is replaced.

    >>> from gradstep import nn
    >>> before = structure_version(); layer = nn.Linear(2, 2); layer.weight = nn.Parameter([[1.0, 0.0], [0.0, 1.0]])
    >>> structure_version() != before
    True
    """
    return _structure[0]


class Parameter(Tensor):
    """A Tensor that is a trainable weight of a Module: always floating, requires grad by default.

    An ndarray or Tensor of a floating dtype is wrapped without copying (so the
    parameter and the array share memory); integers and Python numbers become
    the default float dtype.

    >>> import numpy as np
    >>> from gradstep.nn import Parameter
    >>> w = Parameter(np.zeros((2, 3), np.float32))
    >>> w.requires_grad, w.shape
    (True, (2, 3))
    >>> Parameter([1, 2]).dtype
    dtype('float32')
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        if isinstance(data, Tensor):
            data = data.data
        array = data if isinstance(data, np.ndarray) else np.asarray(data)
        if array.dtype.kind != "f":
            if array.dtype.kind not in "iub":
                raise DTypeError(f"Parameter: expected numbers, got dtype {array.dtype}")
            array = array.astype(get_default_dtype())
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


def _walk(name, value):
    """(dotted name, member) for every Parameter or Module in ``value``, looking inside lists, tuples, dicts."""
    if isinstance(value, (Parameter, Module)):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(f"{name}.{i}", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(f"{name}.{key}", item)


class Module:
    """Base class of layers and models: subclass it and write ``forward``.

    Parameters and sub-modules held as attributes (also inside lists, tuples
    and dicts) are found automatically.

    >>> import gradstep
    >>> from gradstep import nn
    >>> class TwoLayer(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(3, 4, seed=0)
    ...         self.out = nn.Linear(4, 1, seed=1)
    ...     def forward(self, x):
    ...         return self.out(self.hidden(x).relu())
    >>> model = TwoLayer()
    >>> [name for name, _ in model.named_parameters()]
    ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    >>> model(gradstep.ones(5, 3)).shape
    (5, 1)
    """

    def __init__(self):
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "training", True)

    # ----- calling ------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """The computation; subclasses override it."""
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Module must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ----- buffers ------------------------------------------------------------------
    def register_buffer(self, name, array):
        """Register non-trainable state (an ndarray) saved in ``state_dict`` and readable as ``self.<name>``.

        >>> import numpy as np
        >>> from gradstep.nn import Module
        >>> m = Module(); m.register_buffer("count", np.zeros(1))
        >>> list(m.state_dict())
        ['count']
        """
        if "_buffers" not in self.__dict__:
            raise StateDictError(f"{type(self).__name__}.register_buffer: call super().__init__() first")
        if not isinstance(name, str) or not name or "." in name:
            raise StateDictError(f"register_buffer: buffer name must be a non-empty string without dots, got {name!r}")
        if name in self.__dict__:
            raise StateDictError(f"register_buffer: {type(self).__name__} already has an attribute {name!r}")
        self._buffers[name] = np.asarray(getattr(array, "data", array))
        _structure[0] += 1

    def __getattr__(self, name):
        # called only when normal lookup fails: buffers live in self._buffers
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            return buffers[name]
        if buffers is None and name in _INTERNAL:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() in __init__ before using the module")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name, value):
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            buffers[name] = np.asarray(getattr(value, "data", value))
            _structure[0] += 1
        else:
            if isinstance(value, (Module, Tensor, list, tuple, dict)):
                _structure[0] += 1
            object.__setattr__(self, name, value)

    # ----- discovery ----------------------------------------------------------------
    def _members(self):
        """(name, member) for the Parameters and Modules this module holds directly."""
        for key, value in self.__dict__.items():
            if key not in _INTERNAL:
                yield from _walk(key, value)

    def named_children(self):
        """(name, module) for the direct sub-modules.

        >>> from gradstep import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2), nn.ReLU()).named_children()]
        ['0', '1']
        """
        seen = set()
        for name, member in self._members():
            if isinstance(member, Module) and id(member) not in seen:
                seen.add(id(member))
                yield name, member

    def children(self):
        """The direct sub-modules.

        >>> from gradstep import nn
        >>> len(list(nn.Sequential(nn.Linear(2, 2), nn.ReLU()).children()))
        2
        """
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix=""):
        """(dotted name, module) for this module ("" for itself) and every module below it, each once.

        >>> from gradstep import nn
        >>> [name for name, _ in nn.Sequential(nn.Linear(2, 2)).named_modules()]
        ['', '0']
        """
        seen = {id(self)}
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            yield name, module
            below = []
            for child_name, child in module.named_children():
                if id(child) not in seen:
                    seen.add(id(child))
                    below.append((f"{name}.{child_name}" if name else child_name, child))
            stack.extend(reversed(below))

    def modules(self):
        """This module and every module below it.

        >>> from gradstep import nn
        >>> len(list(nn.Sequential(nn.Linear(2, 2), nn.ReLU()).modules()))
        3
        """
        for _, module in self.named_modules():
            yield module

    def _own_parameters(self):
        for name, member in self._members():
            if isinstance(member, Parameter):
                yield name, member

    def named_parameters(self, prefix="", recurse=True):
        """(dotted name, Parameter) for every parameter, each once even when shared.

        >>> from gradstep import nn
        >>> [n for n, _ in nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).named_parameters()]
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        seen = set()
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, param in module._own_parameters():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{module_name}.{name}" if module_name else name), param

    def parameters(self, recurse=True):
        """Every Parameter (what an optimizer needs).

        >>> from gradstep import nn
        >>> sum(p.numel() for p in nn.Linear(3, 2).parameters())
        8
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True):
        """(dotted name, ndarray) for every registered buffer.

        >>> from gradstep import nn
        >>> [n for n, _ in nn.BatchNorm1d(3).named_buffers()]
        ['running_mean', 'running_var']
        """
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        for module_name, module in modules:
            for name, array in module._buffers.items():
                yield (f"{module_name}.{name}" if module_name else name), array

    def buffers(self, recurse=True):
        """Every registered buffer (ndarray).

        >>> from gradstep import nn
        >>> len(list(nn.BatchNorm1d(3).buffers()))
        2
        """
        for _, array in self.named_buffers(recurse=recurse):
            yield array

    def apply(self, fn):
        """Call ``fn(module)`` on every sub-module, then on this one (PyTorch's order), e.g. to initialise; returns self.

        >>> from gradstep import nn
        >>> def init_weights(m):
        ...     if isinstance(m, nn.Linear):
        ...         nn.init.zeros_(m.weight)
        >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU()).apply(init_weights)
        >>> float(abs(model[0].weight.data).sum())
        0.0
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ----- modes and gradients ------------------------------------------------------
    def train(self, mode=True):
        """Set training mode (Dropout drops, BatchNorm uses batch statistics) here and below; returns self.

        >>> from gradstep import nn
        >>> nn.Dropout(0.5).train(False).training
        False
        """
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        """Set evaluation mode (``train(False)``); returns self.

        >>> from gradstep import nn
        >>> nn.Sequential(nn.Dropout(0.5)).eval()[0].training
        False
        """
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Clear the gradients of all parameters (set to None, or fill with zeros in place).

        >>> import gradstep
        >>> from gradstep import nn
        >>> layer = nn.Linear(2, 1); layer(gradstep.ones(1, 2)).sum().backward()
        >>> layer.zero_grad(); layer.weight.grad is None
        True
        """
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                param.grad.zero_()

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze (True) every parameter; returns self.

        >>> from gradstep import nn
        >>> all(not p.requires_grad for p in nn.Linear(2, 2).requires_grad_(False).parameters())
        True
        """
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    # ----- device and dtype (PyTorch's Module.to) -----------------------------------------
    def to(self, *args, **kwargs):
        """PyTorch's ``Module.to``: a device (only the CPU) and/or a floating dtype for every parameter and buffer.

        The parameters stay the same objects (an optimizer built before keeps
        them); a dtype casts their arrays, and the floating buffers', in place
        of the old ones, and clears the parameters' gradients. Returns self.

        >>> import gradstep
        >>> from gradstep import nn
        >>> layer = nn.Linear(2, 1)
        >>> layer.to("cpu") is layer, layer.to(gradstep.float64).weight.dtype
        (True, dtype('float64'))
        """
        dtype = to_arguments("Module.to", args, kwargs)
        if dtype is None:
            return self
        if dtype.kind != "f":
            raise DTypeError(f"Module.to: parameters must stay floating, got dtype {dtype}")
        for param in self.parameters():
            if param.data.dtype != dtype:
                param.data = param.data.astype(dtype)
                param.grad = None
        for module in self.modules():
            for name, array in list(module._buffers.items()):
                if array.dtype.kind == "f" and array.dtype != dtype:
                    module._buffers[name] = array.astype(dtype)
        _structure[0] += 1  # new arrays: a compiled step traces again
        return self

    def cpu(self):
        """Self: gradstep's modules live on the CPU.

        >>> from gradstep import nn
        >>> layer = nn.Linear(2, 1); layer.cpu() is layer
        True
        """
        return self

    def cuda(self, device=None):
        """Always a DeviceError: gradstep runs on the CPU."""
        return self.to("cuda" if device is None else device)

    def float(self):
        """Every floating parameter and buffer as float32; returns self.

        >>> import gradstep
        >>> from gradstep import nn
        >>> nn.Linear(2, 1, dtype=gradstep.float64).float().weight.dtype
        dtype('float32')
        """
        return self.to(np.float32)

    def double(self):
        """Every floating parameter and buffer as float64; returns self.

        >>> from gradstep import nn
        >>> nn.Linear(2, 1).double().weight.dtype
        dtype('float64')
        """
        return self.to(np.float64)

    # ----- state --------------------------------------------------------------------
    def _named_state(self):
        """(dotted name, ndarray) of every parameter and buffer, module by module."""
        seen = set()
        for module_name, module in self.named_modules():
            own = [(n, p.data) for n, p in module._own_parameters() if id(p) not in seen]
            seen.update(id(p) for _, p in module._own_parameters())
            for name, array in own + list(module._buffers.items()):
                yield (f"{module_name}.{name}" if module_name else name), array

    def state_dict(self):
        """A dict dotted name -> ndarray copy of every parameter and buffer.

        >>> from gradstep import nn
        >>> sorted(nn.Linear(3, 2).state_dict().items())[1][1].shape
        (2, 3)
        """
        return {name: array.copy() for name, array in self._named_state()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy values from ``state_dict`` into the existing arrays, in place.

        With ``strict=True`` a missing or unexpected name is an error; a shape
        mismatch is always an error naming the entry and both shapes. Values are
        cast to the parameter's dtype. Returns ``(missing, unexpected)`` name lists.

        >>> from gradstep import nn
        >>> a, b = nn.Linear(3, 2, seed=0), nn.Linear(3, 2, seed=1)
        >>> b.load_state_dict(a.state_dict())
        ([], [])
        >>> bool((a.weight.data == b.weight.data).all())
        True
        """
        own = dict(self._named_state())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"missing {missing}")
            if unexpected:
                parts.append(f"unexpected {unexpected}")
            raise StateDictError(
                f"load_state_dict: names do not match {type(self).__name__}: {'; '.join(parts)} "
                "(pass strict=False to load the matching names only)"
            )
        updates = []
        for name, target in own.items():
            if name not in state_dict:
                continue
            value = np.asarray(getattr(state_dict[name], "data", state_dict[name]))
            if value.shape != target.shape:
                raise ShapeError(
                    f"load_state_dict: shape mismatch for {name!r}: the module has shape {target.shape}, "
                    f"the state dict has shape {value.shape}"
                )
            updates.append((target, value))
        with no_grad():  # check everything first, then copy: a failed load changes nothing
            for target, value in updates:
                np.copyto(target, value, casting="unsafe")
        return missing, unexpected

    # ----- description --------------------------------------------------------------
    def extra_repr(self):
        """The text inside the parentheses of this module's repr (subclasses override it)."""
        return ""

    def __repr__(self):
        children = list(self.named_children())
        extra = self.extra_repr()
        if not children:
            return f"{type(self).__name__}({extra})"
        lines = [f"{type(self).__name__}(" + (extra if extra else "")]
        for name, child in children:
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return "\n".join(lines) + "\n)"

    def _repr_html_(self):
        """Jupyter's rich display of a module: its summary table (layers and parameter counts).

        >>> from gradstep import nn
        >>> "Total params: 8" in nn.Linear(3, 2)._repr_html_()
        True
        """
        import html

        return f"<pre>{html.escape(self.summary())}</pre>"

    def summary(self, input_shape=None):
        """A Keras-like table of layers, output shapes and parameter counts, as a string.

        ``input_shape`` is the shape of one sample (without the batch axis);
        when given, a zero batch of two samples is run through the model in
        eval mode (without recording a graph) to find each layer's output shape.

        >>> from gradstep import nn
        >>> print(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1)).summary(input_shape=(4,)))
        Model: Sequential
        -----------------------------------
        Layer (type)  Output Shape  Param #
        ===================================
        0 (Linear)    (None, 3)          15
        1 (ReLU)      (None, 3)           0
        2 (Linear)    (None, 1)           4
        ===================================
        Total params: 19
        Trainable params: 19
        Non-trainable params: 0
        -----------------------------------
        """
        from .summary import summarize

        return summarize(self, input_shape)
