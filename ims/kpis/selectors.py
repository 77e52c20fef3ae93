"""Reads of KPIs, control charts and equipment: visibility by site in SQL, KPI values per period.

A KPI value is worked out from period totals of its series, summed in the
database with one GROUP BY per series over the readings (interval series add
their values, register series their consumption, sampled series are
averaged). Periods are calendar months, quarters or years in the time zone of
the KPI's site (or of its first series for an organisation-wide KPI).

Readings are placed in their period by comparing their instant with the
periods' boundaries, worked out here as instants of the zone (so a
daylight-saving change moves a boundary, never a reading), in a CASE
expression: truncating each row's timestamp in a time zone would call back
into Python for every reading on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Case, IntegerField, Q, QuerySet, Sum, Value, When

from ims.accounts.permissions import Action, scope_for, visible
from ims.core.errors import NotFound
from ims.kpis.models import (
    ChartSignal,
    ControlChart,
    Direction,
    EnergyBaseline,
    Equipment,
    Kpi,
    KpiStatus,
    KpiTerm,
    Period,
    Role,
)
from ims.monitoring import units
from ims.monitoring.models import Reading, ReadingKind, Series

DAY = "day"  # the period of energy baselines (daily totals), besides the KPI periods
STEP: dict[str, int] = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


# -- visibility ------------------------------------------------------------------------------------


def kpis_visible_to(user: Any) -> QuerySet[Kpi]:
    """KPIs of the reader's sites and the organisation-wide ones."""
    qs = Kpi.objects.select_related("site")
    scope = scope_for(user, Action.VIEW)
    if scope.all_sites:
        return qs
    return qs.filter(Q(site__isnull=True) | Q(site_id__in=sorted(scope.site_ids)))


def charts_visible_to(user: Any) -> QuerySet[ControlChart]:
    return visible(ControlChart.objects.select_related("series__site"), user, site_field="series__site")


def signals_visible_to(user: Any) -> QuerySet[ChartSignal]:
    return visible(
        ChartSignal.objects.select_related("chart__series__site", "event"), user, site_field="chart__series__site"
    )


def equipment_visible_to(user: Any) -> QuerySet[Equipment]:
    return visible(Equipment.objects.select_related("site"), user)


def baselines_visible_to(user: Any) -> QuerySet[EnergyBaseline]:
    return visible(
        EnergyBaseline.objects.select_related("energy__site", "production", "temperature"),
        user,
        site_field="energy__site",
    )


def baseline_get(user: Any, pk: int) -> EnergyBaseline:
    record = baselines_visible_to(user).filter(pk=pk).first()
    if record is None:
        raise NotFound(f"No energy baseline with id {pk} that you may see.")
    return record


def kpi_get(user: Any, pk: int) -> Kpi:
    kpi = kpis_visible_to(user).filter(pk=pk).first()
    if kpi is None:
        raise NotFound(f"No KPI with id {pk} that you may see.")
    return kpi


def chart_get(user: Any, pk: int) -> ControlChart:
    chart = charts_visible_to(user).filter(pk=pk).first()
    if chart is None:
        raise NotFound(f"No control chart with id {pk} that you may see.")
    return chart


def signal_get(user: Any, pk: int) -> ChartSignal:
    signal = signals_visible_to(user).filter(pk=pk).first()
    if signal is None:
        raise NotFound(f"No control chart signal with id {pk} that you may see.")
    return signal


def equipment_get(user: Any, pk: int) -> Equipment:
    item = equipment_visible_to(user).filter(pk=pk).first()
    if item is None:
        raise NotFound(f"No measuring equipment with id {pk} that you may see.")
    return item


# -- periods ---------------------------------------------------------------------------------------


