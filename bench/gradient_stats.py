"""What GradientStats costs per epoch: the default ``gradstep train`` network with and without it.

    PYTHONPATH=src python bench/gradient_stats.py [--epochs 5] [--rounds 5] [--every 1]

An MLP 64-256-128-10 (ReLU, Adam) on the bundled digits (1078 training
examples), minibatches of 32: the same run with and without the callback,
alternating, each round timing ``epochs`` epochs. Prints the fastest round's time
per epoch of each, the overhead and the per-round ratios. On a shared machine the figures are noisy:
compare the two columns of one run.
"""

import argparse
import statistics
import time

import numpy as np

from gradstep import Tensor, nn, optim
from gradstep.data import load_digits
from gradstep.train import GradientStats, Trainer


def seconds_per_epoch(X, y, epochs, stats):
    model = nn.Sequential(nn.Linear(64, 256, seed=0), nn.ReLU(), nn.Linear(256, 128, seed=1), nn.ReLU(),
                          nn.Linear(128, 10, seed=2))  # fmt: skip
    callbacks = [stats] if stats is not None else []
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=1e-3), callbacks=callbacks,
                      progress=False)  # fmt: skip
    start = time.perf_counter()
    trainer.fit((X, y), epochs=epochs, batch_size=32, seed=0)
    return (time.perf_counter() - start) / epochs


def hook_microseconds(model, repeats=200, rounds=5):
    """The two GradientStats hooks of one sampled step alone (copy, three norms per parameter), best of rounds."""
    stats = GradientStats()
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.0), callbacks=[stats],
                      progress=False)  # fmt: skip
    X = np.zeros((32, 64), np.float32)
    trainer.fit((X, np.zeros(32, np.int64)), epochs=1, batch_size=32)  # sets the hooks up
    nn.CrossEntropyLoss()(model(Tensor(X)), Tensor(np.zeros(32, np.int64))).backward()  # gradients to read
    stats.on_epoch_begin(0)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            stats.on_after_backward(0)
            stats.on_batch_end(0)
        best = min(best, (time.perf_counter() - start) / repeats)
    return best * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--every", type=int, default=1)
    args = parser.parse_args()
    X, y = load_digits()
    X = ((X - X.mean(0)) / (X.std(0) + 1e-8)).astype(np.float32)[:1078]
    y = y[:1078]
    without, with_stats = [], []
    for round_ in range(args.rounds):  # alternate which goes first, so a busy moment hits both
        pair = [lambda: seconds_per_epoch(X, y, args.epochs, None),
                lambda: seconds_per_epoch(X, y, args.epochs, GradientStats(every=args.every))]  # fmt: skip
        order = (0, 1) if round_ % 2 == 0 else (1, 0)
        times = {i: pair[i]() for i in order}
        without.append(times[0])
        with_stats.append(times[1])
    a, b = min(without), min(with_stats)
    ratios = sorted(w / o for w, o in zip(with_stats, without))
    steps = -(-len(X) // 32)
    print(f"{len(X)} examples, batch 32 ({steps} steps per epoch), {args.epochs} epochs x {args.rounds} rounds")
    print(f"without GradientStats: {a * 1e3:.1f} ms per epoch (fastest round)")
    print(f"with GradientStats(every={args.every}): {b * 1e3:.1f} ms per epoch (fastest round)")
    model = nn.Sequential(nn.Linear(64, 256, seed=0), nn.ReLU(), nn.Linear(256, 128, seed=1), nn.ReLU(),
                          nn.Linear(128, 10, seed=2))  # fmt: skip
    print(f"the hooks alone: {hook_microseconds(model):.0f} us per sampled step "
          f"({sum(p.data.size for p in model.parameters()):,} parameters in 6 tensors)")
    print(f"overhead: {(b - a) * 1e3:+.1f} ms per epoch ({(b / a - 1) * 100:+.1f}% of the fastest rounds; "
          f"per-round ratio median {statistics.median(ratios):.3f}, range {ratios[0]:.3f}-{ratios[-1]:.3f})")


if __name__ == "__main__":
    main()
