"""Charts drawn on the server as SVG, so the page and the PDF report show the same picture.

No script and no colour-only meaning: the data line has round markers,
the centre line is solid, control limits are dashed (drawn as steps where
they change with the sample size), and a point breaking a run rule gets a
diamond marker and a text label naming the rules. Each chart carries a
``<title>`` and a ``<desc>`` that states its figures, and comes with a
:class:`DataTable` to render beside it for people who cannot see the chart.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

from ims.spc.charts import Chart, ChartKind
from ims.spc.rules import Violation

Style = Literal["data", "centre", "limit", "reference", "expected"]

INK = "#1f2937"
MUTED = "#6b7280"
ALERT = "#b91c1c"
BAND = "#eef2f7"

_STROKES: dict[str, str] = {
    "data": f'stroke="{INK}" stroke-width="1.5"',
    "centre": f'stroke="{INK}" stroke-width="1"',
    "limit": f'stroke="{INK}" stroke-width="1" stroke-dasharray="6 4"',
    "reference": f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="2 3"',
    "expected": f'stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="8 3 2 3"',
}


@dataclass(frozen=True)
class Series:
    """One line of a plot; ``None`` leaves a gap. ``step`` draws a level per point (limits varying with n)."""

    label: str
    values: Sequence[float | None]
    style: Style = "data"
    step: bool = False


@dataclass(frozen=True)
class Mark:
    """A flagged point: drawn as a diamond with ``label`` written above it."""

    position: int
    label: str


@dataclass(frozen=True)
class DataTable:
    """The figures of a chart as a table: render ``header`` and ``rows`` beside the SVG."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# --- Number formatting -------------------------------------------------------------------------


def decimals_for(scale: float) -> int:
    """Decimals that show a quantity of this size (a σ, a tick step) to two significant digits."""
    if not scale > 0 or not math.isfinite(scale):
        return 4
    return max(0, min(8, 2 - math.floor(math.log10(scale))))


def fmt(value: float | None, decimals: int) -> str:
    if value is None or not math.isfinite(value):
        return ""
    text = f"{value:.{decimals}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def _nice_step(span: float) -> float:
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


# Labels are placed without font metrics: at font-size 11 a character is about 6.5 px wide.
CHAR_WIDTH = 6.5
LABEL_GAP = 6  # px kept clear between neighbouring labels on an axis
LINE_HEIGHT = 13  # px a line of font-size 11 needs across its baseline


def text_width(text: str) -> float:
    """Estimated width of ``text`` written at font-size 11."""
    return CHAR_WIDTH * len(text)


def label_step(*, widest: float, spacing: float) -> int:
    """Label every how many positions, so labels up to ``widest`` px, ``spacing`` px apart, never touch."""
    if spacing <= 0:
        return 1
    return max(1, math.ceil((widest + LABEL_GAP) / spacing))


