"""Every demo at small size: it writes a non-empty PNG and the numbers behind it follow from the math."""

import math
from pathlib import Path

import numpy as np
import pytest

from gradstep.demos import DEMOS, UnknownDemoError, _common, run_demo

ISSUE_NAMES = [
    "gd-1d", "regression-landscape", "optimizers", "learning-rates", "batch-modes", "activations",
    "vanishing-gradients", "backprop", "decision-boundary", "overfitting", "random-search",
    "numerical-derivatives", "forward-vs-reverse", "jacobian",
]  # fmt: skip


#: for each demo run: (suptitle, [(title, xlabel, ylabel) of each visible Axes]) of every figure it saved
LOOKS = {}


def _recording_save(save):
    def record(fig, path, dpi=100):
        axes = [(ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes
                if ax.axison and getattr(ax, "_colorbar", None) is None]  # colour bars have their label only
        suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
        LOOKS.setdefault(Path(path).name, (suptitle, axes))
        return save(fig, path, dpi=dpi)

    return record


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """Each demo's numbers, run once (small) per test module, lazily; the look of each figure in LOOKS."""
    cache = {}

    def get(name):
        if name not in cache:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(_common, "save", _recording_save(_common.save))
                cache[name] = run_demo(name, tmp_path_factory.mktemp(name), small=True, verbose=False)
        return cache[name]

    return get


def test_registry_has_the_issue_demos_with_descriptions():
    assert list(DEMOS) == ISSUE_NAMES
    for name, (description, function) in DEMOS.items():
        assert isinstance(description, str) and 20 < len(description) < 110 and "\n" not in description
        assert callable(function)


def test_unknown_demo_names_the_known_ones(tmp_path):
    with pytest.raises(UnknownDemoError, match=r"run_demo: unknown demo 'gd1d'; demos: gd-1d, regression-landscape"):
        run_demo("gd1d", tmp_path)


@pytest.mark.parametrize("name", ISSUE_NAMES)
def test_demo_writes_a_png(name, ran):
    figures = ran(name)["figures"]
    assert figures
    for path in figures:
        with open(path, "rb") as f:
            head = f.read(8)
        assert head == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ISSUE_NAMES)
def test_demo_figures_are_wide_titled_and_labelled(name, ran):
    for path in ran(name)["figures"]:
        assert _common.png_width(path) >= 1000, path
        suptitle, axes = LOOKS[Path(path).name]
        for title, xlabel, ylabel in axes:  # every drawn Axes: both axes labelled, and a title on it or the figure
            assert xlabel and ylabel, (path, title)
            assert title or suptitle, path


def test_demo_prints_its_numbers(tmp_path, capsys):
    numbers = DEMOS["backprop"][1](tmp_path, small=True)
    out = capsys.readouterr().out
    assert "y_hat: 0.9525741" in out and "dC/dW: [-0.0171403  0.0085702 -0.0042851]" in out
    assert numbers["z"] == 3.0


def test_gd_1d_good_step_reaches_3_and_large_step_diverges(ran):
    numbers = ran("gd-1d")
    n = numbers["steps"]
    # x_k - 3 = (1 - 2 eta)^k (x_0 - 3) with x_0 = 0
    assert abs(numbers["good"]["x_final"] - 3) < 1e-3
    assert math.isclose(numbers["good"]["x_final"], 3 - 3 * 0.8**n, rel_tol=1e-9)
    assert math.isclose(numbers["too small"]["x_final"], 3 - 3 * 0.98**n, rel_tol=1e-9)
    assert math.isclose(numbers["too large"]["|x_final - 3|"], 3 * 1.2**n, rel_tol=1e-9)
    assert numbers["too large"]["|x_final - 3|"] > 1000
    iterates = numbers["too large"]["iterates"]
    errors = [abs(x - 3) for x in iterates]
    assert all(b > a for a, b in zip(errors, errors[1:]))  # every step overshoots further


def test_backprop_numbers_are_the_worked_example(ran, tmp_path):
    numbers = ran("backprop")
    assert abs(numbers["z"] - 3.0) < 1e-6
    assert abs(numbers["y_hat"] - 0.9525741) < 1e-6
    assert abs(numbers["C"] - 0.0022492) < 1e-6
    assert np.allclose(numbers["dC/dW"], [-0.0171403, 0.0085702, -0.0042851], atol=1e-6)
    assert abs(numbers["dC/db"] - -0.0042851) < 1e-6
    # the chain rule by hand: dC/dz = 2 (y_hat - 1) y_hat (1 - y_hat)
    y_hat = 1 / (1 + math.exp(-3))
    assert math.isclose(numbers["dC/dz"], 2 * (y_hat - 1) * y_hat * (1 - y_hat), rel_tol=1e-12)
    # every node made by an op shows its gradient, sum and sub included: d(W.x) = dC/dz, d(y_hat - y) = 2 (y_hat - y)
    assert math.isclose(numbers["dC/d(W.x)"], numbers["dC/dz"], rel_tol=1e-12)
    assert math.isclose(numbers["dC/d(y_hat - y)"], 2 * (y_hat - 1), rel_tol=1e-12)
    dot = open(numbers["dot"]).read()
    for text in ("sigmoid", "pow", "mul", "W.x = sum", "y_hat-y = sub", "value: 0.9525741", "grad: -0.004285085",
                 "value: [-1, 0.5, 10]", "grad: -0.09485175"):  # fmt: skip
        assert text in dot
    op_lines = [line for line in dot.splitlines() if "= " in line and "label=" in line]
    assert len(op_lines) == 6 and all("grad: " in line for line in op_lines)


