"""Loss modules: configure once, call as ``loss_fn(prediction, target)``. Each calls gradstep.nn.functional.

``reduction`` is "mean" (default), "sum" or "none" (one loss per sample or element).
"""

import numpy as np

from . import functional as F
from .module import Module


class _Loss(Module):
    """Common part of the loss modules: the reduction, checked at construction."""

    def __init__(self, reduction="mean"):
        super().__init__()
        F._check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    """A loss with optional class or element weights (an array, not a parameter)."""

    def __init__(self, weight=None, reduction="mean"):
        super().__init__(reduction)
        self.weight = None if weight is None else np.asarray(getattr(weight, "data", weight))


class MSELoss(_Loss):
    """Mean squared error mean((y_hat - y)^2); ``half=True`` is the course's 1/(2n) sum (gradient (y_hat - y)/n).

    >>> import gradstep
    >>> MSELoss()(gradstep.tensor([2.0]), gradstep.tensor([0.0])).item()
    4.0
    >>> MSELoss(half=True)(gradstep.tensor([2.0]), gradstep.tensor([0.0])).item()
    2.0
    """

    def __init__(self, reduction="mean", half=False):
        super().__init__(reduction)
        self.half = half

    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction, self.half)

    def extra_repr(self):
        return f"reduction={self.reduction!r}, half={self.half}"


class SSELoss(Module):
    """Sum of squared errors sum((y_hat - y)^2), times 1/2 with ``half=True`` (Adaline's cost).

    >>> import gradstep
    >>> SSELoss()(gradstep.tensor([1.0, 2.0]), gradstep.tensor([0.0, 0.0])).item()
    5.0
    """

    def __init__(self, half=False):
        super().__init__()
        self.half = half

    def forward(self, input, target):
        return F.sse_loss(input, target, self.half)

    def extra_repr(self):
        return f"half={self.half}"


class L1Loss(_Loss):
    """Mean absolute error mean(|y_hat - y|).

    >>> import gradstep
    >>> L1Loss()(gradstep.tensor([1.0, -3.0]), gradstep.tensor([0.0, 0.0])).item()
    2.0
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities (logs clamped at -100); ``weight`` rescales each element.

    >>> import gradstep
    >>> round(BCELoss()(gradstep.tensor([0.5]), gradstep.tensor([0.0])).item(), 4)
    0.6931
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy on logits, stable for any logit (sigmoid folded in); ``weight`` rescales each element.

    >>> import gradstep
    >>> round(BCEWithLogitsLoss()(gradstep.tensor([0.0]), gradstep.tensor([0.0])).item(), 4)
    0.6931
    """

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits with integer labels (n,) or one-hot/probability targets (n, k).

    One fused op (log-softmax + NLL) whose gradient with respect to the
    logits is (softmax - onehot) / n. ``weight`` holds one weight per class;
    with labels "mean" then divides by the sum of the samples' weights.

    >>> import gradstep
    >>> loss_fn = CrossEntropyLoss()
    >>> round(loss_fn(gradstep.tensor([[0.0, 0.0, 0.0]]), gradstep.tensor([2])).item(), 4)  # log 3
    1.0986
    """

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (use after LogSoftmax) with integer labels.

    >>> import gradstep
    >>> NLLLoss()(gradstep.tensor([[-1.0, -2.0]]), gradstep.tensor([1])).item()
    2.0
    """

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, self.reduction)


class HingeLoss(_Loss):
    """Hinge loss: max(0, margin - t s) for targets t in {-1, +1}, or the multi-class SVM loss for integer labels.

    >>> import gradstep
    >>> HingeLoss()(gradstep.tensor([0.5, -2.0]), gradstep.tensor([1.0, -1.0])).item()
    0.25
    """

    def __init__(self, margin=1.0, reduction="mean"):
        super().__init__(reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_loss(input, target, self.margin, self.reduction)

    def extra_repr(self):
        return f"margin={self.margin}, reduction={self.reduction!r}"
