"""The error every subcommand raises for bad input (printed as one line, exit status 2): ``gradstep.errors.CommandLineError``.

>>> from gradstep.cli.errors import CommandLineError
>>> str(CommandLineError("--model linear needs a continuous target"))
'--model linear needs a continuous target'
"""

from ..errors import CommandLineError

__all__ = ["CommandLineError"]
