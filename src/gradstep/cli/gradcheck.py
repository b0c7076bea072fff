"""``gradstep gradcheck``: every op in the registry against central finite differences.

For each op, backward() of ``sum(op(inputs) * w)`` (fixed random weights ``w``,
so every output element counts) is compared with
``(f(x + eps) - f(x - eps)) / (2 eps)`` for each input element, in float64.
The table shows the largest absolute difference per op; the verdict is
``gradstep.gradcheck``'s (atol 1e-5, rtol 1e-4).
"""

import argparse

import numpy as np

from ..function import registry
from ..gradcheck import gradient_pairs
from .errors import CommandLineError
from .op_examples import EXAMPLES
from .options import _number
from .table import format_table

ATOL, RTOL = 1e-5, 1e-4  # the defaults of gradstep.gradcheck

HELP = "check every op's backward against central finite differences (float64)"


def add_parser(subparsers):
    """Register ``gradstep gradcheck [--eps EPS] [--seed SEED]``.

    >>> from gradstep.cli import build_parser
    >>> args = build_parser().parse_args(["gradcheck", "--eps", "1e-5"])
    >>> args.eps, args.seed
    (1e-05, 0)
    """
    parser = subparsers.add_parser("gradcheck", help=HELP, description=HELP)
    parser.add_argument("--eps", type=_option("eps", float, low=0, high=0.1, low_open=True), default=1e-6,
                        help="finite-difference step in (0, 0.1] (default 1e-6)")  # fmt: skip
    parser.add_argument("--seed", type=_option("seed", int, low=0), default=0,
                        help="seed of the random example inputs, >= 0 (default 0)")  # fmt: skip
    parser.set_defaults(run=run)
    return parser


def _option(name, kind, **bounds):
    """An argparse ``type`` with the train options' checks: a bad value is a one-line usage error."""
    parse = _number(kind, **bounds)

    def convert(text):
        try:
            return parse(name, text)
        except CommandLineError as err:
            raise argparse.ArgumentTypeError(str(err).split(": ", 1)[1]) from None

    convert.__name__ = "integer" if kind is int else "number"
    return convert


def _worst(pairs):
    return max((float(np.max(np.abs(a - n), initial=0.0)) for a, n in pairs), default=0.0)


def max_abs_error(fn, inputs, eps=1e-6, seed=0):
    """Largest |analytic - numerical| gradient over all float inputs of ``fn``, in float64.

    >>> import numpy as np
    >>> err = max_abs_error(lambda x: (x * x).sum(), [np.array([1.0, -2.0])])
    >>> err < 1e-8
    True
    """
    return _worst([p for p in gradient_pairs(fn, inputs, eps=eps, seed=seed) if p is not None])


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
        pairs = [p for p in gradient_pairs(fn, inputs, eps=eps, seed=seed) if p is not None]
        agree = all(np.allclose(a, n, rtol=RTOL, atol=ATOL) for a, n in pairs)  # gradcheck's test
        rows.append((name, shapes, f"{_worst(pairs):.2e}", "ok" if agree else "FAIL"))
    return rows


def run(args):
    """Print the table; exit status 1 when an op fails or has no example, else 0.

    >>> from gradstep.cli import build_parser
    >>> run(build_parser().parse_args(["gradcheck"]))  # doctest: +ELLIPSIS
    op ...  input shapes  max abs error  status
    ...
    add ... 3x4 4 ... ok
    ...
    ... ops ok
    0
    """
    rows = sweep(eps=args.eps, seed=args.seed)
    print(format_table(["op", "input shapes", "max abs error", "status"], rows))
    failed = [name for name, *_, status in rows if status != "ok"]
    print(f"{len(rows) - len(failed)} of {len(rows)} ops ok" + (f"; not ok: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0
