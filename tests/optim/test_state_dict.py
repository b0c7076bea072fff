"""state_dict is plain data, and an optimizer restored mid-run continues the exact same trajectory."""

import json

import numpy as np
import pytest

import gradstep
from gradstep.optim import SGD, Adagrad, Adam, AdamW, OptimizerError, RMSprop, schedules

from .helpers import OPTIMIZERS, make_problem


def is_plain(value):
    if isinstance(value, dict):
        return all(isinstance(k, (str, int)) and is_plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(is_plain(v) for v in value)
    return isinstance(value, (bool, int, float, str, np.ndarray))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_round_trip_mid_run_continues_bit_identically(name):
    # reference: 6 uninterrupted updates
    params, loss, _ = make_problem()
    opt = OPTIMIZERS[name](params)
    for _ in range(6):
        opt.minimize(loss())
    reference = [p.data.copy() for p in params]

    # interrupted: 3 updates, save, rebuild everything from the saved arrays, 3 more
    params, loss, _ = make_problem()
    opt = OPTIMIZERS[name](params)
    for _ in range(3):
        opt.minimize(loss())
    saved_params = [p.data.copy() for p in params]
    saved = opt.state_dict()
    assert is_plain(saved)
    opt.minimize(loss())  # training on must not change what was saved
    params, loss, _ = make_problem()
    for p, value in zip(params, saved_params):
        p.data[...] = value
    restored = OPTIMIZERS[name](params)
    restored.load_state_dict(saved)
    assert restored.global_step == 3
    for _ in range(3):
        restored.minimize(loss())
    for a, b in zip(reference, params):
        np.testing.assert_array_equal(a, b.data)


def test_state_dict_layout():
    a, b, c = (gradstep.tensor([1.0, 2.0], requires_grad=True) for _ in range(3))
    opt = Adam([{"params": [a, b]}, {"params": [c], "lr": schedules.constant(0.5)}], lr=0.1)
    opt.minimize((a * a).sum() + (c * c).sum())  # b gets no gradient, so no state
    sd = opt.state_dict()
    assert sd["global_step"] == 1
    assert sd["param_groups"][0] == {
        "lr": 0.1, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False, "params": [0, 1],
    }  # fmt: skip
    assert sd["param_groups"][1]["params"] == [2]
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][1]["lr_schedule"] == "constant(0.5)"
    assert sorted(sd["state"]) == [0, 2]
    assert sd["state"][0]["step"] == 1 and sorted(sd["state"][0]) == ["exp_avg", "exp_avg_sq", "step"]
    json.dumps(sd["param_groups"])  # the non-array part is JSON as it is


def test_load_keeps_a_schedule_that_was_saved_as_a_schedule():
    sched = schedules.exponential_decay(1.0, 10, 0.5)
    w = gradstep.tensor([1.0], requires_grad=True)
    source = SGD([w], lr=sched, momentum=0.5)
    source.minimize((w * w).sum())
    target = SGD([gradstep.tensor([1.0], requires_grad=True)], lr=sched, momentum=0.0)
    target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] is sched and target.param_groups[0]["momentum"] == 0.5
    assert target.lr == sched(1)


def test_load_restores_a_constant_lr_over_a_schedule():
    # after ReduceLROnPlateau or LearningRateScheduler set a constant lr, exact resume needs that lr back
    w = gradstep.tensor([1.0], requires_grad=True)
    source = SGD([w], lr=schedules.exponential_decay(1.0, 10, 0.5), momentum=0.5)
    source.lr = 0.3
    source.minimize((w * w).sum())
    target = SGD([gradstep.tensor([1.0], requires_grad=True)], lr=schedules.exponential_decay(1.0, 10, 0.5))
    target.load_state_dict(source.state_dict())
    assert target.lr == 0.3 and not callable(target.param_groups[0]["lr"])
    other = SGD([gradstep.tensor([1.0], requires_grad=True)], lr=0.1)
    other.load_state_dict(source.state_dict())
    assert other.lr == 0.3


def test_load_accepts_string_keys_and_numpy_scalars_as_json_would_give():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([w], lr=0.1)
    opt.minimize((w * w).sum())
    sd = opt.state_dict()
    flat = {"global_step": np.int64(1), "param_groups": json.loads(json.dumps(sd["param_groups"])),
            "state": {"0": {"step": np.int64(1), "exp_avg": sd["state"][0]["exp_avg"],
                            "exp_avg_sq": sd["state"][0]["exp_avg_sq"]}}}  # fmt: skip
    other = Adam([gradstep.tensor([1.0, 2.0], requires_grad=True)], lr=0.5)
    other.load_state_dict(flat)
    state = other.state[other.param_groups[0]["params"][0]]
    assert type(state["step"]) is int and other.global_step == 1
    assert other.param_groups[0]["betas"] == (0.9, 0.999) and other.lr == 0.1


def saved_adam():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([w], lr=0.1)
    opt.minimize((w * w).sum())
    return opt.state_dict()


def test_load_errors_are_clear_and_change_nothing():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([w], lr=0.7)
    with pytest.raises(OptimizerError, match=r"Adam.load_state_dict: expected a dict with 'global_step', 'param_groups' and 'state'"):
        opt.load_state_dict({"state": {}})
    two_groups = Adam([{"params": [w]}, {"params": [gradstep.zeros(2, requires_grad=True)]}])
    with pytest.raises(OptimizerError, match=r"the state dict has 1 parameter groups, this optimizer has 2"):
        two_groups.load_state_dict(saved_adam())
    two_params = Adam([w, gradstep.zeros(2, requires_grad=True)])
    with pytest.raises(OptimizerError, match=r"parameter group 0 has 1 parameters in the state dict, 2 in this optimizer"):
        two_params.load_state_dict(saved_adam())
    wrong_shape = Adam([gradstep.zeros(3, requires_grad=True)])
    with pytest.raises(gradstep.ShapeError, match=r"Adam.load_state_dict: state 'exp_avg' of parameter 0 has shape \(2,\), the parameter has shape \(3,\)"):
        wrong_shape.load_state_dict(saved_adam())
    sd = saved_adam()
    sd["state"][5] = sd["state"].pop(0)
    with pytest.raises(OptimizerError, match=r"the state dict has state for parameter 5, which is not in any group"):
        opt.load_state_dict(sd)
    sgd_state = SGD([gradstep.zeros(2, requires_grad=True)], lr=0.1).state_dict()
    with pytest.raises(OptimizerError, match=r"Adam: unknown hyperparameter 'dampening' in parameter group 0"):
        opt.load_state_dict(sgd_state)
    sd = saved_adam()
    sd["param_groups"][0]["betas"] = [0.9, 1.5]
    with pytest.raises(OptimizerError, match=r"Adam: betas\[1\] must be < 1, got 1.5"):
        opt.load_state_dict(sd)
    assert opt.lr == 0.7 and opt.state == {} and opt.global_step == 0


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam, AdamW])
def test_fresh_optimizer_state_dict_round_trips(cls):
    w = gradstep.zeros(2, requires_grad=True)
    opt = cls([w], lr=0.1)
    sd = opt.state_dict()
    assert sd["state"] == {} and sd["global_step"] == 0
    opt.load_state_dict(sd)
    assert opt.state_dict()["param_groups"] == sd["param_groups"]
