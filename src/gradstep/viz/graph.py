"""The computation graph behind a tensor, each node with its op, forward value and gradient.

The walk uses the autodiff's own records: a tensor made by an op holds a graph
node (``tensor._ctx``) naming the op (``ctx.fn.name``) and its input tensors
(``ctx.inputs``), in the order ``gradstep.engine.topological_order`` gives.

Two things to know when drawing after backward():

- backward() frees the graph unless it was called with ``retain_graph=True``;
  a freed node still shows its op and value but no longer knows its inputs.
- only leaf tensors keep ``.grad``; call ``t.retain_grad()`` before backward()
  on the intermediate results whose gradients should appear.
"""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engine import topological_order
from ..errors import GradstepError
from ..tensor import Tensor

_FILL = {"op": "#dbe9f6", "param": "#fde2c8", "const": "#eeeeee"}


def format_array(array, max_elements=6):
    """A short text for a value or gradient: the numbers (7 significant digits) if few, else the shape.

    >>> format_array(np.float32(0.95257413))
    '0.9525741'
    >>> format_array(np.array([-1.0, 0.5, 10.0]))
    '[-1, 0.5, 10]'
    >>> format_array(np.zeros((128, 10)))
    'shape (128, 10)'
    """
    array = np.asarray(array)
    if array.size > max_elements:
        return f"shape {array.shape}"
    if array.ndim == 0:
        return f"{array.item():.7g}"
    text = np.array2string(array, separator=", ", formatter={"all": lambda v: f"{v:.7g}"})
    return " ".join(text.split())


@dataclass
class GraphNode:
    """One tensor of the graph: its key in the DOT text, what made it, and its numbers.

    ``kind`` is ``"op"`` (made by op ``op``), ``"param"`` (a leaf that requires
    grad) or ``"const"`` (a leaf that does not); ``grad`` is None when backward()
    did not keep one; ``freed`` marks an op node whose inputs backward() released.

    >>> GraphNode("n0", "param", "", "w", np.float32(3.0), np.float32(20.0)).lines()
    ['w', 'value: 3', 'grad: 20']
    """

    key: str
    kind: str
    op: str
    name: str
    value: np.ndarray
    grad: object
    freed: bool = False

    def lines(self, max_elements=6):
        """The text lines shown in the node's box.

        >>> GraphNode("n0", "op", "mul", "", np.float32(3.0), None).lines()
        ['mul', 'value: 3']
        """
        title = self.op if self.kind == "op" else (self.name or ("param" if self.kind == "param" else "const"))
        if self.kind == "op" and self.name:
            title = f"{self.name} = {self.op}"
        lines = [title, f"value: {format_array(self.value, max_elements)}"]
        if self.grad is not None:
            lines.append(f"grad: {format_array(self.grad, max_elements)}")
        if self.freed:
            lines.append("(inputs freed by backward)")
        return lines


