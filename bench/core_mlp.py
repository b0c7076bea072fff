"""Forward + backward of a 784-256-128-10 ReLU MLP with softmax cross-entropy, batch 128, float32.

gradstep's autodiff (built from the core ops) against the same computation
written by hand in NumPy, timed in the same run in interleaved rounds, plus
the per-op overhead of a tiny op (1x1 add, forward + backward).

    python bench/core_mlp.py [--rounds 7] [--steps 50]
"""

import argparse
import statistics
import time

import numpy as np

import gradstep
from gradstep import ops
from gradstep.ops.loss import SoftmaxCrossEntropy

SIZES = (784, 256, 128, 10)
BATCH = 128


def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = np.float32(1 / np.sqrt(fan_in))
        params.append(rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return X, y, params


def gradstep_step(X, y, tensors):
    """Loss and gradients through gradstep's graph: fused linear, relu, fused softmax cross-entropy."""
    for t in tensors:
        t.grad = None
    h = gradstep.Tensor(X)
    n_layers = len(tensors) // 2
    for i in range(n_layers):
        h = ops.linear(h, tensors[2 * i], tensors[2 * i + 1])
        if i < n_layers - 1:
            h = ops.relu(h)
    loss = SoftmaxCrossEntropy.apply(h, gradstep.Tensor(y))  # mean of -log softmax(h)_y, one graph node
    loss.backward()
    return loss.item()


def numpy_step(X, y, params):
    """The same loss and gradients written by hand (the reference: no autodiff)."""
    W1, b1, W2, b2, W3, b3 = params
    z1 = X @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    a2 = np.maximum(z2, 0)
    z3 = a2 @ W3 + b3
    shifted = z3 - z3.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -logp[np.arange(n), y].mean()
    g3 = np.exp(logp)
    g3[np.arange(n), y] -= 1
    g3 /= n
    gW3, gb3 = a2.T @ g3, g3.sum(0)
    g2 = (g3 @ W3.T) * (z2 > 0)
    gW2, gb2 = a1.T @ g2, g2.sum(0)
    g1 = (g2 @ W2.T) * (z1 > 0)
    gW1, gb1 = X.T @ g1, g1.sum(0)
    return loss, (gW1, gb1, gW2, gb2, gW3, gb3)


def time_steps(step, steps):
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps


def tiny_op_overhead(repeats=20000):
    """Microseconds for a 1x1 add: forward alone, and forward + backward of a one-op graph."""
    x = gradstep.tensor([[1.0]], requires_grad=True)
    one = gradstep.tensor([[1.0]])
    seed = np.ones((1, 1), np.float32)
    start = time.perf_counter()
    for _ in range(repeats):
        x + one
    forward = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(repeats):
        (x + one).backward(seed)
    both = time.perf_counter() - start
    return 1e6 * forward / repeats, 1e6 * both / repeats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()

    X, y, params = make_problem()
    tensors = [gradstep.Tensor(p.T.copy(), requires_grad=True) for p in params]  # weights (out, in) for ops.linear
    loss_g = gradstep_step(X, y, tensors)
    loss_n, grads_n = numpy_step(X, y, params)
    assert abs(loss_g - loss_n) < 1e-5, (loss_g, loss_n)
    for t, g in zip(tensors, grads_n):
        assert np.allclose(np.transpose(t.grad), g, atol=1e-5), "gradstep and NumPy gradients differ"

    runners = {"gradstep": lambda: gradstep_step(X, y, tensors), "numpy": lambda: numpy_step(X, y, params)}
    for run in runners.values():  # warm up
        time_steps(run, 5)
    times = {name: [] for name in runners}
    ratios = []
    for round_index in range(args.rounds):
        order = list(runners) if round_index % 2 == 0 else list(reversed(runners))
        measured = {name: time_steps(runners[name], args.steps) for name in order}
        for name, t in measured.items():
            times[name].append(t)
        ratios.append(measured["gradstep"] / measured["numpy"])

    print(f"MLP {'-'.join(map(str, SIZES))} ReLU + softmax cross-entropy, batch {BATCH}, float32, forward + backward")
    print(f"{'implementation':<16}{'median ms/step':>16}{'min':>10}{'max':>10}")
    for name, values in times.items():
        print(f"{name:<16}{1e3 * statistics.median(values):>16.3f}{1e3 * min(values):>10.3f}{1e3 * max(values):>10.3f}")
    print(f"ratio gradstep / numpy (median of per-round ratios): {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}); target <= 1.15")
    forward, both = tiny_op_overhead()
    print(f"tiny op (1x1 add): forward {forward:.2f} us; forward + backward {both:.2f} us")


if __name__ == "__main__":
    main()
