"""Neural-network building blocks: Module and Parameter, layers, activations, losses, initialisers, regularisers.

>>> import gradstep
>>> from gradstep import nn
>>> model = nn.Sequential(nn.Linear(4, 16, seed=0), nn.ReLU(), nn.Linear(16, 3, seed=1))
>>> loss = nn.CrossEntropyLoss()(model(gradstep.ones(8, 4)), gradstep.tensor([0, 1, 2, 0, 1, 2, 0, 1]))
>>> loss.backward()
>>> model[0].weight.grad.shape      # (out_features, in_features), as in PyTorch
(16, 4)
"""

from . import functional, init, utils
from .activations import ELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh
from .errors import ArgumentError, StateDictError
from .layers import BatchNorm1d, Dropout, Flatten, Linear, ModuleList, Sequential
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, L1Loss, MSELoss, NLLLoss, SSELoss
from .module import Module, Parameter
from .regularizers import l1_penalty, l2_penalty

__all__ = [
    "Module", "Parameter",
    "Linear", "Sequential", "ModuleList", "Flatten", "Dropout", "BatchNorm1d",
    "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "Softmax", "LogSoftmax",
    "SSELoss", "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss", "HingeLoss",
    "l1_penalty", "l2_penalty",
    "functional", "init", "utils",
    "ArgumentError", "StateDictError",
]  # fmt: skip
