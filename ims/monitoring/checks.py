"""Readiness check for 9.1.1 (monitoring, measurement, analysis): the series are actually being recorded."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, QuerySet, Subquery

from ims.monitoring.models import Frequency, Reading, Series
from ims.monitoring.selectors import FIXED, last_complete_period, slots
from ims.readiness.checks import CheckResult, register

# How far back gaps are looked for, by expected frequency.
WINDOW_DAYS: dict[str, int] = {
    Frequency.MIN15: 30,
    Frequency.MIN30: 30,
    Frequency.HOUR: 30,
    Frequency.DAY: 30,
    Frequency.WEEK: 91,
    Frequency.MONTH: 366,
    Frequency.QUARTER: 731,
    Frequency.YEAR: 1096,
}
NAMED = 10


def _expected_slots(series: Series, tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> int:
    """Slots of the frequency that begin in [start, end)."""
    if end <= start:
        return 0
    step = FIXED.get(series.expected_frequency)
    if step is not None:
        first = -(-int(start.timestamp()) // step) * step
        return max(0, (int(end.timestamp()) - 1 - first) // step + 1)
    return sum(1 for slot in slots(series.expected_frequency, tz, start, end) if slot >= start)


def _counts(active: QuerySet[Series], now: dt.datetime) -> dict[int, int]:
    """Readings per series over each frequency's window (one grouped query per window length)."""
    by_days: dict[int, list[int]] = defaultdict(list)
    for pk, frequency in active.values_list("pk", "expected_frequency"):
        by_days[WINDOW_DAYS[frequency]].append(pk)
    counts: dict[int, int] = {}
    for days, ids in by_days.items():
        rows = (
            Reading.objects.filter(series_id__in=ids, ts__gte=now - dt.timedelta(days=days), ts__lt=now)
            .values("series_id")
            .annotate(n=Count("ts"))
            .values_list("series_id", "n")
        )
        counts.update(rows)
    return counts


def _problem(series: Series, count: int, now: dt.datetime) -> str:
    """Why a series fails, or ''."""
    tz = ZoneInfo(series.site.time_zone)
    period_start, current = last_complete_period(series.expected_frequency, tz, now)
    latest = series.latest_ts  # type: ignore[attr-defined]
    if latest is None:
        return f"{series.reference}: no reading yet"
    if latest < period_start:
        return f"{series.reference}: no reading since {latest.astimezone(tz):%Y-%m-%d %H:%M}"
    window_start = now - dt.timedelta(days=WINDOW_DAYS[series.expected_frequency])
    start = max(window_start, series.first_ts)  # type: ignore[attr-defined]
    expected = _expected_slots(series, tz, start, now)
    if latest < current and current >= start:
        expected -= 1  # the current period is not over yet
    if count < expected:
        return f"{series.reference}: {expected - count} of {expected} expected readings missing"
    return ""


@register(
    "monitoring_recorded",
    title="Monitoring series are read at their expected frequency, without gaps",
    clauses=[("iso9001", "9.1.1"), ("iso14001", "9.1.1")],
)
def monitoring_recorded(now: dt.datetime) -> CheckResult:
    active = Series.objects.filter(archived_at__isnull=True).exclude(expected_frequency=Frequency.IRREGULAR)
    if not Series.objects.filter(archived_at__isnull=True).exists():
        return CheckResult.no_data("No data yet: no monitoring series is recorded.")
    readings = Reading.objects.filter(series=OuterRef("pk"))
    annotated = active.select_related("site").annotate(
        first_ts=Subquery(readings.order_by("ts").values("ts")[:1]),
        latest_ts=Subquery(readings.order_by("-ts").values("ts")[:1]),
    )
    counts = _counts(active, now)
    problems, failing, total = [], [], 0
    for series in annotated.order_by("reference"):
        total += 1
        problem = _problem(series, counts.get(series.pk, 0), now)
        if problem:
            problems.append(problem)
            failing.append(f"monitoring.series:{series.pk}")
    if not total:
        return CheckResult.passed("Monitoring series are recorded; none has an expected frequency to check against.")
    if problems:
        named = "; ".join(problems[:NAMED]) + (f"; and {len(problems) - NAMED} more" if len(problems) > NAMED else "")
        return CheckResult.failed(
            f"{len(problems)} of {total} monitoring series are behind or have gaps: {named}.", *failing
        )
    return CheckResult.passed(
        f"{total} monitoring series have a reading for their last expected period and no gaps in recent periods."
    )
