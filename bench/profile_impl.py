"""Where the time of one implementation goes: cProfile of one warm run, sorted by own time.

    python bench/profile_impl.py mlp-sgd "gradstep Trainer.fit" [--quick] [--lines 25] [--sort tottime]

Thread counts are fixed as in the suite (set them in the environment before
NumPy is imported: this script sets OPENBLAS/OMP/MKL_NUM_THREADS to --threads
when they are not set).
"""

import argparse
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload")
    parser.add_argument("implementation")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lines", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--data", default=None, help="MNIST folder (default: the suite's)")
    args = parser.parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(args.threads))

    import cProfile
    import pstats
    import time

    from run import DEFAULT_DATA
    from workloads import WORKLOADS

    data = args.data or str(DEFAULT_DATA)
    workload = WORKLOADS[args.workload]
    config = workload.configured(args.quick, data=data if os.path.isdir(data) else None, threads=args.threads)
    impl = workload.impls[args.implementation](config)
    impl.run()  # warm-up
    start = time.perf_counter()
    impl.run()
    print(f"{args.implementation}: one run {time.perf_counter() - start:.3f} s unprofiled", file=sys.stderr)
    profiler = cProfile.Profile()
    profiler.runcall(impl.run)
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
