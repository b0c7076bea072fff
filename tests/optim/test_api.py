"""The two training APIs agree value for value; groups, lr, zero_grad, global_step and errors of the base class."""

import numpy as np
import pytest

import gradstep
from gradstep.optim import SGD, Adam, OptimizerError, schedules

from .helpers import OPTIMIZERS, make_problem, param

@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_minimize_equals_compute_apply_equals_zero_grad_backward_step(name):
    runs = []
    for style in ("pytorch", "tensorflow", "minimize"):
        params, loss, _ = make_problem()
        opt = OPTIMIZERS[name](params)
        for _ in range(4):
            if style == "pytorch":
                opt.zero_grad()
                loss().backward()
                opt.step()
            elif style == "tensorflow":
                opt.apply_gradients(opt.compute_gradients(loss()))
            else:
                opt.minimize(loss())
        assert opt.global_step == 4
        runs.append([p.data.copy() for p in params])
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            np.testing.assert_array_equal(a, b)
    # the parameter without a gradient is skipped; the others moved
    np.testing.assert_array_equal(runs[0][2], np.ones(2, dtype=np.float32))
    assert not np.array_equal(runs[0][0], make_problem()[0][0].data)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_float32_parameters_and_state_stay_float32(name):
    params, loss, _ = make_problem()
    opt = OPTIMIZERS[name](params)
    for _ in range(3):
        opt.minimize(loss())
    for p in params:
        assert p.data.dtype == np.float32
        for value in opt.state.get(p, {}).values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32


def test_updates_are_in_place():
    params, loss, _ = make_problem()
    arrays = [p.data for p in params]
    opt = Adam(params, lr=0.1)
    opt.minimize(loss())
    state = opt.state[params[0]]["exp_avg"]
    opt.minimize(loss())
    assert all(p.data is a for p, a in zip(params, arrays))
    assert opt.state[params[0]]["exp_avg"] is state


def test_compute_gradients_returns_grads_as_tensors_and_none_for_unused():
    params, loss, (x, y) = make_problem()
    W, b, _ = params
    opt = SGD(params, lr=0.1)
    loss().backward()  # a stale gradient, which compute_gradients must clear first
    grads_and_vars = opt.compute_gradients(loss())
    assert [p for _, p in grads_and_vars] == params
    g_W, g_b, g_u = (g for g, _ in grads_and_vars)
    assert g_u is None
    assert isinstance(g_W, gradstep.Tensor) and g_W is W.grad and g_W.shape == (3, 2)
    # L = sum(r^2) with r = xW + b - y:  dL/dW = 2 x^T r,  dL/db = 2 sum_rows(r)
    r = x @ W.data + b.data - y
    np.testing.assert_allclose(g_W, 2 * x.T @ r, rtol=1e-5)
    np.testing.assert_allclose(g_b, 2 * r.sum(axis=0), rtol=1e-5)


def test_compute_gradients_for_a_subset_of_params():
    params, loss, _ = make_problem()
    opt = SGD(params, lr=0.1)
    grads_and_vars = opt.compute_gradients(loss(), params=[params[1]])
    assert len(grads_and_vars) == 1 and grads_and_vars[0][1] is params[1]


def test_apply_gradients_uses_the_edited_gradients():
    w = param(1.0, 2.0)
    opt = SGD([w], lr=0.1)
    grads_and_vars = opt.compute_gradients((w * w).sum())
    edited = [(g * 0.5, p) for g, p in grads_and_vars]  # g = 2w, halved = w
    opt.apply_gradients(edited)
    np.testing.assert_allclose(w.data, [0.9, 1.8], rtol=1e-15)
    np.testing.assert_array_equal(w.grad, [1.0, 2.0])  # the applied gradient became .grad
    assert opt.global_step == 1


def test_apply_gradients_casts_to_the_parameter_dtype():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([w], lr=0.5)
    opt.apply_gradients([(np.array([1.0, 1.0], dtype=np.float64), w)])
    assert w.data.dtype == np.float32 and w.grad.dtype == np.float32
    np.testing.assert_array_equal(w.data, [0.5, 1.5])


def test_apply_gradients_shape_error_names_index_and_shapes():
    a, b = param(1.0, 2.0), param(1.0, 2.0, 3.0)
    opt = SGD([a, b], lr=0.1)
    with pytest.raises(gradstep.ShapeError, match=r"SGD.apply_gradients: gradient 1 has shape \(2,\) but its parameter has shape \(3,\)"):
        opt.apply_gradients([(np.zeros(2), a), (np.zeros(2), b)])
    assert opt.global_step == 0
    np.testing.assert_array_equal(a.data, [1.0, 2.0])  # nothing applied
    assert a.grad is None


def test_apply_gradients_rejects_foreign_params_and_non_pairs():
    a = param(1.0)
    opt = SGD([a], lr=0.1)
    with pytest.raises(OptimizerError, match=r"SGD.apply_gradients: the parameter of pair 0 is not one of this optimizer's"):
        opt.apply_gradients([(np.zeros(1), param(1.0))])
    with pytest.raises(OptimizerError, match=r"SGD.apply_gradients: item 0 must be a \(grad, param\) pair, got ndarray"):
        opt.apply_gradients([np.zeros(1)])


def test_step_shape_error_when_grad_was_set_wrong():
    a = param(1.0, 2.0)
    opt = SGD([a], lr=0.1)
    a.grad = np.zeros(3)
    with pytest.raises(gradstep.ShapeError, match=r"SGD.step: the gradient of parameter 0 of group 0 has shape \(3,\), the parameter has shape \(2,\)"):
        opt.step()