class Graph:
    """A drawn computation graph: ``nodes`` (inputs first, output last), ``edges`` (input key, output key).

    ``dot`` is the Graphviz text; ``render(path)`` writes SVG/PNG/PDF (with the
    ``dot`` program when it is installed, else with matplotlib) or the DOT text
    itself for a ``.dot`` path; ``figure()`` draws it with matplotlib.
    ``str(graph)`` is the DOT text.

    >>> import gradstep
    >>> x = gradstep.tensor(2.0, requires_grad=True)
    >>> graph = draw_graph(x * x, names={"x": x})
    >>> graph, graph.dot.splitlines()[0]
    (Graph(2 nodes, 2 edges), 'digraph gradstep {')
    """

    def __init__(self, nodes, edges, max_elements=6):
        self.nodes = nodes
        self.edges = edges
        self.max_elements = max_elements

    def node(self, name):
        """The node with this given name, or (for unnamed op nodes) the first with this op.

        >>> import gradstep
        >>> from gradstep.viz import draw_graph
        >>> x = gradstep.tensor(2.0, requires_grad=True)
        >>> draw_graph(x * x, names={"x": x}).node("mul").value
        array(4., dtype=float32)
        """
        for candidate in (lambda n: n.name == name, lambda n: n.kind == "op" and n.op == name):
            for node in self.nodes:
                if candidate(node):
                    return node
        raise GradstepError(f"Graph.node: no node named {name!r}; nodes: {[n.name or n.op for n in self.nodes]}")

    @property
    def dot(self):
        """Graphviz DOT text: one box per tensor (op, value, gradient), arrows from inputs to results."""
        out = [
            "digraph gradstep {",
            "  rankdir=LR;",
            '  node [shape=box, style="rounded,filled", fontname="monospace", fontsize=10];',
        ]
        for node in self.nodes:
            label = "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in node.lines(self.max_elements))
            out.append(f'  {node.key} [label="{label}", fillcolor="{_FILL[node.kind]}"];')
        for src, dst in self.edges:
            out.append(f"  {src} -> {dst};")
        out.append("}")
        return "\n".join(out) + "\n"

    def __str__(self):
        return self.dot

    def __repr__(self):
        return f"Graph({len(self.nodes)} nodes, {len(self.edges)} edges)"

    def _repr_svg_(self):
        """Jupyter's rich display: the graph drawn by ``figure()`` as SVG text.

        >>> import gradstep
        >>> x = gradstep.tensor(2.0, requires_grad=True)
        >>> draw_graph(x * x)._repr_svg_().lstrip().startswith("<?xml")
        True
        """
        import io

        from ._style import close

        fig = self.figure(fontsize=10)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight")
        close(fig)
        return buffer.getvalue()

    def _columns(self):
        """Column of each node: ops right of all their inputs, leaves just left of their first consumer."""
        inputs = {node.key: [] for node in self.nodes}
        consumers = {node.key: [] for node in self.nodes}
        for src, dst in self.edges:
            inputs[dst].append(src)
            consumers[src].append(dst)
        column = {}
        for node in self.nodes:  # inputs come before their results in self.nodes
            if node.kind == "op":
                column[node.key] = 1 + max((column.get(k, -1) for k in inputs[node.key]), default=-1)
        for node in self.nodes:
            if node.kind != "op":
                column[node.key] = min((column[k] for k in consumers[node.key]), default=1) - 1
        low = min(column.values())
        return {key: c - low for key, c in column.items()}, consumers

    def figure(self, ax=None, fontsize=7.5, wrap=None):
        """Draw the graph with matplotlib (left to right, one column per depth); returns the Figure.

        ``fontsize`` sizes the text (the boxes and the figure grow with it);
        ``wrap=k`` folds a long graph into bands of at most ``k`` columns, the
        second band running right to left under the first (a snake), so that a
        long chain stays legible at a normal zoom.

        >>> import gradstep
        >>> from gradstep.viz import draw_graph
        >>> x = gradstep.tensor(1.0, requires_grad=True)
        >>> fig = draw_graph((x * 2).exp()).figure()
        >>> len(fig.axes[0].texts)  # 4 boxes and 3 arrows
        7
        >>> bool(draw_graph((x * 2).exp()).figure(wrap=2).get_size_inches()[1] > fig.get_size_inches()[1])
        True
        """
        column, consumers = self._columns()
        n_columns = max(column.values()) + 1
        wrap = n_columns if wrap is None else max(1, int(wrap))
        texts = {n.key: n.lines(self.max_elements) for n in self.nodes}
        # layout in inches: a column is as wide as its widest line, a row as tall as the tallest box
        scale = fontsize / 7.5
        char, line = 0.066 * scale, 0.16 * scale

        def place(c):  # (band, position in the band) of column c: odd bands run right to left
            band, pos = divmod(c, wrap)
            return band, (wrap - 1 - pos if band % 2 else pos)

        n_positions = min(wrap, n_columns)
        widths = [0.6 * scale] * n_positions
        for node in self.nodes:
            pos = place(column[node.key])[1]
            widths[pos] = max(widths[pos], 0.6 * scale + char * max(len(t) for t in texts[node.key]))
        centers = np.cumsum(widths) - np.asarray(widths) / 2
        row_height = 0.4 * scale + line * max(len(t) for t in texts.values())
        rows = {}
        # place columns right to left, each node near the mean row of its consumers (fewer crossings)
        for c in range(n_columns - 1, -1, -1):
            members = [n for n in self.nodes if column[n.key] == c]
            later_band = c >= wrap  # below the first band, op results go on top: the arrow from above stays clear
            members.sort(key=lambda n: (later_band and n.kind != "op",
                                        np.mean([rows[k] for k in consumers[n.key]]) if consumers[n.key] else 0.0))
            for i, node in enumerate(members):
                rows[node.key] = i - (len(members) - 1) / 2
        counts = [sum(1 for n in self.nodes if column[n.key] == c) for c in range(n_columns)]
        n_bands = (n_columns - 1) // wrap + 1
        band_heights = [max(counts[b * wrap : (b + 1) * wrap]) * row_height + 0.3 * scale for b in range(n_bands)]
        band_tops = np.concatenate([[0.0], np.cumsum(band_heights)[:-1]])
        width, height = float(sum(widths)), float(sum(band_heights))
        if ax is None:
            from ._style import pyplot

            fig = pyplot().figure(figsize=(width, height))
            ax = fig.add_axes((0, 0, 1, 1))
        fig = ax.figure
        boxes = {}
        for node in self.nodes:
            band, pos = place(column[node.key])
            y = -(band_tops[band] + band_heights[band] / 2) - rows[node.key] * row_height
            boxes[node.key] = ax.text(
                centers[pos], y, "\n".join(texts[node.key]),
                ha="center", va="center", family="monospace", fontsize=fontsize,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": _FILL[node.kind], "edgecolor": "0.4"},
            )
        for src, dst in self.edges:
            ax.annotate(
                "", xy=boxes[dst].get_position(), xytext=boxes[src].get_position(),
                arrowprops={"arrowstyle": "-|>", "color": "0.35", "shrinkA": 0, "shrinkB": 0,
                            "patchA": boxes[src].get_bbox_patch(), "patchB": boxes[dst].get_bbox_patch()},
            )
        ax.set_xlim(0, width)
        ax.set_ylim(-height, 0)
        ax.axis("off")
        return fig

    def render(self, path):
        """Write the graph to ``path``: ``.dot`` as text, other suffixes (svg, png, pdf) as a picture.

        Uses the Graphviz ``dot`` program when it is on PATH, else matplotlib.
        Returns the Path.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fmt = path.suffix.lstrip(".").lower()
        if fmt == "dot":
            path.write_text(self.dot)
            return path
        if fmt not in ("svg", "png", "pdf"):
            raise GradstepError(f"Graph.render: cannot write {path.name!r}; use a .svg, .png, .pdf or .dot path")
        program = shutil.which("dot")
        if program is not None:
            done = subprocess.run([program, f"-T{fmt}", "-o", str(path)], input=self.dot, text=True, capture_output=True)
            if done.returncode != 0:
                raise GradstepError(f"Graph.render: dot failed with status {done.returncode}: {done.stderr.strip()}")
            return path
        from ._style import close, save

        fig = self.figure()
        save(fig, path)
        close(fig)
        return path


def draw_graph(tensor, names=None, max_elements=6, path=None):
    """The computation graph that produced ``tensor``, with every forward value and available gradient.

    Parameters
    ----------
    tensor : Tensor
        The output (e.g. a loss). Draw it before backward(), or call backward
        with ``retain_graph=True``: backward() otherwise frees the graph.
    names : dict, optional
        ``{label: tensor}`` to name leaves (``"W"``, ``"x"``) or results (``"z"``).
    max_elements : int
        Arrays with more elements are shown by their shape.
    path : str or Path, optional
        Render to this file (see ``Graph.render``).

    Returns
    -------
    Graph
        With ``.dot`` (Graphviz text), ``.nodes``, ``.edges``, ``.figure()`` and ``.render(path)``.

    >>> import gradstep
    >>> from gradstep.viz import draw_graph
    >>> w = gradstep.tensor(3.0, requires_grad=True)
    >>> loss = (w * 2.0 - 1.0) ** 2
    >>> loss.backward(retain_graph=True)
    >>> graph = draw_graph(loss, names={"w": w})
    >>> [n.lines()[0] for n in graph.nodes]
    ['const', 'w', 'const', 'const', 'mul', 'sub', 'pow']
    >>> graph.node("w").lines()
    ['w', 'value: 3', 'grad: 20']
    """
    if not isinstance(tensor, Tensor):
        raise GradstepError(f"draw_graph: expected a gradstep Tensor, got {type(tensor).__name__}")
    names = names or {}
    for label, t in names.items():
        if not isinstance(t, Tensor):
            raise GradstepError(f"draw_graph: names[{label!r}] must be a Tensor, got {type(t).__name__}")
    name_of = {id(t): label for label, t in names.items()}
    keys = {}
    nodes = {}
    edges = []

    def add(t, freed=False):
        if id(t) not in keys:
            key = keys[id(t)] = f"n{len(keys)}"
            if t._ctx is not None:
                kind, op = "op", t._ctx.fn.name
            else:
                kind, op = ("param" if t.requires_grad else "const"), ""
            nodes[key] = GraphNode(key, kind, op, name_of.get(id(t), ""), t.data, None if t.grad is None else t.grad.data, freed)
        return keys[id(t)]

    order = [] if tensor._ctx is None else topological_order(tensor._ctx)
    output_of = {} if tensor._ctx is None else {id(tensor._ctx): tensor}
    add(tensor)
    for ctx in order:  # results before the inputs they depend on
        result = output_of[id(ctx)]
        if ctx.freed:
            nodes[keys[id(result)]].freed = True
        for inp in ctx.inputs:
            edges.append((add(inp), keys[id(result)]))
            if inp._ctx is not None:
                output_of[id(inp._ctx)] = inp
    # inputs first: reverse discovery order keeps every input before the results that use it
    ordered = _inputs_first(list(nodes.values()), edges)
    graph = Graph(ordered, edges[::-1], max_elements)
    if path is not None:
        graph.render(path)
    return graph


def _inputs_first(nodes, edges):
    """Topological order of the nodes with every input before its results (Kahn's algorithm, stable)."""
    remaining = {node.key: 0 for node in nodes}
    users = {node.key: [] for node in nodes}
    for src, dst in edges:
        remaining[dst] += 1
        users[src].append(dst)
    by_key = {node.key: node for node in nodes}
    ready = [node.key for node in reversed(nodes) if remaining[node.key] == 0]
    order = []
    while ready:
        key = ready.pop(0)
        order.append(by_key[key])
        for dst in users[key]:
            remaining[dst] -= 1
            if remaining[dst] == 0:
                ready.append(dst)
    return order
