"""Checkpoints: model, optimizer, RNG states and metadata in one safetensors file, written atomically.

File layout (one ``.safetensors`` file, no pickle anywhere):

- tensors ``model.<name>`` hold ``model.state_dict()`` (parameters and buffers);
- tensors ``optimizer.<path>`` hold every array inside ``optimizer.state_dict()``,
  e.g. ``optimizer.state.3.exp_avg``; the rest of that nested dict (numbers,
  lists, the ``global_step``) is JSON in the header metadata with
  ``{"__tensor__": name}`` where an array was;
- the metadata also holds the RNG states (``Generator.bit_generator.state`` as
  JSON) and the user's metadata (``epoch=...``, ``global_step=...``, anything
  JSON-serialisable, arrays allowed).

The metadata also holds ``sha256``: the SHA-256 of every tensor's bytes, as
JSON ``{name: hex digest}`` (format version 2; version 1 files have none).
Format version 3 stores ``nn.Linear`` weights in PyTorch's (out_features,
in_features) layout; versions 1 and 2 are refused for models with Linear
layers (their weights were the transposes).

Loading parses the length-prefixed JSON header itself, checks every size and
offset in it against the file's length before reading anything else, then
reads each tensor straight into its own array (no copy of the whole file) and
verifies its SHA-256: a flipped bit is an error naming the tensor. Only JSON
and raw little-endian buffers are read, so an untrusted file cannot run code.
Saving writes a temporary file in the same folder, flushes and fsyncs it, then
``os.replace``-s it over the target: a crash or an exception during a save
leaves the previous checkpoint intact.
"""

import contextlib
import hashlib
import json
import math
import os
import tempfile

import numpy as np

from ..random import default_generator
from .errors import CheckpointError

_FORMAT = "gradstep.checkpoint"
_VERSION = 3  # 2: per-tensor SHA-256 in the metadata; 3: nn.Linear weights in PyTorch's (out, in) layout
_LINEAR_LAYOUT_VERSION = 3  # versions 1 and 2 stored nn.Linear weights as (in_features, out_features)
_TENSOR = "__tensor__"  # JSON placeholder for an array stored as a tensor
_ITEMS = "__items__"  # JSON form of a dict whose keys are not all strings
_DEFAULT_RNG = "gradstep.default"  # the generator set by gradstep.manual_seed
_MAX_HEADER = 100_000_000  # bytes of JSON header safetensors itself accepts at most
# safetensors dtype names -> little-endian NumPy dtypes (BF16 has no NumPy dtype)
_DTYPES = {
    "BOOL": "|b1", "U8": "|u1", "I8": "|i1", "U16": "<u2", "I16": "<i2", "F16": "<f2", "U32": "<u4",
    "I32": "<i4", "F32": "<f4", "U64": "<u8", "I64": "<i8", "F64": "<f8",
}  # fmt: skip


def _safetensors(fn):
    try:
        import safetensors.numpy
    except ImportError as err:
        raise ImportError(f'{fn} needs the safetensors package: pip install "gradstep[checkpoint]"') from err
    return safetensors


# ----- nested state <-> JSON + named tensors ------------------------------------------
def _encode(obj, name, tensors, fn):
    """JSON-able copy of ``obj`` with every array moved into ``tensors`` under a dotted name."""
    data = getattr(obj, "data", None)
    if isinstance(data, np.ndarray):  # a gradstep Tensor
        obj = data
    if isinstance(obj, np.ndarray):
        tensors[name] = np.ascontiguousarray(obj)
        return {_TENSOR: name}
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [_encode(v, f"{name}.{i}", tensors, fn) for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: _encode(v, f"{name}.{k}", tensors, fn) for k, v in obj.items()}
        items = []
        for k, v in obj.items():
            if isinstance(k, np.integer):
                k = int(k)
            if not isinstance(k, (int, str)):
                raise CheckpointError(f"{fn}: cannot store key {k!r} of {name} (keys must be str or int)")
            items.append([k, _encode(v, f"{name}.{k}", tensors, fn)])
        return {_ITEMS: items}
    raise CheckpointError(
        f"{fn}: cannot store {name} of type {type(obj).__name__}; "
        "checkpoints hold arrays, numbers, strings, bools, None, lists and dicts"
    )


