"""Server-rendered SVG charts for the overview: bars per day, lines over time, and
horizontal bars for counts by name. Plain strings of SVG, every label escaped."""

import math
from html import escape

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
COLOURS = ("#2f6f9f", "#d9822b", "#5a9e5a", "#b04a5a")


def _frame(title, body, height=HEIGHT):
    return (f'<svg class="chart" role="img" aria-label="{escape(title)}" '
            f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>{body}</svg>")


def _scale(peak):
    """A round top for the axis at or above `peak`: 1, 2 or 5 times a power of ten."""
    if peak <= 0:
        return 1
    power = 10 ** math.floor(math.log10(peak))
    return next(power * m for m in (1, 2, 5, 10) if power * m >= peak)


def _axes(top, labels, fmt):
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'class="grid"/><text x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{escape(fmt(top * fraction))}</text>')
    step = max(1, len(labels) // 6)
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    for n in range(0, len(labels), step):
        x = LEFT + slot * (n + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                     f"{escape(labels[n])}</text>")
    return "".join(parts), slot, plot_h


def bars(title, points, fmt=lambda v: f"{v:g}"):
    """One bar per (label, value)."""
    labels = [label for label, _ in points]
    top = _scale(max((value for _, value in points), default=0))
    axes, slot, plot_h = _axes(top, labels, fmt)
    body = [axes]
    for n, (label, value) in enumerate(points):
        h = plot_h * value / top
        body.append(f'<rect class="bar" x="{LEFT + slot * n + slot * 0.15:.1f}" '
                    f'y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{COLOURS[0]}"><title>{escape(label)}: {escape(fmt(value))}'
                    f"</title></rect>")
    return _frame(title, "".join(body))


def lines(title, labels, series, fmt=lambda v: f"{v:g}"):
    """One line per (name, values) in `series`; a None value leaves a gap."""
    values = [value for _, points in series for value in points if value is not None]
    top = _scale(max(values, default=0))
    axes, slot, plot_h = _axes(top, labels, fmt)
    body = [axes]
    for colour, (name, points) in zip(COLOURS, series, strict=False):
        path, pen_down = [], False
        for n, value in enumerate(points):
            if value is None:
                pen_down = False
                continue
            x, y = LEFT + slot * (n + 0.5), TOP + plot_h * (1 - value / top)
            path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}">'
                        f"<title>{escape(name)} {escape(labels[n])}: {escape(fmt(value))}"
                        f"</title></circle>")
            pen_down = True
        body.append(f'<path class="line" d="{" ".join(path)}" stroke="{colour}" '
                    f'fill="none" stroke-width="2"/>')
    legend = "".join(f'<text x="{LEFT + 8 + 90 * n}" y="{TOP + 10}" fill="{colour}">'
                     f"{escape(name)}</text>"
                     for n, (colour, (name, _)) in enumerate(zip(COLOURS, series,
                                                                 strict=False)))
    return _frame(title, "".join(body) + legend)


def counts(title, items):
    """Horizontal bars, one per (name, count), largest first."""
    items = sorted(items, key=lambda item: -item[1])
    row, label_w = 26, 150
    height = max(row, row * len(items)) + 8
    peak = max((count for _, count in items), default=0) or 1
    body = []
    for n, (name, count) in enumerate(items):
        y = 4 + row * n
        w = (WIDTH - label_w - 60) * count / peak
        body.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
                    f"{escape(str(name))}</text>"
                    f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="18" '
                    f'fill="{COLOURS[n % len(COLOURS)]}"/>'
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{count}</text>')
    if not items:
        body.append(f'<text x="{WIDTH / 2}" y="18" text-anchor="middle">none yet</text>')
    return _frame(title, "".join(body), height)
