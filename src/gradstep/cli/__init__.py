"""The ``gradstep`` command: train, evaluate, predict, resume, report, gradcheck and demo.

One module per subcommand (``gradstep.cli.train``, ...), each with
``add_parser(subparsers)`` and ``run(args) -> exit status``. Bad input ends in
one line on stderr, ``gradstep <command>: error: <message>``, and exit status 2,
never a traceback.

>>> main(["--version"])
gradstep 0.1.0
0
"""

import argparse
import sys

import numpy as np

from .. import __version__
from ..errors import GradstepError
from . import demo, evaluate, gradcheck, predict, report, resume, train

SUBCOMMANDS = (train, evaluate, predict, resume, report, gradcheck, demo)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (with a pointer to --help) and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser():
    """The argparse parser of ``gradstep`` with every subcommand registered.

    >>> build_parser().parse_args(["gradcheck"]).command
    'gradcheck'
    """
    parser = _Parser(prog="gradstep", description="Learning with gradient descent, from the command line.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv=None):
    """Run ``gradstep`` with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    >>> main(["demo", "no-such-demo"])  # doctest: +SKIP
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"gradstep {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return 0
    try:
        # a diverging run ends in a one-line error of its own; NumPy's overflow warnings on the way add nothing
        with np.errstate(over="ignore", invalid="ignore"):
            return args.run(args)
    except GradstepError as err:
        message = " ".join(str(err).split())  # one line, whatever the error's layout
        print(f"gradstep {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"gradstep {args.command}: interrupted", file=sys.stderr)
        return 130
