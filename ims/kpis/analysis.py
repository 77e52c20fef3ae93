"""A control chart worked out from its series' readings: points, limits, violations, capability.

Pure reads (no writes): the chart page and :func:`ims.kpis.services.scan_charts`
both use :func:`analyse`, so the page shows exactly the violations that are recorded.

Attribute charts (p, np, c, u) have one point per day or ISO week in the
site's time zone: the readings of the count series in that period added up
and, for p, np and u, those of the size series too. A period with a size and
no count recorded counts zero (nonconformities are often recorded only when
there are some). A period whose size is 0, that has no size, or (c charts) no
count, is not a point; it is listed as skipped so the page can say why. The moment of a point is the start of its
period, so a signal keeps its identity while later readings of the same day
arrive. A period is in the baseline when it lies wholly inside the window.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from ims.kpis.models import SIZED_KINDS, ChartKind, ControlChart, Subgrouping
from ims.monitoring.models import Series
from ims.monitoring.selectors import readings
from ims.spc import capability as spc_capability
from ims.spc import charts as spc_charts
from ims.spc import rules as spc_rules

MAX_POINTS = 2000  # the latest readings plotted; a chart of more points cannot be read


@dataclass(frozen=True)
class SingleChart:
    """An attribute chart stands alone (no dispersion companion): ``location`` is the chart itself."""

    location: spc_charts.Chart


@dataclass(frozen=True)
class Tally:
    """The counts and sizes of one period of an attribute chart."""

    start: dt.datetime  # the period's first moment, in UTC
    end: dt.datetime
    label: str
    count: float | None  # None: no count reading in the period
    size: float | None  # None: no size reading (or a c chart, which has no sizes)


@dataclass(frozen=True)
class Skipped:
    label: str
    reason: str


class DataProblem(ValueError):
    """Readings an attribute chart cannot plot; ``field`` names the chart field to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Analysis:
    chart: ControlChart
    pair: spc_charts.ChartPair | SingleChart | None
    labels: list[str]
    moments: list[dt.datetime]  # the moment of each position (last reading of a subgroup, start of a period)
    violations: list[spc_rules.Violation] = field(default_factory=list)
    capability: spc_capability.Capability | None = None
    problem: str = ""  # why no chart or no capability could be computed, in words
    skipped: list[Skipped] = field(default_factory=list)  # attribute charts: periods that are not points

    def moment_of(self, violation: spc_rules.Violation) -> dt.datetime:
        return self.moments[violation.index]

    @property
    def y_label(self) -> str:
        """What the vertical axis shows: the series' unit, or the attribute statistic."""
        if self.chart.is_attribute:
            return spc_charts.ChartKind(self.chart.kind).statistic
        return str(self.chart.series.unit)


def _groups(
    chart: ControlChart, rows: Sequence[tuple[dt.datetime, float]], tz: ZoneInfo
) -> list[list[tuple[dt.datetime, float]]]:
    if chart.subgrouping == Subgrouping.SIZE and chart.subgroup_size:
        n = chart.subgroup_size
        return [list(rows[i : i + n]) for i in range(0, len(rows) - len(rows) % n, n)]
    if chart.subgrouping in (Subgrouping.DAY, Subgrouping.WEEK):
        days: dict[dt.date, list[tuple[dt.datetime, float]]] = {}
        for ts, value in rows:
            days.setdefault(_period_of(ts, tz, chart.subgrouping), []).append((ts, value))
        return [g for g in days.values() if len(g) >= 2]
    return [[row] for row in rows]


def analyse(chart: ControlChart) -> Analysis:
    """The chart's points, limits from the baseline window, rule violations, capability.

    A chart starts at its baseline window: readings before it are history the
    limits were not meant for, and would only show up as violations of them.
    """
    if chart.is_attribute:
        return _analyse_attribute(chart)
    tz = ZoneInfo(chart.series.site.time_zone)
    since = readings(chart.series).filter(ts__gte=chart.baseline_from)
    rows = list(since.values_list("ts", "value"))[-MAX_POINTS:]
    groups = _groups(chart, rows, tz)
    moments = [g[-1][0] for g in groups]
    labels = point_labels(moments, tz=tz, subgrouping=chart.subgrouping)
    base = [i for i, g in enumerate(groups) if chart.baseline_from <= g[0][0] and g[-1][0] < chart.baseline_to]
    try:
        rules = spc_rules.parse_rules(chart.rules)
        pair = _pair(chart, groups, base)
    except (ValueError, ZeroDivisionError) as exc:
        return Analysis(chart, None, labels, moments, problem=str(exc))
    violations = spc_rules.check(pair.location, rules=rules)
    capability, problem = _capability(chart, groups, base)
    return Analysis(chart, pair, labels, moments, violations, capability, problem)


