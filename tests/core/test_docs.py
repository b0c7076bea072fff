"""docs/autodiff.md's Python examples run as written and compute what the page says."""

import re
from pathlib import Path

import numpy as np
import pytest

import gradstep
from gradstep.function import Function, registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "autodiff.md"


@pytest.mark.skipif(not DOC.exists(), reason="docs/autodiff.md is not in this checkout")
def test_autodiff_page_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) == 8
    tensors, op, inplace, check, *derivatives = blocks

    namespace = {}
    exec(compile(tensors, str(DOC), "exec"), namespace)
    x, W, b = namespace["x"], namespace["W"], namespace["b"]
    # y = sum(relu(x W + b)): dy/dW[i, j] = x[i] * [(x W + b)_j > 0]
    active = (x.data @ W.data + b.data) > 0
    np.testing.assert_allclose(W.grad, np.outer(x.data, active), rtol=1e-6)

    ops_namespace = {"Function": Function}
    exec(compile(op, str(DOC), "exec"), ops_namespace)
    Mul = ops_namespace["Mul"]
    assert registry["mul"].__module__ == "gradstep.ops.elementwise"  # the page's copy registers nothing
    a = gradstep.tensor([2.0], requires_grad=True)
    c = gradstep.tensor([5.0], requires_grad=True)
    Mul.apply(a, c).sum().backward()
    assert a.grad.tolist() == [5.0] and c.grad.tolist() == [2.0]  # dy/da = b, dy/db = a

    inplace_namespace = {"gradstep": gradstep}
    exec(compile(inplace, str(DOC), "exec"), inplace_namespace)
    w = inplace_namespace["w"]
    assert w.tolist() == pytest.approx([0.8, 1.6]) and w.grad.tolist() == [0.0, 0.0]  # w - 0.1 * 2w, then zeroed

    np.random.seed(0)  # the page's example draws from NumPy's global generator
    exec(compile(check, str(DOC), "exec"), {"gradstep": gradstep, "np": np})

    # forward mode, Jacobians, higher order, numerical differentiation: each block asserts its results
    for block in derivatives:
        exec(compile(block, str(DOC), "exec"), {})


def test_gradcheck_of_a_composite_function_the_course_neuron():
    # C(W, b) = (sigmoid(W . x + b) - 1)^2, the design's second worked example, checked in float64
    x = gradstep.tensor(np.array([4.0, -2.0, 1.0]))

    def cost(W, b):
        return (((W * x).sum() + b).sigmoid() - 1.0) ** 2

    assert gradstep.gradcheck(cost, [np.array([-1.0, 0.5, 10.0]), np.array(-2.0)])
