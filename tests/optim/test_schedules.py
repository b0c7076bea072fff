"""Learning-rate schedules against their formulas, their reprs and their argument errors."""

import math

import pytest

from gradstep.optim import OptimizerError, schedules


def test_constant():
    s = schedules.constant(0.1)
    assert [s(t) for t in (0, 1, 10**6)] == [0.1, 0.1, 0.1]
    assert repr(s) == "constant(0.1)"


def test_step_decay():
    s = schedules.step_decay(0.1, step_size=30, gamma=0.1)
    assert s(0) == s(29) == 0.1
    assert s(30) == pytest.approx(0.01, rel=1e-15)
    assert s(65) == pytest.approx(0.001, rel=1e-15)
    assert schedules.step_decay(2.0, 5)(5) == pytest.approx(0.2, rel=1e-15)  # gamma defaults to 0.1
    assert repr(s) == "step_decay(initial=0.1, step_size=30, gamma=0.1)"


def test_exponential_decay_like_tensorflow():
    s = schedules.exponential_decay(0.1, decay_steps=100, decay_rate=0.96)
    assert s(0) == 0.1
    assert s(250) == pytest.approx(0.1 * 0.96**2.5, rel=1e-15)
    stairs = schedules.exponential_decay(0.1, decay_steps=100, decay_rate=0.96, staircase=True)
    assert stairs(99) == 0.1
    assert stairs(250) == pytest.approx(0.1 * 0.96**2, rel=1e-15)
    assert repr(stairs) == "exponential_decay(initial=0.1, decay_steps=100.0, decay_rate=0.96, staircase=True)"


def test_inverse_time_decay_like_tensorflow():
    s = schedules.inverse_time_decay(0.1, decay_steps=100, decay_rate=0.5)
    assert s(250) == pytest.approx(0.1 / (1 + 0.5 * 2.5), rel=1e-15)
    stairs = schedules.inverse_time_decay(0.1, decay_steps=100, decay_rate=0.5, staircase=True)
    assert stairs(250) == pytest.approx(0.1 / 2.0, rel=1e-15)
    assert repr(s).startswith("inverse_time_decay(initial=0.1, decay_steps=100.0")


def test_cosine_decay_like_tensorflow():
    s = schedules.cosine_decay(0.1, decay_steps=100, alpha=0.1)
    assert s(0) == pytest.approx(0.1, rel=1e-15)
    assert s(25) == pytest.approx(0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi / 4)) + 0.1), rel=1e-15)
    assert s(50) == pytest.approx(0.1 * (0.9 * 0.5 + 0.1), rel=1e-15)
    assert s(100) == pytest.approx(0.01, rel=1e-12) and s(500) == s(100)
    assert schedules.cosine_decay(1.0, 10)(10) == pytest.approx(0.0, abs=1e-16)  # alpha defaults to 0
    assert repr(s) == "cosine_decay(initial=0.1, decay_steps=100.0, alpha=0.1)"


def test_warmup_of_a_number_and_of_a_schedule():
    s = schedules.warmup(0.1, warmup_steps=4)
    assert [s(t) for t in range(6)] == pytest.approx([0.025, 0.05, 0.075, 0.1, 0.1, 0.1], rel=1e-15)
    wrapped = schedules.warmup(schedules.cosine_decay(1.0, 10), warmup_steps=2)
    assert wrapped(0) == 0.5 and wrapped(1) == 1.0
    assert wrapped(2) == 1.0 and wrapped(7) == pytest.approx(0.5 * (1 + math.cos(math.pi * 5 / 10)), rel=1e-15)
    assert repr(s) == "warmup(constant(0.1), warmup_steps=4)"
    plain = schedules.warmup(lambda t: 0.2, 2)
    assert plain(0) == 0.1 and plain(5) == 0.2


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: schedules.constant(-0.1), r"constant: lr must be >= 0, got -0.1"),
        (lambda: schedules.constant("0.1"), r"constant: lr must be a finite number, got '0.1'"),
        (lambda: schedules.step_decay(0.1, 0), r"step_decay: step_size must be > 0, got 0"),
        (lambda: schedules.step_decay(0.1, 2.5), r"step_decay: step_size must be an integer, got 2.5"),
        (lambda: schedules.step_decay(0.1, 10, gamma=-1), r"step_decay: gamma must be >= 0, got -1"),
        (lambda: schedules.step_decay(-1.0, 10), r"step_decay: initial must be >= 0, got -1.0"),
        (lambda: schedules.exponential_decay(0.1, 0, 0.9), r"exponential_decay: decay_steps must be > 0, got 0"),
        (lambda: schedules.exponential_decay(0.1, 10, 0.0), r"exponential_decay: decay_rate must be > 0, got 0.0"),
        (lambda: schedules.inverse_time_decay(0.1, -5, 0.5), r"inverse_time_decay: decay_steps must be > 0, got -5"),
        (lambda: schedules.inverse_time_decay(0.1, 5, -0.5), r"inverse_time_decay: decay_rate must be >= 0, got -0.5"),
        (lambda: schedules.cosine_decay(0.1, 0), r"cosine_decay: decay_steps must be > 0, got 0"),
        (lambda: schedules.cosine_decay(0.1, 10, alpha=1.5), r"cosine_decay: alpha must be <= 1, got 1.5"),
        (lambda: schedules.cosine_decay(float("nan"), 10), r"cosine_decay: initial must be a finite number, got nan"),
        (lambda: schedules.warmup(0.1, 0), r"warmup: warmup_steps must be > 0, got 0"),
        (lambda: schedules.warmup(-0.1, 5), r"warmup: schedule_or_lr must be >= 0, got -0.1"),
    ],
)
def test_bad_arguments(make, message):
    with pytest.raises(OptimizerError, match="^" + message + "$"):
        make()


def test_bad_step():
    s = schedules.constant(0.1)
    with pytest.raises(OptimizerError, match=r"^constant\(0.1\): the step must be an integer >= 0, got -1$"):
        s(-1)
    with pytest.raises(OptimizerError, match=r"the step must be an integer >= 0, got 1.5"):
        schedules.cosine_decay(0.1, 10)(1.5)
