"""The process map as server-side SVG: three bands (management, core, support), boxes and labelled arrows.

No JavaScript: the SVG scales to the page width (viewBox) so it fits a printed page as well as a screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ims.processes.models import Process, ProcessKind, ProcessLink

WIDTH = 1000
BOX_W, BOX_H = 170, 54
GAP_X, GAP_Y = 24, 70
BAND_PAD = 34
PER_ROW = 5
BANDS = (
    (ProcessKind.MANAGEMENT, "#e8eef8"),
    (ProcessKind.CORE, "#eaf5ea"),
    (ProcessKind.SUPPORT, "#f6f0e4"),
)


@dataclass(frozen=True)
class Box:
    x: float
    y: float

    @property
    def cx(self) -> float:
        return self.x + BOX_W / 2

    @property
    def cy(self) -> float:
        return self.y + BOX_H / 2


def _wrap(text: str, width: int = 22) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], (" ".join(lines[1:]))[: width - 1] + "…"]
    return lines or [""]


def _edge(a: Box, b: Box) -> tuple[float, float, float, float]:
    """From the border of box ``a`` towards box ``b`` (and back), so arrows do not hide under boxes."""
    if abs(a.cy - b.cy) < 1:  # same row: side to side
        if b.cx > a.cx:
            return a.x + BOX_W, a.cy, b.x, b.cy
        return a.x, a.cy, b.x + BOX_W, b.cy
    if b.cy > a.cy:
        return a.cx, a.y + BOX_H, b.cx, b.y
    return a.cx, a.y, b.cx, b.y + BOX_H


def render(processes: list[Process], links: list[ProcessLink], url: Callable[[Process], str]) -> SafeString:
    labels = dict(ProcessKind.choices)
    boxes: dict[int, Box] = {}
    parts: list[str] = []
    y = 10.0
    for kind, colour in BANDS:
        members = [p for p in processes if p.kind == kind]
        rows = max(1, -(-len(members) // PER_ROW))
        height = BAND_PAD + rows * BOX_H + (rows - 1) * GAP_Y / 2 + 20
        parts.append(
            f'<g class="band band-{kind}"><rect x="5" y="{y:.0f}" width="{WIDTH - 10}" height="{height:.0f}" '
            f'rx="8" fill="{colour}" stroke="#b8c0cc"/>'
            f'<text x="16" y="{y + 22:.0f}" class="band-label">{escape(str(labels[kind]))}</text></g>'
        )
        for i, process in enumerate(members):
            row, col = divmod(i, PER_ROW)
            in_row = min(PER_ROW, len(members) - row * PER_ROW)
            span = in_row * BOX_W + (in_row - 1) * GAP_X
            x = (WIDTH - span) / 2 + col * (BOX_W + GAP_X)
            boxes[process.pk] = Box(x, y + BAND_PAD + row * (BOX_H + GAP_Y / 2))
        y += height + GAP_Y
    height_total = y - GAP_Y + 10
    arrows: list[str] = []
    for link in links:
        a, b = boxes.get(link.source_id), boxes.get(link.target_id)
        if a is None or b is None:
            continue
        x1, y1, x2, y2 = _edge(a, b)
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        if abs(a.y - b.y) < 1:
            # Neighbours in one row: the gap between the boxes is too narrow for the
            # label, so it goes just above the row, where no box covers it.
            my = a.y - 6
        title = f"{link.source.name} → {link.target.name}: {link.label}"
        arrows.append(
            f'<g class="link" data-source="{escape(link.source.reference)}" '
            f'data-target="{escape(link.target.reference)}">'
            f"<title>{escape(title)}</title>"
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" marker-end="url(#arrow)"/>'
            f'<text x="{mx:.0f}" y="{my:.0f}" class="link-label">{escape(link.label)}</text></g>'
        )
    nodes: list[str] = []
    for process in processes:
        box = boxes[process.pk]
        lines = _wrap(process.name)
        first = box.cy - (len(lines) - 1) * 8 + 4
        spans = "".join(
            f'<tspan x="{box.cx:.0f}" y="{first + i * 16:.0f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
        )
        nodes.append(
            f'<a href="{escape(url(process))}" class="process" data-reference="{escape(process.reference)}">'
            f"<title>{escape(process.reference)} {escape(process.name)}</title>"
            f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text class="name">{spans}</text></a>'
        )
    style = (
        "<style>.band-label{font:600 14px sans-serif;fill:#334}"
        ".process rect{fill:#fff;stroke:#345;stroke-width:1.5}.process:hover rect,.process:focus rect{stroke-width:3}"
        ".process text{font:13px sans-serif;fill:#123;text-anchor:middle}"
        ".link line{stroke:#556;stroke-width:1.4}"
        ".link-label{font:11px sans-serif;fill:#223;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3}"
        "</style>"
    )
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#556"/></marker></defs>'
    )
    title = escape(_("Process map: %(n)d processes and %(m)d links") % {"n": len(processes), "m": len(arrows)})
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="process-map" viewBox="0 0 {WIDTH} {height_total:.0f}" '
        f'role="img" aria-labelledby="process-map-title" preserveAspectRatio="xMidYMin meet">'
        f'<title id="process-map-title">{title}</title>{style}{defs}{"".join(parts)}'
        f'<g class="links">{"".join(arrows)}</g><g class="processes">{"".join(nodes)}</g></svg>'
    )
    return mark_safe(svg)  # noqa: S308  (every text and attribute above is escaped)
