"""The one device, the CPU, under PyTorch's names: ``device``, the default device, and the check behind every ``device=``.

gradstep computes with NumPy on the CPU. PyTorch code names devices in three
ways, all accepted for the CPU: a string (``"cpu"``, ``"cpu:0"``), a
``gradstep.device("cpu")`` object, or nothing. Any other device (``"cuda"``,
``"mps"``) can be named, as in PyTorch, but using it is a ``DeviceError``
that says gradstep runs on the CPU.
"""

from .errors import ArgumentError, DeviceError

#: the device types PyTorch knows (``torch.device("gpu")`` is an error there too)
_KNOWN_TYPES = ("cpu", "cuda", "mps", "xpu", "mtia", "hpu", "ipu", "xla", "lazy", "meta", "hip", "vulkan", "maia")


class device:
    """PyTorch's ``torch.device``: a device type and an optional index, e.g. ``device("cpu")``, ``device("cuda:0")``.

    Only the CPU can hold tensors; naming another device is allowed (as in
    PyTorch, where ``device("cuda")`` is fine until something is put there).

    >>> import gradstep
    >>> gradstep.device("cpu"), str(gradstep.device("cpu", 0)), gradstep.device("cuda:1").index
    (device(type='cpu'), 'cpu:0', 1)
    >>> gradstep.zeros(2, device=gradstep.device("cpu")).device == gradstep.device("cpu")
    True
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002  PyTorch's parameter name
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        if not isinstance(type, str):
            raise ArgumentError(f"device: expected a device string such as 'cpu', got {type!r}")
        name, colon, number = type.partition(":")
        if name not in _KNOWN_TYPES:
            raise ArgumentError(f"device: unknown device type {name!r} in {type!r}; expected one of {', '.join(_KNOWN_TYPES)}")
        if colon:
            if index is not None or not number.isdigit():
                raise ArgumentError(f"device: invalid device string {type!r} (expected 'type' or 'type:index')")
            index = int(number)
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or index < 0):
            raise ArgumentError(f"device: the index must be a non-negative int, got {index!r}")
        self.type, self.index = name, index

    def __repr__(self):
        return f"device(type={self.type!r})" if self.index is None else f"device(type={self.type!r}, index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(where, op):
    """Accept the ways a PyTorch user names the CPU (None, "cpu", "cpu:0", ``device("cpu")``); refuse any other clearly.

    >>> check_device("cpu", "zeros")
    >>> try:
    ...     check_device("cuda", "zeros")
    ... except DeviceError as err:
    ...     print(err)
    zeros: device 'cuda' is not available: gradstep runs on the CPU (NumPy); use device="cpu" or leave it out
    """
    if where is None:
        return
    name = where if isinstance(where, str) else getattr(where, "type", where)
    if not (isinstance(name, str) and (name == "cpu" or name.startswith("cpu:"))):
        raise DeviceError(
            f"{op}: device {str(where)!r} is not available: gradstep runs on the CPU (NumPy); "
            'use device="cpu" or leave it out'
        )


def get_default_device():
    """The device new tensors are made on: always the CPU.

    >>> import gradstep
    >>> gradstep.get_default_device()
    device(type='cpu')
    """
    return CPU


def set_default_device(where):
    """PyTorch's ``set_default_device``: the CPU (or None) is accepted; any other device is a DeviceError.

    >>> import gradstep
    >>> gradstep.set_default_device("cpu")
    >>> gradstep.set_default_device("cuda")
    Traceback (most recent call last):
    ...
    gradstep.errors.DeviceError: set_default_device: device 'cuda' is not available: gradstep runs on the CPU (NumPy); use device="cpu" or leave it out
    """
    check_device(where, "set_default_device")
