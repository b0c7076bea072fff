"""The options of ``gradstep train``: parsing, defaults, the TOML config file and their precedence.

Every option can come from three places; later ones win:
built-in defaults < ``--config FILE.toml`` < the command line.
A config file uses the option names with ``-`` or ``_`` (``batch-size`` or
``batch_size``) and TOML values (``hidden = [256, 128]`` or ``hidden = "256,128"``).
"""

import math
import sys
from pathlib import Path

from ..optim import OPTIMIZERS as OPTIMIZER_CLASSES
from .errors import CommandLineError

DATASETS = ("digits", "iris", "breast_cancer", "wine", "diabetes", "mnist", "fashion-mnist")
MODELS = ("linear", "logistic", "softmax", "perceptron", "adaline", "mlp")
OPTIMIZERS = tuple(OPTIMIZER_CLASSES)
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "elu", "softplus")
SCHEDULES = ("constant", "step", "exponential", "inverse_time", "cosine")


def _text(name, value):
    if not isinstance(value, str) or not value:
        raise CommandLineError(f"--{name}: expected a non-empty string, got {value!r}")
    return value


def _choice(choices):
    def parse(name, value):
        value = str(value).replace("-", "_") if name != "data" else value
        if value not in choices:
            raise CommandLineError(f"--{name}: unknown value {value!r}; choose from {', '.join(choices)}")
        return value

    return parse


def _number(kind, low=None, high=None, low_open=False, high_open=False):
    def parse(name, value):
        if isinstance(value, bool):
            raise CommandLineError(f"--{name}: expected a number, got {value!r}")
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise CommandLineError(f"--{name}: expected {'an integer' if kind is int else 'a number'}, got {value!r}") from None
        if kind is int and isinstance(value, float) and value != number:
            raise CommandLineError(f"--{name}: expected an integer, got {value!r}")
        if kind is float and not math.isfinite(number):
            raise CommandLineError(f"--{name}: expected a finite number, got {value!r}")
        too_low = low is not None and (number <= low if low_open else number < low)
        too_high = high is not None and (number >= high if high_open else number > high)
        if too_low or too_high:
            lo = "" if low is None else ("(" if low_open else "[") + f"{low:g}, "
            hi = "" if high is None else f"{high:g}" + (")" if high_open else "]")
            shown = f"{number:g}" if kind is float else number
            raise CommandLineError(f"--{name}: {shown} is out of range, expected a value in {lo or '(-inf, '}{hi or 'inf)'}")
        return number

    return parse