def point_labels(moments: Sequence[dt.datetime], *, tz: ZoneInfo, subgrouping: str) -> list[str]:
    """The axis label of each point, in the site's time zone, no longer than it needs to be.

    A point per day is named by its date and a point per week by its ISO week,
    like the periods of attribute charts. Points of single readings or of
    fixed-size subgroups are named by their date while each day has at most one;
    once a day has several, every label carries the time too, so they stay apart.
    """
    local = [m.astimezone(tz) for m in moments]
    if subgrouping == Subgrouping.WEEK:
        weeks = [m.date().isocalendar() for m in local]
        return [f"{w.year}-W{w.week:02d}" for w in weeks]
    days = [m.date() for m in local]
    if subgrouping == Subgrouping.DAY or len(set(days)) == len(days):
        return [day.isoformat() for day in days]
    return [m.strftime("%Y-%m-%d %H:%M") for m in local]


def _analyse_attribute(chart: ControlChart) -> Analysis:
    try:
        rules = spc_rules.parse_rules(chart.rules)
        points, skipped = attribute_points(chart)
        base = [i for i, t in enumerate(points) if chart.baseline_from <= t.start and t.end <= chart.baseline_to]
        labels, moments = [t.label for t in points], [t.start for t in points]
    except ValueError as exc:
        return Analysis(chart, None, [], [], problem=str(exc))
    try:
        located = SingleChart(_attribute_chart(chart, points, base))
    except (ValueError, ZeroDivisionError) as exc:
        return Analysis(chart, None, labels, moments, problem=str(exc), skipped=skipped)
    violations = spc_rules.check(located.location, rules=rules)
    return Analysis(chart, located, labels, moments, violations, skipped=skipped)


def _period_of(ts: dt.datetime, tz: ZoneInfo, subgrouping: str) -> dt.date:
    day = ts.astimezone(tz).date()
    return day - dt.timedelta(days=day.weekday()) if subgrouping == Subgrouping.WEEK else day


def _totals(series: Series, tz: ZoneInfo, subgrouping: str, since: dt.datetime) -> dict[dt.date, float]:
    """Each period's total from ``since`` on (a week earlier, so the period holding ``since`` is whole)."""
    sums: dict[dt.date, list[float]] = {}
    rows = readings(series).filter(ts__gte=since - dt.timedelta(days=7))
    for ts, value in rows.values_list("ts", "value"):
        sums.setdefault(_period_of(ts, tz, subgrouping), []).append(value)
    return {day: math.fsum(values) for day, values in sums.items()}


