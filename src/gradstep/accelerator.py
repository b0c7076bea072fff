"""PyTorch's ``torch.accelerator`` checks, answered for a library that runs on the CPU: there is no accelerator.

So that the tutorials' ``device = torch.accelerator.current_accelerator().type
if torch.accelerator.is_available() else "cpu"`` picks the CPU.

>>> import gradstep
>>> gradstep.accelerator.current_accelerator().type if gradstep.accelerator.is_available() else "cpu"
'cpu'
"""


def is_available():
    """False: gradstep computes on the CPU only.

    >>> import gradstep
    >>> gradstep.accelerator.is_available()
    False
    """
    return False


def current_accelerator():
    """None: no accelerator.

    >>> import gradstep
    >>> gradstep.accelerator.current_accelerator() is None
    True
    """
    return None


def device_count():
    """0 accelerators.

    >>> import gradstep
    >>> gradstep.accelerator.device_count()
    0
    """
    return 0
