"""Plots that show what the math is doing: training curves, loss landscapes, graphs, boundaries.

matplotlib is imported inside the functions (with the Agg backend when there is
no display), so importing this package needs only NumPy; install the ``plot``
extra to draw. Every plot function returns the matplotlib Figure and saves it
when given ``path=``.

>>> from gradstep import viz
>>> fig = viz.plot_history({"loss": [1.0, 0.6, 0.5], "val_loss": [1.1, 0.8, 0.9]})
>>> fig.axes[0].get_title()
'loss'
"""

from .activations import ACTIVATIONS, activation_curves, plot_activations
from .boundaries import plot_decision_boundary
from .confusion import plot_confusion_matrix
from .curves import best_epoch, plot_curves, plot_history, plot_learning_rates
from .gradients import gradient_norms, plot_gradient_norms
from .graph import Graph, GraphNode, draw_graph
from .landscape import plot_loss_landscape
from .report import report, run_report, write_run_report

__all__ = [
    "plot_history", "plot_curves", "plot_learning_rates", "best_epoch",
    "plot_loss_landscape", "plot_decision_boundary", "plot_confusion_matrix",
    "plot_activations", "activation_curves", "ACTIVATIONS",
    "plot_gradient_norms", "gradient_norms",
    "draw_graph", "Graph", "GraphNode",
    "report", "run_report", "write_run_report",
]  # fmt: skip
