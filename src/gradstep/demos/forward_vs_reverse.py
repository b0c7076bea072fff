"""forward-vs-reverse: time to build the whole Jacobian of f: R^n -> R^m with jacfwd and with jacrev.

f(x) = tanh(W2 tanh(W1 x)), a small two-layer map. ``jacfwd`` needs one forward
pass per input (n passes), ``jacrev`` one backward pass per output (m passes),
so forward mode wins when n << m and reverse mode when n >> m: with m fixed,
the measured times cross near n = m (times the ratio of a backward pass's cost
to a forward pass's). The times are measured here, on this machine: a busy
machine makes them noisy, the crossover stays.
"""

import time

import numpy as np

from ..func import jacfwd, jacrev
from ..tensor import Tensor
from ..viz._style import subplots
from ._common import output_dir, print_numbers, save_figure

HIDDEN = 16


def make_f(n, m, seed=0):
    """f: R^n -> R^m, f(x) = tanh(W2 tanh(W1 x)) with fixed random weights.

    >>> make_f(3, 2)(Tensor(np.zeros(3))).shape
    (2,)
    """
    rng = np.random.default_rng(seed)
    W1 = Tensor(rng.standard_normal((HIDDEN, n)) / np.sqrt(n))
    W2 = Tensor(rng.standard_normal((m, HIDDEN)) / np.sqrt(HIDDEN))
    return lambda x: (W2 @ (W1 @ x).tanh()).tanh()


def best_time(transform, f, x, repeats):
    """The fastest of ``repeats`` runs of ``transform(f)(x)``, in seconds."""
    jacobian = transform(f)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jacobian(x)
        times.append(time.perf_counter() - start)
    return min(times)


def sweep(sizes, fixed, vary, repeats):
    """Times of jacfwd and jacrev, varying n (``vary="n"``, m = fixed) or m (n = fixed)."""
    rows = []
    for size in sizes:
        n, m = (size, fixed) if vary == "n" else (fixed, size)
        f, x = make_f(n, m), Tensor(np.random.default_rng(1).standard_normal(n))
        assert np.allclose(jacfwd(f)(x).data, jacrev(f)(x).data)  # the same matrix both ways
        rows.append({"n": n, "m": m, "jacfwd s": best_time(jacfwd, f, x, repeats),
                     "jacrev s": best_time(jacrev, f, x, repeats)})  # fmt: skip
    return rows


def crossover(rows, key):
    """The first size at which reverse mode is faster (None if it never is)."""
    for row in rows:
        if row["jacrev s"] < row["jacfwd s"]:
            return row[key]
    return None


def run(out_dir, small=False, verbose=True):
    """Time both transforms as n (then m) grows (``forward-vs-reverse.png``); return the times and crossovers.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     numbers = run(d, small=True, verbose=False)
    >>> [row["n"] for row in numbers["m = 16, n varies"]]
    [2, 16, 64]
    """
    fixed = 16
    sizes = [2, 16, 64] if small else [2, 4, 8, 16, 32, 64, 128]
    repeats = 1 if small else 3
    by_n = sweep(sizes, fixed, "n", repeats)
    by_m = sweep(sizes, fixed, "m", repeats)
    results = {
        f"m = {fixed}, n varies": by_n,
        f"n = {fixed}, m varies": by_m,
        "reverse faster from n =": crossover(by_n, "n"),
        "forward faster from m =": crossover([{**r, "jacrev s": r["jacfwd s"], "jacfwd s": r["jacrev s"]} for r in by_m], "m"),
    }
    fig, axes = subplots(1, 2)
    for ax, rows, key, other in ((axes[0], by_n, "n", "m"), (axes[1], by_m, "m", "n")):
        xs = [r[key] for r in rows]
        ax.loglog(xs, [r["jacfwd s"] for r in rows], "o-", label="jacfwd (n forward passes)")
        ax.loglog(xs, [r["jacrev s"] for r in rows], "s-", label="jacrev (m backward passes)")
        ax.axvline(fixed, color="gray", lw=0.8, ls=":")
        ax.text(fixed, ax.get_ylim()[0], f" {key} = {other}", fontsize=7, va="bottom")
        ax.set(xlabel=key, ylabel="seconds for the whole Jacobian", title=f"{other} = {fixed}, {key} varies")
        ax.legend(fontsize=7)
    results["figures"] = [save_figure(fig, output_dir(out_dir), "forward-vs-reverse.png")]
    if verbose:
        print_numbers({k: v for k, v in results.items() if not isinstance(v, list) or k == "figures"})
        for key in (f"m = {fixed}, n varies", f"n = {fixed}, m varies"):
            print(key)
            for row in results[key]:
                print(f"  n = {row['n']:4d}  m = {row['m']:4d}  jacfwd {row['jacfwd s'] * 1e3:8.2f} ms"
                      f"  jacrev {row['jacrev s'] * 1e3:8.2f} ms")
    return results
