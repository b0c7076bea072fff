"""Forward mode: every registered op's jvp against central differences, and <u, J v> against reverse mode."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradstep
import gradstep.autograd.forward_ad as fwAD
from gradstep import numerical
from gradstep.errors import DTypeError, GradstepError, ShapeError
from gradstep.function import registry

from ..ops.op_cases import CASES

SWEEP = settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def test_every_registered_op_has_its_own_jvp_rule():
    missing = sorted(name for name, fn in registry.items() if "jvp" not in fn.__dict__)
    assert not missing, f"ops without a jvp rule beside their backward: {missing}"


def _draw(name, data, seed):
    rng = np.random.default_rng(seed)
    fn, inputs, *options = CASES[name](data, rng)
    options = options[0] if options else {}
    values = [np.asarray(v, dtype=np.float64) if np.asarray(v).dtype.kind == "f" else np.asarray(v) for v in inputs]
    tangents = [rng.standard_normal(v.shape) if v.dtype.kind == "f" else None for v in values]
    return fn, values, tangents, options


def _jvp(fn, values, tangents):
    """J v by forward mode: the output's value and tangent (ndarrays)."""
    with fwAD.dual_level():
        duals = [
            fwAD.make_dual(gradstep.tensor(v), gradstep.tensor(t)) if t is not None else gradstep.tensor(v)
            for v, t in zip(values, tangents)
        ]
        out = fn(*duals)
        primal, tangent = fwAD.unpack_dual(out)
        tangent = np.zeros(out.shape) if tangent is None else tangent.data
        return primal.data, tangent


@pytest.mark.parametrize("name", sorted(CASES))
@SWEEP
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_op_jvp_matches_central_differences(name, data, seed):
    fn, values, tangents, options = _draw(name, data, seed)
    _, analytic = _jvp(fn, values, tangents)

    def along(s):  # f(x + s v) for the direction v of all float inputs at once
        moved = [gradstep.tensor(v + s * t) if t is not None else gradstep.tensor(v) for v, t in zip(values, tangents)]
        return fn(*moved).data

    expected = numerical.derivative(along, 0.0, h=options.get("eps", 1e-6))
    np.testing.assert_allclose(analytic, expected, rtol=1e-4, atol=options.get("atol", 1e-5))


@pytest.mark.parametrize("name", sorted(CASES))
@SWEEP
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_op_jvp_agrees_with_vjp(name, data, seed):
    # <u, J v> by forward mode must equal <J^T u, v> by reverse mode
    fn, values, tangents, options = _draw(name, data, seed)
    out, jv = _jvp(fn, values, tangents)
    u = np.random.default_rng(seed + 1).standard_normal(out.shape)
    inputs = [gradstep.tensor(v, requires_grad=v.dtype.kind == "f") for v in values]
    fn(*inputs).backward(u)
    grads = [None if x.grad is None else np.asarray(getattr(x.grad, "data", x.grad)) for x in inputs]  # ndarray or Tensor
    reverse = sum(float(np.sum(g * t)) for g, t in zip(grads, tangents) if t is not None and g is not None)
    forward = float(np.sum(u * jv))
    rel = 1e-6 if options else 1e-9  # (astype rounds through float32)
    assert forward == pytest.approx(reverse, rel=rel, abs=rel)


def test_course_sigmoid_example_in_forward_mode():
    # f(x) = 1 / (1 + exp(-x)) from -z, exp, +1, 1/z: at x = 1, df/dx = 0.1966119
    with fwAD.dual_level():
        x = fwAD.make_dual(gradstep.tensor(1.0), gradstep.tensor(1.0))
        y, dy = fwAD.unpack_dual(1 / (1 + (-x).exp()))
    assert round(y.item(), 7) == 0.7310586
    assert round(dy.item(), 7) == 0.1966119


def test_dual_tensor_still_gives_reverse_gradients_to_its_primal():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(w, gradstep.tensor([1.0, 1.0]))
        (d * d).sum().backward()
    np.testing.assert_allclose(np.asarray(getattr(w.grad, "data", w.grad)), [2.0, 4.0])


def test_tensors_without_tangent_are_constants_and_levels_drop_tangents():
    with fwAD.dual_level():
        x = fwAD.make_dual(gradstep.tensor([3.0]), gradstep.tensor([1.0]))
        c = gradstep.tensor([5.0])
        assert fwAD.unpack_dual(x * c).tangent.tolist() == [5.0]
        assert fwAD.unpack_dual(c * c).tangent is None
    assert fwAD.unpack_dual(x).tangent is None
    assert not fwAD.is_active()


def test_make_dual_errors():
    with pytest.raises(GradstepError, match="no dual level is active"):
        fwAD.make_dual(gradstep.tensor([1.0]), gradstep.tensor([1.0]))
    with fwAD.dual_level():
        with pytest.raises(ShapeError, match=r"tangent of shape \(3,\) does not match the primal's shape \(2,\)"):
            fwAD.make_dual(gradstep.tensor([1.0, 2.0]), gradstep.tensor([1.0, 2.0, 3.0]))
        with pytest.raises(DTypeError, match="only floating tensors have tangents.*int64"):
            fwAD.make_dual(gradstep.tensor([1, 2]), gradstep.tensor([1.0, 1.0]))
        with pytest.raises(GradstepError, match="nested forward mode"):
            with fwAD.dual_level():
                pass


def test_integer_results_carry_no_tangent():
    with fwAD.dual_level():
        x = fwAD.make_dual(gradstep.tensor([1.5, -2.5]), gradstep.tensor([1.0, 1.0]))
        assert fwAD.unpack_dual(x.astype(np.int64)).tangent is None
        assert fwAD.unpack_dual(x.argmax()).tangent is None
