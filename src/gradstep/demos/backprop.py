"""backprop: the course's one-neuron worked example as a computation graph.

W = [-1, 0.5, 10], b = -2, x = [4, -2, 1], y = 1 and C = (y_hat - y)^2 with
y_hat = sigmoid(W . x + b). Forward: z = 3, y_hat = 0.9525741, C = 0.0022492.
Backward (chain rule): dC/dy_hat = 2 (y_hat - y), dy_hat/dz = y_hat (1 - y_hat),
dC/dW = dC/dz * x, dC/db = dC/dz.
"""

import numpy as np

from ..tensor import Tensor
from ..viz import draw_graph
from ._common import output_dir, print_numbers, save_figure

W_VALUES = [-1.0, 0.5, 10.0]
B_VALUE = -2.0
X_VALUES = [4.0, -2.0, 1.0]
Y_VALUE = 1.0


def neuron(dtype=np.float64):
    """Build and differentiate the example; returns the named tensors (W, b, x, y, W*x, W.x, z, y_hat, y_hat-y, C).

    Every intermediate keeps its gradient (retain_grad), so every op node of
    the drawing shows one, and the graph is kept (backward(retain_graph=True))
    so that it can be drawn afterwards.

    >>> t = neuron()
    >>> round(float(t["C"].data), 7), round(float(t["b"].grad), 7)
    (0.0022492, -0.0042851)
    """
    W = Tensor(np.array(W_VALUES, dtype=dtype), requires_grad=True)
    b = Tensor(np.array(B_VALUE, dtype=dtype), requires_grad=True)
    x = Tensor(np.array(X_VALUES, dtype=dtype))
    y = Tensor(np.array(Y_VALUE, dtype=dtype))
    Wx = W * x
    dot = Wx.sum()
    z = dot + b
    y_hat = z.sigmoid()
    error = y_hat - y
    C = error**2
    for t in (Wx, dot, z, y_hat, error, C):
        t.retain_grad()
    C.backward(retain_graph=True)
    return {"W": W, "b": b, "x": x, "y": y, "W*x": Wx, "W.x": dot, "z": z, "y_hat": y_hat, "y_hat-y": error, "C": C}


def _draw(graph, path):
    fig = graph.figure(fontsize=12, wrap=4)
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height + 0.9)  # room for the title
    fig.axes[0].set_position((0, 0, 1, height / (height + 0.9)))
    fig.suptitle("backpropagation through one sigmoid neuron, C = (sigmoid(W.x + b) - y)^2\n"
                 "each box: the forward value, and grad = dC/d(box) from the chain rule", fontsize=14, y=0.99)  # fmt: skip
    return save_figure(fig, path.parent, path.name)


def run(out_dir, small=False, verbose=True):
    """Draw the graph (``backprop.png``, and ``backprop.dot`` for Graphviz), return and print its numbers.

    The PNG is drawn with matplotlib in two bands (a snake) with 12-point text,
    so that it reads at a normal zoom; every node shows its value and dC/d(node).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     numbers = run(d, verbose=False)
    >>> numbers["z"], round(numbers["dC/db"], 7)
    (3.0, -0.0042851)
    """
    t = neuron()
    graph = draw_graph(t["C"], names=t)
    out = output_dir(out_dir)
    results = {
        "W": W_VALUES, "b": B_VALUE, "x": X_VALUES, "y": Y_VALUE,
        "z": float(t["z"].data),
        "y_hat": float(t["y_hat"].data),
        "C": float(t["C"].data),
        "dC/dy_hat": float(t["y_hat"].grad),
        "dC/dz": float(t["z"].grad),
        "dC/dW": t["W"].grad.tolist(),
        "dC/db": float(t["b"].grad),
        "dC/d(W.x)": float(t["W.x"].grad),
        "dC/d(y_hat - y)": float(t["y_hat-y"].grad),
        "figures": [_draw(graph, out / "backprop.png")],
        "dot": str(graph.render(out / "backprop.dot")),
    }  # fmt: skip
    if verbose:
        print_numbers(results)
    return results