def _element_id(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else "chart-" + cleaned


# --- Generic plot ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    count: int
    low: float
    high: float

    def x(self, position: float) -> float:
        return self.left + (position + 0.5) * (self.width - self.left - self.right) / self.count

    def half_step(self) -> float:
        return 0.5 * (self.width - self.left - self.right) / self.count

    def y(self, value: float) -> float:
        inner = self.height - self.top - self.bottom
        return self.top + (self.high - value) / (self.high - self.low) * inner


def _range(series: Sequence[Series]) -> tuple[float, float]:
    values = [v for s in series for v in s.values if v is not None and math.isfinite(v)]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    return low - pad, high + pad


def _path(frame: _Frame, series: Series) -> str:
    parts = []
    pen_down = False
    for i, value in enumerate(series.values):
        if value is None or not math.isfinite(value):
            pen_down = False
            continue
        y = frame.y(value)
        if series.step:
            x0, x1 = frame.x(i) - frame.half_step(), frame.x(i) + frame.half_step()
            parts.append(f"{'L' if pen_down else 'M'}{x0:.1f},{y:.1f} L{x1:.1f},{y:.1f}")
        else:
            parts.append(f"{'L' if pen_down else 'M'}{frame.x(i):.1f},{y:.1f}")
        pen_down = True
    if not parts:
        return ""
    return (
        f'<path d="{" ".join(parts)}" fill="none" {_STROKES[series.style]}><title>{escape(series.label)}</title></path>'
    )


def _axes(frame: _Frame, x_labels: Sequence[str], y_label: str) -> list[str]:
    out = []
    step = _nice_step(frame.high - frame.low)
    decimals = max(0, -math.floor(math.log10(step)) + (1 if step / 10 ** math.floor(math.log10(step)) == 2.5 else 0))
    first = math.ceil(frame.low / step)
    for k in range(first, math.floor(frame.high / step) + 1):
        tick = k * step
        y = frame.y(tick)
        out.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" y2="{y:.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">'
            f"{escape(fmt(tick, decimals))}</text>"
        )
    base = frame.height - frame.bottom
    out += _x_labels(frame, x_labels)
    out.append(
        f'<line x1="{frame.left}" y1="{base}" x2="{frame.width - frame.right}" y2="{base}" stroke="{INK}"/>'
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{base}" stroke="{INK}"/>'
    )
    if y_label:
        middle = (frame.top + base) / 2
        out.append(
            f'<text x="14" y="{middle:.1f}" transform="rotate(-90 14 {middle:.1f})" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{escape(y_label)}</text>'
        )
    return out


def _x_labels(frame: _Frame, labels: Sequence[str]) -> list[str]:
    """Labels under the axis at a regular step wide enough that no two touch, starting with the first point.

    A label that would run off the side of the picture is written from its
    point inwards instead, and left out if that brings it against its neighbour
    (the first one always stays).
    """
    if not labels:
        return []
    every = label_step(widest=max(text_width(label) for label in labels), spacing=2 * frame.half_step())
    y = frame.height - frame.bottom + 16
    out: list[str] = []
    previous_end = -math.inf
    for i in range(0, len(labels), every):
        x, width = frame.x(i), text_width(labels[i])
        anchor, start = "middle", x - width / 2
        if start < 0:
            anchor, start = "start", x
        elif x + width / 2 > frame.width:
            anchor, start = "end", x - width
        if i > 0 and start < previous_end + LABEL_GAP:
            continue
        previous_end = start + width
        out.append(
            f'<text x="{x:.1f}" y="{y}" text-anchor="{anchor}" font-size="11" fill="{INK}">{escape(labels[i])}</text>'
        )
    return out


def _bands(frame: _Frame, shaded: Sequence[int], label: str) -> list[str]:
    """Light background behind each run of consecutive shaded positions (the baseline)."""
    out = []
    runs: list[list[int]] = []
    for position in sorted(set(shaded)):
        if runs and position == runs[-1][-1] + 1:
            runs[-1].append(position)
        else:
            runs.append([position])
    for n, run in enumerate(runs):
        x0 = frame.x(run[0]) - frame.half_step()
        x1 = frame.x(run[-1]) + frame.half_step()
        out.append(
            f'<rect x="{x0:.1f}" y="{frame.top}" width="{x1 - x0:.1f}" '
            f'height="{frame.height - frame.top - frame.bottom}" fill="{BAND}"/>'
        )
        if n == 0 and label:
            out.append(
                f'<text x="{x0 + 2:.1f}" y="{frame.top - 4}" font-size="10" fill="{MUTED}">{escape(label)}</text>'
            )
    return out


def _markers(frame: _Frame, series: Series) -> list[str]:
    return [
        f'<circle cx="{frame.x(i):.1f}" cy="{frame.y(v):.1f}" r="2.5" fill="{INK}"/>'
        for i, v in enumerate(series.values)
        if v is not None and math.isfinite(v)
    ]


def _marks(frame: _Frame, values: Sequence[float | None], marks: Sequence[Mark]) -> list[str]:
    """Diamonds on flagged points, labelled with their rules.

    A run of neighbouring points flagged by the same rules is labelled once, at
    its first point, so labels stay legible; the data table lists every point.
    """
    out = []
    middle = (frame.low + frame.high) / 2
    base = frame.height - frame.bottom
    labels = {m.position: m.label for m in marks}
    for mark in marks:
        value = values[mark.position]
        if value is None or not math.isfinite(value):
            continue
        x, y = frame.x(mark.position), frame.y(value)
        out.append(
            f'<path d="M{x:.1f},{y - 6:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y + 6:.1f} L{x - 6:.1f},{y:.1f} Z" '
            f'fill="{ALERT}" stroke="#ffffff" stroke-width="1" class="violation"/>'
        )
        if labels.get(mark.position - 1) == mark.label:
            continue
        # Away from the middle of the plot, where the centre line and most points are, but inside it.
        below = (value < middle and y + 17 <= base - 2) or y - 9 < frame.top + 2
        # Near a side of the plot the label runs inwards from its point instead of being cut off.
        half = text_width(mark.label) / 2
        anchor = "start" if x - half < frame.left else "end" if x + half > frame.width - frame.right else "middle"
        out.append(
            f'<text x="{x:.1f}" y="{y + 17 if below else y - 9:.1f}" text-anchor="{anchor}" font-size="10" '
            f'font-weight="bold" fill="{ALERT}" class="violation-label">{escape(mark.label)}</text>'
        )
    return out


def _legend(frame: _Frame, series: Sequence[Series], with_marks: bool) -> list[str]:
    """One entry per line style, left to right above the plot (about 6.5 px per character)."""
    out = []
    x = frame.left
    y = 14
    seen = set()
    for s in series:
        if s.style in seen:
            continue
        seen.add(s.style)
        text = {"limit": "control limits"}.get(s.style, s.label)
        marker = f'<circle cx="{x + 11}" cy="{y - 4}" r="2.5" fill="{INK}"/>' if s.style == "data" else ""
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" {_STROKES[s.style]}/>{marker}'
            f'<text x="{x + 26}" y="{y}" font-size="11" fill="{INK}">{escape(text)}</text>'
        )
        x += 40 + round(6.5 * len(text))
    if with_marks:
        out.append(
            f'<path d="M{x + 6},{y - 10} L{x + 12},{y - 4} L{x + 6},{y + 2} L{x},{y - 4} Z" fill="{ALERT}"/>'
            f'<text x="{x + 16}" y="{y}" font-size="11" fill="{INK}">rule broken (rule ids shown)</text>'
        )
    return out


