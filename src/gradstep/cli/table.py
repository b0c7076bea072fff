"""Plain-text tables for the terminal (left-aligned text, right-aligned numbers)."""


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def format_table(header, rows):
    """Format ``rows`` (sequences of values) under ``header`` as aligned columns.

    >>> print(format_table(["metric", "value"], [["accuracy", "0.9750"], ["loss", "0.0841"]]))
    metric    value
    --------  ------
    accuracy  0.9750
    loss      0.0841
    """
    cells = [[str(h) for h in header]] + [[str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row):
        parts = [v.rjust(w) if _is_number(v) else v.ljust(w) for v, w in zip(row, widths)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])
