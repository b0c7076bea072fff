"""``gradstep.save(obj, path)`` / ``gradstep.load(path)``: state dicts in a safetensors file, never pickle.

``obj`` is what state dicts are made of: dicts (str or int keys), lists and
tuples, arrays (and Tensors, stored as their arrays), numbers, strings, bools
and None, nested freely. The arrays go into the safetensors file as tensors
(a flat state dict's entries under their own names, so
``safetensors.torch.load_file`` reads a gradstep model's state dict for
PyTorch), the rest into its JSON header. Loading parses the header and raw
buffers only: a file cannot run code. ``load`` also reads a plain safetensors
file (``safetensors.torch.save_file(torch_model.state_dict(), path)``) as a
flat dict of arrays, and refuses a pickle (``torch.save``) file with a clear error.

>>> import numpy as np, os, tempfile, gradstep
>>> path = os.path.join(tempfile.mkdtemp(), "state.safetensors")
>>> gradstep.save({"epoch": 3, "model": {"w": np.ones(2, np.float32)}, "note": "best"}, path)
>>> state = gradstep.load(path)
>>> state["epoch"], state["model"]["w"], state["note"]
(3, array([1., 1.], dtype=float32), 'best')
"""

import json
import os

from .devices import check_device, device
from .errors import CheckpointError
from .train.checkpoint import _atomic_write, _decode, _encode, _safetensors

_FORMAT = "gradstep.save"
_VERSION = 1
_PICKLE_STARTS = (b"\x80", b"PK\x03\x04")  # pickle protocol 2+ and torch.save's zip archive


class _Unique(dict):
    """The tensors of one file: two arrays under one name would silently lose one of them."""

    def __setitem__(self, name, value):
        if name in self:
            raise CheckpointError(f"save: two arrays would be stored under the name {name!r}; rename one of the keys")
        if value.dtype.kind not in "biuf":
            raise CheckpointError(f"save: array {name!r} has dtype {value.dtype}; safetensors stores bool, int and float arrays")
        super().__setitem__(name, value)


def save(obj, path):
    """Write ``obj`` (a state dict, or any nesting of dicts, lists, arrays, numbers and strings) to ``path``.

    ``path`` is a file name (written atomically: a crash leaves the old file)
    or a binary file object. Modules, optimizers and other objects are not
    stored (that would need pickle): save their ``state_dict()``.

    >>> import os, tempfile, gradstep
    >>> from gradstep import nn
    >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
    >>> model = nn.Linear(3, 2, seed=0)
    >>> gradstep.save(model.state_dict(), path)
    >>> other = nn.Linear(3, 2, seed=1); _ = other.load_state_dict(gradstep.load(path))
    >>> bool((other.weight.data == model.weight.data).all())
    True
    """
    st = _safetensors("save")
    tensors = _Unique()
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        # top-level names as they are: a flat state dict's tensors are named "0.weight", ... as in PyTorch
        layout = {key: _encode(value, key, tensors, "save") for key, value in obj.items()}
    else:
        layout = _encode(obj, "obj", tensors, "save")
    metadata = {"format": _FORMAT, "version": str(_VERSION), "layout": json.dumps(layout)}
    data = st.numpy.save(dict(tensors), metadata=metadata)
    if hasattr(path, "write"):
        path.write(data)
    else:
        _atomic_write(path, data)


def load(path, map_location=None, weights_only=True):
    """Read what ``save`` wrote (or a plain safetensors file, as a flat dict of arrays) from a path or file object.

    Arrays come back as NumPy arrays, which ``load_state_dict`` takes.
    PyTorch's ``map_location`` is accepted for the CPU (a device, or a dict or
    function: everything loads on the CPU), and ``weights_only`` either way:
    the files hold only arrays and JSON, never pickles, so nothing is run.

    >>> import io, numpy as np, gradstep
    >>> buffer = io.BytesIO(); gradstep.save([1, np.arange(3)], buffer)
    >>> gradstep.load(io.BytesIO(buffer.getvalue()))
    [1, array([0, 1, 2])]
    """
    if isinstance(map_location, (str, device)):
        check_device(map_location, "load")
    st = _safetensors("load")
    if hasattr(path, "read"):
        name, data = getattr(path, "name", "<file object>"), path.read()
    else:
        name = os.fspath(path)
        with open(name, "rb") as f:
            data = f.read()
    if data.startswith(_PICKLE_STARTS):
        raise CheckpointError(
            f"load: {name!r} is a pickle file (as torch.save writes); gradstep never unpickles, because loading a "
            f"pickle can run any code. In PyTorch, save the state dict with "
            f"safetensors.torch.save_file(model.state_dict(), path) and load that file"
        )
    try:
        tensors = st.numpy.load(data)
        header_len = int.from_bytes(data[:8], "little")
        metadata = json.loads(data[8 : 8 + header_len]).get("__metadata__") or {}
    except Exception as err:  # safetensors raises its own error type for every kind of damage
        raise CheckpointError(f"load: {name!r} is not a safetensors file (truncated, corrupt or another format): {err}") from err
    if metadata.get("format") != _FORMAT:
        if "format" in metadata and str(metadata["format"]).startswith("gradstep."):
            raise CheckpointError(
                f"load: {name!r} is a {metadata['format']} file; read it with gradstep.train.load_checkpoint"
            )
        return dict(tensors)  # a plain safetensors file: its tensors by name
    if int(metadata.get("version", 0)) > _VERSION:
        raise CheckpointError(
            f"load: {name!r} has format version {metadata['version']}; this gradstep reads version {_VERSION}, please upgrade"
        )
    used = set()
    try:
        layout = json.loads(metadata["layout"])
        obj = _decode(layout, tensors, used, "the layout")
    except (KeyError, ValueError) as err:
        if isinstance(err, CheckpointError):  # (the shared decoder names load_checkpoint)
            raise CheckpointError(f"{str(err).replace('load_checkpoint:', 'load:', 1)} (in {name!r})") from None
        raise CheckpointError(f"load: {name!r} has a damaged layout: {err!r}") from err
    stray = sorted(set(tensors) - used)
    if stray:
        raise CheckpointError(f"load: {name!r} has tensors {stray} that its layout does not mention")
    return obj
