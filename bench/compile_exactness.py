"""Compiled against eager: the largest parameter difference after 100 steps on every test model.

    PYTHONPATH=src python bench/compile_exactness.py            # a Markdown table (seconds to run)

The models, losses and optimizers are those of tests/compile/test_exactness.py
(imported from there: one definition). Each is trained twice from the same
weights on the same batches (96 samples, batch 32, SGD lr 0.1 with momentum for
the layers, plain SGD for the losses, each optimizer on the ReLU MLP): eagerly and
compiled, with ``exact=True`` and with the default (``exact=False``, which folds plain
SGD's update into BLAS for batches of up to 256 rows), and for plain SGD also at batch 1 (the
rank-1 ``ger`` update), and logistic regression (``nn.Linear`` with
``nn.BCEWithLogitsLoss``), whose default replay is the fused step of
``compile/linear_step.py``. The table gives max |compiled - eager| over every
parameter and buffer; 0 means the same bits.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from gradstep import nn, optim  # noqa: E402
from tests.compile.helpers import max_difference, run_both  # noqa: E402
from tests.compile.test_exactness import LAYERS, LOSSES, OPTIMIZERS, X, Y, mlp  # noqa: E402


def cases():
    """(group, name, make_model, make_loss, make_opt, targets, batch) of every measured run."""
    for name, (make_model, make_loss) in sorted(LAYERS.items()):
        yield "layer", name, make_model, make_loss, (lambda p: optim.SGD(p, lr=0.1, momentum=0.9)), Y, 32
    for name, (make_loss, out, make_y) in sorted(LOSSES.items()):
        last = [nn.Sigmoid] if name == "bce" else []

        def make_model(out=out, last=last):
            return nn.Sequential(nn.Linear(6, 8, seed=1), nn.Tanh(), nn.Linear(8, out, seed=2), *[m() for m in last])

        lr = 0.002 if "sse" in name or "sum" in name else 0.05
        yield "loss", name, make_model, make_loss, (lambda p, lr=lr: optim.SGD(p, lr=lr)), make_y(), 32
    for name, make_opt in sorted(OPTIMIZERS.items()):
        yield "optimizer", name, mlp(nn.ReLU), nn.CrossEntropyLoss, make_opt, Y, 32
    yield "optimizer", "sgd, batch 1 (ger)", mlp(nn.ReLU), nn.CrossEntropyLoss, (lambda p: optim.SGD(p, lr=0.1)), Y, 1
    # logistic regression: by default the fused step of compile/linear_step.py (sums and update rounded its own way)
    targets = (Y[:, None] == 1).astype(np.float32)
    for dtype in (np.float32, np.float64):
        yield (
            "fused", f"logistic regression {np.dtype(dtype).name}", (lambda dtype=dtype: nn.Linear(6, 1, seed=1, dtype=dtype)),
            nn.BCEWithLogitsLoss, (lambda p: optim.SGD(p, lr=0.5)), targets.astype(dtype), 32,
        )  # fmt: skip


def main():
    print("| group | model | exact=True | default (SGD folded up to 256 rows; logistic regression fused) |")
    print("|---|---|---|---|")
    worst = 0.0
    for group, name, make_model, make_loss, make_opt, targets, batch in cases():
        row = []
        for exact in (True, False):
            a, b, step, _ = run_both(make_model, make_loss, make_opt, X, targets, steps=100, batch=batch, exact=exact)
            if step.reason is not None:
                raise SystemExit(f"{group} {name}: fell back to eager: {step.reason}")
            diff = max_difference(a, b)
            worst = max(worst, diff)
            row.append("0 (same bits)" if diff == 0 else f"{diff:.1e}")
        print(f"| {group} | {name} | {row[0]} | {row[1]} |")
    print(f"\nlargest difference: {worst:.2e}")


if __name__ == "__main__":
    main()