def _tally(day: dt.date, tz: ZoneInfo, subgrouping: str, count: float | None, size: float | None) -> Tally:
    weekly = subgrouping == Subgrouping.WEEK
    after = day + dt.timedelta(days=7 if weekly else 1)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(after, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    year, week, _ = day.isocalendar()
    label = f"{year}-W{week:02d}" if weekly else day.isoformat()
    return Tally(start, end, label, count, size)


def attribute_points(chart: ControlChart) -> tuple[list[Tally], list[Skipped]]:
    """The periods plotted on an attribute chart and those skipped, oldest first, from the baseline window on.

    Raises :class:`DataProblem` for readings no such chart can plot: a
    negative count or size, more nonconforming items than the sample (p, np),
    or an np chart whose sizes vary.
    """
    tz = ZoneInfo(chart.series.site.time_zone)
    counts = _totals(chart.series, tz, chart.subgrouping, chart.baseline_from)
    sized = chart.kind in SIZED_KINDS
    sizes = {}
    if sized and chart.size_series:
        sizes = _totals(chart.size_series, tz, chart.subgrouping, chart.baseline_from)
    points: list[Tally] = []
    skipped: list[Skipped] = []
    for day in sorted(set(counts) | set(sizes)):
        # A period with a sample and no count reading had nothing to count: nonconformities are often
        # recorded only when there are some, and leaving those periods out would overstate the rate.
        count = counts.get(day, 0.0 if sized and day in sizes else None)
        tally = _tally(day, tz, chart.subgrouping, count, sizes.get(day))
        if tally.end <= chart.baseline_from:  # the chart starts at its baseline window
            continue
        reason = _skip_reason(tally, sized=sized)
        if reason:
            skipped.append(Skipped(tally.label, reason))
        else:
            _check_tally(chart, tally)
            points.append(tally)
    points = points[-MAX_POINTS:]
    _check_constant_size(chart, points)
    return points, skipped


def _skip_reason(tally: Tally, *, sized: bool) -> str:
    if tally.count is None:
        return "no count recorded"
    if not sized:
        return ""
    if tally.size is None:
        return "no sample size recorded"
    if tally.size == 0:
        return "sample size 0"
    return ""


def _check_tally(chart: ControlChart, tally: Tally) -> None:
    count, size = tally.count or 0.0, tally.size
    if count < 0:
        raise DataProblem("series", f"{tally.label}: the count is {count:g}; counts cannot be negative.")
    if size is not None and size < 0:
        raise DataProblem("size_series", f"{tally.label}: the sample size is {size:g}; sizes cannot be negative.")
    if chart.kind in (ChartKind.P, ChartKind.NP) and size is not None and count > size:
        raise DataProblem(
            "size_series",
            f"{tally.label}: {count:g} nonconforming out of a sample of {size:g}; "
            "the count cannot exceed the sample size.",
        )


def _check_constant_size(chart: ControlChart, points: list[Tally]) -> None:
    if chart.kind != ChartKind.NP or not points:
        return
    base = [t for t in points if chart.baseline_from <= t.start and t.end <= chart.baseline_to]
    sizes = sorted({t.size or 0.0 for t in base})
    if len(sizes) > 1:
        raise DataProblem(
            "kind",
            f"An np chart needs the same sample size in every period; in the baseline the sizes vary "
            f"from {sizes[0]:g} to {sizes[-1]:g}. Use a p chart.",
        )
    common = sizes[0] if sizes else points[0].size
    other = next((t for t in points if t.size != common), None)
    if other is not None:
        raise DataProblem(
            "kind",
            f"An np chart needs the same sample size in every period; {other.label} has {other.size or 0:g} "
            f"where the baseline has {common or 0:g}. Use a p chart.",
        )


def _attribute_chart(chart: ControlChart, points: list[Tally], base: list[int]) -> spc_charts.Chart:
    if len(base) < 2:
        raise ValueError(
            f"The baseline window holds {len(base)} points; at least 2 are needed to compute control limits."
        )
    counts = [t.count or 0.0 for t in points]
    sizes = [t.size or 0.0 for t in points]
    if chart.kind == ChartKind.C:
        return spc_charts.c_chart(counts=counts, baseline=base)
    if chart.kind == ChartKind.U:
        return spc_charts.u_chart(counts=counts, units=sizes, baseline=base)
    if chart.kind == ChartKind.NP:
        return spc_charts.np_chart(nonconforming=counts, sizes=sizes, baseline=base)
    return spc_charts.p_chart(nonconforming=counts, sizes=sizes, baseline=base)


def _pair(chart: ControlChart, groups: list[list[tuple[dt.datetime, float]]], base: list[int]) -> spc_charts.ChartPair:
    if len(base) < 2:
        raise ValueError(
            f"The baseline window holds {len(base)} points; at least 2 are needed to compute control limits."
        )
    values = [[v for _, v in g] for g in groups]
    if chart.kind == ChartKind.INDIVIDUALS:
        return spc_charts.individuals_moving_range(values=[v[0] for v in values], baseline=base)
    if chart.kind == ChartKind.XBAR_S:
        return spc_charts.xbar_s(subgroups=values, baseline=base)
    return spc_charts.xbar_r(subgroups=values, baseline=base)


def _capability(
    chart: ControlChart, groups: list[list[tuple[dt.datetime, float]]], base: list[int]
) -> tuple[spc_capability.Capability | None, str]:
    if chart.lsl is None and chart.usl is None:
        return None, ""
    values = [[v for _, v in groups[i]] for i in base]
    try:
        if chart.kind == ChartKind.INDIVIDUALS:
            return spc_capability.capability_from_individuals(
                values=[v[0] for v in values], lsl=chart.lsl, usl=chart.usl
            ), ""
        within: Literal["range", "stdev"] = "stdev" if chart.kind == ChartKind.XBAR_S else "range"
        return spc_capability.capability_from_subgroups(
            subgroups=values, lsl=chart.lsl, usl=chart.usl, within=within
        ), ""
    except (ValueError, ZeroDivisionError) as exc:
        return None, str(exc)
