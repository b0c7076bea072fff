"""draw_graph: the autodiff's own graph as nodes, DOT text and pictures."""

import math
import os
import stat

import numpy as np
import pytest

import gradstep
from gradstep.errors import GradstepError
from gradstep.viz import draw_graph
from gradstep.viz.graph import format_array


# the worked example by hand: z = 3, y_hat = sigmoid(3), C = (y_hat - 1)^2, dC/dz = 2 (y_hat - 1) y_hat (1 - y_hat)
Y_HAT = 1 / (1 + math.exp(-3))
DC_DZ = 2 * (Y_HAT - 1) * Y_HAT * (1 - Y_HAT)


def _neuron():
    W = gradstep.tensor([-1.0, 0.5, 10.0], dtype=np.float64, requires_grad=True)
    b = gradstep.tensor(-2.0, dtype=np.float64, requires_grad=True)
    x = gradstep.tensor([4.0, -2.0, 1.0], dtype=np.float64)
    z = (W * x).sum() + b
    y_hat = z.sigmoid()
    C = (y_hat - 1.0) ** 2
    return dict(W=W, b=b, x=x, z=z, y_hat=y_hat, C=C)


def test_nodes_follow_the_recorded_graph_inputs_first():
    t = _neuron()
    t["z"].retain_grad()
    t["C"].backward(retain_graph=True)
    graph = draw_graph(t["C"], names=t)
    ops = [n.op for n in graph.nodes if n.kind == "op"]
    assert ops == ["mul", "sum", "add", "sigmoid", "sub", "pow"]
    assert len(graph.nodes) == 11 and len(graph.edges) == 10  # 6 ops; leaves W, x, b, and the constants 1 and 2
    position = {n.key: i for i, n in enumerate(graph.nodes)}
    assert all(position[src] < position[dst] for src, dst in graph.edges)
    assert graph.node("W").kind == "param" and graph.node("x").kind == "const"
    assert graph.node("z").lines() == ["z = add", "value: 3", f"grad: {DC_DZ:.7g}"]
    assert graph.node("y_hat").grad is None  # not retained: no gradient shown
    dW = [DC_DZ * xi for xi in (4.0, -2.0, 1.0)]  # dC/dW = dC/dz * x
    assert graph.node("W").lines()[2] == "grad: [" + ", ".join(f"{v:.7g}" for v in dW) + "]"


def test_dot_text_has_ops_values_gradients_and_edges():
    t = _neuron()
    t["C"].backward(retain_graph=True)
    dot = draw_graph(t["C"], names={"W": t["W"], "b": t["b"]}).dot
    assert dot.startswith("digraph gradstep {") and dot.rstrip().endswith("}")
    for text in ("sigmoid", "pow", "sum", "value: 0.9525741", f"value: {(Y_HAT - 1) ** 2:.7g}",
                 "W\\nvalue: [-1, 0.5, 10]", f"b\\nvalue: -2\\ngrad: {DC_DZ:.7g}"):
        assert text in dot
    assert dot.count("->") == 10
    assert str(draw_graph(t["C"])) == draw_graph(t["C"]).dot


def test_large_arrays_show_their_shape_and_labels_are_escaped():
    a = gradstep.zeros(20, 30, requires_grad=True)
    graph = draw_graph(a.sum(), names={'say "hi"': a})
    assert graph.node('say "hi"').lines()[1] == "value: shape (20, 30)"
    assert 'say \\"hi\\"' in graph.dot
    assert format_array(np.array([1.5, 2.0]), max_elements=1) == "shape (2,)"


def test_a_freed_graph_is_marked_and_a_leaf_alone_is_one_node():
    w = gradstep.tensor(2.0, dtype=np.float64, requires_grad=True)
    y = (w * w).exp()
    y.backward()  # frees the graph
    graph = draw_graph(y)
    assert [n.lines() for n in graph.nodes] == [["exp", f"value: {math.exp(4):.7g}", "(inputs freed by backward)"]]
    graph = draw_graph(w)
    # d/dw exp(w^2) = 2 w exp(w^2)
    assert graph.nodes[0].lines() == ["param", "value: 2", f"grad: {4 * math.exp(4):.7g}"]
    assert graph.edges == []


def test_render_png_svg_dot_with_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    t = _neuron()
    graph = draw_graph(t["C"], names=t)
    for suffix in ("png", "svg"):
        path = graph.render(tmp_path / f"g.{suffix}")
        assert path.stat().st_size > 1000
    assert (tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")
    assert graph.render(tmp_path / "g.dot").read_text() == graph.dot
    draw_graph(t["C"], path=tmp_path / "direct.png")
    assert (tmp_path / "direct.png").exists()
    fig = graph.figure()
    assert len([tx for tx in fig.axes[0].texts if tx.get_text()]) == 11


def _fake_dot(folder, script):
    program = folder / "dot"
    program.write_text("#!/bin/sh\n" + script)
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


@pytest.mark.skipif(os.name != "posix", reason="the fake dot program is a shell script")
def test_render_uses_the_dot_program_when_present(tmp_path, monkeypatch):
    # a stand-in for Graphviz: records its arguments and copies the DOT text it reads to the -o file
    program = _fake_dot(tmp_path, 'echo "$@" > "$(dirname "$0")/args"; cat > "$3"\n')
    monkeypatch.setattr("shutil.which", lambda name: str(program) if name == "dot" else None)
    x = gradstep.tensor(1.0, requires_grad=True)
    graph = draw_graph(x * 2)
    out = graph.render(tmp_path / "out.svg")
    assert out.read_text() == graph.dot
    assert (tmp_path / "args").read_text().split() == ["-Tsvg", "-o", str(out)]


@pytest.mark.skipif(os.name != "posix", reason="the fake dot program is a shell script")
def test_render_reports_a_failing_dot(tmp_path, monkeypatch):
    program = _fake_dot(tmp_path, 'echo "syntax error in line 1" >&2; exit 3\n')
    monkeypatch.setattr("shutil.which", lambda name: str(program))
    x = gradstep.tensor(1.0, requires_grad=True)
    with pytest.raises(GradstepError, match=r"Graph.render: dot failed with status 3: syntax error in line 1"):
        draw_graph(x * 2).render(tmp_path / "out.png")


def test_graph_errors():
    with pytest.raises(GradstepError, match=r"draw_graph: expected a gradstep Tensor, got ndarray"):
        draw_graph(np.ones(2))
    x = gradstep.tensor(1.0, requires_grad=True)
    with pytest.raises(GradstepError, match=r"draw_graph: names\['x'\] must be a Tensor, got float"):
        draw_graph(x * 2, names={"x": 1.0})
    with pytest.raises(GradstepError, match=r"Graph.render: cannot write 'g.jpg'; use a .svg, .png, .pdf or .dot path"):
        draw_graph(x * 2).render("g.jpg")
    with pytest.raises(GradstepError, match=r"Graph.node: no node named 'q'"):
        draw_graph(x * 2).node("q")
