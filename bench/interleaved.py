"""The MLP implementations' training steps alternated batch by batch in one process: ratios on a drifting machine.

    python bench/interleaved.py                                   # mlp-sgd, batch 128, 2 epochs of 60000, 1 thread
    python bench/interleaved.py --workload mlp-adam
    python bench/interleaved.py --workload fullbatch --epochs 20 --impl numpy --impl "gradstep compiled"
    python bench/interleaved.py --impl numpy --impl "gradstep compiled" --impl pytorch

``bench/run.py`` times each implementation for a whole run in a process of
its own. On a shared VM whose speed drifts (the same 128 x 784 x 256 product
took 627 to 910 us in windows of 0.14 s on the 2-vCPU AMD EPYC of
docs/performance.md), two runs a few seconds apart can differ by 20%, and so
can the ratios of one round. Here every implementation of an MLP workload
(``workloads/__init__.py``) that has a step form (``Impl.step``) is built in
this one process, and every batch of the shuffled epochs is given to each of
them in turn, the order reversed every other batch: all of them see the
machine at the same moments. The batch is gathered once, outside the timing,
so the figures are the steps alone (bench/run.py's include the gathers).
After three warm-up batches, each step is timed with ``perf_counter``; the
report gives each implementation's mean step, its ratio to every reference
in the workload's list (the totals' ratio) and that ratio's spread over
blocks of 50 batches.

Caveat: the implementations share the caches, so each step starts with the
others' data in them, where a loop of one implementation keeps its own
weights warm. This charges every implementation alike, a few percent.
At more than one thread there is a second caveat that makes the figures
unusable: each library's thread pool (PyTorch's OpenMP, NumPy's and SciPy's
OpenBLAS) spins for a while after its calls, so the next implementation's
step shares the cores with it. On the 2-vCPU Intel Xeon (AVX-512) PyTorch's
step took 15.4 ms at 2 threads here against 4.0 ms at 1 thread; the script
prints a caveat line then. Use bench/run.py, one process per implementation.
"""

import argparse
import os
import sys
import time

BLOCK = 50  # batches per block of the ratios' spread


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="mlp-sgd", help="an MLP workload of bench/run.py (default mlp-sgd)")
    parser.add_argument("--batch", type=int, help="batch size (default: the workload's)")
    parser.add_argument("--n", type=int, help="samples per epoch (default: the workload's)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads")
    parser.add_argument("--impl", action="append", help="repeatable; default: every implementation with a step form")
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files (default ../shared/data/mnist)")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    import numpy as np

    from run import DEFAULT_DATA
    from workloads import WORKLOADS, mlp

    workload = WORKLOADS[args.workload]
    if "batch" not in workload.config:
        parser.error(f"{args.workload} is not an MLP workload")
    config = workload.configured(data=args.data or str(DEFAULT_DATA), threads=args.threads)
    config.update({k: v for k, v in (("batch", args.batch), ("n", args.n)) if v is not None})
    steps, skipped = {}, []
    for name in args.impl or workload.impls:
        try:
            impl = workload.impls[name](config)
        except (ImportError, AttributeError) as exc:
            skipped.append(f"{name} (unavailable: {exc})")
            continue
        if impl.step is None:
            skipped.append(f"{name} (no step form)")
            continue
        steps[name] = impl.step
    X, y = mlp.load(config)
    rng = np.random.default_rng(1)
    names = list(steps)
    totals = dict.fromkeys(names, 0.0)
    blocks = {name: [] for name in names}  # per block of batches: seconds
    counted = 0
    clock = time.perf_counter
    for epoch in range(args.epochs):
        for i, idx in enumerate(mlp.batches(len(X), config["batch"], rng)):
            xb, yb = X[idx], y[idx]
            warm = epoch > 0 or i >= 3
            if warm and counted % BLOCK == 0:
                for name in names:
                    blocks[name].append(0.0)
            for name in names if i % 2 == 0 else names[::-1]:
                start = clock()
                steps[name](xb, yb)
                seconds = clock() - start
                if warm:
                    totals[name] += seconds
                    blocks[name][-1] += seconds
            counted += warm
    threads = f"{args.threads} thread{'s' if args.threads > 1 else ''}"
    print(f"{args.workload}: batch {config['batch']}, {config['n']} samples x {args.epochs} epochs, {threads}, "
          f"{counted} steps each, alternated; us per step (wall), ratio of the totals (spread over blocks of {BLOCK})")
    references = [r for r in workload.references if r in steps]
    for name in names:
        cells = [f"{name:<28}{1e6 * totals[name] / counted:>11.1f}"]
        for ref in references:
            if ref != name:
                ratios = sorted(a / b for a, b in zip(blocks[name], blocks[ref]))
                cells.append(f"x {ref} {totals[name] / totals[ref]:.3f} ({ratios[0]:.3f}-{ratios[-1]:.3f})")
        print("  ".join(cells))
    for line in skipped:
        print(f"  not run: {line}")
    if args.threads > 1:
        print("  caveat: at more than one thread the libraries' thread pools (PyTorch's OpenMP, NumPy's and SciPy's"
              " OpenBLAS) spin after each call and slow the next implementation's step; use bench/run.py's ratios")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