def test_compute_gradients_needs_a_tensor_loss():
    opt = SGD([param(1.0)], lr=0.1)
    with pytest.raises(OptimizerError, match=r"SGD.compute_gradients: loss must be a Tensor, got float"):
        opt.compute_gradients(1.0)
    with pytest.raises(OptimizerError, match=r"SGD.compute_gradients: params\[0\] is a str, not a Tensor"):
        opt.compute_gradients(param(1.0).sum(), params=["w"])


def test_global_step_counts_every_update_even_without_gradients():
    w = param(1.0)
    opt = SGD([w], lr=0.1)
    opt.step()
    assert opt.global_step == 1 and w.data[0] == 1.0
    opt.minimize((w * w).sum())
    opt.apply_gradients(opt.compute_gradients((w * w).sum()))
    assert opt.global_step == 3


def test_zero_grad_set_to_none_or_fill_in_place():
    w = param(1.0, 2.0)
    opt = SGD([w], lr=0.1)
    (w * w).sum().backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad
    np.testing.assert_array_equal(grad, [0.0, 0.0])
    opt.zero_grad()
    assert w.grad is None
    opt.zero_grad(set_to_none=False)  # nothing to fill
    assert w.grad is None


def test_step_with_closure_returns_the_loss():
    w = param(3.0)
    opt = SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with gradstep.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_array_equal(w.data, [1.5])


def test_parameter_groups_have_their_own_hyperparameters():
    a, b = param(1.0), param(1.0)
    opt = SGD([{"params": [a]}, {"params": b, "lr": 0.01, "momentum": 0.9}], lr=0.1)
    assert opt.get_lr() == [0.1, 0.01]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[0]["momentum"] == 0.0
    opt.minimize((a * a + b * b).sum())
    np.testing.assert_allclose([a.data[0], b.data[0]], [1 - 0.1 * 2, 1 - 0.01 * 2], rtol=1e-15)


def test_lr_property_setter_and_schedules():
    w = param(0.0)
    sched = schedules.step_decay(1.0, step_size=1, gamma=0.5)  # 1, 0.5, 0.25, ...
    opt = SGD([w], lr=sched)
    assert opt.lr == 1.0 and isinstance(opt.lr, float)
    # on L = w the gradient is 1, so update t moves w by -schedule(t)
    for t in range(3):
        assert opt.lr == 0.5**t
        opt.minimize(w.sum())
    np.testing.assert_allclose(w.data, [-(1.0 + 0.5 + 0.25)], rtol=1e-15)
    assert opt.get_lr() == [0.125]
    opt.lr = 0.01  # the ReduceLROnPlateau hook: a constant lr on every group
    assert opt.lr == 0.01 and opt.param_groups[0]["lr"] == 0.01
    opt.minimize(w.sum())
    np.testing.assert_allclose(w.data, [-1.76], rtol=1e-15)
    with pytest.raises(OptimizerError, match=r"SGD: lr must be >= 0, got -1.0"):
        opt.lr = -1.0
    assert opt.lr == 0.01


def test_a_schedule_that_returns_a_bad_value_is_reported():
    opt = SGD([param(1.0)], lr=lambda t: -0.5 * t)
    opt.step()  # t = 0 gives 0.0, fine
    with pytest.raises(OptimizerError, match=r"SGD: the learning-rate schedule .* returned -0.5 at step 1; a learning rate must be a finite number >= 0"):
        opt.step()


def test_repr_lists_groups():
    opt = Adam([param(1.0), param(2.0)], lr=0.1)
    assert repr(opt).startswith("Adam(\n  group 0: 2 parameters, lr=0.1, betas=(0.9, 0.999)")


def test_numpy_scalar_hyperparameters_do_not_upcast_float32():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([w], lr=np.float64(0.1), momentum=np.float64(0.9), weight_decay=np.float64(0.01))
    assert type(opt.param_groups[0]["lr"]) is float
    opt.lr = np.float64(0.2)
    assert type(opt.param_groups[0]["lr"]) is float
    opt2 = Adam([gradstep.tensor([1.0], requires_grad=True)], lr=lambda t: np.float64(0.1), betas=[np.float64(0.9), 0.99])
    assert opt2.param_groups[0]["betas"] == (0.9, 0.99) and type(opt2.lr) is float
    for _ in range(2):
        opt.minimize((w * w).sum())
    assert w.data.dtype == np.float32 and opt.state[w]["momentum_buffer"].dtype == np.float32


def test_frozen_parameters_are_accepted_and_skipped():
    frozen = gradstep.tensor([1.0, 2.0])  # requires_grad=False, like a frozen layer's weight
    w = param(1.0)
    opt = Adam([w, frozen], lr=0.1)
    opt.minimize((w * w).sum())
    np.testing.assert_array_equal(frozen.data, [1.0, 2.0])
    assert frozen not in opt.state and w in opt.state


def test_parameter_data_replaced_with_another_dtype_is_updated_in_that_dtype():
    w = gradstep.tensor([1.0, 2.0], requires_grad=True)
    opt = SGD([w], lr=0.5)
    opt.minimize((w * w).sum())  # scratch arrays are float32 now
    w.data = np.array([1.0, 1.0 + 2.0**-40])  # float64, a difference float32 cannot hold
    w.grad = np.array([1.0, 1.0])
    opt.step()
    assert w.data.dtype == np.float64
    assert w.data[1] - w.data[0] == 2.0**-40