def _decode(obj, tensors, used, where):
    """Inverse of ``_encode``: put the arrays back (recording which tensors were used)."""
    if isinstance(obj, list):
        return [_decode(v, tensors, used, where) for v in obj]
    if isinstance(obj, dict):
        if set(obj) == {_TENSOR}:
            name = obj[_TENSOR]
            if name not in tensors:
                raise CheckpointError(f"load_checkpoint: {where} refers to tensor {name!r}, which is missing")
            used.add(name)
            return tensors[name]
        if set(obj) == {_ITEMS}:
            return {k: _decode(v, tensors, used, where) for k, v in obj[_ITEMS]}
        return {k: _decode(v, tensors, used, where) for k, v in obj.items()}
    return obj


def _generator_states(rngs, fn):
    states = {_DEFAULT_RNG: default_generator().bit_generator.state}
    for name, gen in (rngs or {}).items():
        if not isinstance(gen, np.random.Generator):
            raise CheckpointError(f"{fn}: rngs[{name!r}] must be a numpy.random.Generator, got {type(gen).__name__}")
        states[name] = gen.bit_generator.state
    return states


# ----- writing --------------------------------------------------------------------------
def _atomic_write(path, data):
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    # make the rename itself durable (POSIX); some platforms cannot open folders
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def save_checkpoint(path, model, optimizer=None, *, rngs=None, **meta):
    """Save model (and optimizer) state, RNG states and metadata to one safetensors file.

    Parameters
    ----------
    path : str or PathLike
        Target file; missing folders are created. The write is atomic.
    model : Module
        Anything with ``state_dict() -> {name: ndarray}``.
    optimizer : Optimizer, optional
        Its whole ``state_dict()`` (hyper-parameters, ``global_step``, moments).
    rngs : dict of str -> numpy.random.Generator, optional
        Generators whose states to store (e.g. a DataLoader's ``rng``). The
        generator set by ``gradstep.manual_seed`` is always stored.
    **meta
        JSON-serialisable metadata (numbers, strings, lists, dicts, arrays),
        e.g. ``epoch=5``; returned by ``load_checkpoint``.

    >>> import numpy as np, tempfile, os
    >>> class Tiny:
    ...     def __init__(self): self.w = np.zeros(3, np.float32)
    ...     def state_dict(self): return {"w": self.w.copy()}
    ...     def load_state_dict(self, sd, strict=True): self.w[...] = sd["w"]
    >>> a, b = Tiny(), Tiny(); a.w[:] = [1, 2, 3]
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
    >>> save_checkpoint(path, a, epoch=4)
    >>> load_checkpoint(path, b), b.w
    ({'epoch': 4}, array([1., 2., 3.], dtype=float32))
    """
    fn = "save_checkpoint"
    st = _safetensors(fn)
    tensors = {}
    for name, value in model.state_dict().items():
        tensors[f"model.{name}"] = np.ascontiguousarray(getattr(value, "data", value))
    metadata = {"format": _FORMAT, "version": str(_VERSION)}
    if optimizer is not None:
        metadata["optimizer"] = json.dumps(_encode(optimizer.state_dict(), "optimizer", tensors, fn))
    metadata["rng"] = json.dumps(_encode(_generator_states(rngs, fn), "rng", tensors, fn))
    metadata["meta"] = json.dumps(_encode(meta, "meta", tensors, fn))
    metadata["sha256"] = json.dumps({name: _digest(arr) for name, arr in tensors.items()})
    _atomic_write(path, st.numpy.save(tensors, metadata=metadata))


