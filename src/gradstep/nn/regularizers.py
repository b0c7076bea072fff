"""L1 and L2 penalties over parameters, to add to the loss (the course's regularised cost).

    loss = data_loss + lam * l2_penalty(weights)

Both take an iterable of Parameters (or a Module, meaning all its
parameters). To leave biases out, as the course does, pass only the weights:
``[p for name, p in model.named_parameters() if name.endswith("weight")]``.
The optimizers' ``weight_decay`` is the other way to get L2 regularisation.
"""

from .. import ops
from .errors import ArgumentError
from .module import Module


def _params(params, op):
    params = list(params.parameters() if isinstance(params, Module) else params)
    if not params:
        raise ArgumentError(f"{op}: no parameters given (was the generator already used up by an optimizer?)")
    return params


def _total(terms):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def l1_penalty(params):
    """sum over all given parameters of sum |w| (the lasso penalty; its gradient is sign(w)).

    >>> import gradstep
    >>> from gradstep import nn
    >>> w = nn.Parameter(gradstep.tensor([1.0, -2.0]))
    >>> l1_penalty([w]).item()
    3.0
    """
    return _total([ops.abs(p).sum() for p in _params(params, "l1_penalty")])


def l2_penalty(params):
    """sum over all given parameters of sum w^2, WITHOUT a factor 1/2 (its gradient is 2 w).

    For the course's (lambda / 2) ||w||^2 write ``0.5 * lam * l2_penalty(...)``.

    >>> import gradstep
    >>> from gradstep import nn
    >>> w = nn.Parameter(gradstep.tensor([1.0, -2.0]))
    >>> l2_penalty([w]).item()
    5.0
    """
    return _total([(p * p).sum() for p in _params(params, "l2_penalty")])
