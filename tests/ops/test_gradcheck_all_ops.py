"""Every registered op, gradchecked in float64 against central differences on random shapes."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradstep
from gradstep.function import registry

from .op_cases import CASES


def test_every_registered_op_has_a_gradcheck_case():
    missing = sorted(set(registry) - set(CASES))
    assert not missing, f"ops without a gradcheck case in tests/ops/op_cases.py: {missing}"


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_op_gradient_matches_finite_differences(name, data, seed):
    fn, inputs, *options = CASES[name](data, np.random.default_rng(seed))
    assert gradstep.gradcheck(fn, inputs, **(options[0] if options else {}))
