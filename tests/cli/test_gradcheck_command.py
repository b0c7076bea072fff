"""``gradstep gradcheck``: one row per registered op, every op ok, and the examples' error measure."""

import numpy as np

from gradstep.cli.gradcheck import max_abs_error
from gradstep.cli.op_examples import EXAMPLES
from gradstep.function import registry


def test_every_registered_op_has_an_example_input():
    missing = sorted(set(registry) - set(EXAMPLES))
    assert not missing, f"ops without an example in src/gradstep/cli/op_examples.py: {missing}"


def test_gradcheck_command_prints_a_row_per_op_and_exits_0(gradstep_cli):
    result = gradstep_cli("gradcheck", check_ok=True)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["op", "input", "shapes", "max", "abs", "error", "status"]
    rows = {line.split()[0]: line.split() for line in lines[2:-1]}
    assert set(rows) == set(registry)
    for name, row in rows.items():
        assert row[-1] == "ok", row
        assert float(row[-2]) < 1e-6, row  # central differences in float64: error ~ eps^2 + rounding/eps
    assert lines[-1] == f"{len(registry)} of {len(registry)} ops ok"


def test_max_abs_error_is_zero_for_an_exact_linear_function():
    # f(x) = sum(3 x): central differences are exact up to rounding, the gradient is 3
    error = max_abs_error(lambda x: x * 3.0, [np.array([0.5, -1.0, 2.0])], eps=1e-3)
    assert error < 1e-9


def test_max_abs_error_reports_a_wrong_backward():
    # backward returns 0 instead of 2x: the numerical gradient of sum(x^2 * w) is 2 x w, so the error is max |2 x w|
    from gradstep.function import Function

    class WrongSquare(Function, register=False):
        # y = x^2 ; the backward below wrongly returns 0
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, grad):
            return (grad * 0,)

    x = np.array([1.0, -2.0])
    w = np.random.default_rng(0).standard_normal(2)  # the weights max_abs_error uses with seed 0
    error = max_abs_error(lambda t: WrongSquare.apply(t), [x], seed=0)
    np.testing.assert_allclose(error, np.max(np.abs(2 * x * w)), rtol=1e-6)