def plot_svg(
    *,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    marks: Sequence[Mark] = (),
    shaded: Sequence[int] = (),
    shaded_label: str = "",
    y_label: str = "",
    element_id: str = "chart",
    width: int = 720,
    height: int = 320,
) -> str:
    """An SVG line plot of one or more series over the same positions.

    The first series with style ``"data"`` gets point markers and carries the ``marks``.
    """
    count = max([len(x_labels), *(len(s.values) for s in series)], default=0)
    low, high = _range(series)
    frame = _Frame(width, height, left=64, right=16, top=34, bottom=34, count=max(count, 1), low=low, high=high)
    ident = _element_id(element_id)
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        *_bands(frame, shaded, shaded_label),
        *_axes(frame, x_labels, y_label),
        *(_path(frame, s) for s in series),
    ]
    data = next((s for s in series if s.style == "data"), None)
    if data is not None:
        body += _markers(frame, data)
        body += _marks(frame, data.values, marks)
    body += _legend(frame, series, with_marks=bool(marks))
    body.append("</svg>")
    return "\n".join(part for part in body if part)


# --- Control charts ----------------------------------------------------------------------------


def _labels(chart: Chart, labels: Sequence[str] | None) -> list[str]:
    """Axis label of each point: the caller's label for its series position, else its number from 1."""
    if labels is None:
        return [str(p.index + 1) for p in chart.points]
    needed = max(p.index for p in chart.points) + 1
    if len(labels) < needed:
        raise ValueError(f"The chart has {needed} positions but {len(labels)} labels; give one label per reading.")
    return [labels[p.index] for p in chart.points]


