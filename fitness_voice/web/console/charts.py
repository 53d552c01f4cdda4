"""Server-rendered SVG charts for the overview: bars per day, lines over time, and
horizontal bars for counts by name. Plain strings of SVG, every label escaped."""

import math
from html import escape

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
COLOURS = ("#2f6f9f", "#d9822b", "#5a9e5a", "#b04a5a")
MAX_BAR = 48


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
    # Every step-th label counted back from the last, so the newest day is named.
    for n in range(len(labels) - 1, -1, -step):
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
        h, w = plot_h * value / top, min(slot * 0.7, MAX_BAR)
        body.append(f'<rect class="bar" x="{LEFT + slot * (n + 0.5) - w / 2:.1f}" '
                    f'y="{TOP + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
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
    legend = "".join(f'<text x="{WIDTH - RIGHT - 50 * (len(series) - n)}" y="{TOP + 10}" '
                     f'fill="{colour}" font-weight="bold">{escape(name)}</text>'
                     for n, (colour, (name, _)) in enumerate(zip(COLOURS, series,
                                                                 strict=False)))
    return _frame(title, "".join(body) + legend)


def counts(title, items, fmt=str, keep_order=False):
    """Horizontal bars, one per (name, count), largest first unless `keep_order`."""
    items = list(items) if keep_order else sorted(items, key=lambda item: -item[1])
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
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{escape(fmt(count))}</text>')
    if not items:
        body.append(f'<text x="{WIDTH / 2}" y="18" text-anchor="middle">none yet</text>')
    return _frame(title, "".join(body), height)


# A turn's stages in the order they run, and their colours in its timing bar.
STAGE_PARTS = (("db_ms", "database", "#8a9bb0"), ("retrieval_ms", "retrieval", "#5a9e5a"),
               ("llm_ms", "LLM", "#d9822b"), ("coach_ms", "rest of the coach", "#2f6f9f"),
               ("speech_ms", "synthesis", "#8e5ea2"), ("total_ms", "storing", "#c7ccd3"))


def stage_bar(timings, longest_ms, width=360, height=12):
    """One turn's wait as a bar split by stage, scaled to the call's longest turn.
    The coach's share is shown less its retrieval and LLM; storing is what is left."""
    total = timings.get("total_ms")
    if not total or not longest_ms:
        return ""
    shares = {key: timings.get(key) or 0.0 for key, _, _ in STAGE_PARTS}
    shares["coach_ms"] = max(0.0, shares["coach_ms"] - shares["retrieval_ms"] - shares["llm_ms"])
    shares["total_ms"] = max(0.0, total - shares["db_ms"] - (timings.get("coach_ms") or 0.0)
                             - shares["speech_ms"])
    x, body = 0.0, []
    for key, label, colour in STAGE_PARTS:
        w = width * shares[key] / longest_ms
        if w >= 0.5:
            body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
                        f'fill="{colour}"><title>{escape(label)} {shares[key]:,.0f} ms'
                        f"</title></rect>")
        x += w
    return (f'<svg class="stage-bar" role="img" aria-label="stage timings" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')


def stage_legend():
    return "".join(f'<span class="key"><i style="background:{colour}"></i>{escape(label)}</span>'
                   for _, label, colour in STAGE_PARTS)
