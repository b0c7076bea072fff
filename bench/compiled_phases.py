"""Where the compiled MLP step's time goes: each kernel of the replay timed, next to the NumPy loop and the GEMM floor.

    python bench/compiled_phases.py [--optimizer sgd|adam] [--n 12800] [--rounds 5] [--dense]

The MLP 784-256-128-10 of the suite (``workloads/mlp.py``) on real MNIST,
batch 128, one thread: the compiled step of the "gradstep compiled" row,
the hand-written NumPy loop and the GEMM-only floor train ``--n`` samples per
round, in alternating order; each figure is the minimum over rounds of the
CPU time (``process_time``) per step in microseconds. The compiled step's
forward and backward kernels are then timed one by one over one more epoch
(``perf_counter_ns`` around each call, the batch's gather ``X[idx]`` apart;
after a warm-up epoch).
``--dense`` turns off the first layer's skipping of all-zero input columns
(``compile.kernels.SKIP_MAX_FRACTION = 0``) to compare.
"""

import argparse
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    parser.add_argument("--n", type=int, default=12800, help="samples per round (batches of 128)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dense", action="store_true", help="run the first layer on every input column")
    parser.add_argument("--data", default=None, help="folder with the MNIST IDX files (default ../shared/data/mnist)")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    from run import DEFAULT_DATA
    from workloads import gradstep_api, mlp

    from gradstep.compile import kernels

    if args.dense:
        kernels.SKIP_MAX_FRACTION = 0.0
    lr = 0.1 if args.optimizer == "sgd" else 1e-3
    config = dict(data=args.data or str(DEFAULT_DATA), n=args.n, batch=128, optimizer=args.optimizer, lr=lr, threads=1)
    impls = {"compiled": gradstep_api.make_compiled(config), "numpy": mlp.make_numpy(config), "floor": mlp.make_gemm(config)}
    steps = -(-args.n // 128)
    best = dict.fromkeys(impls, float("inf"))
    for impl in impls.values():  # warm-up
        impl.run()
    for r in range(args.rounds):
        for name in list(impls) if r % 2 == 0 else list(impls)[::-1]:
            start = time.process_time()
            impls[name].run()
            best[name] = min(best[name], (time.process_time() - start) / steps)
    print(f"MLP {'-'.join(map(str, mlp.SIZES))}, batch 128, {args.optimizer}, one thread, {args.n} MNIST samples a round"
          f"{' (dense first layer)' if args.dense else ''}; us per step (CPU time), min of {args.rounds} rounds")
    for name, seconds in best.items():
        print(f"  {name:<10}{1e6 * seconds:>8.0f}   x numpy {seconds / best['numpy']:.3f}")
    print("  compiled kernels, one epoch (wall time):")
    for name, us in kernel_times(config).items():
        print(f"    {name:<34}{us:>8.1f}")


def kernel_times(config):
    """Microseconds per step of each kernel of the compiled step, the gather and the whole step."""
    import numpy as np

    import gradstep
    from gradstep import nn
    from workloads import gradstep_api, mlp

    X, y = mlp.load(config)
    model, reset = gradstep_api.mlp_model()
    reset()
    step = gradstep.compile(model, nn.CrossEntropyLoss(), gradstep_api._optimizer(config, model.parameters()))
    rng = np.random.default_rng(1)
    full = [idx for idx in mlp.batches(len(X), 128, rng) if len(idx) == 128]
    for idx in full[:3]:  # trace, verify, first replay
        step(X[idx], y[idx])
    (program,) = step._programs.values()
    clock, spent = time.perf_counter_ns, {}

    def timed(name, call):
        def run(*args):
            start = clock()
            result = call(*args)
            spent[name] = spent.get(name, 0) + clock() - start
            return result

        return run

    for i, call in enumerate(program.forward):
        program.forward[i] = timed(f"forward {i + 1}: {type(getattr(call, '__self__', call)).__name__}", call)
    for i, (impl, _, _) in enumerate(program.backward):
        impl.backward = timed(f"backward {i + 1}: {type(impl).__name__}", impl.backward)
    program.update = timed("update (optimizer step)", program.update)
    for _ in range(2):  # a warm-up epoch, then the one measured
        spent.clear()
        gather = total = 0
        for idx in full:
            start = clock()
            xb, yb = X[idx], y[idx]
            middle = clock()
            step(xb, yb)
            gather, total = gather + middle - start, total + clock() - middle
    times = {name: ns / len(full) / 1e3 for name, ns in spent.items()}
    times["gather X[idx], y[idx]"] = gather / len(full) / 1e3
    times["whole step (without the gather)"] = total / len(full) / 1e3
    return times


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
