"""SVG charts drawn on the server: bars and the six-dimension radar (no script, no CDN)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)


def _lines(label: str, width: int) -> list[str]:
    """A label broken at spaces into lines of at most `width` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def table(rows: Sequence[tuple[str, float]], title: str, head: tuple[str, str], unit: str = "") -> Markup:
    """The figures of a chart as a table (for screen readers, and for anyone who wants the numbers)."""
    body = "".join(f'<tr><th scope="row">{escape(label)}</th><td>{escape(_number(value) + unit)}</td></tr>'
                   for label, value in rows)
    return Markup(
        f'<details class="chart-figures"><summary>{escape(title)} als Tabelle</summary>'
        f'<table class="chart-table"><caption>{escape(title)}</caption><thead><tr><th scope="col">{escape(head[0])}'
        f'</th><th scope="col">{escape(head[1])}</th></tr></thead><tbody>{body}</tbody></table></details>'
    )


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")  # German decimal comma


def bars(rows: Sequence[tuple[str, float]], title: str, unit: str = "",
         head: tuple[str, str] = ("Eintrag", "Wert")) -> Markup:
    """Bars with the label above each and the value beside it (readable without colour, and narrow
    enough for a phone: the labels never shrink with the bars; a long one takes two lines), and
    the same figures as a table."""
    chart_id = f"chart{next(_ids)}"
    top = max((v for _, v in rows), default=0) or 1
    line_h, bar_w = 21, 290
    parts = []
    y = 0
    for label, value in rows:
        lines = _lines(label, 34)
        for n, line in enumerate(lines):
            parts.append(f'<text x="0" y="{y + 17 + n * line_h}">{escape(line)}</text>')
        y += (len(lines) - 1) * line_h
        width = max(bar_w * value / top, 1.5)
        parts.append(f'<rect x="0" y="{y + 24}" width="{width:.1f}" height="16" class="bar"/>')
        parts.append(f'<text x="{width + 6:.1f}" y="{y + 38}">{escape(_number(value) + unit)}</text>')
        y += 46
    height = max(y, 46) + 4
    svg = (f'<svg class="chart" viewBox="0 0 400 {height}" role="img" aria-labelledby="{chart_id}">'
           f'<title id="{chart_id}">{escape(title)}</title>' + "".join(parts) + "</svg>")
    return Markup(svg) + table(rows, title, head, unit)


def radar(
    axes: Sequence[tuple[str, str]],
    current: Mapping[str, float] | None,
    previous: Mapping[str, float] | None,
    title: str,
    scale: int = 5,
) -> Markup:
    """The six dimensions as a radar: this year's solid, last year's dashed, rings for 1–5."""
    chart_id = f"chart{next(_ids)}"
    size, centre, radius = 420, 210, 130
    n = len(axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * value / scale
        return centre + r * math.cos(angle), centre + r * math.sin(angle)

    parts = [
        f'<svg class="chart radar" viewBox="-110 0 {size + 220} {size}" role="img" aria-labelledby="{chart_id}">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for ring in range(1, scale + 1):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" class="ring"/>')
    for i, (_, label) in enumerate(axes):
        x, y = point(i, scale)
        lx, ly = point(i, scale + 1.15)
        anchor = "middle" if abs(lx - centre) < 20 else ("start" if lx > centre else "end")
        parts.append(f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" class="axis"/>')
        # Long labels ("lokale/regionale Verankerung") take two lines, so none leaves the picture.
        lines = _lines(label, 16)
        first = ly + 4 - (len(lines) - 1) * (20 if ly < centre - 20 else 0 if ly > centre + 20 else 10)
        spans = "".join(f'<tspan x="{lx:.1f}" dy="{0 if n == 0 else 20}">{escape(line)}</tspan>'
                        for n, line in enumerate(lines))
        parts.append(f'<text x="{lx:.1f}" y="{first:.1f}" text-anchor="{anchor}">{spans}</text>')
    for data, css in ((previous, "previous"), (current, "current")):
        if not data:
            continue
        pts = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, float(data.get(code, 0))) for i, (code, _) in enumerate(axes))
        )
        parts.append(f'<polygon points="{pts}" class="{css}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def progress(step: int, last: int = 5) -> Markup:
    """The five steps as a row of circles; the current one filled, done ones ticked."""
    parts = [f'<svg class="steps" viewBox="0 0 {last * 80} 60" aria-hidden="true" focusable="false">']
    for i in range(1, last + 1):
        x = i * 80 - 40
        if i < last:
            parts.append(
                f'<line x1="{x + 18}" y1="24" x2="{x + 62}" y2="24" class="{"done" if i < step else "todo"}"/>'
            )
        css = "done" if i < step else ("current" if i == step else "todo")
        parts.append(f'<circle cx="{x}" cy="24" r="17" class="{css}"/>')
        mark = "✓" if i < step else str(i)
        parts.append(f'<text x="{x}" y="30" text-anchor="middle" class="{css}">{mark}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
