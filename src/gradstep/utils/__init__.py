"""PyTorch's ``torch.utils`` path, so that ``from gradstep.utils.data import DataLoader`` works as in PyTorch code.

>>> from gradstep.utils.data import DataLoader
>>> import gradstep.data
>>> DataLoader is gradstep.data.DataLoader
True
"""

from . import data
