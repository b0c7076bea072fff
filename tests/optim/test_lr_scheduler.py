"""optim.lr_scheduler against the formulas of PyTorch's documentation, value for value, and its protocol."""

import math

import pytest

import gradstep
from gradstep.optim import SGD, Adam, OptimizerError, lr_scheduler


def sgd(lr=0.1, **kw):
    return SGD([gradstep.zeros(2, requires_grad=True)], lr=lr, **kw)


def run(scheduler, epochs):
    """The rate of each epoch as a PyTorch loop sees it: read, train (opt.step()), then scheduler.step()."""
    rates = []
    for _ in range(epochs):
        rates.append(scheduler.optimizer.param_groups[0]["lr"])
        scheduler.optimizer.step()
        scheduler.step()
    return rates


def test_step_lr():
    # lr = base * gamma^floor(epoch / step_size)
    s = lr_scheduler.StepLR(sgd(0.05), step_size=30, gamma=0.1)
    rates = run(s, 100)
    for epoch, lr in enumerate(rates):
        assert lr == pytest.approx(0.05 * 0.1 ** (epoch // 30), rel=1e-12)
    assert rates[29] == 0.05 and rates[30] == pytest.approx(0.005) and rates[90] == pytest.approx(5e-5)


def test_multistep_lr():
    # PyTorch's example: lr = 0.05 for epoch < 30, 0.005 for 30 <= epoch < 80, 0.0005 from 80 on
    rates = run(lr_scheduler.MultiStepLR(sgd(0.05), milestones=[30, 80], gamma=0.1), 100)
    for epoch, lr in enumerate(rates):
        want = 0.05 if epoch < 30 else 0.005 if epoch < 80 else 0.0005
        assert lr == pytest.approx(want, rel=1e-12)


def test_exponential_lr():
    rates = run(lr_scheduler.ExponentialLR(sgd(1.0), gamma=0.9), 20)
    assert rates == pytest.approx([0.9**t for t in range(20)], rel=1e-12)


def test_cosine_annealing_lr_including_past_t_max():
    # eta_t = eta_min + (eta_max - eta_min) (1 + cos(pi t / T_max)) / 2, the cosine going on past T_max
    base, eta_min, T = 0.1, 0.001, 10
    rates = run(lr_scheduler.CosineAnnealingLR(sgd(base), T_max=T, eta_min=eta_min), 25)
    want = [eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / T)) / 2 for t in range(25)]
    assert rates == pytest.approx(want, rel=1e-12)
    assert rates[10] == pytest.approx(eta_min) and rates[20] == pytest.approx(base)