def _rules_by_point(violations: Sequence[Violation]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for v in violations:
        if v.rule.value not in found[v.index]:
            found[v.index].append(v.rule.value)
    return found


def _decimals(chart: Chart) -> int:
    sigmas = [p.sigma for p in chart.points if p.sigma > 0]
    return decimals_for(min(sigmas)) if sigmas else 4


def _value_text(chart: Chart, value: float, decimals: int) -> str:
    if chart.kind in (ChartKind.C, ChartKind.NP) and float(value).is_integer():
        return str(int(value))
    return fmt(value, decimals)


def _summary(chart: Chart, violations: Sequence[Violation], labels: Sequence[str]) -> str:
    d = _decimals(chart)
    parts = [f"{chart.kind.label} of {len(chart.points)} points."]
    if chart.center is not None:
        parts.append(f"Centre line {fmt(chart.center, d)}.")
    if chart.lcl is not None and chart.ucl is not None:
        parts.append(f"Control limits {fmt(chart.lcl, d)} to {fmt(chart.ucl, d)}.")
    else:
        parts.append("Control limits vary with the sample size; see the table.")
    base = chart.baseline
    parts.append(f"Limits computed from {len(base)} baseline points ({base[0] + 1} to {base[-1] + 1}).")
    flagged = _rules_by_point(violations)
    by_index = {p.index: label for p, label in zip(chart.points, labels, strict=True)}
    if flagged:
        listed = "; ".join(f"{by_index.get(i, str(i + 1))} ({', '.join(r)})" for i, r in sorted(flagged.items()))
        count = f"{len(flagged)} point breaks" if len(flagged) == 1 else f"{len(flagged)} points break"
        parts.append(f"{count} run rules: {listed}.")
    else:
        parts.append("No point breaks the chosen run rules.")
    return " ".join(parts)


def control_chart_svg(
    chart: Chart,
    *,
    violations: Sequence[Violation] = (),
    title: str | None = None,
    labels: Sequence[str] | None = None,
    y_label: str = "",
    element_id: str = "control-chart",
    width: int = 720,
    height: int = 320,
) -> str:
    """The control chart as SVG: points, centre line, limits, baseline band and flagged points.

    ``labels`` names each position of the underlying series (a date, a batch),
    indexed like the readings, so a moving-range chart picks its own labels.
    """
    x_labels = _labels(chart, labels)
    flagged = _rules_by_point(violations)
    position = {p.index: pos for pos, p in enumerate(chart.points)}
    step = chart.limits_vary
    series = [
        Series("upper control limit", [p.ucl for p in chart.points], "limit", step=step),
        Series("lower control limit", [p.lcl for p in chart.points], "limit", step=step),
        Series("centre line", [p.center for p in chart.points], "centre", step=chart.center is None),
        Series(chart.kind.statistic, [p.value for p in chart.points], "data"),
    ]
    return plot_svg(
        title=title or chart.kind.label,
        description=_summary(chart, violations, x_labels),
        x_labels=x_labels,
        series=series,
        marks=[Mark(position[i], ", ".join(rules)) for i, rules in sorted(flagged.items()) if i in position],
        shaded=[pos for pos, p in enumerate(chart.points) if p.in_baseline],
        shaded_label="baseline",
        y_label=y_label,
        element_id=element_id,
        width=width,
        height=height,
    )


def control_chart_table(
    chart: Chart, *, violations: Sequence[Violation] = (), labels: Sequence[str] | None = None
) -> DataTable:
    """The chart's figures, one row per point, with the rules each point breaks."""
    d = _decimals(chart)
    flagged = _rules_by_point(violations)
    rows = tuple(
        (
            label,
            _value_text(chart, p.value, d),
            f"{p.size:g}",
            fmt(p.center, d),
            fmt(p.lcl, d),
            fmt(p.ucl, d),
            "yes" if p.in_baseline else "no",
            ", ".join(flagged.get(p.index, [])),
        )
        for p, label in zip(chart.points, _labels(chart, labels), strict=True)
    )
    return DataTable(
        caption=f"Data of the {chart.kind.label}",
        header=("Point", "Value", "Sample size", "Centre line", "LCL", "UCL", "In baseline", "Rules broken"),
        rows=rows,
    )


# --- Bar charts --------------------------------------------------------------------------------

# Bars of several series side by side are told apart by fill pattern, not by colour alone.
_BAR_FILLS = (
    f'fill="{INK}"',
    f'fill="#ffffff" stroke="{INK}" stroke-width="1.2"',
    f'fill="url(#{{ident}}-hatch)" stroke="{INK}" stroke-width="1"',
    f'fill="{MUTED}"',
)
_LABEL_CHARS = 28  # longer category labels are shortened under the axis (the data table has them whole)
_SLANT = 35  # degrees below the horizontal at which labels too wide for their bar are written


def _bar_fill(index: int, ident: str) -> str:
    return _BAR_FILLS[index % len(_BAR_FILLS)].replace("{ident}", ident)


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1].rstrip() + "…"


