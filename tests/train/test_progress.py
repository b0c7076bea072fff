"""The progress output: tqdm's widget in a notebook, a bar on a terminal, one line per epoch in a log file."""

import sys
import types

from gradstep import nn, optim
from gradstep.train import ProgressBar, Trainer, progress

from .helpers import index_data


def fit_with_bar(bar, epochs=3):
    model = nn.Linear(1, 1, seed=0)
    trainer = Trainer(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.01), callbacks=[bar], progress=False)
    trainer.fit(index_data(16), epochs=epochs, batch_size=4, seed=0)


def test_a_log_file_gets_one_line_per_epoch_and_no_bar(tmp_path):
    log = tmp_path / "train.log"
    with open(log, "w") as f:
        fit_with_bar(ProgressBar(file=f))
    text = log.read_text()
    assert "\r" not in text
    lines = text.splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]


class FakeBar:
    made = []

    def __init__(self, total=None, desc=None, **kwargs):
        FakeBar.made.append(desc)

    def set_postfix_str(self, text, refresh=True):
        pass

    def update(self, n):
        pass

    def close(self):
        pass

    def write(self, text, file=None):
        print(text, file=file)


def test_a_notebook_gets_tqdms_widget_bar(monkeypatch, capsys):
    notebook = types.ModuleType("tqdm.notebook")
    notebook.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm.notebook", notebook)
    monkeypatch.setitem(sys.modules, "ipywidgets", types.ModuleType("ipywidgets"))
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    FakeBar.made = []
    fit_with_bar(ProgressBar(), epochs=2)
    assert FakeBar.made == ["Epoch 1/2", "Epoch 2/2"]
    assert capsys.readouterr().out.count("\n") == 2  # the summary lines, printed under the widget


def test_a_notebook_without_ipywidgets_prints_summary_lines_only(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    assert progress.bar_class(sys.stdout) is None


def test_a_terminal_gets_the_text_bar(monkeypatch):
    import tqdm.auto

    monkeypatch.setattr(progress, "interactive", lambda file: True)
    assert progress.bar_class(sys.stdout) is tqdm.auto.tqdm
