"""``gradstep demo NAME [--out DIR]`` and ``gradstep demo --list``: the course's figures, one command each.

The demos themselves live in ``gradstep.demos`` (the ``DEMOS`` registry:
name -> (one-line description, function(out_dir, small=False) -> dict of the
numbers behind the figure)); this module only finds, runs and prints them.
"""

from pathlib import Path

from .errors import CommandLineError
from .table import format_table

HELP = "reproduce one of the course's figures (gradstep demo --list shows them)"


def add_parser(subparsers):
    """Register ``gradstep demo [NAME] [--out DIR] [--small] [--list]``.

    >>> from gradstep.cli import build_parser
    >>> args = build_parser().parse_args(["demo", "backprop", "--out", "pictures"])
    >>> args.name, args.out, args.list
    ('backprop', 'pictures', False)
    """
    parser = subparsers.add_parser("demo", help=HELP, description=HELP)
    parser.add_argument("name", nargs="?", metavar="NAME", help="the demo to run")
    parser.add_argument("--list", action="store_true", help="list the demos with one line each")
    parser.add_argument("--out", metavar="DIR", help="where to write the PNG(s) (default demos/NAME)")
    parser.add_argument("--small", action="store_true", help="a quick, smaller version (fewer steps and points)")
    parser.set_defaults(run=run)
    return parser


def _registry():
    from ..demos import DEMOS  # matplotlib and friends load only when a demo is asked for

    return DEMOS


def _print_numbers(results):
    from ..demos._common import print_numbers  # the demos' own format, as they print it themselves

    print_numbers(results)


def run(args):
    """List the demos, or run one and print the numbers behind its figure.

    >>> from gradstep.cli import build_parser
    >>> run(build_parser().parse_args(["demo", "--list"]))  # doctest: +ELLIPSIS
    demo ... what it shows
    ...
    gd-1d ... gradient descent on J(x) = x^2 - 6x + 5 ...
    ...
    0
    """
    demos = _registry()
    if args.list:
        print(format_table(["demo", "what it shows"], [(name, demos[name][0]) for name in demos]))
        return 0
    if args.name is None:
        raise CommandLineError("give a demo NAME or --list; demos: " + ", ".join(demos))
    if args.name not in demos:
        raise CommandLineError(f"unknown demo {args.name!r}; demos: " + ", ".join(demos))
    description, function = demos[args.name]
    out_dir = Path(args.out if args.out is not None else Path("demos") / args.name)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # a file of that name, no permission, ...
        raise CommandLineError(f"--out {out_dir}: cannot create the folder: {err.strerror or err}") from None
    print(f"{args.name}: {description}")
    results = function(out_dir, small=args.small, verbose=False)
    figures = results.pop("figures", [])
    _print_numbers(results)
    if figures:
        print("wrote " + ", ".join(str(p) for p in figures))
    return 0
