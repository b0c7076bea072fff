"""Every compiled-step test runs with the BLAS libraries on one thread.

Where SciPy brings a BLAS library of its own (its wheels), the compiled step
uses SciPy's levers (the SGD update folded into gemm, the fused Adam and
logistic steps) only while NumPy's BLAS runs one thread (see
``gradstep.compile.blas``); these tests check those levers. The tests of that
rule (test_blas_threads.py) set the threads themselves.
"""

import pytest
from threadpoolctl import threadpool_limits

from gradstep.compile import blas


@pytest.fixture(autouse=True)
def one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


@pytest.fixture
def levers(one_blas_thread):
    """Skips a test of SciPy's levers where SciPy or threadpoolctl is missing."""
    if not blas.available():
        pytest.skip("the levers need SciPy's BLAS and threadpoolctl")
