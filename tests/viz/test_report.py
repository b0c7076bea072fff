"""The HTML run report holds the run folder's own numbers, inline images only, and the marks it promises."""

import base64
import json
import re
import struct

import numpy as np
import pytest

from gradstep import nn, optim, viz
from gradstep.cli import main
from gradstep.train import EarlyStopping, GradientStats, History, Trainer
from gradstep.viz.report import ReportError, read_history_csv, run_report

from .report_runs import train_and_resume


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return train_and_resume(tmp_path_factory.mktemp("report") / "run")


def png_sizes(page):
    """(width, height) of every inline PNG (read from the IHDR chunk of the decoded bytes)."""
    sizes = []
    for payload in re.findall(r'<img src="data:image/png;base64,([^"]+)"', page):
        data = base64.b64decode(payload)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        sizes.append(struct.unpack(">II", data[16:24]))
    return sizes


def test_train_and_resume_write_the_report_with_the_folders_numbers(run_dir):
    page = (run_dir / "report.html").read_text()
    config = json.loads((run_dir / "config.json").read_text())
    metrics = json.loads((run_dir / "metrics.json").read_text())
    history = read_history_csv(run_dir / "history.csv")
    assert len(history["loss"]) == 6 and config["epochs_trained"] == 6
    assert f"best epoch: {metrics['best_epoch']}" in page
    assert f"test accuracy: {metrics['test']['accuracy']:.4f}" in page
    assert "resumed after epoch 4" in page
    for name, value in metrics["test"].items():  # the test metrics table
        assert re.search(rf"<td>{name}</td><td class=\"num\">{value:.4f}</td>", page), name
    for epoch, (loss, val_loss) in enumerate(zip(history["loss"], history["val_loss"]), start=1):
        assert f'<td class="num">{epoch}</td><td class="num">{loss:.4f}</td>' in page
        assert f"{val_loss:.4f}" in page
    for option, value in config["options"].items():  # every option
        assert f"<td>{option}</td>" in page, option
    assert f"<td>{config['numpy']}</td>" in page and "gradstep (training)" in page
    sizes = config["data"]["sizes"]
    assert f"<td>train examples</td><td>{sizes['train']}</td>" in page
    assert "Total params: 67" in page  # 4*8 + 8 + 8*3 + 3 for iris through one hidden layer of 8


def test_the_report_is_self_contained(run_dir):
    page = (run_dir / "report.html").read_text()
    assert "<script" not in page
    assert not re.search(r'(src|href)="(?!data:)', page)  # no file or network reference
    sizes = png_sizes(page)
    assert len(sizes) == 4  # curves, learning rate, gradients, confusion matrix
    assert all(w >= 400 and h >= 200 for w, h in sizes)


def test_gradient_stats_follow_the_run_across_the_resume(run_dir):
    records = json.loads((run_dir / "gradient_stats.json").read_text())
    assert records["epoch"] == [1, 2, 3, 4, 5, 6]
    assert sorted(records["grad_norm"]) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    for stat in ("grad_norm", "update_ratio", "weight_norm"):
        for values in records[stat].values():
            assert len(values) == 6 and all(v is not None and v > 0 for v in values)
    assert run_report(run_dir)["gradients"] == records


def test_report_command_writes_where_asked(run_dir, tmp_path, capsys):
    out = tmp_path / "sub" / "r.html"
    assert main(["report", str(run_dir), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"report: {out}"
    assert "Model: Sequential" in out.read_text()


def test_report_command_on_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "is not a run folder: it has no config.json" in capsys.readouterr().err


def make_trainer(callbacks):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(2, 16, seed=0), nn.ReLU(), nn.Linear(16, 2, seed=1))
    trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.5), metrics=["accuracy"],
                      callbacks=callbacks, progress=False)  # fmt: skip
    return trainer, (X[:80], y[:80]), (X[80:], y[80:])


def test_report_from_a_trainer_marks_the_early_stop(tmp_path):
    trainer, train, val = make_trainer([GradientStats(), EarlyStopping(patience=2)])
    history = trainer.fit(train, val=val, epochs=200, batch_size=16, seed=0)
    assert trainer.stop_reason.startswith("early stopping")
    path = viz.report(trainer, tmp_path / "r.html", test={"accuracy": 0.875})
    page = path.read_text()
    best = int(np.argmin(history["val_loss"])) + 1
    assert f"best epoch: {best}" in page and "test accuracy: 0.8750" in page
    assert "Red: early stop." in page and "stopped: early stopping at epoch" in page
    assert "Model: Sequential" in page and "SGD" in page
    assert len(png_sizes(page)) == 3  # curves, learning rate, gradients (no confusion matrix given)


def test_report_from_a_history_has_curves_and_no_gradients(tmp_path):
    h = History()
    for epoch, loss in enumerate([1.0, 0.5, 0.7]):
        h.append(epoch, {"loss": loss})
    page = viz.report(h, tmp_path / "h.html").read_text()
    assert "best epoch: 2" in page and "No gradient statistics were recorded" in page


@pytest.mark.parametrize(
    "value, message",
    [
        (42, r"report: expected a Trainer, a History, a dict of per-epoch lists or a run folder, got int"),
        (History(), r"report: the history has no 'loss' values"),
    ],
)
def test_report_of_something_else_is_a_clear_error(value, message, tmp_path):
    with pytest.raises(ReportError, match=message):
        viz.report(value, tmp_path / "x.html")


def test_run_folder_without_history(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ReportError, match=r"has no history.csv: its training never finished an epoch"):
        run_report(tmp_path)
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ReportError, match=r"config.json \(the run's configuration\) is not valid JSON"):
        run_report(tmp_path)
