"""Optimizers by name ("sgd", "momentum", "nesterov", "adam", ...), as the estimators and the CLI take them."""

from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer, OptimizerError
from .rmsprop import RMSprop
from .sgd import SGD

CLASSES = {cls.__name__: cls for cls in (SGD, Adagrad, RMSprop, Adam, AdamW)}

#: optimizer names the estimators and the command line accept: name -> (class name, extra keyword arguments)
OPTIMIZERS = {
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
}


def make_optimizer(spec, params, learning_rate, where="make_optimizer"):
    """A gradstep optimizer over ``params`` from a name, an optimizer (used as a template), a class or a factory.

    A factory is any callable ``params -> optimizer``; an optimizer instance
    gives its class and hyper-parameters (its own parameters are ignored).

    >>> import gradstep
    >>> w = gradstep.nn.Parameter(gradstep.zeros(2))
    >>> type(make_optimizer("adam", [w], 0.01)).__name__
    'Adam'
    """
    if isinstance(spec, str):
        key = spec.lower()
        if key not in OPTIMIZERS:
            raise OptimizerError(f"{where}: unknown optimizer {spec!r}; choose one of {sorted(OPTIMIZERS)}")
        cls_name, extra = OPTIMIZERS[key]
        return CLASSES[cls_name](params, lr=learning_rate, **extra)
    if isinstance(spec, Optimizer):
        # an instance is a template: same class and hyper-parameters, our parameters
        return type(spec)(params, **spec.defaults)
    if isinstance(spec, type) and issubclass(spec, Optimizer):
        return spec(params, lr=learning_rate)
    if callable(spec):
        opt = spec(params)
        if not isinstance(opt, Optimizer):
            raise TypeError(f"{where}: the optimizer factory returned {type(opt).__name__}, not a gradstep optimizer")
        return opt
    raise TypeError(
        f"{where}: optimizer must be a name ({sorted(OPTIMIZERS)}), a gradstep.optim optimizer or optimizer "
        f"class, or a function params -> optimizer; got {spec!r}"
    )
