"""The course's vanishing-gradient effect: deep sigmoid nets starve their first layers; ReLU + He init does not."""

import numpy as np

import gradstep
from gradstep import nn


def layer_gradient_norms(activation, init, seed=0):
    """||dL/dW|| of each of the 11 Linear layers of a 10-hidden-layer MLP (width 64) after one MSE backward."""
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(10):
        layers += [nn.Linear(64, 64, init=init, seed=rng), activation()]
    layers.append(nn.Linear(64, 1, init=init, seed=rng))
    model = nn.Sequential(*layers)
    x, y = gradstep.randn(128, 64, seed=1), gradstep.randn(128, 1, seed=2)
    nn.MSELoss()(model(x), y).backward()
    return [float(np.linalg.norm(layer.weight.grad)) for layer in model if isinstance(layer, nn.Linear)]


def test_sigmoid_mlp_first_layer_gradient_is_orders_of_magnitude_smaller():
    # sigma'(z) <= 1/4, so each layer multiplies the backpropagated error by about 1/4 * ||W||
    norms = layer_gradient_norms(nn.Sigmoid, "xavier_normal")
    assert norms[0] / norms[-1] < 1e-4
    assert all(a < b for a, b in zip(norms, norms[1:]))  # shrinking layer after layer going back


def test_relu_with_he_init_keeps_the_first_layer_gradient_in_scale():
    # He init sets Var(W) = 2 / fan_in so that ReLU layers keep the signal's variance both ways
    norms = layer_gradient_norms(nn.ReLU, "he_normal")
    assert norms[0] / norms[-1] > 0.05
