"""``gradstep gradcheck``: every op in the registry against central finite differences.

For each op, backward() of ``sum(op(inputs) * w)`` (fixed random weights ``w``,
so every output element counts) is compared with
``(f(x + eps) - f(x - eps)) / (2 eps)`` for each input element, in float64.
The table shows the largest absolute difference per op; the verdict is
``gradstep.gradcheck``'s (atol 1e-5, rtol 1e-4).
"""

import numpy as np

from ..errors import GradcheckError
from ..function import registry
from ..gradcheck import gradcheck
from ..grad_mode import no_grad
from ..tensor import Tensor
from .op_examples import EXAMPLES
from .table import format_table

HELP = "check every op's backward against central finite differences (float64)"


def add_parser(subparsers):
    """Register ``gradstep gradcheck [--eps EPS] [--seed SEED]``."""
    parser = subparsers.add_parser("gradcheck", help=HELP, description=HELP)
    parser.add_argument("--eps", type=float, default=1e-6, help="finite-difference step (default 1e-6)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random example inputs (default 0)")
    parser.set_defaults(run=run)
    return parser


def max_abs_error(fn, inputs, eps=1e-6, seed=0):
    """Largest |analytic - numerical| gradient over all float inputs of ``fn``, in float64.

    >>> import numpy as np
    >>> err = max_abs_error(lambda x: (x * x).sum(), [np.array([1.0, -2.0])])
    >>> err < 1e-8
    True
    """
    tensors = [
        Tensor(np.array(x, dtype=np.float64), requires_grad=True) if np.asarray(x).dtype.kind == "f" else Tensor(np.asarray(x))
        for x in inputs
    ]
    out = fn(*tensors)
    weights = Tensor(np.random.default_rng(seed).standard_normal(out.shape))
    (out * weights).sum().backward()
    worst = 0.0
    for x in tensors:
        if not x.requires_grad:
            continue
        analytic = np.zeros_like(x.data) if x.grad is None else x.grad
        flat = x.data.reshape(-1)  # a view: nudging it nudges x
        numerical = np.empty(flat.size)
        with no_grad():
            for i in range(flat.size):
                original = flat[i]
                flat[i] = original + eps
                f_plus = (fn(*tensors) * weights).sum().item()
                flat[i] = original - eps
                f_minus = (fn(*tensors) * weights).sum().item()
                flat[i] = original
                # numerical = (f(x + eps) - f(x - eps)) / (2 eps)
                numerical[i] = (f_plus - f_minus) / (2 * eps)
        worst = max(worst, float(np.max(np.abs(analytic.reshape(-1) - numerical), initial=0.0)))
    return worst


def sweep(eps=1e-6, seed=0):
    """Check every registered op; return rows ``(name, input shapes, max abs error, status)``.

    ``status`` is "ok", "FAIL" or "no example" (an op registered after the
    example table in ``gradstep.cli.op_examples`` was written).

    >>> rows = sweep()
    >>> all(status == "ok" for *_, status in rows)
    True
    """
    rows = []
    for name in sorted(registry):
        if name not in EXAMPLES:
            rows.append((name, "-", "-", "no example"))
            continue
        fn, inputs = EXAMPLES[name](np.random.default_rng(seed))
        shapes = " ".join("x".join(map(str, np.shape(x))) or "()" for x in inputs)
        error = max_abs_error(fn, inputs, eps=eps, seed=seed)
        try:
            gradcheck(fn, inputs, eps=eps, seed=seed)
            status = "ok"
        except GradcheckError:
            status = "FAIL"
        rows.append((name, shapes, f"{error:.2e}", status))
    return rows


def run(args):
    """Print the table; exit status 1 when an op fails or has no example, else 0."""
    rows = sweep(eps=args.eps, seed=args.seed)
    print(format_table(["op", "input shapes", "max abs error", "status"], rows))
    failed = [name for name, *_, status in rows if status != "ok"]
    print(f"{len(rows) - len(failed)} of {len(rows)} ops ok" + (f"; not ok: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0