def _digest(arr):
    """SHA-256 of an array's bytes as stored (little-endian, C order)."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return hashlib.sha256(memoryview(arr.reshape(-1)).cast("B")).hexdigest()


# ----- reading --------------------------------------------------------------------------
def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate keys {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


def _read_header(f, size, path):
    """``(entries, metadata, data_start)`` of a safetensors file, every offset checked against ``size``."""
    def damaged(why):
        return CheckpointError(f"load_checkpoint: {path!r} is not a readable checkpoint (truncated or corrupt file?): {why}")

    if size < 8:
        raise damaged(f"the file has {size} bytes, fewer than the 8 of the header length")
    header_len = int.from_bytes(f.read(8), "little")
    if header_len > min(size - 8, _MAX_HEADER):
        raise damaged(f"the header claims {header_len} bytes but the file holds {size - 8} after the length")
    try:
        header = json.loads(f.read(header_len).decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise damaged(f"the header is not valid JSON ({type(err).__name__}: {str(err)[:200]})") from None
    if not isinstance(header, dict):
        raise damaged(f"the header is a JSON {type(header).__name__}, not an object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise damaged("__metadata__ is not a table of strings")
    data_start = 8 + header_len
    data_size = size - data_start
    entries, spans = {}, []
    for name, entry in header.items():
        try:
            dtype = np.dtype(_DTYPES[entry["dtype"]])
            shape = tuple(entry["shape"])
            begin, end = entry["data_offsets"]
            if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (*shape, begin, end)):
                raise ValueError("negative or non-integer size")
        except (KeyError, TypeError, ValueError) as err:
            raise damaged(f"tensor {name!r} has a malformed entry {str(entry)[:200]} ({type(err).__name__})") from None
        nbytes = math.prod(shape) * dtype.itemsize
        if end - begin != nbytes or end > data_size:
            raise damaged(
                f"tensor {name!r} of shape {shape} needs {nbytes} bytes at offsets [{begin}, {end}), "
                f"but the data section holds {data_size} bytes"
            )
        entries[name] = (dtype, shape, begin)
        spans.append((begin, end))
    covered = 0
    for begin, end in sorted(spans):
        if begin != covered:
            raise damaged(f"tensor data overlaps or leaves a gap at byte {min(begin, covered)} of the data section")
        covered = end
    if covered != data_size:
        raise damaged(f"the tensors cover {covered} bytes of the {data_size}-byte data section")
    return entries, metadata, data_start


def _read_tensors(f, entries, data_start, path):
    """Each tensor read straight into its own array (the sizes are already checked)."""
    tensors = {}
    for name, (dtype, shape, begin) in entries.items():
        arr = np.empty(shape, dtype)
        f.seek(data_start + begin)
        view = memoryview(arr.reshape(-1)).cast("B")
        filled = 0
        while filled < len(view):
            count = f.readinto(view[filled:])
            if not count:
                raise CheckpointError(f"load_checkpoint: {path!r} is truncated: tensor {name!r} ends past the end")
            filled += count
        tensors[name] = arr.astype(arr.dtype.newbyteorder("="), copy=False)
    return tensors


def _verify(tensors, raw, path):
    """Compare every tensor with the SHA-256 stored at save time (format version 2 and later)."""
    if "sha256" not in raw:
        if int(raw["version"]) >= 2:
            raise CheckpointError(f"load_checkpoint: {path!r} has no sha256 table in its metadata (tampered file?)")
        return
    try:
        digests = json.loads(raw["sha256"])
    except (ValueError, RecursionError) as err:
        raise CheckpointError(f"load_checkpoint: {path!r} has a damaged sha256 table: {err}") from None
    if not isinstance(digests, dict) or set(digests) != set(tensors):
        raise CheckpointError(f"load_checkpoint: {path!r}: the sha256 table does not list exactly the file's tensors")
    for name, arr in tensors.items():
        if _digest(arr) != digests[name]:
            raise CheckpointError(
                f"load_checkpoint: tensor {name!r} in {path!r} does not match its SHA-256: "
                "the file is damaged (a changed byte); use an older copy or train again"
            )


def read_checkpoint(path):
    """``(tensors, metadata)`` of a checkpoint file, validated but not applied to anything.

    ``metadata`` has the keys ``optimizer`` (or None), ``rng`` and ``meta``,
    with arrays already put back. Truncated, corrupt, tampered or foreign
    files raise ``CheckpointError`` naming the file (and the tensor whose
    checksum fails); the header is checked against the file's length before
    any tensor is read, so a hostile header costs no memory.

    >>> import numpy as np, tempfile, os
    >>> class Tiny:
    ...     def state_dict(self): return {"w": np.ones(2)}
    >>> path = os.path.join(tempfile.mkdtemp(), "c.safetensors")
    >>> save_checkpoint(path, Tiny(), note="hello")
    >>> tensors, info = read_checkpoint(path)
    >>> sorted(tensors), info["meta"]
    (['model.w'], {'note': 'hello'})
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        entries, raw, data_start = _read_header(f, size, path)
        if raw.get("format") != _FORMAT:
            raise CheckpointError(f"load_checkpoint: {path!r} is a safetensors file but not a gradstep checkpoint")
        version = raw.get("version", "")
        if not version.isdecimal():
            raise CheckpointError(f"load_checkpoint: {path!r} has checkpoint format version {version!r}, not a number")
        if int(version) > _VERSION:
            raise CheckpointError(
                f"load_checkpoint: {path!r} has checkpoint format version {version}; "
                f"this gradstep reads version {_VERSION} or older, please upgrade"
            )
        tensors = _read_tensors(f, entries, data_start, path)
    _verify(tensors, raw, path)
    used = {name for name in tensors if name.startswith("model.")}
    try:
        info = {
            "version": int(raw.get("version", 0)),
            "optimizer": _decode(json.loads(raw["optimizer"]), tensors, used, "optimizer")
            if "optimizer" in raw
            else None,
            "rng": _decode(json.loads(raw["rng"]), tensors, used, "rng"),
            "meta": _decode(json.loads(raw["meta"]), tensors, used, "meta"),
        }
    except (KeyError, ValueError, TypeError, RecursionError) as err:
        if isinstance(err, CheckpointError):
            raise CheckpointError(f"{err} (in {path!r})") from None
        raise CheckpointError(f"load_checkpoint: {path!r} has damaged metadata: {type(err).__name__}: {str(err)[:200]}") from None
    if not isinstance(info["meta"], dict) or not isinstance(info["rng"], dict):
        raise CheckpointError(f"load_checkpoint: {path!r} has damaged metadata: meta and rng must be JSON objects")
    stray = sorted(set(tensors) - used)
    if stray:
        raise CheckpointError(f"load_checkpoint: {path!r} has unexpected tensors {stray}")
    return tensors, info


