"""``torch.utils.data``'s names, which gradstep keeps in ``gradstep.data`` (the same objects, not copies).

>>> from gradstep.utils.data import TensorDataset
>>> import gradstep
>>> len(TensorDataset(gradstep.zeros(3, 2)))
3
"""

from ..data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]