def _items(name, value):
    """A comma-separated string (command line) or a TOML list, as a list of items."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",")]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise CommandLineError(f"--{name}: expected a comma-separated list, got {value!r}")


def _learning_rate(name, value):
    # "auto" (the model's rule: 1/L from the data for the convex models) or a positive number
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    return _number(float, low=0, low_open=True)(name, value)


def _hidden(name, value):
    # "256,128" -> [256, 128]; "" or "none" -> [] (no hidden layer)
    if isinstance(value, str) and value.strip().lower() in ("", "none"):
        return []
    return [_number(int, low=1)(name, item) for item in _items(name, value)]


def _batch_size(name, value):
    # N (minibatch), 1 (online) or "full" (full batch, stored as None)
    if value is None or (isinstance(value, str) and value.strip().lower() == "full"):
        return None
    return _number(int, low=1)(name, value)


def _split(name, value):
    fractions = [_number(float, low=0, high=1, low_open=True, high_open=True)(name, item) for item in _items(name, value)]
    if len(fractions) != 3 or abs(sum(fractions) - 1) > 1e-6:
        raise CommandLineError(f"--{name}: expected three fractions train,val,test that sum to 1, got {value!r}")
    return fractions


def _patience(name, value):
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "off")):
        return None
    return _number(int, low=1)(name, value)


#: the parameters of each --schedule kind: (what, parser) in order; cosine's horizon is optional
_SCHEDULE_PARAMS = {
    "constant": (),
    "step": (("EPOCHS", _number(float, low=1, high=1e9)), ("FACTOR", _number(float, low=0, high=1, low_open=True))),
    "exponential": (("RATE", _number(float, low=0, high=1, low_open=True)),),
    "inverse_time": (("DECAY", _number(float, low=0, high=1e9)),),
    "cosine": (("EPOCHS", _number(float, low=1, high=1e9)),),
}


def _schedule(name, value):
    # "constant", "step:10:0.5", "exponential:0.95", "inverse_time:0.1", "cosine" or "cosine:EPOCHS"
    kind, *params = str(value).split(":")
    kind = _choice(SCHEDULES)(name, kind)
    expected = _SCHEDULE_PARAMS[kind]
    numbers = [str(_number(float)(name, p)) for p in params]
    normalized = ":".join([kind] + numbers)
    if len(params) != len(expected) and not (kind == "cosine" and not params):
        raise CommandLineError(
            f"--{name} {normalized!r}: expected constant, step:EPOCHS:FACTOR, exponential:RATE, "
            "inverse_time:DECAY, cosine or cosine:EPOCHS"
        )
    for (what, parse), text in zip(expected, params):
        parse(f"{name} {kind}:{what}", text)  # a range error names e.g. --schedule cosine:EPOCHS
    return normalized


def _flag(name, value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise CommandLineError(f"--{name}: expected true or false, got {value!r}")


#: option name -> (parser, default, help). The defaults are ``gradstep train`` with no arguments.
TRAIN_OPTIONS = {
    "data": (_text, "digits", f"{'|'.join(DATASETS)}|FILE.csv|FILE.parquet|FOLDER of .parquet (default digits)"),
    "target": (_text, None, "target column of a CSV or Parquet file, by name or 0-based index (default: the last column)"),
    "model": (_choice(MODELS), "mlp", f"{'|'.join(MODELS)} (default mlp)"),
    "hidden": (_hidden, [256, 128], "hidden layer sizes of the MLP, e.g. 256,128 (default 256,128)"),
    "activation": (_choice(ACTIVATIONS), "relu", f"hidden activation of the MLP: {'|'.join(ACTIVATIONS)} (default relu)"),
    "optimizer": (_choice(OPTIMIZERS), None, f"{'|'.join(OPTIMIZERS)} (default: the model's, sgd for the linear models, adam for mlp)"),
    "lr": (_learning_rate, "auto", "learning rate, or auto: 1/L of the data for the linear models (see docs/estimators.md), "
           "1e-3 for adam (default auto)"),
    "schedule": (_schedule, "constant", "learning-rate schedule: constant | step:EPOCHS:FACTOR | exponential:RATE | "
                 "inverse_time:DECAY | cosine (default constant)"),
    "epochs": (_number(int, low=1), None, "passes over the training data (default: 15 for mlp, the estimator's "
               "for the other models, which also stop on a plateau of the training loss)"),
    "batch_size": (_batch_size, 32, "N (minibatch), 1 (online) or full (full batch) (default 32)"),
    "alpha": (_number(float, low=0), 0.0, "L2 penalty strength alpha, the estimators' alpha: alpha/2 ||W||^2 on the "
              "weights (default 0; --l2 is an alias)"),
    "dropout": (_number(float, low=0, high=1, high_open=True), 0.0, "dropout rate of the MLP's hidden layers (default 0)"),
    "early_stopping": (_patience, None, "stop after PATIENCE epochs without a better validation loss (default off)"),
    "split": (_split, [0.6, 0.2, 0.2], "train,validation,test fractions (default 0.6,0.2,0.2)"),
    "standardize": (_flag, True, "standardize the features with the training set's mean and std (default on)"),
    "seed": (_number(int, low=0), 0, "seed of the split, the initial weights and the shuffling (default 0)"),
    "out": (_text, None, "run folder (default runs/<date-time>)"),
    "workers": (_number(int, low=1), None, "train on a LocalCluster of N dask worker processes, 1 thread each "
                "(needs gradstep[distributed])"),
    "scheduler": (_text, None, "train on the running dask cluster whose scheduler is at ADDRESS, e.g. tcp://host:8786"),
}  # fmt: skip


#: other spellings of an option (on the command line, in a TOML file, in an older run's config.json) -> its name
OPTION_ALIASES = {"l2": "alpha"}


def option_name(spelled):
    """The option a spelling names: ``-`` or ``_``, and the aliases of OPTION_ALIASES.

    >>> option_name("batch-size"), option_name("l2"), option_name("alpha")
    ('batch_size', 'alpha', 'alpha')
    """
    name = spelled.replace("-", "_")
    return OPTION_ALIASES.get(name, name)


def default_options():
    """The options of ``gradstep train`` with no arguments.

    >>> default_options()["model"], default_options()["hidden"]
    ('mlp', [256, 128])
    """
    return {name: default for name, (_, default, _) in TRAIN_OPTIONS.items()}


def add_train_options(parser):
    """Add every train option to an argparse parser, each defaulting to None ("not given")."""
    for name, (_, _, help_text) in TRAIN_OPTIONS.items():
        flag = "--" + name.replace("_", "-")
        if name == "standardize":
            parser.add_argument(flag, action="store_true", default=None, help=help_text)
            parser.add_argument("--no-standardize", dest="standardize", action="store_false", help="use raw features")
        else:
            aliases = ["--" + alias.replace("_", "-") for alias, target in OPTION_ALIASES.items() if target == name]
            parser.add_argument(flag, *aliases, dest=name, default=None, metavar=name.upper(), help=help_text)
    parser.add_argument("--config", metavar="FILE.toml", help="read options from a TOML file; command-line values win")


def read_toml(path):
    """The table of a TOML file, with ``tomllib`` (Python 3.11+) or the ``tomli`` package.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
    ...     _ = f.write('epochs = 5\\nhidden = [32]\\n')
    >>> read_toml(f.name)
    {'epochs': 5, 'hidden': [32]}
    >>> os.unlink(f.name)
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        try:
            import tomli as tomllib
        except ImportError:
            raise CommandLineError(
                "--config: reading TOML on Python 3.10 needs the tomli package (pip install tomli)"
            ) from None
    path = Path(path)
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise CommandLineError(f"--config: no such file: {path}") from None
    except IsADirectoryError:
        raise CommandLineError(f"--config: {path} is a folder, not a TOML file") from None
    except OSError as err:
        raise CommandLineError(f"--config: cannot read {path}: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise CommandLineError(f"--config: {path} is not UTF-8 text (byte {err.object[err.start]:#04x} at offset {err.start})") from None
    except tomllib.TOMLDecodeError as err:
        raise CommandLineError(f"--config: {path} is not valid TOML: {err}") from None


def resolve_train_options(args):
    """Merge defaults, the config file and the command line into one checked dict.

    ``args`` is the argparse namespace (options not given are None).

    >>> import argparse
    >>> ns = argparse.Namespace(**{name: None for name in TRAIN_OPTIONS}, config=None)
    >>> ns.epochs, ns.hidden = "5", "64,32"
    >>> options = resolve_train_options(ns)
    >>> options["epochs"], options["hidden"], options["batch_size"]
    (5, [64, 32], 32)
    """
    raw = {}
    if args.config is not None:
        spelled = {}
        for key, value in read_toml(args.config).items():
            name = option_name(key)
            if name not in TRAIN_OPTIONS:
                raise CommandLineError(
                    f"--config: unknown option {key!r} in {args.config}; known: "
                    + ", ".join(n.replace("_", "-") for n in TRAIN_OPTIONS)
                )
            if name in spelled:
                raise CommandLineError(
                    f"--config: {args.config} sets {name.replace('_', '-')} twice, as {spelled[name]!r} and {key!r}; keep one"
                )
            spelled[name] = key
            raw[name] = value
    for name in TRAIN_OPTIONS:
        value = getattr(args, name, None)
        if value is not None:
            raw[name] = value
    options = {}
    for name, (parse, default, _) in TRAIN_OPTIONS.items():
        options[name] = parse(name.replace("_", "-"), raw[name]) if name in raw else default
    if options["optimizer"] is None:  # the model's own default, as its estimator has it
        options["optimizer"] = default_optimizer(options["model"])
    if options["epochs"] is None:
        options["epochs"] = default_epochs(options["model"])
    return options


def default_epochs(model):
    """``--epochs`` when not given: 15 for the MLP (minutes on MNIST), else its estimator's ``epochs``.

    >>> default_epochs("mlp"), default_epochs("softmax"), default_epochs("perceptron")
    (15, 100, 50)
    """
    from .. import models

    if model == "mlp":
        return 15
    cls = {"linear": models.LinearRegression, "logistic": models.LogisticRegression, "softmax": models.SoftmaxRegression,
           "adaline": models.Adaline, "perceptron": models.Perceptron}[model]  # fmt: skip
    return cls().epochs


def default_optimizer(model):
    """The optimizer of ``--model`` when ``--optimizer`` is not given: its estimator's default.

    >>> default_optimizer("softmax"), default_optimizer("mlp")
    ('sgd', 'adam')
    """
    from .. import models  # the estimators define the defaults

    cls = {"linear": models.LinearRegression, "logistic": models.LogisticRegression, "softmax": models.SoftmaxRegression,
           "adaline": models.Adaline, "mlp": models.MLPClassifier}.get(model)  # fmt: skip
    return "sgd" if cls is None else cls().optimizer  # the perceptron's rule is plain SGD
