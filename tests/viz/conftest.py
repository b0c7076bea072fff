"""Close every figure a viz test made (pyplot keeps them alive otherwise)."""

import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