def _check_linear_layout(path, model, version):
    """Refuse a format-1 file for a model with Linear layers: its weights are the transposes of today's."""
    if version >= _LINEAR_LAYOUT_VERSION or not hasattr(model, "named_modules"):
        return
    from ..nn import Linear

    linears = [name for name, m in model.named_modules() if isinstance(m, Linear)]
    if linears:
        raise CheckpointError(
            f"load_checkpoint: {path!r} has checkpoint format version {version}, which stored nn.Linear weights as "
            f"(in_features, out_features); this gradstep stores them as PyTorch does, (out_features, in_features). "
            f"Transpose the weights of the Linear layers {linears} (or retrain); a square layer would otherwise "
            f"load transposed without any shape error"
        )


def _check_model(path, model, tensors):
    """Tensors for ``model.load_state_dict``, after checking names and shapes."""
    expected = model.state_dict()
    stored = {name[len("model.") :]: arr for name, arr in tensors.items() if name.startswith("model.")}
    missing = sorted(set(expected) - set(stored))
    extra = sorted(set(stored) - set(expected))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing tensors {missing}")
        if extra:
            parts.append(f"unexpected tensors {extra}")
        raise CheckpointError(f"load_checkpoint: {path!r} does not match the model: {'; '.join(parts)}")
    for name, value in expected.items():  # in the model's order, so the first layer is reported first
        arr, want = stored[name], np.shape(getattr(value, "data", value))
        if arr.shape != want:
            raise CheckpointError(
                f"load_checkpoint: tensor {name!r} has shape {arr.shape} in {path!r} but the model expects {want}"
            )
    return stored


def _check_optimizer(path, optimizer, state):
    if state is None:
        raise CheckpointError(f"load_checkpoint: {path!r} holds no optimizer state (it was saved without one)")
    current = optimizer.state_dict()["param_groups"]
    want = [len(g["params"]) for g in current]
    got = [len(g["params"]) for g in state["param_groups"]]
    if want != got:
        raise CheckpointError(
            f"load_checkpoint: the optimizer in {path!r} has parameter groups of sizes {got} "
            f"but this optimizer has {want}"
        )


