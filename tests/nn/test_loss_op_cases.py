"""The fused loss ops gradchecked through the same case format as the ops registry sweep."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradstep
from gradstep.function import registry
from gradstep.ops import loss

from .loss_op_cases import LOSS_CASES


def test_every_loss_op_has_a_case():
    names = {name for name, fn in registry.items() if fn.__module__ == loss.__name__}
    assert names == set(LOSS_CASES)


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_loss_op_gradient_matches_finite_differences(name, data, seed):
    fn, inputs = LOSS_CASES[name](data, np.random.default_rng(seed))
    assert gradstep.gradcheck(fn, inputs)