def test_lambda_lr_one_function_or_one_per_group():
    w1, w2 = gradstep.zeros(1, requires_grad=True), gradstep.zeros(1, requires_grad=True)
    opt = SGD([{"params": [w1], "lr": 1.0}, {"params": [w2], "lr": 0.5}], lr=1.0)
    s = lr_scheduler.LambdaLR(opt, [lambda e: 0.95**e, lambda e: e // 3])
    for epoch in range(6):
        assert s.get_last_lr() == pytest.approx([1.0 * 0.95**epoch, 0.5 * (epoch // 3)], rel=1e-12)
        s.step()
    with pytest.raises(OptimizerError, match=r"LambdaLR: lr_lambda must be a function or a list of 2 functions"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0])
    with pytest.raises(OptimizerError, match=r"LambdaLR: lr_lambda\(0\) returned -1.0; it must be a finite number >= 0"):
        lr_scheduler.LambdaLR(sgd(), lambda e: -1.0)


def test_linear_lr():
    # PyTorch's example: base 0.05, start_factor 0.5, total_iters 4: 0.025, 0.03125, 0.0375, 0.04375, then 0.05
    rates = run(lr_scheduler.LinearLR(sgd(0.05), start_factor=0.5, total_iters=4), 7)
    assert rates == pytest.approx([0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05, 0.05], rel=1e-12)
    defaults = run(lr_scheduler.LinearLR(sgd(0.3)), 7)  # start 1/3, end 1, 5 iterations
    assert defaults == pytest.approx([0.3 * (1 / 3 + (2 / 3) * min(t, 5) / 5) for t in range(7)], rel=1e-12)


def _one_cycle_formula(t, total, max_lr, pct=0.3, div=25.0, final_div=1e4, cos=True):
    # PyTorch's OneCycleLR docs: phase 1 steps [0, pct*total - 1] from max_lr/div to max_lr, phase 2 to the end
    # (step total - 1) down to max_lr/div/final_div; each a half cosine end + (start - end)(1 + cos(pi p)) / 2
    initial, low = max_lr / div, max_lr / div / final_div
    up_end = pct * total - 1
    if t <= up_end:
        start, end, p = initial, max_lr, t / up_end
    else:
        start, end, p = max_lr, low, (t - up_end) / (total - 1 - up_end)
    return end + (start - end) * (1 + math.cos(math.pi * p)) / 2 if cos else start + (end - start) * p


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_one_cycle_lr_and_momentum(strategy):
    opt = sgd(0.1, momentum=0.9)
    s = lr_scheduler.OneCycleLR(opt, max_lr=1.0, epochs=4, steps_per_epoch=25, anneal_strategy=strategy)
    assert s.total_steps == 100
    rates, momenta = [], []
    for _ in range(100):
        rates.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
        opt.step()
        s.step()
    want = [_one_cycle_formula(t, 100, 1.0, cos=strategy == "cos") for t in range(100)]
    assert rates == pytest.approx(want, rel=1e-9)
    assert rates[0] == pytest.approx(0.04) and rates[29] == pytest.approx(1.0) and rates[99] == pytest.approx(4e-6)
    # momentum: 0.95 -> 0.85 while the rate rises, back to 0.95 at the end
    assert momenta[0] == pytest.approx(0.95) and momenta[29] == pytest.approx(0.85) and momenta[99] == pytest.approx(0.95)
    with pytest.raises(OptimizerError, match=r"tried to step 101 times; the specified number of total steps is 100"):
        s.step()


def test_one_cycle_three_phase_and_adams_beta1():
    opt = Adam([gradstep.zeros(1, requires_grad=True)], lr=1e-3)
    s = lr_scheduler.OneCycleLR(opt, max_lr=0.01, total_steps=20, pct_start=0.25, three_phase=True, anneal_strategy="linear")
    seen = []
    for _ in range(20):
        seen.append((opt.param_groups[0]["lr"], opt.param_groups[0]["betas"]))
        s.step()
    # phase ends: 0.25*20 - 1 = 4 (max), 2*0.25*20 - 2 = 8 (back to initial), 19 (min)
    assert seen[4][0] == pytest.approx(0.01) and seen[8][0] == pytest.approx(0.0004) and seen[19][0] == pytest.approx(4e-8)
    assert seen[4][1] == pytest.approx((0.85, 0.999)) and seen[8][1][0] == pytest.approx(0.95)


def test_one_cycle_errors():
    with pytest.raises(OptimizerError, match="OneCycleLR: give total_steps, or both epochs and steps_per_epoch"):
        lr_scheduler.OneCycleLR(sgd(), max_lr=1.0, epochs=3)
    with pytest.raises(OptimizerError, match=r"pct_start=0.05 with total_steps=10 leaves a phase without steps"):
        lr_scheduler.OneCycleLR(sgd(), max_lr=1.0, total_steps=10, pct_start=0.05)
    from gradstep.optim import Adagrad

    with pytest.raises(OptimizerError, match="OneCycleLR: Adagrad has no momentum or betas to cycle"):
        lr_scheduler.OneCycleLR(Adagrad([gradstep.zeros(1, requires_grad=True)]), max_lr=1.0, total_steps=10)


def test_reduce_lr_on_plateau_min_mode_patience_and_cooldown():
    opt = sgd(1.0)
    s = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, threshold=0.1)
    # rel threshold 0.1: better means < best * 0.9
    losses = [10.0, 9.5, 9.4, 9.3, 8.0, 7.9, 7.8, 7.7, 7.6, 7.5]
    rates = []
    for loss in losses:
        s.step(loss)
        rates.append(s.get_last_lr()[0])
    # best 10; 9.5 and 9.4 are not < 9: bad 1, 2; 9.3: bad 3 > 2 -> lr 0.5, cooldown 1
    # 8.0 < 9: best 8.0 (the cooldown epoch, bad stays 0); 7.9, 7.8 not < 7.2: bad 1, 2; 7.7: bad 3 -> 0.25
    # 7.6: bad 1, reset by the cooldown epoch; 7.5: bad 1
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    assert s.num_bad_epochs == 1 and s.best == 8.0


def test_reduce_lr_on_plateau_max_mode_abs_threshold_min_lr_and_eps():
    s = lr_scheduler.ReduceLROnPlateau(sgd(1.0), mode="max", factor=0.1, patience=0, threshold=0.5,
                                       threshold_mode="abs", min_lr=0.05)  # fmt: skip
    for accuracy in [0.5, 0.9, 1.2, 1.3]:  # 0.9 is not > 0.5 + 0.5: reduce; 1.2 > 1.0: better; 1.3: reduce
        s.step(accuracy)
    assert s.get_last_lr() == [0.05]  # 1.0 -> 0.1 -> max(0.01, 0.05)
    s.step(0.0)  # 0.05 * 0.1 < min_lr: stays at 0.05 (a change below eps is not made)
    assert s.get_last_lr() == [0.05]
    with pytest.raises(OptimizerError, match=r"ReduceLROnPlateau: factor must be in \[0, 1\), got 1.5"):
        lr_scheduler.ReduceLROnPlateau(sgd(), factor=1.5)
    with pytest.raises(OptimizerError, match="the metric is NaN"):
        s.step(float("nan"))


def test_state_dict_round_trip_resumes_the_same_rates():
    a = lr_scheduler.CosineAnnealingLR(sgd(0.1), T_max=10)
    run(a, 4)
    b_opt = sgd(0.1)
    b = lr_scheduler.CosineAnnealingLR(b_opt, T_max=10)
    b_opt.load_state_dict(a.optimizer.state_dict())
    b.load_state_dict(a.state_dict())
    assert run(b, 5) == run(a, 5)
    p = lr_scheduler.ReduceLROnPlateau(sgd())
    p.step(1.0)
    q = lr_scheduler.ReduceLROnPlateau(sgd())
    q.load_state_dict(p.state_dict())
    assert q.best == 1.0 and q.last_epoch == 1


def test_protocol_errors():
    opt = sgd()
    s = lr_scheduler.StepLR(opt, step_size=2)
    opt.lr = 0.5  # changed from outside: the closed form would silently overwrite it
    with pytest.raises(OptimizerError, match=r"StepLR.step: the lr of parameter group 0 was changed outside this scheduler"):
        s.step()
    with pytest.raises(OptimizerError, match="StepLR: last_epoch=3; to resume, build the scheduler with last_epoch=-1"):
        lr_scheduler.StepLR(sgd(), step_size=2, last_epoch=3)
    from gradstep.optim import schedules

    with pytest.raises(OptimizerError, match="ExponentialLR: parameter group 0 already has a schedule as its lr"):
        lr_scheduler.ExponentialLR(SGD([gradstep.zeros(1, requires_grad=True)], lr=schedules.constant(0.1)), gamma=0.9)
    with pytest.raises(OptimizerError, match="StepLR: expected a gradstep Optimizer, got list"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(OptimizerError, match="multi_step_decay: milestone must be >= 0"):
        lr_scheduler.MultiStepLR(sgd(), milestones=[-1])


def test_the_optimizer_uses_the_rate_the_scheduler_set():
    w = gradstep.tensor([1.0], requires_grad=True)
    opt = SGD([w], lr=1.0)
    s = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    s.step()  # lr 0.5
    (w * w).sum().backward()  # dL/dw = 2
    opt.step()
    assert w.tolist() == [0.0]  # 1 - 0.5 * 2