def test_optimizers_use_gradstep_optim_and_adam_solves_rosenbrock(ran):
    numbers = ran("optimizers")
    adam = numbers["rosenbrock"]["Adam"]
    assert np.allclose(adam["end"], [1.0, 1.0], atol=0.05)
    # plain SGD on (w1^2 + 25 w2^2)/2 with lr 0.07: w1 <- 0.93 w1, w2 <- (1 - 1.75) w2
    steps = numbers["quadratic"]["steps"]
    expected = [-4.0 * 0.93**steps, 1.5 * (-0.75) ** steps]
    assert np.allclose(numbers["quadratic"]["SGD"]["end"], expected, rtol=1e-9, atol=1e-12)
    for surface in ("quadratic", "rosenbrock"):
        assert set(numbers[surface]) >= {"SGD", "momentum", "Nesterov", "Adagrad", "RMSprop", "Adam"}


def test_regression_landscape_gd_reaches_the_closed_form(ran):
    numbers = ran("regression-landscape")
    std, raw = numbers["standardised"], numbers["raw"]
    # Hessian 2I and eta = 0.25: the error halves every epoch
    assert np.allclose(std["full batch: end (w, b)"], std["closed form (w, b)"], atol=1e-6)
    assert std["full batch: updates"] == numbers["epochs"]
    assert std["online (1): updates"] == numbers["epochs"] * numbers["samples"]
    assert std["minibatch (16): updates"] == numbers["epochs"] * math.ceil(numbers["samples"] / 16)
    assert raw["Hessian condition number"] > 50
    assert raw["full batch: distance to closed form"] > 1e3 * std["full batch: distance to closed form"]


def test_vanishing_gradients_ratio(ran):
    numbers = ran("vanishing-gradients")
    sigmoid, relu = numbers["sigmoid, Xavier"], numbers["ReLU, He"]
    assert len(sigmoid["norms, input layer first"]) == numbers["layers"]
    # sigmoid' <= 1/4 per layer: the norms shrink towards the input by orders of magnitude
    assert sigmoid["first / last"] < 1e-2
    assert 0.1 < relu["first / last"] < 10
    norms = sigmoid["norms, input layer first"]
    assert all(a < b for a, b in zip(norms, norms[1:]))


def test_activation_derivatives(ran):
    numbers = ran("activations")
    s2 = 1 / (1 + math.exp(-2))
    assert numbers["sigmoid"]["max derivative"] == 0.25
    assert np.allclose(numbers["sigmoid"]["a'(-2), a'(0), a'(2)"], [s2 * (1 - s2), 0.25, s2 * (1 - s2)], atol=1e-12)
    assert np.allclose(numbers["tanh"]["a'(-2), a'(0), a'(2)"], [1 - math.tanh(2) ** 2, 1, 1 - math.tanh(2) ** 2])
    assert numbers["relu"]["a'(-2), a'(0), a'(2)"] == [0.0, 0.0, 1.0]
    slope = numbers["leaky ReLU slope"]
    assert numbers["leaky_relu"]["a'(-2), a'(0), a'(2)"] == [slope, slope, 1.0]


def test_decision_boundary_mlp_beats_a_line(ran):
    numbers = ran("decision-boundary")
    assert numbers["MLP accuracy"] >= 0.95
    assert numbers["logistic regression accuracy"] <= 0.7


def test_overfitting_curves_and_early_stopping(ran):
    numbers = ran("overfitting")
    plain = numbers["no regularisation"]
    assert plain["train loss at the last epoch"] < plain["val loss at the last epoch"]
    assert plain["val loss at the last epoch"] > plain["best val loss"]  # validation loss turned up
    assert plain["final model: weights of epoch"] == plain["last epoch"] == numbers["epochs"]
    assert plain["final model: val loss"] == pytest.approx(plain["val loss at the last epoch"], rel=1e-6)
    stopped = numbers["early stopping"]
    assert stopped["stopped at epoch"] < numbers["epochs"]
    # the final model is the restored one: its validation loss is the best epoch's, not the last epoch's
    assert stopped["final model: weights of epoch"] == stopped["best epoch"]
    assert stopped["final model: val loss"] == pytest.approx(stopped["best val loss"], rel=1e-6)
    assert stopped["final model: val loss"] < stopped["val loss at the last epoch"]
    # regularised, the final model fits the validation set better than the unregularised one
    for name in ("L2 (weight decay 1e-2)", "dropout 0.5", "early stopping"):
        assert numbers[name]["final model: val loss"] < plain["final model: val loss"], name


