"""ProgressBar: a tqdm bar per epoch with the running loss, then a Keras-like summary line."""

import sys

from .callbacks import Callback


def in_notebook():
    """Whether this runs in a Jupyter kernel (an IPython ZMQ shell), where a bar is a widget.

    >>> in_notebook()
    False
    """
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = get_ipython() if get_ipython is not None else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def interactive(file):
    """Whether ``file`` is a terminal (a bar that redraws itself belongs there, not in a log file).

    >>> import io
    >>> interactive(io.StringIO())
    False
    """
    isatty = getattr(file, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (ValueError, OSError):  # a closed or detached stream
        return False


def bar_class(file):
    """The tqdm class for a bar on ``file``, or None for summary lines only.

    In a notebook: tqdm's widget bar (``tqdm.notebook``, needs ipywidgets); on a
    terminal: ``tqdm.auto``; in a log file or a pipe: None, so that the file
    gets exactly one line per epoch.

    >>> import io
    >>> bar_class(io.StringIO()) is None
    True
    """
    try:
        if in_notebook():
            import ipywidgets  # noqa: F401 - tqdm.notebook draws with it
            from tqdm.notebook import tqdm
        elif interactive(file):
            from tqdm.auto import tqdm
        else:
            return None
    except ImportError:  # plain summary lines only
        return None
    return tqdm


def format_logs(logs):
    """``"loss: 0.3412 - accuracy: 0.9012 - lr: 0.01"``: the epoch logs as one line (without ``seconds``).

    >>> format_logs({"loss": 0.34123, "val_loss": 0.4, "lr": 0.01, "seconds": 1.2})
    'loss: 0.3412 - val_loss: 0.4000 - lr: 0.01'
    """
    parts = []
    for key, value in logs.items():
        if key == "seconds" or value is None:
            continue
        parts.append(f"{key}: {value:.3g}" if key == "lr" else f"{key}: {value:.4f}")
    return " - ".join(parts)


class ProgressBar(Callback):
    """Show training progress; the Trainer adds one when ``progress=True``.

    During an epoch a tqdm bar counts batches and shows the running mean loss
    (in a Jupyter notebook tqdm's widget bar; on a terminal the text bar; none
    when the output is a log file or a pipe); when the epoch ends the bar is
    cleared and one summary line is printed::

        Epoch 3/10 - 0.42s - loss: 0.2731 - accuracy: 0.9214 - val_loss: 0.3010 - val_accuracy: 0.9111 - lr: 0.01

    tqdm is imported when training starts; without it only the summary lines
    are printed.

    Parameters
    ----------
    file : file-like, optional
        Where to write (default ``sys.stdout``).

    >>> import io
    >>> out = io.StringIO(); bar = ProgressBar(file=out, use_tqdm=False)
    >>> bar.params = {"epochs": 2}
    >>> bar.on_epoch_end(0, {"loss": 0.5, "seconds": 0.25}); out.getvalue()
    'Epoch 1/2 - 0.25s - loss: 0.5000\\n'
    """

    def __init__(self, file=None, use_tqdm=True):
        self.file = file
        self.use_tqdm = use_tqdm
        self.params = {}
        self._tqdm = None
        self._bar = None

    @property
    def _out(self):
        return self.file if self.file is not None else sys.stdout

    def on_train_begin(self, logs=None):
        self.params = self.trainer.history.params
        self._tqdm = bar_class(self._out) if self.use_tqdm else None

    def on_epoch_begin(self, epoch, logs=None):
        if self._tqdm is not None:
            desc = f"Epoch {epoch + 1}/{self.params.get('epochs')}"
            self._bar = self._tqdm(total=self.params.get("steps"), desc=desc, unit="batch", leave=False,
                                   file=self._out, dynamic_ncols=True)  # fmt: skip

    def on_batch_end(self, step, logs=None):
        if self._bar is not None:
            self._bar.set_postfix_str(f"loss={logs['mean_loss']:.4f}", refresh=False)
            self._bar.update(1)

    def _close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def on_epoch_end(self, epoch, logs=None):
        self._close()
        head = f"Epoch {epoch + 1}/{self.params.get('epochs')} - {logs.get('seconds', 0.0):.2f}s"
        body = format_logs(logs)
        self.write(f"{head} - {body}" if body else head)

    def on_train_end(self, logs=None):
        self._close()

    def write(self, text):
        """Print a line without breaking an open bar."""
        if self._bar is not None:
            self._bar.write(text, file=self._out)
        else:
            print(text, file=self._out, flush=True)
