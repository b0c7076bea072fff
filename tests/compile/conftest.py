"""Fixtures of the compiled step's tests."""

import pytest

from gradstep.compile import blas


@pytest.fixture
def levers():
    """Skips a test of SciPy's levers (the folded SGD update, the fused Adam and logistic steps) where SciPy or
    threadpoolctl is missing."""
    if not blas.available():
        pytest.skip("the levers need SciPy's BLAS and threadpoolctl")