def test_random_search_loses_to_gradient_descent(ran):
    numbers = ran("random-search")
    assert math.isclose(numbers["gradient descent final loss"], numbers["least-squares loss"], rel_tol=1e-6)
    assert numbers["random search final loss"] > numbers["least-squares loss"] * 1.01
    assert isinstance(numbers["evaluations to reach 1% of the optimum"]["gradient descent"], int)


def test_learning_rates_too_small_barely_moves(ran):
    numbers = ran("learning-rates")
    small, good, large = numbers["lr = 0.001"], numbers["lr = 0.1"], numbers["lr = 10"]
    assert small["last loss"] > 0.9 * small["first loss"]
    assert good["last loss"] < 0.6 * good["first loss"]
    assert large["diverged"] or large["last loss"] > good["last loss"]
    # the too-large rate leaves the figure's loss axis (the figure marks the step); the good one never does
    assert large["leaves the axes at step"] >= 1 and large["largest finite loss"] > 30
    assert "leaves the axes at step" not in good


def test_learning_rates_shows_the_computed_2_over_L(ran):
    # least squares on the demo's standardised moons: L = lambda_max([x', 1]^T [x', 1] / n), computed here from the math
    from gradstep.demos._data import make_moons

    numbers = ran("learning-rates")
    X, _ = make_moons(numbers["samples"], noise=0.2, seed=0)
    X = X.astype(np.float64)  # the estimator computes in float64
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    A = np.c_[Xs, np.ones(len(Xs))]
    assert numbers["least squares 2/L"] == pytest.approx(2 / np.linalg.eigvalsh(A.T @ A / len(A))[-1], rel=1e-9)
    below, above = numbers["lr = 0.95 x 2/L"], numbers["lr = 1.05 x 2/L"]
    assert below["last loss"] < below["first loss"] and above["last loss"] > above["first loss"]
    assert any(path.endswith("learning-rates-bound.png") for path in numbers["figures"])


def test_batch_modes_updates_per_epoch(ran):
    numbers = ran("batch-modes")
    n = numbers["samples"]
    assert numbers["online (1)"]["updates per epoch"] == n
    assert numbers["minibatch (32)"]["updates per epoch"] == math.ceil(n / 32)
    assert numbers["full batch"]["updates per epoch"] == 1
    assert numbers["online (1)"]["loss after epoch 1"] < numbers["full batch"]["loss after epoch 1"]


def test_numerical_derivatives_best_steps_follow_the_error_terms(ran):
    # forward: truncation h |f''|/2 against round-off ~ eps/h, best near eps^(1/2); central: h^2 |f'''|/6, best
    # near eps^(1/3) with a far smaller error; for x^2 (f''' = 0) the central difference has only round-off
    numbers = ran("numerical-derivatives")
    sin = numbers["sin x"]
    assert 10**-1.5 < sin["forward"]["best h"] / numbers["eps^(1/2)"] < 10**1.5
    assert 10**-1.5 < sin["central"]["best h"] / numbers["eps^(1/3)"] < 10**1.5
    assert sin["central"]["typical error there"] < 1e-3 * sin["forward"]["typical error there"]
    assert sin["forward"]["typical error there"] < 1e-7
    assert numbers["x^2"]["central"]["typical error there"] < 1e-12


def test_forward_vs_reverse_builds_the_same_jacobians_at_each_size(ran):
    numbers = ran("forward-vs-reverse")
    rows = numbers["m = 16, n varies"]
    assert [(r["n"], r["m"]) for r in rows] == [(2, 16), (16, 16), (64, 16)]
    assert all(r["jacfwd s"] > 0 and r["jacrev s"] > 0 for r in rows)  # times only: they depend on the machine


def test_jacobian_demo_chain_rule_is_the_product(ran):
    numbers = ran("jacobian")
    x1, x2 = numbers["x"]
    assert numbers["max |J_g J_f - J|"] < 1e-12 and numbers["max |J_f - by hand|"] < 1e-12
    assert numbers["max |jacfwd - jacrev| of f"] < 1e-12
    # J of g(f(x)) from the formulas: y1 = x1 x2 + (x1 + x2) sin x1, y2 = (x1 x2)^2 - sin x1
    expected = [
        [x2 + np.sin(x1) + (x1 + x2) * np.cos(x1), x1 + np.sin(x1)],
        [2 * x1 * x2**2 - np.cos(x1), 2 * x1**2 * x2],
    ]
    np.testing.assert_allclose(numbers["J_{g o f}(x)"], expected, rtol=1e-12)
