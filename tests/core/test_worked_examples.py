"""The course's two worked examples (../shared/DESIGN.md), value and gradient to 1e-6."""

import numpy as np

import gradstep


def test_sigmoid_built_from_primitive_ops_at_one():
    # f(x) = 1 / (1 + exp(-x)) from -z, exp, +1 and 1/z
    x = gradstep.tensor(1.0, requires_grad=True)
    f = 1 / ((-x).exp() + 1)
    f.backward()
    assert abs(f.item() - 0.7310586) < 1e-6
    assert abs(float(x.grad) - 0.1966119) < 1e-6
    # and the same from the math: f' = f (1 - f)
    assert abs(float(x.grad) - f.item() * (1 - f.item())) < 1e-6


def test_one_sigmoid_neuron_with_squared_error():
    W = gradstep.tensor([-1.0, 0.5, 10.0], requires_grad=True)
    b = gradstep.tensor(-2.0, requires_grad=True)
    x = gradstep.tensor([4.0, -2.0, 1.0])
    z = (W * x).sum() + b
    y_hat = z.sigmoid()
    C = (y_hat - 1.0) ** 2
    C.backward()
    assert abs(z.item() - 3.0) < 1e-6
    assert abs(y_hat.item() - 0.9525741) < 1e-6
    assert abs(C.item() - 0.0022492) < 1e-6
    assert np.allclose(W.grad, [-0.0171403, 0.0085702, -0.0042851], atol=1e-6)
    assert abs(float(b.grad) - -0.0042851) < 1e-6


def test_neuron_with_fused_linear_matches():
    W = gradstep.tensor([[-1.0, 0.5, 10.0]], requires_grad=True)  # one output: W is (1, 3), PyTorch's layout
    b = gradstep.tensor([-2.0], requires_grad=True)
    x = gradstep.tensor([[4.0, -2.0, 1.0]])
    C = ((gradstep.ops.linear(x, W, b).sigmoid() - 1.0) ** 2).sum()
    C.backward()
    assert np.allclose(W.grad[0], [-0.0171403, 0.0085702, -0.0042851], atol=1e-6)
    assert abs(float(b.grad[0]) - -0.0042851) < 1e-6
