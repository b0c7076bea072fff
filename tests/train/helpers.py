"""Small models and data sets shared by the training tests."""

import numpy as np

from gradstep import nn, optim
from gradstep.train import Trainer


class Recorder(nn.Module):
    """A 1 -> 1 linear model that remembers the first input column of every training batch."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1, seed=0)
        self.seen = []

    def forward(self, x):
        if self.training:
            self.seen.append(x.data[:, 0].copy())
        return self.linear(x)


def index_data(n):
    """X holds the example index, so a batch tells which examples it contains."""
    X = np.arange(n, dtype=np.float32).reshape(n, 1)
    return X, np.zeros((n, 1), np.float32)


def rising_val_trainer(lr=0.1, callbacks=(), **kwargs):
    """y = w x without bias, w starting at 0: train data (1, 1) pulls w up, val data (1, 0) wants w = 0.

    With MSE and SGD, w_{t+1} = w_t - lr * 2 (w_t - 1) = w_t + 2 lr (1 - w_t): w rises towards 1
    every epoch (full batch, one update per epoch), so the val loss w^2 rises every epoch and the
    best epoch is the first, with w = 2 lr.
    """
    model = nn.Sequential(nn.Linear(1, 1, bias=False, init="zeros"))
    trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=lr), callbacks=callbacks,
                      progress=False, **kwargs)  # fmt: skip
    one = np.ones((1, 1), np.float32)
    return trainer, (one, one), (one, np.zeros((1, 1), np.float32))


def blobs(n=120, seed=0):
    """Two well separated Gaussian blobs in 2-D, labels 0/1."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 2)).astype(np.float32) + np.where(y[:, None] == 1, 2.0, -2.0).astype(np.float32)
    return X, y


def mlp(seed=0, dropout=0.0, dropout_seed=None):
    layers = [nn.Linear(2, 8, seed=seed), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout, seed=dropout_seed))
    layers.append(nn.Linear(8, 2, seed=seed + 1))
    return nn.Sequential(*layers)
