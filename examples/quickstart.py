"""Train one sigmoid neuron (logistic regression) with gradstep's autodiff, by plain gradient descent.

    python examples/quickstart.py
"""

import numpy as np

import gradstep

rng = np.random.default_rng(0)
# two Gaussian blobs: class 1 around (2, 2), class 0 around (-2, -2)
X = np.concatenate([rng.normal(2, 1, (100, 2)), rng.normal(-2, 1, (100, 2))]).astype(np.float32)
y = np.concatenate([np.ones(100), np.zeros(100)]).astype(np.float32)

W = gradstep.zeros(2, 1, requires_grad=True)
b = gradstep.zeros(1, requires_grad=True)
Xt, yt = gradstep.Tensor(X), gradstep.Tensor(y[:, None])
learning_rate = 0.5

for epoch in range(51):
    p = (Xt @ W + b).sigmoid()                                       # forward: y_hat = sigmoid(X W + b)
    loss = -(yt * p.log() + (1 - yt) * (1 - p).log()).mean()        # binary cross-entropy
    W.grad = b.grad = None
    loss.backward()                                                  # backward: the chain rule
    with gradstep.no_grad():                                         # gradient descent step, in place
        W -= learning_rate * W.grad
        b -= learning_rate * b.grad
    if epoch % 10 == 0:
        accuracy = ((p.data > 0.5) == (yt.data > 0.5)).mean()
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}  accuracy {accuracy:.3f}")
