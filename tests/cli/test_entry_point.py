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
