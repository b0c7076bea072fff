"""Where a training step's time goes: gradstep's Trainer step split into its phases, next to the NumPy loop's step.

    python bench/step_phases.py [--batch 1 --batch 32 --batch 128] [--steps 400] [--rounds 5] [--threads 1]

For each batch size, the MLP 784-256-128-10 (ReLU, softmax cross-entropy,
SGD, float32) runs the steps of ``Trainer.fit`` written out: the loader's next
batch, forward, loss, ``zero_grad`` + ``backward``, ``step(release_grads=True)``
+ the loss as a float, each phase timed with ``perf_counter``. The hand-written
NumPy loop of the suite (``workloads/mlp.py``) runs the same steps on the same
data; its time per step is the reference ("gradstep" is the sum of the phases:
``Trainer.fit`` adds its logs and callbacks, a few microseconds). Rounds
alternate the two; the table
gives the minimum over rounds of each figure in microseconds per step. Pin the
process to one core (``taskset -c 0``) for steadier figures: on a shared
machine the two cores can differ by 1.5x.
"""

import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, action="append", help="batch size (repeatable; default 1, 32, 128)")
    parser.add_argument("--steps", type=int, default=400, help="steps per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (set before NumPy is imported)")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(args.threads))

    import numpy as np

    from gradstep import Tensor, nn, optim
    from gradstep.data import DataLoader
    from workloads import mlp

    print(f"MLP {'-'.join(map(str, mlp.SIZES))}, SGD, float32, {args.threads} BLAS thread(s); us per step, min of {args.rounds} rounds")
    print(f"{'batch':>5} {'load':>7} {'forward':>8} {'loss':>7} {'backward':>9} {'step':>7} {'gradstep':>9} {'numpy':>7} {'gap':>6}")
    for batch in args.batch or [1, 32, 128]:
        n = batch * args.steps
        rng = np.random.default_rng(0)
        X = rng.random((n, mlp.SIZES[0]), dtype=np.float32)
        y = rng.integers(0, mlp.SIZES[-1], n)
        mlp.load = lambda config: (X, y)  # the NumPy reference reads this data instead of MNIST
        reference = mlp.make_numpy({"data": None, "n": n, "batch": batch, "optimizer": "sgd", "lr": 0.01})

        layers, params = [], mlp.initial_params()
        for W, b in zip(params[::2], params[1::2]):
            linear = nn.Linear(*W.shape, dtype=np.float32)  # W is (in, out); nn.Linear stores its transpose
            linear.weight.data[...], linear.bias.data[...] = W.T, b
            layers += [linear, nn.ReLU()]
        model, loss_fn = nn.Sequential(*layers[:-1]), nn.CrossEntropyLoss()
        opt = optim.SGD(model.parameters(), lr=0.01)
        loader = DataLoader(X, y, batch_size=batch, shuffle=True, seed=1)

        def phases():
            clock = time.perf_counter
            spent = [0.0] * 5
            batches = iter(loader)
            while True:
                t0 = clock()
                try:
                    xb, yb = next(batches)
                except StopIteration:
                    return [s / args.steps for s in spent]
                t1 = clock()
                out = model(Tensor(xb))
                t2 = clock()
                loss = loss_fn(out, Tensor(yb))
                t3 = clock()
                opt.zero_grad()
                loss.backward()
                t4 = clock()
                opt.step(release_grads=True)
                loss.data.item()
                t5 = clock()
                for i, (a, b) in enumerate([(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5)]):
                    spent[i] += b - a

        best, best_numpy = [float("inf")] * 5, float("inf")
        phases(), reference.run()  # warm-up
        for _ in range(args.rounds):
            best = [min(a, b) for a, b in zip(best, phases())]
            start = time.perf_counter()
            reference.run()
            best_numpy = min(best_numpy, (time.perf_counter() - start) / args.steps)
        us = [1e6 * t for t in best]
        total, numpy_us = sum(us), 1e6 * best_numpy
        print(f"{batch:>5} {us[0]:>7.1f} {us[1]:>8.1f} {us[2]:>7.1f} {us[3]:>9.1f} {us[4]:>7.1f} {total:>9.1f} "
              f"{numpy_us:>7.1f} {total - numpy_us:>6.1f}")  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
