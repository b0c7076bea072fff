"""Every bad hyperparameter or parameter list gets a clear OptimizerError naming the optimizer and the value."""

import numpy as np
import pytest

import gradstep
from gradstep.optim import SGD, Adagrad, Adam, AdamW, OptimizerError, RMSprop


def w():
    return gradstep.zeros(2, requires_grad=True)


BAD_HYPERPARAMETERS = [
    (lambda: SGD([w()]), r"SGD: lr is required \(a number or a schedule\)"),
    (lambda: SGD([w()], lr=-0.1), r"SGD: lr must be >= 0, got -0.1"),
    (lambda: SGD([w()], lr=float("nan")), r"SGD: lr must be a finite number, got nan"),
    (lambda: SGD([w()], lr="fast"), r"SGD: lr must be a finite number, got 'fast'"),
    (lambda: SGD([w()], lr=0.1, momentum=-0.9), r"SGD: momentum must be >= 0, got -0.9"),
    (lambda: SGD([w()], lr=0.1, dampening=1.5), r"SGD: dampening must be <= 1, got 1.5"),
    (lambda: SGD([w()], lr=0.1, weight_decay=-1e-4), r"SGD: weight_decay must be >= 0, got -0.0001"),
    (lambda: SGD([w()], lr=0.1, nesterov=True), r"SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum=0.0, dampening=0.0"),
    (lambda: SGD([w()], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), r"SGD: nesterov=True needs momentum > 0 and dampening = 0, got momentum=0.9, dampening=0.1"),
    (lambda: SGD([w()], lr=0.1, nesterov="yes"), r"SGD: nesterov must be True or False, got 'yes'"),
    (lambda: Adagrad([w()], lr=-1.0), r"Adagrad: lr must be >= 0, got -1.0"),
    (lambda: Adagrad([w()], lr_decay=-0.1), r"Adagrad: lr_decay must be >= 0, got -0.1"),
    (lambda: Adagrad([w()], weight_decay=-0.1), r"Adagrad: weight_decay must be >= 0, got -0.1"),
    (lambda: Adagrad([w()], initial_accumulator_value=-1), r"Adagrad: initial_accumulator_value must be >= 0, got -1"),
    (lambda: Adagrad([w()], eps=-1e-10), r"Adagrad: eps must be >= 0, got -1e-10"),
    (lambda: RMSprop([w()], lr=-0.01), r"RMSprop: lr must be >= 0, got -0.01"),
    (lambda: RMSprop([w()], alpha=-0.5), r"RMSprop: alpha must be >= 0, got -0.5"),
    (lambda: RMSprop([w()], alpha=1.5), r"RMSprop: alpha must be <= 1, got 1.5"),
    (lambda: RMSprop([w()], eps=-1.0), r"RMSprop: eps must be >= 0, got -1.0"),
    (lambda: RMSprop([w()], momentum=-0.1), r"RMSprop: momentum must be >= 0, got -0.1"),
    (lambda: RMSprop([w()], weight_decay=-0.1), r"RMSprop: weight_decay must be >= 0, got -0.1"),
    (lambda: RMSprop([w()], centered=1), r"RMSprop: centered must be True or False, got 1"),
    (lambda: Adam([w()], lr=-1e-3), r"Adam: lr must be >= 0, got -0.001"),
    (lambda: Adam([w()], betas=(1.0, 0.999)), r"Adam: betas\[0\] must be < 1, got 1.0"),
    (lambda: Adam([w()], betas=(-0.1, 0.999)), r"Adam: betas\[0\] must be >= 0, got -0.1"),
    (lambda: Adam([w()], betas=(0.9, 1.0)), r"Adam: betas\[1\] must be < 1, got 1.0"),
    (lambda: Adam([w()], betas=0.9), r"Adam: betas must be a pair \(b1, b2\), got 0.9"),
    (lambda: Adam([w()], betas=(0.9, 0.99, 0.999)), r"Adam: betas must be a pair \(b1, b2\), got \(0.9, 0.99, 0.999\)"),
    (lambda: Adam([w()], eps=-1e-8), r"Adam: eps must be >= 0, got -1e-08"),
    (lambda: Adam([w()], weight_decay=-0.1), r"Adam: weight_decay must be >= 0, got -0.1"),
    (lambda: Adam([w()], amsgrad=None), r"Adam: amsgrad must be True or False, got None"),
    (lambda: AdamW([w()], weight_decay=-0.01), r"AdamW: weight_decay must be >= 0, got -0.01"),
    (lambda: AdamW([w()], betas=(0.9, 2.0)), r"AdamW: betas\[1\] must be < 1, got 2.0"),
]


@pytest.mark.parametrize("make, message", BAD_HYPERPARAMETERS, ids=[m for _, m in BAD_HYPERPARAMETERS])
def test_bad_hyperparameter(make, message):
    with pytest.raises(OptimizerError, match="^" + message + "$"):
        make()


def test_optimizer_error_is_a_value_error_and_a_gradstep_error():
    assert issubclass(OptimizerError, ValueError) and issubclass(OptimizerError, gradstep.GradstepError)


def test_bad_value_in_a_later_group_names_the_group():
    with pytest.raises(OptimizerError, match=r"^Adam: betas\[0\] must be < 1, got 1.5 \(parameter group 1\)$"):
        Adam([{"params": [w()]}, {"params": [w()], "betas": (1.5, 0.9)}])


def test_unknown_hyperparameter_in_a_group():
    with pytest.raises(OptimizerError, match=r"^SGD: unknown hyperparameter 'mommentum' in parameter group 0; known: lr, momentum"):
        SGD([{"params": [w()], "mommentum": 0.9}], lr=0.1)


def test_bad_parameter_lists():
    with pytest.raises(OptimizerError, match=r"^SGD: params must be an iterable of Tensors or of parameter-group dicts, got a single Tensor; wrap it in a list$"):
        SGD(w(), lr=0.1)
    with pytest.raises(OptimizerError, match=r"^SGD: got an empty parameter list; pass the tensors to optimise$"):
        SGD([], lr=0.1)
    with pytest.raises(OptimizerError, match=r"^SGD: parameter group 0 has no 'params' entry$"):
        SGD([{"lr": 0.1}], lr=0.1)
    with pytest.raises(OptimizerError, match=r"^SGD: parameter group 1 has an empty 'params' list$"):
        SGD([{"params": [w()]}, {"params": []}], lr=0.1)
    with pytest.raises(OptimizerError, match=r"^SGD: parameter 1 of group 0 is a ndarray, not a Tensor$"):
        SGD([w(), np.zeros(2)], lr=0.1)
    with pytest.raises(OptimizerError, match=r"^SGD: parameter 0 of group 0 \(shape \(3,\), dtype int64\) must be a floating leaf tensor, not the result of an operation$"):
        SGD([gradstep.tensor([1, 2, 3])], lr=0.1)
    leaf = w()
    with pytest.raises(OptimizerError, match=r"^SGD: parameter 0 of group 0 \(shape \(2,\), dtype float32\) must be a floating leaf tensor"):
        SGD([leaf * 2], lr=0.1)
    with pytest.raises(OptimizerError, match=r"^SGD: parameter 0 of group 1 \(shape \(2,\)\) appears more than once in the parameter groups$"):
        SGD([{"params": [leaf]}, {"params": [leaf]}], lr=0.1)
    with pytest.raises(OptimizerError, match=r"^SGD: a parameter group must be a dict, got list$"):
        SGD([w()], lr=0.1).add_param_group([w()])
