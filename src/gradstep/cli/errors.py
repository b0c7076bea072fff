"""The error every subcommand raises for bad input: printed as one line, exit status 2."""

from ..errors import GradstepError


class CommandLineError(GradstepError, ValueError):
    """Bad command-line input (unknown data set, incompatible options, a missing file, ...).

    ``main`` prints it as ``gradstep <command>: error: <message>`` on stderr and
    exits with status 2, never with a traceback.

    >>> from gradstep.cli.errors import CommandLineError
    >>> str(CommandLineError("--model linear needs a continuous target"))
    '--model linear needs a continuous target'
    """
