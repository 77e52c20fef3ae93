"""A control chart worked out from its series' readings: points, limits, violations, capability.

Pure reads (no writes): the chart page and :func:`ims.kpis.services.scan_charts`
both use :func:`analyse`, so the page shows exactly the violations that are recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from ims.kpis.models import ChartKind, ControlChart, Subgrouping
from ims.monitoring.selectors import readings
from ims.spc import capability as spc_capability
from ims.spc import charts as spc_charts
from ims.spc import rules as spc_rules

MAX_POINTS = 2000  # the latest readings plotted; a chart of more points cannot be read


@dataclass(frozen=True)
class Analysis:
    chart: ControlChart
    pair: spc_charts.ChartPair | None
    labels: list[str]
    moments: list[dt.datetime]  # the moment of each position (last reading of a subgroup)
    violations: list[spc_rules.Violation] = field(default_factory=list)
    capability: spc_capability.Capability | None = None
    problem: str = ""  # why no chart or no capability could be computed, in words

    def moment_of(self, violation: spc_rules.Violation) -> dt.datetime:
        return self.moments[violation.index]


def _groups(
    chart: ControlChart, rows: Sequence[tuple[dt.datetime, float]], tz: ZoneInfo
) -> list[list[tuple[dt.datetime, float]]]:
    if chart.subgrouping == Subgrouping.SIZE and chart.subgroup_size:
        n = chart.subgroup_size
        return [list(rows[i : i + n]) for i in range(0, len(rows) - len(rows) % n, n)]
    if chart.subgrouping == Subgrouping.DAY:
        days: dict[dt.date, list[tuple[dt.datetime, float]]] = {}
        for ts, value in rows:
            days.setdefault(ts.astimezone(tz).date(), []).append((ts, value))
        return [g for g in days.values() if len(g) >= 2]
    return [[row] for row in rows]


def analyse(chart: ControlChart) -> Analysis:
    """The chart's points over all readings, limits from the baseline window, rule violations, capability."""
    tz = ZoneInfo(chart.series.site.time_zone)
    rows = list(readings(chart.series).values_list("ts", "value"))[-MAX_POINTS:]
    groups = _groups(chart, rows, tz)
    moments = [g[-1][0] for g in groups]
    labels = [m.astimezone(tz).strftime("%Y-%m-%d %H:%M") for m in moments]
    base = [i for i, g in enumerate(groups) if chart.baseline_from <= g[0][0] and g[-1][0] < chart.baseline_to]
    try:
        rules = spc_rules.parse_rules(chart.rules)
        pair = _pair(chart, groups, base)
    except (ValueError, ZeroDivisionError) as exc:
        return Analysis(chart, None, labels, moments, problem=str(exc))
    violations = spc_rules.check(pair.location, rules=rules)
    capability, problem = _capability(chart, groups, base)
    return Analysis(chart, pair, labels, moments, violations, capability, problem)


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
