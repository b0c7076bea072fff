"""``python -m gradstep``: --version, help, and one-line usage errors."""

import gradstep

from .conftest import assert_usage_error


def test_version(gradstep_cli):
    result = gradstep_cli("--version", check_ok=True)
    assert result.stdout.strip() == f"gradstep {gradstep.__version__}"


def test_no_command_prints_help_with_every_subcommand(gradstep_cli):
    result = gradstep_cli(check_ok=True)
    for command in ("train", "evaluate", "predict", "resume", "gradcheck", "demo"):
        assert command in result.stdout


def test_unknown_option_is_a_one_line_error(gradstep_cli):
    assert_usage_error(gradstep_cli("train", "--no-such-option"), "unrecognized arguments: --no-such-option")


def test_unknown_command_is_a_one_line_error(gradstep_cli):
    assert_usage_error(gradstep_cli("fly"), "invalid choice: 'fly'")


def test_demo_list_names_every_demo(gradstep_cli):
    from gradstep.demos import DEMOS

    listing = gradstep_cli("demo", "--list", check_ok=True).stdout
    for name in DEMOS:
        assert name in listing


def test_demo_runs_prints_its_numbers_once_and_writes_the_png(gradstep_cli, tmp_path):
    result = gradstep_cli("demo", "backprop", "--small", "--out", "pictures", check_ok=True)
    assert result.stdout.count("y_hat: 0.9525741") == 1
    assert "dC/dW: [-0.0171403  0.0085702 -0.0042851]" in result.stdout
    png = tmp_path / "pictures" / "backprop.png"
    assert png.stat().st_size > 1000 and "wrote pictures/backprop.png" in result.stdout
