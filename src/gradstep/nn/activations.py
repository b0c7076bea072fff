"""Activation functions as modules, to put in a Sequential: Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus, Softmax, LogSoftmax, Identity."""

from .. import ops
from .module import Module


class Identity(Module):
    """Returns its input unchanged (a placeholder layer, or the linear "activation").

    >>> import gradstep
    >>> Identity()(gradstep.tensor([1.0]))
    tensor([1.])
    """

    def forward(self, x):
        return x


class Sigmoid(Module):
    """sigma(z) = 1 / (1 + exp(-z)); its derivative sigma (1 - sigma) is at most 1/4.

    >>> import gradstep
    >>> Sigmoid()(gradstep.tensor([0.0]))
    tensor([0.5])
    """

    def forward(self, x):
        return ops.sigmoid(x)


class Tanh(Module):
    """tanh(z), zero-centred, derivative 1 - tanh^2 (at most 1).

    >>> import gradstep
    >>> Tanh()(gradstep.tensor([0.0]))
    tensor([0.])
    """

    def forward(self, x):
        return ops.tanh(x)


class ReLU(Module):
    """max(0, z); derivative 1 for z > 0, so gradients do not shrink through active units.

    >>> import gradstep
    >>> ReLU()(gradstep.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, x):
        return ops.relu(x)


class LeakyReLU(Module):
    """z for z > 0, negative_slope * z otherwise.

    >>> import gradstep
    >>> LeakyReLU(0.1)(gradstep.tensor([-1.0, 2.0]))
    tensor([-0.1,  2. ])
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return ops.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """z for z > 0, alpha * (exp(z) - 1) otherwise.

    >>> import gradstep
    >>> ELU()(gradstep.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return ops.elu(x, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Softplus(Module):
    """log(1 + exp(z)), a smooth ReLU whose derivative is the sigmoid.

    >>> import gradstep
    >>> round(Softplus()(gradstep.tensor([0.0])).item(), 4)
    0.6931
    """

    def forward(self, x):
        return ops.softplus(x)


class Softmax(Module):
    """exp(z) normalised to sum to 1 along ``dim``. For training, feed logits to CrossEntropyLoss instead.

    >>> import gradstep
    >>> Softmax(dim=1)(gradstep.tensor([[0.0, 0.0]]))
    tensor([[0.5, 0.5]])
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return ops.softmax(x, axis=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(z)) along ``dim``, computed as z - logsumexp(z); pairs with NLLLoss.

    >>> import gradstep
    >>> LogSoftmax(dim=1)(gradstep.tensor([[0.0, 0.0]])).data.round(4)
    array([[-0.6931, -0.6931]], dtype=float32)
    """

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return ops.log_softmax(x, axis=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"
