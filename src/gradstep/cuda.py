"""PyTorch's ``torch.cuda`` checks, answered for a library that runs on the CPU: no CUDA device is ever available.

So that ``device = "cuda" if gradstep.cuda.is_available() else "cpu"`` picks the CPU.

>>> import gradstep
>>> "cuda" if gradstep.cuda.is_available() else "cpu"
'cpu'
"""


def is_available():
    """False: gradstep has no CUDA backend.

    >>> import gradstep
    >>> gradstep.cuda.is_available()
    False
    """
    return False


def device_count():
    """0 CUDA devices.

    >>> import gradstep
    >>> gradstep.cuda.device_count()
    0
    """
    return 0


def manual_seed(seed):
    """Nothing to seed (no CUDA generator); accepted as PyTorch accepts it without CUDA. Seed with ``gradstep.manual_seed``.

    >>> import gradstep
    >>> gradstep.cuda.manual_seed(0)
    """


def manual_seed_all(seed):
    """Nothing to seed, as ``manual_seed``.

    >>> import gradstep
    >>> gradstep.cuda.manual_seed_all(0)
    """