def _bar_top(values: Sequence[float], integer: bool) -> tuple[float, float]:
    """The top of the value axis (a whole number of ticks above the highest value) and the tick step."""
    peak = max([v for v in values if math.isfinite(v)] or [0.0])
    if peak <= 0:
        return 1.0, 1.0 if integer else 0.25
    step = _nice_step(peak)
    if integer:
        step = max(1.0, math.ceil(step))
    return math.ceil(peak / step) * step, step


def bar_chart_svg(
    *,
    title: str,
    description: str,
    x_labels: Sequence[str],
    bars: Sequence[Series],
    line: Series | None = None,
    percent_line: bool = False,
    integer: bool = False,
    y_label: str = "",
    element_id: str = "bar-chart",
    width: int = 720,
    height: int = 320,
) -> str:
    """An SVG bar chart: one bar per series at each position, side by side, from zero.

    ``line`` is drawn over the bars with point markers: on a right-hand 0–100 %
    axis when ``percent_line`` (a Pareto chart's cumulative share), otherwise on
    the bars' own axis. ``integer`` keeps the ticks on whole numbers (counts).
    Long category labels are written slanted and shortened; each bar carries its
    full label and value as a tooltip, and the caller renders the data table.
    """
    count = max([len(x_labels), *(len(s.values) for s in bars)], default=0) or 1
    values = [float(v) for s in bars for v in s.values if v is not None]
    if line is not None and not percent_line:
        values += [float(v) for v in line.values if v is not None]
    high, step = _bar_top(values, integer)
    labels = [_short(str(label)) for label in x_labels]
    right = 52 if percent_line else 16
    slot = (width - 64 - right) / count
    slanted = any(text_width(label) + LABEL_GAP > slot for label in labels)
    bottom, left = 34, 64
    if slanted:  # written at −35°, ending under their bar: the first one must not run off the left edge
        bottom = 24 + round(0.62 * 6.2 * max(len(label) for label in labels))
        reach = round(0.82 * 6.2 * len(labels[0])) + 8 if labels else 0
        left = max(64, reach - round((width - reach - right) / count / 2))
    frame = _Frame(
        width, height + (bottom - 34), left=left, right=right, top=34, bottom=bottom, count=count, low=0.0, high=high
    )
    ident = _element_id(element_id)
    body = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" '
        f'height="{frame.height}" role="img" aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/></pattern></defs>',
        f'<rect x="0" y="0" width="{frame.width}" height="{frame.height}" fill="#ffffff"/>',
    ]
    body += _bar_axes(frame, labels, step, y_label, slanted, percent_line)
    body += _bar_rects(frame, bars, x_labels, ident)
    if line is not None:
        body += _bar_line(frame, line, percent_line)
    body += _bar_legend(frame, bars, line, ident)
    body.append("</svg>")
    return "\n".join(part for part in body if part)


def _bar_axes(
    frame: _Frame, labels: Sequence[str], step: float, y_label: str, slanted: bool, percent_line: bool
) -> list[str]:
    out = []
    decimals = decimals_for(step) if step < 1 else 0
    base = frame.height - frame.bottom
    right = frame.width - frame.right
    k = 0
    while k * step <= frame.high + step / 1000:
        tick = k * step
        y = frame.y(tick)
        out.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">'
            f"{escape(fmt(tick, decimals))}</text>"
        )
        k += 1
    if percent_line:
        inner = base - frame.top
        for pct in (0, 25, 50, 75, 100):
            y = frame.top + (100 - pct) / 100 * inner
            out.append(
                f'<text x="{right + 6}" y="{y + 4:.1f}" text-anchor="start" font-size="11" fill="{ALERT}">'
                f"{pct} %</text>"
            )
        out.append(f'<line x1="{right}" y1="{frame.top}" x2="{right}" y2="{base}" stroke="{ALERT}"/>')
    out += _bar_labels(frame, labels, slanted)
    out.append(
        f'<line x1="{frame.left}" y1="{base}" x2="{right}" y2="{base}" stroke="{INK}"/>'
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{base}" stroke="{INK}"/>'
    )
    if y_label:
        middle = (frame.top + base) / 2
        out.append(
            f'<text x="14" y="{middle:.1f}" transform="rotate(-90 14 {middle:.1f})" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{escape(y_label)}</text>'
        )
    return out


