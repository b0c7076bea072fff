"""One error hierarchy: every error class gradstep exposes is defined once, in gradstep.errors.

``except`` on any public name (``gradstep.models.NotFittedError``,
``gradstep.data.DataError``, ...) catches the error raised by every module.
"""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import gradstep
from gradstep import errors

PUBLIC_MODULES = [
    "gradstep", "gradstep.errors", "gradstep.data", "gradstep.data.errors", "gradstep.models", "gradstep.nn",
    "gradstep.nn.errors", "gradstep.train", "gradstep.train.errors", "gradstep.optim", "gradstep.cli.errors",
    "gradstep.demos",
]  # fmt: skip


def _all_modules():
    for info in pkgutil.walk_packages(gradstep.__path__, "gradstep."):
        try:
            yield importlib.import_module(info.name)
        except ImportError:  # a module of an optional extra that is not installed
            continue


def test_every_exception_class_in_the_package_is_defined_in_gradstep_errors():
    strays = []
    for module in _all_modules():
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, (Exception, Warning)) and obj.__module__.startswith("gradstep"):
                if obj.__module__ != "gradstep.errors" and obj is not getattr(errors, name, None):
                    strays.append(f"{module.__name__}.{name} (defined in {obj.__module__})")
    assert strays == []


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_error_name_a_module_exposes_is_the_one_class_of_gradstep_errors(module_name):
    module = importlib.import_module(module_name)
    exposed = {n: o for n, o in vars(module).items() if inspect.isclass(o) and issubclass(o, (Exception, Warning))}
    for name, cls in exposed.items():
        if cls.__module__.startswith("gradstep"):
            assert cls is getattr(errors, name), f"{module_name}.{name} is not gradstep.errors.{name}"


def test_every_error_is_a_gradstep_error():
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, (errors.GradstepError, errors.GradstepWarning)), name


def _standardizer_transform():
    gradstep.data.Standardizer().transform([[1.0]])


def _estimator_predict():
    gradstep.models.LinearRegression().predict([[1.0]])


@pytest.mark.parametrize("raise_it", [_standardizer_transform, _estimator_predict])
@pytest.mark.parametrize("module_name", ["gradstep", "gradstep.errors", "gradstep.data", "gradstep.models"])
def test_not_fitted_from_data_and_models_is_caught_by_every_public_name(raise_it, module_name):
    cls = getattr(importlib.import_module(module_name), "NotFittedError")
    with pytest.raises(cls):
        raise_it()


@pytest.mark.parametrize("module_name", ["gradstep", "gradstep.data", "gradstep.models"])
def test_data_error_from_data_and_models_is_caught_by_every_public_name(module_name):
    cls = getattr(importlib.import_module(module_name), "DataError")
    with pytest.raises(cls, match="batch_size"):
        gradstep.data.DataLoader(np.zeros((4, 1)), np.zeros(4), batch_size=0)
    with pytest.raises(cls, match="NaN"):
        gradstep.models.LinearRegression().fit([[np.nan], [1.0]], [0.0, 1.0])


def test_optimizer_and_training_config_errors_are_argument_errors():
    with pytest.raises(gradstep.ArgumentError):
        gradstep.optim.SGD([gradstep.zeros(2, requires_grad=True)], lr=-1.0)
    with pytest.raises(gradstep.ArgumentError):
        gradstep.train.Trainer(gradstep.nn.Linear(1, 1), gradstep.nn.MSELoss(), object())
