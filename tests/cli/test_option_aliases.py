"""--l2 is the former name of --alpha (the estimators' name): accepted on the command line, in TOML and in old runs."""

import argparse

import pytest

from gradstep.cli.options import TRAIN_OPTIONS, add_train_options, default_options, resolve_train_options
from gradstep.cli.rundir import validate_config
from gradstep.errors import CommandLineError


def _parse(*argv):
    parser = argparse.ArgumentParser()
    add_train_options(parser)
    return resolve_train_options(parser.parse_args(argv))


def test_alpha_is_the_option_and_l2_its_alias_on_the_command_line():
    assert "alpha" in TRAIN_OPTIONS and "l2" not in TRAIN_OPTIONS
    assert _parse("--alpha", "0.5")["alpha"] == 0.5
    assert _parse("--l2", "0.25")["alpha"] == 0.25
    assert _parse()["alpha"] == 0.0


def test_a_toml_file_setting_alpha_and_l2_is_refused(tmp_path):
    (tmp_path / "run.toml").write_text("alpha = 0.1\nl2 = 0.2\n")
    with pytest.raises(CommandLineError, match="sets alpha twice, as 'alpha' and 'l2'"):
        _parse("--config", str(tmp_path / "run.toml"))


def test_an_older_run_folder_with_l2_reads_as_alpha():
    options = {**default_options(), "epochs": 5, "optimizer": "adam"}
    options["l2"] = options.pop("alpha") + 0.125
    parsed = validate_config({"options": options, "data": {"n_features": 4}}, "run/config.json")
    assert parsed["alpha"] == 0.125 and "l2" not in parsed


def test_a_run_folder_with_both_spellings_is_damaged():
    options = {**default_options(), "epochs": 5, "optimizer": "adam", "l2": 0.5}
    with pytest.raises(CommandLineError, match=r"run/config.json is damaged: options \['alpha'\] are given twice"):
        validate_config({"options": options, "data": {"n_features": 4}}, "run/config.json")