def _bar_labels(frame: _Frame, labels: Sequence[str], slanted: bool) -> list[str]:
    """Category labels, from the first bar at a step that keeps neighbours apart.

    Slanted labels are parallel lines: two of them are a line height apart when
    their bars are at least that far apart across the slant.
    """
    if not labels:
        return []
    spacing = 2 * frame.half_step()
    if slanted:
        every = max(1, math.ceil(LINE_HEIGHT / (spacing * math.sin(math.radians(_SLANT)))))
    else:
        every = label_step(widest=max(text_width(label) for label in labels), spacing=spacing)
    base = frame.height - frame.bottom
    out = []
    for i in range(0, len(labels), every):
        x = frame.x(i)
        if slanted:
            out.append(
                f'<text x="{x:.1f}" y="{base + 12}" text-anchor="end" font-size="11" fill="{INK}" '
                f'transform="rotate(-{_SLANT} {x:.1f} {base + 12})">{escape(labels[i])}</text>'
            )
        else:
            out.append(
                f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle" font-size="11" fill="{INK}">'
                f"{escape(labels[i])}</text>"
            )
    return out


def _bar_rects(frame: _Frame, bars: Sequence[Series], x_labels: Sequence[str], ident: str) -> list[str]:
    out = []
    group = 2 * frame.half_step() * 0.72
    width = group / max(len(bars), 1)
    base = frame.y(0.0)
    for n, series in enumerate(bars):
        fill = _bar_fill(n, ident)
        for i, value in enumerate(series.values):
            if value is None or not math.isfinite(value):
                continue
            x0 = frame.x(i) - group / 2 + n * width
            y = frame.y(max(float(value), 0.0))
            name = x_labels[i] if i < len(x_labels) else str(i + 1)
            shown = fmt(float(value), 0 if float(value).is_integer() else decimals_for(abs(float(value)) or 1))
            out.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(width - 1, 1):.1f}" height="{max(base - y, 0):.1f}" '
                f"{fill}><title>{escape(f'{name} — {series.label}: {shown}')}</title></rect>"
            )
    return out


def _bar_line(frame: _Frame, line: Series, percent_line: bool) -> list[str]:
    inner = frame.height - frame.bottom - frame.top

    def y_of(value: float) -> float:
        return frame.top + (100 - value) / 100 * inner if percent_line else frame.y(value)

    points = [(frame.x(i), y_of(float(v))) for i, v in enumerate(line.values) if v is not None and math.isfinite(v)]
    if not points:
        return []
    path = " ".join(f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(points))
    title = f"<title>{escape(line.label)}</title>"
    out = [f'<path d="{path}" fill="none" stroke="{ALERT}" stroke-width="1.8">{title}</path>']
    out += [
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{ALERT}" stroke="#ffffff" stroke-width="1"/>' for x, y in points
    ]
    return out


def _bar_legend(frame: _Frame, bars: Sequence[Series], line: Series | None, ident: str) -> list[str]:
    out = []
    x = frame.left
    y = 14
    for n, series in enumerate(bars):
        out.append(
            f'<rect x="{x}" y="{y - 9}" width="14" height="10" {_bar_fill(n, ident)}/>'
            f'<text x="{x + 18}" y="{y}" font-size="11" fill="{INK}">{escape(series.label)}</text>'
        )
        x += 30 + round(6.5 * len(series.label))
    if line is not None:
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 22}" y2="{y - 4}" stroke="{ALERT}" stroke-width="1.8"/>'
            f'<circle cx="{x + 11}" cy="{y - 4}" r="3" fill="{ALERT}"/>'
            f'<text x="{x + 26}" y="{y}" font-size="11" fill="{INK}">{escape(line.label)}</text>'
        )
    return out
