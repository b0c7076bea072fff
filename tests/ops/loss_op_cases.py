"""Gradcheck cases for the fused loss ops of gradstep/ops/loss.py, merged into op_cases.CASES.

``LOSS_CASES`` maps op name -> ``case(data, rng) -> (fn, inputs)``, so the registry sweep checks these ops too. Float inputs (logits,
probabilities, soft targets) are gradchecked; integer labels are constants.
"""

import numpy as np
from hypothesis import strategies as st

from gradstep.ops.loss import BCE, NLL, AbsoluteError, BCEWithLogits, MultiMarginHinge, SoftmaxCrossEntropy, SquaredError

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def _batch(data):
    return data.draw(st.integers(1, 4), label="n"), data.draw(st.integers(2, 4), label="k")


def _weight(data, rng, k):
    return rng.uniform(0.5, 2.0, k) if data.draw(st.booleans(), label="weighted") else None


def softmax_cross_entropy_case(data, rng):
    n, k = _batch(data)
    reduction, weight = data.draw(REDUCTIONS, label="reduction"), _weight(data, rng, k)
    z = rng.standard_normal((n, k))
    if data.draw(st.booleans(), label="labels"):
        target = rng.integers(0, k, n)
    else:
        target = rng.dirichlet(np.ones(k), n)  # probability targets: their gradient is checked too
    return (lambda z, t: SoftmaxCrossEntropy.apply(z, t, weight=weight, reduction=reduction)), [z, target]


def nll_case(data, rng):
    n, k = _batch(data)
    reduction, weight = data.draw(REDUCTIONS, label="reduction"), _weight(data, rng, k)
    return (lambda lp, t: NLL.apply(lp, t, weight=weight, reduction=reduction)), [rng.standard_normal((n, k)), rng.integers(0, k, n)]


def _elementwise(data, rng):
    n, k = _batch(data)
    return (n, k), data.draw(REDUCTIONS, label="reduction"), _weight(data, rng, k)


def bce_with_logits_case(data, rng):
    shape, reduction, weight = _elementwise(data, rng)
    inputs = [3 * rng.standard_normal(shape), rng.uniform(0, 1, shape)]
    return (lambda z, t: BCEWithLogits.apply(z, t, weight=weight, reduction=reduction)), inputs


def bce_case(data, rng):
    shape, reduction, weight = _elementwise(data, rng)
    inputs = [rng.uniform(0.05, 0.95, shape), rng.uniform(0, 1, shape)]
    return (lambda p, t: BCE.apply(p, t, weight=weight, reduction=reduction)), inputs


def squared_error_case(data, rng):
    shape, reduction, _ = _elementwise(data, rng)
    factor = data.draw(st.sampled_from([1.0, 0.5]), label="factor")
    inputs = [rng.standard_normal(shape), rng.standard_normal(shape)]
    return (lambda x, y: SquaredError.apply(x, y, factor=factor, reduction=reduction)), inputs


def absolute_error_case(data, rng):
    shape, reduction, _ = _elementwise(data, rng)
    y = rng.standard_normal(shape)
    d = rng.standard_normal(shape)
    x = y + np.where(d >= 0, d + 0.1, d - 0.1)  # away from the kink at x = y
    return (lambda x, y: AbsoluteError.apply(x, y, reduction=reduction)), [x, y]


def multi_margin_hinge_case(data, rng):
    n, k = _batch(data)
    reduction = data.draw(REDUCTIONS, label="reduction")
    labels = rng.integers(0, k, n)
    s = rng.standard_normal((n, k))
    for _ in range(10):  # keep every margin s_j - s_y + 1 away from its kink at 0
        margins = s - s[np.arange(n), labels][:, None] + 1
        margins[np.arange(n), labels] = 1
        close = np.abs(margins) < 0.05
        if not close.any():
            break
        s = s + close * 0.2
    return (lambda s, t: MultiMarginHinge.apply(s, t, margin=1.0, reduction=reduction)), [s, labels]


LOSS_CASES = {
    "softmax_cross_entropy": softmax_cross_entropy_case,
    "nll": nll_case,
    "bce_with_logits": bce_with_logits_case,
    "bce": bce_case,
    "squared_error": squared_error_case,
    "absolute_error": absolute_error_case,
    "multi_margin_hinge": multi_margin_hinge_case,
}
