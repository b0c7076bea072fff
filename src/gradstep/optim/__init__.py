"""Optimizers, learning-rate schedules and gradient clipping.

>>> import gradstep
>>> from gradstep import optim
>>> w = gradstep.tensor([1.0, -2.0], requires_grad=True)
>>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
>>> opt.zero_grad(); (w * w).sum().backward(); opt.step()
>>> opt.global_step
1
"""

from . import lr_scheduler, schedules
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .by_name import OPTIMIZERS, make_optimizer
from .clip import clip_grad_norm, clip_grad_value
from .optimizer import Optimizer, OptimizerError
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Optimizer", "OptimizerError", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW",
    "schedules", "lr_scheduler", "clip_grad_norm", "clip_grad_value", "OPTIMIZERS", "make_optimizer",
]  # fmt: skip
