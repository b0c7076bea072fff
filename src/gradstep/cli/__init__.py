"""The ``gradstep`` command: train, evaluate, predict, resume, report, gradcheck and demo.

One module per subcommand (``gradstep.cli.train``, ...), each with
``add_parser(subparsers)`` and ``run(args) -> exit status``. Bad input ends in
one line on stderr, ``gradstep <command>: error: <message>``, and exit status 2,
never a traceback: ``main`` is the one place that turns every anticipated
failure (gradstep's own errors, a file that cannot be read or written, text
that is not UTF-8, memory the asked-for sizes need) into that line. Anything
else is a bug in gradstep: its traceback is shown, with a line asking for a
report, and the exit status is 1.

>>> main(["--version"])
gradstep 0.1.0
0
"""

import argparse
import os
import sys
import traceback

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
    except KeyboardInterrupt:
        print(f"gradstep {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - the one place that decides between "your input" and "our bug"
        message = user_error_message(err)
        if message is None:
            traceback.print_exc()
            print(f"gradstep {args.command}: internal error: {REPORT}", file=sys.stderr)
            return 1
        message = " ".join(message.split())  # one line, whatever the error's layout
        print(f"gradstep {args.command}: error: {message}", file=sys.stderr)
        return 2


#: the line under the traceback of an unanticipated exception
REPORT = "this is a bug in gradstep, not in your input; please report it with the command line and the traceback above"


def user_error_message(err):
    """The one-line message of an anticipated failure, or None for an exception that is a bug.

    >>> user_error_message(FileNotFoundError(2, "No such file or directory", "out/p.csv"))
    "cannot open 'out/p.csv': No such file or directory"
    >>> user_error_message(ZeroDivisionError("division by zero")) is None
    True
    """
    if isinstance(err, GradstepError):
        return str(err)
    if isinstance(err, UnicodeDecodeError):
        return f"a file that should be UTF-8 text is not: byte {err.object[err.start]:#04x} at offset {err.start}"
    if isinstance(err, MemoryError):
        return (
            "not enough memory for the sizes asked for (the network's --hidden layers, --batch-size "
            "or the data set); try smaller ones"
        )
    if isinstance(err, OSError):
        names = " and ".join(repr(os.fspath(f)) for f in (err.filename, err.filename2) if f is not None)
        reason = err.strerror or str(err)
        return f"cannot open {names}: {reason}" if names else f"operating system error: {reason}"
    return None
