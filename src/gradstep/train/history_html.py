"""History's rich display in Jupyter: the loss curves as a small inline SVG and the last epoch's numbers.

Drawn as SVG text with NumPy only (the training package does not load
matplotlib); ``gradstep.viz.plot_history`` draws the full figure.
"""

import html
import math

#: the drawing area of the SVG, in pixels, and its margins
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 480, 220, 56, 12, 26, 34
COLORS = {"loss": "#0072B2", "val_loss": "#D55E00"}


def _finite(values):
    return [(i + 1, v) for i, v in enumerate(values) if v is not None and math.isfinite(v)]


def loss_svg(columns, best=None):
    """An SVG line chart of ``loss`` and ``val_loss`` per epoch (1-based), the best epoch as a dashed line.

    >>> svg = loss_svg({"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.8]}, best=2)
    >>> svg.startswith("<svg") and svg.count("<polyline") == 2 and "best epoch 2" in svg
    True
    """
    series = {k: _finite(columns.get(k) or []) for k in ("loss", "val_loss")}
    points = [p for s in series.values() for p in s]
    if not points:
        return ""
    n = max(e for e, _ in points)
    lo, hi = min(v for _, v in points), max(v for _, v in points)
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(epoch):  # epoch 1 .. n -> pixels
        return LEFT + (epoch - 1) / max(n - 1, 1) * plot_w

    def y(value):
        return TOP + (hi - value) / (hi - lo) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
           f'<text x="{LEFT}" y="16">loss per epoch</text>',
           f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{hi:.3g}</text>',
           f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">{lo:.3g}</text>',
           f'<text x="{LEFT}" y="{HEIGHT - 18}" text-anchor="middle">1</text>',
           f'<text x="{LEFT + plot_w}" y="{HEIGHT - 18}" text-anchor="middle">{n}</text>',
           f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 4}" text-anchor="middle">epoch</text>']  # fmt: skip
    if best is not None:
        out.append(f'<line x1="{x(best):.1f}" x2="{x(best):.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#666" '
                   f'stroke-dasharray="4 3"/><text x="{x(best) + 3:.1f}" y="{TOP + 12}" fill="#444">best epoch {best}'
                   "</text>")  # fmt: skip
    legend_x = LEFT + plot_w - 90
    for i, (name, pts) in enumerate(series.items()):
        if not pts:
            continue
        coords = " ".join(f"{x(e):.1f},{y(v):.1f}" for e, v in pts)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{COLORS[name]}" stroke-width="2"/>')
        out.append(f'<text x="{legend_x}" y="{TOP + 14 + 14 * i}" fill="{COLORS[name]}">{name}</text>')
    out.append("</svg>")
    return "".join(out)


def history_html(history):
    """The HTML of ``History._repr_html_``: the loss chart and a table of the last epoch's logs.

    >>> from gradstep.train import History
    >>> h = History(); h.append(0, {"loss": 0.9, "val_loss": 1.0}); h.append(1, {"loss": 0.4, "val_loss": 0.7})
    >>> page = history_html(h)
    >>> "2 epochs" in page and "<svg" in page and "<td>val_loss</td><td>0.7000</td>" in page
    True
    """
    columns = history.history
    n = len(history)
    best = None
    monitor = "val_loss" if _finite(columns.get("val_loss") or []) else "loss"
    finite = _finite(columns.get(monitor) or [])
    if finite:
        best = min(finite, key=lambda p: p[1])[0]
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{v[-1]:.4f}</td></tr>"
        for k, v in columns.items()
        if k != "seconds" and v and isinstance(v[-1], (int, float))
    )
    head = f"<p><b>History</b>: {n} epochs" + (f", best epoch {best} (lowest {monitor})" if best else "") + "</p>"
    return f"<div>{head}{loss_svg(columns, best)}<table><tr><th>last epoch</th><th></th></tr>{rows}</table></div>"