def period_floor(day: dt.date, period: str) -> dt.date:
    step = STEP[period]
    return dt.date(day.year, (day.month - 1) // step * step + 1, 1)


def period_next(start: dt.date, period: str) -> dt.date:
    index = start.year * 12 + start.month - 1 + STEP[period]
    return dt.date(index // 12, index % 12 + 1, 1)


def period_label(start: dt.date, period: str) -> str:
    if period == Period.YEAR:
        return f"{start.year}"
    if period == Period.QUARTER:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


def recent_periods(period: str, *, count: int, today: dt.date) -> list[dt.date]:
    """The starts of the last ``count`` periods that have ended before ``today``, oldest first."""
    current = period_floor(today, period)
    starts: list[dt.date] = []
    index = current.year * 12 + current.month - 1
    for k in range(count, 0, -1):
        i = index - k * STEP[period]
        starts.append(dt.date(i // 12, i % 12 + 1, 1))
    return starts


# -- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiValue:
    start: dt.date
    label: str
    value: float | None
    status: KpiStatus


def status_of(kpi: Kpi, value: float | None) -> KpiStatus:
    """On track when the target is met, at risk up to the threshold, off track beyond it."""
    if value is None:
        return KpiStatus.NO_DATA
    if kpi.direction == Direction.HIGHER:
        if value >= kpi.target:
            return KpiStatus.ON_TRACK
        return KpiStatus.AT_RISK if value >= kpi.at_risk else KpiStatus.OFF_TRACK
    if value <= kpi.target:
        return KpiStatus.ON_TRACK
    return KpiStatus.AT_RISK if value <= kpi.at_risk else KpiStatus.OFF_TRACK


def zone_for(kpi: Kpi, terms: list[KpiTerm]) -> ZoneInfo:
    if kpi.site is not None:
        return ZoneInfo(kpi.site.time_zone)
    if terms:
        return ZoneInfo(terms[0].series.site.time_zone)
    return ZoneInfo("UTC")


def period_starts(period: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
    """The starts of the periods (``"day"`` or a KPI period) holding the days of [start, end), oldest first."""
    starts: list[dt.date] = []
    if period == DAY:
        day = start
        while day < end:
            starts.append(day)
            day += dt.timedelta(days=1)
        return starts
    day = period_floor(start, period)
    while day < end:
        starts.append(day)
        day = period_next(day, period)
    return starts


def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    # A midnight skipped by a daylight-saving change resolves (fold 0) to the instant of the change,
    # the first instant whose local date is ``day``.
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)


def period_index(field: str, bounds: list[dt.datetime], low: int = 0, high: int | None = None) -> Any:
    """The index of the period a datetime column falls in, as nested SQL CASEs over its start instants.

    ``bounds`` are the periods' starts, ascending; the CASEs halve them at each level, so a row
    is placed in a handful of comparisons. Rows before the first start get index 0: callers
    filter to the window first.
    """
    high = len(bounds) if high is None else high
    if high - low == 1:
        return Value(low, output_field=IntegerField())
    middle = (low + high) // 2
    return Case(
        When(**{f"{field}__lt": bounds[middle]}, then=period_index(field, bounds, low, middle)),
        default=period_index(field, bounds, middle, high),
        output_field=IntegerField(),
    )


def series_period_totals(
    series: Series, *, period: str, tz: ZoneInfo, start: dt.date, end: dt.date, mean: bool = False
) -> dict[dt.date, float]:
    """Totals (or with ``mean``, averages) of one series per period starting in [start, end), in SQL.

    Keys are the periods' starts (local dates); a period without readings has no key.
    """
    starts = period_starts(period, start=start, end=end)
    if not starts:
        return {}
    begin = _local_midnight(start, tz)
    finish = _local_midnight(end, tz)
    qs = Reading.objects.filter(series=series, ts__gte=begin, ts__lt=finish)
    if mean or series.reading_kind == ReadingKind.SAMPLE:
        aggregate: Any = Avg("value")
    elif series.reading_kind == ReadingKind.REGISTER:
        aggregate = Sum("consumption")
    else:
        aggregate = Sum("value")
    bounds = [_local_midnight(day, tz) for day in starts]
    rows = (
        qs.annotate(p=period_index("ts", bounds))
        .values("p")
        .annotate(total=aggregate)
        .order_by()
        .values_list("p", "total")
    )
    return {starts[index]: float(total) for index, total in rows if total is not None}


def kpi_terms(kpi: Kpi) -> list[KpiTerm]:
    return list(kpi.terms.select_related("series__site").order_by("role", "position", "id"))


def _side(terms: list[KpiTerm], role: str, sums: dict[int, dict[dt.date, float]], start: dt.date) -> float | None:
    """The signed sum of one side of the formula in one period, in the unit of its first series."""
    side = [t for t in terms if t.role == role]
    if not side:
        return None
    target_unit = side[0].series.unit
    total = 0.0
    seen = False
    for term in side:
        value = sums[term.pk].get(start)
        if value is None:
            continue
        seen = True
        total += term.sign * float(units.conversion(term.series.unit, target_unit).apply(value))
    return total if seen else None


def values(kpi: Kpi, *, periods: list[dt.date]) -> list[KpiValue]:
    """The KPI's value and status in each of ``periods`` (period starts, oldest first).

    A period without readings on the numerator, or with a denominator of zero or without
    readings, has no value (status "no data") rather than a misleading 0.
    """
    if not periods:
        return []
    terms = kpi_terms(kpi)
    tz = zone_for(kpi, terms)
    start, end = min(periods), period_next(max(periods), kpi.period)
    sums: dict[int, dict[dt.date, float]] = defaultdict(dict)
    for term in terms:
        sums[term.pk] = series_period_totals(term.series, period=kpi.period, tz=tz, start=start, end=end)
    result = []
    has_denominator = any(t.role == Role.DENOMINATOR for t in terms)
    for day in periods:
        top = _side(terms, Role.NUMERATOR, sums, day)
        value: float | None = None
        if top is not None:
            if has_denominator:
                bottom = _side(terms, Role.DENOMINATOR, sums, day)
                value = kpi.scale * top / bottom if bottom else None
            else:
                value = kpi.scale * top
        result.append(KpiValue(day, period_label(day, kpi.period), value, status_of(kpi, value)))
    return result


def latest_value(kpi: Kpi, *, today: dt.date) -> KpiValue:
    """The KPI in the last period that has ended."""
    return values(kpi, periods=recent_periods(kpi.period, count=1, today=today))[0]


# -- objectives ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveProgress:
    kpi: Kpi
    value: KpiValue
    progress: Any  # Decimal percent
    elapsed: Any
    status: str


def progress_for(objective: Any, *, today: dt.date) -> ObjectiveProgress | None:
    """An objective's progress measured by its KPI's latest period, or None when no KPI measures it.

    The objective's own baseline, target and deadline decide the status, with the
    rules of :mod:`ims.objectives.progress`; the KPI only supplies the measured value.
    """
    from decimal import Decimal

    from ims.objectives.progress import assess

    kpi = Kpi.objects.filter(objectives=objective, archived_at__isnull=True).select_related("site").first()
    if kpi is None:
        return None
    latest = latest_value(kpi, today=today)
    measured = None if latest.value is None else Decimal(str(round(latest.value, 4)))
    progress, elapsed, status = assess(
        baseline=objective.baseline_value,
        target=objective.target_value,
        value=measured,
        start=objective.baseline_date,
        deadline=objective.deadline,
        today=today,
    )
    return ObjectiveProgress(kpi, latest, progress, elapsed, str(status))
