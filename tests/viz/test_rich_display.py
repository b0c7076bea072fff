"""Jupyter's rich display of a graph (SVG), a module (summary table) and a history (inline SVG curves)."""

import xml.etree.ElementTree as ET

import gradstep
from gradstep import nn, viz
from gradstep.train import History


def test_graph_displays_as_svg_with_every_node():
    x = gradstep.tensor(2.0, requires_grad=True)
    y = (x * 3.0).exp()
    svg = viz.draw_graph(y, names={"x": x})._repr_svg_()
    root = ET.fromstring(svg.encode())
    assert root.tag.endswith("svg")
    for text in ("mul", "exp"):
        assert text in svg


def test_module_displays_its_summary_with_parameter_counts():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    page = model._repr_html_()
    assert page.startswith("<pre>") and "Total params: 23" in page  # 4*3 + 3 + 3*2 + 2
    assert "&lt;" not in model.summary() or "&lt;" in page  # escaped


def test_history_displays_its_curves_and_last_epoch():
    h = History()
    for epoch, (loss, val) in enumerate([(1.0, 1.2), (0.5, 0.6), (0.3, 0.7)]):
        h.append(epoch, {"loss": loss, "val_loss": val, "lr": 0.1})
    page = h._repr_html_()
    assert "3 epochs, best epoch 2 (lowest val_loss)" in page
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    root = ET.fromstring(svg)
    lines = [e for e in root.iter() if e.tag.endswith("polyline")]
    assert len(lines) == 2 and len(lines[0].get("points").split()) == 3
    assert "<td>val_loss</td><td>0.7000</td>" in page and "<td>lr</td><td>0.1000</td>" in page