def load_checkpoint(path, model, optimizer=None, *, rngs=None, restore_default_rng=True):
    """Restore a checkpoint written by ``save_checkpoint`` into ``model`` (and ``optimizer``).

    Everything is checked before anything is changed: missing or unexpected
    tensors, shapes that differ from the model's (the message names the tensor
    and both shapes), an optimizer with other parameter groups, damaged files.

    Parameters
    ----------
    path : str or PathLike
    model : Module
        Receives ``load_state_dict`` with the stored tensors (strict).
    optimizer : Optimizer, optional
        Receives ``load_state_dict`` with the stored optimizer state.
    rngs : dict of str -> numpy.random.Generator, optional
        Generators to set to the states stored under the same names.
    restore_default_rng : bool
        Also set gradstep's default generator (``gradstep.manual_seed``) to its
        stored state, so dropout and other default-RNG draws continue exactly.

    Returns
    -------
    dict
        The metadata passed to ``save_checkpoint`` as ``**meta``.

    >>> import numpy as np, tempfile, os
    >>> class Tiny:
    ...     def __init__(self, n): self.w = np.zeros(n)
    ...     def state_dict(self): return {"w": self.w.copy()}
    ...     def load_state_dict(self, sd, strict=True): self.w[...] = sd["w"]
    >>> path = os.path.join(tempfile.mkdtemp(), "c.safetensors")
    >>> save_checkpoint(path, Tiny(3))
    >>> load_checkpoint(path, Tiny(4))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gradstep.errors.CheckpointError: load_checkpoint: ...'w' has shape (3,) in '...' but the model expects (4,)
    """
    tensors, info = read_checkpoint(path)
    restore_checkpoint(path, tensors, info, model, optimizer, rngs, restore_default_rng)
    return info["meta"]


def restore_checkpoint(path, tensors, info, model, optimizer=None, rngs=None, restore_default_rng=True):
    """Apply what ``read_checkpoint(path)`` returned; ``load_checkpoint`` is read + restore.

    Checks everything first (the same errors as ``load_checkpoint``), then
    changes the model, the optimizer and the generators.

    >>> import numpy as np, tempfile, os
    >>> class Tiny:
    ...     def __init__(self): self.w = np.zeros(2)
    ...     def state_dict(self): return {"w": self.w.copy()}
    ...     def load_state_dict(self, sd, strict=True): self.w[...] = sd["w"]
    >>> a = Tiny(); a.w[:] = 5; path = os.path.join(tempfile.mkdtemp(), "c.safetensors")
    >>> save_checkpoint(path, a, epoch=3)
    >>> tensors, info = read_checkpoint(path)
    >>> b = Tiny(); restore_checkpoint(path, tensors, info, b); b.w, info["meta"]
    (array([5., 5.]), {'epoch': 3})
    """
    path = os.fspath(path)
    _check_linear_layout(path, model, info.get("version", _VERSION))
    stored = _check_model(path, model, tensors)
    if optimizer is not None:
        _check_optimizer(path, optimizer, info["optimizer"])
    states = info["rng"]
    for name in rngs or {}:
        if name not in states:
            raise CheckpointError(
                f"load_checkpoint: {path!r} has no state for generator {name!r} (stored: {sorted(states)})"
            )
    model.load_state_dict(stored, strict=True)
    if optimizer is not None:
        optimizer.load_state_dict(info["optimizer"])
    for name, gen in (rngs or {}).items():
        _set_state(path, name, gen, states[name])
    if restore_default_rng and _DEFAULT_RNG in states:
        _set_state(path, _DEFAULT_RNG, default_generator(), states[_DEFAULT_RNG])


def _set_state(path, name, gen, state):
    try:
        gen.bit_generator.state = state
    except (TypeError, ValueError) as err:
        raise CheckpointError(
            f"load_checkpoint: cannot restore generator {name!r} from {path!r}: {err} "
            f"(stored {state.get('bit_generator')!r}, target {type(gen.bit_generator).__name__})"
        ) from err
